"""The teaching notebooks run top to bottom, headless, against the simulator, with no edits.

Each notebook in ``notebooks/`` and its Simplified Chinese twin in ``notebooks/zh/`` is executed
once (nbclient, as CI and ``scripts/run-notebooks.sh`` do) in a kernel that inherits a
simulator-only environment; then the saved copy is checked: no error output, every card ended
finished, static fallbacks present, and a finished grid adds at most 400 KB to the .ipynb. A
Chinese notebook runs exactly the code of its English twin (only comments differ) and its
explanations are in Chinese.
"""

from __future__ import annotations

import io
import json
import os
import re
import time
import tokenize
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbclient")
pytest.importorskip("nbconvert")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "notebooks"
ZH_DIR = NOTEBOOK_DIR / "zh"
EN_NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
ZH_NOTEBOOKS = sorted(ZH_DIR.glob("*.ipynb"))
NOTEBOOKS = EN_NOTEBOOKS + ZH_NOTEBOOKS
QUICKSTART = NOTEBOOK_DIR / "01-quickstart.ipynb"
GRID_BUDGET = 400 * 1024  # bytes one finished grid may add to a saved notebook
DATA_IMG = re.compile(r'<img[^>]* src="data:image/[a-z]+;base64,')
# a card's text/plain starts each job line with "<label> <job id>: <status>"
UNFINISHED = re.compile(
    r": (failed|refused|unknown|waiting.*|submitting|queued|running.*|finishing)$", re.M | re.I
)

