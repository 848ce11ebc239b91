"""The simulator's PNG synthesis: sizes, determinism, distinctness, masks, the SIMULATED mark."""

from __future__ import annotations

import io
from functools import cache

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageStat

from youchuan_nb.sim import _edits as ed
from youchuan_nb.sim import _images as im

PROMPT = "a lighthouse at dusk, oil painting"


@cache
def grid(prompt: str = PROMPT, seed: int = 7, w: int = 512, h: int = 512) -> tuple[bytes, ...]:
    return tuple(im.grid_images(prompt, seed, w, h))


def src(w: int = 512, h: int = 512) -> bytes:
    return grid(PROMPT, 7, w, h)[0]


def load(png: bytes, mode: str = "RGB") -> Image.Image:
    img = Image.open(io.BytesIO(png))
    img.load()
    return img.convert(mode)


def mean_diff(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute difference per channel, 0..255."""
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


def assert_marked(png: bytes) -> None:
    """The mark box sits where MARK_BOX says, with its exact fill, edge and ink colours."""
    img = load(png)
    x0, y0, x1, y1 = im.MARK_BOX(*img.size)
    assert 0 <= x0 < x1 <= img.width and 0 <= y0 < y1 <= img.height
    edge = max(1, (y1 - y0) // 12)
    assert img.getpixel((x0, y0)) == im.MARK_EDGE
    assert img.getpixel((x1 - 1, y1 - 1)) == im.MARK_EDGE
    assert img.getpixel((x0 + edge + 1, y0 + edge + 1)) == im.MARK_FILL
    assert img.getpixel((x1 - edge - 2, y1 - edge - 2)) == im.MARK_FILL
    box = img.crop((x0, y0, x1, y1))
    # The white SIMULATED lettering (anti-aliased, so count near-white pixels).
    ink = sum(n for n, c in box.getcolors(1 << 16) or [] if min(c) > 200)
    assert ink > 20, "the SIMULATED text is missing"
    # The box stands out from the picture around it.
    around = img.crop((x0, max(0, y0 - (y1 - y0)), x1, y0))
    assert ImageStat.Stat(around).mean != ImageStat.Stat(box).mean


def assert_unchanged_outside(before: Image.Image, after: Image.Image, mask: Image.Image) -> None:
    """No pixel outside the white part of ``mask`` differs (bit for bit)."""
    diff = ImageChops.difference(before, after)
    outside = Image.composite(Image.new("RGB", before.size), diff, mask)
    assert outside.getbbox() is None, f"pixels changed outside the mask in {outside.getbbox()}"


def inside_diff(before: Image.Image, after: Image.Image, mask: Image.Image) -> float:
    diff = ImageChops.difference(before, after).convert("L")
    return ImageStat.Stat(diff, mask).mean[0]


# ---------------------------------------------------------------- grid


def test_grid_four_distinct_pngs_of_the_requested_size():
    images = im.grid_images(PROMPT, 1, 640, 384)
    assert len(images) == 4
    assert len(set(images)) == 4
    for png in images:
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        assert im.image_size(png) == (640, 384)
        assert load(png).size == (640, 384)
    pics = [load(p) for p in images]
    for i in range(4):
        for j in range(i + 1, 4):
            assert mean_diff(pics[i], pics[j]) > 10, f"images {i} and {j} look alike"


def test_grid_is_deterministic_and_seed_and_prompt_sensitive():
    a = im.grid_images(PROMPT, 42, 256, 256)
    assert a == im.grid_images(PROMPT, 42, 256, 256)
    b = im.grid_images(PROMPT, 43, 256, 256)
    c = im.grid_images("a red fox in snow", 42, 256, 256)
    assert not set(a) & set(b)
    assert not set(a) & set(c)


def test_grid_is_not_flat():
    img = load(src())
    # A real picture: lots of colours and real spread, not a flat fill.
    assert len(img.getcolors(1 << 20) or []) > 2000
    assert min(ImageStat.Stat(img).stddev) > 8


def test_every_image_carries_the_mark():
    for png in grid():
        assert_marked(png)
    assert_marked(im.grid_images("x", 0, 200, 120)[0])  # small and wide


def test_mark_box_is_in_the_bottom_right_corner_and_small():
    for w, h in ((1024, 1024), (1456, 816), (256, 256)):
        x0, y0, x1, y1 = im.MARK_BOX(w, h)
        assert x1 > w * 0.75 and y1 > h * 0.85
        assert (x1 - x0) * (y1 - y0) < 0.05 * w * h


def test_image_size_reads_the_header():
    assert im.image_size(src(300, 200)) == (300, 200)


def test_grid_large_sizes():
    images = im.grid_images(PROMPT, 3, 2048, 1152)
    assert {im.image_size(p) for p in images} == {(2048, 1152)}
    assert_marked(images[0])


# ---------------------------------------------------------------- derived images


@pytest.mark.parametrize("strength", ["subtle", "strong"])
def test_variation(strength):
    source = src()
    out = ed.variation(source, strength, 5)
    assert len(out) == 4 and len(set(out)) == 4
    assert out == ed.variation(source, strength, 5)
    assert not set(out) & set(ed.variation(source, strength, 6))
    for png in out:
        assert im.image_size(png) == (512, 512)
        assert_marked(png)


def test_strong_variation_changes_more_than_subtle():
    base = load(src())
    subtle = [mean_diff(base, load(p)) for p in ed.variation(src(), "subtle", 1)]
    strong = [mean_diff(base, load(p)) for p in ed.variation(src(), "strong", 1)]
    unrelated = mean_diff(base, load(grid("a red fox in snow", 1)[0]))
    assert all(d > 1 for d in subtle), "a variation must differ"
    assert max(subtle) < min(strong)
    assert max(strong) < unrelated, "variations stay closer to the source than an unrelated image"


def test_upscale_sizes_and_cap():
    assert im.image_size(ed.upscale(src(), 2)) == (1024, 1024)
    assert im.image_size(ed.upscale(src(300, 200), 4)) == (1200, 800)
    assert im.image_size(ed.upscale(src(1536, 768), 4)) == (4096, 2048)  # long side capped
    big = ed.upscale(src(), 2)
    assert_marked(big)
    # Derived from the source: shrinking it back gives nearly the source.
    back = load(big).resize((512, 512), Image.Resampling.BOX)
    assert mean_diff(back, load(src())) < 6


@pytest.mark.parametrize(
    "direction, size, offset",
    [
        ("right", (768, 512), (0, 0)),
        ("down", (512, 768), (0, 0)),
        ("left", (768, 512), (256, 0)),
        ("up", (512, 768), (0, 256)),
    ],
)
def test_pan_grows_one_side_and_keeps_the_original(direction, size, offset):
    out = ed.pan(src(), direction, 1.5, 9)
    assert len(out) == 4 and len(set(out)) == 4
    assert out == ed.pan(src(), direction, 1.5, 9)
    base = load(src())
    # Exempt only the old mark (painted over) and wherever the new mark lands.
    skip = Image.new("L", (512, 512), 0)
    draw = ImageDraw.Draw(skip)
    draw.rectangle(im.MARK_BOX(512, 512), fill=255)
    nx0, ny0, nx1, ny1 = im.MARK_BOX(*size)
    draw.rectangle((nx0 - offset[0], ny0 - offset[1], nx1 - offset[0], ny1 - offset[1]), fill=255)
    for png in out:
        assert im.image_size(png) == size
        assert_marked(png)
        placed = load(png).crop((offset[0], offset[1], offset[0] + 512, offset[1] + 512))
        assert_unchanged_outside(base, placed, skip)
    # Each of the four extends the picture in its own way.
    w, h = size
    new_area = {
        "right": (512, 0, w, h),
        "down": (0, 512, w, h),
        "left": (0, 0, 256, h),
        "up": (0, 0, w, 256),
    }[direction]
    grown = [load(p).crop(new_area) for p in out]
    for i in range(4):
        for j in range(i + 1, 4):
            assert mean_diff(grown[i], grown[j]) > 3
    # ...yet continues it: the pixels across the seam match the source's edge.
    seam = {
        "right": ((512, 0, 513, h), (511, 0, 512, h)),
        "down": ((0, 512, w, 513), (0, 511, w, 512)),
        "left": ((255, 0, 256, h), (256, 0, 257, h)),
        "up": ((0, 255, w, 256), (0, 256, w, 257)),
    }
    outer, inner = seam[direction]
    for png in out:
        img = load(png)
        assert mean_diff(img.crop(outer), img.crop(inner)) < 12


def test_pan_rounds_scale():
    assert im.image_size(ed.pan(src(300, 200), "right", 1.25, 0)[0]) == (375, 200)
    assert im.image_size(ed.pan(src(300, 200), "down", 2.0, 0)[0]) == (300, 400)


def test_pan_rejects_unknown_direction():
    with pytest.raises(ValueError):
        ed.pan(src(), "sideways", 1.5, 0)


def test_outpaint_grows_every_side_and_centres_the_original():
    source = src(400, 300)
    out = ed.outpaint(source, 1.5, 2)
    assert len(out) == 4 and len(set(out)) == 4
    base = load(source)
    x0, y0, x1, y1 = im.MARK_BOX(400, 300)
    keep = Image.new("L", (400, 300), 0)
    ImageDraw.Draw(keep).rectangle((x0, y0, x1, y1), fill=255)
    for png in out:
        assert im.image_size(png) == (600, 450)
        assert_marked(png)
        placed = load(png).crop((100, 75, 500, 375))
        assert_unchanged_outside(base, placed, keep)
    # The border is filled with something picture-like, not a flat colour.
    border = load(out[0]).crop((0, 0, 600, 70))
    assert min(ImageStat.Stat(border).stddev) > 3


def triangle_mask(size, poly):
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).polygon(poly, fill=255)
    return mask


def test_inpaint_changes_only_inside_the_polygons():
    source = src()
    polys = [
        [(60.0, 60.0), (300.0, 80.0), (150.0, 280.0)],
        [(350, 300), (480, 300), (480, 420), (350, 420)],
    ]
    out = ed.inpaint(source, polys, 4)
    assert len(out) == 4 and len(set(out)) == 4
    assert out == ed.inpaint(source, polys, 4)
    mask = Image.new("L", (512, 512), 0)
    for p in polys:
        ImageDraw.Draw(mask).polygon(p, fill=255)
    # Shrink the mask a little for the "inside changed" check so edges don't dilute it.
    inner = mask.filter(ImageFilter.MinFilter(5))
    base = load(source)
    for png in out:
        img = load(png)
        assert img.size == (512, 512)
        assert_marked(png)
        assert_unchanged_outside(base, img, mask)  # the mark is identical, so no exception
        assert inside_diff(base, img, inner) > 20


def test_areas_to_polygons_scales_api_coordinates():
    areas = [{"width": 100, "height": 50, "points": [0, 0, 100, 0, 50, 50]}]
    assert ed.areas_to_polygons(areas, (400, 200)) == [[(0.0, 0.0), (400.0, 0.0), (200.0, 200.0)]]


def test_inpaint_mask_image_white_is_repainted():
    source = src()
    mask_small = Image.new("L", (128, 128), 0)
    ImageDraw.Draw(mask_small).rectangle((32, 32, 79, 79), fill=255)  # 4x: (128..319)
    buf = io.BytesIO()
    mask_small.convert("RGB").save(buf, format="PNG")
    out = ed.inpaint_mask_image(source, buf.getvalue(), 1)
    assert len(out) == 4 and len(set(out)) == 4
    mask = Image.new("L", (512, 512), 0)
    ImageDraw.Draw(mask).rectangle((128, 128, 319, 319), fill=255)
    base = load(source)
    for png in out:
        img = load(png)
        assert_unchanged_outside(base, img, mask)
        assert inside_diff(base, img, mask.filter(ImageFilter.MinFilter(5))) > 20


@pytest.mark.parametrize("strength", ["subtle", "strong"])
def test_remix(strength):
    out = ed.remix(src(), "a red fox in snow", strength, 3)
    assert len(out) == 4 and len(set(out)) == 4
    assert out == ed.remix(src(), "a red fox in snow", strength, 3)
    for png in out:
        assert im.image_size(png) == (512, 512)
        assert_marked(png)


def test_remix_strong_moves_further_from_the_source():
    base = load(src())
    subtle = [mean_diff(base, load(p)) for p in ed.remix(src(), "a red fox", "subtle", 1)]
    strong = [mean_diff(base, load(p)) for p in ed.remix(src(), "a red fox", "strong", 1)]
    assert min(subtle) > 2
    assert sum(strong) > sum(subtle) * 1.5


def test_edit_places_the_source_on_a_canvas():
    source = src()
    out = ed.edit(source, (800, 600), (256, 256, 100, 50), "a red fox", 2)
    assert len(out) == 4 and len(set(out)) == 4
    expected = im.erase_mark(load(source)).resize((256, 256), Image.Resampling.BICUBIC)
    for png in out:
        assert im.image_size(png) == (800, 600)
        assert_marked(png)
        placed = load(png).crop((100, 50, 356, 306))
        assert mean_diff(placed, expected) < 2  # only the prompt caption may overlap it
    # The rest of the canvas differs between the four.
    assert mean_diff(load(out[0]), load(out[1])) > 5


def edge_strength(img: Image.Image) -> Image.Image:
    return img.convert("L").filter(ImageFilter.FIND_EDGES)


def test_retexture_keeps_structure_with_new_colours():
    # A source with crisp structure: a few bold shapes.
    img = Image.new("RGB", (384, 384), (200, 200, 200))
    d = ImageDraw.Draw(img)
    d.ellipse((40, 40, 200, 200), fill=(30, 30, 160))
    d.rectangle((220, 180, 340, 340), fill=(160, 40, 40))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    source = buf.getvalue()
    out = ed.retexture(source, "neon cyberpunk city", 1)
    assert len(out) == 4 and len(set(out)) == 4
    src_edges = edge_strength(img).point(lambda v: 255 if v > 40 else 0)
    near_edges = src_edges.filter(ImageFilter.MaxFilter(5))
    for png in out:
        result = load(png)
        assert result.size == (384, 384)
        assert_marked(png)
        assert mean_diff(result, img) > 20, "new colours"
        # The source's outlines are still there: the result is much darker along them
        # (the retexture inks the source edges) than elsewhere.
        grey = result.convert("L")
        on = ImageStat.Stat(grey, src_edges).mean[0]
        off = ImageStat.Stat(grey, Image.eval(near_edges, lambda v: 255 - v)).mean[0]
        assert on < off - 20


def test_remove_background_has_real_transparency():
    out = ed.remove_background(src())
    img = Image.open(io.BytesIO(out))
    assert img.mode == "RGBA" and img.size == (512, 512)
    alpha = img.getchannel("A")
    hist = alpha.histogram()
    assert hist[0] > 0.02 * 512 * 512 and hist[255] > 0.02 * 512 * 512
    assert alpha.getpixel((0, 0)) == 0
    assert_marked(out)


def test_remove_background_separates_a_subject_from_a_plain_background():
    img = Image.new("RGB", (400, 300), (235, 240, 245))
    ImageDraw.Draw(img).ellipse((120, 60, 280, 240), fill=(200, 30, 30))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    alpha = Image.open(io.BytesIO(ed.remove_background(buf.getvalue()))).getchannel("A")
    assert alpha.getpixel((200, 150)) == 255
    for xy in ((5, 5), (390, 5), (5, 200), (60, 150), (340, 150), (200, 20)):
        assert alpha.getpixel(xy) == 0, xy


def test_enhance_same_size_more_contrast():
    out = ed.enhance(src(), 0)
    assert im.image_size(out) == (512, 512)
    assert out == ed.enhance(src(), 0)
    assert_marked(out)
    before, after = load(src()).convert("L"), load(out).convert("L")
    assert ImageStat.Stat(after).stddev[0] > ImageStat.Stat(before).stddev[0] * 1.05
    assert mean_diff(load(out), load(src())) < 40  # still the same picture


def test_placeholder_source_is_deterministic_per_url():
    a = im.placeholder_source("https://example.com/cat.png", 640, 480)
    assert a == im.placeholder_source("https://example.com/cat.png", 640, 480)
    assert a != im.placeholder_source("https://example.com/dog.png", 640, 480)
    assert im.image_size(a) == (640, 480)
    assert im.image_size(im.placeholder_source("https://example.com/cat.png")) == (1024, 1024)
    assert_marked(a)


def test_derived_images_do_not_accumulate_marks():
    # Panning moves the old corner inwards; it must not show a second mark there.
    out = load(ed.pan(src(), "right", 1.5, 0)[0])
    x0, y0, x1, y1 = im.MARK_BOX(512, 512)
    old = out.crop((x0, y0, x1, y1))
    colours = {c for _, c in old.getcolors(1 << 16) or []}
    assert im.MARK_FILL not in colours and im.MARK_EDGE not in colours
