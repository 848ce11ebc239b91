"""Issue 12 in a real browser: the card in Chinese and English, a grid with its actions inside
1280x800, actions revealed by hover / keyboard focus / tap, "pay again?", folding, Retry.

The states are made by real JobCards on the simulator, once in each language (the harness and
its helpers are test_card_js.py's); docs/card-en.png and docs/card-zh.png are taken here.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from test_card_js import b64_thumbs, btn, chromium, over, sent, server_url, set_state, wait_thumbs

from youchuan_nb import i18n
from youchuan_nb.client import Client

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")
__all__ = ["chromium", "server_url"]  # fixtures used here

DOCS = Path(__file__).resolve().parents[2] / "docs"
PROMPTS = {"zh": "黄昏时海边的灯塔 --ar 3:2 --v 7", "en": "a lighthouse at dusk --ar 3:2 --v 7"}
# What may stay Latin in the Chinese card: model names, flags, ids, units, the service's names
ALLOWED_LATIN = {"HTTP", "Msg_Sensitive", "MP4", "Esc", "ID", "youchuan", "job", "id", "draft"}
# JupyterLab around an output at 1280x800 (menu, toolbar, tab bar, the cell's input and prompt)
LAB_CHROME = "#mount { width: 1130px; margin: 150px 0 0 70px; }"


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """Per language: a finished grid with a used upscale (its child), a running snapshot, a
    failed job and a refused one, from real JobCards on the simulator."""
    from youchuan_nb.notebook import JobCard
    from youchuan_nb.notebook._session import Session, Settings
    from youchuan_nb.sim import Faults, Simulator

    out: dict = {}
    tmp = tmp_path_factory.mktemp("ux")
    with pytest.MonkeyPatch.context() as mp, Simulator(job_seconds=0.3) as sim:
        mp.delenv("YOUCHUAN_NB_LANG", raising=False)  # set_language decides here
        client = Client.for_service(
            sim, poll_interval=0.05, store=tmp / "j.sqlite3", cache_dir=tmp / "media"
        )
        session = Session(client=client, settings=Settings(thumbnail_size=256))
        try:
            for lang in ("en", "zh"):
                i18n.set_language(lang)
                running: list[dict] = []
                tree = JobCard.imagine(PROMPTS[lang], session)
                tree.observe(
                    lambda ch, r=running: r.extend(
                        c for c in ch["new"][:1] if c["status"] == "running"
                    ),
                    names=["cards"],
                )
                tree.wait(60)
                key = tree.cards[0]["key"]
                tree.perform(key, "upscale", 1, {"type": "standard"})
                tree.wait(60)
                sim.faults = Faults(seed=1, fail=1.0, on_submit=False, on_poll=False)
                sim.comment_style = "zh"  # the service's own Chinese comment: 失败
                failed = JobCard.imagine("a storm at sea --v 7", session).wait(60)
                sim.faults, sim.comment_style = None, "enum"
                refused = JobCard.imagine("a forbidden thing --v 7", session).wait(60)
                assert running, "the grid never showed as running"
                out[lang] = {
                    "strings": dict(tree.strings),
                    "tree": list(tree.cards),
                    "thumbs": b64_thumbs(tree.thumbs),
                    "running": running[0],
                    "failed": failed.cards[0],
                    "refused": refused.cards[0],
                }
        finally:
            i18n.set_language(None)
            client.store.close()
    return out


@pytest.fixture
def page(chromium, server_url):
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, has_touch=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server_url)
    pg = context.new_page()
    problems: list[str] = []
    pg.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    pg.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    pg.goto(f"{server_url}/tests/notebook/card_harness.html")
    pg.wait_for_function("window.harnessReady === true", timeout=5000)
    pg.set_default_timeout(8000)
    pg.add_style_tag(content=LAB_CHROME)
    yield pg
    context.close()
    assert not problems, problems


def show(page, m: dict, *cards: dict) -> None:
    set_state(page, strings=m["strings"], cards=list(cards), thumbs=m["thumbs"])


def opacity(page, key: str, index: int) -> list[str]:
    sel = f'.yc-card[data-key="{key}"] .yc-tile[data-index="{index}"] .yc-overlay-bar'
    return page.eval_on_selector_all(sel, "els => els.map((e) => getComputedStyle(e).opacity)")


def all_text(page) -> str:
    """Everything a user can read or hear: rendered text, tooltips, labels, placeholders."""
    return page.evaluate("""() => {
      const root = document.querySelector('.yc-root');
      const names = ['title', 'aria-label', 'placeholder', 'alt'];
      const attrs = [...root.querySelectorAll('[title], [aria-label], [placeholder], img[alt]')]
        .flatMap((e) => names.map((a) => e.getAttribute(a) || ''));
      return [root.innerText, root.textContent, ...attrs].join('\\n');
    }""")


def test_the_chinese_card_has_no_english_left(page, made):
    m = made["zh"]
    grid, up = m["tree"]
    assert up["parent_key"] == grid["key"] and grid["used"]
    run = over(
        m["running"], key="run", parent_key=grid["key"], started=time.time() - 3, expected=30.0
    )
    show(page, m, grid, up, run, m["failed"], m["refused"])
    wait_thumbs(page, grid["key"], 4)
    # open what only shows on use: the "pay again?" question, the remix editor, a hover
    page.click(btn(grid["key"], "upscale_standard", 1))
    page.locator(".yc-confirm").wait_for()
    page.click(btn(grid["key"], "remix", 0))
    page.hover(f'.yc-card[data-key="{grid["key"]}"] .yc-tile[data-index="2"]')
    page.screenshot(path="/tmp/card-zh-states.png", full_page=True)  # to look at
    text = all_text(page)
    assert "已完成" in text and "失败" in text and "被拒绝" in text and "生成中" in text
    assert "再做一次" in text  # the confirmation, in Chinese
    # the service's Chinese comment is told as Chinese, never "The job failed: 失败"
    assert (
        page.locator(f'.yc-card[data-key="{m["failed"]["key"]}"] .yc-message')
        .inner_text()
        .startswith("任务失败")
    )
    # the refusal: plain words first, then the status and reason once, as a detail
    refusal = page.locator(f'.yc-card[data-key="{m["refused"]["key"]}"] .yc-message')
    assert refusal.inner_text().startswith("服务拒绝了请求")
    assert refusal.locator(".yc-detail").inner_text() == "HTTP 403 Msg_Sensitive"
    assert refusal.inner_text().count("403") == 1
    ids = [c["job_id"] for c in (grid, up, m["failed"])]
    prompts = [c["prompt"] for c in (grid, m["failed"], m["refused"])]  # the user's own text
    for allowed in [*ids, *[i[:8] for i in ids], *prompts, *grid["chips"], *m["failed"]["chips"]]:
        text = text.replace(allowed, " ")
    text = re.sub(r"--[a-z]+", " ", text)  # a flag such as --new is code, not English
    words = set(re.findall(r"[A-Za-z][A-Za-z_]+", text))
    models = {w for w in words if re.fullmatch(r"v\d+", w)}
    hex_ids = {w for w in words if re.fullmatch(r"[0-9a-f]{6,}", w)}
    left = words - ALLOWED_LATIN - models - hex_ids - {"p"}  # "1080p"
    assert not left, f"English left in the Chinese card: {sorted(left)}"


def test_the_english_card_is_english(page, made):
    m = made["en"]
    grid, up = m["tree"]
    show(page, m, grid, up, m["failed"])
    wait_thumbs(page, grid["key"], 4)
    text = all_text(page)
    assert "Finished" in text and "Upscale (subtle)" in text and "Retry" in text
    failed = page.locator(f'.yc-card[data-key="{m["failed"]["key"]}"] .yc-message').inner_text()
    assert failed.startswith("The job failed") and "失败" not in failed
    assert not re.search(r"[\u4e00-\u9fff]", text.replace("失败", "")), (
        "Chinese in the English card"
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", [1130, 848], ids=["browser-closed", "file-browser-open"])
def test_a_finished_grid_with_its_actions_fits_1280x800(page, made, lang, width):
    """The notebook's output is 1130 px wide at 1280 (848 with JupyterLab's file browser open,
    as measured in JupyterLab 4)."""
    m = made[lang]
    grid = m["tree"][0]
    page.add_style_tag(content=f"#mount {{ width: {width}px; }}")
    show(page, m, grid)
    wait_thumbs(page, grid["key"], 4)
    tile = f'.yc-card[data-key="{grid["key"]}"] .yc-tile[data-index="3"]'
    page.hover(tile)
    assert opacity(page, grid["key"], 3) == ["1", "1"]
    card = page.locator(f'.yc-card[data-key="{grid["key"]}"]').bounding_box()
    mount = page.locator("#mount").bounding_box()
    assert card["y"] + card["height"] <= 800 and card["x"] + card["width"] <= 1280, card
    assert card["width"] >= mount["width"] - 2  # the output's full width
    frame = page.locator(f"{tile} .yc-frame").bounding_box()
    buttons = page.locator(f"{tile} .yc-overlay-bar .yc-btn")
    assert buttons.count() >= 14
    for i in range(buttons.count()):
        b = buttons.nth(i).bounding_box()
        assert frame["x"] - 1 <= b["x"] and b["x"] + b["width"] <= frame["x"] + frame["width"] + 1
        assert frame["y"] - 1 <= b["y"] and b["y"] + b["height"] <= frame["y"] + frame["height"] + 1
        assert b["y"] + b["height"] <= 800
    # the bands leave the middle of the image free (and clickable: it opens the full size)
    top, bottom = (page.locator(f"{tile} .yc-bar-{s}").bounding_box() for s in ("top", "bottom"))
    assert top["y"] + top["height"] < frame["y"] + frame["height"] / 2 < bottom["y"]


def test_hover_keyboard_focus_and_tap_reveal_the_actions(page, made):
    m = made["en"]
    grid = m["tree"][0]
    k = grid["key"]
    show(page, m, grid)
    wait_thumbs(page, k, 4)
    page.mouse.move(5, 5)
    assert opacity(page, k, 0) == ["0", "0"] and opacity(page, k, 1) == ["0", "0"]
    page.hover(f'.yc-card[data-key="{k}"] .yc-tile[data-index="1"]')
    assert opacity(page, k, 1) == ["1", "1"] and opacity(page, k, 0) == ["0", "0"]
    page.mouse.move(5, 5)
    # keyboard: Tab onto the image, then on into its actions
    page.focus(f'.yc-card[data-key="{k}"] [data-action="view_full"][data-index="2"]')
    assert opacity(page, k, 2) == ["1", "1"] and opacity(page, k, 1) == ["0", "0"]
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "[document.activeElement.dataset.action, document.activeElement.dataset.index]"
    )
    assert focused == ["upscale_standard", "2"]
    assert opacity(page, k, 2) == ["1", "1"]
    # disabled actions stay reachable and say why
    enhance = page.locator(btn(k, "enhance", 2))
    assert enhance.get_attribute("aria-disabled") == "true"
    assert grid["actions"]["enhance"] in enhance.get_attribute("aria-label")
    assert enhance.get_attribute("title") == grid["actions"]["enhance"]
    page.evaluate("document.activeElement.blur()")
    # a tap shows the actions of that image, and neither presses a button nor opens the image
    page.tap(f'.yc-card[data-key="{k}"] .yc-tile[data-index="0"] .yc-thumb-btn')
    page.mouse.move(5, 5)
    page.wait_for_function(
        "k => document.querySelector(`.yc-card[data-key='${k}'] .yc-tile[data-index='0']`)"
        ".classList.contains('yc-open')",
        arg=k,
    )
    assert opacity(page, k, 0) == ["1", "1"]
    assert page.locator(".yc-overlay").count() == 0 and sent(page) == []


def test_a_used_action_asks_before_paying_again(page, made):
    m = made["en"]
    grid = m["tree"][0]
    k = grid["key"]
    assert grid["used"] == [{"action": "upscale", "index": 1, "params": {"type": "standard"}}]
    show(page, m, grid)
    used = page.locator(btn(k, "upscale_standard", 1))
    assert used.get_attribute("data-used") == "true" and "already" in used.get_attribute("title")
    assert page.locator(btn(k, "upscale_standard", 0)).get_attribute("data-used") is None
    assert page.locator(btn(k, "upscale_creative", 1)).get_attribute("data-used") is None
    used.click()
    confirm = page.locator(f'.yc-card[data-key="{k}"] .yc-tile[data-index="1"] .yc-confirm')
    assert "image 2" in confirm.inner_text() and "pay again" in confirm.inner_text()
    page.click('[data-action="confirm_no"]')
    assert confirm.count() == 0 and sent(page) == []  # cancel sends nothing
    used.click()
    page.click('[data-action="confirm_yes"]')
    msgs = sent(page)
    assert [(x["action"], x["index"], x["params"]) for x in msgs] == [
        ("upscale", 1, {"type": "standard"})
    ]
    # an action not used yet goes at once
    page.click(btn(k, "vary_subtle", 1))
    assert len(sent(page)) == 2 and page.locator(".yc-confirm").count() == 0


def test_follow_ups_fold_and_unfold_and_the_newest_stays_in_view(page, made):
    m = made["en"]
    g = m["tree"][0]
    kids = [over(m["tree"][1], key=f"c{i}", parent_key=g["key"]) for i in range(8)]
    show(page, m, g, *kids)
    visible = lambda: page.eval_on_selector_all(  # noqa: E731
        f'.yc-card[data-key="{g["key"]}"] > .yc-children > .yc-card',
        "els => els.filter((e) => !e.hidden).map((e) => e.dataset.key)",
    )
    fold = page.locator(f'.yc-card[data-key="{g["key"]}"] > .yc-fold')
    assert visible() == ["c7"]  # more than 6: folded, the newest shown
    assert fold.inner_text() == "Show 7 earlier follow-ups"
    assert fold.get_attribute("aria-expanded") == "false"
    fold.click()
    assert (
        visible() == [f"c{i}" for i in range(8)] and fold.get_attribute("aria-expanded") == "true"
    )
    fold.click()
    assert visible() == ["c7"]
    # a new follow-up arrives while folded: it is the one in view
    show(page, m, g, *kids, over(m["tree"][1], key="c8", parent_key=g["key"]))
    assert visible() == ["c8"] and fold.inner_text() == "Show 8 earlier follow-ups"
    # a deep chain folds below depth 2 by default: a > b > c > (d, e)
    chain = [
        over(g, key="a", parent_key=None),
        over(g, key="b", parent_key="a"),
        over(g, key="c", parent_key="b"),
        over(g, key="d", parent_key="c"),
        over(g, key="e", parent_key="c"),
    ]
    show(page, m, *chain)
    assert page.locator('.yc-card[data-key="d"]').is_hidden()
    assert page.locator('.yc-card[data-key="e"]').is_visible()
    page.click('.yc-card[data-key="c"] > .yc-fold')
    assert page.locator('.yc-card[data-key="d"]').is_visible()


def test_a_failed_job_has_a_retry_button(page, made):
    m = made["en"]
    failed = m["failed"]
    assert failed["grid_actions"] == {"retry": ""}
    show(page, m, failed)
    retry = page.locator(btn(failed["key"], "retry"))
    assert retry.inner_text().endswith("Retry") and "again" in retry.get_attribute("title")
    retry.dblclick()
    msgs = sent(page)
    assert [(x["action"], x["index"], x["key"]) for x in msgs] == [("retry", None, failed["key"])]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_screenshot_for_the_readme(page, made, lang):
    """A grid hovered, and its upscale, at 1280x800: into /tmp, or into docs/ for the README
    with YOUCHUAN_NB_DOCS_SHOTS=1 (run with a CJK font, e.g. FONTCONFIG_FILE pointing at one)."""
    m = made[lang]
    grid, up = m["tree"]
    show(page, m, grid, up)
    wait_thumbs(page, grid["key"], 4)
    wait_thumbs(page, up["key"], 1)
    page.hover(f'.yc-card[data-key="{grid["key"]}"] .yc-tile[data-index="1"]')
    folder = DOCS if os.environ.get("YOUCHUAN_NB_DOCS_SHOTS") else Path("/tmp")
    path = folder / f"card-{lang}.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size > 20_000
