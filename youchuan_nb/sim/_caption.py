"""Captions on simulated images, in any script the machine has a font for.

Pillow's bundled font draws Latin text identically on every machine but has no CJK glyphs, so a
Chinese prompt needs another font. The chain, first that can draw every character wins:

1. Pillow's bundled font (ASCII text: byte-identical images everywhere);
2. the font file named by ``YOUCHUAN_SIM_FONT``;
3. the CJK fonts every desktop system ships or packages (Noto Sans CJK, WenQuanYi, Droid
   fallback on Linux; PingFang, Heiti, Hiragino GB on macOS; YaHei, SimHei, SimSun on Windows),
   then common Latin fonts (DejaVu, Liberation, Arial: for accents), then whatever fontconfig
   proposes for Chinese;
4. none: the image has no caption. Never "???" or boxes: the card shows the prompt as text.

A character counts as drawable when its bitmap differs from the bitmap of a code point no font
has (a font's "missing glyph" box), so a font that answers every character with the same box is
never picked.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import lru_cache
from typing import Any

from PIL import Image, ImageDraw, ImageFont

CAPTION_CHARS = 40  # the caption box is sized for this many Latin characters

_SYSTEM_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian, Ubuntu: fonts-noto-cjk
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",  # Arch
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",  # Fedora
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # Debian: fonts-wqy-microhei
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "/System/Library/Fonts/Hiragino Sans GB.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/msyh.ttf",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/simsun.ttc",
    # Latin beyond ASCII (the bundled font has no accents): é, ü, ß...
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/System/Library/Fonts/Supplemental/Arial.ttf",
    "C:/Windows/Fonts/arial.ttf",
)
_NO_GLYPH = "\U0010fffd"  # a private-use code point: every font draws its missing-glyph box


def bundled_font(size: int) -> Any:
    """Pillow's bundled font: identical rendering on every machine."""
    return ImageFont.load_default(size=max(6, size))


def _fontconfig_guess() -> str | None:
    """The file fontconfig would use for Simplified Chinese (Linux, some macOS setups)."""
    fc = shutil.which("fc-match")
    if fc is None:
        return None
    try:
        out = subprocess.run(
            [fc, "-f", "%{file}", ":lang=zh-cn"], capture_output=True, text=True, timeout=5
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return out or None


@lru_cache(maxsize=1)
def font_files() -> tuple[str, ...]:
    """Candidate font files besides the bundled font, in order of preference (found once)."""
    named = os.environ.get("YOUCHUAN_SIM_FONT", "").strip()
    paths = [named] if named else []
    paths += list(_SYSTEM_FONTS)
    guess = _fontconfig_guess()
    if guess:
        paths.append(guess)
    seen: list[str] = []
    for p in paths:
        if p and p not in seen and os.path.isfile(p):
            seen.append(p)
    return tuple(seen)


@lru_cache(maxsize=16)
def _face_index(path: str) -> int:
    """The face of a collection to use: Simplified Chinese when the file has one."""
    if not path.lower().endswith(".ttc"):
        return 0
    for index in range(12):
        try:
            name = " ".join(n or "" for n in ImageFont.truetype(path, 12, index=index).getname())
        except OSError:
            break
        if " SC" in name or "GB" in name or "简" in name:
            return index
    return 0


@lru_cache(maxsize=64)
def _file_font(path: str, size: int) -> Any:
    try:
        return ImageFont.truetype(path, size, index=_face_index(path))
    except OSError:
        return None


def _bitmap(font: Any, char: str) -> bytes:
    img = Image.new("L", (font.size * 2 + 4, font.size * 2 + 4))
    ImageDraw.Draw(img).text((2, 2), char, fill=255, font=font)
    return img.tobytes()


@lru_cache(maxsize=4096)
def _draws(key: str, size: int, char: str) -> bool:
    font = _font_for_key(key, size)
    if font is None:
        return False
    return _bitmap(font, char) != _bitmap(font, _NO_GLYPH)


def _font_for_key(key: str, size: int) -> Any:
    return bundled_font(size) if key == "" else _file_font(key, size)


def can_draw(key: str, size: int, text: str) -> bool:
    """Whether the font ``key`` ("" = bundled, else a file) draws every character of ``text``."""
    return all(c.isspace() or _draws(key, size, c) for c in set(text))


def caption_font(text: str, size: int) -> Any:
    """The first font of the chain that draws every character of ``text``, or None."""
    if text.isascii():
        return bundled_font(size)
    for key in ("", *font_files()):
        if can_draw(key, size, text):
            return _font_for_key(key, size)
    return None


def fit(text: str, font: Any, max_width: float) -> str:
    """``text`` cut (at a character) so it is at most ``max_width`` pixels wide."""
    draw = ImageDraw.Draw(Image.new("L", (1, 1)))
    while text and draw.textlength(text, font=font) > max_width:
        text = text[:-1]
    return text.rstrip()
