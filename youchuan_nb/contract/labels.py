"""Names of operations in words: what a job is ("Upscale (creative) of image 2 of job 1a2b3c4d").

One table for the client's ``Job.label``, the card's pending rows and the job store's labels.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .endpoints import enum_name

ACTION_LABELS = {
    "diffusion": "Imagine",
    "variation": "Vary",
    "upscale": "Upscale",
    "reroll": "Reroll",
    "pan": "Pan",
    "outpaint": "Zoom out",
    "inpaint": "Vary (region)",
    "remix": "Remix",
    "edit": "Edit",
    "upload_paint": "Upload-paint",
    "retexture": "Retexture",
    "remove_background": "Remove background",
    "enhance": "Enhance",
    "video_diffusion": "Animate",
    "extend_video": "Extend video",
    "video_upscale": "Upscale video",
}


def _detail(action: str, p: Mapping[str, Any]) -> str:
    if action == "upscale":
        kind = enum_name(action, "type", p.get("type"))
        return f" ({(kind or p.get('type', '')).replace('_', ' ')})"
    if action == "variation":
        return f" ({enum_name(action, 'type', p.get('type')) or 'subtle'})"
    if action == "pan":
        return f" {enum_name(action, 'direction', p.get('direction')) or ''} x{p.get('scale')}"
    if action == "outpaint":
        return f" x{p.get('scale')}"
    if action == "remix":
        return f" ({enum_name(action, 'mode', p.get('mode', 0)) or 'strong'})"
    return ""


def job_label(action: str, params: Mapping[str, Any], parent_id: str | None = None) -> str:
    """Lineage in words from the request: the action, its options and what it started from."""
    name = ACTION_LABELS.get(action, action) + _detail(action, params)
    if not parent_id:
        return name
    video = action in ("extend_video", "video_upscale")
    which = params.get("videoNo") if video else params.get("imageNo")
    noun = "video" if video else "image"
    of = f" of {noun} {which + 1}" if isinstance(which, int) and not isinstance(which, bool) else ""
    return f"{name}{of} of job {parent_id[:8]}"
