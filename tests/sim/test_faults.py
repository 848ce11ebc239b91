"""Seeded fault injection: reproducible, and submit faults never create a job (except the
deliberately ambiguous drop_after_create)."""

from __future__ import annotations

import time

import pytest
import requests

from youchuan_nb.contract.errors import FAILURE_COMMENTS
from youchuan_nb.sim import AUDIT_REJECTION, Faults, Simulator


def _statuses(h, seed: int, n: int = 40) -> list[int]:
    faults = Faults(seed=seed, busy=0.25, server_error=0.15, drop=0.1)
    with Simulator(faults=faults) as sim:
        api = h.Api(sim)
        out = []
        for _ in range(n):
            try:
                out.append(api.get("/v1/tob/subscribe").status_code)
            except requests.ConnectionError:
                out.append(0)
        assert [s for _, _, s in sim.request_log] == out  # the log agrees with what we saw
        return out


def test_request_faults_are_reproducible_with_a_seed(h):
    first, again, other = _statuses(h, 7), _statuses(h, 7), _statuses(h, 8)
    assert first == again
    assert first != other
    assert {0, 200, 500, 503} <= set(first)  # every kind happened at these rates


def test_fault_rates_roughly_match(h):
    faults = Faults(seed=1, busy=0.3)
    outcomes = [faults.for_request(False).outcome for _ in range(2000)]
    assert 0.25 < outcomes.count("busy") / 2000 < 0.35
    assert outcomes.count(None) + outcomes.count("busy") == 2000


def test_submit_faults_never_create_a_job(sim, api, h):
    sim.faults = Faults(seed=3, busy=1.0)
    h.assert_error(api.post("/v1/tob/diffusion", {"text": "a fox"}), 503, "Server_Busy")
    sim.faults = Faults(seed=3, server_error=1.0)
    h.assert_error(api.post("/v1/tob/diffusion", {"text": "a fox"}), 500, "Internal_Server_Error")
    sim.faults = Faults(seed=3, drop=1.0)
    with pytest.raises(requests.ConnectionError):
        api.post("/v1/tob/diffusion", {"text": "a fox"})
    assert sim.count("diffusion") == 0 and sim.created == []
    assert sim.request_log[-1] == ("POST", "/v1/tob/diffusion", 0)
    sim.faults = None
    assert api.get("/v1/tob/subscribe").json()["balance"] == 1000.0


def test_drop_after_create_is_the_ambiguous_case(sim, api):
    sim.faults = Faults(drop_after_create=1.0)
    with pytest.raises(requests.ConnectionError):
        api.post("/v1/tob/diffusion", {"text": "a fox"})
    assert sim.count("diffusion") == 1
    job_id = sim.created[0]["id"]
    sim.faults = None
    assert api.wait(job_id)["status"] == 2  # the job exists and finishes
    assert api.get("/v1/tob/subscribe").json()["balance"] == 999.0


def test_on_submit_and_on_poll_select_where_faults_apply(sim, api, h):
    sim.faults = Faults(busy=1.0, on_submit=False)
    job = api.submit("diffusion", {"text": "a fox"})
    h.assert_error(api.get("/v1/tob/job/" + job["id"]), 503, "Server_Busy")
    sim.faults = Faults(busy=1.0, on_poll=False)
    h.assert_error(api.post("/v1/tob/diffusion", {"text": "a fox"}), 503, "Server_Busy")
    assert api.job(job["id"])["id"] == job["id"]
    # media URLs are never faulted (they are a CDN, not the API)
    sim.faults = Faults(busy=1.0)
    urls = h.wait_until(lambda: sim.job_record(job["id"])["urls"], what="media")
    assert api.media(urls[0]).status_code == 200


def test_slow_delays_the_answer(sim, api):
    sim.faults = Faults(slow=1.0, slow_seconds=0.4)
    t0 = time.monotonic()
    assert api.get("/v1/tob/subscribe").status_code == 200
    assert time.monotonic() - t0 >= 0.4


def test_success_before_urls(sim, api, h):
    sim.faults = Faults(success_before_urls=1.0, success_before_urls_seconds=0.6)
    job = api.submit("diffusion", {"text": "a fox"})
    early = h.wait_until(lambda: (j := api.job(job["id"]))["status"] == 2 and j, what="status 2")
    assert early["urls"] == [] and early["audits"] == []
    late = api.wait(job["id"])
    assert late["status"] == 2 and len(late["urls"]) == 4


def test_audit_reject_marks_images_but_keeps_urls(sim, api):
    sim.faults = Faults(audit_reject=1.0)
    job = api.run("diffusion", {"text": "a fox"})
    assert len(job["urls"]) == 4 and job["audits"] == [AUDIT_REJECTION] * 4
    assert api.media(job["urls"][0]).status_code == 200
    sim.faults = Faults(seed=5, audit_reject=0.5)
    audits = [api.run("diffusion", {"text": f"fox {i}"})["audits"] for i in range(3)]
    flat = [a for row in audits for a in row]
    assert "" in flat and AUDIT_REJECTION in flat


def test_fail_with_seeded_comment(sim, api):
    sim.faults = Faults(seed=11, fail=1.0, fail_comment=None)
    comments = [
        api.wait(api.submit("diffusion", {"text": "a fox"})["id"])["comment"] for _ in range(3)
    ]
    assert all(c in FAILURE_COMMENTS for c in comments)
    sim.faults = Faults(seed=11, fail=1.0, fail_comment=None)
    again = [
        api.wait(api.submit("diffusion", {"text": "a fox"})["id"])["comment"] for _ in range(3)
    ]
    assert again == comments


def test_faults_validate_probabilities():
    with pytest.raises(ValueError):
        Faults(busy=1.5)
