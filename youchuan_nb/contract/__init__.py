"""The Youchuan API contract: endpoints and field rules, prompt rules, job facts, follow-up
rules and where each rule comes from (sources, modes), errors, labels.

The bottom layer: the client (validation before sending, facts of its jobs) and the simulator
(validation of what arrives, facts of the jobs it holds) both use it and nothing else of each
other. It imports nothing from the rest of the package.
"""

from .endpoints import (
    ENDPOINTS,
    PROMPT_FIELDS,
    Endpoint,
    Field,
    InvalidRequest,
    endpoint_for,
    enum_name,
    enum_names,
    enum_value,
    snake_case,
)
from .errors import (
    COMMENTS,
    REASONS,
    STATUS_FAILED,
    STATUS_NAMES,
    STATUS_QUEUED,
    STATUS_RUNNING,
    STATUS_SUCCESS,
    TERMINAL_STATUSES,
    comment_advice,
    comment_enum,
    describe_comment,
    is_charged,
    reason_info,
)
from .facts import (
    ENDED_STATES,
    MAX_VIDEO_EXTENSIONS,
    JobFacts,
    JobState,
    child_facts,
    child_is_draft,
    expected_outputs,
    is_done,
    is_failed,
    is_video_endpoint,
    job_state,
    own_prompt,
)
from .labels import ACTION_LABELS, job_label
from .modes import RuleWarning, check_mode, refuses, reset_warnings, warn_once
from .prompt import DEFAULT_MODEL, Prompt, PromptError, check_prompt, parse_prompt
from .rules import Refusal, refusal, refusals
from .sources import MODES, RULES, Rule
from .urls import (
    is_http_url,
    is_loopback_url,
    is_video_name,
    loopback_path,
    media_type,
    suffix_for,
)
from .validation import coerce_numbers, validate

VIDEO_ACTIONS = frozenset(name for name, ep in ENDPOINTS.items() if ep.kind == "video")

__all__ = [
    "ACTION_LABELS",
    "COMMENTS",
    "DEFAULT_MODEL",
    "ENDED_STATES",
    "ENDPOINTS",
    "MAX_VIDEO_EXTENSIONS",
    "MODES",
    "PROMPT_FIELDS",
    "REASONS",
    "RULES",
    "STATUS_FAILED",
    "STATUS_NAMES",
    "STATUS_QUEUED",
    "STATUS_RUNNING",
    "STATUS_SUCCESS",
    "TERMINAL_STATUSES",
    "VIDEO_ACTIONS",
    "Endpoint",
    "Field",
    "InvalidRequest",
    "JobFacts",
    "JobState",
    "Prompt",
    "PromptError",
    "Refusal",
    "Rule",
    "RuleWarning",
    "check_mode",
    "check_prompt",
    "child_facts",
    "child_is_draft",
    "coerce_numbers",
    "comment_advice",
    "comment_enum",
    "describe_comment",
    "endpoint_for",
    "enum_name",
    "enum_names",
    "enum_value",
    "expected_outputs",
    "is_charged",
    "is_done",
    "is_failed",
    "is_http_url",
    "is_loopback_url",
    "is_video_endpoint",
    "is_video_name",
    "job_label",
    "job_state",
    "loopback_path",
    "media_type",
    "own_prompt",
    "parse_prompt",
    "reason_info",
    "refusal",
    "refusals",
    "refuses",
    "reset_warnings",
    "snake_case",
    "suffix_for",
    "validate",
    "warn_once",
]
