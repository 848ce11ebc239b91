"""The client's exceptions.

    YouchuanError
    ├── APIError                    the service answered with an error status
    │   ├── BadRequestError         400 Invalid_Argument, Cancel_Job_Not_Runnig
    │   │   ├── InvalidPromptError      400 Invalid_Prompt_Parameter
    │   │   └── ReUpscaleNotSupportedError 400 Job_ReUpscale_Not_Support
    │   ├── AuthenticationError     401 Invalid_App_Identifier
    │   ├── InsufficientBalanceError 402 Account_Fee_Not_Enough, No_More_Relax_Credit
    │   ├── PermissionDeniedError   403 Permission_Denied, Relax_Not_Allow, No_Avaliable_Plan,
    │   │   │                           Upscale_Not_Support
    │   │   └── SensitivePromptError    403 Msg_Sensitive
    │   ├── NotFoundError           404
    │   ├── NotSupportedError       405 Not_Support
    │   ├── ConcurrencyLimitError   429 Max_Concurrent_Limited
    │   ├── InternalServerError     500 and other 5xx
    │   ├── ServerBusyError         503 Server_Busy, Request_Timout (any status: by reason)
    │   └── UnexpectedRedirectError a 3xx: API calls never follow redirects
    ├── APIConnectionError          no answer (refused, dropped, cut off, DNS)
    │   ├── APITimeoutError         no (complete) answer in time
    │   └── AnswerTooLargeError     an answer over the size limit (not read further)
    ├── UnreadableAnswerError       an answer of a shape the tolerant reader does not know
    ├── JobFailedError              the job ran and ended failed (status 3)
    ├── JobTimeoutError             wait() gave up before the job ended
    ├── DownloadError               none of a finished job's outputs could be saved
    └── StoreError                  the local job store cannot be opened, read or written

Every error has ``maybe_created``: True when a job-creating request may have reached the service
and created (and billed) a job although no answer said so; check before submitting it again.
Text from the service is shortened (``MAX_MESSAGE`` characters) before it is put in a message.

Bad arguments raise ``InvalidRequest`` / ``PromptError`` (ValueError subclasses from the contract)
before anything is sent. No exception here ever holds request headers, so the secret cannot leak.

Messages and advice are in the catalogue's language at the moment the error is raised (an
exception's text is fixed when it is made: it goes into logs, tracebacks and the card's poll
note as it is). What a program should test is language-neutral: ``status``, ``reason``,
``code``, ``path``, ``comment``, ``maybe_created``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..contract.errors import REASONS, describe_comment
from ..i18n import get_language, has, t

if TYPE_CHECKING:  # pragma: no cover
    from ._job import Job


MAX_MESSAGE = 2000
_CJK = re.compile(r"[\u3400-\u9fff]")


def shorten(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` cut to ``limit`` characters, saying how long it was."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text):,} characters in all)"


class YouchuanError(Exception):
    """Base class of every error youchuan_nb raises about the service."""

    #: True when a job-creating request may have created a job although no answer said so.
    maybe_created: bool = False


class APIError(YouchuanError):
    """A non-2xx answer. ``code``, ``reason`` and ``message`` come from the body."""

    def __init__(
        self,
        status: int,
        code: int | None,
        reason: str,
        message: str,
        *,
        method: str = "",
        path: str = "",
        body: Any = None,
        local: bool = False,
    ) -> None:
        reason, message = shorten(reason, 200), shorten(message)
        self.status, self.code, self.reason, self.message = status, code, reason, message
        self.method, self.path, self.body = method, path, body
        self.local = local  # refused by the client's own check of the documented rules
        known = reason in REASONS and has(f"client.advice.{reason}")
        self.advice = t(f"client.advice.{reason}") if known else _generic_advice(status)
        shown = message or (t(f"client.meaning.{reason}") if known else "")
        if known and message and get_language() == "zh" and not _CJK.search(message):
            # the service's English words after ours, so a Chinese message reads as Chinese
            shown = t("client.err.shown", meaning=t(f"client.meaning.{reason}"), message=message)
        if local:
            # nothing was sent: say so, and skip advice that refers to a server's message
            op = path.rsplit("/", 1)[-1] if path else t("client.err.this_operation")
            super().__init__(
                t("client.err.local", op=op, shown=shown, status=status, reason=reason)
            )
            return
        where = f" ({method} {path})" if method else ""
        super().__init__(
            t(
                "client.err.api",
                status=status,
                reason=reason or t("client.err.error"),
                where=where,
                shown=shown,
                advice=self.advice,
            ).strip()
        )


def _generic_advice(status: int) -> str:
    return t("client.advice.server" if status >= 500 else "client.advice.check")


class BadRequestError(APIError): ...


class InvalidPromptError(BadRequestError): ...


class ReUpscaleNotSupportedError(BadRequestError): ...


class AuthenticationError(APIError): ...


class InsufficientBalanceError(APIError): ...


class PermissionDeniedError(APIError): ...


class SensitivePromptError(PermissionDeniedError): ...


class NotFoundError(APIError): ...


class NotSupportedError(APIError): ...


class ConcurrencyLimitError(APIError): ...


class InternalServerError(APIError): ...


class ServerBusyError(APIError): ...


class UnexpectedRedirectError(APIError):
    """The service answered with a redirect. API calls never follow one: the credentials go to
    the configured base URL only. ``location`` is where it pointed."""

    def __init__(
        self,
        status: int,
        location: str,
        *,
        method: str = "",
        path: str = "",
        base_url: str = "",
        same_origin: bool = False,
    ) -> None:
        shown = shorten("".join(c if c.isprintable() else "?" for c in location), 300)
        self.location = shown
        where = t("client.err.redirect_same" if same_origin else "client.err.redirect_other")
        message = t(
            "client.err.redirect",
            location=shown or t("client.err.no_location"),
            where=where,
            base=base_url or "YOUCHUAN_BASE_URL",
        )
        super().__init__(status, None, "Redirect", message, method=method, path=path)
        self.advice = t("client.advice.redirect")
        Exception.__init__(
            self,
            t(
                "client.err.redirect_full",
                status=status,
                method=method,
                path=path,
                message=message,
                advice=self.advice,
            ),
        )


_BY_REASON: dict[str, type[APIError]] = {
    "Invalid_Prompt_Parameter": InvalidPromptError,
    "Job_ReUpscale_Not_Support": ReUpscaleNotSupportedError,
    "Msg_Sensitive": SensitivePromptError,
    "Max_Concurrent_Limited": ConcurrencyLimitError,
    "Server_Busy": ServerBusyError,
    "Request_Timout": ServerBusyError,
}
_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: InsufficientBalanceError,
    403: PermissionDeniedError,
    404: NotFoundError,
    405: NotSupportedError,
    429: ConcurrencyLimitError,
    500: InternalServerError,
    503: ServerBusyError,
}


def error_for(
    status: int, body: Any, *, method: str = "", path: str = "", local: bool = False
) -> APIError:
    """The exception for an error answer, chosen by reason first, then by HTTP status."""
    code, reason, message = None, "", ""
    if isinstance(body, dict):
        code = body.get("code") if isinstance(body.get("code"), int) else None
        reason = str(body.get("reason") or "")
        message = str(body.get("message") or body.get("comment") or "")
    elif isinstance(body, str):
        message = shorten(body, 300)
    cls = _BY_REASON.get(reason) or _BY_STATUS.get(status)
    if cls is None:
        cls = InternalServerError if status >= 500 else APIError
    return cls(status, code, reason, message, method=method, path=path, body=body, local=local)


# the reader's reasons (contract/answers.py) -> their words in the catalogue
_WHY = {
    "not a JSON object": "client.why.not_object",
    "no job id": "client.why.no_id",
    "no status the reader knows": "client.why.no_status",
}


class UnreadableAnswerError(YouchuanError):
    """The service answered, but in a shape youchuan_nb cannot read. ``raw`` is the answer and
    ``capture`` the file it was saved to (no credentials in it), for a bug report."""

    def __init__(self, message: str, *, raw: Any = None, capture: str | None = None) -> None:
        self.raw, self.capture = raw, capture
        message = shorten(message)
        where = t("client.err.capture", capture=capture) if capture else ""
        super().__init__(message + where)

    @classmethod
    def of_reader(cls, why: str, raw: Any, *, capture: str | None) -> UnreadableAnswerError:
        """The error for what the reader could not read (``why``: its reason, in English),
        said in the catalogue's language."""
        key = _WHY.get(why)
        text = repr(raw)
        answer = text if len(text) <= 300 else text[:300] + "..."
        message = t("client.err.unreadable", why=t(key) if key else why, answer=answer)
        return cls(message, raw=raw, capture=capture)


