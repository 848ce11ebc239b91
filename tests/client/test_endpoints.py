"""Every one of the 24 endpoints: the exact request the client sends, and a real round trip.

Exact bytes are checked against a loopback recorder (the ``recorder`` fixture); the round trips
run against the simulator and check what it recorded as received (``sim.created``).
"""

from __future__ import annotations

import pytest

from youchuan_nb.contract import ENDPOINTS

JID = "0f" * 16
CB = "https://example.com/hook?x=1"
AREAS = {"areas": [{"width": 100, "height": 100, "points": [0, 0, 50, 0, 50, 50]}]}
CANVAS = {"width": 1024, "height": 1024}
POS = {"width": 512, "height": 512, "x": 10, "y": 20}
IMG = "https://example.com/cat.png"

# name -> (HTTP method, path, minimal call, its body/query, full call, its body/query)
CASES = {
    "diffusion": (
        "POST",
        "/v1/tob/diffusion",
        lambda c: c.diffusion("a red fox"),
        {"text": "a red fox"},
        lambda c: c.diffusion("a red fox --ar 16:9", callback=CB),
        {"text": "a red fox --ar 16:9", "callback": CB},
    ),
    "variation": (
        "POST",
        "/v1/tob/variation",
        lambda c: c.variation(JID, 2, "subtle"),
        {"jobId": JID, "imageNo": 2, "type": 0},
        lambda c: c.variation(JID, 3, "strong", remix_prompt="in snow", callback=CB),
        {"jobId": JID, "imageNo": 3, "type": 1, "remixPrompt": "in snow", "callback": CB},
    ),
    "upscale": (
        "POST",
        "/v1/tob/upscale",
        lambda c: c.upscale(JID, 0, "standard"),
        {"jobId": JID, "imageNo": 0, "type": 0},
        lambda c: c.upscale(JID, 1, "v5_4x", callback=CB),
        {"jobId": JID, "imageNo": 1, "type": 3, "callback": CB},
    ),
    "reroll": (
        "POST",
        "/v1/tob/reroll",
        lambda c: c.reroll(JID),
        {"jobId": JID},
        lambda c: c.reroll(JID, callback=CB, image_no=2),
        {"jobId": JID, "imageNo": 2, "callback": CB},
    ),
    "pan": (
        "POST",
        "/v1/tob/pan",
        lambda c: c.pan(JID, 1, "left", 1.5),
        {"jobId": JID, "imageNo": 1, "direction": 3, "scale": 1.5},
        lambda c: c.pan(JID, 1, "top", 3.0, remix_prompt="sky", callback=CB),
        {
            "jobId": JID,
            "imageNo": 1,
            "direction": 2,
            "scale": 3.0,
            "remixPrompt": "sky",
            "callback": CB,
        },
    ),
    "outpaint": (
        "POST",
        "/v1/tob/outpaint",
        lambda c: c.outpaint(JID, 0, 2.0),
        {"jobId": JID, "imageNo": 0, "scale": 2.0},
        lambda c: c.outpaint(JID, 0, 1.1, remix_prompt="wide", callback=CB),
        {"jobId": JID, "imageNo": 0, "scale": 1.1, "remixPrompt": "wide", "callback": CB},
    ),
    "inpaint": (
        "POST",
        "/v1/tob/inpaint",
        lambda c: c.inpaint(JID, 0, AREAS),
        {"jobId": JID, "imageNo": 0, "mask": AREAS},
        lambda c: c.inpaint(JID, 0, {"url": IMG}, remix_prompt="a hat", callback=CB),
        {"jobId": JID, "imageNo": 0, "mask": {"url": IMG}, "remixPrompt": "a hat", "callback": CB},
    ),
    "remix": (
        "POST",
        "/v1/tob/remix",
        lambda c: c.remix(JID, 0, "as a watercolor"),
        {"jobId": JID, "imageNo": 0, "remixPrompt": "as a watercolor"},
        lambda c: c.remix(JID, 0, "as a watercolor", mode="subtle", callback=CB),
        {"jobId": JID, "imageNo": 0, "remixPrompt": "as a watercolor", "mode": 1, "callback": CB},
    ),
    "edit": (
        "POST",
        "/v1/tob/edit",
        lambda c: c.edit(JID, 0, CANVAS, POS, "a frame"),
        {"jobId": JID, "imageNo": 0, "canvas": CANVAS, "imgPos": POS, "remixPrompt": "a frame"},
        lambda c: c.edit(JID, 0, CANVAS, POS, "a frame", mask=AREAS, callback=CB),
        {
            "jobId": JID,
            "imageNo": 0,
            "canvas": CANVAS,
            "imgPos": POS,
            "remixPrompt": "a frame",
            "mask": AREAS,
            "callback": CB,
        },
    ),
    "upload_paint": (
        "POST",
        "/v1/tob/upload-paint",
        lambda c: c.upload_paint(IMG, AREAS, CANVAS, POS, "a frame"),
        {"imgUrl": IMG, "mask": AREAS, "canvas": CANVAS, "imgPos": POS, "remixPrompt": "a frame"},
        lambda c: c.upload_paint(IMG, AREAS, CANVAS, POS, "a frame", callback=CB),
        {
            "imgUrl": IMG,
            "mask": AREAS,
            "canvas": CANVAS,
            "imgPos": POS,
            "remixPrompt": "a frame",
            "callback": CB,
        },
    ),
    "retexture": (
        "POST",
        "/v1/tob/retexture",
        lambda c: c.retexture(IMG, "made of glass"),
        {"imgUrl": IMG, "remixPrompt": "made of glass"},
        lambda c: c.retexture(IMG, "made of glass", callback=CB),
        {"imgUrl": IMG, "remixPrompt": "made of glass", "callback": CB},
    ),
    "remove_background": (
        "POST",
        "/v1/tob/remove-background",
        lambda c: c.remove_background(IMG),
        {"imgUrl": IMG},
        lambda c: c.remove_background(IMG, callback=CB),
        {"imgUrl": IMG, "callback": CB},
    ),
    "enhance": (
        "POST",
        "/v1/tob/enhance",
        lambda c: c.enhance(JID, 3),
        {"jobId": JID, "imageNo": 3},
        lambda c: c.enhance(JID, 3, callback=CB),
        {"jobId": JID, "imageNo": 3, "callback": CB},
    ),
    "video_diffusion": (
        "POST",
        "/v1/tob/video-diffusion",
        lambda c: c.video_diffusion(prompt="a cat walks"),
        {"prompt": "a cat walks"},
        lambda c: c.video_diffusion(
            prompt="a cat walks", job_id=JID, image_no=1, video_type="720p", callback=CB
        ),
        {"prompt": "a cat walks", "jobId": JID, "imageNo": 1, "videoType": 1, "callback": CB},
    ),
    "extend_video": (
        "POST",
        "/v1/tob/extend-video",
        lambda c: c.extend_video(JID, 0, "and runs"),
        {"jobId": JID, "videoNo": 0, "prompt": "and runs"},
        lambda c: c.extend_video(JID, 3, "and runs", callback=CB),
        {"jobId": JID, "videoNo": 3, "prompt": "and runs", "callback": CB},
    ),
    "video_upscale": (
        "POST",
        "/v1/tob/video-upscale",
        lambda c: c.video_upscale(JID, 0),
        {"jobId": JID, "videoNo": 0},
        lambda c: c.video_upscale(JID, 2, callback=CB),
        {"jobId": JID, "videoNo": 2, "callback": CB},
    ),
    "job": ("GET", f"/v1/tob/job/{JID}", lambda c: c.job(JID), None, lambda c: c.job(JID), None),
    "costs": (
        "GET",
        "/v1/tob/costs",
        lambda c: c.costs(1, 10),
        {"pageNo": "1", "pageSize": "10"},
        lambda c: c.costs(1000, 500, since="2025-01-01T00:00:00Z", to="2025-02-01T00:00:00Z"),
        {
            "pageNo": "1000",
            "pageSize": "500",
            "since": "2025-01-01T00:00:00Z",
            "to": "2025-02-01T00:00:00Z",
        },
    ),
    "cost_monthly": (
        "GET",
        "/v1/tob/cost-monthly",
        lambda c: c.cost_monthly(1, 1),
        {"pageNo": "1", "pageSize": "1"},
        lambda c: c.cost_monthly(2, 500),
        {"pageNo": "2", "pageSize": "500"},
    ),
    "subscribe": (
        "GET",
        "/v1/tob/subscribe",
        lambda c: c.subscribe(),
        None,
        lambda c: c.subscribe(),
        None,
    ),
    "callback": (
        "POST",
        "/v1/tob/callback",
        lambda c: c.callback(JID),
        {"jobId": JID},
        lambda c: c.callback(JID),
        {"jobId": JID},
    ),
    "create_moodboard": (
        "POST",
        "/v1/tob/moodboard",
        lambda c: c.create_moodboard("warm"),
        {"name": "warm"},
        lambda c: c.create_moodboard("warm", description="d", images=[IMG]),
        {"name": "warm", "description": "d", "images": [IMG]},
    ),
    "update_moodboard": (
        "PUT",
        "/v1/tob/moodboard/mb42",
        lambda c: c.update_moodboard("mb42"),
        {},
        lambda c: c.update_moodboard("mb42", name="n", description="d", images=[IMG]),
        {"name": "n", "description": "d", "images": [IMG]},
    ),
    "moodboards": (
        "GET",
        "/v1/tob/moodboards",
        lambda c: c.moodboards(),
        {},
        lambda c: c.moodboards(page_no=3, page_size=7),
        {"pageNo": "3", "pageSize": "7"},
    ),
}


