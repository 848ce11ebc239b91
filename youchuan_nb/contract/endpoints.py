"""The 24 endpoints of the Youchuan API and the rules for their fields.

This table is the single description of the request side: the client validates what it is about
to send with :func:`validate`, and the simulator validates what it receives with the same call.
Field names are the API's (camelCase); ``Field.py`` is the client's snake_case argument name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..i18n import t
from .sources import RULES, SourceKind

TEXT_MAX = 8192
URL_MAX = 1024
CALLBACK_MAX = 2048


class InvalidRequest(ValueError):
    """A request that breaks a rule; raised before anything is sent.

    ``param`` (the field or flag), ``endpoint`` and ``rule`` (the id in
    :data:`.sources.RULES`; "" for a check of this library's own arguments) do not depend on the
    language; the message is in the current one.
    """

    rule: str = ""  # (a subclass that fills in its own message may leave it so)

    def __init__(
        self, param: str, value: Any, allowed: str, *, endpoint: str = "", rule: str = ""
    ) -> None:
        self.param, self.value, self.allowed, self.endpoint = param, value, allowed, endpoint
        self.rule = rule
        where = f"{endpoint}: " if endpoint else ""
        super().__init__(
            t("rules.invalid", where=where, param=param, value=_short(value), allowed=allowed)
        )

    @property
    def source(self) -> SourceKind | None:
        """The kind of source of the rule broken ("doc", "secondary"), None for an argument."""
        found = RULES.get(self.rule)
        return found.kind if found is not None else None


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    if len(text) <= limit:
        return text
    return text[: limit - 15] + "...' " + t("rules.value_length", n=len(str(value)))


def snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@dataclass(frozen=True)
class Field:
    name: str
    # text | id | index | enum | number | url | callback | mask | canvas | img_pos | urls |
    # name | string | page | time | any
    kind: str
    required: bool = False
    low: float | None = None
    high: float | None = None
    names: Mapping[str, int] = field(default_factory=dict)  # friendly aliases for enum values
    # Limits for strings
    max_len: int | None = None

    @property
    def py(self) -> str:
        return snake_case(self.name)


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
IMAGE_NO_OPT = Field("imageNo", "index", False, 0, 3)
VIDEO_NO = Field("videoNo", "index", True, 0, 3)
CALLBACK = Field("callback", "callback", False)  # no length given for image endpoints
CALLBACK_VIDEO = Field("callback", "callback", False, max_len=CALLBACK_MAX)  # "[1-2048]"
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
    _ep(
        "variation",
        "POST",
        "/v1/tob/variation",
        JOB_ID,
        IMAGE_NO,
        Field("type", "enum", True, 0, 1, VARIATION_TYPES),
        REMIX_OPT,
        CALLBACK,
    ),
    _ep(
        "upscale",
        "POST",
        "/v1/tob/upscale",
        JOB_ID,
        IMAGE_NO,
        Field("type", "enum", True, 0, 3, UPSCALE_TYPES),
        CALLBACK,
    ),
    # An assumption: the reroll section is missing from the document; its class (二次编辑) takes
    # "前一个任务ID和图片编号", so an image number may be sent, never required (it rerolls a grid).
    _ep("reroll", "POST", "/v1/tob/reroll", JOB_ID, IMAGE_NO_OPT, CALLBACK),
    _ep(
        "pan",
        "POST",
        "/v1/tob/pan",
        JOB_ID,
        IMAGE_NO,
        Field("direction", "enum", True, 0, 3, PAN_DIRECTIONS),
        Field("scale", "number", True, 1.1, 3.0),
        REMIX_OPT,
        CALLBACK,
    ),
    _ep(
        "outpaint",
        "POST",
        "/v1/tob/outpaint",
        JOB_ID,
        IMAGE_NO,
        Field("scale", "number", True, 1.1, 2.0),
        REMIX_OPT,
        CALLBACK,
    ),
    _ep("inpaint", "POST", "/v1/tob/inpaint", JOB_ID, IMAGE_NO, MASK_REQ, REMIX_OPT, CALLBACK),
    _ep(
        "remix",
        "POST",
        "/v1/tob/remix",
        JOB_ID,
        IMAGE_NO,
        REMIX_REQ,
        Field("mode", "enum", False, 0, 1, REMIX_MODES),
        CALLBACK,
    ),
    _ep(
        "edit",
        "POST",
        "/v1/tob/edit",
        JOB_ID,
        IMAGE_NO,
        CANVAS,
        IMG_POS,
        REMIX_REQ,
        Field("mask", "mask", False),
        CALLBACK,
    ),
    _ep(
        "upload_paint",
        "POST",
        "/v1/tob/upload-paint",
        IMG_URL,
        MASK_REQ,
        CANVAS,
        IMG_POS,
        REMIX_REQ,
        CALLBACK,
    ),
    _ep("retexture", "POST", "/v1/tob/retexture", IMG_URL, REMIX_REQ, CALLBACK),
    _ep(
        "remove_background",
        "POST",
        "/v1/tob/remove-background",
        Field("imgUrl", "url", True),  # the document gives no length here
        CALLBACK,
    ),
    _ep("enhance", "POST", "/v1/tob/enhance", JOB_ID, IMAGE_NO, CALLBACK),
    # Video: 3 endpoints
    _ep(
        "video_diffusion",
        "POST",
        "/v1/tob/video-diffusion",
        _text("prompt", False),
        Field("jobId", "id", False),
        Field("imageNo", "index", False, 0, 3),
        Field("videoType", "enum", False, 0, 1, VIDEO_TYPES),
        CALLBACK_VIDEO,
        kind="video",
    ),
    _ep(
        "extend_video",
        "POST",
        "/v1/tob/extend-video",
        JOB_ID,
        VIDEO_NO,
        _text("prompt"),
        CALLBACK_VIDEO,
        kind="video",
    ),
    _ep(
        "video_upscale",
        "POST",
        "/v1/tob/video-upscale",
        JOB_ID,
        VIDEO_NO,
        # not in the parameter list, but every official sample sends "type": 0: known, and
        # any value passes (rule video_upscale.type is an assumption)
        Field("type", "any", False),
        CALLBACK_VIDEO,
        kind="video",
    ),
    # Account: 5 endpoints
    _ep("job", "GET", "/v1/tob/job/{jobId}", creates_job=False, kind="account"),
    _ep(
        "costs",
        "GET",
        "/v1/tob/costs",
        query=(PAGE_NO, PAGE_SIZE, Field("since", "time"), Field("to", "time")),
        creates_job=False,
        kind="account",
    ),
    _ep(
        "cost_monthly",
        "GET",
        "/v1/tob/cost-monthly",
        query=(PAGE_NO, PAGE_SIZE),
        creates_job=False,
        kind="account",
    ),
    _ep("subscribe", "GET", "/v1/tob/subscribe", creates_job=False, kind="account"),
    _ep("callback", "POST", "/v1/tob/callback", JOB_ID, creates_job=False, kind="account"),
    # Moodboards: 3 endpoints
    _ep(
        "create_moodboard",
        "POST",
        "/v1/tob/moodboard",
        Field("name", "name", True),
        Field("description", "string", False),
        Field("images", "urls", False),
        creates_job=False,
        kind="moodboard",
    ),
    _ep(
        "update_moodboard",
        "PUT",
        "/v1/tob/moodboard/{id}",
        Field("name", "name", False),
        Field("description", "string", False),
        Field("images", "urls", False),
        creates_job=False,
        kind="moodboard",
    ),
    _ep(
        "moodboards",
        "GET",
        "/v1/tob/moodboards",
        # the document gives no ranges for these two (costs' 1-1000 / 1-500 are not copied):
        # whole numbers, no range
        query=(Field("pageNo", "page", False), Field("pageSize", "page", False)),
        creates_job=False,
        kind="moodboard",
    ),
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
    raise InvalidRequest(f.py, value, describe_enum(f), endpoint=ep_name, rule=enum_rule(ep_name))


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


def describe_enum(f: Field) -> str:
    by_value: dict[int, list[str]] = {}
    for label, number in f.names.items():
        by_value.setdefault(number, []).append(repr(label))
    parts = [f"{n} ({' / '.join(labels)})" for n, labels in sorted(by_value.items())]
    return t("rules.enum", values=", ".join(parts))


#: the rule of each endpoint's enum field (an endpoint has at most one)
ENUM_RULES = {
    "variation": "variation.type",
    "upscale": "upscale.type",
    "pan": "pan.direction",
    "remix": "remix.mode",
    "video_diffusion": "video.type",
}


def enum_rule(ep_name: str) -> str:
    return ENUM_RULES.get(ep_name, "field.required")
