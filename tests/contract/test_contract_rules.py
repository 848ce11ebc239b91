"""The follow-up rules table (contract/rules.py), unit by unit."""

from __future__ import annotations

import pytest

from youchuan_nb.contract import JobFacts, refusal


def grid(**kw):
    return JobFacts(action="diffusion", **kw)


@pytest.mark.parametrize(
    "op,facts,index,status,reason",
    [
        ("upscale", JobFacts(action="upscale", outputs=1), 0, 400, "Job_ReUpscale_Not_Support"),
        ("enhance", grid(model="7"), 0, 405, "Not_Support"),
        ("variation", JobFacts(action="upload_paint"), 0, 405, "Not_Support"),
        ("pan", JobFacts(action="retexture"), 0, 405, "Not_Support"),
        ("video_diffusion", JobFacts(action="retexture"), 0, 405, "Not_Support"),
        ("pan", grid(model="8.1"), 0, 405, "Not_Support"),
        ("outpaint", grid(model="8.1"), 0, 405, "Not_Support"),
        ("inpaint", grid(model="8.1"), 0, 405, "Not_Support"),
        ("enhance", grid(model="8.1", draft=True), 0, 405, "Not_Support"),
        ("variation", JobFacts(action="upscale", outputs=1), 1, 400, "Invalid_Argument"),
        ("upscale", grid(outputs=4), 4, 400, "Invalid_Argument"),
        ("extend_video", JobFacts(action="video_diffusion", outputs=1), 2, 400, "Invalid_Argument"),
        (
            "extend_video",
            JobFacts(action="extend_video", outputs=1, extensions=4),
            0,
            405,
            "Not_Support",
        ),
        (
            "video_upscale",
            JobFacts(action="video_upscale", outputs=1),
            0,
            403,
            "Upscale_Not_Support",
        ),
        ("extend_video", grid(), 0, 405, "Not_Support"),
        ("upscale", JobFacts(action="video_diffusion"), 0, 405, "Not_Support"),
        ("upscale", grid(status=1), 0, 400, "Invalid_Argument"),
        ("upscale", grid(status=3), 0, 400, "Invalid_Argument"),
    ],
)
def test_refusals(op, facts, index, status, reason):
    r = refusal(op, facts, index, rules="strict")
    assert r is not None and (r.status, r.reason) == (status, reason)
    assert r.message and r.rule


@pytest.mark.parametrize("op", ["pan", "outpaint", "inpaint"])
def test_v81_follow_ups_are_a_secondary_rule(op):
    """D7 (a copy of the v8.1 guide) says so, not the document: by default the service decides."""
    assert refusal(op, grid(model="8.1"), 0) is None
    assert refusal(op, grid(model="8.1"), 0, rules="strict").rule == "follow.v81"


def test_rerolling_an_upscale_is_allowed():
    """Refusing it was an assumption (the document's 403 names no operation for reroll)."""
    assert refusal("reroll", JobFacts(action="upscale", outputs=1), rules="strict") is None


@pytest.mark.parametrize(
    "op,facts,index",
    [
        ("upscale", JobFacts(action="upload_paint"), 0),
        ("upscale", JobFacts(action="retexture"), 3),
        ("enhance", grid(model="7", draft=True), 2),
        ("upscale", grid(model="8.1"), 0),
        ("variation", grid(model="8.1"), 3),
        ("reroll", grid(), None),
        ("variation", JobFacts(action="upscale", outputs=1), 0),
        ("extend_video", JobFacts(action="extend_video", outputs=1, extensions=3), 0),
        ("video_upscale", JobFacts(action="extend_video", outputs=1), 0),
        ("video_diffusion", grid(), 1),
        ("upscale", grid(status=None), 0),
    ],
)
def test_allowed(op, facts, index):
    assert refusal(op, facts, index) is None


def test_messages_say_why():
    assert (
        "at most 4"
        in refusal(
            "extend_video", JobFacts(action="extend_video", outputs=1, extensions=4), 0
        ).message
    )
    assert "only upscale" in refusal("remix", JobFacts(action="upload_paint"), 0).message
    assert "numbered 0-0" in refusal("variation", JobFacts(action="upscale", outputs=1), 1).message
