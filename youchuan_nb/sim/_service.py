"""The simulated service: accounts, jobs, their lifecycle, the follow-up rules, prices.

The HTTP layer (:mod:`._server`) turns requests into calls of :meth:`Service.call`; everything
that is a rule of the API comes from :mod:`youchuan_nb.contract` so the client and the simulator
cannot disagree (a job's facts are ``contract.child_facts`` of its parent's). Request handlers
only do cheap bookkeeping: images and videos are made by a worker pool (:mod:`._render`), and a
job's status is computed from timestamps each time it is read.

A grid (diffusion, reroll) always has four outputs, so its URLs are known when it is created and
it completes on time however busy the media workers are: its images are drawn in the background
when the workers have room, else on first use (a media request, or a follow-up that needs
them), and a media request for an image still being drawn waits for it. Other jobs complete
once their media exist.
"""

from __future__ import annotations

import heapq
import hmac
import http.client
import itertools
import json
import random
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from ..contract import (
    ENDPOINTS,
    PROMPT_FIELDS,
    STATUS_FAILED,
    STATUS_QUEUED,
    STATUS_RUNNING,
    STATUS_SUCCESS,
    InvalidRequest,
    Prompt,
    PromptError,
    check_prompt,
    child_facts,
    coerce_numbers,
    enum_name,
    is_charged,
    is_loopback_url,
    is_video_endpoint,
    refusal,
    validate,
)
from ._account import AccountEndpoints
from ._bodies import ZH_COMMENTS, ApiError, DropConnection, iso, utcnow
from ._faults import AUDIT_REJECTION, Faults, JobFate
from ._media_store import Media, MediaStore
from ._model import GRID_OUTPUTS, PLANNED_ENDPOINTS, Account, SimJob
from ._render import MEDIA_WAIT, Painter
from ._workers import start_process_pool

# Prices (simulated; the real price list is not public). Keys are endpoint names plus modifiers.
DEFAULT_PRICES: dict[str, float] = {
    "diffusion": 1.0,
    "variation": 1.0,
    "reroll": 1.0,
    "pan": 1.0,
    "outpaint": 1.0,
    "inpaint": 1.0,
    "remix": 1.0,
    "edit": 1.0,
    "upload_paint": 1.0,
    "retexture": 1.0,
    "upscale": 0.5,
    "upscale_v5_4x": 1.0,
    "remove_background": 0.3,
    "enhance": 0.5,
    "video_diffusion": 8.0,
    "video_720p_factor": 3.2,
    "extend_video": 6.0,
    "video_upscale": 4.0,
    "draft_factor": 0.5,
}


