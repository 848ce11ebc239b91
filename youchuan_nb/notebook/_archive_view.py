"""The archive's widget: search box, filters and the page of jobs (an anywidget,
``static/archive.js`` renders it).

Python owns the state: ``query`` and ``limit`` (set by the front end), ``page`` (one dict per
job shown, see ``_archive_state``), ``total``, ``facets``, ``selected``. Thumbnails never sit in
the state: the front end asks for those of the rows it can see (``{"type": "thumbs"}``) and
each comes back as a binary message, so 10,000 jobs cost one page of text and a screenful of
JPEGs. A watcher thread re-runs the search when the job store changes (a job in flight moves
on, another kernel adds one), so the page is live.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets

from ..client import ArchiveQuery, YouchuanError
from ..contract import InvalidRequest
from ..i18n import has, strings, t
from ._archive_state import item_state

if TYPE_CHECKING:  # pragma: no cover
    from ..client import ArchivePage
    from ._session import Session

STATIC = Path(__file__).parent / "static"
THUMB_SIZE = 256
PAGE = 60
log = logging.getLogger("youchuan_nb")
_QUERY_FIELDS = ("text", "model", "aspect", "kind", "state", "since", "until", "folder", "parent")


class ArchiveView(anywidget.AnyWidget):
    _esm = STATIC / "archive.js"
    _css = STATIC / "archive.css"

    query = traitlets.Dict().tag(sync=True)
    limit = traitlets.Int(PAGE).tag(sync=True)
    page = traitlets.List(traitlets.Dict()).tag(sync=True)
    total = traitlets.Int(0).tag(sync=True)
    took_ms = traitlets.Float(0.0).tag(sync=True)
    facets = traitlets.Dict().tag(sync=True)
    selected = traitlets.List(traitlets.Unicode()).tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)
    strings = traitlets.Dict().tag(sync=True)

    def __init__(self, session: Session, *, query: dict | None = None, limit: int = PAGE) -> None:
        super().__init__()
        self._session = session
        self._lock = threading.RLock()
        self.thumbs_sent = 0  # thumbnails sent to the front end (the benchmark's figure)
        self.last_page: ArchivePage | None = None
        self.strings = strings("archive.js.")
        self._stop = threading.Event()
        self._seen_change = -1.0
        self.out: Any = None  # where opened cards are shown (the Archive's Output widget)
        self.on_msg(self._on_msg)
        self.observe(lambda _c: self.refresh(), names=["query", "limit"])
        with self.hold_trait_notifications():
            self.limit = max(1, min(int(limit), 1000))
            self.query = dict(query or {})
        self.refresh(facets=True)
        self._watcher = threading.Thread(target=self._watch, name="youchuan-archive", daemon=True)
        self._watcher.start()

    # -- searching ---------------------------------------------------------------------------
    def archive_query(self) -> ArchiveQuery:
        """The front end's query as an :class:`ArchiveQuery` (unknown keys ignored)."""
        q = self.query or {}
        fields: dict[str, Any] = {k: q.get(k) or None for k in _QUERY_FIELDS}
        fields["liked"] = True if q.get("liked") else None
        fields["hidden"] = None if q.get("show_hidden") else False
        return ArchiveQuery.make(**fields, limit=self.limit)

    def refresh(self, facets: bool = False) -> None:
        """Run the search again and publish the page (and the filters' values)."""
        client = self._session.client
        with self._lock:
            if client.store is None:  # store=False: nothing is recorded, nothing to show
                self.status = t("archive.no_store")
                return
            try:
                query = self.archive_query()
                page = client.search_jobs(**_fields(query))
                values = client.archive_facets() if facets or not self.facets else None
            except (InvalidRequest, YouchuanError) as exc:
                self.status = str(exc)
                return
            self.last_page = page
            with self.hold_sync():
                self.page = [item_state(item) for item in page.items]
                self.total = page.total
                self.took_ms = round(page.seconds * 1000, 1)
                if values is not None:
                    self.facets = _labelled(values)
                self.strings = strings("archive.js.")  # the language may have changed

    def _watch(self) -> None:
        store = self._session.client.store
        while store is not None and not self._stop.wait(1.0):
            if self.comm is None:  # the widget was closed: nobody is looking any more
                return
            try:
                # this session's jobs in flight are polled (a job made in plain Python too),
                # so their rows move on; the store then changes and the page follows
                for job in self._session.client.in_flight():
                    self._session.tracker.track(job)
                change = store.last_change()
                if self._seen_change < 0:
                    self._seen_change = change
                elif change != self._seen_change:
                    self._seen_change = change
                    self.refresh(facets=True)
            except Exception as exc:  # a store gone away: stop watching, say why in the log
                log.warning("youchuan_nb: the archive stopped following the store: %r", exc)
                return

    def close(self) -> None:
        self._stop.set()
        super().close()

    # -- messages from the front end ---------------------------------------------------------
    def _on_msg(self, _widget: Any, content: Any, _buffers: list) -> None:
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        if kind == "thumbs":
            keys = [k for k in content.get("keys") or [] if isinstance(k, str)][:64]
            self._session.run_in_background(self._send_thumbs, keys, pool="media")
        elif kind == "tag":
            self._tag(content)
        elif kind in ("open", "tree"):
            self.open_job(str(content.get("job_id") or ""), tree=kind == "tree")
        elif kind == "download":
            ids = [i for i in content.get("ids") or self.selected if isinstance(i, str)]
            folder = str(content.get("folder") or "youchuan_downloads")
            self._session.run_in_background(self.download, ids, folder)

    def _send_thumbs(self, keys: list[str]) -> None:
        for key in keys:
            try:
                data = self.thumbnail(key)
            except Exception as exc:
                self.send(
                    {"type": "thumb", "key": key, "error": t("archive.thumb_failed", error=exc)}
                )
                continue
            self.thumbs_sent += 1
            self.send({"type": "thumb", "key": key, "error": ""}, [data])

    def thumbnail(self, key: str) -> bytes:
        """The JPEG thumbnail of ``"<job id>/<output index>"``: from the cache, else made from
        the cached file, else downloaded first (a job nobody opened before thumbnails were
        saved on finishing)."""
        job_id, _, index_text = key.rpartition("/")
        index = int(index_text)
        client = self._session.client
        media = client.media
        path = media.cached(job_id, index)
        if path is None:
            item = client.archive_item(job_id)
            urls = item.urls if item is not None else []
            if index >= len(urls):
                raise ValueError(t("archive.not_saved"))
            path = media.fetch(job_id, index, urls[index])
        return media.thumbnail(path, THUMB_SIZE)

    def _tag(self, msg: dict) -> None:
        ids = [i for i in msg.get("ids") or [] if isinstance(i, str) and i]
        if not ids:
            self.status = t("archive.nothing_selected")
            return
        changes = {
            name: msg.get(name)
            for name in ("liked", "hidden", "folder", "remove_from")
            if msg.get(name) is not None
        }
        try:
            self._session.client.tag_jobs(ids, **changes)
        except (InvalidRequest, YouchuanError) as exc:
            self.status = str(exc)
            return
        self.status = ""
        self.refresh(facets=True)

    def download(self, ids: list[str], folder: str) -> Any:
        """Save the jobs ``ids`` with their manifest (see ``Client.export_jobs``)."""
        if not ids:
            self.status = t("archive.nothing_selected")
            return None
        self.status = t("archive.js.working")
        try:
            result = self._session.client.export_jobs(ids, folder)
        except (InvalidRequest, YouchuanError, OSError) as exc:
            self.status = str(exc)
            return None
        problems = result.problems
        if problems:
            self.status = t(
                "archive.saved_problems",
                files=len(result.files),
                folder=result.folder,
                n=len(problems),
                first=problems[0],
            )
        else:
            self.status = t("archive.saved", files=len(result.files), folder=result.folder)
        return result

    def open_job(self, job_id: str, *, tree: bool = False) -> Any:
        """Show the live card of ``job_id`` (``tree``: of the first job of its lineage, with
        every follow-up) in the archive's output area; returns the card (None if it failed)."""
        from IPython.display import display

        from ._rerun import tree_card

        client = self._session.client
        try:
            if tree:
                job_id = self.root_of(job_id)
            # the service's answer, or the store's record when the service forgot the job
            card = tree_card(self._session, client.job(job_id))
        except (InvalidRequest, YouchuanError) as exc:
            self.status = t("archive.open_failed", job_id=job_id, error=exc)
            return None
        self.status = ""
        out = self.out
        if out is not None:
            out.clear_output()
            with out:
                display(card)
        return card

    def root_of(self, job_id: str) -> str:
        """The first job of ``job_id``'s lineage, by the store's parent links."""
        store = self._session.client.store
        seen = {job_id}
        while store is not None:
            rec = store.get(job_id)
            if rec is None or not rec.parent_id or rec.parent_id in seen or len(seen) > 64:
                break
            job_id = rec.parent_id
            seen.add(job_id)
        return job_id


def _labelled(values: dict[str, list[tuple[str, int]]]) -> dict[str, list[list]]:
    """The filters' values for the front end: ``[value, count, label]``, kinds and states in
    words of the language of the day."""
    out: dict[str, list[list]] = {}
    for name, pairs in values.items():
        area = {"kinds": "archive.kind.", "states": "archive.state."}.get(name)
        out[name] = [[v, n, t(area + v) if area and has(area + v) else v] for v, n in pairs]
    return out


def _fields(query: ArchiveQuery) -> dict[str, Any]:
    return {name: getattr(query, name) for name in query.__dataclass_fields__}
