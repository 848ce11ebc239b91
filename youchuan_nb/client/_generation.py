"""The job-creating endpoints of ``Client``: one method per endpoint, each returning a ``Job``.

Arguments keep the API's meaning; enum names ("strong", "720p", "left") are mapped to the API's
integers by the contract, and every call is checked before anything is sent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from ._job import Job
    from ._uploads import Uploads


class GenerationMethods:
    """Mixed into ``Client``: images (12 endpoints) and video (3 endpoints)."""

    uploads: Uploads  # Client sets it

    def _submit(self, ep_name: str, fields: dict[str, Any]) -> Job:
        raise NotImplementedError  # pragma: no cover - Client provides it

    # -- the user's own pictures -----------------------------------------------------------
    def upload(self, image: Any) -> str:
        """A URL the service can fetch for a local picture: a path (``str`` or ``Path``), a PIL
        image, a NumPy array or bytes. The picture is checked, turned upright (EXIF), stripped
        of its metadata (GPS, camera) and bounded in size, then put on the configured image
        host (``Client(image_host=...)``, ``YOUCHUAN_IMAGE_HOST``; the simulator keeps it
        itself). The same content is uploaded once. Raises ``PictureError`` (a ValueError)."""
        return self.uploads.upload(image)

    # -- image generation ------------------------------------------------------------------
    def diffusion(self, text: str, callback: str | None = None) -> Job:
        """POST /v1/tob/diffusion: a grid of 4 images from a prompt."""
        return self._submit("diffusion", {"text": text, "callback": callback})

    imagine = diffusion

    def variation(
        self,
        job_id: str,
        image_no: int,
        type: str | int,
        remix_prompt: str | None = None,
        callback: str | None = None,
    ) -> Job:
        """POST /v1/tob/variation: type "subtle" (0) or "strong" (1)."""
        return self._submit(
            "variation",
            {
                "jobId": job_id,
                "imageNo": image_no,
                "type": type,
                "remixPrompt": remix_prompt,
                "callback": callback,
            },
        )

    def upscale(
        self, job_id: str, image_no: int, type: str | int, callback: str | None = None
    ) -> Job:
        """POST /v1/tob/upscale: type "standard", "creative", "v5_2x", "v5_4x" (0-3)."""
        return self._submit(
            "upscale", {"jobId": job_id, "imageNo": image_no, "type": type, "callback": callback}
        )

    def reroll(
        self, job_id: str, callback: str | None = None, *, image_no: int | None = None
    ) -> Job:
        """POST /v1/tob/reroll: the same prompt again, new images. ``image_no`` is sent only
        when given (the document has no reroll section; its class of calls takes one)."""
        return self._submit("reroll", {"jobId": job_id, "imageNo": image_no, "callback": callback})

    def pan(
        self,
        job_id: str,
        image_no: int,
        direction: str | int,
        scale: float,
        remix_prompt: str | None = None,
        callback: str | None = None,
    ) -> Job:
        """POST /v1/tob/pan: direction "down", "right", "up", "left" (0-3), scale 1.1-3.0."""
        return self._submit(
            "pan",
            {
                "jobId": job_id,
                "imageNo": image_no,
                "direction": direction,
                "scale": scale,
                "remixPrompt": remix_prompt,
                "callback": callback,
            },
        )

    def outpaint(
        self,
        job_id: str,
        image_no: int,
        scale: float,
        remix_prompt: str | None = None,
        callback: str | None = None,
    ) -> Job:
        """POST /v1/tob/outpaint (zoom out): scale 1.1-2.0."""
        return self._submit(
            "outpaint",
            {
                "jobId": job_id,
                "imageNo": image_no,
                "scale": scale,
                "remixPrompt": remix_prompt,
                "callback": callback,
            },
        )

    def inpaint(
        self,
        job_id: str,
        image_no: int,
        mask: dict,
        remix_prompt: str | None = None,
        callback: str | None = None,
    ) -> Job:
        """POST /v1/tob/inpaint (vary region): mask {"areas": [...]} or {"url": ...}."""
        return self._submit(
            "inpaint",
            {
                "jobId": job_id,
                "imageNo": image_no,
                "mask": mask,
                "remixPrompt": remix_prompt,
                "callback": callback,
            },
        )

    def remix(
        self,
        job_id: str,
        image_no: int,
        remix_prompt: str,
        mode: str | int | None = None,
        callback: str | None = None,
    ) -> Job:
        """POST /v1/tob/remix: mode "strong" (0, default) or "subtle" (1)."""
        return self._submit(
            "remix",
            {
                "jobId": job_id,
                "imageNo": image_no,
                "remixPrompt": remix_prompt,
                "mode": mode,
                "callback": callback,
            },
        )

    def edit(
        self,
        job_id: str,
        image_no: int,
        canvas: dict,
        img_pos: dict,
        remix_prompt: str,
        mask: dict | None = None,
        callback: str | None = None,
    ) -> Job:
        """POST /v1/tob/edit: place the image on a canvas {width,height} at img_pos
        {width,height,x,y}."""
        return self._submit(
            "edit",
            {
                "jobId": job_id,
                "imageNo": image_no,
                "canvas": canvas,
                "imgPos": img_pos,
                "remixPrompt": remix_prompt,
                "mask": mask,
                "callback": callback,
            },
        )

    def upload_paint(
        self,
        img_url: Any,
        mask: dict,
        canvas: dict,
        img_pos: dict,
        remix_prompt: str,
        callback: str | None = None,
    ) -> Job:
        """POST /v1/tob/upload-paint: edit an image given by URL or a local picture (see
        :meth:`upload`; the result allows only upscale)."""
        img_url = self.uploads.url_for(img_url, "img_url")
        return self._submit(
            "upload_paint",
            {
                "imgUrl": img_url,
                "mask": mask,
                "canvas": canvas,
                "imgPos": img_pos,
                "remixPrompt": remix_prompt,
                "callback": callback,
            },
        )

    def retexture(self, img_url: Any, remix_prompt: str, callback: str | None = None) -> Job:
        """POST /v1/tob/retexture of an image given by URL or a local picture (see
        :meth:`upload`; the result allows only upscale)."""
        img_url = self.uploads.url_for(img_url, "img_url")
        return self._submit(
            "retexture", {"imgUrl": img_url, "remixPrompt": remix_prompt, "callback": callback}
        )

    def remove_background(self, img_url: Any, callback: str | None = None) -> Job:
        """POST /v1/tob/remove-background of an image given by URL or a local picture."""
        img_url = self.uploads.url_for(img_url, "img_url")
        return self._submit("remove_background", {"imgUrl": img_url, "callback": callback})

    def enhance(self, job_id: str, image_no: int, callback: str | None = None) -> Job:
        """POST /v1/tob/enhance (only for --draft jobs)."""
        return self._submit("enhance", {"jobId": job_id, "imageNo": image_no, "callback": callback})

    # -- video ---------------------------------------------------------------------------------
    def video_diffusion(
        self,
        prompt: str | None = None,
        job_id: str | None = None,
        image_no: int | None = None,
        video_type: str | int | None = None,
        callback: str | None = None,
    ) -> Job:
        """POST /v1/tob/video-diffusion: from a prompt, or from image ``image_no`` of ``job_id``.

        video_type "480p" (0) or "720p" (1)."""
        return self._submit(
            "video_diffusion",
            {
                "prompt": prompt,
                "jobId": job_id,
                "imageNo": image_no,
                "videoType": video_type,
                "callback": callback,
            },
        )

    animate = video_diffusion

    def extend_video(
        self, job_id: str, video_no: int, prompt: str, callback: str | None = None
    ) -> Job:
        """POST /v1/tob/extend-video: about 4 s more (at most 4 times)."""
        return self._submit(
            "extend_video",
            {"jobId": job_id, "videoNo": video_no, "prompt": prompt, "callback": callback},
        )

    def video_upscale(
        self, job_id: str, video_no: int, callback: str | None = None, *, type: int | None = None
    ) -> Job:
        """POST /v1/tob/video-upscale: 1080p. ``type`` is sent only when given: it is not in the
        document's parameter list, but its samples send ``"type": 0``."""
        return self._submit(
            "video_upscale",
            {"jobId": job_id, "videoNo": video_no, "type": type, "callback": callback},
        )
