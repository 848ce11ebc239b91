"""Checking a request against the endpoint table: ranges, shapes and cross-field rules.

The client calls :func:`validate` before sending, the simulator on what arrives: one check.
Every check names its rule (:mod:`.sources`); :func:`.modes.breach` decides by the rule's mark
whether it refuses, or warns once and lets the request go on (``rules=``, ``service=``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, TypeGuard

from ..i18n import t
from .endpoints import (
    ENDPOINTS,
    TEXT_MAX,
    URL_MAX,
    Endpoint,
    Field,
    InvalidRequest,
    describe_enum,
    enum_rule,
    snake_case,
)
from .modes import breach
from .prompt import parse_prompt

# A JSON body is UTF-8 text (RFC 8259 §8.1), which cannot carry an unpaired surrogate: such a
# string cannot be sent at all. (Control characters can be sent: the service decides.)
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")


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


def _is_number(v: Any) -> bool:
    return (_is_int(v) or isinstance(v, float)) and not (
        isinstance(v, float) and not math.isfinite(v)
    )


class _Check:
    """One request being checked: where a failure is reported and how it is decided."""

    def __init__(self, ep: Endpoint, rules: str, service: bool) -> None:
        self.ep, self.rules, self.service = ep, rules, service

    def fail(self, rule: str, param: str, value: Any, key: str, **kw: Any) -> None:
        """Refuse (raise), or warn and return: the caller then stops checking this field."""
        kw.setdefault("field", param)  # and the template is always formatted ({{ -> {)
        exc = InvalidRequest(param, value, t(key, **kw), endpoint=self.ep.name, rule=rule)
        breach(exc, self.rules, service=self.service)

    def chars(self, param: str, value: Any) -> None:
        """Refuse a string (or the strings inside a dict or list) that cannot be UTF-8."""
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                bad = _SURROGATE.search(item)
                if bad:
                    code, at = f"U+{ord(bad.group()):04X}", bad.start()
                    return self.fail("text.encoding", param, item, "rules.chars", code=code, at=at)
            elif isinstance(item, dict):
                stack.extend(item.keys())
                stack.extend(item.values())
            elif isinstance(item, (list, tuple)):
                stack.extend(item)

    def http_url(
        self, param: str, value: Any, limit: int | None, *, callback: bool = False
    ) -> None:
        kind = "callback" if callback else "url"
        if not isinstance(value, str) or not value:
            return self.fail(f"{kind}.http", param, value, "rules.url.http")
        if value.startswith("data:"):
            return self.fail(f"{kind}.http", param, value[:40], "rules.url.data")
        if not re.match(r"^https?://[^\s/]+", value, re.I):
            return self.fail(f"{kind}.http", param, value, "rules.url.http")
        if limit is not None and len(value) > limit:
            self.fail(f"{kind}.length", param, value, "rules.url.length", n=limit, got=len(value))

    def ints(self, f: Field, obj: Any, keys: tuple[str, ...], rule: str) -> None:
        shape = "{" + ", ".join(f"{k}: int" for k in keys) + "}"
        if not isinstance(obj, dict):
            return self.fail(rule, f.py, obj, "rules.object", shape=shape)
        extra = set(obj) - set(keys)
        if extra:
            unknown = ", ".join(sorted(map(str, extra)))
            self.fail("field.unknown", f.py, obj, "rules.keys", keys=", ".join(keys), extra=unknown)
        for k in keys:
            v = obj.get(k)
            if not _is_int(v):
                self.fail(rule, f"{f.py}.{k}", v, "rules.pixels")
            elif k in ("width", "height") and v < 1:
                self.fail(rule, f"{f.py}.{k}", v, "rules.pixels_positive")

    def mask(self, f: Field, mask: Any) -> None:
        if not isinstance(mask, dict) or not mask:
            return self.fail("mask.form", f.py, mask, "rules.mask")
        if set(mask) - {"areas", "url"}:
            self.fail("field.unknown", f.py, mask, "rules.mask")
        if "url" in mask and mask["url"] not in (None, ""):
            return self.http_url(f"{f.py}.url", mask["url"], URL_MAX)
        areas = mask.get("areas")
        if not isinstance(areas, list) or not areas:
            return self.fail("mask.form", f.py, mask, "rules.mask")
        for i, area in enumerate(areas):
            where = f"{f.py}.areas[{i}]"
            if not isinstance(area, dict):
                self.fail("mask.area", where, area, "rules.mask.area")
                continue
            if set(area) - {"width", "height", "points"}:
                self.fail("field.unknown", where, area, "rules.mask.area")
            for k in ("width", "height"):
                v = area.get(k)
                if not _is_int(v) or v < 1:
                    self.fail("mask.area", f"{where}.{k}", v, "rules.mask.size")
            pts = area.get("points")
            if (
                not isinstance(pts, list)
                or len(pts) < 6
                or len(pts) % 2
                or not all(_is_number(p) for p in pts)
            ):
                self.fail("mask.area", f"{where}.points", pts, "rules.mask.points")
        # The document never says what an area's width/height mean, so points outside them
        # are left for the service to judge.

    def field(self, f: Field, value: Any) -> None:
        k, ep = f.kind, self.ep.name
        self.chars(f.py, value)
        if k == "text":
            if not isinstance(value, str) or not (1 <= len(value) <= TEXT_MAX):
                got = len(value) if isinstance(value, str) else type(value).__name__
                self.fail("text.length", f.py, value, "rules.text", n=TEXT_MAX, got=got)
        elif k == "id":
            if not isinstance(value, str) or not value.strip():
                self.fail("job_id.form", f.py, value, "rules.job_id")
        elif k in ("index", "enum"):
            low, high = f.low, f.high
            value = _as_int(value)  # numeric strings pass: the document's samples send "0"
            if not _is_int(value) or not (low is None or high is None or low <= value <= high):
                if k == "enum":
                    self.fail(enum_rule(ep), f.py, value, "rules.plain", text=describe_enum(f))
                else:
                    rule = "video_no.range" if f.name == "videoNo" else "image_no.range"
                    self.fail(rule, f.py, value, "rules.int_range", low=low, high=high)
        elif k == "page":
            value = _as_int(value)
            if f.low is None or f.high is None:  # moodboards: page numbers without a range
                if not _is_int(value):
                    self.fail("moodboards.paging", f.py, value, "rules.int")
            elif not _is_int(value) or not (f.low <= value <= f.high):
                rule, low, high = "costs.paging", int(f.low), int(f.high)
                self.fail(rule, f.py, value, "rules.int_range", low=low, high=high)
        elif k == "number":
            low, high = f.low if f.low is not None else -math.inf, f.high or math.inf
            if not _is_number(value) or not (low <= value <= high):
                self.fail(f"{ep}.scale", f.py, value, "rules.number_range", low=low, high=high)
        elif k in ("url", "callback"):
            self.http_url(f.py, value, f.max_len, callback=k == "callback")
        elif k == "mask":
            self.mask(f, value)
        elif k == "canvas":
            self.ints(f, value, ("width", "height"), "canvas.form")
        elif k == "img_pos":
            self.ints(f, value, ("width", "height", "x", "y"), "img_pos.form")
        elif k == "name":
            if not isinstance(value, str) or not value.strip():
                self.fail("moodboard.name", f.py, value, "rules.name")
        elif k == "string":
            if not isinstance(value, str):
                self.fail("moodboard.description", f.py, value, "rules.string")
        elif k == "urls":
            if not isinstance(value, list):
                return self.fail("moodboard.images", f.py, value, "rules.urls")
            for i, url in enumerate(value):
                self.http_url(f"{f.py}[{i}]", url, None)
        elif k == "time":
            if not isinstance(value, str) or not _ISO_TIME.match(value):
                self.fail("costs.time", f.py, value, "rules.time")
        elif k != "any":  # pragma: no cover - a typo in the endpoint table
            raise AssertionError(f"unknown field kind {k}")


def validate(
    ep_name: str,
    body: Mapping[str, Any] | None = None,
    query: Mapping[str, Any] | None = None,
    path: Mapping[str, Any] | None = None,
    *,
    rules: str = "documented",
    service: bool = False,
) -> None:
    """Check a request against the contract; raise :class:`InvalidRequest` on the first problem
    that refuses in mode ``rules`` (others warn once: :mod:`.modes`).

    ``body`` and ``query`` hold API-level values (camelCase names, integers for enums). Absent
    optional fields must be left out rather than set to None. ``service=True`` is the simulator.
    """
    ep = ENDPOINTS[ep_name]
    check = _Check(ep, rules, service)
    for where, given, fields in (("body", body or {}, ep.body), ("query", query or {}, ep.query)):
        if not isinstance(given, Mapping):
            raise InvalidRequest(
                where, given, t("rules.json_object"), endpoint=ep.name, rule="field.object"
            )
        known = {f.name for f in fields}
        for key in given:
            if key not in known:
                allowed = ", ".join(sorted(known)) or "-"
                check.fail(
                    "field.unknown",
                    str(key),
                    given[key],
                    "rules.unknown_field",
                    method=ep.method,
                    path=ep.path,
                    fields=allowed,
                )
        for f in fields:
            value = given.get(f.name)
            if value is None:
                if f.required:
                    check.fail("field.required", f.py, None, "rules.required")
                continue
            check.field(f, value)
    for key, value in (path or {}).items():
        if (
            not isinstance(value, str)
            or not value.strip()
            or "/" in value
            or value.strip() in (".", "..")  # a URL would drop or climb the segment
        ):
            check.fail("path.id", snake_case(key), value, "rules.path_id")
        else:
            check.chars(snake_case(key), value)
    _cross_checks(check, body or {})


def _cross_checks(check: _Check, body: Mapping[str, Any]) -> None:
    ep = check.ep
    if ep.name == "retexture" and isinstance(body.get("remixPrompt"), str):
        model = parse_prompt(body["remixPrompt"]).model
        # the document: "目前只支持6.1及以上的模型" (currently only models 6.1 and above)
        version = _version(model)
        if version is not None and version < (6, 1):
            check.fail(
                "retexture.model",
                "remix_prompt",
                body["remixPrompt"],
                "rules.retexture",
                model=model,
            )
    if ep.name == "video_diffusion":
        if body.get("prompt") is None and body.get("jobId") is None:
            check.fail("video.source", "prompt", None, "rules.video.source")
        if body.get("imageNo") is not None and body.get("jobId") is None:
            check.fail("video.image_no", "image_no", body["imageNo"], "rules.video.no_job")
        if body.get("jobId") is not None and body.get("imageNo") is None:
            check.fail("video.image_no", "image_no", None, "rules.video.needs_index")


def _version(model: str) -> tuple[int, ...] | None:
    """(6, 1) for "6.1"; None for a model that is not a plain version number (niji)."""
    parts = model.split(".")
    return tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else None


__all__ = ["coerce_numbers", "validate"]
