"""Protocol hygiene over raw sockets (issue 15 item 9): whatever arrives, the simulator answers
with the documented JSON error body, never http.server's HTML page, never a hang, and a client
that went away is no traceback."""

from __future__ import annotations

import json
import socket
import time

import pytest
import requests


def exchange(sim, data: bytes, timeout: float = 10.0) -> bytes:
    """Send ``data`` and read until the server closes (or, with a Content-Length, the body)."""
    with socket.create_connection(("127.0.0.1", sim.port), timeout=timeout) as s:
        s.sendall(data)
        got = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = s.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            got += chunk
            head, sep, body = got.partition(b"\r\n\r\n")
            if sep:
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length" and len(body) >= int(value):
                        return got
        return got


def json_error(raw: bytes, status: int) -> dict:
    assert raw, "no answer at all"
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    assert lines[0].startswith("HTTP/1."), lines[0]
    assert int(lines[0].split()[1]) == status, lines[0]
    headers = {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
    assert headers["content-type"].startswith("application/json"), headers
    assert b"<html" not in body.lower() and b"<!doctype" not in body.lower()
    answer = json.loads(body[: int(headers["content-length"])])
    assert set(answer) == {"code", "message", "reason"}, answer
    assert answer["code"] == status and answer["message"] and answer["reason"]
    return answer


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET /v1/tob/subscribe HTTP/1.1 extra\r\n\r\n", 400),
        (b"GET /v1/tob/subscribe HTTP/x.y\r\n\r\n", 400),
        (b"GET /v1/tob/subscribe HTTP/2.0\r\n\r\n", 505),
        (b"BREW /v1/tob/subscribe HTTP/1.1\r\nHost: x\r\n\r\n", 501),
        (b"TRACE /v1/tob/subscribe HTTP/1.1\r\nHost: x\r\n\r\n", 501),
        (b"CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: x\r\n\r\n", 501),
        (b"get /v1/tob/subscribe HTTP/1.1\r\nHost: x\r\n\r\n", 501),
        (b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\nX-Long: " + b"a" * 70000 + b"\r\n\r\n", 431),
        (b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(150)) + b"\r\n", 431),
    ],
    ids=["garbage", "four-words", "bad-version", "http2", "unknown-method", "trace", "connect",
         "lowercase-get", "long-line",
         "long-header", "many-headers"],
)  # fmt: skip
def test_http_server_errors_are_json(sim, data, status):
    json_error(exchange(sim, data), status)


def test_the_server_keeps_serving_after_bad_requests(sim, api):
    for _ in range(3):
        json_error(exchange(sim, b"GARBAGE\r\n\r\n"), 400)
    assert api.get("/v1/tob/subscribe").status_code == 200


@pytest.fixture
def media_url(sim, api):
    job = api.run("diffusion", {"text": "a fox --v 7"})
    return job["urls"][0]


@pytest.mark.parametrize(
    ("rng", "statuses"),
    [
        ("bytes=" + "9" * 4300 + "-", (416,)),
        ("bytes=" + "9" * 4301 + "-", (416,)),  # past int()'s limit: once no answer at all
        ("bytes=0-" + "9" * 5000, (206,)),
        ("bytes=-" + "9" * 5000, (206, 200)),
        ("bytes=" + "1" * 5000 + "-" + "2" * 5000, (416,)),
    ],
    ids=["start-4300", "start-4301", "end", "suffix", "both"],
)
def test_a_range_of_thousands_of_digits_is_answered(sim, media_url, rng, statuses):
    path = media_url[len(sim.url) :]
    t0 = time.monotonic()
    raw = exchange(sim, f"GET {path} HTTP/1.1\r\nHost: x\r\nRange: {rng}\r\n\r\n".encode())
    assert time.monotonic() - t0 < 5
    status = int(raw.split(b" ", 2)[1])
    assert status in statuses, raw[:300]
    if status == 416:
        json_error(raw, 416)


def test_clients_that_go_away_leave_no_traceback(sim, api, media_url, capfd):
    capfd.readouterr()
    path = media_url[len(sim.url) :]
    auth = f"x-youchuan-app: {sim.app_id}\r\nx-youchuan-secret: {sim.secret}\r\n"
    for target in [path] * 10 + ["/v1/tob/subscribe"] * 10 + ["/v1/tob/costs?pageNo=1"] * 10:
        s = socket.create_connection(("127.0.0.1", sim.port), timeout=5)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\n{auth}\r\n".encode())
        s.close()  # RST: the answer meets a reset connection
    for _ in range(5):
        s = socket.create_connection(("127.0.0.1", sim.port), timeout=5)
        s.sendall(b"POST /v1/tob/diffusion HTTP/1.1\r\nContent-Length: 100\r\n\r\n{")
        s.close()  # went away mid-body
    time.sleep(0.5)
    assert api.get("/v1/tob/subscribe").status_code == 200
    err = capfd.readouterr().err
    assert "Traceback" not in err and "BrokenPipe" not in err and "ConnectionReset" not in err


def test_requests_still_sees_json_for_an_unknown_method(sim):
    resp = requests.request("BREW", sim.url + "/v1/tob/subscribe", timeout=10)
    assert resp.status_code == 501 and resp.json()["reason"] == "Not_Support"
