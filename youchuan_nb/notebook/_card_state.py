"""What a card shows: the ``CardState`` schema and the projection of a tree node onto it.

``JobCard.cards`` is a list of ``CardState``, one per node, in tree order. ``static/card.js``
renders exactly this (its JSDoc ``CardState`` typedef mirrors the TypedDict below), and
``_static.py`` renders the same dicts as HTML and text for saved notebooks. The front end
decides nothing here: what is enabled, whether the node ended, which message shows and the
aspect ratio of its placeholders all come from :func:`card_state`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Literal, TypedDict

from ..client import Job
from ..contract import (
    ENDED_STATES,
    MAX_VIDEO_EXTENSIONS,
    comment_advice,
    expected_outputs,
    is_video_endpoint,
    is_video_name,
    parse_prompt,
)
from ._card_actions import action_states

#: A node's status: a submission on its way (submitting, waiting for a slot), the job's own
#: state (queued … failed), or the card's own ends: refused (the service said no before a job
#: existed) and unknown (we lost track: the submit may or may not have made a job, or polling
#: gave up).
Status = Literal[
    "submitting",
    "waiting",
    "queued",
    "running",
    "finishing",
    "finished",
    "failed",
    "refused",
    "unknown",
]
Kind = Literal["grid", "single", "video"]

#: Statuses after which a node never changes again.
ENDED_STATUSES: frozenset[str] = frozenset(ENDED_STATES | {"refused", "unknown"})


class OutputState(TypedDict):
    """One image or video of a finished job (its thumbnail is ``thumbs["<key>/<index>"]``)."""

    index: int
    rejected: bool  # moderation rejected it; ``audit`` says why
    audit: str
    width: int  # pixels of the full image; 0 for videos and when unknown
    height: int


class CardState(TypedDict):
    """One node of a card, as the front end and the static renderer see it."""

    key: str  # stable id of the node within the card
    job_id: str  # "" until the service has accepted the job
    parent_key: str | None  # the node this follow-up was made from
    label: str  # "Upscale (creative) of image 2 of job 1a2b3c4d"
    prompt: str  # image prompts and text, without the --flags
    chips: list[str]  # the --flags, one per chip ("--ar 3:2")
    model: str  # "v7", "niji 6", ...
    status: Status
    ended: bool  # the status is final (one of ENDED_STATUSES)
    message: str  # what to say under the header; "" when there is nothing to show
    started: float  # epoch seconds
    ended_at: float | None  # epoch seconds, once ended
    expected: float | None  # how long such a job usually takes, seconds (None: unknown)
    kind: Kind
    aspect: float  # width / height of the placeholders (from the prompt's --ar)
    outputs: list[OutputState]  # empty until the results are loaded
    actions: dict[str, str]  # per-output button key -> why disabled ("" enabled); absent: none
    grid_actions: dict[str, str]  # header buttons (reroll), likewise
    extensions: int  # video lineage: extend steps so far
    max_extensions: int


class Node:
    """One job in a card's tree: a submission on its way, or a Job."""

    def __init__(
        self,
        key: str,
        *,
        action: str,
        params: dict,
        parent_key: str | None = None,
        label: str = "",
        prompt: str = "",
    ) -> None:
        self.key = key
        self.action = action
        self.params = params
        self.parent_key = parent_key
        self.label = label
        self.prompt = prompt
        self.job: Job | None = None
        self.state: Status = "submitting"  # used until a Job exists
        self.message = ""  # the submission's own news (slot wait, refusal, download trouble)
        self.started = time.time()
        self.ended: float | None = None
        self.media_ready = False
        self.outputs: list[OutputState] = []
        self.request: tuple | None = None  # (key, action, index, params) for de-duplication


def results(
    job: Job, found: Mapping[int, tuple[Path | None, tuple[int, int]]]
) -> tuple[list[OutputState], str]:
    """A finished job's outputs from what was downloaded (``found``: index -> (path, (width,
    height))), and what to say about the downloads that failed ("" if none did)."""
    urls, audits = job.urls, job.audits
    missing = [i + 1 for i in range(len(urls)) if found.get(i, (None,))[0] is None]
    trouble = ""
    if missing:
        trouble = (
            f"{len(missing)} of {len(urls)} results could not be downloaded "
            f"(output {', '.join(map(str, missing))}); the service's links expire after a "
            "while: use %youchuan job <id> to try again soon after a job finishes."
        )
    outputs: list[OutputState] = []
    for i in range(len(urls) if found else 0):
        path, (width, height) = found.get(i, (None, (0, 0)))
        if path is None or is_video_name(str(path)):
            width = height = 0
        audit = audits[i] if i < len(audits) else ""
        outputs.append(
            {"index": i, "rejected": bool(audit), "audit": audit, "width": width, "height": height}
        )
    return outputs, trouble


def status_of(node: Node) -> Status:
    job = node.job
    if job is None:
        return node.state
    if job.poll_gave_up and not job.done:
        return "unknown"
    if job.ok and not node.media_ready:
        return "finishing"
    return job.state


def message_of(node: Node, status: Status) -> str:
    job = node.job
    if job is None:
        return node.message if status in ("waiting", "refused", "unknown") else ""
    if job.failed:
        words = job.reason or job.comment or "an unknown error"
        return f"The job failed: {words}. {comment_advice(job.comment)}"
    if not job.done:
        if not job.poll_error:
            return ""  # e.g. the slot it waited for: old news once the job exists
        if job.poll_gave_up:
            return (
                f"Stopped checking this job: {job.poll_error} Look it up later with "
                f"%youchuan job {job.id}."
            )
        return f"Can't check the job right now ({job.poll_error}); retrying."
    return node.message  # results that could not be downloaded


def kind_of(node: Node) -> Kind:
    job = node.job
    if is_video_endpoint(node.action) or (job is not None and job.is_video):
        return "video"
    if job is not None and job.ok and len(job.urls) == 1:
        return "single"
    if expected_outputs(node.action) == 1:
        return "single"
    return "grid"


def model_label(model: str) -> str:
    return f"v{model}" if model[:1].isdigit() else model


def card_state(node: Node, *, expected: float | None) -> CardState:
    """What the card shows for ``node`` (``expected``: the usual duration of its action)."""
    status = status_of(node)
    kind = kind_of(node)
    job = node.job
    actions: dict[str, str] = {}
    grid_actions: dict[str, str] = {}
    if job is not None and job.ok:
        actions, grid_actions = action_states(job, kind == "video")
    prompt = parse_prompt(node.prompt or "")
    width, height = prompt.aspect
    ended = status in ENDED_STATUSES
    return {
        "key": node.key,
        "job_id": job.id if job else "",
        "parent_key": node.parent_key,
        "label": node.label or node.action,
        "prompt": " ".join(prompt.images + ([prompt.text] if prompt.text else [])),
        "chips": list(prompt.chips),
        "model": model_label(job.model if job else prompt.model),
        "status": status,
        "ended": ended,
        "message": message_of(node, status),
        "started": node.started,
        "ended_at": node.ended if ended else None,
        "expected": expected,
        "kind": kind,
        "aspect": width / height,
        "outputs": list(node.outputs) if node.media_ready else [],
        "actions": actions,
        "grid_actions": grid_actions,
        "extensions": job.facts().extensions if job is not None else 0,
        "max_extensions": MAX_VIDEO_EXTENSIONS,
    }
