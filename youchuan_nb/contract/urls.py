"""URLs and media types: which URLs are fetchable, which are on this machine, what a file is.

Shared by the client (what it may fetch, how it names cached files), the simulator (which URLs
are its own) and the notebook layer (how a file is shown).
"""

from __future__ import annotations

import ipaddress
import os
from urllib.parse import urlsplit

MEDIA_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".mov": "video/quicktime",
}
VIDEO_SUFFIXES = (".mp4", ".webm", ".mov")


def is_http_url(url: object) -> bool:
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def is_loopback_host(host: str | None) -> bool:
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_loopback_url(url: object) -> bool:
    """An http(s) URL on this machine (127.0.0.0/8, ::1, localhost)."""
    if not is_http_url(url):
        return False
    try:
        return is_loopback_host(urlsplit(str(url)).hostname)
    except ValueError:
        return False


def loopback_path(url: object) -> str | None:
    """The path of an http(s) URL on this machine; None for any other URL or a malformed one."""
    if not is_loopback_url(url):
        return None
    try:
        return urlsplit(str(url)).path
    except ValueError:
        return None


def suffix_of(name: str) -> str:
    """The lower-case suffix of a file name or URL path (query and fragment ignored)."""
    path = urlsplit(name).path if "://" in name else name
    return os.path.splitext(path)[1].lower()


def media_type(name: str | os.PathLike[str], default: str = "image/png") -> str:
    """The MIME type of a media file by its name."""
    return MEDIA_TYPES.get(suffix_of(str(name)), default)


def suffix_for(url: str, content_type: str = "") -> str:
    """The file suffix for a download: from its Content-Type, else its URL, else ``.bin``."""
    ct = content_type.lower()
    for suffix, mime in MEDIA_TYPES.items():
        if mime in ct and suffix != ".jpeg":
            return suffix
    if "video" in ct:
        return ".mp4"
    suffix = suffix_of(url)
    return suffix if suffix in MEDIA_TYPES else ".bin"


def is_video_name(name: str | os.PathLike[str]) -> bool:
    return suffix_of(str(name)) in VIDEO_SUFFIXES
