"""Permutation prompts, Midjourney's syntax: ``a {red, blue} car --ar {1:1, 16:9}`` is four
prompts, one per combination.

The rules (checked before anything is sent):

* a brace group with a comma at its own top level is a permutation: each option (trimmed) is
  used in turn, and the groups of one prompt combine in order, the first varying slowest;
* groups nest: ``a {red {car, bike}, blue boat}`` is "a red car", "a red bike", "a blue boat";
* ``\\,`` inside braces is a literal comma (``{salt\\, pepper, oil}`` has two options);
* a group without a top-level comma (``{name}``, ``{}``) is not a permutation: it stays as
  written, braces included (the magics replace ``{name}`` by a variable's value before this);
* outside every group ``{{`` and ``}}`` are literal braces ``{`` and ``}``; inside a group every
  brace opens or closes a group (so ``{a, {b, c}}`` nests);
* an unbalanced brace, an empty option (``{a,}``, ``{,}``) or more than
  :data:`MAX_COMBINATIONS` combinations is a :class:`PermutationError` naming the character
  position and what to do.

Pure: no I/O, imports nothing above the contract.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from .prompt import PromptError

MAX_COMBINATIONS = 40  # the most jobs one permutation prompt may make

__all__ = [
    "MAX_COMBINATIONS",
    "PermutationError",
    "count_combinations",
    "expand",
    "expand_with_values",
    "has_permutation",
]


class PermutationError(PromptError):
    """A permutation prompt that cannot be expanded; ``position`` is the 1-based character."""

    def __init__(self, message: str, *, position: int = 0, value: str = "") -> None:
        super().__init__(message, param="prompt", value=value)
        self.position = position


@dataclass
class _Group:
    start: int  # index of the "{" in the text
    options: list[list[_Node]] = field(default_factory=list)

    @property
    def permutes(self) -> bool:
        return len(self.options) > 1


_Node = str | _Group


class _Parser:
    def __init__(self, text: str) -> None:
        self.text, self.i = text, 0

    def _excerpt(self, at: int) -> str:
        lo, hi = max(0, at - 12), min(len(self.text), at + 13)
        return ("…" if lo else "") + self.text[lo:hi] + ("…" if hi < len(self.text) else "")

    def error(self, at: int, what: str, advice: str) -> PermutationError:
        return PermutationError(
            f"{what} at character {at + 1} ({self._excerpt(at)!r}) {advice}",
            position=at + 1,
            value=self.text[:80],
        )

    def sequence(self, depth: int) -> list[_Node]:
        """Nodes up to the end of the text (depth 0) or of the current option (a ``,`` or ``}``
        at this group's level, not consumed)."""
        text = self.text
        out: list[_Node] = []
        buf: list[str] = []
        while self.i < len(text):
            c, nxt = text[self.i], text[self.i + 1 : self.i + 2]
            if depth == 0 and c in "{}" and nxt == c:
                buf.append(c)  # {{ or }} outside every group: a literal brace
                self.i += 2
            elif c == "{":
                if buf:
                    out.append("".join(buf))
                    buf = []
                out.append(self.group(depth))
            elif c == "}":
                if depth == 0:
                    hint = (
                        " ('{{' before it is a literal brace: write '{ {' to open two groups)"
                        if "{{" in text[: self.i]
                        else ""
                    )
                    raise self.error(
                        self.i,
                        "the '}'",
                        "closes no '{': remove it, or write '}}' for a literal brace" + hint,
                    )
                break
            elif c == "," and depth > 0:
                break
            elif c == "\\" and nxt == "," and depth > 0:
                buf.append(",")  # an escaped comma is part of the option
                self.i += 2
            else:
                buf.append(c)
                self.i += 1
        if buf:
            out.append("".join(buf))
        return out

    def group(self, depth: int) -> _Group:
        g = _Group(self.i)
        self.i += 1  # the "{"
        while True:
            option_at = self.i
            option = self.sequence(depth + 1)
            g.options.append(option)
            if self.i >= len(self.text):
                raise self.error(
                    g.start,
                    "the '{'",
                    "is never closed: close it with '}', or write '{{' for a literal brace",
                )
            closing = self.text[self.i] == "}"
            if (g.permutes or not closing) and _empty(option):
                raise self.error(
                    option_at,
                    "an empty option",
                    "in a permutation: write something between the commas or remove the extra "
                    "comma (\\, is a literal comma)",
                )
            self.i += 1
            if closing:
                return g


def _empty(option: list[_Node]) -> bool:
    return all(isinstance(n, str) and not n.strip() for n in option)


def _parse(text: str) -> list[_Node]:
    if not isinstance(text, str):
        raise PermutationError(f"a prompt must be a string, got {type(text).__name__}")
    return _Parser(text).sequence(0)


def _count(nodes: list[_Node]) -> int:
    total = 1
    for node in nodes:
        if isinstance(node, _Group):
            counts = [_count(o) for o in node.options]
            total *= sum(counts) if node.permutes else counts[0]
    return total


def _combinations(nodes: list[_Node], record: bool) -> list[tuple[str, tuple[str, ...]]]:
    """(text, values) for each combination; ``values`` holds the option chosen in each
    outermost permutation group (only when ``record``: nested ones are part of their option)."""
    parts: list[list[tuple[str, tuple[str, ...]]]] = []
    for node in nodes:
        if isinstance(node, str):
            parts.append([(node, ())])
        elif node.permutes:
            choices: list[tuple[str, tuple[str, ...]]] = []
            for option in node.options:
                for text, _ in _combinations(option, record=False):
                    text = text.strip()
                    choices.append((text, (text,) if record else ()))
            parts.append(choices)
        else:  # not a permutation: the braces stay, what is inside may still permute
            inner = _combinations(node.options[0], record)
            parts.append([("{" + text + "}", values) for text, values in inner])
    out = []
    for combo in itertools.product(*parts):
        out.append(("".join(t for t, _ in combo), tuple(v for _, vs in combo for v in vs)))
    return out


def count_combinations(text: str) -> int:
    """How many prompts ``text`` makes (1 if it has no permutation); checks the syntax."""
    return _count(_parse(text))


def has_permutation(text: str) -> bool:
    """True if ``text`` has a permutation group (and is well formed)."""

    def walk(nodes: list[_Node]) -> bool:
        return any(
            isinstance(n, _Group) and (n.permutes or any(walk(o) for o in n.options)) for n in nodes
        )

    return walk(_parse(text))


def expand_with_values(
    text: str, *, limit: int = MAX_COMBINATIONS
) -> list[tuple[str, tuple[str, ...]]]:
    """Each prompt ``text`` makes, with the option chosen in each outermost permutation group
    (in the order the groups appear): ``a {red, blue} car --ar {1:1, 16:9}`` gives
    ``("a red car --ar 1:1", ("red", "1:1"))`` and three more. Raises :class:`PermutationError`
    for an unbalanced brace, an empty option or more than ``limit`` combinations."""
    nodes = _parse(text)
    n = _count(nodes)
    if n > limit:
        raise PermutationError(
            f"this prompt makes {n} combinations; at most {limit} are allowed: use fewer "
            "options, or split it over several cells",
            value=text[:80],
        )
    return _combinations(nodes, record=True)


def expand(text: str, *, limit: int = MAX_COMBINATIONS) -> list[str]:
    """Each prompt ``text`` makes, in order (``[text]``, with ``{{``/``}}`` made single, when
    it has no permutation). See :func:`expand_with_values`."""
    return [prompt for prompt, _ in expand_with_values(text, limit=limit)]
