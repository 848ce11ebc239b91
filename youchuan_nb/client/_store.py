"""The local job store: every job is recorded when it is submitted and updated as it progresses.

Jobs cost money and the service's result URLs expire, so the record must survive kernel
restarts and two kernels writing at once. SQLite in WAL mode with a busy timeout gives that with
no server; each write is its own short transaction. Credentials are never stored.
"""

from __future__ import annotations

import builtins
import json
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ._errors import StoreError
from ._store_rows import JobRecord, guarded, interrupted, owner_tag, record_or_none
from ._store_search import StoreSearch
from ._store_tags import StoreTags

__all__ = ["JobRecord", "JobStore", "default_home"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    local_id    TEXT PRIMARY KEY,
    job_id      TEXT UNIQUE,
    base_url    TEXT NOT NULL,
    endpoint    TEXT NOT NULL,
    params      TEXT NOT NULL,
    parent_id   TEXT,
    image_no    INTEGER,
    label       TEXT,
    -- state: submitting | submitted | finished | failed | unknown | refused | dismissed
    -- (unknown: the submit was interrupted and the job may exist; dismissed: such a record
    -- the user checked and set aside)
    state       TEXT NOT NULL,
    status      INTEGER,
    comment     TEXT,
    error       TEXT,
    raw         TEXT,
    media       TEXT,               -- JSON list of cached file paths (index -> path or null)
    created_at  REAL NOT NULL,
    updated_at  REAL NOT NULL,
    finished_at REAL,
    owner       TEXT                -- host:pid of the process that submitted it
);
CREATE INDEX IF NOT EXISTS jobs_created ON jobs(created_at);
CREATE INDEX IF NOT EXISTS jobs_parent ON jobs(parent_id);
"""


def default_home() -> Path:
    """The user's data folder for youchuan_nb (``YOUCHUAN_NB_HOME`` overrides it)."""
    env = os.environ.get("YOUCHUAN_NB_HOME")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(
        os.path.expanduser("~"), ".local", "share"
    )
    return Path(base) / "youchuan_nb"


