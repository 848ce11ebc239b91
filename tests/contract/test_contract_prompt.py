"""Prompt parsing and the per-model rules (contract/prompt.py).

The per-model rules come from secondary sources (copies of the service's help pages), so these
tests check them in strict mode; tests/contract/test_contract_rule_marks.py checks the default.
"""

from __future__ import annotations

import pytest

from youchuan_nb.contract import (
    DEFAULT_MODEL,
    InvalidRequest,
    PromptError,
    parse_prompt,
)
from youchuan_nb.contract import check_prompt as _check_prompt


def check_prompt(text, **kw):
    return _check_prompt(text, **{"rules": "strict", **kw})


U = "https://example.com/{}.png"


def test_parse_images_text_and_flags():
    p = parse_prompt(f"{U.format(1)} {U.format(2)} a red fox in snow --ar 16:9 --v 7 --no trees")
    assert p.images == [U.format(1), U.format(2)]
    assert p.text == "a red fox in snow"
    assert p.flags == [("ar", "16:9"), ("version", "7"), ("no", "trees")]
    assert p.model == "7" and p.aspect == (16, 9) and p.chips[0] == "--ar 16:9"


def test_aliases_and_defaults():
    p = parse_prompt("a fox --s 200 --c 10 --q 2 --aspect 3:2")
    assert p.get("stylize") == "200" and p.get("chaos") == "10" and p.get("quality") == "2"
    assert p.aspect == (3, 2)
    assert parse_prompt("a fox").model == DEFAULT_MODEL == "6.1"
    assert parse_prompt("a fox --niji 6").model == "niji 6"
    assert parse_prompt("a fox --seed 42").seed == 42
    assert parse_prompt("a fox --v 8.1 --hd").is_v81 and parse_prompt("a fox --v 8.1 --hd").hd
    assert parse_prompt("a fox --draft --v 7").draft
    assert parse_prompt("a cat --bs 2").batch_size == 2 and parse_prompt("a cat").batch_size == 4
    assert parse_prompt("a url-like--thing").flags == []


@pytest.mark.parametrize(
    "flag",
    ["--stop 50", "--weird 10", "--tile", "--cref " + U.format(1), "--draft", "--turbo"],
)
def test_v81_rejects_flags(flag):
    name = flag.split()[0]
    with pytest.raises(PromptError) as info:
        check_prompt(f"a fox {flag} --v 8.1")
    assert name in str(info.value) and "8.1" in str(info.value)


def test_v81_rejects_cw_and_multi_prompts():
    with pytest.raises(PromptError, match="--cw"):
        check_prompt(f"a fox --cref {U.format(1)} --cw 50 --v 8.1")
    with pytest.raises(PromptError, match="::"):
        check_prompt("a fox :: a hen --v 8.1")
    check_prompt("a fox :: a hen")  # 6.1 (no flag) allows multi-prompts


def test_no_flag_means_61():
    check_prompt("a fox --stop 50 --tile --weird 10")  # fine for 6.1
    with pytest.raises(PromptError, match=r"model 6\.1"):
        check_prompt("a fox --draft")


def test_the_parent_model_applies_to_a_remix_prompt():
    with pytest.raises(PromptError):
        check_prompt("a wolf --tile", field_name="remix_prompt", default_model="8.1")
    check_prompt("a wolf --tile", field_name="remix_prompt", default_model="7")


def test_image_prompt_limits():
    twenty = " ".join(U.format(i) for i in range(20))
    assert len(check_prompt(f"{twenty} a fox").images) == 20
    with pytest.raises(PromptError, match="at most 20 image prompts"):
        check_prompt(f"{twenty} {U.format(20)} a fox")
    srefs = " ".join(U.format(i) for i in range(20))
    check_prompt(f"a fox --sref {srefs}")
    with pytest.raises(PromptError, match="--sref takes at most 20"):
        check_prompt(f"a fox --sref {srefs} {U.format(99)}")


def test_one_oref():
    check_prompt(f"a fox --oref {U.format(1)} --v 7")
    with pytest.raises(PromptError, match="exactly one"):
        check_prompt(f"a fox --oref {U.format(1)} {U.format(2)} --v 7")
    with pytest.raises(PromptError, match="--oref works only"):
        check_prompt(f"a fox --oref {U.format(1)}")


def test_data_uri_is_refused_with_advice():
    with pytest.raises(PromptError) as info:
        check_prompt("data:image/png;base64,iVBORw0KGgo= a fox")
    assert "data: URI" in str(info.value) and "URL" in str(info.value)


@pytest.mark.parametrize(
    "text,fragment",
    [
        ("", "empty"),
        ("x" * 8193, "8192"),
        ("a fox --chaos 101", "--chaos"),
        ("a fox --ar 16x9", "--ar"),
        ("a fox --v 9", "--v"),
        ("a fox --v 5.2", "use 6, 6.1, 7 or 8.1"),  # the models the sources list (§5.2)
        ("a fox --v 8", "use 6, 6.1, 7 or 8.1"),
        ("a fox --niji 7 --q 2", "none (leave --q out)"),  # the matrix: no --q on niji 7
        ("a fox --bs 2", "--bs applies to video only"),  # (on v8.1 too: D7 lists it)
        ("a fox --motion high --v 7", "--motion applies to video only"),
        ("a fox --seed 1.5", "whole number"),
        ("a fox --hd", "--hd works only"),
        ("a fox --q 4", "--q 4"),
        ("a fox --repeat 3", "--repeat"),
        (U.format(1), "at least two images"),
        ("a fox --sw 100", "--sw needs --sref"),
        ("a fox --iw 1", "--iw needs"),
    ],
)
def test_invalid_prompts(text, fragment):
    with pytest.raises(PromptError) as info:
        check_prompt(text)
    assert fragment in str(info.value)
    assert isinstance(info.value, InvalidRequest) and isinstance(info.value, ValueError)


@pytest.mark.parametrize("text", ["a fox --ar 1:1 --ar 2:1", "--ar 1:1"])
def test_assumed_prompt_rules_are_gone(text):
    """A flag given twice and a prompt of flags only were assumptions: never refused."""
    assert _check_prompt(text, rules="strict").raw == text


def test_video_prompts():
    check_prompt("a cat walks --motion high --bs 2", kind="video")
    with pytest.raises(PromptError, match="does not apply to video"):
        check_prompt("a cat walks --stylize 100", kind="video")
    with pytest.raises(PromptError, match="--motion"):
        check_prompt("a cat --motion fast", kind="video")


def test_unknown_flags_only_warn():
    p = check_prompt("a fox --mystery 3")
    assert p.warnings and "--mystery" in p.warnings[0]


def test_source_listed_models_and_qualities_pass():
    listed = ("a fox --v 6", "a fox --v 6.1 --q 0.5", "a fox --v 7 --q 4", "a fox --v 8.1 --q 4")
    for text in listed:
        assert check_prompt(text).raw == text
    assert check_prompt("a fox --niji 7").model == "niji 7"
