"""What the simulator holds: accounts and simulated jobs (with their contract facts)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime

from ..contract import JobFacts, Prompt
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
    secret: str
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
