"""``%load_ext youchuan_nb``: register the magics and say which service is used.

Loading costs nothing: no client is made, so neither ``requests`` nor the widget libraries nor
the simulator are imported, and the simulator is not started. Which service will be used is
told from the environment alone; the client (and, without credentials, the simulator) comes at
the first job. The job store is opened once to check it: a corrupt or unopenable one is said
in one line, and the magics work on without it (jobs are then not remembered).
"""

from __future__ import annotations

import os
from typing import Any

from ..i18n import t

_CREDENTIALS = ("YOUCHUAN_APP_ID", "YOUCHUAN_SECRET")


def load(ipython: Any) -> None:
    from ._complete import register as register_completion
    from ._magics import ImagineMagics
    from ._revive import register as register_revive
    from ._session import check_store, use_settings

    # one magics object per shell: it holds the settings (%config ImagineMagics), which then
    # survive %reload_ext, and %config does not see two of them
    magics = next((c for c in ipython.configurables if isinstance(c, ImagineMagics)), None)
    if magics is None:
        magics = ImagineMagics(ipython)
    ipython.register_magics(magics)
    ipython.magics_manager.register_alias("yc", "youchuan", "line")
    register_display(ipython)
    register_completion(ipython)  # Tab completes flags in %%imagine / %%animate cells
    register_revive(ipython)  # saved cards of this notebook come back to life (_revive.py)
    use_settings(magics)
    print(service_note())
    try:
        problem = check_store()
    except Exception as exc:  # never keep the magics from loading
        problem = t("magics.load.store_unchecked", error=f"{type(exc).__name__}: {exc}")
    if problem:
        print(problem)  # the first job then works on without a store, and says so


def service_note(environ: Any = None) -> str:
    """The load message: which service the first job will use (from the environment only; the
    same rule as ``Client()``: no credentials and no base URL means the built-in simulator)."""
    env = os.environ if environ is None else environ
    app_id, secret = (env.get(name) or "" for name in _CREDENTIALS)
    base_url = env.get("YOUCHUAN_BASE_URL") or ""
    if not app_id and not secret and not base_url:
        return t("magics.load.simulator")
    if not app_id or not secret:
        missing = t("magics.load.and").join(
            n for n, v in zip(_CREDENTIALS, (app_id, secret), strict=True) if not v
        )
        return t("magics.load.missing", missing=missing)
    where = t("magics.load.at", url=base_url.rstrip("/")) if base_url else ""
    return t("magics.load.service", where=where, app=_masked(app_id))


def _masked(app_id: str) -> str:
    # as client.mask_app_id, which lives in the client module that imports requests
    if len(app_id) <= 6:
        return app_id[:1] + "***"
    return f"{app_id[:3]}***{app_id[-2:]}"


def _display_job(job: Any) -> None:
    from ._rerun import show_tree

    show_tree(job)  # with its follow-ups, from the store's parent links after a restart


def register_display(ipython: Any) -> None:
    """A ``Job`` left as a cell's value shows as its card. Registered by name, so the client
    module is not imported for it, and by the notebook layer, so ``Job`` knows nothing of it."""
    formatter = ipython.display_formatter.ipython_display_formatter
    formatter.for_type_by_name("youchuan_nb.client._job", "Job", _display_job)


def unload(ipython: Any) -> None:
    from ._complete import unregister
    from ._revive import unregister as unregister_revive
    from ._session import current_session

    unregister(ipython)
    unregister_revive(ipython)
    session = current_session()
    if session is not None:
        session.tracker.stop()
