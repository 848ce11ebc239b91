"""The simulator follows the rules' marks: by default it refuses on the document's rules (and on
the secondary rule public clients saw the service fail on); ``rules="strict"`` (``--rules
strict``) refuses on every secondary rule too."""

from __future__ import annotations

import warnings

import pytest

from youchuan_nb.contract import RULES, RuleWarning
from youchuan_nb.sim import Simulator
from youchuan_nb.sim.__main__ import parse_args

SECONDARY = [
    ("diffusion", {"text": "a harbour --v 8.1 --tile"}),
    ("diffusion", {"text": "a harbour --chaos 500"}),
    ("diffusion", {"text": "a harbour", "colour": "red"}),  # an unknown field
    ("video-diffusion", {"prompt": "waves --stylize 100"}),  # not a video flag
]


@pytest.mark.parametrize("endpoint,body", SECONDARY)
def test_by_default_secondary_rules_are_accepted(api, sim, endpoint, body):
    assert sim.rules == "documented"
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuleWarning)  # the service does not warn: it decides
        job = api.run(endpoint.replace("-", "_"), body)
    assert job["status"] == 2 and job["urls"]


@pytest.mark.parametrize("endpoint,body", SECONDARY)
def test_strict_refuses_them_without_a_job_or_a_charge(api, h, sim, endpoint, body):
    sim.rules = "strict"
    reason = "Invalid_Argument" if "colour" in body else "Invalid_Prompt_Parameter"
    err = h.assert_error(api.post("/v1/tob/" + endpoint, body), 400, reason)
    assert err["message"]
    assert sim.created == [] and api.get("/v1/tob/subscribe").json()["balance"] == 1000.0


def test_doc_rules_refuse_in_both_modes(api, h, sim):
    grid = api.run("diffusion", {"text": "a harbour --v 7"})
    for mode in ("documented", "strict"):
        sim.rules = mode
        h.assert_error(
            api.post("/v1/tob/variation", {"jobId": grid["id"], "imageNo": 4, "type": 0}),
            400,
            "Invalid_Argument",
        )
        too_long = api.post("/v1/tob/diffusion", {"text": "x" * 8193})
        h.assert_error(too_long, 400, "Invalid_Prompt_Parameter")  # the document's "无效Prompt参数"
        h.assert_error(
            api.post("/v1/tob/enhance", {"jobId": grid["id"], "imageNo": 0}), 405, "Not_Support"
        )
    assert len(sim.created) == 1


def test_data_uris_are_refused_by_default_as_the_service_was_seen_to(api, h, sim):
    assert RULES["prompt.data_uri"].sim_refuses
    h.assert_error(
        api.post("/v1/tob/diffusion", {"text": "data:image/png;base64,AAAA a fox"}),
        400,
        "Invalid_Prompt_Parameter",
    )
    assert sim.created == []


def test_v81_follow_ups_by_mode(api, h, sim):
    v81 = api.run("diffusion", {"text": "a harbour --v 8.1"})
    body = {"jobId": v81["id"], "imageNo": 0, "direction": 2, "scale": 1.5}
    assert len(api.run("pan", body)["urls"]) == 4  # D7 says no; by default the sim does it
    sim.rules = "strict"
    h.assert_error(api.post("/v1/tob/pan", body), 405, "Not_Support")


def test_the_knob_is_checked():
    with pytest.raises(ValueError, match="documented"):
        Simulator(rules="lenient")
    sim = Simulator(rules="strict")
    assert sim.rules == "strict"
    with pytest.raises(ValueError):
        sim.rules = "loose"
    assert sim.rules == "strict"


def test_the_command_line_flag():
    assert parse_args([]).rules == "documented"
    assert parse_args(["--rules", "strict"]).rules == "strict"
    with pytest.raises(SystemExit):
        parse_args(["--rules", "lenient"])
