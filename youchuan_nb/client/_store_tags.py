"""What a person keeps about jobs in the job store: likes, hidden jobs and folders.

Kept by job id in their own tables (created with ``IF NOT EXISTS``, so an older store gains them
on opening and an older youchuan_nb ignores them); a job can be in several folders.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ..contract import InvalidRequest
from ._store_rows import guarded

if TYPE_CHECKING:  # pragma: no cover
    from ._store import JobStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS job_marks (
    job_id      TEXT PRIMARY KEY,
    liked       INTEGER NOT NULL DEFAULT 0,
    hidden      INTEGER NOT NULL DEFAULT 0,
    updated_at  REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS job_marks_liked ON job_marks(liked);
CREATE TABLE IF NOT EXISTS job_folders (
    job_id      TEXT NOT NULL,
    folder      TEXT NOT NULL,
    added_at    REAL NOT NULL,
    PRIMARY KEY (job_id, folder)
);
CREATE INDEX IF NOT EXISTS job_folders_folder ON job_folders(folder);
CREATE TABLE IF NOT EXISTS archive_meta (key TEXT PRIMARY KEY, value REAL);
"""
MAX_FOLDER = 100


def job_ids(value: str | Iterable[str], where: str) -> list[str]:
    """One job id or several, checked (an empty list is fine: nothing to do)."""
    ids = [value] if isinstance(value, str) else list(value) if value is not None else None
    if ids is None or not all(isinstance(i, str) and i.strip() for i in ids):
        raise InvalidRequest("job_ids", value, "a job id or a list of job ids", endpoint=where)
    return list(dict.fromkeys(ids))


def folder_name(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > MAX_FOLDER:
        raise InvalidRequest(
            "folder", value, f"a folder name of 1 to {MAX_FOLDER} characters", endpoint=where
        )
    return value.strip()


class StoreTags:
    """Mixed into ``JobStore``: likes, hidden and folders."""

    path: Path

    if TYPE_CHECKING:

        def _db(self) -> sqlite3.Connection: ...

        def _tx(self) -> JobStore._Tx: ...

    def _open_tags(self, db: sqlite3.Connection) -> None:
        db.executescript(SCHEMA)

    @staticmethod
    def _touch(db: sqlite3.Connection, now: float) -> None:
        db.execute("INSERT OR REPLACE INTO archive_meta(key, value) VALUES ('tags', ?)", (now,))

    @guarded("written")
    def mark(
        self,
        ids: str | Iterable[str],
        *,
        liked: bool | None = None,
        hidden: bool | None = None,
    ) -> None:
        """Like or unlike, hide or show jobs (None leaves that mark as it is)."""
        ids = job_ids(ids, "mark")
        for name, value in (("liked", liked), ("hidden", hidden)):
            if value is not None and not isinstance(value, bool):
                raise InvalidRequest(name, value, "True, False or None", endpoint="mark")
        now = time.time()
        with self._tx() as db:
            for job_id in ids:
                db.execute(
                    "INSERT INTO job_marks(job_id, liked, hidden, updated_at) VALUES (?,?,?,?) "
                    "ON CONFLICT(job_id) DO UPDATE SET liked=COALESCE(?, liked), "
                    "hidden=COALESCE(?, hidden), updated_at=excluded.updated_at",
                    (
                        job_id,
                        int(bool(liked)),
                        int(bool(hidden)),
                        now,
                        None if liked is None else int(liked),
                        None if hidden is None else int(hidden),
                    ),
                )
            self._touch(db, now)

    @guarded("written")
    def add_to_folder(self, ids: str | Iterable[str], folder: str) -> None:
        ids, folder = job_ids(ids, "add_to_folder"), folder_name(folder, "add_to_folder")
        now = time.time()
        with self._tx() as db:
            db.executemany(
                "INSERT OR IGNORE INTO job_folders(job_id, folder, added_at) VALUES (?,?,?)",
                [(job_id, folder, now) for job_id in ids],
            )
            self._touch(db, now)

    @guarded("written")
    def remove_from_folder(self, ids: str | Iterable[str], folder: str) -> None:
        ids = job_ids(ids, "remove_from_folder")
        folder = folder_name(folder, "remove_from_folder")
        with self._tx() as db:
            db.executemany(
                "DELETE FROM job_folders WHERE job_id=? AND folder=?",
                [(job_id, folder) for job_id in ids],
            )
            self._touch(db, time.time())

    @guarded("read")
    def folders(self) -> dict[str, int]:
        """Every folder and how many jobs it holds."""
        rows = self._db().execute(
            "SELECT folder, COUNT(*) FROM job_folders GROUP BY folder ORDER BY folder"
        )
        return {r[0]: r[1] for r in rows}

    @guarded("read")
    def marks(self, job_id: str) -> dict[str, object]:
        """``{"liked": bool, "hidden": bool, "folders": [...]}`` of one job."""
        db = self._db()
        row = db.execute("SELECT liked, hidden FROM job_marks WHERE job_id=?", (job_id,)).fetchone()
        folders = [
            r[0]
            for r in db.execute(
                "SELECT folder FROM job_folders WHERE job_id=? ORDER BY folder", (job_id,)
            )
        ]
        return {
            "liked": bool(row and row[0]),
            "hidden": bool(row and row[1]),
            "folders": folders,
        }
