"""The job card's front end (static/card.js) in a real Chromium, on a fake anywidget model.

tests/notebook/card_harness.html mounts the widget on a fake model; ``window.harness`` lets a
test set traits, push custom messages (acks, media) and read what the widget sent. The page
and the static files are served over http from the repo root (module scripts don't load from
file://). Thumbnails and videos are real JPEG/MP4 bytes made with Pillow and PyAV.
"""

from __future__ import annotations

import base64
import functools
import io
import os
import tempfile
import threading
import time
from fractions import Fraction
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip("playwright.sync_api")
Image = pytest.importorskip("PIL.Image")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
HOSTILE = '<img src=x onerror="window.__pwned=1">'
SCREENSHOT = Path("/tmp/card_harness.png")
DARK_VARS = """body { --jp-layout-color0: #111111; --jp-layout-color1: #212121; --jp-layout-color2: #424242;
  --jp-ui-font-color0: #ffffff; --jp-ui-font-color1: rgba(255,255,255,.87);
  --jp-ui-font-color2: rgba(255,255,255,.54); --jp-border-color1: #616161;
  --jp-border-color2: #424242; --jp-brand-color1: #42a5f5; background: #111111; }"""


# -- media made on the spot ---------------------------------------------------------------------

def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def jpeg(size=(64, 64), color=(200, 80, 40), fmt="JPEG") -> str:
    """A small real image (a gradient, so it is not a flat colour) as base64."""
    from PIL import Image as PILImage

    w, h = size
    grad = PILImage.linear_gradient("L")
    img = PILImage.merge("RGB", [
        grad.resize((w, h)).point(lambda v: int(v * color[0] / 255)),
        grad.transpose(PILImage.Transpose.ROTATE_90).resize((w, h)).point(
            lambda v: int(v * color[1] / 255)),
        PILImage.new("L", (w, h), color[2]),
    ])
    buf = io.BytesIO()
    img.save(buf, fmt, quality=85)
    return b64(buf.getvalue())


def mp4(size=(64, 64), frames=24) -> str:
    """A real H.264/yuv420p MP4 (+faststart) as base64."""
    import av
    from PIL import Image as PILImage

    tmp = tempfile.NamedTemporaryFile(suffix=".mp4", delete=False)
    tmp.close()
    try:
        container = av.open(tmp.name, "w", format="mp4", options={"movflags": "+faststart"})
        stream = container.add_stream("libx264", rate=24)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.options = {"preset": "ultrafast", "crf": "30"}
        for i in range(frames):
            t = i / frames
            img = PILImage.new("RGB", size, (int(40 + 180 * t), 90, int(200 - 150 * t)))
            frame = av.VideoFrame.from_image(img).reformat(format="yuv420p")
            frame.pts = i
            frame.time_base = Fraction(1, 24)
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
        container.close()
        return b64(Path(tmp.name).read_bytes())
    finally:
        os.unlink(tmp.name)


def card(key="g", **over) -> dict:
    """A finished 4-image grid node; keyword arguments override fields."""
    base = {
        "key": key, "job_id": f"{key}1a2b3c4d-0000-4000-8000-000000000000", "parent_key": None,
        "label": "Imagine", "prompt": "a lighthouse at dusk", "chips": ["--ar 1:1", "--v 7"],
        "model": "v7", "status": "finished", "message": "", "started": time.time() - 40,
        "ended": time.time() - 2, "expected": 45.0, "kind": "grid",
        "outputs": [{"index": i, "rejected": False, "audit": "", "width": 1024, "height": 1024}
                    for i in range(4)],
        "actions": {"upscale_standard": "", "upscale_creative": "", "vary_subtle": "",
                    "vary_strong": "", "remix": "", "inpaint": "", "use": ""},
        "grid_actions": {"reroll": ""}, "extensions": 0, "max_extensions": 4,
    }
    base.update(over)
    return base


def thumbs_for(key, n=4, size=(64, 64)) -> dict:
    colors = [(220, 90, 60), (60, 160, 220), (90, 200, 120), (230, 190, 60)]
    return {f"{key}/{i}": jpeg(size, colors[i % 4]) for i in range(n)}


