"""Answers of other shapes over real HTTP: read, or a clear error within three polls."""

from __future__ import annotations

import json

import pytest

from youchuan_nb.client import InsufficientBalanceError, UnreadableAnswerError

RUNNING = {"text": "a fox", "status": 1, "comment": "JobStatusRunning", "urls": []}


def _done(job_id, recorder):
    return {
        "id": job_id,
        "text": "a fox",
        "status": 2,
        "comment": "JobStatusSuccess",
        "urls": [f"{recorder.url}/media/{job_id}/{i}.png" for i in range(4)],
    }


def _submit_running(recorder, client, job_id="job-1"):
    recorder.script.append((200, {"id": job_id, **RUNNING}, {}))
    return client.diffusion("a fox")


@pytest.mark.parametrize(
    "wrap",
    [
        lambda d: {"code": 0, "data": d},
        lambda d: {**d, "status": "2"},
        lambda d: {**d, "status": "SUCCESS"},
        lambda d: {k: v for k, v in d.items() if k != "status"},
        lambda d: {**{k: v for k, v in d.items() if k != "urls"}, "imageUrls": d["urls"]},
    ],
    ids=["wrapped", "string-status", "named-status", "no-status", "imageUrls"],
)
def test_a_poll_answer_of_another_shape_ends_the_job(recorder, wrap):
    client = recorder.client()
    job = _submit_running(recorder, client)
    recorder.script.append((200, wrap(_done("job-1", recorder)), {}))
    job.wait(10)
    assert job.ok and len(job.urls) == 4 and job.id == "job-1"


def test_an_unreadable_poll_answer_is_raised_within_three_polls(recorder, tmp_path):
    client = recorder.client()
    client.captures_dir = tmp_path / "captures"
    job = _submit_running(recorder, client)
    for _ in range(5):
        recorder.script.append((200, {"id": "job-1", "state_of_things": "??"}, {}))
    before = len(recorder.requests)
    with pytest.raises(UnreadableAnswerError) as info:
        job.wait(30)
    polls = len(recorder.requests) - before
    assert polls == 3
    assert job.poll_gave_up and "cannot read" in job.poll_error
    with open(info.value.capture, encoding="utf-8") as f:
        text = f.read()
    assert json.loads(text)["answer"] == {"id": "job-1", "state_of_things": "??"}
    assert recorder.secret not in text


def test_an_error_inside_a_200_on_submit_is_that_error_not_maybe_billed(recorder, tmp_path):
    client = recorder.client(store=tmp_path / "jobs.sqlite3")
    recorder.script.append(
        (200, {"code": 402, "reason": "Account_Fee_Not_Enough", "message": "the balance is 0"}, {})
    )
    with pytest.raises(InsufficientBalanceError) as info:
        client.diffusion("a fox")
    assert "Top up" in str(info.value)
    (record,) = client.history()
    assert record.state == "refused"
    client.store.close()


def test_a_submit_answer_without_a_job_id_is_kept_as_maybe_created(recorder, tmp_path):
    client = recorder.client(store=tmp_path / "jobs.sqlite3")
    client.captures_dir = tmp_path / "captures"
    recorder.script.append((200, {"ok": True}, {}))
    with pytest.raises(UnreadableAnswerError):
        client.diffusion("a fox")
    (record,) = client.history()
    assert record.state == "unknown"
    client.store.close()


def test_numeric_strings_and_the_documents_type_field_are_sent(recorder):
    client = recorder.client()
    client.enhance("j" * 32, "1")
    client.video_upscale("j" * 32, 0, type=0)
    enhance, upscale = recorder.requests[-2].json, recorder.requests[-1].json
    assert enhance["imageNo"] == 1
    assert upscale == {"jobId": "j" * 32, "videoNo": 0, "type": 0}


def test_documented_rules_only(recorder):
    client = recorder.client()
    client.diffusion("a fox --relax --v 7")  # the plan decides (402/403 relax errors)
    client.remove_background("https://x.org/" + "a" * 2000)  # no length in the document
    client.reroll("j" * 32, callback="https://x.org/" + "a" * 3000)  # 2048 is video-only
    client.moodboards(page_size=1000)  # no ranges for moodboard paging
    mask = {"areas": [{"width": 90, "height": 90, "points": [10, 10, 10, 100, 100, 100]}]}
    client.inpaint("j" * 32, 0, mask)  # what width/height mean is not documented
    assert len(recorder.requests) == 5


def test_retexture_needs_model_six_point_one_or_later(recorder):
    client = recorder.client()
    with pytest.raises(ValueError, match=r"6\.1 and above"):
        client.retexture("https://x.org/a.png", "oil painting --v 6")
    assert recorder.requests == []
    client.retexture("https://x.org/a.png", "oil painting --v 6.1")
    client.retexture("https://x.org/a.png", "oil painting --niji 6")
    assert len(recorder.requests) == 2
