"""The retry policy against real faults: what is retried, what is not, and polling that survives.

Faults are seeded (deterministic per request number); ``find_seed`` picks a seed whose first
requests have the fates a test needs. Where a test provokes many retries, the backoff delay is
shortened (the policy itself is unchanged; ``backoff_delay`` has its own unit tests below).
"""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from youchuan_nb.client import (
    APIConnectionError,
    Client,
    ConcurrencyLimitError,
    InternalServerError,
    NotFoundError,
    ServerBusyError,
    _http,
)
from youchuan_nb.client._http import MAX_RETRY_DELAY, backoff_delay
from youchuan_nb.sim import AUDIT_REJECTION, Faults, Simulator


def find_seed(
    predicate, *, submit: bool, count: int = 40, head: int = 0, head_predicate=None, **kw
) -> int:
    """The first seed whose first ``count`` request fates satisfy ``predicate``
    (``head_predicate`` on the first ``head`` fates is checked first, cheaply)."""
    for seed in range(20000):
        probe = Faults(seed=seed, **kw)
        fates = [probe.for_request(submit) for _ in range(head)]
        if head_predicate and not head_predicate([(f.outcome, f.slow) for f in fates]):
            continue
        fates += [probe.for_request(submit) for _ in range(count - head)]
        if predicate([(f.outcome, f.slow) for f in fates]):
            return seed
    raise AssertionError("no seed found")  # pragma: no cover


@pytest.fixture
def fast_backoff(monkeypatch):
    calls = []

    def quick(attempt, retry_after=None):
        calls.append((attempt, retry_after))
        return 0.01

    monkeypatch.setattr(_http, "backoff_delay", quick)
    return calls


def posts(sim, path):
    return [s for m, p, s in sim.request_log if m == "POST" and p == path]


# -- backoff_delay ------------------------------------------------------------------------------
def test_backoff_grows_exponentially_with_jitter_and_a_cap():
    for attempt in range(8):
        base = min(0.5 * 2**attempt, MAX_RETRY_DELAY)
        for _ in range(50):
            d = backoff_delay(attempt)
            assert 0.75 * base - 1e-9 <= d <= base + 1e-9
    assert len({backoff_delay(2) for _ in range(20)}) > 1, "jitter"
    assert backoff_delay(30) <= MAX_RETRY_DELAY


def test_backoff_honours_retry_after():
    assert backoff_delay(0, "2") == 2.0
    assert backoff_delay(5, "0.25") == 0.25
    assert backoff_delay(3, "0") == 0.0
    later = datetime.now(UTC) + timedelta(seconds=30)
    assert 25 <= backoff_delay(0, format_datetime(later, usegmt=True)) <= 31
    # unusable or absurd values fall back to the exponential delay
    for value in ("soon", "-3", "3600", ""):
        assert 0.375 <= backoff_delay(0, value) <= 0.5


def test_retry_after_is_honoured_on_a_get(recorder):
    recorder.script = [
        (
            429,
            {"code": 429, "reason": "Max_Concurrent_Limited", "message": "x"},
            {"Retry-After": "1"},
        )
    ]
    recorder.client().subscribe()
    first, second = recorder.requests
    assert second.at - first.at >= 0.95  # the default first backoff is at most 0.5 s


def test_retry_after_is_honoured_on_a_busy_submit(recorder):
    recorder.script = [
        (503, {"code": 503, "reason": "Server_Busy", "message": "busy"}, {"Retry-After": "1"})
    ]
    job = recorder.client().diffusion("a fox")
    assert job.id
    first, second = recorder.requests
    assert (first.method, second.method) == ("POST", "POST") and first.raw == second.raw
    assert second.at - first.at >= 0.95


# -- job-creating POSTs -----------------------------------------------------------------------
def test_503_busy_on_submit_is_retried_and_makes_exactly_one_job(sim, fast_backoff):
    seed = find_seed(
        lambda f: f[0][0] == "busy" and f[1][0] == "busy" and f[2][0] is None, submit=True, busy=0.5
    )
    sim.faults = Faults(seed=seed, busy=0.5, on_poll=False)
    c = Client.for_service(sim, store=False, max_concurrent=3, poll_interval=0.05)
    job = c.diffusion("a fox")
    assert posts(sim, "/v1/tob/diffusion") == [503, 503, 200]
    assert [x["id"] for x in sim.created] == [job.id]
    assert job.wait(10).ok


