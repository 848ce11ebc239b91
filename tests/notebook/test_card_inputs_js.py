"""The card's input pictures (``CardState.inputs``) in a real Chromium (card_harness.html):
small thumbnails above the grid, made by the kernel as data: JPEGs; names are text only, and
anything but a data: JPEG is not shown (the browser fetches nothing)."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = '<img src=x onerror="window.__pwned=1">'


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server_url():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(ROOT)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def state(tmp_path, monkeypatch):
    """A card state projected from a node whose prompt names a local picture."""
    from PIL import Image

    from youchuan_nb.notebook._card_state import Node, card_state

    monkeypatch.chdir(tmp_path)
    Image.new("RGB", (120, 80), (20, 160, 220)).save(tmp_path / "photo.png")
    node = Node("k", action="diffusion", params={}, prompt="photo.png a cat --ar 3:2")
    return card_state(node, expected=None)


def test_input_pictures_show_above_the_grid(browser, server_url, state):
    assert [p["name"] for p in state["inputs"]] == ["photo.png"]
    page = browser.new_context().new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.goto(f"{server_url}/tests/notebook/card_harness.html")
    page.wait_for_function("window.harnessReady === true", timeout=5000)
    hostile = {"name": HOSTILE, "src": state["inputs"][0]["src"]}
    fetched = {"name": "remote.png", "src": "https://example.com/remote.png"}
    cards = [{**state, "inputs": [state["inputs"][0], hostile, fetched]}]
    page.evaluate("s => harness.setState(s)", {"cards": cards})
    pics = page.locator('.yc-card[data-key="k"] > .yc-inputs img.yc-input-pic')
    pics.first.wait_for()
    page.wait_for_function(
        "() => [...document.querySelectorAll('img.yc-input-pic')]"
        ".every((i) => i.complete && i.naturalWidth > 0)"
    )
    assert pics.count() == 2  # the https:// one is not shown: nothing is fetched
    assert pics.nth(0).get_attribute("title") == "photo.png"
    assert pics.nth(1).get_attribute("alt") == HOSTILE  # an attribute's text, never markup
    order = page.evaluate(
        """() => {
          const card = document.querySelector('.yc-card[data-key="k"]');
          const kids = [...card.children];
          return [kids.indexOf(card.querySelector('.yc-inputs')),
                  kids.indexOf(card.querySelector(':scope > .yc-body'))];
        }"""
    )
    assert 0 <= order[0] < order[1]  # above the grid
    height = page.evaluate("() => document.querySelector('img.yc-input-pic').offsetHeight")
    assert height == 48
    page.evaluate("s => harness.setState(s)", {"cards": [{**state, "inputs": []}]})
    assert page.locator("img.yc-input-pic").count() == 0
    assert page.evaluate("window.__pwned") is None
    assert not problems, problems
    page.context.close()
