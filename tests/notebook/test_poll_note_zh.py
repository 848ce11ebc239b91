"""A job the card cannot check right now says so in Chinese: the poll error under the header is
the client's own message, in the catalogue's language, with no English words of ours in it."""

from __future__ import annotations

import re

from _waiting import until

from youchuan_nb.client import Client
from youchuan_nb.notebook import JobCard
from youchuan_nb.notebook._card_state import message_of
from youchuan_nb.notebook._session import Session, Settings
from youchuan_nb.sim import Faults, Simulator


def test_a_dropped_poll_is_said_in_chinese_on_the_card(tmp_path, monkeypatch):
    monkeypatch.setenv("YOUCHUAN_NB_LANG", "zh")
    # every poll's connection is closed without an answer; submitting works
    faults = Faults(drop=1.0, on_submit=False, on_poll=True)
    with Simulator(faults=faults, job_seconds=0.2) as sim:
        client = Client.for_service(
            sim, poll_interval=0.05, store=False, cache_dir=tmp_path, max_retries=0
        )
        session = Session(client=client, settings=Settings(thumbnail_size=64))
        try:
            card = JobCard.imagine("a fox", session)
            node = until(lambda: card.root if card.root and card.root.job else None)
            message = until(lambda: message_of(node, "running")[0])
        finally:
            session.tracker.stop()
    assert message.startswith("暂时无法查询任务（GET /v1/tob/job/") and "连接已断开" in message
    left = re.sub(r"GET /\S+|YOUCHUAN_BASE_URL|%youchuan \w+|\b[0-9a-f]{8,}\b", " ", message)
    assert not re.findall(r"[A-Za-z]{2,}", left), message
