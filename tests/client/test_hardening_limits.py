"""API answers have a size cap and every call an overall deadline; Retry-After never stretches
a call beyond its timeout."""

from __future__ import annotations

import json
import resource
import time

import pytest

from youchuan_nb.client import (
    AnswerTooLargeError,
    APITimeoutError,
    Client,
    ServerBusyError,
    _http,
)


def _client(server, **kw):
    kw.setdefault("store", False)
    kw.setdefault("max_concurrent", 3)
    return Client("app", "secret-x", server.url, **kw)


def test_a_300_mb_answer_is_not_read_whole(hostile):
    sent = []

    def huge(h):  # 300 MB of JSON, no Content-Length: only reading tells the size
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.end_headers()
        h.wfile.write(b'{"list": "')
        block = b"x" * (1024 * 1024)
        try:
            for _ in range(300):
                h.wfile.write(block)
                sent.append(1)
        except OSError:
            pass
        h.close_connection = True

    server = hostile(huge)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    with pytest.raises(AnswerTooLargeError) as info:
        _client(server).subscribe()
    assert "limit" in str(info.value)
    assert time.monotonic() - started < 10
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100, f"RSS grew {grown_mb:.0f} MB"
    assert len(sent) < 300
    assert len(server.seen) == 1, "a too-large answer is not asked for again"


def test_a_declared_huge_answer_is_refused_at_once(hostile):
    def declared(h):
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(300 * 1024 * 1024))
        h.end_headers()
        h.wfile.write(b"{")

    with pytest.raises(AnswerTooLargeError):
        _client(hostile(declared)).subscribe()


def test_a_too_large_create_answer_is_maybe_created(hostile, tmp_path):
    def declared(h):
        h.send_response(200)
        h.send_header("Content-Length", str(300 * 1024 * 1024))
        h.end_headers()

    client = _client(hostile(declared), store=tmp_path / "s.sqlite3")
    with pytest.raises(AnswerTooLargeError) as info:
        client.diffusion("a fox")
    assert info.value.maybe_created
    assert client.store.list()[0].state == "unknown"


def _trickle(h):
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", "1000")
    h.end_headers()
    for _ in range(1000):
        h.wfile.write(b" ")
        h.wfile.flush()
        time.sleep(0.3)


@pytest.mark.parametrize("call", ["subscribe", "refresh"])
def test_a_trickled_answer_does_not_outlive_the_timeout(hostile, recorder, call):
    server = hostile(_trickle)
    client = _client(server, timeout=2)
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        if call == "subscribe":
            client.subscribe()
        else:
            from youchuan_nb.client import Job

            Job(client, {"id": "j1", "status": 1, "urls": []}, action="diffusion").refresh()
    elapsed = time.monotonic() - started
    # the trickle would last a minute: ending near the 2 s timeout is the behaviour (with room
    # for a loaded machine), not a speed target
    assert elapsed < 10.0, f"took {elapsed:.1f} s"
    assert len(server.seen) == 1


def test_retry_after_never_stretches_a_call_beyond_its_timeout(hostile):
    def busy(h):
        out = json.dumps({"code": 503, "reason": "Server_Busy", "message": "busy"}).encode()
        h.send_response(503)
        h.send_header("Retry-After", "60")
        h.send_header("Content-Length", str(len(out)))
        h.end_headers()
        h.wfile.write(out)

    server = hostile(busy)
    started = time.monotonic()
    with pytest.raises(ServerBusyError):
        _client(server, timeout=3).subscribe()
    assert time.monotonic() - started < 3.5
    assert len(server.seen) == 1, "a 60 s wait does not fit in a 3 s call: not retried"


def test_retry_waits_add_up_to_at_most_the_timeout(hostile, monkeypatch):
    monkeypatch.setattr(_http, "backoff_delay", lambda attempt, retry_after=None: 0.4)

    def error(h):
        h.send_response(502)
        h.send_header("Content-Length", "0")
        h.end_headers()

    server = hostile(error)
    started = time.monotonic()
    with pytest.raises(Exception):  # noqa: B017 - any error: the point is the time
        _client(server, timeout=1, max_retries=10).subscribe()
    assert time.monotonic() - started < 2.0
    assert len(server.seen) == 3  # waits 0.4 + 0.4 fit in 1 s; a third would not


def test_deeply_nested_json_is_an_unreadable_answer_not_a_recursion_error(hostile, tmp_path):
    def nested(h):
        out = b"[" * 200_000 + b"]" * 200_000
        h.send_response(200)
        h.send_header("Content-Length", str(len(out)))
        h.end_headers()
        h.wfile.write(out)

    client = _client(hostile(nested), store=tmp_path / "s.sqlite3")
    from youchuan_nb.client import UnreadableAnswerError

    with pytest.raises(UnreadableAnswerError):
        client.diffusion("a fox")
    assert client.store.list()[0].state == "unknown"


def test_trickled_headers_do_not_outlive_the_timeout(hostile):
    def trickle_headers(h):
        h.wfile.write(b"HTTP/1.1 200 OK\r\n")
        h.wfile.flush()
        for _ in range(200):
            h.wfile.write(b"X")
            h.wfile.flush()
            time.sleep(0.3)

    server = hostile(trickle_headers)
    started = time.monotonic()
    with pytest.raises(APITimeoutError, match="in time"):
        _client(server, timeout=2).subscribe()
    elapsed = time.monotonic() - started
    # the trickle would last a minute: ending near the 2 s timeout is the behaviour (with room
    # for a loaded machine), not a speed target
    assert elapsed < 10.0, f"took {elapsed:.1f} s"
    assert len(server.seen) == 1, "not retried: it would only trickle again"


def test_the_header_deadline_does_not_cut_normal_answers(recorder):
    client = recorder.client(timeout=0.5)
    for _ in range(20):
        client.subscribe()
    time.sleep(0.7)  # past any deadline timer of those calls
    assert client.subscribe() == {"maxConcurrent": 3, "balance": 100}
