"""The studio offers the common flags, each with the one line Tab shows in a cell."""

from __future__ import annotations

from youchuan_nb.contract import check_prompt, parse_prompt
from youchuan_nb.contract.flags import flag_help


def test_the_studio_offers_the_common_flags_with_their_descriptions():
    from youchuan_nb.notebook._session import Session
    from youchuan_nb.notebook._studio import Studio

    class NoService(Session):  # the studio only asks whether this is the simulator
        simulator = True

    studio = Studio(NoService())
    studio.prompt.value = "a lighthouse"
    studio.weird.value, studio.quality.value, studio.exp.value = 250, "2", 10
    studio.no.value, studio.tile.value, studio.chaos.value = "boats", True, 20
    prompt = studio.full_prompt()
    parsed = parse_prompt(check_prompt(prompt).raw)
    for flag in ("version", "weird", "quality", "exp", "no", "tile", "chaos"):
        assert parsed.has(flag), (flag, prompt)
    assert studio.weird.tooltip == flag_help("weird") != ""
    assert studio.ratio.tooltip == flag_help("ar")
