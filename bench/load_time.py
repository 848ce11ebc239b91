"""5. Load time: ``import youchuan_nb`` + ``%load_ext youchuan_nb`` in a fresh process.

Each run is a new Python process that first builds an IPython ``InteractiveShell`` (as a kernel
already has one), then times the import and the ``%load_ext``. Median of several runs. Two
configurations: no credentials (the built-in simulator, which starts at the first job, not at
load) and credentials set (a real-service user; nothing is sent at load time).

The target (issue 9 item 7) is at most the cost of ``import ipywidgets``, measured the same way
in the same run: a notebook extension should cost no more than the widget library it renders
with. ``%load_ext`` imports neither widgets nor ``requests`` nor the simulator.

For comparison, ``%load_ext jupyter_ai_magics`` is timed the same way in a separate venv under
/tmp, installed with ``pip install jupyter-ai-magics`` (3-minute limit, reused across runs).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ._common import PYTHON, Result, clean_env, median

NAME = "load_time"
JAI_VENV = Path(tempfile.gettempdir()) / "yc-bench-jai-venv"

_SNIPPET = r"""
import io, json, sys, time, contextlib
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
ext, load = sys.argv[1], sys.argv[2] == "load"
buf = io.StringIO()
before = set(sys.modules)  # the shell's own (IPython's history already uses sqlite3)
with contextlib.redirect_stdout(buf):
    c0 = time.process_time()
    t0 = time.perf_counter()
    __import__(ext)
    t1 = time.perf_counter()
    if load:
        shell.run_line_magic("load_ext", ext)
    t2 = time.perf_counter()
    c2 = time.process_time()
heavy = sorted(m for m in ("PIL", "av", "requests", "anywidget", "ipywidgets", "numpy",
                           "sqlite3", "nbformat", "langchain", "pydantic", "youchuan_nb.sim")
               if m in sys.modules and m not in before and m != ext)
print(json.dumps({"cpu": c2 - c0, "import": t1 - t0, "load": t2 - t1, "modules": len(sys.modules),
                  "heavy": heavy, "err": load and ext not in shell.extension_manager.loaded}))
"""


def _once(python: str, ext: str, env: dict, load: bool = True) -> dict:
    out = subprocess.run(
        [python, "-c", _SNIPPET, ext, "load" if load else "import"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if out.returncode != 0 or not line:
        raise RuntimeError(f"{ext}: {out.stderr.strip()[-400:]}")
    return json.loads(line[-1])


def _series(python: str, ext: str, env: dict, runs: int, load: bool = True) -> tuple[float, dict]:
    return _interleaved([(python, ext, env, load)], runs)[0]


def _interleaved(configs: list[tuple[str, str, dict, bool]], runs: int) -> list[tuple[float, dict]]:
    """Median of ``runs`` fresh processes per configuration, taking turns, so a change in the
    shared machine's load affects every configuration alike."""
    for config in configs:
        _once(*config)  # warm the OS file cache and .pyc files
    samples: list[list[dict]] = [[] for _ in configs]
    for _ in range(runs):
        for config, taken in zip(configs, samples, strict=True):
            taken.append(_once(*config))
    out = []
    for taken in samples:
        last = dict(taken[-1], cpu=median([s["cpu"] for s in taken]))
        out.append((median([s["import"] + s["load"] for s in taken]), last))
    return out


def _jupyter_ai_python() -> tuple[str | None, str]:
    py = JAI_VENV / "bin" / "python"
    if py.exists():
        check = subprocess.run(
            [str(py), "-c", "import jupyter_ai_magics"], capture_output=True, timeout=120
        )
        if check.returncode == 0:
            return str(py), "cached venv"
    try:
        base = getattr(sys, "_base_executable", None) or sys.executable
        subprocess.run(
            [base, "-m", "venv", str(JAI_VENV)], check=True, timeout=120, capture_output=True
        )
        started = time.monotonic()
        r = subprocess.run(
            [str(py), "-m", "pip", "install", "-q", "jupyter-ai-magics"],
            capture_output=True,
            text=True,
            timeout=180,
        )
        if r.returncode != 0:
            return None, f"pip install failed: {r.stderr.strip().splitlines()[-1:]}"
        return str(py), f"installed in {time.monotonic() - started:.0f} s"
    except subprocess.TimeoutExpired:
        return None, "pip install jupyter-ai-magics took over 3 minutes"
    except Exception as exc:  # no network, no venv module...
        return None, f"could not install: {exc}"


