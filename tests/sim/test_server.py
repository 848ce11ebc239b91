"""The simulator over real HTTP: endpoints and shapes, auth, hardening, media, binding."""

from __future__ import annotations

import json
import socket

import pytest
import requests

from youchuan_nb.contract import ENDPOINTS
from youchuan_nb.sim import Simulator

SAMPLE_PATHS = {"job": "/v1/tob/job/abc", "update_moodboard": "/v1/tob/moodboard/abc"}


def _path(ep) -> str:
    return SAMPLE_PATHS.get(ep.name, ep.path)


# ---------------------------------------------------------------- binding, lifecycle


def test_binds_to_loopback_only_and_frees_the_port():
    with pytest.raises(ValueError):
        Simulator(host="0.0.0.0")
    with Simulator() as sim:
        assert sim.url.startswith("http://127.0.0.1:")
        assert sim._server.socket.getsockname()[0] == "127.0.0.1"
        port = sim.port
        assert requests.get(sim.url + "/v1/tob/subscribe", timeout=5).status_code == 401
        assert "secret" not in repr(sim) and sim.secret not in repr(sim)
    assert sim.url is None
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/v1/tob/subscribe", timeout=2)
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))  # free again
    s.close()


def test_credentials_are_generated_when_not_given():
    a, b = Simulator(), Simulator(app_id="me", secret="s3cret")
    assert a.app_id.startswith("sim-app-") and a.secret.startswith("sim-secret-")
    assert a.secret != Simulator().secret
    assert (b.app_id, b.secret) == ("me", "s3cret")
    assert Simulator.demo().job_seconds == 4.0


# ---------------------------------------------------------------- auth, routing


@pytest.mark.parametrize("ep_name", sorted(ENDPOINTS))
def test_every_endpoint_requires_credentials(sim, ep_name, h):
    ep = ENDPOINTS[ep_name]
    url = sim.url + _path(ep)
    cases = [
        {},
        {"x-youchuan-app": sim.app_id},
        {"x-youchuan-app": sim.app_id, "x-youchuan-secret": "wrong"},
        {"x-youchuan-app": "other", "x-youchuan-secret": sim.secret},
    ]
    for headers in cases:
        resp = requests.request(
            ep.method, url, headers=headers, json={} if ep.method != "GET" else None, timeout=5
        )
        body = h.assert_error(resp, 401, "Invalid_App_Identifier")
        assert sim.secret not in resp.text and "wrong" not in body["message"]
    assert sim.created == []


def test_unknown_path_and_wrong_method(api, h):
    h.assert_error(api.get("/v1/tob/nothing"), 404, "Not_Found")
    h.assert_error(api.get("/"), 404, "Not_Found")
    resp = api.get("/v1/tob/diffusion")
    h.assert_error(resp, 405, "Not_Support")
    assert "POST" in resp.headers["Allow"]
    h.assert_error(api.post("/v1/tob/job/abc", {}), 405, "Not_Support")
    h.assert_error(api.get("/v1/tob/job/" + "0" * 32), 404, "Not_Found")


# ---------------------------------------------------------------- all 24 endpoints


