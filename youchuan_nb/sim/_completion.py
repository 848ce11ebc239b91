"""When jobs complete: a timer thread that hands each job to the service at its completion
time (to refund a failure, leave the active set and send its callback), and the callback POST.
"""

from __future__ import annotations

import heapq
import http.client
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from ..contract import is_loopback_url


class Scheduler:
    """``push(at, n, job_id)``: call ``on_due(job_id)`` at monotonic time ``at``."""

    def __init__(self, on_due: Callable[[str], None]) -> None:
        self._on_due = on_due
        self._heap: list[tuple[float, int, str]] = []
        self._cv = threading.Condition()
        self._thread: threading.Thread | None = None
        self._running = False

    def start(self) -> None:
        self._running = True
        self._thread = threading.Thread(target=self._loop, name="sim-scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        with self._cv:
            self._running = False
            self._cv.notify_all()

    def push(self, at: float, n: int, job_id: str) -> None:
        with self._cv:
            heapq.heappush(self._heap, (at, n, job_id))
            self._cv.notify()

    def _loop(self) -> None:
        while True:
            with self._cv:
                while self._running and (not self._heap or self._heap[0][0] > time.monotonic()):
                    wait = (self._heap[0][0] - time.monotonic()) if self._heap else None
                    self._cv.wait(timeout=wait if wait is None else max(wait, 0.001))
                if not self._running:
                    return
                _, _, job_id = heapq.heappop(self._heap)
            self._on_due(job_id)


def post_json(url: str, payload: bytes) -> bool:
    """POST ``payload`` to a loopback URL; True if it answered 2xx (never raises)."""
    if not is_loopback_url(url):
        return False
    parts = urlsplit(url)
    cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "youchuan-sim-callback",
    }
    try:
        conn = cls(parts.hostname or "127.0.0.1", parts.port, timeout=5)
        try:
            conn.request("POST", target, body=payload, headers=headers)
            return 200 <= conn.getresponse().status < 300
        finally:
            conn.close()
    except (OSError, http.client.HTTPException):
        return False
