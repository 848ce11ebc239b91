"""6. Memory: RSS growth of a process using JobCard + client after 50 finished grids.

The simulator runs in this process (its in-memory media store would otherwise be counted); a
child process plays the kernel: it builds a notebook ``Session`` against the simulator, runs one
warm-up grid (imports, thread pools, PIL), records its RSS, then runs 50 more grids through
``JobCard.submit`` (6 at a time, as a user running cells would, each card waited for), drops
nothing, and records RSS again. The cards stay referenced (``session.cards``) as in a kernel.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import tempfile
import time

from ._common import PYTHON, Result, clean_env

NAME = "memory"


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def child(n: int) -> None:
    from youchuan_nb.client import Client
    from youchuan_nb.notebook._card import JobCard
    from youchuan_nb.notebook._session import Session

    client = Client(max_concurrent=6)
    session = Session(client=client)

    def grids(count: int, tag: str) -> None:
        batch = []
        for i in range(count):
            card = JobCard.imagine(f"memory benchmark {tag} {i} --v 7", session)
            batch.append(card)
            if len(batch) == 6 or i == count - 1:
                for c in batch:
                    c.wait(120)
                batch = []

    grids(1, "warm")
    gc.collect()
    before = _rss_mb()
    t = time.monotonic()
    grids(n, "run")
    elapsed = time.monotonic() - t
    time.sleep(0.5)
    gc.collect()
    after = _rss_mb()
    finished = sum(1 for c in session.cards if c.cards and c.cards[0]["status"] == "finished")
    thumbs = sum(len(v) for c in session.cards for v in c.thumbs.values())
    print(
        json.dumps(
            {
                "before": before,
                "after": after,
                "finished": finished - 1,
                "thumb_bytes": thumbs,
                "elapsed": elapsed,
            }
        )
    )


def run(quick: bool = False) -> list[Result]:
    from youchuan_nb.sim import Simulator

    n = 12 if quick else 50
    with (
        tempfile.TemporaryDirectory(prefix="yc-bench-mem-") as tmp,
        Simulator(job_seconds=0.3, queue_seconds=0.0, concurrency=6) as sim,
    ):
        env = clean_env(YOUCHUAN_NB_HOME=tmp, **sim.env)
        out = subprocess.run(
            [PYTHON, "-m", "bench.memory", "--child", str(n)],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            cwd=tmp,
        )
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if out.returncode != 0 or not lines:
        return [
            Result(
                NAME,
                f"RSS growth after {n} grids",
                None,
                100.0,
                "MB",
                "child failed: " + out.stderr.strip()[-300:],
            )
        ]
    d = json.loads(lines[-1])
    growth = d["after"] - d["before"]
    limit = 100.0  # the target is for 50 grids; --quick runs fewer against the same limit
    return [
        Result(
            NAME,
            f"RSS growth after {n} finished grids (JobCard + client)",
            growth,
            limit,
            "MB",
            f"{d['before']:.0f} -> {d['after']:.0f} MB; {d['finished']}/{n} "
            f"finished; thumbnails held {d['thumb_bytes'] / 1e6:.1f} MB; "
            f"{d['elapsed']:.0f} s",
        )
    ]


if __name__ == "__main__" and len(sys.argv) > 2 and sys.argv[1] == "--child":
    child(int(sys.argv[2]))
