"""The simulator plays the document's plan errors (``Simulator(plan=...)``), so code that
handles them can be tried offline: over real HTTP, through the client's error tree, with nothing
made or charged for a refused job."""

from __future__ import annotations

import pytest

from youchuan_nb.client import Client, YouchuanError
from youchuan_nb.sim import PLANS, Simulator


def _refusal(client, prompt):
    with pytest.raises(YouchuanError) as info:
        client.diffusion(prompt)
    return info.value


def test_each_plan_refuses_as_the_document_says(tmp_path):
    with Simulator(job_seconds=0.1, processes=False, plan="none") as sim:
        client = Client.for_service(sim, store=False, cache_dir=tmp_path)
        balance = sim.balance
        exc = _refusal(client, "a quiet harbour --v 7")
        assert (exc.status, exc.reason) == (403, "No_Avaliable_Plan"), exc
        assert "Subscribe to a plan" in str(exc.advice)
        assert sim.created == [] and sim.balance == balance  # nothing made, nothing charged
        sim.plan = "fast"
        exc = _refusal(client, "a quiet harbour --v 7 --relax")
        assert (exc.status, exc.reason) == (403, "Relax_Not_Allow"), exc
        assert client.diffusion("a quiet harbour --v 7").wait(30).ok  # fast still works
        sim.plan = "relax_used_up"
        exc = _refusal(client, "a quiet harbour at dusk --v 7 --relax")
        assert (exc.status, exc.reason) == (402, "No_More_Relax_Credit"), exc
        assert len(sim.created) == 1  # only the fast job was made
        sim.plan = "fast+relax"
        assert client.diffusion("a quiet harbour at night --v 7 --relax").wait(30).ok
        assert sim.balance < balance  # the jobs it made were charged


def test_a_plan_it_cannot_play_is_refused_at_once():
    with pytest.raises(ValueError, match="plan 'gold'"):
        Simulator(plan="gold")
    assert PLANS[0] == "fast+relax"  # the default: both speeds
