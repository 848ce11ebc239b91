"""How a prompt's flags change a simulated picture, so a lesson can show what each flag does.

Visible and deterministic, measured in tests/sim/test_flag_effects.py:

- ``--chaos`` (0-100): the four images of a grid drift apart (palette and composition);
- ``--stylize`` (0-1000, default 100): more ornament and more saturated colour;
- ``--weird`` (0-3000): a wavy distortion of the picture;
- ``--tile``: a seamless tile (left/right and top/bottom edges continue each other);
- ``--no red`` (any colour word, English or Chinese, comma-separated): that colour's hues go;
- ``--style raw`` (or ``--raw``): flatter, lower contrast and saturation;
- ``--ar`` shapes the picture (the caller's size), ``--seed`` repeats a grid exactly.

The palette and composition come from the prompt without these flags, so a sweep with a fixed
``--seed`` shows the same picture changed only by the flag. These are a simulator's stand-ins,
not Midjourney's models.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageChops, ImageDraw, ImageEnhance

from ..contract import parse_prompt

RGB = tuple[int, int, int]

# Flags whose effect is drawn here (not part of what the picture is of). --ar gives the size and
# --seed the composition's seed; neither changes the subject either.
LOOK_FLAGS = frozenset({"chaos", "stylize", "weird", "tile", "no", "style", "raw", "ar", "seed"})
STYLIZE_DEFAULT = 100.0

# Hue ranges in degrees (start, end; start > end wraps through 0) of the colour words of --no.
COLOUR_HUES: dict[str, tuple[float, float]] = {
    "red": (335, 22), "orange": (18, 45), "yellow": (42, 72), "green": (68, 165),
    "cyan": (160, 200), "blue": (195, 258), "purple": (255, 292), "violet": (255, 292),
    "pink": (288, 340), "magenta": (288, 340),
    "红": (335, 22), "橙": (18, 45), "黄": (42, 72), "绿": (68, 165), "青": (160, 200),
    "蓝": (195, 258), "紫": (255, 292), "粉": (288, 340), "粉红": (288, 340),
}  # fmt: skip
_GREY_BELOW = 0.12  # a removed colour keeps this share of its saturation: a grey, not a hue


@dataclass(frozen=True)
class Look:
    subject: str  # what the picture is of: the prompt without the look flags
    chaos: float = 0.0  # 0..1
    stylize: float = STYLIZE_DEFAULT  # 0..1000
    weird: float = 0.0  # 0..1
    tile: bool = False
    raw: bool = False
    no: tuple[tuple[float, float], ...] = ()  # hue ranges to remove


def _number(value: str | None, low: float, high: float, default: float) -> float:
    try:
        number = float(value) if value not in (None, "") else default
    except ValueError:  # the simulator checks prompts; stay drawable whatever comes
        return default
    return min(high, max(low, number)) if math.isfinite(number) else default


def colour_ranges(value: str) -> tuple[tuple[float, float], ...]:
    """The hue ranges of the colour words in a --no value ("red, blue", "红色"...)."""
    found = []
    for word in value.replace("，", ",").replace(",", " ").split():
        word = word.lower().removesuffix("色")
        if word.endswith("s") and word[:-1] in COLOUR_HUES:
            word = word[:-1]
        if word in COLOUR_HUES and COLOUR_HUES[word] not in found:
            found.append(COLOUR_HUES[word])
    return tuple(found)


@lru_cache(maxsize=256)
def look_of(prompt: str) -> Look:
    p = parse_prompt(prompt)
    kept = [w for (name, _), w in zip(p.flags, p.written, strict=False) if name not in LOOK_FLAGS]
    subject = " ".join([*p.images, p.text, *kept]).strip() or prompt
    no: tuple[tuple[float, float], ...] = ()
    for name, value in p.flags:
        if name == "no":
            no += tuple(r for r in colour_ranges(value) if r not in no)
    return Look(
        subject=subject,
        chaos=_number(p.get("chaos"), 0, 100, 0) / 100,
        stylize=_number(p.get("stylize"), 0, 1000, STYLIZE_DEFAULT),
        weird=_number(p.get("weird"), 0, 3000, 0) / 3000,
        tile=p.has("tile"),
        raw=p.has("raw") or (p.get("style") or "").strip().lower() == "raw",
        no=no,
    )


# ---------------------------------------------------------------- effects at working size


def ornaments(img: Image.Image, colours: list[RGB], r: random.Random, look: Look) -> None:
    """Sharp small rings, dots and strokes (in place): ``--stylize`` adds them, raw halves them."""
    count = round(look.stylize / 1000 * 40 * (0.5 if look.raw else 1))
    if count <= 0:
        return
    w, h = img.size
    draw = ImageDraw.Draw(img)
    unit = min(w, h)
    for _ in range(count):
        colour = tuple(min(255, int(c * 1.25) + 20) for c in r.choice(colours))
        x, y = r.uniform(0, w), r.uniform(0, h)
        rad = r.uniform(0.01, 0.05) * unit
        kind = r.random()
        if kind < 0.4:
            draw.ellipse((x - rad, y - rad, x + rad, y + rad), outline=colour, width=2)
        elif kind < 0.7:
            draw.ellipse((x - rad / 3, y - rad / 3, x + rad / 3, y + rad / 3), fill=colour)
        else:
            a = r.uniform(0, math.pi)
            dx, dy = math.cos(a) * rad * 2, math.sin(a) * rad * 2
            draw.line((x - dx, y - dy, x + dx, y + dy), fill=colour, width=2)


def warp(img: Image.Image, amount: float, r: random.Random) -> Image.Image:
    """``--weird``: a wavy mesh distortion, stronger with ``amount`` (0..1)."""
    if amount <= 0:
        return img
    w, h = img.size
    amp = math.sqrt(amount) * 0.09 * min(w, h)
    fx, fy = r.uniform(1.5, 3.0), r.uniform(1.5, 3.0)
    px, py = r.uniform(0, 2 * math.pi), r.uniform(0, 2 * math.pi)
    n = 16

    def src(x: float, y: float) -> tuple[float, float]:
        # Still at the borders (sin(pi x / w) = 0), so every point samples inside the picture.
        sx = x + amp * math.sin(math.pi * x / w) * math.sin(2 * math.pi * fy * y / h + py)
        sy = y + amp * math.sin(math.pi * y / h) * math.sin(2 * math.pi * fx * x / w + px)
        return sx, sy

    mesh = []
    for i in range(n):
        for j in range(n):
            x0, x1 = w * i / n, w * (i + 1) / n
            y0, y1 = h * j / n, h * (j + 1) / n
            quad = (*src(x0, y0), *src(x0, y1), *src(x1, y1), *src(x1, y0))
            box = (round(x0), round(y0), round(x1), round(y1))
            mesh.append((box, quad))
    return img.transform(img.size, Image.Transform.MESH, mesh, Image.Resampling.BILINEAR)


@lru_cache(maxsize=16)
def _ramp(length: int, vertical: bool, width: int) -> Image.Image:
    """0 at both ends rising to 255 a quarter in: the weight of the unshifted picture."""
    quarter = max(1, length // 4)
    values = [min(255, round(255 * min(i, length - 1 - i) / quarter)) for i in range(length)]
    line = Image.new("L", (1, length) if vertical else (length, 1))
    line.putdata(values)
    return line.resize((width, length) if vertical else (length, width), Image.Resampling.NEAREST)


def seamless(img: Image.Image) -> Image.Image:
    """``--tile``: blend with a half-shifted copy near the edges, across then down, so each edge
    continues the opposite one (the shifted copy's edges were neighbours in the picture)."""
    w, h = img.size
    across = Image.composite(img, ImageChops.offset(img, w // 2, 0), _ramp(w, False, h))
    return Image.composite(across, ImageChops.offset(across, 0, h // 2), _ramp(h, True, w))


def tone(img: Image.Image, look: Look) -> Image.Image:
    """Saturation from ``--stylize`` (0.75 at 0, 1 at the default 100, 1.9 at 1000); raw is
    flatter (lower contrast and saturation)."""
    s = look.stylize
    colour = 0.75 + 0.25 * s / 100 if s <= 100 else 1 + 0.9 * (s - 100) / 900
    if look.raw:
        colour *= 0.7
        img = ImageEnhance.Contrast(img).enhance(0.7)
    if abs(colour - 1) > 1e-6:
        img = ImageEnhance.Color(img).enhance(colour)
    return img


def chaos_hue(r: random.Random, look: Look) -> float:
    """How far (degrees) one image's palette turns from the grid's: up to 150 at chaos 100."""
    return r.uniform(-1, 1) * 150 * look.chaos


class MixedRandom(random.Random):
    """Draws from the grid's shared stream or this image's own, each draw by a coin weighted
    with ``own`` (both streams always advance, so they stay in step). The four images of a grid
    share their other draws: how alike they are is ``--chaos``."""

    def __init__(self, shared: random.Random, mine: random.Random, own: float) -> None:
        super().__init__(0)
        self._shared, self._mine, self._own = shared, mine, own
        self._coin = random.Random(mine.random())

    def _pick(self) -> bool:
        return self._coin.random() < self._own

    def random(self) -> float:
        a, b = self._shared.random(), self._mine.random()
        return b if self._pick() else a

    def getrandbits(self, k: int) -> int:
        a, b = self._shared.getrandbits(k), self._mine.getrandbits(k)
        return b if self._pick() else a


def chaos_share(look: Look) -> float:
    """How many of each image's draws are its own (the rest are the grid's shared ones)."""
    return 0.06 + 0.94 * look.chaos


# ---------------------------------------------------------------- at full size


@lru_cache(maxsize=8)
def _hue_mask_lut(ranges: tuple[tuple[float, float], ...]) -> tuple[int, ...]:
    lut = []
    for v in range(256):
        deg = v * 360 / 256
        inside = any((a <= deg <= b) if a <= b else (deg >= a or deg <= b) for a, b in ranges)
        lut.append(255 if inside else 0)
    return tuple(lut)


def remove_colours(img: Image.Image, ranges: tuple[tuple[float, float], ...]) -> Image.Image:
    """``--no <colour>``: pixels of those hues lose their colour (become greys)."""
    if not ranges:
        return img
    h, s, v = img.convert("HSV").split()
    mask = h.point(list(_hue_mask_lut(ranges)))
    grey = s.point(lambda x: int(x * _GREY_BELOW))
    return Image.merge("HSV", (h, Image.composite(grey, s, mask), v)).convert("RGB")
