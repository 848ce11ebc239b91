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
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from traitlets import Enum, Float, Int, Unicode, observe
from traitlets.config import Configurable

from ..i18n import t

if TYPE_CHECKING:  # pragma: no cover
    from ..client import Client, Job


class Settings(Configurable):
    """Notebook defaults, declared once. The magics class inherits these traits, so
    ``%config ImagineMagics.timeout = 60`` (or ``c.ImagineMagics.timeout`` in a config file) sets
    them on the object the session reads."""

    poll_interval = Float(1.0, help="Shortest pause between polls of a job, seconds.").tag(
        config=True
    )
    max_poll_interval = Float(
        10.0, help="Longest pause between polls of a job, seconds (read when the client is made)."
    ).tag(config=True)
    default_flags = Unicode(
        "--v 7",
        help="Flags added to a prompt that does not set them (the "
        "service's own default model is 6.1).",
    ).tag(config=True)
    thumbnail_size = Int(256, help="Long side of card thumbnails, pixels.").tag(config=True)
    cache_dir = Unicode(
        "", help="Folder for downloaded results (default: the user data folder)."
    ).tag(config=True)
    wait = Enum(
        ("auto", "always", "never"),
        "auto",
        help="auto: cells return at once in a live "
        "notebook and block when run headless; always; never.",
    ).tag(config=True)
    timeout = Float(900.0, help="Seconds a blocking cell waits for its jobs.").tag(config=True)
    confirm_above = Int(
        4,
        help="A permutation cell (a {red, blue} car) making more jobs than this sends nothing "
        "until re-run with --yes.",
    ).tag(config=True)
    max_concurrent = Int(
        0, help="Jobs in flight at once; 0 asks the service (read when the client is made)."
    ).tag(config=True)
    rules = Enum(
        ("documented", "strict"),
        "documented",
        help="documented: only the official document's rules refuse a request locally (others "
        "warn once and the service decides); strict: secondary sources' rules refuse too.",
    ).tag(config=True)
    image_host = Enum(
        ("", "simulator", "s3", "none"),
        "",
        help="Where local pictures go (client.upload): simulator, s3 (YOUCHUAN_S3_*) or none; "
        "empty: YOUCHUAN_IMAGE_HOST, else the simulator when it is in use.",
    ).tag(config=True)
    language = Enum(
        ("", "zh", "en"),
        "",
        help="Language of cards and messages: zh (简体中文) or en; empty: YOUCHUAN_NB_LANG, "
        "else the locale. New output switches at once.",
    ).tag(config=True)

    @observe("language")
    def _language_changed(self, change: Any) -> None:
        from ..i18n import set_language

        set_language(change["new"] or None)


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_LIVE = ["poll_interval", "cache_dir", "rules", "image_host"]  # settings a made client follows


def saved_output(data: dict[str, Any]) -> dict[str, Any]:
    """A display bundle as a headless run (nbclient, ``nbconvert --execute``, papermill) should
    save it: nobody can click the widget there, and nbconvert would pick the widget's view
    (scripts from a CDN, blank offline) over the text/html copy when widget state is saved, so
    only the static copy is kept. Live front ends get the widget as well."""
    if not interactive_frontend():
        data.pop(WIDGET_VIEW, None)
    return data


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
    markers = (
        "JPY_SESSION_NAME",
        "VSCODE_PID",
        "VSCODE_CWD",
        "COLAB_RELEASE_TAG",
        "VOILA_KERNEL_ID",
        "SPYDER_ARGS",
    )
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
                self._thread = threading.Thread(
                    target=self._run, name="youchuan-tracker", daemon=True
                )
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


