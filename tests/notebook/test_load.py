"""``%load_ext youchuan_nb`` costs nothing: no requests, widgets, Pillow or simulator until the
first job (issue 9 item 7). Each check runs in a fresh interpreter, as a new kernel would."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

HEAVY = ("requests", "ipywidgets", "anywidget", "PIL", "youchuan_nb.sim", "urllib3", "av")

_SNIPPET = r"""
import json, sys, threading
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
shell.run_line_magic("load_ext", "youchuan_nb")
heavy = json.loads(sys.argv[1])
out = {"loaded": [m for m in heavy if m in sys.modules],
       "threads": sorted(t.name for t in threading.enumerate()),
       "magics": sorted(n for n in ("imagine", "animate", "youchuan", "yc")
                        if n in shell.magics_manager.magics["line"])}
if sys.argv[2] == "imagine":
    shell.run_cell_magic("imagine", "--wait --name pic", "a lantern on a pier")
    job = shell.user_ns["pic"]
    out["job_ok"] = bool(job.ok and len(job.urls) == 4)
    out["after"] = [m for m in heavy if m in sys.modules]
print("\nRESULT " + json.dumps(out))
"""


def _run(tmp_path, then: str, **env: str) -> tuple[dict, str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("YOUCHUAN_") or k == "YOUCHUAN_SIM_JOB_SECONDS"
    }
    base.update(
        YOUCHUAN_NB_HOME=str(tmp_path),
        YOUCHUAN_NB_WAIT="always",
        YOUCHUAN_SIM_JOB_SECONDS="0.2",
        **env,
    )
    proc = subprocess.run(
        [sys.executable, "-c", _SNIPPET, json.dumps(HEAVY), then],
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None)
    assert line is not None, proc.stdout + proc.stderr
    return json.loads(line[len("RESULT ") :]), proc.stdout


def test_load_imports_nothing_heavy_and_starts_nothing(tmp_path):
    out, printed = _run(tmp_path, "imagine")
    assert out["magics"] == ["animate", "imagine", "yc", "youchuan"]
    assert out["loaded"] == [], f"imported at %load_ext: {out['loaded']}"
    assert not [t for t in out["threads"] if "youchuan" in t or "sim" in t.lower()], out
    assert "built-in SIMULATOR" in printed
    # the first job starts things, and works
    assert out["job_ok"]
    assert {"requests", "anywidget", "youchuan_nb.sim"} <= set(out["after"])


@pytest.mark.parametrize(
    "env,needle",
    [
        (
            {"YOUCHUAN_APP_ID": "app-123456", "YOUCHUAN_SECRET": "s3cret"},
            "using the Youchuan service as app***56",
        ),
        (
            {
                "YOUCHUAN_APP_ID": "app-123456",
                "YOUCHUAN_SECRET": "s3cret",
                "YOUCHUAN_BASE_URL": "https://example.invalid/",
            },
            "using the Youchuan service at https://example.invalid as app***56",
        ),
        ({"YOUCHUAN_APP_ID": "app-123456"}, "missing credentials: set YOUCHUAN_SECRET"),
    ],
)
def test_load_says_which_service_from_the_environment_alone(tmp_path, env, needle):
    out, printed = _run(tmp_path, "nothing", **env)
    assert needle in printed, printed
    assert "s3cret" not in printed
    assert out["loaded"] == []
