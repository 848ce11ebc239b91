"""The archive widget's Python side: a store of 10,000 generated records, the front end's
messages (sent through the widget's comm handler, as the browser sends them), thumbnails only on
request, live updates while jobs run, opening a job as its live card, downloads with a manifest,
the saved copy, and both languages."""

from __future__ import annotations

import csv
import random

import pytest
from _waiting import until

from youchuan_nb import Archive, i18n
from youchuan_nb.client import Client, JobStore
from youchuan_nb.notebook import JobCard
from youchuan_nb.notebook._session import Session, Settings
from youchuan_nb.sim import Simulator

N = 10_000
WORDS = ["amber", "fox", "castle", "river", "dragon", "neon", "forest", "ocean", "moth"]


@pytest.fixture(autouse=True, scope="module")
def english():
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("YOUCHUAN_NB_LANG", raising=False)
        i18n.set_language("en")
        yield
        i18n.set_language(None)


def fill(store: JobStore, n: int) -> list[str]:
    """``n`` finished grids and upscales written through the store's public API (URLs that
    lead nowhere: nothing here may download them)."""
    rng = random.Random(5)
    prompts = []
    for i in range(n):
        text = " ".join(rng.sample(WORDS, 3)) + rng.choice(["", " --ar 16:9", " --niji 6"])
        lid = store.record_submit(
            base_url="http://gone", endpoint="diffusion", params={"text": text}
        )
        store.record_accepted(lid, {"id": f"g{i:05d}", "status": 0})
        urls = [f"http://gone.invalid/{i}/{k}.png" for k in range(4)]
        store.record_job({"id": f"g{i:05d}", "status": 2, "urls": urls})
        prompts.append(text)
    return prompts


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("archive_nb")
    store = JobStore(folder / "jobs.sqlite3")
    prompts = fill(store, N)
    with Simulator(job_seconds=0.2, processes=False) as sim:
        client = Client.for_service(sim, poll_interval=0.05, store=store, cache_dir=folder / "m")
        yield Session(client=client, settings=Settings()), prompts, folder
        client.store.close()


class Sent:
    """Messages a view sends to the front end (kept, then passed on)."""

    def __init__(self, view):
        self.items: list = []
        original = view.send

        def send(content, buffers=None):
            self.items.append((content, buffers))
            original(content, buffers)

        view.send = send


def from_front_end(view, content):
    """Deliver ``content`` as the browser would: through the widget's custom-message handler."""
    view._handle_custom_msg(content, [])


def test_ten_thousand_jobs_cost_one_page_and_no_thumbnail(world):
    session, _, _ = world
    archive = Archive(session=session)
    view = archive.view
    assert archive.total == N and len(archive.items) == 60
    assert archive.items[0]["job_id"] == f"g{N - 1:05d}"  # newest first
    assert view.thumbs_sent == 0  # none until the front end asks for the rows it can see
    assert view.facets["kinds"] == [["grid", N, "Grid"]]  # value, count, label
    html = archive._html()
    assert html.count("<tr>") == 24 and len(html) < 20_000
    archive.close()


def test_the_front_end_searches_filters_and_pages(world):
    session, prompts, _ = world
    archive = Archive(session=session)
    view = archive.view
    view.query = {"text": "amber fox", "aspect": "16:9"}  # what archive.js sets
    expected = [
        i for i, p in enumerate(prompts) if "amber" in p and "fox" in p and "--ar 16:9" in p
    ]
    assert view.total == len(expected) > 0
    assert [it["job_id"] for it in view.page] == [f"g{i:05d}" for i in reversed(expected)][:60]
    assert all(it["aspect"] == "16:9" and it["outputs"] == 4 for it in view.page)
    view.query = {"model": "niji 6"}
    assert view.total == sum("--niji 6" in p for p in prompts)
    view.limit = 120  # scrolled to the end: the next page joins
    assert len(view.page) == 120
    view.query = {"kind": "painting"}  # a bad value from a front end: said, not raised
    assert "kind='painting' is not allowed" in view.status
    archive.search("dragon", state="finished")
    assert view.total == sum("dragon" in p for p in prompts)
    archive.close()


def test_likes_hidden_and_folders_from_the_front_end(world):
    session, _, _ = world
    archive = Archive(session=session)
    view = archive.view
    ids = [it["job_id"] for it in view.page[:3]]
    from_front_end(view, {"type": "tag", "ids": ids, "liked": True})
    from_front_end(view, {"type": "tag", "ids": ids[:1], "hidden": True})
    from_front_end(view, {"type": "tag", "ids": ids[1:], "folder": "picks 精选"})
    assert [it["job_id"] for it in view.page[:2]] == ids[1:]  # the hidden one left the page
    assert view.page[0]["liked"] and view.page[0]["folders"] == ["picks 精选"]
    view.query = {"folder": "picks 精选"}
    assert sorted(it["job_id"] for it in view.page) == sorted(ids[1:])
    view.query = {"liked": True, "show_hidden": True}
    assert sorted(it["job_id"] for it in view.page) == sorted(ids)
    assert ["picks 精选", 2, "picks 精选"] in view.facets["folders"]
    from_front_end(view, {"type": "tag", "ids": [], "liked": True})
    assert view.status == "Select jobs first (click their boxes)."
    session.client.tag_jobs(ids, liked=False, hidden=False, remove_from="picks 精选")
    archive.close()


