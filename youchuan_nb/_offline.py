"""Composition: "no credentials means the built-in simulator".

The client layer asks for an offline service through a seam (:mod:`youchuan_nb.client._offline`)
and this module, the only one that knows both the client and the simulator, provides it: one
simulator per process, started at the first job (not at import or ``%load_ext``) and stopped at
exit. Its state is kept in the user's data folder (``<youchuan_nb home>/simulator``), so jobs
outlive a kernel restart and kernels running at once share one simulated account.
"""

from __future__ import annotations

import atexit
import logging
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

from .client._offline import OfflineService

log = logging.getLogger("youchuan_nb")
_lock = threading.Lock()
_sim: Any = None


def simulator_state_dir() -> Path | None:
    """Where the built-in simulator keeps its state: ``YOUCHUAN_SIM_STATE_DIR`` if set (empty or
    ``none``: in memory only), else the ``simulator`` folder of the youchuan_nb home."""
    env = os.environ.get("YOUCHUAN_SIM_STATE_DIR")
    if env is not None:
        return None if env.strip().lower() in ("", "none") else Path(env).expanduser()
    from .client import default_home

    return default_home() / "simulator"


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
            kw: dict[str, Any] = {"job_seconds": seconds, "queue_seconds": min(0.5, seconds / 4)}
            folder = simulator_state_dir()
            try:
                sim = Simulator(state_dir=folder, **kw)
            except (OSError, sqlite3.Error) as exc:  # an unwritable home must not stop a demo
                log.warning(
                    "youchuan_nb: the built-in simulator cannot keep its state in %s "
                    "(%s); its jobs last until the kernel stops",
                    folder,
                    exc,
                )
                sim = Simulator(**kw)
            sim.start()
            atexit.register(sim.stop)
            _sim = sim
        return _sim


def embedded_service() -> OfflineService:
    sim = embedded_simulator()
    return OfflineService(app_id=sim.app_id, secret=sim.secret, url=sim.url, handle=sim)
