"""A request body from a call's fields: absent fields dropped, enum names mapped, the contract's
rules and prompt checks applied. Nothing here sends anything."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..contract import ENDPOINTS, PROMPT_FIELDS, check_prompt, coerce_numbers, enum_value, validate

if TYPE_CHECKING:
    from ._job import Job


def _py_name(ep_name: str, name: str) -> str:
    f = ENDPOINTS[ep_name].field(name)
    return f.py if f is not None else name


def prepare_body(
    ep_name: str,
    fields: dict[str, Any],
    parent: Job | None,
    *,
    rules: str,
    check_prompts: bool,
) -> dict[str, Any]:
    """Build and check the body: drop absent fields, map enum names, validate, check prompts."""
    ep = ENDPOINTS[ep_name]
    body = {}
    for f in ep.body:
        value = fields.get(f.name)
        if value is None or (f.name == "callback" and value == ""):
            continue
        body[f.name] = enum_value(ep_name, f.name, value)
    validate(ep_name, body, rules=rules)
    body = coerce_numbers(ep_name, body)  # "1" -> 1: send the API's integers
    if check_prompts:
        kind = "video" if ep.kind == "video" else "image"
        for name in PROMPT_FIELDS:
            if name in body:
                # a remix prompt edits the parent's image, so it inherits the parent's model
                inherit = parent is not None and name == "remixPrompt"
                check_prompt(
                    body[name],
                    kind=kind,
                    field_name=_py_name(ep_name, name),
                    default_model=parent.model if parent is not None and inherit else None,
                    rules=rules,
                )
    return body
