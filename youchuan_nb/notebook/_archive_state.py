"""What the archive's front end shows of one job: a plain dict built from an ``ArchiveItem``, in
the language of the day (the op names are the card's, ``card.op.*``).

Mirrors ``ItemState`` in static/archive.js; tests render states made here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..client import ArchiveItem
from ..contract import parse_prompt
from ..i18n import has, t


def op_text(endpoint: str) -> str:
    key = f"card.op.{endpoint}"
    return t(key) if has(key) else endpoint


def when_text(epoch: float) -> str:
    """A local date and time to the minute (what a person scans a list by)."""
    return dt.datetime.fromtimestamp(epoch).strftime("%Y-%m-%d %H:%M")


def lineage_text(item: ArchiveItem) -> str:
    rec = item.record
    if not rec.parent_id:
        return ""
    parent = rec.parent_id[:8]
    n = (
        rec.image_no
        if rec.image_no is not None
        else rec.params.get("imageNo", rec.params.get("videoNo"))
    )
    if isinstance(n, int) and not isinstance(n, bool):
        return t("archive.from_image", n=n + 1, parent=parent)
    return t("archive.from", parent=parent)


def outputs_of(item: ArchiveItem) -> int:
    """How many outputs to show tiles for: the answer's URLs, else the files the store has."""
    return len(item.urls) or sum(1 for p in item.record.media if p)


def item_state(item: ArchiveItem) -> dict[str, Any]:
    rec = item.record
    parsed = parse_prompt(item.prompt)
    n = outputs_of(item)
    media = list(rec.media) + [None] * max(0, n - len(rec.media))
    error = ""
    if item.state in ("failed", "refused", "may_exist"):
        error = (rec.error or rec.comment or "")[:300]
    return {
        "job_id": rec.job_id or "",
        "local_id": rec.local_id,
        "op": op_text(rec.endpoint),
        "endpoint": rec.endpoint,
        "kind": item.kind,
        "kind_text": t(f"archive.kind.{item.kind}"),
        "state": item.state,
        "state_text": t(f"archive.state.{item.state}")
        if has(f"archive.state.{item.state}")
        else item.state,
        "prompt": " ".join([*parsed.images, parsed.text]).strip(),
        "chips": list(parsed.written),
        "model": item.model,
        "aspect": item.aspect or "1:1",
        "created": rec.created_at,
        "created_text": when_text(rec.created_at),
        "parent_id": rec.parent_id or "",
        "lineage": lineage_text(item),
        "children": item.children,
        "outputs": n,
        "saved": [bool(p) for p in media[:n]],
        "video": item.kind == "video",
        "liked": item.liked,
        "hidden": item.hidden,
        "folders": list(item.folders),
        "error": error,
        "rev": rec.updated_at,
    }
