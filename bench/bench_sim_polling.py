"""Benchmark: GET job polling against the simulator (target: >= 50 req/s with p99 < 100 ms).

    .venv/bin/python bench/bench_sim_polling.py [--rate 50] [--seconds 10] [--threads 8]
                                                [--no-generation]

Several threads, each with its own keep-alive session, poll job ids at a combined fixed rate
(open loop: a request is due every 1/rate s whatever the previous ones did). Meanwhile new jobs
are submitted (one every ``--submit-every`` s) so the worker pool is busy making images, as in
real use. Prints the achieved rate, p50, p99 and max latency against the target.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time

import requests

from youchuan_nb.sim import Simulator


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rate", type=float, default=50.0)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--submit-every", type=float, default=1.0)
    ap.add_argument("--no-generation", action="store_true")
    ap.add_argument("--p99-ms", type=float, default=100.0)
    args = ap.parse_args(argv)

    with Simulator(job_seconds=2.0, concurrency=1000) as sim:
        headers = {"x-youchuan-app": sim.app_id, "x-youchuan-secret": sim.secret}
        submit = requests.Session()
        submit.trust_env = False
        submit.headers.update(headers)
        job_ids = [submit.post(sim.url + "/v1/tob/diffusion", json={"text": f"bench {i}"},
                               timeout=10).json()["id"] for i in range(8)]

        interval = 1.0 / args.rate
        start = time.perf_counter() + 0.2
        total = int(args.rate * args.seconds)
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        stop = threading.Event()

        def poller(k: int) -> None:
            s = requests.Session()
            s.trust_env = False
            s.headers.update(headers)
            for i in range(k, total, args.threads):
                due = start + i * interval
                delay = due - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                t0 = time.perf_counter()
                try:
                    r = s.get(f"{sim.url}/v1/tob/job/{job_ids[i % len(job_ids)]}", timeout=5)
                    ok = r.status_code == 200 and "status" in r.json()
                except requests.RequestException as exc:
                    ok, r = False, exc
                took = time.perf_counter() - t0
                with lock:
                    latencies.append(took)
                    if not ok:
                        errors.append(str(r))

        def generator() -> None:
            n = 0
            while not stop.wait(args.submit_every):
                n += 1
                submit.post(sim.url + "/v1/tob/diffusion", json={"text": f"load {n}"},
                            timeout=10)

        threads = [threading.Thread(target=poller, args=(k,)) for k in range(args.threads)]
        gen = threading.Thread(target=generator, daemon=True)
        if not args.no_generation:
            gen.start()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
        stop.set()

    lat_ms = sorted(x * 1000 for x in latencies)
    p50 = statistics.median(lat_ms)
    p99 = lat_ms[min(len(lat_ms) - 1, int(round(0.99 * len(lat_ms))) - 1)]
    rate = len(lat_ms) / elapsed
    ok = rate >= args.rate * 0.95 and p99 < args.p99_ms and not errors
    print(f"requests: {len(lat_ms)} in {elapsed:.2f} s with {args.threads} threads "
          f"(generation {'off' if args.no_generation else 'on'})")
    print(f"achieved rate: {rate:.1f} req/s (target >= {args.rate:g})")
    print(f"latency: p50 {p50:.1f} ms, p99 {p99:.1f} ms (target < {args.p99_ms:g}), "
          f"max {lat_ms[-1]:.1f} ms")
    print(f"errors: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
