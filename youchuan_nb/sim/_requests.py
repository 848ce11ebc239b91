"""Reading a request: its body (JSON object) and query, refusing text the service cannot take."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl

from ..contract import Endpoint
from ._bodies import ApiError

# Only what UTF-8 cannot carry (a JSON escape such as \\ud800): control characters are valid
# JSON and nothing says the service refuses them (rule text.chars is an assumption).
_BAD_CHARS = re.compile(r"[\ud800-\udfff]")
_INT = re.compile(r"^[+-]?\d{1,9}$")


class BadRequest(Exception):
    """A request that cannot be read; answered 400 and the connection is closed."""


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def check_text(value: object, where: str = "body") -> None:
    """Refuse unpaired surrogates anywhere (rule text.encoding)."""
    stack = [(value, where)]
    while stack:
        item, at = stack.pop()
        if isinstance(item, str):
            if _BAD_CHARS.search(item):
                raise ApiError(
                    400,
                    "Invalid_Argument",
                    f"{at} contains an unpaired surrogate, which is not UTF-8 text",
                )
        elif isinstance(item, dict):
            for k, v in item.items():
                stack.append((k, at))
                stack.append((v, f"{at}.{k}" if isinstance(k, str) and len(k) < 40 else at))
        elif isinstance(item, list):
            stack.extend((v, at) for v in item)


def parse_body(ep: Endpoint, data: bytes) -> dict:
    """The JSON object body of a request (GET: none), checked for unreadable text."""
    if ep.method == "GET":
        return {}
    if not data.strip():
        raise ApiError(400, "Invalid_Argument", "the body must be a JSON object")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "Invalid_Argument", "the body is not valid UTF-8") from None
    try:
        body = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise ApiError(
            400, "Invalid_Argument", f"the body is not valid JSON: {str(exc)[:120]}"
        ) from None
    if not isinstance(body, dict):
        raise ApiError(
            400,
            "Invalid_Argument",
            f"the body must be a JSON object, got {type(body).__name__}",
        )
    check_text(body)
    return body


def parse_query(ep: Endpoint, query: str) -> dict:
    """The query parameters; page numbers as integers."""
    if not query:
        return {}
    try:
        pairs = parse_qsl(query, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise ApiError(400, "Invalid_Argument", "the query string is not valid") from None
    out: dict = {}
    for key, value in pairs:
        check_text(key, "query")
        check_text(value, f"query {key[:40]}")
        f = ep.field(key) if key in {x.name for x in ep.query} else None
        if f is not None and f.kind == "page":
            if not _INT.match(value.strip()):
                raise ApiError(
                    400, "Invalid_Argument", f"{key} must be an integer, got {value[:40]!r}"
                )
            out[key] = int(value)
        else:
            out[key] = value
    return out
