"""Issue 15, the notebook side: a re-run never silently submits over a job that may exist,
``%youchuan jobs`` shows such submits, a broken job store does not break ``%load_ext``, and
hostile magic lines are one quick ``UsageError`` line."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from IPython.core.error import UsageError
from IPython.terminal.interactiveshell import TerminalInteractiveShell
from IPython.testing.globalipapp import start_ipython

from bench.long_lines import LINES


@pytest.fixture(scope="module")
def ip():
    os.environ.setdefault("YOUCHUAN_SIM_JOB_SECONDS", "0.2")
    os.environ["YOUCHUAN_NB_WAIT"] = "always"
    shell = start_ipython() or TerminalInteractiveShell.instance()
    shell.run_line_magic("load_ext", "youchuan_nb")
    yield shell


@pytest.fixture
def lost(ip):
    """Submit ``prompt`` with the connection dropped after the create: the simulator made (and
    billed) the job, the client recorded it as maybe created."""
    from youchuan_nb.notebook._session import get_session
    from youchuan_nb.sim import Faults

    sim = get_session().client.simulator

    def make(prompt: str) -> int:
        sim.faults = Faults(drop_after_create=1.0)
        try:
            ip.run_cell_magic("imagine", "--name lost_card", prompt)
        finally:
            sim.faults = Faults()
        assert get_session().cards[-1].cards[0]["status"] == "unknown"
        return sim.count("diffusion")

    yield sim, make
    sim.faults = Faults()


def test_a_rerun_does_not_submit_over_a_job_that_may_exist(ip, lost, capsys):
    from youchuan_nb.notebook._session import get_session

    sim, make = lost
    made = make("a fox whose answer was lost")
    capsys.readouterr()
    ip.run_cell_magic("imagine", "--name again", "a fox whose answer was lost")
    assert sim.count("diffusion") == made  # nothing sent
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if "may already exist" in ln)
    assert "the answer was lost: the connection was dropped" in line
    assert "%youchuan jobs" in line and "--new" in line
    assert re.search(r"submitted at (\d{4}-\d\d-\d\d )?\d\d:\d\d,", line), line
    card = get_session().cards[-1]
    assert card.cards[0]["status"] == "unknown" and "may already exist" in card.cards[0]["message"]
    assert ip.user_ns["again"] is card  # no job to bind

    # after a kernel restart too (the record is in the job store)
    from youchuan_nb.notebook._session import reset_session

    reset_session()
    ip.run_cell_magic("imagine", "--plain", "a fox whose answer was lost")
    assert sim.count("diffusion") == made
    assert "may already exist" in capsys.readouterr().out

    ip.run_cell_magic("imagine", "--new --name fresh", "a fox whose answer was lost")
    assert sim.count("diffusion") == made + 1
    assert ip.user_ns["fresh"].ok
    client = get_session().client
    assert client.maybe_created("diffusion", {"text": "a fox whose answer was lost --v 7"}) == []
    ip.run_cell_magic("imagine", "--name shown", "a fox whose answer was lost")
    assert sim.count("diffusion") == made + 1  # the job --new made is shown again
    assert ip.user_ns["shown"].id == ip.user_ns["fresh"].id


def test_the_note_is_in_chinese_too(ip, lost, capsys, monkeypatch):
    sim, make = lost
    made = make("一只丢了应答的狐狸")
    monkeypatch.setenv("YOUCHUAN_NB_LANG", "zh")
    capsys.readouterr()
    ip.run_cell_magic("imagine", "", "一只丢了应答的狐狸")
    assert sim.count("diffusion") == made
    assert "这个单元格的任务可能已经存在" in capsys.readouterr().out


def test_a_follow_up_whose_answer_was_lost_is_not_submitted_again(ip, lost, capsys):
    from youchuan_nb.notebook._session import get_session
    from youchuan_nb.sim import Faults

    sim, _ = lost
    ip.run_cell_magic("imagine", "--wait --name grid", "a lighthouse for follow-ups")
    sim.faults = Faults(drop_after_create=1.0)
    try:
        ip.run_line_magic("youchuan", "upscale grid 2")
    finally:
        sim.faults = Faults()
    before = sim.count("upscale")
    capsys.readouterr()
    ip.run_line_magic("youchuan", "upscale grid 2")
    assert sim.count("upscale") == before
    assert "may already exist" in capsys.readouterr().out
    ip.run_line_magic("youchuan", "upscale grid 2 --new")
    get_session().cards[-1].wait(30)
    assert sim.count("upscale") == before + 1


def test_the_archive_shows_submits_whose_job_may_exist(ip, lost):
    from youchuan_nb import Archive

    make = lost[1]
    make("a heron that may exist")
    archive = Archive(limit=50)
    text = archive._repr_mimebundle_()["text/plain"]
    row = next(ln for ln in text.splitlines() if "heron" in ln)
    assert row.startswith("-  Imagine  May exist")
    assert "May exist" in archive._html()
    newest = next(i for i in archive.items if "heron that may exist" in i["prompt"])
    assert newest["state"] == "may_exist" and newest["job_id"] == ""
    archive.close()


# -- a job store that cannot be opened -----------------------------------------------------------
_SNIPPET = r"""
import json, sys
from IPython.testing.globalipapp import start_ipython
ip = start_ipython()
ip.run_line_magic("load_ext", "youchuan_nb")
out = {"magics": sorted(n for n in ("imagine", "animate", "youchuan", "yc")
                        if n in ip.magics_manager.magics["line"]),
       "heavy": [m for m in ("requests", "youchuan_nb.sim") if m in sys.modules]}
