"""Bad inputs fail locally: a ValueError subclass naming the parameter, the value and what is
allowed, and nothing reaches the service (the simulator's request log does not grow)."""

from __future__ import annotations

import pytest

from youchuan_nb.client import Client
from youchuan_nb.contract import InvalidRequest, PromptError

J = "0f" * 16
AREA = {"width": 100, "height": 100, "points": [0, 0, 50, 0, 50, 50]}
OK_MASK = {"areas": [AREA]}
CANVAS = {"width": 1024, "height": 1024}
POS = {"width": 512, "height": 512, "x": 0, "y": 0}
IMG = "https://example.com/a.png"
LONG = "x" * 8193


def area(points):
    return {"areas": [{"width": 100, "height": 100, "points": points}]}


# (id, call, parameter named, value shown, allowed fragment)
BAD = [
    # text and prompts: 1-8192 characters
    ("text-empty", lambda c: c.diffusion(""), "text", "''", "1-8192"),
    ("text-long", lambda c: c.diffusion(LONG), "text", "8193 chars", "1-8192"),
    ("text-not-str", lambda c: c.diffusion(42), "text", "42", "1-8192"),
    (
        "remix-empty",
        lambda c: c.variation(J, 0, 0, remix_prompt=""),
        "remix_prompt",
        "''",
        "1-8192",
    ),
    ("remix-long", lambda c: c.remix(J, 0, LONG), "remix_prompt", "8193 chars", "1-8192"),
    (
        "pan-remix-long",
        lambda c: c.pan(J, 0, 0, 2, remix_prompt=LONG),
        "remix_prompt",
        "8193 chars",
        "1-8192",
    ),
    (
        "video-prompt-long",
        lambda c: c.video_diffusion(prompt=LONG),
        "prompt",
        "8193 chars",
        "1-8192",
    ),
    ("extend-prompt-empty", lambda c: c.extend_video(J, 0, ""), "prompt", "''", "1-8192"),
    # imageNo / videoNo 0-3
    ("imageNo-neg", lambda c: c.upscale(J, -1, 0), "image_no", "-1", "from 0 to 3"),
    ("imageNo-4", lambda c: c.variation(J, 4, 0), "image_no", "4", "from 0 to 3"),
    ("imageNo-word", lambda c: c.enhance(J, "one"), "image_no", "'one'", "from 0 to 3"),
    ("imageNo-bool", lambda c: c.outpaint(J, True, 1.5), "image_no", "True", "from 0 to 3"),
    ("imageNo-float", lambda c: c.inpaint(J, 1.0, OK_MASK), "image_no", "1.0", "from 0 to 3"),
    ("imageNo-remix", lambda c: c.remix(J, 9, "x"), "image_no", "9", "from 0 to 3"),
    ("imageNo-edit", lambda c: c.edit(J, 4, CANVAS, POS, "x"), "image_no", "4", "from 0 to 3"),
    (
        "imageNo-video",
        lambda c: c.video_diffusion(job_id=J, image_no=4),
        "image_no",
        "4",
        "from 0 to 3",
    ),
    ("videoNo-4", lambda c: c.extend_video(J, 4, "more"), "video_no", "4", "from 0 to 3"),
    ("videoNo-neg", lambda c: c.video_upscale(J, -1), "video_no", "-1", "from 0 to 3"),
    # pan scale 1.1-3.0, outpaint 1.1-2.0
    ("pan-scale-low", lambda c: c.pan(J, 0, "up", 1.09), "scale", "1.09", "from 1.1 to 3.0"),
    ("pan-scale-high", lambda c: c.pan(J, 0, "up", 3.01), "scale", "3.01", "from 1.1 to 3.0"),
    ("pan-scale-str", lambda c: c.pan(J, 0, "up", "2"), "scale", "'2'", "from 1.1 to 3.0"),
    ("pan-scale-nan", lambda c: c.pan(J, 0, "up", float("nan")), "scale", "nan", "from 1.1 to 3.0"),
    ("outpaint-low", lambda c: c.outpaint(J, 0, 1.0), "scale", "1.0", "from 1.1 to 2.0"),
    ("outpaint-high", lambda c: c.outpaint(J, 0, 2.01), "scale", "2.01", "from 1.1 to 2.0"),
    # imgUrl: 1-1024 characters, http(s)
    (
        "imgUrl-ftp",
        lambda c: c.retexture("ftp://x.org/a.png", "glass"),
        "img_url",
        "'ftp://x.org/a.png'",
        "http",
    ),
    (
        "imgUrl-long",
        lambda c: c.retexture("https://x.org/" + "a" * 1011, "glass --v 7"),
        "img_url",
        "1025 chars",
        "at most 1024",
    ),
    ("imgUrl-empty", lambda c: c.remove_background(""), "img_url", "''", "http(s) URL"),
    (
        "imgUrl-data",
        lambda c: c.remove_background("data:image/png;base64,AAAA"),
        "img_url",
        "data:image/png",
        "upload",
    ),
    (
        "imgUrl-upload-paint",
        lambda c: c.upload_paint("c:/a.png", OK_MASK, CANVAS, POS, "x"),
        "img_url",
        "'c:/a.png'",
        "http",
    ),
    # callback: at most 2048, http(s)
    (
        "callback-ftp",
        lambda c: c.diffusion("a fox", callback="ftp://x.org/cb"),
        "callback",
        "'ftp://x.org/cb'",
        "http",
    ),
    (
        "callback-long",
        lambda c: c.video_upscale(J, 0, callback="https://x.org/" + "a" * 2035),
        "callback",
        "2049 chars",
        "at most 2048",
    ),
    (
        "callback-no-scheme",
        lambda c: c.upscale(J, 0, 0, callback="example.com/cb"),
        "callback",
        "'example.com/cb'",
        "http",
    ),
    # pageNo 1-1000, pageSize 1-500
    ("pageNo-0", lambda c: c.costs(0, 10), "page_no", "0", "from 1 to 1000"),
    ("pageNo-1001", lambda c: c.cost_monthly(1001, 10), "page_no", "1001", "from 1 to 1000"),
    ("pageSize-0", lambda c: c.costs(1, 0), "page_size", "0", "from 1 to 500"),
    ("pageSize-501", lambda c: c.cost_monthly(1, 501), "page_size", "501", "from 1 to 500"),
    ("mb-pageNo-word", lambda c: c.moodboards(page_no="one"), "page_no", "'one'", "whole number"),
    ("costs-since", lambda c: c.costs(1, 1, since="yesterday"), "since", "'yesterday'", "ISO-8601"),
    # video needs a prompt or a job id; imageNo needs the job id
    ("video-nothing", lambda c: c.video_diffusion(), "prompt", "None", "job_id"),
    (
        "video-image-only",
        lambda c: c.video_diffusion(prompt="a", image_no=1),
        "image_no",
        "1",
        "job_id",
    ),
    (
        "video-job-no-image",
        lambda c: c.video_diffusion(job_id=J),
        "image_no",
        "None",
        "which image",
    ),
    # moodboards need a name
    ("moodboard-no-name", lambda c: c.create_moodboard(None), "name", "None", "required"),
    ("moodboard-blank-name", lambda c: c.create_moodboard("  "), "name", "'  '", "non-empty"),
    (
        "moodboard-bad-image",
        lambda c: c.create_moodboard("a", images=["nope"]),
        "images[0]",
        "'nope'",
        "http",
    ),
    ("moodboard-id", lambda c: c.update_moodboard("a/b", name="x"), "id", "'a/b'", "without '/'"),
    # masks: areas (even count, >= 6 coordinates) or url
    (
        "mask-5",
        lambda c: c.inpaint(J, 0, area([0, 0, 1, 1, 2])),
        "mask.areas[0].points",
        "[0, 0, 1, 1, 2]",
        "even number (at least 6)",
    ),
    (
        "mask-4",
        lambda c: c.inpaint(J, 0, area([0, 0, 1, 1])),
        "mask.areas[0].points",
        "[0, 0, 1, 1]",
        "at least 6",
    ),
    (
        "mask-7",
        lambda c: c.edit(J, 0, CANVAS, POS, "x", mask=area([0, 0, 1, 1, 2, 2, 3])),
        "mask.areas[0].points",
        "[0, 0, 1, 1, 2, 2, 3]",
        "even number",
    ),
    (
        "mask-empty-areas",
        lambda c: c.inpaint(J, 0, {"areas": []}),
        "mask",
        "{'areas': []}",
        "areas",
    ),
    ("mask-empty", lambda c: c.inpaint(J, 0, {}), "mask", "{}", "url"),
    ("mask-missing", lambda c: c.inpaint(J, 0, None), "mask", "None", "required"),
    (
        "mask-bad-url",
        lambda c: c.inpaint(J, 0, {"url": "file:///m.png"}),
        "mask.url",
        "'file:///m.png'",
        "http",
    ),
    (
        "mask-upload-paint",
        lambda c: c.upload_paint(IMG, area([1, 2]), CANVAS, POS, "x"),
        "mask.areas[0].points",
        "[1, 2]",
        "at least 6",
    ),
    # canvas and imgPos
    (
        "canvas-missing-height",
        lambda c: c.edit(J, 0, {"width": 5}, POS, "x"),
        "canvas.height",
        "None",
        "integer",
    ),
    (
        "imgpos-zero",
        lambda c: c.edit(J, 0, CANVAS, {**POS, "width": 0}, "x"),
        "img_pos.width",
        "0",
        "positive number of pixels",
    ),
    # enum values
    ("variation-type", lambda c: c.variation(J, 0, "medium"), "type", "'medium'", "'subtle'"),
    ("variation-type-2", lambda c: c.variation(J, 0, 2), "type", "2", "1 ('strong')"),
    ("upscale-type", lambda c: c.upscale(J, 0, "huge"), "type", "'huge'", "'v5_4x'"),
    ("upscale-type-4", lambda c: c.upscale(J, 0, 4), "type", "4", "3 ('v5_4x')"),
    ("pan-direction", lambda c: c.pan(J, 0, "sideways", 2), "direction", "'sideways'", "'left'"),
    ("pan-direction-4", lambda c: c.pan(J, 0, 4, 2), "direction", "4", "'left'"),
    ("remix-mode", lambda c: c.remix(J, 0, "x", mode="loud"), "mode", "'loud'", "'subtle'"),
    (
        "video-type",
        lambda c: c.video_diffusion(prompt="a", video_type="1080p"),
        "video_type",
        "'1080p'",
        "'720p'",
    ),
    (
        "video-type-2",
        lambda c: c.video_diffusion(prompt="a", video_type=2),
        "video_type",
        "2",
        "'720p'",
    ),
    # job ids
    ("job-id-empty", lambda c: c.job(""), "job_id", "''", "job id"),
    ("job-id-follow-up", lambda c: c.upscale("", 0, 0), "job_id", "''", "job id"),
    ("callback-job-id", lambda c: c.callback(None), "job_id", "None", "required"),
]


