"""``%load_ext youchuan_nb``: register the magics and say which service is used."""

from __future__ import annotations

from typing import Any


def load(ipython: Any) -> None:
    from ..client import mask_app_id
    from ._magics import ImagineMagics
    from ._session import get_session

    from ..client import YouchuanError

    magics = ImagineMagics(ipython)
    ipython.register_magics(magics)
    ipython.magics_manager.register_alias("yc", "youchuan", "line")
    register_display(ipython)
    try:
        client = get_session().client
    except YouchuanError as exc:  # e.g. only one of the two credentials set
        print(f"youchuan_nb: {exc}")
        return
    if client.simulator is not None:
        print("youchuan_nb: no credentials found, using the built-in SIMULATOR "
              "(set YOUCHUAN_APP_ID and YOUCHUAN_SECRET, or run %youchuan login, for the real "
              "service). %youchuan help lists the commands.")
    else:
        print(f"youchuan_nb: using the Youchuan service at {client.base_url} as "
              f"{mask_app_id(client.app_id)}. %youchuan help lists the commands.")


def _display_job(job: Any) -> None:
    from ._card import show_job

    show_job(job)


def register_display(ipython: Any) -> None:
    """A ``Job`` left as a cell's value shows as its card. Registered by name, so the client
    module is not imported for it, and by the notebook layer, so ``Job`` knows nothing of it."""
    formatter = ipython.display_formatter.ipython_display_formatter
    formatter.for_type_by_name("youchuan_nb.client._job", "Job", _display_job)


def unload(ipython: Any) -> None:
    from ._session import get_session

    get_session().tracker.stop()
