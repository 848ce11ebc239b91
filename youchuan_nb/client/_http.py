"""HTTP transport: one requests.Session, the retry policy, and logging that never shows secrets.

Retry policy (openai-python's backoff, replicate-python's caution about creates):

* GET/PUT are idempotent: retried on connection errors, timeouts, 408, 429 and 5xx.
* A POST that creates a job (and is billed) is retried only when the service provably created
  nothing: the connection was refused / never made, or the answer's reason says the service
  did not take the request (Max_Concurrent_Limited, Server_Busy, whatever the status: a 500
  whose body says Server_Busy is treated as the 503 busy it describes). Never after a read
  timeout, a dropped or cut-off answer or another 500: the job may exist (``maybe_created``).
* The waits between attempts of one call (Retry-After included) add up to at most the call's
  ``timeout``: a Retry-After that would wait longer ends the call with the error instead.

Safety limits: API calls never follow redirects (the credentials go to the configured base URL
and nowhere else: a 3xx is an error that names where it pointed); an answer is read as a stream
and given up past ``MAX_ANSWER_BYTES`` or past the attempt's wall-clock deadline (``timeout``
plus a little grace, for headers and body together, however slowly a server trickles them);
such a deadline is not retried (a trickling server would only trickle again), a plain read
timeout of an idempotent call is.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import logging
import math
import os
import random
import threading
import time
from dataclasses import dataclass
from typing import Any

import requests
import urllib3
from urllib3.exceptions import NewConnectionError

from ..i18n import t
from ._deadline import GRACE, DeadlineAdapter, expired
from ._deadline import deadline as header_deadline
from ._errors import (
    AnswerTooLargeError,
    APIConnectionError,
    APITimeoutError,
    InternalServerError,
    UnexpectedRedirectError,
    error_for,
)

log = logging.getLogger("youchuan_nb")

INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0
DEFAULT_MAX_RETRIES = 3
MAX_ANSWER_BYTES = 8 * 1024 * 1024  # an API answer is a few KB; more is not an answer
SAFE_POST_RETRY_REASONS = frozenset({"Max_Concurrent_Limited", "Server_Busy"})
USER_AGENT = "youchuan_nb/0.1 (python-requests)"
_NOT_SENT = (
    requests.exceptions.InvalidURL,
    requests.exceptions.MissingSchema,
    requests.exceptions.InvalidSchema,
    requests.exceptions.InvalidHeader,
    requests.exceptions.URLRequired,
)


@dataclass
class Answer:
    status: int
    body: Any
    retries: int


def backoff_delay(attempt: int, retry_after: str | None = None) -> float:
    """Seconds to wait before retry ``attempt`` (0-based); honours Retry-After within limits."""
    if retry_after:
        seconds = _parse_retry_after(retry_after)
        if seconds is not None and 0 <= seconds <= MAX_RETRY_AFTER:
            return seconds
    delay = min(INITIAL_RETRY_DELAY * 2**attempt, MAX_RETRY_DELAY)
    return delay * (1 - 0.25 * random.random())  # jitter in [0.75, 1] like openai-python


def _parse_retry_after(value: str) -> float | None:
    try:
        seconds = float(value)
        return seconds if math.isfinite(seconds) else None
    except ValueError:
        pass
    try:  # Python 3.10+ raises ValueError (not None) for a value that is not a date
        parsed = email.utils.parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError, OverflowError):
        return None
    if parsed is None:
        return None
    return max(0.0, parsed.timestamp() - time.time())


def _not_sent(exc: BaseException) -> bool:
    """True when the request provably never reached the server (refused or connect timeout)."""
    if isinstance(exc, (requests.exceptions.ConnectTimeout, *_NOT_SENT)):
        return True
    seen: set[int] = set()
    err: BaseException | None = exc
    while err is not None and id(err) not in seen:
        seen.add(id(err))
        if isinstance(err, (NewConnectionError, ConnectionRefusedError)):
            return True
        inner = getattr(err, "reason", None) or (err.args[0] if err.args else None)
        err = inner if isinstance(inner, BaseException) else err.__cause__ or err.__context__
    return False


class _Redacted(str):
    """The secret as a string whose repr never shows it (frame locals, reprs, debuggers)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "'<redacted>'"