# -- fixtures -----------------------------------------------------------------------------------

class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


@pytest.fixture(scope="module")
def server_url():
    handler = functools.partial(_QuietHandler, directory=str(ROOT))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def chromium(browser):
    # pytest-playwright's session browser (Debian Chromium, see tests/conftest.py): a second
    # sync_playwright() in the same process would clash with its event loop
    return browser


@pytest.fixture
def card_page(chromium, server_url):
    context = chromium.new_context(viewport={"width": 900, "height": 1000})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server_url)
    pg = context.new_page()
    problems: list[str] = []
    pg.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    pg.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    pg.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    pg.goto(f"{server_url}/tests/notebook/card_harness.html")
    pg.wait_for_function("window.harnessReady === true", timeout=5000)
    pg.problems = problems
    yield pg
    context.close()
    assert not problems, problems


def set_state(page, **state):
    page.evaluate("s => harness.setState(s)", state)


def sent(page, type_="action"):
    return page.evaluate("t => harness.sentOfType(t)", type_)


def ack(page, message, ok=True, error=""):
    page.evaluate("m => harness.emitCustom(m)", {"type": "ack", "rid": message["rid"], "ok": ok,
                                                  "error": error})


def btn(key, action, index=None):
    sel = f'.yc-card[data-key="{key}"] [data-action="{action}"]'
    return sel + (f'[data-index="{index}"]' if index is not None else "")


def wait_thumbs(page, key, n):
    page.wait_for_function(
        """([key, n]) => {
          const imgs = [...document.querySelectorAll(`.yc-card[data-key="${key}"] > .yc-body .yc-thumb`)];
          return imgs.length === n && imgs.every((i) => i.complete && i.naturalWidth > 0);
        }""", arg=[key, n], timeout=5000)


# -- tests --------------------------------------------------------------------------------------

def test_grid_renders_four_real_thumbnails(card_page):
    page = card_page
    set_state(page, cards=[card("g")], thumbs=thumbs_for("g"))
    wait_thumbs(page, "g", 4)
    root = page.locator('.yc-root .yc-card[data-key="g"]')
    assert root.get_attribute("data-status") == "finished"
    assert root.get_attribute("data-kind") == "grid"
    assert root.locator(".yc-status").inner_text() == "Finished"
    assert root.locator(".yc-index").all_inner_texts() == ["1", "2", "3", "4"]
    assert page.locator(btn("g", "reroll")).count() == 1
    # one action bar per image, with the titles the brief asks for
    assert page.locator(btn("g", "upscale_standard")).count() == 4
    assert page.locator(btn("g", "upscale_creative", 2)).get_attribute("title") == "Upscale (creative)"
    assert page.locator(btn("g", "upscale_standard", 0)).inner_text() == "U"
    # no key in `actions` -> no button
    assert page.locator(btn("g", "enhance")).count() == 0
    assert page.locator(btn("g", "pan_left")).count() == 0


def test_placeholders_while_running_and_ticking_progress(card_page):
    page = card_page
    now = time.time()
    set_state(page, cards=[card("r", status="running", started=now - 5, ended=None, expected=10.0,
                                outputs=[], actions={}, grid_actions={})])
    c = page.locator('.yc-card[data-key="r"]')
    assert c.locator(".yc-skeleton").count() == 4
    assert c.locator(".yc-thumb").count() == 0
    page.wait_for_function("document.querySelector('.yc-elapsed').textContent !== ''")
    first = c.locator(".yc-elapsed").inner_text()
    assert first in ("5s", "6s")
    width = page.evaluate("parseFloat(document.querySelector('.yc-progress-fill').style.width)")
    assert 40 <= width <= 70
    page.wait_for_function("t => document.querySelector('.yc-elapsed').textContent !== t", arg=first,
                           timeout=2500)
    # unknown duration: indeterminate bar; ended: no bar and a frozen time
    set_state(page, cards=[card("r", status="running", started=now - 5, ended=None, expected=None,
                                outputs=[], actions={})])
    assert "yc-indeterminate" in c.locator(".yc-progress").get_attribute("class")
    set_state(page, cards=[card("r", status="failed", started=now - 65, ended=now - 3,
                                message="The job failed: bad luck. You can submit it again.",
                                outputs=[], actions={}, grid_actions={})])
    assert c.locator(".yc-progress").is_hidden()
    assert c.locator(".yc-elapsed").inner_text() == "1m 02s"
    assert c.locator(".yc-message").inner_text() == "The job failed: bad luck. You can submit it again."
    assert c.get_attribute("data-status") == "failed"


