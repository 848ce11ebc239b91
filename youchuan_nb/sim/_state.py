"""Where the simulator keeps its accounts, jobs and moodboards: in memory (:class:`MemoryState`,
the default, what tests use) or on disk (:class:`youchuan_nb.sim._disk.DiskState`).

Both have the same methods, so the service never asks which one it has. In memory the
service's own dicts are the truth; on disk SQLite is, and the dicts are a cache of it.
"""

from __future__ import annotations

import itertools
import threading
from typing import Any

from ._model import Account, SimJob


class MemoryState:
    """Everything lives in the service's dicts and goes with the process."""

    persistent = False

    def __init__(self, accounts: dict[str, Account], jobs: dict[str, SimJob]) -> None:
        self.accounts, self.jobs = accounts, jobs
        self._lock = threading.Lock()
        self._boards = itertools.count(1)

    def open(self) -> None:
        pass

    def close(self) -> None:
        pass

    # ---- apps and balances ---------------------------------------------------------------
    def load_apps(self) -> list[tuple[str, str, float]]:
        return []

    def save_app(self, app_id: str, secret: str, balance: float) -> None:
        pass

    def balance(self, account: Account) -> float:
        return account.balance

    def set_balance(self, account: Account, value: float) -> None:
        account.balance = float(value)

    def charge(self, account: Account, price: float) -> float | None:
        """Take ``price``; the balance before, or None (and nothing taken) if it is too low."""
        with self._lock:
            before = account.balance
            if before + 1e-9 < price:
                return None
            account.balance = round(before - price, 6)
            return before

    # ---- jobs ----------------------------------------------------------------------------
    def save_job(self, job: SimJob) -> None:
        pass

    def job_drawn(self, job: SimJob) -> None:
        pass

    def finalize(self, job: SimJob, account: Account | None, refund: bool) -> bool:
        """Complete the job (refunding its price if ``refund``); True only the first time."""
        with self._lock:
            if job.finalized:
                return False
            job.finalized = True
            if refund and not job.refunded:
                job.refunded = True
                if account is not None:
                    account.balance = round(account.balance + job.price, 6)
            return True

    def job_count(self) -> int:
        return len(self.jobs)

    def load_job(self, job_id: str) -> SimJob | None:
        return None  # everything is in the service's dict already

    def refresh(self, job: SimJob) -> None:
        pass

    def job_ids(self, app_id: str) -> list[str]:
        return [j.id for j in list(self.jobs.values()) if j.app == app_id]

    def unfinished_ids(self, app_id: str | None) -> list[str]:
        accounts = [self.accounts[app_id]] if app_id else list(self.accounts.values())
        return [job_id for account in accounts for job_id in list(account.active)]

    def adopt_orphans(self) -> list[str]:
        """The jobs to resume at a start: here, all of this process's (a stop cancelled their
        drawing and completion)."""
        return list(self.jobs)

    # ---- moodboards ----------------------------------------------------------------------
    def moodboards(self, account: Account) -> dict[str, dict[str, Any]]:
        return dict(account.moodboards)

    def save_moodboard(self, account: Account, board: dict[str, Any]) -> None:
        board.setdefault("n", next(self._boards))  # breaks ties of equal creation times
        account.moodboards[board["id"]] = board
