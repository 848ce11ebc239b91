"""The seam for "no credentials": a service on this machine that the package's composition
module (:mod:`youchuan_nb._offline`) provides, so the client never imports the simulator."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class OfflineService:
    """Where a client without credentials goes: the built-in simulator, started on demand."""

    app_id: str
    secret: str = ""
    url: str = ""
    handle: Any = None  # the simulator object (for tests and notebooks that inspect it)

    def __repr__(self) -> str:  # never show the secret
        return f"OfflineService(app_id={self.app_id!r}, url={self.url!r})"


_provider: Callable[[], OfflineService] | None = None


def register_offline_service(provider: Callable[[], OfflineService] | None) -> None:
    """Use ``provider()`` for clients made without credentials (None: none; they then fail)."""
    global _provider
    _provider = provider


def offline_service() -> OfflineService | None:
    return _provider() if _provider is not None else None
