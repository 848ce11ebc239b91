"""The endpoint table and validate() (contract/endpoints.py) against the digest."""

from __future__ import annotations

import pytest

from youchuan_nb.contract import ENDPOINTS, InvalidRequest, endpoint_for, enum_value, validate

DIGEST = {  # name: (method, path, required body/query fields, optional fields)
    "diffusion": ("POST", "/v1/tob/diffusion", {"text"}, {"callback"}),
    "variation": (
        "POST",
        "/v1/tob/variation",
        {"jobId", "imageNo", "type"},
        {"callback", "remixPrompt"},
    ),
    "upscale": ("POST", "/v1/tob/upscale", {"jobId", "imageNo", "type"}, {"callback"}),
    # imageNo: an assumption (no reroll section; its class of calls takes one), never required
    "reroll": ("POST", "/v1/tob/reroll", {"jobId"}, {"imageNo", "callback"}),
    "pan": (
        "POST",
        "/v1/tob/pan",
        {"jobId", "imageNo", "direction", "scale"},
        {"remixPrompt", "callback"},
    ),
    "outpaint": (
        "POST",
        "/v1/tob/outpaint",
        {"jobId", "imageNo", "scale"},
        {"remixPrompt", "callback"},
    ),
    "inpaint": (
        "POST",
        "/v1/tob/inpaint",
        {"jobId", "imageNo", "mask"},
        {"remixPrompt", "callback"},
    ),
    "remix": ("POST", "/v1/tob/remix", {"jobId", "imageNo", "remixPrompt"}, {"mode", "callback"}),
    "edit": (
        "POST",
        "/v1/tob/edit",
        {"jobId", "imageNo", "canvas", "imgPos", "remixPrompt"},
        {"mask", "callback"},
    ),
    "upload_paint": (
        "POST",
        "/v1/tob/upload-paint",
        {"imgUrl", "mask", "canvas", "imgPos", "remixPrompt"},
        {"callback"},
    ),
    "retexture": ("POST", "/v1/tob/retexture", {"imgUrl", "remixPrompt"}, {"callback"}),
    "remove_background": ("POST", "/v1/tob/remove-background", {"imgUrl"}, {"callback"}),
    "enhance": ("POST", "/v1/tob/enhance", {"jobId", "imageNo"}, {"callback"}),
    "video_diffusion": (
        "POST",
        "/v1/tob/video-diffusion",
        set(),
        {"jobId", "imageNo", "prompt", "callback", "videoType"},
    ),
    "extend_video": ("POST", "/v1/tob/extend-video", {"jobId", "videoNo", "prompt"}, {"callback"}),
    "video_upscale": ("POST", "/v1/tob/video-upscale", {"jobId", "videoNo"}, {"callback", "type"}),  # type: in every official sample
    "job": ("GET", "/v1/tob/job/{jobId}", set(), set()),
    "costs": ("GET", "/v1/tob/costs", {"pageNo", "pageSize"}, {"since", "to"}),
    "cost_monthly": ("GET", "/v1/tob/cost-monthly", {"pageNo", "pageSize"}, set()),
    "subscribe": ("GET", "/v1/tob/subscribe", set(), set()),
    "callback": ("POST", "/v1/tob/callback", {"jobId"}, set()),
    "create_moodboard": ("POST", "/v1/tob/moodboard", {"name"}, {"description", "images"}),
    "update_moodboard": ("PUT", "/v1/tob/moodboard/{id}", set(), {"name", "description", "images"}),
    "moodboards": ("GET", "/v1/tob/moodboards", set(), {"pageNo", "pageSize"}),
}


def test_the_table_matches_the_digest():
    assert len(ENDPOINTS) == 24 and set(ENDPOINTS) == set(DIGEST)
    for name, (method, path, required, optional) in DIGEST.items():
        ep = ENDPOINTS[name]
        assert (ep.method, ep.path) == (method, path), name
        fields = {f.name: f.required for f in ep.fields}
        assert {n for n, r in fields.items() if r} == required, name
        assert {n for n, r in fields.items() if not r} == optional, name
        assert ep.creates_job == (
            method == "POST" and name not in ("callback", "create_moodboard")
        ), name


