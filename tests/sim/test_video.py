"""The simulator's H.264 MP4 clips: codec, size, duration, motion, the SIMULATED mark."""

from __future__ import annotations

import io
from functools import cache

import av
import pytest
from PIL import Image, ImageChops, ImageStat

from youchuan_nb.sim import _images as im
from youchuan_nb.sim import _video as vid


@cache
def still(w: int, h: int) -> bytes:
    return im.grid_images("a lighthouse at dusk", 7, w, h)[0]


@cache
def clip(height: int = 480, w: int = 1456, h: int = 816, motion: str = "low") -> bytes:
    return vid.animate(still(w, h), "a lighthouse at dusk", 3, height, motion=motion)


def frames(mp4: bytes) -> list[Image.Image]:
    with av.open(io.BytesIO(mp4)) as container:
        return [f.to_image() for f in container.decode(video=0)]


def mean_diff(a: Image.Image, b: Image.Image) -> float:
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


def test_animate_480p_is_a_5_second_h264_mp4():
    mp4 = clip(480)
    info = vid.video_info(mp4)
    assert info["codec"] == "h264"
    assert info["height"] == 480
    assert info["width"] % 2 == 0
    assert abs(info["width"] / 480 - 1456 / 816) < 0.01  # source aspect kept
    assert abs(info["duration"] - 5.0) < 0.1
    assert info["frames"] == round(5 * vid.DEFAULT_FPS)
    assert mp4[4:8] == b"ftyp"


def test_mp4_is_faststart_and_browser_friendly():
    mp4 = clip(480)
    assert 0 < mp4.find(b"moov") < mp4.find(b"mdat"), "index must precede the data (+faststart)"
    with av.open(io.BytesIO(mp4)) as container:
        ctx = container.streams.video[0].codec_context
        assert ctx.pix_fmt == "yuv420p"
        assert ctx.profile in ("High", "Main", "Constrained Baseline", "Baseline")


@pytest.mark.parametrize("height", [720, 1080])
def test_animate_heights(height):
    info = vid.video_info(clip(height))
    assert info["codec"] == "h264"
    assert info["height"] == height
    assert info["width"] % 2 == 0 and abs(info["width"] / height - 1456 / 816) < 0.01
    assert abs(info["duration"] - 5.0) < 0.1


def test_square_source_and_custom_length():
    mp4 = vid.animate(still(512, 512), "p", 1, 480, seconds=2.0, fps=12)
    info = vid.video_info(mp4)
    assert (info["width"], info["height"]) == (480, 480)
    assert abs(info["duration"] - 2.0) < 0.1 and info["frames"] == 24


def test_animate_without_a_source_synthesises_one():
    info = vid.video_info(vid.animate(None, "a red fox running", 1, 480, seconds=2.0))
    assert info["codec"] == "h264" and info["height"] == 480
    assert abs(info["width"] / 480 - 16 / 9) < 0.01
    tall = vid.video_info(vid.animate(None, "p", 1, 480, seconds=1.0, aspect=9 / 16))
    assert tall["height"] == 480 and tall["width"] == 270


def test_frames_move_over_time():
    pics = frames(clip(480))
    first, mid, last = pics[0], pics[len(pics) // 2], pics[-1]
    assert mean_diff(first, mid) > 2
    assert mean_diff(mid, last) > 2
    # Smooth motion: neighbouring frames are much closer than the ends of the clip.
    assert mean_diff(pics[60], pics[61]) < mean_diff(first, last) / 4
    # The clip starts on the source picture itself.
    src = Image.open(io.BytesIO(still(1456, 816))).convert("RGB").resize(first.size)
    assert mean_diff(first, src) < 8


def test_high_motion_moves_more_than_low():
    low, high = frames(clip(480)), frames(clip(480, motion="high"))
    assert mean_diff(high[0], high[-1]) > mean_diff(low[0], low[-1]) * 1.3


def test_every_frame_carries_the_mark():
    pics = frames(clip(480))
    for pic in (pics[0], pics[len(pics) // 2], pics[-1]):
        x0, y0, x1, y1 = im.MARK_BOX(*pic.size)
        edge = max(1, (y1 - y0) // 12)
        inner = pic.crop((x0 + edge + 2, y0 + edge + 2, x1 - edge - 2, y1 - edge - 2)).convert("L")
        hist = inner.histogram()
        dark = sum(hist[:50]) / sum(hist)
        bright = sum(hist[150:])
        assert dark > 0.5, "the dark mark box"
        assert bright > 20, "the white SIMULATED lettering"
        corner = pic.getpixel((x0 + edge + 1, y0 + edge + 1))
        assert all(abs(a - b) < 30 for a, b in zip(corner, im.MARK_FILL, strict=True))


def test_extend_appends_four_seconds_continuing_the_clip():
    src = clip(480)
    out = vid.extend(src, "the camera keeps moving", 5)
    before, after = vid.video_info(src), vid.video_info(out)
    assert after["codec"] == "h264"
    assert (after["width"], after["height"]) == (before["width"], before["height"])
    assert abs(after["duration"] - before["duration"] - 4.0) < 0.15
    assert after["frames"] == before["frames"] + 4 * vid.DEFAULT_FPS
    pics = frames(out)
    n = before["frames"]
    # Seamless: the first new frame is close to the old last frame; the new part moves.
    assert mean_diff(pics[n - 1], pics[n]) < 4
    assert mean_diff(pics[n], pics[-1]) > 2
    # The old part is still the source clip.
    assert mean_diff(pics[0], frames(src)[0]) < 4


def test_extend_twice_keeps_growing():
    once = vid.extend(vid.animate(still(512, 512), "p", 1, 480, seconds=1.0), "p", 1, seconds=1.0)
    twice = vid.extend(once, "p", 2, seconds=1.0)
    assert abs(vid.video_info(twice)["duration"] - 3.0) < 0.15


def test_upscale_to_1080p_keeps_aspect_and_duration():
    src = vid.animate(still(1456, 816), "p", 1, 480, seconds=2.0)
    out = vid.upscale(src)
    before, after = vid.video_info(src), vid.video_info(out)
    assert after["codec"] == "h264" and after["height"] == 1080
    assert after["width"] % 2 == 0
    assert abs(after["width"] / 1080 - before["width"] / before["height"]) < 0.01
    assert abs(after["duration"] - before["duration"]) < 0.1
    assert after["frames"] == before["frames"]
    # Same picture, just larger.
    small = frames(out)[10].resize((before["width"], before["height"]), Image.Resampling.BOX)
    assert mean_diff(small, frames(src)[10]) < 6


def test_video_info_rejects_garbage():
    with pytest.raises(av.error.FFmpegError):
        vid.video_info(b"not a video at all")
