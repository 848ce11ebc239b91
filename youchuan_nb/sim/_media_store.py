"""In-memory media of the simulator, served at ``/media/{jobId}/{n}.png|.mp4`` like a CDN."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

CONTENT_TYPES = {"png": "image/png", "mp4": "video/mp4"}
MEDIA_PATH = re.compile(r"^/media/(?P<job>[0-9a-f]{8,64})/(?P<n>\d{1,2})\.(?P<ext>png|mp4)$")


@dataclass
class Media:
    data: bytes
    ext: str

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.ext]


class MediaStore:
    def __init__(self) -> None:
        self._items: dict[tuple[str, int], Media] = {}
        self._lock = threading.Lock()

    def put(self, job_id: str, n: int, data: bytes, ext: str) -> None:
        with self._lock:
            self._items[(job_id, n)] = Media(data, ext)

    def get(self, job_id: str, n: int) -> Media | None:
        return self._items.get((job_id, n))

    def has(self, job_id: str, n: int, ext: str) -> bool:
        media = self._items.get((job_id, n))
        return media is not None and media.ext == ext

    def lookup_path(self, path: str) -> tuple[str, Media] | None:
        """(job id, media) for a path of the form /media/{jobId}/{n}.{ext}, else None."""
        m = MEDIA_PATH.match(path)
        if not m:
            return None
        media = self.get(m["job"], int(m["n"]))
        if media is None or media.ext != m["ext"]:
            return None
        return m["job"], media

    def __len__(self) -> int:
        return len(self._items)


def parse_range(header: str | None, size: int) -> tuple[int, int] | None | bool:
    """A single ``bytes=`` range as (start, end inclusive); None = serve whole; False = 416."""
    if not header:
        return None
    m = re.fullmatch(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*", header)
    if not m or (m[1] == "" and m[2] == ""):
        return None  # unsupported forms (multiple ranges, other units): the whole file, 200
    if m[1] == "":  # suffix: the last N bytes
        n = int(m[2])
        if n == 0 or size == 0:
            return False
        return max(size - n, 0), size - 1
    start = int(m[1])
    end = int(m[2]) if m[2] else size - 1
    if start >= size or end < start:
        return False
    return start, min(end, size - 1)