class Credentials(requests.auth.AuthBase):
    """Adds the two credential headers at send time, so no dict of ours holds the secret and
    nothing we raise carries a request with it (reprs are redacted too).

    Built first thing in ``Client()`` (from the arguments or the environment), so that no frame
    of ours that can raise has the secret among its locals (``%xmode Verbose`` prints them)."""

    def __init__(self, app_id: Any = None, secret: Any = None, *, from_env: bool = True) -> None:
        env = os.environ if from_env else {}
        self.app_id: Any = app_id or env.get("YOUCHUAN_APP_ID") or None
        value = secret or env.get("YOUCHUAN_SECRET") or None
        del secret
        self.secret_type = type(value).__name__
        self._secret: str | None = _Redacted(value) if isinstance(value, str) else None
        self._given = value is not None

    @property
    def has_secret(self) -> bool:
        return self._given

    @property
    def usable(self) -> bool:
        return isinstance(self.app_id, str) and self._secret is not None

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["x-youchuan-app"] = str(self.app_id)
        request.headers["x-youchuan-secret"] = str.__str__(self._secret or "")
        return request

    def __repr__(self) -> str:
        return "<youchuan credentials: redacted>"


def offline_credentials(service: Any) -> Credentials:
    """The credentials of a service object (a simulator: anything with app_id and secret)."""
    return Credentials(service.app_id, service.secret, from_env=False)


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib3.util.parse_url(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme or "")
    return (parts.scheme or "").lower(), (parts.host or "").lower(), port


class _Stop(Exception):
    """Why reading an answer stopped early (raised and caught inside this module only)."""

    def __init__(self, kind: str, description: str) -> None:
        super().__init__(description)
        self.kind, self.description = kind, description


def read_capped(resp: requests.Response, *, limit: int, deadline: float) -> bytes:
    """The body of a streamed answer: at most ``limit`` bytes, finished by ``deadline``
    (monotonic). Raises ``_Stop`` ("large", "deadline", "cut") instead."""
    declared = resp.headers.get("Content-Length", "")
    if declared.strip().isdigit() and int(declared) > limit:
        raise _Stop(
            "large", t("client.net.large_declared", size=f"{int(declared):,}", limit=f"{limit:,}")
        )
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            if time.monotonic() > deadline:
                raise _Stop("deadline", t("client.net.incomplete"))
            chunk = resp.raw.read1(64 * 1024, decode_content=True)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise _Stop("large", t("client.net.large", limit=f"{limit:,}"))
            chunks.append(chunk)
    except _Stop:
        raise
    except urllib3.exceptions.ReadTimeoutError:
        raise _Stop("deadline", t("client.net.stopped")) from None
    except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError, ValueError) as exc:
        raise _Stop("cut", t("client.net.cut", error=type(exc).__name__)) from None
    if expired():  # the headers' deadline cut the connection: what arrived is not the answer
        raise _Stop("deadline", t("client.net.no_headers"))
    return b"".join(chunks)


