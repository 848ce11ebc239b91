"""The message catalogue: every user-facing text in Simplified Chinese and English.

``t("card.status.finished")`` is the text in the current language; ``t(key, n=2)`` fills the
``{n}`` placeholders (``str.format`` syntax). The language is, first to last:

1. the environment variable ``YOUCHUAN_NB_LANG`` (``zh`` or ``en``),
2. the process-wide setting :func:`set_language` (``%config ImagineMagics.language``),
3. the locale (``zh*`` -> Chinese, anything else -> English).

It is read again on every call, so switching needs no restart: new output uses the new language.

The catalogues are plain Python dicts keyed by stable message ids: the card's in ``_en.py`` and
``_zh.py``, every other area's in one module ``_msg_<area>.py`` holding both languages (``EN`` and
``ZH``), found by name so that each area's texts live beside each other and apart. An id defined
twice is an error at import. We
use neither gettext nor Babel: their value is the translators' tooling (.po files, plural
forms), while here one developer keeps two small dicts in step, which a test checks (same ids,
same placeholders), and the front end needs the raw templates as JSON anyway. This package
imports nothing else from youchuan_nb, so every layer may use it.
"""

from __future__ import annotations

import importlib
import locale
import os
import pkgutil
import string
from collections.abc import Mapping

from ._en import MESSAGES as _CARD_EN
from ._zh import MESSAGES as _CARD_ZH

LANGUAGES = ("en", "zh")
ENV = "YOUCHUAN_NB_LANG"


def _merge() -> tuple[dict[str, str], dict[str, str]]:
    en, zh = dict(_CARD_EN), dict(_CARD_ZH)
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.name.startswith("_msg_"):
            continue
        area = importlib.import_module(f"{__name__}.{info.name}")
        for ours, theirs, lang in ((en, area.EN, "EN"), (zh, area.ZH, "ZH")):
            twice = ours.keys() & theirs.keys()
            if twice:
                raise RuntimeError(f"{info.name}.{lang} repeats ids: {sorted(twice)}")
            ours.update(theirs)
    return en, zh


_EN, _ZH = _merge()
CATALOGUES: Mapping[str, Mapping[str, str]] = {"en": _EN, "zh": _ZH}

_setting: str | None = None


def normalise(lang: str | None) -> str | None:
    """``"zh"``/``"en"`` for a language name such as ``zh_CN.UTF-8`` or ``EN``; None if empty."""
    if not lang:
        return None
    lang = lang.strip().lower()
    if not lang or lang in ("c", "posix"):
        return None
    return "zh" if lang.startswith("zh") else "en"


def set_language(lang: str | None) -> None:
    """Use ``lang`` ("zh" or "en") for new output; None (or "") goes back to the locale."""
    global _setting
    if lang and not lang.strip().lower().startswith(LANGUAGES):
        raise ValueError(f"language {lang!r}: use 'zh' or 'en'")
    _setting = normalise(lang)


def _locale_language() -> str:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        found = normalise(os.environ.get(name, "").split(":")[0])
        if found:
            return found
    try:
        found = normalise(locale.getlocale()[0])
    except ValueError:
        found = None
    return found or "en"


def get_language() -> str:
    """The language of new output: "zh" or "en" (see the module's docstring for the order)."""
    return normalise(os.environ.get(ENV)) or _setting or _locale_language()


def template(key: str, lang: str | None = None) -> str:
    """The unformatted text of ``key`` (English if the language lacks it, else the key)."""
    lang = lang or get_language()
    found = CATALOGUES.get(lang, _EN).get(key)
    return found if found is not None else _EN.get(key, key)


def t(key: str, /, lang: str | None = None, **values: object) -> str:
    """The text of ``key`` in ``lang`` (default: :func:`get_language`), placeholders filled."""
    text = template(key, lang)
    return text.format(**values) if values else text


def has(key: str) -> bool:
    return key in _EN


def strings(prefix: str, lang: str | None = None) -> dict[str, str]:
    """Every template whose id starts with ``prefix``, unformatted (for a front end)."""
    lang = lang or get_language()
    return {k: template(k, lang) for k in _EN if k.startswith(prefix)}


def placeholders(text: str) -> set[str]:
    """The ``{names}`` a template uses."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


__all__ = [
    "CATALOGUES",
    "ENV",
    "LANGUAGES",
    "get_language",
    "has",
    "placeholders",
    "set_language",
    "strings",
    "t",
    "template",
]

# argparse in the catalogue's language (after t is defined: _argparse uses it)
from ._argparse import ArgumentParser, HelpFormatter, argparse_message  # noqa: E402

__all__ += ["ArgumentParser", "HelpFormatter", "argparse_message"]
