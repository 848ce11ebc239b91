"""The message catalogue: both languages say the same things, and the language is chosen as
documented (env, then the process setting, then the locale), with no restart."""

from __future__ import annotations

import pytest

from youchuan_nb import i18n
from youchuan_nb.i18n import CATALOGUES, get_language, placeholders, set_language, t


def test_both_languages_have_the_same_ids_and_placeholders():
    en, zh = CATALOGUES["en"], CATALOGUES["zh"]
    assert set(en) == set(zh), set(en) ^ set(zh)
    bad = [k for k in en if placeholders(en[k]) != placeholders(zh[k])]
    assert not bad, bad
    assert all(v.strip() for v in zh.values())


def test_chinese_catalogue_has_chinese_text():
    zh = CATALOGUES["zh"]
    han = [k for k, v in zh.items() if any("\u4e00" <= ch <= "\u9fff" for ch in v)]
    assert len(han) > 0.7 * len(zh)


@pytest.fixture
def clean(monkeypatch):
    for name in ("YOUCHUAN_NB_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    set_language(None)
    yield monkeypatch
    set_language(None)


def test_language_order_env_then_setting_then_locale(clean):
    clean.setattr(i18n.locale, "getlocale", lambda: (None, None))
    assert get_language() == "en"
    clean.setenv("LANG", "zh_CN.UTF-8")
    assert get_language() == "zh"
    set_language("en")
    assert get_language() == "en"
    clean.setenv("YOUCHUAN_NB_LANG", "zh")
    assert get_language() == "zh"
    assert t("card.status.finished") == "已完成"
    clean.delenv("YOUCHUAN_NB_LANG")
    assert t("card.status.finished") == "Finished"  # no restart needed
    set_language(None)
    assert get_language() == "zh"  # back to the locale
    with pytest.raises(ValueError):
        set_language("fr")


def test_placeholders_are_filled_and_unknown_ids_fall_back(clean):
    assert t("card.js.ext_count", "zh", used=1, max=4) == "已延长 1/4 次"
    assert t("card.js.ext_count", "en", used=1, max=4) == "1/4 extensions used"
    assert t("no.such.id") == "no.such.id"
