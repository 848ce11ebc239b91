"""The job card in a real JupyterLab, driven by Chromium, against the simulator.

One notebook, one page, one kernel for the whole module: the tests run in file order and build
on each other (the grid, then follow-ups from its buttons, then the saved notebook). Every wait is
on a condition in the page or in the simulator's record, never a fixed sleep.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser

JOB_TIMEOUT = 60_000
FOX = "a red fox in snow --ar 1:1 --v 7"
REMIXED = "a blue fox under the northern lights --ar 1:1 --v 7"
CELLS = [
    "%load_ext youchuan_nb",
    f"%%imagine --name fox\n{FOX}",
    "%%imagine\na forbidden fox in snow --ar 1:1 --v 7",
]
FOX_CELL, REFUSED_CELL = 1, 2
FAIL_COMMENT = "JobStatusTimeout"

LOADED = """([sel, n]) => { const imgs = [...document.querySelectorAll(sel)];
  return imgs.length === n && imgs.every((i) => i.complete && i.naturalWidth > 0
    && i.getBoundingClientRect().width > 0); }"""


# -- fixtures and helpers -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def nb_page(lab, sim, browser, browser_context_args, helpers):
    helpers.write_notebook(lab.root / "quickstart.ipynb", CELLS)
    page = helpers.new_page(browser, browser_context_args)
    helpers.open_notebook(page, f"{lab.url}/lab/tree/quickstart.ipynb")
    page.jobs_before = len(sim.created())  # other modules share the simulator
    helpers.run_all(page)
    yield page
    page.context.close()


def cell(page, i):
    return page.locator(".jp-Notebook .jp-Cell").nth(i)


def card(page, key):
    return page.locator(f'.yc-card[data-key="{key}"]')


def thumbs_sel(key):
    return f'.yc-card[data-key="{key}"] > .yc-body img.yc-thumb'


def button(page, key, action, index=0):
    return page.locator(
        f'.yc-card[data-key="{key}"] > .yc-body [data-action="{action}"][data-index="{index}"]'
    )


def root_key(page, i):
    root = cell(page, i).locator(".yc-list > .yc-card").first
    expect(root).to_be_attached(timeout=JOB_TIMEOUT)
    return root.get_attribute("data-key")


def child_keys(page, key):
    return page.eval_on_selector_all(
        f'.yc-card[data-key="{key}"] > .yc-children > .yc-card',
        "els => els.map((e) => e.dataset.key)",
    )


def wait_images(page, key, n):
    page.wait_for_function(LOADED, arg=[thumbs_sel(key), n], timeout=JOB_TIMEOUT)


def follow_up(page, sim, key, click, endpoint):
    """Click (``click()``), wait for the new child card to finish, check the server saw one job."""
    jobs_before = len(sim.created())
    kids_before = child_keys(page, key)
    click()
    page.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel).length > n",
        arg=[f'.yc-card[data-key="{key}"] > .yc-children > .yc-card', len(kids_before)],
        timeout=JOB_TIMEOUT,
    )
    new = [k for k in child_keys(page, key) if k not in kids_before]
    assert len(new) == 1, f"one click made {len(new)} child cards"
    child = new[0]
    expect(card(page, child)).to_have_attribute("data-status", "finished", timeout=JOB_TIMEOUT)
    created = sim.created()
    assert len(created) == jobs_before + 1, (
        f"one click, {len(created) - jobs_before} jobs: "
        f"{[c['endpoint'] for c in created[jobs_before:]]}"
    )
    assert created[-1]["endpoint"] == endpoint
    return child, created[-1]


def shot(page, shots, name, locator=None):
    """The page, or ``locator`` scrolled to the top of the notebook and clipped to the viewport
    (an element taller than the notebook's scroll area would come out mostly blank)."""
    path = str(shots / name)
    if locator is None:
        page.screenshot(path=path)
        return path
    locator.evaluate("(el) => el.scrollIntoView({block: 'start'})")
    box = locator.bounding_box()
    view = page.viewport_size
    top = max(box["y"], 0)
    height = min(box["y"] + box["height"], view["height"] - 30) - top  # above the status bar
    page.screenshot(
        path=path, clip={"x": box["x"], "y": top, "width": box["width"], "height": max(height, 1)}
    )
    return path


# -- the tests ----------------------------------------------------------------------------------


def test_grid_shows_four_loaded_images(nb_page, sim, shots):
    page = nb_page
    key = root_key(page, FOX_CELL)
    expect(card(page, key)).to_have_attribute("data-status", "finished", timeout=JOB_TIMEOUT)
    expect(card(page, key)).to_have_attribute("data-kind", "grid")
    wait_images(page, key, 4)
    made = sim.created()[page.jobs_before :]
    assert [c["endpoint"] for c in made] == ["diffusion"]
    assert FOX.split(" --")[0] in made[0]["body"]["text"]
    shot(page, shots, "01-grid.png", card(page, key))


def test_upscale_button_gives_a_single_image(nb_page, sim, shots):
    page = nb_page
    key = root_key(page, FOX_CELL)
    child, record = follow_up(
        page, sim, key, lambda: button(page, key, "upscale_standard", 0).click(), "upscale"
    )
    assert record["body"]["imageNo"] == 0
    expect(card(page, child)).to_have_attribute("data-kind", "single")
    wait_images(page, child, 1)
    # the grid and its upscaled child: the README's screenshot
    path = shot(page, shots, "02-upscaled-child.png", card(page, key))
    (ROOT / "docs").mkdir(exist_ok=True)
    shutil.copyfile(path, ROOT / "docs" / "screenshot.png")


def test_upscale_on_upscaled_image_is_disabled_with_reason(nb_page):
    page = nb_page
    key = root_key(page, FOX_CELL)
    child = child_keys(page, key)[0]
    btn = button(page, child, "upscale_standard", 0)
    expect(btn).to_be_disabled()
    title = btn.get_attribute("title")
    assert "already upscaled" in title, title
    # the other buttons on an upscaled image stay usable
    expect(button(page, child, "vary_subtle", 0)).to_be_enabled()


def test_pan_arrow_gives_a_child_card(nb_page, sim):
    page = nb_page
    key = root_key(page, FOX_CELL)
    child, record = follow_up(
        page, sim, key, lambda: button(page, key, "pan_right", 1).click(), "pan"
    )
    assert record["body"]["imageNo"] == 1
    wait_images(page, child, len(page.query_selector_all(thumbs_sel(child))) or 1)


def test_vary_region_drawing_gives_an_inpaint_job(nb_page, sim, shots):
    page = nb_page
    key = root_key(page, FOX_CELL)

    def draw_and_submit():
        button(page, key, "inpaint", 2).click()
        canvas = page.locator(".yc-region-overlay canvas.yc-region-canvas")
        expect(canvas).to_be_visible()
        box = canvas.bounding_box()
        page.mouse.move(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.25)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.7, steps=8)
        page.mouse.up()
        expect(page.locator(".yc-region-overlay .yc-shape")).to_have_count(1)
        shot(page, shots, "04-vary-region-editor.png")
        submit = page.locator('.yc-region-overlay [data-action="inpaint_submit"]')
        expect(submit).to_be_enabled()
        submit.click()
        expect(page.locator(".yc-region-overlay")).to_have_count(0, timeout=JOB_TIMEOUT)

    _child, record = follow_up(page, sim, key, draw_and_submit, "inpaint")
    assert record["body"]["imageNo"] == 2
    areas = record["body"]["mask"]["areas"]
    assert len(areas) == 1 and len(areas[0]["points"]) == 8