def test_disabled_actions_show_their_reason(card_page):
    page = card_page
    reason = "Creative upscale is not available for this model version."
    state = card("g", actions={"upscale_standard": "", "upscale_creative": reason},
                 grid_actions={"reroll": "The service has no slot free; try again in a minute."})
    set_state(page, cards=[state], thumbs=thumbs_for("g"), busy=["g/upscale/1"])
    creative = page.locator(btn("g", "upscale_creative", 0))
    assert creative.is_disabled()
    assert creative.get_attribute("title") == reason
    assert page.locator(btn("g", "upscale_standard", 0)).is_enabled()
    assert page.locator(btn("g", "reroll")).is_disabled()
    # the `busy` trait (Python's "<key>/<action>/<index>") disables the buttons of that action
    assert page.locator(btn("g", "upscale_standard", 1)).is_disabled()
    assert page.locator(btn("g", "upscale_standard", 1) + " .yc-spinner").count() == 1
    set_state(page, busy=[])
    assert page.locator(btn("g", "upscale_standard", 1)).is_enabled()


def test_double_click_sends_one_message_until_ack(card_page):
    page = card_page
    set_state(page, cards=[card("g")], thumbs=thumbs_for("g"))
    page.dblclick(btn("g", "vary_strong", 1))
    # a synchronous double click() on the same element, too
    page.evaluate(f"""() => {{ const b = document.querySelector('{btn("g", "upscale_standard", 3)}');
                     b.click(); b.click(); }}""")
    msgs = sent(page)
    assert [(m["action"], m["index"], m["params"]) for m in msgs] == [
        ("vary", 1, {"strong": True}), ("upscale", 3, {"type": "standard"})]
    assert msgs[0]["key"] == "g" and msgs[0]["rid"] != msgs[1]["rid"]
    vary = page.locator(btn("g", "vary_strong", 1))
    assert vary.is_disabled() and vary.locator(".yc-spinner").count() == 1
    page.click(btn("g", "vary_strong", 1), force=True)
    assert len(sent(page)) == 2
    ack(page, msgs[0])
    assert vary.is_enabled() and vary.locator(".yc-spinner").count() == 0
    page.click(btn("g", "vary_strong", 1))
    assert len(sent(page)) == 3
    # reroll: grid-level, index null
    page.click(btn("g", "reroll"))
    last = sent(page)[-1]
    assert (last["action"], last["index"], last["params"]) == ("reroll", None, {})


def test_ack_error_is_shown_as_text_and_dismissible(card_page):
    page = card_page
    set_state(page, cards=[card("g")], thumbs=thumbs_for("g"))
    page.click(btn("g", "upscale_standard", 0))
    error = "Out of fast hours. Switch to relax mode (--relax) or top up. <b>not bold</b>"
    ack(page, sent(page)[0], ok=False, error=error)
    err = page.locator('.yc-card[data-key="g"] .yc-error')
    assert err.count() == 1
    assert err.inner_text() == error
    assert page.locator(".yc-error b").count() == 0
    assert page.locator(btn("g", "upscale_standard", 0)).is_enabled()
    # survives a re-render, then goes away when dismissed
    set_state(page, cards=[card("g", label="Imagine (again)")])
    assert err.count() == 1
    page.click('.yc-card[data-key="g"] [data-action="dismiss_error"]')
    assert err.count() == 0


