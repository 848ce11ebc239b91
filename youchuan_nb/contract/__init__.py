"""The Youchuan API contract: endpoints and field rules, prompt rules, follow-up rules, errors.

Shared by the client (validation before sending) and the simulator (validation of what arrives).
"""

from .endpoints import ENDPOINTS, Endpoint, Field, InvalidRequest, endpoint_for, enum_value, validate
from .errors import (COMMENTS, REASONS, STATUS_FAILED, STATUS_NAMES, STATUS_QUEUED, STATUS_RUNNING,
                     STATUS_SUCCESS, TERMINAL_STATUSES, describe_comment, is_charged, reason_info)
from .prompt import DEFAULT_MODEL, Prompt, PromptError, check_prompt, parse_prompt
from .rules import JobFacts, Refusal, refusal

__all__ = [
    "ENDPOINTS", "Endpoint", "Field", "InvalidRequest", "endpoint_for", "enum_value", "validate",
    "COMMENTS", "REASONS", "STATUS_FAILED", "STATUS_NAMES", "STATUS_QUEUED", "STATUS_RUNNING",
    "STATUS_SUCCESS", "TERMINAL_STATUSES", "describe_comment", "is_charged", "reason_info",
    "DEFAULT_MODEL", "Prompt", "PromptError", "check_prompt", "parse_prompt",
    "JobFacts", "Refusal", "refusal",
]
