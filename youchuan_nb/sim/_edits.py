"""Deterministic edits of existing images for the local simulator: variation, upscale, pan,
outpaint, inpaint, remix, edit, retexture, remove-background, enhance.

Pure functions like :mod:`._images` (PNG bytes in, PNG bytes out); each erases the mark its
source carries and stamps a fresh one, and all randomness comes from digests of the arguments.
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterable, Sequence
from typing import Any

from PIL import Image, ImageChops, ImageDraw, ImageEnhance, ImageFilter, ImageOps

from ._images import (
    GRID_COUNT,
    MAX_UPSCALE_SIDE,
    Polygon,
    Size,
    caption_box,
    digest_of,
    draw_caption,
    dream,
    erase_mark,
    hue_shift,
    open_png,
    palette_for,
    seeded_rng,
    smooth_fill,
    soft_blur,
    stamp,
    synth_image,
    to_png,
    zoom_crop,
)


def variation(src: bytes, strength: str, seed: int) -> list[bytes]:
    """Four variations: ``subtle`` nudges hue and framing and lightly repaints, ``strong``
    shifts further and repaints more. (No pixel grain: it would make PNGs ~5x bigger.)"""
    if strength not in ("subtle", "strong"):
        raise ValueError(f"strength must be 'subtle' or 'strong', not {strength!r}")
    base = erase_mark(open_png(src))
    strong = strength == "strong"
    outs = []
    for i in range(GRID_COUNT):
        r = seeded_rng("variation", digest_of(src), strength, seed, i)
        sign = r.choice((-1, 1))
        img = hue_shift(base, sign * (r.uniform(20, 50) if strong else r.uniform(3, 9)))
        img = zoom_crop(
            img, r.uniform(1.06, 1.2) if strong else r.uniform(1.01, 1.04), r.random(), r.random()
        )
        img = Image.blend(
            img,
            dream(img, r, r.uniform(-40, 40) if strong else r.uniform(-10, 10), r.randint(3, 7)),
            0.35 if strong else 0.12,
        )
        outs.append(to_png(stamp(img)))
    return outs


def upscale(src: bytes, factor: int) -> bytes:
    """Enlarge by ``factor`` (long side capped at MAX_UPSCALE_SIDE) with a light sharpen."""
    if factor < 1:
        raise ValueError("factor must be >= 1")
    img = erase_mark(open_png(src))
    w, h = img.size
    scale = min(float(factor), MAX_UPSCALE_SIDE / max(w, h))
    size = max(1, round(w * scale)), max(1, round(h * scale))
    # Sharpen before enlarging: the same look for a fraction of the cost.
    img = img.filter(ImageFilter.UnsharpMask(radius=1.5, percent=80, threshold=2))
    return to_png(stamp(img.resize(size, Image.Resampling.BICUBIC)))


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
    smooth_fill(plain, caption_box(*base.size))
    padded = _reflect_pad(plain, *pads)
    # Spread the four siblings' hues apart so each extension is visibly its own.
    varied = dream(padded, r, (index - 1.5) * 18 + r.uniform(-4, 4), r.randint(4, 7))
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
    base = erase_mark(open_png(src))
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
        to_png(
            stamp(
                _extend(base, pads, seeded_rng("pan", digest_of(src), direction, scale, seed, i), i)
            )
        )
        for i in range(GRID_COUNT)
    ]


def outpaint(src: bytes, scale: float, seed: int) -> list[bytes]:
    """Four zoom-outs: canvas round(w*scale) x round(h*scale), source centred, border filled."""
    if scale < 1:
        raise ValueError("scale must be >= 1")
    base = erase_mark(open_png(src))
    w, h = base.size
    nw, nh = round(w * scale), round(h * scale)
    left, top = (nw - w) // 2, (nh - h) // 2
    pads = (left, top, nw - w - left, nh - h - top)
    return [
        to_png(
            stamp(_extend(base, pads, seeded_rng("outpaint", digest_of(src), scale, seed, i), i))
        )
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
        r = seeded_rng("inpaint", tag, seed, i)
        fresh = dream(base, r, 0, r.randint(5, 8))
        fresh = hue_shift(fresh, r.uniform(90, 200))
        outs.append(to_png(stamp(Image.composite(fresh, base, mask))))
    return outs


def inpaint(src: bytes, polygons: Sequence[Polygon], seed: int) -> list[bytes]:
    """Four repaints of the polygon areas (pixel coordinates of the source; see
    ``areas_to_polygons`` for API-style areas). Pixels outside the polygons are unchanged
    apart from the corner mark."""
    base = open_png(src)
    mask = _polygon_mask(base.size, polygons)
    return _repaint(base, mask, digest_of(src) + repr(list(map(list, polygons))), seed)


def inpaint_mask_image(src: bytes, mask_png: bytes, seed: int) -> list[bytes]:
    """Like ``inpaint`` with a black/white mask image (white = repaint), resized to the source."""
    base = open_png(src)
    mask = Image.open(io.BytesIO(mask_png)).convert("L")
    mask = mask.resize(base.size, Image.Resampling.NEAREST).point(lambda v: 255 if v >= 128 else 0)
    return _repaint(base, mask, digest_of(src) + digest_of(mask_png), seed)


def remix(src: bytes, prompt: str, strength: str, seed: int) -> list[bytes]:
    """Four blends of the source with fresh pictures of ``prompt``; ``strong`` changes more."""
    if strength not in ("subtle", "strong"):
        raise ValueError(f"strength must be 'strong' or 'subtle', not {strength!r}")
    base = erase_mark(open_png(src))
    amount = 0.6 if strength == "strong" else 0.3
    outs = []
    for i in range(GRID_COUNT):
        fresh = synth_image(prompt, seed, i, *base.size)
        outs.append(to_png(stamp(Image.blend(base, fresh, amount))))
    return outs


def edit(
    src: bytes, canvas: Size, img_pos: tuple[int, int, int, int], prompt: str, seed: int
) -> list[bytes]:
    """Four canvas-sized images: the source resized to img_pos (w, h) pasted at (x, y) over
    a background painted from ``prompt`` and tinted by the source's colours."""
    cw, ch = canvas
    iw, ih, x, y = img_pos
    placed = erase_mark(open_png(src)).resize((iw, ih), Image.Resampling.BICUBIC)
    tint = soft_blur(placed.resize((cw, ch), Image.Resampling.BILINEAR))
    outs = []
    for i in range(GRID_COUNT):
        bg = Image.blend(synth_image(prompt, seed, i, cw, ch, caption=""), tint, 0.3)
        bg.paste(placed, (x, y))
        draw_caption(bg, prompt)
        outs.append(to_png(stamp(bg)))
    return outs


