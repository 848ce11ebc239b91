"""Real H.264 MP4 clips for the local simulator, encoded with PyAV.

Pure functions: bytes in, MP4 bytes out; nothing here knows about HTTP or the API.
A clip is a slow "Ken Burns" zoom/pan over a still, with the SIMULATED mark burned
into every frame. Files are muxed with +faststart so browsers can play them while
they download.
"""

from __future__ import annotations

import io
import os
import random
import tempfile
from collections.abc import Iterator
from fractions import Fraction
from functools import lru_cache

import av
from PIL import Image

from . import _images

HEIGHTS = (480, 720, 1080)
DEFAULT_FPS = 24
# Motion presets: (zoom gained over 5 s, fraction of the frame panned over 5 s).
_MOTION = {"low": (0.10, 0.04), "high": (0.30, 0.14)}
_ENCODER_OPTIONS = {"crf": "28", "preset": "veryfast", "profile": "high"}


def _even(x: float) -> int:
    return max(2, round(x / 2) * 2)


def _frame_size(src_size: tuple[int, int], height: int) -> tuple[int, int]:
    """Target (w, h) at ``height`` keeping the source aspect ratio, both even."""
    w, h = src_size
    return _even(height * w / h), _even(height)


def _ease(t: float) -> float:
    return t * t * (3 - 2 * t)  # smoothstep: starts and stops gently


class _Writer:
    """An H.264/MP4 encoder; returns the file's bytes on close.

    It writes to a temporary file, not a BytesIO: +faststart moves the index to the front
    in a second pass that FFmpeg's mov muxer does by reopening the output *by name*, which
    fails (ENOENT '<none>') for in-memory output.
    """

    def __init__(self, width: int, height: int, fps: int) -> None:
        # the encoder writes to the path itself; the file is only reserved here
        with tempfile.NamedTemporaryFile(suffix=".mp4", delete=False) as tmp:
            self.tmp = tmp
        self.container = av.open(
            self.tmp.name, "w", format="mp4", options={"movflags": "+faststart"}
        )
        self.stream = self.container.add_stream("libx264", rate=fps)
        self.stream.width, self.stream.height = width, height
        self.stream.pix_fmt = "yuv420p"
        self.stream.options = dict(_ENCODER_OPTIONS)
        self.fps = fps
        self.count = 0

    def write(self, picture: av.VideoFrame | Image.Image) -> None:
        if isinstance(picture, Image.Image):
            frame = av.VideoFrame.from_image(picture).reformat(format="yuv420p")
        else:
            frame = picture
        frame.pts = self.count
        frame.time_base = Fraction(1, self.fps)
        self.count += 1
        self.container.mux(self.stream.encode(frame))

    def __del__(self) -> None:
        # A clip abandoned half-way (an exception while encoding) leaves no temp file behind.
        tmp = getattr(self, "tmp", None)
        if tmp is not None and os.path.exists(tmp.name):
            os.unlink(tmp.name)

    def close(self) -> bytes:
        try:
            self.container.mux(self.stream.encode(None))
            self.container.close()
            with open(self.tmp.name, "rb") as f:
                return f.read()
        finally:
            os.unlink(self.tmp.name)


@lru_cache(maxsize=8)
def _mark_yuv(width: int, height: int) -> tuple[av.VideoFrame, int, int]:
    """The mark for a width x height frame as a yuv420p tile, plus where it goes."""
    x0, y0, _, _ = _images.MARK_BOX(width, height)  # even for even frame sizes
    tile = av.VideoFrame.from_image(_images.mark_tile(width, height)).reformat(format="yuv420p")
    return tile, x0, y0


def _stamp_yuv(frame: av.VideoFrame) -> av.VideoFrame:
    """Copy the mark into a yuv420p frame's planes (in place), row by row: no RGB round trip,
    and the mark stays crisp whatever scaling made the frame."""
    tile, x0, y0 = _mark_yuv(frame.width, frame.height)
    for k, (dst, src) in enumerate(zip(frame.planes, tile.planes, strict=True)):
        sub = 1 if k == 0 else 2  # chroma planes are half size both ways
        d, s = memoryview(dst), memoryview(src)
        dl, sl, w = dst.line_size, src.line_size, src.width
        x, y = x0 // sub, y0 // sub
        for row in range(src.height):
            d[(y + row) * dl + x : (y + row) * dl + x + w] = s[row * sl : row * sl + w]
    return frame


