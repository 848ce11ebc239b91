"""Saved job cards always show: JupyterLab and Notebook 7, default settings, the lab extension.

One notebook with three grids (one of them with an upscaled child, for the lineage) is run once
against the simulator and saved. A reload while the kernel runs gives the live cards back. Then
the notebook goes through save -> shut the kernel down -> reopen cycles: three in JupyterLab (the
second with no kernel at all: starting one is refused) and three in Notebook 7. Every reopen must
show every card's images (loaded, naturalWidth > 0), the lineage and the "saved copy" note, and
never "Error displaying widget"; the saved file must keep every card's text/html copy and no card
widget state. The saved file is exported with ``jupyter nbconvert --to html`` and opened from
file:// with every other request aborted. Last, the same with JupyterLab's "save widget state"
on (and a plain slider, whose state must still be saved).

Tests run in file order and build on each other (one notebook, one page for the module: the
module's ``page`` fixture stands in for pytest-playwright's).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from bench._lab import save_notebook, shutdown_kernel

pytestmark = pytest.mark.browser

JOB_TIMEOUT = 60_000
NB = "saved_cards.ipynb"
CELLS = [
    "%load_ext youchuan_nb",
    "%%imagine --name fox\na red fox asleep in the snow --ar 1:1 --v 7",  # not test_lab's fox
    "%%imagine\nan owl on a birch branch at dusk --ar 1:1 --v 7",
    "%%imagine\na lighthouse on a cliff in a storm --ar 1:1 --v 7",
]
# code cell index -> images its card shows: a grid of 4 (+1 for the fox's upscaled child)
EXPECTED = {1: 5, 2: 4, 3: 4}
FOX_CELL = 1
CYCLES = 3
SLIDER = "import ipywidgets\nipywidgets.IntSlider(7)"

CELL_IMAGES = """(i) => { const cell = document.querySelectorAll('.jp-Notebook .jp-Cell')[i];
  if (!cell) return -1;
  return [...cell.querySelectorAll('.jp-OutputArea img')].filter((img) => img.complete
    && img.naturalWidth > 0 && img.getBoundingClientRect().width > 0).length; }"""

# the saved copies (text/html) in the notebook model hold every image: the card refreshed them
COPIES_READY = """(expected) => { const nb = window.jupyterapp.shell.currentWidget.content.model;
  return Object.entries(expected).every(([i, n]) => { const outs = nb.cells.get(+i).outputs;
    for (let k = 0; k < outs.length; k++) { let h = outs.get(k).data['text/html'];
      if (!h) continue; h = Array.isArray(h) ? h.join('') : h;
      return (h.match(/<img /g) || []).length === n; }
    return false; }); }"""

# the value of the IntSlider in the notebook's widget state as loaded from the file
SLIDER_STATE = """() => { const md = window.jupyterapp.shell.currentWidget.content.model
  .getMetadata('widgets') || {};
  const state = (md['application/vnd.jupyter.widget-state+json'] || {}).state || {};
  const s = Object.values(state).find((m) => m.model_name === 'IntSliderModel');
  return s ? s.state.value : null; }"""

# where "Error displaying widget" is on the page (for a failure's report)
WIDGET_ERRORS = """() => [...document.querySelectorAll('.jp-OutputArea-output')]
  .filter((el) => el.textContent.includes('Error displaying widget'))
  .map((el) => { const cell = el.closest('.jp-Cell');
    const cells = [...document.querySelectorAll('.jp-Notebook .jp-Cell')];
    return { cell: cells.indexOf(cell), classes: el.className,
      html: el.innerHTML.slice(0, 300) }; })"""


# -- helpers ------------------------------------------------------------------------------------


def _cell(page, i):
    return page.locator(".jp-Notebook .jp-Cell").nth(i)


def _wait_cards_shown(page, shots, name, copy=True):
    """Every card cell shows its images; no widget error; with ``copy``, the saved copy: its
    note and the first card's child (the lineage)."""
    try:
        expect(_cell(page, FOX_CELL).locator(".jp-OutputArea")).to_be_visible(timeout=60_000)
        for i, n in EXPECTED.items():
            _cell(page, i).scroll_into_view_if_needed()
            page.wait_for_function(f"(i) => ({CELL_IMAGES})(i) >= {n}", arg=i, timeout=20_000)
            assert page.evaluate(CELL_IMAGES, i) == n
        for i in EXPECTED:  # on no card (another widget's is the widget manager's business)
            assert _cell(page, i).get_by_text("Error displaying widget").count() == 0
            assert _cell(page, i).get_by_text("model not found").count() == 0
    except Exception:
        page.screenshot(path=str(shots / f"{name}-FAILED.png"))
        print("widget errors:", page.evaluate(WIDGET_ERRORS))
        raise
    if not copy:
        return
    fox = _cell(page, FOX_CELL).locator(".jp-OutputArea")
    # the saved copy: the note, the grid and, indented under it, its upscaled child
    expect(fox.locator(".yc-offline-note").first).to_contain_text("Saved copy")
    boxes = fox.locator(".yc-static > div[style*='border:1px solid #d0d7de']")
    expect(boxes).to_have_count(2)
    assert "margin:6px 0 6px 24px" in (boxes.nth(1).get_attribute("style") or "")
    assert "Upscale" in boxes.nth(1).inner_text()
    _cell(page, FOX_CELL).scroll_into_view_if_needed()
    page.screenshot(path=str(shots / f"{name}.png"))


