"""A gallery of past jobs from the local job store: thumbnails; click one to reopen its card."""

from __future__ import annotations

import base64
from html import escape

import ipywidgets as w

from ..i18n import t
from ._session import Session, get_session, saved_output

THUMB_SIZE = 160


def _prompt_of(rec) -> str:
    return rec.params.get("text") or rec.params.get("prompt") or rec.params.get("remixPrompt") or ""


def _state_of(rec) -> str:
    """The record's state; a submit whose answer was lost "may exist" (check before paying)."""
    return t("gallery.may_exist") if rec.maybe_created else rec.state


def _first_thumbnail(rec, media) -> bytes | None:
    """The thumbnail of a job's first cached output, if any."""
    path = next((p for p in rec.media or [] if p), None)
    if path is None:
        return None
    try:
        return media.thumbnail(path, THUMB_SIZE)
    except Exception:  # the cached file is gone or unreadable: show a blank tile
        return None


class Gallery(w.VBox):
    def __init__(self, session: Session | None = None, limit: int = 24) -> None:
        self._session = session or get_session()
        self._out = w.Output()
        client = self._session.client
        # jobs, and submits whose answer was lost (no id, but their job may exist)
        records = client.history(limit=limit * 3)
        self._records = [r for r in records if r.job_id or r.maybe_created][:limit]
        # read once: the tiles and the static fallback both use them
        self._thumbs = [_first_thumbnail(rec, client.media) for rec in self._records]
        tiles = []
        for rec, thumb in zip(self._records, self._thumbs, strict=True):
            image = (
                w.Image(value=thumb, format="jpeg", layout=w.Layout(width="128px"))
                if thumb
                else w.HTML("<div style='width:128px;height:96px;background:#eee'></div>")
            )
            prompt = _prompt_of(rec)
            label = w.Label(f"{rec.endpoint} · {_state_of(rec)}", layout=w.Layout(width="128px"))
            text = w.Label(prompt[:40], tooltip=prompt, layout=w.Layout(width="128px"))
            button = w.Button(
                description="Open",
                layout=w.Layout(width="128px"),
                tooltip=f"Reopen job {rec.job_id}" if rec.job_id else t("gallery.may_exist_tip"),
                disabled=not rec.job_id,
            )
            button.on_click(lambda _b, job_id=rec.job_id: self._open(job_id))
            tiles.append(w.VBox([image, label, text, button]))
        where = client.store.path if client.store else "this session"
        title = w.Label(f"{len(self._records)} recent job(s) from {where}")
        grid = w.GridBox(tiles, layout=w.Layout(grid_template_columns="repeat(auto-fill, 140px)"))
        super().__init__([title, grid, self._out])
        self.add_class("yc-gallery")

    def _repr_mimebundle_(self, **kwargs):
        # saved and exported notebooks show the thumbnails rather than a widget repr
        data = dict(super()._repr_mimebundle_(**kwargs) or {})
        data["text/html"] = self._html()
        data["text/plain"] = (
            "\n".join(f"{r.job_id or '-'}  {r.endpoint}  {_state_of(r)}" for r in self._records)
            or "(no jobs yet)"
        )
        return saved_output(data)

    def _html(self) -> str:
        cells = []
        for rec, thumb in zip(self._records, self._thumbs, strict=True):
            img = (
                (
                    f'<img src="data:image/jpeg;base64,{base64.b64encode(thumb).decode()}" '
                    'style="width:128px;border-radius:4px">'
                )
                if thumb
                else ""
            )
            cells.append(
                f'<div style="display:inline-block;width:136px;vertical-align:top;margin:4px">'
                f'{img}<div style="font-size:11px">{escape(rec.endpoint)} · '
                f'{escape(_state_of(rec))}</div><div style="font-size:11px">'
                f"{escape(_prompt_of(rec)[:60])}</div>"
                f'<code style="font-size:10px">{escape(rec.job_id or "")}</code></div>'
            )
        return "<div class='yc-gallery-static'>" + "".join(cells) + "</div>"

    def _open(self, job_id: str) -> None:
        from IPython.display import display

        from ._rerun import tree_card

        self._out.clear_output()
        try:
            # falls back to the job store (and the media cache) when the service forgot it
            job = self._session.client.job(job_id)
        except Exception as exc:
            with self._out:
                print(f"could not open job {job_id}: {exc}")
            return
        card = tree_card(self._session, job)  # with its follow-ups, from the store
        with self._out:
            display(card)
