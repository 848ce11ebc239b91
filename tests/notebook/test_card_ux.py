"""Issue 12 on the card: two languages, compact hover actions, honest states, Retry.

Python tests drive real JobCards on the simulator; browser tests render the states those cards
made (in English and in Chinese) in the harness of test_card_js.py, in Debian's Chromium.
"""

from __future__ import annotations

import re

import pytest
from _waiting import until

from youchuan_nb import i18n
from youchuan_nb.client import Client
from youchuan_nb.i18n import CATALOGUES
from youchuan_nb.notebook import JobCard
from youchuan_nb.notebook._session import Session, Settings
from youchuan_nb.sim import Faults, Simulator

ROOT_DOCS = __import__("pathlib").Path(__file__).resolve().parents[2] / "docs"
ZH_PROMPT = "黄昏时海边的灯塔 --ar 3:2 --v 7"


@pytest.fixture
def lang(monkeypatch):
    """set_language for one test (no YOUCHUAN_NB_LANG from the environment)."""
    monkeypatch.delenv("YOUCHUAN_NB_LANG", raising=False)
    yield i18n.set_language
    i18n.set_language(None)


@pytest.fixture
def sim():
    with Simulator(job_seconds=0.2, video_seconds=0.4) as s:
        yield s


@pytest.fixture
def session(sim, tmp_path):
    client = Client.for_service(
        sim, poll_interval=0.05, store=tmp_path / "jobs.sqlite3", cache_dir=tmp_path / "media"
    )
    yield Session(client=client, settings=Settings(thumbnail_size=128))
    client.store.close()


def _message(card: dict) -> str:
    return f"{card['message']} {card['detail']}"


# -- Python: the states in both languages ---------------------------------------------------


def test_chinese_failure_comments_are_chinese_in_zh_and_their_meaning_in_en(sim, session, lang):
    sim.comment_style = "zh"
    sim.faults = Faults(seed=1, fail=1.0, on_submit=False, on_poll=False)
    lang("zh")
    card = JobCard.imagine("一只狐狸 --v 7", session).wait(30)
    sim.faults = None
    state = card.cards[0]
    assert state["status"] == "failed" and state["status_text"] == "失败"
    assert state["message"].startswith("任务失败")
    assert not re.search(r"[A-Za-z]{3,}", state["message"]), state["message"]
    lang("en")
    card._sync()  # the next update speaks the new language
    state = card.cards[0]
    assert state["message"].startswith("The job failed") and "失败" not in state["message"]


def test_enum_failure_comment_is_translated(sim, session, lang):
    sim.faults = Faults(
        seed=1, fail=1.0, fail_comment="JobStatusTextReject", on_submit=False, on_poll=False
    )
    lang("zh")
    card = JobCard.imagine("a storm --v 7", session).wait(30)
    sim.faults = None
    assert (
        card.cards[0]["message"]
        == "任务失败：提示词未通过审核（不扣费）。请修改提示词或换用其他图片。"
    )


def test_refusal_in_plain_words_first_with_status_and_reason_once(session, lang):
    lang("zh")
    card = JobCard.imagine("a forbidden thing --v 7", session).wait(30)
    state = card.cards[0]
    assert state["status"] == "refused" and state["status_text"] == "被拒绝"
    assert (
        state["message"] == "服务拒绝了请求：提示词包含被拒绝的敏感词。请换一种说法，去掉这些词。"
    )
    assert state["detail"] == "HTTP 403 Msg_Sensitive"  # the server's English message: not in zh
    assert _message(state).count("403") == 1


ZH = CATALOGUES["zh"]