def test_all_endpoints_answer_with_their_shapes(sim, api, receiver, h):
    sim.video_seconds, sim.extend_seconds = 0.5, 0.25
    seen = set()

    def run_all(**jobs):
        """Submit every (endpoint, body) at once, then wait for all of them."""
        submitted = {}
        for key, (ep, body) in jobs.items():
            seen.add(ep)
            submitted[key] = api.submit(ep, body)
        out = {}
        for key, job in submitted.items():
            out[key] = api.wait(job["id"])
            assert out[key]["status"] == 2, out[key]
        return out

    first = run_all(
        grid=(
            "diffusion",
            {"text": "a lighthouse at dusk --ar 16:9 --v 7", "callback": receiver.url},
        ),
        draft=("diffusion", {"text": "quick sketch of a cat --v 7 --draft"}),
        text_video=("video_diffusion", {"prompt": "waves on a beach --bs 2", "videoType": 1}),
        retexture=(
            "retexture",
            {"imgUrl": "https://example.com/x.png", "remixPrompt": "made of glass"},
        ),
    )
    grid, draft, text_video = first["grid"], first["draft"], first["text_video"]
    assert grid["text"] == "a lighthouse at dusk --ar 16:9 --v 7"
    assert len(grid["urls"]) == 4 and grid["audits"] == ["", "", "", ""]
    assert grid["comment"] == "JobStatusSuccess" and grid["cost"] == 1.0
    assert draft["cost"] == 0.5
    assert len(text_video["urls"]) == 2 and text_video["cost"] == pytest.approx(25.6)
    assert len(first["retexture"]["urls"]) == 4
    gid = grid["id"]
    assert h.png_size(api.media(grid["urls"][3]).content) == (1024, 576)

    second = run_all(
        variation=("variation", {"jobId": gid, "imageNo": 1, "type": 1}),
        upscale=("upscale", {"jobId": gid, "imageNo": 0, "type": 0}),
        reroll=("reroll", {"jobId": gid}),
        pan=("pan", {"jobId": gid, "imageNo": 2, "direction": 1, "scale": 1.5}),
        outpaint=("outpaint", {"jobId": gid, "imageNo": 0, "scale": 1.5}),
        inpaint_areas=(
            "inpaint",
            {
                "jobId": gid,
                "imageNo": 0,
                "mask": {
                    "areas": [{"width": 512, "height": 288, "points": [10, 10, 200, 10, 200, 200]}]
                },
            },
        ),
        inpaint_url=("inpaint", {"jobId": gid, "imageNo": 0, "mask": {"url": grid["urls"][1]}}),
        remix=("remix", {"jobId": gid, "imageNo": 3, "remixPrompt": "in winter", "mode": 1}),
        edit=(
            "edit",
            {
                "jobId": gid,
                "imageNo": 0,
                "canvas": {"width": 1024, "height": 1024},
                "imgPos": {"width": 512, "height": 288, "x": 256, "y": 300},
                "remixPrompt": "a wide shot",
            },
        ),
        upload_paint=(
            "upload_paint",
            {
                "imgUrl": grid["urls"][0],
                "mask": {"areas": [{"width": 100, "height": 100, "points": [0, 0, 50, 0, 50, 50]}]},
                "canvas": {"width": 800, "height": 800},
                "imgPos": {"width": 400, "height": 225, "x": 0, "y": 0},
                "remixPrompt": "add a boat",
            },
        ),
        remove_background=("remove_background", {"imgUrl": grid["urls"][2]}),
        enhance=("enhance", {"jobId": draft["id"], "imageNo": 0}),
        video=("video_diffusion", {"jobId": gid, "imageNo": 0, "prompt": "slow pan --bs 1"}),
    )
    for key in (
        "variation",
        "reroll",
        "pan",
        "outpaint",
        "inpaint_areas",
        "inpaint_url",
        "remix",
        "edit",
        "upload_paint",
    ):
        assert len(second[key]["urls"]) == 4, key
    for key in ("upscale", "remove_background", "enhance", "video"):
        assert len(second[key]["urls"]) == 1, key
    up, reroll, pan = second["upscale"], second["reroll"], second["pan"]
    assert h.png_size(api.media(up["urls"][0]).content) == (2048, 1152)
    assert reroll["seed"] != grid["seed"] and reroll["text"] == ""
    assert api.media(reroll["urls"][0]).content != api.media(grid["urls"][0]).content
    assert h.png_size(api.media(pan["urls"][0]).content)[0] > 1024
    import io

    from PIL import Image

    rb = second["remove_background"]
    assert Image.open(io.BytesIO(api.media(rb["urls"][0]).content)).mode == "RGBA"
    video = second["video"]
    assert video["urls"][0].endswith(".mp4")

    ext = run_all(
        ext=("extend_video", {"jobId": video["id"], "videoNo": 0, "prompt": "keep going"})
    )["ext"]
    assert len(ext["urls"]) == 1
    vup = run_all(vup=("video_upscale", {"jobId": ext["id"], "videoNo": 0}))["vup"]
    assert len(vup["urls"]) == 1
    from youchuan_nb.sim import _video

    assert _video.video_info(api.media(vup["urls"][0]).content)["height"] == 1080
    assert _video.video_info(api.media(text_video["urls"][0]).content)["height"] == 720

    # account endpoints
    seen |= {"job", "costs", "cost_monthly", "subscribe", "callback"}
    job = api.job(gid)
    assert job == grid
    costs = api.get("/v1/tob/costs", pageNo=1, pageSize=5).json()
    assert costs["total"] == len(sim.created) and len(costs["list"]) == 5
    assert set(costs["list"][0]) == {"jobId", "action", "cost", "status", "comment", "createdAt"}
    monthly = api.get("/v1/tob/cost-monthly", pageNo=1, pageSize=10).json()
    assert set(monthly["list"][0]) == {"month", "cost", "jobs"}
    assert monthly["list"][0]["jobs"] == len(sim.created)
    sub = api.get("/v1/tob/subscribe").json()
    assert set(sub) == {"plan", "balance", "maxConcurrent", "running", "currency"}
    every = api.get("/v1/tob/costs", pageNo=1, pageSize=500).json()["list"]
    assert len(every) == len(sim.created)
    assert sub["balance"] == pytest.approx(1000 - sum(c["cost"] for c in every))
    assert sub["running"] == 0 and sub["maxConcurrent"] == 20
    cb = api.post("/v1/tob/callback", {"jobId": gid})
    assert cb.status_code == 200 and cb.json() == {"jobId": gid, "sent": True}

    # moodboards
    seen |= {"create_moodboard", "update_moodboard", "moodboards"}
    mb = api.post("/v1/tob/moodboard", {"name": "warm", "images": [grid["urls"][0]]}).json()
    assert set(mb) == {"id", "name", "description", "images", "createdAt", "updatedAt"}
    upd = api.put("/v1/tob/moodboard/" + mb["id"], {"description": "sunsets"}).json()
    assert upd["description"] == "sunsets" and upd["name"] == "warm"
    boards = api.get("/v1/tob/moodboards").json()
    assert boards["total"] == 1 and boards["list"][0]["id"] == mb["id"]

    assert seen == set(ENDPOINTS)


