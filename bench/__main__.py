"""``python -m bench [--quick] [--out bench/results.md] [name ...]``: run the benchmarks of issue 6.

Names: latency throughput notebook_size responsiveness load_time memory sim_load saved_notebook
archive sim_draw long_lines (default: all).
Prints one table (figure, limit, figure/limit, PASS/MISS) and writes it as markdown.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys
import time
import traceback
from pathlib import Path

from ._common import Result, markdown_table, text_table

ORDER = [
    "latency",
    "throughput",
    "notebook_size",
    "responsiveness",
    "load_time",
    "memory",
    "sim_load",
    "saved_notebook",
    "archive",
    "sim_draw",
    "long_lines",
]


def _load() -> str:
    try:
        return "load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    except OSError:
        return ""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help=f"subset of: {' '.join(ORDER)}")
    ap.add_argument("--quick", action="store_true", help="smaller sizes for a smoke run")
    ap.add_argument(
        "--out",
        default=str(Path(__file__).parent / "results.md"),
        help="markdown file to write ('' to skip)",
    )
    args = ap.parse_args(argv)
    unknown = [n for n in args.names if n not in ORDER]
    if unknown:
        ap.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {' '.join(ORDER)}")
    names = args.names or ORDER
    os.environ.pop("YOUCHUAN_APP_ID", None)  # never bill a real account from a benchmark
    os.environ.pop("YOUCHUAN_SECRET", None)
    os.environ.pop("YOUCHUAN_BASE_URL", None)
    started = time.monotonic()
    load_before = _load()
    results: list[Result] = []
    timings = []
    for name in names:
        t = time.monotonic()
        print(f"== {name} ...", file=sys.stderr, flush=True)
        try:
            mod = importlib.import_module(f".{name}", __package__)
            results += mod.run(quick=args.quick)
        except Exception as exc:
            traceback.print_exc()
            results.append(
                Result(
                    name, "benchmark crashed", None, None, "", f"{type(exc).__name__}: {exc}"[:200]
                )
            )
        timings.append(f"{name} {time.monotonic() - t:.0f} s")
        print(f"   {name} done in {time.monotonic() - t:.0f} s", file=sys.stderr, flush=True)
    total = time.monotonic() - started
    missed = [r for r in results if r.verdict == "MISS"]
    cmd = (
        "python -m bench"
        + (" --quick" if args.quick else "")
        + (" " + " ".join(args.names) if args.names else "")
    )
    env = (
        f"{platform.node() and ''}{os.cpu_count()} CPUs, Python {platform.python_version()}; "
        f"{load_before} at start, {_load()} at end; total {total:.0f} s"
    )
    print()
    print(text_table(results))
    print(f"\n{len(results)} rows, {len(missed)} MISS; {env}")
    if args.out:
        md = [
            f"Benchmarks of issue 6 against the simulator, produced by `{cmd}` on "
            f"{time.strftime('%Y-%m-%d %H:%M')} ({env}).",
            "",
            "ratio = value / limit; `info` rows have no target.",
            "",
            markdown_table(results),
            "",
            "Per benchmark: " + ", ".join(timings) + ".",
            "",
        ]
        Path(args.out).write_text("\n".join(md), encoding="utf-8")
        print(f"wrote {args.out}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
