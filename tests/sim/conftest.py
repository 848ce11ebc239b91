"""Fixtures for the simulator tests: a running Simulator and a small HTTP helper around it."""

from __future__ import annotations

import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from youchuan_nb.sim import Simulator

JOB_KEYS = {"id", "text", "status", "comment", "urls", "audits", "seed", "cost"}


def assert_job_shape(job: dict) -> None:
    assert set(job) == JOB_KEYS, job
    assert isinstance(job["id"], str) and job["id"]
    assert isinstance(job["text"], str)
    assert job["status"] in (0, 1, 2, 3)
    assert isinstance(job["comment"], str) and job["comment"]
    assert isinstance(job["urls"], list) and all(isinstance(u, str) for u in job["urls"])
    assert isinstance(job["audits"], list) and len(job["audits"]) == len(job["urls"])
    assert isinstance(job["seed"], int)
    assert isinstance(job["cost"], float)


def assert_error(resp: requests.Response, status: int, reason: str) -> dict:
    assert resp.status_code == status, (resp.status_code, resp.text)
    body = resp.json()
    assert set(body) == {"code", "message", "reason"}, body
    assert body["code"] == status and body["reason"] == reason, body
    assert isinstance(body["message"], str) and body["message"]
    return body


def wait_until(condition, timeout: float = 15.0, interval: float = 0.02, what: str = "condition"):
    """Poll ``condition()`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


class Api:
    """requests.Session with the app headers, plus job helpers."""

    def __init__(self, sim: Simulator, app_id: str | None = None, secret: str | None = None):
        self.sim = sim
        self.s = requests.Session()
        self.s.trust_env = False
        self.s.headers.update(
            {"x-youchuan-app": app_id or sim.app_id, "x-youchuan-secret": secret or sim.secret}
        )

    def url(self, path: str) -> str:
        return self.sim.url + path

    def post(self, path: str, body=None, **kw) -> requests.Response:
        return self.s.post(self.url(path), json=body, timeout=10, **kw)

    def put(self, path: str, body=None, **kw) -> requests.Response:
        return self.s.put(self.url(path), json=body, timeout=10, **kw)

    def get(self, path: str, **params) -> requests.Response:
        return self.s.get(self.url(path), params=params or None, timeout=10)

    def submit(self, endpoint: str, body: dict) -> dict:
        resp = self.post("/v1/tob/" + endpoint.replace("_", "-"), body)
        assert resp.status_code == 200, (endpoint, resp.status_code, resp.text)
        job = resp.json()
        assert_job_shape(job)
        assert job["status"] in (0, 1) and job["urls"] == []
        return job

    def job(self, job_id: str) -> dict:
        resp = self.get("/v1/tob/job/" + job_id)
        assert resp.status_code == 200, resp.text
        job = resp.json()
        assert_job_shape(job)
        return job

    def wait(self, job_id: str, timeout: float = 20.0, *, urls: bool = True) -> dict:
        """The job once terminal (status 3, or status 2 with urls unless ``urls=False``)."""

        def done():
            job = self.job(job_id)
            if job["status"] == 3 or (job["status"] == 2 and (job["urls"] or not urls)):
                return job
            return None

        return wait_until(done, timeout, what=f"job {job_id} to finish")

    def run(self, endpoint: str, body: dict, timeout: float = 20.0) -> dict:
        job = self.submit(endpoint, body)
        done = self.wait(job["id"], timeout)
        assert done["status"] == 2, done
        return done

    def media(self, url: str, **headers) -> requests.Response:
        return self.s.get(url, headers=headers, timeout=10)

    def close(self) -> None:
        self.s.close()


@pytest.fixture
def sim():
    # processes=False: media made in threads; faster for many short tests on a busy machine.
    # test_server.py::test_media_generation_in_worker_processes covers the default (processes).
    with Simulator(
        job_seconds=0.1, concurrency=20, video_seconds=1.0, processes=False, extend_seconds=0.5
    ) as s:
        yield s


@pytest.fixture
def api(sim):
    a = Api(sim)
    yield a
    a.close()


def png_size(data: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as img:
        img.load()
        return img.size


class Receiver:
    """A loopback HTTP server that records POSTed JSON bodies (callback target)."""

    def __init__(self) -> None:
        self.bodies: list[dict] = []
        received = self.bodies

        class H(BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                received.append(json.loads(self.rfile.read(n)))
                out = b'{"status":"ok"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *a):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def h():
    """The helpers above, as a fixture (tests/sim is not a package, so no relative imports)."""
    import types

    return types.SimpleNamespace(
        Api=Api,
        assert_error=assert_error,
        assert_job_shape=assert_job_shape,
        wait_until=wait_until,
        png_size=png_size,
        Receiver=Receiver,
        JOB_KEYS=JOB_KEYS,
    )