def test_live_jobs_thumbnails_cards_and_downloads(world, tmp_path):
    session, _, _ = world
    archive = Archive("heron", session=session)
    view = archive.view
    assert view.total == 0
    job = session.client.diffusion("a grey heron at dawn --ar 3:2")
    # the watcher sees the store change: the job appears, then finishes, with no refresh call
    until(lambda: view.page and view.page[0]["job_id"] == job.id, what="the new job")
    until(lambda: view.page[0]["state"] == "finished", what="the job finishing")
    assert view.page[0]["outputs"] == 4 and view.page[0]["aspect"] == "3:2"
    assert session.client.thumbnails.wait(job.id, 30)  # saved as it finished
    until(lambda: all(archive.items[0]["saved"]), what="the store to list the files")

    sent = Sent(view)
    keys = [f"{job.id}/{i}" for i in range(4)] + ["g00001/0"]  # the last: its URL leads nowhere
    from_front_end(view, {"type": "thumbs", "keys": keys})
    until(lambda: len(sent.items) == 5, what="five answers")
    good = [(c, b) for c, b in sent.items if not c["error"]]
    assert sorted(c["key"] for c, _ in good) == keys[:4] and view.thumbs_sent == 4
    assert all(bytes(b[0])[:3] == b"\xff\xd8\xff" for _, b in good)  # JPEG
    bad = next(c for c, _ in sent.items if c["key"] == "g00001/0")
    assert bad["error"].startswith("no preview:")

    up = job.upscale(1).wait(30)
    card = archive.open_job(up.id)
    assert isinstance(card, JobCard) and card.root.job is up  # the live job of this session
    tree = archive.open_job(up.id, tree=True)
    assert [j.id for j in tree.jobs] == [job.id, up.id]
    # the follow-up has its parent's words, so it joins the page (newest first) and the
    # parent's row counts it
    until(lambda: [it["job_id"] for it in view.page] == [up.id, job.id], what="the follow-up")
    until(lambda: view.page[1]["children"] == 1, what="the follow-up count")
    assert archive.open_job("no-such-job") is None and "no-such-job" in view.status

    archive.selected = [job.id, up.id]
    from_front_end(view, {"type": "download", "ids": archive.selected, "folder": str(tmp_path)})
    until(lambda: view.status.startswith("Saved 5 files"), what="the download")
    with open(tmp_path / "manifest.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["job_id"], r["image"]) for r in rows] == [(job.id, str(n)) for n in (1, 2, 3, 4)] + [
        (up.id, "1")
    ]
    assert (tmp_path / rows[0]["file"]).name == f"a-grey-heron-at-dawn_{job.id}_1.png"
    archive.close()


def test_text_is_escaped_in_the_saved_copy_and_both_languages_speak(world):
    session, _, _ = world
    store = session.client.store
    lid = store.record_submit(
        base_url="x",
        endpoint="upscale",
        params={"jobId": "g00002", "imageNo": 1},
        parent_id="g00002",
    )
    store.record_accepted(lid, {"id": "u-<b>x</b>", "status": 1})
    store.record_submit(
        base_url="x", endpoint="diffusion", params={"text": "<img src=x onerror=1>"}
    )
    archive = Archive(session=session, hidden=None)
    html = archive._html()
    assert "<img src=x" not in html and "&lt;img src=x onerror=1&gt;" in html
    up = next(it for it in archive.items if it["job_id"] == "u-<b>x</b>")
    assert (up["op"], up["state_text"], up["lineage"]) == (
        "Upscale",
        "Running",
        "from image 2 of g00002",
    )
    i18n.set_language("zh")
    try:
        archive.refresh()
        up = next(it for it in archive.items if it["job_id"] == "u-<b>x</b>")
        assert (up["op"], up["state_text"]) == ("高清放大", "生成中")
        assert up["lineage"] == "来自 g00002 的第 2 张"
        assert archive.view.strings["archive.js.search"] == "搜索提示词…"
    finally:
        i18n.set_language("en")
    archive.close()


def test_the_magics_open_the_archive(capsys, monkeypatch):
    from IPython.core.error import UsageError
    from IPython.terminal.interactiveshell import TerminalInteractiveShell
    from IPython.testing.globalipapp import start_ipython

    monkeypatch.setenv("YOUCHUAN_NB_WAIT", "always")  # the cell blocks until its job ends
    ip = start_ipython() or TerminalInteractiveShell.instance()
    ip.run_line_magic("load_ext", "youchuan_nb")
    ip.run_cell_magic("imagine", "--wait", "a kingfisher on a reed")
    capsys.readouterr()
    ip.run_line_magic("youchuan", "archive kingfisher")
    out = capsys.readouterr().out
    assert "1 of 1 jobs" in out and "Imagine  Finished  a kingfisher on a reed" in out
    ip.run_line_magic("youchuan", "jobs 5")
    assert "kingfisher" in capsys.readouterr().out
    with pytest.raises(UsageError):
        ip.run_line_magic("youchuan", "archive --colour red")


def test_a_session_without_a_job_store_says_so(tmp_path):
    with Simulator(job_seconds=0.2, processes=False) as sim:
        client = Client.for_service(sim, store=False, cache_dir=tmp_path / "m")
        archive = Archive(session=Session(client=client))
        assert archive.total == 0 and archive.items == []
        assert archive.view.status == "This session keeps no job store, so there is no archive."
        archive.close()
