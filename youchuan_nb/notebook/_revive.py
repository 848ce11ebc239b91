"""Saved cards come back to life in a new kernel, once ``%load_ext youchuan_nb`` has run.

A saved card's output keeps its top-level job ids (``metadata.youchuan_nb.job_ids``, and
``data-yc-jobs`` on the saved copy). The package's JupyterLab extension (``labextension/``)
shows the saved copy when the card's widget model is gone; with a kernel it then asks this
module, on a comm to the target ``youchuan_nb.revive``, for a live card of those jobs:

1. ``%load_ext`` registers the target and opens one comm ``youchuan_nb.ready`` to the front
   end, which stays open: a front end that was there sees it arrive, one that comes later
   (a page reload) finds it with a ``comm_info`` request. Either way it knows the kernel can
   revive, and never asks a kernel that cannot.
2. For each saved card the front end opens a ``youchuan_nb.revive`` comm with ``job_ids``.
   The kernel builds a live ``JobCard`` of those jobs and their follow-ups from the job store
   (``client.tree``; a job the store does not know is looked up by id), or takes the live card
   of this kernel that already shows them. Nothing is submitted: a job still running is polled
   again, as the card of any job is.
3. It answers ``{"type": "output", "data", "metadata"}``: the card's display bundle (the new
   widget model's view, a fresh saved copy). The front end puts it in place of the saved output,
   so the notebook's widget manager renders the live card there (its model came over the widget
   comm just before the answer), and the saved file gets the new copy.
4. The comm stays open: each time the card settles (a follow-up clicked on it finished), it
   sends the new bundle, so the saved copy keeps up. ``{"type": "error", "message"}`` says why
   a card cannot come back (the saved copy stays).

A sweep's comparison sheet (``_sweep.py``) comes back the same way: its output names its jobs
under ``sweep``, with ``prompts`` and ``values``; the front end sends those three, and the
kernel builds the sheet over a live card of each job.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from ..client import Job
    from ._card import JobCard
    from ._session import Session

TARGET = "youchuan_nb.revive"
READY = "youchuan_nb.ready"
MAX_JOBS = 64  # top-level jobs of one card (a permutation makes one card per job)

log = logging.getLogger("youchuan_nb")
_ready: Any = None  # the comm that says this kernel can revive cards


def register(ipython: Any) -> None:
    """Make this kernel answer revive requests and say so to the front end (``%load_ext``).
    Outside a kernel (a terminal IPython) there is no front end to answer: nothing is done."""
    global _ready
    kernel = getattr(ipython, "kernel", None)
    manager = getattr(kernel, "comm_manager", None)
    if manager is None:
        return
    import comm

    manager.register_target(TARGET, _on_open)
    if _ready is not None and not getattr(_ready, "_closed", True):
        return  # said already (a %reload_ext)
    _ready = comm.create_comm(target_name=READY, data={"version": 1})


def unregister(ipython: Any) -> None:
    global _ready
    manager = getattr(getattr(ipython, "kernel", None), "comm_manager", None)
    if manager is None:
        return
    manager.unregister_target(TARGET, _on_open)
    if _ready is not None:
        _ready.close()
        _ready = None


class CommMirror:
    """The revived output of a card: each update sends the card's bundle to the front end."""

    def __init__(self, comm: Any) -> None:
        self.comm = comm

    def update(self, card: Any) -> None:
        from ._session import WIDGET_VIEW

        data, metadata = card._repr_mimebundle_()
        # a front end that asked is live, whatever the kernel guesses (YOUCHUAN_NB_WAIT)
        data.setdefault(
            WIDGET_VIEW, {"version_major": 2, "version_minor": 1, "model_id": card.model_id}
        )
        self.comm.send({"type": "output", "data": data, "metadata": metadata})


