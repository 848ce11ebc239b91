"""``python -m youchuan_nb``: a newcomer's first grid, four PNG files on disk, no account."""

from __future__ import annotations

import os
import subprocess
import sys

from PIL import Image


def test_first_grid_on_disk(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("YOUCHUAN_APP_ID", "YOUCHUAN_SECRET", "YOUCHUAN_BASE_URL")
    }
    env.update(YOUCHUAN_NB_HOME=str(tmp_path / "home"), YOUCHUAN_SIM_JOB_SECONDS="0.2")
    out = tmp_path / "grid"
    proc = subprocess.run(
        [sys.executable, "-m", "youchuan_nb", "a teapot --ar 3:2", "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "built-in simulator" in proc.stdout and "4 images saved" in proc.stdout
    files = sorted(out.glob("*.png"))
    assert len(files) == 4
    sizes = {Image.open(f).size for f in files}
    assert sizes == {(1024, 683)}


def test_bad_prompt_is_one_line_error(tmp_path):
    env = {**os.environ, "YOUCHUAN_NB_HOME": str(tmp_path / "home")}
    proc = subprocess.run(
        [sys.executable, "-m", "youchuan_nb", "x" * 9000],  # over the documented length
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert proc.stderr.strip().startswith("error: ") and "8192" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_doctor_on_the_simulator_writes_a_capture_without_credentials(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("YOUCHUAN_APP_ID", "YOUCHUAN_SECRET", "YOUCHUAN_BASE_URL")
    }
    env.update(YOUCHUAN_NB_HOME=str(tmp_path / "home"), YOUCHUAN_SIM_JOB_SECONDS="0.2")
    proc = subprocess.run(
        [sys.executable, "-m", "youchuan_nb", "doctor", "--job"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "[ok  ] credentials: accepted" in proc.stdout
    assert "[ok  ] job: draft job" in proc.stdout
    (capture,) = (tmp_path / "home" / "captures").glob("doctor-*.json")
    text = capture.read_text(encoding="utf-8")
    assert '"subscribe"' in text and "sim-secret" not in text
    assert oct(capture.stat().st_mode & 0o777) == "0o600"


def test_the_cli_speaks_chinese(tmp_path):
    env = {**os.environ, "YOUCHUAN_NB_HOME": str(tmp_path / "home"), "YOUCHUAN_NB_LANG": "zh"}
    run = [sys.executable, "-m", "youchuan_nb"]
    helped = subprocess.run([*run, "--help"], env=env, capture_output=True, text=True, timeout=60)
    assert (
        helped.stdout.startswith("用法：python -m youchuan_nb")
        and "显示此帮助并退出" in helped.stdout
    )
    wrong = subprocess.run(
        [*run, "--timeout", "soon"], env=env, capture_output=True, text=True, timeout=60
    )
    assert wrong.returncode == 2
    assert "python -m youchuan_nb：错误：参数 --timeout：无效的值 'soon'" in wrong.stderr
    doctor = subprocess.run([*run, "doctor"], env=env, capture_output=True, text=True, timeout=120)
    assert doctor.returncode == 0 and doctor.stdout.startswith("[通过] 服务：内置模拟器")
