"""The simulated service: accounts, jobs, their lifecycle, the follow-up rules, prices.

The HTTP layer (:mod:`._server`) turns requests into calls of :meth:`Service.call`; everything
that is a rule of the API comes from :mod:`youchuan_nb.contract` so the client and the simulator
cannot disagree (a job's facts are ``contract.child_facts`` of its parent's). Request handlers
only do cheap bookkeeping: images and videos are made by a worker pool (:mod:`._render`), and a
job's status is computed from timestamps each time it is read.

A grid (diffusion, reroll) has four outputs, so its URLs are known when it is made and it ends
on time however busy the workers are: its images are drawn in the background when there is
room, else on first use (a media request waits for one being drawn); other jobs end with media.

State lives in memory (:class:`._state.MemoryState`) or, with a state folder, in SQLite and
media files there (:mod:`._disk`), shared by every process using that folder.
"""

from __future__ import annotations

import itertools
import json
import random
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from ..contract import (
    ENDPOINTS,
    PROMPT_FIELDS,
    STATUS_FAILED,
    STATUS_QUEUED,
    STATUS_RUNNING,
    STATUS_SUCCESS,
    InvalidRequest,
    Prompt,
    child_facts,
    coerce_numbers,
    is_charged,
    validate,
)
from . import _rules
from ._account import AccountEndpoints, check_identity
from ._bodies import ZH_COMMENTS, ApiError, DropConnection, iso, utcnow
from ._completion import Scheduler, post_json
from ._disk import DiskState
from ._faults import AUDIT_REJECTION, Faults, JobFate
from ._media_store import DEFAULT_MAX_MEDIA_BYTES, DiskMediaStore, Media, MediaStore
from ._model import GRID_OUTPUTS, PLANNED_ENDPOINTS, Account, SimJob, job_record, state_at
from ._render import MEDIA_WAIT, Painter
from ._rules import DEFAULT_PRICES, check_follow_up, check_prompts, check_words, price_for
from ._shapes import shape_answer
from ._state import MemoryState
from ._workers import start_process_pool


