"""Client and simulator agree on every job's facts, at every node of real lineages.

Both derive facts with ``contract.child_facts``; this walks lineages over real HTTP (every
follow-up action, video chains, chains of five) and compares what the client derives, what a
second client that only has the job store derives after a "restart", and what the simulator
holds. A drift between the two sides (the 4-extensions-then-upscale bug) fails here.
"""

from __future__ import annotations

import pytest

from youchuan_nb.client import Client
from youchuan_nb.contract import JobFacts, refusal
from youchuan_nb.sim import Simulator

BOX = {"width": 32, "height": 32, "x": 0, "y": 0}
MASK = {"areas": [{"width": 64, "height": 64, "points": [0, 0, 30, 0, 30, 30]}]}


def sim_facts(sim: Simulator, job_id: str) -> JobFacts:
    rec = sim.job_record(job_id)
    assert rec is not None, job_id
    facts = rec["facts"]
    assert isinstance(facts, JobFacts)
    return facts.answered(rec["status"], len(rec["urls"]))


@pytest.fixture(scope="module")
def lineages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("parity")
    with Simulator(
        job_seconds=0.1, video_seconds=0.6, extend_seconds=0.3, concurrency=12, processes=False
    ) as sim:
        c = Client.for_service(
            sim,
            poll_interval=0.05,
            store=folder / "jobs.sqlite3",
            cache_dir=folder / "media",
            max_concurrent=12,
        )
        jobs: dict[str, object] = {}
        grid = jobs["grid"] = c.diffusion("a fox --v 7 --ar 3:2").wait(30)
        draft = jobs["draft"] = c.diffusion("a fox --draft --v 7").wait(30)
        niji = jobs["niji"] = c.diffusion("a fox --niji 6").wait(30)
        v81 = jobs["v81"] = c.diffusion("a fox --v 8.1").wait(30)
        follow = {
            "vary": lambda: grid.vary(0),
            "vary_strong_remix": lambda: grid.vary(1, strong=True, remix_prompt="a wolf --v 6.1"),
            "upscale": lambda: grid.upscale(0),
            "upscale_creative": lambda: grid.upscale(1, "creative"),
            "reroll": lambda: grid.reroll(),
            "pan": lambda: grid.pan(2, "left", 1.5),
            "zoom": lambda: grid.zoom_out(3, 1.5),
            "inpaint": lambda: grid.inpaint(0, MASK, remix_prompt="a hat"),
            "remix": lambda: grid.remix(0, "a wolf", mode="subtle"),
            "remix_own_model": lambda: grid.remix(1, "a wolf --niji 6"),
            "edit": lambda: grid.edit(0, {"width": 64, "height": 64}, BOX, "a hat"),
            "enhance": lambda: draft.enhance(0),
            "draft_vary": lambda: draft.vary(0),
            "draft_upscale": lambda: draft.upscale(0),
            "niji_upscale": lambda: niji.upscale(0),
            "v81_upscale": lambda: v81.upscale(0),
            "animate": lambda: grid.animate(0, "it moves --bs 1", motion="high"),
            "retexture": lambda: c.retexture(grid.urls[0], "made of glass --v 7"),
            "upload_paint": lambda: c.upload_paint(
                grid.urls[0], MASK, {"width": 64, "height": 64}, BOX, "a hat"
            ),
            "remove_bg": lambda: c.remove_background(grid.urls[0]),
        }
        made = {name: make() for name, make in follow.items()}
        for name, job in made.items():
            jobs[name] = job.wait(60)
        jobs["retexture_up"] = jobs["retexture"].upscale(0).wait(30)
        # a chain of five image steps, each from the one before
        node = grid
        for i, step in enumerate(
            (
                lambda j: j.vary(0),
                lambda j: j.pan(1, "up", 1.2),
                lambda j: j.remix(2, "a lynx"),
                lambda j: j.zoom_out(0, 1.2),
                lambda j: j.upscale(3),
            )
        ):
            node = jobs[f"chain{i + 1}"] = step(node).wait(30)
        # a video extended four times, then upscaled (the drift bug), and a text video
        video = jobs["video"] = c.video_diffusion(prompt="a cat walks --bs 1").wait(60)
        node = video
        for i in range(4):
            node = jobs[f"extend{i + 1}"] = node.extend(0, "and more").wait(60)
        jobs["extend4_up"] = node.upscale_video(0).wait(60)
        jobs["video_up"] = video.upscale_video(0).wait(60)
        assert all(j.ok for j in jobs.values()), {k: j for k, j in jobs.items() if not j.ok}
        # a second client on the same store, as after a kernel restart: lineage from the store
        later = Client.for_service(
            sim,
            poll_interval=0.05,
            store=folder / "jobs.sqlite3",
            cache_dir=folder / "media",
            max_concurrent=12,
        )
        yield sim, c, later, jobs
        for client in (c, later):
            client.store.close()


def test_every_node_has_the_simulators_facts(lineages):
    sim, _, _, jobs = lineages
    differ = {
        name: (job.facts(), sim_facts(sim, job.id))
        for name, job in jobs.items()
        if job.facts() != sim_facts(sim, job.id)
    }
    assert not differ, differ
    assert len(jobs) >= 35


def test_a_client_that_only_has_the_store_derives_the_same_facts(lineages):
    sim, _, later, jobs = lineages
    for name, job in jobs.items():
        again = later.job(job.id)
        assert again is not job
        assert again.facts() == sim_facts(sim, job.id), name
        assert again.parent_id == job.parent_id, name


def test_the_facts_that_matter(lineages):
    _, _, _, jobs = lineages
    facts = {name: job.facts() for name, job in jobs.items()}
    assert facts["extend4_up"].extensions == 4
    assert refusal("extend_video", facts["extend4_up"], 0) is not None
    assert refusal("extend_video", facts["extend3"], 0) is None
    assert facts["video_up"].extensions == 0
    assert facts["enhance"].draft is False and facts["draft_vary"].draft is True
    assert facts["draft_upscale"].draft is False
    assert facts["niji_upscale"].model == "niji 6"
    assert facts["remix_own_model"].model == "niji 6" and facts["remix"].model == "7"
    assert facts["vary_strong_remix"].model == "6.1"
    assert facts["v81_upscale"].outputs == 4 and facts["upscale"].outputs == 1
    assert facts["chain5"].model == "7" and facts["chain5"].action == "upscale"
    assert refusal("pan", facts["retexture"], 0) is not None
    assert refusal("upscale", facts["retexture"], 0) is None
