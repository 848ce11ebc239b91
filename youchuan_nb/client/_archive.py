"""The archive's side of ``Client``: searching the job store, likes, hidden jobs, folders and
saving chosen jobs with a manifest (the notebook's ``Archive`` is built on these)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ..contract import InvalidRequest
from ._archive_query import ArchiveItem, ArchivePage, ArchiveQuery
from ._export import Export, export_jobs
from ._store_tags import folder_name, job_ids

if TYPE_CHECKING:  # pragma: no cover
    from ._client import Client
    from ._store import JobStore


class ArchiveMethods:
    """Mixed into ``Client``."""

    store: JobStore | None

    def _archive_store(self, where: str) -> JobStore:
        if self.store is None:
            raise InvalidRequest(
                "store", None, "a client with a job store (store=True)", endpoint=where
            )
        return self.store

    def search_jobs(self, text: str = "", **filters: Any) -> ArchivePage:
        """Jobs of the local job store whose prompt holds every word of ``text``, newest first.

        Filters (all optional): ``model`` ("7", "niji 6"), ``aspect`` ("16:9"), ``kind``
        ("grid", "upscale", "edit", "video", or an endpoint name), ``state`` ("running",
        "finished", "failed", "may_exist"...), ``since``/``until`` (dates or epoch seconds),
        ``liked``, ``hidden`` (False: leave hidden jobs out; None: all), ``folder``, ``parent``
        (follow-ups of a job id), ``order`` ("newest"/"oldest"), ``limit``, ``offset``.
        Returns an :class:`ArchivePage` (``total`` matches, ``items`` of this page)."""
        query = ArchiveQuery.make(text=text, **filters)
        store = self.store
        if store is None:
            return ArchivePage(query, 0, [])
        return store.search(query)

    def archive_item(self, job_id: str) -> ArchiveItem | None:
        """What the archive knows of one job (prompt, model, likes, folders...), or None."""
        job_ids(job_id, "archive_item")
        return self.store.item(job_id) if self.store is not None else None

    def archive_facets(self) -> dict[str, list[tuple[str, int]]]:
        """The values the archive's filters can take, with counts (models, aspects, kinds,
        states, folders)."""
        return self._archive_store("archive_facets").facets()

    def tag_jobs(
        self,
        ids: str | Iterable[str],
        *,
        liked: bool | None = None,
        hidden: bool | None = None,
        folder: str | None = None,
        remove_from: str | None = None,
    ) -> None:
        """Keep marks on jobs in the job store: like or unlike, hide or show, put them in
        ``folder`` or take them out of ``remove_from`` (None: leave that as it is)."""
        store = self._archive_store("tag_jobs")
        ids = job_ids(ids, "tag_jobs")
        if folder is not None:
            folder_name(folder, "tag_jobs")
        if remove_from is not None:
            folder_name(remove_from, "tag_jobs")
        if liked is not None or hidden is not None:
            store.mark(ids, liked=liked, hidden=hidden)
        if folder is not None:
            store.add_to_folder(ids, folder)
        if remove_from is not None:
            store.remove_from_folder(ids, remove_from)

    def folders(self) -> dict[str, int]:
        """The archive's folders and how many jobs each holds."""
        return self.store.folders() if self.store is not None else {}

    def export_jobs(self, ids: str | Iterable[str], folder: str | Path) -> Export:
        """Save every output of the jobs ``ids`` into ``folder`` as
        ``<prompt-slug>_<job id>_<n>.<ext>``, with ``manifest.csv`` and ``manifest.json``
        (job id, prompt, flags, parent, operation, image number, file). Outputs not cached yet
        are downloaded; one that cannot be is a manifest row with its ``error``."""
        return export_jobs(cast("Client", self), ids, folder)