class JobStore(StoreSearch, StoreTags):
    """A job history in one SQLite file, safe across threads and processes.

    Every failure of the file (corrupt, not a database, read-only, locked too long, full disk)
    raises :class:`StoreError` naming the file; a row that cannot be read is skipped with a
    warning, so one bad row never hides the rest of the history."""

    def __init__(self, path: str | os.PathLike | None = None) -> None:
        if path is not None and not isinstance(path, (str, os.PathLike)):
            raise StoreError(repr(path)[:100], "used", "a store path must be a str or a Path")
        self.path = Path(path) if path else default_home() / "jobs.sqlite3"
        self._local = threading.local()
        self._open()

    @guarded("opened")
    def _open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = self._db()
        db.executescript(SCHEMA)  # executescript manages its own transaction
        columns = {row["name"] for row in db.execute("PRAGMA table_info(jobs)")}
        if "owner" not in columns:  # a store made before submits recorded their process
            db.execute("ALTER TABLE jobs ADD COLUMN owner TEXT")
        self._open_tags(db)
        self._open_search(db)  # the archive's index and its triggers (after the tags)
        db.execute("SELECT local_id, job_id, state, params, raw, media FROM jobs LIMIT 1")

    def __repr__(self) -> str:
        return f"JobStore({str(self.path)!r})"

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA busy_timeout=30000")
            db.row_factory = sqlite3.Row  # rows carry their column names
            self._local.db = db
        return db

    class _Tx:
        def __init__(self, db: sqlite3.Connection) -> None:
            self.db = db

        def __enter__(self) -> sqlite3.Connection:
            self.db.execute("BEGIN IMMEDIATE")
            return self.db

        def __exit__(self, exc_type, *_: Any) -> None:
            self.db.execute("ROLLBACK" if exc_type else "COMMIT")

    def _tx(self) -> JobStore._Tx:
        return JobStore._Tx(self._db())

    # -- writes ------------------------------------------------------------------------------
    @guarded("written")
    def record_submit(
        self,
        *,
        base_url: str,
        endpoint: str,
        params: dict,
        parent_id: str | None = None,
        image_no: int | None = None,
        label: str | None = None,
    ) -> str:
        """Record a job about to be submitted; returns its local id."""
        local_id = uuid.uuid4().hex
        now = time.time()
        safe = {k: v for k, v in params.items() if k != "callback"}
        with self._tx() as db:
            db.execute(
                "INSERT INTO jobs (local_id, base_url, endpoint, params, parent_id, image_no, "
                "label, state, media, created_at, updated_at, owner) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    local_id,
                    base_url,
                    endpoint,
                    json.dumps(safe, ensure_ascii=False),
                    parent_id,
                    image_no,
                    label,
                    "submitting",
                    "[]",
                    now,
                    now,
                    owner_tag(),
                ),
            )
        return local_id

    @guarded("written")
    def record_accepted(self, local_id: str, job: dict) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE jobs SET job_id=?, state='submitted', status=?, comment=?, raw=?, "
                "updated_at=? WHERE local_id=?",
                (
                    str(job.get("id")),
                    _int(job.get("status")),
                    _str(job.get("comment")),
                    json.dumps(job, ensure_ascii=False),
                    time.time(),
                    local_id,
                ),
            )

    @guarded("written")
    def record_label(self, local_id: str, label: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE jobs SET label=? WHERE local_id=?", (label, local_id))

    @guarded("written")
    def record_submit_error(self, local_id: str, error: str, *, maybe_created: bool) -> None:
        state = "unknown" if maybe_created else "refused"
        with self._tx() as db:
            db.execute(
                "UPDATE jobs SET state=?, error=?, updated_at=? WHERE local_id=?",
                (state, error, time.time(), local_id),
            )

    @guarded("written")
    def record_job(self, job: dict, *, base_url: str | None = None) -> None:
        """Update a job from a service answer (inserting it if this store never saw it)."""
        job_id = str(job.get("id"))
        status = _int(job.get("status"))
        now = time.time()
        # the same rule as Job.failed: any status from 3 up is a failure (4 is seen in the wild)
        state = "finished" if status == 2 else "failed" if (status or 0) >= 3 else "submitted"
        urls_ready = status != 2 or bool(job.get("urls"))
        if status == 2 and not urls_ready:
            state = "submitted"  # success before urls: not finished for us yet
        with self._tx() as db:
            # an answer that arrives late never moves a finished record back to "submitted"
            cur = db.execute(
                "UPDATE jobs SET status=?, comment=?, raw=?, state=?, updated_at=?, "
                "finished_at=CASE WHEN ? IN ('finished','failed') THEN COALESCE(finished_at, ?) "
                "ELSE finished_at END WHERE job_id=? AND NOT (state IN ('finished','failed') "
                "AND ? NOT IN ('finished','failed'))",
                (
                    status,
                    _str(job.get("comment")),
                    json.dumps(job, ensure_ascii=False),
                    state,
                    now,
                    state,
                    now,
                    job_id,
                    state,
                ),
            )
            if (
                cur.rowcount == 0
                and db.execute("SELECT 1 FROM jobs WHERE job_id=?", (job_id,)).fetchone()
            ):
                return
            if cur.rowcount == 0:
                db.execute(
                    "INSERT INTO jobs (local_id, job_id, base_url, endpoint, params, state, "
                    "status, "
                    "comment, raw, media, created_at, updated_at, finished_at) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        uuid.uuid4().hex,
                        job_id,
                        base_url or "",
                        "unknown",
                        "{}",
                        state,
                        status,
                        _str(job.get("comment")),
                        json.dumps(job, ensure_ascii=False),
                        "[]",
                        now,
                        now,
                        now if state in ("finished", "failed") else None,
                    ),
                )

    @guarded("written")
    def record_media(self, job_id: str, paths: list[str | None]) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE jobs SET media=?, updated_at=? WHERE job_id=?",
                (json.dumps(paths), time.time(), job_id),
            )

    # -- reads -------------------------------------------------------------------------------
    @guarded("read")
    def get(self, job_id: str) -> JobRecord | None:
        row = self._db().execute("SELECT * FROM jobs WHERE job_id=?", (job_id,)).fetchone()
        return self._record_or_none(row)

    @guarded("read")
    def get_local(self, local_id: str) -> JobRecord | None:
        row = self._db().execute("SELECT * FROM jobs WHERE local_id=?", (local_id,)).fetchone()
        return self._record_or_none(row)

    @guarded("read")
    def list(
        self,
        limit: int = 100,
        offset: int = 0,
        *,
        state: str | None = None,
        parent_id: str | None = None,
    ) -> list[JobRecord]:
        sql, args = "SELECT * FROM jobs", list[Any]()
        where = []
        if state:
            where.append("state=?")
            args.append(state)
        if parent_id:
            where.append("parent_id=?")
            args.append(parent_id)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY created_at DESC LIMIT ? OFFSET ?"
        args += [limit, offset]
        rows = self._db().execute(sql, args).fetchall()
        return [rec for rec in map(self._record_or_none, rows) if rec is not None]

    @guarded("read")
    def find(
        self,
        endpoint: str,
        params: dict,
        *,
        base_url: str | None,
        states: tuple[str, ...] = ("submitted", "finished"),
    ) -> builtins.list[JobRecord]:
        """The records of the same request (endpoint, body, and service unless ``base_url`` is
        None) in one of ``states`` that have a job id, newest first: what re-running an
        unchanged notebook cell shows instead of paying again."""
        marks = ",".join("?" * len(states))
        sql = f"SELECT * FROM jobs WHERE endpoint=? AND state IN ({marks}) AND job_id IS NOT NULL"
        args: builtins.list[Any] = [endpoint, *states]
        if base_url is not None:
            sql += " AND base_url=?"
            args.append(base_url)
        rows = self._db().execute(sql + " ORDER BY created_at DESC", args).fetchall()
        wanted = {k: v for k, v in params.items() if k != "callback"}
        found = []
        for row in rows:
            rec = self._record_or_none(row)
            if rec is not None and rec.params == wanted:
                found.append(rec)
        return found

    @guarded("read")
    def maybe_created(
        self, endpoint: str, params: dict, *, base_url: str, stale_after: float
    ) -> builtins.list[JobRecord]:
        """Records of the same request (endpoint, body, service) whose submit never got an
        answer, newest first: ``unknown`` ones, and ``submitting`` ones older than
        ``stale_after`` seconds (their process stopped during the POST). The job of each may
        exist on the service: check before paying again."""
        rows = self._db().execute(
            "SELECT * FROM jobs WHERE endpoint=? AND base_url=? AND state IN "
            "('unknown','submitting') ORDER BY created_at DESC",
            (endpoint, base_url),
        )
        wanted = {k: v for k, v in params.items() if k != "callback"}
        found = []
        for row in rows:
            rec = self._record_or_none(row)
            if rec is None or rec.params != wanted:
                continue
            if rec.state == "unknown" or interrupted(rec, stale_after):
                found.append(rec)
        return found

    @guarded("written")
    def settle_interrupted(self, *, older_than: float) -> int:
        """Mark ``submitting`` rows older than ``older_than`` seconds as ``unknown``: the process
        that wrote them stopped before the service answered (killed, crashed), so their jobs may
        exist. A late answer still moves such a row on. Returns how many were marked."""
        rows = self._db().execute("SELECT * FROM jobs WHERE state='submitting'").fetchall()
        gone = [
            rec.local_id
            for rec in map(self._record_or_none, rows)
            if rec is not None and interrupted(rec, older_than)
        ]
        error = (
            "the submit was interrupted before the service answered (the process stopped): "
            "the job may exist; check before submitting it again"
        )
        with self._tx() as db:
            for local_id in gone:
                db.execute(
                    "UPDATE jobs SET state='unknown', error=?, updated_at=? WHERE local_id=? "
                    "AND state='submitting'",
                    (error, time.time(), local_id),
                )
        return len(gone)

    @guarded("written")
    def dismiss(self, local_id: str) -> None:
        """Set aside an ``unknown`` record the user has checked (it no longer warns)."""
        with self._tx() as db:
            db.execute(
                "UPDATE jobs SET state='dismissed', updated_at=? WHERE local_id=? AND "
                "state IN ('unknown','submitting')",
                (time.time(), local_id),
            )

    def __iter__(self) -> Iterator[JobRecord]:
        return iter(self.list(limit=1_000_000))

    @guarded("read")
    def count(self) -> int:
        return self._db().execute("SELECT COUNT(*) FROM jobs").fetchone()[0]

    def _record_or_none(self, row: sqlite3.Row | None) -> JobRecord | None:
        return record_or_none(row, self.path)

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _str(v: Any) -> str | None:
    return None if v is None else str(v)
