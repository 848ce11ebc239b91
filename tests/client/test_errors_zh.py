"""Errors over real HTTP say what happened and what to do in the catalogue's language at the
moment they are raised; what a program tests (status, reason, comment) is the same in both."""

from __future__ import annotations

import re
import socket

import pytest

from youchuan_nb.client import (
    APIConnectionError,
    AuthenticationError,
    Client,
    InsufficientBalanceError,
    JobFailedError,
    SensitivePromptError,
)
from youchuan_nb.contract.errors import REASONS
from youchuan_nb.i18n import CATALOGUES, t
from youchuan_nb.sim import Faults, Simulator


def han(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_refused_request_carries_advice_in_the_language(sim, tmp_path, monkeypatch, lang):
    monkeypatch.setenv("YOUCHUAN_NB_LANG", lang)
    client = Client(sim.app_id, "not-the-secret", sim.url, store=False, max_retries=0)
    with pytest.raises(AuthenticationError) as info:
        client.subscribe()
    exc = info.value
    assert (exc.status, exc.reason) == (401, "Invalid_App_Identifier")  # language-neutral
    assert exc.advice == t("client.advice.Invalid_App_Identifier", lang)
    assert exc.advice in str(exc) and "YOUCHUAN_APP_ID" in exc.advice
    assert han(str(exc)) == (lang == "zh")
    assert "not-the-secret" not in str(exc)


def test_advice_follows_a_switch_without_a_restart(tmp_path, monkeypatch):
    with Simulator(balance=0.0, job_seconds=0.2) as poor:
        client = Client.for_service(poor, store=False, max_retries=0)
        said = {}
        for lang in ("zh", "en"):
            monkeypatch.setenv("YOUCHUAN_NB_LANG", lang)
            with pytest.raises(InsufficientBalanceError) as info:
                client.imagine("a fox")
            said[lang] = info.value
        assert said["zh"].reason == said["en"].reason == "Account_Fee_Not_Enough"
        assert said["zh"].status == said["en"].status == 402
        assert han(said["zh"].advice) and not han(said["en"].advice)
        assert "充值" in str(said["zh"]) and "Top up" in str(said["en"])


def test_a_sensitive_prompt_is_refused_in_chinese(sim, monkeypatch):
    monkeypatch.setenv("YOUCHUAN_NB_LANG", "zh")
    client = Client.for_service(sim, store=False, max_retries=0)
    with pytest.raises(SensitivePromptError) as info:
        client.imagine("a forbidden fox")
    assert info.value.reason == "Msg_Sensitive"
    assert info.value.advice == "请换一种说法，去掉被拒绝的词。"


def test_no_answer_is_said_in_chinese(monkeypatch):
    monkeypatch.setenv("YOUCHUAN_NB_LANG", "zh")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    client = Client("app", "secret-xyz", f"http://127.0.0.1:{port}", store=False, max_retries=0)
    with pytest.raises(APIConnectionError) as info:
        client.subscribe()
    text = str(info.value)
    assert "连接被拒绝" in text and "请检查网络" in text, text
    assert not re.search(r"\b(refused|Check|network)\b", text), text


@pytest.mark.parametrize("style", ["enum", "zh"])
def test_a_failed_job_says_why_in_chinese_and_keeps_the_services_comment(monkeypatch, style):
    monkeypatch.setenv("YOUCHUAN_NB_LANG", "zh")
    faults = Faults(fail=1.0, fail_comment="JobStatusTextReject")
    with Simulator(faults=faults, comment_style=style, job_seconds=0.2) as failing:
        client = Client.for_service(failing, store=False, poll_interval=0.05)
        job = client.imagine("a fox")
        with pytest.raises(JobFailedError) as info:
            job.wait(30)
    exc = info.value
    assert exc.comment == job.comment  # the service's own words, as they came
    text = str(exc)
    words = t("comment.JobStatusTextReject", "zh")
    assert text.startswith(f"任务 {job.id} 失败：{words}"), text
    assert "failed" not in text and "moderation" not in text, text
    assert job.reason == t("comment.JobStatusTextReject", "zh")


def test_the_english_advice_is_the_documents_digest():
    """The contract keeps the English digest of each reason; the user reads the catalogue's."""
    en = CATALOGUES["en"]
    for name, reason in REASONS.items():
        assert en[f"client.advice.{name}"] == reason.advice, name
        assert en[f"client.meaning.{name}"] == reason.meaning, name
        assert han(CATALOGUES["zh"][f"client.advice.{name}"]), name