print("--- imagine")
r = ip.run_cell("%%imagine --wait --name pic\na lantern on a broken store")
job = ip.user_ns.get("pic")
out["job_ok"] = bool(r.success and job is not None and job.ok)
from youchuan_nb.notebook._session import get_session
out["store"] = get_session().client.store is not None
print("\nRESULT " + json.dumps(out))
"""


def _load_with(home, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("YOUCHUAN_", "JPY_", "VSCODE"))}
    env.update(
        YOUCHUAN_NB_HOME=str(home),
        YOUCHUAN_NB_WAIT="always",
        YOUCHUAN_SIM_JOB_SECONDS="0.2",
        YOUCHUAN_SIM_STATE_DIR="none",
        YOUCHUAN_NB_LANG="en",
    )
    proc = subprocess.run(
        [sys.executable, "-c", _SNIPPET],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    printed = proc.stdout + proc.stderr
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None)
    assert line is not None, printed
    at_load, _, after = proc.stdout.partition("--- imagine")
    # a card's late refresh may print on the same line: read the JSON object only
    result, _ = json.JSONDecoder().raw_decode(line[len("RESULT ") :])
    return result, at_load, after, printed


@pytest.mark.parametrize("broken", ["garbage", "folder"])
def test_a_broken_job_store_loads_and_works_without_a_history(tmp_path, broken):
    home = tmp_path / "home"
    home.mkdir()
    store = home / "jobs.sqlite3"
    if broken == "garbage":
        store.write_bytes(bytes(range(256)) * 64)
    else:
        store.mkdir()  # a folder where the file should be: sqlite cannot open it
    out, at_load, after, printed = _load_with(home, tmp_path)
    assert "Traceback" not in printed, printed
    assert out["magics"] == ["animate", "imagine", "yc", "youchuan"]
    assert out["heavy"] == [], "the check at %load_ext must stay cheap"
    said = [ln for ln in at_load.splitlines() if "job store" in ln]
    assert len(said) == 1, at_load
    assert str(store) in said[0] and "cannot be opened" in said[0]
    assert "YOUCHUAN_NB_HOME" in said[0] and "restart" in said[0]
    # the first job works, without a store, and says once that it is not remembered
    assert out["job_ok"] and not out["store"], printed
    warned = [ln for ln in after.splitlines() if "not remembered" in ln]
    assert len(warned) == 1 and str(store) in warned[0], after


# -- hostile magic lines: one clear UsageError line, quickly -------------------------------------
@pytest.mark.parametrize(
    "magic,line,cell,needle",
    [
        ("animate", "--from fox:²", None, "image number '²': use 1-4"),
        ("animate", "--from fox:² --wait", "waves", "image number '²'"),
        ("imagine", '--name "pic', "a cat", "no closing quotation"),
        ("imagine", 'a "cat', None, "no closing quotation"),
        ("animate", '--from "fox', None, "no closing quotation"),
        ("youchuan", 'remix zzz 1 "a cat', None, "no closing quotation"),
        ("imagine", "", "a cat \ud800 in the rain", "unpaired surrogates"),
        ("imagine", "a cat \ud800", None, "unpaired surrogates"),
        ("animate", "", "waves \udfff", "unpaired surrogates"),
        ("imagine", "", "a {red, \ud800} car", "unpaired surrogates"),
        ("youchuan", "--bogus", None, "give a subcommand first"),
    ],
)
def test_bad_lines_are_one_usage_error_line(ip, magic, line, cell, needle):
    with pytest.raises(UsageError) as info:
        if cell is None:
            ip.run_line_magic(magic, line)
        else:
            ip.run_cell_magic(magic, line, cell)
    message = str(info.value)
    assert needle in message and "\n" not in message, message
    message.encode("utf-8")  # printable: no lone surrogate in the message itself


def test_a_lone_surrogate_in_a_cell_prints_no_traceback(ip, capsys):
    result = ip.run_cell("%%imagine\na cat \ud800")
    assert isinstance(result.error_in_exec, UsageError)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err


@pytest.mark.parametrize("magic,line", LINES, ids=lambda v: v if len(v) < 20 else v[:16])
def test_a_30_kb_line_is_refused_in_one_short_line(ip, magic, line):
    # how fast: `python -m bench long_lines` (timing targets live in the benchmarks)
    with pytest.raises(UsageError) as info:
        ip.run_line_magic(magic, line)
    message = str(info.value)
    assert "\n" not in message and len(message) < 1_500, message[:300]


def test_a_submit_of_a_killed_kernel_is_not_made_again(ip, capsys):
    """A "submitting" row older than any submit can take: its process stopped during the POST."""
    import sqlite3

    from youchuan_nb.notebook._session import get_session

    client = get_session().client
    body = client.check_request("diffusion", {"text": "a kite of a killed kernel --v 7"})
    local_id = client.store.record_submit(
        base_url=client.base_url, endpoint="diffusion", params=body
    )
    with sqlite3.connect(client.store.path) as db:
        db.execute("UPDATE jobs SET created_at=created_at-7200 WHERE local_id=?", (local_id,))
    before = client.simulator.count("diffusion")
    capsys.readouterr()
    ip.run_cell_magic("imagine", "", "a kite of a killed kernel")
    assert client.simulator.count("diffusion") == before
    out = capsys.readouterr().out
    assert "may already exist" in out and "stopped before the service answered" in out
    ip.run_cell_magic("imagine", "--new --wait", "a kite of a killed kernel")
    assert client.simulator.count("diffusion") == before + 1
    assert client.store.get_local(local_id).state == "dismissed"


@pytest.mark.parametrize("mode", [None, "sim"])
def test_make_client_works_on_without_a_broken_store(tmp_path, monkeypatch, capsys, mode):
    from youchuan_nb.notebook._session import check_store, make_client

    (tmp_path / "jobs.sqlite3").write_bytes(b"not a database at all" * 100)
    monkeypatch.setenv("YOUCHUAN_NB_HOME", str(tmp_path))
    assert "cannot be opened" in (check_store() or "")
    client = make_client(mode)
    assert client.store is None and client.is_simulator
    assert capsys.readouterr().out.count("not remembered") == 1
    assert client.maybe_created("diffusion", {"text": "a cat"}) == []


def test_youchuan_lines_still_replace_variables(ip):
    from youchuan_nb.notebook._session import get_session

    ip.run_cell_magic("imagine", "--wait --name var_grid", "a kettle for variables")
    ip.user_ns["var_id"] = ip.user_ns["var_grid"].id
    ip.run_line_magic("youchuan", "job {var_id}")
    assert get_session().cards[-1].root.job.id == ip.user_ns["var_id"]
    with pytest.raises(UsageError, match="no variable 'nowhere'"):
        ip.run_line_magic("youchuan", "job {nowhere}")
