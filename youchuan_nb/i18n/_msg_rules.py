"""The contract's refusal messages (request fields, prompts, follow-ups) and the warning of a
secondary rule sent anyway: what was wrong and what to do, naming the field or flag."""

EN: dict[str, str] = {
    "rules.value_length": "({n} chars)",
    "rules.invalid": "{where}{param}={value} is not allowed: {allowed}",
    "rules.bad_mode": "{name}={value} is not a rules mode: use 'documented' or 'strict'",
    "rules.warn.secondary": (
        "youchuan_nb: {message}. This rule is not in the official document (source: {cite}), "
        "so the request is sent and the service decides; Client(rules='strict') refuses it "
        "locally. (rule {rule}; said once)"
    ),
    "rules.enum": "one of {values}",
    "rules.plain": "{text}",
    "rules.json_object": "a JSON object",
    "rules.required": "required: give a value",
    "rules.unknown_field": "not a field of {method} {path}: remove it (its fields: {fields})",
    "rules.chars": (
        "text without unpaired surrogates (found {code} at position {at}): such text cannot "
        "be sent as UTF-8; remove it"
    ),
    "rules.text": "a text of 1-{n} characters (got {got})",
    "rules.job_id": "a job id string as returned by the service (job.id)",
    "rules.int": "a whole number",
    "rules.int_range": "an integer from {low} to {high}",
    "rules.number_range": "a number from {low} to {high}",
    "rules.url.http": "an http:// or https:// URL",
    "rules.url.data": (
        "an http(s) URL; data: URIs are refused by the service: upload the image somewhere "
        "and pass its URL"
    ),
    "rules.url.length": "at most {n} characters (got {got}): use a shorter URL",
    "rules.object": "an object {shape}",
    "rules.keys": "only the keys {keys}: remove {extra}",
    "rules.pixels": "an integer number of pixels",
    "rules.pixels_positive": "a positive number of pixels",
    "rules.mask": (
        'areas or url: {{"areas": [{{"width": W, "height": H, "points": [x1, y1, x2, y2, x3, '
        'y3, ...]}}]}} or {{"url": "https://... black/white image, white = repaint"}}'
    ),
    "rules.mask.area": '{{"width": W, "height": H, "points": [...]}}',
    "rules.mask.size": "a positive integer of pixels (the size of the image the points refer to)",
    "rules.mask.points": (
        "an even number (at least 6) of coordinates x1, y1, x2, y2, x3, y3, ... (a polygon of "
        "3+ points)"
    ),
    "rules.name": "a non-empty name",
    "rules.string": "a text",
    "rules.urls": "a list of image URLs",
    "rules.time": "an ISO-8601 time such as 2025-01-01T00:00:00Z",
    "rules.path_id": "a non-empty id without '/' (not . or ..)",
    "rules.retexture": (
        "retexture works only with models 6.1 and above (this prompt uses {model}): add "
        "--v 6.1, --v 7 or later"
    ),
    "rules.video.source": (
        "a video needs a prompt (text, optionally with a start image URL first) or a job_id "
        "(+ image_no) of a finished image job"
    ),
    "rules.video.no_job": "only together with job_id: add job_id or remove image_no",
    "rules.video.needs_index": "required with job_id: which image (0-3) of that job to animate",
    # prompts
    "rules.prompt.type": "{field} must be a string, got {got}",
    "rules.prompt.empty": (
        "{field} is empty: write what to imagine, e.g. 'a red fox in snow --ar 3:2 --v 7'"
    ),
    "rules.prompt.long": "{field} is {got} characters; the service accepts at most {n}: shorten it",
    "rules.prompt.data_uri": (
        "an image given as a data: URI is refused by the service (it fails the job): upload "
        "the image and put its https:// URL first in the prompt"
    ),
    "rules.prompt.unknown_flag": "--{flag} is not a flag the service documents; it is sent as is",
    "rules.prompt.number": "--{flag} needs a number, got {value!r}",
    "rules.prompt.whole": "--{flag} needs a whole number, got {value!r}",
    "rules.prompt.video_flag": (
        "--{flag} does not apply to video: remove it; video prompts take {flags}"
    ),
    "rules.prompt.video_only": (
        "--{flag} applies to video only: remove it, or make a video (%%animate, animate())"
    ),
    "rules.prompt.range": "--{flag} {value} is out of range: allowed {low}-{high}",
    "rules.prompt.ar": "--ar needs whole numbers W:H such as 16:9, got {value!r}",
    "rules.prompt.version": (
        "--v {value!r} is not a model the service offers: use 6, 6.1, 7 or 8.1"
    ),
    "rules.prompt.niji": "--niji {value!r} is not offered: use --niji 6 or --niji 7",
    "rules.prompt.quality": "--q {value} is not allowed for model {model}: use {allowed}",
    "rules.prompt.no_quality": "none (leave --q out)",
    "rules.prompt.bs": "--bs {value!r} is not allowed: use 1, 2 or 4 videos",
    "rules.prompt.motion": "--motion {value!r} is not allowed: use low or high",
    "rules.prompt.repeat": (
        "--repeat is not supported by the API: submit the prompt several times (e.g. a loop "
        "or client.batch)"
    ),
    "rules.prompt.unsupported": "--{flag} is not supported by the API; remove it",
    "rules.prompt.v81": (
        "--{flag} is not supported by model 8.1 (it rejects ::, --stop, --weird, --tile, "
        "--cref, --cw, --bs, --draft, --turbo): remove it or choose --v 7"
    ),
    "rules.prompt.v81_sv": "--sv must be 6 with model 8.1: write --sv 6 or remove it",
    "rules.prompt.multi_prompt": (
        "multi-prompts with :: are not supported by model {model}: remove the :: weights or "
        "choose --v 6.1"
    ),
    "rules.prompt.draft": (
        "--draft works only with --v 7 (this prompt uses model {model}): add --v 7 or remove it"
    ),
    "rules.prompt.hd": (
        "--hd works only with --v 8.1 (this prompt uses model {model}): add --v 8.1 or remove it"
    ),
    "rules.prompt.oref_model": (
        "--oref works only with --v 7 or --v 8.1 (this prompt uses model {model})"
    ),
    "rules.prompt.oref_one": "--oref takes exactly one image URL",
    "rules.prompt.cref": "--cref works only with models 6/6.1/niji 6; with {model} use --oref",
    "rules.prompt.stop": (
        "--stop works only with models 6/6.1 (this prompt uses model {model}): remove it"
    ),
    "rules.prompt.tile": "--tile is not supported by model {model}: remove it or choose --v 7",
    "rules.prompt.sref_max": "--sref takes at most {n} URLs, got {got}: remove some",
    "rules.prompt.sref_text": "--sref needs some prompt text as well: describe the image",
    "rules.prompt.needs": "--{flag} needs --{base}: add --{base} or remove --{flag}",
    "rules.prompt.iw": "--iw needs an image prompt (an image URL first in the prompt)",
    "rules.prompt.images_max": "at most {n} image prompts, got {got}: remove some",
    "rules.prompt.image_only": (
        "an image-only prompt needs at least two images, or an image plus text: add a description"
    ),
    "rules.prompt.image_only_style": (
        "an image-only prompt cannot use --stylize or --weird: add text or remove the flag"
    ),
    # follow-ups
    "rules.follow.finished": "{op} needs a finished job; this one has not finished successfully",
    "rules.follow.video_only": "{op} works on video jobs; this is an image job",
    "rules.follow.image_only": (
        "{op} works on image jobs; this is a video job (videos allow extend and video upscale)"
    ),
    "rules.follow.only_upscale": "jobs made by {made_by} allow only upscale",
    "rules.follow.reupscale": "this image is already upscaled and cannot be upscaled again",
    "rules.follow.video_reupscale": "this video is already upscaled to 1080p",
    "rules.follow.v81": "{op} is not supported for model 8.1 jobs",
    "rules.follow.enhance_draft": "enhance works only on draft jobs (made with --draft --v 7)",
    "rules.follow.extend_max": (
        "a video can be extended at most {n} times; this one has been extended {done} times"
    ),
    "rules.follow.index": (
        "{noun} {index} does not exist: the job has {n} output(s), numbered 0-{last}"
    ),
}

