"""The simulator teaches: each flag a lesson covers changes its images visibly, measurably and
deterministically (measured on the drawn images; --seed and --ar also over real HTTP)."""

from __future__ import annotations

import io
import itertools
import os
from functools import cache

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageStat

from youchuan_nb.sim import _caption as cap
from youchuan_nb.sim import _images as im

SUBJECT = "a lighthouse on a cliff"
SIDE = 256


@cache
def grid(prompt: str, seed: int = 7, w: int = SIDE, h: int = SIDE) -> tuple[Image.Image, ...]:
    out = []
    for png in im.grid_images(prompt, seed, w, h):
        img = Image.open(io.BytesIO(png))
        img.load()
        out.append(img.convert("RGB"))
    return tuple(out)


def body(img: Image.Image) -> Image.Image:
    """The picture without its caption strip (top) and SIMULATED mark strip (bottom)."""
    _, _, _, cap_bottom = im.caption_box(*img.size)
    _, mark_top, _, _ = im.MARK_BOX(*img.size)
    return img.crop((0, cap_bottom, img.width, mark_top))


def mean_diff(a: Image.Image, b: Image.Image) -> float:
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


def pairwise(prompt: str, seed: int) -> float:
    pics = [body(p) for p in grid(prompt, seed)]
    pairs = list(itertools.combinations(pics, 2))
    return sum(mean_diff(a, b) for a, b in pairs) / len(pairs)


def saturation(img: Image.Image) -> float:
    return ImageStat.Stat(img.convert("HSV").split()[1]).mean[0]


def edge_energy(img: Image.Image) -> float:
    return ImageStat.Stat(img.convert("L").filter(ImageFilter.FIND_EDGES)).mean[0]


def contrast(img: Image.Image) -> float:
    return ImageStat.Stat(img.convert("L")).stddev[0]


def hue_share(img: Image.Image, low: float, high: float) -> float:
    """Share of clearly coloured pixels (S > 0.3, V > 0.2) whose hue is in [low, high] degrees
    (low > high wraps through 0)."""
    h, s, v = img.convert("HSV").split()
    hits = total = 0
    for hv, sv, vv in zip(h.tobytes(), s.tobytes(), v.tobytes(), strict=True):
        total += 1
        if sv > 77 and vv > 51:
            deg = hv * 360 / 256
            hits += (low <= deg <= high) if low <= high else (deg >= low or deg <= high)
    return hits / total


def over_seeds(measure, prompt: str, seeds: tuple[int, ...] = (0, 1, 2, 3, 4)) -> float:
    return sum(measure(prompt, s) for s in seeds) / len(seeds)


# ---------------------------------------------------------------- each flag


def test_chaos_spreads_the_four_images_apart():
    spread = {c: over_seeds(pairwise, f"{SUBJECT} --chaos {c}") for c in (0, 25, 50, 100)}
    print("mean pairwise difference by chaos:", {k: round(v, 1) for k, v in spread.items()})
    assert spread[0] < spread[25] < spread[50] < spread[100]
    assert spread[100] > 1.6 * spread[0]
    assert spread[0] > 5, "even at chaos 0 the four images differ"


def _grid_mean(measure, prompt: str) -> float:
    values = [measure(body(p)) for seed in range(3) for p in grid(prompt, seed)]
    return sum(values) / len(values)


def test_stylize_raises_ornament_and_saturation():
    sat = {s: _grid_mean(saturation, f"{SUBJECT} --stylize {s}") for s in (0, 100, 500, 1000)}
    edges = {s: _grid_mean(edge_energy, f"{SUBJECT} --stylize {s}") for s in (0, 100, 500, 1000)}
    print("saturation by stylize:", {k: round(v, 1) for k, v in sat.items()})
    print("edge energy by stylize:", {k: round(v, 2) for k, v in edges.items()})
    assert sat[0] < sat[100] < sat[500] < sat[1000]
    assert edges[0] < edges[100] < edges[500] < edges[1000]
    assert sat[1000] > 1.3 * sat[100] and edges[1000] > 1.5 * edges[100]
    # The default is --stylize 100: the same picture as no flag at all.
    plain, default = grid(SUBJECT), grid(f"{SUBJECT} --stylize 100")
    assert all(body(a) == body(b) for a, b in zip(plain, default, strict=True))


