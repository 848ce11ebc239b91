"""Seeded, reproducible fault injection for the simulator.

Every decision is a pure function of ``(seed, counter)``: the n-th faultable request (and the
n-th created job) gets the same fate in every run with the same seed, whatever the timing. Assign
a new :class:`Faults` to ``sim.faults`` to start counting from zero again.

Per request (``on_submit`` for job-creating POSTs, ``on_poll`` for every other /v1/tob call):

* ``drop``: the TCP connection is closed without any response;
* ``server_error``: 500 Internal_Server_Error;
* ``busy``: 503 Server_Busy;
* ``slow``: the answer is delayed by ``slow_seconds`` (combines with the others).

For job-creating POSTs these three happen *before* a job is created, so a retry after them never
makes a second job. (A real 500 might come after creation: clients must not retry a 500 on a
submit, and the simulator does not pretend otherwise.) The ambiguous case has its own knob:

* ``drop_after_create``: the job is created (and charged), then the connection is dropped.

Per job:

* ``fail``: the job ends with status 3 and ``fail_comment`` (None = one of the documented
  failure comments, chosen by the seed);
* ``success_before_urls``: status 2 is reported with ``urls: []`` for
  ``success_before_urls_seconds`` before the urls appear;
* ``audit_reject``: per output, the ``audits`` entry is a rejection reason (the url stays).
"""

from __future__ import annotations

import itertools
import random
import threading
from dataclasses import dataclass, field

from ..contract.errors import FAILURE_COMMENTS

AUDIT_REJECTION = "内容审核未通过: simulated rejection"


@dataclass(frozen=True)
class RequestFate:
    n: int
    outcome: str | None  # None | "drop" | "server_error" | "busy"
    slow: float  # seconds to wait before answering
    drop_after_create: bool


@dataclass(frozen=True)
class JobFate:
    n: int
    fail_comment: str | None  # None = the job succeeds
    success_before_urls: float  # seconds of "status 2, urls []" (0 = none)
    audit_rejects: tuple[bool, ...]  # per output index (up to 4)


@dataclass
class Faults:
    seed: int = 0
    busy: float = 0.0
    server_error: float = 0.0
    drop: float = 0.0
    slow: float = 0.0
    slow_seconds: float = 1.5
    success_before_urls: float = 0.0
    success_before_urls_seconds: float = 1.0
    audit_reject: float = 0.0
    fail: float = 0.0
    fail_comment: str | None = "JobStatusFail"
    on_submit: bool = True
    on_poll: bool = True
    drop_after_create: float = 0.0
    # What happened, in order: ("request"|"job", counter, kind).
    events: list = field(default_factory=list, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in (
            "busy",
            "server_error",
            "drop",
            "slow",
            "success_before_urls",
            "audit_reject",
            "fail",
            "drop_after_create",
        ):
            value = getattr(self, name)
            if not (0.0 <= float(value) <= 1.0):
                raise ValueError(f"Faults.{name} is a probability from 0 to 1, got {value!r}")
        self._requests = itertools.count()
        self._jobs = itertools.count()
        self._lock = threading.Lock()

    def _rng(self, kind: str, n: int) -> random.Random:
        return random.Random(f"youchuan-sim/{self.seed}/{kind}/{n}")

    def for_request(self, submit: bool) -> RequestFate | None:
        """The fate of the next faultable request, or None when faults do not apply to it."""
        if not (self.on_submit if submit else self.on_poll):
            return None
        with self._lock:
            n = next(self._requests)
        rng = self._rng("request", n)
        u, u_slow, u_after = rng.random(), rng.random(), rng.random()
        outcome = None
        if u < self.drop:
            outcome = "drop"
        elif u < self.drop + self.server_error:
            outcome = "server_error"
        elif u < self.drop + self.server_error + self.busy:
            outcome = "busy"
        slow = self.slow_seconds if u_slow < self.slow else 0.0
        after = submit and outcome is None and u_after < self.drop_after_create
        fate = RequestFate(n, outcome, slow, after)
        if outcome or slow or after:
            self.events.append(
                ("request", n, outcome or ("drop_after_create" if after else "slow"))
            )
        return fate

    def for_job(self) -> JobFate:
        with self._lock:
            n = next(self._jobs)
        rng = self._rng("job", n)
        u_fail, u_sbu = rng.random(), rng.random()
        audits = tuple(rng.random() < self.audit_reject for _ in range(4))
        pick = rng.choice(FAILURE_COMMENTS)
        comment = None
        if u_fail < self.fail:
            comment = self.fail_comment if self.fail_comment is not None else pick
        sbu = self.success_before_urls_seconds if u_sbu < self.success_before_urls else 0.0
        if comment:
            self.events.append(("job", n, "fail"))
        return JobFate(n, comment, sbu, audits)
