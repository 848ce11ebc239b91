"""The secret is not reachable from what we raise, even with locals captured (Sentry, pytest
--showlocals, rich): no chained exception holds a request with its headers."""

from __future__ import annotations

import socket
import traceback

import pytest

from youchuan_nb.client import APIConnectionError, Client, NotFoundError
from youchuan_nb.sim import Simulator

SECRET = "sk-never-show-me-3f8a9b"


def _walk(exc):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def _rendered(exc) -> str:
    return "".join(traceback.TracebackException.from_exception(exc, capture_locals=True).format())


def test_connection_failure_carries_no_secret(tmp_path):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = Client(
        "app", SECRET, f"http://127.0.0.1:{port}", store=tmp_path / "s.sqlite3", max_retries=0
    )
    with pytest.raises(APIConnectionError) as info:
        client.job("abc")
    assert all(
        e.__context__ is None or isinstance(e.__context__, APIConnectionError)
        for e in _walk(info.value)
    )
    assert SECRET not in _rendered(info.value)


def test_error_answer_carries_no_secret(tmp_path):
    with Simulator(secret=SECRET, job_seconds=0.1) as sim:
        client = Client.for_service(sim, store=tmp_path / "s.sqlite3")
        with pytest.raises(NotFoundError) as info:
            client.job("no-such-job", from_store=False)
        assert SECRET not in _rendered(info.value)
        assert SECRET not in repr(client) and SECRET not in repr(client._transport.__dict__)
