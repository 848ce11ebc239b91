"""The simulator's answer-shape knob, read by the real client over real HTTP (issue 11 item 3),
and its Chinese comments: the official document's exact texts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from youchuan_nb.client import Client, JobFailedError
from youchuan_nb.contract import COMMENTS
from youchuan_nb.contract.answers import page_items, plan_balance, plan_concurrency
from youchuan_nb.sim import ANSWER_SHAPES, Faults, Simulator
from youchuan_nb.sim._bodies import ZH_COMMENTS

DOC_COMMENTS = json.loads((Path(__file__).parent / "doc_examples" / "comments.json").read_text())


@pytest.fixture(scope="module")
def shaped_sim():
    with Simulator(job_seconds=0.1, concurrency=20, processes=False) as s:
        yield s


def raw_job(sim: Simulator, job_id: str) -> dict:
    headers = {"x-youchuan-app": sim.app_id, "x-youchuan-secret": sim.secret}
    resp = requests.get(f"{sim.url}/v1/tob/job/{job_id}", headers=headers, timeout=10)
    assert resp.status_code == 200
    return resp.json()


@pytest.mark.parametrize("shape", ANSWER_SHAPES)
def test_every_shape_is_read_by_the_client(shaped_sim, shape):
    sim = shaped_sim
    sim.answer_shape = shape
    try:
        client = Client.for_service(sim, store=False, poll_interval=0.05)
        grid = client.diffusion(f"a lighthouse in the {shape} fog --v 7")
        grid.wait(60)
        assert grid.ok and len(grid.urls) == 4, (shape, grid.status, grid.urls)
        assert all(u.startswith(sim.url) for u in grid.urls)
        up = grid.upscale(0).wait(60)
        assert up.ok and len(up.urls) == 1
        plan = client.subscribe()
        assert plan_concurrency(plan) == 20
        assert plan_balance(plan) == pytest.approx(sim.balance)
        costs = page_items(client.costs(1, 10))
        assert costs is not None and len(costs) >= 2
        mb = client.create_moodboard(name=f"board {shape}", images=["https://example.com/a.png"])
        assert mb is not None
        boards = page_items(client.moodboards())
        assert boards is not None and any(b.get("name") == f"board {shape}" for b in boards)
        raw = raw_job(sim, grid.id)
    finally:
        sim.answer_shape = "flat"
    # the knob really changed the wire shape
    if shape == "flat":
        assert raw["id"] == grid.id and raw["status"] == 2 and len(raw["urls"]) == 4
    elif shape == "wrapped":
        assert raw["code"] == 0 and raw["data"]["id"] == grid.id and raw["data"]["status"] == 2
    elif shape == "string_status":
        assert raw["status"] == "2"
    elif shape == "named_status":
        assert raw["status"] == "SUCCESS"
    else:
        assert raw["jobId"] == grid.id and "id" not in raw and len(raw["imageUrls"]) == 4


def test_wrapped_account_answers_on_the_wire(sim, api):
    sim.answer_shape = "wrapped"
    body = api.get("/v1/tob/subscribe").json()
    assert body["code"] == 0 and plan_concurrency(body) == sim.concurrency
    assert isinstance(api.get("/v1/tob/costs", pageNo=1, pageSize=10).json()["data"], dict)
    sim.answer_shape = "flat"
    assert "code" not in api.get("/v1/tob/subscribe").json()


def test_video_aliases_say_video_urls(sim, api, h):
    sim.answer_shape = "aliases"
    job = api.post("/v1/tob/diffusion", {"text": "a fox --v 7"}).json()
    h.wait_until(lambda: raw_job(sim, job["jobId"]).get("imageUrls"), what="grid")
    video = api.post(
        "/v1/tob/video-diffusion", {"jobId": job["jobId"], "imageNo": 0, "prompt": "a fox runs"}
    )
    assert video.status_code == 200, video.text
    vid = video.json()["jobId"]
    urls = h.wait_until(lambda: raw_job(sim, vid).get("videoUrls"), what="video", timeout=30)
    assert urls and urls[0].endswith(".mp4")


def test_unknown_shape_is_refused(sim):
    with pytest.raises(ValueError):
        sim.answer_shape = "xml"
    with pytest.raises(ValueError):
        Simulator(answer_shape="xml")


def test_cli_takes_answer_shape():
    from youchuan_nb.sim.__main__ import parse_args

    assert parse_args(["--answer-shape", "wrapped"]).answer_shape == "wrapped"
    bad = subprocess.run(
        [sys.executable, "-m", "youchuan_nb.sim", "--answer-shape", "xml"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode != 0 and "answer-shape" in bad.stderr


# ---------------------------------------------------------------- Chinese comments


def test_zh_comments_are_the_documents_texts():
    table = {c["comment"]: c["text"] for c in DOC_COMMENTS["comments"]}
    assert len(table) == 18
    # every comment the simulator can produce (the contract's table: lifecycle, render errors,
    # every failure a fault can choose) has the document's exact text
    assert set(COMMENTS) <= set(table)
    for comment in COMMENTS:
        assert ZH_COMMENTS[comment] == table[comment], comment
    assert table == ZH_COMMENTS


def test_zh_comments_over_http(sim, api):
    sim.comment_style = "zh"
    sim.queue_seconds = 0.3
    job = api.submit("diffusion", {"text": "a fox"})
    assert job["comment"] == "已创建"
    assert api.wait(job["id"])["comment"] == "成功"
    sim.queue_seconds = 0.0
    for comment in ("JobStatusFail", "JobStatusTextReject", "JobStatusCanceled"):
        sim.faults = Faults(seed=1, fail=1.0, fail_comment=comment, on_submit=False, on_poll=False)
        failed = api.submit("diffusion", {"text": "a storm"})
        end = api.wait(failed["id"], urls=False)
        assert end["status"] == 3 and end["comment"] == ZH_COMMENTS[comment], end
    sim.faults = None


@pytest.mark.parametrize("shape", ANSWER_SHAPES)
def test_a_failed_job_is_failed_in_every_shape(shaped_sim, shape):
    sim = shaped_sim
    sim.answer_shape, sim.comment_style = shape, "zh"
    sim.faults = Faults(seed=1, fail=1.0, fail_comment="JobStatusError", on_submit=False)
    try:
        client = Client.for_service(sim, store=False, poll_interval=0.05)
        job = client.diffusion("a storm at sea --v 7")
        with pytest.raises(JobFailedError) as err:
            job.wait(60)
        assert job.failed and job.comment == "执行报错"
        assert err.value.comment == "执行报错"
    finally:
        sim.answer_shape, sim.comment_style, sim.faults = "flat", "enum", None


def test_callbacks_carry_the_job_in_the_same_shape(sim, api, receiver, h):
    sim.answer_shape = "wrapped"
    job = api.post("/v1/tob/diffusion", {"text": "a fox --v 7", "callback": receiver.url}).json()
    body = h.wait_until(lambda: receiver.bodies, what="the callback")[0]
    assert body["code"] == 0 and body["data"]["id"] == job["data"]["id"]
    assert body["data"]["status"] == 2 and len(body["data"]["urls"]) == 4
