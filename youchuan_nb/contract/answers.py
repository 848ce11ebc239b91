"""Reading the service's answers tolerantly: one reader for every shape public clients report.

The official document shows no success answer at all (it points elsewhere for them), so the
answer shape is taken from what public clients observe (``docs/sources.md``): a flat job object
``{id, text, status, comment, urls, audits, seed, cost}`` with integer statuses (HIGH confidence).
Other shapes have been seen or guessed by some clients, and are read here rather than trusted
away (each is an ASSUMPTION of MED/LOW confidence, marked below):

- wrapped: ``{"code": 0, "data": {...}}`` or ``{"data": {...}}`` (LOW);
- statuses as numeric strings ("2"), names ("SUCCESS", "running"), ``JobStatus*`` enum names or
  Chinese words (成功, 失败) (LOW/MED: Chinese comments are reported by one client);
- ``imageUrls``/``images``/``videoUrls`` for ``urls``, ``jobId``/``taskId`` for ``id`` (LOW);
- an error inside a 200: ``{"code": 402, "reason": "Account_Fee_Not_Enough", ...}`` (LOW).

An answer this reader still cannot understand is :class:`UnreadableAnswer`, never a silent wait.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import (
    COMMENTS,
    STATUS_FAILED,
    STATUS_QUEUED,
    STATUS_RUNNING,
    STATUS_SUCCESS,
)

_ID_KEYS = ("id", "jobId", "job_id", "taskId", "task_id")
_URL_KEYS = (
    "urls",
    "imageUrls",
    "image_urls",
    "images",
    "videoUrls",
    "video_urls",
    "imageUrl",
    "image_url",
    "videoUrl",
    "video_url",
)
_NAMED = {
    STATUS_QUEUED: (
        "queued",
        "queue",
        "created",
        "pending",
        "submitted",
        "waiting",
        "not_start",
        "jobstatuscreated",
        "jobstatusqueued",
        "排队中",
        "已创建",
        "等待中",
    ),
    STATUS_RUNNING: (
        "running",
        "in_progress",
        "processing",
        "executing",
        "started",
        "jobstatusrunning",
        "执行中",
        "运行中",
        "处理中",
    ),
    STATUS_SUCCESS: (
        "success",
        "succeeded",
        "successful",
        "finished",
        "done",
        "completed",
        "complete",
        "jobstatussuccess",
        "成功",
        "完成",
        "已完成",
    ),
    STATUS_FAILED: (
        "failed",
        "failure",
        "fail",
        "error",
        "rejected",
        "canceled",
        "cancelled",
        "timeout",
        "失败",
        "执行报错",
        "未知错误",
    ),
}
_BY_NAME = {name: status for status, names in _NAMED.items() for name in names}
for _comment in COMMENTS:  # every failure comment of the document's table means "failed"
    _BY_NAME.setdefault(_comment.lower(), STATUS_FAILED)


class UnreadableAnswer(ValueError):
    """An answer whose shape this reader does not know; ``raw`` is what came."""

    def __init__(self, why: str, raw: Any) -> None:
        self.why, self.raw = why, raw
        super().__init__(
            f"the service answered in a shape youchuan_nb cannot read ({why}): {_short(raw)}"
        )


class ErrorInAnswer(Exception):
    """A 200 answer whose body is an error body (``code``/``reason``/``message``)."""

    def __init__(self, code: int, body: dict[str, Any]) -> None:
        self.code, self.body = code, body
        super().__init__(f"{code} {body.get('reason', '')}: {body.get('message', '')}")


def _short(raw: Any, limit: int = 300) -> str:
    text = repr(raw)
    return text if len(text) <= limit else text[:limit] + "..."


def read_status(value: Any) -> int | None:
    """A status as the API's integer (0 queued, 1 running, 2 success, >= 3 failed), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            return int(text)
        return _BY_NAME.get(text.lower())
    return None


def _unwrap(body: Any) -> Any:
    """``{"code": 0, "data": {...}}`` -> the inner object (an assumption: see the module doc)."""
    if isinstance(body, Mapping) and not any(k in body for k in (*_ID_KEYS, "status")):
        inner = body.get("data") or body.get("result")
        if isinstance(inner, Mapping):
            return inner
    return body


def error_in(body: Any) -> ErrorInAnswer | None:
    """The error a 200 answer carries in its body, if it is an error body."""
    if not isinstance(body, Mapping):
        return None
    code = body.get("code")
    if isinstance(code, str) and code.strip().isdigit():
        code = int(code)
    if not isinstance(code, int) or isinstance(code, bool) or code in (0, 200):
        return None
    if any(k in body for k in _ID_KEYS) and "reason" not in body:
        return None  # a job object that happens to carry a code
    if "reason" in body or "message" in body:
        return ErrorInAnswer(code, dict(body))
    return None


def _urls(obj: Mapping[str, Any]) -> list[str] | None:
    for key in _URL_KEYS:
        if key not in obj:
            continue
        value = obj[key]
        if isinstance(value, str):
            return [value] if value else []
        if isinstance(value, list):
            out = []
            for item in value:
                if isinstance(item, str):
                    out.append(item)
                elif isinstance(item, Mapping) and isinstance(item.get("url"), str):
                    out.append(item["url"])
            return out
    return None


def read_job(body: Any, *, expect_id: str | None = None) -> dict[str, Any]:
    """A job answer in the flat shape the rest of the package reads.

    Raises :class:`ErrorInAnswer` for an error body and :class:`UnreadableAnswer` for a shape
    that says neither which job it is nor what state it is in."""
    err = error_in(body)
    if err is not None:
        raise err
    obj = _unwrap(body)
    if not isinstance(obj, Mapping):
        raise UnreadableAnswer("not a JSON object", body)
    out: dict[str, Any] = {k: v for k, v in obj.items() if k not in _URL_KEYS}
    job_id = next(
        (
            obj[k]
            for k in _ID_KEYS
            if isinstance(obj.get(k), (str, int))
            and not isinstance(obj.get(k), bool)
            and str(obj.get(k))
        ),
        None,
    )
    if job_id is None and expect_id is None:
        raise UnreadableAnswer("no job id", body)
    out["id"] = str(job_id) if job_id is not None else expect_id
    urls = _urls(obj)
    out["urls"] = urls if urls is not None else []
    status = read_status(obj.get("status"))
    if status is None:
        status = read_status(obj.get("state")) if "state" in obj else None
    if status is None and isinstance(obj.get("comment"), str):
        status = read_status(obj["comment"])
    if status is None and out["urls"]:
        status = STATUS_SUCCESS  # URLs are only given for finished jobs
    if status is None:
        raise UnreadableAnswer("no status the reader knows", body)
    out["status"] = status
    audits = obj.get("audits")
    if audits is not None and not isinstance(audits, list):
        out["audits"] = [audits] if isinstance(audits, str) else []
    return out


def read_record(body: Any) -> Any:
    """An account or moodboard answer: unwrapped if wrapped, errors raised; else as it came."""
    err = error_in(body)
    if err is not None:
        raise err
    return _unwrap(body)
