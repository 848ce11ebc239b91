"""A user's own picture, made ready to upload: read, checked, turned upright, stripped, bounded.

``normalise`` takes a path (``str`` or ``pathlib.Path``), a PIL image, a NumPy array or bytes and
returns a :class:`Picture`: JPEG, PNG or WebP bytes (other formats are converted) re-encoded
from the pixels alone, so EXIF (GPS position, camera, dates), XMP, ICC and text chunks never
leave the machine; EXIF orientation is applied first so the picture stays the right way up.
Its ``digest`` (SHA-256 of those bytes) names it for de-duplication.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..contract import is_http_url
from ..i18n import t

#: The service takes these; anything else is converted (PNG when it has transparency).
SERVICE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
DEFAULT_MAX_SIDE = 2048  # an assumption: the document gives no limit; larger adds nothing
DEFAULT_MAX_BYTES = 10 * 1024 * 1024  # an assumption, likewise (a picture of 2048 px fits)
MAX_READ_BYTES = 200 * 1024 * 1024  # a file this large is not a picture one means to send
MAX_PIXELS = 100_000_000  # Pillow's own bomb guard is 89 M px; refuse clearly instead


class PictureError(ValueError):
    """A picture that cannot be used (not an image, unreadable, too large, a URL where a file
    was expected): one line naming the picture and what to do."""


@dataclass(frozen=True)
class Picture:
    """A picture ready to upload. ``name`` is how the user gave it (a path, or "a PIL image")."""

    data: bytes
    ext: str  # "jpg", "png" or "webp"
    width: int
    height: int
    name: str
    digest: str = field(default="")

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.ext]

    @property
    def filename(self) -> str:
        """A file name made of the content hash (no user file name leaves the machine)."""
        return f"{self.digest[:32]}.{self.ext}"

    def image(self) -> Any:
        """The picture as a PIL image."""
        from PIL import Image

        return Image.open(io.BytesIO(self.data))

    def thumbnail_data_url(self, side: int = 96) -> str:
        """A small JPEG of the picture as a data URL (for cards; nothing is fetched)."""
        return thumbnail_data_url(self.image(), side)

    def __repr__(self) -> str:
        return f"<Picture {self.name} {self.width}x{self.height} {self.ext} {len(self.data)} B>"


def describe(image: Any) -> str:
    """How to name ``image`` in a message."""
    if isinstance(image, Picture):
        return image.name
    if isinstance(image, (str, os.PathLike)):
        return str(image)
    if isinstance(image, (bytes, bytearray, memoryview)):
        return t("uploads.name.bytes", n=len(image))
    if hasattr(image, "__array_interface__") and not hasattr(image, "getexif"):
        return t("uploads.name.array", shape="x".join(str(n) for n in getattr(image, "shape", ())))
    return t("uploads.name.pil") if hasattr(image, "getexif") else type(image).__name__


def is_picture_like(value: Any) -> bool:
    """A value that stands for a local picture (not a str: a str may be a URL or a path)."""
    return isinstance(value, (os.PathLike, bytes, bytearray, memoryview)) or (
        hasattr(value, "__array_interface__") or hasattr(value, "getexif")
    )


def local_path(value: Any) -> Path | None:
    """The file a str or Path names (``~`` expanded, relative to the current folder), if it is
    one that exists; None otherwise."""
    if not isinstance(value, (str, os.PathLike)) or is_http_url(value):
        return None
    try:
        path = Path(value).expanduser()
        return path if path.is_file() else None
    except (OSError, ValueError):  # a name too long, a NUL byte...
        return None


def _open(image: Any, name: str) -> Any:
    from PIL import Image, UnidentifiedImageError

    if hasattr(image, "getexif"):  # already a PIL image
        return image
    if hasattr(image, "__array_interface__"):
        try:
            return Image.fromarray(image)
        except (TypeError, ValueError) as exc:
            raise PictureError(t("uploads.bad_array", name=name, why=str(exc))) from None
    if isinstance(image, (bytes, bytearray, memoryview)):
        data = bytes(image)
    else:
        if isinstance(image, str) and is_http_url(image):
            raise PictureError(t("uploads.url_not_file", name=name))
        if not isinstance(image, (str, os.PathLike)):
            raise PictureError(t("uploads.bad_type", kind=type(image).__name__))
        path = Path(image).expanduser()
        if not path.is_file():
            raise PictureError(t("uploads.no_file", name=name, cwd=os.getcwd()))
        try:
            if path.stat().st_size > MAX_READ_BYTES:
                raise PictureError(t("uploads.file_too_large", name=name, mb=MAX_READ_BYTES >> 20))
            data = path.read_bytes()
        except OSError as exc:
            raise PictureError(
                t("uploads.unreadable", name=name, why=exc.strerror or exc)
            ) from None
    try:
        img = Image.open(io.BytesIO(data))
        if img.width * img.height > MAX_PIXELS:
            raise PictureError(t("uploads.too_many_pixels", name=name, w=img.width, h=img.height))
        img.load()
    except PictureError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError):
        raise PictureError(t("uploads.not_image", name=name)) from None
    except (OSError, ValueError, SyntaxError) as exc:  # truncated or corrupt
        raise PictureError(t("uploads.corrupt", name=name, why=str(exc) or "?")) from None
    return img


def _encode(img: Any, ext: str, quality: int) -> bytes:
    out = io.BytesIO()
    if ext == "jpg":
        img.save(out, "JPEG", quality=quality, optimize=True)
    elif ext == "webp":
        img.save(out, "WEBP", quality=quality, method=4)
    else:
        img.save(out, "PNG", optimize=True)
    return out.getvalue()


def normalise(
    image: Any,
    *,
    max_side: int = DEFAULT_MAX_SIDE,
    max_bytes: int = DEFAULT_MAX_BYTES,
    name: str | None = None,
) -> Picture:
    """``image`` as a :class:`Picture` the service takes; raises :class:`PictureError`."""
    from PIL import Image, ImageOps

    label = name or describe(image)
    img = _open(image, label)
    source_format = (getattr(img, "format", None) or "").upper()
    try:
        upright = ImageOps.exif_transpose(img)  # the camera's "rotate 90°" made real
    except (OSError, ValueError, SyntaxError):  # a broken EXIF block: keep the pixels as stored
        upright = img
    if upright is None:  # pragma: no cover - only with in_place=True
        upright = img
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or (
        upright.mode == "P" and "transparency" in upright.info
    )
    ext = SERVICE_FORMATS.get(source_format) or ("png" if has_alpha else "jpg")
    if ext == "jpg":
        pixels = upright.convert("RGB")
    else:
        pixels = upright.convert("RGBA" if has_alpha else "RGB")
    if max(pixels.size) > max_side:
        pixels.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    # A new image of the pixels alone: no info dict, so no EXIF/XMP/ICC/text is written.
    clean = Image.new(pixels.mode, pixels.size)
    clean.paste(pixels)
    data = _encode(clean, ext, 92)
    if len(data) > max_bytes and ext != "png":
        data = _encode(clean, ext, 75)  # one step down before giving up
    if len(data) > max_bytes:
        raise PictureError(
            t(
                "uploads.too_large",
                name=label,
                size=f"{len(data) / 1e6:.1f}",
                limit=f"{max_bytes / 1e6:.1f}",
                side=max_side,
            )
        )
    digest = hashlib.sha256(data).hexdigest()
    return Picture(data, ext, clean.width, clean.height, label, digest)


def thumbnail_data_url(img: Any, side: int = 96) -> str:
    """A small JPEG of a PIL image as a ``data:`` URL."""
    from PIL import Image

    small = img.convert("RGB")
    small.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, "JPEG", quality=80)
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")