def test_remix_with_edited_prompt_gives_a_remix_job(nb_page, sim, shots):
    page = nb_page
    key = root_key(page, FOX_CELL)

    def remix():
        button(page, key, "remix", 3).click()
        area = card(page, key).locator(":scope > .yc-body .yc-remix-text")
        expect(area).to_be_visible()
        assert "red fox" in area.input_value()
        area.fill(REMIXED)
        card(page, key).locator(':scope > .yc-body [data-action="remix_submit"]').click()

    child, record = follow_up(page, sim, key, remix, "remix")
    assert record["body"]["imageNo"] == 3
    assert "blue fox under the northern lights" in record["body"]["remixPrompt"]
    wait_images(page, child, 4)
    shot(page, shots, "05-remix-child.png", card(page, child))


def test_animate_gives_a_video_that_plays(nb_page, sim, shots):
    page = nb_page
    key = root_key(page, FOX_CELL)
    child, _record = follow_up(
        page, sim, key, lambda: button(page, key, "animate_low", 0).click(), "video_diffusion"
    )
    expect(card(page, child)).to_have_attribute("data-kind", "video")
    sel = f'.yc-card[data-key="{child}"] video.yc-video'
    page.locator(sel).first.scroll_into_view_if_needed()
    page.wait_for_function(
        "(sel) => { const v = document.querySelector(sel); "
        "return !!v && v.readyState >= 2 && v.duration > 0; }",
        arg=sel,
        timeout=JOB_TIMEOUT,
    )
    # autoplay (muted) should already run; play() is a no-op then
    page.evaluate("(sel) => document.querySelector(sel).play()", sel)
    t0 = page.evaluate("(sel) => document.querySelector(sel).currentTime", sel)
    page.wait_for_function(
        "([sel, t0]) => { const v = document.querySelector(sel); "
        "return !v.paused && Math.abs(v.currentTime - t0) > 0.25; }",
        arg=[sel, t0],
        timeout=15_000,
    )
    shot(page, shots, "06-video.png", card(page, child))


