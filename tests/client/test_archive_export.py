"""Saving chosen jobs with a manifest, and thumbnails saved as jobs finish, over real HTTP on the
simulator."""

from __future__ import annotations

import csv
import json
import re

import pytest
from PIL import Image

from youchuan_nb.client import Client
from youchuan_nb.contract import InvalidRequest
from youchuan_nb.sim import Faults, Simulator


@pytest.fixture
def made(tmp_path):
    with Simulator(job_seconds=0.1, processes=False) as sim:
        client = Client.for_service(
            sim, poll_interval=0.05, store=tmp_path / "jobs.sqlite3", cache_dir=tmp_path / "media"
        )
        assert not client.thumbnails.enabled  # a bare client downloads nothing unasked
        client.thumbnails.enabled = True  # as a notebook session's client does
        grid = client.diffusion("A red fox, in the snow! --ar 16:9 --v 7").wait(30)
        up = grid.upscale(2).wait(30)
        zh = client.diffusion("城市夜景 霓虹灯 --niji 6").wait(30)
        sim.faults = Faults(fail=1.0)
        failed = client.diffusion("a broken owl").wait(30, raise_on_failure=False)
        sim.faults = Faults()
        yield client, grid, up, zh, failed
        client.store.close()


def test_thumbnails_are_saved_when_a_job_finishes(made):
    client, grid, up, zh, failed = made
    for job in (grid, up, zh):
        assert client.thumbnails.wait(job.id, 30)  # started by the finish, nobody downloaded
        folder = client.media.job_folder(job.id)
        thumbs = sorted(p.name for p in folder.glob("*.thumb256.jpg"))
        assert thumbs == [f"{i}.thumb256.jpg" for i in range(len(job.urls))]
        with Image.open(folder / thumbs[0]) as im:
            assert max(im.size) == 256
        # and the job store knows where the files are (the archive reads them from there)
        rec = client.store.get(job.id)
        assert rec is not None and all(rec.media) and len(rec.media) == len(job.urls)
    assert not client.thumbnails.wait(failed.id, 1)  # a failed job has nothing to save


def test_chosen_jobs_are_saved_with_a_manifest(made, tmp_path):
    client, grid, up, zh, failed = made
    out = tmp_path / "chosen"
    result = client.export_jobs([grid.id, up.id, zh.id, failed.id], out)
    names = sorted(p.name for p in result.files)
    gid, uid, zid = grid.id, up.id, zh.id
    assert names == sorted(
        [f"a-red-fox-in-the-snow_{gid}_{n}.png" for n in (1, 2, 3, 4)]
        + [f"a-red-fox-in-the-snow_{uid}_1.png"]
        + [f"城市夜景-霓虹灯_{zid}_{n}.png" for n in (1, 2, 3, 4)]
    )
    for path in result.files:  # each file is the job's output, byte for byte
        n = int(path.stem.rsplit("_", 1)[1])
        job_id = path.stem.rsplit("_", 2)[1]
        assert path.read_bytes() == client.media.cached(job_id, n - 1).read_bytes()

    with open(out / "manifest.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert data["jobs"] == 4 and len(data["files"]) == len(rows) == 10
    assert [r["file"] for r in rows] == [str(f["file"]) for f in data["files"]]
    by_file = {r["file"]: r for r in rows}
    row = by_file[f"a-red-fox-in-the-snow_{uid}_1.png"]
    assert row["job_id"] == uid and row["parent"] == gid and row["operation"] == "upscale"
    assert row["prompt"] == "A red fox, in the snow!" and row["flags"] == "--ar 16:9 --v 7"
    assert row["image"] == "1" and row["model"] == "7" and row["error"] == ""
    zrow = by_file[f"城市夜景-霓虹灯_{zid}_3.png"]
    assert (
        zrow["prompt"] == "城市夜景 霓虹灯" and zrow["flags"] == "--niji 6" and zrow["parent"] == ""
    )
    broken = [r for r in rows if r["job_id"] == failed.id]
    assert len(broken) == 1 and broken[0]["file"] == "" and "failed" in broken[0]["error"]
    assert result.problems == [f"{failed.id} #: the job is failed"]


def test_saving_needs_real_job_ids_and_a_folder(made, tmp_path):
    client = made[0]
    with pytest.raises(InvalidRequest, match="job_ids"):
        client.export_jobs([""], tmp_path)
    with pytest.raises(InvalidRequest, match="folder"):
        client.export_jobs([made[1].id], "")
    result = client.export_jobs(["no-such-job"], tmp_path / "none")
    assert result.files == [] and result.rows[0]["error"] == "not in the job store"


def test_the_client_searches_and_tags_its_store(made):
    client, grid, up, zh, failed = made
    page = client.search_jobs("fox")
    assert [i.job_id for i in page.items] == [up.id, grid.id]  # the upscale has its parent's words
    assert [i.job_id for i in client.search_jobs("霓虹").items] == [zh.id]
    assert [i.job_id for i in client.search_jobs(state="failed").items] == [failed.id]
    client.tag_jobs([grid.id, zh.id], liked=True, folder="picks")
    client.tag_jobs(zh.id, hidden=True)
    assert [i.job_id for i in client.search_jobs(liked=True).items] == [grid.id]
    assert client.folders() == {"picks": 2}
    client.tag_jobs(grid.id, remove_from="picks")
    assert client.folders() == {"picks": 1}
    facets = client.archive_facets()
    assert dict(facets["kinds"]) == {"grid": 3, "upscale": 1}
    assert re.fullmatch(r"[0-9a-f-]+|\w+", grid.id)


@pytest.mark.parametrize(
    ("prompt", "name"),
    [
        ("A red fox, in the snow! --ar 16:9", "a-red-fox-in-the-snow_j1_2.png"),
        ("https://x.test/a.png a cat --v 7", "a-cat_j1_2.png"),  # image prompts are not words
        ("--ar 1:1", "job_j1_2.png"),  # no words at all
        ("城市夜景，霓虹灯 / rain", "城市夜景-霓虹灯-rain_j1_2.png"),
        (
            "one two three four five six seven eight nine ten eleven",
            "one-two-three-four-five-six-seven-eight_j1_2.png",
        ),
        ("a" * 60, "a" * 40 + "_j1_2.png"),  # one long word is cut, not dropped
        ("../../etc/passwd", "etc-passwd_j1_2.png"),  # nothing of a path survives
    ],
)
def test_file_names_are_a_prompt_slug_the_job_id_and_the_image_number(prompt, name):
    from youchuan_nb.client._export import file_name

    assert file_name(prompt, "j1", 2, ".png") == name
    assert file_name(prompt, "x/../y", 1, ".png").count("/") == 0  # a hostile id is made safe
