"""The job card's front end (static/card.js) in a real Chromium, on a fake anywidget model.

tests/notebook/card_harness.html mounts the widget on a fake model; ``window.harness`` lets a
test set traits, push custom messages (acks, media) and read what the widget sent. The states
are made by the Python side (real ``JobCard`` objects on the simulator, or the ``card_state``
projection of a hand-made node), so a key renamed on one side fails here. The page
and the static files are served over http from the repo root (module scripts don't load from
file://). Thumbnails and videos are real JPEG/MP4 bytes made with Pillow and PyAV.
"""

from __future__ import annotations

import base64
import functools
import io
import os
import re
import tempfile
import threading
import time
from fractions import Fraction
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from youchuan_nb.client import Client

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip("playwright.sync_api")
Image = pytest.importorskip("PIL.Image")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
HOSTILE = '<img src=x onerror="window.__pwned=1">'
SCREENSHOT = Path("/tmp/card_harness.png")
DARK_VARS = """body { --jp-layout-color0: #111111; --jp-layout-color1: #212121;
  --jp-layout-color2: #424242;
  --jp-ui-font-color0: #ffffff; --jp-ui-font-color1: rgba(255,255,255,.87);
  --jp-ui-font-color2: rgba(255,255,255,.54); --jp-border-color1: #616161;
  --jp-border-color2: #424242; --jp-brand-color1: #42a5f5; background: #111111; }"""


@pytest.fixture(autouse=True, scope="module")
def english():
    """These tests read the English texts (the Chinese card has its own tests); module-wide,
    so the module's own fixtures make their states in English too, whatever the locale."""
    from youchuan_nb import i18n

    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("YOUCHUAN_NB_LANG", raising=False)
        i18n.set_language("en")
        yield
        i18n.set_language(None)


# -- media made on the spot ---------------------------------------------------------------------


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def jpeg(size=(64, 64), color=(200, 80, 40), fmt="JPEG") -> str:
    """A small real image (a gradient, so it is not a flat colour) as base64."""
    from PIL import Image as PILImage

    w, h = size
    grad = PILImage.linear_gradient("L")
    img = PILImage.merge(
        "RGB",
        [
            grad.resize((w, h)).point(lambda v: int(v * color[0] / 255)),
            grad.transpose(PILImage.Transpose.ROTATE_90)
            .resize((w, h))
            .point(lambda v: int(v * color[1] / 255)),
            PILImage.new("L", (w, h), color[2]),
        ],
    )
    buf = io.BytesIO()
    img.save(buf, fmt, quality=85)
    return b64(buf.getvalue())


def mp4(size=(64, 64), frames=24) -> str:
    """A real H.264/yuv420p MP4 (+faststart) as base64."""
    import av
    from PIL import Image as PILImage

    with tempfile.TemporaryDirectory() as folder:
        name = os.path.join(folder, "clip.mp4")
        container = av.open(name, "w", format="mp4", options={"movflags": "+faststart"})
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
        return b64(Path(name).read_bytes())


def b64_thumbs(thumbs: dict) -> dict:
    """A card's ``thumbs`` trait (bytes) as the harness takes it (base64)."""
    return {k: b64(v) for k, v in thumbs.items()}


def over(state: dict, **changes) -> dict:
    """A copy of a Python-made state with some values changed; only keys the state has, so a
    key renamed in Python cannot be papered over here."""
    unknown = set(changes) - set(state)
    assert not unknown, f"not CardState keys: {unknown}"
    return {**state, **changes}


