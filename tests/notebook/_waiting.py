"""``until(condition)``: the notebook tests' one way to wait for something another thread does
(poll the condition, fail at the deadline); never a sleep standing in for it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def until(cond: Callable[[], Any], timeout: float = 30.0, what: str = "condition") -> Any:
    """The condition's first truthy value; AssertionError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = cond()
        if value:
            return value
        time.sleep(0.02)  # the polling interval, not a synchronisation sleep
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
