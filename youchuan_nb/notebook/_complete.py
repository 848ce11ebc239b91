"""Tab completion of flags in ``%%imagine`` and ``%%animate`` cells (and on ``%imagine`` /
``%animate`` lines), and of subcommands, options and choices on ``%youchuan``/``%yc`` lines
(``upscale JOB N --type <Tab>``: the upscale kinds).

``--`` completes the Midjourney flags (only the video ones in an ``%%animate`` body) and, on
the magic's own line, its options (``--wait``, ``--yes`` ...); after a flag (``--ar ``,
``--v 8``) the values worth offering. Each offer carries a one-line description, from the
contract's tables (:mod:`..contract.flags`) and the magics' argparse help, as its completion
``type``: IPython's matcher API has no other field for it, and Jupyter shows the type next to
the completion. Anywhere else this matcher offers nothing, so other completions are untouched.

Registered at ``%load_ext``; importing this module costs nothing (the contract and the
argparse parsers are imported at the first Tab in such a cell).
"""

from __future__ import annotations

import re
from typing import Any

from IPython.core.completer import CompletionContext, SimpleCompletion, context_matcher

IDENTIFIER = "youchuan_nb.flags"
_MAGIC = re.compile(r"\s*(%%?)(imagine|animate)\b")
_YOUCHUAN = re.compile(r"\s*%(youchuan|yc)\b")
_IN_GROUP = re.compile(r"(--[A-Za-z][\w-]*)\s+\{([^{}]*)$")  # after a flag, in an open {...


def _nothing() -> dict[str, Any]:
    return {"completions": [], "suppress": False}  # a new dict: IPython writes into it


def _where(context: CompletionContext) -> tuple[str, bool] | None:
    """("imagine" or "animate", whether the cursor is on the magic's own line), or None
    outside such a cell or line."""
    lines = context.full_text.split("\n")
    first = _MAGIC.match(lines[0]) if lines else None
    if first is not None and first.group(1) == "%%":
        return first.group(2), context.cursor_line == 0
    here = _MAGIC.match(context.line_with_cursor)
    if here is not None and here.group(1) == "%":
        return here.group(2), True
    return None


def _options(magic: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """(option, help, choices) of the magic's own argparse options."""
    from . import _magic_args as args

    return _options_of(args.imagine_parser() if magic == "imagine" else args.animate_parser())


def _options_of(parser: Any) -> list[tuple[str, str, tuple[str, ...]]]:
    out = []
    for action in getattr(parser, "options", []):
        for option in action.option_strings:
            if option.startswith("--") and option != "--help":
                out.append((option, action.help or "", tuple(action.choices or ())))
    return out


def _youchuan(before: str) -> dict[str, Any]:
    """On a ``%youchuan``/``%yc`` line: the subcommands, then the subcommand's options and the
    choices of an option or of the next positional argument (``pan JOB N <Tab>``: the
    directions; ``upscale JOB N --type <Tab>``: the upscale kinds)."""
    from . import _magic_args as args

    match = _YOUCHUAN.match(before)
    rest = before[match.end() :] if match is not None else ""
    if not rest[:1].isspace():
        return _nothing()  # %youchuan<Tab> completes the magic's own name elsewhere
    words = rest.split()
    current = "" if not words or rest[-1:].isspace() else words[-1]
    done = words[:-1] if current else words
    parsers = args.subcommand_parsers()
    if not done:
        offers = [(n, p.description or "") for n, p in parsers.items() if n.startswith(current)]
        return _result(current, offers)
    actions = getattr(parsers.get(done[0]), "options", [])
    if current.startswith("-"):
        options = _options_of(parsers.get(done[0]))
        return _result(current, [(o, about) for o, about, _ in options if o.startswith(current)])
    takes_value = {o for a in actions if a.nargs != 0 for o in a.option_strings}
    named = {o: a for a in actions for o in a.option_strings}
    said = f"{done[0]} {done[-1]}"
    if done[-1] in named:
        action = named[done[-1]]
    else:  # the next positional argument: skip the options and the values they took
        positionals = [a for a in actions if not a.option_strings]
        count, skip = 0, False
        for word in done[1:]:
            if skip:
                skip = False
            elif word.startswith("-"):
                skip = word in takes_value
            else:
                count += 1
        action = positionals[count] if count < len(positionals) else None
        said = done[0]
    if action is None or not action.choices:
        return _nothing()
    return _result(current, [(c, f"{said} {c}") for c in action.choices if c.startswith(current)])


def _result(
    fragment: str, offers: list[tuple[str, str]], *, ordered: bool = True
) -> dict[str, Any]:
    completions = [SimpleCompletion(text, type=about or "youchuan_nb") for text, about in offers]
    if not completions:
        return _nothing()
    return {
        "completions": completions,
        "matched_fragment": fragment,
        "suppress": True,  # inside a flag nothing else (Python names, files) makes sense
        "ordered": ordered,
    }


@context_matcher(identifier=IDENTIFIER)
def flag_matcher(context: CompletionContext) -> dict[str, Any]:
    """Flags and their values in an ``%%imagine``/``%%animate`` cell."""
    where = _where(context)
    if where is None:
        if _YOUCHUAN.match(context.line_with_cursor):
            return _youchuan(context.text_until_cursor)
        return _nothing()
    from ..contract.flags import flag_values, offered_flags

    magic, on_magic_line = where
    before = context.text_until_cursor
    words = before.split()
    current = "" if not words or before[-1:].isspace() else words[-1]
    previous = words[-1] if current == "" and words else (words[-2] if len(words) > 1 else "")
    options = _options(magic) if on_magic_line else []
    if current.startswith("-"):
        prefix = current.lstrip("-").lower()
        offers = [(o, about) for o, about, _ in options if o[2:].startswith(prefix)]
        kind = "video" if magic == "animate" else "image"
        offers += [
            ("--" + name, about)
            for name, about in offered_flags(kind)
            if name.startswith(prefix) and all(o != "--" + name for o, _ in offers)
        ]
        return _result(current, offers)
    sweep = _IN_GROUP.search(before)
    if sweep is not None:  # --stylize {0, 250, <Tab>: the values not chosen yet
        *chosen, fragment = sweep.group(2).split(",")
        fragment, taken = fragment.lstrip(), {c.strip() for c in chosen}
        offers = [
            (v, about or f"{sweep.group(1)} {v}")
            for v, about in flag_values(sweep.group(1))
            if v.startswith(fragment) and v not in taken
        ]
        return _result(fragment, offers)
    if previous.startswith("--") and not current.startswith("{"):
        choices = next((c for o, _, c in options if o == previous and c), ())
        values = [(c, "") for c in choices] or list(flag_values(previous))
        offers = [(v, about or f"{previous} {v}") for v, about in values if v.startswith(current)]
        return _result(current, offers)
    return _nothing()


def register(ipython: Any) -> None:
    """Add the matcher to the shell's completer (once, also across ``%reload_ext``)."""
    completer = getattr(ipython, "Completer", None)
    if completer is None:
        return
    unregister(ipython)
    completer.custom_matchers.append(flag_matcher)


def unregister(ipython: Any) -> None:
    completer = getattr(ipython, "Completer", None)
    if completer is None:
        return
    completer.custom_matchers[:] = [
        m for m in completer.custom_matchers if getattr(m, "matcher_identifier", None) != IDENTIFIER
    ]
