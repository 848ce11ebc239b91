"""When to poll a job next.

Real clients poll every 2-15 s. We want results on screen within about a second of the service
finishing while averaging at most one GET per second per job, so the schedule learns how long
each kind of job takes in this session and polls sparsely early and densely near the expected
end.

What is learned, per kind of job, is a window ``(lo, hi]`` of elapsed seconds: jobs of this kind
were still running at ``lo`` and done by ``hi`` (from the last poll that saw a job running and
the first that saw it done). Windows of later jobs narrow it (so a schedule that probes its middle
converges on the true duration); a window that does not overlap means durations vary, and the
new window replaces the old one. A job then polls by halving the distance to the window's
middle, probes the middle, then polls just after ``hi``, and only then falls back to polls
spaced by how overdue it is.

Before anything is learned it polls about once per ``minimum`` seconds (the first poll at a
random phase, so jobs submitted together sample different moments and the first to see its end
teaches the others), spacing out to ``elapsed / 12`` for long jobs: at most one GET per second.
"""

from __future__ import annotations

import random
import threading

_MARGIN = 0.01  # poll this long after the end we expect (a hair past it, not before it)
_PRECISION = 0.02  # a window narrower than this is not probed any further


class PollSchedule:
    def __init__(self, minimum: float = 1.0, maximum: float = 10.0, near: float = 0.2) -> None:
        self.minimum, self.maximum, self.near = minimum, maximum, near
        self._windows: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()
        self._rng = random.Random()

    # -- learning ---------------------------------------------------------------------------
    def observe(self, action: str, duration: float, *, running_at: float | None = None) -> None:
        """Learn from a job of ``action`` that was done ``duration`` s after submit and (when
        known) still running ``running_at`` s after submit."""
        if duration <= 0:
            return
        lo = min(max(0.0, running_at if running_at is not None else duration), duration)
        with self._lock:
            old = self._windows.get(action)
            if old is not None and lo < old[1] and duration > old[0]:
                new = (max(lo, old[0]), min(duration, old[1]))  # the windows overlap: narrow
            else:
                new = (lo, duration)
            self._windows[action] = new

    def window(self, action: str) -> tuple[float, float] | None:
        """(still running at, done by) elapsed seconds for jobs of ``action``, once learned."""
        with self._lock:
            return self._windows.get(action)

    def expected(self, action: str) -> float | None:
        """Seconds from submit to done expected for a job of ``action`` (None: not known yet)."""
        w = self.window(action)
        return None if w is None else (w[0] + w[1]) / 2.0

    # -- scheduling -------------------------------------------------------------------------
    @property
    def floor(self) -> float:
        """The shortest gap between two polls of one job near its expected end."""
        return min(self.near, self.minimum)

    def cold(self, elapsed: float) -> float:
        """The gap before the next poll while nothing is learned."""
        step = self.minimum * 1.05  # a little under one GET per `minimum` seconds
        if elapsed < 0.5 * self.minimum:  # the first poll: at a random phase in [step, 2 step)
            return step * (1.0 + self._rng.random())
        return max(step, min(self.maximum, elapsed / 12.0))

    def delay(self, action: str, elapsed: float) -> float:
        """Seconds until the next poll of a job of ``action`` running for ``elapsed`` seconds."""
        w = self.window(action)
        if w is None:
            return self.cold(elapsed)
        lo, hi = w
        floor = self.floor
        targets = [hi + _MARGIN]
        if hi - lo > _PRECISION:
            targets.insert(0, (lo + hi) / 2.0)  # probe the middle: narrows the window
        for target in targets:
            remaining = target - elapsed
            if remaining <= 1e-3:
                continue
            if remaining / 2.0 >= floor:
                return min(self.maximum, remaining / 2.0)  # halve the distance to the target
            return remaining  # close: aim at it
        overdue = elapsed - hi
        return max(floor, min(self.maximum, overdue / 3.0 + floor, self.cold(elapsed)))
