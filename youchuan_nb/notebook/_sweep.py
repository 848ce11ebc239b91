"""The comparison sheet of a sweep: the jobs of one permutation cell side by side.

``%%imagine a lighthouse --stylize {0, 250, 750} --seed 7`` shows one sheet: a cell per job with
the option as its label (a table for two groups, see ``_sweep_layout``), each cell the job's grid
as a live thumbnail, updated as the job runs and finishes. Clicking a cell opens that job's full
card under the sheet. Each job still has its own :class:`JobCard` (actions, follow-ups, re-runs
from the store); the sheet only watches them. Its static copy is a table of small thumbnails.
Its output metadata names the jobs under ``youchuan_nb.sweep`` (not ``job_ids``, which would make
one card of all its jobs), with the prompts and option values: from these a new kernel brings a
saved sheet back to life (``_revive``), each cell's job with its own live card.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets
import traitlets

from ..i18n import strings, t
from . import _sweep_layout
from ._session import saved_output

STATIC = Path(__file__).parent / "static"
THUMB_SIDE = 192  # the long side of a sheet cell's picture (the four images, 2 x 2)


def grid_thumb(images: Sequence[bytes], side: int = THUMB_SIDE) -> bytes:
    """The card's thumbnails of one job (JPEG bytes) as one picture: 2 x 2 (or one alone)."""
    from PIL import Image

    pics: list[Image.Image] = []
    for data in images:
        img = Image.open(io.BytesIO(data))
        img.load()
        pics.append(img.convert("RGB"))
    sheet: Image.Image
    if len(pics) == 1:
        sheet = pics[0]
    else:
        w, h = pics[0].size
        sheet = Image.new("RGB", (w * 2, h * ((len(pics) + 1) // 2)), (255, 255, 255))
        for i, pic in enumerate(pics):
            sheet.paste(pic.resize((w, h)), ((i % 2) * w, (i // 2) * h))
    sheet.thumbnail((side, side))
    out = io.BytesIO()
    sheet.save(out, format="JPEG", quality=82)
    return out.getvalue()


class SweepGrid(anywidget.AnyWidget):
    """The sheet itself: labels and live thumbnails (``static/sweep.js`` renders it)."""

    _esm = STATIC / "sweep.js"
    _css = STATIC / "sweep.css"

    sheet = traitlets.Dict().tag(sync=True)  # _sweep_layout.layout()
    cells = traitlets.List(traitlets.Dict()).tag(sync=True)
    thumbs = traitlets.Dict().tag(sync=True)  # str(cell index) -> JPEG bytes
    opened = traitlets.Int(-1).tag(sync=True)
    strings = traitlets.Dict().tag(sync=True)


class SweepSheet(ipywidgets.VBox):
    """The sheet and, under it, the card of the cell last clicked."""

    def __init__(
        self,
        cards: Sequence[Any],
        prompts: Sequence[str],
        values: Sequence[tuple[str, ...]],
        **kwargs: Any,
    ) -> None:
        self.grid = SweepGrid()
        super().__init__(children=[self.grid], **kwargs)
        self._cards = list(cards)
        self._prompts = list(prompts)
        self._values = [list(v) for v in values]
        self._mirrors: list[Any] = []  # revived outputs of this sheet (_revive.CommMirror)
        self._lock = threading.RLock()  # held while the sheet reads the cards (never by them)
        self._flag = threading.Lock()  # held only to set or read the two fields below
        self._dirty, self._updating = False, False
        self._composed: dict[int, tuple[tuple[int, ...], bytes]] = {}
        self._handle: Any = None
        self._published_settled = False
        layout = _sweep_layout.layout(prompts, values)
        self._labels = _labels(layout, len(prompts))
        self.grid.strings = strings("sweep.js.")
        self.grid.sheet = layout
        self.grid.on_msg(self._on_msg)
        for card in self._cards:
            card.observe(self._card_changed, names=["cards", "thumbs"])
        self.update()

    # -- following the cards -----------------------------------------------------------------
    def _cell(self, index: int) -> dict[str, Any]:
        card = self._cards[index]
        root = card.cards[0] if card.cards else None
        status = root["status"] if root else "submitting"
        return {
            "index": index,
            "label": self._labels[index],
            "prompt": self._prompts[index],
            "status": status,
            "status_text": root.get("status_text", "") if root else t("sweep.submitting"),
            "job_id": (root.get("job_id") or "") if root else "",
        }

    def _thumb(self, index: int) -> bytes | None:
        card = self._cards[index]
        cards, thumbs = list(card.cards), dict(card.thumbs)
        root = cards[0] if cards else None
        if root is None:
            return None
        keys = [f"{root['key']}/{out['index']}" for out in root["outputs"]]
        images = [thumbs[k] for k in keys if k in thumbs]
        if not images:
            return None
        sig = tuple(hash(b) for b in images)
        done = self._composed.get(index)
        if done is None or done[0] != sig:
            done = (sig, grid_thumb(images))
            self._composed[index] = done
        return done[1]

    def _card_changed(self, _change: Any = None) -> None:
        """A card changed (in its own thread, holding its lock): update the sheet from a thread
        of the sheet's, so no thread ever waits for one card's lock while holding another's."""
        with self._flag:
            self._dirty = True
            if self._updating:
                return
            self._updating = True
        threading.Thread(target=self._update_loop, name="youchuan-sweep", daemon=True).start()

    def _update_loop(self) -> None:
        while True:
            with self._flag:
                if not self._dirty:
                    self._updating = False
                    return
                self._dirty = False
            try:
                self.update()
            except Exception:  # a card closed under us: the next change tries again
                pass

    def update(self) -> None:
        """Read every card now and show what they hold (labels, status, thumbnails)."""
        with self._lock:
            # settled first: the cells read after it are at least as new (a card that settles
            # in between is read settled), so the copy published is never an older state
            settled = self.settled
            cells = [self._cell(i) for i in range(len(self._cards))]
            thumbs = dict(self.grid.thumbs)
            for i in range(len(self._cards)):
                thumb = self._thumb(i)
                if thumb is not None:
                    thumbs[str(i)] = thumb
            changed = thumbs != self.grid.thumbs or cells != self.grid.cells
            if thumbs != self.grid.thumbs:
                self.grid.thumbs = thumbs
            if cells != self.grid.cells:
                self.grid.cells = cells
            # once settled, and again whenever a settled sheet still changes (a late thumbnail)
            publish = settled and (changed or not self._published_settled)
            self._published_settled = self._published_settled or publish
        if publish:
            self.refresh_output()  # a saved notebook keeps the finished sheet

    @property
    def settled(self) -> bool:
        return all(card.settled for card in self._cards)

    @property
    def cards(self) -> list[Any]:
        return list(self._cards)

    def open_cell(self, index: int) -> None:
        """Show the full card of cell ``index`` under the sheet (again: close it)."""
        if not 0 <= index < len(self._cards) or self.grid.opened == index:
            self.grid.opened = -1
            self.children = [self.grid]
            return
        self.grid.opened = index
        self.children = [self.grid, self._cards[index]]

    def _on_msg(self, _widget: Any, content: Any, _buffers: list) -> None:
        if isinstance(content, dict) and content.get("type") == "open":
            index = content.get("index")
            if isinstance(index, int):
                self.open_cell(index)

    # -- display -----------------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict, dict]:
        bundle: Any = super()._repr_mimebundle_(**kwargs)
        metadata: dict = {}
        if isinstance(bundle, tuple):
            bundle, metadata = bundle
        data = dict(bundle or {})
        with self._lock:
            sheet, cells, thumbs = (
                dict(self.grid.sheet),
                list(self.grid.cells),
                dict(self.grid.thumbs),
            )
        data["text/html"] = _sweep_layout.html(sheet, cells, thumbs)
        data["text/plain"] = _sweep_layout.text(sheet, cells)
        ids = [c["job_id"] for c in cells]
        facts = {"sweep": ids, "prompts": list(self._prompts), "values": self._values}
        return saved_output(data), {**metadata, "youchuan_nb": facts}

    def show(self) -> SweepSheet:
        from IPython.display import display

        self._handle = display(self, display_id=True)
        return self

    def refresh_output(self) -> None:
        if self._handle is not None:
            try:
                self._handle.update(self)
            except Exception:  # a closed front end: the live sheet is all there is
                pass
        for mirror in list(self._mirrors):
            try:
                mirror.update(self)
            except Exception:
                pass

    def add_mirror(self, mirror: Any) -> None:
        """Keep ``mirror`` (a revived output of this sheet) refreshed from now on."""
        self._mirrors.append(mirror)

    def remove_mirror(self, mirror: Any) -> None:
        if mirror in self._mirrors:
            self._mirrors.remove(mirror)


def _labels(layout: dict[str, Any], count: int) -> list[str]:
    labels = [""] * count
    for r, row in enumerate(layout["grid"]):
        for c, index in enumerate(row):
            if index is None:
                continue
            parts = [layout["rows"][r], layout["cols"][c]]
            labels[index] = " · ".join(p for p in parts if p)
    return labels