def test_submit_answer_and_queue_states(sim, api, h):
    sim.queue_seconds, sim.job_seconds = 0.4, 0.3
    job = api.submit("diffusion", {"text": "a fox"})
    assert job["status"] == 0 and job["comment"] == "JobStatusCreated"
    assert api.job(job["id"])["comment"] in ("JobStatusQueued", "JobStatusRunning")
    h.wait_until(lambda: api.job(job["id"])["status"] == 1, what="running")
    assert api.job(job["id"])["comment"] in ("JobStatusRunning", "JobStatusSuccess")
    assert api.wait(job["id"])["status"] == 2


def test_comment_style_zh(sim, api):
    sim.comment_style = "zh"
    job = api.submit("diffusion", {"text": "a fox"})
    assert job["comment"] == "执行中"
    assert api.wait(job["id"])["comment"] == "成功"


def test_callback_empty_string_means_none(sim, api):
    job = api.submit("diffusion", {"text": "a fox", "callback": ""})
    assert sim.job_record(job["id"])["callback"] is False


# ---------------------------------------------------------------- validation


def test_unknown_field_and_wrong_types_are_400(sim, api, h):
    sim.rules = "strict"  # unknown fields: a secondary rule (C5's protobuf remark)
    body = h.assert_error(
        api.post("/v1/tob/diffusion", {"text": "a fox", "colour": "red"}), 400, "Invalid_Argument"
    )
    assert "colour" in body["message"]
    # a bad or missing text: the document's diffusion 400, "无效Prompt参数"
    h.assert_error(api.post("/v1/tob/diffusion", {"text": 5}), 400, "Invalid_Prompt_Parameter")
    h.assert_error(api.post("/v1/tob/diffusion", {}), 400, "Invalid_Prompt_Parameter")
    h.assert_error(
        api.post("/v1/tob/upscale", {"jobId": "x", "imageNo": True, "type": 0}),
        400,
        "Invalid_Argument",
    )
    h.assert_error(api.get("/v1/tob/costs", pageNo="abc", pageSize=5), 400, "Invalid_Argument")
    h.assert_error(api.get("/v1/tob/costs", pageNo=1), 400, "Invalid_Argument")
    h.assert_error(api.get("/v1/tob/costs", pageNo=0, pageSize=5), 400, "Invalid_Argument")
    h.assert_error(api.get("/v1/tob/moodboards", pageSize="1.5"), 400, "Invalid_Argument")
    assert sim.created == []


def test_bad_prompt_is_400_invalid_prompt_parameter(sim, api, h):
    sim.rules = "strict"  # the per-model flag rules are secondary (copies of the help pages)
    for text in (
        "a fox --ar 16:x",
        "a fox --v 8.1 --tile",
        "a fox --draft --v 6.1",
        "a fox --chaos 300",
    ):
        h.assert_error(
            api.post("/v1/tob/diffusion", {"text": text}), 400, "Invalid_Prompt_Parameter"
        )
    h.assert_error(
        api.post("/v1/tob/video-diffusion", {"prompt": "sea --stylize 100"}),
        400,
        "Invalid_Prompt_Parameter",
    )  # not a video flag
    assert sim.created == []
    assert api.get("/v1/tob/subscribe").json()["balance"] == 1000.0


