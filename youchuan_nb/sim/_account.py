"""The endpoints that read the account: one job, costs, the monthly bill, the plan, a test
callback, and the moodboards."""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from ._bodies import (
    ApiError,
    callback_test_body,
    cost_record_body,
    month_body,
    moodboard_body,
    page_body,
    parse_time,
    subscribe_body,
)
from ._model import Account, SimJob

Handler = Callable[[Account, dict, dict, dict], dict]


class AccountHost(Protocol):
    """What these endpoints need of the service."""

    concurrency: int

    def clock(self) -> datetime: ...

    def view(self, job: SimJob, now: float | None = None) -> dict: ...

    def own_job(self, account: Account, job_id: str) -> SimJob: ...

    def jobs_of(self, account: Account) -> list[SimJob]: ...

    def running_count(self, account: Account | None = None) -> int: ...

    def balance_of(self, account: Account) -> float: ...

    def send_callback(self, job: SimJob) -> bool: ...

    def save_moodboard(self, account: Account, board: dict[str, Any]) -> None: ...

    def moodboards_of(self, account: Account) -> dict[str, dict[str, Any]]: ...


def check_identity(account: Account | None, app_id: str | None, secret: str | None) -> Account:
    """The account these headers identify, or 401 (compared in constant time)."""
    given = (secret or "").encode("utf-8", "surrogateescape")
    expected = account.secret.encode() if account else b"\0" * 32
    if not app_id or not secret or account is None or not hmac.compare_digest(given, expected):
        raise ApiError(
            401,
            "Invalid_App_Identifier",
            "missing or invalid app identity: send the x-youchuan-app and x-youchuan-secret "
            "headers with the credentials of your app",
        )
    return account


class AccountEndpoints:
    def __init__(self, host: AccountHost) -> None:
        self.host = host
        self.handlers: dict[str, Handler] = {
            "job": self.job,
            "costs": self.costs,
            "cost_monthly": self.cost_monthly,
            "subscribe": self.subscribe,
            "callback": self.callback,
            "create_moodboard": self.create_moodboard,
            "update_moodboard": self.update_moodboard,
            "moodboards": self.moodboards,
        }

    def job(self, account: Account, body: dict, query: dict, path: dict) -> dict:
        return self.host.view(self.host.own_job(account, path["jobId"]))

    def _records(self, account: Account) -> list[SimJob]:
        jobs = self.host.jobs_of(account)
        jobs.sort(key=lambda j: (j.created_at, j.n), reverse=True)
        return jobs

    def costs(self, account: Account, body: dict, query: dict, path: dict) -> dict:
        try:
            since = parse_time(query["since"]) if "since" in query else None
            to = parse_time(query["to"]) if "to" in query else None
        except ValueError as exc:
            raise ApiError(
                400, "Invalid_Argument", f"since/to must be ISO-8601 times: {exc}"
            ) from None
        items = []
        now = time.monotonic()
        for job in self._records(account):
            if (since and job.created_at < since) or (to and job.created_at >= to):
                continue
            v = self.host.view(job, now)
            items.append(
                cost_record_body(
                    job.id, job.endpoint, v["cost"], v["status"], v["comment"], job.created_at
                )
            )
        return page_body(items, query["pageNo"], query["pageSize"])

    def cost_monthly(self, account: Account, body: dict, query: dict, path: dict) -> dict:
        months: dict[str, list] = {}
        now = time.monotonic()
        for job in self._records(account):
            key = job.created_at.astimezone(UTC).strftime("%Y-%m")
            entry = months.setdefault(key, [0.0, 0])
            entry[0] += self.host.view(job, now)["cost"]
            entry[1] += 1
        items = [month_body(m, c, n) for m, (c, n) in sorted(months.items(), reverse=True)]
        return page_body(items, query["pageNo"], query["pageSize"])

    def subscribe(self, account: Account, body: dict, query: dict, path: dict) -> dict:
        return subscribe_body(
            self.host.balance_of(account), self.host.concurrency, self.host.running_count(account)
        )

    def callback(self, account: Account, body: dict, query: dict, path: dict) -> dict:
        job = self.host.own_job(account, body["jobId"])
        return callback_test_body(job.id, self.host.send_callback(job))

    # ---- moodboards ----------------------------------------------------------------------
    def create_moodboard(self, account: Account, body: dict, query: dict, path: dict) -> dict:
        now = self.host.clock()
        board = {
            "id": secrets.token_hex(8),
            "name": body["name"],
            "description": body.get("description") or "",
            "images": list(body.get("images") or []),
            "createdAt": now,
            "updatedAt": now,
        }
        self.host.save_moodboard(account, board)
        return moodboard_body(board)

    def update_moodboard(self, account: Account, body: dict, query: dict, path: dict) -> dict:
        board = self.host.moodboards_of(account).get(path["id"])
        if board is None:
            raise ApiError(404, "Not_Found", f"moodboard {path['id']} not found")
        board = dict(board)
        for key in ("name", "description", "images"):
            if body.get(key) is not None:
                board[key] = list(body[key]) if key == "images" else body[key]
        board["updatedAt"] = self.host.clock()
        self.host.save_moodboard(account, board)
        return moodboard_body(board)

    def moodboards(self, account: Account, body: dict, query: dict, path: dict) -> dict:
        boards = sorted(
            self.host.moodboards_of(account).values(),
            key=lambda m: (m["createdAt"], m["n"]),
            reverse=True,
        )
        return page_body(
            [moodboard_body(m) for m in boards], query.get("pageNo", 1), query.get("pageSize", 20)
        )
