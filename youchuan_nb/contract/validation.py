"""Checking a request against the endpoint table: ranges, shapes and cross-field rules.

The client calls :func:`validate` before sending, the simulator on what arrives: one check.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, TypeGuard

from .endpoints import (
    ENDPOINTS,
    TEXT_MAX,
    URL_MAX,
    Endpoint,
    Field,
    InvalidRequest,
    describe_enum,
    snake_case,
)
from .prompt import parse_prompt

# What the service (and the simulator) refuse in any text: NUL and other control characters
# (newline, tab and carriage return are allowed), unpaired surrogates and non-characters.
BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _check_chars(name: str, value: Any, ep: str) -> None:
    """Refuse a string (or the strings inside a dict or list) with characters the service
    refuses, locally and with a clear message."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            bad = BAD_CHARS.search(item)
            if bad:
                raise InvalidRequest(
                    name,
                    item,
                    f"text without NUL, control characters or unpaired surrogates (found "
                    f"U+{ord(bad.group()):04X} at position {bad.start()}; newlines and tabs "
                    "are fine)",
                    endpoint=ep,
                )
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)


def _is_int(v: Any) -> TypeGuard[int]:
    return isinstance(v, int) and not isinstance(v, bool)


def _as_int(value: Any) -> Any:
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


def coerce_numbers(ep_name: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """``body`` with numeric strings of integer fields as integers ("0" -> 0), as a protobuf
    JSON service reads them."""
    ep = ENDPOINTS[ep_name]
    out = dict(body)
    for f in ep.body:
        if f.kind in ("index", "page", "enum") and f.name in out:
            out[f.name] = _as_int(out[f.name])
    return out


def _bounds(f: Field) -> tuple[float, float]:
    if f.low is None or f.high is None:  # pragma: no cover - a table error
        raise TypeError(f"field {f.name} has no range")
    return f.low, f.high


def _is_number(v: Any) -> bool:
    return (_is_int(v) or isinstance(v, float)) and not (
        isinstance(v, float) and not math.isfinite(v)
    )


def _check_http_url(f: Field, value: Any, limit: int | None, ep: str) -> None:
    if not isinstance(value, str) or not value:
        raise InvalidRequest(f.py, value, "an http(s) URL", endpoint=ep)
    if limit is not None and len(value) > limit:
        raise InvalidRequest(
            f.py, value, f"at most {limit} characters (got {len(value)})", endpoint=ep
        )
    if value.startswith("data:"):
        raise InvalidRequest(
            f.py,
            value[:40],
            "an http(s) URL; data: URIs are refused by the "
            "service: upload the image somewhere and pass its URL",
            endpoint=ep,
        )
    if not re.match(r"^https?://[^\s/]+", value, re.I):
        raise InvalidRequest(f.py, value, "an http:// or https:// URL", endpoint=ep)


def _check_ints(
    f: Field, obj: Any, keys: tuple[str, ...], ep: str, *, positive: tuple[str, ...]
) -> None:
    shape = "{" + ", ".join(f"{k}: int" for k in keys) + "}"
    if not isinstance(obj, dict):
        raise InvalidRequest(f.py, obj, f"an object {shape}", endpoint=ep)
    extra = set(obj) - set(keys)
    if extra:
        raise InvalidRequest(
            f.py,
            obj,
            f"only the keys {', '.join(keys)} (unknown: {', '.join(sorted(map(str, extra)))})",
            endpoint=ep,
        )
    for k in keys:
        v = obj.get(k)
        if not _is_int(v):
            raise InvalidRequest(f"{f.py}.{k}", v, "an integer number of pixels", endpoint=ep)
        if k in positive and not (1 <= v <= 16384):
            raise InvalidRequest(f"{f.py}.{k}", v, "between 1 and 16384 pixels", endpoint=ep)
        if k not in positive and not (-16384 <= v <= 16384):
            raise InvalidRequest(f"{f.py}.{k}", v, "between -16384 and 16384 pixels", endpoint=ep)


def _check_mask(f: Field, mask: Any, ep: str) -> None:
    allowed = (
        '{"areas": [{"width": W, "height": H, "points": [x1, y1, x2, y2, x3, y3, ...]}]} '
        'or {"url": "https://... black/white image, white = repaint"}'
    )
    if not isinstance(mask, dict) or not mask:
        raise InvalidRequest(f.py, mask, allowed, endpoint=ep)
    extra = set(mask) - {"areas", "url"}
    if extra:
        raise InvalidRequest(f.py, mask, f"only the keys areas or url; {allowed}", endpoint=ep)
    if "url" in mask and mask["url"] not in (None, ""):
        _check_http_url(Field("mask.url", "url"), mask["url"], URL_MAX, ep)
        return
    areas = mask.get("areas")
    if not isinstance(areas, list) or not areas:
        raise InvalidRequest(f.py, mask, "areas (a non-empty list) or url; " + allowed, endpoint=ep)
    if len(areas) > 64:
        raise InvalidRequest(
            f"{f.py}.areas", f"{len(areas)} areas", "at most 64 areas", endpoint=ep
        )
    for i, area in enumerate(areas):
        where = f"{f.py}.areas[{i}]"
        if not isinstance(area, dict) or set(area) - {"width", "height", "points"}:
            raise InvalidRequest(
                where, area, '{"width": W, "height": H, "points": [...]}', endpoint=ep
            )
        for k in ("width", "height"):
            v = area.get(k)
            if not _is_int(v) or not (1 <= v <= 16384):
                raise InvalidRequest(
                    f"{where}.{k}",
                    v,
                    "an integer of 1-16384 pixels (the size of the image the points refer to)",
                    endpoint=ep,
                )
        pts = area.get("points")
        if (
            not isinstance(pts, list)
            or len(pts) < 6
            or len(pts) % 2
            or not all(_is_number(p) for p in pts)
        ):
            raise InvalidRequest(
                f"{where}.points",
                pts,
                "an even number (at least 6) of "
                "coordinates x1, y1, x2, y2, x3, y3, ... (a polygon of 3+ "
                "points)",
                endpoint=ep,
            )
        # The document never says what an area's width/height mean, so points outside them
        # are left for the service to judge.


def _check_field(ep: Endpoint, f: Field, value: Any) -> None:
    n = ep.name
    k = f.kind
    _check_chars(f.py, value, n)
    if k == "text":
        if not isinstance(value, str):
            raise InvalidRequest(f.py, value, "a string", endpoint=n)
        if not (1 <= len(value) <= TEXT_MAX):  # the document gives the length only
            raise InvalidRequest(
                f.py, value, f"1-{TEXT_MAX} characters (got {len(value)})", endpoint=n
            )
    elif k == "id":
        if not isinstance(value, str) or not value.strip() or len(value) > 256:
            raise InvalidRequest(
                f.py, value, "a job id string as returned by the service (job.id)", endpoint=n
            )
    elif k in ("index", "page", "enum"):
        low, high = _bounds(f)
        # numeric strings pass: the document's own samples send "imageNo": "0"
        value = _as_int(value)
        if not _is_int(value) or not (low <= value <= high):
            allowed = (
                describe_enum(f) if k == "enum" else f"an integer from {int(low)} to {int(high)}"
            )
            raise InvalidRequest(f.py, value, allowed, endpoint=n)
    elif k == "number":
        low, high = _bounds(f)
        if not _is_number(value) or not (low <= value <= high):
            raise InvalidRequest(f.py, value, f"a number from {low} to {high}", endpoint=n)
    elif k in ("url", "callback"):
        _check_http_url(f, value, f.max_len, n)
    elif k == "mask":
        _check_mask(f, value, n)
    elif k == "canvas":
        _check_ints(f, value, ("width", "height"), n, positive=("width", "height"))
    elif k == "img_pos":
        _check_ints(f, value, ("width", "height", "x", "y"), n, positive=("width", "height"))
    elif k == "name":
        if not isinstance(value, str) or not value.strip() or len(value) > 256:
            raise InvalidRequest(
                f.py, value, "a non-empty name of at most 256 characters", endpoint=n
            )
    elif k == "string":
        if not isinstance(value, str) or len(value) > TEXT_MAX:
            raise InvalidRequest(
                f.py, value, f"a string of at most {TEXT_MAX} characters", endpoint=n
            )
    elif k == "urls":
        if not isinstance(value, list) or len(value) > 100:
            raise InvalidRequest(f.py, value, "a list of at most 100 image URLs", endpoint=n)
        for i, url in enumerate(value):
            _check_http_url(Field(f"{f.name}[{i}]", "url"), url, URL_MAX, n)
    elif k == "time":
        if not isinstance(value, str) or not re.match(
            r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$", value
        ):
            raise InvalidRequest(
                f.py, value, "an ISO-8601 time such as 2025-01-01T00:00:00Z", endpoint=n
            )
    else:  # pragma: no cover - a typo in the table above
        raise AssertionError(f"unknown field kind {k}")


def validate(
    ep_name: str,
    body: Mapping[str, Any] | None = None,
    query: Mapping[str, Any] | None = None,
    path: Mapping[str, Any] | None = None,
) -> None:
    """Check a request against the contract; raise :class:`InvalidRequest` on the first problem.

    ``body`` and ``query`` hold API-level values (camelCase names, integers for enums). Absent
    optional fields must be left out rather than set to None.
    """
    ep = ENDPOINTS[ep_name]
    for where, given, fields in (("body", body or {}, ep.body), ("query", query or {}, ep.query)):
        if not isinstance(given, Mapping):
            raise InvalidRequest(where, given, "a JSON object", endpoint=ep.name)
        known = {f.name for f in fields}
        for key in given:
            if key not in known:
                allowed = ", ".join(sorted(known)) or "no fields"
                raise InvalidRequest(
                    str(key),
                    given[key],
                    f"not a field of {ep.method} {ep.path} (its fields: {allowed})",
                    endpoint=ep.name,
                )
        for f in fields:
            value = given.get(f.name)
            if value is None:
                if f.required:
                    raise InvalidRequest(f.py, None, "required", endpoint=ep.name)
                continue
            _check_field(ep, f, value)
    for key, value in (path or {}).items():
        if (
            not isinstance(value, str)
            or not value.strip()
            or len(value) > 256
            or "/" in value
            or value.strip() in (".", "..")  # a URL would drop or climb the segment
        ):
            raise InvalidRequest(
                snake_case(key), value, "a non-empty id without '/' (not . or ..)", endpoint=ep.name
            )
        _check_chars(snake_case(key), value, ep.name)
    _cross_checks(ep, body or {})


def _cross_checks(ep: Endpoint, body: Mapping[str, Any]) -> None:
    if ep.name == "retexture" and isinstance(body.get("remixPrompt"), str):
        model = parse_prompt(body["remixPrompt"]).model
        # the document: "目前只支持6.1及以上的模型" (currently only models 6.1 and above)
        version = _version(model)
        if version is not None and version < (6, 1):
            raise InvalidRequest(
                "remix_prompt",
                body["remixPrompt"],
                f"retexture works only with models 6.1 and above (this prompt uses {model}): "
                "add --v 6.1, --v 7 or later",
                endpoint=ep.name,
            )
    if ep.name == "video_diffusion":
        if body.get("prompt") is None and body.get("jobId") is None:
            raise InvalidRequest(
                "prompt",
                None,
                "a video needs a prompt (text, optionally with "
                "a start image URL first) or a job_id (+ image_no) of a "
                "finished image job",
                endpoint=ep.name,
            )
        if body.get("imageNo") is not None and body.get("jobId") is None:
            raise InvalidRequest(
                "image_no", body["imageNo"], "only together with job_id", endpoint=ep.name
            )
        if body.get("jobId") is not None and body.get("imageNo") is None:
            raise InvalidRequest(
                "image_no",
                None,
                "required with job_id: which image (0-3) of that job to animate",
                endpoint=ep.name,
            )


def _version(model: str) -> tuple[int, ...] | None:
    """(6, 1) for "6.1"; None for a model that is not a plain version number (niji)."""
    parts = model.split(".")
    return tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else None