class APIConnectionError(YouchuanError):
    """The service gave no answer. ``maybe_created`` is True when a job-creating request may have
    reached the service (so it was not retried: a blind retry could bill twice)."""

    def __init__(
        self, message: str, *, method: str = "", path: str = "", maybe_created: bool = False
    ) -> None:
        self.method, self.path, self.maybe_created = method, path, maybe_created
        hint = t("client.err.maybe_created" if maybe_created else "client.err.network")
        super().__init__(
            t("client.err.connection", method=method, path=path, message=message, hint=hint)
        )


class APITimeoutError(APIConnectionError):
    """No answer within the timeout."""


class AnswerTooLargeError(APIConnectionError):
    """The answer was larger than any answer of the API; reading stopped at the limit."""


class JobFailedError(YouchuanError):
    """The job ran and ended failed; ``job.comment`` says why."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.comment = job.comment
        words = shorten(describe_comment(job.comment) or t("client.err.failed"), 500)
        # the service's own comment after our words, unless that is what the words are
        raw = shorten(job.comment or "")
        comment = t("client.err.job_failed_comment", comment=raw) if raw and raw != words else ""
        super().__init__(
            t("client.err.job_failed", id=shorten(job.id, 200), words=words, comment=comment)
        )


class JobTimeoutError(YouchuanError):
    """``wait()`` stopped waiting; the job itself goes on and can be waited for again."""

    def __init__(self, job: Job, timeout: float) -> None:
        self.job = job
        super().__init__(
            t(
                "client.err.job_timeout",
                id=shorten(job.id, 200),
                timeout=f"{timeout:g}",
                status=job.status_name,
            )
        )


class DownloadError(YouchuanError):
    """Nothing of a finished job could be saved; ``problems`` says why, output by output."""

    def __init__(self, job_id: str, problems: list[str]) -> None:
        self.job_id, self.problems = job_id, problems
        lines = "; ".join(problems) or t("client.err.no_outputs")
        super().__init__(shorten(t("client.err.download", id=shorten(job_id, 200), problems=lines)))


class StoreError(YouchuanError):
    """The local job store cannot be opened, read or written; ``path`` is where it is, ``what``
    was tried ("opened", "read", "written") and ``problem`` says what went wrong."""

    def __init__(self, path: object, what: str, problem: BaseException | str) -> None:
        self.path, self.what = str(path), what
        detail = problem if isinstance(problem, str) else f"{type(problem).__name__}: {problem}"
        self.problem = shorten(str(detail), 500)
        key = f"client.err.store.{what}"
        done = t(key) if has(key) else what
        super().__init__(t("client.err.store", path=self.path, what=done, problem=self.problem))