# -- fixtures -----------------------------------------------------------------------------------


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """Card states made by real JobCards driven against the simulator, once for the module.

    A grid ("a lighthouse at dusk --ar 3:2 --v 7") with an upscale and an animate follow-up,
    the first video extended once and that extension upscaled to 1080p; a snapshot of the grid
    while it ran; a failed job; states projected from hand-made nodes for what the simulator
    does not do on request (hostile text, a slot wait, a fresh submission).
    """
    from youchuan_nb.client import Job
    from youchuan_nb.notebook import JobCard
    from youchuan_nb.notebook._card_state import Node, card_state
    from youchuan_nb.notebook._session import Session, Settings
    from youchuan_nb.sim import Faults, Simulator

    tmp = tmp_path_factory.mktemp("cards")
    out: dict = {}
    with Simulator(job_seconds=0.2, video_seconds=0.6, extend_seconds=0.4) as sim:
        client = Client.for_service(
            sim, poll_interval=0.05, store=tmp / "jobs.sqlite3", cache_dir=tmp / "media"
        )
        session = Session(client=client, settings=Settings(thumbnail_size=128))
        running: list[dict] = []
        tree = JobCard.imagine("a lighthouse at dusk --ar 3:2 --v 7", session)
        tree.observe(
            lambda ch: running.extend(c for c in ch["new"][:1] if c["status"] == "running"),
            names=["cards"],
        )
        tree.wait(60)
        grid = tree.cards[0]
        assert grid["status"] == "finished" and running, "the grid never showed as running"
        tree.perform(grid["key"], "upscale", 1, {"type": "creative"})
        animate = tree.perform(grid["key"], "animate", 0, {"motion": "low"})
        tree.wait(90)
        extend = tree.perform(animate.key, "extend", 0, {"prompt": "the camera flies up"})
        tree.wait(90)
        upscaled = tree.perform(extend.key, "upscale_video", 0, {})
        tree.wait(90)
        states = {c["key"]: c for c in tree.cards}
        assert all(c["status"] == "finished" for c in tree.cards), tree.cards
        out.update(
            strings=dict(tree.strings),
            tree=list(tree.cards),
            thumbs=dict(tree.thumbs),
            grid=grid,
            running=running[0],
            upscale=tree.cards[1],
            video=states[animate.key],
            upscaled_video=states[upscaled.key],
            grid_job=tree.root.job,
        )

        sim.faults = Faults(
            seed=1, fail=1.0, fail_comment="JobStatusTextReject", on_submit=False, on_poll=False
        )
        failed = JobCard.imagine("a storm at sea --v 7", session).wait(60)
        sim.faults = None
        out["failed"] = failed.cards[0]
        assert out["failed"]["status"] == "failed"

        # projections of hand-made nodes
        hostile_job = Job(
            client,
            {
                "id": HOSTILE,
                "status": 2,
                "text": f"{HOSTILE} --no {HOSTILE}",
                "urls": [f"https://cdn.example/{i}.png" for i in range(4)],
                "audits": [HOSTILE, "", "", ""],
            },
            action="diffusion",
        )
        node = Node("h", action="diffusion", params={}, label=HOSTILE, prompt=hostile_job.text)
        node.job, node.media_ready = hostile_job, True
        node.outputs = [
            {"index": i, "rejected": bool(a), "audit": a, "width": 64, "height": 64}
            for i, a in enumerate(hostile_job.audits)
        ]
        out["hostile"] = card_state(node, expected=None)
        bad = Node("f", action="reroll", params={}, parent_key="h", label=HOSTILE)
        bad.job = Job(client, {"id": "f" * 36, "status": 3, "comment": HOSTILE}, action="reroll")
        out["hostile_failed"] = card_state(bad, expected=None)
        wait = Node(
            "w",
            action="reroll",
            params={},
            parent_key=grid["key"],
            label=f"Reroll of job {grid['job_id'][:8]}",
        )
        wait.state, wait.message = "waiting", "waiting for a free slot (3 of 3 jobs in flight)"
        out["waiting"] = card_state(wait, expected=None)
        fresh = Node(
            "c1",
            action="upscale",
            params={},
            parent_key=grid["key"],
            label="Upscale (standard) of image 4",
        )
        out["submitting"] = card_state(fresh, expected=None)
        client.store.close()
    return out


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
def card_page(chromium, server_url, made):
    context = chromium.new_context(viewport={"width": 900, "height": 1000})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server_url)
    pg = context.new_page()
    problems: list[str] = []
    pg.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    pg.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    pg.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    pg.goto(f"{server_url}/tests/notebook/card_harness.html")
    pg.wait_for_function("window.harnessReady === true", timeout=5000)
    pg.set_default_timeout(8000)
    set_state(pg, strings=made["strings"])  # the texts a real JobCard sends (English here)
    pg.problems = problems
    yield pg
    context.close()
    assert not problems, problems


def set_state(page, **state):
    page.evaluate("s => harness.setState(s)", state)


def sent(page, type_="action"):
    return page.evaluate("t => harness.sentOfType(t)", type_)


def ack(page, message, ok=True, error=""):
    page.evaluate(
        "m => harness.emitCustom(m)",
        {"type": "ack", "rid": message["rid"], "ok": ok, "error": error},
    )


def btn(key, action, index=None):
    sel = f'.yc-card[data-key="{key}"] [data-action="{action}"]'
    return sel + (f'[data-index="{index}"]' if index is not None else "")


def wait_thumbs(page, key, n):
    page.wait_for_function(
        """([key, n]) => {
          const sel = `.yc-card[data-key="${key}"] > .yc-body .yc-thumb`;
          const imgs = [...document.querySelectorAll(sel)];
          return imgs.length === n && imgs.every((i) => i.complete && i.naturalWidth > 0);
        }""",
        arg=[key, n],
        timeout=5000,
    )


# -- the schema and the button table: Python and JS name the same things ----------------------


def _jsdoc_properties(typedef: str) -> set[str]:
    text = (ROOT / "youchuan_nb/notebook/static/card.js").read_text()
    block = re.search(
        r"/\*\*((?:(?!\*/).)*?@typedef \{object\} " + typedef + r"\b.*?)\*/", text, re.S
    )
    assert block, f"no JSDoc typedef {typedef} in card.js"
    return set(re.findall(r"@property \{[^}]*\} \[?(\w+)", block.group(1)))


