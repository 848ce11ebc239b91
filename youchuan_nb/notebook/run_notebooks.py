"""Execute notebooks headless against the simulator; write executed copies and their HTML.

    python -m youchuan_nb.notebook.run_notebooks notebooks out/notebooks

Runs the notebooks in the folder and in its subfolders such as ``notebooks/zh`` (translations);
a subfolder's results go to the same subfolder of the output folder. Exits non-zero if any cell
fails or any output is an error, naming the notebook and cell.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def find_notebooks(src: Path) -> list[Path]:
    """The notebooks in ``src`` and in its subfolders one level down (translations such as
    ``src/zh``), skipping hidden folders such as ``.ipynb_checkpoints``."""
    found = sorted(src.glob("*.ipynb"))
    for sub in sorted(p for p in src.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        found += sorted(sub.glob("*.ipynb"))
    return found


def execute(
    path: Path, out_dir: Path, *, timeout: int = 600, html: bool = True, label: str | None = None
) -> list[str]:
    """Run one notebook; return a list of problems (empty when every cell succeeded), each
    starting with ``label`` (default: the file name)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    label = label or path.name

    nb = nbformat.read(path, as_version=4)
    workdir = out_dir / (path.stem + "_files")
    workdir.mkdir(parents=True, exist_ok=True)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}
    )
    problems = []
    try:
        client.execute()
    except CellExecutionError as exc:
        lines = [line for line in str(exc).splitlines() if line.strip()]
        problems.append(f"{label}: {lines[-1] if lines else type(exc).__name__}")
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                problems.append(f"{label} cell {i}: {out.get('ename')}: {out.get('evalue')}")
    target = out_dir / path.name
    nbformat.write(nb, target)
    if html:
        from nbconvert import HTMLExporter
        from traitlets.config import Config

        # A static page has no kernel: prefer the cards' text/html (thumbnails embedded) over
        # widget views that would need JavaScript from a CDN.
        priority = [
            "text/html",
            "application/vnd.jupyter.widget-view+json",
            "application/javascript",
            "text/markdown",
            "image/svg+xml",
            "text/latex",
            "image/png",
            "image/jpeg",
            "text/plain",
        ]
        exporter = HTMLExporter(
            config=Config({"NbConvertBase": {"display_data_priority": priority}})
        )
        body, _ = exporter.from_notebook_node(nb)
        (out_dir / (path.stem + ".html")).write_text(body, encoding="utf-8")
    return problems


def main(argv: list[str]) -> int:
    src = Path(argv[0] if argv else "notebooks")
    out = Path(argv[1] if len(argv) > 1 else "out/notebooks").resolve()
    out.mkdir(parents=True, exist_ok=True)
    for name in ("YOUCHUAN_APP_ID", "YOUCHUAN_SECRET", "YOUCHUAN_BASE_URL"):
        if os.environ.get(name) and os.environ.get("YOUCHUAN_NB_USE_REAL") != "1":
            # teaching runs use the simulator unless asked otherwise: no accidental billing
            os.environ.pop(name)
    os.environ.setdefault("YOUCHUAN_SIM_JOB_SECONDS", "0.5")
    os.environ.setdefault("YOUCHUAN_NB_WAIT", "always")
    problems = []
    for path in find_notebooks(src):
        rel = path.relative_to(src)
        name = rel.as_posix()
        started = time.monotonic()
        found = execute(path, out / rel.parent, label=name)
        problems += found
        print(f"{'FAIL' if found else 'ok  '} {name} ({time.monotonic() - started:.1f} s)")
    print(f"executed notebooks and HTML: {out}")
    for p in problems:
        print("  " + p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
