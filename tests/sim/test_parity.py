"""The client and the simulator derive a job's facts the same way (``contract.child_facts``):
walk lineages on a real simulator and compare the client's facts of every job with the
simulator's record of it."""

from __future__ import annotations

import pytest

from youchuan_nb.client import Client
from youchuan_nb.sim import Simulator


@pytest.fixture
def pair():
    with Simulator(job_seconds=0.05, processes=False, video_seconds=0.5, extend_seconds=0.3,
                   concurrency=20) as sim:  # fmt: skip
        client = Client.for_service(sim, store=False, poll_interval=0.05, max_concurrent=20)
        yield sim, client


def check(sim, job) -> None:
    job.wait(120)
    assert job.ok, (job.action, job.comment)
    assert job.made_facts() == sim.job_record(job.id)["facts"], job.action


def test_image_lineage_facts_agree(pair):
    sim, client = pair
    grid = client.diffusion("a harbour at dawn --v 7 --ar 3:2")
    check(sim, grid)
    draft = client.diffusion("a rough sketch --draft --v 7")
    check(sim, draft)
    for job in (
        grid.vary(0, strong=True),
        grid.upscale(1),
        grid.remix(2, "in winter --v 6.1"),
        grid.pan(3, "left"),
        draft.enhance(0),
        draft.upscale(0),
    ):
        check(sim, job)
    facts = sim.job_record(draft.enhance(1).wait(120).id)["facts"]
    assert (facts.action, facts.draft) == ("enhance", False)


def test_video_lineage_extensions_agree(pair):
    """The drift of code review §1.4: an extended video upscaled keeps its extension count."""
    sim, client = pair
    video = client.video_diffusion(prompt="a cat on a wall --bs 1")
    check(sim, video)
    extended = video.extend(0, "it jumps down")
    check(sim, extended)
    upscaled = extended.upscale_video(0)
    check(sim, upscaled)
    assert sim.job_record(upscaled.id)["extensions"] == 1 == upscaled.facts().extensions
