"""The doctor over real HTTP: every step against the simulator, one-line fixes for failures."""

from __future__ import annotations

import json
import socket

from youchuan_nb.client import Client, run_doctor


def _names(report):
    return {c.name: c.ok for c in report.checks}


def test_every_step_passes_on_the_simulator_and_nothing_is_paid(sim, tmp_path):
    client = Client.for_service(sim, store=False, poll_interval=0.05)
    report = run_doctor(client, capture_dir=tmp_path)
    assert report.ok, str(report)
    assert _names(report) == {
        "service": True,
        "reachable": True,
        "credentials": True,
        "plan": True,
        "balance": True,
        "concurrency": True,
        "costs": True,
        "moodboards": True,
    }
    assert sim.created == []
    with open(report.capture, encoding="utf-8") as f:
        text = f.read()
    assert [a["step"] for a in json.loads(text)["answers"]] == ["subscribe", "costs", "moodboards"]
    assert sim.secret not in text


def test_the_job_step_makes_one_draft_job_and_follows_it(sim, tmp_path):
    client = Client.for_service(sim, store=False, poll_interval=0.05)
    report = run_doctor(client, job=True, capture_dir=tmp_path, timeout=60)
    assert _names(report)["job"] is True, str(report)
    assert len(sim.created) == 1 and "--draft" in sim.created[0]["body"]["text"]


def test_refused_credentials_say_what_to_fix(recorder, tmp_path):
    recorder.script.append(
        (401, {"code": 401, "reason": "Invalid_App_Identifier", "message": "bad app"}, {})
    )
    report = run_doctor(recorder.client(max_retries=0), capture_dir=tmp_path)
    failed = [c for c in report.checks if c.ok is False]
    assert [c.name for c in failed] == ["credentials"]
    assert "YOUCHUAN_APP_ID" in failed[0].line() and not report.ok


def test_an_unreachable_service_says_so(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    client = Client(
        "app",
        "secret-xyz",
        f"http://127.0.0.1:{port}",
        store=False,
        max_retries=0,
        max_concurrent=3,
    )
    report = run_doctor(client, capture_dir=tmp_path)
    assert [c.name for c in report.checks if c.ok is False] == ["reachable"]
    assert "YOUCHUAN_BASE_URL" in str(report)


def test_answers_of_unknown_shape_are_flagged_not_guessed(recorder, tmp_path):
    recorder.script.append((200, {"code": 0, "data": {"what": "no balance here"}}, {}))
    report = run_doctor(recorder.client(), capture_dir=tmp_path)
    checks = _names(report)
    assert checks["balance"] is None and checks["concurrency"] is None and report.ok
    assert "please report the capture" in str(report)
