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
from typing import Any, NoReturn

from IPython.core.error import UsageError


class HelpShown(Exception):
    """``--help`` was given: the parser printed its help, the magic returns quietly."""


class MagicArgumentParser(argparse.ArgumentParser):
    """argparse that raises ``UsageError`` instead of exiting the kernel."""

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
        raise UsageError(f"{self.prog}: {clip(message)} (see {see})")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if status == 0:
            raise HelpShown()
        raise UsageError((message or f"{self.prog}: error").strip())


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
    except ValueError as exc:  # "No closing quotation"
        raise UsageError(f"{prog}: {str(exc).lower()} in {clip(repr(line.strip()))}") from None
    # argparse takes time quadratic in the number of options: a line of thousands is refused
    options = sum(1 for w in words if w[:1] == "-" and len(w) > 1)
    if options > MAX_OPTIONS:
        raise UsageError(
            f"{prog}: {options:,} options on one line; a magic line takes at most {MAX_OPTIONS}"
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
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None


def _index_range(endpoint: str, field: str) -> tuple[int, int]:
    from ..contract import ENDPOINTS

    f = ENDPOINTS[endpoint].field(field)
    assert f is not None and f.low is not None and f.high is not None
    return int(f.low) + 1, int(f.high) + 1  # the card numbers from 1, the API from 0


def _output_number(text: str, endpoint: str, field: str) -> int:
    low, high = _index_range(endpoint, field)
    if not re.fullmatch(r"[0-9]+", text) or not low <= int(text) <= high:
        raise argparse.ArgumentTypeError(
            f"image number {text!r}: use {low}-{high}, as numbered on the card"
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
        raise argparse.ArgumentTypeError(
            f"{text!r}: give JOB or JOB:N (a job id or a variable name, then the image number)"
        )
    return ref, image_number(n or "1")


def rect(text: str) -> dict:
    try:
        x, y, w, h = (float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give X,Y,W,H in image pixels") from None
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
            raise UsageError(
                f"{prog}: unknown option {clip(word)} (see {prog} --help; Midjourney "
                "flags such as --ar 16:9 also work here)"
            )
    parts = [(cell or "").strip(), " ".join(extra)]
    return " ".join(p for p in parts if p)


# -- the parsers ----------------------------------------------------------------------------
def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--wait", "-w", action="store_true", help="block until the jobs end")
    p.add_argument("--name", "-n", metavar="VAR", help="bind the job to the variable VAR")
    p.add_argument(
        "--timeout",
        "-t",
        type=number,
        metavar="S",
        help="seconds to wait (default: ImagineMagics.timeout)",
    )
    p.add_argument(
        "--new", action="store_true", help="submit a new job even if this cell's job exists already"
    )
    p.add_argument(
        "--yes",
        "-y",
        action="store_true",
        help="submit a permutation of more jobs than ImagineMagics.confirm_above",
    )


@functools.cache
def imagine_parser() -> MagicArgumentParser:
    p = MagicArgumentParser(
        prog="%%imagine",
        description="A grid of 4 images from the prompt (the cell body); {var} is replaced "
        "by a variable's value, then a permutation such as 'a {red, blue} car' makes one job "
        "per combination ({{ and }} are literal braces).",
    )
    _common(p)
    p.add_argument("--plain", action="store_true", help="no card: wait, print the file paths")
    return p


@functools.cache
def animate_parser() -> MagicArgumentParser:
    from ..contract import enum_names
    from ..contract.prompt import MOTIONS

    p = MagicArgumentParser(
        prog="%%animate",
        description="A video from a prompt (the cell body), or from image N of a finished grid.",
    )
    _common(p)
    p.add_argument(
        "--from",
        dest="source",
        type=job_image,
        metavar="JOB[:N]",
        help="animate image N (default 1) of JOB (a job id or a variable)",
    )
    p.add_argument(
        "--resolution",
        choices=enum_names("video_diffusion", "videoType"),
        default=enum_names("video_diffusion", "videoType")[0],
    )
    p.add_argument("--motion", choices=MOTIONS)
    return p


def _job_n(p: argparse.ArgumentParser, video: bool = False) -> None:
    p.add_argument("job", metavar="JOB", help="a job id or a variable holding a Job")
    p.add_argument(
        "index",
        metavar="N",
        type=video_number if video else image_number,
        help="the number on the card",
    )


def _words(p: argparse.ArgumentParser, dest: str, metavar: str) -> None:
    p.add_argument(dest, metavar=metavar, nargs="+")


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


def youchuan_parser() -> MagicArgumentParser:
    return _youchuan_parsers()[0]


@functools.cache
def _youchuan_parsers() -> tuple[MagicArgumentParser, dict[str, argparse.ArgumentParser]]:
    from ..contract import enum_names

    top = MagicArgumentParser(prog="%youchuan", add_help=False)
    sub = top.add_subparsers(dest="command", metavar="SUBCOMMAND", parser_class=MagicArgumentParser)
    parsers: dict[str, argparse.ArgumentParser] = {}

    def cmd(name: str, text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=text, description=text, prog=f"%youchuan {name}")
        if name in MAKES_JOBS:
            p.add_argument(
                "--new",
                action="store_true",
                help="submit even if the same request made a job already",
            )
        parsers[name] = p
        return p

    p = cmd("job", "show a job and its follow-ups")
    p.add_argument("job", metavar="ID")
    p = cmd("jobs", "the archive, newest N jobs first")
    p.add_argument("limit", metavar="N", type=int, nargs="?", default=24)
    p = cmd("archive", "search and browse every job of the job store")
    p.add_argument("words", metavar="WORDS", nargs="*", help="prompt words to search for")
    p = cmd("upscale", "upscale image N")
    _job_n(p)
    kinds = enum_names("upscale", "type")
    p.add_argument("--type", choices=kinds, default=kinds[0], help="the upscaler")
    p.add_argument(
        "--creative", dest="type", action="store_const", const="creative", help="--type creative"
    )
    p = cmd("vary", "variations of image N")
    _job_n(p)
    kinds = enum_names("variation", "type")
    p.add_argument("--type", choices=kinds, default=kinds[0], help="how far the variations go")
    p.add_argument(
        "--strong", dest="type", action="store_const", const="strong", help="--type strong"
    )
    p = cmd("pan", "extend image N in one direction")
    _job_n(p)
    p.add_argument("direction", choices=enum_names("pan", "direction"))
    p.add_argument("--scale", type=number, default=1.5)
    p = cmd("zoom", "zoom out of image N")
    _job_n(p)
    p.add_argument("--scale", type=number, default=2.0)
    p = cmd("remix", "image N again with a new prompt")
    _job_n(p)
    modes = enum_names("remix", "mode")
    p.add_argument("--mode", choices=modes, default=modes[0], help="how far the remix goes")
    p.add_argument(
        "--subtle", dest="mode", action="store_const", const="subtle", help="--mode subtle"
    )
    _words(p, "prompt", "PROMPT")
    p = cmd("reroll", "the same prompt again")
    p.add_argument("job", metavar="JOB")
    p = cmd("enhance", "a full-quality version of a --draft image")
    _job_n(p)
    p = cmd("inpaint", "repaint the rectangles of image N")
    _job_n(p)
    p.add_argument("--rect", type=rect, action="append", required=True, metavar="X,Y,W,H")
    p.add_argument("--prompt", nargs="+", metavar="TEXT")
    p = cmd("retexture", "a new look for the image at URL")
    p.add_argument("url", metavar="URL")
    _words(p, "prompt", "PROMPT")
    p = cmd("remove-bg", "the image at URL without its background")
    p.add_argument("url", metavar="URL")
    p = cmd("extend", "about 4 s more of video N")
    _job_n(p, video=True)
    _words(p, "prompt", "PROMPT")
    p = cmd("upscale-video", "video N in 1080p")
    _job_n(p, video=True)
    cmd("account", "the account's plan and balance")
    p = cmd("costs", "the cost records")
    p.add_argument("page", metavar="PAGE", type=int, nargs="?", default=1)
    cmd("moodboards", "the moodboards (use one with --p ID)")
    p = cmd("doctor", "check the service step by step (no paid call unless --job)")
    p.add_argument("--job", action="store_true", help="make one cheap draft job")
    p = cmd("login", "ask for credentials and use the service")
    p.add_argument("base_url", metavar="BASE_URL", nargs="?")
    p = cmd("use", "switch between the simulator and the service")
    p.add_argument("target", choices=("sim", "real"))
    cmd("help", "this list")
    return top, parsers


def subcommand_parsers() -> dict[str, argparse.ArgumentParser]:
    """Each ``%youchuan`` subcommand's parser, by name (for completion)."""
    return _youchuan_parsers()[1]


def subcommand_usages() -> list[str]:
    """One usage line per ``%youchuan`` subcommand, from the parsers themselves."""
    lines = []
    for p in _youchuan_parsers()[1].values():
        usage = p.format_usage().replace("usage: ", "").replace(" [-h]", "")
        lines.append(re.sub(r"\s+", " ", usage).strip())
    return lines


def help_text() -> str:
    from ..contract import enum_names
    from ..contract.prompt import MOTIONS

    res = "|".join(enum_names("video_diffusion", "videoType"))
    low, high = _index_range("upscale", "imageNo")
    lines = [
        "youchuan_nb magics",
        "  %%imagine [--wait] [--name VAR] [--timeout S] [--plain] [--new] [--yes] [MJ flags]",
        "      <prompt>                 a grid of 4 images; {var} is replaced by a variable's "
        "value",
        "      a {red, blue} car        one job per combination (--yes above confirm_above jobs)",
        "  %imagine [--wait] ... <prompt>   the one-line form",
        f"  %%animate / %animate [--from JOB[:N]] [--resolution {res}] "
        f"[--motion {'|'.join(MOTIONS)}] [--wait] [--name VAR] [--new] [--yes]",
        f"      [prompt]                 a video from a prompt, or from image N ({low}-{high}) "
        "of a finished job",
        "  %youchuan (or %yc) SUBCOMMAND:",
        *("      " + u for u in subcommand_usages()),
        f"  JOB is a job id or the name of a variable holding a Job; N is the number on the card "
        f"({low}-{high}).",
        "  Re-running an unchanged cell shows its job again; --new makes a new one.",
        "  Tab after -- in an %%imagine/%%animate cell completes flags and their values.",
        "  Settings: %config ImagineMagics (poll_interval, max_poll_interval, default_flags, "
        "thumbnail_size, cache_dir, wait, timeout, max_concurrent, confirm_above).",
    ]
    return "\n".join(lines)
