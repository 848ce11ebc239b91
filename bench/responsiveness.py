"""4. Kernel responsiveness: round trip of a trivial cell with 12 jobs in flight vs none.

A real ipykernel (jupyter_client KernelManager) loads the extension and talks to a simulator
running in *this* process (as the real service would be elsewhere), with plan concurrency 12 and
jobs long enough to stay in flight. ``1+1`` is executed N times with no jobs, then twelve
``%%imagine`` cells are run (``YOUCHUAN_NB_WAIT=never``: cells return at once, the Tracker polls
in the background) and ``1+1`` is executed N times again. Round trip = execute request sent to
the kernel idle again (``execute_interactive``).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from ._common import Result, clean_env, median, percentile

NAME = "responsiveness"


def _trips(kc, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        reply = kc.execute_interactive("1+1", timeout=30, output_hook=lambda msg: None)
        out.append(time.perf_counter() - t)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"1+1 failed: {reply['content']}")
        time.sleep(0.05)
    return out


def run(quick: bool = False) -> list[Result]:
    from jupyter_client import KernelManager

    from youchuan_nb.sim import Simulator

    n = 10 if quick else 30
    jobs = 12
    with (
        tempfile.TemporaryDirectory(prefix="yc-bench-resp-") as tmp,
        Simulator(job_seconds=600, queue_seconds=0.5, concurrency=jobs) as sim,
    ):
        env = clean_env(YOUCHUAN_NB_WAIT="never", YOUCHUAN_NB_HOME=tmp, **sim.env)
        km = KernelManager(kernel_name="python3")
        with open(Path(tmp) / "kernel.log", "wb") as log:
            km.start_kernel(env=env, cwd=tmp, stderr=log)
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            load = kc.execute_interactive(
                "%load_ext youchuan_nb", timeout=60, output_hook=lambda msg: None
            )
            assert load["content"]["status"] == "ok", load["content"]
            _trips(kc, 3)  # warm-up
            idle = _trips(kc, n)
            submit_times = []
            for i in range(jobs):
                t = time.perf_counter()
                r = kc.execute_interactive(
                    f"%%imagine\nresponsiveness probe {i} --v 7",
                    timeout=60,
                    output_hook=lambda msg: None,
                )
                submit_times.append(time.perf_counter() - t)
                assert r["content"]["status"] == "ok", r["content"]
            deadline = time.monotonic() + 30
            while len(sim.created) < jobs and time.monotonic() < deadline:
                time.sleep(0.05)
            in_flight = sim.running()
            busy = _trips(kc, n)
            gets = sum(1 for m, p, _ in sim.request_log if m == "GET")
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    return [
        Result(
            NAME,
            f"1+1 round trip, {jobs} jobs in flight, median",
            median(busy) * 1000,
            50.0,
            "ms",
            f"{in_flight} in flight in the sim; p90 {percentile(busy, 90) * 1000:.0f} ms, "
            f"max {max(busy) * 1000:.0f} ms; {n} runs",
        ),
        Result(
            NAME,
            "  1+1 round trip, no jobs, median",
            median(idle) * 1000,
            None,
            "ms",
            f"p90 {percentile(idle, 90) * 1000:.0f} ms; busy/idle "
            f"{median(busy) / median(idle):.2f}x",
        ),
        Result(
            NAME,
            "  %%imagine cell round trip (WAIT=never), median",
            median(submit_times) * 1000,
            None,
            "ms",
            f"max {max(submit_times) * 1000:.0f} ms; {gets} GETs so far",
        ),
    ]
