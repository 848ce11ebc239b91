"""``python -m youchuan_nb [PROMPT] [--out DIR]``: imagine one grid and save its four images.

Uses the service when YOUCHUAN_APP_ID and YOUCHUAN_SECRET are set, otherwise the built-in
simulator, so a newcomer gets four images on disk with no account.
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m youchuan_nb", description=__doc__.split("\n")[0])
    parser.add_argument("prompt", nargs="?",
                        default="a lighthouse on a cliff at dawn, oil painting --ar 3:2 --v 7")
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