def test_use_copies_a_new_cell_and_says_so(card_page):
    page = card_page
    set_state(page, cards=[card("g")], thumbs=thumbs_for("g"))
    page.click(btn("g", "use", 1))
    msg = sent(page)[0]
    assert msg["action"] == "use" and msg["index"] == 1
    cell = "%%imagine\nhttps://cdn.example/1.png <b>a fox</b>"
    page.evaluate("m => harness.emitCustom(m)", {"type": "ack", "rid": msg["rid"], "ok": True,
                                                  "error": "", "copy": cell})
    note = page.locator('.yc-card[data-key="g"] .yc-note')
    note.wait_for()
    assert note.inner_text().endswith(cell) and page.locator(".yc-note b").count() == 0
    assert page.evaluate("() => navigator.clipboard.readText()") == cell


def test_hostile_text_is_rendered_literally(card_page):
    page = card_page
    grid = card("h", prompt=HOSTILE, label=HOSTILE, chips=[HOSTILE], job_id=HOSTILE, model=HOSTILE,
                outputs=[{"index": 0, "rejected": True, "audit": HOSTILE, "width": 64, "height": 64},
                         *[{"index": i, "rejected": False, "audit": "", "width": 64, "height": 64}
                           for i in (1, 2, 3)]])
    failed = card("f", parent_key="h", status="failed", message=HOSTILE, outputs=[], actions={},
                  grid_actions={}, label=HOSTILE)
    set_state(page, cards=[grid, failed], thumbs=thumbs_for("h"))
    page.click(btn("h", "vary_subtle", 2))
    ack(page, sent(page)[0], ok=False, error=HOSTILE)
    wait_thumbs(page, "h", 3)
    h = page.locator('.yc-card[data-key="h"]')
    assert h.locator(".yc-prompt").first.inner_text() == HOSTILE
    assert h.locator(".yc-label").first.inner_text() == HOSTILE
    assert h.locator(".yc-chip").first.inner_text() == HOSTILE
    assert h.locator(".yc-jobid").first.inner_text() == HOSTILE
    assert h.locator(".yc-rejected-text").inner_text() == f"Rejected by moderation: {HOSTILE}"
    assert h.locator('.yc-error').first.inner_text() == HOSTILE
    assert page.locator('.yc-card[data-key="f"] .yc-message').inner_text() == HOSTILE
    # the rejected tile has no actions, and the only <img> elements are the 3 real thumbnails
    assert page.locator(btn("h", "upscale_standard", 0)).count() == 0
    assert page.evaluate("document.querySelectorAll('img:not(.yc-thumb)').length") == 0
    assert page.locator("img.yc-thumb").count() == 3
    page.wait_for_timeout(100)
    assert page.evaluate("window.__pwned") is None


def test_remix_editor_prefilled_survives_rerender_and_submits(card_page):
    page = card_page
    set_state(page, cards=[card("g", prompt="a cat", chips=["--ar 16:9", "--v 7"])],
              thumbs=thumbs_for("g"))
    page.click(btn("g", "remix", 2))
    area = page.locator('.yc-card[data-key="g"] .yc-remix-editor[data-index="2"] textarea')
    assert area.input_value() == "a cat --ar 16:9 --v 7"
    assert page.locator(btn("g", "remix", 2)).get_attribute("aria-pressed") == "true"
    area.fill("a cat in a hat --ar 16:9 --v 7")
    area.focus()
    # a state change that rebuilds the card body keeps the editor, its text and the focus
    set_state(page, cards=[card("g", prompt="a cat", chips=["--ar 16:9", "--v 7"],
                                actions={**card()["actions"], "enhance": ""})],
              busy=["g/upscale/0"])
    assert page.locator(btn("g", "enhance", 2)).count() == 1
    assert area.input_value() == "a cat in a hat --ar 16:9 --v 7"
    assert page.evaluate("document.activeElement.classList.contains('yc-remix-text')")
    page.click('.yc-remix-editor [data-action="remix_mode_subtle"]')
    page.dblclick(btn("g", "remix_submit", 2))
    msgs = sent(page)
    assert len(msgs) == 1
    assert (msgs[0]["action"], msgs[0]["index"]) == ("remix", 2)
    assert msgs[0]["params"] == {"prompt": "a cat in a hat --ar 16:9 --v 7", "mode": "subtle"}
    # an error keeps the editor open and usable
    ack(page, msgs[0], ok=False, error="remix needs a prompt")
    assert area.count() == 1 and page.locator(btn("g", "remix_submit", 2)).is_enabled()
    page.click(btn("g", "remix_submit", 2))
    ack(page, sent(page)[-1])
    assert page.locator(".yc-remix-editor").count() == 0


