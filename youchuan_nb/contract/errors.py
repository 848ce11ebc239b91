"""The service's documented error reasons and job status comments.

Both the client (to pick an exception class and write advice) and the simulator (to answer with
the same bodies) read these tables, so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import has, t


@dataclass(frozen=True)
class Reason:
    """A documented reason. ``meaning`` and ``advice`` are the English digest of the document;
    what a user reads comes from the catalogue (``client.meaning.*``, ``client.advice.*``, in
    both languages; a test keeps the English of the two the same)."""

    status: int
    reason: str
    meaning: str
    advice: str


# The spelling of reasons is the service's own ("Runnig", "Avaliable", "Timout").
REASONS: dict[str, Reason] = {
    r.reason: r
    for r in [
        Reason(
            500,
            "Internal_Server_Error",
            "internal error on the service",
            "Try again later. A job-creating call is not retried automatically after a 500, "
            "because the service may have created (and billed) the job; check client.history() "
            "or the costs before submitting again.",
        ),
        Reason(
            400,
            "Invalid_Argument",
            "invalid parameter",
            "Check the parameter named in the message against the API's allowed values.",
        ),
        Reason(
            403,
            "Permission_Denied",
            "no permission",
            "Your plan or app does not allow this operation.",
        ),
        Reason(503, "Server_Busy", "the service is busy", "Wait a little and try again."),
        Reason(
            503,
            "Request_Timout",
            "the request timed out on the service",
            "Wait a little and try again.",
        ),
        Reason(
            401,
            "Invalid_App_Identifier",
            "invalid app identity",
            "Set YOUCHUAN_APP_ID and YOUCHUAN_SECRET (or pass app_id= and secret= to Client, "
            "or run %youchuan login) with the credentials from the Youchuan console.",
        ),
        Reason(
            400,
            "Invalid_Prompt_Parameter",
            "invalid prompt",
            "Fix the prompt's flags (see the message); flags go at the end as --name value.",
        ),
        Reason(
            402,
            "No_More_Relax_Credit",
            "relax-mode credit used up",
            "Relax credit is used up: use fast mode or wait for the credit to renew.",
        ),
        Reason(
            403,
            "Relax_Not_Allow",
            "the plan has no relax mode",
            "Remove --relax from the prompt; this plan only runs fast jobs.",
        ),
        Reason(
            429,
            "Max_Concurrent_Limited",
            "the plan's maximum concurrency is reached",
            "Wait for a running job to finish; your plan limits how many jobs run at once "
            "(youchuan_nb queues jobs locally to stay within it).",
        ),
        Reason(
            402,
            "Account_Fee_Not_Enough",
            "the balance is too low",
            "Top up the account balance in the Youchuan console, then submit again.",
        ),
        Reason(
            400,
            "Cancel_Job_Not_Runnig",
            "cannot cancel a job that is not running",
            "The job already ended.",
        ),
        Reason(
            400,
            "Job_ReUpscale_Not_Support",
            "an upscaled image cannot be upscaled again",
            "Upscale an image of the original grid instead.",
        ),
        Reason(
            403,
            "Msg_Sensitive",
            "the prompt contains sensitive words",
            "Rephrase the prompt without the refused words.",
        ),
        Reason(
            403,
            "Upscale_Not_Support",
            "an upscale job does not support this operation",
            "Use the original grid job for this operation.",
        ),
        Reason(
            405,
            "Not_Support",
            "operation not supported for this job",
            "See the message for which operations this job allows.",
        ),
        Reason(
            403,
            "No_Avaliable_Plan",
            "no valid plan",
            "Subscribe to a plan in the Youchuan console.",
        ),
        Reason(404, "Not_Found", "not found", "Check the id."),
    ]
}


def reason_info(reason: str) -> Reason | None:
    return REASONS.get(reason)


# Job status integers (response-side research, HIGH confidence for 1-3, MED for 0).
STATUS_QUEUED, STATUS_RUNNING, STATUS_SUCCESS, STATUS_FAILED = 0, 1, 2, 3
TERMINAL_STATUSES = frozenset({STATUS_SUCCESS, STATUS_FAILED})
STATUS_NAMES = {0: "queued", 1: "running", 2: "finished", 3: "failed"}

# comment -> (plain words, charged?)
COMMENTS: dict[str, tuple[str, bool]] = {
    "JobStatusCreated": ("created", True),
    "JobStatusQueued": ("queued", True),
    "JobStatusRunning": ("running", True),
    "JobStatusSuccess": ("finished", True),
    "JobStatusFail": ("an unknown error", True),
    "JobStatusError": ("an execution error", True),
    "JobStatusReject": ("an image failed moderation", True),
    "JobStatusTextReject": ("the prompt text failed moderation (not charged)", False),
    "JobStatusBadPrompt": ("the prompt is malformed (not charged)", False),
    "JobStatusInvalidParameter": ("the prompt is malformed, please retry (not charged)", False),
    "JobStatusTimeout": ("timed out", True),
    "JobStatusRequestTimeout": ("processing timed out", True),
    "JobStatusInvalidImagePromptLink": ("an image link is invalid or could not be fetched", True),
    "JobStatusMaxConcurrentLimited": ("the plan's concurrent job limit was reached", True),
    "JobStatusCreditNotEnough": ("the job credit is used up", True),
    "JobStatusCanceled": ("canceled", True),
    "JobStatusImagePromptDenied": ("an image prompt was refused as sensitive", True),
    "JobStatusDuplicateImage": ("duplicate image", True),
}

FAILURE_COMMENTS = tuple(
    c
    for c in COMMENTS
    if c not in ("JobStatusCreated", "JobStatusQueued", "JobStatusRunning", "JobStatusSuccess")
)


#: The document's own Chinese text of each comment (its comment table). The service may send
#: either the enum name or this text; both are read as the same comment.
COMMENT_TEXTS: dict[str, str] = {
    "JobStatusCreated": "已创建",
    "JobStatusRunning": "执行中",
    "JobStatusSuccess": "成功",
    "JobStatusFail": "未知错误",
    "JobStatusError": "执行报错",
    "JobStatusReject": "图片审核未通过",
    "JobStatusTextReject": "文本审核未通过(生成失败的任务不消耗任务额度)",
    "JobStatusBadPrompt": "提示词格式错误(生成失败的任务不消耗任务额度)",
    "JobStatusInvalidParameter": "提示词格式错误,请重试(生成失败的任务不消耗任务额度)",
    "JobStatusTimeout": "任务失败(超时)",
    "JobStatusRequestTimeout": "任务处理失败(超时)",
    "JobStatusInvalidImagePromptLink": "无效图片链接或获取图片超时,请修改链接或重试",
    "JobStatusMaxConcurrentLimited": "您已达到同时任务数上限",
    "JobStatusCreditNotEnough": "您当前任务额度已用完,请升级计划或者购买更多任务额度",
    "JobStatusCanceled": "任务已经取消",
    "JobStatusQueued": "排队中",
    "JobStatusImagePromptDenied": "图片prompt敏感",
    "JobStatusDuplicateImage": "存在重复图片",
}
_BY_TEXT = {text: name for name, text in COMMENT_TEXTS.items()}


def comment_enum(comment: str | None) -> str:
    """The ``JobStatus*`` name of a comment given as its name or as the document's Chinese text
    (unknown comments come back as they are)."""
    text = (comment or "").strip()
    return _BY_TEXT.get(text, text)


# what to do about a job that failed with a comment: the catalogue's advice.comment.* (default:
# submit it again)


def comment_advice(comment: str | None) -> str:
    """What to do about a job that failed with ``comment``, in the catalogue's language."""
    key = f"advice.comment.{comment_enum(comment)}"
    return t(key) if has(key) else t("client.comment_advice.other")


def describe_comment(comment: str | None) -> str:
    """Plain words for a job comment, in the catalogue's language; unknown comments are shown
    as they came (a Chinese comment of the service stays Chinese)."""
    if not comment:
        return ""
    name = comment_enum(comment)
    key = f"comment.{name}"
    if name in COMMENTS and has(key):
        return t(key)
    words = COMMENTS.get(name)
    return words[0] if words else comment


def is_charged(comment: str | None) -> bool:
    words = COMMENTS.get(comment_enum(comment))
    return True if words is None else words[1]