class Session:
    """The kernel's client, settings, poller, thread pools and cards.

    The client is made at first use (``session.client``), not with the session: making it may
    start the built-in simulator and imports ``requests``, and ``%load_ext`` must cost nothing.
    """

    def __init__(
        self,
        client: Client | None = None,
        settings: Settings | None = None,
        tracker: Tracker | None = None,
    ) -> None:
        self._client = _keep_thumbnails(client)
        self._client_lock = threading.Lock()
        self.settings = settings if settings is not None else Settings()
        self.settings.observe(self._settings_changed, names=_LIVE)
        self.tracker = tracker if tracker is not None else Tracker()
        self.submit_pool = ThreadPoolExecutor(16, thread_name_prefix="youchuan-submit")
        # downloads and thumbnails must not queue behind submits waiting for a free slot
        self.media_pool = ThreadPoolExecutor(4, thread_name_prefix="youchuan-media")
        self.cards: list = []  # every JobCard made in this kernel
        self.in_cell: dict = {}  # request (endpoint, body) -> (card, node): re-runs in this kernel

    @property
    def client(self) -> Client:
        """The client, made from the environment and the settings at first use."""
        with self._client_lock:
            if self._client is None:
                self._client = make_client(settings=self.settings)
                _keep_thumbnails(self._client)
            return self._client

    @client.setter
    def client(self, client: Client) -> None:
        with self._client_lock:
            self._client = _keep_thumbnails(client)

    @property
    def started(self) -> bool:
        """True once the client exists (so the service, or the simulator, is in use)."""
        return self._client is not None

    @property
    def simulator(self) -> bool:
        return self.client.is_simulator

    def use_settings(self, settings: Settings) -> None:
        """Read ``settings`` from now on (the magics object, which ``%config`` writes)."""
        if settings is self.settings:
            return
        self.settings.unobserve(self._settings_changed, names=_LIVE)
        self.settings = settings
        settings.observe(self._settings_changed, names=_LIVE)
        if self._client is not None:
            self._apply(self._client)

    def _settings_changed(self, _change: Any) -> None:
        if self._client is not None:
            self._apply(self._client)

    def _apply(self, client: Client) -> None:
        # the settings a client can take after it is made; the others are read by the card
        # and the magics each time, or (max_poll_interval, max_concurrent) when a client is made
        client.poll_interval = self.settings.poll_interval
        client.rules = self.settings.rules
        if self.settings.image_host:  # %config after the client exists
            client.uploads.host = self.settings.image_host
        if self.settings.cache_dir:
            from ..client import MediaCache

            client.media = MediaCache(self.settings.cache_dir)

    def run_in_background(self, fn: Callable, *args: Any, pool: str = "submit") -> None:
        executor = self.media_pool if pool == "media" else self.submit_pool
        future = executor.submit(fn, *args)
        future.add_done_callback(_log_failure)

    def close(self) -> None:
        """Stop polling (the pools finish what they hold)."""
        self.tracker.stop()


def _keep_thumbnails(client: Any) -> Any:
    """A notebook's client saves each job's thumbnails as it finishes (for the archive)."""
    thumbnails = getattr(client, "thumbnails", None)
    if thumbnails is not None:
        thumbnails.enabled = True
    return client


def _log_failure(future) -> None:
    # background work reports to the card itself; anything else goes to the log, never a cell
    exc = future.exception()
    if exc is not None:
        logging.getLogger("youchuan_nb").warning("youchuan_nb: background task failed: %r", exc)


_session: Session | None = None
_settings: Settings | None = None  # the magics object once %load_ext ran
_session_lock = threading.Lock()


def make_client(
    mode: str | None = None,
    *,
    app_id: str | None = None,
    secret: str | None = None,
    base_url: str | None = None,
    settings: Settings | None = None,
) -> Client:
    from ..client import Client, StoreError

    s = settings or Settings()
    kwargs: dict[str, Any] = {
        "poll_interval": s.poll_interval,
        "max_poll_interval": s.max_poll_interval,
        "max_concurrent": s.max_concurrent or None,
        "rules": s.rules,
    }
    if s.cache_dir:
        kwargs["cache_dir"] = s.cache_dir
    if s.image_host:
        kwargs["image_host"] = s.image_host
    try:
        if mode == "sim":
            return Client.offline(**kwargs)
        return Client(app_id, secret, base_url, **kwargs)
    except StoreError as exc:  # a corrupt or unopenable job store: work on, without a history
        print(store_problem(exc, "store.not_remembered"))
        kwargs["store"] = False
    if mode == "sim":
        return Client.offline(**kwargs)
    return Client(app_id, secret, base_url, **kwargs)


def store_problem(exc: Any, key: str = "store.broken_at_load") -> str:
    """The one line that says the job store cannot be used (a ``StoreError``) and what to do."""
    path, problem = getattr(exc, "path", "?"), getattr(exc, "problem", str(exc))
    return t(key, path=path, problem=problem.rstrip("."))


def check_store() -> str | None:
    """None if the job store (``YOUCHUAN_NB_HOME``) opens, else the line saying why not and what
    to do. Cheap: the store module imports neither ``requests`` nor the client."""
    from ..client import JobStore, StoreError

    try:
        JobStore().close()
    except StoreError as exc:
        return store_problem(exc)
    return None


def get_session() -> Session:
    """The kernel's session (made at first use; its client at the first job)."""
    global _session
    with _session_lock:
        if _session is None:
            _session = Session(settings=_settings)
        return _session


def current_session() -> Session | None:
    """The session if one was made, else None (makes nothing)."""
    return _session


def use_settings(settings: Settings) -> None:
    """Make ``settings`` (the magics object) the kernel's settings, now and for a later session."""
    global _settings
    with _session_lock:
        _settings = settings
        session = _session
    if session is not None:
        session.use_settings(settings)


def reset_session() -> None:
    """Forget the kernel's session, as a kernel restart would (the job store stays): the next
    ``get_session()`` makes a new session and, at its first job, a new client."""
    global _session
    with _session_lock:
        session, _session = _session, None
    if session is not None:
        session.close()


def set_client(client: Client) -> Session:
    """Switch the session to another client (``%youchuan use`` / ``login``)."""
    session = get_session()
    session.client = client
    return session
