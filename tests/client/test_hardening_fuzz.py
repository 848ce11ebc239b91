"""Fuzz every public Client and Job method with arbitrary argument values.

Whatever the values (odd unicode, lone surrogates, ints, floats incl. nan/inf, None, bools,
lists, dicts), a call either works, or raises a ValueError subclass having sent nothing, or
raises a YouchuanError; always with a message. Never TypeError, KeyError, AttributeError,
sqlite3 errors or anything else. Bounded (``max_examples``) and derandomized for CI.
"""

from __future__ import annotations

import inspect
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from youchuan_nb.client import Job, YouchuanError

TRICKY = [
    "",
    " ",
    "..",
    ".",
    "/",
    "a/b",
    "id?x=1",
    "id#x",
    "\x00",
    "a\x00b",
    "\ud800",
    "\udfff",
    "\ufffe",
    "\u202e",
    "😀",
    "²",
    "fox --v 7",
    "--ar 16:9",
    "a fox --v 1",
    "strong",
    "subtle",
    "standard",
    "creative",
    "720p",
    "480p",
    "left",
    "0",
    "1",
    "-1",
    "3",
    "1e309",
    "nan",
    "https://example.com/a.png",
    "http://169.254.169.254/x",
    "data:image/png;base64,AA",
    "javascript:alert(1)",
    "x" * 9000,
    "diffusion",
    "upscale",
    "job",
]
SCALARS = st.one_of(
    st.sampled_from(TRICKY),
    st.text(st.characters(exclude_categories=()), max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, 1, 2, 3, 4, -1, 16384, 2**31, 2**63]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.nan, math.inf, -math.inf, 1.5, 2.0, -0.0, 1e308]),
    st.none(),
    st.booleans(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.one_of(
                st.sampled_from(
                    ["url", "areas", "width", "height", "x", "y", "points", "text", "id"]
                ),
                st.text(max_size=5),
            ),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=6,
)

# Plausible values by parameter name, mixed in so that calls also get past the first check.
PLAUSIBLE = {
    "text": st.sampled_from(["a fox", "a fox --v 7", "a fox --ar 16:9 --niji 6"]),
    "prompt": st.sampled_from(["a fox", "https://example.com/a.png a fox", None]),
    "remix_prompt": st.sampled_from(["a cat --v 7", "a cat", None]),
    "image_no": st.integers(0, 4),
    "video_no": st.integers(0, 4),
    "type": st.sampled_from(["standard", "creative", "subtle", "strong", 0, 1, 3, "v5_2x"]),
    "mode": st.sampled_from(["strong", "subtle", 0, 1, None]),
    "direction": st.sampled_from(["left", "up", 0, 3]),
    "scale": st.sampled_from([1.1, 1.5, 2.0, 3.0]),
    "mask": st.sampled_from(
        [
            {"url": "https://example.com/m.png"},
            {"areas": [{"width": 8, "height": 8, "points": [0, 0, 4, 0, 4, 4]}]},
        ]
    ),
    "canvas": st.just({"width": 64, "height": 64}),
    "img_pos": st.just({"width": 32, "height": 32, "x": 0, "y": 0}),
    "img_url": st.just("https://example.com/a.png"),
    "video_type": st.sampled_from(["480p", "720p", 0, 1, None]),
    "name": st.just("board"),
    "description": st.just("d"),
    "images": st.just(["https://example.com/a.png"]),
    "page_no": st.integers(1, 3),
    "page_size": st.integers(1, 20),
    "since": st.just("2025-01-01T00:00:00Z"),
    "to": st.just("2025-02-01"),
    "limit": st.integers(0, 50),
    "offset": st.integers(0, 5),
    "endpoint": st.sampled_from(["diffusion", "upscale"]),
    "ep_name": st.just("diffusion"),
    "params": st.just({"text": "a fox"}),
    "fields": st.just({"text": "a fox"}),
    "prompts": st.just(["a fox", "a cat"]),
    "timeout": st.sampled_from([0.0, 0.1]),
    "wait": st.booleans(),
    "strong": st.booleans(),
    "motion": st.sampled_from(["low", "high"]),
    "resolution": st.sampled_from(["480p", "720p"]),
    "seconds": st.sampled_from([0.0, 1.0]),
    "message": st.just("poll failed"),
    "gave_up": st.booleans(),
    "raw": st.just({"status": 2}),
    "callback": st.sampled_from([None, "https://example.com/hook", print]),
    "action": st.just("diffusion"),
    "max_age": st.just(60.0),
    "from_store": st.booleans(),
    "folder": st.none(),
    "raise_on_failure": st.booleans(),
    "poll_interval": st.just(0.01),
}