def test_vary_region_rectangle_and_polygon_scaled_to_full_image(card_page):
    page = card_page
    W, H = 1456, 816
    outs = [{"index": i, "rejected": False, "audit": "", "width": W, "height": H} for i in range(4)]
    set_state(page, cards=[card("g", outputs=outs, chips=["--ar 16:9"])],
              thumbs=thumbs_for("g", size=(64, 36)))
    wait_thumbs(page, "g", 4)
    page.click(btn("g", "inpaint", 1))
    canvas = page.locator(".yc-overlay canvas.yc-region-canvas")
    canvas.wait_for()
    media = sent(page, "media")
    assert [(m["key"], m["index"]) for m in media] == [("g", 1)]
    # the thumbnail is shown until the full image arrives
    assert page.evaluate("document.querySelector('.yc-region-img').src.startsWith('blob:')")
    box = canvas.bounding_box()
    assert abs(box["width"] / box["height"] - W / H) < 0.02

    def at(fx, fy):
        return box["x"] + fx * box["width"], box["y"] + fy * box["height"]

    page.mouse.move(*at(0.25, 0.25))
    page.mouse.down()
    page.mouse.move(*at(0.5, 0.4), steps=4)
    page.mouse.move(*at(0.75, 0.5), steps=4)
    page.mouse.up()
    # polygon: three clicks, then a click on the first point closes it
    page.click('[data-action="inpaint_mode_polygon"]')
    for fx, fy in [(0.1, 0.6), (0.3, 0.9), (0.05, 0.9)]:
        page.mouse.click(*at(fx, fy))
    page.mouse.click(*at(0.1, 0.6))
    assert page.locator(".yc-shape").count() == 2
    # the full image arrives; a re-render of the cards meanwhile leaves the editor alone
    page.evaluate("([m, b]) => harness.emitCustom(m, [b])",
                  [{"type": "media", "rid": media[0]["rid"], "mime": "image/jpeg", "error": ""},
                   jpeg((W, H))])
    page.wait_for_function("document.querySelector('.yc-region-img').naturalWidth === 1456")
    set_state(page, cards=[card("g", outputs=outs, chips=["--ar 16:9"], label="Imagine!")])
    page.fill(".yc-overlay input.yc-input", "a red door")
    page.screenshot(path="/tmp/card_region.png")
    page.click('[data-action="inpaint_submit"]')
    msgs = sent(page)
    assert len(msgs) == 1 and (msgs[0]["action"], msgs[0]["index"]) == ("inpaint", 1)
    params = msgs[0]["params"]
    assert params["prompt"] == "a red door"
    rect, poly = params["shapes"]
    tol = 2 * W / box["width"]  # two CSS pixels, in image pixels
    assert rect["type"] == "rect"
    for got, want in [(rect["x"], W * 0.25), (rect["y"], H * 0.25), (rect["w"], W * 0.5),
                      (rect["h"], H * 0.25)]:
        assert abs(got - want) <= tol, (rect, W, H)
    assert poly["type"] == "polygon" and len(poly["points"]) == 6
    want = [W * 0.1, H * 0.6, W * 0.3, H * 0.9, W * 0.05, H * 0.9]
    assert all(abs(g - w) <= tol for g, w in zip(poly["points"], want)), poly
    ack(page, msgs[0])
    assert page.locator(".yc-overlay").count() == 0


