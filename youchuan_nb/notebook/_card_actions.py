"""The card's buttons: one table from a click to a client call.

A click arrives as ``{"action": <name>, "index": i, "params": {...}}``. ``ACTIONS[name]`` says

* which contract endpoint decides whether the button is enabled (``refusal(endpoint, facts)``)
  and which one the click calls;
* which keys of ``CardState.actions`` (or ``grid_actions``) carry the button's state: a
  button in ``static/card.js`` ``BUTTONS`` reads its ``key`` there (test_card_js.py checks that
  the two sides name the same keys);
* how to build the call from the job, the output index and the params, checking what can be
  checked before anything is sent;
* the detail of the pending row's label ("Upscale (creative) of image 2 of job 1a2b3c4d").

``use`` and ``download`` call nothing: ``use`` is answered with a cell to copy; ``download`` is
a link the front end makes from media it already has, and never reaches the kernel.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol
from urllib.parse import urlsplit

from ..client import Job, mask_from_shapes
from ..contract import (
    JobFacts,
    enum_name,
    enum_names,
    is_http_url,
    parse_prompt,
    refusal,
)
from ..contract.urls import is_loopback_url
from ..i18n import t
from ._card_words import click_detail, lineage, op_name, why

if TYPE_CHECKING:  # _card_state imports this module
    from ..client import Client
    from ._card_state import Node, OutputState, UsedAction

PAN_SCALE = 1.5

#: Where a button sits: on each image of a grid or single card, on each video, or on the
#: card's header (the whole grid).
Place = Literal["image", "video", "grid"]

Call = Callable[[], Job]


class CallContext(Protocol):
    """What building a call may need from the card."""

    def check_request(self, ep_name: str, fields: dict[str, Any], parent: Job) -> Any: ...

    def output_size(self, job: Job, index: int) -> tuple[int, int]: ...

    def new_grid(self, prompt: str) -> Job: ...

    def new_video(self, prompt: str, video_type: Any) -> Job: ...


Build = Callable[[Job, int, Mapping[str, Any], CallContext], Call]


@dataclass(frozen=True)
class CardAction:
    """One kind of click on the card."""

    name: str  # the message's "action"
    endpoint: str | None  # the endpoint it calls and whose rules decide it (None: local)
    place: Place
    keys: tuple[str, ...]  # its keys in CardState.actions / grid_actions
    build: Build | None = None
    sent: bool = True  # the front end sends it to the kernel (False: front end only)
    failed_only: bool = False  # shown on failed jobs (card_state decides), not finished ones
    root_only: bool = False  # shown on a card's top-level grids only (card_state decides)

    def reason(self, job: Job, facts: JobFacts) -> str:
        """Why the button is disabled for ``job`` ("" when it is enabled), in words."""
        if self.name == "use":
            return "" if all(is_http_url(u) for u in job.urls) else t("why.no_url")
        if self.endpoint is None:
            return ""
        r = refusal(self.endpoint, facts, None if self.place == "grid" else 0)
        return why(self.endpoint, facts, r) if r else ""

    def label(self, index: int | None, params: Mapping[str, Any], parent: Job) -> str:
        """The pending row's label, until the job exists and says its own."""
        what = op_name(self.endpoint or self.name) + click_detail(self.name, params)
        which = index if self.place != "grid" else None
        return lineage(what, parent.id, which, self.place == "video")


def _choice(endpoint: str, field: str, value: Any, what: str) -> str:
    """``value`` if it is one of the endpoint's enum names for ``field`` (else a ValueError)."""
    names = enum_names(endpoint, field)
    name = enum_name(endpoint, field, value)
    if name is None:
        raise ValueError(f"{what} {value!r}: use {', '.join(names)}")
    return name


def _text(params: Mapping[str, Any], name: str = "prompt") -> str:
    return str(params.get(name) or "").strip()


# -- building the calls ---------------------------------------------------------------------
def _upscale(job: Job, i: int, params: Mapping[str, Any], ctx: CallContext) -> Call:
    kind = _choice("upscale", "type", params.get("type", "standard"), "upscale type")
    return lambda: job.upscale(i, kind)


def _vary(job: Job, i: int, params: Mapping[str, Any], ctx: CallContext) -> Call:
    strong = bool(params.get("strong"))
    return lambda: job.vary(i, strong=strong)


def _pan(job: Job, i: int, params: Mapping[str, Any], ctx: CallContext) -> Call:
    direction = _choice("pan", "direction", params.get("direction"), "pan direction")
    return lambda: job.pan(i, direction, PAN_SCALE)


def _zoom(job: Job, i: int, params: Mapping[str, Any], ctx: CallContext) -> Call:
    scale = float(params.get("scale", 2.0))
    return lambda: job.zoom_out(i, scale)


