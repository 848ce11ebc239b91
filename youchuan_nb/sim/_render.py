"""Drawing a job's media: when (on demand, or waiting for a drawing under way) and how (one
renderer per endpoint, in :data:`RENDERERS`).

Rendering is deterministic (the job's seed, body and its parent's media), so media that are
gone (pruned from disk, or drawn by another process) can be drawn again on demand.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from ..contract import enum_name, loopback_path, parse_prompt
from ._media_store import MEDIA_PATH, Media, MediaStore
from ._model import LONG_SIDE, SimJob, size_for
from ._uploads import SimUploads
from ._workers import MediaProxy, media_module, one

MEDIA_WAIT = 60.0  # longest a media request waits for its image to be drawn


class MediaHost(Protocol):
    """What the painter needs of the service."""

    video_seconds: float
    extend_seconds: float
    processes: bool
    store: MediaStore

    def find_job(self, job_id: str) -> SimJob | None: ...

    def media_drawn(self, job: SimJob) -> None: ...


@dataclass
class Render:
    """One drawing: the job, its parent, the parent's image it starts from (if any)."""

    job: SimJob
    parent: SimJob | None
    src: bytes | None
    images: MediaProxy  # synthesis (._images)
    edits: MediaProxy  # edits of an existing image (._edits)
    painter: Painter

    @property
    def body(self) -> dict:
        return self.job.body

    def enum(self, name: str) -> str | None:
        return enum_name(self.job.endpoint, name, self.job.body.get(name))


class Painter:
    def __init__(self, host: MediaHost) -> None:
        self.host = host
        self.uploads = SimUploads(host.store)  # pictures uploaded to the simulator itself

    def media(self, module: str) -> MediaProxy:
        return media_module(module, self.host.processes)

    def has_media(self, job: SimJob) -> bool:
        return all(self.host.store.has(job.id, i, job.ext) for i in range(job.outputs))

    def ensure_media(
        self, job: SimJob, parent: SimJob | None = None, timeout: float | None = None
    ) -> bool:
        """Draw the job's media unless they exist (waiting while another thread draws them);
        True when they exist (or their drawing failed: see ``job.error``)."""
        if job.done and (job.error or self.has_media(job)):
            return True
        if not job.gen_lock.acquire(timeout=-1 if timeout is None else max(0.0, timeout)):
            return job.done
        try:
            if not job.done or not (job.error or self.has_media(job)):
                if parent is None and job.parent:
                    parent = self.host.find_job(job.parent)
                self._draw(job, parent)
        finally:
            job.gen_lock.release()
        return job.done

    def _draw(self, job: SimJob, parent: SimJob | None) -> None:
        redraw = job.done  # drawn before; its files are gone (pruned)
        try:
            if parent is not None:
                self.ensure_media(parent)  # a follow-up of a grid not drawn (or pruned)
            outputs = self.render(job, parent)
            for i, data in enumerate(outputs):
                self.host.store.put(job.id, i, data, job.ext)
            job.outputs = len(outputs)
        except Exception as exc:  # the job fails with JobStatusError; the server stays up
            if redraw:
                return  # its answers stay as they were; the media request gets a 404
            job.error = f"{type(exc).__name__}: {exc}"
            print(
                f"youchuan_nb.sim: media for job {job.id} ({job.endpoint}) failed:\n"
                + traceback.format_exc(),
                file=sys.stderr,
            )
        if redraw:
            return
        job.done_at = time.monotonic()
        job.done = True
        self.host.media_drawn(job)

    def media_at(self, path: str, timeout: float = MEDIA_WAIT) -> tuple[str, Media] | None:
        """(job id, media) for a media path, drawing (or waiting for) it if need be."""
        found = self.host.store.lookup_path(path)
        if found is not None:
            return found
        m = MEDIA_PATH.match(path)
        job = self.host.find_job(m["job"]) if m else None
        if m is None or job is None or job.ext != m["ext"] or int(m["n"]) >= job.outputs:
            return None
        self.ensure_media(job, timeout=timeout)
        return self.host.store.lookup_path(path)

    def own_media(self, url: str) -> bytes | None:
        """The bytes behind one of our media URLs (on whatever port it was made), drawing them
        first if need be."""
        path = loopback_path(url)
        if path is None or not MEDIA_PATH.match(path):
            return None
        found = self.media_at(path)
        return found[1].data if found is not None else None

    def source_of(self, parent: SimJob | None, index: int | None) -> bytes | None:
        if parent is None or index is None or parent.error:
            return None
        if not self.host.store.has(parent.id, index, parent.ext):
            self.ensure_media(parent)
        media = self.host.store.get(parent.id, index, parent.ext)
        return media.data if media is not None else None

    def fetched(self, url: str) -> bytes | None:
        """The image behind a URL the simulator can reach (its media, its uploads, a URL on
        this machine such as object storage on loopback), else None."""
        data = self.own_media(url)
        return data if data is not None else self.uploads.source(url)

    def source_from_url(self, url: str, w: int = LONG_SIDE, h: int = LONG_SIDE) -> bytes:
        data = self.fetched(url)
        if data is not None:
            return data
        return one(self.media("_images").placeholder_source(url, w, h))

    def render(self, job: SimJob, parent: SimJob | None) -> list[bytes]:
        src = self.source_of(parent, job.index)
        r = Render(job, parent, src, self.media("_images"), self.media("_edits"), self)
        return RENDERERS[job.endpoint](r)