FAKE_APP_ID = "ycfakeapp-4f9d2c7a1e8b"
FAKE_SECRET = "ycfakesecret-93b7e2d41c6f0a58"
# CJK Unified Ideographs (and extension A): the characters of Chinese text
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
CODE_IN_MARKDOWN = re.compile(r"```.*?```|`[^`\n]*`|\]\([^)]*\)|https?://\S+", re.S)
CREDENTIALS = ("YOUCHUAN_APP_ID", "YOUCHUAN_SECRET", "YOUCHUAN_BASE_URL", "YOUCHUAN_NB_USE_REAL")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Execute a notebook once per test module (cached); return (problems, out_dir, seconds)."""
    from youchuan_nb.notebook.run_notebooks import execute
    from youchuan_nb.sim import Simulator

    base = tmp_path_factory.mktemp("teaching-notebooks")
    results: dict[Path, tuple[list[str], Path, float]] = {}
    # The notebooks run with recognisable fake credentials against a simulator, as a user with
    # a real account would; test_no_credentials_in_any_file_written then searches every file.
    sim = Simulator(app_id=FAKE_APP_ID, secret=FAKE_SECRET, job_seconds=0.3, balance=1e6)
    sim.start()
    with pytest.MonkeyPatch.context() as mp:
        # The kernel inherits this environment: fast jobs, blocking cells.
        for name in CREDENTIALS:
            mp.delenv(name, raising=False)
        mp.setenv("YOUCHUAN_APP_ID", FAKE_APP_ID)
        mp.setenv("YOUCHUAN_SECRET", FAKE_SECRET)
        mp.setenv("YOUCHUAN_BASE_URL", sim.url)
        mp.setenv("YOUCHUAN_SIM_JOB_SECONDS", "0.3")
        # kernel connection files and IPython's history land here too, and are searched
        mp.setenv("JUPYTER_RUNTIME_DIR", str(base / "runtime"))
        mp.setenv("IPYTHONDIR", str(base / "ipython"))
        mp.setenv("YOUCHUAN_NB_WAIT", "always")
        mp.setenv("YOUCHUAN_NB_HOME", str(base / "home"))
        # The kernel's working folder is the output folder, so make sure it imports this
        # checkout's package (a stale editable install can otherwise shadow it).
        mp.setenv(
            "PYTHONPATH",
            os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p),
        )

        def _run(path: Path):
            if path not in results:
                # English and Chinese notebooks share file names: one output folder each
                rel = path.relative_to(NOTEBOOK_DIR)
                out = base / "out" / rel.parent
                started = time.monotonic()
                problems = execute(path, out, label=rel.as_posix())
                results[path] = (problems, out, time.monotonic() - started)
            return results[path]

        _run.base = base
        yield _run
    sim.stop()


def _code_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code"]


def _bundles(cell) -> list[dict]:
    return [
        o["data"]
        for o in cell.get("outputs", [])
        if o.get("output_type") in ("display_data", "execute_result")
    ]


def _first_line(cell) -> str:
    return cell.source.strip().splitlines()[0] if cell.source.strip() else ""


def _nb_id(path: Path) -> str:
    """``01-quickstart`` for the English notebook, ``zh/01-quickstart`` for its Chinese twin."""
    return path.relative_to(NOTEBOOK_DIR).with_suffix("").as_posix()


def _code_without_comments(source: str) -> list[tuple[int, str]]:
    """A code cell as the Python tokens IPython runs (magics included), without comments or
    blank and continuation lines: two cells that differ only in comments compare equal."""
    from IPython.core.inputtransformer2 import TransformerManager

    python = TransformerManager().transform_cell(source)
    tokens = tokenize.generate_tokens(io.StringIO(python).readline)
    return [(t.type, t.string) for t in tokens if t.type not in (tokenize.COMMENT, tokenize.NL)]


def _cjk_share(text: str) -> tuple[int, int]:
    """(CJK characters, letters) in markdown prose, leaving out code, links and URLs."""
    prose = CODE_IN_MARKDOWN.sub(" ", text)
    letters = [ch for ch in prose if ch.isalpha()]
    return sum(1 for ch in letters if CJK.match(ch)), len(letters)


def test_there_are_five_teaching_notebooks():
    names = [p.stem for p in EN_NOTEBOOKS]
    assert names[:5] == [
        "01-quickstart",
        "02-exploring-with-widgets",
        "03-editing",
        "04-video",
        "05-account-moodboards-batches",
    ]


def test_every_teaching_notebook_has_a_chinese_twin():
    assert [p.name for p in ZH_NOTEBOOKS] == [p.name for p in EN_NOTEBOOKS]
    assert (ZH_DIR / "README.md").is_file()


@pytest.mark.parametrize("path", ZH_NOTEBOOKS, ids=_nb_id)
def test_chinese_notebook_runs_the_same_code_as_its_english_twin(path):
    """The Chinese class runs exactly the code of the English notebook: same code cells in the
    same order, equal once comments are left out; same notebook metadata."""
    zh = nbformat.read(path, as_version=4)
    en = nbformat.read(NOTEBOOK_DIR / path.name, as_version=4)
    assert zh.metadata == en.metadata
    assert (zh.nbformat, zh.nbformat_minor) == (en.nbformat, en.nbformat_minor)
    zh_code, en_code = _code_cells(zh), _code_cells(en)
    assert len(zh_code) == len(en_code), "a different number of code cells"
    for i, (z, e) in enumerate(zip(zh_code, en_code, strict=True)):
        assert _code_without_comments(z.source) == _code_without_comments(e.source), (
            f"code cell {i + 1} differs from the English one: {_first_line(e)}"
        )


@pytest.mark.parametrize("path", ZH_NOTEBOOKS, ids=_nb_id)
def test_chinese_notebook_explains_in_chinese(path):
    """Markdown cells are written in Chinese: at least 30% of the letters in the prose (code
    spans, code blocks and links left out) are CJK, in the notebook and in every cell."""
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "markdown"]
    assert cells
    for cell in cells:
        cjk, letters = _cjk_share(cell.source)
        assert cjk >= 0.3 * letters, f"cell {cell.get('id')} is not in Chinese: {_first_line(cell)}"
    cjk, letters = _cjk_share("\n".join(c.source for c in cells))
    assert letters and cjk >= 0.3 * letters, f"only {cjk}/{letters} letters are Chinese"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_nb_id)
def test_source_notebook_is_clean(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"
    assert "widgets" not in nb.metadata, "saved widget state in the source notebook"
    for cell in _code_cells(nb):
        assert cell.get("outputs") == [], f"outputs saved in {_nb_id(path)}: {_first_line(cell)}"
        assert cell.get("execution_count") is None, f"execution count in {_nb_id(path)}"
    kinds = [c.cell_type for c in nb.cells]
    assert kinds.count("markdown") >= kinds.count("code") // 2, "explain the steps to a learner"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_nb_id)
def test_notebook_executes_cleanly(path, run):
    problems, out, seconds = run(path)
    assert problems == [], "\n".join(problems)
    executed = out / path.name
    html = out / f"{path.stem}.html"
    assert executed.is_file()
    assert html.is_file() and html.stat().st_size > 0, f"no HTML export for {_nb_id(path)}"
    nb = nbformat.read(executed, as_version=4)
    for cell in _code_cells(nb):
        head = _first_line(cell)
        assert cell.get("execution_count"), f"cell did not run: {head}"
        for out_ in cell.get("outputs", []):
            assert out_.get("output_type") != "error", f"{head}: {out_.get('evalue')}"
            if out_.get("output_type") == "stream" and out_.get("name") == "stderr":
                assert "Traceback" not in out_.get("text", ""), f"{head}: {out_['text'][:300]}"
        for data in _bundles(cell):
            plain = data.get("text/plain", "")
            if "text/html" in data and "yc-static" in data["text/html"]:
                # a job card: headless runs save it in its final state, with its fallbacks
                assert not UNFINISHED.search(plain), f"{head}: card not finished:\n{plain}"
                assert ": finished" in plain.lower(), f"{head}: {plain}"
        if head.startswith(("%%imagine", "%%animate")) and "--plain" not in head:
            cards = [d for d in _bundles(cell) if "yc-static" in d.get("text/html", "")]
            assert cards, f"{head}: no job card in the saved output"
            assert DATA_IMG.search(cards[-1]["text/html"]), f"{head}: no thumbnails saved"
    print(f"{_nb_id(path)}: {seconds:.1f} s")


@pytest.mark.parametrize("quickstart", [QUICKSTART, ZH_DIR / QUICKSTART.name], ids=_nb_id)
def test_quickstart_grid_has_static_fallbacks_and_stays_small(run, quickstart):
    problems, out, _ = run(quickstart)
    assert problems == [], "\n".join(problems)
    nb = nbformat.read(out / quickstart.name, as_version=4)
    grid_cells = [
        c
        for c in _code_cells(nb)
        if _first_line(c).startswith("%%imagine") and "--plain" not in _first_line(c)
    ]
    assert grid_cells, "the quickstart has no %%imagine cell"
    cell = grid_cells[0]
    cards = [d for d in _bundles(cell) if "text/html" in d]
    assert len(cards) == 1, f"expected one card output, got {len(cards)}"
    data = cards[0]
    assert len(DATA_IMG.findall(data["text/html"])) == 4, "the grid's HTML needs 4 thumbnails"
    assert "text/plain" in data and "4 image(s)" in data["text/plain"]
    assert "SIMULATOR" in data["text/html"]

    # What this grid adds to the saved notebook: the cell's outputs plus the saved state of its
    # widget (nbclient stores widget state in the notebook metadata).
    added = len(json.dumps(cell["outputs"]))
    view = data.get("application/vnd.jupyter.widget-view+json")
    if view:
        state = (
            nb.metadata.get("widgets", {})
            .get("application/vnd.jupyter.widget-state+json", {})
            .get("state", {})
        )
        model = state.get(view["model_id"])
        assert model is not None, "the card's widget state was not saved"
        added += len(json.dumps(model))
    assert added <= GRID_BUDGET, f"one grid adds {added / 1024:.0f} KB to the notebook"


def test_no_credentials_in_any_file_written(run):
    """Issue 5: after running every notebook with credentials set, no file written (executed
    notebooks, their HTML, the job store, the media cache) contains the app id or the secret."""
    for path in NOTEBOOKS:
        run(path)
    files = [p for p in run.base.rglob("*") if p.is_file()]
    assert any(p.suffix == ".ipynb" for p in files) and any(p.suffix == ".sqlite3" for p in files)
    leaks = []
    for p in files:
        data = p.read_bytes()
        for value in (FAKE_APP_ID, FAKE_SECRET):
            if value.encode() in data or value.encode("utf-16-le") in data:
                leaks.append(f"{p.relative_to(run.base)} contains {value[:12]}...")
    assert not leaks, leaks
    for path in NOTEBOOKS:  # the source notebooks stay clean too
        assert FAKE_SECRET not in path.read_text() and FAKE_APP_ID not in path.read_text()
