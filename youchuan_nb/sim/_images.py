"""Deterministic PNG synthesis for the local simulator.

Pure functions: PNG bytes in, PNG bytes out. Nothing here knows about HTTP or the API;
the simulator maps endpoints onto these operations.

Every output carries a "SIMULATED" mark: an opaque box in the bottom-right corner
(see ``MARK_BOX``). Derived operations erase the mark they inherit from their source
(so it does not get zoomed, shifted or duplicated) and stamp a fresh one at the end.

All randomness comes from ``hashlib`` digests of the arguments, never from Python's
salted ``hash()``, so equal arguments give byte-identical PNGs across processes.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import math
import random
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

from ._caption import CAPTION_CHARS, bundled_font, caption_font, fit
from ._look import (
    MixedRandom,
    chaos_hue,
    chaos_share,
    look_of,
    ornaments,
    remove_colours,
    seamless,
    tone,
    warp,
)

Size = tuple[int, int]
RGB = tuple[int, int, int]
Polygon = Sequence[tuple[float, float]]

MARK_TEXT = "SIMULATED"
MARK_FILL: RGB = (16, 16, 16)
MARK_EDGE: RGB = (255, 190, 0)
MARK_INK: RGB = (255, 255, 255)

GRID_COUNT = 4
MAX_UPSCALE_SIDE = 4096
_WORK_SIDE = 320  # synthesis resolution; soft shapes survive upscaling and it keeps us fast
_PNG_LEVEL = 1  # zlib level 1: ~3x faster than the default for our smooth images


# ---------------------------------------------------------------- basics


def seeded_rng(*parts: Any) -> random.Random:
    """A PRNG seeded from a stable digest of ``parts``."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:16], "big"))


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def open_png(png: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(png))
    img.load()
    return img if img.mode == "RGB" else img.convert("RGB")


def to_png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=_PNG_LEVEL)
    return buf.getvalue()


def image_size(png: bytes) -> Size:
    """(width, height) of an encoded image; only the header is parsed."""
    with Image.open(io.BytesIO(png)) as img:
        return img.size


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    return bundled_font(size)


# ---------------------------------------------------------------- the SIMULATED mark


