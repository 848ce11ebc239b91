"""Re-running never pays twice by accident.

A magic that makes a job first looks for the same request (endpoint and body, on the same
service) made before: in this kernel (the card that made it) or, after a restart, in the job
store, finished or still running. If it finds one it shows that job with its follow-ups, from
the store's parent links, instead of submitting; ``--new`` skips the look-up.

If it finds none but an earlier submit of the same request lost its answer (a dropped
connection, a killed kernel), the job may exist and be billed: the re-run sends nothing and
says so (a line and a card in state unknown); ``--new`` sets those records aside and submits.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..i18n import t

if TYPE_CHECKING:  # pragma: no cover
    from ..client import Client, Job, JobRecord
    from ._card import JobCard
    from ._session import Session


@dataclass
class Found:
    card: JobCard
    node: Any  # the card's node for the job found
    since: float  # when the job was submitted (epoch seconds)


def request_key(endpoint: str, body: dict) -> tuple[str, str]:
    return endpoint, json.dumps(body, sort_keys=True, ensure_ascii=False)


def remember(session: Session, endpoint: str, body: dict, card: JobCard, node: Any) -> None:
    """Note the card (and its node) that submitted this request in this kernel."""
    session.in_cell[request_key(endpoint, body)] = (card, node)


def find(session: Session, endpoint: str, body: dict, parent: Job | None = None) -> Found | None:
    """The job this request made before, on the card that made it in this kernel, or on a new
    card with its follow-ups from the store; None if there is none (or it failed)."""
    previous = session.in_cell.get(request_key(endpoint, body))
    if previous is not None:
        card, node = previous
        if not _gave_nothing(node):
            return Found(card, node, node.started)
    found = find_job(session, endpoint, body)
    if found is None:
        return None
    job, since = found
    card = tree_card(session, job, parent=parent)
    node = card.node_for_job(job.id)
    remember(session, endpoint, body, card, node)
    return Found(card, node, since)


def find_job(session: Session, endpoint: str, body: dict) -> tuple[Job, float] | None:
    """The job the store recorded for this request (finished or in flight) and when it was
    submitted, or None.

    A simulator's address changes from one kernel to the next (a new port), so for a simulator
    client every loopback record counts; the job is used only if this simulator answers for it.
    """
    from ..contract import is_loopback_url

    client = session.client
    if client.store is None:
        return None
    if client.is_simulator:
        records: Iterable[JobRecord] = (
            r
            for r in client.store.find(endpoint, body, base_url=None)
            if r.base_url == client.base_url or is_loopback_url(r.base_url)
        )
    else:
        records = client.store.find(endpoint, body, base_url=client.base_url)
    # the newest few: an older one is rarely alive when these are not
    for rec in itertools.islice(records, 3):
        if rec.job_id is None:
            continue
        job = _lookup(client, rec.job_id, in_flight=rec.state != "finished")
        if job is not None and not job.failed:
            return job, rec.created_at
    return None


def _gave_nothing(node: Any) -> bool:
    """True if the earlier submission ended without a usable job (refused, failed, unknown)."""
    if node is None:
        return True
    if node.job is None:
        return node.state not in ("submitting", "waiting")
    return bool(node.job.failed)


def _lookup(client: Client, job_id: str, *, in_flight: bool) -> Job | None:
    """The job from the service, or as stored if the service no longer answers for it.

    A job the built-in simulator has forgotten (it keeps nothing across restarts) is not
    reused: its follow-ups would fail, and a simulated job costs nothing to make again."""
    from ..client import APIConnectionError, NotFoundError

    try:
        return client.job(job_id, from_store=False)
    except NotFoundError:
        return None if client.is_simulator else client.job_from_store(job_id)
    except APIConnectionError:
        return None if in_flight and client.is_simulator else client.job_from_store(job_id)


def tree_card(
    session: Session, job: Job, *, parent: Job | None = None, card: JobCard | None = None
) -> JobCard:
    """A card for ``job`` (under ``parent`` if given) and every follow-up under it: this
    session's and, after a restart, those the job store's parent links name
    (``client.tree``, no request). With ``card``, the tree is added to it (below what it has)."""
    from ._card import JobCard

    card = card if card is not None else JobCard(session)
    keys: list[str] = [card.add_job(parent).key] if parent is not None else []
    base = len(keys)
    for node_job, depth in session.client.tree(job):
        del keys[base + depth :]  # back up to this job's parent
        parent_key = keys[-1] if keys else None
        keys.append(card.add_job(node_job, parent_key).key)
    return card


def show_tree(job: Job, session: Session | None = None) -> JobCard:
    """Display ``job`` with its follow-ups (a headless run waits for them to end)."""
    from ._session import get_session, interactive_frontend

    session = session or get_session()
    card = tree_card(session, job).show()
    if not interactive_frontend():
        card.wait(session.settings.timeout)
        card.refresh_output()
    return card


def maybe_created(client: Client, endpoint: str, body: dict) -> list[JobRecord]:
    """Earlier submits of this request whose answer was lost, newest first: their job may exist
    on the service (and be billed). A store that cannot be read says nothing (it is logged)."""
    from ..client import YouchuanError

    try:
        return client.maybe_created(endpoint, body)
    except (YouchuanError, ValueError) as exc:
        logging.getLogger("youchuan_nb").warning("youchuan_nb: %s", exc)
        return []


def dismiss(client: Client, records: list[JobRecord]) -> None:
    """Set ``records`` aside (``--new``: the user chose to submit again anyway)."""
    from ..client import YouchuanError

    for rec in records:
        try:
            client.dismiss_maybe_created(rec)
        except YouchuanError as exc:  # a store that cannot be written must not stop the submit
            logging.getLogger("youchuan_nb").warning("youchuan_nb: %s", exc)


def lost_note(rec: JobRecord) -> str:
    """The one line a re-run prints instead of submitting over a job that may exist."""
    error = (rec.error or "").split(". ")[0].rstrip(".")
    error = re.sub(r"^[A-Z]+ /\S*: ", "", error)  # "POST /v1/tob/diffusion: ..."
    error = error if len(error) <= 160 else error[:159] + "…"
    error = error or t("rerun.no_answer")  # a "submitting" row of a process that was killed
    return t("rerun.maybe_created", time=_when(rec.created_at), error=error)


def _when(since: float) -> str:
    now, then = time.localtime(), time.localtime(since)
    return time.strftime("%H:%M" if then[:3] == now[:3] else "%Y-%m-%d %H:%M", then)


def note(since: float, count: int = 1) -> str:
    """The one line a re-run prints above the job(s) it shows (``count`` jobs, the oldest
    submitted at ``since``)."""
    if count > 1:
        return t("magics.rerun.many", n=count, time=_when(since))
    return t("magics.rerun.one", time=_when(since))