class Service:
    plan = "fast+relax"  # a knob (Simulator(plan=...)): the plan errors it plays (_rules.PLANS)

    def __init__(self, *, app_id: str, secret: str, job_seconds: float, queue_seconds: float,
                 concurrency: int, balance: float, prices: dict | None,
                 sensitive_words, faults: Faults | None, url_ttl: float | None,
                 comment_style: str, seed: int, workers: int = 6, video_seconds: float = 5.0,
                 extend_seconds: float = 4.0, clock: Callable[[], datetime] | None = None,
                 processes: bool = True, state_dir: Path | None = None,
                 max_media_bytes: int = DEFAULT_MAX_MEDIA_BYTES,
                 answer_shape: str = "flat", rules: str = "documented") -> None:  # fmt: skip
        self.processes = processes
        self.job_seconds = float(job_seconds)
        self.queue_seconds = float(queue_seconds)
        self.concurrency = int(concurrency)
        self.prices = dict(DEFAULT_PRICES, **(prices or {}))
        self.sensitive_words = tuple(sensitive_words or ())
        self.faults = faults
        self.url_ttl = url_ttl
        self.comment_style = comment_style
        self.answer_shape = answer_shape
        self.rules = rules  # which marked rules it refuses on (contract.modes)
        self.seed = seed
        self.video_seconds = video_seconds
        self.extend_seconds = extend_seconds
        self.clock = clock or utcnow
        self.default_balance = float(balance)
        self.primary = app_id
        self.accounts: dict[str, Account] = {}
        self.jobs: dict[str, SimJob] = {}  # in memory: all jobs; on disk: those seen so far
        self.created: list[dict] = []
        self.request_log: list[tuple] = []
        self.state: MemoryState | DiskState
        self.store: MediaStore
        if state_dir is None:
            self.state, self.store = MemoryState(self.accounts, self.jobs), MediaStore()
        else:
            self.state = DiskState(Path(state_dir), self.accounts)
            self.store = DiskMediaStore(Path(state_dir) / "media", max_media_bytes)
        self._load_apps()
        known = self.accounts.get(app_id)
        if known is None or known.secret != secret:  # new, or given a new secret
            self.add_app(app_id, secret, balance)
        self.port = 0
        self.base_url = ""
        self.painter = Painter(self)
        self.endpoints = AccountEndpoints(self)
        self.scheduler = Scheduler(self._complete)
        self._lock = threading.RLock()
        self._counter = itertools.count(self.state.job_count())
        self._workers = workers
        self._gen_queued = 0  # generations waiting for a worker thread
        self._pool: ThreadPoolExecutor | None = None
        self._cb_pool: ThreadPoolExecutor | None = None
        self._running = False

    # ---- lifecycle ------------------------------------------------------------------------
    def start(self, base_url: str, port: int) -> None:
        self.base_url, self.port = base_url, port
        if self._running:
            return
        self._running = True
        self.state.open()
        self._pool = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="sim-media")
        if self.processes:
            start_process_pool()
        self._cb_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="sim-callback")
        self.scheduler.start()
        # unfinished jobs (ours before a stop, or a process's that ended) still need their
        # completion; media whose drawing a stop cancelled are drawn now
        for job_id in self.state.adopt_orphans():
            job = self.find_job(job_id)
            if job is None or job.finalized:
                continue
            if job.done or job.planned:
                self._push(job)
            elif not job.fate.fail_comment:
                self._queue_generation(job)

    def stop(self) -> None:
        if not self._running:
            return
        self._running = False
        self.scheduler.stop()
        for pool in (self._pool, self._cb_pool):
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._cb_pool = None
        self.state.close()

    # ---- accounts -------------------------------------------------------------------------
    def _load_apps(self) -> None:
        for app_id, secret, balance in self.state.load_apps():
            if app_id not in self.accounts:
                self.accounts[app_id] = Account(app_id, secret, balance)

    def add_app(self, app_id: str, secret: str, balance: float | None = None) -> None:
        amount = self.default_balance if balance is None else float(balance)
        self.accounts[app_id] = Account(app_id, secret, amount)
        self.state.save_app(app_id, secret, amount)

    def authenticate(self, app_id: str | None, secret: str | None) -> Account:
        if app_id and app_id not in self.accounts:
            self._load_apps()  # another process on the same folder may have added it
        return check_identity(self.accounts.get(app_id or ""), app_id, secret)

    def balance_of(self, account: Account) -> float:
        return self.state.balance(account)

    def set_balance(self, account: Account, value: float) -> None:
        self.state.set_balance(account, value)

    def moodboards_of(self, account: Account) -> dict[str, dict[str, Any]]:
        return self.state.moodboards(account)

    def save_moodboard(self, account: Account, board: dict[str, Any]) -> None:
        with self._lock:
            self.state.save_moodboard(account, board)

    # ---- jobs -----------------------------------------------------------------------------
    def find_job(self, job_id: str) -> SimJob | None:
        job = self.jobs.get(job_id)
        if job is None:
            loaded = self.state.load_job(job_id)  # before a restart, or another process's
            if loaded is None:
                return None
            job = self.jobs.setdefault(job_id, loaded)
        elif not (job.done and job.finalized):
            self.state.refresh(job)
        return job

    def own_job(self, account: Account, job_id: str) -> SimJob:
        job = self.find_job(job_id)
        if job is None or job.app != account.app_id:
            raise ApiError(404, "Not_Found", f"job {job_id} not found")
        return job

    def jobs_of(self, account: Account) -> list[SimJob]:
        found = (self.find_job(job_id) for job_id in self.state.job_ids(account.app_id))
        return [job for job in found if job is not None]

    def urls(self, job: SimJob) -> list[str]:
        """Its media URLs under the current base URL (the port may differ from its creation)."""
        return [self.base_url + path for path in job.media_paths]

    # ---- job views ------------------------------------------------------------------------
    def _comment(self, comment: str) -> str:
        if self.comment_style == "zh":
            return ZH_COMMENTS.get(comment, comment)
        return comment

    def view(self, job: SimJob, now: float | None = None) -> dict:
        status, comment, visible = state_at(job, now)
        if status in (STATUS_SUCCESS, STATUS_FAILED) and not job.finalized:
            self._finalize(job, status, comment)
        urls = self.urls(job) if visible else []
        rejects = job.fate.audit_rejects
        audits = [AUDIT_REJECTION if (i < len(rejects) and rejects[i]) else ""
                  for i in range(len(urls))]  # fmt: skip
        return {"id": job.id, "text": job.text, "status": status,
                "comment": self._comment(comment), "urls": urls, "audits": audits,
                "seed": job.seed, "cost": 0.0 if job.refunded else job.price}  # fmt: skip

    def _finalize(self, job: SimJob, status: int, comment: str) -> None:
        account = self.accounts.get(job.app)
        refund = status == STATUS_FAILED and not is_charged(comment)
        self.state.finalize(job, account, refund)  # once per job, whichever process sees it
        if account is not None:
            account.active.discard(job.id)

    def running_count(self, account: Account | None = None) -> int:
        now = time.monotonic()
        total = 0
        for job_id in self.state.unfinished_ids(account.app_id if account else None):
            job = self.find_job(job_id)
            if job is None:
                continue
            status, comment, _ = state_at(job, now)
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
    def call(self, ep_name: str, account: Account, body: dict, query: dict, path: dict,
             fate=None) -> dict:  # fmt: skip
        if body.get("callback") == "":  # public clients send "" for "no callback"; it works
            body = {k: v for k, v in body.items() if k != "callback"}
        try:
            validate(ep_name, body, query, path, rules=self.rules, service=True)
        except InvalidRequest as exc:
            raise _rules.refused(exc) from None
        body = coerce_numbers(ep_name, body)  # the document's samples send "imageNo": "0"
        if ENDPOINTS[ep_name].creates_job:
            return self._submit(ep_name, account, body, fate)
        return self.endpoints.handlers[ep_name](account, body, query, path)

    def _submit(self, ep_name: str, account: Account, body: dict, fate) -> dict:
        parent = self.own_job(account, body["jobId"]) if body.get("jobId") else None
        model = parent.facts.model if parent else None
        prompts = check_prompts(ep_name, body, model, self.rules)
        _rules.check_plan(self.plan, prompts)  # the account's plan (after a bad prompt's 400)
        check_words(body, self.sensitive_words)
        index = body.get("imageNo", body.get("videoNo"))
        if parent is not None:
            status, _, visible = state_at(parent)
            facts = parent.facts.answered(status, parent.outputs if visible else 0)
            check_follow_up(ep_name, facts, index, self.rules)
        job = self._create(ep_name, account, body, parent, prompts, index)
        self._start_work(job, parent)
        if fate is not None and fate.drop_after_create:
            raise DropConnection()
        return self._creation_answer(job)

    def _charge(self, account: Account, price: float) -> None:
        """Take the price (under the lock), or refuse the job (concurrency, balance)."""
        running = self.running_count(account)
        if running >= self.concurrency:
            raise ApiError(429, "Max_Concurrent_Limited", f"{running} jobs are queued or "
                           f"running; the plan allows {self.concurrency} at once")  # fmt: skip
        if self.state.charge(account, price) is None:
            balance = self.state.balance(account)
            raise ApiError(
                402,
                "Account_Fee_Not_Enough",
                f"this job costs {price:g}; the balance is {balance:g}",
            )

    def _create(self, ep_name: str, account: Account, body: dict, parent: SimJob | None,
                prompts: dict[str, Prompt], index: int | None) -> SimJob:  # fmt: skip
        facts = child_facts(ep_name, body, parent.facts if parent else None)
        own = next((prompts[n] for n in PROMPT_FIELDS if n in prompts), None)
        effective = own if own is not None else (parent.prompt if parent else None)
        text = next((body[n] for n in PROMPT_FIELDS if n in body), "")
        price = price_for(self.prices, ep_name, body, facts.draft)
        with self._lock:
            self._charge(account, price)
            n = next(self._counter)
            seed = (
                effective.seed
                if (effective is not None and effective.seed is not None and ep_name == "diffusion")
                else random.Random(f"youchuan-sim/{self.seed}/seed/{n}").randrange(2**32)
            )
            fate = self.faults.for_job() if self.faults is not None else JobFate(n, None, 0, ())
            job = SimJob(
                id=uuid.uuid4().hex, n=n, app=account.app_id, endpoint=ep_name,
                body={k: v for k, v in body.items() if k != "callback"},
                callback=body.get("callback") or None, text=text,
                render_text=text or (parent.render_text if parent else "") or ep_name,
                prompt=effective, facts=facts, parent=parent.id if parent else None,
                index=index, created=time.monotonic(), created_at=self.clock(),
                queue_s=max(0.0, float(self.queue_seconds)),
                job_s=max(0.0, float(self.job_seconds)), seed=seed, price=price, fate=fate,
                ext="mp4" if facts.is_video else "png",
            )  # fmt: skip
            if fate.fail_comment:
                job.done, job.done_at = True, job.created
            elif ep_name in PLANNED_ENDPOINTS:
                job.planned, job.outputs = True, GRID_OUTPUTS
            self.jobs[job.id] = job
            account.active.add(job.id)
            self.state.save_job(job)
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
        if job.done:  # failed by its fate: completes at its end, nothing to draw
            self._push(job)
            return
        if self._pool is None:
            raise ApiError(500, "Internal_Server_Error", "the simulator is stopped")
        if job.planned:
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
            answer.update(status=STATUS_RUNNING, comment=self._comment("JobStatusRunning"),
                          urls=[], audits=[])  # fmt: skip
        return answer

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
        self.state.job_drawn(job)
        if not job.planned:
            self._push(job)

    # ---- completion: refunds, callbacks --------------------------------------------------
    def _push(self, job: SimJob) -> None:
        self.scheduler.push(job.complete_at, job.n, job.id)

    def _complete(self, job_id: str) -> None:
        job = self.find_job(job_id)
        if job is None:
            return
        self.view(job)  # finalizes (refund, leaves the active set)
        pool = self._cb_pool
        if job.callback and pool is not None:
            try:
                pool.submit(self.send_callback, job)
            except RuntimeError:
                pass

    def send_callback(self, job: SimJob) -> bool:
        """POST the job object to its callback URL (loopback hosts only). True if 2xx."""
        if not job.callback:
            return False
        body = shape_answer(self.answer_shape, "job", False, self.view(job))  # as a poll says it
        ok = post_json(job.callback, json.dumps(body, ensure_ascii=False).encode())
        if ok:
            job.callbacks += 1
        return ok

    # ---- observability --------------------------------------------------------------------
    def job_record(self, job_id: str) -> dict | None:
        job = self.find_job(job_id)
        if job is None:
            return None
        return job_record(job, self.view(job), self.urls(job))
