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


def unload(ipython: Any) -> None:
    from ._session import get_session

    get_session().tracker.stop()
