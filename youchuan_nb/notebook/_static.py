"""Static fallbacks of a card: ``text/html`` and ``text/plain``.

GitHub, nbviewer, nbconvert and a notebook reopened without its kernel show these instead of the
widget. Thumbnails are embedded as small JPEG data URIs (the service's URLs expire). Every piece
of text from a user or the server goes through ``html.escape``. Both read the card's
``CardState`` list (``_card_state.py``), the same dicts the widget's front end renders.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from html import escape

from ..i18n import t
from ._card_state import CardState

_STATUS_COLOURS = {
    "finished": "#1a7f37",
    "failed": "#cf222e",
    "refused": "#cf222e",
    "unknown": "#9a6700",
    "waiting": "#6e7781",
}


def _thumb(data: bytes) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")


def html(
    cards: Sequence[CardState],
    thumbs: Mapping[str, bytes],
    *,
    simulator: bool = False,
    roots: Sequence[str] = (),
) -> str:
    """The copy; ``roots``: the card's top-level job ids (``data-yc-jobs``, space-separated:
    what a new kernel revives the card from)."""
    depth: dict[str, int] = {}
    lang = escape(t("card.js.lang"))
    jobs = escape(" ".join(roots))
    parts = [
        f'<div class="yc-static" lang="{lang}" data-yc-jobs="{jobs}" '
        'style="font-family:sans-serif;font-size:13px">',
        # what every viewer of this copy (a reopened notebook, nbconvert, GitHub) should know
        '<div class="yc-offline-note" style="margin:0 0 6px;padding:6px 10px;'
        "border-radius:6px;font-size:12px;background:#fff8c5;color:#24292f;"
        f'border:1px solid #d4a72c">{escape(t("card.static.saved_copy"))}</div>',
    ]
    for card in cards:
        level = depth.get(card["parent_key"] or "", -1) + 1
        depth[card["key"]] = level
        colour = _STATUS_COLOURS.get(card["status"], "#0969da")
        parts.append(
            f'<div style="margin:6px 0 6px {level * 24}px;border:1px solid #d0d7de;'
            'border-radius:6px;padding:8px">'
        )
        head = []
        if simulator:
            head.append(
                '<span style="background:#9a6700;color:#fff;padding:1px 6px;'
                f'border-radius:4px;font-size:11px">{escape(t("card.static.simulator"))}</span>'
            )
        head.append(f"<b>{escape(card['label'])}</b>")
        status = card.get("status_text") or t(f"card.status.{card['status']}")
        head.append(f'<span style="color:{colour}">{escape(status)}</span>')
        if card["job_id"]:
            head.append(f"<code>{escape(card['job_id'])}</code>")
        parts.append("<div>" + " &middot; ".join(head) + "</div>")
        prompt = " ".join([card["prompt"], *card["chips"]])
        if prompt.strip():
            parts.append(f'<div style="margin:4px 0">{escape(prompt)}</div>')
        pics = [p for p in card.get("inputs", []) if p["src"].startswith("data:image/jpeg;")]
        if pics:  # the input pictures: the kernel's own small JPEGs, never a fetched URL
            parts.append(
                "<div>"
                + "".join(
                    f'<img src="{escape(p["src"])}" alt="{escape(p["name"])}" '
                    f'title="{escape(p["name"])}" style="height:48px;margin:2px;border-radius:4px">'
                    for p in pics
                )
                + "</div>"
            )
        if card["message"]:
            parts.append(f'<div style="color:{colour}">{escape(card["message"])}</div>')
            if card.get("detail"):
                parts.append(
                    f'<div style="color:#6e7781;font-size:11px">{escape(card["detail"])}</div>'
                )
        images = []
        per_row = 4 if card["kind"] != "single" else 1
        # four to a row, as the live card: they shrink with the output's width (else they wrap)
        size = "width:calc(25% - 4px);max-width:256px" if per_row == 4 else "max-width:256px"
        for out in card["outputs"]:
            i = out["index"]
            if out["rejected"]:
                images.append(
                    f'<span style="display:inline-block;width:128px;padding:4px">'
                    f"{escape(t('card.static.rejected', audit=out['audit']))}</span>"
                )
                continue
            data = thumbs.get(f"{card['key']}/{i}")
            if data:
                key = (
                    "card.static.video_alt" if card["kind"] == "video" else "card.static.image_alt"
                )
                alt = escape(t(key, n=i + 1, job=card["job_id"]))
                images.append(
                    f'<img src="{_thumb(data)}" alt="{alt}" title="{alt}" '
                    f'style="{size};margin:2px;border-radius:4px">'
                )
        if images:
            rows = ["".join(images[i : i + per_row]) for i in range(0, len(images), per_row)]
            parts.append("<div>" + "<br>".join(rows) + "</div>")
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)


def text(cards: Sequence[CardState]) -> str:
    lines = []
    depth: dict[str, int] = {}
    for card in cards:
        level = depth.get(card["parent_key"] or "", -1) + 1
        depth[card["key"]] = level
        pad = "  " * level
        job = f" {card['job_id']}" if card["job_id"] else ""
        status = card.get("status_text") or t(f"card.status.{card['status']}")
        lines.append(f"{pad}{card['label']}{job}: {status}")
        prompt = " ".join([card["prompt"], *card["chips"]]).strip()
        if prompt and level == 0:
            lines.append(f"{pad}  {t('card.static.prompt', prompt=prompt)}")
        if card["message"]:
            lines.append(f"{pad}  {card['message']}")
        if card.get("detail"):
            lines.append(f"{pad}  ({card['detail']})")
        outs = card["outputs"]
        if outs:
            rejected = sum(1 for o in outs if o["rejected"])
            noun = "card.static.videos" if card["kind"] == "video" else "card.static.images"
            extra = t("card.static.rejected_count", n=rejected) if rejected else ""
            lines.append(f"{pad}  {t(noun, n=len(outs))}{extra}")
    return "\n".join(lines) or t("card.static.empty")
