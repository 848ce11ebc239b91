"""The archive in a real JupyterLab, driven by Chromium, against the simulator: it shows, it
searches, and it loads only the thumbnails of the rows on screen.

The notebook uses its own job store (a file in the notebook folder), so the thousands of records
it writes never reach the other browser tests' store. Every wait is on a condition in the page.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FAKE = 2000  # finished records whose outputs lead nowhere (a refused port on loopback)
HOSTILE = '<img src=x onerror="window.__pwned=1"> hostile'
SETUP = f"""
from pathlib import Path
from youchuan_nb import Archive, Client
from youchuan_nb.notebook import Session
here = Path.cwd()
client = Client(store=here / "archive-store.sqlite3", cache_dir=here / "archive-media")
session = Session(client=client)  # its client saves thumbnails as jobs finish
store = client.store
for i in range({FAKE}):
    text = f"old lantern {{i}} --ar 3:2"
    lid = store.record_submit(base_url="x", endpoint="diffusion", params={{"text": text}})
    store.record_accepted(lid, {{"id": f"old{{i:05d}}", "status": 0}})
    urls = [f"http://127.0.0.1:9/{{i}}/{{k}}.png" for k in range(4)]
    store.record_job({{"id": f"old{{i:05d}}", "status": 2, "urls": urls}})
lid = store.record_submit(base_url="x", endpoint="diffusion", params={{"text": {HOSTILE!r}}})
prompts = ("a grey heron at dawn", "a red fox in snow", "a moth on a lamp")
jobs = [client.diffusion(p).wait(60) for p in prompts]
for j in jobs:
    assert client.thumbnails.wait(j.id, 60)
print("READY", store.count())
"""
CELLS = ["%load_ext youchuan_nb", SETUP, "archive = Archive(session=session)\narchive"]

LOADED = """(n) => { const imgs = [...document.querySelectorAll('.yc-archive .yc-ar-tile img')];
  return imgs.filter((i) => i.complete && i.naturalWidth > 0).length >= n; }"""


@pytest.fixture(scope="module")
def page(lab, browser, browser_context_args, helpers):
    helpers.write_notebook(lab.root / "archive.ipynb", CELLS)
    pg = helpers.new_page(browser, browser_context_args)
    helpers.open_notebook(pg, f"{lab.url}/lab/tree/archive.ipynb")
    helpers.run_all(pg)
    yield pg
    pg.context.close()


def test_the_archive_shows_the_newest_jobs_with_their_thumbnails(page, shots):
    archive = page.locator(".yc-archive")
    expect(archive).to_be_visible(timeout=180_000)
    expect(page.locator(".yc-ar-count")).to_contain_text(f"60 / {FAKE + 4}", timeout=30_000)
    rows = page.locator(".yc-ar-row")
    expect(rows).to_have_count(60)  # one page in the DOM, not thousands
    expect(rows.first.locator(".yc-ar-prompt")).to_have_text("a moth on a lamp")
    expect(rows.first.locator(".yc-ar-op")).to_have_text("Imagine")
    page.wait_for_function(LOADED, arg=12, timeout=60_000)  # the 3 real jobs, 4 outputs each
    for i in range(3):
        expect(rows.nth(i).locator(".yc-ar-tile img")).to_have_count(4)
    requested = int(archive.get_attribute("data-thumbs-requested") or "0")
    loaded = int(archive.get_attribute("data-thumbs-loaded") or "0")
    # only rows on screen (the list is 640 px high, rows 100 px, plus a 200 px margin) asked
    assert 12 <= loaded <= requested <= 4 * 12, (loaded, requested)
    page.screenshot(path=str(shots / "archive.png"), full_page=False)
    assert not page.errors


def test_scrolling_loads_the_thumbnails_of_the_rows_that_come_into_view(page):
    archive = page.locator(".yc-archive")
    before = int(archive.get_attribute("data-thumbs-requested") or "0")
    page.locator(".yc-ar-list").evaluate("(el) => { el.scrollTop = 1500; }")
    page.wait_for_function(
        "(n) => +document.querySelector('.yc-archive').dataset.thumbsRequested > n", arg=before
    )
    after = int(archive.get_attribute("data-thumbs-requested") or "0")
    assert after - before <= 4 * 12  # again only a screenful
    page.locator(".yc-ar-list").evaluate("(el) => { el.scrollTop = el.scrollHeight; }")
    expect(page.locator(".yc-ar-row")).to_have_count(120, timeout=30_000)  # the next page


def test_searching_and_opening_a_job(page):
    search = page.locator(".yc-ar-search")
    search.fill("heron")
    rows = page.locator(".yc-ar-row")
    expect(rows).to_have_count(1, timeout=30_000)
    expect(rows.first.locator(".yc-ar-prompt")).to_have_text("a grey heron at dawn")
    expect(page.locator(".yc-ar-count")).to_contain_text("1 / 1")
    search.fill("lantern 1999")
    expect(rows).to_have_count(1, timeout=30_000)
    expect(rows.first.locator(".yc-ar-prompt")).to_have_text("old lantern 1999")
    expect(rows.first.locator(".yc-ar-chip")).to_have_text("--ar 3:2")
    search.fill("heron")
    expect(rows.first.locator(".yc-ar-prompt")).to_have_text("a grey heron at dawn", timeout=30_000)
    search.fill("hostile")  # text from a user reaches the page as text, never as HTML
    expect(rows.first.locator(".yc-ar-prompt")).to_have_text(HOSTILE, timeout=30_000)
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator(".yc-archive img[src='x']").count() == 0
    search.fill("heron")
    expect(rows).to_have_count(1, timeout=30_000)
    rows.first.locator(".yc-ar-open").click()
    card = page.locator(".yc-archive-box .yc-card")
    expect(card.first).to_be_visible(timeout=30_000)
    expect(card.first).to_contain_text("a grey heron at dawn")
    assert not page.errors


def test_a_job_made_while_the_archive_is_open_appears_and_finishes_live(page):
    search = page.locator(".yc-ar-search")
    search.fill("kingfisher")
    rows = page.locator(".yc-ar-row")
    expect(page.locator(".yc-ar-empty")).to_have_text("No job matches.", timeout=30_000)
    # run code in the kernel without a cell, as another cell of the notebook would
    page.evaluate("""() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel
      .requestExecute({ code: 'late = client.diffusion("a late kingfisher --ar 1:1")' })""")
    expect(rows).to_have_count(1, timeout=30_000)
    expect(rows.first.locator(".yc-ar-prompt")).to_have_text("a late kingfisher")
    expect(rows.first.locator(".yc-ar-state")).to_have_text("Finished", timeout=60_000)
    expect(rows.first.locator(".yc-ar-tile img")).to_have_count(4, timeout=60_000)
    assert not page.errors


def test_the_archive_speaks_chinese(page, shots):
    page.evaluate("""() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel
      .requestExecute({ code: '%config ImagineMagics.language = "zh"\\narchive.refresh()' })""")
    expect(page.locator(".yc-ar-search")).to_have_attribute("placeholder", "搜索提示词…")
    row = page.locator(".yc-ar-row").first
    expect(row.locator(".yc-ar-op")).to_have_text("生成")
    expect(row.locator(".yc-ar-state")).to_have_text("已完成")
    expect(page.locator(".yc-ar-open").first).to_have_text("打开卡片")
    page.locator(".yc-archive").screenshot(path=str(shots / "archive-zh.png"))
    page.evaluate("""() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel
      .requestExecute({ code: '%config ImagineMagics.language = ""' })""")
    assert not page.errors


NB7_CELLS = [
    "%load_ext youchuan_nb",
    """from pathlib import Path
