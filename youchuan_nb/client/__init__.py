"""The Youchuan API client: ``Client``, ``Job``, the error tree, the job store and media cache.

Names are imported on first use, so importing a small part (the offline seam, the store) does
not import ``requests``.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "DEFAULT_BASE_URL": "_client",
    "Client": "_client",
    "mask_app_id": "_client",
    "InsecureURLWarning": "_options",
    "Batch": "_batch",
    "BatchItem": "_batch",
    "BatchProgress": "_batch",
    "BatchPromptsError": "_batch",
    "Job": "_job",
    "run_doctor": "_doctor",
    "DoctorReport": "_doctor",
    "Output": "_job",
    "MediaCache": "_media",
    "ArchiveItem": "_archive_query",
    "ArchivePage": "_archive_query",
    "ArchiveQuery": "_archive_query",
    "Export": "_export",
    "JobRecord": "_store",
    "JobStore": "_store",
    "default_home": "_store",
    "mask_from_shapes": "_masks",
    **dict.fromkeys(("Picture", "PictureError", "normalise", "DEFAULT_MAX_SIDE"), "_pictures"),
    **dict.fromkeys(
        ("ImageHost", "SimulatorHost", "S3Host", "CallableHost", "UploadError"), "_image_hosts"
    ),
    **dict.fromkeys(
        (
            "AnswerTooLargeError",
            "APIConnectionError",
            "APIError",
            "APITimeoutError",
            "AuthenticationError",
            "BadRequestError",
            "ConcurrencyLimitError",
            "InsufficientBalanceError",
            "InternalServerError",
            "InvalidPromptError",
            "JobFailedError",
            "JobTimeoutError",
            "NotFoundError",
            "NotSupportedError",
            "PermissionDeniedError",
            "ReUpscaleNotSupportedError",
            "SensitivePromptError",
            "UnreadableAnswerError",
            "ServerBusyError",
            "DownloadError",
            "StoreError",
            "UnexpectedRedirectError",
            "YouchuanError",
        ),
        "_errors",
    ),
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'youchuan_nb.client' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
