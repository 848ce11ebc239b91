"""Comments arrive as enum names or as the document's Chinese texts: both mean the same."""

from __future__ import annotations

import pytest

from youchuan_nb.contract import COMMENTS, comment_advice, comment_enum, describe_comment
from youchuan_nb.contract.errors import COMMENT_TEXTS, is_charged


def test_every_comment_of_the_document_has_its_chinese_text():
    assert set(COMMENT_TEXTS) == set(COMMENTS)
    assert len(set(COMMENT_TEXTS.values())) == len(COMMENT_TEXTS)


@pytest.mark.parametrize("name", sorted(COMMENT_TEXTS))
def test_the_chinese_text_reads_as_its_comment(name):
    text = COMMENT_TEXTS[name]
    assert comment_enum(text) == name and comment_enum(name) == name
    assert describe_comment(text) == describe_comment(name)
    assert is_charged(text) == is_charged(name)
    assert comment_advice(text) == comment_advice(name)


def test_a_text_reject_in_chinese_is_not_charged_and_has_its_advice():
    text = COMMENT_TEXTS["JobStatusTextReject"]
    assert is_charged(text) is False
    assert "Rephrase" in comment_advice(text)
    assert comment_enum("something new") == "something new"
