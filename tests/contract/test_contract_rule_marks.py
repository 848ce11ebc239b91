"""Every rule says where it comes from (contract/sources.py), every refusal carries its rule, and
the marks decide: the document's rules refuse, secondary ones warn once, assumptions never act."""

from __future__ import annotations

import ast
import re
import warnings
from pathlib import Path

import pytest

from youchuan_nb.contract import (
    RULES,
    InvalidRequest,
    JobFacts,
    PromptError,
    RuleWarning,
    check_prompt,
    refusal,
    refuses,
    reset_warnings,
    validate,
)
from youchuan_nb.contract.sources import markdown_table

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "docs" / "reference" / "youchuan-open-api.zh.txt"
CONTRACT = ROOT / "youchuan_nb" / "contract"
U = "https://example.com/{}.png"


@pytest.fixture(autouse=True)
def _fresh_warnings():
    reset_warnings()
    yield
    reset_warnings()


def test_every_rule_has_a_mark_and_a_citation():
    for r in RULES.values():
        assert r.kind in ("doc", "secondary", "assumption"), r
        assert r.cite.strip(), r
        assert r.checked == (r.kind != "assumption"), r
        if r.kind == "secondary":
            assert "response-side-research.md" in r.cite, r  # names the item it comes from
        assert not r.sim_refuses or r.kind == "secondary", r


@pytest.mark.parametrize("rule_id", sorted(i for i, r in RULES.items() if r.kind == "doc"))
def test_a_doc_rule_quotes_the_document(rule_id):
    text = DOCUMENT.read_text(encoding="utf-8")
    quote = RULES[rule_id].quote
    assert quote and quote in text, f"{rule_id}: {quote!r} is not in the document"


_PREFIXES = {i.split(".")[0] for i in RULES}
_RULE_LIKE = re.compile(rf"^({'|'.join(sorted(_PREFIXES))})\.[a-z0-9_]+(\.[a-z0-9_]+)?$")


def _rule_ids_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and _RULE_LIKE.match(node.value)
        ):
            found.add(node.value)
    return found


@pytest.mark.parametrize("module", ["validation.py", "prompt.py", "rules.py", "endpoints.py"])
def test_every_rule_the_code_names_is_marked_and_applied(module):
    named = _rule_ids_in(CONTRACT / module)
    assert named, module
    for rule_id in named:
        assert rule_id in RULES, f"{module} names {rule_id}, which has no mark"
        assert RULES[rule_id].checked, f"{module} applies {rule_id}, an assumption"


def test_assumptions_never_refuse():
    for rule_id, r in RULES.items():
        if r.kind == "assumption":
            for mode in ("documented", "strict"):
                assert not refuses(rule_id, mode) and not refuses(rule_id, mode, service=True)


# requests breaking one rule each, in mode ``m``: (call, the rule)
BROKEN = [
    (lambda m: validate("diffusion", {"text": ""}, rules=m), "text.length"),
    (lambda m: validate("diffusion", {"text": "a", "colour": "red"}, rules=m), "field.unknown"),
    (lambda m: validate("upscale", {"jobId": "j", "imageNo": 4, "type": 0}, rules=m),
     "image_no.range"),
    (lambda m: validate("upscale", {"jobId": "j", "imageNo": 0, "type": 9}, rules=m),
     "upscale.type"),
    (lambda m: validate("outpaint", {"jobId": "j", "imageNo": 0, "scale": 9}, rules=m),
     "outpaint.scale"),
    (lambda m: validate("retexture", {"imgUrl": "ftp://x", "remixPrompt": "a"}, rules=m),
     "url.http"),
    (lambda m: validate("video_diffusion", {}, rules=m), "video.source"),
    (lambda m: validate("retexture", {"imgUrl": U.format(1), "remixPrompt": "a --v 6"}, rules=m),
     "retexture.model"),
    (lambda m: validate("costs", query={"pageNo": 0, "pageSize": 1}, rules=m), "costs.paging"),
    (lambda m: validate("job", path={"jobId": "a/b"}, rules=m), "path.id"),
    (lambda m: check_prompt("a fox --draft", rules=m), "prompt.draft"),
    (lambda m: check_prompt("a fox --chaos 101", rules=m), "prompt.range.chaos"),
    (lambda m: check_prompt("a fox --v 8.1 --tile", rules=m), "prompt.v81"),
    (lambda m: check_prompt("data:image/png;base64,AAAA a fox", rules=m), "prompt.data_uri"),
    (lambda m: check_prompt(U.format(1), rules=m), "prompt.image_only"),
]  # fmt: skip


