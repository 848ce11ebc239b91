"""Saved notebook: how fast a reopened notebook of 20 grids shows every card, and its size.

A notebook with ``%load_ext youchuan_nb`` and 20 ``%%imagine`` grids is executed headless with
nbclient against the built-in simulator (as ``notebook_size`` does) and saved without widget state,
as JupyterLab saves it with its default settings. Then a real JupyterLab (default settings, this
package's lab extension installed, its own Jupyter folders in a temp dir) serves it and Debian's
Chromium opens it three times (a fresh page each time, a new kernel each time, so no card has a
widget model): the figure is the median time from the notebook's first cell being on the page to
every grid's 4 thumbnails being loaded images (naturalWidth > 0); the note gives the time from
navigation and the worst run. A page that shows "Error displaying widget" fails the benchmark.
The notebook is signed first (as JupyterLab signs what it saves); an info row opens an unsigned
copy, which JupyterLab renders as sanitised text/html without any widget renderer or this
extension: the page's floor on this machine. The .ipynb growth per grid (against a notebook with
only ``%load_ext``) is an info row.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from ._common import PYTHON, Result, clean_env
from ._lab import CHROMIUM, CHROMIUM_ARGS, lab_env, start_lab, stop_lab, write_lab_settings

NAME = "saved_notebook"
LIMIT_S = 2.0
RUNS = 3
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

# Records, in the page's own clock (ms since navigation), when the notebook's first cell appeared
# and when ``want`` thumbnails were loaded; also whether a widget error was ever on the page.
PROBE = """(() => {
  const want = %d;
  const t = (window.__ycSaved = { cells: null, views: null, copies: null, all: null,
                                   error: false, images: 0 });
  const tick = () => {
    const now = performance.now();
    if (t.cells === null && document.querySelector('.jp-Notebook .jp-Cell')) t.cells = now;
    const views = document.querySelectorAll('.yc-saved-widget');
    if (t.views === null && views.length >= want / 4) t.views = now;
    const copies = document.querySelectorAll('.yc-saved-widget[data-yc-mode="copy"]');
    if (t.copies === null && copies.length >= want / 4) t.copies = now;
    const imgs = document.querySelectorAll('.jp-Notebook .jp-OutputArea img');
    let n = 0;
    for (const i of imgs) if (i.complete && i.naturalWidth > 0) n++;
    t.images = n;
    const text = document.body ? document.body.innerText : '';
    if (text.includes('Error displaying widget')) t.error = true;
    if (n >= want && t.all === null) t.all = now;
    if (t.all === null) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();"""


def _make(path: Path, grids: int) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("%load_ext youchuan_nb"))
    for i in range(grids):
        nb.cells.append(
            nbformat.v4.new_code_cell(
                f"%%imagine\na lighthouse on a cliff at dusk, study {i} --v 8.1 --hd"
            )
        )
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)


def _execute(path: Path, home: Path) -> list[str]:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    env = clean_env(
        YOUCHUAN_SIM_JOB_SECONDS="0.2", YOUCHUAN_NB_WAIT="always", YOUCHUAN_NB_HOME=str(home)
    )
    # no widget state: what JupyterLab saves with its default settings
    client = NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        store_widget_state=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    with open(path.with_suffix(".kernel.log"), "wb") as log:
        client.execute(env=env, cwd=str(path.parent), stderr=log)
    _as_saved_by_jupyterlab(nb)
    nbformat.write(nb, path)
    return [
        f"{o.get('ename')}: {o.get('evalue')}"
        for c in nb.cells
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]


def _as_saved_by_jupyterlab(nb) -> None:
    """A headless run saves a card's copy only (no one can click it there); a notebook saved
    from JupyterLab also holds the widget view, whose model is gone once reopened: add it."""
    import uuid

    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if "youchuan_nb" in out.get("metadata", {}) and "text/html" in out.get("data", {}):
                out["data"][WIDGET_VIEW] = {
                    "version_major": 2,
                    "version_minor": 1,
                    "model_id": uuid.uuid4().hex,
                }


def _lab_env(base: Path) -> dict[str, str]:
    return lab_env(base, clean_env())


def _trust(path: Path, base: Path) -> None:
    """Sign ``path`` in the server's trust database, as saving it from JupyterLab does: an
    untrusted notebook never reaches the widget renderer (JupyterLab shows its sanitised
    text/html itself)."""
    subprocess.run(
        [PYTHON, "-m", "jupyter", "trust", str(path)],
        env=_lab_env(base),
        check=True,
        capture_output=True,
        timeout=60,
    )


def _start_lab(root: Path, base: Path):
    env = _lab_env(base)
    write_lab_settings(Path(env["JUPYTERLAB_SETTINGS_DIR"]))  # defaults, no news prompt
    return start_lab(root, env, base / "jupyter.log", python=PYTHON)


def _measure(url: str, name: str, want: int) -> list[dict]:
    from playwright.sync_api import sync_playwright

    runs = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(RUNS):
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                page.add_init_script(PROBE % want)
                page.goto(f"{url}/lab/tree/{name}")
                try:
                    page.wait_for_function(
                        "() => window.__ycSaved && window.__ycSaved.all", timeout=60_000
                    )
                except Exception:
                    pass
                t = page.evaluate("() => window.__ycSaved")
                # let the kernel come up before the page goes, so the next run starts clean
                page.evaluate("""async () => { const w = window.jupyterapp.shell.currentWidget;
                  if (w && w.sessionContext) { await w.sessionContext.ready;
                    if (w.sessionContext.session) await w.sessionContext.shutdown(); } }""")
                context.close()
                runs.append(t)
        finally:
            browser.close()
    return runs


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def run(quick: bool = False) -> list[Result]:
    grids = 5 if quick else 20
    want = 4 * grids
    with tempfile.TemporaryDirectory(prefix="yc-bench-saved-") as tmp:
        tmp = Path(tmp)
        root = tmp / "notebooks"
        root.mkdir()
        errors = []
        for label, n in (("base", 0), ("grids", grids)):
            home = tmp / f"home-{label}"
            home.mkdir()
            _make(root / f"{label}.ipynb", n)
            errors += _execute(root / f"{label}.ipynb", home)
        base = (root / "base.ipynb").stat().st_size
        size = (root / "grids.ipynb").stat().st_size
        if errors:
            return [
                Result(
                    NAME,
                    f"notebook of {grids} grids",
                    None,
                    LIMIT_S,
                    "s",
                    f"execution failed: {errors[:2]}",
                )
            ]
        _trust(root / "grids.ipynb", tmp)
        # the same cells, not signed (a signature covers the content, so change the metadata)
        nb = json.loads((root / "grids.ipynb").read_text())
        nb["metadata"]["yc_bench"] = "unsigned copy"
        (root / "untrusted.ipynb").write_text(json.dumps(nb))
        proc, url = _start_lab(root, tmp)
        try:
            runs = _measure(url, "grids.ipynb", want)
            plain = _measure(url, "untrusted.ipynb", want)
        finally:
            stop_lab(proc)

    def since_cells(rs: list[dict], key: str) -> list[float]:
        return [(r[key] - r["cells"]) / 1000 for r in rs if r[key] and r["cells"]]

    shown = since_cells(runs, "all")
    copies = since_cells(runs, "copies")
    nav = [r["all"] / 1000 for r in runs if r["all"]]
    broken = [r for r in runs if r["error"] or not r["all"] or not r["copies"]]
    if shown and nav and copies:
        note = (
            f"{RUNS} reopens, each a new page and kernel; every card's copy up after "
            f"{_median(copies):.2f} s; from navigation {_median(nav):.2f} s (JupyterLab's "
            f"own load included); worst {max(shown):.2f} s"
        )
    else:
        note = "no run showed every card's copy and thumbnails"
    if broken:
        note += (
            f"; {len(broken)} run(s) showed a widget error or missed thumbnails "
            f"(images {[r['images'] for r in broken]} of {want})"
        )
    return [
        Result(
            NAME,
            f"all thumbnails shown, reopened notebook of {grids} grids",
            None if broken else _median(shown),
            LIMIT_S,
            "s",
            note,
        ),
        Result(
            NAME,
            "  same notebook untrusted (JupyterLab renders text/html itself)",
            _median(since_cells(plain, "all")),
            None,
            "s",
            "no widget renderer, no extension: this page's floor",
        ),
        Result(
            NAME,
            "  .ipynb growth per grid (no widget state)",
            (size - base) / grids / 1e3,
            None,
            "kB",
            f"{grids} grids: {size / 1e6:.2f} MB, baseline {base / 1e3:.1f} kB",
        ),
    ]


if __name__ == "__main__":
    from ._common import text_table

    os.environ.pop("YOUCHUAN_APP_ID", None)
    os.environ.pop("YOUCHUAN_SECRET", None)
    os.environ.pop("YOUCHUAN_BASE_URL", None)
    print(text_table(run(quick="--quick" in sys.argv)))
