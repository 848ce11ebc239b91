"""One line about each Midjourney flag, and the values worth offering, for completion and help.

:data:`FLAG_HELP` maps a canonical flag name (as in :data:`.prompt.KNOWN_FLAGS`) to its
one-line description and example values, each value with a few words of its own. Ranges, model
lists and video flags come from :mod:`.prompt`, so the offers cannot drift from the checks.
Flags the API refuses (``--repeat``, ``--public``, ``--stealth``) are not offered.
"""

from __future__ import annotations

from .prompt import ALIASES, KNOWN_FLAGS, MOTIONS, QUALITY, RANGES, VIDEO_FLAGS

__all__ = [
    "FLAG_HELP",
    "OFFERED_FLAGS",
    "ON_OFF_FLAGS",
    "REFUSED_FLAGS",
    "flag_help",
    "flag_values",
    "offered_flags",
]

Values = tuple[tuple[str, str], ...]  # (value, a few words about it)

REFUSED_FLAGS = frozenset({"repeat", "public", "stealth"})  # check_prompt refuses these
ON_OFF_FLAGS = frozenset({"tile", "raw", "hd", "draft", "fast", "turbo", "relax", "video", "loop"})

# the models worth offering (check_prompt accepts older ones too)
_MODELS: Values = (
    ("7", "model 7 (this extension's default)"),
    ("8.1", "model 8.1: --hd, no --tile/--stop/--weird"),
    ("6.1", "model 6.1 (the service's default)"),
    ("6", "model 6"),
)
_NIJI: Values = (("7", "Niji 7"), ("6", "Niji 6"))
_ASPECTS: Values = (
    ("1:1", "square"),
    ("3:2", "landscape, classic photo"),
    ("2:3", "portrait, classic photo"),
    ("4:3", "landscape, screen"),
    ("3:4", "portrait"),
    ("16:9", "widescreen"),
    ("9:16", "phone, vertical video"),
    ("21:9", "cinema"),
)


def _quality() -> Values:
    shown = sorted({q for qs in QUALITY.values() for q in qs})
    return tuple((f"{q:g}", f"quality {q:g} (which ones depends on the model)") for q in shown)


def _numbers(flag: str, *values: tuple[str, str]) -> Values:
    low, high = RANGES[flag]
    assert all(low <= float(v) <= high for v, _ in values), flag
    return values


FLAG_HELP: dict[str, tuple[str, Values]] = {
    "ar": ("aspect ratio W:H of the images", _ASPECTS),
    "version": ("model version", _MODELS),
    "niji": ("the anime and illustration model (alone: Niji 6)", _NIJI),
    "chaos": (
        "how different the four images are, 0-100",
        _numbers("chaos", ("0", "alike (default)"), ("25", "varied"), ("50", ""), ("100", "wild")),
    ),
    "stylize": (
        "how strongly the model's own taste is applied, 0-1000 (default 100)",
        _numbers(
            "stylize",
            ("0", "literal"),
            ("50", "low"),
            ("100", "default"),
            ("250", "medium"),
            ("750", "high"),
            ("1000", "highest"),
        ),
    ),
    "weird": (
        "quirky, unconventional looks, 0-3000",
        _numbers("weird", ("0", "none"), ("250", "a little"), ("1000", "a lot"), ("3000", "most")),
    ),
    "quality": ("rendering time and detail", _quality()),
    "seed": (
        "starting noise: the same seed and prompt repeat a grid",
        _numbers("seed", ("42", "any whole number 0-4294967295"), ("1234", "")),
    ),
    "stop": (
        "stop rendering early, 10-100 percent (models 6/6.1)",
        _numbers("stop", ("50", "half done, blurry"), ("80", ""), ("100", "complete")),
    ),
    "tile": ("a seamless repeating pattern (on/off)", ()),
    "raw": ("less automatic beautifying, closer to the prompt (on/off)", ()),
    "style": ("a style preset", (("raw", "as --raw"),)),
    "no": ("what to leave out of the image, e.g. --no trees", ()),
    "iw": (
        "image prompt weight against the text, 0-3",
        _numbers("iw", ("0.5", "text leads"), ("1", "default"), ("2", "image leads")),
    ),
    "sref": ("style reference: image URLs or a style code", (("random", "a random style"),)),
    "sw": (
        "style reference weight, 0-1000 (needs --sref)",
        _numbers("sw", ("100", "default"), ("500", "strong")),
    ),
    "sv": ("style reference version (model 8.1 needs 6)", (("6", ""), ("4", "older"))),
    "cref": ("character reference image URL (models 6/6.1/niji 6)", ()),
    "cw": (
        "character reference weight, 0-100 (needs --cref)",
        _numbers("cw", ("0", "face only"), ("100", "face, hair and clothes")),
    ),
    "oref": ("omni reference: one image URL of a person or thing (models 7, 8.1)", ()),
    "ow": (
        "omni reference weight, 1-1000 (needs --oref)",
        _numbers("ow", ("100", "default"), ("400", "strong")),
    ),
    "exp": (
        "experimental aesthetics, 0-100",
        _numbers("exp", ("5", "a touch"), ("25", "more"), ("100", "most")),
    ),
    "hd": ("high definition (model 8.1; on/off)", ()),
    "draft": ("quick cheap drafts (model 7; on/off)", ()),
    "fast": ("fast mode for this job (on/off)", ()),
    "turbo": ("turbo mode: quicker, costs more (on/off)", ()),
    "relax": ("relax mode: slower, uses relax credit (on/off)", ()),
    "p": ("personalization: a profile or moodboard ID", ()),
    "video": ("a short video of the grid's progress (on/off)", ()),
    "motion": ("how much a video moves", tuple((m, f"{m} motion") for m in MOTIONS)),
    "end": ("the video's last frame: an image URL", ()),
    "loop": ("a video whose end meets its start (on/off)", ()),
    "bs": ("videos per job", (("1", ""), ("2", ""), ("4", "default"))),
    "zoom": ("zoom out by this factor, 1-2", (("1.5", ""), ("2", ""))),
}

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
            out.append((alias, f"{text} (= --{name})"))
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
