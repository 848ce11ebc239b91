"""``Job``: status transitions, done/ok, refresh, wait, follow-ups, media, history, embedded sim."""

from __future__ import annotations

import time

import pytest

from youchuan_nb.client import Client, JobFailedError, JobTimeoutError
from youchuan_nb.sim import Faults, Simulator

PNG = b"\x89PNG\r\n\x1a\n"


def test_status_goes_queued_running_success(tmp_path):
    with Simulator(job_seconds=0.3, queue_seconds=0.2) as s:
        c = Client.for_service(s, store=False, max_concurrent=3, poll_interval=0.05)
        job = c.diffusion("a fox")
        assert job.status in (0, 1) and not job.done and not job.ok and job.urls == []
        seen = [job.status]
        job.on_change(lambda j: seen.append(j.status))
        assert job.wait(10) is job
        assert job.ok and job.done and not job.failed
        assert job.status == 2 and job.comment == "JobStatusSuccess"
        assert 1 in seen and seen[-1] == 2
        assert seen == sorted(seen), "status never goes back"
        assert job.status_name == "finished" and job.finished_at is not None


def test_refresh_reloads_from_the_service(sim, client, wait_until):
    job = client.diffusion("a fox")
    before = len(sim.request_log)
    assert job.refresh() is job
    assert len(sim.request_log) == before + 1
    assert sim.request_log[-1][:2] == ("GET", f"/v1/tob/job/{job.id}")
    wait_until(lambda: job.refresh().ok, what="the job to finish")
    assert job.raw["id"] == job.id and job.raw["urls"] == job.urls and job.text == "a fox"


def test_wait_timeout(tmp_path):
    with Simulator(job_seconds=30) as s:
        c = Client.for_service(s, store=False, max_concurrent=3, poll_interval=0.05)
        job = c.diffusion("a slow fox")
        started = time.monotonic()
        with pytest.raises(JobTimeoutError) as info:
            job.wait(timeout=0.3)
        assert 0.25 <= time.monotonic() - started < 2.0
        assert info.value.job is job and not job.done
        assert job.id in str(info.value)


def test_a_failed_job_makes_wait_raise_with_the_job_and_comment(sim, client):
    sim.faults = Faults(fail=1.0, fail_comment="JobStatusTextReject")
    job = client.diffusion("a fox")
    with pytest.raises(JobFailedError) as info:
        job.wait(10)
    exc = info.value
    assert exc.job is job and exc.comment == "JobStatusTextReject"
    assert "JobStatusTextReject" in str(exc)
    assert job.done and job.failed and not job.ok and job.status == 3
    assert job.reason and "not charged" in job.reason
    assert job.wait(1, raise_on_failure=False) is job
    with pytest.raises(JobFailedError):
        job.download()


def test_client_job_by_id_from_another_client(sim, client):
    job = client.diffusion("an owl").wait(10)
    other = Client.for_service(sim, store=False, max_concurrent=3)
    same = other.job(job.id)
    assert same is not job and same.id == job.id and same.ok and same.urls == job.urls
    assert client.job(job.id) is job


def test_follow_ups(sim, client, tmp_path):
    sim.concurrency = 12
    grid = client.diffusion("a lighthouse --ar 3:2").wait(10)
    w, h = 1024, 683
    assert [im.size for im in grid.images()] == [(w, h)] * 4
    mask = {"areas": [{"width": w, "height": h, "points": [0, 0, 300, 0, 300, 300]}]}
    children = {
        "upscale": grid.upscale(2, type="creative"),
        "variation": grid.vary(1, strong=True),
        "reroll": grid.reroll(),
        "pan": grid.pan(0, "right", scale=1.5),
        "outpaint": grid.zoom_out(3, scale=1.5),
        "inpaint": grid.inpaint(0, mask, remix_prompt="a boat"),
        "remix": grid.remix(1, "as a woodcut", mode="subtle"),
        "edit": grid.edit(
            0,
            {"width": 1024, "height": 1024},
            {"width": 512, "height": 341, "x": 10, "y": 10},
            "a frame",
        ),
    }
    bodies = {c["id"]: c for c in sim.created}
    expected = {
        "upscale": {"jobId": grid.id, "imageNo": 2, "type": 1},
        "variation": {"jobId": grid.id, "imageNo": 1, "type": 1},
        "reroll": {"jobId": grid.id},
        "pan": {"jobId": grid.id, "imageNo": 0, "direction": 1, "scale": 1.5},
        "outpaint": {"jobId": grid.id, "imageNo": 3, "scale": 1.5},
        "inpaint": {"jobId": grid.id, "imageNo": 0, "mask": mask, "remixPrompt": "a boat"},
        "remix": {"jobId": grid.id, "imageNo": 1, "remixPrompt": "as a woodcut", "mode": 1},
    }
    for action, child in children.items():
        assert child.action == action and child.parent is grid and child.parent_id == grid.id
        assert bodies[child.id]["endpoint"] == action
        if action in expected:
            assert bodies[child.id]["body"] == expected[action]
        assert child in grid.children
    sizes = {a: [im.size for im in j.wait(20).images()] for a, j in children.items()}
    assert sizes["upscale"] == [(2 * w, 2 * h)]
    assert sizes["variation"] == [(w, h)] * 4 and sizes["reroll"] == [(w, h)] * 4
    assert sizes["pan"] == [(1536, h)] * 4
    assert sizes["outpaint"] == [(1536, 1024)] * 4
    assert "of image 3 of job" in children["upscale"].label


