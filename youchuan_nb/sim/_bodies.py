"""Answer shapes of the simulator: the error body, the account and moodboard bodies, times.

UNDOCUMENTED ASSUMPTIONS: the response bodies of the account and moodboard endpoints are not
documented anywhere we could find (docs/sources.md). These shapes are our guess,
kept together here so they are easy to change when the real ones are known.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ..contract.errors import COMMENT_TEXTS

BODY_LIMIT = 1024 * 1024
# The official document's comment table (返回值任务状态描述), its exact texts.
ZH_COMMENTS = COMMENT_TEXTS  # the document's Chinese text of each comment


class ApiError(Exception):
    """An error answer: HTTP status == body code."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status, self.reason, self.message = status, reason, message

    @property
    def body(self) -> dict:
        return {"code": self.status, "message": self.message, "reason": self.reason}


class DropConnection(Exception):
    """Close the connection without answering (after the job was created)."""


def page_body(items: list, page_no: int, page_size: int) -> dict:
    start = (page_no - 1) * page_size
    return {
        "total": len(items),
        "pageNo": page_no,
        "pageSize": page_size,
        "list": items[start : start + page_size],
    }


def subscribe_body(balance: float, max_concurrent: int, running: int) -> dict:
    return {
        "plan": "Simulator",
        "balance": round(balance, 4),
        "maxConcurrent": max_concurrent,
        "running": running,
        "currency": "CNY",
    }


def cost_record_body(
    job_id: str, action: str, cost: float, status: int, comment: str, created_at: datetime
) -> dict:
    return {
        "jobId": job_id,
        "action": action,
        "cost": round(cost, 4),
        "status": status,
        "comment": comment,
        "createdAt": iso(created_at),
    }


def month_body(month: str, cost: float, jobs: int) -> dict:
    return {"month": month, "cost": round(cost, 4), "jobs": jobs}


def moodboard_body(mb: dict[str, Any]) -> dict:
    return {
        "id": mb["id"],
        "name": mb["name"],
        "description": mb["description"],
        "images": list(mb["images"]),
        "createdAt": iso(mb["createdAt"]),
        "updatedAt": iso(mb["updatedAt"]),
    }


def callback_test_body(job_id: str, sent: bool) -> dict:
    return {"jobId": job_id, "sent": sent}


def iso(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> datetime:
    t = datetime.fromisoformat(text.replace("z", "Z"))
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)