def _ken_burns(
    start: Image.Image,
    size: tuple[int, int],
    frames: int,
    motion: str,
    seconds: float,
    r: random.Random,
) -> Iterator[av.VideoFrame]:
    """yuv420p frames zooming into ``start`` (already unmarked) towards a seeded point,
    each stamped with the mark. Frame 0 shows the whole of ``start``, so a segment
    continues seamlessly from it.
    """
    zoom_5s, drift_5s = _MOTION.get(motion, _MOTION["low"])
    zoom_end = 1 + zoom_5s * seconds / 5
    drift = drift_5s * seconds / 5
    # Pre-scale once to the size of the tightest crop, so every frame is a cheap PIL crop
    # plus a mild downscale that swscale folds into the RGB->YUV conversion (about 3x
    # faster than a Pillow resize per frame). Crops snap to whole pixels; at these zoom
    # speeds the half-pixel snapping is invisible.
    base = start.resize(
        (round(size[0] * zoom_end), round(size[1] * zoom_end)), Image.Resampling.BILINEAR
    )
    bw, bh = base.size
    fx, fy = r.uniform(0.2, 0.8), r.uniform(0.2, 0.8)
    dx, dy = r.uniform(-drift, drift), r.uniform(-drift, drift)
    for i in range(frames):
        t = _ease(i / max(1, frames - 1))
        zoom = 1 + (zoom_end - 1) * t
        cw, ch = round(bw / zoom), round(bh / zoom)
        cx = min(max(fx + dx * t, 0.0), 1.0)
        cy = min(max(fy + dy * t, 0.0), 1.0)
        x0, y0 = round((bw - cw) * cx), round((bh - ch) * cy)
        crop = base.crop((x0, y0, x0 + cw, y0 + ch))
        yield _stamp_yuv(
            av.VideoFrame.from_image(crop).reformat(
                width=size[0], height=size[1], format="yuv420p", interpolation="AREA"
            )
        )


def animate(
    src_png: bytes | None,
    prompt: str,
    seed: int,
    height: int,
    seconds: float = 5.0,
    fps: int = DEFAULT_FPS,
    motion: str = "low",
    aspect: float = 16 / 9,
) -> bytes:
    """An MP4 of ``seconds`` animating ``src_png`` (or, if None, a picture synthesised from
    ``prompt`` with the given ``aspect``) at ``height`` px, source aspect kept."""
    if src_png is None:
        start = _images.synth_image(prompt, seed, 0, _even(height * aspect), height)
    else:
        start = _images.erase_mark(_images.open_png(src_png))
    size = _frame_size(start.size, height)
    frames = max(1, round(seconds * fps))
    r = random.Random(f"animate|{prompt}|{seed}|{motion}")
    writer = _Writer(*size, fps)
    for img in _ken_burns(start, size, frames, motion, seconds, r):
        writer.write(img)
    return writer.close()


def _decode(mp4: bytes) -> Iterator[av.VideoFrame]:
    with av.open(io.BytesIO(mp4), "r") as container:
        yield from container.decode(video=0)


def _rate(mp4: bytes) -> int:
    with av.open(io.BytesIO(mp4), "r") as container:
        rate = container.streams.video[0].average_rate or DEFAULT_FPS
    return max(1, round(float(rate)))


def extend(src_mp4: bytes, prompt: str, seed: int, seconds: float = 4.0) -> bytes:
    """The source clip followed by ``seconds`` more, continuing from its last frame."""
    fps = _rate(src_mp4)
    writer: _Writer | None = None
    last: av.VideoFrame | None = None
    for frame in _decode(src_mp4):
        if writer is None:
            writer = _Writer(frame.width, frame.height, fps)
        last = frame
        writer.write(frame.reformat(format="yuv420p"))  # no RGB round trip for old frames
    if writer is None or last is None:
        raise ValueError("source video has no frames")
    r = random.Random(f"extend|{prompt}|{seed}|{writer.count}")
    count = max(1, round(seconds * fps))
    still = _images.erase_mark(last.to_image())
    tail = _ken_burns(still, still.size, count + 1, "low", seconds, r)
    next(tail)  # frame 0 is the source's last frame again
    for img in tail:
        writer.write(img)
    return writer.close()


def upscale(src_mp4: bytes, height: int = 1080) -> bytes:
    """The same clip re-encoded at ``height`` px (aspect and duration kept)."""
    fps = _rate(src_mp4)
    writer: _Writer | None = None
    size = (0, 0)
    for frame in _decode(src_mp4):
        if writer is None:
            size = _frame_size((frame.width, frame.height), height)
            writer = _Writer(*size, fps)
        # Erase the old mark at the small size, let swscale enlarge and convert in one
        # pass, then stamp a crisp mark for the new size.
        small = _images.erase_mark(frame.to_image())
        big = av.VideoFrame.from_image(small).reformat(
            width=size[0], height=size[1], format="yuv420p", interpolation="BICUBIC"
        )
        writer.write(_stamp_yuv(big))
    if writer is None:
        raise ValueError("source video has no frames")
    return writer.close()


def video_info(mp4: bytes) -> dict:
    """width, height, duration (s), frames (decoded) and codec name of an MP4."""
    with av.open(io.BytesIO(mp4), "r") as container:
        stream = container.streams.video[0]
        codec = stream.codec_context.name
        width, height = stream.codec_context.width, stream.codec_context.height
        frames = sum(1 for _ in container.decode(video=0))
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        else:
            duration = float(container.duration or 0) / av.time_base
    return {
        "width": width,
        "height": height,
        "duration": duration,
        "frames": frames,
        "codec": codec,
    }
