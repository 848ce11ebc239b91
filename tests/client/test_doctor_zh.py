"""The doctor in Chinese against the simulator: each step's title, finding and fix."""

from __future__ import annotations

import re
import socket

from youchuan_nb.client import Client, run_doctor


def _latin_words(line: str) -> list[str]:
    line = re.sub(
        r"https?://\S+|\b[0-9a-f]{8,}\b|[A-Z_]{2,}\w*|%\w+( \w+)?|\S+\.json|/\S+", " ", line
    )
    line = re.sub(r"\b[A-Za-z]+\([^)]*\)|[\w.]+=\w+", " ", line)  # Client(max_concurrent=N)
    return re.findall(r"[A-Za-z]{2,}", line)


def test_every_step_is_said_in_chinese_on_the_simulator(sim, tmp_path, monkeypatch):
    monkeypatch.setenv("YOUCHUAN_NB_LANG", "zh")
    client = Client.for_service(sim, store=False, poll_interval=0.05)
    report = run_doctor(client, job=True, capture_dir=tmp_path, timeout=60)
    assert report.ok, str(report)
    lines = str(report).splitlines()
    assert len(lines) == 10  # nine steps and where the raw answers are
    for line in lines:
        assert re.search(r"[\u4e00-\u9fff]", line) and not _latin_words(line), line
    assert lines[0].startswith("[通过] 服务：内置模拟器")
    assert "草图任务" in lines[-2] and "已完成" in lines[-2]
    # the step ids stay language-neutral: a program checks them the same way in any language
    assert [c.name for c in report.checks][:3] == ["service", "reachable", "credentials"]
    monkeypatch.setenv("YOUCHUAN_NB_LANG", "en")
    assert report.checks[1].line().startswith("[ok  ] reachable:")  # titled in the language now


def test_a_failing_step_gives_its_fix_in_chinese(monkeypatch, tmp_path):
    monkeypatch.setenv("YOUCHUAN_NB_LANG", "zh")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = Client("app", "secret-xyz", f"http://127.0.0.1:{port}", store=False, max_retries=0)
    report = run_doctor(client, capture_dir=tmp_path)
    failed = [c for c in report.checks if c.ok is False]
    assert [c.name for c in failed] == ["reachable"]
    line = failed[0].line()
    assert line.startswith("[失败] 连通：") and "-> 请检查网络、代理或 YOUCHUAN_BASE_URL" in line
    assert not report.ok
