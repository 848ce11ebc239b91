"""The simulator's HTTP layer: stdlib ``ThreadingHTTPServer``, HTTP/1.1 keep-alive, 127.0.0.1 only.

Handlers stay cheap (parse, check, bookkeeping); media are made by the service's worker pool.
Every error answer is ``{"code", "message", "reason"}`` with the HTTP status equal to ``code``.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

from ..contract import ENDPOINTS, endpoint_for
from ._bodies import BODY_LIMIT, ApiError, DropConnection
from ._media_store import parse_range
from ._requests import BadRequest, check_text, parse_body, parse_query
from ._service import Service
from ._shapes import shape_answer
from ._uploads import UPLOAD_LIMIT, UploadRefused

_PATH_PATTERNS = [
    re.compile("^" + re.sub(r"\{(\w+)\}", r"[^/]+", ep.path) + "$") for ep in ENDPOINTS.values()
]


class SimHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, address, service: Service) -> None:
        self.service = service
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, Handler)

    def handle_error(self, request, client_address) -> None:
        # A client that gave up (timeout, fault test) is normal here: no traceback on stderr.
        import sys

        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)

    def close_connections(self) -> None:
        with self.connections_lock:
            conns = list(self.connections)
            self.connections.clear()
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "YouchuanSim/0.1"
    sys_version = ""
    timeout = 60  # idle keep-alive connections and slow senders are cut after this
    server: SimHTTPServer
    _pending: tuple[str, str] | None = None  # (method, path) of the request being answered

    # ---- plumbing -------------------------------------------------------------------------
    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            with self.server.connections_lock:
                self.server.connections.discard(self.connection)

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format, *args) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """What http.server answers itself (a malformed request line, an unknown method, a line
        or header too long, an HTTP version it does not speak): the documented JSON error body,
        never its HTML page; the connection is closed after it."""
        if self.request_version in ("HTTP/0.9", ""):  # so the status line and headers are sent
            self.request_version = "HTTP/1.0"
        reason = "Not_Support" if code in (405, 501, 505) else "Invalid_Argument"
        if code >= 500 and code not in (501, 505):
            reason = "Internal_Server_Error"
        text = message or self.responses.get(code, ("error",))[0]
        self._pending = None
        try:
            self._error(code, reason, f"{text} ({explain})" if explain else text, close=True)
        except OSError:
            self.close_connection = True

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_HEAD(self) -> None:
        self._handle("HEAD")

    def do_OPTIONS(self) -> None:
        self._handle("OPTIONS")

    def _log(self, status: int) -> None:
        """Record (method, path, status) once per request, before the answer leaves."""
        pending, self._pending = self._pending, None
        if pending is not None:
            self.server.service.request_log.append((*pending, status))

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str,
        *,
        headers=(),
        close: bool = False,
        head: bool = False,
    ) -> None:
        self._log(status)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        if close:
            self.close_connection = True
            self.send_header("Connection", "close")
        self.end_headers()
        if not head and self.command != "HEAD":
            self.wfile.write(body)

    def _send_json(self, status: int, obj, *, close: bool = False, headers=()) -> None:
        data = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self._send(
            status,
            data,
            "application/json; charset=utf-8",
            close=close,
            headers=(("Cache-Control", "no-store"), *headers),
        )

    def _error(
        self, status: int, reason: str, message: str, *, close: bool = False, headers=()
    ) -> None:
        self._send_json(
            status,
            {"code": status, "message": message, "reason": reason},
            close=close,
            headers=headers,
        )

    def _drop(self) -> None:
        """Close the TCP connection without any response."""
        self._log(0)
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _read_body(self) -> bytes:
        """At most BODY_LIMIT bytes of the body; BadRequest for anything we cannot read."""
        te = (self.headers.get("Transfer-Encoding") or "").strip().lower()
        if te:
            if te != "chunked":
                raise BadRequest(f"Transfer-Encoding {te!r} is not supported")
            return self._read_chunked()
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        if not re.fullmatch(r"\s*\d{1,18}\s*", length):
            raise BadRequest("Content-Length is not a number")
        n = int(length)
        if n > BODY_LIMIT:
            raise BadRequest(f"the body is {n} bytes; at most {BODY_LIMIT} (1 MiB) is accepted")
        data = self.rfile.read(n)
        if len(data) < n:
            raise BadRequest("the body is shorter than its Content-Length")
        return data

    def _read_chunked(self) -> bytes:
        parts: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(100)
            if not line.endswith(b"\n"):
                raise BadRequest("malformed chunked body")
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                raise BadRequest("malformed chunk size") from None
            if size == 0:
                while self.rfile.readline(8192) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(parts)
            total += size
            if total > BODY_LIMIT:
                raise BadRequest(f"the body is over {BODY_LIMIT} bytes (1 MiB)")
            chunk = self.rfile.read(size)
            if len(chunk) < size:
                raise BadRequest("the chunked body ended early")
            parts.append(chunk)
            self.rfile.readline(3)

    # ---- dispatch -------------------------------------------------------------------------
    def _handle(self, method: str) -> None:
        service = self.server.service
        raw_path = self.path
        split = urlsplit(raw_path)
        path = split.path
        self._pending = (method, path)
        if path.startswith("/_sim/uploads"):  # simulator-only: the real service has no such route
            self._upload(method, path)
            return
        try:
            data = self._read_body()
        except BadRequest as exc:
            self._error(400, "Invalid_Argument", str(exc), close=True)
            return
        except (TimeoutError, OSError):
            self.close_connection = True
            return

        if path.startswith("/media/"):
            self._media(method, path)
            return

        found = endpoint_for(method, path)
        if found is None:
            if any(p.match(path) for p in _PATH_PATTERNS):
                allowed = sorted(
                    {ep.method for ep in ENDPOINTS.values() if endpoint_for(ep.method, path)}
                )
                self._error(
                    405,
                    "Not_Support",
                    f"{method} is not allowed on {path}; use {', '.join(allowed)}",
                    headers=(("Allow", ", ".join(allowed)),),
                )
            else:
                self._error(404, "Not_Found", f"no endpoint at {path}")
            return
        ep, path_params = found
        try:
            account = service.authenticate(
                self.headers.get("x-youchuan-app"), self.headers.get("x-youchuan-secret")
            )
            faults = service.faults
            fate = faults.for_request(ep.creates_job) if faults is not None else None
            if fate is not None:
                if fate.slow:
                    time.sleep(fate.slow)
                if fate.outcome == "drop":
                    self._drop()
                    return
                if fate.outcome == "server_error":
                    raise ApiError(500, "Internal_Server_Error", "simulated internal error")
                if fate.outcome == "busy":
                    raise ApiError(503, "Server_Busy", "the service is busy; try again shortly")
            body = parse_body(ep, data)
            query = parse_query(ep, split.query)
            try:
                params = {k: unquote(v, errors="strict") for k, v in path_params.items()}
            except UnicodeDecodeError:
                raise ApiError(400, "Invalid_Argument", "the path is not valid UTF-8") from None
            check_text(params, "path")
            answer = service.call(ep.name, account, body, query, params, fate)
            shape = service.answer_shape
            self._send_json(200, shape_answer(shape, ep.name, ep.creates_job, answer))
        except ApiError as exc:
            self._error(exc.status, exc.reason, exc.message)
        except DropConnection:
            self._drop()
        except (ConnectionError, TimeoutError):  # the client went away: nothing to answer
            self.close_connection = True
        except Exception as exc:  # a bug: answer 500, keep serving
            import traceback

            traceback.print_exc()
            self._error(500, "Internal_Server_Error", f"simulator error: {type(exc).__name__}")

    # ---- the user's pictures (simulator-only route; see _uploads) ---------------------------
    def _upload(self, method: str, path: str) -> None:
        uploads = self.server.service.painter.uploads
        if method in ("GET", "HEAD"):
            found = uploads.get(path)
            if found is None:
                self._error(404, "Not_Found", f"no upload at {path}")
            else:
                self._send(200, found.data, found.content_type, head=method == "HEAD")
            return
        length = self.headers.get("Content-Length") or ""
        if method != "POST" or path.rstrip("/") != "/_sim/uploads":
            self._error(405, "Not_Support", "POST a picture to /_sim/uploads", close=True)
        elif not length.strip().isdigit() or int(length) > UPLOAD_LIMIT:
            self._error(
                413, "Invalid_Argument", f"an upload is 1 to {UPLOAD_LIMIT} bytes", close=True
            )
        else:
            try:
                url = uploads.put(self.rfile.read(int(length)), self.server.service.base_url)
                self._send_json(200, {"url": url})
            except UploadRefused as exc:
                self._error(exc.status, exc.reason, exc.message)

    # ---- media (no auth, like a CDN) -------------------------------------------------------
    def _media(self, method: str, path: str) -> int:
        service = self.server.service
        if method not in ("GET", "HEAD"):
            self._error(
                405, "Not_Support", "media URLs answer GET only", headers=(("Allow", "GET, HEAD"),)
            )
            return 405
        found = service.media_at(path)  # an image still being drawn: waits for it (bounded)
        if found is None:
            self._error(404, "Not_Found", f"no media at {path}")
            return 404
        job_id, media = found
        if service.media_expired(job_id):
            self._error(
                403,
                "Permission_Denied",
                "this media URL has expired; download results soon after the job finishes",
            )
            return 403
        head = method == "HEAD"
        size = len(media.data)
        rng = parse_range(self.headers.get("Range"), size)
        common = (("Accept-Ranges", "bytes"), ("Cache-Control", "private, max-age=3600"))
        if rng is False:
            self._send_json(
                416,
                {
                    "code": 416,
                    "message": f"the range is outside the {size} bytes of this file",
                    "reason": "Range_Not_Satisfiable",
                },
                headers=(("Content-Range", f"bytes */{size}"),),
            )
            return 416
        if rng is None:
            self._send(200, media.data, media.content_type, headers=common, head=head)
            return 200
        assert isinstance(rng, tuple)
        start, end = rng
        self._send(
            206,
            media.data[start : end + 1],
            media.content_type,
            head=head,
            headers=(*common, ("Content-Range", f"bytes {start}-{end}/{size}")),
        )
        return 206


def make_server(service: Service, port: int) -> SimHTTPServer:
    return SimHTTPServer(("127.0.0.1", port), service)
