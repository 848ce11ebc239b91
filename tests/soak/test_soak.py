"""Soak: 200 user actions against the simulator's fault injection, through the job cards.

Prints the figures; asserts that every job ends in the right terminal state in the card and in
the job store, that the simulator created no job twice for one user action, that the plan's
concurrency was never exceeded, and that no exception escaped to a thread.
"""

from __future__ import annotations

import collections
import threading
import time

import pytest

from youchuan_nb.client import Client
from youchuan_nb.notebook import JobCard
from youchuan_nb.notebook._session import Session, Settings
from youchuan_nb.sim import Faults, Simulator

pytestmark = pytest.mark.soak
N = 200


def test_soak_200_jobs_with_faults(tmp_path):
    escaped = []
    old_hook = threading.excepthook
    threading.excepthook = lambda args: escaped.append(args)
    faults = Faults(
        seed=7,
        busy=0.10,
        drop=0.05,
        slow=0.05,
        slow_seconds=0.3,
        success_before_urls=0.10,
        success_before_urls_seconds=0.3,
        fail=0.05,
        fail_comment=None,
        audit_reject=0.02,
    )
    started = time.monotonic()
    try:
        with Simulator(job_seconds=0.2, concurrency=12, balance=1e6, faults=faults) as sim:
            client = Client.for_service(
                sim,
                poll_interval=0.05,
                store=tmp_path / "jobs.sqlite3",
                cache_dir=tmp_path / "media",
                max_concurrent=12,
            )
            session = Session(client=client, settings=Settings(thumbnail_size=64))
            cards = []
            for i in range(N):
                card = JobCard.imagine(f"soak test prompt number {i} --v 7", session)
                cards.append(card)
            for card in cards:
                card.wait(120)
            elapsed = time.monotonic() - started

            states = collections.Counter(c.cards[0]["status"] for c in cards)
            created = sim.created
            by_id = collections.Counter(r["id"] for r in created)
            card_jobs = [c.cards[0]["job_id"] for c in cards if c.cards[0]["job_id"]]
            log = sim.request_log
            statuses = collections.Counter(status for _m, _p, status in log)
            print(
                f"\nsoak: {N} actions in {elapsed:.1f} s; card states {dict(states)}; "
                f"jobs created {len(created)}; HTTP statuses {dict(statuses)}; "
                f"poll errors absorbed {session.tracker.errors}"
            )

            assert set(states) <= {"finished", "failed", "unknown"}, states
            assert states["finished"] > N * 0.7
            # no job created twice for one user action, and no job the cards don't know
            assert max(by_id.values()) == 1
            assert len(card_jobs) == len(set(card_jobs)) == len(created)
            assert sorted(card_jobs) == sorted(r["id"] for r in created)
            # never more in flight than the plan allows: the simulator refused nothing with 429
            assert statuses.get(429, 0) == 0
            rejected_outputs = 0
            for card in cards:
                root = card.cards[0]
                record = sim.job_record(root["job_id"]) if root["job_id"] else None
                if root["status"] == "finished":
                    assert record["status"] == 2 and len(root["outputs"]) == 4
                    rejected_outputs += sum(o["rejected"] for o in root["outputs"])
                elif root["status"] == "failed":
                    assert record["status"] == 3
                    assert root["message"].startswith("The job failed")
                else:  # a dropped submit: the user is told it may or may not exist
                    assert record is None and "may have reached the service" in root["message"]
                stored = client.store.get(root["job_id"]) if root["job_id"] else None
                if stored is not None:
                    assert (
                        stored.state == {"finished": "finished", "failed": "failed"}[root["status"]]
                    )
            assert rejected_outputs > 0  # per-image moderation reached the cards
            unknown = client.store.list(limit=1000, state="unknown")
            assert len(unknown) == states["unknown"]
    finally:
        threading.excepthook = old_hook
    assert not escaped, [str(a.exc_value) for a in escaped]