def test_disabled_reasons_and_labels_in_chinese(session, lang):
    lang("zh")
    card = JobCard.imagine("a castle --v 8.1", session).wait(30)
    grid = card.cards[0]
    assert grid["label"] == "生成" and grid["model"] == "v8.1"
    # pan on 8.1 is a secondary rule (D7): by default the button is on and the service decides
    assert grid["actions"]["pan"] == ""
    assert grid["actions"]["enhance"] == ZH["why.enhance_draft"]  # the document's rule
    # a v8.1 upscale answers with 4 HD images: a numbered grid, labelled in Chinese
    card.perform(grid["key"], "upscale", 0, {"type": "standard"})
    card.wait(30)
    up = card.cards[1]
    assert up["kind"] == "grid" and len(up["outputs"]) == 4, up
    assert up["label"] == f"高清放大（细微） · 来自任务 {grid['job_id'][:8]} 的第 1 张图"
    assert up["model"] == "v8.1"
    assert up["actions"]["upscale_standard"] == "这张图已经放大过，不能再次放大。"


def test_children_show_their_real_model_and_text_to_video_none(session, lang):
    lang("en")
    card = JobCard.imagine("a lighthouse --v 7", session).wait(30)
    grid = card.cards[0]
    card.perform(grid["key"], "upscale", 2, {"type": "creative"})
    card.wait(30)
    assert [c["model"] for c in card.cards] == ["v7", "v7"]
    assert (
        card.cards[0]["actions"]["enhance"] == "Enhance works only on draft jobs (--draft --v 7)."
    )
    t2v = JobCard(session)
    t2v.add_job(session.client.video_diffusion(prompt="a fox runs through snow"))
    t2v.wait(60)
    assert t2v.cards[0]["kind"] == "video" and t2v.cards[0]["model"] == ""


def test_used_actions_are_reported_and_doing_it_again_makes_one_more_job(session, sim, lang):
    lang("en")
    card = JobCard.imagine("a fox --v 7", session).wait(30)
    key = card.cards[0]["key"]
    card.perform(key, "upscale", 1, {"type": "standard"})
    card.wait(30)
    assert card.cards[0]["used"] == [
        {"action": "upscale", "index": 1, "params": {"type": "standard"}}
    ]
    before = sim.count("upscale")
    card.perform(key, "upscale", 1, {"type": "standard"})  # the user confirmed "pay again"
    card.wait(30)
    assert sim.count("upscale") == before + 1
    assert len(card.cards[0]["used"]) == 2


def test_retry_makes_exactly_one_new_job(sim, session, lang):
    lang("en")
    sim.faults = Faults(seed=1, fail=1.0, on_submit=False, on_poll=False)
    card = JobCard.imagine("a storm at sea --v 7", session).wait(30)
    sim.faults = None
    failed = card.cards[0]
    assert failed["status"] == "failed" and failed["grid_actions"] == {"retry": ""}
    before = sim.count("diffusion")
    msg = {"type": "action", "rid": "r1", "key": failed["key"], "action": "retry", "index": None}
    card._on_msg(card, msg, [])
    card._on_msg(card, {**msg, "rid": "r2"}, [])  # a double click: still one job
    until(lambda: len(card.cards) == 2 and card.settled, what="the retried job")
    assert sim.count("diffusion") == before + 1
    again = card.cards[1]
    assert again["status"] == "finished" and again["prompt"] == "a storm at sea"
    assert "retry" not in card.cards[0]["grid_actions"]  # retried once: the button goes


def test_waiting_for_a_slot_says_so_in_both_languages(sim, tmp_path, lang):
    client = Client.for_service(
        sim, poll_interval=0.05, max_concurrent=1, store=tmp_path / "s.db", cache_dir=tmp_path
    )
    session = Session(client=client, settings=Settings(thumbnail_size=64))
    sim.job_seconds = 1.0
    lang("zh")
    first = JobCard.imagine("one --v 7", session)
    first.wait_for_job(10)
    second = JobCard.imagine("two --v 7", session)
    until(lambda: second.cards and second.cards[0]["status"] in ("waiting", "queued"))
    state = second.cards[0]
    if state["status"] == "waiting":  # (the first may have ended already on a slow machine)
        assert (
            state["message"].startswith("正在等待空闲名额")
            and state["status_text"] == "等待空闲名额"
        )
    first.wait(30)
    second.wait(30)
    assert second.cards[0]["status"] == "finished" and second.cards[0]["message"] == ""
    client.store.close()