def test_the_table_covers_all_24_endpoints():
    assert set(CASES) == set(ENDPOINTS) and len(CASES) == 24
    for name, (method, path, *_rest) in CASES.items():
        ep = ENDPOINTS[name]
        assert ep.method == method
        assert ep.path.replace("{jobId}", JID).replace("{id}", "mb42") == path


def _check(recorder, name, call, expected):
    method, path = CASES[name][0], CASES[name][1]
    c = recorder.client()
    call(c)
    assert len(recorder.requests) == 1, recorder.requests
    req = recorder.requests[0]
    assert (req.method, req.path) == (method, path)
    assert req.headers["x-youchuan-app"] == recorder.app_id
    assert req.headers["x-youchuan-secret"] == recorder.secret
    if method == "GET":
        assert req.raw == b""
        assert req.query == (expected or {})
    else:
        assert req.headers["Content-Type"].startswith("application/json")
        body = req.json
        assert body == expected  # exact: right names, no extra keys
        assert None not in body.values(), "optional fields must be left out, never null"
        assert req.query == {}


@pytest.mark.parametrize("name", sorted(CASES))
def test_minimal_request(recorder, name):
    _check(recorder, name, CASES[name][2], CASES[name][3])


@pytest.mark.parametrize("name", sorted(CASES))
def test_request_with_every_optional_field(recorder, name):
    _check(recorder, name, CASES[name][4], CASES[name][5])


