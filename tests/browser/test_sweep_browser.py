"""A sweep cell in a real JupyterLab (Chromium, the simulator): one comparison sheet with the
options as labels, every thumbnail loaded, a click opening that job's card."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

JOB_TIMEOUT = 90_000
CELLS = [
    "%load_ext youchuan_nb",
    "%%imagine --name sweep\na lighthouse on a cliff --stylize {0, 250, 750} --seed 7 --v 7",
    "%%imagine\na {red, <i>blue</i>} kite --ar {1:1, 2:1} --seed 3 --v 7",
    "%%imagine\n一座{红色, 蓝色}的灯塔 --seed 4 --v 7",
]

LOADED = """([sel, n]) => { const imgs = [...document.querySelectorAll(sel)];
  return imgs.length === n && imgs.every((i) => i.complete && i.naturalWidth > 0
    && i.getBoundingClientRect().width > 0); }"""


@pytest.fixture(scope="module")
def page(lab, browser, browser_context_args, helpers):
    helpers.write_notebook(lab.root / "sweeps.ipynb", CELLS)
    page = helpers.new_page(browser, browser_context_args)
    helpers.open_notebook(page, f"{lab.url}/lab/tree/sweeps.ipynb")
    helpers.run_all(page)
    yield page
    page.context.close()


def cell(page, i):
    return page.locator(".jp-Notebook .jp-Cell").nth(i)


def sel(i: int, rest: str) -> str:
    return f".jp-Notebook .jp-Cell:nth-child({i + 1}) {rest}"


def test_a_sweep_cell_shows_one_labelled_sheet_with_every_thumbnail_loaded(page, shots):
    sheet = cell(page, 1).locator(".yc-sweep")
    expect(sheet).to_be_visible(timeout=JOB_TIMEOUT)
    expect(sheet.locator(".yc-sweep-col")).to_have_text(["0", "250", "750"])
    expect(sheet.locator(".yc-sweep-title")).to_contain_text("--stylize")
    page.wait_for_function(
        LOADED, arg=[sel(1, ".yc-sweep img.yc-sweep-thumb"), 3], timeout=JOB_TIMEOUT
    )
    # One sheet, not three cards.
    expect(cell(page, 1).locator(".yc-card")).to_have_count(0)
    expect(sheet.locator(".yc-sweep-id")).to_have_count(3)
    cell(page, 1).screenshot(path=str(shots / "sweep-stylize.png"))
    assert not page.errors, page.errors


def test_clicking_a_cell_opens_that_jobs_card(page):
    sheet = cell(page, 1).locator(".yc-sweep")
    job_id = sheet.locator(".yc-sweep-id").nth(2).text_content()
    sheet.locator(".yc-sweep-open").nth(2).click()
    card = cell(page, 1).locator(".yc-card").first
    expect(card).to_be_visible(timeout=JOB_TIMEOUT)
    expect(card).to_contain_text(job_id)
    expect(card).to_contain_text("--stylize 750")
    page.wait_for_function(
        LOADED, arg=[sel(1, ".yc-card > .yc-body img.yc-thumb"), 4], timeout=JOB_TIMEOUT
    )
    sheet.locator(".yc-sweep-open").nth(2).click()
    expect(cell(page, 1).locator(".yc-card")).to_have_count(0, timeout=JOB_TIMEOUT)


def test_two_groups_are_a_table_and_labels_stay_text(page, shots):
    sheet = cell(page, 2).locator(".yc-sweep")
    expect(sheet).to_be_visible(timeout=JOB_TIMEOUT)
    expect(sheet.locator(".yc-sweep-col")).to_have_text(["1:1", "2:1"])
    expect(sheet.locator(".yc-sweep-row")).to_have_text(["red", "<i>blue</i>"])
    expect(sheet.locator(".yc-sweep-corner")).to_have_text("--ar →")
    expect(sheet.locator("i")).to_have_count(0)  # the label was not taken for HTML
    page.wait_for_function(
        LOADED, arg=[sel(2, ".yc-sweep img.yc-sweep-thumb"), 4], timeout=JOB_TIMEOUT
    )
    cell(page, 2).screenshot(path=str(shots / "sweep-table.png"))
    assert not page.errors, page.errors


def test_a_chinese_sweep_shows_its_labels_and_thumbnails(page):
    sheet = cell(page, 3).locator(".yc-sweep")
    expect(sheet).to_be_visible(timeout=JOB_TIMEOUT)
    expect(sheet.locator(".yc-sweep-col")).to_have_text(["红色", "蓝色"])
    page.wait_for_function(
        LOADED, arg=[sel(3, ".yc-sweep img.yc-sweep-thumb"), 2], timeout=JOB_TIMEOUT
    )
    sheet.locator(".yc-sweep-open").first.click()
    expect(cell(page, 3).locator(".yc-card").first).to_contain_text(
        "一座红色的灯塔", timeout=JOB_TIMEOUT
    )
    assert not page.errors, page.errors


def test_load_ext_brings_the_saved_sheets_back_to_life(page, lab, sim, helpers, shots):
    """Saved, the kernel shut down, the notebook reopened: every sheet shows its saved copy;
    after only ``%load_ext`` in the new kernel they are live sheets again (a click opens that
    job's live card, its buttons enabled), and nothing was submitted for it."""
    nb = helpers.save_notebook(page, lab.root / "sweeps.ipynb")
    facts = [o.get("metadata", {}).get("youchuan_nb", {}) for o in nb["cells"][1]["outputs"]]
    assert any(f.get("values") == [["0"], ["250"], ["750"]] for f in facts), facts
    helpers.shutdown_kernel(page)
    helpers.open_notebook(page, f"{lab.url}/lab/tree/sweeps.ipynb")
    copies = page.locator('.yc-saved-widget[data-yc-mode="copy"]')
    expect(copies).to_have_count(3, timeout=JOB_TIMEOUT)
    before = len(sim.created())
    helpers.run_cell(page, 0)
    live = page.locator('.yc-saved-widget[data-yc-mode="live"] .yc-sweep')
    expect(live).to_have_count(3, timeout=JOB_TIMEOUT)
    expect(copies).to_have_count(0)
    sheet = cell(page, 1).locator(".yc-sweep")
    expect(sheet.locator(".yc-sweep-col")).to_have_text(["0", "250", "750"])
    page.wait_for_function(
        LOADED, arg=[sel(1, ".yc-sweep img.yc-sweep-thumb"), 3], timeout=JOB_TIMEOUT
    )
    job_id = sheet.locator(".yc-sweep-id").nth(1).text_content()
    sheet.locator(".yc-sweep-open").nth(1).click()
    card = cell(page, 1).locator(".yc-card").first
    expect(card).to_contain_text(job_id, timeout=JOB_TIMEOUT)
    expect(card.locator('> .yc-body [data-action="upscale_standard"]').first).to_be_enabled()
    cell(page, 1).screenshot(path=str(shots / "sweep-revived.png"))
    assert len(sim.created()) == before, sim.created()[before:]
