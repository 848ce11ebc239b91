"""youchuan_nb: the Youchuan (悠船) image and video API in Jupyter.

    %load_ext youchuan_nb          # magics: %%imagine, %%animate, %youchuan
    client = youchuan_nb.Client()  # the Python client (the built-in simulator without credentials)

Public names are imported lazily so that ``import youchuan_nb`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    # the API contract
    "InvalidRequest": "contract",
    "PromptError": "contract",
    "Prompt": "contract",
    "check_prompt": "contract",
    "parse_prompt": "contract",
    "ENDPOINTS": "contract",
    # the client
    "Client": "client",
    "Job": "client",
    "Output": "client",
    "JobStore": "client",
    "JobRecord": "client",
    "MediaCache": "client",
    "YouchuanError": "client",
    "InsecureURLWarning": "client",
    "APIError": "client",
    "APIConnectionError": "client",
    "APITimeoutError": "client",
    "AuthenticationError": "client",
    "BadRequestError": "client",
    "ConcurrencyLimitError": "client",
    "InsufficientBalanceError": "client",
    "InternalServerError": "client",
    "InvalidPromptError": "client",
    "JobFailedError": "client",
    "JobTimeoutError": "client",
    "NotFoundError": "client",
    "NotSupportedError": "client",
    "PermissionDeniedError": "client",
    "ReUpscaleNotSupportedError": "client",
    "SensitivePromptError": "client",
    "ServerBusyError": "client",
    # the user's own pictures (client.upload)
    **dict.fromkeys(
        ("PictureError", "UploadError", "ImageHost", "S3Host", "CallableHost"), "client"
    ),
    "sample_picture": "data",
    # the simulator
    "Simulator": "sim",
    "Faults": "sim",
    # the notebook layer
    "JobCard": "notebook",
    "Studio": "notebook",
    "Archive": "notebook",
    "Gallery": "notebook",
    "show_job": "notebook",
}

__all__ = [*sorted(_EXPORTS), "load_ipython_extension", "unload_ipython_extension"]


def _offline_service() -> Any:
    from ._offline import embedded_service  # the simulator is imported at the first job only

    return embedded_service()


def _compose() -> None:
    # "no credentials means the built-in simulator": the client layer only knows the seam
    from .client._offline import register_offline_service

    register_offline_service(_offline_service)


_compose()


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'youchuan_nb' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


def load_ipython_extension(ipython: Any) -> None:
    from .notebook._extension import load

    load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    from .notebook._extension import unload

    unload(ipython)


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    """The prebuilt lab extension (saved cards show their static copy), for
    ``jupyter labextension develop``; pip installs it from the wheel's data files."""
    return [{"src": "labextension", "dest": "youchuan-nb"}]