def test_weird_distorts_more_as_it_grows():
    def moved(w: int) -> float:
        return sum(
            mean_diff(body(a), body(b))
            for seed in range(3)
            for a, b in zip(grid(SUBJECT, seed), grid(f"{SUBJECT} --weird {w}", seed), strict=True)
        )

    d = {w: moved(w) / 12 for w in (250, 1000, 3000)}
    print("difference from --weird 0 by weird:", {k: round(v, 1) for k, v in d.items()})
    assert 1 < d[250] < d[1000] < d[3000]
    # A distortion moves the picture's colours around; it does not recolour it.
    a, b = grid(SUBJECT)[0], grid(f"{SUBJECT} --weird 3000")[0]
    means_a, means_b = ImageStat.Stat(body(a)).mean, ImageStat.Stat(body(b)).mean
    assert max(abs(x - y) for x, y in zip(means_a, means_b, strict=True)) < 12


def _edge_mismatch(img: Image.Image) -> tuple[float, float]:
    """(left vs right column, top vs bottom row) mean differences. The outermost rows and
    columns are clear of the caption and the mark (both sit a margin inside)."""
    w, h = img.size
    left, right = img.crop((0, 0, 1, h)), img.crop((w - 1, 0, w, h))
    top, bottom = img.crop((0, 0, w, 1)), img.crop((0, h - 1, w, h))
    return mean_diff(left, right), mean_diff(top, bottom)


def _neighbour_step(img: Image.Image) -> float:
    """Mean difference between neighbouring columns inside the picture (how smooth it is)."""
    w = img.width
    return mean_diff(img.crop((0, 0, w - 1, img.height)), img.crop((1, 0, w, img.height)))


def test_tile_makes_a_seamless_tile():
    for seed in range(3):
        for tile, plain in zip(
            grid(f"{SUBJECT} --tile", seed, 320, 240), grid(SUBJECT, seed, 320, 240), strict=True
        ):
            across, down = _edge_mismatch(tile)
            plain_across, plain_down = _edge_mismatch(plain)
            step = _neighbour_step(body(tile))
            assert across < 3 * step + 1 and down < 3 * step + 1, (across, down, step)
            assert plain_across > 4 * across and plain_down > 4 * down


def _red_subject() -> str:
    """A prompt whose palette has plenty of red (found deterministically)."""
    for n in range(200):
        prompt = f"a poppy field {n}"
        if hue_share(body(grid(prompt)[0]), 345, 12) > 0.08:
            return prompt
    raise AssertionError("no prompt with a red palette among 200")


def test_no_colour_removes_that_colour():
    prompt = _red_subject()
    before = sum(hue_share(body(p), 345, 12) for p in grid(prompt)) / 4
    after = sum(hue_share(body(p), 345, 12) for p in grid(f"{prompt} --no red")) / 4
    print(f"red pixel share: {before:.3f} without --no, {after:.4f} with --no red")
    assert before > 0.05 and after < 0.1 * before and after < 0.005
    # Chinese colour words work too, and other colours are left alone.
    zh = grid(f"{prompt} --no 红色")
    assert all(body(a) == body(b) for a, b in zip(grid(f"{prompt} --no red"), zh, strict=True))
    greens = [hue_share(body(p), 90, 150) for p in grid(prompt)]
    greens_no_red = [hue_share(body(p), 90, 150) for p in grid(f"{prompt} --no red")]
    assert greens == pytest.approx(greens_no_red, abs=0.01)


def test_raw_is_flatter():
    for seed in range(3):
        for raw, plain in zip(
            grid(f"{SUBJECT} --style raw", seed), grid(SUBJECT, seed), strict=True
        ):
            assert contrast(body(raw)) < 0.85 * contrast(body(plain))
            assert saturation(body(raw)) < 0.8 * saturation(body(plain))


