"""The 24 endpoints of the Youchuan API and the rules for their fields.

This table is the single description of the request side: the client validates what it is about
to send with :func:`validate`, and the simulator validates what it receives with the same call.
Field names are the API's (camelCase); ``Field.py`` is the client's snake_case argument name.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

TEXT_MAX = 8192
URL_MAX = 1024
CALLBACK_MAX = 2048


class InvalidRequest(ValueError):
    """A request that breaks the documented rules; raised before anything is sent."""

    def __init__(self, param: str, value: Any, allowed: str, *, endpoint: str = "") -> None:
        self.param, self.value, self.allowed, self.endpoint = param, value, allowed, endpoint
        shown = _short(value)
        where = f"{endpoint}: " if endpoint else ""
        super().__init__(f"{where}{param}={shown} is not allowed: {allowed}")


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 15] + f"...' ({len(str(value))} chars)"


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # text | id | index | enum | number | url | callback | mask | canvas | img_pos | urls | name | string | page | time
    required: bool = False
    low: float | None = None
    high: float | None = None
    names: Mapping[str, int] = field(default_factory=dict)  # friendly aliases for enum values
    # Limits for strings
    max_len: int | None = None

    @property
    def py(self) -> str:
        return _snake(self.name)


@dataclass(frozen=True)
class Endpoint:
    name: str  # the client's method name
    method: str
    path: str  # may contain {jobId} or {id}
    body: tuple[Field, ...] = ()
    query: tuple[Field, ...] = ()
    creates_job: bool = False
    second_pass: bool = False  # takes a parent jobId
    kind: str = "image"  # image | video | account | moodboard

    @property
    def fields(self) -> tuple[Field, ...]:
        return self.body + self.query

    def field(self, name: str) -> Field | None:
        for f in self.fields:
            if f.name == name or f.py == name:
                return f
        return None


def _text(name: str = "text", required: bool = True) -> Field:
    return Field(name, "text", required, 1, TEXT_MAX)


JOB_ID = Field("jobId", "id", True)
IMAGE_NO = Field("imageNo", "index", True, 0, 3)
VIDEO_NO = Field("videoNo", "index", True, 0, 3)
CALLBACK = Field("callback", "callback", False, max_len=CALLBACK_MAX)
REMIX_OPT = _text("remixPrompt", False)
REMIX_REQ = _text("remixPrompt", True)
MASK_REQ = Field("mask", "mask", True)
CANVAS = Field("canvas", "canvas", True)
IMG_POS = Field("imgPos", "img_pos", True)
IMG_URL = Field("imgUrl", "url", True, max_len=URL_MAX)
PAGE_NO = Field("pageNo", "page", True, 1, 1000)
PAGE_SIZE = Field("pageSize", "page", True, 1, 500)

VARIATION_TYPES = {"subtle": 0, "strong": 1}
UPSCALE_TYPES = {"standard": 0, "creative": 1, "v5_2x": 2, "v5_4x": 3}
PAN_DIRECTIONS = {"down": 0, "bottom": 0, "right": 1, "up": 2, "top": 2, "left": 3}
REMIX_MODES = {"strong": 0, "subtle": 1}
VIDEO_TYPES = {"480p": 0, "720p": 1}


def _ep(name, method, path, *body, query=(), creates_job=True, kind="image") -> Endpoint:
    second = any(f.name == "jobId" for f in body) and name not in ("callback",)
    return Endpoint(name, method, path, tuple(body), tuple(query), creates_job, second, kind)


_ALL = [
    # Image generation: 12 endpoints (reroll included)
    _ep("diffusion", "POST", "/v1/tob/diffusion", _text(), CALLBACK),
    _ep("variation", "POST", "/v1/tob/variation", JOB_ID, IMAGE_NO,
        Field("type", "enum", True, 0, 1, VARIATION_TYPES), REMIX_OPT, CALLBACK),
    _ep("upscale", "POST", "/v1/tob/upscale", JOB_ID, IMAGE_NO,
        Field("type", "enum", True, 0, 3, UPSCALE_TYPES), CALLBACK),
    _ep("reroll", "POST", "/v1/tob/reroll", JOB_ID, CALLBACK),
    _ep("pan", "POST", "/v1/tob/pan", JOB_ID, IMAGE_NO,
        Field("direction", "enum", True, 0, 3, PAN_DIRECTIONS),
        Field("scale", "number", True, 1.1, 3.0), REMIX_OPT, CALLBACK),
    _ep("outpaint", "POST", "/v1/tob/outpaint", JOB_ID, IMAGE_NO,
        Field("scale", "number", True, 1.1, 2.0), REMIX_OPT, CALLBACK),
    _ep("inpaint", "POST", "/v1/tob/inpaint", JOB_ID, IMAGE_NO, MASK_REQ, REMIX_OPT, CALLBACK),
    _ep("remix", "POST", "/v1/tob/remix", JOB_ID, IMAGE_NO, REMIX_REQ,
        Field("mode", "enum", False, 0, 1, REMIX_MODES), CALLBACK),
    _ep("edit", "POST", "/v1/tob/edit", JOB_ID, IMAGE_NO, CANVAS, IMG_POS, REMIX_REQ,
        Field("mask", "mask", False), CALLBACK),
    _ep("upload_paint", "POST", "/v1/tob/upload-paint", IMG_URL, MASK_REQ, CANVAS, IMG_POS,
        REMIX_REQ, CALLBACK),
    _ep("retexture", "POST", "/v1/tob/retexture", IMG_URL, REMIX_REQ, CALLBACK),
    _ep("remove_background", "POST", "/v1/tob/remove-background", IMG_URL, CALLBACK),
    _ep("enhance", "POST", "/v1/tob/enhance", JOB_ID, IMAGE_NO, CALLBACK),
    # Video: 3 endpoints
    _ep("video_diffusion", "POST", "/v1/tob/video-diffusion", _text("prompt", False),
        Field("jobId", "id", False), Field("imageNo", "index", False, 0, 3),
        Field("videoType", "enum", False, 0, 1, VIDEO_TYPES), CALLBACK, kind="video"),
    _ep("extend_video", "POST", "/v1/tob/extend-video", JOB_ID, VIDEO_NO, _text("prompt"),
        CALLBACK, kind="video"),
    _ep("video_upscale", "POST", "/v1/tob/video-upscale", JOB_ID, VIDEO_NO, CALLBACK,
        kind="video"),
    # Account: 5 endpoints
    _ep("job", "GET", "/v1/tob/job/{jobId}", creates_job=False, kind="account"),
    _ep("costs", "GET", "/v1/tob/costs", query=(PAGE_NO, PAGE_SIZE, Field("since", "time"),
                                                  Field("to", "time")),
        creates_job=False, kind="account"),
    _ep("cost_monthly", "GET", "/v1/tob/cost-monthly", query=(PAGE_NO, PAGE_SIZE),
        creates_job=False, kind="account"),
    _ep("subscribe", "GET", "/v1/tob/subscribe", creates_job=False, kind="account"),
    _ep("callback", "POST", "/v1/tob/callback", JOB_ID, creates_job=False, kind="account"),
    # Moodboards: 3 endpoints
    _ep("create_moodboard", "POST", "/v1/tob/moodboard", Field("name", "name", True),
        Field("description", "string", False), Field("images", "urls", False),
        creates_job=False, kind="moodboard"),
    _ep("update_moodboard", "PUT", "/v1/tob/moodboard/{id}", Field("name", "name", False),
        Field("description", "string", False), Field("images", "urls", False),
        creates_job=False, kind="moodboard"),
    _ep("moodboards", "GET", "/v1/tob/moodboards",
        query=(Field("pageNo", "page", False, 1, 1000), Field("pageSize", "page", False, 1, 500)),
        creates_job=False, kind="moodboard"),
]

ENDPOINTS: dict[str, Endpoint] = {e.name: e for e in _ALL}
assert len(ENDPOINTS) == 24

# Fields whose text is a prompt (checked by contract.prompt as well as for length).
PROMPT_FIELDS = ("text", "prompt", "remixPrompt")


def endpoint_for(method: str, path: str) -> tuple[Endpoint, dict[str, str]] | None:
    """Find the endpoint serving ``method path``; returns it with the path parameters."""
    for ep in _ALL:
        if ep.method != method:
            continue
        pattern = "^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", ep.path) + "$"
        m = re.match(pattern, path)
        if m:
            return ep, m.groupdict()
    return None


def enum_value(ep_name: str, field_name: str, value: Any) -> Any:
    """Translate a friendly enum name ("strong", "720p") into the API integer; others pass."""
    f = ENDPOINTS[ep_name].field(field_name)
    if f is None or f.kind != "enum" or not isinstance(value, str):
        return value
    key = value.strip().lower()
    if key in f.names:
        return f.names[key]
    raise InvalidRequest(f.py, value, _enum_allowed(f), endpoint=ep_name)


def enum_name(ep_name: str, field_name: str, value: Any) -> str | None:
    """The friendly name of an enum integer (the reverse of :func:`enum_value`), or None."""
    f = ENDPOINTS[ep_name].field(field_name)
    if f is None or f.kind != "enum":
        return None
    if isinstance(value, str) and value.strip().lower() in f.names:
        return value.strip().lower()
    for label, number in f.names.items():  # the first name listed for a value is its own
        if number == value and not isinstance(value, bool):
            return label
    return None


def enum_names(ep_name: str, field_name: str) -> tuple[str, ...]:
    """Every friendly name of an enum field, in table order (for argument choices)."""
    f = ENDPOINTS[ep_name].field(field_name)
    return tuple(f.names) if f is not None else ()


def _enum_allowed(f: Field) -> str:
    by_value: dict[int, list[str]] = {}
    for label, number in f.names.items():
        by_value.setdefault(number, []).append(repr(label))
    parts = [f"{n} ({' or '.join(labels)})" for n, labels in sorted(by_value.items())]
    return "one of " + ", ".join(parts)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return (_is_int(v) or isinstance(v, float)) and not (isinstance(v, float) and not math.isfinite(v))


def _check_http_url(f: Field, value: Any, limit: int, ep: str) -> None:
    if not isinstance(value, str) or not value:
        raise InvalidRequest(f.py, value, f"an http(s) URL of 1-{limit} characters", endpoint=ep)
    if len(value) > limit:
        raise InvalidRequest(f.py, value, f"at most {limit} characters (got {len(value)})",
                             endpoint=ep)
    if value.startswith("data:"):
        raise InvalidRequest(f.py, value[:40], "an http(s) URL; data: URIs are refused by the "
                             "service: upload the image somewhere and pass its URL", endpoint=ep)
    if not re.match(r"^https?://[^\s/]+", value, re.I):
        raise InvalidRequest(f.py, value, "an http:// or https:// URL", endpoint=ep)


def _check_ints(f: Field, obj: Any, keys: tuple[str, ...], ep: str, *, positive: tuple[str, ...]) -> None:
    shape = "{" + ", ".join(f"{k}: int" for k in keys) + "}"
    if not isinstance(obj, dict):
        raise InvalidRequest(f.py, obj, f"an object {shape}", endpoint=ep)
    extra = set(obj) - set(keys)
    if extra:
        raise InvalidRequest(f.py, obj, f"only the keys {', '.join(keys)} (unknown: "
                             f"{', '.join(sorted(map(str, extra)))})", endpoint=ep)
    for k in keys:
        v = obj.get(k)
        if not _is_int(v):
            raise InvalidRequest(f"{f.py}.{k}", v, "an integer number of pixels", endpoint=ep)
        if k in positive and not (1 <= v <= 16384):
            raise InvalidRequest(f"{f.py}.{k}", v, "between 1 and 16384 pixels", endpoint=ep)
        if k not in positive and not (-16384 <= v <= 16384):
            raise InvalidRequest(f"{f.py}.{k}", v, "between -16384 and 16384 pixels", endpoint=ep)


def _check_mask(f: Field, mask: Any, ep: str) -> None:
    allowed = ('{"areas": [{"width": W, "height": H, "points": [x1, y1, x2, y2, x3, y3, ...]}]} '
               'or {"url": "https://... black/white image, white = repaint"}')
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
        raise InvalidRequest(f"{f.py}.areas", f"{len(areas)} areas", "at most 64 areas", endpoint=ep)
    for i, area in enumerate(areas):
        where = f"{f.py}.areas[{i}]"
        if not isinstance(area, dict) or set(area) - {"width", "height", "points"}:
            raise InvalidRequest(where, area, '{"width": W, "height": H, "points": [...]}',
                                 endpoint=ep)
        for k in ("width", "height"):
            v = area.get(k)
            if not _is_int(v) or not (1 <= v <= 16384):
                raise InvalidRequest(f"{where}.{k}", v, "an integer of 1-16384 pixels (the size "
                                     "of the image the points refer to)", endpoint=ep)
        pts = area.get("points")
        if (not isinstance(pts, list) or len(pts) < 6 or len(pts) % 2
                or not all(_is_number(p) for p in pts)):
            raise InvalidRequest(f"{where}.points", pts, "an even number (at least 6) of "
                                 "coordinates x1, y1, x2, y2, x3, y3, ... (a polygon of 3+ "
                                 "points)", endpoint=ep)
        w, h = area["width"], area["height"]
        if any(not (0 <= x <= w) for x in pts[0::2]) or any(not (0 <= y <= h) for y in pts[1::2]):
            raise InvalidRequest(f"{where}.points", pts, f"coordinates inside the {w}x{h} "
                                 "image (0 <= x <= width, 0 <= y <= height)", endpoint=ep)


def _check_field(ep: Endpoint, f: Field, value: Any) -> None:
    n = ep.name
    k = f.kind
    if k == "text":
        if not isinstance(value, str):
            raise InvalidRequest(f.py, value, "a string", endpoint=n)
        if not (1 <= len(value) <= TEXT_MAX) or not value.strip():
            raise InvalidRequest(f.py, value, f"1-{TEXT_MAX} characters, not blank "
                                 f"(got {len(value)})", endpoint=n)
    elif k == "id":
        if not isinstance(value, str) or not value.strip() or len(value) > 256:
            raise InvalidRequest(f.py, value, "a job id string as returned by the service "
                                 "(job.id)", endpoint=n)
    elif k in ("index", "page", "enum"):
        if not _is_int(value) or not (f.low <= value <= f.high):
            allowed = (_enum_allowed(f) if k == "enum" else
                       f"an integer from {int(f.low)} to {int(f.high)}")
            raise InvalidRequest(f.py, value, allowed, endpoint=n)
    elif k == "number":
        if not _is_number(value) or not (f.low <= value <= f.high):
            raise InvalidRequest(f.py, value, f"a number from {f.low} to {f.high}", endpoint=n)
    elif k == "url":
        _check_http_url(f, value, f.max_len or URL_MAX, n)
    elif k == "callback":
        _check_http_url(f, value, f.max_len or CALLBACK_MAX, n)
    elif k == "mask":
        _check_mask(f, value, n)
    elif k == "canvas":
        _check_ints(f, value, ("width", "height"), n, positive=("width", "height"))
    elif k == "img_pos":
        _check_ints(f, value, ("width", "height", "x", "y"), n, positive=("width", "height"))
    elif k == "name":
        if not isinstance(value, str) or not value.strip() or len(value) > 256:
            raise InvalidRequest(f.py, value, "a non-empty name of at most 256 characters",
                                 endpoint=n)
    elif k == "string":
        if not isinstance(value, str) or len(value) > TEXT_MAX:
            raise InvalidRequest(f.py, value, f"a string of at most {TEXT_MAX} characters",
                                 endpoint=n)
    elif k == "urls":
        if not isinstance(value, list) or len(value) > 100:
            raise InvalidRequest(f.py, value, "a list of at most 100 image URLs", endpoint=n)
        for i, url in enumerate(value):
            _check_http_url(Field(f"{f.name}[{i}]", "url"), url, URL_MAX, n)
    elif k == "time":
        if not isinstance(value, str) or not re.match(
                r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$", value):
            raise InvalidRequest(f.py, value, "an ISO-8601 time such as 2025-01-01T00:00:00Z",
                                 endpoint=n)
    else:  # pragma: no cover - a typo in the table above
        raise AssertionError(f"unknown field kind {k}")


def validate(ep_name: str, body: Mapping[str, Any] | None = None,
             query: Mapping[str, Any] | None = None,
             path: Mapping[str, Any] | None = None) -> None:
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
                raise InvalidRequest(str(key), given[key], f"not a field of {ep.method} "
                                     f"{ep.path} (its fields: {allowed})", endpoint=ep.name)
        for f in fields:
            value = given.get(f.name)
            if value is None:
                if f.required:
                    raise InvalidRequest(f.py, None, "required", endpoint=ep.name)
                continue
            _check_field(ep, f, value)
    for key, value in (path or {}).items():
        if not isinstance(value, str) or not value.strip() or len(value) > 256 or "/" in value:
            raise InvalidRequest(_snake(key), value, "a non-empty id without '/'", endpoint=ep.name)
    _cross_checks(ep, body or {})


def _cross_checks(ep: Endpoint, body: Mapping[str, Any]) -> None:
    if ep.name == "video_diffusion":
        if body.get("prompt") is None and body.get("jobId") is None:
            raise InvalidRequest("prompt", None, "a video needs a prompt (text, optionally with "
                                 "a start image URL first) or a job_id (+ image_no) of a "
                                 "finished image job", endpoint=ep.name)
        if body.get("imageNo") is not None and body.get("jobId") is None:
            raise InvalidRequest("image_no", body["imageNo"], "only together with job_id",
                                 endpoint=ep.name)
        if body.get("jobId") is not None and body.get("imageNo") is None:
            raise InvalidRequest("image_no", None, "required with job_id: which image (0-3) "
                                 "of that job to animate", endpoint=ep.name)
