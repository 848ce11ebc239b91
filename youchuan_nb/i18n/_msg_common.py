"""Texts shared by several areas (one module per area: ``EN`` and ``ZH`` with the same ids)."""

EN: dict[str, str] = {
    "common.yes": "yes",
    "common.no": "no",
}

ZH: dict[str, str] = {
    "common.yes": "是",
    "common.no": "否",
}
