"""Saving chosen jobs into a folder with a manifest (``manifest.csv`` and ``manifest.json``).

Each output becomes ``<prompt-slug>_<job id>_<n>.<ext>`` (``n`` counts from 1, as the card's
"image 2" does), so the files sort by prompt and say where they came from; the manifest gives,
for every file, the job id, the prompt and its flags, the parent job, the operation and the
image number. An output that cannot be saved (the job failed, its URL expired) is a manifest row
with an ``error`` and no file: nothing is left out silently.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..contract import InvalidRequest, parse_prompt
from ._media import inside, safe_name
from ._store_tags import job_ids

if TYPE_CHECKING:  # pragma: no cover
    from ._client import Client

COLUMNS = (
    "job_id",
    "prompt",
    "flags",
    "parent",
    "operation",
    "image",
    "file",
    "model",
    "aspect",
    "created",
    "error",
)
SLUG_LIMIT = 40
_WORDS = re.compile(r"[^\W_]+")  # letters and digits of any script


def slug(text: str, limit: int = SLUG_LIMIT) -> str:
    """A file-name part from a prompt: its words (any script) joined by ``-``, lower-cased, cut
    at a word boundary near ``limit`` characters; ``job`` when there are no words."""
    out = ""
    for word in _WORDS.findall(text.lower()):
        nxt = f"{out}-{word}" if out else word
        if len(nxt) > limit:
            if not out:
                out = word[:limit]
            break
        out = nxt
    return out or "job"


def file_name(prompt: str, job_id: str, n: int, suffix: str) -> str:
    """``<prompt-slug>_<job id>_<n><suffix>`` (the job id made file-safe)."""
    return f"{slug(parse_prompt(prompt).text)}_{safe_name(job_id)}_{n}{suffix}"


@dataclass
class Export:
    """What :meth:`Client.export_jobs` saved: the files, the two manifests and their rows."""

    folder: Path
    files: list[Path] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    manifest_csv: Path | None = None
    manifest_json: Path | None = None

    @property
    def problems(self) -> list[str]:
        return [f"{r['job_id']} #{r['image']}: {r['error']}" for r in self.rows if r["error"]]

    def __repr__(self) -> str:
        return f"Export({len(self.files)} files in {str(self.folder)!r})"


def export_jobs(client: Client, ids: str | Iterable[str], folder: str | Path) -> Export:
    ids = job_ids(ids, "export_jobs")
    if not isinstance(folder, (str, Path)) or not str(folder).strip():
        raise InvalidRequest("folder", folder, "a folder path", endpoint="export_jobs")
    store = client.store
    if store is None:
        raise InvalidRequest("store", None, "a client with a job store", endpoint="export_jobs")
    out = Path(folder).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    result = Export(out)
    for job_id in ids:
        result.rows += _export_one(client, job_id, out, result.files)
    result.manifest_csv = out / "manifest.csv"
    result.manifest_json = out / "manifest.json"
    with open(result.manifest_csv, "w", newline="", encoding="utf-8-sig") as fh:
        # utf-8 with a BOM: spreadsheet programs then read Chinese prompts correctly
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(result.rows)
    manifest = {
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "jobs": len(ids),
        "files": result.rows,
    }
    result.manifest_json.write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return result


def _export_one(client: Client, job_id: str, out: Path, files: list[Path]) -> list[dict[str, Any]]:
    store = client.store
    assert store is not None
    item = store.item(job_id)
    rec = item.record if item is not None else store.get(job_id)
    prompt = item.prompt if item is not None else ""
    parsed = parse_prompt(prompt)
    base = {
        "job_id": job_id,
        "prompt": parsed.text,
        "flags": " ".join(parsed.written),
        "parent": (rec.parent_id if rec else "") or "",
        "operation": rec.endpoint if rec else "",
        "model": item.model if item else "",
        "aspect": item.aspect if item else "",
        "created": (
            dt.datetime.fromtimestamp(rec.created_at, dt.UTC).isoformat(timespec="seconds")
            if rec
            else ""
        ),
    }
    if rec is None:
        return [{**base, "image": "", "file": "", "error": "not in the job store"}]
    urls = item.urls if item is not None else []
    if rec.state != "finished" or not urls:
        why = "the job has no outputs" if rec.state == "finished" else f"the job is {rec.state}"
        return [{**base, "image": "", "file": "", "error": why}]
    reported = client.media.fetch_all_reporting(job_id, urls)
    try:
        store.record_media(job_id, [str(p) if p else None for p, _ in reported])
    except Exception:  # the files are what matters; the store only remembers where they are
        pass
    rows = []
    for index, (path, problem) in enumerate(reported):
        row = {**base, "image": index + 1, "file": "", "error": problem}
        if path is not None:
            target = inside(out, file_name(prompt, job_id, index + 1, Path(path).suffix))
            shutil.copyfile(path, target)
            files.append(target)
            row["file"], row["error"] = target.name, ""
        rows.append(row)
    return rows
