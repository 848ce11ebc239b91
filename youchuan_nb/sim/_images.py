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
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from PIL import Image, ImageChops, ImageDraw, ImageEnhance, ImageFilter, ImageFont, ImageOps

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


def _rng(*parts: Any) -> random.Random:
    """A PRNG seeded from a stable digest of ``parts``."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:16], "big"))


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _open(png: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(png))
    img.load()
    return img if img.mode == "RGB" else img.convert("RGB")


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=_PNG_LEVEL)
    return buf.getvalue()


def image_size(png: bytes) -> Size:
    """(width, height) of an encoded image; only the header is parsed."""
    with Image.open(io.BytesIO(png)) as img:
        return img.size


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    # Pillow's bundled font: identical rendering on every machine.
    return ImageFont.load_default(size=max(6, size))


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
def _mark_tile(width: int, height: int) -> Image.Image:
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
    img.paste(_mark_tile(*img.size), (x0, y0))
    return img


def _smooth_fill(img: Image.Image, box: tuple[int, int, int, int]) -> None:
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
    _smooth_fill(img, MARK_BOX(*img.size))
    return img


# ---------------------------------------------------------------- synthesis


def _palette(prompt: str) -> list[RGB]:
    """Five colours from the prompt hash: one recognisable scheme per prompt."""
    r = _rng("palette", prompt)
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


def _caption_box(width: int, height: int) -> tuple[int, int, int, int]:
    """Where a caption of up to 40 characters can be (for erasing it from mirrored copies)."""
    font, x, y = _caption_font(width, height)
    size = font.size if isinstance(font, ImageFont.FreeTypeFont) else 10
    return 0, 0, min(width, x + int(size * 0.62 * 40) + 2), min(height, y + int(size * 1.5) + 2)


def _caption(img: Image.Image, text: str) -> None:
    """Write ``text`` small in the top-left corner with a shadow (in place)."""
    # The bundled font has no CJK glyphs; keep printable ASCII so we never draw tofu boxes.
    text = "".join(c if " " <= c <= "~" else "?" for c in text.strip())[:40]
    if not text:
        return
    font, x, y = _caption_font(*img.size)
    draw = ImageDraw.Draw(img)
    draw.text((x + 1, y + 1), text, fill=(0, 0, 0), font=font)
    draw.text((x, y), text, fill=(245, 245, 245), font=font)


def synth_image(
    prompt: str, seed: int, index: int, width: int, height: int, caption: str | None = None
) -> Image.Image:
    """One abstract "generated" picture (unmarked, RGB).

    The palette depends on the prompt only, the composition on (prompt, seed, index).
    """
    colours = _palette(prompt)
    r = _rng("compose", prompt, seed, index)
    work = _work_size(width, height)
    img = _gradient(work, colours, r).convert("RGBA")
    img.alpha_composite(_soft_shapes(work, colours, r, r.randint(5, 9), blur=min(work) / 40))
    img.alpha_composite(_soft_shapes(work, colours, r, r.randint(2, 4), blur=min(work) / 160))
    img = img.convert("RGB")
    if img.size != (width, height):
        img = img.resize((width, height), Image.Resampling.BICUBIC)
    _caption(img, prompt if caption is None else caption)
    return img


def grid_images(prompt: str, seed: int, width: int, height: int) -> list[bytes]:
    """Four distinct, deterministic, marked PNGs of width x height for a prompt."""
    return [_png(stamp(synth_image(prompt, seed, i, width, height))) for i in range(GRID_COUNT)]


def placeholder_source(url: str, width: int = 1024, height: int = 1024) -> bytes:
    """A deterministic stand-in for an external image the simulator cannot fetch."""
    tail = url.split("://", 1)[-1]
    img = synth_image("external image " + url, 0, 0, width, height, caption="imgUrl " + tail)
    return _png(stamp(img))


# ---------------------------------------------------------------- pixel helpers


def _hue_shift(img: Image.Image, degrees: float) -> Image.Image:
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


def _zoom_crop(img: Image.Image, zoom: float, fx: float, fy: float) -> Image.Image:
    """Zoom in by ``zoom`` (>= 1) around the fractional point (fx, fy), keeping size."""
    w, h = img.size
    cw, ch = w / zoom, h / zoom
    x0 = (w - cw) * fx
    y0 = (h - ch) * fy
    return img.resize((w, h), Image.Resampling.BILINEAR, box=(x0, y0, x0 + cw, y0 + ch))


def _soft_blur(img: Image.Image, factor: int = 8, radius: float = 2.0) -> Image.Image:
    """A large-radius blur done cheaply at a fraction of the resolution."""
    w, h = img.size
    small = img.resize((max(1, w // factor), max(1, h // factor)), Image.Resampling.BOX)
    return small.filter(ImageFilter.GaussianBlur(radius)).resize((w, h), Image.Resampling.BILINEAR)


def _sample_colours(img: Image.Image, r: random.Random, n: int = 5) -> list[RGB]:
    small = img.resize((16, 16), Image.Resampling.BOX)
    return [small.getpixel((r.randrange(16), r.randrange(16))) for _ in range(n)]  # type: ignore[misc]


def _dream(img: Image.Image, r: random.Random, hue: float, shapes: int) -> Image.Image:
    """A blurred, recoloured, reshaped version of ``img``: plausible "new" content.

    ``hue`` is the exact rotation in degrees; callers choose it so siblings differ.
    Everything happens at 1/8 resolution (the result is soft anyway), then scales up once.
    """
    w, h = img.size
    small = img.resize((max(1, w // 8), max(1, h // 8)), Image.Resampling.BOX)
    small = _hue_shift(small.filter(ImageFilter.GaussianBlur(2)), hue)
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


# ---------------------------------------------------------------- derived operations


def variation(src: bytes, strength: str, seed: int) -> list[bytes]:
    """Four variations: ``subtle`` nudges hue and framing and lightly repaints, ``strong``
    shifts further and repaints more. (No pixel grain: it would make PNGs ~5x bigger.)"""
    if strength not in ("subtle", "strong"):
        raise ValueError(f"strength must be 'subtle' or 'strong', not {strength!r}")
    base = erase_mark(_open(src))
    strong = strength == "strong"
    outs = []
    for i in range(GRID_COUNT):
        r = _rng("variation", _digest(src), strength, seed, i)
        sign = r.choice((-1, 1))
        img = _hue_shift(base, sign * (r.uniform(20, 50) if strong else r.uniform(3, 9)))
        img = _zoom_crop(
            img, r.uniform(1.06, 1.2) if strong else r.uniform(1.01, 1.04), r.random(), r.random()
        )
        img = Image.blend(
            img,
            _dream(img, r, r.uniform(-40, 40) if strong else r.uniform(-10, 10), r.randint(3, 7)),
            0.35 if strong else 0.12,
        )
        outs.append(_png(stamp(img)))
    return outs


def upscale(src: bytes, factor: int) -> bytes:
    """Enlarge by ``factor`` (long side capped at MAX_UPSCALE_SIDE) with a light sharpen."""
    if factor < 1:
        raise ValueError("factor must be >= 1")
    img = erase_mark(_open(src))
    w, h = img.size
    scale = min(float(factor), MAX_UPSCALE_SIDE / max(w, h))
    size = max(1, round(w * scale)), max(1, round(h * scale))
    # Sharpen before enlarging: the same look for a fraction of the cost.
    img = img.filter(ImageFilter.UnsharpMask(radius=1.5, percent=80, threshold=2))
    return _png(stamp(img.resize(size, Image.Resampling.BICUBIC)))


def _reflect_pad(img: Image.Image, left: int, top: int, right: int, bottom: int) -> Image.Image:
    """Grow the canvas by mirroring the edges (repeatedly, for pads wider than the image)."""
    while left or top or right or bottom:
        w, h = img.size
        lw, t, rr, b = min(left, w), min(top, h), min(right, w), min(bottom, h)
        out = Image.new("RGB", (w + lw + rr, h + t + b))
        out.paste(img, (lw, t))
        flip_lr, flip_tb = Image.Transpose.FLIP_LEFT_RIGHT, Image.Transpose.FLIP_TOP_BOTTOM
        if lw:
            out.paste(img.crop((0, 0, lw, h)).transpose(flip_lr), (0, t))
        if rr:
            out.paste(img.crop((w - rr, 0, w, h)).transpose(flip_lr), (lw + w, t))
        if t:
            out.paste(out.crop((0, t, out.width, 2 * t)).transpose(flip_tb), (0, 0))
        if b:
            out.paste(out.crop((0, t + h - b, out.width, t + h)).transpose(flip_tb), (0, t + h))
        img = out
        left, top, right, bottom = left - lw, top - t, right - rr, bottom - b
    return img


def _extend(
    base: Image.Image, pads: tuple[int, int, int, int], r: random.Random, index: int
) -> Image.Image:
    """Extend ``base`` by (left, top, right, bottom): mirrored continuation near the seam
    fading into recoloured, reshaped content further out; original pixels untouched."""
    left, top, _right, _bottom = pads
    # Mirror a copy without the caption, or the extension shows mirror-written text.
    plain = base.copy()
    _smooth_fill(plain, _caption_box(*base.size))
    padded = _reflect_pad(plain, *pads)
    # Spread the four siblings' hues apart so each extension is visibly its own.
    varied = _dream(padded, r, (index - 1.5) * 18 + r.uniform(-4, 4), r.randint(4, 7))
    # Distance ramp: ~0 up to the seam (the mirror continues the picture exactly there),
    # ~50% a third of the way out, ~100% beyond two thirds. Built at 1/8 resolution.
    w, h = padded.size
    f = 8
    reach = max(1.0, max(pads) / f / 6)
    grow = 2 * reach
    ramp = Image.new("L", (max(1, w // f), max(1, h // f)), 255)
    ImageDraw.Draw(ramp).rectangle(
        (
            left / f - grow,
            top / f - grow,
            (left + base.width) / f + grow,
            (top + base.height) / f + grow,
        ),
        fill=0,
    )
    ramp = ramp.filter(ImageFilter.GaussianBlur(reach)).resize((w, h), Image.Resampling.BILINEAR)
    out = Image.composite(varied, padded, ramp)
    out.paste(base, (left, top))
    return out


def pan(src: bytes, direction: str, scale: float, seed: int) -> list[bytes]:
    """Four pans: the canvas grows by ``scale`` towards ``direction``; source pixels stay put
    (except its old mark, which is painted over)."""
    base = erase_mark(_open(src))
    w, h = base.size
    extra_w, extra_h = round(w * scale) - w, round(h * scale) - h
    pads = {
        "left": (extra_w, 0, 0, 0),
        "up": (0, extra_h, 0, 0),
        "right": (0, 0, extra_w, 0),
        "down": (0, 0, 0, extra_h),
    }.get(direction)
    if pads is None:
        raise ValueError(f"direction must be down, right, up or left, not {direction!r}")
    if scale < 1:
        raise ValueError("scale must be >= 1")
    return [
        _png(stamp(_extend(base, pads, _rng("pan", _digest(src), direction, scale, seed, i), i)))
        for i in range(GRID_COUNT)
    ]


def outpaint(src: bytes, scale: float, seed: int) -> list[bytes]:
    """Four zoom-outs: canvas round(w*scale) x round(h*scale), source centred, border filled."""
    if scale < 1:
        raise ValueError("scale must be >= 1")
    base = erase_mark(_open(src))
    w, h = base.size
    nw, nh = round(w * scale), round(h * scale)
    left, top = (nw - w) // 2, (nh - h) // 2
    pads = (left, top, nw - w - left, nh - h - top)
    return [
        _png(stamp(_extend(base, pads, _rng("outpaint", _digest(src), scale, seed, i), i)))
        for i in range(GRID_COUNT)
    ]


def areas_to_polygons(
    areas: Iterable[dict[str, Any]], size: Size
) -> list[list[tuple[float, float]]]:
    """API mask areas ({"width", "height", "points": [x1, y1, ...]}) -> polygons in the
    pixel coordinates of an image of ``size``."""
    polys = []
    for area in areas:
        sx, sy = size[0] / area["width"], size[1] / area["height"]
        pts = area["points"]
        polys.append([(pts[k] * sx, pts[k + 1] * sy) for k in range(0, len(pts) - 1, 2)])
    return polys


def _polygon_mask(size: Size, polygons: Iterable[Polygon]) -> Image.Image:
    mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(mask)
    for poly in polygons:
        if len(poly) >= 3:
            draw.polygon([(float(x), float(y)) for x, y in poly], fill=255)
    return mask


def _repaint(base: Image.Image, mask: Image.Image, tag: str, seed: int) -> list[bytes]:
    """Replace the white part of ``mask`` with new content; black pixels stay byte-identical.

    The only other change is the mark, re-stamped in its corner; for a source that already
    carried our mark (every simulator image) that stamp is identical, so in practice every
    pixel outside the mask is unchanged.
    """
    outs = []
    for i in range(GRID_COUNT):
        r = _rng("inpaint", tag, seed, i)
        fresh = _dream(base, r, 0, r.randint(5, 8))
        fresh = _hue_shift(fresh, r.uniform(90, 200))
        outs.append(_png(stamp(Image.composite(fresh, base, mask))))
    return outs


def inpaint(src: bytes, polygons: Sequence[Polygon], seed: int) -> list[bytes]:
    """Four repaints of the polygon areas (pixel coordinates of the source; see
    ``areas_to_polygons`` for API-style areas). Pixels outside the polygons are unchanged
    apart from the corner mark."""
    base = _open(src)
    mask = _polygon_mask(base.size, polygons)
    return _repaint(base, mask, _digest(src) + repr(list(map(list, polygons))), seed)


def inpaint_mask_image(src: bytes, mask_png: bytes, seed: int) -> list[bytes]:
    """Like ``inpaint`` with a black/white mask image (white = repaint), resized to the source."""
    base = _open(src)
    mask = Image.open(io.BytesIO(mask_png)).convert("L")
    mask = mask.resize(base.size, Image.Resampling.NEAREST).point(lambda v: 255 if v >= 128 else 0)
    return _repaint(base, mask, _digest(src) + _digest(mask_png), seed)


def remix(src: bytes, prompt: str, strength: str, seed: int) -> list[bytes]:
    """Four blends of the source with fresh pictures of ``prompt``; ``strong`` changes more."""
    if strength not in ("subtle", "strong"):
        raise ValueError(f"strength must be 'strong' or 'subtle', not {strength!r}")
    base = erase_mark(_open(src))
    amount = 0.6 if strength == "strong" else 0.3
    outs = []
    for i in range(GRID_COUNT):
        fresh = synth_image(prompt, seed, i, *base.size)
        outs.append(_png(stamp(Image.blend(base, fresh, amount))))
    return outs


def edit(
    src: bytes, canvas: Size, img_pos: tuple[int, int, int, int], prompt: str, seed: int
) -> list[bytes]:
    """Four canvas-sized images: the source resized to img_pos (w, h) pasted at (x, y) over
    a background painted from ``prompt`` and tinted by the source's colours."""
    cw, ch = canvas
    iw, ih, x, y = img_pos
    placed = erase_mark(_open(src)).resize((iw, ih), Image.Resampling.BICUBIC)
    tint = _soft_blur(placed.resize((cw, ch), Image.Resampling.BILINEAR))
    outs = []
    for i in range(GRID_COUNT):
        bg = Image.blend(synth_image(prompt, seed, i, cw, ch, caption=""), tint, 0.3)
        bg.paste(placed, (x, y))
        _caption(bg, prompt)
        outs.append(_png(stamp(bg)))
    return outs


