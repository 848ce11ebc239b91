"""The card's media: downloading a finished job's outputs into thumbnails, and sending a full
image or video to the front end on request (as a binary message buffer, never in the state).

A mixin of ``JobCard`` (it uses the card's session, lock, nodes and ``thumbs`` trait).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..contract import media_type
from ..i18n import t
from ._card_state import Node, results

if TYPE_CHECKING:
    from ._session import Session

log = logging.getLogger("youchuan_nb")


class CardMedia:
    """Downloads and media messages of a card."""

    _session: Session
    _lock: threading.RLock
    _nodes: dict[str, Node]
    thumbs: Any

    if TYPE_CHECKING:  # JobCard's (the widget) and anywidget's

        def _sync(self, final: bool = False) -> None: ...

        def send(self, content: dict, buffers: list | None = None) -> None: ...

    def _load_media_safely(self, node: Node) -> None:
        try:
            self._load_media(node)
        except Exception as exc:  # the card must still end, with the reason
            log.warning("youchuan_nb: loading results failed: %r", exc)
            node.words = lambda e=exc: (t("card.msg.load_failed", error=e), "")
            node.media_ready = True
            self._sync(final=True)

    def _load_media(self, node: Node) -> None:
        """Download the outputs and show each thumbnail as soon as it is made (in parallel);
        the node becomes "finished" once all of them are there."""
        job = node.job
        if job is None:
            return
        size = self._session.settings.thumbnail_size
        media = self._session.client.media
        urls = job.urls
        found: dict[int, tuple[Path | None, tuple[int, int]]] = {}
        try:
            for index, path, thumb, dims in media.fetch_thumbnails(job.id, urls, size):
                found[index] = (path, dims)
                if thumb is not None:
                    with self._lock:  # progressively: the card shows each one as it arrives
                        self.thumbs = {**self.thumbs, f"{node.key}/{index}": thumb}
        except Exception as exc:
            node.words = lambda e=exc: (t("card.msg.load_failed", error=e), "")
        if found:
            try:
                job.cached_paths()  # all cached by now: records them in the job store
            except Exception:
                pass
        node.outputs, _ = results(job, found)
        if node.words is None:  # the downloads that failed, said in the language of the day
            node.words = lambda j=job, f=dict(found): (results(j, f)[1], "")
        node.media_ready = True
        self._sync(final=True)

    def _send_media(self, msg: dict) -> None:
        rid = msg.get("rid")
        node = self._nodes.get(str(msg.get("key")))
        try:
            index = int(msg.get("index"))  # type: ignore[arg-type]  # bad input: answered below
            if node is None or node.job is None or not node.job.ok:
                raise ValueError(t("card.err.not_finished"))
            path = node.job.cached_paths()[index]
            if path is None:
                raise ValueError(t("card.err.not_local", n=index + 1))
            data = Path(path).read_bytes()
        except Exception as exc:
            self.send({"type": "media", "rid": rid, "mime": "", "error": str(exc)})
            return
        mime = media_type(path)
        self.send({"type": "media", "rid": rid, "mime": mime, "error": ""}, [data])
