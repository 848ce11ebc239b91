"""A batch's progress and its refusal in the catalogue's language, over real HTTP."""

from __future__ import annotations

import pytest

from youchuan_nb.client import BatchProgress, BatchPromptsError


def test_progress_reads_in_chinese_and_english(client, monkeypatch):
    monkeypatch.setenv("YOUCHUAN_NB_LANG", "zh")
    seen: list[BatchProgress] = []
    batch = client.batch(["a fox", "a forbidden fox", "a hare"], on_progress=seen.append)
    last = seen[-1]
    assert (last.done, last.failed, last.total) == (2, 1, 3)  # the sim refuses "forbidden"
    assert str(last) == "3 个提示词：2 个已完成，1 个失败或被拒绝，0 个运行中，0 个等待中"
    assert str(seen[0]).startswith("3 个提示词：0 个已完成")
    assert repr(batch) == f"Batch({last})"
    monkeypatch.setenv("YOUCHUAN_NB_LANG", "en")
    assert str(last) == "3 prompts: 2 finished, 1 failed or refused, 0 running, 0 waiting"


def test_bad_prompts_are_listed_in_chinese_before_anything_is_sent(client, sim, monkeypatch):
    monkeypatch.setenv("YOUCHUAN_NB_LANG", "zh")
    with pytest.raises(BatchPromptsError) as info:
        client.batch(["a fox", "", "x" * 9000])
    lines = str(info.value).splitlines()
    assert lines[0].startswith("批量任务中有 2 个提示词无法发送")
    assert lines[1].startswith("  提示词 1：") and lines[2].startswith("  提示词 2：")
    assert [i for i, _, _ in info.value.problems] == [1, 2]
    assert sim.created == []
