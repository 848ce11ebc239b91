"""Keep no more jobs in flight than the plan allows.

Instead of drawing 429 Max_Concurrent_Limited answers, a submit waits locally for a free slot.
A waiting caller polls the jobs in flight itself (on their schedule), so a plain script with no
background thread still makes progress; a notebook's poller refreshing the same Job objects
frees slots just as well. However many callers wait, one of them polls at a time (the others
sleep until a job ends or a poll falls due), and they are served first come, first served, so
jobs start in the order they were submitted.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ._client import Client
    from ._job import Job

DEFAULT_LIMIT = 3
_LIMIT_KEYS = (
    "maxConcurrent",
    "max_concurrent",
    "maxConcurrency",
    "concurrency",
    "concurrent",
    "maxConcurrentJobs",
)


class Slots:
    def __init__(self, client: Client, limit: int | None) -> None:
        self._client = client
        self._limit = limit
        self._cond = threading.Condition()
        self._active: dict[str, Job] = {}
        self._reserved = 0
        self._queue: deque[object] = deque()  # tickets of the callers waiting, oldest first
        self._polling = False  # a waiting caller is polling a job in flight right now
        self.waiting = 0  # callers waiting for a slot right now (the card says so)

    @property
    def limit(self) -> int:
        if self._limit is None:
            self._limit = self._discover()
        return self._limit

    @limit.setter
    def limit(self, value: int) -> None:
        with self._cond:
            self._limit = value
            self._cond.notify_all()

    def _discover(self) -> int:
        """The plan's concurrency from subscribe, where the service says it; else the default."""
        try:
            info = self._client.subscribe()
        except Exception:
            return DEFAULT_LIMIT
        if isinstance(info, dict):
            plan, data = info.get("plan"), info.get("data")
            for scope in (
                info,
                plan if isinstance(plan, dict) else {},
                data if isinstance(data, dict) else {},
            ):
                for key in _LIMIT_KEYS:
                    value = scope.get(key)
                    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                        return value
        return DEFAULT_LIMIT

    def active(self) -> list[Job]:
        with self._cond:
            return list(self._active.values())

    def free(self) -> int:
        limit = self.limit  # may ask the service (subscribe): never under the lock
        with self._cond:
            return limit - len(self._active) - self._reserved

    def track(self, job: Job) -> None:
        with self._cond:
            if not job.done:
                self._active[job.id] = job
            self._cond.notify_all()

    def release(self, job: Job) -> None:
        """Stop counting a job we can no longer follow (the service forgot it)."""
        with self._cond:
            if self._active.pop(job.id, None) is not None:
                self._cond.notify_all()

    def changed(self, job: Job) -> None:
        # ended, or the service will not answer for it again: it no longer counts
        if job.done or job.poll_gave_up:
            with self._cond:
                if self._active.pop(job.id, None) is not None:
                    self._cond.notify_all()

    @contextmanager
    def slot(self) -> Iterator[None]:
        limit = self.limit  # may ask the service (subscribe): never under the lock
        ticket = object()
        with self._cond:
            self._queue.append(ticket)
            self.waiting += 1
        try:
            while True:
                job = None
                with self._cond:
                    full = len(self._active) + self._reserved >= limit
                    if not full and self._queue[0] is ticket:
                        self._queue.popleft()
                        self._reserved += 1
                        self._cond.notify_all()  # the next in line may have a slot too
                        break
                    wait = 1.0
                    if full and not self._polling and self._active:
                        due = min(self._active.values(), key=lambda j: j.next_poll_at)
                        wait = due.next_poll_at - time.monotonic()
                        if wait <= 0:
                            self._polling, job = True, due  # our turn to poll for everyone
                    if job is None:
                        self._cond.wait(max(0.005, min(1.0, wait)))
                        limit = self.limit
                        continue
                try:
                    job.poll_if_due()  # our own poll keeps a script moving
                except Exception:
                    job.defer_poll(1.0)
                finally:
                    with self._cond:
                        self._polling = False
                        self._cond.notify_all()
                limit = self.limit
        except BaseException:
            with self._cond:
                if ticket in self._queue:
                    self._queue.remove(ticket)
                self._cond.notify_all()
            raise
        finally:
            with self._cond:
                self.waiting -= 1
        try:
            yield
        finally:
            with self._cond:
                self._reserved -= 1
                self._cond.notify_all()
