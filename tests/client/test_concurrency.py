"""Never more jobs in flight than the plan allows; jobs beyond it wait locally; no 429 shown."""

from __future__ import annotations

import threading

from youchuan_nb.client import Client, ConcurrencyLimitError


class Sampler:
    """Samples the simulator's count of queued/running jobs until stopped."""

    def __init__(self, sim) -> None:
        self.sim, self.peak, self.samples = sim, 0, 0
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.sim.running())
            self.samples += 1
            self._stop.wait(0.005)

    def stop(self) -> int:
        self._stop.set()
        self.thread.join(5)
        return self.peak


def test_sequential_submits_stay_within_the_plan(sim, client):
    sim.concurrency = 2
    sampler = Sampler(sim)
    jobs = [client.diffusion(f"fox number {i}") for i in range(4)]  # blocks when full
    assert client.max_concurrent == 2, "learned from subscribe"
    for j in jobs:
        assert j.wait(20).ok
    peak = sampler.stop()
    assert peak == 2 and sampler.samples > 10
    assert 429 not in [s for _, _, s in sim.request_log]
    assert len(sim.created) == 4


def test_jobs_beyond_the_limit_wait_locally(sim, client, wait_until):
    sim.concurrency = 2
    first = [client.diffusion("fox a"), client.diffusion("fox b")]
    results, errors = [], []

    def submit():
        try:
            results.append(client.diffusion("fox c"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    t = threading.Thread(target=submit)
    t.start()
    wait_until(lambda: client._slots.waiting == 1, what="the third submit to wait")
    assert len(sim.created) == 2, "the third job waits locally, it is not sent"
    assert len(client.in_flight()) == 2
    t.join(20)
    assert not errors and len(results) == 1 and len(sim.created) == 3
    assert any(j.done for j in first), "a slot was freed by a finished job first"
    assert results[0].wait(10).ok
    assert 429 not in [s for _, _, s in sim.request_log]


def test_threads_submitting_at_once_stay_within_the_plan(sim, client):
    sim.concurrency = 3
    sampler = Sampler(sim)
    jobs, errors = [], []
    lock = threading.Lock()

    def worker(i):
        try:
            j = client.diffusion(f"owl {i}")
            with lock:
                jobs.append(j)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    for j in jobs:
        assert j.wait(20).ok
    assert sampler.stop() <= 3 and len(jobs) == 5
    assert not [s for _, _, s in sim.request_log if s == 429]


def test_batch_stays_within_the_plan(sim, client):
    sim.concurrency = 2
    sampler = Sampler(sim)
    progress = []
    jobs = client.batch(
        [f"hen {i}" for i in range(3)],
        timeout=30,
        on_progress=lambda done, total: progress.append((done, total)),
    )
    assert all(j.ok for j in jobs) and len(jobs) == 3
    assert sampler.stop() <= 2
    assert progress[-1] == (3, 3)
    assert not isinstance(jobs, ConcurrencyLimitError)


def test_an_explicit_limit_wins_over_the_plan(sim):
    sim.concurrency = 5
    c = Client.for_service(sim, store=False, max_concurrent=1, poll_interval=0.05)
    sampler = Sampler(sim)
    jobs = [c.diffusion(f"cat {i}") for i in range(3)]
    for j in jobs:
        assert j.wait(10).ok
    assert sampler.stop() == 1
    assert c.max_concurrent == 1 and sim.count("subscribe", requests=True) == 0


def test_in_flight_never_exceeds_the_limit_seen_by_the_client(sim):
    limit = sim.concurrency = 1
    c = Client.for_service(sim, store=False, poll_interval=0.05)
    peak = 0
    jobs = []
    for i in range(limit + 1):
        jobs.append(c.diffusion(f"bird {i}"))
        peak = max(peak, len(c.in_flight()))
    for j in jobs:
        j.wait(10)
    assert peak <= limit and c.in_flight() == []
