"""1. Completion-to-screen: simulator marks a job finished -> the JobCard holds 4 thumbnails.

Uses the real notebook layer without a kernel: ``Session(client=...)``, ``JobCard``, its
``Tracker`` background poller and its thumbnail loader. The simulator's finish time is the job's
``complete_at`` (time.monotonic() in this process: terminal with URLs visible); the screen time
is when the card's ``thumbs`` trait first holds all four thumbnails of the root node.

Two waves run one after the other: the first in a fresh session (the poll schedule has learned
nothing), the second after it (the schedule knows how long a diffusion takes), as a user's first
and later cells would.
"""

from __future__ import annotations

import threading
import time
import types

from youchuan_nb.client import Client

from ._common import Result, median, temp_home

NAME = "latency"


def _wave(sim, session, n: int, tag: str, timeout: float) -> list[dict]:
    from youchuan_nb.notebook._card import JobCard

    client = session.client
    records = []
    for i in range(n):
        card = JobCard(session)
        rec = {"card": card, "detect": None, "screen": None}
        lock = threading.Lock()

        def on_cards(change, rec=rec, card=card):
            cards = change["new"]
            if (
                cards
                and cards[0].get("status") in ("finishing", "finished")
                and rec["detect"] is None
            ):
                rec["detect"] = time.monotonic()

        def on_thumbs(change, rec=rec, card=card, lock=lock):
            root = card._order[0] if card._order else None
            have = sum(1 for k in change["new"] if root and k.startswith(root + "/"))
            with lock:
                if have >= 4 and rec["screen"] is None:
                    rec["screen"] = time.monotonic()

        card.observe(on_cards, names="cards")
        card.observe(on_thumbs, names="thumbs")
        prompt = f"benchmark latency {tag} {i} --v 7"
        card.submit(
            "diffusion",
            lambda p=prompt: client.diffusion(p),
            params={"text": prompt},
            label="Imagine",
            prompt=prompt,
        )
        records.append(rec)
    deadline = time.monotonic() + timeout
    for rec in records:
        rec["card"].wait(max(0.1, deadline - time.monotonic()))
    # the thumbs trait is set just before the final sync; give the last one a moment
    end = time.monotonic() + 2.0
    while any(r["screen"] is None for r in records) and time.monotonic() < end:
        time.sleep(0.02)
    log = sim.request_log
    timing = {t["id"]: types.SimpleNamespace(**t) for t in sim.timings()}
    out = []
    for rec in records:
        node = rec["card"].root
        job = node.job if node is not None else None
        if job is None:
            continue
        sj = timing[job.id]
        path = f"/v1/tob/job/{job.id}"
        gets = sum(1 for m, p, _ in log if m == "GET" and p == path)
        life = sj.complete_at - sj.created
        out.append(
            {
                "tag": tag,
                "lat": None if rec["screen"] is None else rec["screen"] - sj.complete_at,
                "detect": None if rec["detect"] is None else rec["detect"] - sj.complete_at,
                "gets": gets,
                "life": life,
                "rate": gets / life if life > 0 else None,
            }
        )
    return out


def run(quick: bool = False) -> list[Result]:
    from youchuan_nb.notebook._session import Session
    from youchuan_nb.sim import Simulator

    n = 3 if quick else 6
    job_seconds = 4.0 if quick else 10.0
    with (
        temp_home("latency"),
        Simulator(job_seconds=job_seconds, queue_seconds=0.0, concurrency=n) as sim,
    ):
        client = Client.for_service(sim, max_concurrent=n)
        session = Session(client=client)
        try:
            samples = _wave(sim, session, n, "cold", job_seconds * 3 + 30)
            samples += _wave(sim, session, n, "warm", job_seconds * 3 + 30)
        finally:
            session.tracker.stop()
            session.submit_pool.shutdown(wait=False, cancel_futures=True)
    lat = [s["lat"] for s in samples if s["lat"] is not None]
    rates = [s["rate"] for s in samples if s["rate"] is not None]
    missing = sum(1 for s in samples if s["lat"] is None)
    desc = f"{len(samples)} x {job_seconds:g} s jobs ({n} at once, 2 waves)"
    results = [
        Result(
            NAME,
            "finish -> 4 thumbnails on card, median",
            median(lat),
            1.0,
            "s",
            desc + (f"; {missing} never showed" if missing else ""),
        ),
        Result(
            NAME,
            "job polls per second of job life, mean",
            sum(rates) / len(rates) if rates else None,
            1.0,
            "GET/s",
            f"max {max(rates):.2f}" if rates else "",
        ),
    ]
    for tag in ("cold", "warm"):
        part = [s for s in samples if s["tag"] == tag]
        pl = [s["lat"] for s in part if s["lat"] is not None]
        pd = [s["detect"] for s in part if s["detect"] is not None]
        pr = [s["rate"] for s in part if s["rate"] is not None]
        if pl:
            results.append(
                Result(
                    NAME,
                    f"  {tag} wave: median latency (poll lag + media)",
                    median(pl),
                    None,
                    "s",
                    f"poll lag median {median(pd):.2f} s, max latency {max(pl):.2f} s, "
                    f"{sum(pr) / len(pr):.2f} GET/s"
                    if pd and pr
                    else "",
                )
            )
    return results
