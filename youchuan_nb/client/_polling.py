"""When to poll a job next.

Real clients poll every 2-15 s. We want results on screen within about a second of the service
finishing while averaging at most one GET per second per job, so the schedule learns how long
each kind of job takes in this session and polls sparsely early and densely near the expected
end. Before anything is learned it polls every ``elapsed / 6`` seconds (at least ``minimum``).
"""

from __future__ import annotations

import threading


class PollSchedule:
    def __init__(self, minimum: float = 1.0, maximum: float = 10.0, near: float = 0.25) -> None:
        self.minimum, self.maximum, self.near = minimum, maximum, near
        self._expected: dict[str, float] = {}
        self._lock = threading.Lock()

    def observe(self, action: str, duration: float) -> None:
        """Learn from a job that took ``duration`` seconds from submit to done."""
        if duration <= 0:
            return
        with self._lock:
            old = self._expected.get(action)
            # Track the shorter end: polling late costs latency, polling early costs one GET.
            self._expected[action] = duration if old is None else min(old * 0.7 + duration * 0.3,
                                                                       max(duration, old * 0.5))

    def expected(self, action: str) -> float | None:
        with self._lock:
            return self._expected.get(action)

    def delay(self, action: str, elapsed: float) -> float:
        """Seconds until the next poll of a job of ``action`` running for ``elapsed`` seconds."""
        fallback = max(self.minimum, min(self.maximum, elapsed / 6.0))
        expected = self.expected(action)
        if expected is None:
            return fallback
        floor = min(self.near, self.minimum)
        remaining = expected - elapsed
        if remaining > 0:
            # halve the distance to the expected end, but never poll more often than `floor`
            return max(floor, min(self.maximum, remaining / 2.0))
        overdue = -remaining
        return max(floor, min(self.maximum, overdue / 3.0 + floor, fallback))