class Service:
    def __init__(
        self,
        *,
        app_id: str,
        secret: str,
        job_seconds: float,
        queue_seconds: float,
        concurrency: int,
        balance: float,
        prices: dict | None,
        sensitive_words,
        faults: Faults | None,
        url_ttl: float | None,
        comment_style: str,
        seed: int,
        workers: int = 6,
        video_seconds: float = 5.0,
        extend_seconds: float = 4.0,
        clock: Callable[[], datetime] | None = None,
        processes: bool = True,
    ) -> None:
        self.processes = processes
        self.job_seconds = float(job_seconds)
        self.queue_seconds = float(queue_seconds)
        self.concurrency = int(concurrency)
        self.prices = dict(DEFAULT_PRICES, **(prices or {}))
        self.sensitive_words = tuple(sensitive_words or ())
        self.faults = faults
        self.url_ttl = url_ttl
        self.comment_style = comment_style
        self.seed = seed
        self.video_seconds = video_seconds
        self.extend_seconds = extend_seconds
        self.clock = clock or utcnow
        self.default_balance = float(balance)
        self.primary = app_id
        self.accounts: dict[str, Account] = {app_id: Account(app_id, secret, float(balance))}
        self.jobs: dict[str, SimJob] = {}
        self.created: list[dict] = []
        self.request_log: list[tuple] = []
        self.store = MediaStore()
        self.port = 0
        self.base_url = ""
        self.painter = Painter(self)
        self.endpoints = AccountEndpoints(self)
        self._lock = threading.RLock()
        self._counter = itertools.count()
        self._workers = workers
        self._gen_queued = 0  # generations waiting for a worker thread
        self._pool: ThreadPoolExecutor | None = None
        self._cb_pool: ThreadPoolExecutor | None = None
        self._heap: list = []
        self._heap_cv = threading.Condition()
        self._sched: threading.Thread | None = None
        self._running = False

    # ---- lifecycle ------------------------------------------------------------------------
    def start(self, base_url: str, port: int) -> None:
        self.base_url, self.port = base_url, port
        if self._running:
            return
        self._running = True
        self._pool = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="sim-media")
        if self.processes:
            start_process_pool()
        self._cb_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="sim-callback")
        self._sched = threading.Thread(
            target=self._schedule_loop, name="sim-scheduler", daemon=True
        )
        self._sched.start()
        # jobs whose media were made before a restart still need their completion; media whose
        # drawing a stop cancelled are drawn now
        for job in list(self.jobs.values()):
            if (job.done or job.planned) and not job.finalized:
                self._push(job)
            elif not job.done and not job.fate.fail_comment:
                self._queue_generation(job)

    def stop(self) -> None:
        if not self._running:
            return
        self._running = False
        with self._heap_cv:
            self._heap_cv.notify_all()
        for pool in (self._pool, self._cb_pool):
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._cb_pool = None

    # ---- accounts -------------------------------------------------------------------------
    def add_app(self, app_id: str, secret: str, balance: float | None = None) -> None:
        with self._lock:
            self.accounts[app_id] = Account(
                app_id, secret, self.default_balance if balance is None else balance
            )

    def authenticate(self, app_id: str | None, secret: str | None) -> Account:
        def refuse() -> ApiError:
            return ApiError(
                401,
                "Invalid_App_Identifier",
                "missing or invalid app identity: "
                "send the x-youchuan-app and x-youchuan-secret headers with the "
                "credentials of your app",
            )

        if not app_id or not secret:
            raise refuse()
        account = self.accounts.get(app_id)
        given = secret.encode("utf-8", "surrogateescape")
        expected = account.secret.encode() if account else b"\0" * 32
        if not hmac.compare_digest(given, expected) or account is None:
            raise refuse()
        return account

    def balance_of(self, account: Account) -> float:
        return account.balance

    def moodboards_of(self, account: Account) -> dict[str, dict[str, Any]]:
        return dict(account.moodboards)

    def save_moodboard(self, account: Account, board: dict[str, Any]) -> None:
        with self._lock:
            board.setdefault("n", next(self._counter))
            account.moodboards[board["id"]] = board

    # ---- jobs -----------------------------------------------------------------------------
    def find_job(self, job_id: str) -> SimJob | None:
        return self.jobs.get(job_id)

    def own_job(self, account: Account, job_id: str) -> SimJob:
        job = self.find_job(job_id)
        if job is None or job.app != account.app_id:
            raise ApiError(404, "Not_Found", f"job {job_id} not found")
        return job

    def jobs_of(self, account: Account) -> list[SimJob]:
        return [j for j in list(self.jobs.values()) if j.app == account.app_id]

    def urls(self, job: SimJob) -> list[str]:
        """Its media URLs under the current base URL (the port may differ from its creation)."""
        return [self.base_url + path for path in job.media_paths]

    # ---- job views ------------------------------------------------------------------------
    def _comment(self, comment: str) -> str:
        if self.comment_style == "zh":
            return ZH_COMMENTS.get(comment, "失败")
        return comment

    def state(self, job: SimJob, now: float | None = None) -> tuple[int, str, bool]:
        """(status, enum comment, urls visible) at ``now``."""
        now = time.monotonic() if now is None else now
        if now < job.created + job.queue_s:
            return STATUS_QUEUED, "JobStatusQueued", False
        run_end = job.run_end
        if now < run_end:
            return STATUS_RUNNING, "JobStatusRunning", False
        if job.fate.fail_comment:
            return STATUS_FAILED, job.fate.fail_comment, False
        if job.done and job.error and not job.planned:
            return STATUS_FAILED, "JobStatusError", False
        ready = job.done or job.planned
        if job.fate.success_before_urls:
            visible = ready and now >= run_end + job.fate.success_before_urls
            return STATUS_SUCCESS, "JobStatusSuccess", visible
        if not ready:
            return STATUS_RUNNING, "JobStatusRunning", False
        return STATUS_SUCCESS, "JobStatusSuccess", True

    def view(self, job: SimJob, now: float | None = None) -> dict:
        status, comment, visible = self.state(job, now)
        if status in (STATUS_SUCCESS, STATUS_FAILED) and not job.finalized:
            self._finalize(job, status, comment)
        urls = self.urls(job) if visible else []
        rejects = job.fate.audit_rejects
        audits = [
            AUDIT_REJECTION if (i < len(rejects) and rejects[i]) else "" for i in range(len(urls))
        ]
        return {
            "id": job.id,
            "text": job.text,
            "status": status,
            "comment": self._comment(comment),
            "urls": urls,
            "audits": audits,
            "seed": job.seed,
            "cost": 0.0 if job.refunded else job.price,
        }

    def _finalize(self, job: SimJob, status: int, comment: str) -> None:
        with self._lock:
            if job.finalized:
                return
            job.finalized = True
            if status == STATUS_FAILED and not is_charged(comment) and not job.refunded:
                job.refunded = True
                account = self.accounts.get(job.app)
                if account is not None:
                    account.balance = round(account.balance + job.price, 6)
            account = self.accounts.get(job.app)
            if account is not None:
                account.active.discard(job.id)

    def running_count(self, account: Account | None = None) -> int:
        accounts = [account] if account else list(self.accounts.values())
        now = time.monotonic()
        total = 0
        for acct in accounts:
            for job_id in list(acct.active):
                job = self.jobs[job_id]
                status, comment, _ = self.state(job, now)
                if status in (STATUS_QUEUED, STATUS_RUNNING):
                    total += 1
                elif not job.finalized:
                    self._finalize(job, status, comment)
        return total

    def media_expired(self, job_id: str) -> bool:
        job = self.find_job(job_id)
        if job is None or self.url_ttl is None or not (job.done or job.planned):
            return False
        return time.monotonic() >= job.complete_at + float(self.url_ttl)

    def media_at(self, path: str, timeout: float = MEDIA_WAIT) -> tuple[str, Media] | None:
        return self.painter.media_at(path, timeout)

    # ---- the API --------------------------------------------------------------------------
    def call(
        self, ep_name: str, account: Account, body: dict, query: dict, path: dict, fate=None
    ) -> dict:
        if body.get("callback") == "":  # public clients send "" for "no callback"; it works
            body = {k: v for k, v in body.items() if k != "callback"}
        try:
            validate(ep_name, body, query, path)
        except InvalidRequest as exc:
            raise ApiError(400, "Invalid_Argument", str(exc)) from None
        body = coerce_numbers(ep_name, body)  # the document's samples send "imageNo": "0"
        if ENDPOINTS[ep_name].creates_job:
            return self._submit(ep_name, account, body, fate)
        return self.endpoints.handlers[ep_name](account, body, query, path)

    def _submit(self, ep_name: str, account: Account, body: dict, fate) -> dict:
        parent = self.own_job(account, body["jobId"]) if body.get("jobId") else None
        prompts = self._check_prompts(ep_name, body, parent)
        self._check_words(body)
        index = body.get("imageNo", body.get("videoNo"))
        if parent is not None:
            self._check_follow_up(ep_name, parent, index)
        job = self._create(ep_name, account, body, parent, prompts, index)
        self._start_work(job, parent)
        if fate is not None and fate.drop_after_create:
            raise DropConnection()
        return self._creation_answer(job)

    def _check_prompts(self, ep_name: str, body: dict, parent: SimJob | None) -> dict[str, Prompt]:
        kind = "video" if is_video_endpoint(ep_name) else "image"
        prompts: dict[str, Prompt] = {}
        for name in PROMPT_FIELDS:
            if name in body:
                # a remix prompt without its own --v keeps the parent's model
                default = parent.facts.model if parent and name == "remixPrompt" else None
                try:
                    prompts[name] = check_prompt(
                        body[name], kind=kind, field_name=name, default_model=default
                    )
                except PromptError as exc:
                    raise ApiError(400, "Invalid_Prompt_Parameter", str(exc)) from None
        return prompts

    def _check_words(self, body: dict) -> None:
        for name in PROMPT_FIELDS:
            value = body.get(name)
            lowered = value.lower() if isinstance(value, str) else ""
            for word in self.sensitive_words:
                if word and word.lower() in lowered:
                    raise ApiError(
                        403,
                        "Msg_Sensitive",
                        f"the {name} contains a word that is not allowed; rephrase it",
                    )

    def _check_follow_up(self, ep_name: str, parent: SimJob, index: int | None) -> None:
        status, _, visible = self.state(parent)
        facts = parent.facts.answered(status, parent.outputs if visible else 0)
        refused = refusal(ep_name, facts, index)
        if refused is not None:
            raise ApiError(refused.status, refused.reason, refused.message)

    def _charge(self, account: Account, price: float) -> None:
        """Take the price (under the lock), or refuse the job (concurrency, balance)."""
        running = self.running_count(account)
        if running >= self.concurrency:
            raise ApiError(
                429,
                "Max_Concurrent_Limited",
                f"{running} jobs are queued or running; the plan allows {self.concurrency} at once",
            )
        if account.balance + 1e-9 < price:
            raise ApiError(
                402,
                "Account_Fee_Not_Enough",
                f"this job costs {price:g}; the balance is {account.balance:g}",
            )
        account.balance = round(account.balance - price, 6)

    def _create(
        self,
        ep_name: str,
        account: Account,
        body: dict,
        parent: SimJob | None,
        prompts: dict[str, Prompt],
        index: int | None,
    ) -> SimJob:
        facts = child_facts(ep_name, body, parent.facts if parent else None)
        own = next((prompts[n] for n in PROMPT_FIELDS if n in prompts), None)
        effective = own if own is not None else (parent.prompt if parent else None)
        text = next((body[n] for n in PROMPT_FIELDS if n in body), "")
        price = self._price(ep_name, body, facts.draft)
        with self._lock:
            self._charge(account, price)
            n = next(self._counter)
            seed = (
                effective.seed
                if (effective is not None and effective.seed is not None and ep_name == "diffusion")
                else random.Random(f"youchuan-sim/{self.seed}/seed/{n}").randrange(2**32)
            )
            job_fate = (
                self.faults.for_job() if self.faults is not None else JobFate(n, None, 0.0, ())
            )
            job = SimJob(
                id=uuid.uuid4().hex,
                n=n,
                app=account.app_id,
                endpoint=ep_name,
                body={k: v for k, v in body.items() if k != "callback"},
                callback=body.get("callback") or None,
                text=text,
                render_text=text or (parent.render_text if parent else "") or ep_name,
                prompt=effective,
                facts=facts,
                parent=parent.id if parent else None,
                index=index,
                created=time.monotonic(),
                created_at=self.clock(),
                queue_s=max(0.0, float(self.queue_seconds)),
                job_s=max(0.0, float(self.job_seconds)),
                seed=seed,
                price=price,
                fate=job_fate,
                ext="mp4" if facts.is_video else "png",
            )
            self.jobs[job.id] = job
            account.active.add(job.id)
            self.created.append(
                {
                    "id": job.id,
                    "endpoint": ep_name,
                    "body": dict(job.body),
                    "app": account.app_id,
                    "created": iso(job.created_at),
                }
            )
        return job

    def _start_work(self, job: SimJob, parent: SimJob | None) -> None:
        if job.fate.fail_comment:
            job.done, job.done_at = True, job.created
            self._push(job)
            return
        if self._pool is None:
            raise ApiError(500, "Internal_Server_Error", "the simulator is stopped")
        if job.endpoint in PLANNED_ENDPOINTS:
            job.planned, job.outputs = True, GRID_OUTPUTS
            self._push(job)  # completes at run_end, drawn or not
            if self._gen_queued < max(1, self._workers):  # else drawn on first use
                self._queue_generation(job, parent)
        else:
            self._queue_generation(job, parent)

    def _creation_answer(self, job: SimJob) -> dict:
        answer = self.view(job)
        if answer["status"] == STATUS_QUEUED:
            answer["comment"] = self._comment("JobStatusCreated")
        elif answer["status"] == STATUS_SUCCESS:  # a 0 s job: creation still shows it running
            answer.update(
                status=STATUS_RUNNING, comment=self._comment("JobStatusRunning"), urls=[], audits=[]
            )
        return answer

    def _price(self, ep_name: str, body: dict, draft: bool) -> float:
        p = self.prices
        if ep_name == "upscale" and enum_name(ep_name, "type", body.get("type")) == "v5_4x":
            price = p["upscale_v5_4x"]
        elif (
            ep_name == "video_diffusion"
            and enum_name(ep_name, "videoType", body.get("videoType")) == "720p"
        ):
            price = p["video_diffusion"] * p["video_720p_factor"]
        else:
            price = p[ep_name]
        if draft:
            price *= p["draft_factor"]
        return round(price, 4)

    # ---- media generation (worker threads) -------------------------------------------------
    def _queue_generation(self, job: SimJob, parent: SimJob | None = None) -> None:
        pool = self._pool
        if pool is None:
            return
        with self._lock:
            self._gen_queued += 1
        try:
            pool.submit(self._generate, job, parent)
        except RuntimeError:  # stopping
            with self._lock:
                self._gen_queued -= 1

    def _generate(self, job: SimJob, parent: SimJob | None) -> None:
        with self._lock:
            self._gen_queued -= 1
        self.painter.ensure_media(job, parent)

    def media_drawn(self, job: SimJob) -> None:
        """A job's media exist now (or failed): a job that waited for them can complete."""
        if not job.planned:
            self._push(job)

    # ---- completion: refunds, callbacks --------------------------------------------------
    def _push(self, job: SimJob) -> None:
        with self._heap_cv:
            heapq.heappush(self._heap, (job.complete_at, job.n, job.id))
            self._heap_cv.notify()

    def _schedule_loop(self) -> None:
        while self._running:
            with self._heap_cv:
                while self._running and (not self._heap or self._heap[0][0] > time.monotonic()):
                    wait = (self._heap[0][0] - time.monotonic()) if self._heap else None
                    self._heap_cv.wait(timeout=wait if wait is None else max(wait, 0.001))
                if not self._running:
                    return
                _, _, job_id = heapq.heappop(self._heap)
            job = self.find_job(job_id)
            if job is None:
                continue
            self.view(job)  # finalizes (refund, leaves the active set)
            pool = self._cb_pool
            if job.callback and pool is not None:
                try:
                    pool.submit(self.send_callback, job)
                except RuntimeError:
                    pass

    def send_callback(self, job: SimJob) -> bool:
        """POST the job object to its callback URL (loopback hosts only). True if 2xx."""
        if not job.callback or not is_loopback_url(job.callback):
            return False
        payload = json.dumps(self.view(job), ensure_ascii=False).encode("utf-8")
        parts = urlsplit(job.callback)
        cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        try:
            conn = cls(parts.hostname or "127.0.0.1", parts.port, timeout=5)
            try:
                target = parts.path or "/"
                if parts.query:
                    target += "?" + parts.query
                conn.request(
                    "POST",
                    target,
                    body=payload,
                    headers={
                        "Content-Type": "application/json; charset=utf-8",
                        "User-Agent": "youchuan-sim-callback",
                    },
                )
                ok = 200 <= conn.getresponse().status < 300
            finally:
                conn.close()
        except (OSError, http.client.HTTPException):
            return False
        if ok:
            job.callbacks += 1
        return ok

    # ---- observability --------------------------------------------------------------------
    def job_record(self, job_id: str) -> dict | None:
        job = self.find_job(job_id)
        if job is None:
            return None
        v = self.view(job)
        return {
            "id": job.id,
            "endpoint": job.endpoint,
            "app": job.app,
            "body": dict(job.body),
            "callback": job.callback is not None,
            "parent": job.parent,
            "index": job.index,
            "facts": job.facts,
            "model": job.facts.model,
            "draft": job.facts.draft,
            "extensions": job.facts.extensions,
            "seed": job.seed,
            "price": job.price,
            "refunded": job.refunded,
            "status": v["status"],
            "comment": v["comment"],
            "urls": self.urls(job),
            "outputs": job.outputs if job.done else 0,
            "done": job.done,
            "error": job.error,
            "fail_comment": job.fate.fail_comment,
            "callbacks_delivered": job.callbacks,
            "created": iso(job.created_at),
        }
