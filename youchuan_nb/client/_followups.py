"""Follow-up operations on a job, as methods of ``Job`` (each is one ``Client`` call)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..contract import InvalidRequest
from ..contract.prompt import MOTIONS

if TYPE_CHECKING:  # pragma: no cover
    from ._client import Client
    from ._job import Job


class FollowUps:
    """Mixed into ``Job``: ``job.upscale(2)`` is ``client.upscale(job.id, 2)``."""

    _client: Client

    @property
    def id(self) -> str:  # pragma: no cover - Job provides it
        raise NotImplementedError

    def _child(self, method: str, *args: Any, **kwargs: Any) -> Job:
        return getattr(self._client, method)(self.id, *args, **kwargs)

    def upscale(self, image_no: int, type: str | int = "standard", **kw: Any) -> Job:
        return self._child("upscale", image_no, type, **kw)

    def vary(
        self, image_no: int, strong: bool = False, remix_prompt: str | None = None, **kw: Any
    ) -> Job:
        return self._child(
            "variation", image_no, 1 if strong else 0, remix_prompt=remix_prompt, **kw
        )

    def reroll(self, **kw: Any) -> Job:
        return self._child("reroll", **kw)

    def pan(
        self,
        image_no: int,
        direction: str | int,
        scale: float = 1.5,
        remix_prompt: str | None = None,
        **kw: Any,
    ) -> Job:
        return self._child("pan", image_no, direction, scale, remix_prompt=remix_prompt, **kw)

    def zoom_out(
        self, image_no: int, scale: float = 2.0, remix_prompt: str | None = None, **kw: Any
    ) -> Job:
        return self._child("outpaint", image_no, scale, remix_prompt=remix_prompt, **kw)

    def inpaint(
        self, image_no: int, mask: dict[str, Any], remix_prompt: str | None = None, **kw: Any
    ) -> Job:
        return self._child("inpaint", image_no, mask, remix_prompt=remix_prompt, **kw)

    def remix(self, image_no: int, prompt: str, mode: str | int | None = None, **kw: Any) -> Job:
        return self._child("remix", image_no, prompt, mode=mode, **kw)

    def edit(
        self,
        image_no: int,
        canvas: dict[str, Any],
        img_pos: dict[str, Any],
        prompt: str,
        mask: dict[str, Any] | None = None,
        **kw: Any,
    ) -> Job:
        return self._child("edit", image_no, canvas, img_pos, prompt, mask=mask, **kw)

    def enhance(self, image_no: int, **kw: Any) -> Job:
        return self._child("enhance", image_no, **kw)

    def animate(
        self,
        image_no: int,
        prompt: str | None = None,
        *,
        motion: str | None = None,
        resolution: str | int | None = None,
        **kw: Any,
    ) -> Job:
        """A video from one image of this job; ``motion`` "low" or "high"."""
        if motion is not None:
            if motion not in MOTIONS:
                raise InvalidRequest(
                    "motion", motion, " or ".join(map(repr, MOTIONS)), endpoint="animate"
                )
            prompt = f"{prompt or ''} --motion {motion}".strip()
        return self._client.video_diffusion(
            prompt=prompt, job_id=self.id, image_no=image_no, video_type=resolution, **kw
        )

    def extend(self, video_no: int, prompt: str, **kw: Any) -> Job:
        return self._child("extend_video", video_no, prompt, **kw)

    def upscale_video(self, video_no: int, **kw: Any) -> Job:
        return self._child("video_upscale", video_no, **kw)
