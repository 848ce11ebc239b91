"""A sweep cell shows one comparison sheet: its layout, its live state and its static copy,
from real jobs on the built-in simulator."""

from __future__ import annotations

import re

import pytest
from IPython.terminal.interactiveshell import TerminalInteractiveShell
from IPython.testing.globalipapp import start_ipython
from IPython.utils.capture import capture_output

from youchuan_nb.notebook import _sweep, _sweep_layout


@pytest.fixture(scope="module")
def ip():
    import os

    os.environ.setdefault("YOUCHUAN_SIM_JOB_SECONDS", "0.2")
    os.environ["YOUCHUAN_NB_WAIT"] = "always"
    shell = start_ipython() or TerminalInteractiveShell.instance()  # None once started
    shell.run_line_magic("load_ext", "youchuan_nb")
    yield shell


@pytest.fixture
def sim(ip):
    from youchuan_nb.notebook._session import get_session

    return get_session().client.simulator


@pytest.fixture
def sheets(monkeypatch):
    """Every SweepSheet shown while the test runs."""
    shown: list[_sweep.SweepSheet] = []
    original = _sweep.SweepSheet.show

    def show(self):
        shown.append(self)
        return original(self)

    monkeypatch.setattr(_sweep.SweepSheet, "show", show)
    return shown


def run(ip, cell: str, line: str = "") -> list[dict]:
    """Run an %%imagine cell; the display bundles it published (updates included)."""
    with capture_output() as cap:
        ip.run_cell_magic("imagine", line, cell)
    return [o.data for o in cap.outputs]


def sheet_html(outputs: list[dict]) -> str:
    found = [d["text/html"] for d in outputs if "yc-sweep-static" in d.get("text/html", "")]
    assert found, "no sweep sheet was shown"
    return found[-1]  # the final state (a blocking cell refreshes it at the end)


def headers(html: str) -> list[str]:
    return re.findall(r"<th[^>]*>(.*?)</th>", html)


# ---------------------------------------------------------------- layout


def test_layout_of_one_two_and_three_groups():
    one = _sweep_layout.layout(["a b --stylize 0", "a b --stylize 250"], [("0",), ("250",)])
    assert one["kind"] == "row" and one["cols"] == ["0", "250"] and one["grid"] == [[0, 1]]
    assert one["axes"] == ["--stylize"]
    two = _sweep_layout.layout(
        ["a red car --ar 1:1", "a red car --ar 2:1", "a blue car --ar 1:1"],
        [("red", "1:1"), ("red", "2:1"), ("blue", "1:1")],
    )
    assert two["kind"] == "table" and two["rows"] == ["red", "blue"]
    assert two["cols"] == ["1:1", "2:1"] and two["grid"] == [[0, 1], [2, None]]
    assert two["axes"] == ["", "--ar"]
    three = _sweep_layout.layout(["x"] * 2, [("a", "b", "c"), ("d", "e", "f")])
    assert three["kind"] == "list" and three["rows"] == ["a · b · c", "d · e · f"]


# ---------------------------------------------------------------- from real jobs


def test_a_stylize_sweep_is_one_labelled_sheet_with_a_thumbnail_per_job(ip, sim, sheets):
    before = sim.count("diffusion")
    outputs = run(ip, "a lighthouse --stylize {0, 250, 750} --seed 7", "--name sweep")
    assert sim.count("diffusion") == before + 3
    html = sheet_html(outputs)
    # One sheet instead of three cards: no card's static copy was displayed.
    assert not any("yc-static" in d.get("text/html", "") for d in outputs)
    assert headers(html) == ["0", "250", "750"]
    assert "(--stylize)" in html
    assert len(re.findall(r'<img src="data:image/jpeg;base64,', html)) == 3
    jobs = ip.user_ns["sweep"]
    assert [j.ok for j in jobs] == [True, True, True]
    assert all(j.id in html for j in jobs)
    # The live sheet: every cell finished, with its grid; labels in order.
    (sheet,) = sheets
    cells = sheet.grid.cells
    assert [c["label"] for c in cells] == ["0", "250", "750"]
    assert [c["status"] for c in cells] == ["finished"] * 3
    assert [c["job_id"] for c in cells] == [j.id for j in jobs]
    assert sorted(sheet.grid.thumbs) == ["0", "1", "2"]
    assert all(t.startswith(b"\xff\xd8") for t in sheet.grid.thumbs.values())  # JPEG
    # Different stylize values give different pictures.
    assert len(set(sheet.grid.thumbs.values())) == 3


def test_clicking_a_cell_opens_its_card_and_again_closes_it(ip, sheets):
    run(ip, "a kite over the sea --chaos {0, 100} --seed 3")
    (sheet,) = sheets
    assert sheet.children == (sheet.grid,)
    sheet.grid._handle_custom_msg({"type": "open", "index": 1}, [])
    assert sheet.grid.opened == 1
    assert sheet.children == (sheet.grid, sheet.cards[1])
    assert sheet.cards[1].root.job.id == sheet.grid.cells[1]["job_id"]
    sheet.grid._handle_custom_msg({"type": "open", "index": 1}, [])
    assert sheet.grid.opened == -1 and sheet.children == (sheet.grid,)
    sheet.grid._handle_custom_msg({"type": "open", "index": 99}, [])  # ignored: no such cell
    assert sheet.children == (sheet.grid,)


def test_two_groups_are_a_table_with_row_and_column_labels(ip):
    html = sheet_html(run(ip, "a {red, blue} boat --ar {1:1, 2:1} --seed 5"))
    assert headers(html) == ["--ar →", "1:1", "2:1", "red", "blue"]
    assert "(--ar)" in html
    assert len(re.findall(r"<img ", html)) == 4


def test_an_unchanged_rerun_shows_the_same_sheet_from_the_store(ip, sim):
    cell = "a windmill --weird {0, 1000} --seed 9"
    first = sheet_html(run(ip, cell))
    before = sim.count("diffusion")
    with capture_output() as cap:
        ip.run_cell_magic("imagine", "", cell)
    assert sim.count("diffusion") == before, "a re-run must not submit"
    assert "Showing 2 jobs from" in cap.stdout
    again = sheet_html([o.data for o in cap.outputs])
    ids = re.findall(r"<code>([0-9a-f]{8,})</code>", first)
    assert len(ids) == 2 and re.findall(r"<code>([0-9a-f]{8,})</code>", again) == ids


def test_labels_are_text_and_chinese_shows_as_written(ip):
    html = sheet_html(run(ip, "a {<b>bold</b>, 灯塔} sign --seed 2"))
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "<b>bold" not in html
    assert "灯塔" in headers(html)


def test_three_groups_are_rows_labelled_with_the_combination(ip):
    html = sheet_html(run(ip, "a {red, blue} {cat, dog} --ar {1:1, 2:1} --seed 1", "--yes"))
    labels = headers(html)
    assert "red · cat · 1:1" in labels and "blue · dog · 2:1" in labels
    assert len(labels) == 8 and len(re.findall(r"<img ", html)) == 8


def test_the_sheet_speaks_chinese(ip, monkeypatch):
    monkeypatch.setenv("YOUCHUAN_NB_LANG", "zh")
    html = sheet_html(run(ip, "一座{红色, 蓝色}的灯塔 --seed 4"))
    assert "对比表" in html and 'lang="zh-CN"' in html
    assert headers(html) == ["红色", "蓝色"]