def test_state_schema_matches_python_and_the_jsdoc_typedef(made):
    from youchuan_nb.notebook._card_state import CardState, OutputState, UsedAction

    keys = set(CardState.__annotations__)
    assert _jsdoc_properties("CardState") == keys
    assert _jsdoc_properties("OutputState") == set(OutputState.__annotations__)
    assert _jsdoc_properties("UsedAction") == set(UsedAction.__annotations__)
    for state in [*made["tree"], made["failed"], made["running"], made["hostile"]]:
        assert set(state) == keys, state
        for out in state["outputs"]:
            assert set(out) == set(OutputState.__annotations__)


def test_buttons_and_python_actions_are_one_table(card_page, made):
    from youchuan_nb.notebook._card_actions import ACTIONS, build_call

    buttons = card_page.evaluate("harness.buttons")
    python_keys = {key for a in ACTIONS.values() for key in a.keys}
    assert {b["key"] for b in buttons.values()} == python_keys
    sent_actions = {b["action"] for b in buttons.values() if b["action"] is not None}
    assert sent_actions == {a.name for a in ACTIONS.values() if a.sent}
    # every key the Python side emits is one it declares
    for state in made["tree"]:
        assert set(state["actions"]) | set(state["grid_actions"]) <= python_keys
    job = made["grid_job"]

    class Ctx:
        def check_request(self, *args):
            raise AssertionError("only editor buttons check requests")

        def output_size(self, *args):
            raise AssertionError("only editor buttons need the image size")

    for name, b in buttons.items():
        if b["action"] is None:
            continue
        assert b["key"] in ACTIONS[b["action"]].keys, name  # reads the key its action sets
        if b.get("open") or b["action"] in ("use", "retry"):
            continue
        # the params a button sends build a call on the Python side (nothing is sent)
        call, spec = build_call(job, b["action"], 0, b.get("params") or {}, Ctx())
        assert callable(call) and spec.name == b["action"], name


# -- rendering what Python made -----------------------------------------------------------------


def test_grid_renders_four_real_thumbnails(card_page, made):
    page = card_page
    grid = made["grid"]
    k = grid["key"]
    set_state(page, cards=[grid], thumbs=b64_thumbs(made["thumbs"]))
    wait_thumbs(page, k, 4)
    root = page.locator(f'.yc-root .yc-card[data-key="{k}"]')
    assert root.get_attribute("data-status") == "finished"
    assert root.get_attribute("data-kind") == "grid"
    assert root.locator(".yc-status").inner_text() == "Finished"
    assert root.locator(".yc-index").all_inner_texts() == ["1", "2", "3", "4"]
    assert root.locator(".yc-chip").all_inner_texts() == ["--ar 3:2", "--v 7"]
    assert root.locator(".yc-prompt").inner_text() == "a lighthouse at dusk"
    assert root.locator(".yc-model").inner_text() == "v7"
    assert page.locator(btn(k, "reroll")).count() == 1
    # one action bar per image, with the titles the brief asks for
    assert page.locator(btn(k, "upscale_standard")).count() == 4
    assert (
        page.locator(btn(k, "upscale_creative", 2)).get_attribute("title") == "Upscale (creative)"
    )
    assert page.locator(btn(k, "upscale_standard", 0)).inner_text() == "U"
    # not a draft: Python disables enhance, with its reason as the title
    enhance = page.locator(btn(k, "enhance", 0))
    assert enhance.is_disabled() and enhance.get_attribute("title") == grid["actions"]["enhance"]
    # no key in `actions` -> no button
    set_state(
        page, cards=[over(grid, actions={a: r for a, r in grid["actions"].items() if a != "pan"})]
    )
    assert page.locator(btn(k, "pan_left")).count() == 0
    assert page.locator(btn(k, "vary_subtle")).count() == 4


