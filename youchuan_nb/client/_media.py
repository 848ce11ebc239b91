"""Local cache of job results: downloaded once, because the service's URLs expire.

Layout: ``<home>/media/<job id>/<n>.<ext>`` plus small JPEG thumbnails beside them. The folder
name is made from the job id with anything but letters, digits, ``_`` and ``-`` replaced (and a
hash of the id added when something was), and checked to stay inside the cache.

Only http(s) URLs on public addresses are fetched (loopback too when ``allow_loopback``: the
configured service itself is on this machine, as the simulator is); private, link-local (cloud
metadata) and other special addresses are refused, for the URL and for every redirect (followed
by hand, at most ``MAX_REDIRECTS``). A download stops past ``MAX_DOWNLOAD`` bytes or its
wall-clock deadline, and a partial file never stays behind.
"""

from __future__ import annotations

import hashlib
import http.client
import io
import ipaddress
import os
import re
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
import urllib3

from ..contract import is_http_url, is_video_name, suffix_for

MAX_DOWNLOAD = 512 * 1024 * 1024
MAX_REDIRECTS = 5
DOWNLOAD_DEADLINE = 600.0  # seconds for one file, however slowly a server sends it
_SAFE = re.compile(r"[^A-Za-z0-9_-]")


class RefusedURL(ValueError):
    """A media URL that is not fetched (not http(s), or not on a public address)."""


def safe_name(text: str, limit: int = 64) -> str:
    """A file or folder name made from server text: only ``[A-Za-z0-9_-]``, never empty, with a
    short hash of the text when anything had to be changed (so two ids never share a name)."""
    name = _SAFE.sub("_", text)[:limit]
    if name != text or not name:
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]
        name = f"{name or 'job'}-{digest}"
    return name


def inside(folder: Path, name: str) -> Path:
    """``folder / name``, checked to resolve inside ``folder``."""
    target = folder / name
    base = folder.resolve()
    if target.resolve().parent != base:
        raise RefusedURL(f"refusing to write {name!r} outside {folder}")
    return target


