"""Captures: raw answers saved for a bug report, with anything credential-like removed.

Written when an answer cannot be read (and by the doctor), under ``<home>/captures``. The
credentials are never in an answer; keys that look like secrets are blanked all the same.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path
from typing import Any

_SECRET_WORDS = ("secret", "token", "password", "authorization", "x-youchuan-app")


def redact(value: Any, secrets: tuple[str, ...] = ()) -> Any:
    """``value`` with secret-looking keys blanked and every given secret string removed."""
    if isinstance(value, dict):
        return {
            k: (
                "<redacted>"
                if any(w in str(k).lower() for w in _SECRET_WORDS)
                else redact(v, secrets)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact(v, secrets) for v in value]
    if isinstance(value, str):
        for secret in secrets:
            if secret:
                value = value.replace(secret, "<redacted>")
        return value
    return value


def save_capture(folder: Path, what: str, raw: Any, secrets: tuple[str, ...] = ()) -> str | None:
    """Save ``raw`` as JSON in ``folder``; returns the file's path, or None if it failed."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{what}-{uuid.uuid4().hex[:6]}.json"
        path = folder / name
        data = {"what": what, "saved_at": time.time(), "answer": redact(raw, secrets)}
        text = json.dumps(data, ensure_ascii=False, indent=1, default=repr)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        return str(path)
    except OSError:
        return None