def test_placeholders_while_running_and_ticking_progress(card_page, made):
    page = card_page
    now = time.time()
    running = made["running"]
    k = running["key"]
    assert running["ended"] is False and running["outputs"] == [] and running["actions"] == {}
    set_state(page, cards=[over(running, started=now - 5, expected=10.0)])
    c = page.locator(f'.yc-card[data-key="{k}"]')
    assert c.locator(".yc-skeleton").count() == 4
    assert c.locator(".yc-thumb").count() == 0
    # the placeholders take Python's aspect (the prompt's --ar 3:2)
    ratio = page.evaluate("getComputedStyle(document.querySelector('.yc-skeleton')).aspectRatio")
    assert ratio.replace(" ", "") in ("1.5", "1.5/1"), ratio
    page.wait_for_function("document.querySelector('.yc-elapsed').textContent !== ''")
    first = c.locator(".yc-elapsed").inner_text()
    assert first in ("5s of ~10s", "6s of ~10s")  # elapsed against the usual time
    width = page.evaluate("parseFloat(document.querySelector('.yc-progress-fill').style.width)")
    assert 40 <= width <= 70
    page.wait_for_function(
        "t => document.querySelector('.yc-elapsed').textContent !== t", arg=first, timeout=2500
    )
    # unknown duration: indeterminate bar; ended: no bar, a frozen time and the message
    set_state(page, cards=[over(running, started=now - 5, expected=None)])
    assert "yc-indeterminate" in c.locator(".yc-progress").get_attribute("class")
    failed = made["failed"]
    assert failed["ended"] is True and "text failed moderation" in failed["message"]
    set_state(page, cards=[over(failed, key=k, started=now - 65, ended_at=now - 3)])
    assert c.locator(".yc-progress").is_hidden()
    assert c.locator(".yc-elapsed").inner_text() == "1m 02s"
    assert c.locator(".yc-message").inner_text() == failed["message"]
    assert c.get_attribute("data-status") == "failed"
    assert c.locator(".yc-skeleton").count() == 0  # ended without results: no placeholders
    # a message Python leaves out is not shown, whatever the status
    set_state(page, cards=[over(failed, key=k, message="")])
    assert c.locator(".yc-message").count() == 0


def test_disabled_actions_show_their_reason(card_page, made):
    page = card_page
    up = made["upscale"]
    k = up["key"]
    assert up["kind"] == "single" and "already upscaled" in up["actions"]["upscale_standard"]
    set_state(page, cards=[up], thumbs=b64_thumbs(made["thumbs"]))
    wait_thumbs(page, k, 1)
    upscale = page.locator(btn(k, "upscale_standard", 0))
    assert upscale.is_disabled()
    assert upscale.get_attribute("title") == up["actions"]["upscale_standard"]
    assert page.locator(btn(k, "vary_subtle", 0)).is_enabled()
    reroll = page.locator(btn(k, "reroll"))
    assert reroll.is_disabled() and reroll.get_attribute("title") == up["grid_actions"]["reroll"]


def test_double_click_sends_one_message_until_ack(card_page, made):
    page = card_page
    k = made["grid"]["key"]
    set_state(page, cards=[made["grid"]], thumbs=b64_thumbs(made["thumbs"]))
    page.dblclick(btn(k, "vary_strong", 1))
    # a synchronous double click() on the same element, too
    page.evaluate(f"""() => {{ const b = document.querySelector('{btn(k, "upscale_standard", 3)}');
                     b.click(); b.click(); }}""")
    msgs = sent(page)
    assert [(m["action"], m["index"], m["params"]) for m in msgs] == [
        ("vary", 1, {"strong": True}),
        ("upscale", 3, {"type": "standard"}),
    ]
    assert msgs[0]["key"] == k and msgs[0]["rid"] != msgs[1]["rid"]
    vary = page.locator(btn(k, "vary_strong", 1))
    assert vary.is_disabled() and vary.locator(".yc-spinner").count() == 1
    page.click(btn(k, "vary_strong", 1), force=True)
    assert len(sent(page)) == 2
    ack(page, msgs[0])
    assert vary.is_enabled() and vary.locator(".yc-spinner").count() == 0
    page.click(btn(k, "vary_strong", 1))
    assert len(sent(page)) == 3
    # reroll: grid-level, index null
    page.click(btn(k, "reroll"))
    last = sent(page)[-1]
    assert (last["action"], last["index"], last["params"]) == ("reroll", None, {})


def test_ack_error_is_shown_as_text_and_dismissible(card_page, made):
    page = card_page
    grid = made["grid"]
    k = grid["key"]
    set_state(page, cards=[grid], thumbs=b64_thumbs(made["thumbs"]))
    page.click(btn(k, "upscale_standard", 0))
    error = "Out of fast hours. Switch to relax mode (--relax) or top up. <b>not bold</b>"
    ack(page, sent(page)[0], ok=False, error=error)
    err = page.locator(f'.yc-card[data-key="{k}"] .yc-error')
    assert err.count() == 1
    assert err.inner_text() == error
    assert page.locator(".yc-error b").count() == 0
    assert page.locator(btn(k, "upscale_standard", 0)).is_enabled()
    # survives a re-render, then goes away when dismissed
    set_state(page, cards=[over(grid, label="Imagine (again)")])
    assert err.count() == 1
    page.click(f'.yc-card[data-key="{k}"] [data-action="dismiss_error"]')
    assert err.count() == 0


