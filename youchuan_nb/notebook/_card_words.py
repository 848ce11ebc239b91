"""The card's words in the chosen language (``youchuan_nb.i18n``).

The contract and the client speak English (refusal messages, comment meanings, job labels).
The card does not show those strings: it maps what they are *about* (the operation, the
refusal's reason and the job's facts, the failure comment) onto catalogue messages, so a
Chinese card is Chinese throughout. Chinese comments from the service ("失败", "执行报错") are
read as the comments they stand for.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..client import APIError
from ..contract import MAX_VIDEO_EXTENSIONS, JobFacts, comment_enum, enum_name
from ..contract.rules import (
    VIDEO_FOLLOW_UPS,
    Refusal,
)
from ..i18n import get_language, has, t

#: A bare "failed" in Chinese (the document's texts are read by ``contract.comment_enum``).
ZH_COMMENTS = {"失败": ""}
_PLAIN_FAILURE = {"", "failed", "fail", "failure", "error", "JobStatusFail"}


def _cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


# -- labels ----------------------------------------------------------------------------------
def op_name(endpoint: str) -> str:
    key = f"card.op.{endpoint}"
    return t(key) if has(key) else endpoint


def _detail(kind: str, name: str | None, **values: Any) -> str:
    key = f"card.detail.{kind}.{name}"
    return t(key, **values) if name and has(key) else ""


def api_detail(endpoint: str, params: Mapping[str, Any]) -> str:
    """The option of a request in words (its API fields: ``type``, ``direction``, ...)."""
    if endpoint == "upscale":
        kind = enum_name("upscale", "type", params.get("type"))
        if kind in ("standard", "creative"):
            return _detail("upscale", kind)
        return t("card.detail.upscale.other", kind=(kind or "").replace("_", " ")) if kind else ""
    if endpoint == "variation":
        return _detail("vary", enum_name("variation", "type", params.get("type")) or "subtle")
    if endpoint == "pan":
        name = enum_name("pan", "direction", params.get("direction"))
        return _detail("pan", {"bottom": "down", "top": "up"}.get(name or "", name))
    if endpoint == "outpaint" and params.get("scale") is not None:
        return t("card.detail.zoom", scale=params.get("scale"))
    if endpoint == "remix":
        return _detail("remix", enum_name("remix", "mode", params.get("mode", 0)) or "strong")
    return ""


def click_detail(action: str, params: Mapping[str, Any]) -> str:
    """The option of a card click in words (the card's own params: ``strong``, ``motion``...)."""
    if action == "upscale":
        return api_detail("upscale", {"type": params.get("type", "standard")})
    if action == "vary":
        return _detail("vary", "strong" if params.get("strong") else "subtle")
    if action == "pan":
        return _detail("pan", str(params.get("direction")))
    if action == "zoom":
        return t("card.detail.zoom", scale=params.get("scale"))
    if action == "remix":
        return _detail("remix", str(params.get("mode") or "strong"))
    if action == "animate":
        return _detail("motion", str(params.get("motion") or "low"))
    return ""


def lineage(what: str, parent_id: str | None, which: int | None, video: bool) -> str:
    if not parent_id:
        return what
    job = parent_id[:8]
    if which is None:
        return t("card.of_job", what=what, job=job)
    return t("card.of_video" if video else "card.of_image", what=what, n=which + 1, job=job)


def job_label(endpoint: str, params: Mapping[str, Any], parent_id: str | None) -> str:
    """What a job is, from its request (as ``contract.job_label`` says it in English)."""
    video = endpoint in VIDEO_FOLLOW_UPS
    which = params.get("videoNo" if video else "imageNo")
    index = which if isinstance(which, int) and not isinstance(which, bool) else None
    return lineage(op_name(endpoint) + api_detail(endpoint, params), parent_id, index, video)


# -- why a button is disabled ----------------------------------------------------------------
#: the rule a refusal names (contract.sources) -> the words for it
_WHY = {
    "follow.finished": "why.needs_finished",
    "follow.video_only": "why.video_only",
    "follow.image_only": "why.image_only",
    "follow.only_upscale": "why.only_upscale",
    "follow.reupscale": "why.already_upscaled",
    "follow.video_reupscale": "why.video_upscaled",
    "follow.v81": "why.not_on_v81",
    "follow.enhance_draft": "why.enhance_draft",
    "follow.extend_max": "why.max_extensions",
    "follow.index": "why.no_output",
}


def why(operation: str, facts: JobFacts, r: Refusal) -> str:
    """``refusal(operation, facts)`` in words, by the rule it names."""
    key = _WHY.get(r.rule)
    if key is None:
        return r.message if get_language() == "en" else t("why.other")
    return t(key, op=op_name(facts.action), max=MAX_VIDEO_EXTENSIONS, n=facts.extensions)


# -- failures and refusals -------------------------------------------------------------------
def failure(comment: str | None) -> str:
    """The message of a job that failed with ``comment`` (the service's enum or its Chinese)."""
    raw = (comment or "").strip()
    code = ZH_COMMENTS.get(raw, comment_enum(raw))
    advice_key = f"advice.comment.{code}"
    advice = t(advice_key if has(advice_key) else "advice.comment.other")
    if code in _PLAIN_FAILURE or code.lower() in _PLAIN_FAILURE:
        return t("card.msg.failed_plain", advice=advice)
    key = f"comment.{code}"
    reason = t(key) if has(key) else code  # a comment we do not know: the service's own words
    return t("card.msg.failed", reason=reason, advice=advice)


def refusal_words(status: int, reason: str, message: str, *, local: bool) -> tuple[str, str]:
    """(what happened and what to do, the technical detail) of a refused request."""
    known = has(f"reason.{reason}")
    what = t(f"reason.{reason}" if known else "reason.other")
    advice = t(f"advice.{reason}" if known else "advice.other")
    if local:
        detail = t("card.detail.local", status=status, reason=reason)
    else:
        detail = t("card.detail.http", status=status, reason=reason)
    if message and (get_language() == "en" or _cjk(message)):
        detail = f"{detail}: {message}"
    return t("card.msg.refused", what=what, advice=advice), detail


def error_words(exc: Exception) -> tuple[str, str]:
    """(message, detail) for an exception raised by a submit."""
    if isinstance(exc, APIError):
        return refusal_words(exc.status, exc.reason, exc.message, local=exc.local)
    if getattr(exc, "maybe_created", False):
        return t("card.msg.maybe_created"), str(exc)
    if isinstance(exc, ValueError):  # checked before sending (the contract's words: English)
        return t("card.msg.local_refusal"), str(exc)
    return t("card.msg.unexpected", error=type(exc).__name__), str(exc)
