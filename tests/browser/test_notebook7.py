"""One check in Notebook 7 (served by the same jupyter server at /notebooks/...): a grid renders."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

LOADED = """(n) => { const imgs = [...document.querySelectorAll('.yc-card img.yc-thumb')];
  return imgs.length === n && imgs.every((i) => i.complete && i.naturalWidth > 0
    && i.getBoundingClientRect().width > 0); }"""


def test_notebook7_grid_renders_four_images(lab, browser, browser_context_args, helpers, shots):
    helpers.write_notebook(
        lab.root / "nb7.ipynb",
        [
            "%load_ext youchuan_nb",
            "%%imagine\nan owl on a birch branch --ar 1:1 --v 7",
        ],
    )
    context = browser.new_context(**browser_context_args)
    try:
        page = context.new_page()
        helpers.open_notebook(page, f"{lab.url}/notebooks/nb7.ipynb")
        # Notebook 7, not JupyterLab
        assert page.evaluate("window.jupyterapp.name") == "Jupyter Notebook"
        helpers.run_all(page)
        card = page.locator(".yc-list > .yc-card").first
        expect(card).to_have_attribute("data-status", "finished", timeout=60_000)
        expect(card).to_have_attribute("data-kind", "grid")
        page.wait_for_function(LOADED, arg=4, timeout=60_000)
        card.screenshot(path=str(shots / "10-notebook7-grid.png"))
    finally:
        context.close()
