"""Permutation prompts (contract/permutations.py): Midjourney's ``{a, b}`` syntax."""

from __future__ import annotations

import pytest

from youchuan_nb.contract import InvalidRequest, PromptError
from youchuan_nb.contract.permutations import (
    MAX_COMBINATIONS,
    PermutationError,
    count_combinations,
    expand,
    expand_with_values,
    has_permutation,
)


def test_one_prompt_per_combination_first_group_slowest():
    assert expand("a {red, blue} car --ar {1:1, 16:9}") == [
        "a red car --ar 1:1",
        "a red car --ar 16:9",
        "a blue car --ar 1:1",
        "a blue car --ar 16:9",
    ]


def test_values_say_what_varied():
    assert expand_with_values("a {red, blue} car --ar {1:1, 16:9}")[1] == (
        "a red car --ar 16:9",
        ("red", "16:9"),
    )
    assert expand_with_values("a lighthouse --stylize {0, 250, 750}") == [
        ("a lighthouse --stylize 0", ("0",)),
        ("a lighthouse --stylize 250", ("250",)),
        ("a lighthouse --stylize 750", ("750",)),
    ]
    assert expand_with_values("a fox") == [("a fox", ())]


def test_nested_groups():
    assert expand("a {red {car, bike}, blue boat}") == ["a red car", "a red bike", "a blue boat"]
    # an outer option's value includes what its nested group chose
    values = [v for _, v in expand_with_values("a {red {car, bike}, blue boat}")]
    assert values == [("red car",), ("red bike",), ("blue boat",)]
    assert expand("{a, {b, c}}") == ["a", "b", "c"]  # "}}" inside a group closes two groups
    assert count_combinations("{a, {b, c}} {x, y}") == 6


def test_escaped_comma_is_a_literal_comma():
    assert expand(r"soup with {salt\, pepper, oil}") == ["soup with salt, pepper", "soup with oil"]
    assert expand(r"{a\, b}") == ["{a, b}"]  # one option: not a permutation
    assert expand(r"a, b \, c") == [r"a, b \, c"]  # outside braces nothing is special


def test_options_are_trimmed_and_surroundings_kept():
    assert expand("a {  red ,blue  } car") == ["a red car", "a blue car"]
    assert expand("x{1,2}y") == ["x1y", "x2y"]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("a {name} here", "a {name} here"),  # left for the magics' interpolation / sent as is
        ("a sign {{hello}}", "a sign {hello}"),  # literal braces
        ("{{a, b}}", "{a, b}"),  # literal braces around a comma: not a permutation
        ("{}", "{}"),
        ("{ }", "{ }"),
        ("no braces at all --ar 3:2", "no braces at all --ar 3:2"),
    ],
)
def test_not_a_permutation(text, expected):
    assert expand(text) == [expected]
    assert not has_permutation(text)
    assert count_combinations(text) == 1


def test_a_permutation_inside_a_plain_group_still_permutes():
    assert expand("{x {a, b}}") == ["{x a}", "{x b}"]
    assert has_permutation("{x {a, b}}")


@pytest.mark.parametrize(
    "text,position,needle",
    [
        ("a {red, blue car", 3, "never closed"),
        ("a red} car", 6, "closes no '{'"),
        ("{a, b}} x", 7, "closes no '{'"),
        ("{{a, b} c}", 7, "write '{ {'"),
        ("{a,}", 4, "empty option"),
        ("{,}", 2, "empty option"),
        ("{,a}", 2, "empty option"),
        ("a {red, , blue}", 8, "empty option"),
        ("a {red {car, }, blue}", 13, "empty option"),
    ],
)
def test_bad_input_is_one_line_with_a_position(text, position, needle):
    with pytest.raises(PermutationError) as info:
        expand(text)
    err = info.value
    assert needle in str(err) and f"character {position}" in str(err)
    assert err.position == position
    assert "\n" not in str(err)
    # the contract's prompt errors, so callers catching those catch this too
    assert isinstance(err, PromptError) and isinstance(err, InvalidRequest)
    assert isinstance(err, ValueError)


def test_too_many_combinations():
    assert MAX_COMBINATIONS == 40
    ok = "{a, b, c, d, e} {1, 2, 3, 4, 5, 6, 7, 8}"
    assert len(expand(ok)) == 40
    with pytest.raises(PermutationError, match="makes 48 combinations; at most 40"):
        expand("{a, b, c, d, e, f} {1, 2, 3, 4, 5, 6, 7, 8}")
    # a huge prompt is refused from its count, without building the combinations
    huge = " ".join("{a, b, c, d}" for _ in range(30))
    assert count_combinations(huge) == 4**30
    with pytest.raises(PermutationError, match="at most 40"):
        expand(huge)
    assert len(expand("{a, b, c, d, e, f}", limit=6)) == 6


def test_not_a_string():
    with pytest.raises(PermutationError):
        expand(None)  # type: ignore[arg-type]
