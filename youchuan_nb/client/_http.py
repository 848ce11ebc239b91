"""HTTP transport: one requests.Session, the retry policy, and logging that never shows secrets.

Retry policy (openai-python's backoff, replicate-python's caution about creates):

* GET/PUT are idempotent: retried on connection errors, timeouts, 408, 429 and 5xx.
* A POST that creates a job (and is billed) is retried only when the service provably created
  nothing: the connection was refused / never made, 429 Max_Concurrent_Limited, 503 Server_Busy.
  Never after a read timeout, a dropped connection or a 500: the job may exist.
"""

from __future__ import annotations

import email.utils
import json
import logging
import random
import threading
import time
from dataclasses import dataclass
from typing import Any

import requests
from urllib3.exceptions import NewConnectionError

from ._errors import APIConnectionError, APITimeoutError, error_for

log = logging.getLogger("youchuan_nb")

INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0
DEFAULT_MAX_RETRIES = 3
SAFE_POST_RETRY_REASONS = frozenset({"Max_Concurrent_Limited", "Server_Busy"})
USER_AGENT = "youchuan_nb/0.1 (python-requests)"


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
        return float(value)
    except ValueError:
        pass
    try:  # Python 3.10+ raises ValueError (not None) for a value that is not a date
        parsed = email.utils.parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None
    if parsed is None:
        return None
    return max(0.0, parsed.timestamp() - time.time())


def _not_sent(exc: requests.exceptions.ConnectionError) -> bool:
    """True when the request provably never reached the server (refused or connect timeout)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
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


class _Credentials(requests.auth.AuthBase):
    """Adds the two credential headers at send time, so no dict of ours holds the secret and
    nothing we raise carries a request with it (reprs are redacted too)."""

    def __init__(self, app_id: str, secret: str) -> None:
        self._app_id, self._secret = app_id, secret

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["x-youchuan-app"] = self._app_id
        request.headers["x-youchuan-secret"] = self._secret
        return request

    def __repr__(self) -> str:
        return "<youchuan credentials: redacted>"


class Transport:
    """Sends requests with the credentials; the only place that touches the secret."""

    def __init__(
        self,
        base_url: str,
        app_id: str,
        secret: str,
        *,
        timeout: float,
        max_retries: int = DEFAULT_MAX_RETRIES,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._auth = _Credentials(app_id, secret)
        self.timeout = timeout
        self.max_retries = max_retries
        self._local = threading.local()  # a Session is not thread-safe: one per thread

    def __repr__(self) -> str:
        return f"<Transport {self.base_url}>"

    @property
    def session(self) -> requests.Session:
        s = getattr(self._local, "session", None)
        if s is None:
            s = requests.Session()
            s.headers["User-Agent"] = USER_AGENT
            self._local.session = s
        return s

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
        while True:
            started = time.monotonic()
            # Failures are turned into our own exceptions *outside* the except blocks, so they
            # carry no __context__ holding requests' PreparedRequest (and its headers).
            failure: tuple[str, bool, bool] | None = None  # (description, timeout?, not sent?)
            try:
                resp = self.session.request(
                    method,
                    url,
                    data=data,
                    params=query,
                    headers=headers,
                    auth=self._auth,
                    timeout=(min(5.0, self.timeout), self.timeout),
                )
            except requests.exceptions.ConnectionError as exc:
                not_sent = _not_sent(exc)
                failure = (
                    _describe(exc, not_sent),
                    isinstance(exc, requests.exceptions.Timeout),
                    not_sent,
                )
            except requests.exceptions.Timeout:
                failure = (f"no answer within {self.timeout:g} s", True, False)
            if failure is not None:
                description, timed_out, not_sent = failure
                retry = (idempotent or not_sent) and attempt < self.max_retries
                log.debug(
                    "%s %s -> no answer (%s)%s",
                    method,
                    path,
                    description,
                    ", retrying" if retry else "",
                )
                if retry:
                    time.sleep(backoff_delay(attempt))
                    attempt += 1
                    continue
                cls = APITimeoutError if timed_out else APIConnectionError
                raise cls(
                    description,
                    method=method,
                    path=path,
                    maybe_created=creates_job and not not_sent,
                )
            elapsed = time.monotonic() - started
            body_out = _decode(resp)
            log.debug("%s %s -> %s (%.3f s)", method, path, resp.status_code, elapsed)
            if resp.status_code < 400:
                return Answer(resp.status_code, body_out, attempt)
            reason = body_out.get("reason", "") if isinstance(body_out, dict) else ""
            if idempotent:
                retry = resp.status_code in (408, 429) or resp.status_code >= 500
            else:
                retry = reason in SAFE_POST_RETRY_REASONS
            if retry and attempt < self.max_retries:
                time.sleep(backoff_delay(attempt, resp.headers.get("Retry-After")))
                attempt += 1
                continue
            raise error_for(resp.status_code, body_out, method=method, path=path)


def _decode(resp: requests.Response) -> Any:
    if not resp.content:
        return {}
    try:
        return resp.json()
    except ValueError:
        return resp.text


def _describe(exc: BaseException, not_sent: bool) -> str:
    text = type(exc).__name__
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return "could not connect in time"
    if not_sent:
        return "connection refused (is the service or simulator running?)"
    if "RemoteDisconnected" in repr(exc) or "Connection aborted" in repr(exc):
        return "the connection was dropped before an answer arrived"
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return "no answer in time"
    return f"connection failed ({text})"