def run(quick: bool = False) -> list[Result]:
    runs = 3 if quick else 7
    with tempfile.TemporaryDirectory(prefix="yc-bench-load-") as tmp:
        base_env = clean_env(YOUCHUAN_NB_HOME=tmp)
        cred_env = dict(
            base_env,
            YOUCHUAN_APP_ID="bench-app",
            YOUCHUAN_SECRET="bench-secret",
            YOUCHUAN_BASE_URL="https://ali.youchuan.cn",
        )
        # the yardstick, in the same run and the same way (a fresh shell, then the import),
        # taking turns with the two youchuan_nb configurations
        (widgets_t, widgets_s), (sim_t, sim_s), (cred_t, cred_s) = _interleaved(
            [
                (PYTHON, "ipywidgets", base_env, False),
                (PYTHON, "youchuan_nb", base_env, True),
                (PYTHON, "youchuan_nb", cred_env, True),
            ],
            runs,
        )
        limit = widgets_t * 1000
        results = [
            Result(
                NAME,
                "import + %load_ext youchuan_nb (no credentials: simulator), median",
                sim_t * 1000,
                limit,
                "ms",
                f"{runs} runs; target: at most import ipywidgets ({limit:.0f} ms, same run); "
                f"{sim_t / widgets_t:.2f}x ipywidgets; CPU time median "
                f"{sim_s['cpu'] * 1000:.0f} ms (the machine is shared: CPU time is the "
                f"steadier figure); heavy modules loaded: "
                f"{', '.join(sim_s['heavy']) or 'none'}",
            ),
            Result(
                NAME,
                "import + %load_ext youchuan_nb (credentials set), median",
                cred_t * 1000,
                limit,
                "ms",
                f"{cred_t / widgets_t:.2f}x ipywidgets; CPU time median "
                f"{cred_s['cpu'] * 1000:.0f} ms; heavy modules loaded: "
                f"{', '.join(cred_s['heavy']) or 'none'}",
            ),
            Result(
                NAME,
                "  import ipywidgets (the target), median",
                widgets_t * 1000,
                None,
                "ms",
                f"{runs} runs, fresh processes with a shell built first; CPU time median "
                f"{widgets_s['cpu'] * 1000:.0f} ms",
            ),
        ]
        jai_py, how = _jupyter_ai_python()
        if jai_py is None:
            results.append(
                Result(NAME, "  %load_ext jupyter_ai_magics (comparison)", None, None, "ms", how)
            )
        else:
            jai_env = {k: v for k, v in base_env.items() if k != "PYTHONPATH"}
            try:
                jai_t, jai_s = _series(jai_py, "jupyter_ai_magics", jai_env, runs)
                results.append(
                    Result(
                        NAME,
                        "  import + %load_ext jupyter_ai_magics (comparison), median",
                        jai_t * 1000,
                        None,
                        "ms",
                        f"{how}; CPU time median {jai_s['cpu'] * 1000:.0f} ms; "
                        f"youchuan_nb/jupyter-ai = {sim_t / jai_t:.2f}x; heavy modules: "
                        f"{', '.join(jai_s['heavy']) or 'none'}",
                    )
                )
            except Exception as exc:
                results.append(
                    Result(
                        NAME,
                        "  %load_ext jupyter_ai_magics (comparison)",
                        None,
                        None,
                        "ms",
                        f"{how}, but loading failed: {exc}"[:300],
                    )
                )
    return results
