"""``Job``: one generation job, its lineage, polling and follow-up operations.

Modelled on replicate-python's Prediction: the object holds the last answer of the service,
``refresh()`` reloads it and ``wait()`` polls until a terminal state.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from ..contract import (STATUS_FAILED, STATUS_NAMES, STATUS_SUCCESS, JobFacts, Prompt,
                        describe_comment, parse_prompt)
from ..contract.rules import VIDEO_ACTIONS, child_is_draft
from ._errors import JobFailedError, JobTimeoutError

if TYPE_CHECKING:  # pragma: no cover
    from PIL.Image import Image

    from ._client import Client

ACTION_LABELS = {
    "diffusion": "Imagine", "variation": "Vary", "upscale": "Upscale", "reroll": "Reroll",
    "pan": "Pan", "outpaint": "Zoom out", "inpaint": "Vary (region)", "remix": "Remix",
    "edit": "Edit", "upload_paint": "Upload-paint", "retexture": "Retexture",
    "remove_background": "Remove background", "enhance": "Enhance",
    "video_diffusion": "Animate", "extend_video": "Extend video", "video_upscale": "Upscale video",
}
_UPSCALE_TYPES = {0: "standard", 1: "creative", 2: "v5 2x", 3: "v5 4x"}
_DIRECTIONS = {0: "down", 1: "right", 2: "up", 3: "left"}


@dataclass(frozen=True)
class Output:
    """One result of a job: an image or a video."""

    index: int
    url: str
    audit: str  # non-empty: this output was rejected by moderation, with the reason

    @property
    def rejected(self) -> bool:
        return bool(self.audit)


def _raw_done(raw: dict) -> bool:
    status = raw.get("status")
    if not isinstance(status, int) or isinstance(status, bool):
        return False
    return status >= STATUS_FAILED or (status == STATUS_SUCCESS and bool(raw.get("urls")))


class Job:
    """A job submitted to the service (or looked up by id)."""

    def __init__(self, client: Client, raw: dict, *, action: str = "unknown",
                 params: dict | None = None, parent: Job | None = None,
                 parent_id: str | None = None, image_no: int | None = None,
                 local_id: str | None = None) -> None:
        self._client = client
        self._lock = threading.RLock()
        self.raw: dict = {}
        self.action = action
        self.params = dict(params or {})
        self.parent = parent
        self.parent_id = parent_id or (parent.id if parent else None)
        self.image_no = image_no
        self.local_id = local_id
        self.children: list[Job] = []
        self.submitted_at = time.time()
        self.finished_at: float | None = None
        self._listeners: list[Callable[[Job], None]] = []
        self.poll_error = ""  # why the last poll failed, if it did
        self.poll_gave_up = False
        self._started = time.monotonic()
        self._next_at = self._started
        self._planned_with: tuple | None = None  # what the schedule knew when _next_at was set
        self._last_answer_at = self._started  # monotonic time of the last answer
        self._running_at: float | None = None  # ... of the last answer that said "not done"
        self._poll_cv = threading.Condition(threading.Lock())
        self._polling = False  # a GET of this job is on its way (shared by every caller)
        self._apply(raw)
        self._schedule_next()

    # -- the service's fields ----------------------------------------------------------------
    @property
    def id(self) -> str:
        return str(self.raw.get("id", ""))

    @property
    def status(self) -> Any:
        """0 queued, 1 running, 2 success, 3 failed; other values are kept as they come."""
        return self.raw.get("status")

    @property
    def comment(self) -> str:
        return str(self.raw.get("comment") or "")

    @property
    def urls(self) -> list[str]:
        urls = self.raw.get("urls")
        return [str(u) for u in urls] if isinstance(urls, list) else []

    @property
    def audits(self) -> list[str]:
        audits = self.raw.get("audits")
        return [str(a or "") for a in audits] if isinstance(audits, list) else []

    @property
    def text(self) -> str:
        return str(self.raw.get("text") or self.params.get("text") or self.params.get("prompt")
                   or self.params.get("remixPrompt") or "")

    # -- derived state -------------------------------------------------------------------------
    @property
    def failed(self) -> bool:
        s = self.status
        return isinstance(s, int) and not isinstance(s, bool) and s >= STATUS_FAILED

    @property
    def ok(self) -> bool:
        """Finished successfully with its results available."""
        return self.status == STATUS_SUCCESS and bool(self.urls)

    @property
    def done(self) -> bool:
        """In a terminal state. Success without URLs yet is a known transient, not done."""
        return self.ok or self.failed

    @property
    def status_name(self) -> str:
        if self.status == STATUS_SUCCESS and not self.urls:
            return "finishing"
        if self.failed:
            return "failed"
        return STATUS_NAMES.get(self.status, f"status {self.status}")

    @property
    def reason(self) -> str:
        """A failed job's comment in plain words."""
        return describe_comment(self.comment) if self.failed else ""

    @property
    def outputs(self) -> list[Output]:
        audits = self.audits
        return [Output(i, u, audits[i] if i < len(audits) else "") for i, u in enumerate(self.urls)]

    @property
    def is_video(self) -> bool:
        return self.action in VIDEO_ACTIONS or any(u.lower().split("?")[0].endswith(".mp4")
                                                    for u in self.urls)

    @property
    def prompt(self) -> Prompt:
        return parse_prompt(self.text)

    @property
    def model(self) -> str:
        own = self.prompt
        if own.has("version") or own.has("niji") or self.parent is None:
            return own.model
        return self.parent.model

    @property
    def label(self) -> str:
        """Lineage in words, e.g. "Upscale (creative) of image 2 of job 1a2b3c4d"."""
        name = ACTION_LABELS.get(self.action, self.action)
        p = self.params
        detail = ""
        if self.action == "upscale":
            detail = f" ({_UPSCALE_TYPES.get(p.get('type'), p.get('type'))})"
        elif self.action == "variation":
            detail = " (strong)" if p.get("type") == 1 else " (subtle)"
        elif self.action == "pan":
            detail = f" {_DIRECTIONS.get(p.get('direction'), '')} x{p.get('scale')}"
        elif self.action == "outpaint":
            detail = f" x{p.get('scale')}"
        elif self.action == "remix":
            detail = " (subtle)" if p.get("mode") == 1 else " (strong)"
        if not self.parent_id:
            return name + detail
        noun = "video" if self.action in ("extend_video", "video_upscale") else "image"
        which = (p.get("videoNo") if noun == "video" else p.get("imageNo"))
        of = f" of {noun} {which + 1}" if isinstance(which, int) else ""
        return f"{name}{detail}{of} of job {self.parent_id[:8]}"

    def facts(self) -> JobFacts:
        """What the follow-up rules need to know about this job."""
        depth = 0
        if self.action == "extend_video":
            node: Job | None = self
            while node is not None and node.action == "extend_video":
                depth += 1
                node = node.parent
        own = next((self.params[n] for n in ("text", "remixPrompt", "prompt")
                    if isinstance(self.params.get(n), str)), None)
        own_draft = parse_prompt(own).draft if own is not None else (
            self.prompt.draft if self.parent is None and self.text else None)
        draft = child_is_draft(self.action, own_draft,
                               bool(self.parent and self.parent.facts().draft))
        return JobFacts(action=self.action, model=self.model, draft=draft,
                        status=self.status if self.done else None, outputs=len(self.urls),
                        extensions=depth)

    # -- updates -------------------------------------------------------------------------------
    def on_change(self, callback: Callable[[Job], None]) -> None:
        """Call ``callback(job)`` after every change of state (from any thread)."""
        self._listeners.append(callback)

    def _apply(self, raw: dict, *, seen_at: float | None = None) -> bool:
        """Merge an answer of the service (``seen_at``: when it was true, monotonic)."""
        with self._lock:
            if not isinstance(raw, dict):
                return False
            seen_at = time.monotonic() if seen_at is None else seen_at
            was_tracked, was_done = bool(self.raw), self.done
            if was_done and not _raw_done(raw):
                # an older poll answering late (another thread) must never undo an ending
                return False
            merged = {**self.raw, **raw}
            changed = merged != self.raw
            self.raw = merged
            self._last_answer_at = max(self._last_answer_at, seen_at)
            if self.done and self.finished_at is None:
                self.finished_at = time.time()
            if not self.done:
                self._running_at = seen_at
            elif was_tracked and not was_done and not self.failed:
                # It ended between the last answer that said "running" and this one: learn that
                # window, not the moment we happened to notice (which includes our own lag).
                running = None if self._running_at is None else self._running_at - self._started
                self._client._schedule.observe(self.action, seen_at - self._started,
                                               running_at=running)
        if changed:
            self._client._job_changed(self)
            self._notify()
        return changed

    def _notify(self) -> None:
        for cb in list(self._listeners):
            try:
                cb(self)
            except Exception:  # a broken listener must not stop polling
                pass

    def _set_poll_error(self, message: str, *, gave_up: bool = False) -> None:
        """Record why the last poll failed (shown on the card); ``gave_up``: stop polling."""
        changed = message != self.poll_error or gave_up != self.poll_gave_up
        self.poll_error, self.poll_gave_up = message, gave_up
        if gave_up:
            self._client._slots.release(self)  # it no longer counts against the plan
        if changed:
            self._notify()

    def refresh(self) -> Job:
        """Reload the job from the service.

        Callers in several threads (a notebook's poller, a submit waiting for a slot, ``wait``)
        share one request: a call made while a GET of this job is on its way waits for its
        answer instead of sending another."""
        with self._poll_cv:
            if self._polling:
                self._poll_cv.wait_for(lambda: not self._polling,
                                       timeout=float(getattr(self._client, "timeout", 60)) + 5)
                return self
            self._polling = True
            # push the next poll out while this one is on its way, so nobody else sends one
            self._next_at = time.monotonic() + max(self._client._schedule.floor,
                                                   self._delay(time.monotonic()))
        try:
            sent = time.monotonic()
            raw = self._client._get_job_raw(self.id)
            # the answer was true somewhere between sending and receiving: take the middle
            self._apply(raw, seen_at=(sent + time.monotonic()) / 2.0)
        finally:
            self._schedule_next()
            with self._poll_cv:
                self._polling = False
                self._poll_cv.notify_all()
        return self

    def _poll_if_due(self) -> bool:
        """Refresh if a poll is due and none is on its way; True if this call polled."""
        with self._poll_cv:
            if self._polling or self.done or self._next_poll_at > time.monotonic():
                return False
        self.refresh()
        return True

    def _delay(self, at: float) -> float:
        return self._client._schedule.delay(self.action, at - self._started)

    def _schedule_next(self) -> None:
        now = time.monotonic()
        self._planned_with = self._client._schedule.window(self.action)
        self._next_at = now + self._delay(now)

    @property
    def _next_poll_at(self) -> float:
        """When this job should be polled next (monotonic).

        When the schedule has learned something since the next poll was planned (a job of the
        same kind ended), the plan is redone from the last answer, so jobs submitted together
        are polled again soon after the first of them is seen to end."""
        window = self._client._schedule.window(self.action)
        if window != self._planned_with and not self._polling:
            self._planned_with = window
            replanned = self._last_answer_at + self._delay(self._last_answer_at)
            if replanned < self._next_at:
                self._next_at = replanned
        return self._next_at

    @_next_poll_at.setter
    def _next_poll_at(self, value: float) -> None:
        self._next_at = value

    @property
    def poll_due_in(self) -> float:
        """Seconds until this job should be polled again (negative: overdue)."""
        return self._next_poll_at - time.monotonic()

    def wait(self, timeout: float = 900.0, *, poll_interval: float | None = None,
             raise_on_failure: bool = True) -> Job:
        """Poll until the job ends; return it. Raises JobFailedError if it failed."""
        deadline = time.monotonic() + timeout
        while not self.done:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise JobTimeoutError(self, timeout)
            delay = poll_interval if poll_interval is not None else max(0.0, self.poll_due_in)
            time.sleep(min(delay, remaining))
            self.refresh()
        if self.failed and raise_on_failure:
            raise JobFailedError(self)
        return self

    # -- follow-ups ----------------------------------------------------------------------------
    def _child(self, method: str, *args: Any, **kwargs: Any) -> Job:
        return getattr(self._client, method)(self.id, *args, **kwargs)

    def upscale(self, image_no: int, type: str | int = "standard", **kw: Any) -> Job:
        return self._child("upscale", image_no, type, **kw)

    def vary(self, image_no: int, strong: bool = False, remix_prompt: str | None = None,
             **kw: Any) -> Job:
        return self._child("variation", image_no, 1 if strong else 0, remix_prompt=remix_prompt,
                           **kw)

    def reroll(self, **kw: Any) -> Job:
        return self._child("reroll", **kw)

    def pan(self, image_no: int, direction: str | int, scale: float = 1.5,
            remix_prompt: str | None = None, **kw: Any) -> Job:
        return self._child("pan", image_no, direction, scale, remix_prompt=remix_prompt, **kw)

    def zoom_out(self, image_no: int, scale: float = 2.0, remix_prompt: str | None = None,
                 **kw: Any) -> Job:
        return self._child("outpaint", image_no, scale, remix_prompt=remix_prompt, **kw)

    def inpaint(self, image_no: int, mask: dict, remix_prompt: str | None = None, **kw: Any) -> Job:
        return self._child("inpaint", image_no, mask, remix_prompt=remix_prompt, **kw)

    def remix(self, image_no: int, prompt: str, mode: str | int | None = None, **kw: Any) -> Job:
        return self._child("remix", image_no, prompt, mode=mode, **kw)

    def edit(self, image_no: int, canvas: dict, img_pos: dict, prompt: str,
             mask: dict | None = None, **kw: Any) -> Job:
        return self._child("edit", image_no, canvas, img_pos, prompt, mask=mask, **kw)

    def enhance(self, image_no: int, **kw: Any) -> Job:
        return self._child("enhance", image_no, **kw)

    def animate(self, image_no: int, prompt: str | None = None, *, motion: str | None = None,
                resolution: str | int | None = None, **kw: Any) -> Job:
        """A video from one image of this job; ``motion`` "low" or "high"."""
        if motion is not None:
            if motion not in ("low", "high"):
                from ..contract import InvalidRequest
                raise InvalidRequest("motion", motion, "'low' or 'high'", endpoint="animate")
            prompt = f"{prompt or ''} --motion {motion}".strip()
        return self._client.video_diffusion(prompt=prompt, job_id=self.id, image_no=image_no,
                                            video_type=resolution, **kw)

    def extend(self, video_no: int, prompt: str, **kw: Any) -> Job:
        return self._child("extend_video", video_no, prompt, **kw)

    def upscale_video(self, video_no: int, **kw: Any) -> Job:
        return self._child("video_upscale", video_no, **kw)

    # -- media ---------------------------------------------------------------------------------
    def cached_paths(self) -> list[Path | None]:
        """Local copies of the outputs, downloading any not yet cached (needs a finished job)."""
        if not self.ok:
            return []
        paths = self._client.media.fetch_all(self.id, self.urls)
        if self._client.store is not None:
            self._client.store.record_media(self.id, [str(p) if p else None for p in paths])
        return paths

    def download(self, folder: str | Path | None = None) -> list[Path]:
        """Save the outputs into ``folder`` (the local cache when None); returns the paths."""
        if not self.done:
            self.wait()
        if self.failed:
            raise JobFailedError(self)
        paths = [p for p in self.cached_paths() if p is not None]
        if folder is None:
            return paths
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        saved = []
        for p in paths:
            target = out / f"{self.id}_{p.name}"
            target.write_bytes(p.read_bytes())
            saved.append(target)
        return saved

    def images(self) -> list[Image]:
        """The output images as PIL images (loaded from the local cache)."""
        from PIL import Image as PILImage

        result = []
        for p in self.download():
            if not str(p).endswith((".mp4", ".webm")):
                im = PILImage.open(p)
                im.load()
                result.append(im)
        return result

    # -- display -------------------------------------------------------------------------------
    def __repr__(self) -> str:
        bits = [f"id={self.id!r}", f"action={self.action!r}", f"status={self.status_name!r}"]
        if self.failed:
            bits.append(f"comment={self.comment!r}")
        if self.urls:
            bits.append(f"outputs={len(self.urls)}")
        return f"Job({', '.join(bits)})"

    def _ipython_display_(self) -> None:
        from ..notebook import show_job  # lazy: the notebook layer is optional for scripts

        show_job(self)
