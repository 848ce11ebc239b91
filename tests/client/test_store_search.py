"""The archive's search of the job store: words, filters, likes, hidden jobs and folders, checked
against a store of 10,000 generated records (every expected answer is computed here from what
was generated, in plain Python), and the index kept up to date as the store changes."""

from __future__ import annotations

import json
import random
import sqlite3
import time

import pytest

from youchuan_nb.client import JobStore, _store
from youchuan_nb.contract import InvalidRequest

N = 10_000
WORDS = [
    "red",
    "blue",
    "fox",
    "castle",
    "river",
    "dragon",
    "neon",
    "forest",
    "ocean",
    "lantern",
    "mountain",
    "sunset",
]
ZH = ["城市夜景", "山水", "古镇小巷", "星空"]
FLAGS = ["", " --ar 16:9", " --v 6.1", " --niji 6 --ar 2:3", " --v 7 --ar 3:4"]
DAY = 86400.0
START = 1_760_000_000.0  # the first record's time; one record every 10 minutes after it


class _Clock:
    now = START

    @classmethod
    def time(cls) -> float:
        return cls.now


def _model(text: str) -> str:
    if "--niji 6" in text:
        return "niji 6"
    return "7" if "--v 7" in text else "6.1"


def _aspect(text: str) -> str:
    for ar in ("16:9", "2:3", "3:4"):
        if f"--ar {ar}" in text:
            return ar
    return "1:1"


def generate(store: JobStore, n: int = N, seed: int = 7) -> list[dict]:
    """``n`` records written through the store's public API: grids, upscales, variations,
    videos and edits of earlier jobs, failed jobs, jobs in flight and submits whose job may
    exist. Returns what each one is, for the tests to compute their expectations."""
    rng = random.Random(seed)
    made: list[dict] = []
    roots: list[dict] = []
    saved = _store.time
    _store.time = _Clock  # type: ignore[assignment]  # spread the records over ~70 days
    try:
        for i in range(n):
            _Clock.now = START + i * 600.0
            parent = rng.choice(roots) if roots and rng.random() < 0.35 else None
            if parent is None:
                words = rng.sample(WORDS, 3) + ([rng.choice(ZH)] if rng.random() < 0.3 else [])
                text = " ".join(words) + rng.choice(FLAGS)
                ep, params = (
                    ("video_diffusion", {"prompt": text})
                    if i % 17 == 0
                    else (
                        "diffusion",
                        {"text": text},
                    )
                )
                info = {"prompt": text, "model": _model(text), "aspect": _aspect(text)}
            else:
                ep = rng.choice(["upscale", "variation", "remove_background"])
                params = {"jobId": parent["job_id"], "imageNo": rng.randrange(4)}
                info = {k: parent[k] for k in ("prompt", "model", "aspect")}
            lid = store.record_submit(
                base_url="http://sim",
                endpoint=ep,
                params=params,
                parent_id=parent["job_id"] if parent else None,
                image_no=params.get("imageNo"),
            )
            job_id = f"j{i:05d}x"
            fate = rng.random()
            if fate < 0.03:  # the submit lost its answer: the job may exist
                store.record_submit_error(lid, "cut off", maybe_created=True)
                state, job_id = "may_exist", None
            else:
                store.record_accepted(lid, {"id": job_id, "status": 0})
                if fate < 0.08:
                    state = "running"
                elif fate < 0.13:
                    store.record_job({"id": job_id, "status": 3, "comment": "failed"})
                    state = "failed"
                else:
                    outs = 1 if ep in ("upscale", "remove_background") else 4
                    urls = [f"http://sim/m/{job_id}/{k}.png" for k in range(outs)]
                    store.record_job({"id": job_id, "status": 2, "urls": urls})
                    state = "finished"
            kind = {"diffusion": "grid", "variation": "grid", "upscale": "upscale"}.get(
                ep, "video" if ep == "video_diffusion" else "edit"
            )
            rec = {
                **info,
                "job_id": job_id,
                "local_id": lid,
                "endpoint": ep,
                "kind": kind,
                "state": state,
                "parent": parent["job_id"] if parent else None,
                "created": _Clock.now,
            }
            made.append(rec)
            if parent is None and job_id is not None and ep == "diffusion":
                roots.append(rec)
    finally:
        _store.time = saved  # type: ignore[assignment]
    return made


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    path = tmp_path_factory.mktemp("archive") / "jobs.sqlite3"
    store = JobStore(path)
    made = generate(store)
    yield store, made
    store.close()