def test_same_seed_same_flags_same_bytes_and_flags_keep_the_subject():
    for prompt in (
        f"{SUBJECT} --chaos 60 --stylize 800 --weird 900 --tile --no blue --style raw",
        "一座海边的灯塔 --ar 3:2 --chaos 30",
    ):
        a = im.grid_images(prompt, 11, 300, 200)
        assert a == im.grid_images(prompt, 11, 300, 200)
        assert not set(a) & set(im.grid_images(prompt, 12, 300, 200))
    # The palette and layout come from the subject: --ar reshapes the same picture.
    wide = grid(f"{SUBJECT} --ar 2:1", 7, 512, 256)[0].resize((64, 64))
    square = grid(SUBJECT, 7, 256, 256)[0].resize((64, 64))
    other = grid("a red fox in snow", 7, 256, 256)[0].resize((64, 64))
    assert mean_diff(wide, square) < 0.5 * mean_diff(other, square)


# ---------------------------------------------------------------- over real HTTP


def _downloaded(job, folder) -> list[bytes]:
    return [p.read_bytes() for p in job.download(folder)]


def test_seed_repeats_a_grid_exactly_over_http(client, tmp_path):
    prompt = f"{SUBJECT} --stylize 500 --seed 4242"
    a = client.imagine(prompt).wait(timeout=30)
    b = client.imagine(prompt).wait(timeout=30)
    c = client.imagine(f"{SUBJECT} --stylize 500").wait(timeout=30)
    assert a.id != b.id
    first, second = _downloaded(a, tmp_path / "a"), _downloaded(b, tmp_path / "b")
    assert len(first) == 4 and first == second
    assert not set(first) & set(_downloaded(c, tmp_path / "c"))


def test_ar_shapes_the_images_over_http(client, tmp_path):
    job = client.imagine(f"{SUBJECT} --ar 16:9").wait(timeout=30)
    for png in _downloaded(job, tmp_path):
        w, h = im.image_size(png)
        assert w > h and abs(w / h - 16 / 9) < 0.01


# ---------------------------------------------------------------- CJK captions


def _needs_cjk_font() -> None:
    if not any(cap.can_draw(f, 18, "灯塔") for f in cap.font_files()):
        if os.environ.get("CI"):
            raise AssertionError("no CJK font: scripts/setup.sh installs fonts-wqy-microhei")
        pytest.skip("no CJK font on this machine (scripts/setup.sh installs one)")


def _glyph(font, char: str) -> bytes:
    img = Image.new("L", (48, 48))
    ImageDraw.Draw(img).text((4, 4), char, fill=255, font=font)
    return img.tobytes()


def test_a_chinese_caption_is_drawn_in_real_glyphs():
    _needs_cjk_font()
    font = cap.caption_font("海边的灯塔", 18)
    assert font is not None
    glyphs = {c: _glyph(font, c) for c in "海边的灯塔"}
    assert len(set(glyphs.values())) == 5, "different characters must not draw the same box"
    missing = _glyph(font, "\U0010fffd")
    assert missing not in glyphs.values()
    assert all(sum(g) > 0 for g in glyphs.values())
    # On the image: the caption strip holds the text; two prompts give two different captions.
    a = im.synth_image("海边的灯塔", 1, 0, 512, 512)
    b = im.synth_image("海边的灯塔", 1, 0, 512, 512, caption="")
    c = im.synth_image("海边的灯塔", 1, 0, 512, 512, caption="山中的寺庙")
    strip = im.caption_box(512, 512)
    assert a.crop(strip) != b.crop(strip)
    assert a.crop(strip) != c.crop(strip)
    assert a.crop((0, strip[3], 512, 512)) == b.crop((0, strip[3], 512, 512))


def test_without_a_font_for_the_text_there_is_no_caption_not_boxes(monkeypatch):
    monkeypatch.setattr(cap, "font_files", lambda: ())
    assert cap.caption_font("海边的灯塔", 18) is None
    a = im.synth_image("海边的灯塔", 1, 0, 256, 256)
    b = im.synth_image("海边的灯塔", 1, 0, 256, 256, caption="")
    assert a == b
    # ASCII text always has the bundled font.
    assert cap.caption_font("a lighthouse, oil painting", 18) is not None
