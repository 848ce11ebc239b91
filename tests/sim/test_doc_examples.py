"""The official document's own examples work (issue 11 item 4).

tests/sim/doc_examples/ex*.py are the document's 23 Python ``import requests`` examples, copied
verbatim by doc_examples/extract.py (each names its line in youchuan-open-api.zh.txt). Each is
run here unchanged except for the host, the credentials and the placeholder ids (a finished
grid, upscale, video or moodboard of the simulator, as the example needs), and must get a 2xx.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests

from youchuan_nb.sim import Simulator

HERE = Path(__file__).parent / "doc_examples"
EXAMPLES = sorted(HERE.glob("ex*.py"))
HOST = "https://ali.youchuan.cn"
# which finished job (or moodboard) stands for the example's placeholder id
# (enhance: "仅支持draft类型任务", only draft jobs, says the document)
NEEDS = {"ex03_upscale.py": "grid", "ex12_enhance.py": "draft", "ex22_moodboard.py": "moodboard"}
UPSCALED = ("pan", "outpaint", "inpaint", "remix", "edit")


def test_every_example_was_copied():
    assert len(EXAMPLES) == 23
    for path in EXAMPLES:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert re.fullmatch(r"# youchuan-open-api\.zh\.txt line \d+: .*", first), path.name


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    with Simulator(
        job_seconds=0.1, concurrency=50, video_seconds=1.0, extend_seconds=0.5, processes=False
    ) as sim:
        s = requests.Session()
        s.trust_env = False
        s.headers.update({"x-youchuan-app": sim.app_id, "x-youchuan-secret": sim.secret})

        def run(path: str, body: dict) -> str:
            resp = s.post(sim.url + path, json=body, timeout=10)
            assert resp.status_code == 200, resp.text
            job_id = resp.json()["id"]
            for _ in range(600):
                job = s.get(f"{sim.url}/v1/tob/job/{job_id}", timeout=10).json()
                if job["status"] >= 2 and (job["urls"] or job["status"] > 2):
                    assert job["status"] == 2, job
                    return job_id
                __import__("time").sleep(0.05)
            raise AssertionError(f"{path} never finished")

        grid = run("/v1/tob/diffusion", {"text": "a sunset over the mountains --v 7"})
        draft = run("/v1/tob/diffusion", {"text": "a sunset over the mountains --draft --v 7"})
        upscaled = run("/v1/tob/upscale", {"jobId": grid, "imageNo": 0, "type": 0})
        video = run("/v1/tob/video-diffusion", {"prompt": "waves at sunset"})
        mb = s.post(
            sim.url + "/v1/tob/moodboard",
            json={"name": "board", "images": ["https://example.com/a.jpg"]},
            timeout=10,
        ).json()
        ids = {
            "grid": grid,
            "draft": draft,
            "upscaled": upscaled,
            "video": video,
            "moodboard": str(mb["id"]),
        }
        yield sim, ids
        s.close()


def kind_for(name: str) -> str:
    if name in NEEDS:
        return NEEDS[name]
    if "video" in name:
        return "video"
    return "upscaled" if any(f"_{e}" in name for e in UPSCALED) else "grid"


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_document_example_gets_2xx(world, path, monkeypatch, capsys):
    sim, ids = world
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    source = path.read_text(encoding="utf-8")
    assert HOST in source
    placeholder = ids[kind_for(path.name)]
    code = (
        source.replace(HOST, sim.url)
        .replace("YOUR_APP_ID", sim.app_id)
        .replace("YOUR_SECRET_KEY", sim.secret)
        .replace('"12345"', f'"{placeholder}"')
        .replace('"existing_job_id"', f'"{ids["video"]}"')
    )
    namespace: dict = {"__name__": "doc_example"}
    exec(compile(code, str(path), "exec"), namespace)  # the document's own code
    response = namespace["response"]
    assert 200 <= response.status_code < 300, (path.name, response.status_code, response.text)
    assert capsys.readouterr().out.strip()  # it printed the answer, as the example does
