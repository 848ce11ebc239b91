"""Local validation refuses what the service refuses, with a clear message and nothing sent."""

from __future__ import annotations

import pytest

from youchuan_nb.client import JobFailedError, YouchuanError
from youchuan_nb.contract import InvalidRequest, validate

BAD_TEXT = ["lone \ud800 surrogate", "x\udfff"]
# Refusing control characters and non-characters was an assumption (rule text.chars): they are
# valid JSON, so they are sent and the service decides.
SENT_TEXT = ["a\x00b", "bell\x07", "esc\x1b[31m", "\ufffe"]


@pytest.mark.parametrize("text", SENT_TEXT)
def test_control_characters_are_sent(recorder, text):
    recorder.client().diffusion(f"a fox {text}")
    assert recorder.requests[-1].json["text"] == f"a fox {text}"


def test_control_characters_reach_the_simulator_and_make_a_job(client):
    job = client.diffusion("a fox \x00 in \x1b[31m red").wait(20)
    assert len(job.urls) == 4


@pytest.mark.parametrize("text", BAD_TEXT)
def test_lone_surrogates_are_refused_locally(recorder, text):
    """UTF-8 cannot carry them: such a request cannot be sent at all (rule text.encoding)."""
    client = recorder.client()
    with pytest.raises(InvalidRequest, match="surrogate") as info:
        client.diffusion(f"a fox {text}")
    assert "U+" in str(info.value) and info.value.rule == "text.encoding"
    str(info.value).encode("utf-8")  # the message itself can be printed
    with pytest.raises(InvalidRequest):
        client.create_moodboard(f"name {text}")
    with pytest.raises(InvalidRequest):
        client.upscale(f"id{text}", 0, "standard")
    with pytest.raises(InvalidRequest):
        client.job(f"id{text}")
    with pytest.raises(InvalidRequest):
        client.retexture(f"https://example.com/a{text}.png", "a fox --v 7")
    assert recorder.requests == [], "nothing was sent"


def test_newlines_and_tabs_are_fine(recorder):
    recorder.client().diffusion("a fox\nin the\tsnow\r\n")
    assert len(recorder.requests) == 1
    validate("diffusion", {"text": "a\nb\tc"})


@pytest.mark.parametrize(
    "job_id,path",
    [
        ("id?x=1", "/v1/tob/job/id%3Fx%3D1"),
        ("id#frag", "/v1/tob/job/id%23frag"),
        ("a b", "/v1/tob/job/a%20b"),
        ("a.b", "/v1/tob/job/a.b"),
    ],
)
def test_path_parameters_are_percent_encoded(recorder, job_id, path):
    recorder.client().raw_job(job_id)
    (req,) = recorder.requests
    assert req.path == path and req.query == {}


@pytest.mark.parametrize("job_id", ["a/b", "..", ".", "/", "../subscribe"])
def test_ids_that_would_change_the_path_are_refused(recorder, job_id):
    client = recorder.client()
    with pytest.raises(InvalidRequest):
        client.job(job_id)  # ".." would be normalised away: GET /v1/tob/ instead of a job
    with pytest.raises(InvalidRequest):
        client.update_moodboard(job_id, name="n")
    assert recorder.requests == []


@pytest.mark.parametrize("bad_id", [["abc"], {"x": 1}, None, 123, 1.5, b"abc", "", "  "])
def test_a_bad_job_id_is_invalid_request_in_every_follow_up(recorder, bad_id):
    client = recorder.client()
    calls = {
        "variation": lambda: client.variation(bad_id, 0, "subtle"),
        "upscale": lambda: client.upscale(bad_id, 0, "standard"),
        "reroll": lambda: client.reroll(bad_id),
        "pan": lambda: client.pan(bad_id, 0, "left", 1.5),
        "outpaint": lambda: client.outpaint(bad_id, 0, 1.5),
        "inpaint": lambda: client.inpaint(bad_id, 0, {"url": "https://x.example/m.png"}),
        "remix": lambda: client.remix(bad_id, 0, "a cat"),
        "edit": lambda: client.edit(
            bad_id, 0, {"width": 8, "height": 8}, {"width": 8, "height": 8, "x": 0, "y": 0}, "a cat"
        ),
        "enhance": lambda: client.enhance(bad_id, 0),
        "video_diffusion": lambda: client.video_diffusion(job_id=bad_id, image_no=0),
        "extend_video": lambda: client.extend_video(bad_id, 0, "more"),
        "video_upscale": lambda: client.video_upscale(bad_id, 0),
        "callback": lambda: client.callback(bad_id),
        "job": lambda: client.job(bad_id),
        "raw_job": lambda: client.raw_job(bad_id),
        "job_from_store": lambda: client.job_from_store(bad_id),
        "update_moodboard": lambda: client.update_moodboard(bad_id, name="n"),
    }
    for name, call in calls.items():
        if bad_id is None and name in ("video_diffusion",):
            continue  # job_id=None means "from a prompt": a different (also refused) request
        with pytest.raises(InvalidRequest):
            call()
    assert recorder.requests == [], "nothing was sent"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"limit": None},
        {"limit": "10"},
        {"limit": -1},
        {"offset": -1},
        {"offset": 1.5},
        {"limit": True},
        {"limit": [1]},
    ],
)
def test_history_with_wrong_types_is_invalid_request(client, kwargs):
    with pytest.raises(InvalidRequest):
        client.history(**kwargs)


def test_a_5_mb_server_message_becomes_a_short_exception(recorder):
    huge = "x" * (5 * 1024 * 1024)
    recorder.script = [(400, {"code": 400, "reason": "Invalid_Argument", "message": huge}, {})]
    client = recorder.client()
    with pytest.raises(YouchuanError) as info:
        client.diffusion("a fox")
    assert len(str(info.value)) < 4096 and "characters in all" in str(info.value)
    assert len(repr(info.value)) < 4096


def test_a_5_mb_failure_comment_becomes_a_short_exception_and_repr(recorder):
    huge = "boom " * (1024 * 1024)
    recorder.script = [
        (200, {"id": "j1", "status": 3, "comment": huge, "urls": [], "text": "x"}, {})
    ]
    job = recorder.client().diffusion("a fox")
    with pytest.raises(JobFailedError) as info:
        job.wait(5)
    assert len(str(info.value)) < 4096
    assert len(repr(job)) < 4096


def test_wait_with_a_bad_timeout_is_invalid_request(recorder):
    job = recorder.client().diffusion("a fox")
    for bad in (None, "3", -1, float("nan"), [1]):
        with pytest.raises(InvalidRequest):
            job.wait(bad)