def test_enhance_and_video_follow_ups(sim, client, tmp_path):
    draft = client.diffusion("a teapot --draft --v 7").wait(10)
    enhanced = draft.enhance(1)
    video = draft.animate(0, "steam rises --bs 2", motion="high", resolution="720p")
    assert sim.created[-1]["body"] == {
        "jobId": draft.id,
        "imageNo": 0,
        "prompt": "steam rises --bs 2 --motion high",
        "videoType": 1,
    }
    assert enhanced.wait(10).ok and len(enhanced.urls) == 1
    video.wait(30)
    assert video.is_video and len(video.urls) == 2
    ext = video.extend(1, "the lid lifts")
    hd = video.upscale_video(0)
    assert sim.created[-2]["body"] == {"jobId": video.id, "videoNo": 1, "prompt": "the lid lifts"}
    assert sim.created[-1]["body"] == {"jobId": video.id, "videoNo": 0}
    ext.wait(30)
    hd.wait(30)
    paths = video.download(tmp_path / "videos")
    assert len(paths) == 2
    for p in paths:
        data = p.read_bytes()
        assert p.parent == tmp_path / "videos" and p.suffix == ".mp4"
        assert data[4:8] == b"ftyp" and len(data) > 1000
    import av

    with av.open(str(hd.download(tmp_path / "hd")[0])) as container:
        assert container.streams.video[0].height == 1080
    with av.open(str(paths[0])) as container:
        assert container.streams.video[0].height == 720
    assert video.images() == []  # videos are not images
    with pytest.raises(ValueError, match="motion"):
        draft.animate(0, motion="wild")


def test_download_writes_real_png_files(sim, client, tmp_path):
    job = client.diffusion("a fox --ar 16:9").wait(10)
    paths = job.download(tmp_path / "out")
    assert len(paths) == 4 and len(set(paths)) == 4
    for p in paths:
        assert p.exists() and p.parent == tmp_path / "out" and p.suffix == ".png"
        assert p.read_bytes()[:8] == PNG
    from PIL import Image

    with Image.open(paths[0]) as im:
        assert im.size == (1024, 576)
    ims = job.images()
    assert [im.size for im in ims] == [(1024, 576)] * 4
    assert len({im.tobytes()[:4096] for im in ims}) == 4, "four distinct images"
    cached = job.cached_paths()
    assert all(p is not None and p.is_relative_to(client.media.folder) for p in cached)


def test_history_in_the_store(sim, client):
    a = client.diffusion("first fox").wait(10)
    b = a.upscale(0).wait(10)
    history = client.history()
    assert [r.job_id for r in history] == [b.id, a.id]
    assert [r.state for r in history] == ["finished", "finished"]
    assert history[0].endpoint == "upscale" and history[0].parent_id == a.id
    assert history[0].params == {"jobId": a.id, "imageNo": 0, "type": 0}
    assert history[1].params == {"text": "first fox"} and history[1].raw["urls"] == a.urls


def test_client_with_no_credentials_uses_the_embedded_simulator(_youchuan_env):
    c = Client(poll_interval=0.05, max_concurrent=3)
    assert c.simulator is not None and c.is_simulator
    assert c.base_url.startswith("http://127.0.0.1:") and "(simulator)" in repr(c)
    assert c.simulator.job_seconds == 0.2  # YOUCHUAN_SIM_JOB_SECONDS from the test env
    assert str(c.store.path).startswith(str(_youchuan_env))  # YOUCHUAN_NB_HOME
    job = c.diffusion("a fox in the embedded simulator").wait(10)
    assert job.ok and len(job.urls) == 4
    assert Client(max_concurrent=3).simulator is c.simulator, "one per process"
