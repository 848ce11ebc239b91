"""Looking jobs up: by id from the service, from the local job store, or in flight.

After a kernel restart (or when the service no longer answers for a job) the store still knows a
job, its request and its parent, so a job looked up by id comes back with its whole lineage and
the right facts, without a request per ancestor.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, cast

from ._errors import APIConnectionError, NotFoundError, YouchuanError
from ._job import Job

if TYPE_CHECKING:  # pragma: no cover
    from ._client import Client
    from ._store import JobStore


class JobLookup:
    """Mixed into ``Client``."""

    store: JobStore | None
    base_url: str

    def raw_job(self, job_id: str) -> dict[str, Any]:
        raise NotImplementedError  # pragma: no cover - Client provides it

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
        self._remember(job)
        return job

    def children_of(self, job: Job) -> list[Job]:
        """The follow-ups made from ``job``, oldest first: this session's and, after a restart,
        those the job store recorded (no request). ``job.children`` is brought up to date."""
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

    def history(self, limit: int = 100, offset: int = 0):
        """Jobs recorded in the local job store, newest first."""
        if self.store is None:
            return []
        return self.store.list(limit=limit, offset=offset)