@pytest.mark.parametrize("call,rule_id", BROKEN, ids=[b[1] for b in BROKEN])
def test_every_refusal_carries_its_rule_and_mark(call, rule_id):
    with pytest.raises(InvalidRequest) as info:
        call("strict")
    exc = info.value
    assert exc.rule == rule_id and exc.source == RULES[rule_id].kind
    assert exc.param  # the field or flag, language-neutral
    # by default a secondary rule lets the request go on (with a warning); a doc rule refuses
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if RULES[rule_id].kind == "doc":
            with pytest.raises(InvalidRequest):
                call("documented")
        else:
            call("documented")
            # the first warning is this rule's (a request may break others after it)
            assert next(w.message.rule for w in caught if w.category is RuleWarning) == rule_id


def test_by_default_a_doc_rule_refuses_and_a_secondary_rule_warns_once():
    with pytest.raises(PromptError) as info:
        check_prompt("")
    assert info.value.rule == "text.length" and info.value.source == "doc"
    with pytest.warns(RuleWarning) as caught:
        p = check_prompt("a fox --draft")  # draft without --v 7: D5, a secondary source
        check_prompt("a hen --draft")  # the same rule: no second warning
    assert p.draft and len(caught) == 1
    assert caught[0].message.rule == "prompt.draft"
    assert "--draft" in str(caught[0].message) and "strict" in str(caught[0].message)
    with pytest.warns(RuleWarning) as caught:
        validate("diffusion", {"text": "a fox", "colour": "red"})
    assert [w.message.rule for w in caught] == ["field.unknown"]


def test_the_simulator_never_warns_and_refuses_only_what_it_is_marked_for():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuleWarning)
        check_prompt("a fox --v 8.1 --tile", service=True)
        validate("diffusion", {"text": "a", "colour": "red"}, service=True)
        with pytest.raises(PromptError) as info:
            check_prompt("data:image/png;base64,AAAA a fox", service=True)
    assert info.value.rule == "prompt.data_uri" and RULES["prompt.data_uri"].sim_refuses


def test_follow_up_refusals_carry_their_rule():
    v81 = JobFacts(action="diffusion", model="8.1")
    assert refusal("pan", v81, 0) is None  # secondary (D7): not refused by default
    assert refusal("pan", v81, 0, rules="strict").rule == "follow.v81"
    up = JobFacts(action="upscale", outputs=1)
    r = refusal("upscale", up, 0)
    assert r is not None and r.rule == "follow.reupscale" and RULES[r.rule].kind == "doc"


def test_messages_follow_the_language_and_the_attributes_do_not(monkeypatch):
    def refused(text):
        with pytest.raises(PromptError) as info:
            check_prompt(text, rules="strict")
        return info.value

    monkeypatch.setenv("YOUCHUAN_NB_LANG", "en")
    en = refused("a fox --hd")
    monkeypatch.setenv("YOUCHUAN_NB_LANG", "zh")
    zh = refused("a fox --hd")
    assert (en.param, en.rule) == (zh.param, zh.rule) == ("--hd", "prompt.hd")
    assert "works only with" in str(en) and "只适用于" in str(zh)
    with pytest.raises(InvalidRequest) as info:
        validate("pan", {"jobId": "j", "imageNo": 0, "direction": 0, "scale": 5})
    assert "不符合要求" in str(info.value) and info.value.param == "scale"


def test_docs_sources_holds_the_table():
    text = (ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
    block = text.split("<!-- rules table: begin -->\n", 1)[1].split("\n<!-- rules table: end -->")[
        0
    ]
    assert block == markdown_table(), (
        "docs/sources.md is out of step with contract/sources.py: paste the output of "
        "python -c 'from youchuan_nb.contract.sources import markdown_table as m; print(m())'"
    )