def _save(page, lab):
    return save_notebook(page, lab.root / NB)


def _text(value):
    return "".join(value) if isinstance(value, list) else value


def _check_file(nb):
    """The saved file: every card's text/html copy with its images; no card widget state."""
    for i, n in EXPECTED.items():
        outs = nb["cells"][i]["outputs"]
        html = "".join(
            _text(o["data"]["text/html"]) for o in outs if "text/html" in o.get("data", {})
        )
        assert html.count("<img ") == n, (i, html[:300])
    state = (
        nb["metadata"]
        .get("widgets", {})
        .get("application/vnd.jupyter.widget-state+json", {})
        .get("state", {})
    )
    cards = [
        k
        for k, v in state.items()
        if str(v.get("state", {}).get("_anywidget_id", "")).startswith("youchuan_nb.")
    ]
    assert not cards, "card widget state saved"


def _reopen(page, url, kernel=True):
    if "/lab/" in url and "?" not in url:
        # a fresh workspace: the session's JupyterLab may restore another module's notebook as
        # the current one (the server keeps the layout between test modules)
        url += "?reset"
    if kernel:
        page.goto(url)
        page.wait_for_function(
            "() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
            " const k = w && w.sessionContext && w.sessionContext.session"
            " && w.sessionContext.session.kernel; return !!k && k.status === 'idle'; }",
            timeout=90_000,
        )
    else:
        page.goto(url)
        page.wait_for_function(
            "() => !!(window.jupyterapp && window.jupyterapp.shell"
            ".currentWidget && window.jupyterapp.shell.currentWidget.context"
            " && window.jupyterapp.shell.currentWidget.context.isReady)",
            timeout=90_000,
        )


def _export(lab, src, name):
    out = lab.root / name
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_"))}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyter",
            "nbconvert",
            "--to",
            "html",
            "--output",
            out.stem,
            "--output-dir",
            str(lab.root),
            str(src),
        ],
        check=True,
        capture_output=True,
        env=env,
        timeout=120,
    )
    return out


def _open_offline(browser, browser_context_args, path, shots, name):
    """``path`` from file:// with every other request aborted; returns loaded image count."""
    context = browser.new_context(**browser_context_args)
    blocked: list[str] = []

    def route(r):
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    try:
        page = context.new_page()
        page.goto(path.as_uri())
        total = sum(EXPECTED.values())
        try:
            page.wait_for_function(
                "(n) => [...document.querySelectorAll('img')].filter((i) => i.complete"
                " && i.naturalWidth > 0).length >= n",
                arg=total,
                timeout=15_000,
            )
        finally:
            page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
        expect(page.locator(".yc-offline-note").first).to_contain_text("Saved copy")
        return page.evaluate(
            "() => [...document.querySelectorAll('img')].filter((i) =>"
            " i.complete && i.naturalWidth > 0).length"
        ), blocked
    finally:
        context.close()