def retexture(src: bytes, prompt: str, seed: int) -> list[bytes]:
    """Four re-texturings: the source's light/dark structure and edges, recoloured and
    textured from the prompt's palette."""
    base = erase_mark(open_png(src))
    grey = ImageOps.autocontrast(base.convert("L"))
    edges = grey.filter(ImageFilter.FIND_EDGES).point(lambda v: min(255, v * 3))
    ink = ImageOps.invert(edges).convert("RGB")
    outs = []
    for i in range(GRID_COUNT):
        r = seeded_rng("retexture", digest_of(src), prompt, seed, i)
        pal = palette_for(prompt)
        r.shuffle(pal)
        dark = tuple(c // 4 for c in pal[0])
        tinted = ImageOps.colorize(grey, dark, pal[1], mid=pal[2])
        texture = synth_image(prompt, seed, i, *base.size, caption="")
        img = ImageChops.multiply(Image.blend(tinted, texture, 0.3), ink)
        outs.append(to_png(stamp(img)))
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
    base = erase_mark(open_png(src))
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
    return to_png(stamp(out))


def enhance(src: bytes, seed: int) -> bytes:
    """Same size, crisper: unsharp mask, more contrast and saturation."""
    img = erase_mark(open_png(src))
    r = seeded_rng("enhance", digest_of(src), seed)
    img = img.filter(
        ImageFilter.UnsharpMask(radius=2, percent=int(r.uniform(110, 150)), threshold=2)
    )
    img = ImageEnhance.Contrast(img).enhance(r.uniform(1.15, 1.3))
    img = ImageEnhance.Color(img).enhance(r.uniform(1.1, 1.25))
    return to_png(stamp(img))