class Transport:
    """Sends requests with the credentials; the only place that touches the secret."""

    def __init__(
        self,
        base_url: str,
        auth: Credentials,
        *,
        timeout: float,
        max_retries: int = DEFAULT_MAX_RETRIES,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._auth = auth
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_answer_bytes = MAX_ANSWER_BYTES
        self._local = threading.local()  # a Session is not thread-safe: one per thread

    def __repr__(self) -> str:
        return f"<Transport {self.base_url}>"

    @property
    def session(self) -> requests.Session:
        s = getattr(self._local, "session", None)
        if s is None:
            s = requests.Session()
            s.headers["User-Agent"] = USER_AGENT
            s.mount("http://", DeadlineAdapter())
            s.mount("https://", DeadlineAdapter())
            self._local.session = s
        return s

    def _send(
        self, method: str, url: str, data: bytes | None, query: dict | None, headers: dict
    ) -> tuple[int, dict[str, str], Any]:
        """One attempt: (status, headers, decoded body). Raises ``_Stop`` for no usable
        answer, always outside an except block (no __context__ holds a request)."""
        deadline = time.monotonic() + self.timeout + max(GRACE, 0.1 * self.timeout)
        failure: _Stop | None = None
        try:
            with header_deadline(deadline):
                resp = self.session.request(
                    method,
                    url,
                    data=data,
                    params=query,
                    headers=headers,
                    auth=self._auth,
                    timeout=(min(5.0, self.timeout), self.timeout),
                    allow_redirects=False,
                    stream=True,
                )
        except requests.exceptions.RequestException as exc:
            not_sent = _not_sent(exc)
            kind = "not-sent" if not_sent else "timeout" if _timed_out(exc) else "failed"
            failure = _Stop(kind, _describe(exc, not_sent, self.timeout))
        except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError, ValueError) as e:
            failure = _Stop("failed", t("client.net.failed", error=type(e).__name__))
        if failure is not None and expired():
            failure = _Stop("deadline", t("client.net.no_headers"))
        if failure is not None:
            raise failure
        try:
            content = read_capped(resp, limit=self.max_answer_bytes, deadline=deadline)
        except _Stop as stop:
            failure = stop
        finally:
            resp.close()
        if failure is not None:
            raise failure
        return resp.status_code, dict(resp.headers), _decode(content, resp.encoding)

    def request(
        self,
        method: str,
        path: str,
        *,
        body: dict | None = None,
        query: dict | None = None,
        creates_job: bool = False,
    ) -> Answer:
        url = self.base_url + path
        headers = {}
        if body is not None:
            headers["Content-Type"] = "application/json"
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        idempotent = method in ("GET", "PUT", "HEAD")
        attempt = 0
        waited = 0.0  # seconds slept between attempts: at most self.timeout in all
        while True:
            started = time.monotonic()
            failure: _Stop | None = None
            try:
                status, resp_headers, body_out = self._send(method, url, data, query, headers)
            except _Stop as stop:
                failure = stop
            if failure is not None:
                retry = (
                    failure.kind not in ("large", "deadline")  # it would only happen again
                    and (idempotent or failure.kind == "not-sent")
                    and attempt < self.max_retries
                )
                delay = backoff_delay(attempt) if retry else 0.0
                retry = retry and waited + delay <= self.timeout
                log.debug(
                    "%s %s -> no answer (%s)%s",
                    method,
                    path,
                    failure.description,
                    ", retrying" if retry else "",
                )
                if retry:
                    time.sleep(delay)
                    waited += delay
                    attempt += 1
                    continue
                raise _connection_error(failure, method, path, creates_job)
            elapsed = time.monotonic() - started
            log.debug("%s %s -> %s (%.3f s)", method, path, status, elapsed)
            if 300 <= status < 400:
                raise UnexpectedRedirectError(
                    status,
                    resp_headers.get("Location", ""),
                    method=method,
                    path=path,
                    base_url=self.base_url,
                    same_origin=_origin(
                        requests.compat.urljoin(url, resp_headers.get("Location", ""))
                    )
                    == _origin(url),
                )
            if status < 400:
                return Answer(status, body_out, attempt)
            reason = body_out.get("reason", "") if isinstance(body_out, dict) else ""
            if idempotent:
                retry = status in (408, 429) or status >= 500
            else:
                retry = reason in SAFE_POST_RETRY_REASONS
            retry = retry and attempt < self.max_retries
            delay = backoff_delay(attempt, resp_headers.get("Retry-After")) if retry else 0.0
            if retry and waited + delay <= self.timeout:
                time.sleep(delay)
                waited += delay
                attempt += 1
                continue
            err = error_for(status, body_out, method=method, path=path)
            # after a 500 (that does not say "busy") a job-creating POST may have created it
            err.maybe_created = creates_job and isinstance(err, InternalServerError)
            raise err


def _connection_error(
    failure: _Stop, method: str, path: str, creates_job: bool
) -> APIConnectionError:
    maybe = creates_job and failure.kind != "not-sent"
    if failure.kind == "large":
        return AnswerTooLargeError(
            failure.description, method=method, path=path, maybe_created=maybe
        )
    cls = APITimeoutError if failure.kind in ("timeout", "deadline") else APIConnectionError
    return cls(failure.description, method=method, path=path, maybe_created=maybe)


def _timed_out(exc: BaseException) -> bool:
    return isinstance(exc, requests.exceptions.Timeout)


def _decode(content: bytes, encoding: str | None) -> Any:
    if not content:
        return {}
    try:
        return json.loads(content)
    except (ValueError, RecursionError):
        return content.decode(encoding or "utf-8", errors="replace")


def _describe(exc: BaseException, not_sent: bool, timeout: float) -> str:
    text = type(exc).__name__
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return t("client.net.connect_timeout")
    if not_sent and isinstance(exc, _NOT_SENT):
        return t("client.net.not_made", error=text)
    if not_sent:
        return t("client.net.refused")
    if "RemoteDisconnected" in repr(exc) or "Connection aborted" in repr(exc):
        return t("client.net.dropped")
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return t("client.net.timeout", timeout=f"{timeout:g}")
    return t("client.net.connection_failed", error=text)
