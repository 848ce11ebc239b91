"""Permutation cells: ``a {red, blue} car --ar {1:1, 16:9}`` makes one job per combination.

The order of operations in an ``%%imagine`` or ``%%animate`` cell:

1. ``{name}`` is replaced by a variable's value (``ImagineMagics.interpolate``). Only a brace
   group holding a bare identifier is a variable, so a group with a comma (a permutation) is
   never one and is left alone; a ``{name}`` inside an option is still a variable, and a
   variable may hold a permutation. ``{{name}}`` is a literal ``{name}``.
2. :func:`expand` expands the permutation (``contract/permutations``; ``{{``/``}}`` elsewhere are
   literal braces, a group without a comma stays as written).
3. :func:`check_all` checks every prompt before any is sent: one line naming each bad one.
4. :func:`announce` prints how many jobs the cell makes; above ``confirm_above`` it sends
   nothing until the cell is re-run with ``--yes``.
5. :func:`submit_all` submits each combination through ``ImagineMagics.start_job`` (so an
   unchanged re-run shows the jobs it made), each with its own card, all of them before the cell
   blocks: the client queues those beyond the plan's concurrency. The cards show together on
   one comparison sheet (``_sweep``): a cell per job labelled with its options.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError

from ..i18n import t
from . import _rerun

if TYPE_CHECKING:  # pragma: no cover
    from ..client import Job
    from ._magics import ImagineMagics

Combination = tuple[str, tuple[str, ...]]  # (prompt, the option chosen in each group)


@dataclass
class Request:
    """One job to make: the request fields, the submitting call, its prompt and the job it
    follows up (a permutation's combination, or a ``%youchuan`` subcommand's one job)."""

    fields: dict[str, Any]
    call: Callable[[], Job]
    prompt: str = ""
    parent: Job | None = None


def expand(text: str) -> list[Combination]:
    """The combinations of ``text`` (one, itself, without a permutation); a bad permutation
    is a one-line ``UsageError``."""
    from ..contract import InvalidRequest
    from ..contract.permutations import expand_with_values

    try:
        combos = expand_with_values(text)
    except InvalidRequest as exc:
        raise UsageError(t("magics.perm.bad", problem=exc)) from None
    firsts: dict[str, Combination] = {}
    for prompt, values in combos:
        firsts.setdefault(prompt, (prompt, values))  # the first of each prompt, in order
    unique = list(firsts.values())
    if len(unique) < len(combos):
        print(t("magics.perm.repeats", repeats=len(combos) - len(unique), total=len(combos)))
    return unique


def check_all(prog: str, prompts: list[str], check: Callable[[str], object]) -> None:
    """Run ``check`` on every prompt before any is sent; raise one line naming each bad one
    by its position (a single prompt: just its problem)."""
    from ..client import YouchuanError
    from ..contract import InvalidRequest, PromptError

    bad = []
    for n, prompt in enumerate(prompts, 1):
        try:
            check(prompt)
        except (InvalidRequest, YouchuanError, ValueError) as exc:
            bad.append((n, prompt, exc))
    if not bad:
        return
    if len(prompts) == 1:
        problem = bad[0][2]
        if isinstance(problem, PromptError):
            raise UsageError(t("magics.perm.bad", problem=problem))
        raise UsageError(t("magics.refused", what=prog, problem=problem))
    listed = "; ".join(f"#{n} {_short(p)!r}: {exc}" for n, p, exc in bad)
    raise UsageError(
        t("magics.perm.invalid", prog=prog, bad=len(bad), total=len(prompts), listed=listed)
    )


def varied(values: list[tuple[str, ...]]) -> str:
    """``{red, blue} × {1:1, 16:9}``: the options of each group, in order."""
    groups = [list(dict.fromkeys(v[i] for v in values)) for i in range(len(values[0]))]
    return " × ".join("{" + ", ".join(g) + "}" for g in groups)


def announce(m: ImagineMagics, prog: str, values: list[tuple[str, ...]], confirmed: bool) -> None:
    """Say how many jobs a permutation cell makes; above ``m.confirm_above`` without
    ``--yes``, send nothing and say how to go on."""
    n, which = len(values), varied(values)
    if n > m.confirm_above and not confirmed:
        raise UsageError(
            t("magics.perm.too_many", prog=prog, n=n, which=which, limit=m.confirm_above)
        )
    print(t("magics.perm.announce", n=n, which=which))


def submit_all(
    m: ImagineMagics,
    endpoint: str,
    requests: list[Request],
    *,
    label: str,
    new: bool,
    wait: bool,
    name: str | None,
    timeout: float | None,
    values: list[tuple[str, ...]] | None = None,
) -> None:
    """Show a card per request (submitted now, or the job an identical request made before),
    then bind ``name`` (a job, or a list for several) and block if the cell should.

    Several requests with their ``values`` show one comparison sheet (``_sweep``) instead of
    a card each: a cell per job, labelled with its options, opening its card on a click."""
    sheet = bool(values) and len(requests) > 1 and values is not None
    several = len(requests) > 1
    shown, reused = [], []
    for r in requests:
        card, node, since = m.start_job(
            endpoint, r, label=label, new=new, quiet=several, display=not sheet
        )
        shown.append((card, node))
        if since is not None:
            reused.append(since)
    if reused and several:
        print(_rerun.note(min(reused), count=len(reused)))
    view = None
    if sheet and values is not None:
        from ._sweep import SweepSheet

        view = SweepSheet([card for card, _ in shown], [r.prompt for r in requests], values)
        view.show()
    timeout = m.timeout if timeout is None else timeout
    block = m.blocking(wait)
    m.settle(shown, block=block, name=name, timeout=timeout)
    if view is not None and block:
        view.update()
        view.refresh_output()  # the finished sheet is what a headless run saves


def _short(prompt: str, size: int = 60) -> str:
    return prompt if len(prompt) <= size else prompt[: size - 1] + "…"