def check_address(url: str, *, allow_loopback: bool) -> None:
    """Raise ``RefusedURL`` unless ``url`` is http(s) and its host resolves only to public
    addresses (or loopback, when allowed)."""
    if not is_http_url(url):
        raise RefusedURL(f"refusing to download {url[:200]!r}: only http(s) URLs are fetched")
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        raise RefusedURL(f"refusing to download {url[:200]!r}: not a valid URL") from None
    if not host:
        raise RefusedURL(f"refusing to download {url[:200]!r}: no host")
    try:
        infos = socket.getaddrinfo(host, port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise RefusedURL(f"cannot download from {host[:100]}: {exc}") from None
    for info in infos:
        ip = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if ip.is_loopback and allow_loopback:
            continue
        if not ip.is_global or ip.is_multicast or ip.is_reserved or ip.is_unspecified:
            kind = (
                "loopback"
                if ip.is_loopback
                else "link-local"
                if ip.is_link_local
                else "private"
                if ip.is_private
                else "non-public"
            )
            raise RefusedURL(
                f"refusing to download from {host[:100]} ({ip}, a {kind} address): media is "
                "fetched only from public addresses"
            )


class MediaCache:
    def __init__(self, folder: str | os.PathLike, *, allow_loopback: bool = False) -> None:
        self.folder = Path(folder)
        #: Fetch from loopback addresses too (set by the client when its service is on this
        #: machine, as the simulator is).
        self.allow_loopback = allow_loopback
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self._pool = ThreadPoolExecutor(4, thread_name_prefix="youchuan-media")

    def __repr__(self) -> str:
        return f"MediaCache({str(self.folder)!r})"

    def job_folder(self, job_id: str) -> Path:
        return inside(self.folder, safe_name(str(job_id)))

    def cached(self, job_id: str, index: int) -> Path | None:
        folder = self.job_folder(job_id)
        if not folder.is_dir():
            return None
        for p in folder.glob(f"{int(index)}.*"):
            if ".thumb" not in p.name and not p.name.endswith(".part"):
                return p
        return None

    def _lock(self, key: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def _open(self, url: str, timeout: float) -> requests.Response:
        """GET ``url`` as a stream, following at most MAX_REDIRECTS redirects by hand and
        checking every address on the way. Never sends the API's credentials."""
        for _ in range(MAX_REDIRECTS + 1):
            check_address(url, allow_loopback=self.allow_loopback)
            resp = requests.get(url, timeout=(5, timeout), stream=True, allow_redirects=False)
            if resp.status_code in (301, 302, 303, 307, 308) and resp.headers.get("Location"):
                resp.close()
                url = urljoin(url, resp.headers["Location"])
                continue
            return resp
        raise RefusedURL(f"more than {MAX_REDIRECTS} redirects while downloading")

    def fetch(
        self,
        job_id: str,
        index: int,
        url: str,
        *,
        timeout: float = 60.0,
        deadline: float = DOWNLOAD_DEADLINE,
    ) -> Path:
        """The cached file for output ``index`` of a job, downloading it on first use
        (``timeout``: seconds without data; ``deadline``: seconds for the whole file)."""
        if not isinstance(index, int) or isinstance(index, bool) or index < 0:
            raise ValueError(f"an output index is a whole number >= 0, not {index!r}")
        with self._lock(f"{job_id}/{index}"):
            hit = self.cached(job_id, index)
            if hit:
                return hit
            ends = time.monotonic() + deadline
            with self._open(url, timeout) as resp:
                resp.raise_for_status()
                declared = resp.headers.get("Content-Length", "")
                if declared.strip().isdigit() and int(declared) > MAX_DOWNLOAD:
                    raise ValueError(f"{url[:200]} is larger than {MAX_DOWNLOAD} bytes")
                folder = self.job_folder(job_id)
                folder.mkdir(parents=True, exist_ok=True)
                ctype = resp.headers.get("Content-Type", "")
                target = inside(folder, f"{index}{suffix_for(url, ctype)}")
                fd, tmp = tempfile.mkstemp(dir=folder, suffix=".part")
                try:
                    with os.fdopen(fd, "wb") as out:
                        _copy(resp, out, ends, url)
                    os.replace(tmp, target)  # atomic: a reader never sees half a file
                finally:
                    if os.path.exists(tmp):
                        os.unlink(tmp)  # any failure: no partial file stays behind
                return target

    def fetch_all(self, job_id: str, urls: list[str]) -> list[Path | None]:
        """Download every output in parallel; an output that fails to download is None."""
        return [path for path, _ in self.fetch_all_reporting(job_id, urls)]

    def fetch_all_reporting(self, job_id: str, urls: list[str]) -> list[tuple[Path | None, str]]:
        """Download every output in parallel: (path, "") or (None, why it failed) for each."""

        def one(item: tuple[int, str]) -> tuple[Path | None, str]:
            try:
                return self.fetch(job_id, item[0], item[1]), ""
            except Exception as exc:
                try:
                    cached = self.cached(job_id, item[0])
                except Exception:
                    cached = None
                return cached, "" if cached else f"output {item[0]}: {str(exc)[:300]}"

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
        try:
            tmp.write_bytes(data)
            os.replace(tmp, thumb)
        except OSError:  # a full disk: no half-written file left behind
            tmp.unlink(missing_ok=True)
            raise
        return data, dims


def _copy(resp: requests.Response, out: io.BufferedWriter, ends: float, url: str) -> None:
    size = 0
    while True:
        if time.monotonic() > ends:
            raise TimeoutError(f"{url[:200]} did not arrive completely in time")
        failed = ""
        try:
            chunk = resp.raw.read1(256 * 1024, decode_content=True)
        except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError) as exc:
            failed, chunk = type(exc).__name__, b""
        if failed:
            raise ConnectionError(f"the download of {url[:200]} was cut off ({failed})")
        if not chunk:
            return
        size += len(chunk)
        if size > MAX_DOWNLOAD:
            raise ValueError(f"{url[:200]} is larger than {MAX_DOWNLOAD} bytes")
        out.write(chunk)


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
