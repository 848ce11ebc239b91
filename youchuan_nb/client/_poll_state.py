"""When one job is polled next, and which answer of it came when.

Every caller that polls a job (a notebook's tracker, a submit waiting for a slot, ``wait()``)
shares one ``PollState``: at most one GET of a job is on its way at a time, and a caller that
arrives while one is on its way waits for its answer instead of sending another.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from ._polling import PollSchedule


class PollState:
    def __init__(self, schedule: PollSchedule, action: str) -> None:
        self._schedule = schedule
        self._action = action
        self.started = time.monotonic()
        self._next_at = self.started
        self._planned_with: tuple[float, float] | None = None  # the window _next_at came from
        self.last_answer_at = self.started  # monotonic time of the last answer
        self.running_at: float | None = None  # ... of the last answer that said "not done"
        self._cv = threading.Condition(threading.Lock())
        self._polling = False  # a GET of this job is on its way (shared by every caller)

    @property
    def in_flight(self) -> bool:
        return self._polling

    def delay(self, at: float) -> float:
        return self._schedule.delay(self._action, at - self.started)

    def plan(self) -> None:
        """Plan the next poll from now (after an answer or a failed poll)."""
        now = time.monotonic()
        self._planned_with = self._schedule.window(self._action)
        self._next_at = now + self.delay(now)

    def defer(self, seconds: float) -> None:
        """Poll no sooner than ``seconds`` from now (after a poll that failed)."""
        self._next_at = time.monotonic() + seconds

    @property
    def next_at(self) -> float:
        """When this job should be polled next (monotonic).

        When the schedule has learned something since the next poll was planned (a job of the
        same kind ended), the plan is redone from the last answer, so jobs submitted together
        are polled again soon after the first of them is seen to end."""
        window = self._schedule.window(self._action)
        if window != self._planned_with and not self._polling:
            self._planned_with = window
            replanned = self.last_answer_at + self.delay(self.last_answer_at)
            if replanned < self._next_at:
                self._next_at = replanned
        return self._next_at

    def learn_end(self, seen_at: float) -> None:
        """The job was seen done at ``seen_at``: teach the schedule the window it ended in, not
        the moment we happened to notice (which includes our own lag)."""
        running = None if self.running_at is None else self.running_at - self.started
        self._schedule.observe(self._action, seen_at - self.started, running_at=running)

    def poll(self, fetch: Callable[[], float], *, wait_timeout: float) -> bool:
        """Run ``fetch`` (which sends the GET and applies the answer) unless a GET is already on
        its way, in which case wait for that one. True if this call fetched."""
        with self._cv:
            if self._polling:
                self._cv.wait_for(lambda: not self._polling, timeout=wait_timeout)
                return False
            self._polling = True
            # push the next poll out while this one is on its way, so nobody else sends one
            now = time.monotonic()
            self._next_at = now + max(self._schedule.floor, self.delay(now))
        try:
            fetch()
        finally:
            self.plan()
            with self._cv:
                self._polling = False
                self._cv.notify_all()
        return True

    def due(self) -> bool:
        with self._cv:
            return not self._polling and self.next_at <= time.monotonic()
