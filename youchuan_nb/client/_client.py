"""``Client``: one method per endpoint of the Youchuan API.

Arguments are validated against the shared contract before anything is sent; job-creating calls
are recorded in the local job store before they are sent and return a :class:`Job`.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..contract import (
    ENDPOINTS,
    is_loopback_url,
    refusals,
    refuses,
    warn_once,
)
from ..contract.answers import UnreadableAnswer, error_in, read_job
from ..i18n import t
from ._account import AccountMethods
from ._archive import ArchiveMethods
from ._batch import Batch, run_batch
from ._captures import save_capture
from ._errors import InternalServerError, UnreadableAnswerError, YouchuanError, error_for
from ._generation import GenerationMethods
from ._http import Credentials, Transport, offline_credentials
from ._job import Job
from ._lookup import JobLookup
from ._media import MediaCache
from ._offline import offline_service
from ._options import check_credentials, check_options, check_request_args, with_defaults
from ._polling import PollSchedule
from ._prepare import prepare_body
from ._slots import Slots
from ._store import JobStore, default_home
from ._thumbs import FinishedThumbnails
from ._uploads import Uploads

log = logging.getLogger("youchuan_nb")

DEFAULT_BASE_URL = "https://ali.youchuan.cn"
DEFAULT_MAX_CONCURRENT = 3
_UNSET: Any = object()


def mask_app_id(app_id: str) -> str:
    """Show just enough of an app id to recognise it."""
    if len(app_id) <= 6:
        return app_id[:1] + "***"
    return f"{app_id[:3]}***{app_id[-2:]}"


class Client(JobLookup, GenerationMethods, AccountMethods, ArchiveMethods):
    """The Youchuan API.

    With no credentials (no arguments and no ``YOUCHUAN_APP_ID``/``YOUCHUAN_SECRET``), the client
    talks to the built-in simulator, so everything works offline.
    """

    def __init__(
        self,
        app_id: str | None = None,
        secret: str | None = None,
        base_url: str | None = None,
        *,
        timeout: float = 30.0,
        max_retries: int = 3,
        store: JobStore | str | os.PathLike | bool | None = True,
        cache_dir: str | os.PathLike | None = None,
        max_concurrent: int | None = None,
        poll_interval: float = 1.0,
        max_poll_interval: float = 10.0,
        check_prompts: bool = True,
        image_host: Any = None,
        rules: str = "documented",
    ) -> None:
        # The secret goes into the credentials object first of all, and leaves this frame: a
        # Verbose traceback of anything raised below prints the locals of every frame.
        auth = Credentials(app_id, secret)
        del secret
        self._setup(
            auth,
            base_url,
            timeout=timeout,
            max_retries=max_retries,
            store=store,
            cache_dir=cache_dir,
            max_concurrent=max_concurrent,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            check_prompts=check_prompts,
            image_host=image_host,
            rules=rules,
        )

    def _setup(self, auth: Credentials, base_url: Any, **options: Any) -> None:
        image_host = options.pop("image_host", None)  # checked at first use (see _uploads)
        timeout, poll, poll_max = check_options(**options)
        base_url = base_url or os.environ.get("YOUCHUAN_BASE_URL") or None
        self.simulator: Any = None  # the built-in simulator, when this client uses it
        if not auth.app_id and not auth.has_secret and not base_url:
            offline = offline_service()  # started on demand: only offline users pay for it
            if offline is not None:
                self.simulator = offline.handle
                auth, base_url = offline_credentials(offline), offline.url
                log.info(
                    "youchuan_nb: no credentials set; using the built-in simulator at %s", base_url
                )
        check_credentials(auth, base_url)
        self.app_id: str = auth.app_id
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self._transport = Transport(
            self.base_url, auth, timeout=timeout, max_retries=options["max_retries"]
        )
        self.timeout = timeout
        #: The learned poll schedule shared by this client's jobs (``minimum`` is the base
        #: interval between polls of one job).
        self.poll_schedule = PollSchedule(poll, poll_max)
        self.check_prompts = options["check_prompts"]
        self.rules: str = options["rules"]  # "documented" or "strict": contract.modes
        home = default_home()
        store = options["store"]
        if isinstance(store, JobStore):
            self.store: JobStore | None = store
        elif store is True:
            self.store = JobStore(home / "jobs.sqlite3")
        elif store:
            self.store = JobStore(store)
        else:
            self.store = None
        #: Where answers that could not be read are saved for a bug report.
        self.captures_dir: Path = home / "captures"
        self.media = MediaCache(options["cache_dir"] or home / "media")
        self._slots = Slots(self, options["max_concurrent"])
        self._jobs: dict[str, Job] = {}
        self._jobs_lock = threading.Lock()
        self.uploads = Uploads.for_client(self, image_host, home)  # where local pictures go
        self.thumbnails = FinishedThumbnails(self)  # a notebook session turns it on
        self._settle_interrupted()

    def __repr__(self) -> str:  # safe on a half-made client too (shown in tracebacks)
        base_url = getattr(self, "base_url", None)
        if base_url is None:
            return "<Client (not set up)>"
        mode = " (simulator)" if self.is_simulator else ""
        return f"Client(app_id={mask_app_id(self.app_id)!r}, base_url={base_url!r}){mode}"

    @classmethod
    def for_service(cls, service: Any, **kwargs: Any) -> Client:
        """A client of ``service``: anything with ``app_id``, ``secret`` and ``url`` (a
        :class:`youchuan_nb.Simulator`, say), kept as ``client.simulator``."""
        auth = offline_credentials(service)
        client = cls.__new__(cls)
        client._setup(auth, service.url, **with_defaults(kwargs))
        client.simulator = service
        return client

    @classmethod
    def offline(cls, **kwargs: Any) -> Client:
        """A client of the built-in simulator, whatever credentials are set."""
        offline = offline_service()
        if offline is None:
            raise YouchuanError(t("client.err.no_simulator"))
        auth = offline_credentials(offline)
        client = cls.__new__(cls)
        client._setup(auth, offline.url, **with_defaults(kwargs))
        client.simulator = offline.handle
        return client

    @property
    def media(self) -> MediaCache:
        """The local cache of results. Assigning one sets its ``allow_loopback`` from this
        client's service (media on this machine only when the service is on it too)."""
        return self._media

    @media.setter
    def media(self, cache: MediaCache) -> None:
        cache.allow_loopback = is_loopback_url(self.base_url)
        self._media = cache

    @property
    def is_simulator(self) -> bool:
        return getattr(self, "simulator", None) is not None or is_loopback_url(self.base_url)

    # -- what a front end needs to show the client's state -------------------------------------
    @property
    def poll_interval(self) -> float:
        """The base interval between two polls of one job (seconds)."""
        return self.poll_schedule.minimum

    @poll_interval.setter
    def poll_interval(self, seconds: float) -> None:
        self.poll_schedule.minimum = float(seconds)

    def expected_seconds(self, action: str) -> float | None:
        """How long a job of ``action`` takes, learned from this session (None: not yet)."""
        if not isinstance(action, str):
            return None
        return self.poll_schedule.expected(action)

    def free_slots(self) -> int:
        """How many more jobs can start now within the plan's concurrency (may be <= 0)."""
        return self._slots.free()

    @property
    def waiting_for_slot(self) -> int:
        """How many submits are waiting locally for a free slot right now."""
        return self._slots.waiting

    # -- plumbing -----------------------------------------------------------------------------
    def _request(
        self,
        ep_name: str,
        *,
        body: dict | None = None,
        query: dict | None = None,
        path_params: dict | None = None,
    ) -> Any:
        ep = ENDPOINTS[ep_name]
        # ids are percent-encoded: a job id can never add a query or another path segment
        path = ep.path.format(**{k: quote(str(v), safe="") for k, v in (path_params or {}).items()})
        answer = self._transport.request(
            ep.method,
            path,
            body=body if ep.method != "GET" else None,
            query=query,
            creates_job=ep.creates_job or ep_name == "create_moodboard",
        )
        inside = error_in(answer.body)
        if inside is not None:  # an error body inside a 200: raise it as that error
            err = error_for(inside.code, inside.body, method=ep.method, path=ep.path)
            err.maybe_created = ep.creates_job and isinstance(err, InternalServerError)
            raise err
        return answer.body

    def _unreadable(self, ep_name: str, exc: UnreadableAnswer) -> UnreadableAnswerError:
        """The error for an answer the reader cannot read, with the answer saved to a file."""
        capture = save_capture(self.captures_dir, ep_name, exc.raw)
        return UnreadableAnswerError.of_reader(exc.why, exc.raw, capture=capture)

    def check_request(
        self, ep_name: str, fields: dict[str, Any], parent: Job | None = None
    ) -> dict[str, Any]:
        """The request body for ``fields`` (API or Python names), checked as a submit would
        check it: absent fields dropped, enum names mapped, rules validated, prompts checked.
        Raises ``InvalidRequest``/``PromptError`` and sends nothing."""
        check_request_args(ep_name, fields, parent)
        ep = ENDPOINTS[ep_name]
        named = {}
        for f in ep.body:
            value = fields.get(f.name, fields.get(f.py))
            if value is not None:
                named[f.name] = value
        return self._prepare(ep_name, named, parent)

    def _prepare(self, ep_name: str, fields: dict[str, Any], parent: Job | None) -> dict:
        return prepare_body(
            ep_name, fields, parent, rules=self.rules, check_prompts=self.check_prompts
        )

    def _known(self, job_id: Any) -> Job | None:
        if not job_id or not isinstance(job_id, str):
            return None
        with self._jobs_lock:
            return self._jobs.get(job_id)

    def _submit(self, ep_name: str, fields: dict[str, Any]) -> Job:
        parent = self._known(fields.get("jobId"))
        body = self._prepare(ep_name, fields, parent)
        index = body.get("imageNo", body.get("videoNo"))
        for refused in refusals(ep_name, parent.facts(), index) if parent and parent.done else ():
            if not refuses(refused.rule, self.rules):  # a secondary rule: the service decides
                warn_once(refused.rule, refused.message)
            else:  # the service would refuse: say so without sending
                raise error_for(
                    refused.status,
                    {"code": refused.status, "reason": refused.reason, "message": refused.message},
                    method="POST",
                    path=ENDPOINTS[ep_name].path,
                    local=True,
                )
        with self._slots.slot():
            store = self.store
            local_id = ""
            if store is not None:
                local_id = store.record_submit(
                    base_url=self.base_url,
                    endpoint=ep_name,
                    params=body,
                    parent_id=body.get("jobId"),
                    image_no=index,
                )
            failure: YouchuanError | None = None
            try:
                raw = self._request(ep_name, body=body)
                raw = read_job(raw)
            except YouchuanError as exc:
                failure = exc  # InternalServerError, a cut-off answer...: exc.maybe_created
            except UnreadableAnswer as exc:
                failure = self._unreadable(ep_name, exc)
                failure.maybe_created = True  # an answer came: the job may well exist
            except BaseException as stop:  # interrupted (Ctrl-C) or a bug: the job may exist
                why = f"interrupted: {type(stop).__name__}"
                if store is not None:
                    self._store_safely(
                        {}, lambda: store.record_submit_error(local_id, why, maybe_created=True)
                    )
                raise
            if failure is not None:
                if store is not None:  # a store that fails here must not hide the failure
                    error, maybe = str(failure), failure.maybe_created
                    self._store_safely(
                        {}, lambda: store.record_submit_error(local_id, error, maybe_created=maybe)
                    )
                raise failure
            job = Job(
                self,
                raw,
                action=ep_name,
                params=body,
                parent=parent,
                parent_id=body.get("jobId"),
                image_no=index,
                local_id=local_id or None,
            )
            # The service has the job (and bills it): a failing store write must not lose it.
            if store is not None and self._store_safely(
                raw, lambda: store.record_accepted(local_id, raw)
            ):
                self._store_safely(raw, lambda: store.record_label(local_id, job.label))
            self._register(job)
            if parent is not None:
                parent.children.append(job)
            return job

    def _store_safely(self, raw: dict[str, Any], write: Callable[[], object]) -> bool:
        try:
            write()
            return True
        except Exception as exc:
            log.warning(
                "youchuan_nb: job %s: the job store could not record it: %s",
                raw.get("id") or "(no answer)",
                exc,
            )
            return False

    def _register(self, job: Job) -> None:
        with self._jobs_lock:
            self._jobs[job.id] = job
        job.on_change(self._job_changed)
        self._job_changed(job)
        self._slots.track(job)

    def _remember(self, job: Job) -> None:
        """Know a job restored from the store (it is not tracked against the plan's limit)."""
        with self._jobs_lock:
            self._jobs[job.id] = job
        job.on_change(self._job_changed)  # later answers still reach the store

    def _job_changed(self, job: Job) -> None:
        if self.store is not None and job.id:
            try:
                self.store.record_job(job.raw, base_url=self.base_url)
            except Exception as exc:  # the store must never break polling
                log.warning("youchuan_nb: could not update the job store: %s", exc)
        self._slots.changed(job)
        self.thumbnails.job_changed(job)

    @property
    def max_concurrent(self) -> int:
        return self._slots.limit

    def in_flight(self) -> list[Job]:
        return self._slots.active()

    # -- conveniences ---------------------------------------------------------------------------
    def batch(
        self,
        prompts: list[str],
        *,
        wait: bool = True,
        timeout: float = 3600.0,
        on_progress: Callable[..., Any] | None = None,
    ) -> Batch:
        """Grids for many prompts within the plan's concurrency (jobs beyond it wait locally).

        Every prompt is checked before any is sent; a prompt the service refuses, or a job that
        fails, does not stop the others. Returns a :class:`Batch` with each prompt's job or
        error. ``on_progress`` gets a ``BatchProgress`` (done, failed, running, waiting, total),
        or ``(done, total)`` if it takes two arguments."""
        return run_batch(self, prompts, wait=wait, timeout=timeout, on_progress=on_progress)
