"""The job card's Python side against the simulator: state over a job's life, actions, rules."""

from __future__ import annotations

import pytest
from _waiting import until

from youchuan_nb.client import Client
from youchuan_nb.notebook import JobCard, mask_from_shapes
from youchuan_nb.notebook._session import Session, Settings
from youchuan_nb.sim import Faults, Simulator


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


class RecordingCard(JobCard):
    """A JobCard that also keeps the messages it sends to the front end."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.sent = []

    def send(self, content, buffers=None):
        self.sent.append((content, buffers))
        super().send(content, buffers)


@pytest.fixture
def sim():
    with Simulator(job_seconds=0.2, sensitive_words=("forbidden",)) as s:
        yield s


@pytest.fixture
def session(sim, tmp_path):
    client = Client.for_service(
        sim, poll_interval=0.05, store=tmp_path / "jobs.sqlite3", cache_dir=tmp_path / "media"
    )
    return Session(client=client, settings=Settings(thumbnail_size=128))


def imagine(session, prompt="a red fox in snow --ar 3:2 --v 7"):
    return RecordingCard.imagine(prompt, session)


def test_card_state_follows_the_job_to_four_thumbnails(session):
    card = imagine(session)
    seen = set()
    card.observe(
        lambda ch: seen.add(
            (ch["new"][0]["status"], ch["new"][0]["ended"], ch["new"][0]["ended_at"] is None)
        )
        if ch["new"]
        else None,
        names=["cards"],
    )
    card.wait(30)
    root = card.cards[0]
    assert root["status"] == "finished" and root["ended"] is True
    assert root["ended_at"] >= root["started"]
    statuses = {status for status, _, _ in seen}
    assert {"running", "finishing"} & statuses or "queued" in statuses
    # until it ends: not ended and no end time; the message stays empty all along
    assert all(not ended and no_end for status, ended, no_end in seen if status != "finished")
    assert root["message"] == ""
    assert root["aspect"] == 1.5  # --ar 3:2, for the placeholders
    assert root["kind"] == "grid" and len(root["outputs"]) == 4
    assert root["outputs"][0]["width"] == 1024 and root["outputs"][0]["height"] > 0
    assert sorted(card.thumbs) == [f"{root['key']}/{i}" for i in range(4)]
    assert all(data[:3] == b"\xff\xd8\xff" for data in card.thumbs.values())  # JPEG
    assert root["chips"] == ["--ar 3:2", "--v 7"]
    assert root["actions"]["upscale_standard"] == ""
    assert root["actions"]["enhance"]  # not a draft: disabled with a reason


def test_upscale_click_becomes_one_upscale_job(session, sim):
    card = imagine(session)
    card.wait(30)
    root = card.cards[0]
    before = sim.count("upscale")
    msg = {
        "type": "action",
        "rid": "r1",
        "key": root["key"],
        "action": "upscale",
        "index": 1,
        "params": {"type": "creative"},
    }
    card._on_msg(card, msg, [])
    card._on_msg(card, {**msg, "rid": "r2"}, [])  # a double click
    until(lambda: len(card.cards) == 2 and card.settled, what="child card")
    assert sim.count("upscale") == before + 1
    body = [r for r in sim.created if r["endpoint"] == "upscale"][-1]["body"]
    assert body["imageNo"] == 1 and body["type"] == 1
    child = card.cards[1]
    assert child["parent_key"] == root["key"]
    assert child["label"].startswith("Upscale (creative) of image 2 of job")
    assert child["kind"] == "single" and len(child["outputs"]) == 1
    assert "already upscaled" in child["actions"]["upscale_standard"]
    acks = [c for c, _ in card.sent if c.get("type") == "ack"]
    assert [a["ok"] for a in acks] == [True, True]


@pytest.mark.parametrize(
    "action,params,endpoint,check",
    [
        ("vary", {"strong": True}, "variation", lambda b: b["type"] == 1),
        ("pan", {"direction": "left"}, "pan", lambda b: b["direction"] == 3 and b["scale"] == 1.5),
        ("zoom", {"scale": 2}, "outpaint", lambda b: b["scale"] == 2),
        (
            "remix",
            {"prompt": "a blue fox --v 7", "mode": "subtle"},
            "remix",
            lambda b: b["mode"] == 1 and b["remixPrompt"] == "a blue fox --v 7",
        ),
        (
            "inpaint",
            {"shapes": [{"type": "rect", "x": 10, "y": 20, "w": 100, "h": 50}]},
            "inpaint",
            lambda b: b["mask"]["areas"][0]["points"] == [10, 20, 110, 20, 110, 70, 10, 70],
        ),
        (
            "animate",
            {"motion": "high"},
            "video_diffusion",
            lambda b: b["imageNo"] == 0 and "--motion high" in b["prompt"],
        ),
    ],
)
def test_each_button_submits_the_right_call(session, sim, action, params, endpoint, check):
    card = imagine(session)
    card.wait(30)
    key = card.cards[0]["key"]
    card._on_msg(
        card,
        {"type": "action", "rid": "x", "key": key, "action": action, "index": 0, "params": params},
        [],
    )
    until(lambda: len(card.cards) == 2 and card.settled, timeout=60, what=f"{action} child")
    record = [r for r in sim.created if r["endpoint"] == endpoint][-1]
    assert check(record["body"]), record["body"]
    assert card.cards[1]["status"] == "finished"


def test_invalid_action_is_acknowledged_with_the_reason(session, sim):
    card = imagine(session)
    card.wait(30)
    key = card.cards[0]["key"]
    before = len(sim.request_log)
    card._on_msg(
        card,
        {
            "type": "action",
            "rid": "e",
            "key": key,
            "action": "remix",
            "index": 0,
            "params": {"prompt": "   "},
        },
        [],
    )
    ack = next(c for c, _ in card.sent if c.get("rid") == "e")
    assert ack["ok"] is False and "Remix needs a prompt" in ack["error"]
    assert len(card.cards) == 1 and len(sim.request_log) == before


def test_refused_submit_shows_on_the_card(session):
    card = imagine(session, "a forbidden thing --v 7")
    card.wait(30)
    root = card.cards[0]
    assert root["status"] == "refused"
    # plain words first (what happened, what to do); the HTTP status and reason once, as detail
    assert root["message"].startswith("The service said no: the prompt contains words")
    assert "Rephrase" in root["message"] and "Msg_Sensitive" not in root["message"]
    assert root["detail"].startswith("HTTP 403 Msg_Sensitive")


def test_failed_job_shows_its_reason(sim, session):
    sim.faults = Faults(
        seed=1, fail=1.0, fail_comment="JobStatusTextReject", on_submit=False, on_poll=False
    )
    card = imagine(session)
    card.wait(30)
    root = card.cards[0]
    assert root["status"] == "failed"
    assert "text failed moderation" in root["message"]


def test_rules_disable_buttons_with_reasons(session):
    card = imagine(session, "a castle --v 8.1")
    card.wait(30)
    actions = card.cards[0]["actions"]
    # pan/inpaint/zoom on 8.1 are a secondary rule (D7): on by default, the service decides
    assert actions["pan"] == actions["inpaint"] == actions["zoom"] == ""
    assert "draft" in actions["enhance"]  # the document's rule: enhance needs a draft job
    assert actions["vary_subtle"] == "" and actions["remix"] == ""
    url = session.client.job(card.cards[0]["job_id"]).urls[0]
    card2 = RecordingCard(session)
    client = session.client
    card2.submit(
        "retexture",
        lambda: client.retexture(url, "made of glass --v 7"),
        params={},
        label="Retexture",
    )
    card2.wait(30)
    acts = card2.cards[0]["actions"]
    assert acts["upscale_standard"] == ""
    assert "allow only upscale" in acts["vary_strong"]
    assert "allow only upscale" in card2.cards[0]["grid_actions"]["reroll"]


def test_static_html_escapes_text_and_embeds_thumbnails(session):
    hostile = "<img src=x onerror=alert(1)> </script> fox --v 7"
    card = imagine(session, hostile)
    card.wait(30)
    data, meta = card._repr_mimebundle_()
    html = data["text/html"]
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "</script>" not in html
    assert html.count('src="data:image/jpeg;base64,') == 4
    # headless (as here): only the static copy is saved; a live front end gets the widget too
    assert "application/vnd.jupyter.widget-view+json" not in data
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("YOUCHUAN_NB_WAIT", "never")  # as in a live notebook
        live, _ = card._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in live and "text/html" in live
    assert "Finished" in data["text/plain"] and card.cards[0]["job_id"] in data["text/plain"]
    assert meta["youchuan_nb"]["job_id"] == card.cards[0]["job_id"]
    assert len(html) < 200_000


def test_media_request_returns_full_resolution_bytes(session):
    card = imagine(session)
    card.wait(30)
    key = card.cards[0]["key"]
    card._send_media({"type": "media", "rid": "m", "key": key, "index": 2})
    content, buffers = next(m for m in card.sent if m[0].get("rid") == "m")
    assert content["mime"] == "image/png" and content["error"] == ""
    assert buffers[0][:8] == b"\x89PNG\r\n\x1a\n"


def test_mask_from_shapes_clamps_and_closes_polygons():
    mask = mask_from_shapes(
        [
            {"type": "rect", "x": -5, "y": 0, "w": 20, "h": 2000},
            {"type": "polygon", "points": [1, 1, 50.4, 1, 25, 30]},
        ],
        100,
        80,
    )
    assert mask["areas"][0] == {"width": 100, "height": 80, "points": [0, 0, 15, 0, 15, 80, 0, 80]}
    assert mask["areas"][1]["points"] == [1, 1, 50, 1, 25, 30]


def test_hostile_comment_from_the_server_is_text(sim, session):
    hostile = "<img src=x onerror=alert(1)></script>"
    sim.faults = Faults(seed=1, fail=1.0, fail_comment=hostile, on_submit=False, on_poll=False)
    card = imagine(session)
    card.wait(30)
    root = card.cards[0]
    assert root["status"] == "failed" and hostile in root["message"]  # kept as text for JS
    html = card._repr_mimebundle_()[0]["text/html"]
    assert "<img src=x" not in html and "</script>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;&lt;/script&gt;" in html


def test_only_http_urls_from_the_server_are_fetched(session, tmp_path):
    from youchuan_nb.client import Job

    job = Job(
        session.client,
        {
            "id": "evil",
            "status": 2,
            "urls": ["javascript:alert(1)", "file:///etc/passwd"],
            "audits": ["", ""],
        },
        action="diffusion",
    )
    assert job.cached_paths() == [None, None]
    assert not (tmp_path / "media" / "evil").exists() or not any(
        (tmp_path / "media" / "evil").iterdir()
    )
    card = RecordingCard(session)
    card.add_job(job)
    card.wait(10)
    assert card.thumbs == {}
    assert card.cards[0]["actions"]["use"] == "This output has no web link to use."


def test_poll_failures_show_on_the_card_and_clear(sim, session):
    card = imagine(session)
    until(lambda: card.cards[0]["job_id"], what="job id")
    sim.faults = Faults(seed=3, server_error=1.0, on_submit=False)
    until(
        lambda: "Can't check the job right now" in card.cards[0]["message"],
        timeout=60,
        what="poll error on the card",
    )
    assert card.cards[0]["status"] in ("queued", "running")
    sim.faults = None
    card.wait(60)
    assert card.cards[0]["status"] == "finished" and card.cards[0]["message"] == ""


def test_a_job_the_service_forgot_stops_with_a_message(session):
    from youchuan_nb.client import Job

    ghost = Job(session.client, {"id": "ghost-job", "status": 1, "urls": []}, action="diffusion")
    session.client._register(ghost)
    assert any(j.id == "ghost-job" for j in session.client.in_flight())
    card = RecordingCard(session)
    card.add_job(ghost)
    card.wait(30)
    root = card.cards[0]
    assert root["status"] == "unknown" and "Stopped checking this job" in root["message"]
    assert not any(j.id == "ghost-job" for j in session.client.in_flight())  # slot released


def test_use_button_answers_with_a_cell_to_copy(session, sim):
    card = imagine(session)
    card.wait(30)
    key = card.cards[0]["key"]
    before = len(sim.created)
    card._on_msg(
        card,
        {"type": "action", "rid": "u", "key": key, "action": "use", "index": 2, "params": {}},
        [],
    )
    ack = next(c for c, _ in card.sent if c.get("rid") == "u")
    assert ack["ok"] is True
    url = session.client.job(card.cards[0]["job_id"]).urls[2]
    # with its flags; the simulator's loopback link is no image prompt a later cell can use
    assert ack["copy"] == "%%imagine\na red fox in snow --ar 3:2 --v 7"
    assert url not in ack["copy"]
    assert len(sim.created) == before  # nothing submitted


def test_a_video_extended_four_times_then_upscaled_cannot_be_extended(tmp_path):
    """The facts come from the contract: extensions survive a video upscale (issue 9)."""
    with Simulator(job_seconds=0.1, video_seconds=0.3, extend_seconds=0.2) as sim:
        client = Client.for_service(
            sim, poll_interval=0.05, store=False, cache_dir=tmp_path / "media"
        )
        session = Session(client=client, settings=Settings(thumbnail_size=64))
        card = RecordingCard(session)
        card.submit(
            "video_diffusion",
            lambda: client.video_diffusion(prompt="a cat --bs 1"),
            params={},
            label="Animate",
        )
        card.wait(60)

        def click(action, params, rid):
            key = card.cards[-1]["key"]
            card._on_msg(
                card,
                {
                    "type": "action",
                    "rid": rid,
                    "key": key,
                    "action": action,
                    "index": 0,
                    "params": params,
                },
                [],
            )
            until(
                lambda: card.cards[-1]["key"] != key and card.settled,
                timeout=60,
                what=f"{action} child",
            )
            return card.cards[-1]

        for n in range(1, 5):
            state = click("extend", {"prompt": f"step {n}"}, f"x{n}")
            assert state["status"] == "finished" and state["extensions"] == n
        assert "at most 4 times" in state["actions"]["extend"]
        up = click("upscale_video", {}, "up")
        assert up["status"] == "finished" and up["kind"] == "video"
        assert up["label"].startswith("Upscale video of video 1 of job")
        assert up["extensions"] == 4 and up["max_extensions"] == 4
        assert "at most 4 times" in up["actions"]["extend"]  # disabled, with the reason
        assert "already upscaled" in up["actions"]["upscale_video"]
        assert all(c["ok"] for c, _ in card.sent if c.get("type") == "ack")


def test_waiting_message_shows_only_while_waiting(session):
    from youchuan_nb.client import Job
    from youchuan_nb.notebook._card_state import Node, card_state

    node = Node("k", action="diffusion", params={}, prompt="a fox --ar 16:9")
    node.state, node.message = "waiting", "waiting for a free slot (3 of 3 jobs in flight)"
    state = card_state(node, expected=None)
    assert state["status"] == "waiting" and state["ended"] is False
    assert state["message"].startswith("waiting for a free slot")
    assert state["aspect"] == 16 / 9 and state["actions"] == {} and state["job_id"] == ""
    node.job = Job(session.client, {"id": "j-running", "status": 1}, action="diffusion")
    state = card_state(node, expected=None)
    assert state["status"] == "running" and state["job_id"] == "j-running"
    assert state["message"] == "" and state["ended"] is False and state["ended_at"] is None
    node.state, node.job = "refused", None
    node.message = "Msg_Sensitive: rephrase"
    state = card_state(node, expected=None)
    assert state["ended"] is True and state["message"] == "Msg_Sensitive: rephrase"
