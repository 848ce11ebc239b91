"""A real JupyterLab for the benchmarks and the browser tests (tests/browser/conftest.py imports
this module), started the verified way (../shared/reference/environment-and-browser-tests.md):
its own Jupyter, IPython and youchuan_nb folders under one base folder, a free loopback port, no
token, no news or update checks, the app exposed as ``window.jupyterapp`` (JupyterLab and
Notebook 7); the flags Debian's Chromium needs here; and a few steps on a notebook page (run one
cell, save, shut the kernel down).
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# what a user's environment must not leak into the server and its kernels
_OWN = ("JUPYTER", "JPY_", "YOUCHUAN", "IPYTHON")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lab_env(base: Path, environ: Mapping[str, str], **extra: str) -> dict[str, str]:
    """``environ`` without Jupyter's, IPython's and youchuan_nb's variables, with every folder of
    theirs under ``base``; then ``extra``."""
    env = {k: v for k, v in environ.items() if not k.startswith(_OWN)}
    env.update(
        {
            "JUPYTER_PLATFORM_DIRS": "1",
            "JUPYTER_CONFIG_DIR": str(base / "config"),
            "JUPYTER_DATA_DIR": str(base / "data"),
            "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
            "IPYTHONDIR": str(base / "ipython"),
            "YOUCHUAN_NB_HOME": str(base / "youchuan_nb_home"),
            "JUPYTERLAB_SETTINGS_DIR": str(base / "lab-user-settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(base / "lab-workspaces"),
        }
    )
    env.update(extra)
    return env


def write_lab_settings(folder: Path, save_widget_state: bool = False) -> None:
    """JupyterLab user settings: no news prompt; otherwise JupyterLab's defaults (with
    ``save_widget_state``, the widget manager's "save widget state" on)."""
    files: dict[str, dict] = {
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
            "fetchNews": "false",
            "checkForUpdates": False,
        }
    }
    if save_widget_state:
        files["@jupyter-widgets/jupyterlab-manager/plugin.jupyterlab-settings"] = {
            "saveState": True
        }
    for name, value in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))


def start_lab(
    root: Path, env: Mapping[str, str], log: Path, python: str = sys.executable
) -> tuple[subprocess.Popen, str]:
    """``jupyter lab`` serving ``root`` with ``env`` (see :func:`lab_env`), its output in
    ``log``; returns the process and its URL once ``/api/status`` answers."""
    port = free_port()
    cmd = [
        python,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--IdentityProvider.token=",
        f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True",
        "--JupyterNotebookApp.expose_app_in_browser=True",
        "--LabApp.extension_manager=readonly",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, env=dict(env), cwd=root, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyter lab exited ({proc.returncode}):\n{_tail(log)}")
        try:
            with urllib.request.urlopen(f"{url}/api/status", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"jupyter lab did not answer:\n{_tail(log)}")
        time.sleep(0.2)  # the server's own start-up: polled, nothing else to wait on


def stop_lab(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def _tail(log: Path) -> str:
    try:
        return log.read_text(errors="replace")[-3000:]
    except OSError:
        return ""


# -- driving a notebook page (Playwright) ------------------------------------------------------
RUN_CELL = """async (i) => { const app = window.jupyterapp;
  const nb = app.shell.currentWidget.content; nb.activeCellIndex = i;
  await app.commands.execute('notebook:run-cell'); }"""

SAVED = """() => { const w = window.jupyterapp.shell.currentWidget;
  return !!w && !!w.context && !w.context.model.dirty; }"""


def run_cell(page: Any, i: int) -> None:
    """Run code cell ``i`` of the current notebook (only it)."""
    page.evaluate(RUN_CELL, i)


def save_notebook(page: Any, path: Path) -> dict:
    """Save the current notebook (shown from ``path``) and return the file as written."""
    before = path.stat().st_mtime_ns
    page.evaluate("window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_function(SAVED, timeout=30_000)
    deadline = time.monotonic() + 30
    while path.stat().st_mtime_ns == before:
        assert time.monotonic() < deadline, "the notebook was not written"
        time.sleep(0.1)
    deadline = time.monotonic() + 10
    while True:  # written in one go by the server; read it once it parses
        try:
            return json.loads(path.read_text())
        except ValueError:
            assert time.monotonic() < deadline, "the saved notebook does not parse"
            time.sleep(0.1)


def shutdown_kernel(page: Any) -> None:
    page.evaluate("""async () => { const w = window.jupyterapp.shell.currentWidget;
      if (w.sessionContext.session) await w.sessionContext.shutdown(); }""")
