"""Midjourney-style prompts: parse them and check the documented per-model rules.

A prompt is ``[image URLs] text --flag value --flag ...``. The client checks prompts with
:func:`check_prompt` before submitting and the simulator answers 400 Invalid_Prompt_Parameter
for the same problems. The rules come from the service's model and parameter pages (see
``docs/sources.md``); where those pages are unclear the rule is left out rather
than guessed, and unknown flags only warn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .endpoints import TEXT_MAX, InvalidRequest

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
QUALITY: dict[str, set[float]] = {
    "6": {0.25, 0.5, 1, 2},
    "6.1": {0.25, 0.5, 1, 2},
    "niji 6": {0.25, 0.5, 1, 2},
    "7": {1, 2, 4},
    "8.1": {1, 4},
}
VERSIONS = ("5", "5.1", "5.2", "6", "6.1", "7", "8", "8.1")  # --v values the service accepts
NIJI_VERSIONS = ("5", "6", "7")  # --niji values ("" is --niji alone)
MOTIONS = ("low", "high")  # --motion values of video prompts
VIDEO_FLAGS = {"motion", "end", "loop", "bs", "video", "raw", "ar"}
MAX_IMAGE_PROMPTS = 20
MAX_SREF = 20

_URL = re.compile(r"^https?://\S+$", re.I)
_FLAG = re.compile(r"(?:(?<=\s)|^)--([A-Za-z][\w-]*)")


class PromptError(InvalidRequest):
    """A prompt that breaks a documented rule (the service answers 400 Invalid_Prompt_Parameter)."""

    def __init__(self, message: str, *, param: str = "prompt", value: str = "") -> None:
        ValueError.__init__(self, message)
        self.param, self.value, self.allowed, self.endpoint = param, value, message, ""


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


def _number(prompt: str, name: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise PromptError(
            f"--{name} needs a number, got {value!r}", param=f"--{name}", value=value
        ) from None
    if name in INTEGER_FLAGS and not number.is_integer():
        raise PromptError(
            f"--{name} needs a whole number, got {value!r}", param=f"--{name}", value=value
        )
    return number


def check_prompt(
    text: str, *, kind: str = "image", field_name: str = "text", default_model: str | None = None
) -> Prompt:
    """Parse ``text`` and raise :class:`PromptError` for anything the service documents as invalid.

    ``kind`` is "image" for image prompts (diffusion and remix prompts) or "video" for
    video prompts. Returns the parsed prompt, whose ``warnings`` list harmless oddities.
    """
    if not isinstance(text, str):
        raise PromptError(
            f"{field_name} must be a string, got {type(text).__name__}", param=field_name
        )
    if not text:
        raise PromptError(
            f"{field_name} is empty: write what to imagine, e.g. "
            "'a red fox in snow --ar 3:2 --v 7'",
            param=field_name,
        )
    if len(text) > TEXT_MAX:
        raise PromptError(
            f"{field_name} is {len(text)} characters; the service accepts at most {TEXT_MAX}",
            param=field_name,
            value=text[:40],
        )
    if "data:" in text and re.search(r"(^|\s)data:[\w/+.-]*;base64,", text):
        raise PromptError(
            "an image given as a data: URI is refused by the service (it fails "
            "the job): upload the image and put its https:// URL first in the "
            "prompt",
            param=field_name,
        )
    p = parse_prompt(text)
    model = p.model if (p.has("version") or p.has("niji") or not default_model) else default_model

    def bad(msg: str, flag: str = "") -> PromptError:
        return PromptError(msg, param=f"--{flag}" if flag else field_name, value=text[:80])

    seen: set[str] = set()
    for name, value in p.flags:
        if name not in KNOWN_FLAGS:
            p.warnings.append(f"--{name} is not a flag the service documents; it is sent as is")
            continue
        if name in seen and name not in ("no",):
            raise bad(f"--{name} is given twice", name)
        seen.add(name)
        if kind == "video" and name not in VIDEO_FLAGS:
            raise bad(
                f"--{name} does not apply to video; video prompts take "
                f"{', '.join('--' + f for f in sorted(VIDEO_FLAGS))}",
                name,
            )
        if name in RANGES:
            low, high = RANGES[name]
            number = _number(text, name, value)
            if not (low <= number <= high):
                raise bad(f"--{name} {value} is out of range: allowed {low}-{high}", name)
        if name == "ar" and not re.match(r"^[1-9]\d*:[1-9]\d*$", value):
            raise bad(f"--ar needs whole numbers W:H such as 16:9, got {value!r}", name)
        if name == "version" and value not in VERSIONS:
            raise bad(
                f"--v {value!r} is not a model the service offers: use 6, 6.1, 7 or 8.1", name
            )
        if name == "niji" and value not in ("", *NIJI_VERSIONS):
            raise bad(f"--niji {value!r} is not offered: use --niji 6 or --niji 7", name)
        if name == "quality":
            allowed = QUALITY.get(model)
            number = _number(text, name, value)
            if allowed and number not in allowed:
                shown = ", ".join(f"{q:g}" for q in sorted(allowed))
                raise bad(f"--q {value} is not allowed for model {model}: use {shown}", name)
        if name == "sv" and not value.isdigit():
            raise bad(f"--sv needs a whole number, got {value!r}", name)
        if name == "bs" and value not in ("1", "2", "4"):
            raise bad(f"--bs {value!r} is not allowed: use 1, 2 or 4 videos", name)
        if name == "motion" and value not in MOTIONS:
            raise bad(f"--motion {value!r} is not allowed: use low or high", name)
        if name == "repeat":
            raise bad(
                "--repeat is not supported by the API: submit the prompt several times "
                "(e.g. a loop or client.batch)",
                name,
            )
        if name in ("public", "stealth"):
            raise bad(f"--{name} is not supported by the API; remove it", name)

    if model.startswith("8"):
        for name in V81_REJECTS:
            if p.has(name):
                raise bad(
                    f"--{name} is not supported by model 8.1 (it rejects ::, --stop, "
                    "--weird, --tile, --cref, --cw, --bs, --draft, --turbo): remove it or "
                    "choose --v 7",
                    name,
                )
        if p.has("sv") and p.get("sv") != "6":
            raise bad("--sv must be 6 with model 8.1", "sv")
    if "::" in p.text and (model.startswith("8") or model == "7"):
        raise bad(
            f"multi-prompts with :: are not supported by model {model}: remove the :: "
            "weights or choose --v 6.1"
        )
    if p.has("draft") and model != "7":
        raise bad(f"--draft works only with --v 7 (this prompt uses model {model})", "draft")
    if p.has("hd") and not model.startswith("8"):
        raise bad(f"--hd works only with --v 8.1 (this prompt uses model {model})", "hd")
    if p.has("oref"):
        if not (model == "7" or model.startswith("8")):
            raise bad(
                f"--oref works only with --v 7 or --v 8.1 (this prompt uses model {model})", "oref"
            )
        refs = (p.get("oref") or "").split()
        if len(refs) != 1 or not _URL.match(refs[0]):
            raise bad("--oref takes exactly one image URL", "oref")
    if p.has("cref") and model not in ("6", "6.1", "niji 6"):
        raise bad(f"--cref works only with models 6/6.1/niji 6; with {model} use --oref", "cref")
    if p.has("stop") and model not in ("6", "6.1", "niji 6"):
        raise bad(f"--stop works only with models 6/6.1 (this prompt uses model {model})", "stop")
    if p.has("tile") and (model == "niji 7" or model.startswith("8")):
        raise bad(f"--tile is not supported by model {model}", "tile")
    if p.has("sref"):
        refs = (p.get("sref") or "").split()
        if len(refs) > MAX_SREF:
            raise bad(f"--sref takes at most {MAX_SREF} URLs, got {len(refs)}", "sref")
        if not p.text:
            raise bad("--sref needs some prompt text as well", "sref")
    for needs, base in (("sv", "sref"), ("sw", "sref"), ("cw", "cref"), ("ow", "oref")):
        if p.has(needs) and not p.has(base):
            raise bad(f"--{needs} needs --{base}", needs)
    if p.has("iw") and not p.images:
        raise bad("--iw needs an image prompt (an image URL first in the prompt)", "iw")
    bad_images = [u for u in p.images if u.startswith("data:")]
    if bad_images:
        raise bad("an image given as a data: URI is refused by the service: use an https:// URL")
    if len(p.images) > MAX_IMAGE_PROMPTS:
        raise bad(f"at most {MAX_IMAGE_PROMPTS} image prompts, got {len(p.images)}")
    if kind == "image" and p.images and not p.text and len(p.images) < 2:
        raise bad("an image-only prompt needs at least two images, or an image plus text")
    if kind == "image" and p.images and not p.text and (p.has("stylize") or p.has("weird")):
        raise bad("an image-only prompt cannot use --stylize or --weird")
    if kind == "image" and not p.text and not p.images:
        raise bad(
            f"{field_name} has flags but nothing to imagine: add a description before the flags"
        )
    return p
