"""Shared fixtures for every test directory.

The environment is fixed here, at import time of this root conftest (before any test module
imports youchuan_nb or starts its embedded simulator): no real credentials, a fast embedded
simulator and a private YOUCHUAN_NB_HOME for the whole session.

Helpers are fixtures (tests/ is not a package, so there are no relative imports):

* ``sim``: a fresh ``Simulator(job_seconds=0.2)`` (videos kept short so tests stay fast);
* ``client``: ``Client.for_service(sim, poll_interval=0.05, store=<tmp sqlite>,
  cache_dir=<tmp>)``;
* ``wait_until(condition, timeout=...)``: poll a condition with a deadline (never a bare sleep);
* ``recorder``: a loopback HTTP server that records every request exactly as it arrived and
  answers like the service, for byte-level checks of what the client sends.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # bench/ (shared JupyterLab and Chromium set-up) from the checkout
    sys.path.insert(0, str(ROOT))

import bench._lab as lab  # noqa: E402

CHROMIUM = lab.CHROMIUM

# -- environment: set before anything can start the embedded simulator -------------------------
for _name in ("YOUCHUAN_APP_ID", "YOUCHUAN_SECRET", "YOUCHUAN_BASE_URL"):
    os.environ.pop(_name, None)
os.environ["YOUCHUAN_SIM_JOB_SECONDS"] = "0.2"
# English cards and messages whatever the machine's locale; the zh tests choose zh themselves.
os.environ["YOUCHUAN_NB_LANG"] = "en"
os.environ["YOUCHUAN_SIM_STATE_DIR"] = "none"  # the embedded simulator stays in memory in tests
# A fallback until the session fixture below replaces it with a tmp_path_factory folder.
os.environ["YOUCHUAN_NB_HOME"] = tempfile.mkdtemp(prefix="youchuan-nb-home-")


@pytest.fixture(scope="session", autouse=True)
def _youchuan_env(tmp_path_factory):
    """A private YOUCHUAN_NB_HOME per session, no credentials, fast embedded simulator."""
    mp = pytest.MonkeyPatch()
    home = tmp_path_factory.mktemp("youchuan_nb_home")
    mp.setenv("YOUCHUAN_NB_HOME", str(home))
    mp.setenv("YOUCHUAN_SIM_JOB_SECONDS", "0.2")
    mp.setenv("YOUCHUAN_SIM_STATE_DIR", "none")
    for name in ("YOUCHUAN_APP_ID", "YOUCHUAN_SECRET", "YOUCHUAN_BASE_URL"):
        mp.delenv(name, raising=False)
    yield home
    mp.undo()


@pytest.fixture
def sim():
    from youchuan_nb.sim import Simulator

    with Simulator(job_seconds=0.2, video_seconds=1.0, extend_seconds=0.5) as s:
        yield s


@pytest.fixture
def client(sim, tmp_path):
    from youchuan_nb.client import Client

    c = Client.for_service(
        sim, poll_interval=0.05, store=tmp_path / "jobs.sqlite3", cache_dir=tmp_path / "media"
    )
    yield c
    if c.store is not None:
        c.store.close()


def _wait_until(condition, timeout: float = 10.0, interval: float = 0.01, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


@pytest.fixture
def wait_until():
    """``wait_until(condition, timeout=10, what=...)``: poll until truthy, fail at the deadline."""
    return _wait_until


# -- a recording loopback server ---------------------------------------------------------------
class Recorded:
    def __init__(self, method, path, query, headers, body, at):
        self.method, self.path, self.query = method, path, query
        self.headers, self.raw, self.at = headers, body, at

    @property
    def json(self):
        return json.loads(self.raw) if self.raw else None

    def __repr__(self):
        return f"<{self.method} {self.path} {self.query} {self.raw[:200]!r}>"


class Recorder:
    """Records requests; answers like the service (a job object for job-creating calls).

    ``script`` is a list of (status, body, headers) answers used, in order, before the
    default answer (so a test can make the first request fail and the next one succeed).
    """

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.script: list[tuple[int, object, dict]] = []
        self.app_id = "rec-app-0001"
        self.secret = "rec-secret-" + uuid.uuid4().hex
        rec = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self):
                n = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(n) if n else b""
                parts = urlsplit(self.path)
                rec.requests.append(
                    Recorded(
                        self.command,
                        parts.path,
                        dict(parse_qsl(parts.query, keep_blank_values=True)),
                        dict(self.headers.items()),
                        raw,
                        time.monotonic(),
                    )
                )
                if rec.script:
                    status, body, headers = rec.script.pop(0)
                else:
                    status, body, headers = (
                        200,
                        rec.default_answer(self.command, parts.path, raw),
                        {},
                    )
                out = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_POST = do_PUT = _any

            def log_message(self, *a):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def default_answer(self, method: str, path: str, raw: bytes):
        if path.startswith("/v1/tob/job/"):
            return {
                "id": path.rsplit("/", 1)[1],
                "text": "",
                "status": 1,
                "comment": "JobStatusRunning",
                "urls": [],
                "audits": [],
            }
        if path == "/v1/tob/subscribe":
            return {"maxConcurrent": 3, "balance": 100}
        if method == "POST" and path in ("/v1/tob/callback", "/v1/tob/moodboard"):
            return {"ok": True, "id": "mb1"}
        if method == "POST":
            body = json.loads(raw or b"{}")
            text = body.get("text") or body.get("prompt") or body.get("remixPrompt") or ""
            job_id = uuid.uuid4().hex  # finished at once, so it never holds a local slot
            return {
                "id": job_id,
                "text": text,
                "status": 2,
                "comment": "JobStatusSuccess",
                "urls": [f"{self.url}/media/{job_id}/{i}.png" for i in range(4)],
                "audits": ["", "", "", ""],
            }
        return {"total": 0, "list": []}

    def client(self, **kw):
        from youchuan_nb.client import Client

        kw.setdefault("store", False)
        kw.setdefault("max_concurrent", 3)
        kw.setdefault("poll_interval", 0.05)
        return Client(app_id=self.app_id, secret=self.secret, base_url=self.url, **kw)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recorder():
    r = Recorder()
    yield r
    r.close()


# Browser tests (tests/browser, tests/notebook/test_card_js.py) share pytest-playwright's session
# browser: Debian's Chromium (never `playwright install`) with the flags this machine needs.
CHROMIUM_ARGS = [*lab.CHROMIUM_ARGS, "--allow-file-access-from-files"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian chromium is not installed (scripts/setup.sh installs it)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


# -- hostile loopback servers (appended for the hardening tests) --------------------------------
class Hostile:
    """A loopback HTTP server whose every request is answered by ``handle(handler)`` (a
    ``BaseHTTPRequestHandler``); ``seen`` lists (method, path, headers) of what arrived."""

    def __init__(self, handle) -> None:
        self.seen: list[tuple[str, str, dict]] = []
        outer = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self):
                n = int(self.headers.get("Content-Length") or 0)
                self.body = self.rfile.read(n) if n else b""
                outer.seen.append((self.command, self.path, dict(self.headers.items())))
                try:
                    handle(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_PUT = do_HEAD = _any

            def log_message(self, *a):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hostile():
    """``hostile(handle)`` starts a :class:`Hostile` server (closed after the test)."""
    made: list[Hostile] = []

    def start(handle) -> Hostile:
        server = Hostile(handle)
        made.append(server)
        return server

    yield start
    for server in made:
        server.close()
