"""After a kernel restart: running jobs resume, finished ones render from the local cache."""

from __future__ import annotations

import pytest

from youchuan_nb.client import Client, JobStore, YouchuanError
from youchuan_nb.sim import Simulator


def test_running_job_resumes_in_a_new_client(tmp_path):
    store = tmp_path / "jobs.sqlite3"
    with Simulator(job_seconds=1.5) as sim:
        first = Client.for_service(
            sim, poll_interval=0.05, store=store, cache_dir=tmp_path / "media"
        )
        job = first.diffusion("a slow glacier --v 7")
        assert not job.done
        # a new kernel: a new client on the same store
        second = Client.for_service(
            sim, poll_interval=0.05, store=store, cache_dir=tmp_path / "media"
        )
        resumed = second.find_in_flight("diffusion", {"text": "a slow glacier --v 7"})
        assert resumed is not None and resumed.id == job.id and resumed.action == "diffusion"
        resumed.wait(30)
        assert resumed.ok and sim.count("diffusion") == 1
        assert JobStore(store).get(job.id).state == "finished"
        assert second.find_in_flight("diffusion", {"text": "a slow glacier --v 7"}) is None


def test_finished_job_renders_from_cache_when_the_service_is_gone(tmp_path):
    from youchuan_nb.notebook import JobCard
    from youchuan_nb.notebook._session import Session

    store = tmp_path / "jobs.sqlite3"
    with Simulator(job_seconds=0.2) as sim:
        client = Client.for_service(
            sim, poll_interval=0.05, store=store, cache_dir=tmp_path / "media"
        )
        job = client.diffusion("a lantern in fog --v 7").wait(30)
        assert len(job.cached_paths()) == 4
        url, app, secret = sim.url, sim.app_id, sim.secret
    # the simulator is gone (as after a kernel restart); a new client on the same store
    later = Client(app, secret, url, store=store, cache_dir=tmp_path / "media", max_retries=0)
    again = later.job(job.id)
    assert again.ok and again.urls == job.urls
    paths = again.cached_paths()
    assert [p.name for p in paths] == ["0.png", "1.png", "2.png", "3.png"]
    card = JobCard(Session(client=later))
    card.add_job(again)
    card.wait(30)
    assert card.cards[0]["status"] == "finished" and len(card.thumbs) == 4
    with pytest.raises(YouchuanError):
        later.job("never-seen")
