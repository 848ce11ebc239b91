"""Files that ship with the package: ``sample_picture()``, a small picture of one's "own" for
the teaching notebooks and examples (drawn for this package with Pillow; no licence needed)."""

from __future__ import annotations

from pathlib import Path


def sample_picture() -> Path:
    """The path of a 640 x 480 JPEG (an apple on a table) to try local pictures with:
    ``client.retexture(youchuan_nb.sample_picture(), "carved from wood")``."""
    return Path(__file__).with_name("sample.jpg")
