"""The simulator's media (in memory, or files in its state folder), served at
``/media/{jobId}/{n}.png|.mp4`` like a CDN."""

from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..contract import media_type

MEDIA_PATH = re.compile(r"^/media/(?P<job>[0-9a-f]{8,64})/(?P<n>\d{1,2})\.(?P<ext>png|mp4)$")
DEFAULT_MAX_MEDIA_BYTES = 500 * 1024 * 1024


@dataclass
class Media:
    data: bytes
    ext: str

    @property
    def content_type(self) -> str:
        return media_type("media." + self.ext)


class MediaStore:
    """Media in memory, for as long as the process runs."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, int, str], bytes] = {}
        self._lock = threading.Lock()

    def put(self, job_id: str, n: int, data: bytes, ext: str) -> None:
        with self._lock:
            self._items[(job_id, n, ext)] = data

    def get(self, job_id: str, n: int, ext: str) -> Media | None:
        data = self._items.get((job_id, n, ext))
        return Media(data, ext) if data is not None else None

    def has(self, job_id: str, n: int, ext: str) -> bool:
        return (job_id, n, ext) in self._items

    def lookup_path(self, path: str) -> tuple[str, Media] | None:
        """(job id, media) for a path of the form /media/{jobId}/{n}.{ext}, else None."""
        m = MEDIA_PATH.match(path)
        if not m:
            return None
        media = self.get(m["job"], int(m["n"]), m["ext"])
        return (m["job"], media) if media is not None else None

    def __len__(self) -> int:
        return len(self._items)


class DiskMediaStore(MediaStore):
    """Media files under ``folder/<job>/<n>.<ext>``, shared by the processes using the folder.

    Past ``max_bytes`` the oldest files are deleted (never the one just written); the service
    draws deleted media again when they are asked for (drawing is deterministic).
    """

    def __init__(self, folder: Path, max_bytes: int = DEFAULT_MAX_MEDIA_BYTES) -> None:
        super().__init__()
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.max_bytes = int(max_bytes)
        self._total = self.disk_bytes()  # this process's estimate; rescanned before pruning
        self._puts = 0

    def _path(self, job_id: str, n: int, ext: str) -> Path:
        return self.folder / job_id / f"{n}.{ext}"

    def put(self, job_id: str, n: int, data: bytes, ext: str) -> None:
        path = self._path(job_id, n, ext)
        tmp = path.with_name(f".{n}.{ext}.{os.getpid()}.{threading.get_ident()}.tmp")
        for attempt in range(3):  # a pruner may remove the job's empty folder meanwhile
            try:
                path.parent.mkdir(exist_ok=True)
                tmp.write_bytes(data)
                os.replace(tmp, path)  # readers in any process see the whole file or none
                stamp = time.time_ns()  # exact: the file system's own clock ticks too coarsely
                os.utime(path, ns=(stamp, stamp))  # to tell apart files written in a row
                break
            except FileNotFoundError:
                if attempt == 2:
                    raise
        with self._lock:
            self._total += len(data)
            self._puts += 1
            if self._puts % 32 == 0:  # other processes write to the folder too
                self._total = self.disk_bytes()
            if self._total > self.max_bytes:
                self._prune(keep=path)

    def get(self, job_id: str, n: int, ext: str) -> Media | None:
        try:
            return Media(self._path(job_id, n, ext).read_bytes(), ext)
        except OSError:  # never drawn, or pruned
            return None

    def has(self, job_id: str, n: int, ext: str) -> bool:
        return self._path(job_id, n, ext).is_file()

    def _files(self) -> list[tuple[int, int, Path]]:
        found = []
        for path in self.folder.glob("*/*.*"):
            if path.name.startswith("."):
                continue  # being written
            try:
                st = path.stat()
            except OSError:
                continue
            found.append((st.st_mtime_ns, st.st_size, path))
        return found

    def disk_bytes(self) -> int:
        return sum(size for _, size, _ in self._files())

    def _prune(self, keep: Path) -> None:
        files = sorted(self._files())
        total = sum(size for _, size, _ in files)
        for _, size, path in files:
            if total <= self.max_bytes:
                break
            if path == keep:
                continue
            try:
                path.unlink()
                total -= size
            except OSError:
                pass  # another process pruned it first
            try:
                path.parent.rmdir()  # the job's folder, once empty
            except OSError:
                pass
        self._total = total

    def __len__(self) -> int:
        return len(self._files())


def parse_range(header: str | None, size: int) -> tuple[int, int] | None | bool:
    """A single ``bytes=`` range as (start, end inclusive); None = serve whole; False = 416."""
    if not header:
        return None
    m = re.fullmatch(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*", header)
    if not m or (m[1] == "" and m[2] == ""):
        return None  # unsupported forms (multiple ranges, other units): the whole file, 200
    if m[1] == "":  # suffix: the last N bytes
        n = _number(m[2])
        if n == 0 or size == 0:
            return False
        return max(size - n, 0), size - 1
    start = _number(m[1])
    end = _number(m[2]) if m[2] else size - 1
    if start >= size or end < start:
        return False
    return start, min(end, size - 1)


def _number(digits: str) -> int:
    """A byte position; thousands of digits (past int()'s 4,300-digit limit) mean "very far"."""
    return int(digits) if len(digits) <= 18 else 10**18
