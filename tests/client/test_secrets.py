"""The secret never shows: not in repr/str of the client, exceptions, DEBUG logs, the job store
file, or warnings."""

from __future__ import annotations

import logging
import warnings

import pytest

from youchuan_nb.client import (
    APIConnectionError,
    AuthenticationError,
    Client,
    InternalServerError,
    JobFailedError,
    YouchuanError,
)
from youchuan_nb.contract import InvalidRequest
from youchuan_nb.sim import Faults


def _texts(exc: BaseException) -> list[str]:
    out = [str(exc), repr(exc)] + [repr(a) for a in exc.args]
    out += [repr(v) for v in vars(exc).values()]
    if exc.__cause__ is not None:
        out += _texts(exc.__cause__)
    if exc.__context__ is not None and exc.__context__ is not exc.__cause__:
        out += _texts(exc.__context__)
    return out


def test_the_secret_never_shows(sim, tmp_path, caplog, recwarn):
    secret = sim.secret
    caplog.set_level(logging.DEBUG)  # every logger, urllib3 included
    warnings.simplefilter("always")
    store = tmp_path / "jobs.sqlite3"
    c = Client.for_service(sim, poll_interval=0.05, store=store, cache_dir=tmp_path / "media")
    shown = [repr(c), str(c), repr(c._transport), repr(c.store), repr(c.media), repr(sim)]
    errors: list[BaseException] = []

    job = c.diffusion("a fox", callback="https://example.com/cb")
    job.wait(10)
    job.download(tmp_path / "out")
    shown += [repr(job), str(job), repr(job.raw), job.label]
    c.costs(1, 10)
    c.subscribe()
    for call in (
        lambda: c.diffusion(""),
        lambda: c.job("no-such-job"),
        lambda: c.upscale(job.id, 9, 0),
        lambda: c.diffusion("a forbidden fox"),
    ):
        with pytest.raises((YouchuanError, ValueError)) as info:
            call()
        errors.append(info.value)
    sim.faults = Faults(fail=1.0)
    with pytest.raises(JobFailedError) as info:
        c.diffusion("a failing fox").wait(10)
    errors.append(info.value)
    sim.faults = Faults(server_error=1.0, on_poll=False)
    with pytest.raises(InternalServerError) as info:
        c.diffusion("a fox again")
    errors.append(info.value)
    sim.faults = Faults(drop=1.0, on_poll=False)
    with pytest.raises(APIConnectionError) as info:
        c.diffusion("a dropped fox")
    errors.append(info.value)
    sim.faults = None
    bad = Client(
        app_id=sim.app_id, secret=secret + "x", base_url=sim.url, store=False, max_concurrent=3
    )
    shown += [repr(bad), str(bad)]
    with pytest.raises(AuthenticationError) as info:
        bad.subscribe()
    errors.append(info.value)

    assert len(errors) == 8 and any(isinstance(e, InvalidRequest) for e in errors)
    for e in errors:
        for text in _texts(e):
            assert secret not in text, (type(e), text)
    for text in shown:
        assert secret not in text, text
    assert caplog.records, "DEBUG logging was captured"
    assert any(r.name == "youchuan_nb" for r in caplog.records)
    assert secret not in caplog.text
    for r in caplog.records:
        assert secret not in r.getMessage()
    for w in recwarn.list:
        assert secret not in str(w.message)
    c.store.close()
    files = [p for p in tmp_path.iterdir() if p.name.startswith("jobs.sqlite3")]
    assert files and c.store.count() >= 3
    for p in files:  # the database and its WAL/SHM companions
        assert secret.encode() not in p.read_bytes(), p


def test_a_warning_from_a_broken_store_does_not_show_the_secret(sim, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    c = Client.for_service(sim, poll_interval=0.05, store=tmp_path / "jobs.sqlite3")
    job = c.diffusion("a fox")

    def broken(*a, **kw):
        raise RuntimeError("disk full")

    c.store.record_job = broken
    assert job.wait(10).ok  # the store must never break polling
    assert "could not update the job store" in caplog.text
    assert sim.secret not in caplog.text


def test_plain_http_to_another_machine_is_warned_about(monkeypatch):
    """The secret goes in a header with every request: over plain http:// to another machine
    anyone on the way can read it. Said once at construction (never with the secret); https and
    a loopback address (the simulator) are quiet."""
    from youchuan_nb import InsecureURLWarning

    secret = "s3cr3t-never-shown"
    with pytest.warns(InsecureURLWarning, match="plain http://") as caught:
        Client(app_id="a", secret=secret, base_url="http://api.example.com", store=False)
    assert all(secret not in str(w.message) for w in caught)
    with warnings.catch_warnings():
        warnings.simplefilter("error", InsecureURLWarning)
        Client(app_id="a", secret=secret, base_url="https://api.example.com", store=False)
        Client(app_id="a", secret=secret, base_url="http://127.0.0.1:9", store=False)
        Client(app_id="a", secret=secret, base_url="http://localhost:9", store=False)
    monkeypatch.setenv("YOUCHUAN_NB_LANG", "zh")
    with pytest.warns(InsecureURLWarning, match="明文"):
        Client(app_id="a", secret=secret, base_url="http://10.0.0.5:8080", store=False)
