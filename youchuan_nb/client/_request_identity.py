"""When two requests are the same request: re-running a cell must find the job it made before.

A local picture goes to the service as the URL of its upload, and that URL is not stable: the
built-in simulator's port changes with each kernel and a presigned URL is made again once it
nears its expiry. Uploads are named by their content hash (``client/_pictures.py``: the first 32
hex digits of the SHA-256, in both the simulator's and the object store's names), so a picture's
identity is that hash, whatever address carries it. Everything else compares as sent.
"""

from __future__ import annotations

import re
from typing import Any

# http(s)://any/path/<32+ hex>.<jpg|png|webp>[?query]: the address of an uploaded picture
_UPLOADED = re.compile(r"https?://[^\s?#]+/([0-9a-f]{32})[0-9a-f]*\.(?:jpg|png|webp)(?:\?[^\s#]*)?")


def identity(value: Any) -> Any:
    """``value`` (a request body or a part of it) with each uploaded picture's address replaced
    by ``picture:<hash>``; the caller's value is not changed."""
    if isinstance(value, str):
        return _UPLOADED.sub(lambda m: f"picture:{m.group(1)}", value)
    if isinstance(value, list):
        return [identity(v) for v in value]
    if isinstance(value, dict):
        return {k: identity(v) for k, v in value.items()}
    return value


def same_request(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """True if the bodies ``a`` and ``b`` ask for the same thing (``callback`` aside)."""
    return identity({k: v for k, v in a.items() if k != "callback"}) == identity(
        {k: v for k, v in b.items() if k != "callback"}
    )
