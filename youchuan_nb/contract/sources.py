"""Where every local rule comes from: one table, one mark per rule.

Each rule the contract can refuse on has an id (carried by the refusal, ``InvalidRequest.rule``),
a source kind and a citation:

* ``doc``: the official document (``youchuan-open-api.zh.txt``); ``quote`` is a passage that
  appears in it word for word (a test checks), ``cite`` names the section.
* ``secondary``: copies of the service's help pages and what public clients observe, as listed
  in ``docs/reference/response-side-research.md`` (``cite`` names the item and its confidence).
* ``assumption``: nothing found. These rules are **not checked**; they are listed so that the
  audit is visible (docs/sources.md) and a test keeps them from refusing.

How a rule is applied (:mod:`.modes`): by default (``rules="documented"``) only ``doc`` rules
refuse; a broken ``secondary`` rule warns once and the request goes to the service. ``strict``
refuses on both. The simulator follows the same marks; ``sim_refuses`` marks the secondary rules
it refuses on even by default, because public clients saw the real service fail on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SourceKind = Literal["doc", "secondary", "assumption"]
MODES = ("documented", "strict")


@dataclass(frozen=True)
class Rule:
    id: str
    kind: SourceKind
    cite: str  # the section (doc) or the research item and its confidence (secondary)
    quote: str = ""  # doc: a passage of the document, verbatim
    sim_refuses: bool = False  # secondary rules the simulator refuses on by default too
    checked: bool = True  # False for assumptions: listed, never applied


def _doc(rule_id: str, cite: str, quote: str) -> Rule:
    return Rule(rule_id, "doc", cite, quote)


def _sec(rule_id: str, cite: str, *, sim_refuses: bool = False) -> Rule:
    return Rule(rule_id, "secondary", cite, sim_refuses=sim_refuses)


def _assumed(rule_id: str, cite: str) -> Rule:
    return Rule(rule_id, "assumption", cite, checked=False)


# shipped with the project, so a warning's citation can be looked up
_R = "docs/reference/response-side-research.md"
# the ranges of numeric prompt flags (contract.prompt.RANGES), each its own rule
RANGE_FLAGS = ("chaos", "seed", "stop", "weird", "stylize", "sw", "ow", "exp", "iw", "cw")

_TABLE = [
    # -- request fields (contract.validation) ----------------------------------------------
    _doc("field.object", "every endpoint: 请求参数 (named parameters: a JSON object)", "请求参数"),
    _doc("field.required", "every endpoint's 请求参数 list: (必填)", "(必填)"),
    _sec(
        "field.unknown",
        f"{_R} §1 and §7.3: C5 'only fields in the proto schema are "
        "accepted'; whether unknown fields are refused: LOW",
    ),
    _doc(
        "text.encoding",
        "every sample sends Content-Type: application/json, and JSON text is UTF-8 (RFC 8259 "
        "§8.1), which cannot carry an unpaired surrogate",
        "Content-Type: application/json",
    ),
    _doc("text.length", "文生图 and every prompt field: 长度[1-8192]", "长度[1-8192]"),
    _doc("job_id.form", "二次编辑 endpoints: jobId: 任务ID(必填)", "jobId: 任务ID(必填)"),
    _doc("image_no.range", "二次编辑 endpoints: imageNo 0/1/2/3", "图片编号(0/1/2/3)"),
    _doc("video_no.range", "视频延长, 视频高清: videoNo [0/1/2/3]", "视频编号[0/1/2/3]"),
    _doc("variation.type", "变化 (Variation): type", "0:轻微变换(subtle), 1:强烈变换(strong)"),
    _doc("upscale.type", "高清 (Upscale): type", "0:标准高清, 1:创意高清, 2:v5_2x, 3:v5_4x"),
    _doc(
        "pan.direction",
        "延展 (Pan): direction",
        "0:向下(bottom), 1:向右(right), 2:向上(top), 3:向左(left)",
    ),
    _doc("pan.scale", "延展 (Pan): scale", "延展目标比例,取值范围[1.1-3.0]"),
    _doc("outpaint.scale", "扩图 (Outpaint): scale", "扩图目标比例,取值范围[1.1-2.0]"),
    _doc("remix.mode", "重塑 (Remix): mode", "0:强烈调整(strong), 1:细微调整(subtle)"),
    _doc(
        "video.type",
        "图生视频 (Video Diffusion): videoType 0: 480p, 1: 720p",
        "videoType: 视频分辨率类型(可选)",
    ),
    _doc(
        "url.http",
        "高级编辑, 转绘, 移除背景: imgUrl is an image URL (the service fetches it)",
        "imgUrl: 图片url",
    ),
    _doc(
        "url.length",
        "高级编辑 (Uploadpaint), 转绘 (Retexture): imgUrl 长度[1-1024]",
        "图片url, 长度[1-1024]",
    ),
    _doc(
        "callback.http",
        "every generation endpoint: callback is a notification URL",
        "callback: 任务结果回调通知接口",
    ),
    _doc("callback.length", "视频生成 endpoints: callback 长度[1-2048]", "长度[1-2048]"),
    _doc(
        "mask.form",
        "区域重绘 (Inpaint), 高级编辑: mask is areas or url",
        "url: 以黑白2值图片指定多边形区域(白色区域为重绘区)",
    ),
    _doc(
        "mask.area",
        "区域重绘 (Inpaint): areas are polygons {width, height, points} "
        "(the sample); a polygon has at least three x, y points",
        "areas: 多边形区域(支持指定多个区域)",
    ),
    _doc(
        "canvas.form",
        "编辑 (Edit), 高级编辑: canvas {width, height} in pixels",
        "canvas: 画布对象(必填)",
    ),
    _doc(
        "img_pos.form",
        "编辑 (Edit), 高级编辑: imgPos {width, height, x, y} in pixels",
        "imgPos: 图片相对画布的坐标及大小(必填)",
    ),
    _doc("moodboard.name", "创建Moodboard: name (required)", "name: Moodboard名称(必填)"),
    _doc(
        "moodboard.description",
        "创建Moodboard: description (text)",
        "description: Moodboard描述(可选)",
    ),
    _doc(
        "moodboard.images",
        "创建Moodboard: images, a list of image URLs (the sample)",
        "images: 图片列表(可选)",
    ),
    _doc(
        "costs.paging",
        "查询任务消耗历史记录, 按计费周期列举消耗详情: pageNo, pageSize",
        "页码[1-1000](必填)",
    ),
    _doc(
        "moodboards.paging",
        "获取Moodboard列表: pageNo, pageSize are page numbers",
        "pageNo: 页码(可选)",
    ),
    _doc(
        "costs.time",
        "查询任务消耗历史记录: since/to, as the sample writes them",
        "2023-01-01T00:00:00Z",
    ),
    _doc(
        "path.id", "查询任务信息, 更新Moodboard: the id is one path segment", "/v1/tob/job/{jobId}"
    ),
    _doc("retexture.model", "转绘 (Retexture): remixPrompt", "目前只支持6.1及以上的模型"),
    _doc("video.source", "图生视频 (Video Diffusion): jobId or prompt", "jobId/prompt 二选一"),
    _doc(
        "video.image_no",
        "图生视频 (Video Diffusion): imageNo goes with jobId",
        "(当提供jobId时使用)",
    ),
    # -- follow-ups (contract.rules) --------------------------------------------------------
    _doc(
        "follow.finished",
        "图片生成: a follow-up works on an image of the previous job, so "
        "that job must have finished with its images",
        "二次编辑是指需要提供前一个任务ID和图片编号",
    ),
    _doc(
        "follow.index",
        "图片生成: the image number names one of the previous job's images (an upscale has one)",
        "需要提供前一个任务ID和图片编号",
    ),
    _doc(
        "follow.video_only",
        "视频延长 extends an existing video; 视频高清 makes a 1080P video",
        "扩展现有视频的时长",
    ),
    _doc(
        "follow.image_only",
        "图片生成: 二次编辑 takes a job id and an image number",
        "提供前一个任务ID和图片编号来执行图片生成",
    ),
    _doc("follow.only_upscale", "注意事项; 变化 405", "高级编辑/转绘任务仅支持高清"),
    _doc("follow.reupscale", "错误描述: Job_ReUpscale_Not_Support", "高清任务不支持再次高清"),
    _doc("follow.video_reupscale", "视频高清 (Video Upscale): 403", "403: 高清任务不支持此操作"),
    _doc("follow.enhance_draft", "增强 (Enhance)", "仅支持draft类型任务"),
    _doc("follow.extend_max", "视频延长 (Extend Video): 405", "视频最多可扩展4"),
    _sec(
        "follow.v81",
        f"{_R} §5.4: D7 (v8.1 guide, a copy of the service's help page): pan, "
        "outpaint, inpaint, enhance not supported",
    ),
    # -- prompts (contract.prompt) ----------------------------------------------------------
    _sec(
        "prompt.data_uri",
        f"{_R} §5.1 and §7.6: data: URIs in a prompt cause 500 (Tanva "
        "FlowOverlay.tsx, observed; one client: LOW)",
        sim_refuses=True,
    ),
    _sec("prompt.video_flags", f"{_R} §5.3 video column; D3 note 3 (model overview)"),
    _sec("prompt.video_only", f"{_R} §5.3 last row: --video, --motion, --end, --loop, --bs"),
    *(
        _sec(f"prompt.range.{f}", f"{_R} §5.3: D2 (parameter details) range of --{f}")
        for f in RANGE_FLAGS
    ),
    _sec("prompt.ar", f"{_R} §5.3: D2 '--ar W:H (integers only)'"),
    _sec("prompt.version", f"{_R} §5.2: D2/D3 model list"),
    _sec("prompt.niji", f"{_R} §5.2: D2 niji values, D3 niji 6 and niji 7"),
    _sec("prompt.quality", f"{_R} §5.3: D2 --q per model (D2's prose differs for v6)"),
    _sec("prompt.sv", f"{_R} §5.3: D2 --sv values"),
    _sec("prompt.bs", f"{_R} §5.3, §2.5: D2/D3 --bs 1, 2 or 4"),
    _sec("prompt.motion", f"{_R} §5.3: D2 --motion low|high"),
    _sec("prompt.unsupported", f"{_R} §5.1: D2, D5 --repeat, --public, --stealth not supported"),
    _sec(
        "prompt.v81",
        f"{_R} §5.3: D7 v8.1 rejects ::, --stop, --weird, --tile, --cref, --cw, "
        "--bs, --draft, --turbo and --sv other than 6",
    ),
    _sec("prompt.multi_prompt", f"{_R} §5.2, §5.3: D6 (multi-prompt page), D7: no :: on 7, 8.1"),
    _sec("prompt.draft", f"{_R} §5.3: D5 (speed modes) --draft with v7 only"),
    _sec("prompt.hd", f"{_R} §5.3: D7 --hd with v8.1 only"),
    _sec("prompt.oref", f"{_R} §5.3: D4 (image reference) --oref, v7/v8.1, exactly one URL"),
    _sec("prompt.cref", f"{_R} §5.3: D4 --cref with v6/6.1/niji 6"),
    _sec("prompt.stop", f"{_R} §5.3: D2 --stop with v6/6.1/niji 6"),
    _sec("prompt.tile", f"{_R} §5.3: D2 --tile not on niji 7 or v8.1"),
    _sec("prompt.sref", f"{_R} §5.3: D3 at most 20 --sref URLs; --sref needs text"),
    _sec("prompt.needs", f"{_R} §5.3: D3 --sv/--sw need --sref, --cw --cref, --ow --oref"),
    _sec("prompt.iw", f"{_R} §5.3: D3 --iw needs an image prompt"),
    _sec("prompt.images_max", f"{_R} §5.3: D3 at most 20 image prompts"),
    _sec(
        "prompt.image_only",
        f"{_R} §5.1: D4 an image-only prompt needs two images (or an "
        "image and text) and takes no --stylize or --weird",
    ),
    # -- assumptions: listed, not checked ---------------------------------------------------
    _assumed(
        "text.chars",
        "control characters (NUL, ESC...) and non-characters in text: not in the document "
        "nor in public clients",
    ),
    _assumed("id.max_length", "at most 256 characters for job and moodboard ids and names"),
    _assumed("mask.limits", "at most 64 mask areas; 16384 pixels for areas, canvas and imgPos"),
    _assumed("moodboard.limits", "description length, at most 100 images, image URL length"),
    _assumed(
        "moodboards.paging_range",
        "ranges for moodboard paging (costs' 1-1000/1-500 are not copied)",
    ),
    _assumed("video_upscale.type", "video-upscale's type (only in the samples): any value"),
    _assumed("prompt.twice", "a flag given twice"),
    _assumed("prompt.flags_only", "a prompt of flags without words"),
    _assumed(
        "follow.reroll_upscale",
        "rerolling an upscale job (the document's 403 names no "
        "operation for reroll, which has no section)",
    ),
]

RULES: dict[str, Rule] = {r.id: r for r in _TABLE}
assert len(RULES) == len(_TABLE), "a rule id is given twice"


def rule(rule_id: str) -> Rule:
    return RULES[rule_id]


_KIND_WORDS = {
    "doc": "doc: refuses",
    "secondary": "secondary: warns once (strict: refuses)",
    "assumption": "assumption: not checked",
}


def markdown_table() -> str:
    """Every rule as a Markdown table (docs/sources.md holds it; a test keeps the two in step)."""
    lines = ["| rule | source | citation |", "|---|---|---|"]
    for r in _TABLE:
        kind = _KIND_WORDS[r.kind] + (" (the simulator refuses too)" if r.sim_refuses else "")
        cite = r.cite + (f': "{r.quote}"' if r.quote else "")
        lines.append(f"| `{r.id}` | {kind} | {cite.replace('|', '/')} |")
    return "\n".join(lines)
