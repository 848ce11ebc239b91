"""The simulator's state on disk (``state_dir``), over real HTTP: jobs outlive a restart, their
media are served on the new port, follow-ups on them work, two simulators on one folder see
each other's jobs, and media past the size bound are pruned (and drawn again on demand)."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
import types
from pathlib import Path

from youchuan_nb.sim import Simulator

FAST = {"job_seconds": 0.1, "processes": False, "concurrency": 50}


def media_files(folder: Path) -> list[Path]:
    return [p for p in (folder / "media").glob("*/*.*") if not p.name.startswith(".")]


def test_a_restart_keeps_jobs_media_credentials_and_follow_ups(tmp_path, h):
    folder = tmp_path / "state"
    with Simulator(state_dir=folder, **FAST) as first:
        api = h.Api(first)
        grid = api.run("diffusion", {"text": "a lighthouse at dusk --ar 3:2 --v 7"})
        draft = api.run("diffusion", {"text": "a quick sketch --draft --v 7"})
        image = api.media(grid["urls"][1]).content
        board = api.post("/v1/tob/moodboard", {"name": "coast", "images": []}).json()
        app_id, secret, balance = first.app_id, first.secret, first.balance
        assert balance < 1000
        api.close()

    with Simulator(state_dir=folder, **FAST) as second:
        assert (second.app_id, second.secret) == (app_id, secret)
        assert second.balance == balance
        api = h.Api(second)
        again = api.job(grid["id"])
        assert again["status"] == 2 and again["cost"] == grid["cost"]
        assert len(again["urls"]) == 4
        assert all(u.startswith(second.url + "/media/") for u in again["urls"])
        assert api.media(again["urls"][1]).content == image

        up = api.run("upscale", {"jobId": grid["id"], "imageNo": 1, "type": 0})
        w, h_ = h.png_size(image)
        assert h.png_size(api.media(up["urls"][0]).content) == (2 * w, 2 * h_)
        facts = second.job_record(up["id"])["facts"]
        assert (facts.action, facts.model, facts.draft, facts.outputs) == ("upscale", "7", False, 1)
        # the draft flag survived the restart: enhance is allowed on the draft grid only
        assert api.run("enhance", {"jobId": draft["id"], "imageNo": 0})["status"] == 2
        h.assert_error(
            api.post("/v1/tob/enhance", {"jobId": grid["id"], "imageNo": 0}), 405, "Not_Support"
        )

        costs = api.get("/v1/tob/costs", pageNo=1, pageSize=50).json()
        assert {grid["id"], draft["id"], up["id"]} <= {r["jobId"] for r in costs["list"]}
        boards = api.get("/v1/tob/moodboards", pageNo=1, pageSize=10).json()["list"]
        assert [b["id"] for b in boards] == [board["id"]]
        api.close()


def test_the_folder_keeps_secrets_private(tmp_path):
    folder = tmp_path / "state"
    with Simulator(state_dir=folder, **FAST) as sim:
        assert sim.secret not in repr(sim)
    for name in ("credentials.json", "simulator.sqlite3"):
        mode = stat.S_IMODE((folder / name).stat().st_mode)
        assert mode == 0o600, (name, oct(mode))


def test_a_job_unfinished_at_a_stop_completes_after_the_restart(tmp_path, h):
    folder = tmp_path / "state"
    with Simulator(state_dir=folder, job_seconds=1.0, processes=False) as first:
        api = h.Api(first)
        grid = api.run("diffusion", {"text": "a slow river"})
        job = api.submit("variation", {"jobId": grid["id"], "imageNo": 0, "type": 1})
        api.close()
    with Simulator(state_dir=folder, **FAST) as second:
        api = h.Api(second)
        done = api.wait(job["id"])
        assert done["status"] == 2 and len(done["urls"]) == 4
        assert api.media(done["urls"][3]).status_code == 200
        assert second.running() == 0
        api.close()


def test_two_simulators_on_one_folder_share_jobs_and_balance(tmp_path, h):
    folder = tmp_path / "state"
    with Simulator(state_dir=folder, **FAST) as a, Simulator(state_dir=folder, **FAST) as b:
        assert (a.app_id, a.secret) == (b.app_id, b.secret)
        api_a, api_b = h.Api(a), h.Api(b)
        grid = api_a.submit("diffusion", {"text": "a shared garden"})
        seen = api_b.wait(grid["id"])  # b reads a's job (and its completion) from the database
        assert seen["status"] == 2 and seen["urls"][0].startswith(b.url)
        assert (
            api_b.media(seen["urls"][0]).content
            == api_a.media(api_a.job(grid["id"])["urls"][0]).content
        )
        var = api_b.run("variation", {"jobId": grid["id"], "imageNo": 2, "type": 0})
        assert api_a.wait(var["id"])["status"] == 2

        # concurrent submits through both: every charge lands once, nothing is lost
        before = a.balance
        ids: list[str] = []
        errors: list[BaseException] = []

        def submit(api, i):
            try:
                ids.append(api.submit("diffusion", {"text": f"burst {i}"})["id"])
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [
            threading.Thread(target=submit, args=(api_a if i % 2 else api_b, i)) for i in range(12)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert not errors and len(set(ids)) == 12
        assert abs(a.balance - (before - 12.0)) < 1e-6 and a.balance == b.balance
        for api in (api_a, api_b):
            listed = {
                r["jobId"] for r in api.get("/v1/tob/costs", pageNo=1, pageSize=100).json()["list"]
            }
            assert set(ids) | {grid["id"], var["id"]} <= listed
        api_a.close()
        api_b.close()


def test_media_past_the_bound_are_pruned_and_drawn_again(tmp_path, h):
    prompts = [f"a pruned meadow {i}" for i in range(4)]
    with Simulator(**FAST) as measure:  # the same seeds in a fresh simulator: the same bytes
        api = h.Api(measure)
        first = api.run("diffusion", {"text": prompts[0]})
        measured = [api.media(u).content for u in first["urls"]]
        api.close()
    job_bytes = sum(len(data) for data in measured)
    bound = int(job_bytes * 2.5)
    folder = tmp_path / "state"
    with Simulator(state_dir=folder, max_media_bytes=bound, **FAST) as sim:
        api = h.Api(sim)
        grids, originals = [], []
        for prompt in prompts:
            grids.append(api.run("diffusion", {"text": prompt}))
            for url in grids[-1]["urls"]:  # drawn (or waited for) in creation order
                originals.append(api.media(url).content)
        assert originals[:4] == measured  # drawing is deterministic
        files = media_files(folder)
        largest = max(p.stat().st_size for p in files)
        assert sum(p.stat().st_size for p in files) <= bound + largest
        assert not any(grids[0]["id"] in str(p) for p in files)  # the oldest went first
        # a pruned image is drawn again when asked for, byte for byte the same
        assert [api.media(u).content for u in grids[0]["urls"]] == originals[:4]
        assert sum(p.stat().st_size for p in media_files(folder)) <= bound + largest


def test_the_standalone_simulator_uses_the_folder(tmp_path, h):
    """``python -m youchuan_nb.sim --state-dir``: another process makes a job; a simulator
    started here after that process ended answers it from the same folder."""
    folder = tmp_path / "state"
    env = {k: v for k, v in os.environ.items() if not k.startswith("YOUCHUAN_")}
    command = [sys.executable, "-m", "youchuan_nb.sim", "--port", "0", "--job-seconds", "0.1",
               "--state-dir", str(folder)]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)  # fmt: skip
    try:
        assert proc.stdout is not None
        url = ""
        for line in proc.stdout:
            if "running at" in line:
                url = line.split("running at", 1)[1].strip()
                break
        assert url.startswith("http://127.0.0.1:"), url
        other = Simulator(state_dir=folder, **FAST)  # reads the credentials the process saved
        remote = h.Api(types.SimpleNamespace(url=url, app_id=other.app_id, secret=other.secret))
        job = remote.run("diffusion", {"text": "made by another process"})
        remote.close()
    finally:
        proc.send_signal(signal.SIGINT)  # our own child: it stops as on Ctrl-C
        proc.communicate(timeout=60)
    with other:
        api = h.Api(other)
        again = api.job(job["id"])
        assert again["status"] == 2 and again["urls"][0].startswith(other.url)
        assert h.png_size(api.media(again["urls"][0]).content) == (1024, 1024)
        api.close()


def test_temp_option_uses_a_fresh_folder(tmp_path):
    from youchuan_nb.sim.__main__ import parse_args, state_folder

    args = parse_args(["--temp"])
    with state_folder(args) as folder:
        assert folder is not None and Path(folder).is_dir() and not any(Path(folder).iterdir())
    assert not Path(folder).exists()
    with state_folder(parse_args(["--state-dir", str(tmp_path / "x")])) as folder:
        assert Path(folder) == tmp_path / "x"
    with state_folder(parse_args([])) as folder:
        assert folder is None


def test_the_built_in_simulator_keeps_its_state_in_the_home_folder(tmp_path, monkeypatch):
    from youchuan_nb._offline import simulator_state_dir

    monkeypatch.setenv("YOUCHUAN_NB_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("YOUCHUAN_SIM_STATE_DIR", raising=False)
    assert simulator_state_dir() == tmp_path / "home" / "simulator"
    monkeypatch.setenv("YOUCHUAN_SIM_STATE_DIR", str(tmp_path / "elsewhere"))
    assert simulator_state_dir() == tmp_path / "elsewhere"
    for memory in ("", "none", "None"):
        monkeypatch.setenv("YOUCHUAN_SIM_STATE_DIR", memory)
        assert simulator_state_dir() is None


def test_a_client_follows_up_its_job_after_the_restart(tmp_path):
    """The kernel-restart story: a client (with its job store) and the simulator both restart;
    the old job is found, its follow-up works and both sides agree on its facts."""
    from youchuan_nb.client import Client

    folder, store = tmp_path / "state", tmp_path / "jobs.sqlite3"
    kw = {"store": store, "poll_interval": 0.05, "cache_dir": tmp_path / "media"}
    with Simulator(state_dir=folder, **FAST) as sim:
        client = Client.for_service(sim, **kw)
        grid = client.diffusion("a tower by the sea --v 6.1 --ar 2:3").wait(60)
        assert grid.ok
        client.store.close()
    with Simulator(state_dir=folder, **FAST) as sim:
        client = Client.for_service(sim, **kw)
        old = client.job(grid.id)
        up = old.upscale(0).wait(60)
        assert up.ok and len(up.urls) == 1 and up.urls[0].startswith(sim.url)
        assert up.made_facts() == sim.job_record(up.id)["facts"]
        assert up.made_facts().model == "6.1"
        assert up.download(tmp_path / "out")[0].stat().st_size > 0
        client.store.close()
