"""The notebook layer: magics, the job card widget, the studio and the archive.

Names are imported at first use: ``%load_ext youchuan_nb`` imports this package, and it must not
pull in the widget libraries.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "JobCard": "._card",
    "show_job": "._card",
    "Archive": "._archive",
    "Gallery": "._archive",
    "Studio": "._studio",
    "Session": "._session",
    "Settings": "._session",
    "get_session": "._session",
    "mask_from_shapes": "..client",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'youchuan_nb.notebook' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