def test_lightbox_shows_full_image_and_closes_on_escape(card_page):
    page = card_page
    set_state(page, cards=[card("g", outputs=[{"index": i, "rejected": False, "audit": "",
                                               "width": 320, "height": 320} for i in range(4)])],
              thumbs=thumbs_for("g"))
    wait_thumbs(page, "g", 4)
    page.click('.yc-card[data-key="g"] [data-action="view_full"][data-index="3"]')
    img = page.locator(".yc-lightbox-img")
    page.wait_for_function("document.querySelector('.yc-lightbox-img').naturalWidth === 64")
    req = sent(page, "media")
    assert [(m["key"], m["index"]) for m in req] == [("g", 3)]
    page.evaluate("([m, b]) => harness.emitCustom(m, [b])",
                  [{"type": "media", "rid": req[0]["rid"], "mime": "image/png", "error": ""},
                   jpeg((320, 320), fmt="PNG")])
    page.wait_for_function("document.querySelector('.yc-lightbox-img').naturalWidth === 320")
    page.keyboard.press("Escape")
    assert img.count() == 0
    # a second look uses the cached full image: no new request
    page.click('.yc-card[data-key="g"] [data-action="view_full"][data-index="3"]')
    page.wait_for_function("document.querySelector('.yc-lightbox-img').naturalWidth === 320")
    assert len(sent(page, "media")) == 1
    page.click(".yc-overlay")
    assert img.count() == 0


def test_video_card_plays_real_mp4_and_keeps_playing_across_rerenders(card_page):
    page = card_page
    vid = card("v", kind="video", label="Animate (low motion) of image 1 of job g1a2b3c4",
               outputs=[{"index": i, "rejected": False, "audit": "", "width": 64, "height": 64}
                        for i in range(2)],
               actions={"extend": "", "upscale_video": "Only 480p videos can be upscaled.",
                        "download": ""}, grid_actions={}, extensions=1, max_extensions=4)
    set_state(page, cards=[vid], thumbs=thumbs_for("v", 2))
    page.wait_for_function("harness.sentOfType('media').length === 2")
    req = sent(page, "media")
    assert sorted((m["key"], m["index"]) for m in req) == [("v", 0), ("v", 1)]
    assert page.locator(".yc-video").count() == 2
    assert page.evaluate("document.querySelector('.yc-video').poster.startsWith('blob:')")
    clip = mp4()
    for m in req:
        page.evaluate("([m, b]) => harness.emitCustom(m, [b])",
                      [{"type": "media", "rid": m["rid"], "mime": "video/mp4", "error": ""}, clip])
    page.wait_for_function(
        "[...document.querySelectorAll('.yc-video')].every((v) => v.readyState >= 2)", timeout=8000)
    flags = page.evaluate("""() => { const v = document.querySelector('.yc-video');
        return [v.controls, v.loop, v.muted, v.autoplay, v.playsInline]; }""")
    assert flags == [True, True, True, True, True]
    link = page.locator(btn("v", "download", 0))
    assert link.get_attribute("href").startswith("blob:")
    assert link.get_attribute("download") == f"{vid['job_id']}_0.mp4"
    up = page.locator(btn("v", "upscale_video", 1))
    assert up.is_disabled() and up.get_attribute("title") == "Only 480p videos can be upscaled."
    assert page.locator('.yc-card[data-key="v"] .yc-ext-count').inner_text() == "1/4 extensions used"
    # re-renders (a new child, a changed label) keep the same <video> and fetch nothing again
    page.evaluate("document.querySelector('.yc-video').__kept = true")
    set_state(page, cards=[{**vid, "label": "Animate (low)"},
                           card("c", parent_key="v", status="running", ended=None, outputs=[])])
    assert page.evaluate("document.querySelector('.yc-video').__kept") is True
    assert page.evaluate("document.querySelector('.yc-video').readyState") >= 2
    assert len(sent(page, "media")) == 2
    # Extend: inline prompt, then {prompt}
    page.click(btn("v", "extend", 1))
    page.fill('.yc-extend-editor[data-index="1"] input', "the camera flies up")
    page.click(btn("v", "extend_submit", 1))
    m = sent(page)[-1]
    assert (m["action"], m["index"], m["params"]) == ("extend", 1, {"prompt": "the camera flies up"})


