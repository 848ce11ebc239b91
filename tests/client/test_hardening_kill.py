"""kill -9 of the submitting process at random points (bounded, seeded): no job is lost and
none is billed twice by a re-run that asks the store first (what a notebook re-run does:
resume a recorded job, stop at a submit that may have created one, else submit)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time

from youchuan_nb.client import Client, YouchuanError
from youchuan_nb.sim import Faults

KILLS = 6
_CHILD = """
import sys
from youchuan_nb.client import Client
url, app, secret, store, prompt = sys.argv[1:6]
c = Client(app, secret, url, store=store, max_concurrent=50, timeout=30)
print("submitting", flush=True)
c.diffusion(prompt)
print("done", flush=True)
"""


def rerun(client: Client, prompt: str) -> str:
    """A re-run of the cell: what it did ("resumed", "may-exist" or "submitted")."""
    fields = {"text": prompt}
    if client.find_in_flight("diffusion", fields) is not None:
        return "resumed"
    if client.store.find("diffusion", fields, base_url=client.base_url):
        return "resumed"
    if client.maybe_created("diffusion", fields):
        return "may-exist"  # shown as "may exist: check before paying again"; not submitted
    client.diffusion(prompt)
    return "submitted"


def test_kill_9_at_random_points_loses_nothing_and_bills_nothing_twice(sim, tmp_path):
    sim.faults = Faults(slow=1.0, slow_seconds=0.8, on_poll=False)  # every create takes 0.8 s
    store = tmp_path / "shared.sqlite3"
    rng = random.Random(15)
    prompts = [f"a fox number {i}" for i in range(KILLS)]
    for prompt in prompts:
        child = subprocess.Popen(
            [
                sys.executable,
                "-c",
                textwrap.dedent(_CHILD),
                sim.url,
                sim.app_id,
                sim.secret,
                str(store),
                prompt,
            ],
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == b"submitting"
        time.sleep(rng.uniform(0.0, 1.2))  # before, during or after the create POST
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
        child.stdout.close()
    time.sleep(1.0)  # creates still sleeping in the simulator finish (and are billed)
    sim.faults = None
    client = Client.for_service(sim, store=store, max_concurrent=50, poll_interval=0.05)
    outcomes = {p: rerun(client, p) for p in prompts}
    again = {p: rerun(client, p) for p in prompts}  # a second re-run changes nothing
    created = {p: sum(1 for c in sim.created if c["body"].get("text") == p) for p in prompts}
    for p in prompts:
        assert created[p] <= 1, f"{p!r} billed twice: {outcomes[p]}"
        if outcomes[p] == "submitted":
            assert created[p] == 1
        if created[p] and outcomes[p] == "submitted":
            assert again[p] == "resumed"
        assert again[p] in ("resumed", "may-exist")
    # every job the service created is known to the store: as a job, or as "may exist"
    for c in sim.created:
        p = c["body"].get("text")
        rec = client.store.get(c["id"])
        assert rec is not None or client.maybe_created("diffusion", {"text": p}), p
    kinds = set(outcomes.values())
    print(f"\nkill -9 outcomes: {outcomes}")
    assert len(kinds) >= 2, f"the kills landed at different points: {outcomes}"
    try:
        client.store.close()
    except YouchuanError:  # pragma: no cover
        pass