def test_sensitive_word_shows_the_refusal(nb_page, sim, shots):
    page = nb_page
    key = root_key(page, REFUSED_CELL)
    refused = card(page, key)
    expect(refused).to_have_attribute("data-status", "refused", timeout=JOB_TIMEOUT)
    expect(refused.locator(".yc-message")).to_contain_text("not allowed")
    expect(refused.locator(".yc-status")).to_have_text("Refused")
    assert not [c for c in sim.created() if "forbidden" in c["body"].get("text", "")]
    shot(page, shots, "07-refusal.png", cell(page, REFUSED_CELL))


def test_failed_job_shows_its_reason(nb_page, sim, shots):
    from youchuan_nb.contract.errors import COMMENTS

    page = nb_page
    n_cells = cell(page, 0).locator("xpath=..").locator(":scope > .jp-Cell").count()
    sim.fail_jobs(FAIL_COMMENT)
    try:
        page.evaluate(
            """async (src) => {
          const app = window.jupyterapp; const nb = app.shell.currentWidget.content;
          nb.activeCellIndex = nb.widgets.length - 1;
          await app.commands.execute('notebook:insert-cell-below');
          nb.activeCell.model.sharedModel.setSource(src);
          await app.commands.execute('notebook:run-cell');
        }""",
            "%%imagine\na fox that the service fails --ar 1:1 --v 7",
        )
        key = root_key(page, n_cells)
        failed = card(page, key)
        expect(failed).to_have_attribute("data-status", "failed", timeout=JOB_TIMEOUT)
    finally:
        sim.faults_off()
    expect(failed.locator(".yc-message")).to_contain_text(COMMENTS[FAIL_COMMENT][0])
    expect(failed.locator(".yc-status")).to_have_text("Failed")
    shot(page, shots, "08-failed.png", cell(page, n_cells))


def test_saved_notebook_shows_results_after_kernel_restart(nb_page, lab, shots, helpers):
    page = nb_page
    # let every card settle (its saved output is refreshed when the tree has settled)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.yc-card')].every((c) => "
        "['finished', 'failed', 'refused', 'unknown'].includes(c.dataset.status))",
        timeout=JOB_TIMEOUT,
    )
    page.evaluate("window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_function(
        "() => { const w = window.jupyterapp.shell.currentWidget; "
        "return w && w.context && !w.context.model.dirty; }"
    )
    page.evaluate("window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.restart()")
    page.wait_for_function(
        """() => { const w = window.jupyterapp.shell.currentWidget;
      const k = w.sessionContext.session && w.sessionContext.session.kernel;
      return !!k && k.status === 'idle'; }""",
        timeout=90_000,
    )
    helpers.open_notebook(page, f"{lab.url}/lab/tree/quickstart.ipynb")
    out = cell(page, FOX_CELL).locator(".jp-OutputArea")
    expect(out).to_be_visible()
    out.scroll_into_view_if_needed()
    # the fox grid's 4 images: the live widget (saved state) or the static text/html fallback
    try:
        _wait_four_images_after_reload(page)
    except Exception:
        shot(page, shots, "09-after-restart-FAILED.png")
        raise
    shot(page, shots, "09-after-restart.png", cell(page, FOX_CELL).locator(".jp-OutputArea"))


def _wait_four_images_after_reload(page):
    page.wait_for_function(
        """() => { const cells = document.querySelectorAll('.jp-Notebook .jp-Cell');
          const imgs = [...cells[CELL].querySelectorAll('.jp-OutputArea img')]
            .filter((i) => i.complete && i.naturalWidth > 0 && i.getBoundingClientRect().width > 0);
          return imgs.length >= 4; }""".replace("CELL", str(FOX_CELL)),
        timeout=15_000,
    )


def test_no_uncaught_errors_in_the_page(nb_page):
    assert nb_page.errors == []
