"""What a job-creating request is checked against before it is accepted, and what it costs.

The rules themselves are the contract's (prompt rules, follow-up refusals, enum names); this
module applies them to a request and turns a failure into the service's error answer.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..contract import (
    PROMPT_FIELDS,
    InvalidRequest,
    JobFacts,
    Prompt,
    PromptError,
    check_prompt,
    enum_name,
    is_video_endpoint,
    refusal,
    snake_case,
)
from ._bodies import ApiError

# Prices (simulated; the real price list is not public). Keys are endpoint names plus modifiers.
DEFAULT_PRICES: dict[str, float] = {
    "diffusion": 1.0, "variation": 1.0, "reroll": 1.0, "pan": 1.0, "outpaint": 1.0,
    "inpaint": 1.0, "remix": 1.0, "edit": 1.0, "upload_paint": 1.0, "retexture": 1.0,
    "upscale": 0.5, "upscale_v5_4x": 1.0, "remove_background": 0.3, "enhance": 0.5,
    "video_diffusion": 8.0, "video_720p_factor": 3.2, "extend_video": 6.0, "video_upscale": 4.0,
    "draft_factor": 0.5,
}  # fmt: skip


#: The plans the simulator can play (``Simulator(plan=...)``), so code that handles the
#: document's plan errors can be tried offline: "fast+relax" (the default: both speeds),
#: "fast" (403 Relax_Not_Allow for --relax), "relax_used_up" (402 No_More_Relax_Credit for
#: --relax) and "none" (403 No_Avaliable_Plan for every job).
PLANS = ("fast+relax", "fast", "relax_used_up", "none")


def check_plan(plan: str, prompts: dict[str, Prompt]) -> None:
    """Refuse a job as the document says a plan does (its error table's 402/403)."""
    if plan == "none":
        raise ApiError(403, "No_Avaliable_Plan", "this account has no valid plan")
    if any(p.has("relax") for p in prompts.values()):
        if plan == "fast":
            raise ApiError(403, "Relax_Not_Allow", "this plan has no relax mode")
        if plan == "relax_used_up":
            raise ApiError(402, "No_More_Relax_Credit", "the plan's relax credit is used up")


def check_prompts(
    ep_name: str, body: dict, parent_model: str | None, rules: str = "documented"
) -> dict[str, Prompt]:
    """The request's prompts, parsed; 400 Invalid_Prompt_Parameter for one that breaks a rule
    the simulator refuses on in mode ``rules``."""
    kind = "video" if is_video_endpoint(ep_name) else "image"
    prompts: dict[str, Prompt] = {}
    for name in PROMPT_FIELDS:
        if name in body:
            # a remix prompt without its own --v keeps the parent's model
            default = parent_model if name == "remixPrompt" else None
            try:
                prompts[name] = check_prompt(
                    body[name],
                    kind=kind,
                    field_name=name,
                    default_model=default,
                    rules=rules,
                    service=True,
                )
            except PromptError as exc:
                raise ApiError(400, "Invalid_Prompt_Parameter", str(exc)) from None
    return prompts


_PROMPT_PARAMS = frozenset(snake_case(f) for f in PROMPT_FIELDS)  # as InvalidRequest names them


def refused(exc: InvalidRequest) -> ApiError:
    """The answer to a request that breaks a field's rule: 400, and for a prompt field the
    document's reason for a bad prompt (文生图: "400: 无效Prompt参数")."""
    prompt = exc.param in _PROMPT_PARAMS
    return ApiError(400, "Invalid_Prompt_Parameter" if prompt else "Invalid_Argument", str(exc))


def check_words(body: dict, sensitive_words: Iterable[str]) -> None:
    """403 Msg_Sensitive when a prompt contains one of the refused words."""
    for name in PROMPT_FIELDS:
        value = body.get(name)
        lowered = value.lower() if isinstance(value, str) else ""
        for word in sensitive_words:
            if word and word.lower() in lowered:
                raise ApiError(
                    403,
                    "Msg_Sensitive",
                    f"the {name} contains a word that is not allowed; rephrase it",
                )


def check_follow_up(
    ep_name: str, parent: JobFacts, index: int | None, rules: str = "documented"
) -> None:
    """The contract's refusal of this follow-up of a job with ``parent`` facts, as an error."""
    refused = refusal(ep_name, parent, index, rules=rules, service=True)
    if refused is not None:
        raise ApiError(refused.status, refused.reason, refused.message)


def price_for(prices: dict[str, float], ep_name: str, body: dict, draft: bool) -> float:
    if ep_name == "upscale" and enum_name(ep_name, "type", body.get("type")) == "v5_4x":
        price = prices["upscale_v5_4x"]
    elif (
        ep_name == "video_diffusion"
        and enum_name(ep_name, "videoType", body.get("videoType")) == "720p"
    ):
        price = prices["video_diffusion"] * prices["video_720p_factor"]
    else:
        price = prices[ep_name]
    if draft:
        price *= prices["draft_factor"]
    return round(price, 4)
