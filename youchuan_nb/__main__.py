"""``python -m youchuan_nb [PROMPT] [--out DIR]``: imagine one grid and save its four images.
``python -m youchuan_nb doctor [--job]``: check the configured service step by step.

Uses the service when YOUCHUAN_APP_ID and YOUCHUAN_SECRET are set, otherwise the built-in
simulator, so a newcomer gets four images on disk with no account.
"""

from __future__ import annotations

import argparse
import sys


def doctor(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m youchuan_nb doctor",
        description="Check the configured Youchuan service step by step; no paid call unless "
        "--job is given.",
    )
    parser.add_argument("--job", action="store_true", help="make one cheap draft job")
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args(argv)

    from .client import run_doctor

    report = run_doctor(job=args.job, timeout=args.timeout)
    print(report)
    return 0 if report.ok else 1


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["doctor"]:
        return doctor(argv[1:])
    parser = argparse.ArgumentParser(
        prog="python -m youchuan_nb", description=(__doc__ or "").split("\n")[0]
    )
    parser.add_argument(
        "prompt", nargs="?", default="a lighthouse on a cliff at dawn, oil painting --ar 3:2 --v 7"
    )
    parser.add_argument("--out", default="out/first-grid", help="folder for the images")
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args(argv)

    from . import Client, YouchuanError

    try:
        client = Client()
        where = "the built-in simulator" if client.simulator is not None else client.base_url
        print(f"imagining on {where}: {args.prompt}")
        job = client.imagine(args.prompt).wait(args.timeout)
        paths = job.download(args.out)
    except (YouchuanError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"job {job.id}: {len(paths)} images saved")
    for path in paths:
        print(f"  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
