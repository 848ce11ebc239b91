"""A gallery of past jobs from the local job store: thumbnails; click one to reopen its card."""

from __future__ import annotations

import ipywidgets as w

from ._session import Session, get_session


class Gallery(w.VBox):
    def __init__(self, session: Session | None = None, limit: int = 24) -> None:
        self._session = session or get_session()
        self._out = w.Output()
        tiles = []
        client = self._session.client
        records = [r for r in client.history(limit=limit * 3) if r.job_id][:limit]
        for rec in records:
            thumb = None
            for path in rec.media or []:
                if path:
                    try:
                        thumb = client.media.thumbnail(path, 160)
                    except Exception:
                        thumb = None
                    break
            image = (w.Image(value=thumb, format="jpeg", layout=w.Layout(width="128px"))
                     if thumb else w.HTML("<div style='width:128px;height:96px;background:#eee'></div>"))
            prompt = (rec.params.get("text") or rec.params.get("prompt")
                      or rec.params.get("remixPrompt") or "")
            label = w.Label(f"{rec.endpoint} · {rec.state}", layout=w.Layout(width="128px"))
            text = w.Label(prompt[:40], tooltip=prompt, layout=w.Layout(width="128px"))
            button = w.Button(description="Open", layout=w.Layout(width="128px"),
                              tooltip=f"Reopen job {rec.job_id}")
            button.on_click(lambda _b, job_id=rec.job_id: self._open(job_id))
            tiles.append(w.VBox([image, label, text, button]))
        title = w.Label(f"{len(records)} recent job(s) from {client.store.path if client.store else 'this session'}")
        grid = w.GridBox(tiles, layout=w.Layout(grid_template_columns="repeat(auto-fill, 140px)"))
        super().__init__([title, grid, self._out])
        self.add_class("yc-gallery")
        self._records = records

    def _repr_mimebundle_(self, **kwargs):
        # saved and exported notebooks show the thumbnails rather than a widget repr
        data = super()._repr_mimebundle_(**kwargs) or {}
        client = self._session.client
        data = dict(data)
        data["text/html"] = _gallery_html(self._records, client)
        data["text/plain"] = "\n".join(f"{r.job_id}  {r.endpoint}  {r.state}"
                                       for r in self._records) or "(no jobs yet)"
        return data

    def _open(self, job_id: str) -> None:
        from ._card import JobCard

        self._out.clear_output()
        try:
            job = self._session.client.job(job_id)
        except Exception as exc:
            rec = self._session.client.store.get(job_id) if self._session.client.store else None
            if rec is None:
                with self._out:
                    print(f"could not open job {job_id}: {exc}")
                return
            job = _job_from_record(self._session, rec)
        card = JobCard(self._session)
        card.add_job(job)
        with self._out:
            from IPython.display import display

            display(card)


def _job_from_record(session: Session, rec):
    """A Job rebuilt from the store when the service no longer answers for it."""
    from ..client import Job

    return Job(session.client, rec.raw or {"id": rec.job_id, "status": rec.status},
               action=rec.endpoint, params=rec.params, parent_id=rec.parent_id,
               image_no=rec.image_no, local_id=rec.local_id)


def _gallery_html(records, client) -> str:
    import base64
    from html import escape

    cells = []
    for rec in records:
        img = ""
        for path in rec.media or []:
            if path:
                try:
                    data = client.media.thumbnail(path, 160)
                    img = (f'<img src="data:image/jpeg;base64,{base64.b64encode(data).decode()}" '
                           'style="width:128px;border-radius:4px">')
                except Exception:
                    pass
                break
        prompt = rec.params.get("text") or rec.params.get("prompt") or rec.params.get("remixPrompt") or ""
        cells.append(f'<div style="display:inline-block;width:136px;vertical-align:top;margin:4px">'
                     f'{img}<div style="font-size:11px">{escape(rec.endpoint)} · {escape(rec.state)}'
                     f'</div><div style="font-size:11px">{escape(prompt[:60])}</div>'
                     f'<code style="font-size:10px">{escape(rec.job_id or "")}</code></div>')
    return "<div class='yc-gallery-static'>" + "".join(cells) + "</div>"
