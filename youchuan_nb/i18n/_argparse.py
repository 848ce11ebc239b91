"""argparse in the catalogue's language: its own texts ("usage:", "options", "the following
arguments are required: ...") are English gettext strings, so :class:`ArgumentParser` formats
its help with our words and :func:`argparse_message` rewrites argparse's error messages.

The rewriting matches the messages of Python 3.11's argparse; a message it does not know (one of
our own, already in the language, or a future argparse text) passes through unchanged.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from typing import Any, NoReturn

from . import t

_Sub = Callable[[re.Match[str]], str]

# argparse's "argument --x: <inner>" messages, then its top-level ones
_INNER: list[tuple[re.Pattern[str], _Sub]] = [
    (
        re.compile(r"invalid choice: (.*) \(choose from (.*)\)$"),
        lambda m: t("argparse.invalid_choice", value=m[1], choices=m[2]),
    ),
    (
        re.compile(r"invalid (\S+) value: (.*)$"),
        lambda m: t("argparse.invalid_value", value=m[2]),
    ),
    (re.compile(r"expected one argument$"), lambda m: t("argparse.expected_one")),
    (re.compile(r"expected at most one argument$"), lambda m: t("argparse.expected_at_most_one")),
    (re.compile(r"expected at least one argument$"), lambda m: t("argparse.expected_at_least_one")),
    (re.compile(r"expected (\d+) arguments?$"), lambda m: t("argparse.expected_n", n=m[1])),
    (re.compile(r"not allowed with argument (.*)$"), lambda m: t("argparse.not_with", other=m[1])),
    (re.compile(r"ignored explicit argument (.*)$"), lambda m: t("argparse.ignored", value=m[1])),
]
_OUTER: list[tuple[re.Pattern[str], _Sub]] = [
    (
        re.compile(r"the following arguments are required: (.*)$", re.S),
        lambda m: t("argparse.required", names=m[1]),
    ),
    (
        re.compile(r"unrecognized arguments: (.*)$", re.S),
        lambda m: t("argparse.unrecognized", words=m[1]),
    ),
    (
        re.compile(r"one of the arguments (.*) is required$"),
        lambda m: t("argparse.one_of", names=m[1]),
    ),
    (
        re.compile(r"ambiguous option: (\S+) could match (.*)$"),
        lambda m: t("argparse.ambiguous", option=m[1], matches=m[2]),
    ),
    (
        re.compile(r"unexpected option string: (.*)$"),
        lambda m: t("argparse.unexpected", option=m[1]),
    ),
]
_ARGUMENT = re.compile(r"argument (\S+): (.*)$", re.S)


def _first(rules: list[tuple[re.Pattern[str], _Sub]], text: str) -> str | None:
    for pattern, words in rules:
        found = pattern.match(text)
        if found:
            return words(found)
    return None


def argparse_message(message: str) -> str:
    """An argparse error message in the catalogue's language (ours pass through)."""
    found = _ARGUMENT.match(message)
    if found:
        inner = _first(_INNER, found[2]) or found[2]
        return t("argparse.argument", name=found[1], message=inner)
    return _first(_OUTER, message) or message


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter with the usage line's prefix from the catalogue."""

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, t("argparse.usage") if prefix is None else prefix)


class ArgumentParser(argparse.ArgumentParser):
    """argparse with its help and errors in the catalogue's language: the section titles, the
    usage prefix and ``-h/--help`` are ours; :meth:`error` rewrites argparse's message."""

    def __init__(self, *args: Any, add_help: bool = True, **kwargs: Any) -> None:
        kwargs["add_help"] = False  # ours, whose line is in the catalogue's language
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = t("argparse.positionals")
        self._optionals.title = t("argparse.options")
        if add_help:
            self.add_argument(
                "-h", "--help", action="help", default=argparse.SUPPRESS, help=t("argparse.help")
            )

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        text = t("argparse.error", prog=self.prog, message=argparse_message(message))
        self.exit(2, text + "\n")


__all__ = ["ArgumentParser", "HelpFormatter", "argparse_message"]
