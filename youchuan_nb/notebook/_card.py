"""The job card: one anywidget per job tree (a job and every follow-up made from its card).

Python owns the state (``cards``, ``thumbs``, ``simulator`` traits); ``static/card.js`` only
renders it and sends messages for clicks. So a re-render, a second view, or a saved widget
state shows the same thing. Full-resolution images and videos travel only on request, as binary
message buffers, never in the saved state.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from ..client import Job, YouchuanError
from ..i18n import strings, t
from ._card_actions import build_call, can_run_again, image_size, retry_call, use_cell, used_of
from ._card_display import CardDisplay
from ._card_media import CardMedia
from ._card_state import ENDED_STATUSES, CardState, Node, Status, card_state
from ._card_words import error_words
from ._session import Session, get_session, interactive_frontend

STATIC = Path(__file__).parent / "static"


def new_key() -> str:
    return uuid.uuid4().hex[:12]


log = logging.getLogger("youchuan_nb")


class JobCard(CardDisplay, anywidget.AnyWidget, CardMedia):
    """A live card for a job and its follow-ups."""

    _esm = STATIC / "card.js"
    _css = STATIC / "card.css"

    cards = traitlets.List(traitlets.Dict()).tag(sync=True)
    thumbs = traitlets.Dict().tag(sync=True)
    simulator = traitlets.Bool(False).tag(sync=True)
    #: the front end's fixed texts in the card's language (``i18n`` ids "card.js.*")
    strings = traitlets.Dict().tag(sync=True)

    def __init__(self, session: Session | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._session = session or get_session()
        self.simulator = self._session.simulator
        self.strings = strings("card.js.")
        self._nodes: dict[str, Node] = {}
        self._order: list[str] = []
        self._lock = threading.RLock()
        self._handle = None
        self._display_dirty = False
        self._mirrors = []  # revived outputs of this card (_card_display.py)
        self._finished = threading.Condition(self._lock)
        self.on_msg(self._on_msg)
        self._session.cards.append(self)

    # -- building the tree ------------------------------------------------------------------
    @property
    def root(self) -> Node | None:
        return self._nodes[self._order[0]] if self._order else None

    @property
    def jobs(self) -> list[Job]:
        return [n.job for n in self._nodes.values() if n.job is not None]

    def node_for_job(self, job_id: str) -> Node | None:
        for node in self._nodes.values():
            if node.job is not None and node.job.id == job_id:
                return node
        return None

    def _add_node(self, node: Node) -> Node:
        with self._lock:
            self._nodes[node.key] = node
            self._order.append(node.key)
        return node

    @classmethod
    def imagine(cls, prompt: str, session: Session | None = None) -> JobCard:
        """A card that submits ``prompt`` as a grid in the background (as ``%%imagine`` does)."""
        card = cls(session)
        client = card._session.client
        card.submit(
            "diffusion",
            lambda: client.diffusion(prompt),
            params={"text": prompt},
            prompt=prompt,
        )
        return card

    def add_job(self, job: Job, parent_key: str | None = None) -> Node:
        """Show an existing job (and follow its progress)."""
        node = Node(new_key(), action=job.action, params=job.params, parent_key=parent_key)
        node.started = job.submitted_at
        self._add_node(node)
        self._attach(node, job)
        return node

    def submit(
        self,
        action: str,
        call,
        *,
        params: dict,
        parent_key: str | None = None,
        label: str = "",
        prompt: str = "",
        request: tuple | None = None,
    ) -> Node:
        """Add a node at once and submit ``call()`` in the background (it may wait for a slot)."""
        node = Node(new_key(), action=action, params=params, parent_key=parent_key, label=label)
        node.prompt, node.request, node.retry = prompt, request, call
        parent = self._nodes.get(parent_key or "")
        node.parent_id = parent.job.id if parent is not None and parent.job is not None else None
        client = self._session.client
        if client.free_slots() <= 0:
            node.state = "waiting"
            node.words = lambda c=client: (t("card.msg.waiting_slot", max=c.max_concurrent), "")
        self._add_node(node)
        self._sync()
        self._session.run_in_background(self._run_submit, node, call)
        return node

    def add_unknown(self, action: str, params: dict, words, *, since: float, **kw: Any) -> Node:
        """Show a request whose job may exist (an earlier submit lost its answer), in state
        unknown; nothing is sent. ``words()`` gives its (message, detail)."""
        node = Node(new_key(), action=action, params=params, **kw)
        node.state, node.words, node.started, node.ended = "unknown", words, since, time.time()
        self._add_node(node)
        self._sync(final=True)
        return node

    def _run_submit(self, node: Node, call) -> None:
        try:
            job = call()
        except YouchuanError as exc:
            self._never_made(
                node, "unknown" if getattr(exc, "maybe_created", False) else "refused", exc
            )
        except ValueError as exc:
            self._never_made(node, "refused", exc)
        except Exception as exc:  # never let a background failure vanish silently
            self._never_made(node, "unknown", exc)
        else:
            # The output names the new job before the front end shows its id (the widget's
            # state is held until the display update is out): a save made once the id shows
            # keeps it, so a later kernel can bring this card back and poll the job.
            with self._lock, self.hold_sync():
                self._attach(node, job)
                self._refresh_display(new_job=True)

    def _never_made(self, node: Node, state: Status, exc: Exception) -> None:
        node.state, node.message, node.ended = state, str(exc), time.time()
        node.words = lambda e=exc: error_words(e)  # in the language of each new sync
        self._sync(final=True)

    def _attach(self, node: Node, job: Job) -> None:
        node.job = job
        node.message, node.words = "", None  # e.g. the wait for a slot: over once the job exists
        node.label = job.label
        node.prompt = job.text
        job.on_change(lambda j, n=node: self._job_changed(n))
        self._session.tracker.track(job)
        self._job_changed(node)

    def _job_changed(self, node: Node) -> None:
        job = node.job
        if job is None:
            return
        if job.done and node.ended is None:
            node.ended = job.finished_at or time.time()
            if job.ok:
                self._session.run_in_background(self._load_media_safely, node, pool="media")
                self._sync()
                return
            self._sync(final=True)
            return
        self._sync()

    # -- state for the front end ------------------------------------------------------------
    def _state(self, node: Node) -> CardState:
        used = [u for n in self._nodes.values() if n.parent_key == node.key for u in used_of(n)]
        return card_state(
            node,
            expected=self._session.client.expected_seconds(node.action),
            used=used,
            retry=node.retried is None and self._retry_call(node) is not None,
            rerun=node.parent_key is None and node.job is not None and can_run_again(node.job),
        )

    def _sync(self, final: bool = False) -> None:
        # ``final``: the saved copy is refreshed before the widget's state goes out (held), so
        # a save made once the card shows its jobs ended keeps them (as in _run_submit)
        with self._lock, self.hold_sync() if final else contextlib.nullcontext():
            self.strings = strings("card.js.")  # the language may have changed: new output
            self.cards = [dict(self._state(self._nodes[k])) for k in self._order]
            if final:
                self._display_dirty = True
                self._refresh_display()
            self._finished.notify_all()

    @property
    def settled(self) -> bool:
        """True when no job in the tree is still on its way."""
        with self._lock:
            for card in self.cards:
                if card["status"] not in ENDED_STATUSES:
                    return False
            return bool(self.cards)

    def wait(self, timeout: float = 900.0) -> JobCard:
        """Block until every job in the card has ended (used for headless runs and --wait)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while not self.settled:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._finished.wait(min(remaining, 0.5))
        return self

    def wait_for_job(self, timeout: float = 300.0) -> Job | None:
        """Block until the root submission has a job (or failed to submit); return the job."""
        deadline = time.monotonic() + min(timeout, 300.0)
        with self._lock:
            while (
                self.root is not None
                and self.root.job is None
                and self.root.state in ("submitting", "waiting")
            ):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._finished.wait(remaining)  # every _sync() notifies
        return self.root.job if self.root is not None else None

    # -- messages from the front end -------------------------------------------------------
    def _on_msg(self, _widget: Any, content: dict, buffers: list) -> None:
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        if kind == "ping":  # a view checking that a live kernel stands behind it
            self.send({"type": "pong", "rid": content.get("rid")})
        elif kind == "action":
            self._on_action(content)
        elif kind == "media":
            self._session.run_in_background(self._send_media, content, pool="media")

    def _ack(self, rid: Any, ok: bool, error: str = "", **extra: Any) -> None:
        self.send({"type": "ack", "rid": rid, "ok": ok, "error": error, **extra})

    def _on_action(self, msg: dict) -> None:
        rid = msg.get("rid")
        try:
            if msg.get("action") == "use":
                # a widget message cannot create a cell (set_next_input only travels with an
                # execute reply), so the front end copies the cell's text to the clipboard
                node = self._nodes.get(str(msg.get("key")))
                if node is None or node.job is None or not node.job.ok:
                    raise ValueError(t("card.err.not_finished"))
                self._ack(rid, True, copy=use_cell(node.job, int(msg.get("index") or 0)))
                return
            if msg.get("action") in ("retry", "rerun"):
                key = str(msg.get("key"))
                self.retry(key) if msg.get("action") == "retry" else self.run_again(key)
                self._ack(rid, True)
                return
            self.perform(
                str(msg.get("key")),
                str(msg.get("action")),
                msg.get("index"),
                msg.get("params") or {},
            )
        except (ValueError, YouchuanError, KeyError, TypeError) as exc:
            self._ack(rid, False, str(exc.args[0]) if isinstance(exc, KeyError) else str(exc))
            return
        except Exception as exc:  # never leave the button waiting for an answer
            log.warning("youchuan_nb: card action failed: %r", exc)
            self._ack(rid, False, t("card.err.failed_action", error=exc))
            return
        self._ack(rid, True)

    def perform(self, key: str, action: str, index: int | None, params: dict) -> Node | None:
        """Run a card button: submit the follow-up job and add its node under ``key``."""
        node = self._nodes.get(key)
        if node is None or node.job is None:
            raise KeyError(t("card.err.no_job"))
        job = node.job
        if not job.ok:
            raise ValueError(t("card.err.not_finished"))
        index = None if index is None else int(index)
        if action == "use":
            self._use_as_prompt(job, index or 0)
            return None
        request = (key, action, index, repr(sorted(params.items())))
        with self._lock:
            for other in self._nodes.values():
                # a double click, or the same click again while it runs, submits once
                if (
                    other.request == request
                    and other.state not in ("refused", "unknown")
                    and (other.job is None or not other.job.done)
                ):
                    return other
        call, spec = build_call(job, action, index, params, self)
        assert spec.endpoint is not None  # build_call only answers for endpoints
        child = self.submit(
            spec.endpoint,
            call,
            params={"action": action, **params},
            parent_key=key,
            prompt=params.get("prompt") or job.text,
            request=request,
        )
        child.click = (action, index, dict(params))
        child.label_words = lambda: spec.label(index, params, job)
        self._sync()
        return child

    def _retry_call(self, node: Node) -> Any:
        parent = self._nodes.get(node.parent_key or "")
        return retry_call(node, self._session.client, parent.job if parent else None, self)

    def retry(self, key: str) -> Node:
        """Submit a failed job's request again, once: one new job, next to the failed one."""
        with self._lock:
            node = self._nodes.get(key)
            call = self._retry_call(node) if node is not None else None
            if node is None or call is None:
                raise ValueError(t("card.err.no_retry"))
            if node.retried is not None:  # a second click: the retry is already made
                return self._nodes[node.retried]
            new = self.submit(
                node.action,
                call,
                params=node.params,
                parent_key=node.parent_key,
                prompt=node.prompt,
                request=None,
            )
            node.retried = new.key
        new.click, new.label_words = node.click, node.label_words
        self._sync()
        return new

    def run_again(self, key: str) -> Node:
        """ "Run again": one new job of the request of the top-level job ``key`` (a grid, or a
        video from a prompt alone; as its cell with ``--new``), shown below the card's jobs; a
        second click while it is on its way submits nothing more."""
        node = self._nodes.get(key)
        if node is None or node.job is None or node.parent_key is not None:
            raise KeyError(t("card.err.no_job"))
        request = (key, "rerun", None, "")
        with self._lock:
            for other in self._nodes.values():
                on_its_way = other.job is None or not other.job.done
                ended = other.state in ("refused", "unknown")
                if other.request == request and on_its_way and not ended:
                    return other
        call, _ = build_call(node.job, "rerun", None, {}, self)
        return self.submit(
            node.job.action,
            call,
            params=dict(node.job.params),
            prompt=node.prompt or node.job.text,
            request=request,
            label=node.label or node.job.label,
        )

    # CallContext (what _card_actions may ask of the card)
    def new_grid(self, prompt: str) -> Job:
        return self._session.client.diffusion(prompt)

    def new_video(self, prompt: str, video_type: Any) -> Job:
        return self._session.client.video_diffusion(prompt=prompt, video_type=video_type)

    def check_request(self, ep_name: str, fields: dict[str, Any], parent: Job) -> Any:
        return self._session.client.check_request(ep_name, fields, parent)

    def output_size(self, job: Job, index: int) -> tuple[int, int]:
        node = self.node_for_job(job.id)
        return image_size(job, index, node.outputs if node is not None else [])

    def _use_as_prompt(self, job: Job, index: int) -> None:
        from IPython import get_ipython

        text = use_cell(job, index)
        shell = get_ipython()
        if shell is not None:  # works when called from a cell (perform() by code)
            shell.set_next_input(text, replace=False)


def show_job(job: Job, session: Session | None = None) -> JobCard:
    """Display a card for ``job`` (with the follow-ups this session made from it)."""
    session = session or get_session()
    card = JobCard(session)
    node = card.add_job(job)

    def add_children(parent: Job, parent_key: str) -> None:
        for child in parent.children:
            n = card.add_job(child, parent_key)
            add_children(child, n.key)

    add_children(job, node.key)
    card.show()
    if not interactive_frontend():
        card.wait(session.settings.timeout)
        card.refresh_output()
    return card
