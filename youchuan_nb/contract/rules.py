"""Which follow-up operation the service allows on which job.

The simulator refuses with these answers, the client checks them before sending when it knows the
parent job, and the job card disables buttons with the message as the reason. One table, three
users.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import STATUS_SUCCESS
from .facts import MAX_VIDEO_EXTENSIONS, ONLY_UPSCALE_AFTER, JobFacts

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


def refusal(operation: str, facts: JobFacts, index: int | None = None) -> Refusal | None:
    """The service's answer to ``operation`` on a job described by ``facts``, or None if allowed."""
    label = operation.replace("_", "-")
    if facts.status is not None and facts.status != STATUS_SUCCESS:
        return Refusal(
            400,
            "Invalid_Argument",
            f"{label} needs a finished job; this one has not finished successfully",
        )
    if operation in VIDEO_FOLLOW_UPS and not facts.is_video:
        return Refusal(405, "Not_Support", f"{label} works on video jobs; this is an image job")
    if operation in IMAGE_FOLLOW_UPS and facts.is_video:
        return Refusal(
            405,
            "Not_Support",
            f"{label} works on image jobs; this is a video job "
            "(videos allow extend and video upscale)",
        )
    if facts.action in ONLY_UPSCALE_AFTER and operation != "upscale":
        made_by = facts.action.replace("_", "-")
        return Refusal(405, "Not_Support", f"jobs made by {made_by} allow only upscale")
    if operation == "upscale" and facts.action in UPSCALE_ACTIONS:
        return Refusal(
            400,
            "Job_ReUpscale_Not_Support",
            "this image is already upscaled and cannot be upscaled again",
        )
    if operation == "reroll" and facts.action in UPSCALE_ACTIONS:
        return Refusal(
            403,
            "Upscale_Not_Support",
            "an upscale job cannot be rerolled; reroll the original grid",
        )
    if operation == "video_upscale" and facts.action == "video_upscale":
        return Refusal(403, "Upscale_Not_Support", "this video is already upscaled to 1080p")
    if operation in NOT_ON_V81 and facts.model.startswith("8"):
        return Refusal(405, "Not_Support", f"{label} is not supported for model 8.1 jobs")
    if operation == "enhance" and not facts.draft:
        return Refusal(
            405, "Not_Support", "enhance works only on draft jobs (made with --draft --v 7)"
        )
    if operation == "extend_video" and facts.extensions >= MAX_VIDEO_EXTENSIONS:
        return Refusal(
            405,
            "Not_Support",
            f"a video can be extended at most "
            f"{MAX_VIDEO_EXTENSIONS} times; this one has been extended "
            f"{facts.extensions} times",
        )
    if index is not None and operation != "reroll" and not (0 <= index < max(facts.outputs, 0)):
        noun = "videoNo" if facts.is_video else "imageNo"
        return Refusal(
            400,
            "Invalid_Argument",
            f"{noun} {index} does not exist: the job has "
            f"{facts.outputs} output(s), numbered 0-{max(facts.outputs - 1, 0)}",
        )
    return None
