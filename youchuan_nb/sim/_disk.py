"""The simulator's state on disk: a SQLite database (WAL) in a folder, shared by every process
that opens the same folder, so jobs outlive a kernel restart and two kernels see one service.

SQLite is the truth; the service's dicts are a cache. Each running service has an owner token:
a job's owner draws its media and completes it, and a job whose owner is gone (the process
ended, or the simulator stopped) is adopted by the next service that starts on the folder.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from ..contract import JobFacts, parse_prompt
from ._bodies import iso, parse_time
from ._faults import JobFate
from ._model import Account, SimJob

DB_NAME = "simulator.sqlite3"
CREDENTIALS_NAME = "credentials.json"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS apps (app_id TEXT PRIMARY KEY, secret TEXT NOT NULL,
                                 balance REAL NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, app TEXT NOT NULL, data TEXT NOT NULL,
    created_wall REAL NOT NULL, owner TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0,
    done_wall REAL NOT NULL DEFAULT 0, outputs INTEGER NOT NULL DEFAULT 0, error TEXT,
    refunded INTEGER NOT NULL DEFAULT 0, finalized INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS jobs_app ON jobs (app, finalized);
CREATE TABLE IF NOT EXISTS moodboards (id TEXT PRIMARY KEY, app TEXT NOT NULL,
    n INTEGER NOT NULL, data TEXT NOT NULL);
"""
_LIVE_TOKENS: set[str] = set()  # owner tokens of the services running in this process


def _private_file(path: Path) -> None:
    """Create ``path`` readable by its owner only (it holds secrets); tighten it if it exists."""
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    os.chmod(path, 0o600)


