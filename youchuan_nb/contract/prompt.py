"""Midjourney-style prompts: parse them and check the documented per-model rules.

A prompt is ``[image URLs] text --flag value --flag ...``. The client checks prompts with
:func:`check_prompt` before submitting and the simulator answers 400 Invalid_Prompt_Parameter
for the same problems. The rules come from copies of the service's model and parameter pages
(secondary sources, see :mod:`.sources` and ``docs/sources.md``): by default they warn once and
the service decides; ``rules="strict"`` refuses on them. Where those pages are unclear the rule
is left out rather than guessed, and unknown flags only warn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..i18n import t
from .endpoints import TEXT_MAX, InvalidRequest
from .modes import breach

DEFAULT_MODEL = "6.1"  # the service's no-flag model; it surprises people, so we say so

ALIASES = {
    "c": "chaos",
    "s": "stylize",
    "w": "weird",
    "q": "quality",
    "v": "version",
    "aspect": "ar",
    "r": "repeat",
    "personalize": "p",
    "profile": "p",
}
KNOWN_FLAGS = {
    "ar",
    "chaos",
    "stylize",
    "weird",
    "quality",
    "version",
    "niji",
    "seed",
    "stop",
    "tile",
    "raw",
    "style",
    "no",
    "iw",
    "sref",
    "sw",
    "sv",
    "cref",
    "cw",
    "oref",
    "ow",
    "exp",
    "hd",
    "draft",
    "fast",
    "turbo",
    "relax",
    "p",
    "video",
    "motion",
    "end",
    "loop",
    "bs",
    "repeat",
    "public",
    "stealth",
    "zoom",
}
# flag -> (low, high) for numeric values
RANGES = {
    "chaos": (0, 100),
    "seed": (0, 4294967295),
    "stop": (10, 100),
    "weird": (0, 3000),
    "stylize": (0, 1000),
    "sw": (0, 1000),
    "ow": (1, 1000),
    "exp": (0, 100),
    "iw": (0, 3),
    "cw": (0, 100),
}
INTEGER_FLAGS = {"seed", "chaos", "stop", "weird", "stylize", "sw", "ow", "exp", "cw", "sv", "bs"}
V81_REJECTS = ("stop", "weird", "tile", "cref", "cw", "bs", "draft", "turbo")
# secondary sources (response-side-research.md §5.2, §5.3): warned about, sent by default
QUALITY: dict[str, set[float]] = {
    "6": {0.25, 0.5, 1, 2},
    "6.1": {0.25, 0.5, 1, 2},
    "niji 6": {0.25, 0.5, 1, 2},
    "niji 7": set(),  # the matrix: no --q on niji 7
    "7": {1, 2, 4},
    "8.1": {1, 4},
}
VERSIONS = ("6", "6.1", "7", "8.1")  # the models §5.2 lists (and the message names)
NIJI_VERSIONS = ("5", "6", "7")  # --niji values ("" is --niji alone)
MOTIONS = ("low", "high")  # --motion values of video prompts
VIDEO_FLAGS = {"motion", "end", "loop", "bs", "video", "raw", "ar"}
VIDEO_ONLY_FLAGS = {"motion", "end", "loop", "bs", "video"}  # the matrix's last row (§5.3)
MAX_IMAGE_PROMPTS = 20
MAX_SREF = 20

_URL = re.compile(r"^https?://\S+$", re.I)
_FLAG = re.compile(r"(?:(?<=\s)|^)--([A-Za-z][\w-]*)")


class PromptError(InvalidRequest):
    """A prompt that breaks a rule (the service answers 400 Invalid_Prompt_Parameter).

    ``param`` is the flag (``--q``) or the field; ``rule`` the id in :data:`.sources.RULES`.
    """

    def __init__(
        self, message: str, *, param: str = "prompt", value: str = "", rule: str = ""
    ) -> None:
        ValueError.__init__(self, message)
        self.param, self.value, self.allowed, self.endpoint = param, value, message, ""
        self.rule = rule


@dataclass
class Prompt:
    """A parsed prompt: image URLs, text, and flags in their original order."""

    raw: str
    images: list[str] = field(default_factory=list)
    text: str = ""
    flags: list[tuple[str, str]] = field(default_factory=list)  # (canonical name, value)
    written: list[str] = field(default_factory=list)  # each flag as the user wrote it
    warnings: list[str] = field(default_factory=list)

    def get(self, name: str, default: str | None = None) -> str | None:
        for key, value in self.flags:
            if key == name:
                return value
        return default

    def has(self, name: str) -> bool:
        return any(key == name for key, _ in self.flags)

    @property
    def model(self) -> str:
        """ "6.1", "7", "8.1", "niji 6", "niji 7" ... (the service's default when no flag)."""
        if self.has("niji"):
            return "niji " + (self.get("niji") or "6")
        version = self.get("version")
        if version:
            return version
        return DEFAULT_MODEL

    @property
    def is_v81(self) -> bool:
        return self.model.startswith("8")

    @property
    def aspect(self) -> tuple[int, int]:
        ar = self.get("ar")
        if ar and re.match(r"^\d+:\d+$", ar):
            w, h = (int(x) for x in ar.split(":"))
            if w > 0 and h > 0:
                return w, h
        return 1, 1

    @property
    def seed(self) -> int | None:
        value = self.get("seed")
        return int(value) if value and value.isdigit() else None

    @property
    def draft(self) -> bool:
        return self.has("draft")

    @property
    def hd(self) -> bool:
        return self.has("hd")

    @property
    def batch_size(self) -> int:
        value = self.get("bs")
        return int(value) if value and value.isdigit() else 4

    @property
    def chips(self) -> list[str]:
        """Flags as short display strings, e.g. ["--ar 16:9", "--v 7"]."""
        return list(self.written)


def parse_prompt(text: str) -> Prompt:
    """Split a prompt into leading image URLs, text and trailing ``--flags``."""
    prompt = Prompt(raw=text)
    body = text.strip()
    m = _FLAG.search(body)
    head, tail = (body[: m.start()], body[m.start() :]) if m else (body, "")
    words = head.split()
    while words and (_URL.match(words[0]) or words[0].startswith("data:")):
        prompt.images.append(words.pop(0))
    prompt.text = " ".join(words)
    for chunk in re.split(r"(?:(?<=\s)|^)--(?=[A-Za-z])", tail)[1:]:
        name, _, value = chunk.strip().partition(" ")
        name = name.lower()
        prompt.flags.append((ALIASES.get(name, name), " ".join(value.split())))
        prompt.written.append(" ".join(("--" + chunk.strip()).split()))
    return prompt


class _PromptCheck:
    """One prompt being checked; :meth:`fail` refuses or warns per the rule's mark."""

    def __init__(self, text: str, field_name: str, rules: str, service: bool) -> None:
        self.text, self.field_name, self.rules, self.service = text, field_name, rules, service

    def fail(self, rule: str, key: str, at: str = "", **kw: Any) -> None:
        """``at``: the flag broken (else the field); the message may say ``{flag}``/``{field}``."""
        param = f"--{at}" if at else self.field_name
        kw.setdefault("flag", at)
        kw.setdefault("field", self.field_name)
        exc = PromptError(t(key, **kw), param=param, value=self.text[:80], rule=rule)
        breach(exc, self.rules, service=self.service)

    def number(self, name: str, value: str) -> float | None:
        """The flag's value as a number; None (after a refusal or warning) if it is not one."""
        try:
            number = float(value)
        except ValueError:
            self.fail(f"prompt.range.{name}", "rules.prompt.number", name, value=value)
            return None
        if name in INTEGER_FLAGS and not number.is_integer():
            self.fail(f"prompt.range.{name}", "rules.prompt.whole", name, value=value)
            return None
        return number


def check_prompt(
    text: str,
    *,
    kind: str = "image",
    field_name: str = "text",
    default_model: str | None = None,
    rules: str = "documented",
    service: bool = False,
) -> Prompt:
    """Parse ``text`` and raise :class:`PromptError` for a broken rule that refuses in mode
    ``rules`` (the others warn once; ``service=True`` is the simulator: see :mod:`.modes`).

    ``kind`` is "image" for image prompts (diffusion and remix prompts) or "video" for
    video prompts. Returns the parsed prompt, whose ``warnings`` list harmless oddities.
    """
    if not isinstance(text, str) or not text or len(text) > TEXT_MAX:
        kw: dict[str, str]
        if not isinstance(text, str):
            key, kw = "rules.prompt.type", {"got": type(text).__name__}
        elif not text:
            key, kw = "rules.prompt.empty", {}
        else:
            key, kw = "rules.prompt.long", {"got": str(len(text)), "n": str(TEXT_MAX)}
        raise PromptError(
            t(key, field=field_name, **kw),
            param=field_name,
            value=text[:40] if isinstance(text, str) else "",
            rule="text.length",
        )
    c = _PromptCheck(text, field_name, rules, service)
    if "data:" in text and re.search(r"(^|\s)data:[\w/+.-]*;base64,", text):
        c.fail("prompt.data_uri", "rules.prompt.data_uri")
    p = parse_prompt(text)
    model = p.model if (p.has("version") or p.has("niji") or not default_model) else default_model
    for name, value in p.flags:
        if name not in KNOWN_FLAGS:
            p.warnings.append(t("rules.prompt.unknown_flag", flag=name))
            continue
        _check_flag(c, kind, model, name, value)
    _check_model(c, p, model)
    _check_references(c, p, kind)
    return p


def _check_flag(c: _PromptCheck, kind: str, model: str, name: str, value: str) -> None:
    if kind == "video" and name not in VIDEO_FLAGS:
        flags = ", ".join("--" + f for f in sorted(VIDEO_FLAGS))
        return c.fail("prompt.video_flags", "rules.prompt.video_flag", name, flags=flags)
    if kind == "image" and name in VIDEO_ONLY_FLAGS:
        return c.fail("prompt.video_only", "rules.prompt.video_only", name)
    if name in RANGES:
        low, high = RANGES[name]
        number = c.number(name, value)
        if number is not None and not (low <= number <= high):
            rule = f"prompt.range.{name}"
            c.fail(rule, "rules.prompt.range", name, value=value, low=low, high=high)
    if name == "ar" and not re.match(r"^[1-9]\d*:[1-9]\d*$", value):
        c.fail("prompt.ar", "rules.prompt.ar", name, value=value)
    if name == "version" and value not in VERSIONS:
        c.fail("prompt.version", "rules.prompt.version", name, value=value)
    if name == "niji" and value not in ("", *NIJI_VERSIONS):
        c.fail("prompt.niji", "rules.prompt.niji", name, value=value)
    if name == "quality":
        allowed = QUALITY.get(model)
        try:
            q: float | None = float(value)
        except ValueError:
            q = None
        if allowed is not None and q not in allowed:
            shown = ", ".join(f"{q:g}" for q in sorted(allowed)) or t("rules.prompt.no_quality")
            c.fail(
                "prompt.quality",
                "rules.prompt.quality",
                name,
                value=value,
                model=model,
                allowed=shown,
            )
    if name == "sv" and not value.isdigit():
        c.fail("prompt.sv", "rules.prompt.whole", name, value=value)
    if name == "bs" and value not in ("1", "2", "4"):
        c.fail("prompt.bs", "rules.prompt.bs", name, value=value)
    if name == "motion" and value not in MOTIONS:
        c.fail("prompt.motion", "rules.prompt.motion", name, value=value)
    if name == "repeat":
        c.fail("prompt.unsupported", "rules.prompt.repeat", name)
    if name in ("public", "stealth"):
        c.fail("prompt.unsupported", "rules.prompt.unsupported", name)


def _check_model(c: _PromptCheck, p: Prompt, model: str) -> None:
    if model.startswith("8"):
        for name in V81_REJECTS:
            if p.has(name):
                c.fail("prompt.v81", "rules.prompt.v81", name)
        if p.has("sv") and p.get("sv") != "6":
            c.fail("prompt.v81", "rules.prompt.v81_sv", "sv")
    if "::" in p.text and (model.startswith("8") or model == "7"):
        c.fail("prompt.multi_prompt", "rules.prompt.multi_prompt", model=model)
    if p.has("draft") and model != "7":
        c.fail("prompt.draft", "rules.prompt.draft", "draft", model=model)
    if p.has("hd") and not model.startswith("8"):
        c.fail("prompt.hd", "rules.prompt.hd", "hd", model=model)
    if p.has("oref"):
        if not (model == "7" or model.startswith("8")):
            c.fail("prompt.oref", "rules.prompt.oref_model", "oref", model=model)
        refs = (p.get("oref") or "").split()
        if len(refs) != 1 or not _URL.match(refs[0]):
            c.fail("prompt.oref", "rules.prompt.oref_one", "oref")
    if p.has("cref") and model not in ("6", "6.1", "niji 6"):
        c.fail("prompt.cref", "rules.prompt.cref", "cref", model=model)
    if p.has("stop") and model not in ("6", "6.1", "niji 6"):
        c.fail("prompt.stop", "rules.prompt.stop", "stop", model=model)
    if p.has("tile") and (model == "niji 7" or model.startswith("8")):
        c.fail("prompt.tile", "rules.prompt.tile", "tile", model=model)


def _check_references(c: _PromptCheck, p: Prompt, kind: str) -> None:
    if p.has("sref"):
        refs = (p.get("sref") or "").split()
        if len(refs) > MAX_SREF:
            c.fail("prompt.sref", "rules.prompt.sref_max", "sref", n=MAX_SREF, got=len(refs))
        if not p.text:
            c.fail("prompt.sref", "rules.prompt.sref_text", "sref")
    for needs, base in (("sv", "sref"), ("sw", "sref"), ("cw", "cref"), ("ow", "oref")):
        if p.has(needs) and not p.has(base):
            c.fail("prompt.needs", "rules.prompt.needs", needs, base=base)
    if p.has("iw") and not p.images:
        c.fail("prompt.iw", "rules.prompt.iw", "iw")
    if any(u.startswith("data:") for u in p.images):
        c.fail("prompt.data_uri", "rules.prompt.data_uri")
    if len(p.images) > MAX_IMAGE_PROMPTS:
        n, got = MAX_IMAGE_PROMPTS, len(p.images)
        c.fail("prompt.images_max", "rules.prompt.images_max", n=n, got=got)
    if kind == "image" and p.images and not p.text:
        if len(p.images) < 2:
            c.fail("prompt.image_only", "rules.prompt.image_only")
        if p.has("stylize") or p.has("weird"):
            c.fail("prompt.image_only", "rules.prompt.image_only_style")
