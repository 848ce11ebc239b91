"""The Studio's texts (notebook/_studio.py). Flag names (--ar) stay as they are written."""

EN: dict[str, str] = {
    "studio.prompt.placeholder": "a lighthouse on a cliff at dawn, oil painting",
    "studio.prompt.tooltip": "the prompt: what the four images show",
    "studio.model": "model",
    "studio.seed.placeholder": "random",
    "studio.no.placeholder": "e.g. trees, text",
    "studio.sref.placeholder": "image URL or style code",
    "studio.quality.default": "default",
    "studio.button": "Imagine",
    "studio.button.tooltip": "submit the prompt with these flags; the card appears below",
    "studio.simulator": "SIMULATOR",
    "studio.simulator.tooltip": "no credentials: jobs run on the built-in simulator",
    "studio.refused": "Not sent: {problem}",
    "studio.saved.html": "<b>Studio</b> · prompt: {prompt}",
    "studio.saved.text": "Studio: {prompt}",
}

ZH: dict[str, str] = {
    "studio.prompt.placeholder": "黎明时分悬崖上的灯塔，油画",
    "studio.prompt.tooltip": "提示词：四张图片要画什么",
    "studio.model": "模型",
    "studio.seed.placeholder": "随机",
    "studio.no.placeholder": "例如 树木、文字",
    "studio.sref.placeholder": "图片链接或风格代码",
    "studio.quality.default": "默认",
    "studio.button": "生成",
    "studio.button.tooltip": "用这些参数提交提示词；卡片会显示在下方",
    "studio.simulator": "模拟器",
    "studio.simulator.tooltip": "未设置凭据：任务在内置模拟器上运行",
    "studio.refused": "未发送：{problem}",
    "studio.saved.html": "<b>工作室</b> · 提示词：{prompt}",
    "studio.saved.text": "工作室：{prompt}",
}