def test_sensitive_words_are_403_not_charged(sim, api, h):
    h.assert_error(api.post("/v1/tob/diffusion", {"text": "a FORBIDDEN fox"}), 403, "Msg_Sensitive")
    grid = api.run("diffusion", {"text": "a fox"})
    h.assert_error(
        api.post(
            "/v1/tob/remix", {"jobId": grid["id"], "imageNo": 0, "remixPrompt": "with a BadWord"}
        ),
        403,
        "Msg_Sensitive",
    )
    sim.sensitive_words = ("zebra",)
    h.assert_error(api.post("/v1/tob/diffusion", {"text": "zebras"}), 403, "Msg_Sensitive")
    assert sim.count("diffusion") == 1 and sim.count("remix") == 0
    assert api.get("/v1/tob/subscribe").json()["balance"] == 999.0


# ---------------------------------------------------------------- hardening


def _raw(sim, data: bytes, timeout: float = 5.0) -> bytes:
    """Send raw bytes on a new connection and return everything the server answers."""
    with socket.create_connection(("127.0.0.1", sim.port), timeout=timeout) as s:
        s.sendall(data)
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            chunks.append(chunk)
            if b"\r\n\r\n" in b"".join(chunks) and b"Connection: close" not in b"".join(chunks):
                head, _, rest = b"".join(chunks).partition(b"\r\n\r\n")
                length = [
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                ]
                if length and len(rest) >= length[0]:
                    break
        return b"".join(chunks)


def _post_raw(api, data: bytes, content_type="application/json") -> requests.Response:
    return api.s.post(
        api.url("/v1/tob/diffusion"), data=data, timeout=10, headers={"Content-Type": content_type}
    )


@pytest.mark.parametrize(
    "data",
    [
        b"{not json",
        b"[1, 2]",
        b'"text"',
        b"null",
        b"",
        b"\xff\xfe{}",
        b'{"text": "a \xc3\x28 fox"}',  # invalid UTF-8
        b'{"text": "lone \\ud800 surrogate"}',
        # (a NUL is valid JSON and is accepted: refusing it was an assumption, text.chars)
        b'{"text": NaN}',
        b'{"text": "a", "text2": Infinity}',
        b"[" * 100000 + b"]" * 100000,
        b'{"text": 1' + b"0" * 5000 + b"}",
        '{"text": "é"}'.encode("utf-16"),
    ],
)
def test_malformed_bodies_are_400_and_server_stays_up(sim, api, data, h):
    h.assert_error(_post_raw(api, data), 400, "Invalid_Argument")
    assert api.get("/v1/tob/subscribe").status_code == 200
    assert sim.created == []


def test_oversized_bodies_are_refused_without_hanging(sim, api, h):
    big = json.dumps({"text": "a" * (1024 * 1024 + 10)}).encode()
    body = h.assert_error(_post_raw(api, big), 400, "Invalid_Argument")
    assert "1 MiB" in body["message"]
    # A huge Content-Length with no body at all must not make the server wait for it.
    answer = _raw(
        sim,
        b"POST /v1/tob/diffusion HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n",
        timeout=5,
    )
    assert answer.startswith(b"HTTP/1.1 400"), answer[:100]

    # Chunked over the limit too.
    def gen():
        for _ in range(20):
            yield b"x" * 65536

    resp = api.s.post(api.url("/v1/tob/diffusion"), data=gen(), timeout=10)
    h.assert_error(resp, 400, "Invalid_Argument")
    # Small chunked bodies are fine.
    resp = api.s.post(
        api.url("/v1/tob/diffusion"), data=iter([b'{"text": ', b'"a fox"}']), timeout=10
    )
    assert resp.status_code == 200
    assert api.get("/v1/tob/subscribe").status_code == 200


def test_garbage_requests_do_not_stop_the_server(sim, api, h):
    for raw in (
        b"\x00\x01\x02\r\n\r\n",
        b"GET\r\n\r\n",
        b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n",
        b"POST /v1/tob/diffusion HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
        b"BREW /v1/tob/diffusion HTTP/1.1\r\nHost: x\r\n\r\n",
    ):
        _raw(sim, raw, timeout=3)
    resp = api.get("/v1/tob/job/%ff%fe")
    h.assert_error(resp, 400, "Invalid_Argument")
    resp = api.get("/v1/tob/costs?pageNo=1&pageSize=5&since=%ff")
    h.assert_error(resp, 400, "Invalid_Argument")
    assert api.get("/v1/tob/subscribe").status_code == 200