from youchuan_nb import Archive, Client
from youchuan_nb.notebook import Session
here = Path.cwd()  # the store the JupyterLab notebook filled
client = Client(store=here / "archive-store.sqlite3", cache_dir=here / "archive-media")
archive = Archive(session=Session(client=client))
archive""",
]


def test_notebook7_shows_searches_and_opens_the_archive(
    page, lab, browser, browser_context_args, helpers, shots
):
    """The same archive in Notebook 7 (a second kernel on the same job store): its newest rows
    with their thumbnails, a search, and a job's card opened from it."""
    helpers.write_notebook(lab.root / "archive-nb7.ipynb", NB7_CELLS)
    nb7 = helpers.new_page(browser, browser_context_args)
    try:
        helpers.open_notebook(nb7, f"{lab.url}/notebooks/archive-nb7.ipynb")
        assert nb7.evaluate("window.jupyterapp.name") == "Jupyter Notebook"
        helpers.run_all(nb7)
        expect(nb7.locator(".yc-archive")).to_be_visible(timeout=120_000)
        rows = nb7.locator(".yc-ar-row")
        expect(rows).to_have_count(60, timeout=60_000)
        nb7.wait_for_function(LOADED, arg=12, timeout=60_000)
        nb7.locator(".yc-ar-search").fill("red fox")
        expect(rows).to_have_count(1, timeout=30_000)
        expect(rows.first.locator(".yc-ar-prompt")).to_have_text("a red fox in snow")
        expect(rows.first.locator(".yc-ar-tile img")).to_have_count(4)
        rows.first.locator(".yc-ar-open").click()
        card = nb7.locator(".yc-archive-box .yc-card").first
        expect(card).to_contain_text("a red fox in snow", timeout=30_000)
        expect(card.locator('> .yc-body [data-action="vary_subtle"]').first).to_be_enabled()
        nb7.screenshot(path=str(shots / "archive-nb7.png"))
        # Notebook 7 itself throws a couple at start-up (a settings schema, a file-browser command)
        ours = [e for e in nb7.errors if any(s in e for s in ("youchuan", "yc-", "blob:"))]
        assert not ours, ours
    finally:
        nb7.context.close()
