"""Argument parsing for the magics, in one style: argparse, with every choice from the contract.

``%%imagine`` and ``%%animate`` have a parser each; ``%youchuan`` has one parser with a
subparser per subcommand. Words are split like a shell does, except that only double quotes
group (an apostrophe in "a cat's hat" is just a letter). Any mistake is a ``UsageError`` with a
one-line message, which IPython shows without a traceback. Midjourney flags (``--ar 16:9``)
that the parsers do not know are handed back to be appended to the prompt, once checked against
the contract's list of flags.

The parsers are built at first use, so importing this module (at ``%load_ext``) costs nothing.
"""

from __future__ import annotations

import argparse
import functools
import re
import shlex
from collections.abc import Callable
from typing import Any, NoReturn

from IPython.core.error import UsageError

from ..i18n import ArgumentParser, argparse_message, get_language, t


class HelpShown(Exception):
    """``--help`` was given: the parser printed its help, the magic returns quietly."""


class MagicArgumentParser(ArgumentParser):
    """argparse that raises ``UsageError`` instead of exiting the kernel, with its help and its
    errors in the catalogue's language (argparse's own English is rewritten)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)  # --n must never mean --name or --new
        self.options: list[argparse.Action] = []  # every argument, in order (for completion)
        super().__init__(*args, **kwargs)

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        action = super().add_argument(*args, **kwargs)
        self.options.append(action)
        return action

    def error(self, message: str) -> NoReturn:
        see = "%youchuan help" if self.prog.startswith("%youchuan") else f"{self.prog} --help"
        message = clip(argparse_message(message))
        raise UsageError(t("magics.error", prog=self.prog, message=message, see=see))

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if status == 0:
            raise HelpShown()
        raise UsageError((message or t("magics.error_plain", prog=self.prog)).strip())


MAX_OPTIONS = 200  # --words on one magic line (a prompt has a few dozen flags at most)


def clip(text: str, limit: int = 300) -> str:
    """``text`` cut to about ``limit`` characters: a 30 KB word must not make a 30 KB error."""
    if len(text) <= limit:
        return text
    return f"{text[: limit - 40]}… ({len(text):,} characters)"


def split_words(line: str, prog: str) -> list[str]:
    """The words of a magic line: whitespace separates, double quotes group (linear time, so a
    very long line is quick to refuse)."""
    lexer = shlex.shlex(line, posix=True)
    lexer.whitespace_split = True
    lexer.quotes = '"'
    lexer.commenters = ""
    try:
        words = list(lexer)
    except ValueError as exc:  # "No closing quotation" (the only one: no escape character)
        shown = clip(repr(line.strip()))
        if "quotation" in str(exc):
            raise UsageError(t("magics.no_closing_quote", prog=prog, line=shown)) from None
        raise UsageError(t("magics.split_error", prog=prog, problem=exc, line=shown)) from None
    # argparse takes time quadratic in the number of options: a line of thousands is refused
    options = sum(1 for w in words if w[:1] == "-" and len(w) > 1)
    if options > MAX_OPTIONS:
        raise UsageError(
            t("magics.too_many_options", prog=prog, n=f"{options:,}", limit=MAX_OPTIONS)
        )
    return words


def parse(parser: argparse.ArgumentParser, line: str) -> tuple[argparse.Namespace, list[str]]:
    """Parse a magic line; returns the options and the words no parser knows (prompt words and
    Midjourney flags, in order)."""
    return parser.parse_known_args(split_words(line, parser.prog))


# -- value types (their messages end up after "argument --x:") --------------------------------
def number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t("magics.not_a_number", text=repr(text))) from None


def index_range(endpoint: str, field: str) -> tuple[int, int]:
    from ..contract import ENDPOINTS

    f = ENDPOINTS[endpoint].field(field)
    assert f is not None and f.low is not None and f.high is not None
    return int(f.low) + 1, int(f.high) + 1  # the card numbers from 1, the API from 0


def _output_number(text: str, endpoint: str, field: str) -> int:
    low, high = index_range(endpoint, field)
    if not re.fullmatch(r"[0-9]+", text) or not low <= int(text) <= high:
        raise argparse.ArgumentTypeError(
            t("magics.bad_image_number", text=repr(text), low=low, high=high)
        )
    return int(text) - 1


def image_number(text: str) -> int:
    """An image number on the card (1-4) -> the API's imageNo (0-3)."""
    return _output_number(text, "upscale", "imageNo")


def video_number(text: str) -> int:
    """A video number on the card -> the API's videoNo."""
    return _output_number(text, "extend_video", "videoNo")