def _job_ids(data: Any) -> list[str]:
    ids = data.get("job_ids") if isinstance(data, dict) else None
    if not isinstance(ids, list) or not ids or len(ids) > MAX_JOBS:
        raise ValueError(f"a revive request names 1 to {MAX_JOBS} job ids, not {ids!r:.80}")
    if not all(isinstance(i, str) and 0 < len(i) <= 200 for i in ids):
        raise ValueError(f"job ids are strings: {ids!r:.80}")
    return list(dict.fromkeys(ids))


def _sweep_request(data: dict) -> tuple[list[str], list[str], list[tuple[str, ...]]]:
    """The jobs, prompts and option values of a saved sheet, checked."""
    ids, prompts, values = data.get("sweep"), data.get("prompts"), data.get("values")
    if not isinstance(ids, list) or not 0 < len(ids) <= MAX_JOBS:
        raise ValueError(f"a saved sheet names 1 to {MAX_JOBS} jobs, not {ids!r:.80}")
    if not all(isinstance(i, str) and 0 < len(i) <= 200 for i in ids):
        raise ValueError("a job of the saved sheet was never made: run its cell again")
    if not isinstance(prompts, list) or len(prompts) != len(ids):
        raise ValueError("the saved sheet has no prompt for each job: run its cell again")
    if not isinstance(values, list) or len(values) != len(ids):
        raise ValueError("the saved sheet has no options for each job: run its cell again")
    if not all(isinstance(p, str) for p in prompts) or not all(
        isinstance(v, list) and all(isinstance(x, str) for x in v) for v in values
    ):
        raise ValueError("the saved sheet's prompts and options are not text")
    if len({len(v) for v in values}) != 1:
        raise ValueError("the saved sheet's jobs vary different numbers of options")
    return ids, prompts, [tuple(v) for v in values]


def revive_sweep(
    job_ids: list[str],
    prompts: list[str],
    values: list[tuple[str, ...]],
    session: Session | None = None,
) -> Any:
    """A live comparison sheet of ``job_ids`` (one cell per job, labelled from ``values``),
    each job with its live card (this kernel's, else one from the store). Submits nothing."""
    from ._sweep import SweepSheet

    cards = [revive([job_id], session) for job_id in job_ids]
    return SweepSheet(cards, prompts, values)


def _on_open(comm: Any, msg: dict) -> None:
    try:
        data = (msg.get("content") or {}).get("data")
        if isinstance(data, dict) and "sweep" in data:
            card: Any = revive_sweep(*_sweep_request(data))
        else:
            card = revive(_job_ids(data))
    except Exception as exc:  # the saved copy stays; say why to the front end and the log
        log.warning("youchuan_nb: a saved card cannot come back: %s", exc)
        comm.send({"type": "error", "message": str(exc)})
        comm.close()
        return
    mirror = CommMirror(comm)
    card.add_mirror(mirror)
    comm.on_close(lambda _msg: card.remove_mirror(mirror))
    mirror.update(card)


def revive(job_ids: list[str], session: Session | None = None) -> JobCard:
    """A live card of ``job_ids`` (top-level jobs, in order) with their follow-ups: this
    kernel's card that shows exactly them, else a new one from the job store. Submits nothing.
    """
    from ._rerun import tree_card
    from ._session import get_session

    session = session or get_session()
    for card in reversed(session.cards):
        if _top_level_ids(card) == job_ids:
            return card
    jobs = [_job(session, job_id) for job_id in job_ids]
    card = None
    for job in jobs:
        card = tree_card(session, job, card=card)
    assert card is not None  # job_ids is never empty
    return card


def _top_level_ids(card: JobCard) -> list[str]:
    return [c["job_id"] for c in card.cards if c["parent_key"] is None and c["job_id"]]


def _job(session: Session, job_id: str) -> Job:
    """The job as the store recorded it (no request; a running one is polled by its card), or
    from the service when the store does not know it."""
    client = session.client
    job = client.job_from_store(job_id)
    return job if job is not None else client.job(job_id)
