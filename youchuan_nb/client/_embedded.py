"""The built-in simulator used when no credentials are set: one per process, started on demand."""

from __future__ import annotations

import atexit
import os
import threading

_lock = threading.Lock()
_sim = None


def embedded_simulator():
    """The process's simulator, started at first use and stopped at exit.

    Job durations default to a few seconds so a demo feels like the service; set
    ``YOUCHUAN_SIM_JOB_SECONDS`` (e.g. 0.2 in tests and CI) to make it faster.
    """
    global _sim
    with _lock:
        if _sim is None:
            from ..sim import Simulator

            seconds = float(os.environ.get("YOUCHUAN_SIM_JOB_SECONDS", "3"))
            _sim = Simulator(job_seconds=seconds, queue_seconds=min(0.5, seconds / 4))
            _sim.start()
            atexit.register(_sim.stop)
        return _sim
