"""The Youchuan API client: ``Client``, ``Job``, the error tree, the job store and media cache."""

from ._client import DEFAULT_BASE_URL, Client, mask_app_id
from ._errors import (APIConnectionError, APIError, APITimeoutError, AuthenticationError,
                      BadRequestError, ConcurrencyLimitError, InsufficientBalanceError,
                      InternalServerError, InvalidPromptError, JobFailedError, JobTimeoutError,
                      NotFoundError, NotSupportedError, PermissionDeniedError,
                      ReUpscaleNotSupportedError, SensitivePromptError, ServerBusyError,
                      YouchuanError)
from ._job import Job, Output
from ._media import MediaCache
from ._store import JobRecord, JobStore, default_home

__all__ = [
    "DEFAULT_BASE_URL", "Client", "mask_app_id", "Job", "Output", "MediaCache", "JobRecord",
    "JobStore", "default_home", "APIConnectionError", "APIError", "APITimeoutError",
    "AuthenticationError", "BadRequestError", "ConcurrencyLimitError", "InsufficientBalanceError",
    "InternalServerError", "InvalidPromptError", "JobFailedError", "JobTimeoutError",
    "NotFoundError", "NotSupportedError", "PermissionDeniedError", "ReUpscaleNotSupportedError",
    "SensitivePromptError", "ServerBusyError", "YouchuanError",
]