def _remix(job: Job, i: int, params: Mapping[str, Any], ctx: CallContext) -> Call:
    prompt = _text(params)
    if not prompt:
        raise ValueError(t("card.err.remix_prompt"))
    mode = _choice("remix", "mode", params.get("mode") or "strong", "remix mode")
    ctx.check_request(
        "remix", {"jobId": job.id, "imageNo": i, "remixPrompt": prompt, "mode": mode}, job
    )
    return lambda: job.remix(i, prompt, mode=mode)


def _inpaint(job: Job, i: int, params: Mapping[str, Any], ctx: CallContext) -> Call:
    shapes = params.get("shapes") or []
    if not shapes:
        raise ValueError(t("card.err.inpaint_area"))
    mask = mask_from_shapes(shapes, *ctx.output_size(job, i))
    prompt = _text(params) or None
    ctx.check_request(
        "inpaint", {"jobId": job.id, "imageNo": i, "mask": mask, "remixPrompt": prompt}, job
    )
    return lambda: job.inpaint(i, mask, remix_prompt=prompt)


def _animate(job: Job, i: int, params: Mapping[str, Any], ctx: CallContext) -> Call:
    motion = params.get("motion") or "low"
    prompt = _text(params) or None
    return lambda: job.animate(i, prompt, motion=motion)


def _enhance(job: Job, i: int, params: Mapping[str, Any], ctx: CallContext) -> Call:
    return lambda: job.enhance(i)


def _reroll(job: Job, i: int, params: Mapping[str, Any], ctx: CallContext) -> Call:
    return lambda: job.reroll()


def can_run_again(job: Job) -> bool:
    """A job a cell makes on its own (a grid, or a video from a prompt alone: ``%%imagine``,
    ``%%animate`` without ``--from``), so "Run again" can make the same request anew."""
    if job.action == "diffusion":
        return bool(job.text)
    if job.action == "video_diffusion":
        return not job.params.get("jobId") and bool(job.params.get("prompt"))
    return False


def _run_again(job: Job, i: int, params: Mapping[str, Any], ctx: CallContext) -> Call:
    # a new job for the same prompt and flags, as the cell would make with --new
    if not can_run_again(job):
        raise ValueError(t("revive.err.no_rerun"))
    if job.action == "video_diffusion":
        prompt, video_type = str(job.params["prompt"]), job.params.get("videoType")
        return lambda: ctx.new_video(prompt, video_type)
    text = job.text
    return lambda: ctx.new_grid(text)


def _extend(job: Job, i: int, params: Mapping[str, Any], ctx: CallContext) -> Call:
    prompt = _text(params)
    if not prompt:
        raise ValueError(t("card.err.extend_prompt"))
    return lambda: job.extend(i, prompt)


def _upscale_video(job: Job, i: int, params: Mapping[str, Any], ctx: CallContext) -> Call:
    return lambda: job.upscale_video(i)


_ALL = [
    CardAction("upscale", "upscale", "image", ("upscale_standard", "upscale_creative"), _upscale),
    CardAction("vary", "variation", "image", ("vary_subtle", "vary_strong"), _vary),
    CardAction("pan", "pan", "image", ("pan",), _pan),
    CardAction("zoom", "outpaint", "image", ("zoom",), _zoom),
    CardAction("remix", "remix", "image", ("remix",), _remix),
    CardAction("inpaint", "inpaint", "image", ("inpaint",), _inpaint),
    CardAction("animate", "video_diffusion", "image", ("animate",), _animate),
    CardAction("enhance", "enhance", "image", ("enhance",), _enhance),
    CardAction("use", None, "image", ("use",)),
    CardAction("reroll", "reroll", "grid", ("reroll",), _reroll),
    # "Run again": a new top-level job of the cell's request (JobCard.run_again), not a follow-up
    CardAction("rerun", "diffusion", "grid", ("rerun",), _run_again, root_only=True),
    CardAction("extend", "extend_video", "video", ("extend",), _extend),
    CardAction("upscale_video", "video_upscale", "video", ("upscale_video",), _upscale_video),
    CardAction("download", None, "video", ("download",), sent=False),
    # a failed job's header button: the card makes the same request again (JobCard.retry)
    CardAction("retry", None, "grid", ("retry",), failed_only=True),
]

#: message action -> what it does
ACTIONS: dict[str, CardAction] = {a.name: a for a in _ALL}


def action_states(job: Job, video: bool) -> tuple[dict[str, str], dict[str, str]]:
    """``(actions, grid_actions)`` of a finished job: each button key -> why it is disabled
    ("" when enabled). A key that is absent means no button."""
    facts = job.facts()
    actions: dict[str, str] = {}
    grid: dict[str, str] = {}
    for action in _ALL:
        if (action.place == "video") != video or action.failed_only or action.root_only:
            continue
        reason = action.reason(job, facts)
        target = grid if action.place == "grid" else actions
        for key in action.keys:
            target[key] = reason
    return actions, grid


