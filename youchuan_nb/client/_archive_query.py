"""What an archive search asks and answers: the query (checked before any SQL runs), the kinds
of job, the state groups, and one result row.

A store row's ``state`` is the store's own word (``submitting``, ``submitted``, ``unknown``...);
an archive speaks of what a person sees: ``running``, ``finished``, ``failed``, ``may_exist``
(the submit lost its answer: the job may exist and be billed), ``refused``, ``dismissed``.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field
from typing import Any

from ..contract import InvalidRequest
from ._store_rows import JobRecord

#: What a job is, for a person: the endpoints of each kind.
KINDS: dict[str, tuple[str, ...]] = {
    "grid": ("diffusion", "variation", "reroll", "pan", "outpaint", "inpaint", "remix"),
    "upscale": ("upscale",),
    "edit": ("edit", "upload_paint", "retexture", "remove_background", "enhance"),
    "video": ("video_diffusion", "extend_video", "video_upscale"),
}
_KIND_OF = {endpoint: kind for kind, endpoints in KINDS.items() for endpoint in endpoints}

#: The store's states, grouped as an archive shows them.
STATE_GROUPS: dict[str, tuple[str, ...]] = {
    "running": ("submitting", "submitted"),
    "finished": ("finished",),
    "failed": ("failed",),
    "may_exist": ("unknown",),
    "refused": ("refused",),
    "dismissed": ("dismissed",),
}
_GROUP_OF = {state: group for group, states in STATE_GROUPS.items() for state in states}

ORDERS = ("newest", "oldest")
MAX_LIMIT = 1000
_ENDPOINT = "search_jobs"


def kind_of(endpoint: str) -> str:
    """``grid``, ``upscale``, ``edit``, ``video`` or ``other`` for a job's endpoint."""
    return _KIND_OF.get(endpoint, "other")


def state_group(state: str) -> str:
    return _GROUP_OF.get(state, state)


def _when(name: str, value: Any, end_of_day: bool) -> float | None:
    """Epoch seconds from a number, a date, a datetime or an ISO text ("2026-12-02"); a bare
    date as ``until`` means the end of that day (the day is included)."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    day: _dt.date | None = None
    if isinstance(value, _dt.datetime):
        return value.timestamp()
    if isinstance(value, _dt.date):
        day = value
    elif isinstance(value, str):
        try:
            if len(value.strip()) <= 10:
                day = _dt.date.fromisoformat(value.strip())
            else:
                return _dt.datetime.fromisoformat(value.strip()).timestamp()
        except ValueError:
            pass
    if day is None:
        raise InvalidRequest(
            name, value, "a date ('2026-12-02'), a datetime or epoch seconds", endpoint=_ENDPOINT
        )
    start = _dt.datetime(day.year, day.month, day.day).timestamp()  # local midnight
    return start + 86400.0 if end_of_day else start


def _text(name: str, value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidRequest(name, value, "a string", endpoint=_ENDPOINT)
    return value.strip()


def _flag(name: str, value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise InvalidRequest(name, value, "True, False or None", endpoint=_ENDPOINT)


@dataclass(frozen=True)
class ArchiveQuery:
    """A search of the job store. Every field is optional; they all must hold.

    ``text``: words that must all appear in the prompt (or the job id), any case, any script.
    ``kind``: a kind (``grid``, ``upscale``, ``edit``, ``video``, ``other``) or an endpoint
    name. ``state``: a state group (``running``, ``finished``, ``failed``, ``may_exist``,
    ``refused``, ``dismissed``). ``since``/``until``: dates or epoch seconds (``until`` a
    bare date includes that day). ``liked``: True for liked jobs only. ``hidden``: False
    (default) leaves hidden jobs out, True shows only them, None shows all. ``folder``: jobs in
    that folder. ``parent``: the follow-ups of that job id."""

    text: str = ""
    model: str = ""
    aspect: str = ""
    kind: str = ""
    state: str = ""
    since: float | None = None
    until: float | None = None
    liked: bool | None = None
    hidden: bool | None = False
    folder: str = ""
    parent: str = ""
    order: str = "newest"
    limit: int = 60
    offset: int = 0

    @classmethod
    def make(cls, **fields: Any) -> ArchiveQuery:
        """A query from keyword arguments, each checked: a clear ``InvalidRequest`` otherwise."""
        unknown = set(fields) - set(cls.__dataclass_fields__)
        if unknown:
            name = sorted(unknown)[0]
            allowed = ", ".join(cls.__dataclass_fields__)
            raise InvalidRequest(
                name, fields[name], f"a search takes {allowed}", endpoint=_ENDPOINT
            )
        kind = _text("kind", fields.get("kind"))
        if kind and kind not in KINDS and kind != "other" and kind not in _KIND_OF:
            raise InvalidRequest(
                "kind",
                kind,
                f"one of {', '.join([*KINDS, 'other'])} or an endpoint name",
                endpoint=_ENDPOINT,
            )
        state = _text("state", fields.get("state"))
        if state and state not in STATE_GROUPS:
            raise InvalidRequest(
                "state", state, f"one of {', '.join(STATE_GROUPS)}", endpoint=_ENDPOINT
            )
        order = _text("order", fields.get("order")) or "newest"
        if order not in ORDERS:
            raise InvalidRequest("order", order, "'newest' or 'oldest'", endpoint=_ENDPOINT)
        numbers = {}
        for name, default, top in (("limit", 60, MAX_LIMIT), ("offset", 0, 10**9)):
            value = fields.get(name, default)
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= top:
                raise InvalidRequest(
                    name, value, f"a whole number from 0 to {top}", endpoint=_ENDPOINT
                )
            numbers[name] = value
        return cls(
            text=_text("text", fields.get("text")),
            model=_text("model", fields.get("model")),
            aspect=_text("aspect", fields.get("aspect")),
            kind=kind,
            state=state,
            since=_when("since", fields.get("since"), False),
            until=_when("until", fields.get("until"), True),
            liked=_flag("liked", fields.get("liked")),
            hidden=_flag("hidden", fields.get("hidden", False)),
            folder=_text("folder", fields.get("folder")),
            parent=_text("parent", fields.get("parent")),
            order=order,
            **numbers,
        )

    @property
    def terms(self) -> list[str]:
        return [word.lower() for word in self.text.split()]


@dataclass
class ArchiveItem:
    """One job found by a search: its store record and what the archive knows of it."""

    record: JobRecord
    prompt: str  # the job's prompt or, for a follow-up without its own, its parent's
    model: str
    aspect: str  # "16:9"
    kind: str
    state: str  # a state group (see STATE_GROUPS)
    liked: bool = False
    hidden: bool = False
    folders: list[str] = field(default_factory=list)
    children: int = 0  # follow-ups recorded in the store

    @property
    def job_id(self) -> str | None:
        return self.record.job_id

    @property
    def endpoint(self) -> str:
        return self.record.endpoint

    @property
    def parent_id(self) -> str | None:
        return self.record.parent_id

    @property
    def urls(self) -> list[str]:
        raw = self.record.raw or {}
        urls = raw.get("urls")
        return [u for u in urls if isinstance(u, str)] if isinstance(urls, list) else []

    @property
    def created_at(self) -> float:
        return self.record.created_at


@dataclass
class ArchivePage:
    """A page of search results: ``total`` matches in all, ``items`` from ``query.offset``."""

    query: ArchiveQuery
    total: int
    items: list[ArchiveItem]
    seconds: float = 0.0  # how long the search took (for the benchmark and the status line)
