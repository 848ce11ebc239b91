"""The Studio's drop targets: drop a picture on "Image prompt", "Style" or "Object".

ipywidgets' ``FileUpload`` (the Studio's pickers) takes no drops, so this small anywidget
(``static/drop.js``) adds them: the browser sends a dropped file's bytes in one custom message
with one buffer, and ``on_drop(role, name, data)`` takes them as a picked file would be taken.
What the file is, is decided here (``StudioPictures.pick``), never by the browser. A file over
the Jupyter websocket's 10 MiB is shrunk in the browser first (to ``max_side``, as the kernel
would), or refused there with a message if it is not a picture the browser can read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from ..client import DEFAULT_MAX_SIDE
from ..i18n import strings

STATIC = Path(__file__).parent / "static"
_MAX_NAME = 200  # a file name is shown, never trusted: keep it short


class PictureDrop(anywidget.AnyWidget):
    """Drop targets for ``roles``; each drop calls ``on_drop(role, name, bytes)``."""

    _esm = STATIC / "drop.js"
    _css = STATIC / "drop.css"

    roles = traitlets.List(traitlets.Unicode()).tag(sync=True)
    strings = traitlets.Dict().tag(sync=True)
    accepted = traitlets.Dict().tag(sync=True)  # role -> the name of the picture taken
    # a picture too big for the websocket is shrunk in the browser to the kernel's own bound
    max_side = traitlets.Int(DEFAULT_MAX_SIDE).tag(sync=True)

    def __init__(self, roles: Sequence[str], on_drop: Callable[[str, str, bytes], bool]) -> None:
        super().__init__(roles=list(roles), strings=strings("drop.js."))
        self._on_drop = on_drop
        self.on_msg(self._message)

    def _message(self, _widget: Any, content: Any, buffers: Sequence[Any]) -> None:
        if not isinstance(content, dict) or content.get("type") != "drop":
            return
        role = content.get("role")
        if role not in self.roles or not buffers:
            return
        name = str(content.get("name") or "picture")[:_MAX_NAME]
        self.take(role, name, bytes(buffers[0]))

    def take(self, role: str, name: str, data: bytes) -> bool:
        """What a drop of ``data`` (a file called ``name``) on ``role`` does; True if taken
        (if not, ``on_drop`` has said why)."""
        taken = bool(self._on_drop(role, name, data))
        if taken:  # else the role keeps what it held
            self.accepted = {**self.accepted, role: name}
        self.send({"type": "done", "role": role, "taken": taken})  # the browser's note ends
        return taken

    def clear(self, role: str) -> None:
        """``role`` no longer holds a dropped picture (another was picked, or none)."""
        self.accepted = {k: v for k, v in self.accepted.items() if k != role}

    def forget(self) -> None:
        self.accepted = {}
