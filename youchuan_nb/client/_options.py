"""Checking ``Client(...)``'s options at construction, so a bad value fails at once and clearly
(instead of a submit that waits for ever with ``max_concurrent=0``, or an OverflowError deep in
urllib3 at the first request)."""

from __future__ import annotations

import math
import os
import warnings
from typing import Any

from ..contract import MODES, InvalidRequest, is_http_url, is_loopback_url
from ..i18n import t
from ._errors import YouchuanError
from ._http import Credentials
from ._store import JobStore

MAX_TIMEOUT = 24 * 3600.0


def _number(name: str, value: Any, *, low: float, high: float, allow_zero: bool = False) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if (
        ok
        and math.isfinite(value)
        and (low < value or (allow_zero and value == low))
        and value <= high
    ):
        return float(value)
    bound = f"at least {low:g}" if allow_zero else f"more than {low:g}"
    raise InvalidRequest(
        name, value, f"a number of seconds, {bound} and at most {high:g}", endpoint="Client"
    )


def _count(name: str, value: Any, *, low: int, high: int) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
        return value
    raise InvalidRequest(name, value, f"a whole number from {low} to {high}", endpoint="Client")


def check_credentials(auth: Credentials, base_url: Any) -> None:
    """Raise for missing or malformed credentials (never showing the secret) or base URL."""
    if not auth.app_id or not auth.has_secret:
        missing = t("client.err.and").join(
            n
            for n, v in (("YOUCHUAN_APP_ID", auth.app_id), ("YOUCHUAN_SECRET", auth.has_secret))
            if not v
        )
        raise YouchuanError(t("client.err.missing_credentials", missing=missing))
    if not isinstance(auth.app_id, str):
        raise InvalidRequest("app_id", auth.app_id, "a string", endpoint="Client")
    if not auth.usable:  # the secret's type only, never its value
        raise InvalidRequest("secret", f"<a {auth.secret_type}>", "a string", endpoint="Client")
    if base_url is not None and not (is_http_url(base_url) and len(base_url) <= 2048):
        raise InvalidRequest(
            "base_url", base_url, "an http:// or https:// URL of the service", endpoint="Client"
        )
    plain = isinstance(base_url, str) and base_url[:7].lower() == "http://"
    if plain and not is_loopback_url(base_url):
        # every request carries the secret in a header: over plain http anyone on the way reads it
        warnings.warn(t("client.warn.cleartext", url=base_url), InsecureURLWarning, stacklevel=4)


class InsecureURLWarning(UserWarning):
    """The service's address is plain http:// to another machine: the secret travels unencrypted."""


def check_options(
    *,
    timeout: Any,
    max_retries: Any,
    store: Any,
    cache_dir: Any,
    max_concurrent: Any,
    poll_interval: Any,
    max_poll_interval: Any,
    check_prompts: Any,
    rules: Any = "documented",
) -> tuple[float, float, float]:
    """Raise ``InvalidRequest`` (a ValueError) for the first bad option; returns (timeout,
    poll_interval, max_poll_interval) as floats."""
    seconds = _number("timeout", timeout, low=0.0, high=MAX_TIMEOUT)
    _count("max_retries", max_retries, low=0, high=20)
    if max_concurrent is not None:
        _count("max_concurrent", max_concurrent, low=1, high=10_000)
    poll = _number("poll_interval", poll_interval, low=0.0, high=3600.0)
    poll_max = _number("max_poll_interval", max_poll_interval, low=0.0, high=24 * 3600.0)
    if poll_max < poll:
        raise InvalidRequest(
            "max_poll_interval",
            max_poll_interval,
            f"at least poll_interval ({poll:g} s)",
            endpoint="Client",
        )
    if not isinstance(check_prompts, bool):
        raise InvalidRequest("check_prompts", check_prompts, "True or False", endpoint="Client")
    if rules not in MODES:
        raise InvalidRequest("rules", rules, "'documented' or 'strict'", endpoint="Client")
    if not (store is None or isinstance(store, (bool, str, os.PathLike, JobStore))):
        raise InvalidRequest(
            "store", store, "True, False, a path, or a JobStore", endpoint="Client"
        )
    if isinstance(store, str) and not store:
        raise InvalidRequest(
            "store", store, "a non-empty path (False: no store)", endpoint="Client"
        )
    if cache_dir is not None and not (isinstance(cache_dir, (str, os.PathLike)) and str(cache_dir)):
        raise InvalidRequest("cache_dir", cache_dir, "a folder path", endpoint="Client")
    return seconds, poll, poll_max


_OPTIONS = {
    "timeout": 30.0,
    "max_retries": 3,
    "store": True,
    "cache_dir": None,
    "max_concurrent": None,
    "poll_interval": 1.0,
    "max_poll_interval": 10.0,
    "check_prompts": True,
    "image_host": None,  # where local pictures go (client/_image_hosts.py)
    "rules": "documented",
}


def with_defaults(kwargs: dict[str, Any]) -> dict[str, Any]:
    unknown = set(kwargs) - set(_OPTIONS)
    if unknown:
        raise TypeError(f"Client got unexpected keyword arguments: {', '.join(sorted(unknown))}")
    return {**_OPTIONS, **kwargs}


def check_request_args(ep_name: Any, fields: Any, parent: Any) -> None:
    """The arguments of ``Client.check_request``: an endpoint name, a dict, a Job or None."""
    from ..contract import ENDPOINTS

    if not isinstance(ep_name, str) or ep_name not in ENDPOINTS:
        raise InvalidRequest(
            "ep_name", ep_name, "an endpoint name such as 'diffusion'", endpoint="check_request"
        )
    if not isinstance(fields, dict):
        raise InvalidRequest("fields", fields, "a dict of fields", endpoint="check_request")
    if parent is not None and not hasattr(parent, "made_facts"):
        raise InvalidRequest("parent", parent, "a Job or None", endpoint="check_request")
