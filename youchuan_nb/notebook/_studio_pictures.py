"""The Studio's own pictures: pick or drop one as the image prompt, the style reference
(``--sref``) or the object reference (``--oref``).

Each role is an ``ipywidgets.FileUpload``: it is part of ipywidgets (already a dependency, kept
working in JupyterLab, Notebook 7 and VS Code by its maintainers) and sends the file's bytes to
the kernel over the widget comm, so the Studio needs no front-end code of its own; the picture
is checked the moment it is picked (one line in the Studio if it is not a picture) and uploaded
only when Imagine is pressed. The card shows the file's name and a thumbnail made here. A
file can also be dropped on a role's target (``_picture_drop.py``): it is taken the same way.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from ..client import Picture, PictureError, normalise
from ..i18n import t
from ._local_pictures import remember
from ._picture_drop import PictureDrop

ROLES = ("image", "sref", "oref")


class StudioPictures(w.VBox):
    """Three pickers and the thumbnails of what was picked."""

    def __init__(self, on_problem: Callable[[str], None]) -> None:
        self._on_problem = on_problem
        self.chosen: dict[str, Picture | None] = dict.fromkeys(ROLES)
        self.pickers: dict[str, w.FileUpload] = {}
        for role in ROLES:
            picker = w.FileUpload(
                accept="image/*",
                multiple=False,
                description=t(f"uploads.studio.{role}"),
                tooltip=t(f"uploads.studio.{role}.tooltip"),
                layout=w.Layout(width="auto"),
            )
            picker.observe(lambda change, r=role: self._picked(r, change["new"]), names="value")
            self.pickers[role] = picker
        self.clear = w.Button(description=t("uploads.studio.clear"), layout=w.Layout(width="auto"))
        self.clear.on_click(lambda _b: self.forget())
        # or drop a file on a role's target (FileUpload takes no drops)
        self.drop = PictureDrop(ROLES, self._dropped)
        self.thumbs = w.HBox()
        super().__init__([w.HBox([*self.pickers.values(), self.clear]), self.drop, self.thumbs])

    def pick(self, role: str, name: str, data: bytes) -> Picture | None:
        """Take ``data`` as the picture of ``role`` (what a picker does with a chosen file)."""
        try:
            picture = normalise(data, name=name)
        except PictureError as exc:
            self._on_problem(str(exc))
            return None
        self.chosen[role] = picture
        self._show()
        return picture

    def _picked(self, role: str, files: Any) -> None:
        if not files:
            return
        first = files[0]  # ipywidgets 8: a tuple of dicts with name, type, size, content
        if self.pick(role, str(first.get("name") or "picture"), bytes(first["content"])):
            self.drop.clear(role)

    def _dropped(self, role: str, name: str, data: bytes) -> bool:
        if self.pick(role, name, data) is None:
            return False
        self.pickers[role].value = ()  # the role holds the dropped picture, not a picked one
        return True

    def forget(self) -> None:
        self.chosen = dict.fromkeys(ROLES)
        for picker in self.pickers.values():
            picker.value = ()
        self.drop.forget()
        self._show()

    def _show(self) -> None:
        boxes = []
        for role, picture in self.chosen.items():
            if picture is None:
                continue
            src = picture.thumbnail_data_url(64)
            image = w.Image(
                value=base64.b64decode(src.split(",", 1)[1]),
                format="jpeg",
                layout=w.Layout(height="48px"),
            )
            label = w.Label(f"{t(f'uploads.studio.{role}')}: {picture.name}")
            # not stretched to the label's width: the picture keeps its shape
            boxes.append(w.VBox([image, label], layout=w.Layout(align_items="flex-start")))
        self.thumbs.children = boxes

    def names(self) -> str:
        """What is picked, for the Studio's saved copy ("" if nothing)."""
        return ", ".join(
            f"{t(f'uploads.studio.{role}')}: {p.name}" for role, p in self.chosen.items() if p
        )

    def into(self, prompt: str, upload: Callable[[Any], str]) -> str:
        """``prompt`` with the picked pictures uploaded and placed: the image prompt first, the
        references after their flags (joining a ``--sref`` already there). Raises
        ``ValueError`` (PictureError/UploadError) before anything is submitted."""
        urls = {}
        for role, picture in self.chosen.items():
            if picture is not None:
                url = upload(picture)
                remember(url, picture.name, picture.thumbnail_data_url(96))
                urls[role] = url
        if "image" in urls:
            prompt = f"{urls['image']} {prompt}"
        if "sref" in urls:
            if re.search(r"(?:^|\s)--sref\s", prompt):
                prompt = re.sub(r"((?:^|\s)--sref\s)", lambda m: m.group(1) + urls["sref"] + " ",
                                prompt, count=1)  # fmt: skip
            else:
                prompt += f" --sref {urls['sref']}"
        if "oref" in urls:
            prompt += f" --oref {urls['oref']}"
        return prompt
