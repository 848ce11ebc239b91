"""Local pictures in ``%%imagine``/``%%animate`` cells, in a real IPython shell against the
built-in simulator: detection (only files that exist), upload and replacement by URLs, the
card showing the path as written with a thumbnail, re-runs that do not submit again."""

from __future__ import annotations

import io
import json

import pytest
import requests
from IPython.core.error import UsageError
from IPython.terminal.interactiveshell import TerminalInteractiveShell
from IPython.testing.globalipapp import start_ipython
from PIL import Image

from youchuan_nb.notebook import _local_pictures as pictures


@pytest.fixture(scope="module")
def ip():
    import os

    os.environ.setdefault("YOUCHUAN_SIM_JOB_SECONDS", "0.2")
    os.environ["YOUCHUAN_NB_WAIT"] = "always"
    shell = start_ipython() or TerminalInteractiveShell.instance()
    shell.run_line_magic("load_ext", "youchuan_nb")
    yield shell


@pytest.fixture
def here(tmp_path, monkeypatch):
    """The kernel's folder is tmp_path, with photo.png (green) and style.jpg (orange) in it."""
    monkeypatch.chdir(tmp_path)
    Image.new("RGB", (80, 60), (20, 200, 20)).save(tmp_path / "photo.png")
    Image.new("RGB", (40, 40), (250, 120, 0)).save(tmp_path / "style.jpg")
    (tmp_path / "notes.txt").write_text("not a picture")
    return tmp_path


def _words(prompt: str) -> list[str]:
    return [m.group() for m in pictures.picture_words(prompt)]


def test_detection_takes_only_existing_files_in_url_positions(here):
    assert _words("photo.png a watercolor of this") == ["photo.png"]
    assert _words("./photo.png https://x.org/a.png photo.png cat") == ["./photo.png", "photo.png"]
    # a word that merely looks like a path is left alone unless the file exists
    assert _words("missing.png a cat") == []
    assert _words("a cat photo.png") == []  # in the text: words, not pictures
    assert _words("a cat --sref style.jpg missing.jpg 123 --oref photo.png style.jpg") == [
        "style.jpg",
        "photo.png",  # --oref takes one
    ]
    assert _words("a cat --no photo.png") == []
    assert _words(f"{here}/photo.png a cat") == [f"{here}/photo.png"]


def test_tilde_paths_count(here, monkeypatch):
    monkeypatch.setenv("HOME", str(here))
    assert _words("~/photo.png a cat") == ["~/photo.png"]


def test_imagine_uploads_and_the_card_keeps_the_path(ip, here):
    from youchuan_nb.notebook._session import get_session

    ip.run_cell_magic("imagine", "--name pic", "./photo.png a watercolor of this --sref style.jpg")
    job = ip.user_ns["pic"]
    sim = get_session().client.simulator
    sent = job.text
    assert "./photo.png" not in sent and "style.jpg" not in sent
    first, rest = sent.split(" ", 1)
    assert first.startswith(sim.url + "/_sim/uploads/") and "--sref " + sim.url in rest
    served = Image.open(io.BytesIO(requests.get(first, timeout=10).content))
    assert served.size == (80, 60)
    card = get_session().cards[-1]
    state = card.cards[0]
    assert state["prompt"].startswith("./photo.png a watercolor of this")
    assert "--sref style.jpg" in state["chips"]
    assert [p["name"] for p in state["inputs"]] == ["./photo.png", "style.jpg"]
    thumb = Image.open(io.BytesIO(_data(state["inputs"][0]["src"])))
    assert max(thumb.size) <= 96 and thumb.getpixel((5, 5))[1] > 150  # green, made here
    # the saved copy keeps the path and no upload URL (nor would it a presigned one)
    bundle = card._repr_mimebundle_()[0]
    saved = bundle["text/html"] + bundle["text/plain"] + json.dumps(card.cards)
    assert "./photo.png" in saved and "/_sim/uploads/" not in saved
    assert "data:image/jpeg;base64," in bundle["text/html"]