def test_busy_submit_gives_up_after_max_retries(sim, fast_backoff):
    sim.faults = Faults(busy=1.0, on_poll=False)
    c = Client.for_service(sim, store=False, max_concurrent=3, max_retries=2)
    with pytest.raises(ServerBusyError):
        c.diffusion("a fox")
    assert posts(sim, "/v1/tob/diffusion") == [503, 503, 503]
    assert sim.created == []


def test_429_on_submit_is_retried(sim):
    """Another program holds the plan's only slot: our 429 is retried, not shown to the user."""
    sim.concurrency = 1
    other = Client.for_service(sim, store=False, max_concurrent=1)
    ours = Client.for_service(sim, store=False, max_concurrent=5, poll_interval=0.05)
    blocker = other.diffusion("a hen")
    job = ours.diffusion("a fox")  # waits out the 429s with backoff
    assert 429 in posts(sim, "/v1/tob/diffusion")
    assert len(sim.created) == 2 and sim.created[-1]["id"] == job.id
    assert job.wait(10).ok and blocker.wait(10).ok


def test_connection_refused_on_submit_is_retried_and_makes_one_job(monkeypatch, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sim = Simulator(job_seconds=0.2, port=port)
    started = []

    def bring_the_service_up(attempt, retry_after=None):
        if not started:
            sim.start()
            started.append(attempt)
        return 0.01

    monkeypatch.setattr(_http, "backoff_delay", bring_the_service_up)
    from youchuan_nb.client import Client

    c = Client(
        app_id=sim.app_id,
        secret=sim.secret,
        base_url=f"http://127.0.0.1:{port}",
        store=tmp_path / "jobs.sqlite3",
        max_concurrent=3,
        poll_interval=0.05,
    )
    try:
        job = c.diffusion("a fox")
        assert started == [0], "the refused attempt was retried once"
        assert [x["id"] for x in sim.created] == [job.id]
        assert posts(sim, "/v1/tob/diffusion") == [200]
        assert job.wait(10).ok
    finally:
        sim.stop()


def test_connection_refused_on_a_get_is_retried(monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sim = Simulator(job_seconds=0.2, port=port)
    started = []

    def up(attempt, retry_after=None):
        if not started:
            sim.start()
            started.append(attempt)
        return 0.01

    monkeypatch.setattr(_http, "backoff_delay", up)
    from youchuan_nb.client import Client

    c = Client(
        app_id=sim.app_id,
        secret=sim.secret,
        base_url=f"http://127.0.0.1:{port}",
        store=False,
        max_concurrent=3,
    )
    try:
        assert c.subscribe()["maxConcurrent"] == 3 and started == [0]
    finally:
        sim.stop()


def test_dropped_connection_on_submit_is_not_retried(sim, client, fast_backoff):
    sim.faults = Faults(drop=1.0, on_poll=False)
    with pytest.raises(APIConnectionError) as info:
        client.diffusion("a fox")
    assert info.value.maybe_created is True
    assert "not retried" in str(info.value)
    assert posts(sim, "/v1/tob/diffusion") == [0], "exactly one attempt"
    assert len(sim.created) == 0
    assert fast_backoff == []
    assert [r.state for r in client.history()] == ["unknown"]


def test_drop_after_the_job_was_created_is_not_retried(sim, client, fast_backoff):
    sim.faults = Faults(drop_after_create=1.0, on_poll=False)
    with pytest.raises(APIConnectionError) as info:
        client.diffusion("a fox")
    assert info.value.maybe_created is True
    assert len(sim.created) == 1, "the job exists once, never twice"
    assert posts(sim, "/v1/tob/diffusion") == [0]
    rec = client.history()[0]
    assert rec.state == "unknown" and rec.params == {"text": "a fox"}


def test_500_on_submit_is_not_retried(sim, client, fast_backoff):
    sim.faults = Faults(server_error=1.0, on_poll=False)
    with pytest.raises(InternalServerError) as info:
        client.diffusion("a fox")
    assert info.value.status == 500
    assert posts(sim, "/v1/tob/diffusion") == [500]
    assert len(sim.created) <= 1
    assert fast_backoff == []


def test_500_on_submit_is_recorded_as_unknown(sim, client):
    sim.faults = Faults(server_error=1.0, on_poll=False)
    with pytest.raises(InternalServerError):
        client.diffusion("a fox")
    assert [r.state for r in client.history()] == ["unknown"]


def test_read_timeout_on_submit_is_not_retried(sim, fast_backoff, wait_until):
    sim.faults = Faults(slow=1.0, slow_seconds=0.6, on_poll=False)
    c = Client.for_service(sim, store=False, max_concurrent=3, timeout=0.25)
    with pytest.raises(APIConnectionError) as info:
        c.diffusion("a fox")
    assert info.value.maybe_created is True
    assert fast_backoff == []
    # the server logs the request once it has answered (after its slow delay)
    wait_until(lambda: sim.request_log, timeout=5, what="the slow request to be logged")
    assert len([1 for m, p, _ in sim.request_log if p == "/v1/tob/diffusion"]) == 1
    assert len(sim.created) == 1  # it was created: exactly why a retry would bill twice


def test_a_client_error_on_submit_is_not_retried(sim, client):
    with pytest.raises(NotFoundError):
        client.upscale("no-such-job", 0, "standard")
    assert posts(sim, "/v1/tob/upscale") == [404]


# -- GET polls survive faults ---------------------------------------------------------------
def _no_long_runs(fates, limit):
    run = 0
    for outcome, _slow in fates:
        run = run + 1 if outcome else 0
        if run >= limit:
            return False
    return True


def test_polling_survives_503_500_drops_and_slow_answers(sim, fast_backoff):
    kw = {"busy": 0.1, "server_error": 0.1, "drop": 0.1, "slow": 0.1}
    seed = find_seed(
        lambda f: _no_long_runs(f, 5),
        submit=False,
        count=200,
        head=8,
        head_predicate=lambda f: {"busy", "server_error", "drop"} <= {o for o, _ in f}
        and any(s for _, s in f),
        **kw,
    )
    faults = Faults(seed=seed, slow_seconds=0.2, on_submit=False, **kw)
    sim.faults = faults
    sim.job_seconds = 1.5  # long enough for well over 8 polls
    c = Client.for_service(
        sim, store=False, max_concurrent=3, poll_interval=0.05, max_retries=5, timeout=5
    )
    job = c.diffusion("a fox")
    assert job.wait(20).ok and len(job.urls) == 4
    kinds = {kind for _, n, kind in faults.events}
    assert {"busy", "server_error", "drop", "slow"} <= kinds, faults.events
    statuses = {s for m, p, s in sim.request_log if m == "GET"}
    assert {0, 500, 503, 200} <= statuses
    assert len(sim.created) == 1


def test_polling_survives_answers_slower_than_the_timeout(sim, fast_backoff):
    seed = find_seed(lambda f: f[0][1] and f[1][1] and _no_long_slow(f), submit=False, slow=0.4)
    sim.faults = Faults(seed=seed, slow=0.4, slow_seconds=0.5, on_submit=False)
    c = Client.for_service(
        sim, store=False, max_concurrent=3, poll_interval=0.05, max_retries=4, timeout=0.25
    )
    job = c.diffusion("a fox")
    assert job.wait(20).ok
    assert len(fast_backoff) >= 2  # the timed-out GETs were retried


def _no_long_slow(fates):
    run = 0
    for _, slow in fates:
        run = run + 1 if slow else 0
        if run >= 4:
            return False
    return True


def test_success_before_urls_keeps_polling(sim, client):
    sim.faults = Faults(success_before_urls=1.0, success_before_urls_seconds=0.5)
    job = client.diffusion("a fox")
    seen = []
    job.on_change(lambda j: seen.append((j.status, len(j.urls), j.done, j.status_name)))
    job.wait(10)
    assert job.ok and len(job.urls) == 4
    assert (2, 0, False, "finishing") in seen, seen
    assert seen[-1][:3] == (2, 4, True)


def test_per_image_audit_rejections_are_visible(sim, client):
    probe = Faults(seed=0, audit_reject=0.5)
    seed = next(
        s
        for s in range(1000)
        if 0 < sum(Faults(seed=s, audit_reject=0.5).for_job().audit_rejects) < 4
    )
    expected = Faults(seed=seed, audit_reject=0.5).for_job().audit_rejects
    del probe
    sim.faults = Faults(seed=seed, audit_reject=0.5)
    job = client.diffusion("a fox").wait(10)
    assert job.ok and len(job.outputs) == 4
    assert [o.rejected for o in job.outputs] == list(expected)
    for o in job.outputs:
        assert o.url == job.urls[o.index]
        assert (o.audit == AUDIT_REJECTION) == o.rejected
    assert [bool(a) for a in job.audits] == list(expected)


def test_concurrency_errors_never_reach_the_user_when_the_client_is_alone(sim, client):
    sim.concurrency = 1
    jobs = [client.diffusion(f"fox {i}") for i in range(3)]
    for j in jobs:
        assert j.wait(10).ok
    assert 429 not in [s for _, _, s in sim.request_log]
    assert not any(isinstance(j, ConcurrencyLimitError) for j in jobs)