def image_size(job: Job, index: int, outputs: Sequence[OutputState]) -> tuple[int, int]:
    """The full size of image ``index`` (for a vary-region mask): known from the card's outputs,
    else read from the downloaded file."""
    if index < len(outputs) and outputs[index]["width"] and outputs[index]["height"]:
        return outputs[index]["width"], outputs[index]["height"]
    from PIL import Image

    paths = job.cached_paths()
    path = paths[index] if index < len(paths) else None
    if path is None:
        raise ValueError(t("card.err.not_local", n=index + 1))
    with Image.open(path) as im:
        return im.size


def _shareable(url: str) -> bool:
    """A link a cell run later (or the service) can fetch: http(s), not this machine's simulator
    (a loopback address changes with every start and means nothing to the service), and no
    ``user:password@`` in it."""
    return is_http_url(url) and not is_loopback_url(url) and "@" not in urlsplit(url).netloc


def use_cell(job: Job, index: int) -> str:
    """The "use" button: a runnable ``%%imagine`` cell with the job's own prompt and flags, and
    output ``index`` as its image prompt when that is a link the service can fetch (never a
    simulator's loopback address: then the cell has the prompt and flags alone)."""
    if not 0 <= index < len(job.urls):
        raise ValueError(t("card.err.no_output", n=index + 1))
    prompt = parse_prompt(job.text)  # the job's words and its flags, as the user wrote them
    images = [u for u in dict.fromkeys([job.urls[index], *prompt.images]) if _shareable(u)]
    if not images and not prompt.text:
        raise ValueError(t("why.no_url"))  # nothing a new cell could start from
    return "%%imagine\n" + " ".join(p for p in [*images, prompt.text, *prompt.chips] if p)


def build_call(
    job: Job, name: str, index: int | None, params: Mapping[str, Any], ctx: CallContext
) -> tuple[Call, CardAction]:
    """The client call a click asks for (not yet made), and its table entry."""
    action = ACTIONS.get(name)
    if action is None or action.build is None or action.endpoint is None:
        raise ValueError(f"unknown action {name!r}")
    return action.build(job, 0 if index is None else index, params, ctx), action


#: endpoint -> the card action that calls it
_BY_ENDPOINT = {a.endpoint: a for a in _ALL if a.endpoint and not a.root_only}


def click_of(job: Job) -> tuple[str, int | None, dict[str, Any]] | None:
    """The card click that would have made ``job`` (its request read back), or None."""
    action = _BY_ENDPOINT.get(job.action)
    if action is None:
        return None
    p = job.params
    which = p.get("videoNo" if action.place == "video" else "imageNo")
    index = which if isinstance(which, int) and not isinstance(which, bool) else None
    params: dict[str, Any] = {}
    if action.name == "upscale":
        params["type"] = enum_name("upscale", "type", p.get("type")) or "standard"
    elif action.name == "vary":
        params["strong"] = enum_name("variation", "type", p.get("type")) == "strong"
    elif action.name == "pan":
        name = enum_name("pan", "direction", p.get("direction"))
        params["direction"] = {"bottom": "down", "top": "up"}.get(name or "", name)
    elif action.name == "zoom" and p.get("scale") is not None:
        params["scale"] = float(p["scale"])
    return action.name, None if action.place == "grid" else index, params


def used_of(node: Node) -> list[UsedAction]:
    """The follow-up ``node`` is, as a used action of its parent (none if it was never made)."""
    if node.state == "refused" or (node.job is not None and node.job.failed):
        return []
    click = node.click or (click_of(node.job) if node.job is not None else None)
    if click is None:
        return []
    name, index, params = click
    keep = {
        k: v for k, v in params.items() if k in ("type", "strong", "direction", "scale", "motion")
    }
    return [{"action": name, "index": index, "params": keep}]


def retry_call(node: Node, client: Client, parent: Job | None, ctx: CallContext) -> Call | None:
    """How to make ``node``'s job again if it failed (None: nothing to retry): the call that
    made it, or, for a job the card did not make (read from the store), one built anew."""
    job = node.job
    if job is None or not job.failed:
        return None
    if node.retry is not None:
        return node.retry
    if job.action == "diffusion" and job.text:
        text = job.text
        return lambda: client.diffusion(text)
    click = click_of(job)
    if parent is None or click is None or not parent.ok:
        return None
    name, index, params = click
    try:
        return build_call(parent, name, index, params, ctx)[0]
    except ValueError:
        return None