# -- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def page(lab, browser, browser_context_args, helpers):
    helpers.write_notebook(lab.root / NB, CELLS)
    page = helpers.new_page(browser, browser_context_args)
    helpers.open_notebook(page, f"{lab.url}/lab/tree/{NB}?reset")  # see _reopen
    yield page
    page.context.close()


# -- the tests ----------------------------------------------------------------------------------


def test_run_cards_then_save(page, lab, helpers, sim):
    helpers.run_all(page)
    cards = page.locator(".yc-list > .yc-card")
    expect(cards).to_have_count(3, timeout=JOB_TIMEOUT)
    for i in range(3):
        expect(cards.nth(i)).to_have_attribute("data-status", "finished", timeout=JOB_TIMEOUT)
    fox = cards.first.get_attribute("data-key")
    btn = page.locator(
        f'.yc-card[data-key="{fox}"] > .yc-body [data-action="upscale_standard"][data-index="0"]'
    )
    btn.click()
    child = page.locator(f'.yc-card[data-key="{fox}"] > .yc-children > .yc-card')
    expect(child).to_have_count(1, timeout=JOB_TIMEOUT)
    expect(child).to_have_attribute("data-status", "finished", timeout=JOB_TIMEOUT)
    # the live cards are the widget, not the copy
    assert page.locator(".yc-saved-copy:visible").count() == 0
    page.wait_for_function(
        COPIES_READY, arg={str(k): v for k, v in EXPECTED.items()}, timeout=JOB_TIMEOUT
    )
    _check_file(_save(page, lab))


def test_reload_with_the_kernel_running_gives_live_cards(page, lab):
    """The page reloaded while the kernel still runs: the saved copies (shown at once) give way
    to the live widgets once the widget manager has the kernel's models."""
    _reopen(page, f"{lab.url}/lab/tree/{NB}")
    live = page.locator('.yc-saved-widget[data-yc-mode="live"] .yc-list > .yc-card')
    expect(live).to_have_count(3, timeout=JOB_TIMEOUT)
    for i in range(3):
        expect(live.nth(i)).to_have_attribute("data-status", "finished")
    expect(page.locator('.yc-saved-widget[data-yc-mode="copy"]')).to_have_count(0)
    assert page.locator(".yc-saved-copy:visible").count() == 0


def test_kernel_shutdown_keeps_the_cards(page, shots):
    shutdown_kernel(page)
    _wait_cards_shown(page, shots, "saved-00-kernel-gone", copy=False)


@pytest.mark.parametrize("cycle", range(1, CYCLES + 1))
def test_jupyterlab_reopen_cycle(page, lab, shots, cycle):
    url = f"{lab.url}/lab/tree/{NB}"
    if cycle == 2:
        # no kernel at all: starting one is refused, the widget manager never comes
        page.route(
            "**/api/sessions**",
            lambda r: r.abort() if r.request.method == "POST" else r.continue_(),
        )
        try:
            _reopen(page, url, kernel=False)
            _wait_cards_shown(page, shots, f"saved-lab-{cycle}-no-kernel")
            nb = _save(page, lab)
        finally:
            page.unroute("**/api/sessions**")
    else:
        _reopen(page, url)
        _wait_cards_shown(page, shots, f"saved-lab-{cycle}")
        nb = _save(page, lab)
        shutdown_kernel(page)
    _check_file(nb)


@pytest.mark.parametrize("cycle", range(1, CYCLES + 1))
def test_notebook7_reopen_cycle(page, lab, shots, cycle):
    _reopen(page, f"{lab.url}/notebooks/{NB}")
    assert page.evaluate("window.jupyterapp.name") == "Jupyter Notebook"
    _wait_cards_shown(page, shots, f"saved-nb7-{cycle}")
    nb = _save(page, lab)
    shutdown_kernel(page)
    _check_file(nb)


