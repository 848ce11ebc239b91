"""A notebook executed headless and exported with nbconvert's defaults shows the cards offline.

nbclient saves widget state by default; nbconvert then prefers a widget's view, which needs
scripts from a CDN and is blank offline. Headless runs therefore save only the cards' static
copy (thumbnails as data URLs), which every viewer shows.
"""

from __future__ import annotations

import os
import re

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
nbconvert = pytest.importorskip("nbconvert")

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def test_default_execute_and_export_shows_every_card_offline(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("%load_ext youchuan_nb"),
        nbformat.v4.new_code_cell("%%imagine\na lighthouse at dawn --ar 3:2"),
        nbformat.v4.new_code_cell("%%imagine\nan owl in snow"),
    ]
    env_keep = {k: os.environ.get(k) for k in ("YOUCHUAN_NB_WAIT", "JPY_SESSION_NAME")}
    os.environ.pop("YOUCHUAN_NB_WAIT", None)
    os.environ.pop("JPY_SESSION_NAME", None)
    try:
        client = nbclient.NotebookClient(
            nb, timeout=240, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
        )
        client.execute()  # store_widget_state defaults to True
    finally:
        for k, v in env_keep.items():
            if v is not None:
                os.environ[k] = v
    outputs = [o for cell in nb.cells[1:] for o in cell.outputs if o.get("data")]
    assert len(outputs) == 2
    assert all(WIDGET_VIEW not in o["data"] and "text/html" in o["data"] for o in outputs)
    html, _ = nbconvert.HTMLExporter().from_notebook_node(nb)  # nbconvert's own defaults
    images = re.findall(r'<img[^>]* src="data:image/[a-z]+;base64,', html)
    assert len(images) >= 8, "the two grids' thumbnails are in the export as data URLs"
