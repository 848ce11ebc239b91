"""Long magic lines: a 30 KB mistake on a magic line is refused quickly, in one short line.

IPython's own ``{var}`` expansion is quadratic (7 s for a 30 KB line), so the magics expand
names themselves; this measures every kind of long line the magics' tests refuse, in a real
IPython shell with the extension loaded and the built-in simulator running (no request is sent:
each line is refused before anything is submitted). Figure: the worst refusal, in seconds.
"""

from __future__ import annotations

import os
import time

from ._common import Result, median

NAME = "long_lines"
LIMIT_SECONDS = 0.5

#: (magic, line): each a usage error of about 30 KB (the tests check its message)
LINES = [
    ("youchuan", "remix zzz 1 " + "word " * 6000),
    ("youchuan", "x" * 30_000),
    ("youchuan", "jobs " + "a" * 30_000),
    ("youchuan", '"' + "a" * 30_000),
    ("youchuan", "--x " * 7_500),
    ("youchuan", "remix zzz 1 a " + "--ar 1:1 " * 3_000),
    ("youchuan", "job {" + "a" * 30_000 + "}"),
    ("imagine", "--x " * 7_500),
    ("imagine", "a " * 15_000),
    ("animate", "--from " + "f" * 30_000),
]


def run(quick: bool = False) -> list[Result]:
    from IPython.core.error import UsageError
    from IPython.terminal.interactiveshell import TerminalInteractiveShell
    from IPython.testing.globalipapp import start_ipython

    os.environ["YOUCHUAN_NB_WAIT"] = "always"
    shell = start_ipython() or TerminalInteractiveShell.instance()
    shell.run_line_magic("load_ext", "youchuan_nb")
    shell.run_line_magic("youchuan", "jobs 1")  # the client (and simulator) exist before timing
    repeats = 1 if quick else 3
    times: list[float] = []
    for magic, line in LINES:
        for _ in range(repeats):
            start = time.perf_counter()
            try:
                shell.run_line_magic(magic, line)
            except UsageError:
                pass
            else:
                raise RuntimeError(f"%{magic} {line[:40]}... was not refused")
            times.append(time.perf_counter() - start)
    return [
        Result(
            NAME, "30 KB magic line refused, worst", max(times), LIMIT_SECONDS, "s", strict=True
        ),
        Result(NAME, "30 KB magic line refused, median", median(times), None, "s"),
    ]