def test_use_copies_a_new_cell_and_says_so(card_page, made):
    page = card_page
    k = made["grid"]["key"]
    set_state(page, cards=[made["grid"]], thumbs=b64_thumbs(made["thumbs"]))
    page.click(btn(k, "use", 1))
    msg = sent(page)[0]
    assert msg["action"] == "use" and msg["index"] == 1
    cell = "%%imagine\nhttps://cdn.example/1.png <b>a fox</b>"
    page.evaluate(
        "m => harness.emitCustom(m)",
        {"type": "ack", "rid": msg["rid"], "ok": True, "error": "", "copy": cell},
    )
    # "Copied" shows next to what was clicked (on that image), not under the card, then goes
    toast = page.locator(f'.yc-card[data-key="{k}"] .yc-tile[data-index="1"] .yc-toast')
    assert toast.inner_text() == "Copied"
    assert page.locator(".yc-toast").count() == 1
    assert page.evaluate("() => navigator.clipboard.readText()") == cell
    assert page.locator(f'.yc-card[data-key="{k}"] .yc-note').count() == 0
    toast.wait_for(state="detached", timeout=5000)


def test_use_without_a_clipboard_shows_the_cell_to_copy_by_hand(card_page, made):
    page = card_page
    k = made["grid"]["key"]
    set_state(page, cards=[made["grid"]], thumbs=b64_thumbs(made["thumbs"]))
    page.evaluate(
        "() => { navigator.clipboard.writeText = () => Promise.reject(new Error('denied'));"
        " document.execCommand = () => false; }"
    )
    page.click(btn(k, "use", 1))
    msg = sent(page)[0]
    cell = "%%imagine\n<b>a fox</b> --ar 3:2"
    page.evaluate(
        "m => harness.emitCustom(m)",
        {"type": "ack", "rid": msg["rid"], "ok": True, "error": "", "copy": cell},
    )
    note = page.locator(f'.yc-card[data-key="{k}"] .yc-note')
    note.wait_for()
    assert note.inner_text().endswith(cell) and page.locator(".yc-note b").count() == 0
    assert page.locator(".yc-toast").count() == 0


def test_hostile_text_is_rendered_literally(card_page, made):
    page = card_page
    grid, failed = made["hostile"], made["hostile_failed"]
    assert grid["prompt"] == HOSTILE and grid["chips"] == [f"--no {HOSTILE}"]
    thumbs = {f"h/{i}": jpeg((64, 64)) for i in range(4)}
    set_state(page, cards=[over(grid, label=HOSTILE), failed], thumbs=thumbs)
    page.click(btn("h", "vary_subtle", 2))
    ack(page, sent(page)[0], ok=False, error=HOSTILE)
    wait_thumbs(page, "h", 3)
    h = page.locator('.yc-card[data-key="h"]')
    assert h.locator(".yc-prompt").first.inner_text() == HOSTILE
    assert h.locator(".yc-label").first.inner_text() == HOSTILE
    assert h.locator(".yc-chip").first.inner_text() == f"--no {HOSTILE}"
    assert h.locator(".yc-jobid").first.inner_text() == HOSTILE[:8]  # short id, full in data
    assert h.locator(".yc-jobid").first.get_attribute("data-full") == HOSTILE
    assert h.locator(".yc-rejected-text").inner_text() == f"Rejected by moderation: {HOSTILE}"
    assert h.locator(".yc-error").first.inner_text() == HOSTILE
    message = page.locator('.yc-card[data-key="f"] .yc-message').inner_text()
    assert HOSTILE in message and message == failed["message"]
    # the rejected tile has no actions, and the only <img> elements are the 3 real thumbnails
    assert page.locator(btn("h", "upscale_standard", 0)).count() == 0
    assert page.evaluate("document.querySelectorAll('img:not(.yc-thumb)').length") == 0
    assert page.locator("img.yc-thumb").count() == 3
    page.wait_for_timeout(100)
    assert page.evaluate("window.__pwned") is None


def test_remix_editor_prefilled_survives_rerender_and_submits(card_page, made):
    page = card_page
    grid = made["grid"]
    k = grid["key"]
    set_state(page, cards=[grid], thumbs=b64_thumbs(made["thumbs"]))
    page.click(btn(k, "remix", 2))
    area = page.locator(f'.yc-card[data-key="{k}"] .yc-remix-editor[data-index="2"] textarea')
    assert area.input_value() == "a lighthouse at dusk --ar 3:2 --v 7"
    assert page.locator(btn(k, "remix", 2)).get_attribute("aria-pressed") == "true"
    area.fill("a lighthouse in a storm --ar 3:2 --v 7")
    area.focus()
    # a state change that rebuilds the card body keeps the editor, its text and the focus
    assert page.locator(btn(k, "enhance", 2)).is_disabled()
    set_state(page, cards=[over(grid, actions={**grid["actions"], "enhance": ""})])
    assert page.locator(btn(k, "enhance", 2)).is_enabled()
    assert area.input_value() == "a lighthouse in a storm --ar 3:2 --v 7"
    assert page.evaluate("document.activeElement.classList.contains('yc-remix-text')")
    page.click('.yc-remix-editor [data-action="remix_mode_subtle"]')
    page.dblclick(btn(k, "remix_submit", 2))
    msgs = sent(page)
    assert len(msgs) == 1
    assert (msgs[0]["action"], msgs[0]["index"]) == ("remix", 2)
    assert msgs[0]["params"] == {
        "prompt": "a lighthouse in a storm --ar 3:2 --v 7",
        "mode": "subtle",
    }
    # an error keeps the editor open and usable
    ack(page, msgs[0], ok=False, error="remix needs a prompt")
    assert area.count() == 1 and page.locator(btn(k, "remix_submit", 2)).is_enabled()
    page.click(btn(k, "remix_submit", 2))
    ack(page, sent(page)[-1])
    assert page.locator(".yc-remix-editor").count() == 0


