"""Looking jobs up: by id from the service, from the local job store, or in flight.

After a kernel restart (or when the service no longer answers for a job) the store still knows a
job, its request and its parent, so a job looked up by id comes back with its whole lineage and
the right facts, without a request per ancestor.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any, cast

from ..contract import ENDPOINTS, InvalidRequest, validate
from ..contract.answers import UnreadableAnswer, read_job
from ._errors import APIConnectionError, NotFoundError, UnreadableAnswerError, YouchuanError
from ._job import Job

if TYPE_CHECKING:  # pragma: no cover
    from ._client import Client
    from ._http import Transport
    from ._store import JobRecord, JobStore

log = logging.getLogger("youchuan_nb")


def _check_id(job_id: Any, endpoint: str = "job") -> str:
    if not isinstance(job_id, str) or not job_id.strip():
        raise InvalidRequest("job_id", job_id, "a job id string (job.id)", endpoint=endpoint)
    validate("job", path={"jobId": job_id})
    return job_id


class JobLookup:
    """Mixed into ``Client``."""

    store: JobStore | None
    base_url: str
    _transport: Transport

    def _request(
        self,
        ep_name: str,
        *,
        body: dict | None = None,
        query: dict | None = None,
        path_params: dict | None = None,
    ) -> Any:
        raise NotImplementedError  # pragma: no cover - Client provides it

    def _unreadable(self, ep_name: str, exc: UnreadableAnswer) -> UnreadableAnswerError:
        raise NotImplementedError  # pragma: no cover - Client provides it

    def check_request(
        self, ep_name: str, fields: dict[str, Any], parent: Job | None = None
    ) -> dict[str, Any]:
        raise NotImplementedError  # pragma: no cover - Client provides it

    def raw_job(self, job_id: str) -> dict[str, Any]:
        """GET /v1/tob/job/{jobId}: the service's answer about a job (no ``Job`` made), read by
        the tolerant reader into the flat shape. Raises ``UnreadableAnswerError`` for an
        answer of a shape it does not know."""
        _check_id(job_id)
        body = self._request("job", path_params={"jobId": job_id})
        try:
            return read_job(body, expect_id=job_id)
        except UnreadableAnswer as exc:
            raise self._unreadable("job", exc) from None

    def _known(self, job_id: str | None) -> Job | None:
        raise NotImplementedError  # pragma: no cover - Client provides it

    def _register(self, job: Job) -> None:
        raise NotImplementedError  # pragma: no cover - Client provides it

    def _remember(self, job: Job) -> None:
        raise NotImplementedError  # pragma: no cover - Client provides it

    # -- jobs in this session ----------------------------------------------------------------
    def job(self, job_id: str, *, from_store: bool = True) -> Job:
        """GET /v1/tob/job/{jobId}: a job by id (the same Job object if this client made it).

        If the service no longer answers for it (expired, or a simulator that restarted empty)
        and the local job store knows it, the stored job is returned: its results come from the
        local cache."""
        _check_id(job_id)
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
        rec = self.store.get(job_id) if self.store is not None else None
        if rec is not None:
            action, params, parent_id, image_no = (
                rec.endpoint,
                rec.params,
                rec.parent_id,
                rec.image_no,
            )
        job = Job(
            cast("Client", self),
            raw,
            action=action,
            params=params,
            parent=self._lineage(parent_id),
            parent_id=parent_id,
            image_no=image_no,
        )
        _keep_times(job, rec)
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
        _check_id(job_id, "job_from_store")
        rec = self.store.get(job_id) if self.store is not None else None
        if rec is None or not rec.raw:
            return None
        known = self._known(job_id)
        if known is not None:
            return known
        job = Job(
            cast("Client", self),
            rec.raw,
            action=rec.endpoint,
            params=rec.params,
            parent=self._lineage(rec.parent_id, _depth),
            parent_id=rec.parent_id,
            image_no=rec.image_no,
            local_id=rec.local_id,
        )
        _keep_times(job, rec)
        self._remember(job)
        return job

    def children_of(self, job: Job) -> list[Job]:
        """The follow-ups made from ``job``, oldest first: this session's and, after a restart,
        those the job store recorded (no request). ``job.children`` is brought up to date."""
        if not isinstance(job, Job):
            raise InvalidRequest("job", job, "a Job", endpoint="children_of")
        if self.store is not None and job.id:
            have = {child.id for child in job.children}
            records = sorted(
                self.store.list(limit=10_000, parent_id=job.id), key=lambda r: r.created_at
            )
            for rec in records:
                if not rec.job_id or rec.job_id in have:
                    continue
                child = self._known(rec.job_id) or self.job_from_store(rec.job_id)
                if child is not None:
                    if child.parent is None:
                        child.parent = job
                    job.children.append(child)
                    have.add(child.id)
        return list(job.children)

    def tree(self, job: Job) -> list[tuple[Job, int]]:
        """``job`` and every follow-up under it, depth first, with its depth (0 for ``job``)."""
        if not isinstance(job, Job):
            raise InvalidRequest("job", job, "a Job", endpoint="tree")
        out: list[tuple[Job, int]] = []
        stack = [(job, 0)]
        seen: set[str] = set()
        while stack:
            node, depth = stack.pop()
            if node.id in seen:  # a store can never make a cycle, but never loop on one
                continue
            seen.add(node.id)
            out.append((node, depth))
            stack.extend((child, depth + 1) for child in reversed(self.children_of(node)))
        return out

    def find_in_flight(self, endpoint: str, params: dict, *, max_age: float = 3600.0) -> Job | None:
        """A job this store recorded for the same request that has not ended (e.g. submitted
        before a kernel restart), so re-running a cell resumes it instead of paying again."""
        _check_request_key(endpoint, params, "find_in_flight")
        if not _is_number(max_age):
            raise InvalidRequest(
                "max_age", max_age, "a number of seconds", endpoint="find_in_flight"
            )
        if self.store is None:
            return None
        for rec in self.store.list(limit=200, state="submitted"):
            if (
                rec.endpoint == endpoint
                and rec.params == params
                and rec.job_id
                and rec.base_url == self.base_url
                and time.time() - rec.created_at < max_age
            ):
                try:
                    return self.job(rec.job_id, from_store=False)
                except YouchuanError:
                    return None
        return None

    def history(self, limit: int = 100, offset: int = 0) -> list[JobRecord]:
        """Jobs recorded in the local job store, newest first (a record that cannot be read is
        skipped with a warning)."""
        for name, value in (("limit", limit), ("offset", offset)):
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10**9:
                raise InvalidRequest(name, value, "a whole number >= 0", endpoint="history")
        if self.store is None:
            return []
        return self.store.list(limit=limit, offset=offset)

    # -- submits that never got an answer ---------------------------------------------------
    @property
    def interrupted_after(self) -> float:
        """Seconds after which a submit still recorded as ``submitting`` cannot be on its way
        any more (the longest one call of this client can take, and a margin)."""
        t = self._transport
        attempt = t.timeout + min(5.0, t.timeout) + 5.0  # connect + the answer's deadline
        return (t.max_retries + 1) * attempt + t.timeout + 30.0

    def _settle_interrupted(self) -> None:
        if self.store is None:
            return
        try:
            n = self.store.settle_interrupted(older_than=self.interrupted_after)
        except YouchuanError as exc:  # a read-only store can still be read
            log.warning("youchuan_nb: %s", exc)
            return
        if n:
            log.warning(
                "youchuan_nb: %d earlier submit(s) were interrupted before the service answered; "
                "their jobs may exist (client.maybe_created(...) or client.history() lists them)",
                n,
            )

    def maybe_created(self, endpoint: str, params: dict[str, Any]) -> list[JobRecord]:
        """Earlier submits of the same request (``endpoint`` and its fields, API or Python
        names, as for a submit) that never got an answer: the service may have created (and
        billed) their jobs. Newest first; empty when there are none or there is no store.

        A front end shows these as "may exist: check before paying again" instead of
        submitting silently; after checking, :meth:`dismiss_maybe_created` sets one aside."""
        _check_request_key(endpoint, params, "maybe_created")
        if self.store is None:
            return []
        body = self.check_request(endpoint, params)
        return self.store.maybe_created(
            endpoint, body, base_url=self.base_url, stale_after=self.interrupted_after
        )

    def dismiss_maybe_created(self, record: JobRecord | str) -> None:
        """Set aside a record from :meth:`maybe_created` (a record or its ``local_id``) after
        checking that its job does not exist, or on deciding to pay again anyway."""
        local_id = record if isinstance(record, str) else getattr(record, "local_id", None)
        if not isinstance(local_id, str) or not local_id:
            raise InvalidRequest(
                "record", record, "a JobRecord or its local_id", endpoint="dismiss"
            )
        if self.store is not None:
            self.store.dismiss(local_id)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def _check_request_key(endpoint: Any, params: Any, where: str) -> None:
    if not isinstance(endpoint, str) or endpoint not in ENDPOINTS:
        raise InvalidRequest(
            "endpoint", endpoint, "an endpoint name such as 'diffusion'", endpoint=where
        )
    if not isinstance(params, dict):
        raise InvalidRequest("params", params, "a dict of the request's fields", endpoint=where)


def _keep_times(job: Job, rec: JobRecord | None) -> None:
    """A job rebuilt in a later session keeps when it was submitted and when it ended (not when
    it was looked up), so its card's elapsed time and the archive's dates are right."""
    if rec is None:
        return
    if rec.created_at:
        job.submitted_at = rec.created_at
    if job.done and rec.finished_at:
        job.finished_at = rec.finished_at