def MARK_BOX(width: int, height: int) -> tuple[int, int, int, int]:
    """The (x0, y0, x1, y1) rectangle the mark occupies in a width x height image (x1, y1
    exclusive).

    Margin and size are even, so in even-sized frames (video) the box is aligned to the
    2x2 chroma blocks of yuv420p.
    """
    s = min(width, height)
    bh = 2 * max(10, s // 44)
    bw = bh * 5
    margin = 2 * max(1, s // 128)
    x1, y1 = width - margin, height - margin
    return max(0, x1 - bw), max(0, y1 - bh), max(1, x1), max(1, y1)


@lru_cache(maxsize=64)
def mark_tile(width: int, height: int) -> Image.Image:
    """The rendered mark for a given image size (cached: videos stamp every frame)."""
    x0, y0, x1, y1 = MARK_BOX(width, height)
    bw, bh = x1 - x0, y1 - y0
    tile = Image.new("RGB", (bw, bh), MARK_FILL)
    draw = ImageDraw.Draw(tile)
    edge = max(1, bh // 12)
    draw.rectangle((0, 0, bw - 1, bh - 1), outline=MARK_EDGE, width=edge)
    size = int(bh * 0.62)
    font = _font(size)
    while size > 6 and draw.textlength(MARK_TEXT, font=font) > bw - 4 * edge:
        size -= 1
        font = _font(size)
    draw.text((bw / 2, bh / 2), MARK_TEXT, fill=MARK_INK, font=font, anchor="mm")
    return tile


def stamp(img: Image.Image) -> Image.Image:
    """Burn the mark into ``img`` (in place; returned for chaining)."""
    x0, y0, _, _ = MARK_BOX(*img.size)
    img.paste(mark_tile(*img.size), (x0, y0))
    return img


def smooth_fill(img: Image.Image, box: tuple[int, int, int, int]) -> None:
    """Paint ``box`` (in place) with the colours of the strip just above it (or below, at
    the top edge), averaged and stretched into a soft fill that hides what was there."""
    x0, y0, x1, y1 = box
    bw, bh = x1 - x0, y1 - y0
    pad = max(2, bh // 2)
    if y0 >= pad:
        strip = img.crop((x0, y0 - pad, x1, y0))
    elif y1 + pad <= img.height:
        strip = img.crop((x0, y1, x1, y1 + pad))
    else:
        return
    cols = max(1, bw // max(1, bh))
    img.paste(
        strip.resize((cols, 1), Image.Resampling.BOX).resize((bw, bh), Image.Resampling.BILINEAR),
        (x0, y0),
    )


def erase_mark(img: Image.Image) -> Image.Image:
    """Cover an inherited mark with a smooth fill of its surroundings (in place).

    Derived operations call this before transforming so the old mark is not zoomed,
    moved or duplicated; harmless on images that never had a mark.
    """
    smooth_fill(img, MARK_BOX(*img.size))
    return img


# ---------------------------------------------------------------- synthesis


def palette_for(prompt: str) -> list[RGB]:
    """Five colours from the prompt hash: one recognisable scheme per prompt."""
    r = seeded_rng("palette", prompt)
    base = r.random()
    offsets = r.choice(
        [
            (0, 0.05, 0.1, 0.5, 0.55),
            (0, 0.33, 0.66, 0.1, 0.43),
            (0, 0.08, 0.16, 0.24, 0.6),
            (0, 0.5, 0.02, 0.52, 0.25),
        ]
    )
    colours = []
    for off in offsets:
        s = r.uniform(0.35, 0.9)
        v = r.uniform(0.35, 1.0)
        colours.append(tuple(int(c * 255) for c in colorsys.hsv_to_rgb((base + off) % 1, s, v)))
    return colours  # type: ignore[return-value]


def _gradient(size: Size, colours: Sequence[RGB], r: random.Random) -> Image.Image:
    """A smooth background: a 3x3 grid of palette colours interpolated up."""
    seed_img = Image.new("RGB", (3, 3))
    seed_img.putdata([r.choice(colours) for _ in range(9)])
    return seed_img.resize(size, Image.Resampling.BICUBIC)


def _soft_shapes(
    size: Size, colours: Sequence[RGB], r: random.Random, count: int, blur: float
) -> Image.Image:
    """An RGBA layer of translucent ellipses and polygons, blurred to look painted."""
    w, h = size
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for _ in range(count):
        colour = (*r.choice(colours), r.randint(90, 210))
        cx, cy = r.uniform(-0.1, 1.1) * w, r.uniform(-0.1, 1.1) * h
        rad = r.uniform(0.06, 0.32) * min(w, h)
        if r.random() < 0.6:
            squash = r.uniform(0.5, 1.5)
            draw.ellipse((cx - rad, cy - rad * squash, cx + rad, cy + rad * squash), fill=colour)
        else:
            n = r.randint(3, 6)
            pts = []
            for k in range(n):
                angle = (k / n + r.uniform(-0.08, 0.08)) * 2 * math.pi
                reach = rad * r.uniform(0.5, 1.3)
                pts.append((cx + reach * math.cos(angle), cy + reach * math.sin(angle)))
            draw.polygon(pts, fill=colour)
    return layer.filter(ImageFilter.GaussianBlur(blur)) if blur > 0 else layer


def _work_size(width: int, height: int) -> Size:
    scale = min(1.0, _WORK_SIDE / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _caption_font(width: int, height: int) -> tuple[Any, int, int]:
    s = min(width, height)
    return _font(max(9, s // 56)), max(3, s // 64), max(3, s // 64)


def caption_box(width: int, height: int) -> tuple[int, int, int, int]:
    """Where a caption of up to 40 characters can be (for erasing it from mirrored copies)."""
    font, x, y = _caption_font(width, height)
    size = font.size if isinstance(font, ImageFont.FreeTypeFont) else 10
    return (
        0,
        0,
        min(width, x + int(size * 0.62 * CAPTION_CHARS) + 2),
        min(height, y + int(size * 1.5) + 2),
    )


def draw_caption(img: Image.Image, text: str) -> None:
    """Write ``text`` small in the top-left corner with a shadow (in place).

    Latin text uses the bundled font; other scripts the first font of :mod:`._caption`'s chain
    that draws every character; with none, no caption (never "???" or boxes)."""
    text = " ".join("".join(c for c in text if c.isprintable()).split())
    if not text:
        return
    font, x, y = _caption_font(*img.size)
    if text.isascii():
        text = text[:CAPTION_CHARS]
    else:
        font = caption_font(text[: CAPTION_CHARS * 2], font.size)
        if font is None:
            return
        text = fit(text[: CAPTION_CHARS * 2], font, caption_box(*img.size)[2] - x - 2)
    draw = ImageDraw.Draw(img)
    draw.text((x + 1, y + 1), text, fill=(0, 0, 0), font=font)
    draw.text((x, y), text, fill=(245, 245, 245), font=font)


def _turned(colours: Sequence[RGB], degrees: float) -> list[RGB]:
    if not degrees:
        return list(colours)
    out = []
    for c in colours:
        h, sat, v = colorsys.rgb_to_hsv(*(x / 255 for x in c))
        rgb = colorsys.hsv_to_rgb((h + degrees / 360) % 1, sat, v)
        out.append((int(rgb[0] * 255), int(rgb[1] * 255), int(rgb[2] * 255)))
    return out


def _compose(
    subject: str, seed: int, index: int, work: Size, own: float, hue: float
) -> Image.Image:
    """A background gradient under soft shapes from the subject's palette (turned by ``hue``);
    ``own`` of its random draws are its own, the rest shared by the grid (see MixedRandom)."""
    colours = _turned(palette_for(subject), hue)
    shared = seeded_rng("compose", subject, seed, "shared")
    r = MixedRandom(shared, seeded_rng("compose", subject, seed, index), own)
    img = _gradient(work, colours, r).convert("RGBA")
    img.alpha_composite(_soft_shapes(work, colours, r, r.randint(5, 9), blur=min(work) / 40))
    img.alpha_composite(_soft_shapes(work, colours, r, r.randint(2, 4), blur=min(work) / 160))
    return img.convert("RGB")


def synth_image(
    prompt: str, seed: int, index: int, width: int, height: int, caption: str | None = None
) -> Image.Image:
    """One abstract "generated" picture (unmarked, RGB).

    The palette depends on the prompt's subject only (the prompt less the flags of
    :mod:`._look`), the composition on (subject, seed, index); the flags then change it.
    """
    look = look_of(prompt)
    work = _work_size(width, height)
    r = seeded_rng("look", look.subject, seed, index)
    img = _compose(look.subject, seed, index, work, chaos_share(look), chaos_hue(r, look))
    ornaments(img, palette_for(look.subject), r, look)
    img = warp(img, look.weird, r)
    if look.tile:
        img = seamless(img)
    img = remove_colours(tone(img, look), look.no)
    if img.size != (width, height):
        img = img.resize((width, height), Image.Resampling.BICUBIC)
    draw_caption(img, prompt if caption is None else caption)
    return img


def grid_images(prompt: str, seed: int, width: int, height: int) -> list[bytes]:
    """Four distinct, deterministic, marked PNGs of width x height for a prompt."""
    return [to_png(stamp(synth_image(prompt, seed, i, width, height))) for i in range(GRID_COUNT)]


def fit_png(src: bytes, width: int, height: int) -> bytes:
    """``src`` cropped to the aspect of width x height and scaled to it (an image prompt)."""
    return to_png(ImageOps.fit(open_png(src), (width, height), Image.Resampling.BICUBIC))


def placeholder_source(url: str, width: int = 1024, height: int = 1024) -> bytes:
    """A deterministic stand-in for an external image the simulator cannot fetch."""
    tail = url.split("://", 1)[-1]
    img = synth_image("external image " + url, 0, 0, width, height, caption="imgUrl " + tail)
    return to_png(stamp(img))


# ---------------------------------------------------------------- pixel helpers


def hue_shift(img: Image.Image, degrees: float) -> Image.Image:
    """Rotate hues by ``degrees`` with the CSS hue-rotate matrix: one linear pass in RGB,
    several times faster than a round trip through HSV."""
    a = math.radians(degrees)
    c, s = math.cos(a), math.sin(a)
    matrix = (
        0.213 + c * 0.787 - s * 0.213,
        0.715 - c * 0.715 - s * 0.715,
        0.072 - c * 0.072 + s * 0.928,
        0,
        0.213 - c * 0.213 + s * 0.143,
        0.715 + c * 0.285 + s * 0.140,
        0.072 - c * 0.072 - s * 0.283,
        0,
        0.213 - c * 0.213 - s * 0.787,
        0.715 - c * 0.715 + s * 0.715,
        0.072 + c * 0.928 + s * 0.072,
        0,
    )
    return img.convert("RGB", matrix)


def zoom_crop(img: Image.Image, zoom: float, fx: float, fy: float) -> Image.Image:
    """Zoom in by ``zoom`` (>= 1) around the fractional point (fx, fy), keeping size."""
    w, h = img.size
    cw, ch = w / zoom, h / zoom
    x0 = (w - cw) * fx
    y0 = (h - ch) * fy
    return img.resize((w, h), Image.Resampling.BILINEAR, box=(x0, y0, x0 + cw, y0 + ch))


def soft_blur(img: Image.Image, factor: int = 8, radius: float = 2.0) -> Image.Image:
    """A large-radius blur done cheaply at a fraction of the resolution."""
    w, h = img.size
    small = img.resize((max(1, w // factor), max(1, h // factor)), Image.Resampling.BOX)
    return small.filter(ImageFilter.GaussianBlur(radius)).resize((w, h), Image.Resampling.BILINEAR)


def _sample_colours(img: Image.Image, r: random.Random, n: int = 5) -> list[RGB]:
    small = img.resize((16, 16), Image.Resampling.BOX)
    return [small.getpixel((r.randrange(16), r.randrange(16))) for _ in range(n)]  # type: ignore[misc]


def dream(img: Image.Image, r: random.Random, hue: float, shapes: int) -> Image.Image:
    """A blurred, recoloured, reshaped version of ``img``: plausible "new" content.

    ``hue`` is the exact rotation in degrees; callers choose it so siblings differ.
    Everything happens at 1/8 resolution (the result is soft anyway), then scales up once.
    """
    w, h = img.size
    small = img.resize((max(1, w // 8), max(1, h // 8)), Image.Resampling.BOX)
    small = hue_shift(small.filter(ImageFilter.GaussianBlur(2)), hue)
    if shapes:
        colours: list[RGB] = []
        for col in _sample_colours(img, r):
            red, green, blue = (min(255, int(c * r.uniform(0.8, 1.3))) for c in col)
            colours.append((red, green, blue))
        rgba = small.convert("RGBA")
        rgba.alpha_composite(
            _soft_shapes(
                small.size,
                colours,
                r,
                shapes,
                blur=min(small.size) / 40,
            )
        )
        small = rgba.convert("RGB")
    return small.resize((w, h), Image.Resampling.BILINEAR)


_EDITS = frozenset({"variation", "upscale", "pan", "outpaint", "areas_to_polygons", "inpaint",
                    "inpaint_mask_image", "remix", "edit", "retexture", "remove_background",
                    "enhance"})  # fmt: skip


def __getattr__(name: str) -> Any:
    """The edits of existing images moved to :mod:`._edits`; still importable from here."""
    if name in _EDITS:
        from . import _edits

        return getattr(_edits, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
