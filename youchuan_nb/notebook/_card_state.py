"""What a card shows: the ``CardState`` schema and the projection of a tree node onto it.

``JobCard.cards`` is a list of ``CardState``, one per node, in tree order. ``static/card.js``
renders exactly this (its JSDoc ``CardState`` typedef mirrors the TypedDict below), and
``_static.py`` renders the same dicts as HTML and text for saved notebooks. The front end
decides nothing here: what is enabled, whether the node ended, which message shows and the
aspect ratio of its placeholders all come from :func:`card_state`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal, TypedDict

from ..client import Job
from ..contract import (
    ENDED_STATES,
    MAX_VIDEO_EXTENSIONS,
    expected_outputs,
    is_video_endpoint,
    is_video_name,
    parse_prompt,
)
from ..i18n import has, t
from ._card_actions import action_states
from ._card_words import failure, job_label
from ._local_pictures import InputPicture, input_pictures, shown_prompt

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


class UsedAction(TypedDict):
    """A follow-up already made from this node: its click (``index`` None for the grid)."""

    action: str  # the card action ("upscale", "vary", ...)
    index: int | None
    params: dict[str, Any]  # the click's params that tell buttons apart (type, strong, ...)


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
    status_text: str  # the status in words, in the card's language
    ended: bool  # the status is final (one of ENDED_STATUSES)
    message: str  # what to say under the header; "" when there is nothing to show
    detail: str  # the technical side of the message (HTTP status and reason); "" if none
    started: float  # epoch seconds
    ended_at: float | None  # epoch seconds, once ended
    expected: float | None  # how long such a job usually takes, seconds (None: unknown)
    kind: Kind
    aspect: float  # width / height of the placeholders (from the prompt's --ar)
    outputs: list[OutputState]  # empty until the results are loaded
    actions: dict[str, str]  # per-output button key -> why disabled ("" enabled); absent: none
    grid_actions: dict[str, str]  # header buttons (reroll, retry, rerun), likewise
    used: list[UsedAction]  # follow-ups already made from it (their buttons ask before paying)
    extensions: int  # video lineage: extend steps so far
    max_extensions: int
    inputs: list[InputPicture]  # the local pictures the prompt names (thumbnails; top nodes)


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
        self.detail = ""  # its technical detail
        # the message and detail in the current language (set with the news; wins over message)
        self.words: Callable[[], tuple[str, str]] | None = None
        self.label_words: Callable[[], str] | None = None  # the label until a job exists
        self.parent_id: str | None = None  # the job this follow-up is made from
        self.retry: Callable[[], Job] | None = None  # the call that made it (for Retry)
        self.retried: str | None = None  # the key of the node its Retry made
        self.click: tuple[str, int | None, dict] | None = None  # the card click that made it
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
        trouble = t(
            "card.msg.downloads",
            missing=len(missing),
            total=len(urls),
            which=", ".join(map(str, missing)),
            id=job.id,
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


def _news(node: Node) -> tuple[str, str]:
    return node.words() if node.words is not None else (node.message, node.detail)


def message_of(node: Node, status: Status) -> tuple[str, str]:
    """(message, detail) under the header, in the current language."""
    job = node.job
    if job is None:
        return _news(node) if status in ("waiting", "refused", "unknown") else ("", "")
    if job.failed:
        return failure(job.comment), ""
    if not job.done:
        if not job.poll_error:
            return "", ""  # e.g. the slot it waited for: old news once the job exists
        error = job.poll_error.rstrip(".。")  # the template ends the sentence
        if job.poll_gave_up:
            return t("card.msg.poll_gave_up", error=error, id=job.id), ""
        return t("card.msg.poll_retrying", error=error), ""
    return _news(node)  # results that could not be downloaded


def kind_of(node: Node) -> Kind:
    job = node.job
    if is_video_endpoint(node.action) or (job is not None and job.is_video):
        return "video"
    if job is not None and job.ok and job.urls:
        # what came back decides: an 8.1 HD upscale answers with 4 images, a numbered grid
        return "single" if len(job.urls) == 1 else "grid"
    if expected_outputs(node.action) == 1:
        return "single"
    return "grid"


def model_label(model: str) -> str:
    return f"v{model}" if model[:1].isdigit() else model


def model_of(node: Node, prompt_model: str) -> str:
    """The model that made the job (a v7 upscale is v7); none for text-to-video (no model)."""
    job = node.job
    if job is None:
        action, parent = node.action, node.parent_id
        return "" if action == "video_diffusion" and not parent else model_label(prompt_model)
    if job.action == "video_diffusion" and not job.parent_id:
        return ""
    return model_label(job.facts().model)


def label_of(node: Node) -> str:
    job = node.job
    if job is not None:
        return job_label(job.action, job.params, job.parent_id)
    if node.label_words is not None:
        return node.label_words()
    if has(f"card.op.{node.action}"):
        return job_label(node.action, node.params, node.parent_id)
    return node.label or node.action


def card_state(
    node: Node,
    *,
    expected: float | None,
    used: list[UsedAction] | None = None,
    retry: bool = False,
    rerun: bool = False,
) -> CardState:
    """What the card shows for ``node`` (``expected``: the usual duration of its action;
    ``used``: the follow-ups made from it; ``retry``: a failed job that can be made again;
    ``rerun``: a top-level job whose request can be made again, "Run again")."""
    status = status_of(node)
    kind = kind_of(node)
    job = node.job
    actions: dict[str, str] = {}
    grid_actions: dict[str, str] = {}
    if job is not None and job.ok:
        actions, grid_actions = action_states(job, kind == "video")
    if retry and status == "failed":
        grid_actions["retry"] = ""
    if rerun and status == "finished":
        grid_actions["rerun"] = ""
    written = shown_prompt(node.prompt or "")  # local paths as written, not their URLs
    prompt = parse_prompt(written)
    width, height = prompt.aspect
    ended = status in ENDED_STATUSES
    message, detail = message_of(node, status)
    return {
        "key": node.key,
        "job_id": job.id if job else "",
        "parent_key": node.parent_key,
        "label": label_of(node),
        "prompt": " ".join(prompt.images + ([prompt.text] if prompt.text else [])),
        "chips": list(prompt.chips),
        "model": model_of(node, prompt.model),
        "status": status,
        "status_text": t(f"card.status.{status}"),
        "ended": ended,
        "message": message,
        "detail": detail,
        "started": node.started,
        "ended_at": node.ended if ended else None,
        "expected": expected,
        "kind": kind,
        "aspect": width / height,
        "outputs": list(node.outputs) if node.media_ready else [],
        "actions": actions,
        "grid_actions": grid_actions,
        "used": list(used or []),
        "extensions": job.facts().extensions if job is not None else 0,
        "max_extensions": MAX_VIDEO_EXTENSIONS,
        "inputs": input_pictures(written) if node.parent_key is None else [],
    }