def test_endpoint_for_finds_every_path():
    for name, ep in ENDPOINTS.items():
        path = ep.path.replace("{jobId}", "abc").replace("{id}", "mb1")
        found = endpoint_for(ep.method, path)
        assert found is not None and found[0].name == name
    assert endpoint_for("GET", "/v1/tob/job/abc")[1] == {"jobId": "abc"}
    assert endpoint_for("DELETE", "/v1/tob/diffusion") is None
    assert endpoint_for("GET", "/v1/tob/nothing") is None


def test_enum_names():
    assert enum_value("variation", "type", "strong") == 1
    assert enum_value("upscale", "type", "V5_4X") == 3
    assert enum_value("pan", "direction", "bottom") == 0
    assert enum_value("remix", "mode", "subtle") == 1
    assert enum_value("video_diffusion", "videoType", "720p") == 1
    assert enum_value("pan", "direction", 2) == 2
    with pytest.raises(InvalidRequest, match="direction='north'"):
        enum_value("pan", "direction", "north")


def test_validate_rejects_unknown_fields_and_nulls_for_required():
    # unknown fields: a secondary rule (C5's protobuf remark), refused in strict mode only
    with pytest.raises(InvalidRequest, match="not a field") as info:
        validate("diffusion", {"text": "a", "prompt": "b"}, rules="strict")
    assert (info.value.rule, info.value.source) == ("field.unknown", "secondary")
    with pytest.raises(InvalidRequest, match="required"):
        validate("upscale", {"jobId": "j", "imageNo": 0, "type": None})
    validate("diffusion", {"text": "a fox", "callback": None})  # absent optional: fine


def test_message_names_parameter_value_and_allowed():
    with pytest.raises(InvalidRequest) as info:
        validate("pan", {"jobId": "j", "imageNo": 0, "direction": 0, "scale": 5})
    e = info.value
    assert (e.param, e.value, e.endpoint) == ("scale", 5, "pan")
    assert str(e) == "pan: scale=5 is not allowed: a number from 1.1 to 3.0"


@pytest.mark.parametrize(
    "ep,body,query",
    [
        ("diffusion", {"text": "x" * 8192}, None),
        ("pan", {"jobId": "j", "imageNo": 3, "direction": 3, "scale": 1.1}, None),
        ("outpaint", {"jobId": "j", "imageNo": 0, "scale": 2}, None),
        ("costs", None, {"pageNo": 1000, "pageSize": 500, "since": "2025-01-01"}),
        ("moodboards", None, {}),
        ("video_diffusion", {"prompt": "a cat"}, None),
        ("video_diffusion", {"jobId": "j", "imageNo": 0}, None),
        ("inpaint", {"jobId": "j", "imageNo": 0, "mask": {"url": "https://x.org/m.png"}}, None),
    ],
)
def test_valid_requests(ep, body, query):
    validate(ep, body, query)


@pytest.mark.parametrize(
    "ep,body,query,param",
    [
        ("diffusion", {"text": "x" * 8193}, None, "text"),
        ("outpaint", {"jobId": "j", "imageNo": 0, "scale": 2.5}, None, "scale"),
        ("costs", None, {"pageNo": 0, "pageSize": 1}, "page_no"),
        ("costs", None, {"pageNo": 1, "pageSize": 501}, "page_size"),
        ("video_diffusion", {}, None, "prompt"),
        ("create_moodboard", {}, None, "name"),
        ("callback", {"jobId": "j", "callback": "https://x"}, None, "callback"),
        (
            "retexture",
            {"imgUrl": "https://x.org/" + "a" * 1011, "remixPrompt": "x"},
            None,
            "img_url",
        ),
    ],
)
def test_invalid_requests(ep, body, query, param):
    with pytest.raises(InvalidRequest) as info:
        validate(ep, body, query, rules="strict")
    assert info.value.param == param