def test_static_fallback_in_chinese(session, lang):
    lang("zh")
    card = JobCard.imagine(ZH_PROMPT, session).wait(30)
    data, _ = card._repr_mimebundle_()
    assert "已完成" in data["text/plain"] and "4 张图片" in data["text/plain"]
    assert 'lang="zh-CN"' in data["text/html"] and "黄昏时海边的灯塔" in data["text/html"]
    assert "Finished" not in data["text/html"] and "SIMULATOR" not in data["text/html"]


def test_card_js_names_only_catalogue_texts_and_the_catalogue_has_no_dead_ones():
    """card.js reads its words from the `strings` trait ("card.js.<name>"): every name it asks
    for is in the catalogue, and every card.js.* message of the catalogue is used."""
    from pathlib import Path

    source = (
        Path(__file__).resolve().parents[2] / "youchuan_nb/notebook/static/card.js"
    ).read_text()
    strings = i18n.strings("card.js.", "en")
    names = {k.removeprefix("card.js.") for k in strings}
    asked = set(re.findall(r"\btr\(\s*\"([\w.]+)\"", source))
    # names picked by a condition: tr(cond ? "a" : "b")
    for a, b in re.findall(r"\btr\([^()]*?\?\s*\"([\w.]+)\"\s*:\s*\"([\w.]+)\"", source):
        asked |= {a, b}
    buttons = set(re.findall(r"^  \"?([\w.]+)\"?: \{ key:", source, re.M))
    groups = set(re.findall(r"\[\"(\w+)\", \[\"", source))
    assert len(buttons) == 22 and groups == {"upscale", "vary", "edit", "panzoom", "animate", "use"}
    asked |= {f"btn.{b}" for b in buttons} | {f"tip.{b}" for b in buttons}
    asked |= {f"group.{g}" for g in groups}
    missing = asked - names
    assert not missing, f"card.js asks for texts the catalogue lacks: {sorted(missing)}"
    unused = names - asked
    assert not unused, f"catalogue texts card.js never shows: {sorted(unused)}"
    # and no English sentence is written into card.js itself (outside comments)
    code = re.sub(r"//.*|/\*.*?\*/", "", source, flags=re.S)
    sentences = re.findall(r"[\"`]([A-Z][a-z]+(?: [a-z]+){2,}[^\"`]*)[\"`]", code)
    assert not sentences, sentences


def test_a_card_rebuilt_from_jobs_knows_what_was_used_and_can_retry(sim, session, lang):
    """Cards made from existing jobs (%youchuan job, the gallery, a re-run) read the used
    actions back from the children's requests, and retry a failed job they did not submit."""
    lang("en")
    grid = session.client.diffusion("a fox --v 7").wait(30)
    vary = grid.vary(2, strong=True).wait(30)
    pan = grid.pan(0, "left", 1.5).wait(30)
    card = JobCard(session)
    key = card.add_job(grid).key
    card.add_job(vary, key)
    card.add_job(pan, key)
    card.wait(30)
    assert sorted(card.cards[0]["used"], key=lambda u: u["action"]) == [
        {"action": "pan", "index": 0, "params": {"direction": "left"}},
        {"action": "vary", "index": 2, "params": {"strong": True}},
    ]
    sim.faults = Faults(seed=1, fail=1.0, on_submit=False, on_poll=False)
    failed = session.client.diffusion("a storm --v 7").wait(30, raise_on_failure=False)
    sim.faults = None
    assert failed.failed
    other = JobCard(session)
    node = other.add_job(failed)
    other.wait(30)
    assert other.cards[0]["grid_actions"] == {"retry": ""}
    before = sim.count("diffusion")
    other.retry(node.key)
    other.retry(node.key)  # once only
    other.wait(30)
    assert sim.count("diffusion") == before + 1 and other.cards[1]["status"] == "finished"
