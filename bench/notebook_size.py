"""3. Saved notebook size: .ipynb growth per finished 2048x2048 grid (``--v 8.1 --hd``).

Three notebooks are executed headless with nbclient against the built-in simulator (own kernel,
``YOUCHUAN_SIM_JOB_SECONDS`` small, ``YOUCHUAN_NB_WAIT=always`` so each cell blocks until its
grid is on the card) and saved with nbformat as nbclient/nbconvert would: a baseline with only
``%load_ext youchuan_nb``, one with one grid, one with twenty. Growth = size - baseline size.
The note splits the growth into cell outputs and saved widget state (``metadata.widgets``).
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from ._common import Result, clean_env

NAME = "notebook_size"


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
    nbformat.write(nb, path)


def _execute(src: Path, out: Path, home: Path) -> dict:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(src, as_version=4)
    env = clean_env(
        YOUCHUAN_SIM_JOB_SECONDS="0.2", YOUCHUAN_NB_WAIT="always", YOUCHUAN_NB_HOME=str(home)
    )
    client = NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(src.parent)}}
    )
    started = time.monotonic()
    with open(src.with_suffix(".kernel.log"), "wb") as log:  # keep kernel noise off the table
        client.execute(env=env, cwd=str(src.parent), stderr=log)
    elapsed = time.monotonic() - started
    nbformat.write(nb, out)
    errors = [
        o.get("ename")
        for c in nb.cells
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    widgets = len(json.dumps(nb.metadata.get("widgets", {})))
    outputs = sum(len(json.dumps(c.get("outputs", []))) for c in nb.cells)
    finished = sum(
        1
        for c in nb.cells
        for o in c.get("outputs", [])
        if "finished" in str(o.get("data", {}).get("text/plain", ""))
    )
    return {
        "size": out.stat().st_size,
        "widgets": widgets,
        "outputs": outputs,
        "errors": errors,
        "elapsed": elapsed,
        "finished": finished,
    }


def run(quick: bool = False) -> list[Result]:
    many = 5 if quick else 20
    many_limit = 8.0 * many / 20  # MB, pro rata in --quick
    with tempfile.TemporaryDirectory(prefix="yc-bench-nbsize-") as tmp:
        tmp = Path(tmp)
        stats = {}
        for label, grids in (("base", 0), ("one", 1), ("many", many)):
            src = tmp / f"{label}.ipynb"
            _make(src, grids)
            home = tmp / f"home-{label}"
            home.mkdir()
            stats[label] = _execute(src, tmp / f"{label}.out.ipynb", home)
    base = stats["base"]
    results = []
    for label, grids, limit in (("one", 1, 0.4), ("many", many, many_limit)):
        s = stats[label]
        growth = (s["size"] - base["size"]) / 1e6
        dw = (s["widgets"] - base["widgets"]) / 1e6
        do = (s["outputs"] - base["outputs"]) / 1e6
        note = (
            f"outputs +{do:.2f} MB, widget state +{dw:.2f} MB; {s['finished']}/{grids} "
            f"grids saved finished; ran {s['elapsed']:.0f} s"
        )
        if s["errors"]:
            note += f"; ERRORS: {s['errors'][:3]}"
        results.append(
            Result(
                NAME,
                f".ipynb growth, {grids} 2048px grid{'s' if grids > 1 else ''}",
                growth,
                limit,
                "MB",
                note,
            )
        )
    results.append(
        Result(NAME, "  baseline notebook (%load_ext only)", base["size"] / 1e6, None, "MB")
    )
    return results