@pytest.mark.parametrize("call,param,value,allowed", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_fails_locally_with_a_clear_message(sim, client, call, param, value, allowed):
    before_log, before_jobs = len(sim.request_log), len(sim.created)
    with pytest.raises(ValueError) as info:
        call(client)
    exc = info.value
    assert isinstance(exc, InvalidRequest), type(exc)
    message = str(exc)
    assert f"{param}=" in message, message
    assert exc.param == param
    assert value in message, message
    assert allowed in message, message
    assert len(sim.request_log) == before_log, "nothing may be sent for a bad input"
    assert len(sim.created) == before_jobs


# Prompt rules are checked before sending too (PromptError is an InvalidRequest/ValueError).
BAD_PROMPTS = [
    ("a fox --v 8.1 --tile", "--tile"),
    ("a fox --v 8.1 --draft", "--draft"),
    ("a fox :: a hen --v 8.1", "::"),
    ("a fox --chaos 101", "--chaos"),
    ("a fox --draft", "--draft works only with --v 7"),
    ("data:image/png;base64,AAAA a fox", "data: URI"),
    ("a fox --oref https://a.org/1.png https://a.org/2.png --v 7", "exactly one"),
]


@pytest.fixture
def strict(sim, tmp_path):
    """The prompt rules come from secondary sources: a strict client refuses on them."""
    return Client.for_service(sim, poll_interval=0.05, store=False, rules="strict")


@pytest.mark.parametrize("text,fragment", BAD_PROMPTS)
def test_bad_prompt_fails_locally(sim, strict, text, fragment):
    before = len(sim.request_log)
    with pytest.raises(PromptError) as info:
        strict.diffusion(text)
    assert isinstance(info.value, ValueError)
    assert fragment in str(info.value)
    assert len(sim.request_log) == before


def test_bad_remix_prompt_of_a_known_v81_parent_fails_locally(sim, strict):
    parent = strict.diffusion("a fox --v 8.1").wait(10)
    before = len(sim.request_log)
    with pytest.raises(PromptError, match="--weird"):
        parent.remix(0, "a wolf --weird 10")
    assert len(sim.request_log) == before


def test_prompt_checks_can_be_switched_off_and_the_service_refuses(sim, tmp_path):
    from youchuan_nb.client import InvalidPromptError

    sim.rules = "strict"  # a simulator that refuses on the secondary rules, as the service may
    c = Client.for_service(sim, check_prompts=False, store=False, max_concurrent=3)
    with pytest.raises(InvalidPromptError) as info:
        c.diffusion("a fox --v 8.1 --tile")
    assert info.value.status == 400 and info.value.reason == "Invalid_Prompt_Parameter"
    assert sim.request_log[-1] == ("POST", "/v1/tob/diffusion", 400)
    assert sim.created == []


# The edges of every range are accepted and sent.
GOOD = [
    lambda c: c.diffusion("x" * 8192),
    lambda c: c.diffusion("a"),
    lambda c: c.variation(J, 3, 1, remix_prompt="y" * 8192),
    lambda c: c.upscale(J, 0, 3),
    lambda c: c.pan(J, 3, 3, 1.1),
    lambda c: c.pan(J, 0, 0, 3.0),
    lambda c: c.pan(J, 0, 0, 2),
    lambda c: c.outpaint(J, 0, 1.1),
    lambda c: c.outpaint(J, 0, 2.0),
    lambda c: c.inpaint(J, 0, area([0, 0, 100, 0, 100, 100, 0, 100])),
    lambda c: c.inpaint(J, 0, {"areas": [AREA, AREA]}),
    lambda c: c.remove_background("https://x.org/" + "a" * 1010),
    lambda c: c.remove_background("http://x.org/a.png"),
    lambda c: c.diffusion("a", callback="https://x.org/" + "a" * 2034),
    lambda c: c.costs(1000, 500),
    lambda c: c.costs(1, 1),
    lambda c: c.extend_video(J, 3, "z"),
    lambda c: c.video_diffusion(job_id=J, image_no=0),
    lambda c: c.create_moodboard("n", images=[]),
    lambda c: c.moodboards(page_no=0),  # the document gives no range (an assumption, gone)
]


@pytest.mark.parametrize("call", GOOD)
def test_values_at_the_edges_are_sent(recorder, call):
    call(recorder.client())
    assert len(recorder.requests) == 1
