"""Media generation in worker processes, shared by every Simulator in this process.

Image and video synthesis is CPU-bound Python/PIL/PyAV code. Run in threads it competes with
the request handlers for the GIL and p99 polling latency suffers, so by default it runs in a
small pool of spawned, lower-priority processes. The functions of _images/_video are pure
(bytes in, bytes out), so they pickle cleanly.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

_PROC_POOL: ProcessPoolExecutor | None = None
_PROC_LOCK = threading.RLock()
_LOCAL = frozenset({"image_size", "areas_to_polygons"})  # cheap: no need to ship them out


def _worker_init() -> None:
    try:  # Ctrl-C (or a kernel's interrupt/shutdown) is for the parent; it stops the pool
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # ignored from now on
    except (ValueError, OSError):
        pass
    try:
        os.nice(10)  # the HTTP server in the parent process comes first
    except (AttributeError, OSError):
        pass
    from . import _edits, _images, _video  # noqa: F401 - import once, up front


def _warm() -> None:
    return None


def _media_call(module: str, name: str, args: tuple, kw: dict):
    mod = importlib.import_module(f"{__package__}.{module}")
    return getattr(mod, name)(*args, **kw)


def _process_pool() -> ProcessPoolExecutor | None:
    global _PROC_POOL
    with _PROC_LOCK:
        if _PROC_POOL is None:
            try:
                workers = max(1, min(4, os.cpu_count() or 1))
                _PROC_POOL = ProcessPoolExecutor(
                    max_workers=workers,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_worker_init,
                )
                for _ in range(workers):  # start them all now, not during the first jobs
                    _pool_submit(_PROC_POOL, _warm)
            except (OSError, ValueError, ImportError):
                return None
            _register_exit()
        return _PROC_POOL


_EXIT_REGISTERED = False


def _register_exit() -> None:
    global _EXIT_REGISTERED
    if not _EXIT_REGISTERED:
        _EXIT_REGISTERED = True
        atexit.register(shutdown_process_pool)


def shutdown_process_pool() -> None:
    """Stop the shared media processes (at exit: no stray tracebacks, no leaked semaphores)."""
    global _PROC_POOL
    with _PROC_LOCK:
        pool, _PROC_POOL = _PROC_POOL, None
    if pool is not None:
        try:
            pool.shutdown(wait=True, cancel_futures=True)
        except Exception:  # pragma: no cover - best effort at exit
            pass


@contextlib.contextmanager
def _sigint_blocked():
    """Block SIGINT in this thread while it may start worker processes: a child inherits the
    mask, so a Ctrl-C or a kernel interrupt during its start-up (before its initializer runs)
    cannot end it with a KeyboardInterrupt traceback."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    except (ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@contextlib.contextmanager
def _main_module_hidden():
    """Keep spawned workers from re-running the user's script or notebook ``__main__``.

    "spawn" normally re-imports the parent's main module in each child, which re-runs any
    unguarded top-level code of a script (starting another Simulator there). The workers only
    need youchuan_nb, so the main module is hidden while they start.
    """
    main = sys.modules.get("__main__")
    saved: dict[str, Any] = {
        k: main.__dict__[k] for k in ("__file__", "__spec__") if main and k in main.__dict__
    }
    try:
        if main is not None:
            main.__dict__.pop("__file__", None)
            main.__dict__["__spec__"] = None
        yield
    finally:
        if main is not None:
            main.__dict__.pop("__spec__", None)
            main.__dict__.update(saved)


def _pool_submit(pool: ProcessPoolExecutor, fn, *args):
    """pool.submit, with the main module hidden in case it starts a worker process."""
    with _PROC_LOCK, _main_module_hidden(), _sigint_blocked():
        return pool.submit(fn, *args)


def _reset_process_pool(broken: ProcessPoolExecutor) -> None:
    global _PROC_POOL
    with _PROC_LOCK:
        if _PROC_POOL is broken:
            _PROC_POOL = None
    broken.shutdown(wait=False, cancel_futures=True)


class MediaProxy:
    """``proxy.fn(*args)`` runs ``youchuan_nb.sim.<module>.fn`` in the process pool (or here)."""

    def __init__(self, module: str, pool: ProcessPoolExecutor | None) -> None:
        self._module, self._pool = module, pool

    def submit(self, name: str, *args, **kw) -> Callable[[], Any]:
        """Start ``name(*args, **kw)``; returns a function that waits for the result."""
        pool = self._pool
        if pool is None or name in _LOCAL:
            result = _media_call(self._module, name, args, kw)
            return lambda: result
        try:
            future = _pool_submit(pool, _media_call, self._module, name, args, kw)
        except (BrokenProcessPool, RuntimeError):
            _reset_process_pool(pool)
            result = _media_call(self._module, name, args, kw)
            return lambda: result

        def wait():
            try:
                return future.result()
            except BrokenProcessPool:  # a worker died: do it here instead
                _reset_process_pool(pool)
                return _media_call(self._module, name, args, kw)

        return wait

    def __getattr__(self, name: str) -> Callable[..., Any]:
        return lambda *args, **kw: self.submit(name, *args, **kw)()


def one(result) -> bytes:
    """Functions documented as returning one image may return it bare or in a list."""
    if isinstance(result, (bytes, bytearray)):
        return bytes(result)
    return next(iter(result))


def start_process_pool() -> None:
    """Start (and warm up) the shared media processes now, not during the first jobs."""
    _process_pool()


def media_module(module: str, processes: bool) -> MediaProxy:
    """``_images`` or ``_video`` functions, run in the process pool when ``processes``."""
    return MediaProxy(module, _process_pool() if processes else None)
