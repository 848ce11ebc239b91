"""Fixtures for the browser tests: a simulator, a real JupyterLab server, Debian's Chromium.

* ``sim``: the simulator in its own process (``SIM_SCRIPT`` below: the same ``Simulator`` that
  ``python -m youchuan_nb.sim`` runs, plus a line protocol on stdin/stdout so the tests can read
  its record of created jobs and turn on a fault; the CLI has neither).
* ``lab``: ``jupyter lab`` (started by ``bench/_lab.py``, shared with the benchmarks) on a free
  port with every Jupyter/IPython/youchuan_nb folder under a
  tmp dir and the kernel pointed at ``sim`` (YOUCHUAN_BASE_URL / _APP_ID / _SECRET).
* ``shots``: the run's screenshot folder, ``<repo>/.ci-out/screenshots/``.
* helpers: ``write_notebook``, ``open_notebook`` (waits for an idle kernel), ``run_all``.

The recipe (flags, Chromium args, waiting for the kernel) is the verified one in
``../shared/reference/environment-and-browser-tests.md``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bench._lab import (
    lab_env,
    run_cell,
    save_notebook,
    shutdown_kernel,
    start_lab,
    stop_lab,
    write_lab_settings,
)  # bench/: tests/conftest.py

ROOT = Path(__file__).resolve().parents[2]

SHOTS = ROOT / ".ci-out" / "screenshots"

# The simulator process: prints one JSON line {url, app_id, secret}, then answers commands, one
# JSON line each: "created" (every job created so far), "fail COMMENT" (every new job fails with
# COMMENT), "ok" (faults off), "seconds S" (jobs created from now on take S seconds).
SIM_SCRIPT = r"""
import json, sys
from youchuan_nb.sim import Simulator, Faults
sim = Simulator(port=0, job_seconds=float(sys.argv[1]), concurrency=int(sys.argv[2]),
                balance=1e9).start()  # the browser tests share it: never run out
print(json.dumps({"url": sim.url, "app_id": sim.app_id, "secret": sim.secret}), flush=True)
for line in sys.stdin:
    cmd, _, arg = line.strip().partition(" ")
    if cmd == "created":
        out = sim.created
    elif cmd == "fail":
        sim.faults = Faults(fail=1.0, fail_comment=arg or "JobStatusFail")
        out = True
    elif cmd == "ok":
        sim.faults = None
        out = True
    elif cmd == "seconds":
        sim.job_seconds = float(arg)  # for jobs created from now on
        out = True
    else:
        out = {"error": "unknown command " + cmd}
    print(json.dumps(out, default=str), flush=True)
sim.stop()
"""


class SimProcess:
    """The simulator subprocess and its record of created jobs."""

    def __init__(self, job_seconds: float = 1.0, concurrency: int = 6) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", SIM_SCRIPT, str(job_seconds), str(concurrency)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        info = json.loads(self.proc.stdout.readline() or "null")
        if not info:
            raise RuntimeError("the simulator did not start")
        self.url, self.app_id, self.secret = info["url"], info["app_id"], info["secret"]
        self._lock = threading.Lock()

    @property
    def env(self) -> dict[str, str]:
        return {
            "YOUCHUAN_BASE_URL": self.url,
            "YOUCHUAN_APP_ID": self.app_id,
            "YOUCHUAN_SECRET": self.secret,
        }

    def _ask(self, line: str):
        with self._lock:
            self.proc.stdin.write(line + "\n")
            self.proc.stdin.flush()
            return json.loads(self.proc.stdout.readline())

    def created(self) -> list[dict]:
        return self._ask("created")

    def fail_jobs(self, comment: str) -> None:
        self._ask(f"fail {comment}")

    def faults_off(self) -> None:
        self._ask("ok")

    def job_seconds(self, seconds: float) -> None:
        self._ask(f"seconds {seconds}")

    def stop(self) -> None:
        try:
            self.proc.stdin.close()
            self.proc.wait(10)
        except Exception:
            self.proc.kill()
            self.proc.wait(5)


class Lab:
    def __init__(self, url: str, root: Path, proc: subprocess.Popen, log: Path) -> None:
        self.url, self.root, self.proc, self.log = url, root, proc, log


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 2000}}


@pytest.fixture(scope="session")
def sim():
    proc = SimProcess(job_seconds=1.0)
    yield proc
    proc.stop()


@pytest.fixture(scope="session")
def shots() -> Path:
    """This run's screenshots (the folder is emptied first so every file is from this run)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):
        old.unlink()
    return SHOTS


@pytest.fixture(scope="session")
def lab(sim, tmp_path_factory):
    """``jupyter lab`` (bench/_lab.py) with the kernel pointed at ``sim``.

    "Save widget state" (``saveState``) is off by default, and the tests keep it so: saved
    cards show through the package's lab extension (youchuan-nb), which renders a card's
    text/html copy when its widget model is gone. YC_LAB_SAVE_WIDGET_STATE=1 runs the tests with
    widget state saved instead.
    """
    base = tmp_path_factory.mktemp("lab")
    root = base / "notebooks"
    root.mkdir()
    env = lab_env(
        base,
        os.environ,
        **sim.env,
        # The repo first on the path: the kernel imports this checkout's youchuan_nb whatever
        # the state of the venv's editable install.
        PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]),
    )
    write_lab_settings(
        Path(env["JUPYTERLAB_SETTINGS_DIR"]),
        save_widget_state=os.environ.get("YC_LAB_SAVE_WIDGET_STATE", "0") == "1",
    )
    log = base / "jupyter.log"
    proc, url = start_lab(root, env, log)
    yield Lab(url, root, proc, log)
    stop_lab(proc)


# -- helpers ------------------------------------------------------------------------------------


def write_notebook(path: Path, sources: list[str]) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, str(path))
    return path


KERNEL_IDLE = """() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.status === 'idle'; }"""


def open_notebook(page, url: str) -> None:
    if "/lab/" in url and "?" not in url:
        # a fresh workspace: the session's JupyterLab would restore the notebook another test
        # module had open as the current one (the server keeps the layout between modules)
        url += "?reset"
    page.goto(url)
    page.wait_for_function(KERNEL_IDLE, timeout=90_000)


def run_all(page) -> None:
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")


def new_page(browser, context_args: dict):
    """A page in a fresh browser context; ``page.errors`` collects its uncaught errors (with
    their stacks). Close it with ``page.context.close()``."""
    page = browser.new_context(**context_args).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"{exc}\n{exc.stack or ''}"))
    page.errors = errors
    return page


@pytest.fixture(scope="session")
def helpers():
    class H:
        write_notebook = staticmethod(write_notebook)
        open_notebook = staticmethod(open_notebook)
        run_all = staticmethod(run_all)
        new_page = staticmethod(new_page)
        run_cell = staticmethod(run_cell)
        save_notebook = staticmethod(save_notebook)
        shutdown_kernel = staticmethod(shutdown_kernel)
        KERNEL_IDLE = globals()["KERNEL_IDLE"]

    return H
