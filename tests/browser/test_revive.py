"""Saved cards come back to life: JupyterLab and Notebook 7, default settings (no widget state
saved), the package's lab extension.

A notebook with two cards is run and saved: a finished grid, and a grid whose job is still
running (the simulator makes it slow) when the kernel is shut down. Reopened with a new kernel,
only ``%load_ext youchuan_nb`` runs: both cards turn live in place (their buttons enabled), the
running job is polled again and finishes, and the simulator made no job for any of that. An
upscale click on the revived card makes exactly one job, shown under it, and the saved file
then holds it in the card's copy. The same in Notebook 7. Last, Run All on the finished notebook
makes no job at the service.

Tests run in file order and build on each other (one notebook, one page for the module).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from bench._lab import run_cell, save_notebook, shutdown_kernel

pytestmark = pytest.mark.browser

JOB_TIMEOUT = 60_000
NB = "revive.ipynb"
SLOW_SECONDS = 25.0  # the running job: long enough to still run after save, shutdown, reopen
CELLS = [
    "%load_ext youchuan_nb",
    "%%imagine\na paper boat on a rain puddle --ar 1:1 --v 7",
    "%%imagine\na snail climbing a glass of milk --ar 1:1 --v 7",
]
GRID, SLOW = 1, 2  # code cells with a card

LIVE = '.yc-saved-widget[data-yc-mode="live"]'
COPY = '.yc-saved-widget[data-yc-mode="copy"]'

# the text/html copy of cell i's card in the notebook model: its number of images
COPY_IMAGES = """(i) => { const outs = window.jupyterapp.shell.currentWidget.content.model.cells
  .get(i).outputs; for (let k = 0; k < outs.length; k++) { let h = outs.get(k).data['text/html'];
  if (!h) continue; h = Array.isArray(h) ? h.join('') : h;
  return (h.match(/<img /g) || []).length; }
  return -1; }"""

# every code cell has run (their counts were cleared first) and the kernel is idle
RAN_ALL = """() => { const w = window.jupyterapp.shell.currentWidget;
  const k = w.sessionContext.session && w.sessionContext.session.kernel;
  const cells = w.content.model.cells; for (let i = 0; i < cells.length; i++) {
    const c = cells.get(i); if (c.type === 'code' && !c.executionCount) return false; }
  return !!k && k.status === 'idle'; }"""

CLEAR_COUNTS = """() => { const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
  for (let i = 0; i < cells.length; i++) if (cells.get(i).type === 'code')
    cells.get(i).executionCount = null; }"""

# the notebook model's output of cell i names its top-level jobs (what a new kernel revives)
NAMES_JOBS = """(i) => { const outs = window.jupyterapp.shell.currentWidget.content.model.cells
  .get(i).outputs; for (let k = 0; k < outs.length; k++) { const m = outs.get(k).metadata;
  const ids = m && m.youchuan_nb && m.youchuan_nb.job_ids;
  if (ids && ids.length) return true; }
  return false; }"""


def _cell(page, i):
    return page.locator(".jp-Notebook .jp-Cell").nth(i)


def _card(page, i):
    """The top-level card of cell ``i`` (live or copy)."""
    return _cell(page, i).locator(".yc-list > .yc-card").first


def _open(page, url, helpers):
    helpers.open_notebook(page, url)  # a fresh workspace in JupyterLab (?reset)


def _shutdown(page):
    shutdown_kernel(page)


def _save(page, lab):
    return save_notebook(page, lab.root / NB)


def _copy_html(nb, i):
    outs = nb["cells"][i]["outputs"]
    return "".join(
        "".join(o["data"]["text/html"])
        if isinstance(o["data"]["text/html"], list)
        else o["data"]["text/html"]
        for o in outs
        if "text/html" in o.get("data", {})
    )


def _shot(page, shots, name):
    page.screenshot(path=str(shots / f"{name}.png"))


@pytest.fixture(scope="module")
def page(lab, browser, browser_context_args, helpers):
    helpers.write_notebook(lab.root / NB, CELLS)
    page = helpers.new_page(browser, browser_context_args)
    _open(page, f"{lab.url}/lab/tree/{NB}", helpers)
    yield page
    page.context.close()


def _revive_and_click(page, sim, shots, name, button, children):
    """Only %load_ext runs in the new kernel: both cards come back (the grid with its
    ``children`` follow-ups), nothing is submitted; one click on the grid makes exactly one
    job, under it."""
    expect(page.locator(COPY)).to_have_count(2, timeout=JOB_TIMEOUT)
    before = len(sim.created())
    run_cell(page, 0)
    expect(page.locator(f"{LIVE} .yc-list > .yc-card")).to_have_count(2, timeout=JOB_TIMEOUT)
    expect(page.locator(COPY)).to_have_count(0)
    grid = _card(page, GRID)
    expect(grid).to_have_attribute("data-status", "finished", timeout=JOB_TIMEOUT)
    key = grid.get_attribute("data-key")
    child = page.locator(f'.yc-card[data-key="{key}"] > .yc-children > .yc-card')
    expect(child).to_have_count(children)
    btn = page.locator(f'.yc-card[data-key="{key}"] > .yc-body {button}[data-index="1"]')
    expect(btn).to_be_enabled()
    assert len(sim.created()) == before, "the revival submitted a job"
    _shot(page, shots, f"{name}-revived")
    btn.click()
    expect(child).to_have_count(children + 1, timeout=JOB_TIMEOUT)
    expect(child.last).to_have_attribute("data-status", "finished", timeout=JOB_TIMEOUT)
    made = sim.created()[before:]
    assert len(made) == 1, made
    _shot(page, shots, f"{name}-followup")
    return made[0]


def test_run_then_save_with_a_job_still_running(page, lab, sim):
    run_cell(page, 0)
    run_cell(page, GRID)
    expect(_card(page, GRID)).to_have_attribute("data-status", "finished", timeout=JOB_TIMEOUT)
    page.wait_for_function(f"() => ({COPY_IMAGES})({GRID}) === 4", timeout=JOB_TIMEOUT)
    sim.job_seconds(SLOW_SECONDS)
    try:
        run_cell(page, SLOW)
        expect(_card(page, SLOW).locator(".yc-jobid")).to_have_count(1, timeout=JOB_TIMEOUT)
    finally:
        sim.job_seconds(1.0)
    assert _card(page, SLOW).get_attribute("data-status") in ("queued", "running")
    # the kernel sends the output naming the job before the card shows its id; wait on the
    # model (not a timer) so a slow browser is not mistaken for a lost id
    page.wait_for_function(f"() => ({NAMES_JOBS})({SLOW})", timeout=JOB_TIMEOUT)
    nb = _save(page, lab)
    _shutdown(page)
    assert _copy_html(nb, GRID).count("<img ") == 4
    assert "data-yc-jobs=" in _copy_html(nb, SLOW)
    meta = [o.get("metadata", {}) for o in nb["cells"][SLOW]["outputs"]]
    assert any(m.get("youchuan_nb", {}).get("job_ids") for m in meta), meta


def test_jupyterlab_load_ext_revives_the_cards(page, lab, sim, helpers, shots):
    _open(page, f"{lab.url}/lab/tree/{NB}", helpers)
    before = len(sim.created())
    made = _revive_and_click(page, sim, shots, "revive-lab", '[data-action="upscale_standard"]', 0)
    assert made["endpoint"] == "upscale", made
    # the job that was running when the kernel went away: polled again, and it finishes
    slow = _card(page, SLOW)
    expect(slow).to_have_attribute("data-status", "finished", timeout=2 * JOB_TIMEOUT)
    page.wait_for_function(f"() => ({COPY_IMAGES})({SLOW}) === 4", timeout=JOB_TIMEOUT)
    # the revived card's saved copy keeps up: the follow-up is in it
    page.wait_for_function(f"() => ({COPY_IMAGES})({GRID}) === 5", timeout=JOB_TIMEOUT)
    assert len(sim.created()) == before + 1
    nb = _save(page, lab)
    assert _copy_html(nb, GRID).count("<img ") == 5
    assert _copy_html(nb, SLOW).count("<img ") == 4
    _shutdown(page)


def test_notebook7_load_ext_revives_the_cards(page, lab, sim, helpers, shots):
    _open(page, f"{lab.url}/notebooks/{NB}", helpers)
    assert page.evaluate("window.jupyterapp.name") == "Jupyter Notebook"
    # the upscale made in JupyterLab comes back with the grid
    made = _revive_and_click(page, sim, shots, "revive-nb7", '[data-action="vary_subtle"]', 1)
    assert made["endpoint"] == "variation", made
    # the grid, its upscale and the four images of its variation
    page.wait_for_function(f"() => ({COPY_IMAGES})({GRID}) === 9", timeout=JOB_TIMEOUT)
    _save(page, lab)
    _shutdown(page)


def test_run_all_on_the_finished_notebook_makes_no_job(page, lab, sim, helpers, shots):
    _open(page, f"{lab.url}/lab/tree/{NB}", helpers)
    expect(page.locator(COPY)).to_have_count(2, timeout=JOB_TIMEOUT)
    before = len(sim.created())
    page.evaluate(CLEAR_COUNTS)
    helpers.run_all(page)
    page.wait_for_function(RAN_ALL, timeout=JOB_TIMEOUT)
    cards = page.locator(f"{LIVE} .yc-list > .yc-card")
    expect(cards).to_have_count(2, timeout=JOB_TIMEOUT)
    for i in (GRID, SLOW):
        expect(_card(page, i)).to_have_attribute("data-status", "finished", timeout=JOB_TIMEOUT)
    key = _card(page, GRID).get_attribute("data-key")
    expect(page.locator(f'.yc-card[data-key="{key}"] > .yc-children > .yc-card')).to_have_count(2)
    _shot(page, shots, "revive-run-all")
    assert len(sim.created()) == before, sim.created()[before:]


def test_run_again_makes_one_new_job_below(page, lab, sim, shots):
    """ "Run again" on a grid: exactly one new job of its prompt, a new grid below it."""
    before = len(sim.created())
    grid = _card(page, GRID)
    key = grid.get_attribute("data-key")
    button = page.locator(f'.yc-card[data-key="{key}"] > .yc-head .yc-rerun')
    expect(button).to_be_enabled()
    button.click()
    tops = _cell(page, GRID).locator(".yc-list > .yc-card")
    expect(tops).to_have_count(2, timeout=JOB_TIMEOUT)
    expect(tops.nth(1)).to_have_attribute("data-status", "finished", timeout=JOB_TIMEOUT)
    made = sim.created()[before:]
    assert [m["endpoint"] for m in made] == ["diffusion"], made
    assert made[0]["body"]["text"].startswith("a paper boat on a rain puddle"), made
    _shot(page, shots, "revive-run-again")
    _shutdown(page)


def test_no_uncaught_errors_from_the_extension(page):
    ours = [e for e in page.errors if "youchuan-nb" in e or "yc-" in e]
    assert ours == [], "\n".join(ours)
