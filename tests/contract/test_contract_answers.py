"""The tolerant reader: every answer shape public clients report becomes the flat job shape."""

from __future__ import annotations

import pytest

from youchuan_nb.contract.answers import (
    ErrorInAnswer,
    UnreadableAnswer,
    error_in,
    read_job,
    read_record,
    read_status,
)

FLAT = {
    "id": "j1",
    "text": "a fox",
    "status": 2,
    "comment": "JobStatusSuccess",
    "urls": ["https://cdn.example/a.png"],
    "audits": [""],
}


@pytest.mark.parametrize(
    "value,status",
    [
        (2, 2),
        ("2", 2),
        (" 3 ", 3),
        ("SUCCESS", 2),
        ("success", 2),
        ("Running", 1),
        ("QUEUED", 0),
        ("FAILED", 3),
        ("JobStatusSuccess", 2),
        ("JobStatusFail", 3),
        ("JobStatusTextReject", 3),
        ("JobStatusRunning", 1),
        ("JobStatusCreated", 0),
        ("成功", 2),
        ("失败", 3),
        ("执行中", 1),
        ("已创建", 0),
        (4, 4),
        (2.0, 2),
        (True, None),
        ("banana", None),
        (None, None),
        ([], None),
    ],
)
def test_statuses_in_every_reported_spelling(value, status):
    assert read_status(value) == status


@pytest.mark.parametrize(
    "shape",
    [
        FLAT,
        {"code": 0, "data": FLAT},
        {"data": FLAT},
        {**{k: v for k, v in FLAT.items() if k != "urls"}, "imageUrls": FLAT["urls"]},
        {**{k: v for k, v in FLAT.items() if k != "urls"}, "images": [{"url": FLAT["urls"][0]}]},
        {**{k: v for k, v in FLAT.items() if k != "status"}, "status": "SUCCESS"},
        {**{k: v for k, v in FLAT.items() if k != "status"}, "status": "2"},
        {k: v for k, v in FLAT.items() if k != "status"},  # no status: the comment says it
        {**{k: v for k, v in FLAT.items() if k not in ("status", "comment")}},  # urls say it
        {**{k: v for k, v in FLAT.items() if k != "id"}, "jobId": "j1"},
    ],
)
def test_every_reported_shape_reads_as_the_flat_one(shape):
    job = read_job(shape)
    assert (job["id"], job["status"], job["urls"]) == ("j1", 2, FLAT["urls"])


def test_a_running_answer_without_urls_keeps_its_state():
    job = read_job({"id": "j1", "status": "running"})
    assert job["status"] == 1 and job["urls"] == []


@pytest.mark.parametrize(
    "body,why",
    [
        ({"id": "j1"}, "no status"),
        ({"id": "j1", "status": "banana"}, "no status"),
        ({"status": 1}, "no job id"),
        ([1, 2], "not a JSON object"),
        ("ok", "not a JSON object"),
    ],
)
def test_an_unknown_shape_is_an_error_that_keeps_the_raw_answer(body, why):
    with pytest.raises(UnreadableAnswer) as info:
        read_job(body)
    assert why in str(info.value) and info.value.raw == body


def test_an_error_inside_a_200_is_that_error():
    body = {"code": 402, "reason": "Account_Fee_Not_Enough", "message": "balance too low"}
    with pytest.raises(ErrorInAnswer) as info:
        read_job(body)
    assert info.value.code == 402 and info.value.body["reason"] == "Account_Fee_Not_Enough"
    assert error_in({"code": "402", "message": "x"}) is not None
    assert error_in({"code": 0, "data": FLAT}) is None
    assert error_in(FLAT) is None
    with pytest.raises(ErrorInAnswer):
        read_record(body)
    assert read_record({"code": 0, "data": {"balance": 3}}) == {"balance": 3}
    assert read_record({"balance": 3}) == {"balance": 3}
