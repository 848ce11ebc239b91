"""What is true of a job: its facts, how a follow-up's facts follow from its parent's, its state.

The client and the simulator both derive a job's facts here, from the same inputs (the endpoint,
the request body and the parent's facts), so what the card offers and what the service accepts
cannot drift apart. :func:`youchuan_nb.contract.refusal` judges these facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from .endpoints import ENDPOINTS, PROMPT_FIELDS
from .errors import STATUS_FAILED, STATUS_NAMES, STATUS_SUCCESS
from .prompt import DEFAULT_MODEL, parse_prompt

#: How many outputs a job of each endpoint makes when its prompt says nothing else.
#: Single-image results: upscale (except v8.1, which gives 4 HD images), remove-background,
#: enhance; a video job from a prompt or image makes ``--bs`` videos (default 4).
SINGLE_OUTPUT = frozenset(
    {"upscale", "remove_background", "enhance", "extend_video", "video_upscale"}
)
#: Endpoints whose jobs allow only upscale as a follow-up (documented for upload-paint and
#: retexture).
ONLY_UPSCALE_AFTER = frozenset({"upload_paint", "retexture"})
MAX_VIDEO_EXTENSIONS = 4

JobState = Literal["queued", "running", "finishing", "finished", "failed"]


def is_video_endpoint(action: str) -> bool:
    ep = ENDPOINTS.get(action)
    return ep is not None and ep.kind == "video"


@dataclass(frozen=True)
class JobFacts:
    """What the follow-up rules need to know about a job.

    ``status`` and ``outputs`` come from the service's answers; everything else follows from
    how the job was made (:func:`child_facts`).
    """

    action: str  # the endpoint that created it: "diffusion", "upscale", "video_diffusion", ...
    model: str = DEFAULT_MODEL
    draft: bool = False
    status: int | None = STATUS_SUCCESS
    outputs: int = 4  # how many images or videos it produced
    extensions: int = 0  # video jobs: how many extend-video steps are in its lineage

    @property
    def is_video(self) -> bool:
        return is_video_endpoint(self.action)

    def answered(self, status: int | None, outputs: int) -> JobFacts:
        """These facts with what the service said last (None: not ended yet)."""
        return replace(self, status=status, outputs=outputs)


def own_prompt(body: Mapping[str, Any]) -> str | None:
    """The request's own prompt text (the first prompt field present), or None."""
    for name in PROMPT_FIELDS:
        value = body.get(name)
        if isinstance(value, str):
            return value
    return None


def child_is_draft(operation: str, own_draft: bool | None, parent_draft: bool) -> bool:
    """Whether a job made by ``operation`` counts as a draft job (so it allows enhance).

    ``own_draft`` is whether the request's own prompt has ``--draft`` (None when the request
    carries no prompt): an own prompt decides; otherwise the job inherits the parent's draft
    mode, except upscale and enhance, which produce final images.
    """
    if own_draft is not None and operation != "reroll":
        return own_draft
    if operation in ("upscale", "enhance"):
        return False
    return parent_draft


def child_facts(operation: str, body: Mapping[str, Any], parent: JobFacts | None) -> JobFacts:
    """The facts of a new job made by ``operation`` with request ``body`` from ``parent``.

    - model: the request's own ``--v``/``--niji`` if it has one (or it has no parent), else the
      parent's: a follow-up edits the parent's image with the parent's model.
    - draft: see :func:`child_is_draft`.
    - extensions: extend-video steps in the video lineage, kept through a video upscale, so a
      video extended 4 times and then upscaled cannot be extended again.
    - outputs: what the job is expected to make (updated from the answers).
    """
    text = own_prompt(body)
    own = parse_prompt(text) if text is not None else None
    if own is not None and (own.has("version") or own.has("niji") or parent is None):
        model = own.model
    elif parent is not None:
        model = parent.model
    else:
        model = DEFAULT_MODEL
    draft = child_is_draft(
        operation, own.draft if own is not None else None, bool(parent and parent.draft)
    )
    extensions = 0
    if parent is not None and parent.is_video and is_video_endpoint(operation):
        extensions = parent.extensions + (1 if operation == "extend_video" else 0)
    return JobFacts(
        action=operation,
        model=model,
        draft=draft,
        status=None,
        outputs=expected_outputs(operation, own, parent),
        extensions=extensions,
    )


def expected_outputs(operation: str, own: Any = None, parent: JobFacts | None = None) -> int:
    """How many outputs a job of ``operation`` should make (``own``: its parsed prompt)."""
    if operation == "upscale" and parent is not None and parent.model.startswith("8"):
        return 4  # v8.1 upscales give four HD images
    if operation in SINGLE_OUTPUT:
        return 1
    if operation == "video_diffusion":
        count = own.batch_size if own is not None else 4
        return count if count in (1, 2, 4) else 4
    return 4


# -- status -> state ------------------------------------------------------------------------
def _int_status(status: Any) -> int | None:
    if isinstance(status, int) and not isinstance(status, bool):
        return status
    return None


def is_failed(raw: Mapping[str, Any]) -> bool:
    status = _int_status(raw.get("status"))
    return status is not None and status >= STATUS_FAILED


def is_done(raw: Mapping[str, Any]) -> bool:
    """Terminal: failed, or finished with its results. Success without URLs yet is a known
    transient (the URLs follow a poll or two later), not an end."""
    status = _int_status(raw.get("status"))
    if status is None:
        return False
    return status >= STATUS_FAILED or (status == STATUS_SUCCESS and bool(raw.get("urls")))


def job_state(raw: Mapping[str, Any]) -> JobState:
    """The state of a job from its last answer (queued, running, finishing, finished, failed)."""
    status = _int_status(raw.get("status"))
    if status is None:
        return "running"
    if status >= STATUS_FAILED:
        return "failed"
    if status == STATUS_SUCCESS:
        return "finished" if raw.get("urls") else "finishing"
    name = STATUS_NAMES.get(status, "running")
    return "queued" if name == "queued" else "running"


#: States after which a job never changes again (the card's "ended").
ENDED_STATES = frozenset({"finished", "failed"})
