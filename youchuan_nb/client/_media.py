"""Local cache of job results: downloaded once, because the service's URLs expire.

Layout: ``<home>/media/<job id>/<n>.<ext>`` plus small JPEG thumbnails beside them. Only http(s)
URLs are ever fetched; anything else a server might send is refused.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import requests

from ..contract import is_http_url, is_video_name, suffix_for

MAX_DOWNLOAD = 512 * 1024 * 1024
_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


class MediaCache:
    def __init__(self, folder: str | os.PathLike) -> None:
        self.folder = Path(folder)
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self._pool = ThreadPoolExecutor(4, thread_name_prefix="youchuan-media")

    def __repr__(self) -> str:
        return f"MediaCache({str(self.folder)!r})"

    def job_folder(self, job_id: str) -> Path:
        return self.folder / _SAFE.sub("_", job_id)

    def cached(self, job_id: str, index: int) -> Path | None:
        folder = self.job_folder(job_id)
        if not folder.is_dir():
            return None
        for p in folder.glob(f"{index}.*"):
            if ".thumb" not in p.name and not p.name.endswith(".part"):
                return p
        return None

    def _lock(self, key: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def fetch(self, job_id: str, index: int, url: str, *, timeout: float = 60.0) -> Path:
        """The cached file for output ``index`` of a job, downloading it on first use."""
        with self._lock(f"{job_id}/{index}"):
            hit = self.cached(job_id, index)
            if hit:
                return hit
            if not is_http_url(url):
                raise ValueError(f"refusing to download {url!r}: only http(s) URLs are fetched")
            with requests.get(url, timeout=(5, timeout), stream=True) as resp:
                resp.raise_for_status()
                folder = self.job_folder(job_id)
                folder.mkdir(parents=True, exist_ok=True)
                target = folder / f"{index}{suffix_for(url, resp.headers.get('Content-Type', ''))}"
                fd, tmp = tempfile.mkstemp(dir=folder, suffix=".part")
                size = 0
                with os.fdopen(fd, "wb") as out:
                    for chunk in resp.iter_content(256 * 1024):
                        size += len(chunk)
                        if size > MAX_DOWNLOAD:
                            raise ValueError(f"{url} is larger than {MAX_DOWNLOAD} bytes")
                        out.write(chunk)
                os.replace(tmp, target)  # atomic: a reader never sees half a file
                return target

    def fetch_all(self, job_id: str, urls: list[str]) -> list[Path | None]:
        """Download every output in parallel; an output that fails to download is None."""

        def one(item: tuple[int, str]) -> Path | None:
            try:
                return self.fetch(job_id, item[0], item[1])
            except Exception:
                return self.cached(job_id, item[0])

        return list(self._pool.map(one, list(enumerate(urls))))

    def fetch_thumbnails(
        self, job_id: str, urls: list[str], size: int = 256
    ) -> Iterator[tuple[int, Path | None, bytes | None, tuple[int, int]]]:
        """Download every output and make its thumbnail as soon as that download ends, all in
        parallel; yields ``(index, path, thumbnail, (width, height))`` as each is ready (path
        None: the download failed; thumbnail None: the file could not be read)."""

        def one(index: int, url: str):
            path: Path | None
            try:
                path = self.fetch(job_id, index, url)
            except Exception:
                path = self.cached(job_id, index)
            thumb, dims = None, (0, 0)
            if path is not None:
                try:
                    thumb, dims = self.thumbnail_info(path, size)
                except Exception:
                    pass
            return index, path, thumb, dims

        futures = [self._pool.submit(one, i, u) for i, u in enumerate(urls)]
        for future in as_completed(futures):
            yield future.result()

    def thumbnail(self, path: str | os.PathLike, size: int = 256, quality: int = 80) -> bytes:
        """A small JPEG of an image (or of a video's first frame), cached beside it."""
        return self.thumbnail_info(path, size, quality)[0]

    def thumbnail_info(
        self, path: str | os.PathLike, size: int = 256, quality: int = 80
    ) -> tuple[bytes, tuple[int, int]]:
        """``thumbnail()`` and the full image's (width, height), from the one decode."""
        path = Path(path)
        thumb = path.with_name(f"{path.stem}.thumb{size}.jpg")
        from PIL import Image  # lazy: keeps `import youchuan_nb` light

        if thumb.exists():
            data = thumb.read_bytes()
            if is_video_name(path):
                return data, (0, 0)
            with Image.open(path) as header:  # the header only
                return data, header.size
        im: Image.Image = _first_frame(path) if is_video_name(path) else Image.open(path)
        dims = im.size  # the full size, before any reduced decode
        if not is_video_name(path):
            im.draft("RGB", (size, size))  # JPEG: decode at a reduced scale (no-op for PNG)
            im.load()
        if im.mode in ("RGBA", "LA", "P", "PA"):
            im = im.convert("RGBA")
            im.thumbnail((size, size), reducing_gap=2.0)
            # Show transparency on a checkerboard so a removed background is visible.
            board = _checkerboard(im.size, 8)
            board.alpha_composite(im)
            im = board
        else:
            im.thumbnail((size, size), reducing_gap=2.0)
        im = im.convert("RGB")
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=quality)
        data = buf.getvalue()
        tmp = thumb.with_suffix(f".{threading.get_ident()}.part")
        tmp.write_bytes(data)
        os.replace(tmp, thumb)
        return data, dims


def _first_frame(path: Path):
    import av  # lazy: only needed for video posters

    with av.open(str(path)) as c:
        for frame in c.decode(video=0):
            return frame.to_image()
    raise ValueError(f"{path} has no video frames")


def _checkerboard(size: tuple[int, int], cell: int = 16):
    from PIL import Image, ImageDraw

    board = Image.new("RGBA", size, (255, 255, 255, 255))
    draw = ImageDraw.Draw(board)
    for y in range(0, size[1], cell):
        for x in range((y // cell) % 2 * cell, size[0], cell * 2):
            draw.rectangle([x, y, x + cell - 1, y + cell - 1], fill=(210, 210, 210, 255))
    return board