def _ids(page) -> list[str]:
    return [item.record.local_id for item in page.items]


def _expect(made, keep, limit=60):
    found = sorted((r for r in made if keep(r)), key=lambda r: -r["created"])
    return len(found), [r["local_id"] for r in found[:limit]]


def _check(store, made, keep, **query):
    page = store.search(**query)
    total, first = _expect(made, keep, query.get("limit", 60))
    assert page.total == total and _ids(page) == first
    return page


def test_the_store_holds_ten_thousand_records(big):
    store, made = big
    assert store.count() == N == len(made)
    page = store.search(limit=10)
    assert page.total == N and len(page.items) == 10
    assert page.items[0].record.local_id == made[-1]["local_id"]  # newest first


@pytest.mark.parametrize(
    "text",
    ["fox", "FOX castle", "lantern ocean sunset", "城市", "城市夜景 dragon", "星", "j00042x"],
)
def test_words_all_match_in_any_case_and_script(big, text):
    store, made = big
    terms = text.lower().split()

    def keep(r):
        words = f"{r['prompt']} {r['job_id'] or ''}".lower()
        return all(t in words for t in terms)

    page = _check(store, made, keep, text=text)
    assert page.total > 0


def test_a_search_finds_nothing_when_no_prompt_has_the_word(big):
    store, _ = big
    page = store.search(text="zeppelin")
    assert page.total == 0 and page.items == []


@pytest.mark.parametrize(
    "query",
    [
        {"model": "niji 6"},
        {"model": "7", "aspect": "3:4"},
        {"aspect": "16:9", "kind": "grid"},
        {"kind": "upscale"},
        {"kind": "video"},
        {"kind": "edit"},
        {"kind": "remove_background"},
        {"state": "failed"},
        {"state": "running"},
        {"state": "may_exist"},
        {"state": "finished", "kind": "grid", "text": "river"},
    ],
)
def test_filters_answer_what_was_generated(big, query):
    store, made = big

    def keep(r):
        for name, value in query.items():
            if name == "text":
                if value not in r["prompt"]:
                    return False
            elif name == "kind" and value not in ("grid", "upscale", "edit", "video"):
                if r["endpoint"] != value:
                    return False
            elif r[name] != value:
                return False
        return True

    page = _check(store, made, keep, **query)
    assert page.total > 0
    for item in page.items:  # what each row says of itself agrees with the filter
        assert not query.get("model") or item.model == query["model"]
        assert not query.get("state") or item.state == query["state"]


def test_follow_ups_take_their_parents_prompt_and_model(big):
    store, made = big
    child = next(r for r in reversed(made) if r["parent"] and r["job_id"])
    item = store.item(child["job_id"])
    assert item is not None and item.parent_id == child["parent"]
    assert (item.prompt, item.model, item.aspect) == (
        child["prompt"],
        child["model"],
        child["aspect"],
    )
    parent = store.item(child["parent"])
    assert parent is not None and parent.children == sum(
        1 for r in made if r["parent"] == child["parent"]
    )
    _check(store, made, lambda r: r["parent"] == child["parent"], parent=child["parent"])


def test_dates_and_paging(big):
    store, made = big
    since, until = START + 10 * DAY, START + 20 * DAY
    page = _check(
        store, made, lambda r: since <= r["created"] < until, since=since, until=until, limit=100
    )
    assert page.total == 1440  # ten days, one record every ten minutes
    oldest = store.search(since=since, until=until, order="oldest", limit=5)
    assert [i.created_at for i in oldest.items] == [since + k * 600.0 for k in range(5)]
    pages = [store.search(kind="upscale", limit=50, offset=o) for o in (0, 50, 100)]
    ids = [i for p in pages for i in _ids(p)]
    assert len(set(ids)) == 150 and ids == _expect(made, lambda r: r["kind"] == "upscale", 150)[1]


