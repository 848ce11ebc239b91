"""``Job``: one generation job, its lineage, polling and follow-up operations.

Modelled on replicate-python's Prediction: the object holds the last answer of the service,
``refresh()`` reloads it and ``wait()`` polls until a terminal state. What the follow-up rules
need to know about it (:meth:`Job.facts`) comes from the contract, from how it was made and from
its parent's facts: the simulator derives its own jobs' facts with the same function.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..contract import (
    InvalidRequest,
    JobFacts,
    JobState,
    Prompt,
    child_facts,
    describe_comment,
    is_done,
    is_failed,
    is_video_endpoint,
    is_video_name,
    job_label,
    job_state,
    own_prompt,
    parse_prompt,
)
from ._errors import (
    DownloadError,
    JobFailedError,
    JobTimeoutError,
    UnreadableAnswerError,
    YouchuanError,
    shorten,
)
from ._followups import FollowUps
from ._media import inside, safe_name
from ._poll_state import PollState

if TYPE_CHECKING:  # pragma: no cover
    from PIL.Image import Image

    from ._client import Client

#: Answers in a row that the reader cannot read before polling stops and the error is final.
UNREADABLE_LIMIT = 3
log = logging.getLogger("youchuan_nb")


@dataclass(frozen=True)
class Output:
    """One result of a job: an image or a video."""

    index: int
    url: str
    audit: str  # non-empty: this output was rejected by moderation, with the reason

    @property
    def rejected(self) -> bool:
        return bool(self.audit)


class Job(FollowUps):
    """A job submitted to the service (or looked up by id)."""

    def __init__(
        self,
        client: Client,
        raw: dict[str, Any],
        *,
        action: str = "unknown",
        params: dict[str, Any] | None = None,
        parent: Job | None = None,
        parent_id: str | None = None,
        image_no: int | None = None,
        local_id: str | None = None,
    ) -> None:
        self._client = client
        self._lock = threading.RLock()
        self.raw: dict[str, Any] = {}
        # the id is fixed at creation: a later answer can never move the job elsewhere
        self._id = str(raw.get("id", "")) if isinstance(raw, dict) else ""
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
        self._made: JobFacts | None = None  # facts from how it was made (computed once)
        self.poll_error = ""  # why the last poll failed, if it did
        self.poll_gave_up = False
        #: Why outputs could not be saved by the last ``cached_paths()`` ("" for those saved).
        self.download_problems: list[str] = []
        self._unreadable = 0  # answers in a row the reader could not read
        self.poll = PollState(client.poll_schedule, action)
        self._apply(raw)
        self.poll.plan()

    # -- the service's fields ----------------------------------------------------------------
    @property
    def id(self) -> str:
        return self._id

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
        own = own_prompt(self.params)
        return str(self.raw.get("text") or own or "")

    # -- derived state -------------------------------------------------------------------------
    @property
    def failed(self) -> bool:
        return is_failed(self.raw)

    @property
    def ok(self) -> bool:
        """Finished successfully with its results available."""
        return self.done and not self.failed

    @property
    def done(self) -> bool:
        """In a terminal state. Success without URLs yet is a known transient, not done."""
        return is_done(self.raw)

    @property
    def state(self) -> JobState:
        """queued, running, finishing (success, results not visible yet), finished or failed."""
        return job_state(self.raw)

    @property
    def status_name(self) -> str:
        return self.state

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
        return is_video_endpoint(self.action) or any(is_video_name(u) for u in self.urls)

    @property
    def prompt(self) -> Prompt:
        return parse_prompt(self.text)

    @property
    def model(self) -> str:
        """The model that made it: its own ``--v``/``--niji``, else its parent's."""
        return self.made_facts().model

    @property
    def label(self) -> str:
        """Lineage in words, e.g. "Upscale (creative) of image 2 of job 1a2b3c4d"."""
        return job_label(self.action, self.params, self.parent_id)

    def made_facts(self) -> JobFacts:
        """The facts that follow from how the job was made (from the contract, computed once)."""
        if self._made is None:
            body = self.params
            if self.parent is None and own_prompt(body) is None and self.text:
                body = {**body, "text": self.text}  # looked up by id: its answer has the prompt
            parent = self.parent.made_facts() if self.parent is not None else None
            self._made = child_facts(self.action, body, parent)
        return self._made

    def facts(self) -> JobFacts:
        """What the follow-up rules need to know about this job now."""
        return self.made_facts().answered(self.status if self.done else None, len(self.urls))

    # -- updates -------------------------------------------------------------------------------
    def on_change(self, callback: Callable[[Job], None]) -> None:
        """Call ``callback(job)`` after every change of state (from any thread)."""
        if not callable(callback):
            raise InvalidRequest(
                "callback", callback, "a function of the job", endpoint="on_change"
            )
        self._listeners.append(callback)

    def apply(self, raw: dict[str, Any], *, seen_at: float | None = None) -> bool:
        """Merge an answer of the service about this job (``seen_at``: when it was true,
        monotonic); True if anything changed. A late answer never undoes an ending."""
        if seen_at is not None and not _seconds(seen_at):
            raise InvalidRequest("seen_at", seen_at, "a time.monotonic() value", endpoint="apply")
        return self._apply(raw, seen_at=seen_at)

    def _apply(self, raw: dict[str, Any], *, seen_at: float | None = None) -> bool:
        with self._lock:
            if not isinstance(raw, dict):
                return False
            seen_at = time.monotonic() if seen_at is None else seen_at
            was_tracked, was_done = bool(self.raw), self.done
            if was_done and not is_done(raw):
                # an older poll answering late (another thread) must never undo an ending
                return False
            merged = {**self.raw, **raw}
            if self._id:
                merged["id"] = self._id
            changed = merged != self.raw
            self.raw = merged
            self.poll.last_answer_at = max(self.poll.last_answer_at, seen_at)
            if self.done and self.finished_at is None:
                self.finished_at = time.time()
            if not self.done:
                self.poll.running_at = seen_at
            elif was_tracked and not was_done and not self.failed:
                self.poll.learn_end(seen_at)
        if changed:
            self._notify()
        return changed

    def _notify(self) -> None:
        for cb in list(self._listeners):
            try:
                cb(self)
            except Exception:  # a broken listener must not stop polling
                pass

    def note_poll_error(self, message: str, *, gave_up: bool = False) -> None:
        """Record why the last poll failed (shown on the card); ``gave_up``: the service will
        not answer for this job again, so stop polling it (it no longer counts against the
        plan's concurrency)."""
        if not isinstance(message, str) or not isinstance(gave_up, bool):
            raise InvalidRequest(
                "message", message, "a message string (gave_up: True or False)", endpoint="poll"
            )
        message = shorten(message)
        changed = message != self.poll_error or gave_up != self.poll_gave_up
        self.poll_error, self.poll_gave_up = message, gave_up
        if changed:
            self._notify()

    def refresh(self) -> Job:
        """Reload the job from the service.

        Callers in several threads (a notebook's poller, a submit waiting for a slot, ``wait``)
        share one request: a call made while a GET of this job is on its way waits for its
        answer instead of sending another."""

        def fetch() -> float:
            sent = time.monotonic()
            try:
                raw = self._client.raw_job(self.id)
            except UnreadableAnswerError as exc:
                self._unreadable += 1
                # a shape we cannot read will not fix itself: after a few, stop and say so
                self.note_poll_error(str(exc), gave_up=self._unreadable >= UNREADABLE_LIMIT)
                raise
            self._unreadable = 0
            # the answer was true somewhere between sending and receiving: take the middle
            seen = (sent + time.monotonic()) / 2.0
            self._apply(raw, seen_at=seen)
            return seen

        self.poll.poll(fetch, wait_timeout=float(self._client.timeout) + 5)
        return self

    def poll_if_due(self) -> bool:
        """Refresh if a poll is due and none is on its way; True if this call polled."""
        if self.done or not self.poll.due():
            return False
        self.refresh()
        return True

    @property
    def next_poll_at(self) -> float:
        """When this job should be polled next (``time.monotonic()`` clock)."""
        return self.poll.next_at

    def defer_poll(self, seconds: float) -> None:
        """Poll this job no sooner than ``seconds`` from now (after a failed poll)."""
        if not _seconds(seconds):
            raise InvalidRequest("seconds", seconds, "a number of seconds >= 0", endpoint="defer")
        self.poll.defer(seconds)

    @property
    def poll_due_in(self) -> float:
        """Seconds until this job should be polled again (negative: overdue)."""
        return self.poll.next_at - time.monotonic()

    def wait(
        self,
        timeout: float = 900.0,
        *,
        poll_interval: float | None = None,
        raise_on_failure: bool = True,
    ) -> Job:
        """Poll until the job ends; return it. Raises JobFailedError if it failed."""
        if not _seconds(timeout):
            raise InvalidRequest("timeout", timeout, "a number of seconds >= 0", endpoint="wait")
        if poll_interval is not None and not _seconds(poll_interval):
            raise InvalidRequest(
                "poll_interval", poll_interval, "a number of seconds >= 0", endpoint="wait"
            )
        deadline = time.monotonic() + timeout
        while not self.done:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise JobTimeoutError(self, timeout)
            delay = poll_interval if poll_interval is not None else max(0.0, self.poll_due_in)
            time.sleep(min(delay, remaining))
            try:
                self.refresh()
            except UnreadableAnswerError:
                if self.poll_gave_up:
                    raise
        if self.failed and raise_on_failure:
            raise JobFailedError(self)
        return self

    # -- media ---------------------------------------------------------------------------------
    def cached_paths(self) -> list[Path | None]:
        """Local copies of the outputs, downloading any not yet cached (needs a finished job)."""
        if not self.ok:
            return []
        reported = self._client.media.fetch_all_reporting(self.id, self.urls)
        paths = [path for path, _ in reported]
        self.download_problems = [problem for _, problem in reported]
        store = self._client.store
        if store is not None:
            try:
                store.record_media(self.id, [str(p) if p else None for p in paths])
            except YouchuanError as exc:  # the files are saved: a store failure only warns
                log.warning("youchuan_nb: %s", exc)
        return paths

    def download(self, folder: str | Path | None = None) -> list[Path]:
        """Save the outputs into ``folder`` (the local cache when None); returns the paths.
        Raises ``DownloadError`` (saying why, output by output) when none could be saved."""
        if folder is not None and not isinstance(folder, (str, os.PathLike)):
            raise InvalidRequest("folder", folder, "a folder path", endpoint="download")
        if not self.done:
            self.wait()
        if self.failed:
            raise JobFailedError(self)
        paths = [p for p in self.cached_paths() if p is not None]
        if not paths:
            problems = [p for p in self.download_problems if p]
            raise DownloadError(self.id, problems or ["the job has no outputs"])
        if folder is None:
            return paths
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        saved = []
        stem = safe_name(self.id)  # server text never picks the folder or the name
        for p in paths:
            target = inside(out, f"{stem}_{p.name}")
            target.write_bytes(p.read_bytes())
            saved.append(target)
        return saved

    def images(self) -> list[Image]:
        """The output images as PIL images (loaded from the local cache)."""
        from PIL import Image as PILImage

        result: list[Image] = []
        for p in self.download():
            if not is_video_name(p):
                im = PILImage.open(p)
                im.load()
                result.append(im)
        return result

    # -- display -------------------------------------------------------------------------------
    def __repr__(self) -> str:
        bits = [
            f"id={shorten(self.id, 200)!r}",
            f"action={self.action!r}",
            f"status={self.status_name!r}",
        ]
        if self.failed:
            bits.append(f"comment={shorten(self.comment, 300)!r}")
        if self.urls:
            bits.append(f"outputs={len(self.urls)}")
        return f"Job({', '.join(bits)})"


def _seconds(value: Any) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value >= 0
    )
