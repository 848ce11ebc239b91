"""Account behaviour: concurrency, balance and refunds, costs, moodboards, callbacks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from youchuan_nb.sim import Faults, Simulator


def _balance(api) -> float:
    return api.get("/v1/tob/subscribe").json()["balance"]


def test_concurrency_limit_is_429_without_creating_or_charging(sim, api, h):
    sim.concurrency, sim.job_seconds = 2, 30
    a = api.submit("diffusion", {"text": "one"})
    api.submit("diffusion", {"text": "two"})
    assert sim.running() == 2
    sub = api.get("/v1/tob/subscribe").json()
    assert sub["running"] == 2 and sub["maxConcurrent"] == 2 and sub["balance"] == 998.0
    h.assert_error(api.post("/v1/tob/diffusion", {"text": "three"}), 429, "Max_Concurrent_Limited")
    assert sim.count("diffusion") == 2 and _balance(api) == 998.0
    # another app has its own limit
    other = h.Api(sim, *sim.add_app())
    assert other.post("/v1/tob/diffusion", {"text": "elsewhere"}).status_code == 200
    # raising the knob at runtime lets the next one in; finished jobs free their slot
    sim.concurrency = 3
    assert api.post("/v1/tob/diffusion", {"text": "three"}).status_code == 200
    assert sim.job_record(a["id"])["status"] == 1


def test_finished_jobs_free_their_slot(sim, api, h):
    sim.concurrency = 1
    first = api.submit("diffusion", {"text": "one"})
    h.assert_error(api.post("/v1/tob/diffusion", {"text": "two"}), 429, "Max_Concurrent_Limited")
    api.wait(first["id"])
    assert api.post("/v1/tob/diffusion", {"text": "two"}).status_code == 200


def test_balance_402_and_prices(sim, api, h):
    sim.balance = 1.5
    grid = api.run("diffusion", {"text": "a fox"})
    assert grid["cost"] == 1.0 and _balance(api) == 0.5
    h.assert_error(
        api.post("/v1/tob/diffusion", {"text": "another fox"}), 402, "Account_Fee_Not_Enough"
    )
    h.assert_error(
        api.post("/v1/tob/video-diffusion", {"prompt": "a fox"}), 402, "Account_Fee_Not_Enough"
    )
    assert sim.count("diffusion") == 1 and sim.count("video_diffusion") == 0
    up = api.run("upscale", {"jobId": grid["id"], "imageNo": 0, "type": 0})  # 0.5 fits exactly
    assert up["cost"] == 0.5 and _balance(api) == 0.0
    sim.prices = {"diffusion": 0.25}
    sim.balance = 0.375
    assert api.run("diffusion", {"text": "cheap --v 7"})["cost"] == 0.25
    assert api.run("diffusion", {"text": "cheap --v 7 --draft"})["cost"] == 0.125  # halved
    assert sim.balance == 0.0


def test_text_reject_is_refunded_but_fail_is_charged(sim, api):
    sim.faults = Faults(fail=1.0, fail_comment="JobStatusTextReject")
    job = api.submit("diffusion", {"text": "a fox"})
    assert job["cost"] == 1.0 and _balance(api) == 999.0
    done = api.wait(job["id"])
    assert done["status"] == 3 and done["comment"] == "JobStatusTextReject"
    assert done["cost"] == 0.0 and _balance(api) == 1000.0
    record = api.get("/v1/tob/costs", pageNo=1, pageSize=1).json()["list"][0]
    assert record["jobId"] == job["id"] and record["cost"] == 0.0
    assert record["comment"] == "JobStatusTextReject" and record["status"] == 3

    sim.faults = Faults(fail=1.0, fail_comment="JobStatusFail")
    failed = api.wait(api.submit("diffusion", {"text": "a fox"})["id"])
    assert failed["status"] == 3 and failed["cost"] == 1.0 and _balance(api) == 999.0


def test_costs_and_monthly_costs_come_from_the_real_records(sim, api, h):
    months = [
        datetime(2026, 9, 3, 10, tzinfo=UTC),
        datetime(2026, 10, 5, 11, tzinfo=UTC),
        datetime(2026, 10, 20, 12, tzinfo=UTC),
        datetime(2026, 11, 1, 0, 0, 30, tzinfo=UTC),
        datetime(2026, 11, 2, 9, tzinfo=UTC),
    ]
    ids = []
    for i, when in enumerate(months):
        sim.clock = lambda when=when: when
        text = "fox --v 7 --draft" if i == 4 else "fox"
        ids.append(api.submit("diffusion", {"text": text})["id"])
    page1 = api.get("/v1/tob/costs", pageNo=1, pageSize=2).json()
    assert page1["total"] == 5 and page1["pageNo"] == 1 and page1["pageSize"] == 2
    assert [r["jobId"] for r in page1["list"]] == [ids[4], ids[3]]  # newest first
    assert page1["list"][0]["createdAt"] == "2026-11-02T09:00:00Z"
    assert page1["list"][0]["cost"] == 0.5 and page1["list"][0]["action"] == "diffusion"
    page3 = api.get("/v1/tob/costs", pageNo=3, pageSize=2).json()
    assert [r["jobId"] for r in page3["list"]] == [ids[0]]
    assert api.get("/v1/tob/costs", pageNo=4, pageSize=2).json()["list"] == []
    window = api.get(
        "/v1/tob/costs",
        pageNo=1,
        pageSize=10,
        since="2026-10-01T00:00:00Z",
        to="2026-11-01T00:00:00Z",
    ).json()
    assert window["total"] == 2 and {r["jobId"] for r in window["list"]} == {ids[1], ids[2]}
    since_only = api.get("/v1/tob/costs", pageNo=1, pageSize=10, since="2026-11-01").json()
    assert since_only["total"] == 2
    h.assert_error(
        api.get("/v1/tob/costs", pageNo=1, pageSize=10, since="last week"), 400, "Invalid_Argument"
    )

    monthly = api.get("/v1/tob/cost-monthly", pageNo=1, pageSize=2).json()
    assert monthly["total"] == 3
    assert monthly["list"] == [
        {"month": "2026-11", "cost": 1.5, "jobs": 2},
        {"month": "2026-10", "cost": 2.0, "jobs": 2},
    ]
    assert api.get("/v1/tob/cost-monthly", pageNo=2, pageSize=2).json()["list"] == [
        {"month": "2026-09", "cost": 1.0, "jobs": 1}
    ]


def test_moodboards(sim, api, h):
    created = []
    for i in range(3):
        resp = api.post(
            "/v1/tob/moodboard",
            {"name": f"board {i}", "description": "d", "images": ["https://example.com/a.png"]},
        )
        assert resp.status_code == 200
        created.append(resp.json())
    mb = created[0]
    assert mb["name"] == "board 0" and mb["images"] == ["https://example.com/a.png"]
    assert mb["createdAt"].endswith("Z") and mb["createdAt"] == mb["updatedAt"]
    upd = api.put("/v1/tob/moodboard/" + mb["id"], {"name": "renamed", "images": []})
    assert upd.status_code == 200
    assert upd.json()["name"] == "renamed" and upd.json()["images"] == []
    assert upd.json()["description"] == "d" and upd.json()["id"] == mb["id"]
    h.assert_error(api.put("/v1/tob/moodboard/nope", {"name": "x"}), 404, "Not_Found")
    h.assert_error(
        api.post("/v1/tob/moodboard", {"description": "no name"}), 400, "Invalid_Argument"
    )
    h.assert_error(
        api.post("/v1/tob/moodboard", {"name": "x", "images": ["not a url"]}),
        400,
        "Invalid_Argument",
    )
    listing = api.get("/v1/tob/moodboards", pageNo=1, pageSize=2).json()
    assert listing["total"] == 3 and len(listing["list"]) == 2
    assert listing["list"][0]["id"] == created[2]["id"]
    assert (
        api.get("/v1/tob/moodboards", pageNo=2, pageSize=2).json()["list"][0]["name"] == "renamed"
    )
    other = h.Api(sim, *sim.add_app())
    assert other.get("/v1/tob/moodboards").json()["total"] == 0
    h.assert_error(other.put("/v1/tob/moodboard/" + mb["id"], {"name": "x"}), 404, "Not_Found")


def test_callbacks_are_delivered_to_loopback_receivers(sim, api, h, receiver):
    job = api.submit("diffusion", {"text": "a fox", "callback": receiver.url})
    assert "callback" not in sim.created[-1]["body"]
    got = h.wait_until(lambda: receiver.bodies, what="the callback")
    assert len(got) == 1
    body = got[0]
    h.assert_job_shape(body)
    assert body["id"] == job["id"] and body["status"] == 2 and len(body["urls"]) == 4
    assert body == api.job(job["id"])
    # the callback-test endpoint re-sends it
    resp = api.post("/v1/tob/callback", {"jobId": job["id"]})
    assert resp.json() == {"jobId": job["id"], "sent": True}
    assert len(receiver.bodies) == 2 and receiver.bodies[1]["id"] == job["id"]
    h.assert_error(api.post("/v1/tob/callback", {"jobId": "0" * 32}), 404, "Not_Found")
    # failed jobs call back too
    sim.faults = Faults(fail=1.0, fail_comment="JobStatusTimeout")
    failed = api.submit("diffusion", {"text": "a fox", "callback": receiver.url})
    h.wait_until(lambda: len(receiver.bodies) == 3, what="the failure callback")
    assert receiver.bodies[2]["id"] == failed["id"] and receiver.bodies[2]["status"] == 3


def test_callbacks_to_other_hosts_are_skipped(sim, api):
    job = api.run("diffusion", {"text": "a fox", "callback": "https://example.com/hook"})
    resp = api.post("/v1/tob/callback", {"jobId": job["id"]})
    assert resp.json() == {"jobId": job["id"], "sent": False}
    no_cb = api.run("diffusion", {"text": "a fox"})
    assert api.post("/v1/tob/callback", {"jobId": no_cb["id"]}).json()["sent"] is False


def test_knobs_are_settable_at_runtime(api, sim):
    sim.job_seconds = 0.0
    assert sim.job_seconds == 0.0
    api.run("diffusion", {"text": "fast"})
    with pytest.raises(ValueError):
        sim.comment_style = "klingon"
    with pytest.raises(ValueError):
        Simulator(comment_style="klingon")