@pytest.mark.parametrize(
    "value,number",
    [("down", 0), ("bottom", 0), ("right", 1), ("up", 2), ("top", 2), ("left", 3), (0, 0), (3, 3)],
)
def test_pan_direction_names(recorder, value, number):
    recorder.client().pan(JID, 0, value, 1.1)
    assert recorder.requests[0].json["direction"] == number


@pytest.mark.parametrize(
    "method,field,value,number",
    [
        ("variation", "type", 1, 1),
        ("upscale", "type", "creative", 1),
        ("upscale", "type", "v5_2x", 2),
        ("upscale", "type", 2, 2),
        ("remix", "mode", "strong", 0),
        ("video_diffusion", "videoType", "480p", 0),
        ("video_diffusion", "videoType", 1, 1),
    ],
)
def test_enum_names_map_to_integers(recorder, method, field, value, number):
    c = recorder.client()
    if method == "variation":
        c.variation(JID, 0, value)
    elif method == "upscale":
        c.upscale(JID, 0, value)
    elif method == "remix":
        c.remix(JID, 0, "x", mode=value)
    else:
        c.video_diffusion(prompt="a cat", video_type=value)
    assert recorder.requests[0].json[field] == number


def test_aliases(recorder):
    from youchuan_nb.client import Client

    assert Client.imagine is Client.diffusion and Client.animate is Client.video_diffusion
    c = recorder.client()
    c.imagine("an owl")
    c.animate(prompt="an owl flies")
    assert [r.path for r in recorder.requests] == ["/v1/tob/diffusion", "/v1/tob/video-diffusion"]


