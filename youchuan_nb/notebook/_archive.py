"""The archive: every job of the job store, searchable, with its outputs and lineage; likes,
hidden jobs and folders; several saved at once with a manifest; a job opened as its live card.

``Archive()`` (or ``%youchuan archive``) is a small box: the archive widget (``ArchiveView``)
and, under it, the output area where opened cards appear. A saved notebook keeps a short
static copy (the first jobs of the page as text, a few cached thumbnails), never the store.
"""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path
from typing import Any

import ipywidgets as w

from ..client import ArchiveQuery
from ..i18n import t
from ._archive_view import PAGE, THUMB_SIZE, ArchiveView
from ._session import Session, get_session, saved_output

STATIC_ROWS = 24  # rows of the saved copy
STATIC_THUMBS = 12  # thumbnails embedded in it (cached files only; nothing is downloaded)


class Archive(w.VBox):
    """Search and browse the job store. Filters are the keywords of ``Client.search_jobs``."""

    def __init__(
        self,
        text: str = "",
        *,
        session: Session | None = None,
        limit: int = PAGE,
        **filters: Any,
    ) -> None:
        self._session = session or get_session()
        query = _query_dict(text, filters)  # a bad filter fails here, clearly
        self.view = ArchiveView(self._session, query=query, limit=limit)
        self.output = w.Output()
        self.view.out = self.output
        super().__init__([self.view, self.output])
        self.add_class("yc-archive-box")

    # -- what code can do with it ----------------------------------------------------------
    @property
    def items(self) -> list[dict]:
        """The jobs shown (one dict per job, as the front end gets them)."""
        return list(self.view.page)

    @property
    def total(self) -> int:
        return self.view.total

    def search(self, text: str = "", **filters: Any) -> Archive:
        """Show the jobs matching ``text`` and ``filters`` (replacing the current search)."""
        self.view.query = _query_dict(text, filters)  # checked before it is shown
        return self

    @property
    def selected(self) -> list[str]:
        return list(self.view.selected)

    @selected.setter
    def selected(self, ids: list[str]) -> None:
        self.view.selected = [str(i) for i in ids]

    def download(self, folder: str | Path = "youchuan_downloads", ids: list[str] | None = None):
        """Save the selected jobs (or ``ids``) into ``folder`` with manifest.csv and .json."""
        return self.view.download(list(ids if ids is not None else self.selected), str(folder))

    def open_job(self, job_id: str, *, tree: bool = False):
        """Open the live card of a job (``tree``: of its whole lineage) under the archive."""
        return self.view.open_job(job_id, tree=tree)

    def refresh(self) -> None:
        self.view.refresh(facets=True)

    def close(self) -> None:
        self.view.close()
        super().close()

    # -- saved copies ------------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        data = dict(super()._repr_mimebundle_(**kwargs) or {})
        data["text/html"] = self._html()
        data["text/plain"] = self._text()
        return saved_output(data)

    def _text(self) -> str:
        lines = [t("archive.count", shown=len(self.items), total=self.total)]
        for item in self.items[:STATIC_ROWS]:
            lines.append(
                f"{item['job_id'] or '-'}  {item['op']}  {item['state_text']}  {item['prompt']}"
            )
        return "\n".join(lines)

    def _thumb(self, item: dict) -> bytes | None:
        """A thumbnail already on disk (the saved copy makes and downloads nothing)."""
        if not item["job_id"] or not any(item["saved"]):
            return None
        media = self._session.client.media
        path = media.cached(item["job_id"], item["saved"].index(True))
        if path is None:
            return None
        thumb = path.with_name(f"{path.stem}.thumb{THUMB_SIZE}.jpg")
        return thumb.read_bytes() if thumb.exists() else None

    def _html(self) -> str:
        rows, embedded = [], 0
        for item in self.items[:STATIC_ROWS]:
            thumb = self._thumb(item) if embedded < STATIC_THUMBS else None
            img = ""
            if thumb:
                embedded += 1
                data = base64.b64encode(thumb).decode()
                img = (
                    f'<img src="data:image/jpeg;base64,{data}" '
                    'style="height:64px;border-radius:3px">'
                )
            meta = " · ".join(
                escape(str(x))
                for x in (item["op"], item["state_text"], item["model"], item["created_text"])
                if x
            )
            rows.append(
                f'<tr><td style="width:72px">{img}</td><td style="vertical-align:top">'
                f'<div style="font-size:12px;color:#555">{meta}</div>'
                f"<div>{escape(item['prompt'])}</div>"
                f'<code style="font-size:10px">{escape(item["job_id"])}</code></td></tr>'
            )
        note = escape(t("archive.static_note", shown=len(rows), total=self.total))
        return (
            f'<div class="yc-archive-static"><div style="font-size:12px;color:#555">{note}</div>'
            f'<table style="border-collapse:collapse">{"".join(rows)}</table></div>'
        )


def _query_dict(text: str, filters: dict[str, Any]) -> dict[str, Any]:
    """The front end's query (JSON: dates as epoch seconds) from ``search_jobs`` keywords."""
    q = ArchiveQuery.make(text=text, **filters)
    out: dict[str, Any] = {
        name: getattr(q, name)
        for name in ("text", "model", "aspect", "kind", "state", "folder", "parent")
        if getattr(q, name)
    }
    for name in ("since", "until"):
        if getattr(q, name) is not None:
            out[name] = getattr(q, name)
    if q.liked:
        out["liked"] = True
    if q.hidden is not False:
        out["show_hidden"] = True
    return out


#: The gallery this archive replaced: the old name still works.
Gallery = Archive
