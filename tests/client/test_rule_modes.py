"""Client(rules=...) over real HTTP to the simulator: by default a secondary-source rule warns
once and the request goes to the service; strict refuses with nothing sent; the document's rules
refuse in both; assumptions no longer refuse."""

from __future__ import annotations

import warnings

import pytest

from youchuan_nb.client import Client, NotSupportedError
from youchuan_nb.contract import InvalidRequest, PromptError, RuleWarning, reset_warnings


@pytest.fixture(autouse=True)
def _fresh_warnings():
    reset_warnings()
    yield
    reset_warnings()


@pytest.fixture
def strict(sim):
    return Client.for_service(sim, poll_interval=0.05, store=False, rules="strict")


def _api(sim):
    """The API requests the simulator received (media downloads run in the background)."""
    return [r for r in sim.request_log if r[1].startswith("/v1/")]


def _posts(sim, endpoint):
    return sum(1 for method, path, _ in sim.request_log if method == "POST" and endpoint in path)


def test_the_default_is_documented(client):
    assert client.rules == "documented"


def test_a_secondary_rule_is_sent_with_one_warning(sim, client):
    before = _posts(sim, "/diffusion")
    with pytest.warns(RuleWarning) as caught:
        first = client.diffusion("a fox in snow --draft")  # --draft without --v 7 (D5)
        second = client.diffusion("a hen at dusk --draft")  # the same rule again
    assert [w.message.rule for w in caught] == ["prompt.draft"]
    message = str(caught[0].message)
    assert "--draft" in message and "rules='strict'" in message and "D5" in message
    assert _posts(sim, "/diffusion") == before + 2, "both went to the service"
    assert first.wait(20).ok and second.wait(20).ok  # and the service (simulated) decided


def test_strict_refuses_the_same_request_and_sends_nothing(sim, strict):
    before = len(_api(sim))
    with pytest.raises(PromptError) as info:
        strict.diffusion("a fox in snow --draft")
    exc = info.value
    assert (exc.rule, exc.source, exc.param) == ("prompt.draft", "secondary", "--draft")
    assert len(_api(sim)) == before and sim.created == []


def test_a_doc_rule_refuses_in_both_modes_and_sends_nothing(sim, client, strict):
    before = len(_api(sim))
    for c in (client, strict):
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuleWarning)
            with pytest.raises(InvalidRequest) as info:
                c.pan("0f" * 16, 0, "up", 5)  # scale 1.1-3.0: the document
        assert (info.value.rule, info.value.source) == ("pan.scale", "doc")
    assert len(_api(sim)) == before


@pytest.mark.parametrize(
    "prompt",
    ["a fox --ar 1:1 --ar 2:1", "--ar 3:2 --v 7"],
    ids=["a flag twice", "flags only"],
)
def test_an_assumption_no_longer_refuses(sim, strict, prompt):
    """Refusing these was an assumption: even a strict client and simulator let them through."""
    sim.rules = "strict"
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuleWarning)
        job = strict.diffusion(prompt)
    assert job.wait(20).ok
    assert sim.created[-1]["id"] == job.id


def test_a_secondary_follow_up_rule_warns_and_goes_to_the_service(sim, client, strict):
    v81 = client.diffusion("a castle --v 8.1").wait(20)
    before = _posts(sim, "/pan")
    with pytest.warns(RuleWarning) as caught:
        pan = client.pan(v81.id, 0, "left", 1.5)  # pan on 8.1: D7, a secondary source
    assert [w.message.rule for w in caught] == ["follow.v81"]
    assert _posts(sim, "/pan") == before + 1 and pan.wait(20).ok
    # a strict client that knows the parent refuses it locally
    known = strict.job(v81.id)
    with pytest.raises(NotSupportedError) as info:
        strict.pan(known.id, 0, "left", 1.5)
    assert info.value.local and _posts(sim, "/pan") == before + 1


def test_a_strict_simulator_refuses_what_a_default_client_sends(sim, client):
    sim.rules = "strict"
    from youchuan_nb.client import InvalidPromptError

    with pytest.warns(RuleWarning), pytest.raises(InvalidPromptError) as info:
        client.diffusion("a fox --chaos 500")
    assert info.value.status == 400 and not info.value.local
    assert _api(sim)[-1] == ("POST", "/v1/tob/diffusion", 400)


def test_rules_is_checked_when_the_client_is_made(sim):
    with pytest.raises(InvalidRequest) as info:
        Client.for_service(sim, store=False, rules="lenient")
    assert info.value.param == "rules"


def test_messages_in_chinese_keep_their_rule_and_field(sim, strict, monkeypatch):
    monkeypatch.setenv("YOUCHUAN_NB_LANG", "zh")
    with pytest.raises(PromptError) as info:
        strict.diffusion("a fox --hd")
    assert "只适用于 --v 8.1" in str(info.value)
    assert (info.value.rule, info.value.param) == ("prompt.hd", "--hd")
    with pytest.warns(RuleWarning, match="不在官方文档中"):
        Client.for_service(sim, store=False).diffusion("a fox --hd")
