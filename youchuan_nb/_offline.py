"""Composition: "no credentials means the built-in simulator".

The client layer asks for an offline service through a seam (:mod:`youchuan_nb.client._offline`)
and this module, the only one that knows both the client and the simulator, provides it: one
simulator per process, started at the first job (not at import or ``%load_ext``) and stopped at
exit.
"""

from __future__ import annotations

import atexit
import os
import threading
from typing import Any

from .client._offline import OfflineService

_lock = threading.Lock()
_sim: Any = None


def embedded_simulator() -> Any:
    """The process's simulator, started at first use and stopped at exit.

    Job durations default to a few seconds so a demo feels like the service; set
    ``YOUCHUAN_SIM_JOB_SECONDS`` (e.g. 0.2 in tests and CI) to make it faster.
    """
    global _sim
    with _lock:
        if _sim is None:
            from .sim import Simulator

            seconds = float(os.environ.get("YOUCHUAN_SIM_JOB_SECONDS", "3"))
            sim = Simulator(job_seconds=seconds, queue_seconds=min(0.5, seconds / 4))
            sim.start()
            atexit.register(sim.stop)
            _sim = sim
        return _sim


def embedded_service() -> OfflineService:
    sim = embedded_simulator()
    return OfflineService(app_id=sim.app_id, secret=sim.secret, url=sim.url, handle=sim)
