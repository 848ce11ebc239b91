"""The notebook session: which service is used, the settings, and the background poller.

One ``Session`` per kernel. Polling runs on a background thread (blocking ``requests`` calls in a
small pool) and results flow only into widget traits and display updates, never ``print``: output
printed from threads lands in the wrong cell or the log console.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:  # pragma: no cover
    from ..client import Client, Job


@dataclass
class Settings:
    """Notebook defaults; the magics' traitlets (``%config ImagineMagics``) write into these."""

    poll_interval: float = 1.0
    max_poll_interval: float = 10.0
    default_flags: str = "--v 7"
    thumbnail_size: int = 256
    cache_dir: str = ""
    wait: str = "auto"  # auto | always | never: block cells until jobs end
    timeout: float = 900.0
    max_concurrent: int = 0  # 0: ask the service (subscribe), else 3


def interactive_frontend() -> bool:
    """True when a person is looking at this kernel's outputs live.

    Kernels started for a notebook by jupyter_server carry JPY_SESSION_NAME; VS Code and Colab
    set their own variables. A notebook executed by nbclient, nbconvert or papermill has none
    of these, so cells block until their jobs end and the saved outputs hold the results.
    ``YOUCHUAN_NB_WAIT=always|never`` overrides the guess.
    """
    forced = os.environ.get("YOUCHUAN_NB_WAIT", "").lower()
    if forced in ("always", "1", "true", "yes"):
        return False
    if forced in ("never", "0", "false", "no"):
        return True
    markers = ("JPY_SESSION_NAME", "VSCODE_PID", "VSCODE_CWD", "COLAB_RELEASE_TAG",
               "VOILA_KERNEL_ID", "SPYDER_ARGS")
    return any(os.environ.get(m) for m in markers)


class Tracker:
    """Polls every job in flight on its own schedule and calls back on changes."""

    def __init__(self, workers: int = 4) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="youchuan-poll")
        self._polling: set[str] = set()
        self._thread: threading.Thread | None = None
        self._stop = False
        self.errors = 0

    def track(self, job: Job) -> None:
        if job.done:
            return
        with self._lock:
            self._jobs[job.id] = job
            if self._thread is None or not self._thread.is_alive():
                self._stop = False  # e.g. after %reload_ext
                self._thread = threading.Thread(target=self._run, name="youchuan-tracker",
                                                daemon=True)
                self._thread.start()
        self._wake.set()

    def active(self) -> list[Job]:
        with self._lock:
            return list(self._jobs.values())

    def _poll_one(self, job: Job) -> None:
        from ..client import AuthenticationError, NotFoundError

        try:
            job.refresh()
            if job.poll_error:
                job.note_poll_error("")
        except (NotFoundError, AuthenticationError) as exc:
            # the service will not answer for this job again: stop, say so, free its slot
            self.errors += 1
            job.note_poll_error(str(exc), gave_up=True)
            with self._lock:
                self._jobs.pop(job.id, None)
        except Exception as exc:  # transient: retry on the schedule, and show it on the card
            self.errors += 1
            job.defer_poll(2.0)
            job.note_poll_error(str(exc))
        finally:
            with self._lock:
                self._polling.discard(job.id)
                if job.done:
                    self._jobs.pop(job.id, None)
            self._wake.set()

    def _run(self) -> None:
        while not self._stop:
            now = time.monotonic()
            next_at = now + 1.0
            with self._lock:
                jobs = list(self._jobs.values())
            for job in jobs:
                if job.done:
                    with self._lock:
                        self._jobs.pop(job.id, None)
                    continue
                if job.id in self._polling or job.poll_gave_up:
                    continue
                if job.next_poll_at <= now:
                    with self._lock:
                        self._polling.add(job.id)
                    try:
                        self._pool.submit(self._poll_one, job)
                    except RuntimeError:  # the interpreter is shutting down
                        return
                else:
                    next_at = min(next_at, job.next_poll_at)
            self._wake.wait(max(0.005, next_at - time.monotonic()))
            self._wake.clear()

    def stop(self) -> None:
        self._stop = True
        self._wake.set()


@dataclass
class Session:
    client: Client
    settings: Settings = field(default_factory=Settings)
    tracker: Tracker = field(default_factory=Tracker)
    submit_pool: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(16, thread_name_prefix="youchuan-submit"))
    # downloads and thumbnails must not queue behind submits waiting for a free slot
    media_pool: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(4, thread_name_prefix="youchuan-media"))
    cards: list = field(default_factory=list)  # every JobCard made in this kernel
    in_cell: dict = field(default_factory=dict)  # (cell text) -> root card, for re-run dedupe

    @property
    def simulator(self) -> bool:
        return self.client.is_simulator

    def run_in_background(self, fn: Callable, *args, pool: str = "submit") -> None:
        executor = self.media_pool if pool == "media" else self.submit_pool
        future = executor.submit(fn, *args)
        future.add_done_callback(_log_failure)


def _log_failure(future) -> None:
    # background work reports to the card itself; anything else goes to the log, never a cell
    exc = future.exception()
    if exc is not None:
        logging.getLogger("youchuan_nb").warning("youchuan_nb: background task failed: %r", exc)


_session: Session | None = None
_session_lock = threading.Lock()


def make_client(mode: str | None = None, *, app_id: str | None = None, secret: str | None = None,
                base_url: str | None = None, settings: Settings | None = None) -> Client:
    from ..client import Client

    s = settings or Settings()
    kwargs = dict(poll_interval=s.poll_interval, max_poll_interval=s.max_poll_interval,
                  max_concurrent=s.max_concurrent or None)
    if s.cache_dir:
        kwargs["cache_dir"] = s.cache_dir
    if mode == "sim":
        return Client.offline(**kwargs)
    return Client(app_id, secret, base_url, **kwargs)


def get_session() -> Session:
    global _session
    with _session_lock:
        if _session is None:
            settings = Settings()
            _session = Session(client=make_client(settings=settings), settings=settings)
        return _session


def set_client(client: Client) -> Session:
    """Switch the session to another client (``%youchuan use`` / ``login``)."""
    session = get_session()
    session.client = client
    return session