def test_simulator_badge(card_page):
    page = card_page
    set_state(page, cards=[card("a"), card("b", parent_key="a")], simulator=True)
    assert page.locator(".yc-sim-badge").all_inner_texts() == ["SIMULATOR", "SIMULATOR"]
    set_state(page, simulator=False)
    assert page.locator(".yc-sim-badge").count() == 0


def test_children_nested_under_parents_in_list_order(card_page):
    page = card_page
    set_state(page, cards=[card("a"), card("b", parent_key="a"), card("d"),
                           card("c", parent_key="b"), card("e", parent_key="a"),
                           card("z", parent_key="missing")])
    tree = page.evaluate("""() => {
        const walk = (container) => [...container.children].filter((n) => n.classList.contains('yc-card'))
          .map((n) => [n.dataset.key, walk(n.querySelector(':scope > .yc-children'))]);
        return walk(document.querySelector('.yc-list'));
    }""")
    assert tree == [["a", [["b", [["c", []]]], ["e", []]]], ["d", []], ["z", []]]
    # removing a node removes its element
    set_state(page, cards=[card("a"), card("e", parent_key="a")])
    assert page.locator(".yc-card").evaluate_all("ns => ns.map((n) => n.dataset.key)") == ["a", "e"]


def test_copy_job_id(card_page):
    page = card_page
    set_state(page, cards=[card("g")])
    page.click(btn("g", "copy_id"))
    page.wait_for_function("document.querySelector('[data-action=copy_id]').textContent === '✓'")
    assert page.evaluate("navigator.clipboard.readText()") == card("g")["job_id"]


def test_cleanup_revokes_urls_and_listeners(card_page):
    page = card_page
    vid = card("v", kind="video", outputs=[{"index": 0, "rejected": False, "audit": "", "width": 64,
                                             "height": 64}],
               actions={"download": ""}, grid_actions={})
    set_state(page, cards=[card("g"), vid], thumbs={**thumbs_for("g"), **thumbs_for("v", 1)})
    page.wait_for_function("harness.sentOfType('media').length === 1")
    m = sent(page, "media")[0]
    page.evaluate("([m, b]) => harness.emitCustom(m, [b])",
                  [{"type": "media", "rid": m["rid"], "mime": "video/mp4", "error": ""}, mp4(frames=4)])
    assert page.evaluate("harness.liveBlobUrls()") == 6
    # thumbnails whose bytes did not change keep their URL
    before = page.eval_on_selector(".yc-thumb", "i => i.src")
    set_state(page, thumbs={**thumbs_for("g"), **thumbs_for("v", 1)})
    assert page.eval_on_selector(".yc-thumb", "i => i.src") == before
    page.evaluate("harness.unmount()")
    assert page.evaluate("harness.liveBlobUrls()") == 0
    assert page.evaluate("harness.model.listenerCount()") == 0
    assert page.locator(".yc-root").count() == 0