def test_keep_alive_serves_many_requests_on_one_connection(sim):
    with socket.create_connection(("127.0.0.1", sim.port), timeout=5) as s:
        req = (
            f"GET /v1/tob/subscribe HTTP/1.1\r\nHost: x\r\nx-youchuan-app: {sim.app_id}\r\n"
            f"x-youchuan-secret: {sim.secret}\r\n\r\n"
        ).encode()
        f = s.makefile("rb")
        for _ in range(20):
            s.sendall(req)
            assert f.readline().startswith(b"HTTP/1.1 200")
            length = None
            while (line := f.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            assert json.loads(f.read(length))["plan"] == "Simulator"


# ---------------------------------------------------------------- media


def test_media_png_sizes_and_headers(sim, api, h):
    tall = api.run("diffusion", {"text": "a tower --ar 2:3"})
    resp = api.media(tall["urls"][0])
    assert resp.status_code == 200 and resp.headers["Content-Type"] == "image/png"
    assert int(resp.headers["Content-Length"]) == len(resp.content)
    assert h.png_size(resp.content) == (683, 1024)
    hd = api.run("diffusion", {"text": "a tower --v 8.1 --hd"})
    assert h.png_size(api.media(hd["urls"][0]).content) == (2048, 2048)
    head = requests.head(tall["urls"][0], timeout=5)  # no credentials needed
    assert head.status_code == 200 and int(head.headers["Content-Length"]) == len(resp.content)
    h.assert_error(
        requests.get(sim.url + "/media/" + "a" * 32 + "/0.png", timeout=5), 404, "Not_Found"
    )
    h.assert_error(requests.get(tall["urls"][0][:-4] + ".mp4", timeout=5), 404, "Not_Found")


def test_media_mp4_range_requests(sim, api):
    video = api.run("video_diffusion", {"prompt": "rain on a window --bs 1"})
    url = video["urls"][0]
    full = api.media(url)
    assert full.status_code == 200 and full.headers["Content-Type"] == "video/mp4"
    assert full.headers["Accept-Ranges"] == "bytes"
    size = len(full.content)
    part = api.media(url, Range="bytes=100-199")
    assert part.status_code == 206 and part.content == full.content[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{size}"
    tail = api.media(url, Range="bytes=-10")
    assert tail.status_code == 206 and tail.content == full.content[-10:]
    open_end = api.media(url, Range=f"bytes={size - 5}-")
    assert open_end.content == full.content[-5:]
    bad = api.media(url, Range=f"bytes={size + 10}-")
    assert bad.status_code == 416 and bad.headers["Content-Range"] == f"bytes */{size}"
    assert full.content[4:8] == b"ftyp"


def test_media_urls_expire_after_url_ttl(sim, api, h):
    sim.url_ttl = 2.0
    job = api.run("diffusion", {"text": "a fox"})
    assert api.media(job["urls"][0]).status_code == 200
    h.wait_until(lambda: api.media(job["urls"][0]).status_code == 403, timeout=5, what="url expiry")
    h.assert_error(api.media(job["urls"][0]), 403, "Permission_Denied")
    assert api.job(job["id"])["urls"] == job["urls"]  # still listed
    sim.url_ttl = None
    assert api.media(job["urls"][0]).status_code == 200


def test_other_apps_cannot_see_jobs(sim, api, h):
    job = api.submit("diffusion", {"text": "a fox"})
    other = h.Api(sim, *sim.add_app())
    h.assert_error(other.get("/v1/tob/job/" + job["id"]), 404, "Not_Found")
    h.assert_error(
        other.post("/v1/tob/upscale", {"jobId": job["id"], "imageNo": 0, "type": 0}),
        404,
        "Not_Found",
    )
    h.assert_error(other.post("/v1/tob/callback", {"jobId": job["id"]}), 404, "Not_Found")
    assert other.get("/v1/tob/costs", pageNo=1, pageSize=10).json()["total"] == 0
    h.assert_job_shape(api.job(job["id"]))


def test_media_generation_in_worker_processes(h):
    from youchuan_nb.sim import _workers

    with Simulator(job_seconds=0.1, video_seconds=0.5) as sim:  # processes=True by default
        assert sim.processes is True
        api = h.Api(sim)
        grid = api.run("diffusion", {"text": "a fox --ar 1:2"})
        assert h.png_size(api.media(grid["urls"][0]).content) == (512, 1024)
        video = api.run(
            "video_diffusion", {"jobId": grid["id"], "imageNo": 0, "prompt": "drift --bs 2"}
        )
        assert len(video["urls"]) == 2
        assert api.media(video["urls"][1]).content[4:8] == b"ftyp"
        pool = _workers._PROC_POOL
        assert pool is not None and len(pool._processes) >= 1