def test_job_creating_calls_return_a_job_with_the_service_fields(recorder):
    job = recorder.client().diffusion("an owl")
    assert job.id and job.text == "an owl" and job.status == 2 and len(job.urls) == 4
    assert job.action == "diffusion" and job.params == {"text": "an owl"}


# -- round trips against the simulator -------------------------------------------------------
def _done(job, timeout=20):
    job.wait(timeout)
    assert job.ok, job
    return job


def test_every_image_endpoint_against_the_simulator(sim, client):
    sim.concurrency = 12  # read by the client (subscribe) at its first submit
    grid = _done(client.diffusion("a lighthouse at dusk --ar 3:2"))
    assert sim.created[-1]["body"] == {"text": "a lighthouse at dusk --ar 3:2"}
    assert len(grid.urls) == 4
    jid = grid.id
    src = grid.urls[0]
    calls = [
        (
            "variation",
            lambda: client.variation(jid, 1, "strong", remix_prompt="in fog"),
            {"jobId": jid, "imageNo": 1, "type": 1, "remixPrompt": "in fog"},
        ),
        (
            "upscale",
            lambda: client.upscale(jid, 2, "creative"),
            {"jobId": jid, "imageNo": 2, "type": 1},
        ),
        ("reroll", lambda: client.reroll(jid), {"jobId": jid}),
        (
            "pan",
            lambda: client.pan(jid, 0, "right", 1.5),
            {"jobId": jid, "imageNo": 0, "direction": 1, "scale": 1.5},
        ),
        (
            "outpaint",
            lambda: client.outpaint(jid, 3, 1.5),
            {"jobId": jid, "imageNo": 3, "scale": 1.5},
        ),
        (
            "inpaint",
            lambda: client.inpaint(jid, 0, AREAS, remix_prompt="a boat"),
            {"jobId": jid, "imageNo": 0, "mask": AREAS, "remixPrompt": "a boat"},
        ),
        (
            "remix",
            lambda: client.remix(jid, 1, "as an oil painting", mode="subtle"),
            {"jobId": jid, "imageNo": 1, "remixPrompt": "as an oil painting", "mode": 1},
        ),
        (
            "edit",
            lambda: client.edit(jid, 0, CANVAS, POS, "a frame"),
            {"jobId": jid, "imageNo": 0, "canvas": CANVAS, "imgPos": POS, "remixPrompt": "a frame"},
        ),
        (
            "upload_paint",
            lambda: client.upload_paint(src, AREAS, CANVAS, POS, "a frame"),
            {
                "imgUrl": src,
                "mask": AREAS,
                "canvas": CANVAS,
                "imgPos": POS,
                "remixPrompt": "a frame",
            },
        ),
        (
            "retexture",
            lambda: client.retexture(src, "made of ice"),
            {"imgUrl": src, "remixPrompt": "made of ice"},
        ),
        ("remove_background", lambda: client.remove_background(src), {"imgUrl": src}),
    ]
    jobs = []
    for name, call, body in calls:
        job = call()
        assert job.action == name
        assert sim.created[-1]["endpoint"] == name and sim.created[-1]["body"] == body
        jobs.append(job)
    for job in jobs:
        _done(job)
    assert sim.count("diffusion") == 1 and len(sim.created) == 12


