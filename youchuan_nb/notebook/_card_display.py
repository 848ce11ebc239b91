"""How a card reaches notebook outputs: its display bundle (the widget view, a ``text/html``
copy and ``text/plain``), showing it, and refreshing the saved copy once its jobs settle.

A card is refreshed through its display handle (the cell that showed it) and through any
mirrors: outputs of a saved notebook that a new kernel brought back to life (``_revive.py``),
which the front end rewrites from the bundles sent to it. A mixin of ``JobCard``.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Protocol, cast

from . import _static
from ._card_state import CardState
from ._session import saved_output

if TYPE_CHECKING:
    from typing import Self


class Mirror(Protocol):
    """Another output showing this card: ``update(card)`` sends it the card's bundle now."""

    def update(self, card: Any) -> None: ...


def _prints_updates() -> bool:
    """True where a display update is printed anew below what came before (a terminal IPython
    or a plain script: no kernel), rather than replacing an output in place."""
    from IPython import get_ipython

    return getattr(get_ipython(), "kernel", None) is None


class CardDisplay:
    """Display and refresh of a card (``JobCard``'s lock, traits and ``settled``)."""

    _printed: str | None = None  # where updates are printed: the card's text last printed
    _lock: threading.RLock
    _handle: Any
    _display_dirty: bool
    _mirrors: list[Mirror]
    cards: Any
    thumbs: Any
    simulator: Any

    if TYPE_CHECKING:

        @property
        def settled(self) -> bool: ...

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict, dict]:
        bundle: Any = super()._repr_mimebundle_(**kwargs)  # type: ignore[misc]
        metadata: dict = {}
        if isinstance(bundle, tuple):
            bundle, metadata = bundle
        data = dict(bundle or {})
        with self._lock:
            cards, thumbs = cast(list[CardState], list(self.cards)), dict(self.thumbs)
        roots = [c["job_id"] for c in cards if c["parent_key"] is None and c["job_id"]]
        data["text/html"] = _static.html(cards, thumbs, simulator=self.simulator, roots=roots)
        data["text/plain"] = _static.text(cards)
        first = cards[0] if cards else None
        root: dict[str, Any] = {n: first[n] if first else "" for n in ("job_id", "label")}
        # every top-level job: a saved card comes back to life from these (_revive.py)
        root["job_ids"] = roots
        metadata = {**metadata, "youchuan_nb": root}
        return saved_output(data), metadata

    def show(self) -> Self:
        """Display the card so it can be refreshed in place (static fallbacks included)."""
        from IPython.display import display

        # Under the lock: a job that settles while the bundle is made and sent must find the
        # handle set, or its refresh of the saved copy would be lost (the copy would keep the
        # images it had when shown). What is shown now is the current state.
        with self._lock:
            self._display_dirty = False
            self._printed = _static.text(list(self.cards)) if _prints_updates() else None
            self._handle = display(self, display_id=True)
        return self

    def _update_handle(self) -> None:
        # A terminal prints every update as new lines (a late one lands in the middle of later
        # output): there, an update that says nothing new is not sent.
        if self._handle is None:
            return
        if self._printed is not None:
            text = _static.text(list(self.cards))
            if text == self._printed:
                return
            self._printed = text
        self._handle.update(self)

    def refresh_output(self) -> None:
        """Re-publish the output now (from the cell's own thread), static fallbacks included."""
        if self._handle is not None:
            self._display_dirty = False
            self._update_handle()
        for mirror in list(self._mirrors):
            mirror.update(self)

    def add_mirror(self, mirror: Mirror) -> None:
        """Keep ``mirror`` (another output of this card) refreshed from now on."""
        with self._lock:
            self._mirrors.append(mirror)

    def remove_mirror(self, mirror: Mirror) -> None:
        with self._lock:
            if mirror in self._mirrors:
                self._mirrors.remove(mirror)

    def _refresh_display(self, *, new_job: bool = False) -> None:
        # Refresh the saved output (text/html fallback) once things settle, so a saved notebook
        # shows results; in headless runs the cell blocks and displays the final state instead.
        # ``new_job``: a job id is known now; the saved output must name it even while the job
        # runs, so a kernel can bring the saved card back (and poll that job) after a restart.
        with self._lock:
            mirrors = list(self._mirrors)
            if new_job:
                self._display_dirty = True
            if self._handle is None and not mirrors:
                return
            if not self._display_dirty or not (new_job or self.settled):
                return
            self._display_dirty = False
        try:
            self._update_handle()
        except Exception:
            pass
        for mirror in mirrors:
            try:
                mirror.update(self)
            except Exception:
                pass
