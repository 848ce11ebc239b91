"""7. Simulator: 50 requests per second of job polling, p99 latency < 100 ms.

Open loop: a GET /v1/tob/job/{id} is due every 1/50 s whatever earlier ones did, spread over
8 threads with their own keep-alive sessions (as 8 notebook kernels would poll), while new
diffusion jobs are submitted once a second so the simulator's image workers are busy too.
Latency is measured from the due time (so a late start counts), and also from the send.
Run alone: ``python -m bench sim_load``.
"""

from __future__ import annotations

import threading
import time

from ._common import Result, median, percentile

NAME = "sim_load"


def run(quick: bool = False, rate: float = 50.0, threads: int = 8) -> list[Result]:
    import requests

    from youchuan_nb.sim import Simulator

    seconds = 4.0 if quick else 12.0
    with Simulator(job_seconds=2.0, concurrency=1000) as sim:
        headers = {"x-youchuan-app": sim.app_id, "x-youchuan-secret": sim.secret}
        submit = requests.Session()
        submit.trust_env = False
        submit.headers.update(headers)
        ids = [
            submit.post(
                sim.url + "/v1/tob/diffusion", json={"text": f"bench load {i}"}, timeout=10
            ).json()["id"]
            for i in range(8)
        ]
        total = int(rate * seconds)
        start = time.perf_counter() + 0.3
        from_due: list[float] = []
        from_send: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        stop = threading.Event()

        def poller(k: int) -> None:
            s = requests.Session()
            s.trust_env = False
            s.headers.update(headers)
            for i in range(k, total, threads):
                due = start + i / rate
                delay = due - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                t0 = time.perf_counter()
                try:
                    r = s.get(f"{sim.url}/v1/tob/job/{ids[i % len(ids)]}", timeout=5)
                    ok = r.status_code == 200 and "status" in r.json()
                    err = "" if ok else f"HTTP {r.status_code}"
                except requests.RequestException as exc:
                    err = type(exc).__name__
                t1 = time.perf_counter()
                with lock:
                    from_due.append(t1 - max(due, start))
                    from_send.append(t1 - t0)
                    if err:
                        errors.append(err)

        def generator() -> None:
            n = 0
            while not stop.wait(1.0):
                n += 1
                try:
                    submit.post(
                        sim.url + "/v1/tob/diffusion", json={"text": f"load {n}"}, timeout=10
                    )
                except requests.RequestException:
                    pass

        workers = [threading.Thread(target=poller, args=(k,)) for k in range(threads)]
        gen = threading.Thread(target=generator, daemon=True)
        gen.start()
        for t in workers:
            t.start()
        for t in workers:
            t.join()
        elapsed = time.perf_counter() - start
        stop.set()
        gen.join(timeout=5)
    achieved = len(from_send) / elapsed
    p99 = percentile(from_due, 99) * 1000
    return [
        Result(
            NAME,
            f"job polling at {rate:g} req/s, p99 latency",
            p99,
            100.0,
            "ms",
            f"achieved {achieved:.1f} req/s over {elapsed:.0f} s, {threads} threads, "
            f"1 new job/s; p50 {median(from_due) * 1000:.1f} ms, max "
            f"{max(from_due) * 1000:.0f} ms; {len(errors)} errors",
            strict=True,
        ),
        Result(
            NAME,
            "  achieved polling rate / offered",
            achieved / rate,
            None,
            "x",
            f"p99 from send {percentile(from_send, 99) * 1000:.1f} ms",
        ),
    ]
