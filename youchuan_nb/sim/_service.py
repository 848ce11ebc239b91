"""The simulated service: accounts, jobs, their lifecycle, the follow-up rules, costs, moodboards.

The HTTP layer (:mod:`._server`) turns requests into calls of :meth:`Service.call`; everything
that is a rule of the API comes from :mod:`youchuan_nb.contract` so the client and the simulator
cannot disagree. Request handlers only do cheap bookkeeping: images and videos are made by a
worker pool, and a job's status is computed from timestamps each time it is read.

A grid (diffusion, reroll) always has four outputs, so its URLs are known when it is created and
it completes on time however busy the media workers are: its images are drawn in the background
when the workers have room, else on first use (a media request, or a follow-up that needs
them), and a media request for an image still being drawn waits for it. Other jobs complete
once their media exist.
"""

from __future__ import annotations

import contextlib
import hmac
import heapq
import http.client
import importlib
import ipaddress
import atexit
import itertools
import json
import multiprocessing
import os
import random
import secrets
import signal
import sys
import threading
import time
import traceback
import uuid
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable
from urllib.parse import urlsplit

from ..contract import (ENDPOINTS, DEFAULT_MODEL, InvalidRequest, JobFacts, Prompt, PromptError,
                        check_prompt, is_charged, parse_prompt, refusal, validate)
from ..contract.endpoints import PROMPT_FIELDS
from ..contract import child_is_draft
from ._faults import AUDIT_REJECTION, Faults, JobFate
from ._media_store import MEDIA_PATH, Media, MediaStore

# --------------------------------------------------------------------------------------------
# Prices (simulated; the real price list is not public). Keys are endpoint names plus modifiers.
DEFAULT_PRICES: dict[str, float] = {
    "diffusion": 1.0, "variation": 1.0, "reroll": 1.0, "pan": 1.0, "outpaint": 1.0,
    "inpaint": 1.0, "remix": 1.0, "edit": 1.0, "upload_paint": 1.0, "retexture": 1.0,
    "upscale": 0.5, "upscale_v5_4x": 1.0, "remove_background": 0.3, "enhance": 0.5,
    "video_diffusion": 8.0, "video_720p_factor": 3.2, "extend_video": 6.0, "video_upscale": 4.0,
    "draft_factor": 0.5,
}

ZH_COMMENTS = {"JobStatusSuccess": "成功", "JobStatusRunning": "执行中",
               "JobStatusQueued": "排队中", "JobStatusCreated": "排队中"}
LONG_SIDE = 1024
BODY_LIMIT = 1024 * 1024
GRID_OUTPUTS = 4  # _images.GRID_COUNT (not imported here: that would load PIL)
PLANNED_ENDPOINTS = frozenset({"diffusion", "reroll"})  # outputs known before they are drawn
MEDIA_WAIT = 60.0  # longest a media request waits for its image to be drawn


