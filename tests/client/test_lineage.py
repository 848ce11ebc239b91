"""Lineage survives restarts: a client that only has the job store rebuilds the whole tree."""

from __future__ import annotations

from youchuan_nb.client import Client
from youchuan_nb.sim import Simulator


def _tree_ids(client, root):
    return [(job.id, depth) for job, depth in client.tree(root)]


def test_a_new_client_sees_the_whole_tree_from_the_store(tmp_path):
    store, media = tmp_path / "jobs.sqlite3", tmp_path / "media"
    with Simulator(job_seconds=0.1, processes=False) as sim:
        first = Client.for_service(sim, poll_interval=0.05, store=store, cache_dir=media)
        root = first.diffusion("a fox --v 7").wait(30)
        up = root.upscale(1).wait(30)
        vary = root.vary(2).wait(30)
        pan = vary.pan(0, "left").wait(30)
        expected = [(root.id, 0), (up.id, 1), (vary.id, 1), (pan.id, 2)]
        assert _tree_ids(first, root) == expected
        # a restart: another client on the same store, which has never seen these jobs
        later = Client.for_service(sim, poll_interval=0.05, store=store, cache_dir=media)
        again = later.job(root.id)
        assert again is not root and again.children == []
        assert _tree_ids(later, again) == expected
        later_pan = later.tree(again)[-1][0]
        assert later_pan.parent is not None and later_pan.parent.id == vary.id
        assert later_pan.label == pan.label and later_pan.facts() == pan.facts()
        first.store.close()
        later.store.close()


def test_the_tree_comes_from_the_store_when_the_service_forgot_the_jobs(tmp_path):
    store, media = tmp_path / "jobs.sqlite3", tmp_path / "media"
    with Simulator(job_seconds=0.1, processes=False) as sim:
        first = Client.for_service(sim, poll_interval=0.05, store=store, cache_dir=media)
        root = first.diffusion("an owl").wait(30)
        child = root.upscale(0).wait(30)
        first.store.close()
    with Simulator(job_seconds=0.1, processes=False) as empty:  # knows none of them
        later = Client.for_service(empty, poll_interval=0.05, store=store, cache_dir=media)
        again = later.job(root.id)
        assert again.ok and again.urls == root.urls
        assert [j.id for j, _ in later.tree(again)] == [root.id, child.id]
        later.store.close()


def test_a_job_from_the_store_keeps_when_it_was_submitted_and_ended(tmp_path):
    """After a restart a job is rebuilt from the store (or looked up by id): it keeps its own
    submit and end times, not the moment it was looked up (a card showed "0s" for every job
    brought back, and an old running job's elapsed time started again from zero)."""
    import sqlite3

    store, media = tmp_path / "jobs.sqlite3", tmp_path / "media"
    with Simulator(job_seconds=0.1, processes=False) as sim:
        first = Client.for_service(sim, poll_interval=0.05, store=store, cache_dir=media)
        root = first.diffusion("a heron --v 7").wait(30)
        first.store.close()
        with sqlite3.connect(store) as db:  # as if it had been made an hour ago, in 90 s
            db.execute(
                "UPDATE jobs SET created_at=created_at-3600, finished_at=created_at-3510"
                " WHERE job_id=?",
                (root.id,),
            )
        rec = Client.for_service(sim, store=store, cache_dir=media).store.get(root.id)
        assert rec is not None and rec.finished_at is not None
        for later in (
            Client.for_service(sim, store=store, cache_dir=media).job_from_store(root.id),
            Client.for_service(sim, store=store, cache_dir=media).job(root.id),
        ):
            assert later is not None and later.done
            assert later.submitted_at == rec.created_at
            assert later.finished_at == rec.finished_at
            assert round(later.finished_at - later.submitted_at) == 90
