"""API calls never follow redirects: the credentials go to the configured base URL only.

requests strips ``Authorization`` on a cross-host redirect but re-sends custom headers, so every
redirect status used to deliver ``x-youchuan-secret`` to whatever address it named, and a loop
raised a raw TooManyRedirects whose ``response.request.headers`` held the secret.
"""

from __future__ import annotations

import json
import traceback

import pytest

from youchuan_nb.client import Client, UnexpectedRedirectError, YouchuanError

SECRET = "sk-redirect-never-3c1f7"


def _walk(exc):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def _no_secret_reachable(exc) -> None:
    text = "".join(traceback.TracebackException.from_exception(exc, capture_locals=True).format())
    assert SECRET not in text
    for e in _walk(exc):
        assert not hasattr(e, "request") and not hasattr(e, "response"), type(e)
        assert SECRET not in repr(vars(e))


def _redirector(status: int, target: str):
    def handle(h):
        h.send_response(status)
        h.send_header("Location", target + h.path)
        h.send_header("Content-Length", "0")
        h.end_headers()

    return handle


def _job_answer(h):
    out = json.dumps({"id": "j1", "status": 1, "urls": [], "text": "x"}).encode()
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(len(out)))
    h.end_headers()
    h.wfile.write(out)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_no_redirect_carries_the_secret_to_another_port(hostile, tmp_path, status):
    other = hostile(_job_answer)  # stands in for a foreign host
    base = hostile(_redirector(status, other.url))
    client = Client("app-1", SECRET, base.url, store=tmp_path / "s.sqlite3", max_concurrent=3)
    calls = [
        lambda: client.subscribe(),  # GET
        lambda: client.diffusion("a fox"),  # POST (job-creating)
        lambda: client.raw_job("abc"),  # a poll
        lambda: client.update_moodboard("mb1", name="n"),  # PUT
    ]
    for call in calls:
        with pytest.raises(UnexpectedRedirectError) as info:
            call()
        assert "redirect" in str(info.value) and other.url in str(info.value)
        assert "YOUCHUAN_BASE_URL" in str(info.value)
        _no_secret_reachable(info.value)
    assert other.seen == [], "the other server was never contacted"
    assert len(base.seen) == len(calls), "each call was sent once and not retried"
    assert all(h.get("x-youchuan-secret") == SECRET for _, _, h in base.seen)
    rec = client.store.list()[0]
    assert rec.state == "refused", "a redirect is an answer: nothing was created"


def test_a_redirect_loop_raises_our_error_without_headers(hostile, tmp_path):
    box = {}
    loop = hostile(lambda h: _redirector(302, box["url"])(h))
    box["url"] = loop.url
    client = Client("app-1", SECRET, loop.url, store=False, max_concurrent=3)
    with pytest.raises(YouchuanError) as info:
        client.subscribe()
    assert type(info.value) is UnexpectedRedirectError
    _no_secret_reachable(info.value)
    assert len(loop.seen) == 1
