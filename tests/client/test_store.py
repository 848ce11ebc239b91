"""The local job store: the lifecycle of a record, and several processes writing at once."""

from __future__ import annotations

import itertools
import multiprocessing as mp
import sqlite3

import pytest

from youchuan_nb.client import Client, JobStore
from youchuan_nb.sim import Faults

PER_PROCESS = 60


def _writer(path: str, tag: str, barrier, count: int) -> None:
    store = JobStore(path)
    barrier.wait(30)  # both processes start writing at the same moment
    for i in range(count):
        local = store.record_submit(
            base_url="http://sim",
            endpoint="diffusion",
            params={"text": f"{tag} {i}", "callback": "https://x/cb"},
        )
        job = {"id": f"{tag}-{i}", "status": 0, "comment": "JobStatusCreated", "urls": []}
        store.record_accepted(local, job)
        store.record_job(
            {
                **job,
                "status": 2,
                "comment": "JobStatusSuccess",
                "urls": [f"http://sim/{tag}/{i}.png"],
            }
        )
    store.close()


def test_two_processes_writing_the_same_store_lose_nothing(tmp_path):
    path = str(tmp_path / "shared.sqlite3")
    JobStore(path).close()
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(2)
    procs = [
        ctx.Process(target=_writer, args=(path, tag, barrier, PER_PROCESS)) for tag in ("a", "b")
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    store = JobStore(path)
    records = list(store)
    assert store.count() == 2 * PER_PROCESS == len(records)
    ids = {r.job_id for r in records}
    assert ids == {f"{t}-{i}" for t in "ab" for i in range(PER_PROCESS)}
    assert all(r.state == "finished" and r.status == 2 and len(r.raw["urls"]) == 1 for r in records)
    assert all("callback" not in r.params for r in records)
    # the writes really interleaved (neither process simply ran after the other)
    order = [r.job_id[0] for r in sorted(records, key=lambda r: r.created_at)]
    switches = sum(1 for x, y in itertools.pairwise(order) if x != y)
    assert switches >= 1


def test_record_lifecycle(tmp_path):
    store = JobStore(tmp_path / "s.sqlite3")
    local = store.record_submit(
        base_url="http://x",
        endpoint="upscale",
        params={"jobId": "p", "imageNo": 1, "type": 0},
        parent_id="p",
        image_no=1,
    )
    rec = store.get_local(local)
    assert rec.state == "submitting" and rec.job_id is None and rec.image_no == 1
    store.record_accepted(local, {"id": "j1", "status": 0, "comment": "JobStatusCreated"})
    assert store.get("j1").state == "submitted" and store.get("j1").status == 0
    store.record_job({"id": "j1", "status": 2, "comment": "JobStatusSuccess", "urls": []})
    assert store.get("j1").state == "submitted", "success without urls is not finished yet"
    store.record_job({"id": "j1", "status": 2, "comment": "JobStatusSuccess", "urls": ["u"]})
    rec = store.get("j1")
    assert rec.state == "finished" and rec.finished_at is not None
    store.record_media("j1", ["/tmp/a.png"])
    assert store.get("j1").media == ["/tmp/a.png"]
    assert [r.job_id for r in store.list(parent_id="p")] == ["j1"]
    # a job first seen by id is inserted
    store.record_job({"id": "other", "status": 3, "comment": "JobStatusFail"}, base_url="http://x")
    assert store.get("other").state == "failed" and store.count() == 2
    assert [r.job_id for r in store.list(state="failed")] == ["other"]


def test_the_client_records_before_sending_and_updates_after(sim, client):
    job = client.diffusion("a fox", callback="https://example.com/cb")
    rec = client.store.get(job.id)
    assert rec is not None and rec.state == "submitted" and rec.endpoint == "diffusion"
    assert rec.params == {"text": "a fox"}, "the callback URL is not stored"
    job.wait(10)
    rec = client.store.get(job.id)
    assert rec.state == "finished" and rec.status == 2 and rec.raw["urls"] == job.urls
    job.download()
    assert len(client.store.get(job.id).media) == 4


def test_refused_and_failed_jobs_are_recorded(sim, client):
    from youchuan_nb.client import JobFailedError, SensitivePromptError

    with pytest.raises(SensitivePromptError):
        client.diffusion("a forbidden word")
    sim.faults = Faults(fail=1.0, fail_comment="JobStatusBadPrompt")
    failed = client.diffusion("a fox")
    with pytest.raises(JobFailedError):
        failed.wait(10)
    states = {r.params.get("text"): r.state for r in client.history()}
    assert states == {"a forbidden word": "refused", "a fox": "failed"}
    assert client.store.get(failed.id).comment == "JobStatusBadPrompt"


def test_the_store_is_a_readable_sqlite_file(sim, client):
    client.diffusion("a fox").wait(10)
    db = sqlite3.connect(client.store.path)
    (n,) = db.execute("SELECT COUNT(*) FROM jobs").fetchone()
    assert n == 1
    db.close()


def test_a_client_without_a_store(sim):
    c = Client.for_service(sim, store=False, max_concurrent=3, poll_interval=0.05)
    assert c.diffusion("a fox").wait(10).ok and c.history() == []
