"""Texts of saved cards that come back to life, and of the card's "Run again" button."""

EN: dict[str, str] = {
    "card.js.btn.rerun": "▶ Run again",
    "card.js.tip.rerun": "A new job of this prompt and its flags (as the cell with --new), below",
    "revive.err.no_rerun": "only a grid, or a video made from a prompt alone, can run again",
}

ZH: dict[str, str] = {
    "card.js.btn.rerun": "▶ 再次运行",
    "card.js.tip.rerun": "用同样的提示词和参数新建一个任务（等同于单元格加 --new），显示在下方",
    "revive.err.no_rerun": "只有由提示词生成的网格或视频（不基于图片）才能再次运行",
}
