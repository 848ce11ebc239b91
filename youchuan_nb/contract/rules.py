"""Which follow-up operation the service allows on which job.

The simulator refuses with these answers, the client checks them before sending when it knows the
parent job, and the job card disables buttons with the message as the reason. One table, three
users.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import t
from .errors import STATUS_SUCCESS
from .facts import MAX_VIDEO_EXTENSIONS, ONLY_UPSCALE_AFTER, JobFacts
from .modes import refuses

UPSCALE_ACTIONS = frozenset({"upscale"})
IMAGE_FOLLOW_UPS = (
    "variation",
    "upscale",
    "reroll",
    "pan",
    "outpaint",
    "inpaint",
    "remix",
    "edit",
    "enhance",
    "video_diffusion",
)
VIDEO_FOLLOW_UPS = ("extend_video", "video_upscale")
NOT_ON_V81 = frozenset({"pan", "outpaint", "inpaint", "enhance"})


@dataclass(frozen=True)
class Refusal:
    status: int
    reason: str
    message: str
    rule: str = ""  # its id in contract.sources.RULES


def refusal(
    operation: str,
    facts: JobFacts,
    index: int | None = None,
    *,
    rules: str = "documented",
    service: bool = False,
) -> Refusal | None:
    """The service's answer to ``operation`` on a job described by ``facts``, or None if allowed
    in mode ``rules`` (by default only the document's rules refuse: :mod:`.modes`). Never warns:
    the job card asks this for every button."""
    for found in refusals(operation, facts, index):
        if refuses(found.rule, rules, service=service):
            return found
    return None


def refusals(operation: str, facts: JobFacts, index: int | None = None) -> list[Refusal]:
    """Every rule ``operation`` on a job with ``facts`` breaks, in the order the service checks
    (a caller sending anyway warns about the secondary ones)."""
    label = operation.replace("_", "-")
    out: list[Refusal] = []

    def add(status: int, reason: str, rule: str, key: str, **kw: object) -> None:
        out.append(Refusal(status, reason, t(key, None, op=label, **kw), rule))

    if facts.status is not None and facts.status != STATUS_SUCCESS:
        add(400, "Invalid_Argument", "follow.finished", "rules.follow.finished")
        return out  # nothing else can be judged of a job without outputs
    if operation in VIDEO_FOLLOW_UPS and not facts.is_video:
        add(405, "Not_Support", "follow.video_only", "rules.follow.video_only")
    if operation in IMAGE_FOLLOW_UPS and facts.is_video:
        add(405, "Not_Support", "follow.image_only", "rules.follow.image_only")
    if facts.action in ONLY_UPSCALE_AFTER and operation != "upscale":
        made_by = facts.action.replace("_", "-")
        add(405, "Not_Support", "follow.only_upscale", "rules.follow.only_upscale", made_by=made_by)
    if operation == "upscale" and facts.action in UPSCALE_ACTIONS:
        add(400, "Job_ReUpscale_Not_Support", "follow.reupscale", "rules.follow.reupscale")
    # rerolling an upscale job is not refused: rule follow.reroll_upscale is an assumption
    if operation == "video_upscale" and facts.action == "video_upscale":
        add(403, "Upscale_Not_Support", "follow.video_reupscale", "rules.follow.video_reupscale")
    if operation in NOT_ON_V81 and facts.model.startswith("8"):
        add(405, "Not_Support", "follow.v81", "rules.follow.v81")
    if operation == "enhance" and not facts.draft:
        add(405, "Not_Support", "follow.enhance_draft", "rules.follow.enhance_draft")
    if operation == "extend_video" and facts.extensions >= MAX_VIDEO_EXTENSIONS:
        add(
            405,
            "Not_Support",
            "follow.extend_max",
            "rules.follow.extend_max",
            n=MAX_VIDEO_EXTENSIONS,
            done=facts.extensions,
        )
    if index is not None and operation != "reroll" and not (0 <= index < max(facts.outputs, 0)):
        add(
            400,
            "Invalid_Argument",
            "follow.index",
            "rules.follow.index",
            noun="videoNo" if facts.is_video else "imageNo",
            index=index,
            n=facts.outputs,
            last=max(facts.outputs - 1, 0),
        )
    return out