class ApiError(Exception):
    """An error answer: HTTP status == body code."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status, self.reason, self.message = status, reason, message

    @property
    def body(self) -> dict:
        return {"code": self.status, "message": self.message, "reason": self.reason}


class DropConnection(Exception):
    """Close the connection without answering (after the job was created)."""


# --------------------------------------------------------------------------------------------
# UNDOCUMENTED ASSUMPTIONS: the response bodies of the account and moodboard endpoints are not
# documented anywhere we could find (response-side-research.md §4). These shapes are our guess,
# kept together here so they are easy to change when the real ones are known.

def page_body(items: list, page_no: int, page_size: int) -> dict:
    start = (page_no - 1) * page_size
    return {"total": len(items), "pageNo": page_no, "pageSize": page_size,
            "list": items[start:start + page_size]}


def subscribe_body(balance: float, max_concurrent: int, running: int) -> dict:
    return {"plan": "Simulator", "balance": round(balance, 4), "maxConcurrent": max_concurrent,
            "running": running, "currency": "CNY"}


def cost_record_body(job_id: str, action: str, cost: float, status: int, comment: str,
                     created_at: datetime) -> dict:
    return {"jobId": job_id, "action": action, "cost": round(cost, 4), "status": status,
            "comment": comment, "createdAt": iso(created_at)}


def month_body(month: str, cost: float, jobs: int) -> dict:
    return {"month": month, "cost": round(cost, 4), "jobs": jobs}


def moodboard_body(mb: dict) -> dict:
    return {"id": mb["id"], "name": mb["name"], "description": mb["description"],
            "images": list(mb["images"]), "createdAt": iso(mb["createdAt"]),
            "updatedAt": iso(mb["updatedAt"])}


def callback_test_body(job_id: str, sent: bool) -> dict:
    return {"jobId": job_id, "sent": sent}

# --------------------------------------------------------------------------------------------


def iso(t: datetime) -> str:
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> datetime:
    t = datetime.fromisoformat(text.replace("z", "Z"))
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def is_loopback_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.scheme not in ("http", "https"):
            return False
        if host == "localhost":
            return True
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def size_for(prompt: Prompt | None, long_side: int = LONG_SIDE) -> tuple[int, int]:
    w, h = prompt.aspect if prompt is not None else (1, 1)
    if prompt is not None and prompt.is_v81 and prompt.hd:
        long_side *= 2
    if w >= h:
        return long_side, max(16, round(long_side * h / w))
    return max(16, round(long_side * w / h)), long_side


@dataclass
class Account:
    app_id: str
    secret: str
    balance: float
    active: set = field(default_factory=set)
    moodboards: dict = field(default_factory=dict)


@dataclass
class Job:
    id: str
    n: int
    app: str
    endpoint: str
    body: dict
    callback: str | None
    text: str  # the prompt field as submitted, "" for endpoints without one
    render_text: str  # what the media generator draws from
    prompt: Prompt | None
    model: str
    draft: bool
    parent: str | None
    index: int | None
    created: float  # time.monotonic()
    created_at: datetime
    queue_s: float
    job_s: float
    seed: int
    price: float
    fate: JobFate
    ext: str = "png"
    extensions: int = 0
    done: bool = False  # media generated (or generation failed)
    done_at: float = 0.0
    planned: bool = False  # urls known at creation: completes at run_end, drawn on the side
    error: str | None = None
    urls: list = field(default_factory=list)
    media: list = field(default_factory=list)  # bytes per output
    refunded: bool = False
    finalized: bool = False
    callbacks: int = 0  # callbacks delivered
    gen_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def run_end(self) -> float:
        return self.created + self.queue_s + self.job_s

    @property
    def complete_at(self) -> float:
        """When the job is terminal with its urls visible (valid once ``done``)."""
        if self.fate.fail_comment:
            return self.run_end
        if self.planned:
            return self.run_end + self.fate.success_before_urls
        return max(self.run_end + self.fate.success_before_urls, self.done_at)


class Service:
    def __init__(self, *, app_id: str, secret: str, job_seconds: float, queue_seconds: float,
                 concurrency: int, balance: float, prices: dict | None,
                 sensitive_words, faults: Faults | None, url_ttl: float | None,
                 comment_style: str, seed: int, workers: int = 6, video_seconds: float = 5.0,
                 extend_seconds: float = 4.0, clock: Callable[[], datetime] | None = None,
                 processes: bool = True) -> None:
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
        self.jobs: dict[str, Job] = {}
        self.created: list[dict] = []
        self.request_log: list[tuple] = []
        self.store = MediaStore()
        self.port = 0
        self.base_url = ""
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
            _process_pool()  # start (and warm up) the shared media processes now
        self._cb_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="sim-callback")
        self._sched = threading.Thread(target=self._schedule_loop, name="sim-scheduler",
                                       daemon=True)
        self._sched.start()
        # jobs whose media were made before a restart still need their completion; media whose
        # drawing a stop cancelled are drawn now
        for job in list(self.jobs.values()):
            if (job.done or job.planned) and not job.finalized:
                self._push(job)
            elif not job.done and not job.fate.fail_comment:
                self._queue_generation(job, self.jobs.get(job.parent or ""))

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
            self.accounts[app_id] = Account(app_id, secret,
                                            self.default_balance if balance is None else balance)

    def authenticate(self, app_id: str | None, secret: str | None) -> Account:
        def refuse() -> ApiError:
            return ApiError(401, "Invalid_App_Identifier", "missing or invalid app identity: "
                            "send the x-youchuan-app and x-youchuan-secret headers with the "
                            "credentials of your app")
        if not app_id or not secret:
            raise refuse()
        account = self.accounts.get(app_id)
        given = secret.encode("utf-8", "surrogateescape")
        expected = account.secret.encode() if account else b"\0" * 32
        if not hmac.compare_digest(given, expected) or account is None:
            raise refuse()
        return account

    # ---- job views ------------------------------------------------------------------------
    def _comment(self, comment: str) -> str:
        if self.comment_style == "zh":
            return ZH_COMMENTS.get(comment, "失败")
        return comment

    def state(self, job: Job, now: float | None = None) -> tuple[int, str, bool]:
        """(status, enum comment, urls visible) at ``now``."""
        now = time.monotonic() if now is None else now
        if now < job.created + job.queue_s:
            return 0, "JobStatusQueued", False
        run_end = job.run_end
        if now < run_end:
            return 1, "JobStatusRunning", False
        if job.fate.fail_comment:
            return 3, job.fate.fail_comment, False
        if job.done and job.error and not job.planned:
            return 3, "JobStatusError", False
        ready = job.done or job.planned
        if job.fate.success_before_urls:
            visible = ready and now >= run_end + job.fate.success_before_urls
            return 2, "JobStatusSuccess", visible
        if not ready:
            return 1, "JobStatusRunning", False
        return 2, "JobStatusSuccess", True

    def view(self, job: Job, now: float | None = None) -> dict:
        status, comment, visible = self.state(job, now)
        if status >= 2 and not job.finalized:
            self._finalize(job, status, comment)
        urls = list(job.urls) if visible else []
        audits = [AUDIT_REJECTION if (i < len(job.fate.audit_rejects)
                                      and job.fate.audit_rejects[i]) else ""
                  for i in range(len(urls))]
        return {"id": job.id, "text": job.text, "status": status,
                "comment": self._comment(comment), "urls": urls, "audits": audits,
                "seed": job.seed, "cost": 0.0 if job.refunded else job.price}

    def _finalize(self, job: Job, status: int, comment: str) -> None:
        with self._lock:
            if job.finalized:
                return
            job.finalized = True
            if status == 3 and not is_charged(comment) and not job.refunded:
                job.refunded = True
                account = self.accounts.get(job.app)
                if account is not None:
                    account.balance = round(account.balance + job.price, 6)
            self.accounts[job.app].active.discard(job.id)

    def running_count(self, account: Account | None = None) -> int:
        accounts = [account] if account else list(self.accounts.values())
        now = time.monotonic()
        total = 0
        for acct in accounts:
            for job_id in list(acct.active):
                job = self.jobs[job_id]
                status = self.state(job, now)[0]
                if status < 2:
                    total += 1
                elif not job.finalized:
                    self._finalize(job, status, self.state(job, now)[1])
        return total

    def media_expired(self, job_id: str) -> bool:
        job = self.jobs.get(job_id)
        if job is None or self.url_ttl is None or not (job.done or job.planned):
            return False
        return time.monotonic() >= job.complete_at + float(self.url_ttl)

    # ---- the API --------------------------------------------------------------------------
    def call(self, ep_name: str, account: Account, body: dict, query: dict,
             path: dict, fate=None) -> dict:
        ep = ENDPOINTS[ep_name]
        if body.get("callback") == "":  # public clients send "" for "no callback"; it works
            body = {k: v for k, v in body.items() if k != "callback"}
        try:
            validate(ep_name, body, query, path)
        except InvalidRequest as exc:
            raise ApiError(400, "Invalid_Argument", str(exc)) from None
        if ep.creates_job:
            return self._submit(ep_name, account, body, fate)
        handler = getattr(self, "_ep_" + ep_name)
        return handler(account, body, query, path)

    def _own_job(self, account: Account, job_id: str) -> Job:
        job = self.jobs.get(job_id)
        if job is None or job.app != account.app_id:
            raise ApiError(404, "Not_Found", f"job {job_id} not found")
        return job

    def _submit(self, ep_name: str, account: Account, body: dict, fate) -> dict:
        ep = ENDPOINTS[ep_name]
        parent = self._own_job(account, body["jobId"]) if body.get("jobId") else None
        parent_model = parent.model if parent else None
        prompts: dict[str, Prompt] = {}
        for name in PROMPT_FIELDS:
            if name in body:
                kind = "video" if ep.kind == "video" else "image"
                try:
                    prompts[name] = check_prompt(
                        body[name], kind=kind, field_name=name,
                        default_model=parent_model if name == "remixPrompt" else None)
                except PromptError as exc:
                    raise ApiError(400, "Invalid_Prompt_Parameter", str(exc)) from None
        for name in PROMPT_FIELDS:
            lowered = body.get(name, "").lower() if isinstance(body.get(name), str) else ""
            for word in self.sensitive_words:
                if word and word.lower() in lowered:
                    raise ApiError(403, "Msg_Sensitive", f"the {name} contains a word that is "
                                   "not allowed; rephrase it")
        index = body.get("imageNo", body.get("videoNo"))
        if parent is not None:
            status, _, visible = self.state(parent)
            facts = JobFacts(action=parent.endpoint, model=parent.model, draft=parent.draft,
                             status=status, outputs=len(parent.urls) if visible else 0,
                             extensions=parent.extensions)
            refused = refusal(ep_name, facts, index)
            if refused is not None:
                raise ApiError(refused.status, refused.reason, refused.message)

        # The new job's own prompt facts (model, draft) as the rules will see them later.
        own = prompts.get("text") or prompts.get("remixPrompt") or prompts.get("prompt")
        if own is not None and (own.has("version") or own.has("niji") or parent is None):
            model = own.model
        else:
            model = parent.model if parent else DEFAULT_MODEL
        draft = child_is_draft(ep_name, own.draft if own is not None else None,
                               bool(parent and parent.draft))
        effective = own if own is not None else (parent.prompt if parent else None)
        text = next((body[n] for n in PROMPT_FIELDS if n in body), "")
        render_text = text or (parent.render_text if parent else "") or ep_name

        price = self._price(ep_name, body, draft)
        with self._lock:
            running = self.running_count(account)
            if running >= self.concurrency:
                raise ApiError(429, "Max_Concurrent_Limited", f"{running} jobs are queued or "
                               f"running; the plan allows {self.concurrency} at once")
            if account.balance + 1e-9 < price:
                raise ApiError(402, "Account_Fee_Not_Enough", f"this job costs {price:g}; the "
                               f"balance is {account.balance:g}")
            account.balance = round(account.balance - price, 6)
            n = next(self._counter)
            seed = (effective.seed if (effective is not None and effective.seed is not None
                                       and ep_name == "diffusion") else
                    random.Random(f"youchuan-sim/{self.seed}/seed/{n}").randrange(2 ** 32))
            faults = self.faults
            job_fate = faults.for_job() if faults is not None else JobFate(n, None, 0.0, ())
            callback = body.get("callback") or None
            job = Job(
                id=uuid.uuid4().hex, n=n, app=account.app_id, endpoint=ep_name,
                body={k: v for k, v in body.items() if k != "callback"}, callback=callback,
                text=text, render_text=render_text, prompt=effective, model=model, draft=draft,
                parent=parent.id if parent else None, index=index, created=time.monotonic(),
                created_at=self.clock(), queue_s=max(0.0, float(self.queue_seconds)),
                job_s=max(0.0, float(self.job_seconds)), seed=seed, price=price, fate=job_fate,
                ext="mp4" if ep.kind == "video" else "png",
                extensions=(parent.extensions + (1 if ep_name == "extend_video" else 0)
                            if parent is not None and parent.endpoint in
                            ("video_diffusion", "extend_video", "video_upscale") else 0),
            )
            self.jobs[job.id] = job
            account.active.add(job.id)
            self.created.append({"id": job.id, "endpoint": ep_name, "body": dict(job.body),
                                 "app": account.app_id, "created": iso(job.created_at)})
        if job_fate.fail_comment:
            job.done, job.done_at = True, job.created
            self._push(job)
        else:
            if self._pool is None:
                raise ApiError(500, "Internal_Server_Error", "the simulator is stopped")
            if ep_name in PLANNED_ENDPOINTS:
                job.planned = True
                job.urls = [f"{self.base_url}/media/{job.id}/{i}.{job.ext}"
                            for i in range(GRID_OUTPUTS)]
                self._push(job)  # completes at run_end, drawn or not
                if self._gen_queued < max(1, self._workers):  # else drawn on first use
                    self._queue_generation(job, parent)
            else:
                self._queue_generation(job, parent)
        if fate is not None and fate.drop_after_create:
            raise DropConnection()
        answer = self.view(job)
        if answer["status"] == 0:
            answer["comment"] = self._comment("JobStatusCreated")
        elif answer["status"] == 2:  # a 0 s job: the creation answer still shows it running
            answer.update(status=1, comment=self._comment("JobStatusRunning"), urls=[],
                          audits=[])
        return answer

    def _price(self, ep_name: str, body: dict, draft: bool) -> float:
        p = self.prices
        if ep_name == "upscale" and body.get("type") == 3:
            price = p["upscale_v5_4x"]
        elif ep_name == "video_diffusion" and body.get("videoType") == 1:
            price = p["video_diffusion"] * p["video_720p_factor"]
        else:
            price = p[ep_name]
        if draft:
            price *= p["draft_factor"]
        return round(price, 4)

    # ---- media generation (worker threads) -------------------------------------------------
    def _queue_generation(self, job: Job, parent: Job | None) -> None:
        pool = self._pool
        if pool is None:
            return
        with self._lock:
            self._gen_queued += 1
        try:
            pool.submit(self._generate, job, parent, True)
        except RuntimeError:  # stopping
            with self._lock:
                self._gen_queued -= 1

    def _generate(self, job: Job, parent: Job | None, queued: bool = False) -> None:
        if queued:
            with self._lock:
                self._gen_queued -= 1
        self.ensure_media(job, parent)

    def ensure_media(self, job: Job, parent: Job | None = None,
                     timeout: float | None = None) -> bool:
        """Draw the job's media unless that is done (waiting while another thread draws them);
        True when they exist (or their drawing failed: see ``job.error``)."""
        if job.done:
            return True
        if not job.gen_lock.acquire(timeout=-1 if timeout is None else max(0.0, timeout)):
            return job.done
        try:
            if not job.done:
                if parent is None and job.parent:
                    parent = self.jobs.get(job.parent)
                self._draw(job, parent)
        finally:
            job.gen_lock.release()
        return job.done

    def _draw(self, job: Job, parent: Job | None) -> None:
        try:
            if parent is not None and not parent.done:
                self.ensure_media(parent)  # a follow-up of a grid not drawn yet
            outputs = self._render(job, parent)
            for i, data in enumerate(outputs):
                self.store.put(job.id, i, data, job.ext)
            job.media = list(outputs)
            job.urls = [f"{self.base_url}/media/{job.id}/{i}.{job.ext}"
                        for i in range(len(outputs))]
        except Exception as exc:  # the job fails with JobStatusError; the server stays up
            job.error = f"{type(exc).__name__}: {exc}"
            print(f"youchuan_nb.sim: media for job {job.id} ({job.endpoint}) failed:\n"
                  + traceback.format_exc(), file=sys.stderr)
        job.done_at = time.monotonic()
        job.done = True
        if not job.planned:
            self._push(job)

    def media_at(self, path: str, timeout: float = MEDIA_WAIT) -> tuple[str, Media] | None:
        """(job id, media) for a media path, drawing (or waiting for) it if need be."""
        found = self.store.lookup_path(path)
        if found is not None:
            return found
        m = MEDIA_PATH.match(path)
        job = self.jobs.get(m["job"]) if m else None
        if job is None or job.ext != m["ext"] or int(m["n"]) >= len(job.urls) or job.done:
            return None
        self.ensure_media(job, timeout=timeout)
        return self.store.lookup_path(path)

    def _own_media(self, url: str) -> bytes | None:
        """The bytes behind one of our media URLs, drawing them first if need be."""
        data = self.store.bytes_for_url(url, self.port)
        if data is None:
            try:
                parts = urlsplit(url)
                if parts.port == self.port and parts.hostname in ("127.0.0.1", "localhost",
                                                                   "::1"):
                    found = self.media_at(parts.path)
                    data = found[1].data if found is not None else None
            except ValueError:
                return None
        return data

    def _source_from_url(self, url: str, w: int = LONG_SIDE, h: int = LONG_SIDE) -> bytes:
        _images = self._media("_images")
        data = self._own_media(url)
        if data is not None:
            return data
        return _one(_images.placeholder_source(url, w, h))

    def _render(self, job: Job, parent: Job | None) -> list[bytes]:
        _images = self._media("_images")
        b, ep, seed, text = job.body, job.endpoint, job.seed, job.render_text
        src = parent.media[job.index] if (parent is not None and job.index is not None
                                          and parent.media) else None
        if ep == "diffusion":
            w, h = size_for(job.prompt)
            return list(_images.grid_images(text, seed, w, h))
        if ep == "reroll":
            w, h = size_for(parent.prompt)
            return list(_images.grid_images(parent.render_text, seed, w, h))
        if ep == "variation":
            return list(_images.variation(src, "strong" if b["type"] == 1 else "subtle", seed))
        if ep == "upscale":
            factor = 4 if b["type"] == 3 else 2
            if parent.model.startswith("8"):  # v8.1: upscale = 4 HD images (docs)
                big = _one(_images.upscale(src, 2))
                return list(_images.variation(big, "subtle", seed))
            return [_one(_images.upscale(src, factor))]
        if ep == "pan":
            direction = ("down", "right", "up", "left")[b["direction"]]
            return list(_images.pan(src, direction, float(b["scale"]), seed))
        if ep == "outpaint":
            return list(_images.outpaint(src, float(b["scale"]), seed))
        if ep == "inpaint":
            return self._inpaint(src, b["mask"], seed)
        if ep == "remix":
            strength = "subtle" if b.get("mode") == 1 else "strong"
            return list(_images.remix(src, b["remixPrompt"], strength, seed))
        if ep == "edit":
            c, p = b["canvas"], b["imgPos"]
            return list(_images.edit(src, (c["width"], c["height"]),
                                     (p["width"], p["height"], p["x"], p["y"]),
                                     b["remixPrompt"], seed))
        if ep == "upload_paint":
            c, p = b["canvas"], b["imgPos"]
            source = self._source_from_url(b["imgUrl"], p["width"], p["height"])
            return list(_images.edit(source, (c["width"], c["height"]),
                                     (p["width"], p["height"], p["x"], p["y"]),
                                     b["remixPrompt"], seed))
        if ep == "retexture":
            return list(_images.retexture(self._source_from_url(b["imgUrl"]), b["remixPrompt"],
                                          seed))
        if ep == "remove_background":
            return [_one(_images.remove_background(self._source_from_url(b["imgUrl"])))]
        if ep == "enhance":
            return [_one(_images.enhance(src, seed))]
        if ep in ("video_diffusion", "extend_video", "video_upscale"):
            return self._render_video(job, parent, src)
        raise AssertionError(f"no renderer for {ep}")  # pragma: no cover

    def _inpaint(self, src: bytes, mask: dict, seed: int) -> list[bytes]:
        _images = self._media("_images")
        if mask.get("url"):
            mask_png = self._own_media(mask["url"])
            if mask_png is not None:
                return list(_images.inpaint_mask_image(src, mask_png, seed))
            w, h = _images.image_size(src)
            return list(_images.inpaint(src, [[(0, 0), (w, 0), (w, h), (0, h)]], seed))
        polygons = _images.areas_to_polygons(mask["areas"], _images.image_size(src))
        return list(_images.inpaint(src, polygons, seed))

    def _render_video(self, job: Job, parent: Job | None, src: bytes | None) -> list[bytes]:
        _video = self._media("_video")
        b, seed = job.body, job.seed
        if job.endpoint == "extend_video":
            return [_video.extend(src, b["prompt"], seed, seconds=float(self.extend_seconds))]
        if job.endpoint == "video_upscale":
            return [_video.upscale(src)]
        prompt_text = b.get("prompt", "") or (parent.render_text if parent else "")
        p = parse_prompt(prompt_text) if prompt_text else None
        if src is None and p is not None and p.images:
            w, h = size_for(p)
            src = self._source_from_url(p.images[0], w, h)
        count = p.batch_size if p is not None else 4
        count = count if count in (1, 2, 4) else 4
        height = 720 if b.get("videoType") == 1 else 480
        motion = (p.get("motion") if p is not None else None) or "low"
        aw, ah = p.aspect if p is not None else (16, 9)
        if p is not None and not p.has("ar"):
            aw, ah = 16, 9
        futures = [_video.submit("animate", src, prompt_text or job.render_text,
                                 (seed + i) % 2 ** 32, height, seconds=float(self.video_seconds),
                                 motion=motion, aspect=aw / ah)
                   for i in range(count)]  # in parallel when a process pool is used
        return [f() for f in futures]

    def _media(self, module: str) -> "_MediaProxy":
        return _MediaProxy(module, _process_pool() if self.processes else None)

    # ---- completion: refunds, callbacks --------------------------------------------------
    def _push(self, job: Job) -> None:
        with self._heap_cv:
            heapq.heappush(self._heap, (job.complete_at, job.n, job.id))
            self._heap_cv.notify()

    def _schedule_loop(self) -> None:
        while self._running:
            with self._heap_cv:
                while self._running and (not self._heap
                                         or self._heap[0][0] > time.monotonic()):
                    wait = (self._heap[0][0] - time.monotonic()) if self._heap else None
                    self._heap_cv.wait(timeout=wait if wait is None else max(wait, 0.001))
                if not self._running:
                    return
                _, _, job_id = heapq.heappop(self._heap)
            job = self.jobs.get(job_id)
            if job is None:
                continue
            self.view(job)  # finalizes (refund, leaves the active set)
            if job.callback:
                pool = self._cb_pool
                if pool is not None:
                    try:
                        pool.submit(self.send_callback, job)
                    except RuntimeError:
                        pass

    def send_callback(self, job: Job) -> bool:
        """POST the job object to its callback URL (loopback hosts only). True if 2xx."""
        if not job.callback or not is_loopback_url(job.callback):
            return False
        payload = json.dumps(self.view(job), ensure_ascii=False).encode("utf-8")
        parts = urlsplit(job.callback)
        cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        try:
            conn = cls(parts.hostname, parts.port, timeout=5)
            try:
                target = parts.path or "/"
                if parts.query:
                    target += "?" + parts.query
                conn.request("POST", target, body=payload,
                             headers={"Content-Type": "application/json; charset=utf-8",
                                      "User-Agent": "youchuan-sim-callback"})
                ok = 200 <= conn.getresponse().status < 300
            finally:
                conn.close()
        except (OSError, http.client.HTTPException):
            return False
        if ok:
            job.callbacks += 1
        return ok

    # ---- account endpoints ----------------------------------------------------------------
    def _ep_job(self, account: Account, body, query, path) -> dict:
        return self.view(self._own_job(account, path["jobId"]))

    def _records(self, account: Account) -> list[Job]:
        jobs = [j for j in self.jobs.values() if j.app == account.app_id]
        jobs.sort(key=lambda j: (j.created_at, j.n), reverse=True)
        return jobs

    def _ep_costs(self, account: Account, body, query, path) -> dict:
        try:
            since = parse_time(query["since"]) if "since" in query else None
            to = parse_time(query["to"]) if "to" in query else None
        except ValueError as exc:
            raise ApiError(400, "Invalid_Argument", f"since/to must be ISO-8601 times: {exc}")
        items = []
        now = time.monotonic()
        for job in self._records(account):
            if (since and job.created_at < since) or (to and job.created_at >= to):
                continue
            v = self.view(job, now)
            items.append(cost_record_body(job.id, job.endpoint, v["cost"], v["status"],
                                          v["comment"], job.created_at))
        return page_body(items, query["pageNo"], query["pageSize"])

    def _ep_cost_monthly(self, account: Account, body, query, path) -> dict:
        months: dict[str, list] = {}
        now = time.monotonic()
        for job in self._records(account):
            key = job.created_at.astimezone(timezone.utc).strftime("%Y-%m")
            entry = months.setdefault(key, [0.0, 0])
            entry[0] += self.view(job, now)["cost"]
            entry[1] += 1
        items = [month_body(m, c, n) for m, (c, n) in sorted(months.items(), reverse=True)]
        return page_body(items, query["pageNo"], query["pageSize"])

    def _ep_subscribe(self, account: Account, body, query, path) -> dict:
        return subscribe_body(account.balance, self.concurrency, self.running_count(account))

    def _ep_callback(self, account: Account, body, query, path) -> dict:
        job = self._own_job(account, body["jobId"])
        return callback_test_body(job.id, self.send_callback(job))

    # ---- moodboards ----------------------------------------------------------------------
    def _ep_create_moodboard(self, account: Account, body, query, path) -> dict:
        now = self.clock()
        mb = {"id": secrets.token_hex(8), "name": body["name"],
              "description": body.get("description") or "", "images": list(body.get("images")
                                                                            or []),
              "createdAt": now, "updatedAt": now, "n": next(self._counter)}
        with self._lock:
            account.moodboards[mb["id"]] = mb
        return moodboard_body(mb)

    def _ep_update_moodboard(self, account: Account, body, query, path) -> dict:
        with self._lock:
            mb = account.moodboards.get(path["id"])
            if mb is None:
                raise ApiError(404, "Not_Found", f"moodboard {path['id']} not found")
            for key in ("name", "description", "images"):
                if body.get(key) is not None:
                    mb[key] = list(body[key]) if key == "images" else body[key]
            mb["updatedAt"] = self.clock()
            return moodboard_body(mb)

    def _ep_moodboards(self, account: Account, body, query, path) -> dict:
        boards = sorted(account.moodboards.values(), key=lambda m: (m["createdAt"], m["n"]),
                        reverse=True)
        return page_body([moodboard_body(m) for m in boards], query.get("pageNo", 1),
                         query.get("pageSize", 20))

    # ---- observability --------------------------------------------------------------------
    def job_record(self, job_id: str) -> dict | None:
        job = self.jobs.get(job_id)
        if job is None:
            return None
        v = self.view(job)
        return {"id": job.id, "endpoint": job.endpoint, "app": job.app, "body": dict(job.body),
                "callback": job.callback is not None, "parent": job.parent, "index": job.index,
                "model": job.model, "draft": job.draft, "seed": job.seed, "price": job.price,
                "refunded": job.refunded, "status": v["status"], "comment": v["comment"],
                "urls": list(job.urls), "outputs": len(job.media), "extensions": job.extensions,
                "done": job.done, "error": job.error, "fail_comment": job.fate.fail_comment,
                "callbacks_delivered": job.callbacks, "created": iso(job.created_at)}


# ---- media generation in worker processes ---------------------------------------------------
# Image and video synthesis is CPU-bound Python/PIL/PyAV code. Run in threads it competes with
# the request handlers for the GIL and p99 polling latency suffers, so by default it runs in a
# small pool of spawned, lower-priority processes shared by every Simulator in this process.
# The functions of _images/_video are pure (bytes in, bytes out), so they pickle cleanly.

_PROC_POOL: ProcessPoolExecutor | None = None
_PROC_LOCK = threading.RLock()
_LOCAL = frozenset({"image_size", "areas_to_polygons"})  # cheap: no need to ship them out


def _worker_init() -> None:
    try:  # Ctrl-C (or a kernel's interrupt/shutdown) is for the parent; it stops the pool
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # ignored from now on
    except (ValueError, OSError):
        pass
    try:
        os.nice(10)  # the HTTP server in the parent process comes first
    except (AttributeError, OSError):
        pass
    from . import _images, _video  # noqa: F401 - import once, up front


def _warm() -> None:
    return None


def _media_call(module: str, name: str, args: tuple, kw: dict):
    mod = importlib.import_module(f"{__package__}.{module}")
    return getattr(mod, name)(*args, **kw)


def _process_pool() -> ProcessPoolExecutor | None:
    global _PROC_POOL
    with _PROC_LOCK:
        if _PROC_POOL is None:
            try:
                workers = max(1, min(4, os.cpu_count() or 1))
                _PROC_POOL = ProcessPoolExecutor(
                    max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                    initializer=_worker_init)
                for _ in range(workers):  # start them all now, not during the first jobs
                    _submit(_PROC_POOL, _warm)
            except (OSError, ValueError, ImportError):
                return None
            _register_exit()
        return _PROC_POOL


_EXIT_REGISTERED = False


def _register_exit() -> None:
    global _EXIT_REGISTERED
    if not _EXIT_REGISTERED:
        _EXIT_REGISTERED = True
        atexit.register(shutdown_process_pool)


def shutdown_process_pool() -> None:
    """Stop the shared media processes (at exit: no stray tracebacks, no leaked semaphores)."""
    global _PROC_POOL
    with _PROC_LOCK:
        pool, _PROC_POOL = _PROC_POOL, None
    if pool is not None:
        try:
            pool.shutdown(wait=True, cancel_futures=True)
        except Exception:  # pragma: no cover - best effort at exit
            pass


@contextlib.contextmanager
def _sigint_blocked():
    """Block SIGINT in this thread while it may start worker processes: a child inherits the
    mask, so a Ctrl-C or a kernel interrupt during its start-up (before its initializer runs)
    cannot end it with a KeyboardInterrupt traceback."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    except (ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@contextlib.contextmanager
