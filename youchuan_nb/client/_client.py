"""``Client``: one method per endpoint of the Youchuan API.

Arguments are validated against the shared contract before anything is sent; job-creating calls
are recorded in the local job store before they are sent and return a :class:`Job`.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

from ..contract import (ENDPOINTS, PROMPT_FIELDS, InvalidRequest, check_prompt, enum_value,
                        is_loopback_url, refusal, validate)
from ._errors import (APIConnectionError, InternalServerError, NotFoundError, YouchuanError,
                      error_for)
from ._http import Transport
from ._job import Job
from ._media import MediaCache
from ._offline import offline_service
from ._polling import PollSchedule
from ._slots import Slots
from ._store import JobStore, default_home

log = logging.getLogger("youchuan_nb")

DEFAULT_BASE_URL = "https://ali.youchuan.cn"
DEFAULT_MAX_CONCURRENT = 3
_UNSET: Any = object()


def _py_name(ep_name: str, name: str) -> str:
    f = ENDPOINTS[ep_name].field(name)
    return f.py if f is not None else name


def mask_app_id(app_id: str) -> str:
    """Show just enough of an app id to recognise it."""
    if len(app_id) <= 6:
        return app_id[:1] + "***"
    return f"{app_id[:3]}***{app_id[-2:]}"


class Client:
    """The Youchuan API.

    With no credentials (no arguments and no ``YOUCHUAN_APP_ID``/``YOUCHUAN_SECRET``), the client
    talks to the built-in simulator, so everything works offline.
    """

    def __init__(self, app_id: str | None = None, secret: str | None = None,
                 base_url: str | None = None, *, timeout: float = 30.0, max_retries: int = 3,
                 store: JobStore | str | os.PathLike | bool | None = True,
                 cache_dir: str | os.PathLike | None = None, max_concurrent: int | None = None,
                 poll_interval: float = 1.0, max_poll_interval: float = 10.0,
                 check_prompts: bool = True) -> None:
        app_id = app_id or os.environ.get("YOUCHUAN_APP_ID") or None
        secret = secret or os.environ.get("YOUCHUAN_SECRET") or None
        base_url = base_url or os.environ.get("YOUCHUAN_BASE_URL") or None
        self.simulator: Any = None  # the built-in simulator, when this client uses it
        if not app_id and not secret and not base_url:
            offline = offline_service()  # started on demand: only offline users pay for it
            if offline is not None:
                self.simulator = offline.handle
                app_id, secret, base_url = offline.app_id, offline.secret, offline.url
                log.info("youchuan_nb: no credentials set; using the built-in simulator at %s",
                         base_url)
        if not app_id or not secret:
            missing = " and ".join(n for n, v in (("YOUCHUAN_APP_ID", app_id),
                                                  ("YOUCHUAN_SECRET", secret)) if not v)
            raise YouchuanError(f"missing credentials: set {missing} (or pass app_id= and "
                                "secret= to Client, or run %youchuan login in a notebook)")
        self.app_id = app_id
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self._transport = Transport(self.base_url, app_id, secret, timeout=timeout,
                                    max_retries=max_retries)
        self.timeout = timeout
        #: The learned poll schedule shared by this client's jobs (``minimum`` is the base
        #: interval between polls of one job).
        self.poll_schedule = PollSchedule(poll_interval, max_poll_interval)
        self.check_prompts = check_prompts
        home = default_home()
        if isinstance(store, JobStore):
            self.store: JobStore | None = store
        elif store is True:
            self.store = JobStore(home / "jobs.sqlite3")
        elif store:
            self.store = JobStore(store)
        else:
            self.store = None
        self.media = MediaCache(cache_dir or home / "media")
        self._slots = Slots(self, max_concurrent)
        self._jobs: dict[str, Job] = {}
        self._jobs_lock = threading.Lock()

    def __repr__(self) -> str:
        mode = " (simulator)" if self.is_simulator else ""
        return f"Client(app_id={mask_app_id(self.app_id)!r}, base_url={self.base_url!r}){mode}"

    @classmethod
    def for_service(cls, service: Any, **kwargs: Any) -> Client:
        """A client of ``service``: anything with ``app_id``, ``secret`` and ``url`` (a
        :class:`youchuan_nb.Simulator`, say), kept as ``client.simulator``."""
        client = cls(service.app_id, service.secret, service.url, **kwargs)
        client.simulator = service
        return client

    @classmethod
    def offline(cls, **kwargs: Any) -> Client:
        """A client of the built-in simulator, whatever credentials are set."""
        offline = offline_service()
        if offline is None:
            raise YouchuanError("no built-in simulator is available in this process")
        client = cls(offline.app_id, offline.secret, offline.url, **kwargs)
        client.simulator = offline.handle
        return client

    @property
    def is_simulator(self) -> bool:
        return self.simulator is not None or is_loopback_url(self.base_url)

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
        return self.poll_schedule.expected(action)

    def free_slots(self) -> int:
        """How many more jobs can start now within the plan's concurrency (may be <= 0)."""
        return self._slots.free()

    @property
    def waiting_for_slot(self) -> int:
        """How many submits are waiting locally for a free slot right now."""
        return self._slots.waiting

    # -- plumbing -----------------------------------------------------------------------------
    def _request(self, ep_name: str, *, body: dict | None = None, query: dict | None = None,
                 path_params: dict | None = None) -> Any:
        ep = ENDPOINTS[ep_name]
        path = ep.path.format(**(path_params or {}))
        answer = self._transport.request(ep.method, path, body=body if ep.method != "GET" else None,
                                         query=query, creates_job=ep.creates_job
                                         or ep_name == "create_moodboard")
        return answer.body

    def check_request(self, ep_name: str, fields: dict[str, Any],
                      parent: Job | None = None) -> dict[str, Any]:
        """The request body for ``fields`` (API or Python names), checked as a submit would
        check it: absent fields dropped, enum names mapped, rules validated, prompts checked.
        Raises ``InvalidRequest``/``PromptError`` and sends nothing."""
        ep = ENDPOINTS[ep_name]
        named = {}
        for f in ep.body:
            value = fields.get(f.name, fields.get(f.py))
            if value is not None:
                named[f.name] = value
        return self._prepare(ep_name, named, parent)

    def _prepare(self, ep_name: str, fields: dict[str, Any], parent: Job | None) -> dict:
        """Build and check the body: drop absent fields, map enum names, validate, check prompts."""
        ep = ENDPOINTS[ep_name]
        body = {}
        for f in ep.body:
            value = fields.get(f.name)
            if value is None or (f.name == "callback" and value == ""):
                continue
            body[f.name] = enum_value(ep_name, f.name, value)
        validate(ep_name, body)
        if self.check_prompts:
            kind = "video" if ep.kind == "video" else "image"
            for name in PROMPT_FIELDS:
                if name in body:
                    # a remix prompt edits the parent's image, so it inherits the parent's model
                    inherit = parent is not None and name == "remixPrompt"
                    check_prompt(body[name], kind=kind, field_name=_py_name(ep_name, name),
                                 default_model=parent.model if inherit else None)
        return body

    def _known(self, job_id: str | None) -> Job | None:
        if not job_id:
            return None
        with self._jobs_lock:
            return self._jobs.get(job_id)

    def _submit(self, ep_name: str, fields: dict[str, Any]) -> Job:
        parent = self._known(fields.get("jobId"))
        body = self._prepare(ep_name, fields, parent)
        index = body.get("imageNo", body.get("videoNo"))
        if parent is not None and parent.done:
            refused = refusal(ep_name, parent.facts(), index)
            if refused is not None:  # the service would refuse: say so without sending
                raise error_for(refused.status, {"code": refused.status, "reason": refused.reason,
                                                 "message": refused.message},
                                method="POST", path=ENDPOINTS[ep_name].path, local=True)
        with self._slots.slot():
            local_id = None
            if self.store is not None:
                local_id = self.store.record_submit(
                    base_url=self.base_url, endpoint=ep_name, params=body,
                    parent_id=body.get("jobId"), image_no=index)
            try:
                raw = self._request(ep_name, body=body)
            except APIConnectionError as exc:
                if self.store is not None:
                    self.store.record_submit_error(local_id, str(exc),
                                                   maybe_created=exc.maybe_created)
                raise
            except YouchuanError as exc:
                if self.store is not None:
                    # after a 500 the job may exist on the service: "unknown", not "refused"
                    self.store.record_submit_error(local_id, str(exc), maybe_created=isinstance(
                        exc, InternalServerError))
                raise
            if not isinstance(raw, dict) or not raw.get("id"):
                if self.store is not None:
                    self.store.record_submit_error(local_id, f"unexpected answer {raw!r:.200}",
                                                   maybe_created=True)
                raise YouchuanError(f"the service accepted the request but answered without a "
                                    f"job id: {raw!r:.200}")
            # The service has the job (and bills it): a failing store write must not lose it.
            stored = self._store_safely(raw, lambda: self.store.record_accepted(local_id, raw))
            job = Job(self, raw, action=ep_name, params=body, parent=parent,
                      parent_id=body.get("jobId"), image_no=index, local_id=local_id)
            self._register(job)
            if parent is not None:
                parent.children.append(job)
            if stored:
                self._store_safely(raw, lambda: self.store.record_label(local_id, job.label))
            return job

    def _store_safely(self, raw: dict, write) -> bool:
        if self.store is None:
            return False
        try:
            write()
            return True
        except Exception as exc:
            log.warning("youchuan_nb: job %s was created but the job store could not record "
                        "it: %s", raw.get("id"), exc)
            return False

    def _register(self, job: Job) -> None:
        with self._jobs_lock:
            self._jobs[job.id] = job
        job.on_change(self._job_changed)
        self._job_changed(job)
        self._slots.track(job)

    def _job_changed(self, job: Job) -> None:
        if self.store is not None and job.id:
            try:
                self.store.record_job(job.raw, base_url=self.base_url)
            except Exception as exc:  # the store must never break polling
                log.warning("youchuan_nb: could not update the job store: %s", exc)
        self._slots.changed(job)

    def raw_job(self, job_id: str) -> dict[str, Any]:
        """GET /v1/tob/job/{jobId}, the service's answer as it came (no ``Job`` made)."""
        if not isinstance(job_id, str) or not job_id.strip():
            raise InvalidRequest("job_id", job_id, "a job id string (job.id)", endpoint="job")
        validate("job", path={"jobId": job_id})
        return self._request("job", path_params={"jobId": job_id})


    # -- jobs in this session ----------------------------------------------------------------
    def job(self, job_id: str, *, from_store: bool = True) -> Job:
        """GET /v1/tob/job/{jobId}: a job by id (the same Job object if this client made it).

        If the service no longer answers for it (expired, or a simulator that restarted empty)
        and the local job store knows it, the stored job is returned: its results come from the
        local cache."""
        try:
            raw = self.raw_job(job_id)
        except (NotFoundError, APIConnectionError):
            stored = self.job_from_store(job_id) if from_store else None
            if stored is None:
                raise
            return stored
        known = self._known(job_id)
        if known is not None:
            known.apply(raw)
            return known
        action, params, parent_id, image_no = "unknown", {}, None, None
        if self.store is not None:
            rec = self.store.get(job_id)
            if rec is not None:
                action, params, parent_id, image_no = (rec.endpoint, rec.params, rec.parent_id,
                                                       rec.image_no)
        job = Job(self, raw, action=action, params=params, parent=self._lineage(parent_id),
                  parent_id=parent_id, image_no=image_no)
        self._register(job)
        return job

    def _lineage(self, parent_id: str | None, depth: int = 0) -> Job | None:
        """The parent job from this session or, after a restart, from the store (no request),
        so a job looked up by id knows its lineage and its facts are right."""
        if not parent_id or depth > 64:
            return None
        known = self._known(parent_id)
        if known is not None:
            return known
        return self.job_from_store(parent_id, _depth=depth + 1)

    def job_from_store(self, job_id: str, *, _depth: int = 0) -> Job | None:
        """The job as last recorded in the local job store (no request), or None."""
        rec = self.store.get(job_id) if self.store is not None else None
        if rec is None or not rec.raw:
            return None
        known = self._known(job_id)
        if known is not None:
            return known
        job = Job(self, rec.raw, action=rec.endpoint, params=rec.params,
                  parent=self._lineage(rec.parent_id, _depth), parent_id=rec.parent_id,
                  image_no=rec.image_no, local_id=rec.local_id)
        with self._jobs_lock:
            self._jobs[job.id] = job
        job.on_change(self._job_changed)  # later answers still reach the store
        return job

    def find_in_flight(self, endpoint: str, params: dict, *, max_age: float = 3600.0) -> Job | None:
        """A job this store recorded for the same request that has not ended (e.g. submitted
        before a kernel restart), so re-running a cell resumes it instead of paying again."""
        if self.store is None:
            return None
        for rec in self.store.list(limit=200, state="submitted"):
            if (rec.endpoint == endpoint and rec.params == params and rec.job_id
                    and rec.base_url == self.base_url and time.time() - rec.created_at < max_age):
                try:
                    return self.job(rec.job_id, from_store=False)
                except YouchuanError:
                    return None
        return None

    def history(self, limit: int = 100, offset: int = 0):
        """Jobs recorded in the local job store, newest first."""
        if self.store is None:
            return []
        return self.store.list(limit=limit, offset=offset)

    @property
    def max_concurrent(self) -> int:
        return self._slots.limit

    def in_flight(self) -> list[Job]:
        return self._slots.active()

    # -- image generation ------------------------------------------------------------------
    def diffusion(self, text: str, callback: str | None = None) -> Job:
        """POST /v1/tob/diffusion: a grid of 4 images from a prompt."""
        return self._submit("diffusion", {"text": text, "callback": callback})

    imagine = diffusion

    def variation(self, job_id: str, image_no: int, type: str | int,
                  remix_prompt: str | None = None, callback: str | None = None) -> Job:
        """POST /v1/tob/variation: type "subtle" (0) or "strong" (1)."""
        return self._submit("variation", {"jobId": job_id, "imageNo": image_no, "type": type,
                                          "remixPrompt": remix_prompt, "callback": callback})

    def upscale(self, job_id: str, image_no: int, type: str | int,
                callback: str | None = None) -> Job:
        """POST /v1/tob/upscale: type "standard", "creative", "v5_2x", "v5_4x" (0-3)."""
        return self._submit("upscale", {"jobId": job_id, "imageNo": image_no, "type": type,
                                        "callback": callback})

    def reroll(self, job_id: str, callback: str | None = None) -> Job:
        """POST /v1/tob/reroll: the same prompt again, new images."""
        return self._submit("reroll", {"jobId": job_id, "callback": callback})

    def pan(self, job_id: str, image_no: int, direction: str | int, scale: float,
            remix_prompt: str | None = None, callback: str | None = None) -> Job:
        """POST /v1/tob/pan: direction "down", "right", "up", "left" (0-3), scale 1.1-3.0."""
        return self._submit("pan", {"jobId": job_id, "imageNo": image_no, "direction": direction,
                                    "scale": scale, "remixPrompt": remix_prompt,
                                    "callback": callback})

    def outpaint(self, job_id: str, image_no: int, scale: float, remix_prompt: str | None = None,
                 callback: str | None = None) -> Job:
        """POST /v1/tob/outpaint (zoom out): scale 1.1-2.0."""
        return self._submit("outpaint", {"jobId": job_id, "imageNo": image_no, "scale": scale,
                                         "remixPrompt": remix_prompt, "callback": callback})

    def inpaint(self, job_id: str, image_no: int, mask: dict, remix_prompt: str | None = None,
                callback: str | None = None) -> Job:
        """POST /v1/tob/inpaint (vary region): mask {"areas": [...]} or {"url": ...}."""
        return self._submit("inpaint", {"jobId": job_id, "imageNo": image_no, "mask": mask,
                                        "remixPrompt": remix_prompt, "callback": callback})

    def remix(self, job_id: str, image_no: int, remix_prompt: str, mode: str | int | None = None,
              callback: str | None = None) -> Job:
        """POST /v1/tob/remix: mode "strong" (0, default) or "subtle" (1)."""
        return self._submit("remix", {"jobId": job_id, "imageNo": image_no,
                                      "remixPrompt": remix_prompt, "mode": mode,
                                      "callback": callback})

    def edit(self, job_id: str, image_no: int, canvas: dict, img_pos: dict, remix_prompt: str,
             mask: dict | None = None, callback: str | None = None) -> Job:
        """POST /v1/tob/edit: place the image on a canvas {width,height} at img_pos {width,height,x,y}."""
        return self._submit("edit", {"jobId": job_id, "imageNo": image_no, "canvas": canvas,
                                     "imgPos": img_pos, "remixPrompt": remix_prompt, "mask": mask,
                                     "callback": callback})

    def upload_paint(self, img_url: str, mask: dict, canvas: dict, img_pos: dict,
                     remix_prompt: str, callback: str | None = None) -> Job:
        """POST /v1/tob/upload-paint: edit an image given by URL (the result allows only upscale)."""
        return self._submit("upload_paint", {"imgUrl": img_url, "mask": mask, "canvas": canvas,
                                             "imgPos": img_pos, "remixPrompt": remix_prompt,
                                             "callback": callback})

    def retexture(self, img_url: str, remix_prompt: str, callback: str | None = None) -> Job:
        """POST /v1/tob/retexture (the result allows only upscale)."""
        return self._submit("retexture", {"imgUrl": img_url, "remixPrompt": remix_prompt,
                                          "callback": callback})

    def remove_background(self, img_url: str, callback: str | None = None) -> Job:
        """POST /v1/tob/remove-background."""
        return self._submit("remove_background", {"imgUrl": img_url, "callback": callback})

    def enhance(self, job_id: str, image_no: int, callback: str | None = None) -> Job:
        """POST /v1/tob/enhance (only for --draft jobs)."""
        return self._submit("enhance", {"jobId": job_id, "imageNo": image_no,
                                        "callback": callback})

    # -- video ---------------------------------------------------------------------------------
    def video_diffusion(self, prompt: str | None = None, job_id: str | None = None,
                        image_no: int | None = None, video_type: str | int | None = None,
                        callback: str | None = None) -> Job:
        """POST /v1/tob/video-diffusion: from a prompt, or from image ``image_no`` of ``job_id``.

        video_type "480p" (0) or "720p" (1)."""
        return self._submit("video_diffusion", {"prompt": prompt, "jobId": job_id,
                                                "imageNo": image_no, "videoType": video_type,
                                                "callback": callback})

    animate = video_diffusion

    def extend_video(self, job_id: str, video_no: int, prompt: str,
                     callback: str | None = None) -> Job:
        """POST /v1/tob/extend-video: about 4 s more (at most 4 times)."""
        return self._submit("extend_video", {"jobId": job_id, "videoNo": video_no,
                                             "prompt": prompt, "callback": callback})

    def video_upscale(self, job_id: str, video_no: int, callback: str | None = None) -> Job:
        """POST /v1/tob/video-upscale: 1080p."""
        return self._submit("video_upscale", {"jobId": job_id, "videoNo": video_no,
                                              "callback": callback})

    # -- account --------------------------------------------------------------------------------
    def _query(self, ep_name: str, **fields: Any) -> Any:
        ep = ENDPOINTS[ep_name]
        query = {f.name: fields.get(f.py) for f in ep.query if fields.get(f.py) is not None}
        validate(ep_name, query=query)
        return self._request(ep_name, query=query)

    def costs(self, page_no: int, page_size: int, since: str | None = None,
              to: str | None = None) -> dict:
        """GET /v1/tob/costs: cost records; since/to as ISO-8601 (2025-01-01T00:00:00Z)."""
        return self._query("costs", page_no=page_no, page_size=page_size, since=since, to=to)

    def cost_monthly(self, page_no: int, page_size: int) -> dict:
        """GET /v1/tob/cost-monthly."""
        return self._query("cost_monthly", page_no=page_no, page_size=page_size)

    def subscribe(self) -> dict:
        """GET /v1/tob/subscribe: the plan and account."""
        return self._request("subscribe")

    def callback(self, job_id: str) -> dict:
        """POST /v1/tob/callback: ask the service to send a job's callback again."""
        body = {"jobId": job_id}
        validate("callback", body)
        return self._request("callback", body=body)

    # -- moodboards ----------------------------------------------------------------------------
    def create_moodboard(self, name: str, description: str | None = None,
                         images: list[str] | None = None) -> dict:
        """POST /v1/tob/moodboard; use its id in prompts as --p <id>."""
        body = {k: v for k, v in (("name", name), ("description", description),
                                  ("images", images)) if v is not None}
        validate("create_moodboard", body)
        return self._request("create_moodboard", body=body)

    def update_moodboard(self, id: str, name: str | None = None, description: str | None = None,
                         images: list[str] | None = None) -> dict:
        """PUT /v1/tob/moodboard/{id}."""
        body = {k: v for k, v in (("name", name), ("description", description),
                                  ("images", images)) if v is not None}
        validate("update_moodboard", body, path={"id": id})
        return self._request("update_moodboard", body=body, path_params={"id": id})

    def moodboards(self, page_no: int | None = None, page_size: int | None = None) -> dict:
        """GET /v1/tob/moodboards."""
        return self._query("moodboards", page_no=page_no, page_size=page_size)

    # -- conveniences ---------------------------------------------------------------------------
    def batch(self, prompts: list[str], *, wait: bool = True, timeout: float = 3600.0,
              on_progress=None) -> list[Job]:
        """Submit many prompts within the plan's concurrency; jobs beyond it wait locally."""
        jobs: list[Job] = []
        for prompt in prompts:
            jobs.append(self.diffusion(prompt))
            if on_progress:
                on_progress(sum(j.done for j in jobs), len(prompts))
        if wait:
            deadline = time.monotonic() + timeout
            for job in jobs:
                job.wait(max(0.0, deadline - time.monotonic()), raise_on_failure=False)
                if on_progress:
                    on_progress(sum(j.done for j in jobs), len(prompts))
        return jobs

