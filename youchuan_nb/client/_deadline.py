"""A wall-clock deadline for the part of a request that requests cannot bound: the answer's
status line and headers.

requests' ``timeout`` bounds each socket read, so a server that sends its headers one byte at a
time can hold a call for as long as it likes. The transport mounts :class:`DeadlineAdapter` on
its session: while ``deadline(at)`` is active in a thread, the connection waiting for headers
is shut down at ``at`` (``time.monotonic()``; never before the socket's read timeout plus
``GRACE``, so a server that sends nothing is still a read timeout), and ``expired()`` says so
afterwards. The body is
bounded by the transport's own reading loop.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

_state = threading.local()
GRACE = 0.25  # seconds past the read timeout before the cut


@contextmanager
def deadline(at: float) -> Iterator[None]:
    """Within this block (in this thread), waiting for an answer's headers ends at ``at``."""
    # a dict, not attributes of the thread-local: the timer thread that cuts the connection
    # must mark *this* thread's call as expired
    _state.call = {"at": at, "expired": False}
    try:
        yield
    finally:
        _state.call["at"] = None


def expired() -> bool:
    """True when the last ``deadline`` block of this thread cut a connection."""
    call = getattr(_state, "call", None)
    return bool(call and call["expired"])


class _Cutoff:
    def getresponse(self) -> Any:
        call = getattr(_state, "call", None)
        at = call["at"] if call else None
        sock = getattr(self, "sock", None)
        if call is None or at is None or sock is None:
            return super().getresponse()  # type: ignore[misc]

        def cut() -> None:
            call["expired"] = True
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

        # never before the read timeout of a silent server: that one is a (retryable) timeout
        read_timeout = sock.gettimeout() or 0.0
        at = max(at, time.monotonic() + read_timeout + GRACE)
        timer = threading.Timer(max(0.0, at - time.monotonic()), cut)
        timer.daemon = True
        timer.start()
        try:
            return super().getresponse()  # type: ignore[misc]
        finally:
            timer.cancel()


class _HTTPConnection(_Cutoff, HTTPConnection):
    pass


class _HTTPSConnection(_Cutoff, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


class DeadlineAdapter(HTTPAdapter):
    """An HTTPAdapter whose connections honour :func:`deadline` while waiting for headers."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = _POOLS
        return manager
