"""``client.batch``: every prompt checked first, refusals and failures don't stop the others."""

from __future__ import annotations

import pytest

from youchuan_nb.client import SensitivePromptError
from youchuan_nb.client._batch import BatchProgress, BatchPromptsError


def test_bad_prompts_are_all_listed_by_position_and_nothing_is_sent(sim):
    from youchuan_nb.client import Client

    prompts = ["a fox", "a fox --ar 16-9", "an owl", "a cat --v 99", ""]
    strict = Client.for_service(sim, store=False, rules="strict")  # --ar, --v: secondary rules
    with pytest.raises(BatchPromptsError) as info:
        strict.batch(prompts)
    message = str(info.value)
    assert [i for i, _, _ in info.value.problems] == [1, 3, 4]
    assert "prompt 1:" in message and "prompt 3:" in message and "prompt 4:" in message
    assert "nothing was sent" in message
    assert isinstance(info.value, ValueError)
    assert sim.created == [] and sim.request_log == []


def test_a_refused_prompt_does_not_stop_the_others(sim, client):
    seen: list[BatchProgress] = []
    batch = client.batch(
        ["a fox", "a forbidden fox", "an owl"], timeout=60, on_progress=seen.append
    )
    assert [item.state for item in batch] == ["finished", "refused", "finished"]
    assert isinstance(batch[1].error, SensitivePromptError) and batch[1].job is None
    assert set(batch.errors) == {1}
    assert [j.id for j in batch.jobs] == [batch[0].job.id, batch[2].job.id]
    assert sim.count("diffusion") == 2
    assert seen[0] == BatchProgress(done=0, failed=0, running=0, waiting=3, total=3)
    assert seen[-1] == BatchProgress(done=2, failed=1, running=0, waiting=0, total=3)
    assert "2 finished, 1 failed or refused" in repr(batch)


def test_a_failed_job_is_reported_and_the_rest_finish(sim, client):
    from youchuan_nb.sim import Faults

    sim.faults = Faults(seed=3, fail=1.0)
    first = client.batch(["a fox"], timeout=60)
    sim.faults = None
    assert first[0].state == "failed" and not first[0].ok
    rest = client.batch(["an owl", "a cat"], timeout=60)
    assert all(item.ok for item in rest)


def test_two_argument_progress_still_gets_done_and_total(client):
    calls = []
    client.batch(["a fox", "an owl"], timeout=60, on_progress=lambda d, t: calls.append((d, t)))
    assert calls[0] == (0, 2) and calls[-1] == (2, 2)
