"""Thumbnails made as jobs finish, so an archive shows every job's outputs, batch jobs and jobs
nobody opened included, without downloading anything when it is browsed.

When a job of this client finishes (and ``client.thumbnails.enabled``: a notebook session's
client), its outputs are downloaded into the media cache (the
service's URLs expire) and a small JPEG thumbnail of each is saved beside them, in the
background: polling never waits for it. The card's own downloads share the same files (the
cache downloads each output once).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ._client import Client
    from ._job import Job

log = logging.getLogger("youchuan_nb")

#: Long side of archive thumbnails (the card's default too, so the files are shared).
THUMB_SIZE = 256


class FinishedThumbnails:
    """Saves the outputs and thumbnails of each job of a client once it has finished."""

    def __init__(self, client: Client, *, enabled: bool = False) -> None:
        self._client = client
        #: Save outputs and thumbnails as jobs finish. Off for a bare ``Client`` (it downloads
        #: nothing it was not asked for); a notebook session turns it on for its client, so its
        #: archive has every job's thumbnails, batch jobs included.
        self.enabled = enabled
        self._seen: set[str] = set()
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self.pending: dict[str, Future] = {}

    def job_changed(self, job: Job) -> None:
        if not self.enabled or not job.ok or not job.urls or not job.id:
            return
        with self._lock:
            if job.id in self._seen:
                return
            self._seen.add(job.id)
            if self._pool is None:
                self._pool = ThreadPoolExecutor(1, thread_name_prefix="youchuan-thumbs")
            self.pending[job.id] = self._pool.submit(self._save, job)

    def wait(self, job_id: str, timeout: float = 60.0) -> bool:
        """Block until the thumbnails of ``job_id`` are saved; False if none were started."""
        with self._lock:
            future = self.pending.get(job_id)
        if future is None:
            return False
        future.result(timeout)
        return True

    def _save(self, job: Job) -> int:
        saved = 0
        try:
            paths = job.cached_paths()  # downloads, and records the files in the job store
            for path in paths:
                if path is not None:
                    self._client.media.thumbnail(path, THUMB_SIZE)
                    saved += 1
        except Exception as exc:  # a failed download only leaves a tile to fetch later
            log.info("youchuan_nb: job %s: thumbnails not saved: %s", job.id, exc)
        return saved
