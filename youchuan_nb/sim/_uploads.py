"""Pictures given to the simulator: its own uploads route, and fetching the URLs it is given.

``POST /_sim/uploads`` (simulator-only: the real service has no such route; the client uses it
only for a simulator on this machine) takes the bytes of a JPEG, PNG or WebP and answers
``{"url": ".../_sim/uploads/<sha256>.<ext>"}``, served back with GET like media. Uploads are
kept with the other media (in memory, or files in the state folder, counted in its disk bound
and pruned with them).

The simulator fetches the image URLs of requests (image prompts, ``imgUrl``) when they are its
own (media, uploads) or on this machine (a presigned URL of object storage on loopback, say);
it never reaches out to the internet, where it draws a stand-in instead.
"""

from __future__ import annotations

import hashlib
import io
import re
import urllib.error
import urllib.request

from ..contract import loopback_path
from ._media_store import Media, MediaStore

UPLOAD_LIMIT = 20 * 1024 * 1024  # bytes of one upload (the client sends at most 10 MB)
FETCH_LIMIT = 20 * 1024 * 1024
FETCH_TIMEOUT = 10.0
UPLOAD_PATH = re.compile(r"^/_sim/uploads/(?P<digest>[0-9a-f]{64})\.(?P<ext>jpg|png|webp)$")
_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


class UploadRefused(Exception):
    """An upload the route does not take (status, reason, message)."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status, self.reason, self.message = status, reason, message


def _folder(digest: str) -> str:
    # not hex-only, so an upload can never be mistaken for a job's media folder
    return "upload-" + digest[:40]


class SimUploads:
    def __init__(self, store: MediaStore) -> None:
        self.store = store

    def put(self, data: bytes, base_url: str) -> str:
        """Keep an uploaded picture; its URL. Raises :class:`UploadRefused`."""
        from PIL import Image, UnidentifiedImageError

        if not data:
            raise UploadRefused(400, "Invalid_Argument", "the upload is empty")
        try:
            with Image.open(io.BytesIO(data)) as img:
                fmt = (img.format or "").upper()
                img.verify()
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            raise UploadRefused(400, "Invalid_Argument", "the upload is not an image") from None
        ext = _FORMATS.get(fmt)
        if ext is None:
            raise UploadRefused(
                415, "Not_Support", f"{fmt or 'this format'} is not taken: use JPEG, PNG or WebP"
            )
        digest = hashlib.sha256(data).hexdigest()
        if not self.store.has(_folder(digest), 0, ext):
            self.store.put(_folder(digest), 0, data, ext)
        return f"{base_url.rstrip('/')}/_sim/uploads/{digest}.{ext}"

    def get(self, path: str) -> Media | None:
        m = UPLOAD_PATH.match(path)
        if m is None:
            return None
        media = self.store.get(_folder(m["digest"]), 0, m["ext"])
        if media is None:
            return None
        return Media(media.data, "jpeg" if m["ext"] == "jpg" else m["ext"])

    def source(self, url: str) -> bytes | None:
        """The bytes of an image URL the simulator can reach (its uploads, or any URL on this
        machine), as a PNG; None for anything else or a fetch that fails."""
        path = loopback_path(url)
        if path is None:
            return None
        own = self.get(path)
        data = own.data if own is not None else _fetch(url)
        return _as_png(data) if data is not None else None


def _fetch(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT) as resp:  # loopback only
            if resp.status != 200:
                return None
            data = resp.read(FETCH_LIMIT + 1)
            return data if len(data) <= FETCH_LIMIT else None
    except (urllib.error.URLError, OSError, ValueError):
        return None


def _as_png(data: bytes) -> bytes | None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            out = io.BytesIO()
            img.convert("RGB").save(out, "PNG")
            return out.getvalue()
    except (OSError, ValueError, SyntaxError):
        return None