CLIENT_METHODS = [
    "diffusion",
    "imagine",
    "variation",
    "upscale",
    "reroll",
    "pan",
    "outpaint",
    "inpaint",
    "remix",
    "edit",
    "upload_paint",
    "retexture",
    "remove_background",
    "enhance",
    "video_diffusion",
    "animate",
    "extend_video",
    "video_upscale",
    "costs",
    "cost_monthly",
    "callback",
    "create_moodboard",
    "update_moodboard",
    "moodboards",
    "job",
    "raw_job",
    "job_from_store",
    "children_of",
    "tree",
    "find_in_flight",
    "history",
    "maybe_created",
    "dismiss_maybe_created",
    "check_request",
    "batch",
    "expected_seconds",
]
JOB_METHODS = [
    "upscale",
    "vary",
    "reroll",
    "pan",
    "zoom_out",
    "inpaint",
    "remix",
    "edit",
    "enhance",
    "animate",
    "extend",
    "upscale_video",
    "wait",
    "download",
    "apply",
    "on_change",
    "defer_poll",
    "note_poll_error",
]
STATS = {"tried": 0, "returned": 0, "value_error": 0, "youchuan_error": 0}


def _params(fn):
    out = []
    for p in inspect.signature(fn).parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        out.append(p)
    return out


def _call(data, fn, name, recorder, tmp_path):
    args, kwargs = [], {}
    for p in _params(fn):
        if p.default is not p.empty and data.draw(st.booleans(), label=f"{name}.{p.name}?"):
            continue  # leave an optional parameter out
        choices = [VALUES]
        if p.name in PLAUSIBLE:
            choices.append(PLAUSIBLE[p.name])
        if p.name in ("job_id", "id", "job", "record"):
            choices.append(st.sampled_from(_ids(p.name)))
        value = data.draw(st.one_of(*choices), label=f"{name}.{p.name}")
        if name == "download" and isinstance(value, str):
            value = tmp_path / "downloads"  # a path of the user's choosing is theirs to use
        if name == "wait" and p.name == "timeout" and isinstance(value, (int, float)):
            value = min(abs(value), 0.5) if value == value else value  # keep the run short
        if p.kind == p.KEYWORD_ONLY:
            kwargs[p.name] = value
        else:
            args.append(value)
    before = len(recorder.requests)
    STATS["tried"] += 1
    try:
        fn(*args, **kwargs)
    except ValueError as exc:
        STATS["value_error"] += 1
        assert str(exc).strip(), f"{name}: an empty message"
        assert len(recorder.requests) == before, f"{name}{args, kwargs}: sent, then ValueError"
    except YouchuanError as exc:
        STATS["youchuan_error"] += 1
        assert str(exc).strip(), f"{name}: an empty message"
    else:
        STATS["returned"] += 1


@pytest.fixture
def fuzz_client(recorder, tmp_path):
    client = recorder.client(
        store=tmp_path / "s.sqlite3", cache_dir=tmp_path / "media", max_concurrent=50
    )
    yield client
    client.store.close()


SETTINGS = settings(
    max_examples=1500,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@SETTINGS
@given(data=st.data())
def test_fuzz_client_methods(data, fuzz_client, recorder, tmp_path):
    _CURRENT.append(fuzz_client)
    _jobs(fuzz_client)
    name = data.draw(st.sampled_from(CLIENT_METHODS), label="method")
    _call(data, getattr(fuzz_client, name), name, recorder, tmp_path)


@SETTINGS
@given(data=st.data())
def test_fuzz_job_methods(data, fuzz_client, recorder, tmp_path):
    _CURRENT.append(fuzz_client)
    job = data.draw(st.sampled_from(_jobs(fuzz_client)), label="job")
    name = data.draw(st.sampled_from(JOB_METHODS), label="method")
    _call(data, getattr(job, name), name, recorder, tmp_path)


_MADE: dict[int, list[Job]] = {}
_CURRENT: list = []


def _ids(kind: str) -> list:
    jobs = _MADE.get(id(_CURRENT[-1]), []) if _CURRENT else []
    if kind == "job":
        return jobs or [None]
    if kind == "record":
        return ["no-such-local-id"]
    return [j.id for j in jobs] or ["no-such-job"]


def _jobs(client) -> list[Job]:
    if id(client) not in _MADE:
        grid = client.diffusion("a fox")
        _MADE[id(client)] = [grid, grid.upscale(1, "standard"), grid.animate(0)]
    return _MADE[id(client)]


def test_zz_report_counts():
    print(f"\nfuzz: {STATS}")
    assert STATS["tried"] == 0 or STATS["tried"] == sum(
        STATS[k] for k in ("returned", "value_error", "youchuan_error")
    )