# ---- one renderer per endpoint ---------------------------------------------------------------
def _diffusion(r: Render) -> list[bytes]:
    w, h = size_for(r.job.prompt)
    first = r.job.prompt.images[0] if r.job.prompt is not None and r.job.prompt.images else None
    source = r.painter.fetched(first) if first else None
    if source is not None:  # an image prompt it can see: the grid varies that picture
        return list(r.edits.variation(r.images.fit_png(source, w, h), "strong", r.job.seed))
    return list(r.images.grid_images(r.job.render_text, r.job.seed, w, h))


def _reroll(r: Render) -> list[bytes]:
    assert r.parent is not None
    w, h = size_for(r.parent.prompt)
    return list(r.images.grid_images(r.parent.render_text, r.job.seed, w, h))


def _variation(r: Render) -> list[bytes]:
    return list(r.edits.variation(r.src, r.enum("type") or "subtle", r.job.seed))


def _upscale(r: Render) -> list[bytes]:
    assert r.parent is not None
    if r.parent.facts.model.startswith("8"):  # v8.1: upscale = 4 HD images (docs)
        big = one(r.edits.upscale(r.src, 2))
        return list(r.edits.variation(big, "subtle", r.job.seed))
    factor = 4 if r.enum("type") == "v5_4x" else 2
    return [one(r.edits.upscale(r.src, factor))]


def _pan(r: Render) -> list[bytes]:
    direction = r.enum("direction") or "down"
    return list(r.edits.pan(r.src, direction, float(r.body["scale"]), r.job.seed))


def _outpaint(r: Render) -> list[bytes]:
    return list(r.edits.outpaint(r.src, float(r.body["scale"]), r.job.seed))


def _inpaint(r: Render) -> list[bytes]:
    mask, images, edits, seed = r.body["mask"], r.images, r.edits, r.job.seed
    if mask.get("url"):
        mask_png = r.painter.own_media(mask["url"])
        if mask_png is not None:
            return list(edits.inpaint_mask_image(r.src, mask_png, seed))
        w, h = images.image_size(r.src)
        return list(edits.inpaint(r.src, [[(0, 0), (w, 0), (w, h), (0, h)]], seed))
    polygons = edits.areas_to_polygons(mask["areas"], images.image_size(r.src))
    return list(edits.inpaint(r.src, polygons, seed))


def _remix(r: Render) -> list[bytes]:
    strength = r.enum("mode") or "strong"
    return list(r.edits.remix(r.src, r.body["remixPrompt"], strength, r.job.seed))


def _edit_from(r: Render, source: bytes | None) -> list[bytes]:
    c, p = r.body["canvas"], r.body["imgPos"]
    return list(
        r.edits.edit(
            source,
            (c["width"], c["height"]),
            (p["width"], p["height"], p["x"], p["y"]),
            r.body["remixPrompt"],
            r.job.seed,
        )
    )


def _edit(r: Render) -> list[bytes]:
    return _edit_from(r, r.src)


def _upload_paint(r: Render) -> list[bytes]:
    p = r.body["imgPos"]
    return _edit_from(r, r.painter.source_from_url(r.body["imgUrl"], p["width"], p["height"]))


def _retexture(r: Render) -> list[bytes]:
    source = r.painter.source_from_url(r.body["imgUrl"])
    return list(r.edits.retexture(source, r.body["remixPrompt"], r.job.seed))


def _remove_background(r: Render) -> list[bytes]:
    return [one(r.edits.remove_background(r.painter.source_from_url(r.body["imgUrl"])))]


def _enhance(r: Render) -> list[bytes]:
    return [one(r.edits.enhance(r.src, r.job.seed))]


def _extend_video(r: Render) -> list[bytes]:
    video = r.painter.media("_video")
    seconds = float(r.painter.host.extend_seconds)
    return [video.extend(r.src, r.body["prompt"], r.job.seed, seconds=seconds)]


def _video_upscale(r: Render) -> list[bytes]:
    return [r.painter.media("_video").upscale(r.src)]


def _video_diffusion(r: Render) -> list[bytes]:
    video, job, parent, src = r.painter.media("_video"), r.job, r.parent, r.src
    prompt_text = r.body.get("prompt", "") or (parent.render_text if parent else "")
    p = parse_prompt(prompt_text) if prompt_text else None
    if src is None and p is not None and p.images:
        w, h = size_for(p)
        src = r.painter.source_from_url(p.images[0], w, h)
    height = 720 if r.enum("videoType") == "720p" else 480
    motion = (p.get("motion") if p is not None else None) or "low"
    aw, ah = p.aspect if p is not None and p.has("ar") else (16, 9)
    seconds = float(r.painter.host.video_seconds)
    futures = [
        video.submit(
            "animate",
            src,
            prompt_text or job.render_text,
            (job.seed + i) % 2**32,
            height,
            seconds=seconds,
            motion=motion,
            aspect=aw / ah,
        )
        for i in range(job.facts.outputs)
    ]  # in parallel when a process pool is used
    return [f() for f in futures]


RENDERERS: dict[str, Callable[[Render], list[bytes]]] = {
    "diffusion": _diffusion,
    "reroll": _reroll,
    "variation": _variation,
    "upscale": _upscale,
    "pan": _pan,
    "outpaint": _outpaint,
    "inpaint": _inpaint,
    "remix": _remix,
    "edit": _edit,
    "upload_paint": _upload_paint,
    "retexture": _retexture,
    "remove_background": _remove_background,
    "enhance": _enhance,
    "video_diffusion": _video_diffusion,
    "extend_video": _extend_video,
    "video_upscale": _video_upscale,
}