def test_vary_region_rectangle_and_polygon_scaled_to_full_image(card_page, made):
    page = card_page
    grid = made["grid"]
    k = grid["key"]
    W, H = grid["outputs"][1]["width"], grid["outputs"][1]["height"]
    assert W > H > 0  # --ar 3:2
    set_state(page, cards=[grid], thumbs=b64_thumbs(made["thumbs"]))
    wait_thumbs(page, k, 4)
    page.click(btn(k, "inpaint", 1))
    canvas = page.locator(".yc-overlay canvas.yc-region-canvas")
    canvas.wait_for()
    media = sent(page, "media")
    assert [(m["key"], m["index"]) for m in media] == [(k, 1)]
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
    page.evaluate(
        "([m, b]) => harness.emitCustom(m, [b])",
        [
            {"type": "media", "rid": media[0]["rid"], "mime": "image/jpeg", "error": ""},
            jpeg((W, H)),
        ],
    )
    page.wait_for_function(f"document.querySelector('.yc-region-img').naturalWidth === {W}")
    set_state(page, cards=[over(grid, label="Imagine!")])
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
    for got, want in [
        (rect["x"], W * 0.25),
        (rect["y"], H * 0.25),
        (rect["w"], W * 0.5),
        (rect["h"], H * 0.25),
    ]:
        assert abs(got - want) <= tol, (rect, W, H)
    assert poly["type"] == "polygon" and len(poly["points"]) == 6
    want = [W * 0.1, H * 0.6, W * 0.3, H * 0.9, W * 0.05, H * 0.9]
    assert all(abs(g - w) <= tol for g, w in zip(poly["points"], want, strict=True)), poly
    ack(page, msgs[0])
    assert page.locator(".yc-overlay").count() == 0


def test_lightbox_shows_full_image_and_closes_on_escape(card_page, made):
    page = card_page
    grid = made["grid"]
    k = grid["key"]
    W, H = grid["outputs"][3]["width"], grid["outputs"][3]["height"]
    set_state(page, cards=[grid], thumbs=b64_thumbs(made["thumbs"]))
    wait_thumbs(page, k, 4)
    thumb_w = page.evaluate("document.querySelector('.yc-thumb').naturalWidth")
    assert 0 < thumb_w <= 128 < W
    page.click(f'.yc-card[data-key="{k}"] [data-action="view_full"][data-index="3"]')
    img = page.locator(".yc-lightbox-img")
    page.wait_for_function(f"document.querySelector('.yc-lightbox-img').naturalWidth === {thumb_w}")
    req = sent(page, "media")
    assert [(m["key"], m["index"]) for m in req] == [(k, 3)]
    page.evaluate(
        "([m, b]) => harness.emitCustom(m, [b])",
        [{"type": "media", "rid": req[0]["rid"], "mime": "image/jpeg", "error": ""}, jpeg((W, H))],
    )
    page.wait_for_function(f"document.querySelector('.yc-lightbox-img').naturalWidth === {W}")
    page.keyboard.press("Escape")
    assert img.count() == 0
    # a second look uses the cached full image: no new request
    page.click(f'.yc-card[data-key="{k}"] [data-action="view_full"][data-index="3"]')
    page.wait_for_function(f"document.querySelector('.yc-lightbox-img').naturalWidth === {W}")
    assert len(sent(page, "media")) == 1
    page.click(".yc-overlay")
    assert img.count() == 0