ZH: dict[str, str] = {
    "rules.value_length": "（{n} 个字符）",
    "rules.invalid": "{where}{param}={value} 不符合要求：{allowed}",
    "rules.bad_mode": "{name}={value} 不是规则模式：请用 'documented' 或 'strict'",
    "rules.warn.secondary": (
        "youchuan_nb:{message}。这条规则不在官方文档中（来源：{cite}），所以请求照常发送，由服务决定；"
        "Client(rules='strict') 会在本地拒绝它。（规则 {rule}；只提示一次）"
    ),
    "rules.enum": "以下之一：{values}",
    "rules.plain": "{text}",
    "rules.json_object": "一个 JSON 对象",
    "rules.required": "必填：请给出一个值",
    "rules.unknown_field": "不是 {method} {path} 的字段：请删除它（它的字段：{fields}）",
    "rules.chars": (
        "不含未配对代理字符的文本（在位置 {at} 发现 {code}）：这样的文本无法以 UTF-8 发送；请删除它"
    ),
    "rules.text": "1-{n} 个字符的文本（现为 {got}）",
    "rules.job_id": "服务返回的任务 ID 字符串（job.id）",
    "rules.int": "一个整数",
    "rules.int_range": "{low} 到 {high} 之间的整数",
    "rules.number_range": "{low} 到 {high} 之间的数",
    "rules.url.http": "一个 http:// 或 https:// 网址",
    "rules.url.data": "一个 http(s) 网址；服务拒绝 data: URI：请先上传图片，再传它的网址",
    "rules.url.length": "最多 {n} 个字符（现为 {got}）：请用更短的网址",
    "rules.object": "一个对象 {shape}",
    "rules.keys": "只能有这些键：{keys}；请删除 {extra}",
    "rules.pixels": "整数像素值",
    "rules.pixels_positive": "正的像素值",
    "rules.mask": (
        'areas 或 url：{{"areas": [{{"width": W, "height": H, "points": [x1, y1, x2, y2, x3, '
        'y3, ...]}}]}} 或 {{"url": "https://... 黑白图片，白色为重绘区"}}'
    ),
    "rules.mask.area": '{{"width": W, "height": H, "points": [...]}}',
    "rules.mask.size": "正整数像素（各点所指图片的尺寸）",
    "rules.mask.points": (
        "偶数个（至少 6 个）坐标 x1, y1, x2, y2, x3, y3, ...（至少 3 个点的多边形）"
    ),
    "rules.name": "非空的名称",
    "rules.string": "一段文本",
    "rules.urls": "图片网址列表",
    "rules.time": "ISO-8601 时间，例如 2025-01-01T00:00:00Z",
    "rules.path_id": "不含 '/' 的非空 ID（不能是 . 或 ..）",
    "rules.retexture": (
        "转绘只支持 6.1 及以上的模型（这个提示词用的是 {model}）：请加上 --v 6.1、--v 7 或更新版本"
    ),
    "rules.video.source": (
        "视频需要提示词（文本，"
        "可在开头放起始图片网址），或一个已完成图片任务的 job_id（加 image_no）"
    ),
    "rules.video.no_job": "只能与 job_id 一起使用：请加上 job_id 或删除 image_no",
    "rules.video.needs_index": "有 job_id 时必填：要让该任务的哪张图片（0-3）动起来",
    # prompts
    "rules.prompt.type": "{field} 必须是字符串，现为 {got}",
    "rules.prompt.empty": (
        "{field} 是空的：请写下要生成的内容，例如 'a red fox in snow --ar 3:2 --v 7'"
    ),
    "rules.prompt.long": "{field} 有 {got} 个字符；服务最多接受 {n} 个：请缩短",
    "rules.prompt.data_uri": (
        "以 data: URI 给出的图片会被服务拒绝（任务会失败）："
        "请上传图片，把它的 https:// 网址放在提示词开头"
    ),
    "rules.prompt.unknown_flag": "--{flag} 不是服务文档中的参数；将原样发送",
    "rules.prompt.number": "--{flag} 需要一个数，现为 {value!r}",
    "rules.prompt.whole": "--{flag} 需要一个整数，现为 {value!r}",
    "rules.prompt.video_flag": "--{flag} 不适用于视频：请删除它；视频提示词可用 {flags}",
    "rules.prompt.video_only": (
        "--{flag} 只适用于视频：请删除它，或生成视频（%%animate、animate()）"
    ),
    "rules.prompt.range": "--{flag} {value} 超出范围：允许 {low}-{high}",
    "rules.prompt.ar": "--ar 需要整数 W:H，例如 16:9，现为 {value!r}",
    "rules.prompt.version": "--v {value!r} 不是服务提供的模型：请用 6、6.1、7 或 8.1",
    "rules.prompt.niji": "--niji {value!r} 不可用：请用 --niji 6 或 --niji 7",
    "rules.prompt.quality": "模型 {model} 不允许 --q {value}：请用 {allowed}",
    "rules.prompt.no_quality": "无（请去掉 --q）",
    "rules.prompt.bs": "--bs {value!r} 不可用：请用 1、2 或 4 个视频",
    "rules.prompt.motion": "--motion {value!r} 不可用：请用 low 或 high",
    "rules.prompt.repeat": "API 不支持 --repeat：请多次提交这个提示词（例如用循环或 client.batch）",
    "rules.prompt.unsupported": "API 不支持 --{flag}：请删除它",
    "rules.prompt.v81": (
        "模型 8.1 不支持 --{flag}（它拒绝 ::、--stop、--weird、--tile、--cref、--cw、--bs、"
        "--draft、--turbo）：请删除它或选择 --v 7"
    ),
    "rules.prompt.v81_sv": "模型 8.1 的 --sv 必须是 6：请写 --sv 6 或删除它",
    "rules.prompt.multi_prompt": "模型 {model} 不支持 :: 多重提示词：请删除 :: 权重或选择 --v 6.1",
    "rules.prompt.draft": (
        "--draft 只适用于 --v 7（这个提示词用的是模型 {model}）：请加上 --v 7 或删除它"
    ),
    "rules.prompt.hd": (
        "--hd 只适用于 --v 8.1（这个提示词用的是模型 {model}）：请加上 --v 8.1 或删除它"
    ),
    "rules.prompt.oref_model": "--oref 只适用于 --v 7 或 --v 8.1（这个提示词用的是模型 {model}）",
    "rules.prompt.oref_one": "--oref 只接受一个图片网址",
    "rules.prompt.cref": "--cref 只适用于模型 6/6.1/niji 6；模型 {model} 请用 --oref",
    "rules.prompt.stop": "--stop 只适用于模型 6/6.1（这个提示词用的是模型 {model}）：请删除它",
    "rules.prompt.tile": "模型 {model} 不支持 --tile：请删除它或选择 --v 7",
    "rules.prompt.sref_max": "--sref 最多接受 {n} 个网址，现为 {got}：请删掉一些",
    "rules.prompt.sref_text": "--sref 还需要一些提示词文本：请描述图片",
    "rules.prompt.needs": "--{flag} 需要 --{base}：请加上 --{base} 或删除 --{flag}",
    "rules.prompt.iw": "--iw 需要图片提示（提示词开头放一个图片网址）",
    "rules.prompt.images_max": "最多 {n} 个图片提示，现为 {got}：请删掉一些",
    "rules.prompt.image_only": "只有图片的提示词至少需要两张图片，或一张图片加文本：请加上描述",
    "rules.prompt.image_only_style": (
        "只有图片的提示词不能用 --stylize 或 --weird：请加上文本或删除该参数"
    ),
    # follow-ups
    "rules.follow.finished": "{op} 需要一个已完成的任务；这个任务没有成功完成",
    "rules.follow.video_only": "{op} 只适用于视频任务；这是图片任务",
    "rules.follow.image_only": "{op} 只适用于图片任务；这是视频任务（视频可以延长和高清）",
    "rules.follow.only_upscale": "{made_by} 生成的任务只能高清",
    "rules.follow.reupscale": "这张图片已经高清过，不能再次高清",
    "rules.follow.video_reupscale": "这个视频已经高清到 1080p",
    "rules.follow.v81": "模型 8.1 的任务不支持 {op}",
    "rules.follow.enhance_draft": "增强只适用于草稿任务（用 --draft --v 7 生成）",
    "rules.follow.extend_max": "一个视频最多延长 {n} 次；这个视频已经延长了 {done} 次",
    "rules.follow.index": "{noun} {index} 不存在：这个任务有 {n} 个输出，编号 0-{last}",
}
