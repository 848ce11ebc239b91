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
from ..i18n import t
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
    """One step: ``ok`` True (fine), False (fix it: ``fix`` says how) or None (could not tell).
    ``name`` is the step's language-neutral id; ``detail`` and ``fix`` are in the catalogue's
    language when the step ran, and :meth:`line` titles the step in the language of now."""

    name: str
    ok: bool | None
    detail: str
    fix: str = ""

    @property
    def title(self) -> str:
        return t(f"doctor.step.{self.name}")

    def line(self) -> str:
        mark = t(
            {True: "doctor.mark.ok", False: "doctor.mark.fail", None: "doctor.mark.unknown"}[
                self.ok
            ]
        )
        fix = t("doctor.fix", fix=self.fix) if self.fix and self.ok is not True else ""
        return t("doctor.line", mark=mark, name=self.title, detail=self.detail, fix=fix)


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
            lines.append(t("doctor.capture", path=self.capture))
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
                t("doctor.service.simulator", url=c.base_url),
                t("doctor.service.simulator_fix"),
            )
        else:
            app = mask_app_id(c.app_id)
            self.add("service", True, t("doctor.service.real", url=c.base_url, app=app))

    def subscribe(self) -> bool:
        c = self.client
        try:
            body = c.subscribe()
        except APIConnectionError as exc:
            self.add(
                "reachable",
                False,
                t("doctor.no_answer", url=c.base_url, error=exc),
                t("doctor.no_answer_fix"),
            )
            return False
        except AuthenticationError as exc:
            self.add("reachable", True, t("doctor.answers", url=c.base_url))
            self.add(
                "credentials",
                False,
                t("doctor.refused", reason=exc.reason or exc.status),
                t("doctor.refused_fix"),
            )
            return False
        except PermissionDeniedError as exc:
            self.add("reachable", True, t("doctor.answers", url=c.base_url))
            self.add("credentials", True, t("doctor.accepted"))
            self.add(
                "plan",
                False,
                t("doctor.no_plan", reason=exc.reason or exc.status, message=exc.message),
                t("doctor.no_plan_fix"),
            )
            return False
        except YouchuanError as exc:
            self.add(
                "reachable", None, t("doctor.subscribe_failed", error=exc), t("doctor.try_later")
            )
            return False
        self.keep("subscribe", body)
        self.add("reachable", True, t("doctor.answers", url=c.base_url))
        self.add("credentials", True, t("doctor.accepted"))
        self.add("plan", True, t("doctor.plan_ok"))
        balance = plan_balance(body)
        if balance is None:
            self.add("balance", None, t("doctor.balance_missing"), t("doctor.balance_missing_fix"))
        else:
            low = balance <= 0
            self.add("balance", not low, f"{balance:g}", t("doctor.top_up") if low else "")
        concurrency = plan_concurrency(body)
        if concurrency is None:
            self.add(
                "concurrency",
                None,
                t("doctor.concurrency_missing", n=c.max_concurrent),
                t("doctor.concurrency_missing_fix"),
            )
        else:
            self.add("concurrency", True, t("doctor.concurrency", n=concurrency))
        return True

    def records(self) -> None:
        for name, call in (
            ("costs", lambda: self.client.costs(1, 10)),
            ("moodboards", lambda: self.client.moodboards(1, 10)),
        ):
            try:
                body = call()
            except YouchuanError as exc:
                self.add(name, False, str(exc), t("doctor.see_message"))
                continue
            self.keep(name, body)
            items = page_items(body)
            if items is None:
                self.add(name, None, t("doctor.no_records"), t("doctor.report_capture"))
            else:
                self.add(name, True, t("doctor.records", n=len(items)))

    def job(self, timeout: float) -> None:
        try:
            job = self.client.diffusion(DOCTOR_PROMPT)
            self.keep("submit", dict(job.raw))
            job.wait(timeout, raise_on_failure=False)
            self.keep("job", dict(job.raw))
        except YouchuanError as exc:
            self.add("job", False, str(exc), t("doctor.job_error_fix"))
            return
        if job.ok:
            self.add("job", True, t("doctor.job_ok", id=job.id, n=len(job.urls)))
        else:
            self.add(
                "job",
                False,
                t(
                    "doctor.job_failed",
                    id=job.id,
                    state=t(f"card.status.{job.state}"),
                    reason=job.reason,
                ),
                t("doctor.job_failed_fix"),
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
            report = DoctorReport([Check("credentials", False, str(exc), t("doctor.client_fix"))])
            return report
    doctor = _Doctor(client)
    doctor.service()
    if doctor.subscribe():
        doctor.records()
        if job:
            doctor.job(timeout)
    doctor.save(Path(capture_dir) if capture_dir is not None else client.captures_dir)
    return doctor.report
