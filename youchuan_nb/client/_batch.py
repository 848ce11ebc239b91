"""``client.batch(prompts)``: many grids within the plan's concurrency, each prompt accounted for.

Every prompt is checked locally before any is sent (one message lists every bad one by
position); after that, a prompt the service refuses or a job that fails does not stop the others,
and the result holds, for each prompt, its job or its error.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from ..contract import InvalidRequest
from ..i18n import t
from ._errors import YouchuanError

if TYPE_CHECKING:  # pragma: no cover
    from ._client import Client
    from ._job import Job

ItemState = Literal["waiting", "running", "finished", "failed", "refused"]


class BatchProgress(NamedTuple):
    done: int  # finished successfully
    failed: int  # refused by the service, failed, or lost on the way
    running: int  # submitted, not ended
    waiting: int  # not submitted yet (waiting for a free slot)
    total: int

    def __str__(self) -> str:
        """In words, in the catalogue's language: "10 prompts: 3 finished, ..."."""
        return t("client.batch.progress", **self._asdict())


@dataclass
class BatchItem:
    """One prompt of a batch: its job once submitted, or the error that stopped it."""

    index: int
    prompt: str
    job: Job | None = None
    error: Exception | None = None

    @property
    def state(self) -> ItemState:
        if self.error is not None:
            return "refused"
        if self.job is None:
            return "waiting"
        if self.job.failed:
            return "failed"
        return "finished" if self.job.done else "running"

    @property
    def ok(self) -> bool:
        return self.job is not None and self.job.ok

    def __repr__(self) -> str:
        what = repr(self.job) if self.job is not None else f"error={self.error!s:.120}"
        return f"BatchItem({self.index}, {self.state}, {what})"


class BatchPromptsError(InvalidRequest):
    """Some prompts of a batch break the rules; nothing was sent."""

    def __init__(self, problems: list[tuple[int, str, ValueError]]) -> None:
        self.problems = problems
        lines = [t("client.batch.bad_prompt", i=i, problem=exc) for i, _, exc in problems]
        head = t("client.batch.bad_prompts", n=len(problems))
        ValueError.__init__(self, "\n".join([head, *lines]))
        self.param, self.value, self.allowed, self.endpoint = "prompts", None, "", "batch"


class Batch:
    """The outcome of ``client.batch``: one :class:`BatchItem` per prompt, in order.

    Iterating gives the items; ``jobs`` the jobs that exist; ``errors`` the prompts that did not
    become jobs, by position."""

    def __init__(self, prompts: list[str]) -> None:
        self.items = [BatchItem(i, p) for i, p in enumerate(prompts)]

    def __iter__(self) -> Iterator[BatchItem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> BatchItem:
        return self.items[index]

    @property
    def jobs(self) -> list[Job]:
        return [item.job for item in self.items if item.job is not None]

    @property
    def errors(self) -> dict[int, Exception]:
        return {item.index: item.error for item in self.items if item.error is not None}

    def progress(self) -> BatchProgress:
        states = [item.state for item in self.items]
        return BatchProgress(
            done=states.count("finished"),
            failed=states.count("failed") + states.count("refused"),
            running=states.count("running"),
            waiting=states.count("waiting"),
            total=len(states),
        )

    def __repr__(self) -> str:
        return f"Batch({self.progress()})"


def _reporter(on_progress: Callable[..., Any] | None, batch: Batch) -> Callable[[], None]:
    """``on_progress(progress)`` with a BatchProgress, or the older ``on_progress(done, total)``."""
    if on_progress is None:
        return lambda: None
    try:
        wants_one = len(inspect.signature(on_progress).parameters) == 1
    except (TypeError, ValueError):
        wants_one = False

    def report() -> None:
        p = batch.progress()
        if wants_one:
            on_progress(p)
        else:
            on_progress(p.done + p.failed, p.total)

    return report


def run_batch(
    client: Client,
    prompts: list[str],
    *,
    wait: bool,
    timeout: float,
    on_progress: Callable[..., Any] | None,
) -> Batch:
    if not isinstance(prompts, (list, tuple)) or not all(isinstance(p, str) for p in prompts):
        raise InvalidRequest("prompts", prompts, "a list of prompt strings", endpoint="batch")
    if not isinstance(wait, bool):
        raise InvalidRequest("wait", wait, "True or False", endpoint="batch")
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout >= 0:
        raise InvalidRequest("timeout", timeout, "a number of seconds >= 0", endpoint="batch")
    if on_progress is not None and not callable(on_progress):
        raise InvalidRequest("on_progress", on_progress, "a function or None", endpoint="batch")
    problems = []
    for i, prompt in enumerate(prompts):
        try:
            client.check_request("diffusion", {"text": prompt})
        except ValueError as exc:
            problems.append((i, prompt, exc))
    if problems:
        raise BatchPromptsError(problems)
    batch = Batch(list(prompts))
    report = _reporter(on_progress, batch)
    report()
    for item in batch.items:
        try:
            item.job = client.diffusion(item.prompt)
        except YouchuanError as exc:  # refused or lost: the others still go
            item.error = exc
        report()
    if wait:
        deadline = time.monotonic() + timeout
        for job in batch.jobs:
            job.wait(max(0.0, deadline - time.monotonic()), raise_on_failure=False)
            report()
    return batch
