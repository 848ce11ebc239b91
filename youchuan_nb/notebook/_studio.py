"""The studio: a prompt box, the common flags as controls, an Imagine button and a live feed."""

from __future__ import annotations

import ipywidgets as w

from ..contract import InvalidRequest, check_prompt
from ..contract.flags import flag_help
from ..i18n import t
from ._card import JobCard
from ._session import Session, get_session, saved_output
from ._studio_pictures import StudioPictures

MODELS = ["7", "6.1", "8.1", "niji 7", "niji 6"]
RATIOS = ["1:1", "4:3", "3:2", "16:9", "21:9", "3:4", "2:3", "9:16"]
QUALITIES = ["0.5", "1", "2", "4"]


class Studio(w.VBox):
    """Explore without magics: ``youchuan_nb.Studio()``.

    Its texts are in the language of the moment it is made (a new Studio follows a switch)."""

    def __init__(self, session: Session | None = None) -> None:
        self._session = session or get_session()
        self.prompt = w.Textarea(
            placeholder=t("studio.prompt.placeholder"),
            tooltip=t("studio.prompt.tooltip"),
            layout=w.Layout(width="100%", height="64px"),
        )
        self.model = w.Dropdown(options=MODELS, value="7", description=t("studio.model"))
        self.ratio = w.Dropdown(options=RATIOS, value="1:1", description="--ar")
        self.stylize = w.IntSlider(100, 0, 1000, 10, description="--stylize")
        self.chaos = w.IntSlider(0, 0, 100, 1, description="--chaos")
        self.seed = w.Text(value="", placeholder=t("studio.seed.placeholder"), description="--seed")
        self.raw = w.Checkbox(False, description="--raw")
        self.hd = w.Checkbox(False, description="--hd (8.1)")
        self.draft = w.Checkbox(False, description="--draft (v7)")
        self.weird = w.IntSlider(0, 0, 3000, 50, description="--weird")
        qualities = [(t("studio.quality.default"), ""), *((q, q) for q in QUALITIES)]
        self.quality = w.Dropdown(options=qualities, value="", description="--q")
        self.exp = w.IntSlider(0, 0, 100, 1, description="--exp")
        self.no = w.Text(value="", placeholder=t("studio.no.placeholder"), description="--no")
        self.sref = w.Text(value="", placeholder=t("studio.sref.placeholder"), description="--sref")
        self.tile = w.Checkbox(False, description="--tile")
        flags = {
            self.model: "version",
            self.ratio: "ar",
            self.stylize: "stylize",
            self.chaos: "chaos",
            self.seed: "seed",
            self.raw: "raw",
            self.hd: "hd",
            self.draft: "draft",
            self.weird: "weird",
            self.quality: "quality",
            self.exp: "exp",
            self.no: "no",
            self.sref: "sref",
            self.tile: "tile",
        }
        for control, flag in flags.items():
            control.tooltip = flag_help(flag)  # the same one line as Tab in a cell
        self.button = w.Button(
            description=t("studio.button"),
            tooltip=t("studio.button.tooltip"),
            button_style="primary",
            icon="magic",
        )
        self.error = w.Label()
        # your own pictures as image prompt, --sref or --oref (uploaded at Imagine)
        self.pictures = StudioPictures(lambda problem: setattr(self.error, "value", problem))
        self.feed = w.VBox()
        self.button.on_click(lambda _b: self.imagine())
        for control in (self.prompt, *flags):
            control.observe(lambda _change: setattr(self.error, "value", ""), names="value")
        controls = w.GridBox(
            list(flags),
            layout=w.Layout(grid_template_columns="repeat(2, 50%)"),
        )
        badge = (
            [
                w.HTML(
                    f"<b style='color:#9a6700' title='{t('studio.simulator.tooltip')}'>"
                    f"{t('studio.simulator')}</b>"
                )
            ]
            if self._session.simulator
            else []
        )
        super().__init__(
            [
                *badge,
                self.prompt,
                controls,
                self.pictures,
                w.HBox([self.button, self.error]),
                self.feed,
            ]
        )
        self.add_class("yc-studio")

    def _repr_mimebundle_(self, **kwargs):
        # a saved or exported notebook shows the feed's cards, not a widget repr
        from html import escape

        data = dict(super()._repr_mimebundle_(**kwargs) or {})
        cards = [c for c in self.feed.children if hasattr(c, "_repr_mimebundle_")]
        prompt = self.full_prompt()
        parts = [f"<div>{t('studio.saved.html', prompt=escape(prompt))}</div>"]
        texts = [t("studio.saved.text", prompt=prompt)]
        for card in cards:
            bundle, _meta = card._repr_mimebundle_()
            parts.append(bundle.get("text/html", ""))
            texts.append(bundle.get("text/plain", ""))
        data["text/html"] = "".join(parts)
        data["text/plain"] = "\n".join(texts)
        return saved_output(data)

    def full_prompt(self) -> str:
        parts = [self.prompt.value.strip()]
        model = self.model.value
        parts.append(f"--niji {model.split()[1]}" if model.startswith("niji") else f"--v {model}")
        if self.ratio.value != "1:1":
            parts.append(f"--ar {self.ratio.value}")
        if self.stylize.value != 100:
            parts.append(f"--stylize {self.stylize.value}")
        if self.chaos.value:
            parts.append(f"--chaos {self.chaos.value}")
        if self.seed.value.strip():
            parts.append(f"--seed {self.seed.value.strip()}")
        if self.raw.value:
            parts.append("--raw")
        if self.hd.value:
            parts.append("--hd")
        if self.draft.value:
            parts.append("--draft")
        if self.weird.value:
            parts.append(f"--weird {self.weird.value}")
        if self.quality.value:
            parts.append(f"--q {self.quality.value}")
        if self.exp.value:
            parts.append(f"--exp {self.exp.value}")
        if self.no.value.strip():
            parts.append(f"--no {self.no.value.strip()}")
        if self.sref.value.strip():
            parts.append(f"--sref {self.sref.value.strip()}")
        if self.tile.value:
            parts.append("--tile")
        return " ".join(p for p in parts if p)

    def imagine(self) -> JobCard | None:
        prompt = self.full_prompt()
        try:
            check_prompt(prompt)
        except InvalidRequest as exc:
            self.error.value = t("studio.refused", problem=exc)
            return None
        try:  # the picked pictures are uploaded now, before the job is submitted
            prompt = self.pictures.into(prompt, self._session.client.upload)
        except ValueError as exc:
            self.error.value = str(exc)
            return None
        self.error.value = ""
        card = JobCard.imagine(prompt, self._session)
        self.feed.children = (card, *self.feed.children)
        return card
