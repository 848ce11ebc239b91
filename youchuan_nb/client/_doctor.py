"""The doctor: check the configured service step by step and say in one line what to fix.

``python -m youchuan_nb doctor`` and ``%youchuan doctor``. It makes no paid call unless asked
(``job=True`` makes one cheap draft job and follows it to the end). Every raw answer goes into a
capture file (credentials removed) that a user can attach to a bug report.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..contract.answers import page_items, plan_balance, plan_concurrency
from ._captures import redact
from ._client import Client, mask_app_id
from ._errors import (
    APIConnectionError,
    AuthenticationError,
    PermissionDeniedError,
    YouchuanError,
)

DOCTOR_PROMPT = "a small test picture of a teapot --draft --v 7"


@dataclass
class Check:
    """One step: ``ok`` True (fine), False (fix it: ``fix`` says how) or None (could not tell)."""

    name: str
    ok: bool | None
    detail: str
    fix: str = ""

    def line(self) -> str:
        mark = {True: "ok  ", False: "FAIL", None: "??  "}[self.ok]
        fix = f" -> {self.fix}" if self.fix and self.ok is not True else ""
        return f"[{mark}] {self.name}: {self.detail}{fix}"


@dataclass
class DoctorReport:
    checks: list[Check] = field(default_factory=list)
    capture: str | None = None

    @property
    def ok(self) -> bool:
        return all(c.ok is not False for c in self.checks)

    def __str__(self) -> str:
        lines = [c.line() for c in self.checks]
        if self.capture:
            lines.append(f"raw answers (credentials removed) saved in {self.capture}")
        return "\n".join(lines)


class _Doctor:
    def __init__(self, client: Client) -> None:
        self.client = client
        self.report = DoctorReport()
        self.answers: list[dict[str, Any]] = []

    def add(self, name: str, ok: bool | None, detail: str, fix: str = "") -> None:
        self.report.checks.append(Check(name, ok, detail, fix))

    def keep(self, step: str, answer: Any) -> None:
        self.answers.append({"step": step, "at": time.time(), "answer": answer})

    def service(self) -> None:
        c = self.client
        if c.simulator is not None:
            self.add(
                "service",
                True,
                f"the built-in simulator at {c.base_url}",
                "set YOUCHUAN_APP_ID and YOUCHUAN_SECRET to use the real service",
            )
        else:
            self.add("service", True, f"{c.base_url} as app {mask_app_id(c.app_id)}")

    def subscribe(self) -> bool:
        c = self.client
        try:
            body = c.subscribe()
        except APIConnectionError as exc:
            self.add(
                "reachable",
                False,
                f"no answer from {c.base_url} ({exc})",
                "check the network, a proxy, or YOUCHUAN_BASE_URL",
            )
            return False
        except AuthenticationError as exc:
            self.add("reachable", True, f"{c.base_url} answers")
            self.add(
                "credentials",
                False,
                f"refused ({exc.reason or exc.status})",
                "check YOUCHUAN_APP_ID and YOUCHUAN_SECRET in the Youchuan console "
                "(or run %youchuan login)",
            )
            return False
        except PermissionDeniedError as exc:
            self.add("reachable", True, f"{c.base_url} answers")
            self.add("credentials", True, "accepted")
            self.add(
                "plan",
                False,
                f"{exc.reason or exc.status}: {exc.message}",
                "subscribe to a plan in the Youchuan console",
            )
            return False
        except YouchuanError as exc:
            self.add("reachable", None, f"subscribe failed: {exc}", "try again later")
            return False
        self.keep("subscribe", body)
        self.add("reachable", True, f"{c.base_url} answers")
        self.add("credentials", True, "accepted")
        self.add("plan", True, "subscribe answered (its shape is not documented: see the capture)")
        balance = plan_balance(body)
        if balance is None:
            self.add(
                "balance",
                None,
                "not found in the subscribe answer",
                "look at the balance in the Youchuan console; please report the capture",
            )
        else:
            low = balance <= 0
            self.add(
                "balance",
                not low,
                f"{balance:g}",
                "top up the account in the Youchuan console" if low else "",
            )
        concurrency = plan_concurrency(body)
        if concurrency is None:
            self.add(
                "concurrency",
                None,
                f"not found; using {c.max_concurrent}",
                "pass Client(max_concurrent=N) or %config ImagineMagics.max_concurrent=N",
            )
        else:
            self.add("concurrency", True, f"{concurrency} jobs at once")
        return True

    def records(self) -> None:
        for name, call in (
            ("costs", lambda: self.client.costs(1, 10)),
            ("moodboards", lambda: self.client.moodboards(1, 10)),
        ):
            try:
                body = call()
            except YouchuanError as exc:
                self.add(name, False, str(exc), "see the message; please report the capture")
                continue
            self.keep(name, body)
            items = page_items(body)
            if items is None:
                self.add(
                    name,
                    None,
                    "answered, but no list of records was found in it",
                    "please report the capture",
                )
            else:
                self.add(name, True, f"{len(items)} record(s) on the first page")

    def job(self, timeout: float) -> None:
        try:
            job = self.client.diffusion(DOCTOR_PROMPT)
            self.keep("submit", dict(job.raw))
            job.wait(timeout, raise_on_failure=False)
            self.keep("job", dict(job.raw))
        except YouchuanError as exc:
            self.add("job", False, str(exc), "see the message above")
            return
        if job.ok:
            self.add("job", True, f"draft job {job.id} finished with {len(job.urls)} image(s)")
        else:
            self.add(
                "job",
                False,
                f"draft job {job.id} ended {job.state}: {job.reason}",
                "see the reason; it may not have been charged",
            )

    def save(self, folder: Path) -> None:
        if not self.answers:
            return
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"doctor-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.json"
        data = {
            "service": self.client.base_url,
            "simulator": self.client.simulator is not None,
            "checks": [c.__dict__ for c in self.report.checks],
            "answers": redact(self.answers),
        }
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=1, default=repr)
        self.report.capture = str(path)


def run_doctor(
    client: Client | None = None,
    *,
    job: bool = False,
    timeout: float = 600.0,
    capture_dir: str | os.PathLike[str] | None = None,
) -> DoctorReport:
    """Check the service ``client`` uses (the default client when None); see the module doc."""
    if client is None:
        try:
            client = Client()
        except YouchuanError as exc:
            report = DoctorReport(
                [
                    Check(
                        "credentials",
                        False,
                        str(exc),
                        "set both YOUCHUAN_APP_ID and YOUCHUAN_SECRET, or "
                        "neither (for the simulator)",
                    )
                ]
            )
            return report
    doctor = _Doctor(client)
    doctor.service()
    if doctor.subscribe():
        doctor.records()
        if job:
            doctor.job(timeout)
    doctor.save(Path(capture_dir) if capture_dir is not None else client.captures_dir)
    return doctor.report