def test_rich_state_screenshot(card_page):
    """A grid, its upscale, a video, a failed reroll: saved to /tmp/card_harness.png to look at."""
    page = card_page
    now = time.time()
    g = card("g", prompt="a lighthouse on a cliff at dusk, volumetric light, oil painting",
             chips=["--ar 1:1", "--v 7", "--stylize 250"],
             outputs=[*card()["outputs"][:3], {"index": 3, "rejected": True,
                                                "audit": "the image may show violence", "width": 1024,
                                                "height": 1024}])
    up = card("u", parent_key="g", kind="single", label="Upscale (creative) of image 2 of job g1a2b3c4",
              outputs=[{"index": 0, "rejected": False, "audit": "", "width": 2048, "height": 2048}],
              actions={"upscale_standard": "Already upscaled.", "vary_subtle": "", "vary_strong": "",
                       "pan": "", "zoom": "", "remix": "", "inpaint": "", "animate": "",
                       "enhance": "", "use": ""}, grid_actions={})
    vid = card("v", parent_key="u", kind="video", label="Animate (low motion) of image 1 of job u5e6f7a8",
               outputs=[{"index": 0, "rejected": False, "audit": "", "width": 256, "height": 256}],
               actions={"extend": "", "upscale_video": "", "download": ""}, grid_actions={},
               extensions=1)
    run = card("r", parent_key="g", label="Vary (strong) of image 4 of job g1a2b3c4", status="running",
               ended=None, started=now - 12, expected=40.0, outputs=[], actions={}, grid_actions={})
    bad = card("w", parent_key="g", label="Reroll of job g1a2b3c4", status="waiting", ended=None,
               job_id="", started=now - 3, expected=None, outputs=[], actions={}, grid_actions={},
               message="waiting for a free slot (3 of 3 in use)")
    thumbs = {**{f"g/{i}": jpeg((256, 256), c) for i, c in
                 enumerate([(230, 120, 60), (70, 150, 230), (120, 210, 140), (240, 200, 80)])},
              "u/0": jpeg((512, 512), (70, 150, 230)), "v/0": jpeg((256, 256), (200, 90, 160))}
    set_state(page, cards=[g, up, vid, run, bad], thumbs=thumbs, simulator=True)
    page.wait_for_function("harness.sentOfType('media').length === 1")
    m = sent(page, "media")[0]
    page.evaluate("([m, b]) => harness.emitCustom(m, [b])",
                  [{"type": "media", "rid": m["rid"], "mime": "video/mp4", "error": ""},
                   mp4((256, 256), 24)])
    page.wait_for_function("document.querySelector('.yc-video').readyState >= 2", timeout=8000)
    wait_thumbs(page, "g", 3)
    page.click(btn("u", "remix", 0))
    page.click(btn("g", "vary_strong", 2))
    ack(page, sent(page)[-1], ok=False, error="No fast hours left: switch to relax mode or top up.")
    # layout sanity: the child card sits inside and to the right of its parent, within the page
    parent = page.locator('.yc-card[data-key="g"]').bounding_box()
    child = page.locator('.yc-card[data-key="u"]').bounding_box()
    assert child["x"] > parent["x"] + 8
    assert child["x"] + child["width"] <= parent["x"] + parent["width"] + 1
    thumb = page.locator('.yc-card[data-key="g"] .yc-thumb').first.bounding_box()
    assert 200 <= thumb["width"] <= 320
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.stat().st_size > 10_000
    # the same under JupyterLab's dark theme variables, to check contrast by eye
    page.add_style_tag(content=DARK_VARS)
    page.screenshot(path=str(SCREENSHOT.with_name("card_harness_dark.png")), full_page=True)


def test_card_without_a_kernel_says_so_and_greys_buttons(chromium, card_page):
    """A card restored from a saved notebook (no kernel answers its ping) marks itself offline."""
    page = card_page
    assert page.query_selector(".yc-offline-note") is None
    page.evaluate("() => { harness.unmount(); harness.offline = true; harness.mount(); }")
    note = page.wait_for_selector(".yc-offline-note", timeout=15000)
    assert "kernel" in note.inner_text() and "Re-run the cell" in note.inner_text()


def test_new_follow_up_is_brought_into_view(card_page):
    page = card_page
    page.set_viewport_size({"width": 900, "height": 500})
    set_state(page, cards=[card("g")], thumbs=thumbs_for("g"))
    page.click(btn("g", "upscale_standard", 3))
    child = card("c1", parent_key="g", status="submitting", outputs=[], actions={},
                 grid_actions={}, label="Upscale (standard) of image 4")
    set_state(page, cards=[card("g"), child], thumbs=thumbs_for("g"))
    new = page.locator('.yc-card[data-key="c1"]')
    assert "yc-new" in new.get_attribute("class")
    page.wait_for_function("""() => { const r = document.querySelector('.yc-card[data-key="c1"]')
        .getBoundingClientRect(); return r.top < window.innerHeight && r.bottom > 0; }""")