def test_video_card_plays_real_mp4_and_keeps_playing_across_rerenders(card_page, made):
    page = card_page
    vid = made["upscaled_video"]
    k = vid["key"]
    n = len(vid["outputs"])
    assert vid["kind"] == "video" and n >= 1 and vid["extensions"] == 1
    assert vid["actions"]["extend"] == "" and vid["actions"]["upscale_video"]
    set_state(page, cards=[vid], thumbs=b64_thumbs(made["thumbs"]))
    page.wait_for_function(f"harness.sentOfType('media').length === {n}")
    req = sent(page, "media")
    assert sorted((m["key"], m["index"]) for m in req) == [(k, i) for i in range(n)]
    assert page.locator(".yc-video").count() == n
    assert page.evaluate("document.querySelector('.yc-video').poster.startsWith('blob:')")
    clip = mp4()
    for m in req:
        page.evaluate(
            "([m, b]) => harness.emitCustom(m, [b])",
            [{"type": "media", "rid": m["rid"], "mime": "video/mp4", "error": ""}, clip],
        )
    page.wait_for_function(
        "[...document.querySelectorAll('.yc-video')].every((v) => v.readyState >= 2)", timeout=8000
    )
    flags = page.evaluate("""() => { const v = document.querySelector('.yc-video');
        return [v.controls, v.loop, v.muted, v.autoplay, v.playsInline]; }""")
    assert flags == [True, True, True, True, True]
    link = page.locator(btn(k, "download", 0))
    assert link.get_attribute("href").startswith("blob:")
    assert link.get_attribute("download") == f"{vid['job_id']}_0.mp4"
    up = page.locator(btn(k, "upscale_video", 0))
    assert up.is_disabled() and up.get_attribute("title") == vid["actions"]["upscale_video"]
    assert (
        page.locator(f'.yc-card[data-key="{k}"] .yc-ext-count').inner_text()
        == "1/4 extensions used"
    )
    # re-renders (a new child, a changed label) keep the same <video> and fetch nothing again
    page.evaluate("document.querySelector('.yc-video').__kept = true")
    set_state(
        page,
        cards=[
            over(vid, label="Upscale video (renamed)"),
            over(made["running"], key="c", parent_key=k),
        ],
    )
    assert page.evaluate("document.querySelector('.yc-video').__kept") is True
    assert page.evaluate("document.querySelector('.yc-video').readyState") >= 2
    assert len(sent(page, "media")) == n
    # Extend: inline prompt, then {prompt}
    page.click(btn(k, "extend", 0))
    page.fill('.yc-extend-editor[data-index="0"] input', "the camera flies up")
    page.click(btn(k, "extend_submit", 0))
    m = sent(page)[-1]
    assert (m["action"], m["index"], m["params"]) == (
        "extend",
        0,
        {"prompt": "the camera flies up"},
    )


def test_simulator_badge(card_page, made):
    page = card_page
    set_state(page, cards=[made["grid"], made["upscale"]], simulator=True)
    assert page.locator(".yc-sim-badge").all_inner_texts() == ["SIMULATOR", "SIMULATOR"]
    set_state(page, simulator=False)
    assert page.locator(".yc-sim-badge").count() == 0


def test_children_nested_under_parents_in_list_order(card_page, made):
    page = card_page
    g = made["grid"]

    def node(key, parent=None):
        return over(g, key=key, parent_key=parent)

    set_state(
        page,
        cards=[
            node("a"),
            node("b", "a"),
            node("d"),
            node("c", "b"),
            node("e", "a"),
            node("z", "missing"),
        ],
    )
    tree = page.evaluate("""() => {
        const walk = (container) => [...container.children]
          .filter((n) => n.classList.contains('yc-card'))
          .map((n) => [n.dataset.key, walk(n.querySelector(':scope > .yc-children'))]);
        return walk(document.querySelector('.yc-list'));
    }""")
    assert tree == [["a", [["b", [["c", []]]], ["e", []]]], ["d", []], ["z", []]]
    # removing a node removes its element
    set_state(page, cards=[node("a"), node("e", "a")])
    assert page.locator(".yc-card").evaluate_all("ns => ns.map((n) => n.dataset.key)") == ["a", "e"]
    # the tree Python made: every follow-up sits inside its parent
    set_state(page, cards=made["tree"])
    for state in made["tree"]:
        if state["parent_key"]:
            parent = page.locator(f'.yc-card[data-key="{state["parent_key"]}"] > .yc-children')
            assert parent.locator(f':scope > .yc-card[data-key="{state["key"]}"]').count() == 1


def test_copy_job_id(card_page, made):
    page = card_page
    set_state(page, cards=[made["grid"]])
    page.click(btn(made["grid"]["key"], "copy_id"))
    page.wait_for_function("document.querySelector('[data-action=copy_id]').textContent === '✓'")
    assert page.evaluate("navigator.clipboard.readText()") == made["grid"]["job_id"]


def test_cleanup_revokes_urls_and_listeners(card_page, made):
    page = card_page
    vid = made["upscaled_video"]
    thumbs = b64_thumbs(
        {
            k: v
            for k, v in made["thumbs"].items()
            if k.split("/")[0] in (made["grid"]["key"], vid["key"])
        }
    )
    set_state(page, cards=[made["grid"], vid], thumbs=thumbs)
    n = len(vid["outputs"])
    page.wait_for_function(f"harness.sentOfType('media').length === {n}")
    for m in sent(page, "media"):
        page.evaluate(
            "([m, b]) => harness.emitCustom(m, [b])",
            [{"type": "media", "rid": m["rid"], "mime": "video/mp4", "error": ""}, mp4(frames=4)],
        )
    assert page.evaluate("harness.liveBlobUrls()") == len(thumbs) + n
    # thumbnails whose bytes did not change keep their URL
    before = page.eval_on_selector(".yc-thumb", "i => i.src")
    set_state(page, thumbs=thumbs)
    assert page.eval_on_selector(".yc-thumb", "i => i.src") == before
    page.evaluate("harness.unmount()")
    assert page.evaluate("harness.liveBlobUrls()") == 0
    assert page.evaluate("harness.model.listenerCount()") == 0
    assert page.locator(".yc-root").count() == 0


