"""Texts of a sweep's comparison sheet (``notebook/_sweep.py``, ``static/sweep.js``)."""

EN: dict[str, str] = {
    "sweep.title": "Sweep of {n} jobs",
    "sweep.saved_copy": (
        "Saved copy of a sweep: run %load_ext youchuan_nb to bring it back to life (or re-run "
        "the cell) and open each job's card."
    ),
    "sweep.thumb_alt": "{label}: the grid of job {job}",
    "sweep.submitting": "Submitting",
    "sweep.js.title": "Sweep",
    "sweep.js.open": "Open its card",
    "sweep.js.close": "Close its card",
    "sweep.js.hint": "Click a cell to open that job's card below.",
}

ZH: dict[str, str] = {
    "sweep.title": "对比表：{n} 个任务",
    "sweep.saved_copy": (
        "对比表的保存副本：运行 %load_ext youchuan_nb 即可恢复（或重新运行该单元格），"
        "并打开每个任务的卡片。"
    ),
    "sweep.thumb_alt": "{label}：任务 {job} 的四宫格",
    "sweep.submitting": "正在提交",
    "sweep.js.title": "对比表",
    "sweep.js.open": "打开它的卡片",
    "sweep.js.close": "关闭它的卡片",
    "sweep.js.hint": "点击一格，在下方打开该任务的卡片。",
}