def _main_module_hidden():
    """Keep spawned workers from re-running the user's script or notebook ``__main__``.

    "spawn" normally re-imports the parent's main module in each child, which re-runs any
    unguarded top-level code of a script (starting another Simulator there). The workers only
    need youchuan_nb, so the main module is hidden while they start.
    """
    main = sys.modules.get("__main__")
    saved = {k: main.__dict__[k] for k in ("__file__", "__spec__") if main and k in main.__dict__}
    try:
        if main is not None:
            main.__dict__.pop("__file__", None)
            main.__dict__["__spec__"] = None
        yield
    finally:
        if main is not None:
            main.__dict__.pop("__spec__", None)
            main.__dict__.update(saved)


def _submit(pool: ProcessPoolExecutor, fn, *args):
    """pool.submit, with the main module hidden in case it starts a worker process."""
    with _PROC_LOCK, _main_module_hidden(), _sigint_blocked():
        return pool.submit(fn, *args)


def _reset_process_pool(broken: ProcessPoolExecutor) -> None:
    global _PROC_POOL
    with _PROC_LOCK:
        if _PROC_POOL is broken:
            _PROC_POOL = None
    broken.shutdown(wait=False, cancel_futures=True)


class _MediaProxy:
    """``proxy.fn(*args)`` runs ``youchuan_nb.sim.<module>.fn`` in the process pool (or here)."""

    def __init__(self, module: str, pool: ProcessPoolExecutor | None) -> None:
        self._module, self._pool = module, pool

    def submit(self, name: str, *args, **kw) -> Callable[[], Any]:
        """Start ``name(*args, **kw)``; returns a function that waits for the result."""
        pool = self._pool
        if pool is None or name in _LOCAL:
            result = _media_call(self._module, name, args, kw)
            return lambda: result
        try:
            future = _submit(pool, _media_call, self._module, name, args, kw)
        except (BrokenProcessPool, RuntimeError):
            _reset_process_pool(pool)
            result = _media_call(self._module, name, args, kw)
            return lambda: result

        def wait():
            try:
                return future.result()
            except BrokenProcessPool:  # a worker died: do it here instead
                _reset_process_pool(pool)
                return _media_call(self._module, name, args, kw)
        return wait

    def __getattr__(self, name: str) -> Callable[..., Any]:
        return lambda *args, **kw: self.submit(name, *args, **kw)()


def _one(result) -> bytes:
    """Functions documented as returning one image may return it bare or in a list."""
    if isinstance(result, (bytes, bytearray)):
        return bytes(result)
    return list(result)[0]
