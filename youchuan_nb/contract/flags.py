"""One line about each Midjourney flag, and the values worth offering, for completion and help.

:data:`FLAG_HELP` maps a canonical flag name (as in :data:`.prompt.KNOWN_FLAGS`) to its
one-line description and example values, each value with a few words of its own, in the current
language (the words are in the message catalogue; :data:`OFFERS` holds the values). Ranges, model
lists and video flags come from :mod:`.prompt`, so the offers cannot drift from the checks.
Flags the service's help pages say the API does not support (``--repeat``, ``--public``,
``--stealth``: rule ``prompt.unsupported``, a secondary source) are not offered.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ..i18n import has, t
from .prompt import ALIASES, KNOWN_FLAGS, MOTIONS, QUALITY, RANGES, VIDEO_FLAGS

__all__ = [
    "FLAG_HELP",
    "OFFERED_FLAGS",
    "OFFERS",
    "ON_OFF_FLAGS",
    "REFUSED_FLAGS",
    "flag_help",
    "flag_values",
    "offered_flags",
]

Values = tuple[tuple[str, str], ...]  # (value, a few words about it)

# check_prompt warns about these (strict: refuses): not offered
REFUSED_FLAGS = frozenset({"repeat", "public", "stealth"})
ON_OFF_FLAGS = frozenset({"tile", "raw", "hd", "draft", "fast", "turbo", "relax", "video", "loop"})


def _quality() -> tuple[str, ...]:
    return tuple(f"{q:g}" for q in sorted({q for qs in QUALITY.values() for q in qs}))


def _numbers(flag: str, *values: str) -> tuple[str, ...]:
    low, high = RANGES[flag]
    assert all(low <= float(v) <= high for v in values), flag
    return values


# flag -> the values worth offering, in order. The words about a flag and its values are in the
# message catalogue (i18n/_msg_flags.py: flag.<name>, flag.<name>.<value>), in both languages.
OFFERS: dict[str, tuple[str, ...]] = {
    "ar": ("1:1", "3:2", "2:3", "4:3", "3:4", "16:9", "9:16", "21:9"),
    # the models worth offering (check_prompt accepts older ones too)
    "version": ("7", "8.1", "6.1", "6"),
    "niji": ("7", "6"),
    "chaos": _numbers("chaos", "0", "25", "50", "100"),
    "stylize": _numbers("stylize", "0", "50", "100", "250", "750", "1000"),
    "weird": _numbers("weird", "0", "250", "1000", "3000"),
    "quality": _quality(),
    "seed": _numbers("seed", "42", "1234"),
    "stop": _numbers("stop", "50", "80", "100"),
    "tile": (),
    "raw": (),
    "style": ("raw",),
    "no": (),
    "iw": _numbers("iw", "0.5", "1", "2"),
    "sref": ("random",),
    "sw": _numbers("sw", "100", "500"),
    "sv": ("6", "4"),
    "cref": (),
    "cw": _numbers("cw", "0", "100"),
    "oref": (),
    "ow": _numbers("ow", "100", "400"),
    "exp": _numbers("exp", "5", "25", "100"),
    "hd": (),
    "draft": (),
    "fast": (),
    "turbo": (),
    "relax": (),
    "p": (),
    "video": (),
    "motion": tuple(MOTIONS),
    "end": (),
    "loop": (),
    "bs": ("1", "2", "4"),
    "zoom": ("1.5", "2"),
}
_EVERY_VALUE = frozenset({"quality", "motion"})  # one template for all values: "quality 2 (...)"


def _value_words(name: str, value: str) -> str:
    if name in _EVERY_VALUE:
        return t(f"flag.{name}.value", value=value)
    key = f"flag.{name}.{value}"
    return t(key) if has(key) else ""


class _FlagHelp(Mapping[str, tuple[str, Values]]):
    """flag -> (its one line, its values with their words), in the language of the moment."""

    def __getitem__(self, name: str) -> tuple[str, Values]:
        values = OFFERS[name]
        return t(f"flag.{name}"), tuple((v, _value_words(name, v)) for v in values)

    def __iter__(self) -> Iterator[str]:
        return iter(OFFERS)

    def __len__(self) -> int:
        return len(OFFERS)


FLAG_HELP: Mapping[str, tuple[str, Values]] = _FlagHelp()

OFFERED_FLAGS = tuple(f for f in FLAG_HELP if f in KNOWN_FLAGS and f not in REFUSED_FLAGS)
_ALIASES_OF: dict[str, list[str]] = {}
for _alias, _name in ALIASES.items():
    _ALIASES_OF.setdefault(_name, []).append(_alias)


def offered_flags(kind: str = "image") -> list[tuple[str, str]]:
    """``(written name, description)`` of each flag to offer for ``kind`` ("image" or
    "video"), short aliases first (``v`` before ``version``)."""
    out = []
    for name in OFFERED_FLAGS:
        if kind == "video" and name not in VIDEO_FLAGS:
            continue
        text = FLAG_HELP[name][0]
        short = [a for a in _ALIASES_OF.get(name, []) if len(a) < len(name)]
        for alias in short:
            out.append((alias, t("flag.alias", text=text, name=name)))
        out.append((name, text))
    return out


def flag_help(name: str) -> str:
    """The one line about a flag (by any name it is written with), or ""."""
    name = name.lstrip("-").lower()
    entry = FLAG_HELP.get(ALIASES.get(name, name))
    return entry[0] if entry else ""


def flag_values(name: str) -> Values:
    """The values worth offering after a flag (by any name), each with a few words."""
    name = name.lstrip("-").lower()
    entry = FLAG_HELP.get(ALIASES.get(name, name))
    return entry[1] if entry else ()