def job_image(text: str) -> tuple[str, int]:
    """``JOB[:N]`` -> (JOB, imageNo); N defaults to 1."""
    ref, _, n = text.partition(":")
    if not ref:
        raise argparse.ArgumentTypeError(t("magics.bad_job_image", text=repr(text)))
    return ref, image_number(n or "1")


def rect(text: str) -> dict:
    try:
        x, y, w, h = (float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(t("magics.bad_rect", text=repr(text))) from None
    return {"type": "rect", "x": x, "y": y, "w": w, "h": h}


# -- the prompt: body, words and flags ----------------------------------------------------------
def prompt_from(extra: list[str], cell: str | None, prog: str) -> str:
    """The prompt of a magic: the cell body (if any), then the line's leftover words.

    With a cell body the line holds only options, so a leftover ``--word`` that is not a
    Midjourney flag is a mistake, reported as such."""
    from ..contract.prompt import ALIASES, KNOWN_FLAGS

    for word in extra:
        name = word.lstrip("-").lower()
        looks_like_option = word.startswith("--") or (cell is not None and word.startswith("-"))
        if looks_like_option and ALIASES.get(name, name) not in KNOWN_FLAGS:
            raise UsageError(t("magics.unknown_option", prog=prog, word=clip(word)))
    parts = [(cell or "").strip(), " ".join(extra)]
    return " ".join(p for p in parts if p)


# -- the parsers ----------------------------------------------------------------------------
# Every parser is made from small builders of one shape, ``(parser) -> None``, so a subcommand
# is a row of them. Parsers are made once per language (their help is in it).
Builder = Callable[[argparse.ArgumentParser], None]


def _flag(*names: str, help_key: str, **kwargs: Any) -> Builder:
    """An option (``--wait``, ``-w``) whose help is ``help_key`` in the catalogue."""

    def build(p: argparse.ArgumentParser) -> None:
        p.add_argument(*names, help=t(help_key), **kwargs)

    return build


def _positional(
    dest: str, metavar: str | None, help_key: str | None = None, **kwargs: Any
) -> Builder:
    def build(p: argparse.ArgumentParser) -> None:
        p.add_argument(dest, metavar=metavar, help=t(help_key) if help_key else None, **kwargs)

    return build


def _kind(endpoint: str, field: str, dest: str, help_key: str, shortcut: str) -> Builder:
    """``--type KIND`` with the contract's kinds (the first is the default), and ``--creative``
    standing for ``--type creative``."""

    def build(p: argparse.ArgumentParser) -> None:
        from ..contract import enum_names

        kinds = enum_names(endpoint, field)
        p.add_argument(f"--{dest}", choices=kinds, default=kinds[0], help=t(help_key))
        p.add_argument(
            f"--{shortcut}",
            dest=dest,
            action="store_const",
            const=shortcut,
            help=t("magics.opt.same_as", flag=f"--{dest} {shortcut}"),
        )

    return build


def _job_n(video: bool = False) -> Builder:
    """``JOB N``: a job, then the number of one of its images (or videos) on the card."""

    def build(p: argparse.ArgumentParser) -> None:
        p.add_argument("job", metavar="JOB", help=t("magics.opt.job"))
        kind = video_number if video else image_number
        p.add_argument("index", metavar="N", type=kind, help=t("magics.opt.index"))

    return build


def _choices_of(endpoint: str, field: str, dest: str, help_key: str) -> Builder:
    def build(p: argparse.ArgumentParser) -> None:
        from ..contract import enum_names

        p.add_argument(dest, choices=enum_names(endpoint, field), help=t(help_key))

    return build


_WORDS = _positional("prompt", "PROMPT", "magics.opt.prompt", nargs="+")
_URL = _positional("url", "URL", "magics.opt.url")


def _scale(default: float) -> Builder:
    return _flag("--scale", type=number, default=default, help_key="magics.opt.scale")


_COMMON = (
    _flag("--wait", "-w", action="store_true", help_key="magics.opt.wait"),
    _flag("--name", "-n", metavar="VAR", help_key="magics.opt.name"),
    _flag("--timeout", "-t", type=number, metavar="S", help_key="magics.opt.timeout"),
    _flag("--new", action="store_true", help_key="magics.opt.new"),
    _flag("--yes", "-y", action="store_true", help_key="magics.opt.yes"),
)


def _resolution(p: argparse.ArgumentParser) -> None:
    from ..contract import enum_names

    kinds = enum_names("video_diffusion", "videoType")
    p.add_argument("--resolution", choices=kinds, default=kinds[0], help=t("magics.opt.resolution"))


def _motion(p: argparse.ArgumentParser) -> None:
    from ..contract.prompt import MOTIONS

    p.add_argument("--motion", choices=MOTIONS, help=t("magics.opt.motion"))


_CELL_MAGICS: dict[str, tuple[Builder, ...]] = {
    "imagine": (*_COMMON, _flag("--plain", action="store_true", help_key="magics.opt.plain")),
    "animate": (
        *_COMMON,
        _flag(
            "--from", dest="source", type=job_image, metavar="JOB[:N]", help_key="magics.opt.from"
        ),
        _resolution,
        _motion,
    ),
}

# subcommand -> its arguments; those in MAKES_JOBS also take --new
SUBCOMMANDS: dict[str, tuple[Builder, ...]] = {
    "job": (_positional("job", "ID", "magics.opt.job"),),
    "jobs": (_positional("limit", "N", "magics.opt.limit", type=int, nargs="?", default=24),),
    "archive": (_positional("words", "WORDS", "magics.opt.archive_words", nargs="*"),),
    "upscale": (_job_n(), _kind("upscale", "type", "type", "magics.opt.upscaler", "creative")),
    "vary": (_job_n(), _kind("variation", "type", "type", "magics.opt.vary_type", "strong")),
    "pan": (
        _job_n(),
        _choices_of("pan", "direction", "direction", "magics.opt.direction"),
        _scale(1.5),
    ),
    "zoom": (_job_n(), _scale(2.0)),
    "remix": (_job_n(), _kind("remix", "mode", "mode", "magics.opt.remix_mode", "subtle"), _WORDS),
    "reroll": (_positional("job", "JOB", "magics.opt.job"),),
    "enhance": (_job_n(),),
    "inpaint": (
        _job_n(),
        _flag(
            "--rect",
            type=rect,
            action="append",
            required=True,
            metavar="X,Y,W,H",
            help_key="magics.opt.rect",
        ),
        _flag("--prompt", nargs="+", metavar="TEXT", help_key="magics.opt.prompt"),
    ),
    "retexture": (_URL, _WORDS),
    "remove-bg": (_URL,),
    "extend": (_job_n(video=True), _WORDS),
    "upscale-video": (_job_n(video=True),),
    "account": (),
    "costs": (_positional("page", "PAGE", "magics.opt.page", type=int, nargs="?", default=1),),
    "moodboards": (),
    "doctor": (_flag("--job", action="store_true", help_key="magics.opt.doctor_job"),),
    "login": (_positional("base_url", "BASE_URL", "magics.opt.base_url", nargs="?"),),
    "use": (_positional("target", None, "magics.opt.target", choices=("sim", "real")),),
    "help": (),
}

# subcommands that make a job: an unchanged re-run shows the existing one unless --new
MAKES_JOBS = frozenset(
    {
        "upscale",
        "vary",
        "pan",
        "zoom",
        "remix",
        "reroll",
        "enhance",
        "inpaint",
        "retexture",
        "remove-bg",
        "extend",
        "upscale-video",
    }
)
_NEW = _flag("--new", action="store_true", help_key="magics.opt.new_follow_up")


@functools.cache
def _cell_parser(magic: str, lang: str) -> MagicArgumentParser:
    p = MagicArgumentParser(prog=f"%%{magic}", description=t(f"magics.desc.{magic}"))
    for build in _CELL_MAGICS[magic]:
        build(p)
    return p


def imagine_parser() -> MagicArgumentParser:
    return _cell_parser("imagine", get_language())


def animate_parser() -> MagicArgumentParser:
    return _cell_parser("animate", get_language())


@functools.cache
def _youchuan_parsers(
    lang: str,
) -> tuple[MagicArgumentParser, dict[str, argparse.ArgumentParser]]:
    top = MagicArgumentParser(prog="%youchuan", add_help=False)
    sub = top.add_subparsers(dest="command", metavar="SUBCOMMAND", parser_class=MagicArgumentParser)
    parsers: dict[str, argparse.ArgumentParser] = {}
    for name, builders in SUBCOMMANDS.items():
        text = t(f"magics.cmd.{name}")
        p = sub.add_parser(name, help=text, description=text, prog=f"%youchuan {name}")
        for build in (_NEW, *builders) if name in MAKES_JOBS else builders:
            build(p)
        parsers[name] = p
    return top, parsers


def youchuan_parser() -> MagicArgumentParser:
    return _youchuan_parsers(get_language())[0]


def subcommand_parsers() -> dict[str, argparse.ArgumentParser]:
    """Each ``%youchuan`` subcommand's parser, by name (for completion)."""
    return _youchuan_parsers(get_language())[1]


def subcommand_usages() -> list[str]:
    """One usage line per ``%youchuan`` subcommand, from the parsers themselves."""
    lines = []
    for p in subcommand_parsers().values():
        usage = p.format_usage().replace(t("argparse.usage"), "").replace(" [-h]", "")
        lines.append(re.sub(r"\s+", " ", usage).strip())
    return lines
