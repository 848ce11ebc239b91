"""The Studio's own pictures (image prompt, --sref, --oref) against the built-in simulator: a
pick is checked at once, uploaded at Imagine, sent as URLs and shown by name and thumbnail."""

from __future__ import annotations

import io

import pytest
from PIL import Image


def _png(colour, size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def studio():
    from youchuan_nb.notebook._session import get_session
    from youchuan_nb.notebook._studio import Studio

    return Studio(get_session())


def test_picked_pictures_go_where_the_service_takes_urls(studio):
    # the state a browser sends when a file is picked (deserialised as ipywidgets does it)
    me = _png((0, 180, 0))
    studio.pictures.pickers["image"].set_state(
        {"value": [{"name": "me at home.png", "type": "image/png", "size": len(me),
                    "content": memoryview(me), "last_modified": 1700000000000}]}
    )  # fmt: skip
    studio.pictures.pick("sref", "style.png", _png((250, 120, 0)))
    studio.sref.value = "12345"  # a style code typed in: the picture joins it
    assert [b.children[1].value for b in studio.pictures.thumbs.children] == [
        "Image prompt: me at home.png",
        "Style (--sref): style.png",
    ]
    studio.prompt.value = "a portrait in ink"
    card = studio.imagine()
    assert card is not None and studio.error.value == ""
    card.wait(30)
    job = card.node_for_job(card.cards[0]["job_id"]).job
    url = studio._session.client.base_url + "/_sim/uploads/"
    assert job.text.startswith(url) and f"--sref {url}" in job.text and "12345" in job.text
    state = card.cards[0]
    assert state["prompt"].startswith("me_at_home.png a portrait in ink")
    assert any(c.startswith("--sref style.png") for c in state["chips"])
    assert [p["name"] for p in state["inputs"]] == ["me_at_home.png", "style.png"]
    assert all(p["src"].startswith("data:image/jpeg;base64,") for p in state["inputs"])
    studio.pictures.forget()
    assert studio.pictures.thumbs.children == () and not any(studio.pictures.chosen.values())


def test_a_pick_that_is_not_a_picture_is_one_line_in_the_studio(studio):
    assert studio.pictures.pick("oref", "notes.txt", b"hello") is None
    assert "notes.txt is not a picture" in studio.error.value
    assert studio.pictures.chosen["oref"] is None


def test_no_host_refuses_before_submitting(studio, monkeypatch):
    client = studio._session.client
    sim = client.simulator
    before = len(sim.created)
    studio.pictures.pick("image", "me.png", _png((1, 2, 3)))
    studio.prompt.value = "a cat"
    monkeypatch.setattr(client.uploads, "host", "none")
    try:
        assert studio.imagine() is None
        assert "no image host is configured" in studio.error.value
    finally:
        client.uploads.host = None
    assert len(sim.created) == before


def _drop(studio, role, name, data):
    """The message the browser's drop target sends (drop.js), as the widget comm delivers it."""
    content = {"method": "custom", "content": {"type": "drop", "role": role, "name": name}}
    buffers = [memoryview(data)] if data is not None else []
    studio.pictures.drop._handle_msg({"content": {"data": content}, "buffers": buffers})


def test_a_dropped_picture_is_taken_like_a_picked_one(studio):
    drop = studio.pictures.drop
    assert drop.roles == ["image", "sref", "oref"] and drop.strings["drop.js.image"]
    _drop(studio, "oref", "robot.png", _png((10, 10, 200)))
    assert studio.pictures.chosen["oref"] is not None and drop.accepted == {"oref": "robot.png"}
    assert studio.pictures.thumbs.children[0].children[1].value == "Object (--oref): robot.png"
    _drop(studio, "oref", "notes.txt", b"not a picture")  # says why; the role keeps its picture
    assert "notes.txt is not a picture" in studio.error.value
    assert drop.accepted == {"oref": "robot.png"} and studio.pictures.chosen["oref"].name
    _drop(studio, "elsewhere", "x.png", _png((1, 1, 1)))  # not a target: ignored
    _drop(studio, "sref", "empty.png", None)  # no bytes came: nothing taken
    assert studio.pictures.chosen["sref"] is None and "elsewhere" not in drop.accepted
    studio.pictures.forget()
    assert drop.accepted == {} and not any(studio.pictures.chosen.values())
