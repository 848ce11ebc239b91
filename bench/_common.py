"""Shared pieces: the Result row, temporary homes, the table renderer."""

from __future__ import annotations

import contextlib
import os
import statistics
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


@dataclass
class Result:
    bench: str  # module name, e.g. "latency"
    name: str  # what was measured
    figure: float | None  # None: could not be measured (see note)
    limit: float | None  # None: informational row (no target)
    unit: str = ""
    note: str = ""
    strict: bool = False  # True: figure must be < limit (else <=)

    @property
    def ratio(self) -> float | None:
        if self.figure is None or not self.limit:
            return None
        return self.figure / self.limit

    @property
    def verdict(self) -> str:
        if self.limit is None:
            return "info"
        if self.figure is None:
            return "n/a"
        ok = self.figure < self.limit if self.strict else self.figure <= self.limit
        return "PASS" if ok else "MISS"


def fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    if (float(value).is_integer() and abs(value) < 1e6) or abs(value) >= 100:
        text = f"{value:.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    elif abs(value) >= 1:
        text = f"{value:.2f}"
    else:
        text = f"{value:.3f}"
    return f"{text} {unit}".strip()


def rows(results: list[Result]) -> list[list[str]]:
    out = []
    for r in results:
        limit = "-" if r.limit is None else ("< " if r.strict else "<= ") + fmt(r.limit, r.unit)
        ratio = "-" if r.ratio is None else f"{r.ratio:.2f}"
        out.append([r.bench, r.name, fmt(r.figure, r.unit), limit, ratio, r.verdict, r.note])
    return out


HEADER = ["bench", "figure", "value", "limit", "ratio", "verdict", "note"]


def text_table(results: list[Result]) -> str:
    body = rows(results)
    widths = [
        max(len(h), *(len(row[i]) for row in body)) if body else len(h)
        for i, h in enumerate(HEADER[:-1])
    ]
    lines = ["  ".join(h.ljust(w) for h, w in zip(HEADER[:-1], widths, strict=True)) + "  note"]
    lines.append("  ".join("-" * w for w in widths) + "  ----")
    for row in body:
        lines.append(
            "  ".join(c.ljust(w) for c, w in zip(row[:-1], widths, strict=True)) + "  " + row[-1]
        )
    return "\n".join(lines)


def markdown_table(results: list[Result]) -> str:
    def esc(s: str) -> str:
        return s.replace("|", "\\|")

    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for row in rows(results):
        lines.append("| " + " | ".join(esc(c) for c in row) + " |")
    return "\n".join(lines)


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(p / 100 * len(s) + 0.5) - 1))
    return s[k]


@contextlib.contextmanager
def temp_home(prefix: str) -> Iterator[Path]:
    """A throwaway YOUCHUAN_NB_HOME (job store, media cache) for one benchmark."""
    with tempfile.TemporaryDirectory(prefix=f"yc-bench-{prefix}-") as tmp:
        old = os.environ.get("YOUCHUAN_NB_HOME")
        os.environ["YOUCHUAN_NB_HOME"] = tmp
        try:
            yield Path(tmp)
        finally:
            if old is None:
                os.environ.pop("YOUCHUAN_NB_HOME", None)
            else:
                os.environ["YOUCHUAN_NB_HOME"] = old


def clean_env(**extra: str) -> dict[str, str]:
    """Environment for a child process: the simulator, never real credentials."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "YOUCHUAN_APP_ID",
            "YOUCHUAN_SECRET",
            "YOUCHUAN_BASE_URL",
            "JPY_SESSION_NAME",
            "VSCODE_PID",
            "VSCODE_CWD",
        )
    }
    env["PYTHONPATH"] = str(ROOT) + (
        os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else ""
    )
    # This machine sets PYTHONDONTWRITEBYTECODE, so every child would recompile the project's
    # sources (~150 ms of load time no installed user pays). Cache bytecode outside the repo.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = os.path.join(tempfile.gettempdir(), "yc-bench-pycache")
    env.update(extra)
    return env