def test_nbconvert_html_shows_every_card_offline(lab, browser, browser_context_args, shots):
    html = _export(lab, lab.root / NB, "saved_cards_export.html")
    n, _ = _open_offline(browser, browser_context_args, html, shots, "saved-export-offline")
    assert n == sum(EXPECTED.values())


def test_with_save_widget_state_on(page, lab, helpers, browser, browser_context_args, shots):
    """ "Save widget state" on: the cards' state stays out of the file; reopen and export work."""
    toggle = "@jupyter-widgets/jupyterlab-manager:saveWidgetState"
    _reopen(page, f"{lab.url}/lab/tree/{NB}")
    # turn it on (a user's own settings may have it on already)
    page.evaluate(
        f"() => {{ const c = window.jupyterapp.commands; "
        f"if (!c.isToggled('{toggle}')) return c.execute('{toggle}'); }}"
    )
    page.wait_for_function(f"() => window.jupyterapp.commands.isToggled('{toggle}')")
    try:
        helpers.run_all(page)
        cards = page.locator(".yc-list > .yc-card[data-status='finished']")
        expect(cards).to_have_count(3, timeout=JOB_TIMEOUT)
        # the same lineage as before: upscale the fox grid's first image again
        fox = page.locator(".yc-list > .yc-card").first.get_attribute("data-key")
        page.locator(
            f'.yc-card[data-key="{fox}"] > .yc-body '
            '[data-action="upscale_standard"][data-index="0"]'
        ).click()
        expect(
            page.locator(
                f'.yc-card[data-key="{fox}"] > .yc-children > .yc-card[data-status="finished"]'
            )
        ).to_have_count(1, timeout=JOB_TIMEOUT)
        # a plain widget too: its state must be saved (so the manager did write state)
        page.evaluate(
            """async (src) => {
              const app = window.jupyterapp; const nb = app.shell.currentWidget.content;
              nb.activeCellIndex = nb.widgets.length - 1;
              await app.commands.execute('notebook:insert-cell-below');
              nb.activeCell.model.sharedModel.setSource(src);
              await app.commands.execute('notebook:run-cell');
            }""",
            SLIDER,
        )
        expect(page.locator(".jp-Notebook .jp-Cell").last.locator(".widget-slider")).to_be_visible(
            timeout=JOB_TIMEOUT
        )
        page.wait_for_function(
            COPIES_READY, arg={str(k): v for k, v in EXPECTED.items()}, timeout=JOB_TIMEOUT
        )
        for step in ("saved", "reopened"):
            if step == "reopened":
                shutdown_kernel(page)
                _reopen(page, f"{lab.url}/lab/tree/{NB}")
                _wait_cards_shown(page, shots, "saved-lab-save-state")
                # the slider's state came back with the file. (Whether the widget manager then
                # renders it is its own race: its kernel-only restore on "connected" can mark it
                # restored before the notebook's state is loaded, and the slider then says
                # "model not found"; seen once in three full runs under load.)
                assert page.evaluate(SLIDER_STATE) == 7
            nb = _save(page, lab)
            _check_file(nb)
            state = nb["metadata"].get("widgets", {})
            state = state.get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
            names = [m["model_name"] for m in state.values()]
            assert "AnyModel" not in names, names
            if step == "saved":
                # (after a reopen the widget manager saves only models with a live comm: the
                # restored slider's state is gone then, as upstream does)
                assert "IntSliderModel" in names, names
        html = _export(lab, lab.root / NB, "saved_cards_state_export.html")
        n, _ = _open_offline(
            browser, browser_context_args, html, shots, "saved-export-state-offline"
        )
        assert n == sum(EXPECTED.values())
    finally:
        if page.evaluate(f"window.jupyterapp.commands.isToggled('{toggle}')"):
            page.evaluate(f"window.jupyterapp.commands.execute('{toggle}')")
        shutdown_kernel(page)


def test_no_uncaught_errors_from_the_extension(page):
    # JupyterLab and Notebook 7 themselves throw a few (the widget manager reads the kernel of a
    # notebook that has none; Notebook 7 pages miss filebrowser commands): none may be ours.
    ours = [e for e in page.errors if "youchuan-nb" in e or "yc-" in e]
    assert ours == [], "\n".join(ours)
