"""A local simulator of the Youchuan (悠船) API: a real HTTP server on 127.0.0.1.

    from youchuan_nb.sim import Simulator, Faults

    with Simulator(job_seconds=0.5) as sim:
        print(sim.url, sim.app_id)     # the secret is sim.secret (never printed by the server)
        # a client of it: youchuan_nb.client.Client.for_service(sim)

All 24 endpoints of :mod:`youchuan_nb.contract` are served with the documented paths, the
documented error bodies and the documented follow-up rules; images and videos are generated
locally (PNG / H.264 MP4) and served at ``{sim.url}/media/{jobId}/{n}.png|.mp4``.

Knobs (constructor arguments, also settable while running): ``job_seconds``, ``queue_seconds``,
``concurrency``, ``balance`` (of the default app), ``prices``, ``sensitive_words``, ``faults``,
``url_ttl``, ``comment_style`` ("enum" or "zh": the document's Chinese texts), ``answer_shape``
("flat", "wrapped", "string_status", "named_status" or "aliases": see ``_shapes``), ``rules``
("documented": refuse on the official document's rules and on the secondary rules public
clients saw the service fail on; "strict": on every secondary rule too, see
``contract.sources``), ``plan`` ("fast+relax", "fast", "relax_used_up" or "none": the
document's plan errors, so code handling them can be tried offline), ``video_seconds``,
``extend_seconds``, ``clock``.

State: in memory by default (gone when the simulator stops). With ``state_dir=PATH`` the jobs,
media, apps (the same app id and secret after a restart), balances, moodboards and cost records
are kept in that folder: jobs made before a restart still answer, their media are served (on
the new port) and their follow-ups work; several processes may use one folder at once. Media
past ``max_media_bytes`` (default 500 MB) are pruned, oldest first, and drawn again if asked for.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from ..contract import check_mode
from ._disk import credentials
from ._faults import AUDIT_REJECTION, Faults
from ._media_store import DEFAULT_MAX_MEDIA_BYTES
from ._rules import PLANS
from ._service import DEFAULT_PRICES, Service
from ._shapes import ANSWER_SHAPES, check_shape

__all__ = ["ANSWER_SHAPES", "AUDIT_REJECTION", "DEFAULT_PRICES", "PLANS", "Faults", "Simulator"]

_KNOBS = (
    "processes",
    "job_seconds",
    "queue_seconds",
    "concurrency",
    "prices",
    "sensitive_words",
    "faults",
    "url_ttl",
    "comment_style",
    "answer_shape",
    "rules",
    "plan",
    "video_seconds",
    "extend_seconds",
    "clock",
)
_LOOPBACK = ("127.0.0.1", "localhost")


def _check_plan(plan: str) -> None:
    if plan not in PLANS:
        raise ValueError(f"plan {plan!r}: use one of {', '.join(PLANS)}")


class Simulator:
    """The simulated service; a context manager (``with Simulator() as sim:``)."""

    def __init__(
        self,
        *,
        app_id: str | None = None,
        secret: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        job_seconds: float = 0.3,
        queue_seconds: float = 0.0,
        concurrency: int = 3,
        balance: float = 1000.0,
        prices: dict | None = None,
        sensitive_words: tuple[str, ...] = ("forbidden", "badword"),
        faults: Faults | None = None,
        url_ttl: float | None = None,
        comment_style: str = "enum",
        answer_shape: str = "flat",
        rules: str = "documented",
        plan: str = "fast+relax",
        seed: int = 0,
        workers: int = 6,
        video_seconds: float = 5.0,
        extend_seconds: float = 4.0,
        clock: Callable[[], datetime] | None = None,
        processes: bool = True,
        state_dir: str | os.PathLike[str] | None = None,
        max_media_bytes: int = DEFAULT_MAX_MEDIA_BYTES,
    ) -> None:
        if host not in _LOOPBACK:
            raise ValueError(f"the simulator binds to 127.0.0.1 only, not {host!r}")
        if comment_style not in ("enum", "zh"):
            raise ValueError("comment_style is 'enum' or 'zh'")
        check_shape(answer_shape)
        check_mode(rules)
        _check_plan(plan)
        if not isinstance(port, int) or not (0 <= port <= 65535):
            raise ValueError(f"port must be 0 (any free port) or 1-65535, got {port!r}")
        folder = Path(state_dir).expanduser() if state_dir is not None else None
        if folder is not None:  # the same app and secret after a restart
            app_id, secret = credentials(folder, app_id, secret)
        object.__setattr__(self, "state_dir", folder)
        object.__setattr__(self, "app_id", app_id or f"sim-app-{secrets.token_hex(4)}")
        object.__setattr__(self, "secret", secret or f"sim-secret-{secrets.token_hex(16)}")
        object.__setattr__(self, "_port", port)
        object.__setattr__(self, "_server", None)
        object.__setattr__(self, "_thread", None)
        object.__setattr__(self, "url", None)
        object.__setattr__(
            self,
            "_service",
            Service(
                app_id=self.app_id,
                secret=self.secret,
                job_seconds=job_seconds,
                queue_seconds=queue_seconds,
                concurrency=concurrency,
                balance=balance,
                prices=prices,
                sensitive_words=sensitive_words,
                faults=faults,
                url_ttl=url_ttl,
                comment_style=comment_style,
                seed=seed,
                workers=workers,
                video_seconds=video_seconds,
                extend_seconds=extend_seconds,
                clock=clock,
                processes=processes,
                state_dir=folder,
                max_media_bytes=max_media_bytes,
                answer_shape=answer_shape,
                rules=rules,
            ),
        )

        self._service.plan = plan

    def __repr__(self) -> str:  # never shows the secret
        state = self.url or "stopped"
        return f"<youchuan_nb.sim.Simulator {state} app_id={self.app_id!r}>"

    @classmethod
    def demo(cls, **kw: Any) -> Simulator:
        """Slower jobs that look like the real service in a notebook (4 s running, 0.5 s queued)."""
        kw.setdefault("job_seconds", 4.0)
        kw.setdefault("queue_seconds", 0.5)
        return cls(**kw)

    # ---- knobs ----------------------------------------------------------------------------
    def __getattr__(self, name: str) -> Any:
        if name in _KNOBS:
            return getattr(self._service, name)
        raise AttributeError(name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _KNOBS:
            if name == "comment_style" and value not in ("enum", "zh"):
                raise ValueError("comment_style is 'enum' or 'zh'")
            if name == "answer_shape":
                check_shape(value)
            if name == "rules":
                check_mode(value)
            if name == "plan":
                _check_plan(value)
            if name == "prices":
                value = dict(DEFAULT_PRICES, **(value or {}))
            if name == "sensitive_words":
                value = tuple(value or ())
            setattr(self._service, name, value)
        elif name == "balance":
            service = self._service
            service.set_balance(service.accounts[self.app_id], float(value))
        else:
            object.__setattr__(self, name, value)

    @property
    def balance(self) -> float:
        service = self._service
        return service.balance_of(service.accounts[self.app_id])

    @property
    def seed(self) -> int:
        return self._service.seed

    # ---- lifecycle ------------------------------------------------------------------------
    def start(self) -> Simulator:
        if self._server is not None:
            return self
        from ._server import make_server

        server = make_server(self._service, self._port)
        port = server.server_address[1]
        url = f"http://127.0.0.1:{port}"
        self._service.start(url, port)
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"youchuan-sim-{port}",
            daemon=True,
        )
        thread.start()
        object.__setattr__(self, "_server", server)
        object.__setattr__(self, "_thread", thread)
        object.__setattr__(self, "url", url)
        return self

    def stop(self) -> None:
        server = self._server
        if server is None:
            return
        server.shutdown()
        server.server_close()
        server.close_connections()
        self._thread.join(timeout=5)
        self._service.stop()
        object.__setattr__(self, "_server", None)
        object.__setattr__(self, "_thread", None)
        object.__setattr__(self, "url", None)

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def port(self) -> int | None:
        return self._server.server_address[1] if self._server is not None else None

    @property
    def host(self) -> str:
        return "127.0.0.1"

    @property
    def env(self) -> dict[str, str]:
        """The environment variables that point a client at this simulator."""
        return {
            "YOUCHUAN_BASE_URL": self.url or "",
            "YOUCHUAN_APP_ID": self.app_id,
            "YOUCHUAN_SECRET": self.secret,
        }

    def add_app(
        self, app_id: str | None = None, secret: str | None = None, balance: float | None = None
    ) -> tuple[str, str]:
        """Another app (own jobs, balance, moodboards); returns its (app_id, secret)."""
        app_id = app_id or f"sim-app-{secrets.token_hex(4)}"
        secret = secret or f"sim-secret-{secrets.token_hex(16)}"
        self._service.add_app(app_id, secret, balance)
        return app_id, secret

    # ---- observability --------------------------------------------------------------------
    @property
    def created(self) -> list[dict]:
        """Every job ever created: {"id", "endpoint", "body" (without callback), "app",
        "created"}."""
        return list(self._service.created)

    @property
    def request_log(self) -> list[tuple[str, str, int]]:
        """(method, path without query, status) of every request; status 0 = dropped."""
        return list(self._service.request_log)

    def count(self, endpoint: str, *, requests: bool = False) -> int:
        """Jobs created by ``endpoint`` (a contract endpoint name such as "diffusion");
        with ``requests=True``, requests that reached it (any answer)."""
        if not requests:
            return sum(1 for c in self._service.created if c["endpoint"] == endpoint)
        from ..contract import endpoint_for

        total = 0
        for method, path, _ in self._service.request_log:
            found = endpoint_for(method, path)
            if found is not None and found[0].name == endpoint:
                total += 1
        return total

    def job_record(self, job_id: str) -> dict | None:
        """Everything the simulator knows about a job (None if unknown)."""
        return self._service.job_record(job_id)

    def timings(self) -> list[dict]:
        """When each job this process holds was created and completed, on the
        ``time.monotonic()`` clock (for benchmarks): {"id", "created", "complete_at",
        "done", "done_at"}; ``complete_at`` is valid once ``done``."""
        return [
            {
                "id": j.id,
                "created": j.created,
                "complete_at": j.complete_at,
                "done": j.done,
                "done_at": j.done_at,
            }
            for j in list(self._service.jobs.values())
        ]

    def running(self) -> int:
        """How many jobs (all apps) are queued or running now."""
        return self._service.running_count()
