"""No silent failures: bad constructor options fail at once, store errors name the store and
what to do, and one bad row never hides the rest of the history."""

from __future__ import annotations

import logging
import math
import sqlite3

import pytest

from youchuan_nb.client import Client, JobStore, StoreError, YouchuanError
from youchuan_nb.contract import InvalidRequest

BASE = "http://127.0.0.1:9"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_concurrent": 0},
        {"max_concurrent": -1},
        {"max_concurrent": ""},
        {"max_concurrent": 1.5},
        {"max_concurrent": True},
        {"timeout": -1},
        {"timeout": 0},
        {"timeout": math.nan},
        {"timeout": math.inf},
        {"timeout": 1e20},
        {"timeout": "3"},
        {"timeout": None},
        {"max_retries": -1},
        {"max_retries": 2.5},
        {"max_retries": None},
        {"poll_interval": "x"},
        {"poll_interval": 0},
        {"poll_interval": -0.5},
        {"max_poll_interval": 0.1, "poll_interval": 1.0},
        {"max_poll_interval": "10"},
        {"check_prompts": "yes"},
        {"store": 123},
        {"store": ""},
        {"cache_dir": 5},
        {"cache_dir": ""},
    ],
)
def test_bad_options_fail_at_construction(kwargs):
    with pytest.raises(InvalidRequest) as info:
        Client("app", "secret", BASE, **{"store": False, **kwargs})
    assert isinstance(info.value, ValueError)
    assert next(iter(kwargs)) in str(info.value) or "poll_interval" in str(info.value)


@pytest.mark.parametrize("base_url", ["ftp://x", "not a url", "javascript:alert(1)", 5])
def test_a_bad_base_url_fails_at_construction(base_url):
    with pytest.raises(InvalidRequest, match="base_url"):
        Client("app", "secret", base_url, store=False)


def test_good_options_still_work(tmp_path):
    c = Client(
        "app",
        "secret",
        BASE,
        store=tmp_path / "s.sqlite3",
        max_concurrent=1,
        timeout=0.5,
        poll_interval=0.05,
        max_poll_interval=0.05,
        max_retries=0,
    )
    assert c.max_concurrent == 1 and c.timeout == 0.5


def test_a_folder_as_store_names_the_path_and_what_to_do(tmp_path):
    with pytest.raises(StoreError) as info:
        Client("app", "secret", BASE, store=tmp_path)
    text = str(info.value)
    assert str(tmp_path) in text and "YOUCHUAN_NB_HOME" in text and "store=False" in text
    assert isinstance(info.value, YouchuanError)
    assert not isinstance(info.value, sqlite3.Error) and info.value.__context__ is None


@pytest.mark.parametrize("content", [b"garbage" * 500, b"SQLite format 3\x00" + b"\xff" * 4000])
def test_a_corrupt_store_is_our_error(tmp_path, content):
    path = tmp_path / "jobs.sqlite3"
    path.write_bytes(content)
    with pytest.raises(StoreError, match="cannot be opened"):
        JobStore(path)


def test_a_foreign_schema_is_our_error(tmp_path):
    path = tmp_path / "jobs.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE jobs (x INTEGER)")
    with pytest.raises(StoreError, match=str(path).replace("\\", "\\\\")):
        JobStore(path)


def test_a_store_made_before_the_owner_column_is_upgraded(tmp_path):
    from youchuan_nb.client import _store

    path = tmp_path / "old.sqlite3"
    (owner_line,) = [line + "\n" for line in _store.SCHEMA.splitlines() if "owner" in line]
    old_schema = _store.SCHEMA.replace("finished_at REAL,\n", "finished_at REAL\n")
    with sqlite3.connect(path) as db:
        db.executescript(old_schema.replace(owner_line, ""))
        assert "owner" not in {r[1] for r in db.execute("PRAGMA table_info(jobs)")}
    store = JobStore(path)
    local_id = store.record_submit(base_url=BASE, endpoint="diffusion", params={"text": "x"})
    assert store.get_local(local_id).owner


def test_one_bad_row_does_not_break_history(tmp_path, caplog):
    path = tmp_path / "s.sqlite3"
    client = Client("app", "secret", BASE, store=path)
    store = client.store
    good = [
        store.record_submit(base_url=BASE, endpoint="diffusion", params={"text": f"p{i}"})
        for i in range(3)
    ]
    bad = store.record_submit(base_url=BASE, endpoint="diffusion", params={"text": "bad"})
    worse = store.record_submit(base_url=BASE, endpoint="diffusion", params={"text": "worse"})
    with sqlite3.connect(path) as db:
        db.execute("UPDATE jobs SET params='{not json' WHERE local_id=?", (bad,))
        db.execute("UPDATE jobs SET raw='[1, 2' WHERE local_id=?", (worse,))
    with caplog.at_level(logging.WARNING, logger="youchuan_nb"):
        records = client.history()
    assert sorted(r.local_id for r in records) == sorted(good)
    assert "skipped an unreadable row" in caplog.text and bad in caplog.text
    assert store.get_local(bad) is None
    assert len(list(store)) == 3


def test_a_read_only_store_error_names_the_path(tmp_path):
    path = tmp_path / "s.sqlite3"
    store = JobStore(path)
    store.close()
    ro = JobStore.__new__(JobStore)  # a store whose connection is read-only
    ro.path = path
    import threading

    ro._local = threading.local()
    ro._local.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    with pytest.raises(StoreError) as info:
        ro.record_submit(base_url=BASE, endpoint="diffusion", params={"text": "x"})
    assert "cannot be written" in str(info.value) and str(path) in str(info.value)


def test_a_failing_store_never_hides_the_real_failure(recorder, tmp_path, monkeypatch):
    recorder.script = [(500, {"code": 500, "reason": "Internal", "message": "oops"}, {})]
    client = recorder.client(store=tmp_path / "s.sqlite3")

    def broken(*a, **kw):
        raise StoreError(client.store.path, "written", "disk full")

    monkeypatch.setattr(client.store, "record_submit_error", broken)
    with pytest.raises(YouchuanError) as info:
        client.diffusion("a fox")
    assert not isinstance(info.value, StoreError) and info.value.maybe_created


def test_download_works_when_the_store_cannot_record_media(recorder, tmp_path, monkeypatch):
    client = recorder.client(store=tmp_path / "s.sqlite3", cache_dir=tmp_path / "m")
    job = client.diffusion("a fox")

    def broken(*a, **kw):
        raise StoreError(client.store.path, "written", "read-only")

    monkeypatch.setattr(client.store, "record_media", broken)
    assert len(job.download(tmp_path / "out")) == 4
