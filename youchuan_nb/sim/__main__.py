"""Run the simulator in the foreground: ``python -m youchuan_nb.sim --port 8765``.

By default its state is in memory. ``--state-dir PATH`` keeps it in a folder (the same one the
notebook's built-in simulator uses works: both then see the same jobs); ``--temp`` uses a new
temporary folder, deleted at exit.
"""

from __future__ import annotations

import argparse
import contextlib
import shlex
import sys
import tempfile
import threading
from collections.abc import Iterator

from . import ANSWER_SHAPES, PLANS, Simulator


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        prog="python -m youchuan_nb.sim",
        description="A local simulator of the Youchuan API on 127.0.0.1.",
    )
    ap.add_argument("--port", type=int, default=8765, help="port (0 = any free port)")
    ap.add_argument("--job-seconds", type=float, default=3.0, help="how long jobs run")
    ap.add_argument("--queue-seconds", type=float, default=0.0, help="how long jobs are queued")
    ap.add_argument("--concurrency", type=int, default=3, help="max queued+running jobs")
    ap.add_argument("--balance", type=float, default=1000.0)
    ap.add_argument("--app-id", default=None, help="default: random (or the folder's)")
    ap.add_argument("--secret", default=None, help="default: random (or the folder's)")
    ap.add_argument("--comment-style", choices=("enum", "zh"), default="enum")
    ap.add_argument(
        "--answer-shape",
        choices=ANSWER_SHAPES,
        default="flat",
        help="how job (and, wrapped, account) answers are shaped",
    )
    ap.add_argument(
        "--rules",
        choices=("documented", "strict"),
        default="documented",
        help="refuse on the document's rules only (default), or on secondary sources' too",
    )
    ap.add_argument(
        "--plan",
        choices=PLANS,
        default="fast+relax",
        help="the plan it plays: both speeds (default), fast only (--relax refused), relax "
        "credit used up, or no plan at all (every job refused)",
    )
    ap.add_argument("--url-ttl", type=float, default=None, help="seconds media URLs stay valid")
    ap.add_argument("--seed", type=int, default=0)
    where = ap.add_mutually_exclusive_group()
    where.add_argument(
        "--state-dir",
        default=None,
        metavar="PATH",
        help="keep jobs, media and credentials in this folder across restarts",
    )
    where.add_argument(
        "--temp", action="store_true", help="keep state in a new temporary folder, deleted at exit"
    )
    ap.add_argument(
        "--max-media-mb",
        type=float,
        default=500.0,
        help="with a folder: prune the oldest media past this size (default 500)",
    )
    return ap.parse_args(argv)


@contextlib.contextmanager
def state_folder(args: argparse.Namespace) -> Iterator[str | None]:
    """The state folder the arguments ask for (None: in memory)."""
    if args.temp:
        with tempfile.TemporaryDirectory(prefix="youchuan-sim-") as folder:
            yield folder
    else:
        yield args.state_dir


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with state_folder(args) as folder:
        return _run(args, folder)


def _run(args: argparse.Namespace, folder: str | None) -> int:
    sim = Simulator(
        port=args.port,
        job_seconds=args.job_seconds,
        queue_seconds=args.queue_seconds,
        concurrency=args.concurrency,
        balance=args.balance,
        app_id=args.app_id,
        secret=args.secret,
        comment_style=args.comment_style,
        answer_shape=args.answer_shape,
        rules=args.rules,
        plan=args.plan,
        url_ttl=args.url_ttl,
        seed=args.seed,
        state_dir=folder,
        max_media_bytes=int(args.max_media_mb * 1024 * 1024),
    )
    try:
        sim.start()
    except OSError as exc:
        print(f"cannot listen on 127.0.0.1:{args.port}: {exc}", file=sys.stderr)
        return 1
    print(f"Youchuan simulator running at {sim.url}")
    print(f"  state: {folder or 'in memory (gone at exit)'}")
    print(f"  app id: {sim.app_id}")
    print(f"  secret: {sim.secret}")
    print("export " + " ".join(f"{k}={shlex.quote(v)}" for k, v in sim.env.items()))
    print("Ctrl-C to stop.", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        try:
            sim.stop()
        except KeyboardInterrupt:  # a second Ctrl-C while stopping: just go
            pass
        print("stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
