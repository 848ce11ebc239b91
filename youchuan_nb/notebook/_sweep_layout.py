"""Where each job of a sweep sits on its comparison sheet, and the sheet's static copy.

A sweep is a permutation cell: each combination has the option chosen in each group. One
varied group is one row with the option over each cell; two are a table (the first group's
options label the rows, the second's the columns); more are one row per combination, labelled
with its options. Labels are text: the static copy escapes them, the front end uses
``textContent``.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from ..contract import parse_prompt
from ..i18n import t


def axis_name(prompts: Sequence[str], values: Sequence[tuple[str, ...]], group: int) -> str:
    """``--stylize`` when the group's options are the values of that flag in every prompt
    (the group sits after ``--stylize``), else "" (the group is in the prompt's text)."""
    names: set[str] = set()
    for prompt, chosen in zip(prompts, values, strict=True):
        found = {name for name, value in parse_prompt(prompt).flags if value == chosen[group]}
        if not found:
            return ""
        names = found if not names else names & found
        if not names:
            return ""
    return "--" + sorted(names)[0] if names else ""


def layout(prompts: Sequence[str], values: Sequence[tuple[str, ...]]) -> dict[str, Any]:
    """The sheet's shape: ``kind`` ("row", "table" or "list"), the axis names, row and
    column labels, and ``grid``: for each row, the cell index in each column (None: no job)."""
    groups = len(values[0]) if values else 0
    if groups == 1:
        return {
            "kind": "row",
            "axes": [axis_name(prompts, values, 0)],
            "rows": [""],
            "cols": [v[0] for v in values],
            "grid": [list(range(len(values)))],
        }
    if groups == 2:
        rows = list(dict.fromkeys(v[0] for v in values))
        cols = list(dict.fromkeys(v[1] for v in values))
        at = {v: i for i, v in enumerate(values)}
        return {
            "kind": "table",
            "axes": [axis_name(prompts, values, 0), axis_name(prompts, values, 1)],
            "rows": rows,
            "cols": cols,
            "grid": [[at.get((r, c)) for c in cols] for r in rows],
        }
    return {
        "kind": "list",
        "axes": [axis_name(prompts, values, g) for g in range(groups)],
        "rows": [" · ".join(v) for v in values],
        "cols": [""],
        "grid": [[i] for i in range(len(values))],
    }


def corner(axes: list[str]) -> str:
    """The table's corner: which flag the rows (down) and the columns (across) vary."""
    parts = [f"{axes[0]} ↓" if axes[0] else "", f"{axes[1]} →" if axes[1] else ""]
    return "  ".join(p for p in parts if p)


def _thumb(data: bytes) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")


_CELL = "padding:4px;text-align:center;vertical-align:top;border:1px solid #d0d7de"
_HEAD = "padding:4px 8px;font-weight:600;background:#f6f8fa;border:1px solid #d0d7de"


def _cell_html(cell: Mapping[str, Any], thumb: bytes | None) -> str:
    alt = escape(t("sweep.thumb_alt", label=cell["label"], job=cell["job_id"] or "-"))
    if thumb:
        inner = (
            f'<img src="{_thumb(thumb)}" alt="{alt}" title="{alt}" '
            'style="max-width:192px;max-height:192px;border-radius:4px;display:block;margin:auto">'
        )
    else:
        status = escape(cell["status_text"])
        inner = f'<div style="width:160px;padding:40px 0;color:#6e7781">{status}</div>'
    job = f'<div style="font-size:11px;color:#6e7781"><code>{escape(cell["job_id"])}</code></div>'
    return f'<td style="{_CELL}">{inner}{job if cell["job_id"] else ""}</td>'


def html(
    sheet: Mapping[str, Any], cells: Sequence[Mapping[str, Any]], thumbs: Mapping[str, bytes]
) -> str:
    """The sheet as static HTML (a saved notebook, nbconvert, GitHub): small embedded
    thumbnails, every label escaped."""
    lang = escape(t("card.js.lang"))
    axes = " × ".join(a for a in sheet["axes"] if a)
    title = t("sweep.title", n=len(cells)) + (f" ({axes})" if axes else "")
    parts = [
        f'<div class="yc-static yc-sweep-static" lang="{lang}" '
        'style="font-family:sans-serif;font-size:13px">',
        '<div style="margin:0 0 6px;padding:6px 10px;border-radius:6px;font-size:12px;'
        f'background:#fff8c5;color:#24292f;border:1px solid #d4a72c">'
        f"{escape(t('sweep.saved_copy'))}</div>",
        f'<div style="font-weight:600;margin:4px 0">{escape(title)}</div>',
        '<table style="border-collapse:collapse;margin-left:0">',  # (JupyterLab centres tables)
    ]
    has_row_labels = sheet["kind"] != "row"
    if sheet["kind"] != "list":
        axis = corner(sheet["axes"]) if sheet["kind"] == "table" else ""
        corner_th = f'<th style="{_HEAD}">{escape(axis)}</th>'
        heads = "".join(f'<th style="{_HEAD}">{escape(c)}</th>' for c in sheet["cols"])
        parts.append(f"<tr>{corner_th if has_row_labels else ''}{heads}</tr>")
    for label, row in zip(sheet["rows"], sheet["grid"], strict=True):
        tds = [f'<th style="{_HEAD}">{escape(label)}</th>'] if has_row_labels else []
        for index in row:
            if index is None:
                tds.append(f'<td style="{_CELL}"></td>')
            else:
                tds.append(_cell_html(cells[index], thumbs.get(str(index))))
        parts.append("<tr>" + "".join(tds) + "</tr>")
    parts.append("</table></div>")
    return "".join(parts)


def text(sheet: Mapping[str, Any], cells: Sequence[Mapping[str, Any]]) -> str:
    lines = [t("sweep.title", n=len(cells))]
    for cell in cells:
        # as a card's text/plain: "<label> <job id>: <status>"
        lines.append(f"  {cell['label']} {cell['job_id'] or '-'}: {cell['status_text']}")
    return "\n".join(lines)
