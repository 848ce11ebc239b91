"""Applying a rule by its mark: refuse, warn once and let the service decide, or nothing.

``rules="documented"`` (the default): only rules of the official document refuse locally; a
broken secondary rule warns once per rule per process (:class:`RuleWarning`) and the request is
sent. ``rules="strict"`` refuses on secondary rules too (for tests). Assumptions are never
applied. ``service=True`` is the simulator: it never warns (it is the service) and refuses,
beyond the document, on the secondary rules marked ``sim_refuses``.
"""

from __future__ import annotations

import threading
import warnings
from typing import Any

from ..i18n import t
from .sources import MODES, RULES


class RuleWarning(UserWarning):
    """A request breaks a rule from a secondary source; it is sent and the service decides."""

    def __init__(self, message: str, rule: str = "") -> None:
        super().__init__(message)
        self.rule = rule


_warned: set[str] = set()
_lock = threading.Lock()


def check_mode(rules: Any, *, name: str = "rules") -> str:
    """``rules`` if it is a mode ("documented" or "strict"), else a ValueError saying so."""
    if isinstance(rules, str) and rules in MODES:
        return rules
    raise ValueError(t("rules.bad_mode", name=name, value=repr(rules)))


def refuses(rule_id: str, rules: str = "documented", *, service: bool = False) -> bool:
    """Whether a request breaking ``rule_id`` is refused in mode ``rules``."""
    r = RULES[rule_id]
    if not r.checked:
        return False
    if r.kind == "doc" or rules == "strict":
        return True
    return service and r.sim_refuses


def warn_once(rule_id: str, message: str) -> bool:
    """Warn (once per rule per process) that a request breaking ``rule_id`` is sent anyway."""
    with _lock:
        if rule_id in _warned:
            return False
        _warned.add(rule_id)
    text = t("rules.warn.secondary", message=message, rule=rule_id, cite=RULES[rule_id].cite)
    warnings.warn(RuleWarning(text, rule_id), stacklevel=4)
    return True


def reset_warnings() -> None:
    """Forget which rules have warned (for tests)."""
    with _lock:
        _warned.clear()


def breach(exc: Exception, rules: str = "documented", *, service: bool = False) -> None:
    """A request breaks the rule of ``exc`` (an ``InvalidRequest``): raise it, or warn once and
    return so that the check goes on."""
    rule_id = getattr(exc, "rule", "")
    if not rule_id or refuses(rule_id, rules, service=service):
        raise exc
    if not service and RULES[rule_id].kind == "secondary":
        warn_once(rule_id, str(exc))
