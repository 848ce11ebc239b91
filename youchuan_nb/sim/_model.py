"""What the simulator holds: accounts and simulated jobs (with their contract facts)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime

from ..contract import (
    STATUS_FAILED,
    STATUS_QUEUED,
    STATUS_RUNNING,
    STATUS_SUCCESS,
    JobFacts,
    Prompt,
)
from ._bodies import iso
from ._faults import JobFate

LONG_SIDE = 1024
GRID_OUTPUTS = 4  # _images.GRID_COUNT (not imported here: that would load PIL)
PLANNED_ENDPOINTS = frozenset({"diffusion", "reroll"})  # outputs known before they are drawn


def size_for(prompt: Prompt | None, long_side: int = LONG_SIDE) -> tuple[int, int]:
    w, h = prompt.aspect if prompt is not None else (1, 1)
    if prompt is not None and prompt.is_v81 and prompt.hd:
        long_side *= 2
    if w >= h:
        return long_side, max(16, round(long_side * h / w))
    return max(16, round(long_side * w / h)), long_side


@dataclass
class Account:
    app_id: str
    secret: str = field(repr=False)  # never in a repr or a log line
    balance: float
    active: set = field(default_factory=set)
    moodboards: dict = field(default_factory=dict)


@dataclass
class SimJob:
    """A simulated job. Times are ``time.monotonic()`` values of this process."""

    id: str
    n: int
    app: str
    endpoint: str
    body: dict
    callback: str | None
    text: str  # the prompt field as submitted, "" for endpoints without one
    render_text: str  # what the media generator draws from
    prompt: Prompt | None
    facts: JobFacts  # model, draft, extensions: contract.child_facts of its parent's facts
    parent: str | None
    index: int | None
    created: float
    created_at: datetime
    queue_s: float
    job_s: float
    seed: int
    price: float
    fate: JobFate
    ext: str = "png"
    done: bool = False  # media generated (or generation failed)
    done_at: float = 0.0
    planned: bool = False  # outputs known at creation: completes at run_end, drawn on the side
    error: str | None = None
    outputs: int = 0  # how many media files it has (known once done, or planned)
    refunded: bool = False
    finalized: bool = False
    callbacks: int = 0  # callbacks delivered
    gen_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def run_end(self) -> float:
        return self.created + self.queue_s + self.job_s

    @property
    def complete_at(self) -> float:
        """When the job is terminal with its urls visible (valid once ``done``)."""
        if self.fate.fail_comment:
            return self.run_end
        if self.planned:
            return self.run_end + self.fate.success_before_urls
        return max(self.run_end + self.fate.success_before_urls, self.done_at)

    @property
    def media_paths(self) -> list[str]:
        """The URL paths of its media (the URLs are these under the current base URL)."""
        return [f"/media/{self.id}/{i}.{self.ext}" for i in range(self.outputs)]

    # Kept for the existing readers of these fields (bench, job_record): facts are the source.
    @property
    def model(self) -> str:
        return self.facts.model

    @property
    def draft(self) -> bool:
        return self.facts.draft

    @property
    def extensions(self) -> int:
        return self.facts.extensions


def state_at(job: SimJob, now: float | None = None) -> tuple[int, str, bool]:
    """(status, enum comment, urls visible) at ``now``."""
    now = time.monotonic() if now is None else now
    if now < job.created + job.queue_s:
        return STATUS_QUEUED, "JobStatusQueued", False
    run_end = job.run_end
    if now < run_end:
        return STATUS_RUNNING, "JobStatusRunning", False
    if job.fate.fail_comment:
        return STATUS_FAILED, job.fate.fail_comment, False
    if job.done and job.error and not job.planned:
        return STATUS_FAILED, "JobStatusError", False
    ready = job.done or job.planned
    if job.fate.success_before_urls:
        visible = ready and now >= run_end + job.fate.success_before_urls
        return STATUS_SUCCESS, "JobStatusSuccess", visible
    if not ready:
        return STATUS_RUNNING, "JobStatusRunning", False
    return STATUS_SUCCESS, "JobStatusSuccess", True


def job_record(job: SimJob, view: dict, urls: list[str]) -> dict:
    """Everything the simulator knows about a job (``view``: its answer now)."""
    return {
        "id": job.id, "endpoint": job.endpoint, "app": job.app, "body": dict(job.body),
        "callback": job.callback is not None, "parent": job.parent, "index": job.index,
        "facts": job.facts, "model": job.facts.model, "draft": job.facts.draft,
        "extensions": job.facts.extensions, "seed": job.seed, "price": job.price,
        "refunded": job.refunded, "status": view["status"], "comment": view["comment"],
        "urls": urls, "outputs": job.outputs if job.done else 0, "done": job.done,
        "error": job.error, "fail_comment": job.fate.fail_comment,
        "callbacks_delivered": job.callbacks, "created": iso(job.created_at),
    }  # fmt: skip
