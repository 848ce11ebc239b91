"""The simulator's own uploads route (``/_sim/uploads``) and its fetching of image URLs on this
machine, over real HTTP."""

from __future__ import annotations

import hashlib
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import requests
from conftest import assert_error
from PIL import Image

from youchuan_nb.sim import Simulator


def _image(fmt: str = "PNG", size=(50, 30), colour=(10, 200, 10)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt)
    return out.getvalue()


def _post(sim, data: bytes, kind: str = "image/png") -> requests.Response:
    return requests.post(
        sim.url + "/_sim/uploads", data=data, headers={"Content-Type": kind}, timeout=10
    )


def test_upload_then_get_and_head(sim):
    data = _image()
    resp = _post(sim, data)
    assert resp.status_code == 200
    url = resp.json()["url"]
    assert url == f"{sim.url}/_sim/uploads/{hashlib.sha256(data).hexdigest()}.png"
    got = requests.get(url, timeout=10)
    assert got.status_code == 200 and got.content == data
    assert got.headers["Content-Type"] == "image/png"
    head = requests.head(url, timeout=10)
    assert head.status_code == 200 and head.content == b""
    assert _post(sim, data).json()["url"] == url  # content-addressed: the same URL again
    jpeg = _post(sim, _image("JPEG"), "image/jpeg").json()["url"]
    assert jpeg.endswith(".jpg")
    assert requests.get(jpeg, timeout=10).headers["Content-Type"] == "image/jpeg"


def test_bad_uploads_are_refused_clearly(sim):
    assert_error(_post(sim, b"not a picture"), 400, "Invalid_Argument")
    assert_error(_post(sim, b""), 400, "Invalid_Argument")
    assert_error(_post(sim, _image("GIF"), "image/gif"), 415, "Not_Support")
    resp = requests.put(sim.url + "/_sim/uploads", data=_image(), timeout=10)
    assert_error(resp, 405, "Not_Support")
    missing = sim.url + "/_sim/uploads/" + "0" * 64 + ".png"
    assert_error(requests.get(missing, timeout=10), 404, "Not_Found")
    big = requests.post(
        sim.url + "/_sim/uploads", headers={"Content-Length": str(21 * 1024 * 1024)}, timeout=10
    )
    assert_error(big, 413, "Invalid_Argument")
    # the API's own routes are untouched
    assert requests.get(sim.url + "/v1/tob/subscribe", timeout=10).status_code == 401


def test_uploads_live_in_the_state_folder_and_count_in_its_bound(tmp_path):
    folder = tmp_path / "state"
    data = _image(size=(200, 200))
    with Simulator(state_dir=folder, job_seconds=0.2) as first:
        url = _post(first, data).json()["url"]
    files = list((folder / "media").rglob("*.png"))
    assert len(files) == 1 and files[0].read_bytes() == data
    with Simulator(state_dir=folder, job_seconds=0.2) as second:  # a new process, a new port
        path = url.split("/_sim/", 1)[1]
        assert requests.get(f"{second.url}/_sim/{path}", timeout=10).content == data


def test_uploads_count_in_the_disk_bound(tmp_path):
    noisy = [Image.effect_noise((120, 120), 90 + i).convert("RGB") for i in range(2)]
    datas = []
    for img in noisy:
        out = io.BytesIO()
        img.save(out, "PNG")
        datas.append(out.getvalue())
    bound = len(datas[0]) + len(datas[1]) // 2  # room for one of them, not both
    with Simulator(state_dir=tmp_path / "s", job_seconds=0.2, max_media_bytes=bound) as sim:
        first = _post(sim, datas[0]).json()["url"]
        second = _post(sim, datas[1]).json()["url"]
        assert requests.get(second, timeout=10).status_code == 200
        assert requests.get(first, timeout=10).status_code == 404  # the oldest was pruned


class _Pictures(BaseHTTPRequestHandler):
    """A file server on loopback, like object storage on this machine."""

    files: ClassVar[dict[str, bytes]] = {}

    def do_GET(self):
        data = self.files.get(self.path.split("?")[0])
        self.send_response(200 if data else 404)
        self.send_header("Content-Length", str(len(data or b"")))
        self.end_headers()
        self.wfile.write(data or b"")

    def log_message(self, *args):
        pass


def test_the_simulator_fetches_image_urls_on_this_machine(sim, client):
    _Pictures.files = {"/bucket/red.jpg": _image("JPEG", (120, 80), (220, 10, 10))}
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pictures)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/bucket/red.jpg?X-Amz-Signature=abc"
        job = client.retexture(url, "blue glass").wait(30)
        out = Image.open(io.BytesIO(requests.get(job.urls[0], timeout=10).content))
        assert out.size == (120, 80)  # drawn from the fetched picture
        gone = f"http://127.0.0.1:{server.server_port}/bucket/gone.jpg"
        stand_in = client.retexture(gone, "blue glass").wait(30)
        out = Image.open(io.BytesIO(requests.get(stand_in.urls[0], timeout=10).content))
        assert out.size == (1024, 1024)  # a URL it cannot fetch: the stand-in, as before
    finally:
        server.shutdown()
