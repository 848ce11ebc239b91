"""An interrupted create is never lost and never silently submitted again.

Every way a create answer can fail to arrive (cut mid-body, undecodable, a connection dropped
mid-body, a body that is not JSON, Ctrl-C, kill -9 of the submitting process) leaves a store row
that says the job may exist, and ``client.maybe_created(...)`` lists it for the front end.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from youchuan_nb.client import (
    APIConnectionError,
    Client,
    JobStore,
    ServerBusyError,
    UnreadableAnswerError,
    YouchuanError,
)


def _cut_body(h):  # 200 with Content-Length 100 and 9 bytes, then the connection closes
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", "100")
    h.end_headers()
    h.wfile.write(b'{"id": "j')
    h.wfile.flush()
    h.close_connection = True


def _bad_gzip(h):
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Encoding", "gzip")
    h.send_header("Content-Length", "20")
    h.end_headers()
    h.wfile.write(b"this is not gzip!!!!")


def _chunked_then_reset(h):
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Transfer-Encoding", "chunked")
    h.end_headers()
    h.wfile.write(b'5\r\n{"id"\r\n')
    h.wfile.flush()
    h.connection.shutdown(2)
    h.close_connection = True


def _not_json(h):
    out = b'{"id": "j1", "status": 0, "urls": [' * 3
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(len(out)))
    h.end_headers()
    h.wfile.write(out)


@pytest.mark.parametrize(
    "handle,kind",
    [
        (_cut_body, APIConnectionError),
        (_bad_gzip, APIConnectionError),
        (_chunked_then_reset, APIConnectionError),
        (_not_json, UnreadableAnswerError),
    ],
    ids=["cut-mid-body", "bad-gzip", "chunked-then-reset", "not-json"],
)
def test_a_create_answer_that_fails_to_arrive_is_maybe_created(hostile, tmp_path, handle, kind):
    server = hostile(handle)
    client = Client(
        "app", "secret-x", server.url, store=tmp_path / "s.sqlite3", max_concurrent=3, max_retries=3
    )
    with pytest.raises(kind) as info:
        client.diffusion("a red fox")
    assert isinstance(info.value, YouchuanError)
    assert info.value.maybe_created is True
    assert len(server.seen) == 1, "a create that may have arrived is never retried"
    (rec,) = client.store.list()
    assert rec.state == "unknown" and rec.maybe_created
    found = client.maybe_created("diffusion", {"text": "a red fox"})
    assert [r.local_id for r in found] == [rec.local_id]
    assert client.maybe_created("diffusion", {"text": "another prompt"}) == []
    client.dismiss_maybe_created(found[0])
    assert client.maybe_created("diffusion", {"text": "a red fox"}) == []


def test_a_get_whose_answer_is_cut_is_retried_and_not_maybe_created(hostile):
    answers = iter([_cut_body])

    def handle(h):
        nxt = next(answers, None)
        if nxt is not None:
            return nxt(h)
        out = json.dumps({"maxConcurrent": 2}).encode()
        h.send_response(200)
        h.send_header("Content-Length", str(len(out)))
        h.end_headers()
        h.wfile.write(out)

    server = hostile(handle)
    client = Client("app", "secret-x", server.url, store=False, max_concurrent=3)
    assert client.subscribe() == {"maxConcurrent": 2}
    assert len(server.seen) == 2


def test_ctrl_c_during_the_post_leaves_an_unknown_row(hostile, tmp_path, monkeypatch):
    server = hostile(_cut_body)
    client = Client("app", "secret-x", server.url, store=tmp_path / "s.sqlite3", max_concurrent=3)

    def interrupted(*a, **kw):
        raise KeyboardInterrupt

    monkeypatch.setattr(type(client._transport), "request", interrupted)
    with pytest.raises(KeyboardInterrupt):
        client.diffusion("a fox")
    (rec,) = client.store.list()
    assert rec.state == "unknown"
    assert [r.local_id for r in client.maybe_created("diffusion", {"text": "a fox"})] == [
        rec.local_id
    ]


def test_a_busy_500_is_retried_like_a_503_and_then_refused(recorder, tmp_path):
    busy = {"code": 500, "reason": "Server_Busy", "message": "busy"}
    recorder.script = [(500, busy, {}), (500, busy, {})]
    client = recorder.client(store=tmp_path / "s.sqlite3", max_retries=3)
    job = client.diffusion("a fox")
    assert job.id and [r.method for r in recorder.requests] == ["POST"] * 3
    recorder.script = [(500, busy, {})] * 4
    with pytest.raises(ServerBusyError) as info:
        client.diffusion("a cat")
    assert info.value.maybe_created is False  # "busy": the service did not take it
    assert {r.state for r in client.store.list()} == {"finished", "refused"}


def test_a_plain_500_on_create_is_maybe_created(recorder, tmp_path):
    recorder.script = [(500, {"code": 500, "reason": "Internal", "message": "oops"}, {})]
    client = recorder.client(store=tmp_path / "s.sqlite3")
    with pytest.raises(YouchuanError) as info:
        client.diffusion("a fox")
    assert info.value.maybe_created is True
    assert client.maybe_created("diffusion", {"text": "a fox"})[0].state == "unknown"


_CHILD = """
import sys
from youchuan_nb.client import Client
c = Client("app", "secret-x", sys.argv[1], store=sys.argv[2], max_concurrent=3, timeout=60)
c.diffusion("a killed fox")
"""


def test_kill_9_during_the_post_is_reported_as_maybe_created(hostile, tmp_path):
    arrived = threading.Event()
    release = threading.Event()

    def never_answers(h):
        arrived.set()
        release.wait(20)

    server = hostile(never_answers)
    store = tmp_path / "s.sqlite3"
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(_CHILD), server.url, str(store)],
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert arrived.wait(30), "the child's POST reached the server"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    finally:
        release.set()
        if child.poll() is None:  # pragma: no cover
            child.kill()
    (row,) = JobStore(store).list()
    assert row.state == "submitting", "the killed process never updated its row"
    client = Client("app", "secret-x", server.url, store=store, max_concurrent=3)
    found = client.maybe_created("diffusion", {"text": "a killed fox"})
    assert [r.local_id for r in found] == [row.local_id]
    assert found[0].state == "unknown"  # settled when the new client opened the store
    assert "interrupted" in (found[0].error or "")
    assert len(server.seen) == 1


def test_an_old_submitting_row_of_a_live_process_counts_once_stale(tmp_path):
    store = JobStore(tmp_path / "s.sqlite3")
    local_id = store.record_submit(
        base_url="http://127.0.0.1:9", endpoint="diffusion", params={"text": "x"}
    )
    kw = {"base_url": "http://127.0.0.1:9", "stale_after": 60.0}
    assert store.maybe_created("diffusion", {"text": "x"}, **kw) == [], "still on its way"
    store._db().execute(
        "UPDATE jobs SET created_at=? WHERE local_id=?", (time.time() - 120, local_id)
    )
    assert [r.local_id for r in store.maybe_created("diffusion", {"text": "x"}, **kw)] == [local_id]