def prepare_folder(folder: Path) -> Path:
    folder = Path(folder).expanduser()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def credentials(folder: Path, app_id: str | None, secret: str | None) -> tuple[str, str]:
    """The folder's app credentials: the saved ones (the same after a restart), else the given
    or new ones, saved (owner-only permissions) for next time."""
    path = prepare_folder(folder) / CREDENTIALS_NAME
    try:
        saved = json.loads(path.read_text("utf-8"))
        if app_id in (None, saved["app_id"]) and secret is None:
            return str(saved["app_id"]), str(saved["secret"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    app_id = app_id or f"sim-app-{secrets.token_hex(4)}"
    secret = secret or f"sim-secret-{secrets.token_hex(16)}"
    tmp = path.with_name(f".{CREDENTIALS_NAME}.{os.getpid()}.tmp")
    _private_file(tmp)
    tmp.write_text(json.dumps({"app_id": app_id, "secret": secret}), "utf-8")
    os.replace(tmp, path)
    return app_id, secret


def _owner_alive(owner: str) -> bool:
    pid_text, _, token = owner.partition(":")
    try:
        pid = int(pid_text)
    except ValueError:
        return False
    if pid == os.getpid():
        return token in _LIVE_TOKENS
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but is not ours to signal
        return True
    return True


def _mono(wall: float) -> float:
    """A wall-clock time as this process's monotonic time (timestamps cross processes)."""
    return time.monotonic() - (time.time() - wall)


def _wall(mono: float) -> float:
    return time.time() - (time.monotonic() - mono)


def _job_data(job: SimJob) -> str:
    f, fate = job.facts, job.fate
    return json.dumps({
        "n": job.n, "endpoint": job.endpoint, "body": job.body, "callback": job.callback,
        "text": job.text, "render_text": job.render_text,
        "prompt": job.prompt.raw if job.prompt is not None else None,
        "facts": [f.action, f.model, f.draft, f.outputs, f.extensions],
        "parent": job.parent, "index": job.index, "created_at": iso(job.created_at),
        "queue_s": job.queue_s, "job_s": job.job_s, "seed": job.seed, "price": job.price,
        "fate": [fate.n, fate.fail_comment, fate.success_before_urls, list(fate.audit_rejects)],
        "ext": job.ext, "planned": job.planned,
    }, ensure_ascii=False)  # fmt: skip


def _job_from_row(row: sqlite3.Row) -> SimJob:
    d = json.loads(row["data"])
    action, model, draft, outputs, extensions = d["facts"]
    fate_n, fail, before_urls, audits = d["fate"]
    job = SimJob(
        id=row["id"], n=d["n"], app=row["app"], endpoint=d["endpoint"], body=d["body"],
        callback=d["callback"], text=d["text"], render_text=d["render_text"],
        prompt=parse_prompt(d["prompt"]) if d["prompt"] is not None else None,
        facts=JobFacts(action, model, draft, None, outputs, extensions),
        parent=d["parent"], index=d["index"], created=_mono(row["created_wall"]),
        created_at=parse_time(d["created_at"]), queue_s=d["queue_s"], job_s=d["job_s"],
        seed=d["seed"], price=d["price"], fate=JobFate(fate_n, fail, before_urls, tuple(audits)),
        ext=d["ext"], planned=d["planned"], outputs=row["outputs"],
    )  # fmt: skip
    _apply_progress(job, row)
    return job


def _apply_progress(job: SimJob, row: sqlite3.Row) -> None:
    if row["done"] and not job.done:
        job.outputs, job.error = row["outputs"], row["error"]
        job.done_at, job.done = _mono(row["done_wall"]), True
    job.refunded = job.refunded or bool(row["refunded"])
    job.finalized = job.finalized or bool(row["finalized"])


class DiskState:
    """The same methods as :class:`youchuan_nb.sim._state.MemoryState`, kept in SQLite."""

    persistent = True

    def __init__(self, folder: Path, accounts: dict[str, Account]) -> None:
        self.folder = prepare_folder(folder)
        self.path = self.folder / DB_NAME
        self.accounts = accounts
        self.owner = ""
        self.own_ids: set[str] = set()
        self._lock = threading.RLock()
        self._db: sqlite3.Connection | None = None
        self._closed = False  # after a stop: late writes of cancelled work are dropped
        self._connect()

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            _private_file(self.path)  # the WAL and shm files SQLite makes copy its mode
            db = sqlite3.connect(
                self.path, timeout=15, isolation_level=None, check_same_thread=False
            )
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA busy_timeout = 15000")
            db.execute("PRAGMA journal_mode = WAL")
            db.executescript(_SCHEMA)
            self._db = db
        return self._db

    def _rows(self, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
        with self._lock:  # one connection, shared by the service's threads
            if self._closed:
                return []
            return self._connect().execute(sql, args).fetchall()

    def _row(self, sql: str, args: tuple = ()) -> sqlite3.Row | None:
        rows = self._rows(sql, args)
        return rows[0] if rows else None

    def _write(self, sql: str, args: tuple = ()) -> int:
        """Run a write statement; how many rows it changed."""
        with self._lock:
            if self._closed:
                return 0  # the next start adopts what this did not record
            return self._connect().execute(sql, args).rowcount

    def _transaction(self, steps) -> Any:
        """Run ``steps(db)`` in one write transaction (BEGIN IMMEDIATE: no lost updates
        between processes)."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the simulator is stopped")
            db = self._connect()
            db.execute("BEGIN IMMEDIATE")
            try:
                result = steps(db)
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
            return result

    def open(self) -> None:
        """A service starts on the folder: a new owner token (its jobs, from now on)."""
        token = secrets.token_hex(8)
        _LIVE_TOKENS.add(token)
        self.owner, self.own_ids = f"{os.getpid()}:{token}", set()
        with self._lock:
            self._closed = False
            self._connect()

    def close(self) -> None:
        _LIVE_TOKENS.discard(self.owner.partition(":")[2])
        with self._lock:
            self._closed = True
            if self._db is not None:
                self._db.close()
                self._db = None

    # ---- apps and balances ---------------------------------------------------------------
    def load_apps(self) -> list[tuple[str, str, float]]:
        rows = self._rows("SELECT app_id, secret, balance FROM apps")
        return [(r["app_id"], r["secret"], r["balance"]) for r in rows]

    def save_app(self, app_id: str, secret: str, balance: float) -> None:
        self._write(
            "INSERT INTO apps VALUES (?, ?, ?) ON CONFLICT(app_id) DO UPDATE SET "
            "secret = excluded.secret",
            (app_id, secret, float(balance)),
        )

    def balance(self, account: Account) -> float:
        row = self._row("SELECT balance FROM apps WHERE app_id = ?", (account.app_id,))
        return float(row["balance"]) if row else 0.0

    def set_balance(self, account: Account, value: float) -> None:
        self._write("UPDATE apps SET balance = ? WHERE app_id = ?", (float(value), account.app_id))

    def charge(self, account: Account, price: float) -> float | None:
        def steps(db: sqlite3.Connection) -> float | None:
            row = db.execute(
                "SELECT balance FROM apps WHERE app_id = ?", (account.app_id,)
            ).fetchone()
            before = float(row["balance"]) if row else 0.0
            if before + 1e-9 < price:
                return None
            db.execute(
                "UPDATE apps SET balance = ? WHERE app_id = ?",
                (round(before - price, 6), account.app_id),
            )
            return before

        return self._transaction(steps)

    # ---- jobs ----------------------------------------------------------------------------
    def save_job(self, job: SimJob) -> None:
        self.own_ids.add(job.id)
        self._write(
            "INSERT INTO jobs (id, app, data, created_wall, owner, done, done_wall, "
            "outputs) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                job.id,
                job.app,
                _job_data(job),
                _wall(job.created),
                self.owner,
                int(job.done),
                _wall(job.done_at) if job.done else 0.0,
                job.outputs,
            ),
        )

    def job_drawn(self, job: SimJob) -> None:
        self._write(
            "UPDATE jobs SET done = 1, done_wall = ?, outputs = ?, error = ? "
            "WHERE id = ? AND done = 0",
            (_wall(job.done_at), job.outputs, job.error, job.id),
        )

    def finalize(self, job: SimJob, account: Account | None, refund: bool) -> bool:
        if self._closed:
            return False  # stopped: the next start completes it

        def steps(db: sqlite3.Connection) -> bool:
            claimed = (
                db.execute(
                    "UPDATE jobs SET finalized = 1, refunded = ? WHERE id = ? AND finalized = 0",
                    (int(refund), job.id),
                ).rowcount
                == 1
            )
            if claimed and refund:
                db.execute(
                    "UPDATE apps SET balance = round(balance + ?, 6) WHERE app_id = ?",
                    (job.price, job.app),
                )
            return claimed

        try:
            claimed = self._transaction(steps)
        except RuntimeError:  # stopped meanwhile
            return False
        if claimed:
            job.refunded = job.refunded or refund
        else:
            self.refresh(job, force=True)
        job.finalized = True
        return claimed

    def job_count(self) -> int:
        """How many jobs the folder holds (new jobs' numbers, and so their seeds, follow on)."""
        row = self._row("SELECT COUNT(*) AS n FROM jobs")
        return int(row["n"]) if row is not None else 0

    def load_job(self, job_id: str) -> SimJob | None:
        row = self._row("SELECT * FROM jobs WHERE id = ?", (job_id,))
        return _job_from_row(row) if row is not None else None

    def refresh(self, job: SimJob, force: bool = False) -> None:
        """Another process's job: what it has done since (drawn, completed, refunded)."""
        if job.id in self.own_ids and not force:
            return
        row = self._row(
            "SELECT done, done_wall, outputs, error, refunded, finalized FROM jobs WHERE id = ?",
            (job.id,),
        )
        if row is not None:
            _apply_progress(job, row)

    def job_ids(self, app_id: str) -> list[str]:
        rows = self._rows("SELECT id FROM jobs WHERE app = ? ORDER BY created_wall", (app_id,))
        return [r["id"] for r in rows]

    def unfinished_ids(self, app_id: str | None) -> list[str]:
        if app_id is None:
            rows = self._rows("SELECT id FROM jobs WHERE finalized = 0")
        else:
            rows = self._rows("SELECT id FROM jobs WHERE app = ? AND finalized = 0", (app_id,))
        return [r["id"] for r in rows]

    def adopt_orphans(self) -> list[str]:
        """Take over the unfinished jobs whose owner is gone; their ids."""
        rows = self._rows("SELECT id, owner FROM jobs WHERE finalized = 0")
        adopted = []
        for row in rows:
            if row["owner"] == self.owner or _owner_alive(row["owner"]):
                continue
            taken = (
                self._write(
                    "UPDATE jobs SET owner = ? WHERE id = ? AND owner = ?",
                    (self.owner, row["id"], row["owner"]),
                )
                == 1
            )
            if taken:
                self.own_ids.add(row["id"])
                adopted.append(row["id"])
        return adopted

    # ---- moodboards ----------------------------------------------------------------------
    def moodboards(self, account: Account) -> dict[str, dict[str, Any]]:
        rows = self._rows("SELECT id, n, data FROM moodboards WHERE app = ?", (account.app_id,))
        boards = {}
        for row in rows:
            board = json.loads(row["data"])
            board.update(
                id=row["id"],
                n=row["n"],
                createdAt=parse_time(board["createdAt"]),
                updatedAt=parse_time(board["updatedAt"]),
            )
            boards[row["id"]] = board
        return boards

    def save_moodboard(self, account: Account, board: dict[str, Any]) -> None:
        data = json.dumps(
            {
                "name": board["name"],
                "description": board["description"],
                "images": board["images"],
                "createdAt": iso(board["createdAt"]),
                "updatedAt": iso(board["updatedAt"]),
            },
            ensure_ascii=False,
        )

        def steps(db: sqlite3.Connection) -> None:
            if "n" not in board:
                row = db.execute("SELECT COALESCE(MAX(n), 0) + 1 AS n FROM moodboards").fetchone()
                board["n"] = row["n"]
            db.execute(
                "INSERT INTO moodboards VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE "
                "SET data = excluded.data",
                (board["id"], account.app_id, board["n"], data),
            )

        self._transaction(steps)
