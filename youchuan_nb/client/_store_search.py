"""Searching the job store: an index of what a person looks for (prompt words, model, aspect,
kind, state, date), kept beside the ``jobs`` table in the same SQLite file.

The index is derived (a prompt's model and aspect need the prompt parser, and a follow-up takes
its parent's prompt), so it is not a column of ``jobs``. Two SQL triggers on ``jobs`` note
every changed row in ``archive_dirty``; they are plain SQL, so they fire for any process that
writes the store, an older youchuan_nb included. A search first indexes the noted rows (in the
same write transaction that clears them, so no change is lost between the two), then answers
from indexed columns. Prompt words use an FTS5 trigram index when this SQLite has it (any
script, no word splitting: Chinese prompts have no spaces); a word under three characters, or a
SQLite without FTS5, falls back to ``LIKE`` over the lower-cased prompt.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..contract import own_prompt, parse_prompt
from ._archive_query import (
    KINDS,
    STATE_GROUPS,
    ArchiveItem,
    ArchivePage,
    ArchiveQuery,
    kind_of,
    state_group,
)
from ._store_rows import JobRecord, guarded, record_or_none

if TYPE_CHECKING:  # pragma: no cover
    from ._store import JobStore

log = logging.getLogger("youchuan_nb")

SCHEMA = """
CREATE TABLE IF NOT EXISTS archive_index (
    id          INTEGER PRIMARY KEY,
    local_id    TEXT NOT NULL UNIQUE,
    job_id      TEXT,
    endpoint    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    state       TEXT NOT NULL,      -- a state group: running, finished, failed, may_exist...
    prompt      TEXT NOT NULL,      -- own prompt, else the parent's (flags included)
    words       TEXT NOT NULL,      -- lower-cased prompt and job id, for matching
    model       TEXT NOT NULL,
    aspect      TEXT NOT NULL,
    parent_id   TEXT,
    created_at  REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS archive_created ON archive_index(created_at);
CREATE INDEX IF NOT EXISTS archive_job ON archive_index(job_id);
CREATE INDEX IF NOT EXISTS archive_model ON archive_index(model, created_at);
CREATE INDEX IF NOT EXISTS archive_kind ON archive_index(kind, created_at);
CREATE INDEX IF NOT EXISTS archive_state ON archive_index(state, created_at);
CREATE INDEX IF NOT EXISTS archive_aspect ON archive_index(aspect, created_at);
CREATE INDEX IF NOT EXISTS archive_jobs_updated ON jobs(updated_at);
CREATE TABLE IF NOT EXISTS archive_dirty (local_id TEXT PRIMARY KEY);
CREATE TRIGGER IF NOT EXISTS archive_noted_insert AFTER INSERT ON jobs BEGIN
    INSERT OR IGNORE INTO archive_dirty(local_id) VALUES (new.local_id);
END;
CREATE TRIGGER IF NOT EXISTS archive_noted_update AFTER UPDATE ON jobs BEGIN
    INSERT OR IGNORE INTO archive_dirty(local_id) VALUES (new.local_id);
END;
"""
FTS = "CREATE VIRTUAL TABLE IF NOT EXISTS archive_fts USING fts5(words, tokenize='trigram')"
_COLUMNS = (
    "a.local_id, a.prompt, a.model, a.aspect, a.kind, a.state, "
    "COALESCE(m.liked,0), COALESCE(m.hidden,0)"
)
_CHUNK = 500  # SQLite's bound-parameter limit is far above; keeps statements small


def _has_table(db: sqlite3.Connection, name: str) -> bool:
    found = db.execute("SELECT 1 FROM sqlite_master WHERE name=?", (name,)).fetchone()
    return found is not None


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _marks(n: int) -> str:
    return ",".join("?" * n)


class StoreSearch:
    """Mixed into ``JobStore``: the archive's index and its search."""

    path: Path
    fts: bool = False  # the prompt words use the FTS5 trigram index

    if TYPE_CHECKING:

        def _db(self) -> sqlite3.Connection: ...

        def _tx(self) -> JobStore._Tx: ...

    def _open_search(self, db: sqlite3.Connection) -> None:
        new = not _has_table(db, "archive_index")
        db.executescript(SCHEMA)
        try:
            db.execute(FTS)
            self.fts = True
        except sqlite3.OperationalError:  # a SQLite built without FTS5 (or without trigram)
            self.fts = False
        if new:  # a store made before the archive: index every row at the first search
            db.execute("INSERT OR IGNORE INTO archive_dirty(local_id) SELECT local_id FROM jobs")

    # -- keeping the index ---------------------------------------------------------------------
    @guarded("indexed")
    def refresh_index(self) -> int:
        """Index the rows changed since the last search; returns how many were indexed."""
        db = self._db()
        if db.execute("SELECT 1 FROM archive_dirty LIMIT 1").fetchone() is None:
            return 0
        done = 0
        with self._tx() as db:
            noted = [r[0] for r in db.execute("SELECT local_id FROM archive_dirty")]
            rows: list[sqlite3.Row] = []
            for part in _chunks(noted):
                rows += db.execute(
                    f"SELECT * FROM jobs WHERE local_id IN ({_marks(len(part))})", part
                ).fetchall()
            rows.sort(key=lambda r: r["created_at"] or 0)  # parents before their follow-ups
            inherited: dict[str, tuple[str, str, str]] = {}
            for row in rows:
                rec = record_or_none(row, self.path)
                if rec is not None:
                    self._index_one(db, rec, inherited)
                    done += 1
            for part in _chunks(noted):
                db.execute(
                    f"DELETE FROM archive_dirty WHERE local_id IN ({_marks(len(part))})", part
                )
        return done

    def _derived(
        self, db: sqlite3.Connection, rec: JobRecord, inherited: dict, depth: int = 0
    ) -> tuple[str, str, str]:
        """(prompt, model, aspect) of a record: its own prompt's, else what it inherits from
        its parent (a follow-up edits the parent's image with the parent's model)."""
        own = own_prompt(rec.params)
        raw_text = (rec.raw or {}).get("text")
        text = (
            own if own is not None else raw_text if isinstance(raw_text, str) and raw_text else None
        )
        parent: tuple[str, str, str] | None = None
        if rec.parent_id and depth < 32:
            parent = inherited.get(rec.parent_id)
            if parent is None:
                row = db.execute(
                    "SELECT prompt, model, aspect FROM archive_index WHERE job_id=?",
                    (rec.parent_id,),
                ).fetchone()
                if row is None:
                    prow = db.execute(
                        "SELECT * FROM jobs WHERE job_id=?", (rec.parent_id,)
                    ).fetchone()
                    prec = record_or_none(prow, self.path)
                    parent = self._derived(db, prec, inherited, depth + 1) if prec else None
                else:
                    parent = (row[0], row[1], row[2])
        if text is None:
            return parent if parent is not None else ("", "", "")
        parsed = parse_prompt(text)
        model, aspect = parsed.model, "{}:{}".format(*parsed.aspect)
        if parent is not None:
            if not (parsed.has("version") or parsed.has("niji")):
                model = parent[1]
            if not parsed.has("ar"):
                aspect = parent[2]
        return text, model, aspect

    def _index_one(self, db: sqlite3.Connection, rec: JobRecord, inherited: dict) -> None:
        prompt, model, aspect = self._derived(db, rec, inherited)
        if rec.job_id:
            inherited[rec.job_id] = (prompt, model, aspect)
        words = f"{prompt} {rec.job_id or ''}".lower()
        old = db.execute(
            "SELECT id FROM archive_index WHERE local_id=?", (rec.local_id,)
        ).fetchone()
        values = (
            rec.job_id,
            rec.endpoint,
            kind_of(rec.endpoint),
            state_group(rec.state),
            prompt,
            words,
            model,
            aspect,
            rec.parent_id,
            rec.created_at,
        )
        if old is None:
            cur = db.execute(
                "INSERT INTO archive_index (job_id, endpoint, kind, state, prompt, words, model, "
                "aspect, parent_id, created_at, local_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (*values, rec.local_id),
            )
            rowid = cur.lastrowid
        else:
            rowid = old[0]
            db.execute(
                "UPDATE archive_index SET job_id=?, endpoint=?, kind=?, state=?, prompt=?, "
                "words=?, model=?, aspect=?, parent_id=?, created_at=? WHERE id=?",
                (*values, rowid),
            )
        if self.fts:
            db.execute("DELETE FROM archive_fts WHERE rowid=?", (rowid,))
            db.execute("INSERT INTO archive_fts(rowid, words) VALUES (?,?)", (rowid, words))

    # -- searching -----------------------------------------------------------------------------
    def _where(self, q: ArchiveQuery) -> tuple[str, list[Any]]:
        where: list[str] = []
        args: list[Any] = []
        long_terms = [t for t in q.terms if len(t) >= 3] if self.fts else []
        if long_terms:
            match = " AND ".join('"' + t.replace('"', '""') + '"' for t in long_terms)
            where.append("a.id IN (SELECT rowid FROM archive_fts WHERE archive_fts MATCH ?)")
            args.append(match)
        for term in q.terms:
            if term not in long_terms:
                escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                where.append("a.words LIKE ? ESCAPE '\\'")
                args.append(f"%{escaped}%")
        for column, value in (("model", q.model), ("aspect", q.aspect)):
            if value:
                where.append(f"a.{column}=?")
                args.append(value)
        if q.kind:
            where.append("(a.kind=? OR a.endpoint=?)")
            args += [q.kind, q.kind]
        if q.state:
            where.append("a.state=?")
            args.append(q.state)
        if q.since is not None:
            where.append("a.created_at>=?")
            args.append(q.since)
        if q.until is not None:
            where.append("a.created_at<?")
            args.append(q.until)
        if q.liked is not None:
            where.append("COALESCE(m.liked,0)=?")
            args.append(int(q.liked))
        if q.hidden is not None:
            where.append("COALESCE(m.hidden,0)=?")
            args.append(int(q.hidden))
        if q.folder:
            where.append("a.job_id IN (SELECT job_id FROM job_folders WHERE folder=?)")
            args.append(q.folder)
        if q.parent:
            where.append("a.parent_id=?")
            args.append(q.parent)
        return (" WHERE " + " AND ".join(where) if where else ""), args

    @guarded("searched")
    def search(self, query: ArchiveQuery | None = None, **fields: Any) -> ArchivePage:
        """Jobs matching ``query`` (or the same fields as keywords, see :class:`ArchiveQuery`),
        newest first: the page from ``offset`` and how many match in all."""
        q = query if query is not None else ArchiveQuery.make(**fields)
        started = time.perf_counter()
        self.refresh_index()
        db = self._db()
        where, args = self._where(q)
        base = "FROM archive_index a LEFT JOIN job_marks m ON m.job_id=a.job_id" + where
        total = db.execute(f"SELECT COUNT(*) {base}", args).fetchone()[0]
        order = "DESC" if q.order == "newest" else "ASC"
        found = db.execute(
            f"SELECT {_COLUMNS} {base} ORDER BY a.created_at {order} LIMIT ? OFFSET ?",
            [*args, q.limit, q.offset],
        ).fetchall()
        items = self._items(db, found)
        return ArchivePage(q, total, items, time.perf_counter() - started)

    @guarded("searched")
    def item(self, job_id: str) -> ArchiveItem | None:
        """The archive's view of one job (its prompt, model, marks, folders...), or None."""
        self.refresh_index()
        db = self._db()
        found = db.execute(
            f"SELECT {_COLUMNS} FROM archive_index a LEFT JOIN job_marks m "
            "ON m.job_id=a.job_id WHERE a.job_id=?",
            (job_id,),
        ).fetchall()
        items = self._items(db, found)
        return items[0] if items else None

    def _items(self, db: sqlite3.Connection, found: list[sqlite3.Row]) -> list[ArchiveItem]:
        if not found:
            return []
        ids = [r[0] for r in found]
        records: dict[str, JobRecord] = {}
        for row in db.execute(f"SELECT * FROM jobs WHERE local_id IN ({_marks(len(ids))})", ids):
            rec = record_or_none(row, self.path)
            if rec is not None:
                records[rec.local_id] = rec
        job_ids = [r.job_id for r in records.values() if r.job_id]
        folders: dict[str, list[str]] = {}
        children: dict[str, int] = {}
        if job_ids:
            marks = _marks(len(job_ids))
            for job_id, folder in db.execute(
                f"SELECT job_id, folder FROM job_folders WHERE job_id IN ({marks}) ORDER BY folder",
                job_ids,
            ):
                folders.setdefault(job_id, []).append(folder)
            for parent, n in db.execute(
                f"SELECT parent_id, COUNT(*) FROM jobs WHERE parent_id IN ({marks}) "
                "GROUP BY parent_id",
                job_ids,
            ):
                children[parent] = n
        items = []
        for local_id, prompt, model, aspect, kind, state, liked, hidden in found:
            rec = records.get(local_id)
            if rec is None:
                continue
            key = rec.job_id or ""
            items.append(
                ArchiveItem(
                    rec,
                    prompt,
                    model,
                    aspect,
                    kind,
                    state,
                    bool(liked),
                    bool(hidden),
                    folders.get(key, []),
                    children.get(key, 0),
                )
            )
        return items

    @guarded("searched")
    def facets(self) -> dict[str, list[tuple[str, int]]]:
        """What the filters can offer, with counts: models, aspects, kinds, states, folders."""
        self.refresh_index()
        db = self._db()
        out: dict[str, list[tuple[str, int]]] = {}
        for name in ("model", "aspect", "kind", "state"):
            rows = db.execute(
                f"SELECT {name}, COUNT(*) FROM archive_index WHERE {name}!='' "
                f"GROUP BY {name} ORDER BY COUNT(*) DESC"
            ).fetchall()
            out[name + "s"] = [(r[0], r[1]) for r in rows]
        order = {**{k: i for i, k in enumerate(KINDS)}, "other": len(KINDS)}
        out["kinds"].sort(key=lambda kv: order.get(kv[0], 99))
        groups = list(STATE_GROUPS)
        out["states"].sort(key=lambda kv: groups.index(kv[0]) if kv[0] in groups else 99)
        rows = db.execute(
            "SELECT folder, COUNT(*) FROM job_folders GROUP BY folder ORDER BY folder"
        ).fetchall()
        out["folders"] = [(r[0], r[1]) for r in rows]
        return out

    @guarded("read")
    def last_change(self) -> float:
        """When the store last changed (a job, a like, a folder): what a live view watches."""
        db = self._db()
        jobs = db.execute("SELECT MAX(updated_at) FROM jobs").fetchone()[0]  # indexed
        tags = db.execute("SELECT value FROM archive_meta WHERE key='tags'").fetchone()
        return max(float(jobs or 0.0), float(tags[0]) if tags else 0.0)
