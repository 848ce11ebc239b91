"""Rows of the job store: the record type, reading a row tolerantly, and store errors."""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import os
import socket
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ._errors import StoreError

log = logging.getLogger("youchuan_nb")
_F = TypeVar("_F", bound=Callable[..., Any])


def owner_tag() -> str:
    """Which process writes a row (``host:pid``), so another can tell when it has stopped."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class JobRecord:
    local_id: str
    job_id: str | None
    base_url: str
    endpoint: str
    params: dict
    parent_id: str | None
    image_no: int | None
    label: str | None
    state: str
    status: int | None
    comment: str | None
    error: str | None
    raw: dict | None
    media: list
    created_at: float
    updated_at: float
    finished_at: float | None
    owner: str | None = None

    @property
    def maybe_created(self) -> bool:
        """The submit never got an answer: the job may exist on the service (and be billed)."""
        return self.state in ("unknown", "submitting")


_FIELDS = frozenset(f.name for f in dataclasses.fields(JobRecord))


class _BadRow(Exception):
    pass


def guarded(what: str) -> Callable[[_F], _F]:
    """Turn sqlite3 and file-system errors of a store method into a ``StoreError`` that names
    the store's path and what to do."""

    def wrap(method: _F) -> _F:
        @functools.wraps(method)
        def run(self: Any, *args: Any, **kwargs: Any) -> Any:
            problem: BaseException | str = "unknown error"
            try:
                return method(self, *args, **kwargs)
            except (sqlite3.Error, OSError) as exc:
                problem = exc
            raise StoreError(self.path, what, problem)  # outside except: no chained context

        return run  # type: ignore[return-value]

    return wrap


def record_or_none(row: sqlite3.Row | None, path: Path) -> JobRecord | None:
    """The record of a row, or None (with a warning) for a row that cannot be read."""
    if row is None:
        return None
    try:
        return _record(row)
    except _BadRow as exc:
        log.warning(
            "youchuan_nb: skipped an unreadable row of the job store %s (local id %s): %s",
            path,
            str(row["local_id"])[:64],
            exc,
        )
        return None


def _record(row: sqlite3.Row) -> JobRecord:
    d = {k: v for k, v in dict(row).items() if k in _FIELDS}  # columns of a newer version: ignored
    try:
        d["params"] = json.loads(d["params"] or "{}")
        d["raw"] = json.loads(d["raw"]) if d["raw"] else None
        d["media"] = json.loads(d["media"] or "[]")
        rec = JobRecord(**d)
    except (ValueError, TypeError, RecursionError) as exc:
        raise _BadRow(f"{type(exc).__name__}: {str(exc)[:200]}") from None
    if not isinstance(rec.params, dict) or not isinstance(rec.media, list):
        raise _BadRow("params or media of the wrong type")
    if rec.raw is not None and not isinstance(rec.raw, dict):
        raise _BadRow("raw is not an object")
    return rec


def _owner_gone(owner: str | None) -> bool:
    """True when ``owner`` (host:pid) is a process of this machine that no longer runs."""
    host, _, pid = (owner or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def interrupted(rec: JobRecord, stale_after: float) -> bool:
    """A ``submitting`` record whose submit cannot be on its way any more: older than
    ``stale_after`` seconds, or written by a process of this machine that has stopped."""
    if rec.state != "submitting":
        return False
    return rec.created_at < time.time() - stale_after or _owner_gone(rec.owner)