def test_likes_hidden_and_folders(tmp_path):
    store = JobStore(tmp_path / "tags.sqlite3")
    made = generate(store, 300, seed=3)
    done = [r["job_id"] for r in made if r["state"] == "finished"]
    liked, hidden, trip = done[:7], done[7:12], done[3:20]
    store.mark(liked, liked=True)
    store.mark(hidden, hidden=True)
    store.add_to_folder(trip, "trip 旅行")
    store.add_to_folder(done[2:4], "best")

    assert {i.job_id for i in store.search(liked=True, hidden=None, limit=100).items} == set(liked)
    # hidden jobs are left out unless asked for
    visible = store.search(limit=1000)
    assert visible.total == len(made) - len(hidden)
    assert not {i.job_id for i in visible.items} & set(hidden)
    assert {i.job_id for i in store.search(hidden=True, limit=100).items} == set(hidden)
    assert store.search(hidden=None, limit=1).total == len(made)
    in_trip = store.search(folder="trip 旅行", hidden=None, limit=100)
    assert {i.job_id for i in in_trip.items} == set(trip)
    assert store.folders() == {"best": 2, "trip 旅行": len(trip)}
    item = store.item(done[3])
    assert item is not None and item.liked and item.folders == ["best", "trip 旅行"]

    store.mark(liked[:3], liked=False)  # a like taken back; hidden untouched
    store.remove_from_folder(trip[:4], "trip 旅行")
    assert store.search(liked=True, limit=100).total == len(liked) - 3
    assert store.folders()["trip 旅行"] == len(trip) - 4
    assert store.marks(hidden[0]) == {"liked": False, "hidden": True, "folders": ["trip 旅行"]}
    store.mark(hidden, hidden=False)
    assert store.search(limit=1000).total == len(made)
    # kept in the job store: another store object on the same file (another kernel) sees them
    other = JobStore(store.path)
    assert other.folders() == store.folders()
    assert {i.job_id for i in other.search(liked=True, limit=100).items} == set(liked[3:])
    other.close()
    store.close()


def test_the_index_follows_every_change_of_the_store(tmp_path):
    store = JobStore(tmp_path / "live.sqlite3")
    other = JobStore(store.path)  # a second kernel writing the same store
    assert store.search().total == 0
    lid = other.record_submit(
        base_url="x", endpoint="diffusion", params={"text": "a heron --ar 2:3"}
    )
    page = store.search(text="heron")
    assert page.total == 1 and page.items[0].state == "running" and page.items[0].aspect == "2:3"
    other.record_accepted(lid, {"id": "h1", "status": 1})
    other.record_job({"id": "h1", "status": 2, "urls": ["http://x/0.png"]})
    item = store.search(text="heron").items[0]
    assert item.state == "finished" and item.job_id == "h1" and item.urls == ["http://x/0.png"]
    assert store.refresh_index() == 0  # nothing changed since: nothing indexed again
    other.close()
    store.close()


def test_a_store_made_before_the_archive_is_indexed_when_opened(tmp_path):
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:  # the jobs table alone, as an older youchuan_nb made it
        db.executescript(_store.SCHEMA)
        for i in range(5):
            db.execute(
                "INSERT INTO jobs (local_id, job_id, base_url, endpoint, params, state, media, "
                "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    f"l{i}",
                    f"old{i}",
                    "x",
                    "diffusion",
                    json.dumps({"text": f"an old owl {i}"}),
                    "finished",
                    "[]",
                    time.time() + i,
                    time.time(),
                ),
            )
    store = JobStore(path)
    page = store.search(text="owl")
    assert page.total == 5 and page.items[0].job_id == "old4"
    store.close()


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"kind": "painting"}, "kind='painting' is not allowed: one of grid"),
        ({"state": "done"}, "state='done' is not allowed: one of running"),
        ({"since": "last week"}, "since='last week' is not allowed: a date"),
        ({"limit": -1}, "limit=-1 is not allowed"),
        ({"liked": "yes"}, "liked='yes' is not allowed: True, False or None"),
        ({"colour": "red"}, "colour='red' is not allowed: a search takes text"),
    ],
)
def test_a_bad_search_says_what_was_wrong(tmp_path, fields, says):
    store = JobStore(tmp_path / "bad.sqlite3")
    with pytest.raises(InvalidRequest) as info:
        store.search(**fields)
    assert says in str(info.value)
    with pytest.raises(InvalidRequest, match="folder name"):
        store.add_to_folder("j1", "  ")
    with pytest.raises(InvalidRequest, match="job_ids"):
        store.mark([""], liked=True)
    store.close()