def retexture(src: bytes, prompt: str, seed: int) -> list[bytes]:
    """Four re-texturings: the source's light/dark structure and edges, recoloured and
    textured from the prompt's palette."""
    base = erase_mark(_open(src))
    grey = ImageOps.autocontrast(base.convert("L"))
    edges = grey.filter(ImageFilter.FIND_EDGES).point(lambda v: min(255, v * 3))
    ink = ImageOps.invert(edges).convert("RGB")
    outs = []
    for i in range(GRID_COUNT):
        r = _rng("retexture", _digest(src), prompt, seed, i)
        pal = _palette(prompt)
        r.shuffle(pal)
        dark = tuple(c // 4 for c in pal[0])
        tinted = ImageOps.colorize(grey, dark, pal[1], mid=pal[2])
        texture = synth_image(prompt, seed, i, *base.size, caption="")
        img = ImageChops.multiply(Image.blend(tinted, texture, 0.3), ink)
        outs.append(_png(stamp(img)))
    return outs


def _border_background(img: Image.Image) -> Image.Image:
    """Model the background as a smooth gradient through the colours along the border."""
    w, h = img.size
    t = max(1, min(w, h) // 20)
    boxes = [  # 3x3 grid of border samples; the centre is the mean of the ring
        (0, 0, t, t),
        (w // 3, 0, 2 * w // 3, t),
        (w - t, 0, w, t),
        (0, h // 3, t, 2 * h // 3),
        None,
        (w - t, h // 3, w, 2 * h // 3),
        (0, h - t, t, h),
        (w // 3, h - t, 2 * w // 3, h),
        (w - t, h - t, w, h),
    ]
    cols: list[Any] = [
        img.crop(b).resize((1, 1), Image.Resampling.BOX).getpixel((0, 0)) if b else None
        for b in boxes
    ]
    ring = [c for c in cols if c is not None]
    cols[4] = tuple(sum(c[k] for c in ring) // len(ring) for k in range(3))
    grid = Image.new("RGB", (3, 3))
    grid.putdata(cols)
    return grid.resize((w, h), Image.Resampling.BILINEAR)


def _otsu(hist: Sequence[int]) -> int:
    total = sum(hist)
    sum_all = sum(i * n for i, n in enumerate(hist))
    best, best_t, w0, sum0 = -1.0, 128, 0, 0.0
    for t, n in enumerate(hist):
        w0 += n
        sum0 += t * n
        w1 = total - w0
        if w0 == 0 or w1 == 0:
            continue
        m0, m1 = sum0 / w0, (sum_all - sum0) / w1
        between = w0 * w1 * (m0 - m1) ** 2
        if between > best:
            best, best_t = between, t
    return best_t


def remove_background(src: bytes) -> bytes:
    """An RGBA PNG whose background (pixels close to the border-colour gradient) has
    alpha 0 and whose subject has alpha 255."""
    base = erase_mark(_open(src))
    w, h = base.size
    diff = ImageChops.difference(base, _border_background(base))
    r, g, b = diff.split()
    dist = ImageChops.lighter(ImageChops.lighter(r, g), b)
    level = max(24, _otsu(dist.histogram()))
    mask = dist.point(lambda v: 255 if v > level else 0)
    # Smooth and de-speckle at low resolution, then threshold again: a clean binary matte.
    f = 4
    small = mask.resize((max(1, w // f), max(1, h // f)), Image.Resampling.BOX)
    small = small.filter(ImageFilter.GaussianBlur(1.5))
    mask = small.resize((w, h), Image.Resampling.BILINEAR).point(lambda v: 255 if v >= 128 else 0)
    covered = mask.histogram()[255] / (w * h)
    if not 0.02 <= covered <= 0.92:
        # Nothing separable: fall back to a centred oval subject.
        mask = Image.new("L", (w, h), 0)
        ImageDraw.Draw(mask).ellipse((w * 0.2, h * 0.15, w * 0.8, h * 0.9), fill=255)
    out = base.convert("RGBA")
    out.putalpha(mask)
    return _png(stamp(out))


def enhance(src: bytes, seed: int) -> bytes:
    """Same size, crisper: unsharp mask, more contrast and saturation."""
    img = erase_mark(_open(src))
    r = _rng("enhance", _digest(src), seed)
    img = img.filter(
        ImageFilter.UnsharpMask(radius=2, percent=int(r.uniform(110, 150)), threshold=2)
    )
    img = ImageEnhance.Contrast(img).enhance(r.uniform(1.15, 1.3))
    img = ImageEnhance.Color(img).enhance(r.uniform(1.1, 1.25))
    return _png(stamp(img))