def test_rich_state_screenshot(card_page, made):
    """The tree Python made (grid, upscale, videos), a slot wait and a run: saved to
    /tmp/card_harness.png to look at."""
    page = card_page
    now = time.time()
    g = made["grid"]
    run = over(
        made["running"],
        key="r",
        parent_key=g["key"],
        started=now - 12,
        expected=40.0,
        label="Vary (strong) of image 4",
    )
    waiting = made["waiting"]
    assert waiting["status"] == "waiting" and waiting["message"].startswith("waiting for a free")
    set_state(
        page, cards=[*made["tree"], run, waiting], thumbs=b64_thumbs(made["thumbs"]), simulator=True
    )
    videos = [c for c in made["tree"] if c["kind"] == "video"]
    n = sum(len(c["outputs"]) for c in videos)
    page.wait_for_function(f"harness.sentOfType('media').length === {n}")
    clip = mp4((96, 64), 24)
    for m in sent(page, "media"):
        page.evaluate(
            "([m, b]) => harness.emitCustom(m, [b])",
            [{"type": "media", "rid": m["rid"], "mime": "video/mp4", "error": ""}, clip],
        )
    page.wait_for_function("document.querySelector('.yc-video').readyState >= 2", timeout=8000)
    wait_thumbs(page, g["key"], 4)
    assert page.locator('.yc-card[data-key="w"] .yc-message').inner_text() == waiting["message"]
    # waiting for a slot: said in words, and no progress bar pretending to move
    assert page.locator('.yc-card[data-key="w"] .yc-progress').is_hidden()
    up = made["upscale"]
    page.click(btn(up["key"], "remix", 0))
    page.click(btn(g["key"], "vary_strong", 2))
    ack(page, sent(page)[-1], ok=False, error="No fast hours left: switch to relax mode or top up.")
    # layout sanity: the child card sits inside and to the right of its parent, within the page
    parent = page.locator(f'.yc-card[data-key="{g["key"]}"]').bounding_box()
    child = page.locator(f'.yc-card[data-key="{up["key"]}"]').bounding_box()
    assert child["x"] > parent["x"] + 8
    assert child["x"] + child["width"] <= parent["x"] + parent["width"] + 1
    thumb = page.locator(f'.yc-card[data-key="{g["key"]}"] .yc-thumb').first.bounding_box()
    assert 200 <= thumb["width"] <= 320
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.stat().st_size > 10_000
    # the same under JupyterLab's dark theme variables, to check contrast by eye
    page.add_style_tag(content=DARK_VARS)
    page.screenshot(path=str(SCREENSHOT.with_name("card_harness_dark.png")), full_page=True)


def test_card_without_a_kernel_says_so_and_greys_buttons(chromium, card_page, made):
    """A card restored from a saved notebook (no kernel answers its ping) marks itself offline."""
    page = card_page
    assert page.query_selector(".yc-offline-note") is None
    page.evaluate("() => { harness.unmount(); harness.offline = true; harness.mount(); }")
    note = page.wait_for_selector(".yc-offline-note", timeout=15000)
    assert "kernel" in note.inner_text() and "Re-run the cell" in note.inner_text()
    # folding a saved tree is the view's own business: it still works without a kernel
    g = made["grid"]
    kids = [over(made["upscale"], key=f"k{i}", parent_key=g["key"]) for i in range(3)]
    set_state(page, cards=[g, *kids])
    fold = page.locator(f'.yc-card[data-key="{g["key"]}"] > .yc-fold')
    assert fold.get_attribute("aria-expanded") == "true"
    fold.click()
    assert fold.get_attribute("aria-expanded") == "false"
    assert page.locator('.yc-card[data-key="k0"]').is_hidden()


def test_new_follow_up_is_brought_into_view(card_page, made):
    page = card_page
    page.set_viewport_size({"width": 900, "height": 500})
    g = made["grid"]
    set_state(page, cards=[g], thumbs=b64_thumbs(made["thumbs"]))
    page.click(btn(g["key"], "upscale_standard", 3))
    child = made["submitting"]
    assert child["status"] == "submitting" and child["parent_key"] == g["key"]
    set_state(page, cards=[g, child])
    new = page.locator('.yc-card[data-key="c1"]')
    assert "yc-new" in new.get_attribute("class")
    page.wait_for_function("""() => { const r = document.querySelector('.yc-card[data-key="c1"]')
        .getBoundingClientRect(); return r.top < window.innerHeight && r.bottom > 0; }""")