def test_rerunning_the_same_cell_with_the_same_file_does_not_submit_again(ip, here):
    from youchuan_nb.notebook._session import get_session

    sim = get_session().client.simulator
    ip.run_cell_magic("imagine", "--name one", "photo.png a quiet lake")
    before = sim.count("diffusion")
    uploads = sum(1 for r in sim.request_log if r[:2] == ("POST", "/_sim/uploads"))
    ip.run_cell_magic("imagine", "--name two", "photo.png a quiet lake")
    assert sim.count("diffusion") == before
    assert ip.user_ns["two"].id == ip.user_ns["one"].id
    after = sum(1 for r in sim.request_log if r[:2] == ("POST", "/_sim/uploads"))
    assert after == uploads  # nor uploaded again


def test_a_changed_file_is_a_new_request(ip, here):
    from youchuan_nb.notebook._session import get_session

    sim = get_session().client.simulator
    ip.run_cell_magic("imagine", "--name a", "photo.png a misty hill")
    Image.new("RGB", (80, 60), (200, 20, 20)).save(here / "photo.png")
    before = sim.count("diffusion")
    ip.run_cell_magic("imagine", "--name b", "photo.png a misty hill")
    assert sim.count("diffusion") == before + 1
    assert ip.user_ns["a"].text != ip.user_ns["b"].text


def test_bad_pictures_are_one_line_and_nothing_is_sent(ip, here):
    from youchuan_nb.notebook._session import get_session

    sim = get_session().client.simulator
    before = len(sim.created)
    with pytest.raises(UsageError) as err:
        ip.run_cell_magic("imagine", "", "notes.txt a cat")
    msg = str(err.value)
    assert msg.startswith("%%imagine: notes.txt is not a picture") and "\n" not in msg
    with pytest.raises(UsageError, match="the service accepts at most 8192"):  # after upload
        ip.run_cell_magic("imagine", "", "photo.png a cat " + "very " * 2000)
    assert len(sim.created) == before


def test_animate_takes_a_local_start_picture(ip, here):
    from youchuan_nb.notebook._session import get_session

    ip.run_cell_magic("animate", "--name clip", "photo.png the grass sways")
    clip = ip.user_ns["clip"]
    sim = get_session().client.simulator
    assert clip.params["prompt"].startswith(sim.url + "/_sim/uploads/") and clip.ok
    assert get_session().cards[-1].cards[0]["prompt"].startswith("photo.png the grass sways")


def _data(src: str) -> bytes:
    import base64

    return base64.b64decode(src.split(",", 1)[1])


def test_config_chooses_the_image_host(ip, here):
    from youchuan_nb.notebook._session import get_session

    client = get_session().client
    ip.run_line_magic("config", "ImagineMagics.image_host = 'none'")
    try:
        with pytest.raises(UsageError) as err:
            ip.run_cell_magic("imagine", "", "style.jpg a new picture of it")
        assert "no image host is configured" in str(err.value)
    finally:
        ip.run_line_magic("config", "ImagineMagics.image_host = 'simulator'")
    assert client.upload(here / "style.jpg").startswith(client.base_url + "/_sim/uploads/")


def test_youchuan_retexture_and_remove_bg_take_a_local_picture(ip, here):
    from youchuan_nb.notebook._session import get_session

    sim = get_session().client.simulator
    ip.run_line_magic("youchuan", "retexture photo.png glass and gold")
    job = get_session().cards[-1].root.job
    assert job.params["imgUrl"].startswith(sim.url + "/_sim/uploads/")
    ip.run_line_magic("youchuan", "remove-bg ./photo.png")
    assert get_session().cards[-1].root.job.params["imgUrl"] == job.params["imgUrl"]
    with pytest.raises(UsageError, match=r"notes\.txt is not a picture"):
        ip.run_line_magic("youchuan", "remove-bg notes.txt")
