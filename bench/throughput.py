"""2. Batch throughput at the plan's limit: makespan vs ceil(N / concurrency) x job seconds.

What a user would run: ``client.batch(prompts)`` (the client's local slot gate keeps submits
within the plan) and, for the 60-prompt case, the notebook path (60 ``JobCard.submit`` calls
served by the session's submit pool and Tracker, as 60 ``%%imagine`` cells would).

The makespan runs from the first submit to the last job done *as the user sees it*
(``client.batch`` returning / every card settled). 429s "seen by the user" are errors that
reached the caller (an exception or a refused card); 429 answers the transport retried quietly
are counted separately from the simulator's request log.
"""

from __future__ import annotations

import math
import statistics
import time
import types

from youchuan_nb.client import Client

from ._common import Result, temp_home

NAME = "throughput"


def _sim_diag(sim, t0_mono: float) -> dict:
    jobs = [types.SimpleNamespace(**t) for t in sim.timings()]
    log = sim.request_log
    posts = [s for m, p, s in log if m == "POST" and p == "/v1/tob/diffusion"]
    gets = sum(1 for m, p, _ in log if m == "GET" and p.startswith("/v1/tob/job/"))
    last_complete = max(j.complete_at for j in jobs) - t0_mono if jobs else 0.0
    # how long after its finish a job's images were drawn (grids are drawn on the side, or on
    # first use: a job nobody downloaded may never be drawn, and is left out)
    media_late = [max(0.0, j.done_at - j.complete_at) for j in jobs if j.done]
    # admission gap: from a slot freeing in the simulator to the client's next job being created
    conc = sim.concurrency
    by_created = sorted(jobs, key=lambda j: j.created)
    freed = sorted(j.complete_at for j in jobs)
    gaps = [by_created[k].created - freed[k - conc] for k in range(conc, len(by_created))]
    # the best any client could do given when the simulator admitted and finished each job
    return {
        "post_429": sum(1 for s in posts if s == 429),
        "posts": len(posts),
        "gets": gets,
        "sim_last_complete": last_complete,
        "media_late_max": max(media_late) if media_late else 0.0,
        "media_late_med": statistics.median(media_late) if media_late else 0.0,
        "gap_med": statistics.median(gaps) if gaps else 0.0,
        "gap_sum": sum(gaps) / conc if gaps else 0.0,
    }


def _batch(n: int, conc: int, job_s: float) -> dict:
    from youchuan_nb.client import ConcurrencyLimitError, YouchuanError
    from youchuan_nb.sim import Simulator

    with (
        temp_home("throughput"),
        Simulator(job_seconds=job_s, queue_seconds=0.0, concurrency=conc, workers=2) as sim,
    ):
        client = Client.for_service(sim)  # the plan's concurrency is discovered from subscribe
        prompts = [f"benchmark batch {i} --v 7" for i in range(n)]
        user_429 = other_err = 0
        t0 = time.monotonic()
        try:
            jobs = client.batch(prompts, timeout=600)
        except ConcurrencyLimitError:
            user_429 += 1
            jobs = []
        except YouchuanError:
            other_err += 1
            jobs = []
        makespan = time.monotonic() - t0
        ok = sum(1 for j in jobs if j.ok)
        d = _sim_diag(sim, t0)
        d.update(
            makespan=makespan,
            ok=ok,
            user_429=user_429,
            other_err=other_err,
            limit_seen=client.max_concurrent,
        )
        return d


def _cards(n: int, conc: int, job_s: float) -> dict:
    from youchuan_nb.notebook._card import JobCard
    from youchuan_nb.notebook._session import Session
    from youchuan_nb.sim import Simulator

    with (
        temp_home("throughput-cards"),
        Simulator(job_seconds=job_s, queue_seconds=0.0, concurrency=conc, workers=2) as sim,
    ):
        client = Client.for_service(sim)
        session = Session(client=client)
        cards = []
        t0 = time.monotonic()
        try:
            for i in range(n):
                card = JobCard.imagine(f"benchmark cards {i} --v 7", session)
                cards.append(card)
            for card in cards:
                card.wait(600)
            makespan = time.monotonic() - t0
        finally:
            session.tracker.stop()
            session.submit_pool.shutdown(wait=False, cancel_futures=True)
        statuses = [c.cards[0]["status"] if c.cards else "?" for c in cards]
        user_429 = sum(
            1
            for c in cards
            if c.cards
            and c.cards[0]["status"] in ("refused", "unknown")
            and ("429" in c.cards[0]["message"] or "oncurren" in c.cards[0]["message"])
        )
        d = _sim_diag(sim, t0)
        d.update(
            makespan=makespan,
            ok=statuses.count("finished"),
            user_429=user_429,
            other_err=sum(1 for s in statuses if s in ("refused", "unknown", "failed")),
            limit_seen=client.max_concurrent,
        )
        return d


def run(quick: bool = False) -> list[Result]:
    job_s = 1.0
    cases = [
        ("client.batch", 60, 3, _batch),
        ("notebook cards", 60, 3, _cards),
        ("client.batch", 200, 12, _batch),
    ]
    if quick:
        cases = [
            ("client.batch", 15, 3, _batch),
            ("notebook cards", 15, 3, _cards),
            ("client.batch", 48, 12, _batch),
        ]
    results = []
    for how, n, conc, fn in cases:
        ideal = math.ceil(n / conc) * job_s
        d = fn(n, conc, job_s)
        over = d["makespan"] / ideal - 1
        results.append(
            Result(
                NAME,
                f"{how}: {n} prompts @ {conc}, makespan / ideal",
                d["makespan"] / ideal,
                1.10,
                "x",
                f"{d['makespan']:.1f} s vs ideal {ideal:g} s (+{over:.0%}); {d['ok']}/{n} ok; "
                f"slot-free -> next job created: median {d['gap_med']:.2f} s "
                f"(~{d['gap_sum']:.1f} s in total per slot); sim media late median "
                f"{d['media_late_med']:.2f} s / max {d['media_late_max']:.2f} s; "
                f"{d['gets'] / n:.1f} GETs/job",
            )
        )
        results.append(
            Result(
                NAME,
                f"{how}: {n} @ {conc}, 429s seen by the user",
                d["user_429"],
                0,
                "",
                f"{d['post_429']} 429 answers to {d['posts']} POSTs (retried quietly); "
                f"{d['other_err']} other errors; limit used {d['limit_seen']}",
            )
        )
    return results