def test_enhance_and_video_endpoints_against_the_simulator(sim, client):
    draft = _done(client.diffusion("a teapot --draft --v 7"))
    enh = client.enhance(draft.id, 2)
    assert sim.created[-1]["body"] == {"jobId": draft.id, "imageNo": 2}
    video = client.video_diffusion(
        job_id=draft.id, image_no=0, prompt="steam rises --bs 1", video_type="480p"
    )
    assert sim.created[-1]["body"] == {
        "jobId": draft.id,
        "imageNo": 0,
        "prompt": "steam rises --bs 1",
        "videoType": 0,
    }
    _done(enh)
    _done(video, 30)
    assert video.is_video and len(video.urls) == 1 and video.urls[0].endswith(".mp4")
    ext = client.extend_video(video.id, 0, "the lid lifts")
    up = client.video_upscale(video.id, 0)
    assert [c["body"] for c in sim.created[-2:]] == [
        {"jobId": video.id, "videoNo": 0, "prompt": "the lid lifts"},
        {"jobId": video.id, "videoNo": 0},
    ]
    _done(ext, 30)
    _done(up, 30)
    text_video = _done(client.video_diffusion(prompt="waves --bs 1"), 30)
    assert sim.created[-1]["body"] == {"prompt": "waves --bs 1"} and text_video.ok


def test_account_endpoints_against_the_simulator(sim, client, recorder):
    job = _done(client.diffusion("a red kite", callback=recorder.url + "/hook"))
    assert sim.job_record(job.id)["callback"] is True
    costs = client.costs(1, 10)
    assert job.id in [r["jobId"] for r in costs["list"]]
    assert (
        client.costs(1, 10, since="2000-01-01T00:00:00Z", to="2001-01-01T00:00:00Z")["list"] == []
    )
    monthly = client.cost_monthly(1, 12)
    assert monthly["list"] and monthly["list"][0]["jobs"] >= 1
    sub = client.subscribe()
    assert sub["maxConcurrent"] == 3 and sub["balance"] == pytest.approx(sim.balance)
    fetched = client.job(job.id)
    assert fetched is job and fetched.ok
    # the job's callback arrives, and /v1/tob/callback sends it again
    hooks = lambda: [r for r in recorder.requests if r.path == "/hook"]  # noqa: E731
    deadline_ok = _poll(lambda: len(hooks()) >= 1)
    assert deadline_ok and hooks()[0].json["id"] == job.id
    answer = client.callback(job.id)
    assert answer["sent"] is True
    assert _poll(lambda: len(hooks()) >= 2)


def _poll(cond, timeout=10.0):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.01)
    return False


def test_moodboard_endpoints_against_the_simulator(sim, client):
    from youchuan_nb.client import NotFoundError

    mb = client.create_moodboard("warm tones", description="autumn", images=[IMG])
    assert mb["name"] == "warm tones" and mb["images"] == [IMG]
    updated = client.update_moodboard(mb["id"], description="late autumn")
    assert updated["name"] == "warm tones" and updated["description"] == "late autumn"
    listed = client.moodboards()
    assert [m["id"] for m in listed["list"]] == [mb["id"]]
    assert client.moodboards(page_no=2, page_size=1)["list"] == []
    with pytest.raises(NotFoundError) as info:
        client.update_moodboard("no-such-board", name="x")
    assert info.value.status == 404
