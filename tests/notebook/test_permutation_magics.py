"""``%%imagine`` with a permutation prompt: one job per combination, checked and counted before
anything is sent, against the built-in simulator."""

from __future__ import annotations

import contextlib

import pytest
from IPython.core.error import UsageError
from IPython.terminal.interactiveshell import TerminalInteractiveShell
from IPython.testing.globalipapp import start_ipython


@pytest.fixture(scope="module")
def ip():
    import os

    os.environ.setdefault("YOUCHUAN_SIM_JOB_SECONDS", "0.2")
    os.environ["YOUCHUAN_NB_WAIT"] = "always"
    shell = start_ipython() or TerminalInteractiveShell.instance()  # None once started
    shell.run_line_magic("load_ext", "youchuan_nb")
    yield shell


@pytest.fixture
def sim(ip):
    from youchuan_nb.notebook._session import get_session

    return get_session().client.simulator


@contextlib.contextmanager
def strict_rules(ip):
    """%config ImagineMagics.rules = 'strict': secondary sources' rules refuse too."""
    ip.run_line_magic("config", "ImagineMagics.rules = 'strict'")
    try:
        yield
    finally:
        ip.run_line_magic("config", "ImagineMagics.rules = 'documented'")


def test_a_2x2_permutation_makes_four_jobs_and_an_unchanged_rerun_none(ip, sim, capsys):
    before = sim.count("diffusion")
    ip.run_cell_magic("imagine", "--name cars", "a {red, blue} car --ar {1:1, 16:9}")
    assert sim.count("diffusion") == before + 4
    out = capsys.readouterr().out
    assert "This cell makes 4 jobs, one per combination of {red, blue} × {1:1, 16:9}" in out
    cars = ip.user_ns["cars"]
    assert [j.text.split(" --v")[0] for j in cars] == [
        "a red car --ar 1:1",
        "a red car --ar 16:9",
        "a blue car --ar 1:1",
        "a blue car --ar 16:9",
    ]
    assert all(j.ok and "--v 7" in j.text for j in cars)  # default flags on each prompt

    ip.run_cell_magic("imagine", "--name again", "a {red, blue} car --ar {1:1, 16:9}")
    assert sim.count("diffusion") == before + 4
    assert [j.id for j in ip.user_ns["again"]] == [j.id for j in cars]
    assert "Showing 4 jobs from" in capsys.readouterr().out


def test_more_jobs_than_confirm_above_need_yes(ip, sim, capsys):
    cell = "a {small, big, tiny, huge, round} teapot"
    before = sim.count("diffusion")
    with pytest.raises(UsageError) as info:
        ip.run_cell_magic("imagine", "", cell)
    message = str(info.value)
    assert "this cell makes 5 jobs" in message and "re-run with --yes" in message
    assert "confirm_above = 4" in message and "\n" not in message
    assert sim.count("diffusion") == before  # nothing sent
    ip.run_cell_magic("imagine", "--yes --name pots", cell)
    assert sim.count("diffusion") == before + 5
    assert len(ip.user_ns["pots"]) == 5 and all(j.ok for j in ip.user_ns["pots"])


def test_confirm_above_is_a_setting(ip, sim):
    from youchuan_nb.notebook._session import Settings

    assert "confirm_above" in Settings.class_traits(config=True)
    ip.run_line_magic("config", "ImagineMagics.confirm_above = 1")
    try:
        before = sim.count("diffusion")
        with pytest.raises(UsageError, match="makes 2 jobs"):
            ip.run_cell_magic("imagine", "", "a {green, grey} frog")
        assert sim.count("diffusion") == before
    finally:
        ip.run_line_magic("config", "ImagineMagics.confirm_above = 4")


def test_one_bad_combination_stops_them_all(ip, sim):
    before = sim.count("diffusion")
    with pytest.raises(UsageError) as info, strict_rules(ip):  # --chaos 0-100: secondary (D2)
        ip.run_cell_magic("imagine", "", "a cat --chaos {10, 500, 20, 900}")
    message = str(info.value)
    assert "2 of the 4 combinations are invalid, so none was sent" in message
    assert "#2 'a cat --chaos 500" in message and "#4 'a cat --chaos 900" in message
    assert "#1" not in message and "\n" not in message
    assert sim.count("diffusion") == before


@pytest.mark.parametrize(
    "cell,needle",
    [
        ("a {red, blue car", "the '{' at character 3 ('a {red, blue ca…') is never closed"),
        ("a {red,} car", "empty option"),
        ("{a, b, c, d, e, f, g} {1, 2, 3, 4, 5, 6, 7}", "makes 49 combinations; at most 40"),
    ],
)
def test_bad_permutations_are_one_line_and_send_nothing(ip, sim, cell, needle):
    before = sim.count("diffusion")
    with pytest.raises(UsageError) as info:
        ip.run_cell_magic("imagine", "--yes", cell)
    assert needle in str(info.value) and "\n" not in str(info.value)
    assert sim.count("diffusion") == before


def test_interpolation_first_then_permutation(ip, sim):
    ip.user_ns["animal"] = "fox"
    ip.user_ns["weathers"] = "{snow, rain}"
    before = sim.count("diffusion")
    ip.run_cell_magic("imagine", "--name foxes", "a {animal} in {snow, fog}")
    assert [j.text.split(" --v")[0] for j in ip.user_ns["foxes"]] == [
        "a fox in snow",
        "a fox in fog",
    ]
    # {name} inside an option is a variable too; a variable may hold a permutation
    ip.run_cell_magic("imagine", "--name more", "a {{{animal}, wolf}} in {weathers}")
    texts = [j.text.split(" --v")[0] for j in ip.user_ns["more"]]
    assert texts == ["a {fox, wolf} in snow", "a {fox, wolf} in rain"]
    assert sim.count("diffusion") == before + 4
    # literal braces stay one prompt
    ip.run_cell_magic("imagine", "--name sign", "a sign that says {{yes, no}}")
    assert ip.user_ns["sign"].text.startswith("a sign that says {yes, no}")
    assert sim.count("diffusion") == before + 5


def test_the_magic_line_can_carry_the_permutation(ip, sim):
    before = sim.count("diffusion")
    ip.run_line_magic("imagine", "--name lamps a lamp --ar {1:1, 3:2}")
    assert [j.text.split(" --v")[0] for j in ip.user_ns["lamps"]] == [
        "a lamp --ar 1:1",
        "a lamp --ar 3:2",
    ]
    assert sim.count("diffusion") == before + 2


def test_plain_permutation_lists_each_jobs_files(ip, sim, capsys):
    before = sim.count("diffusion")
    ip.run_cell_magic("imagine", "--plain", "a {brass, tin} bell")
    out = capsys.readouterr().out
    assert out.count("finished: 4 output(s)") == 2 and out.count(".png") == 8
    assert sim.count("diffusion") == before + 2


def test_animate_makes_one_video_per_combination(ip, sim):
    before = sim.count("video_diffusion")
    ip.run_cell_magic("animate", "--motion low --name clips", "waves {at dawn, at night}")
    clips = ip.user_ns["clips"]
    assert [c.params["prompt"] for c in clips] == [
        "waves at dawn --motion low",
        "waves at night --motion low",
    ]
    assert all(c.ok and c.is_video for c in clips)
    assert sim.count("video_diffusion") == before + 2
    ip.run_cell_magic("imagine", "--name still", "a paper lantern")
    ip.run_line_magic("animate", "--from still:2 --name lanterns a lantern {rising, falling}")
    lanterns = ip.user_ns["lanterns"]
    assert [c.params["imageNo"] for c in lanterns] == [1, 1]
    assert [c.params["prompt"] for c in lanterns] == ["a lantern rising", "a lantern falling"]
    with pytest.raises(UsageError, match="1 of the 2 combinations are invalid"), strict_rules(ip):
        ip.run_cell_magic("animate", "", "waves --motion {low, fast}")
    assert sim.count("video_diffusion") == before + 4


def test_all_combinations_are_submitted_before_the_cell_blocks(ip, sim):
    """A blocking cell submits every combination first, then waits: the jobs the plan's
    concurrency lets run start together (one after another would be 1.5 s apart each), and the
    client queues the rest."""
    from youchuan_nb.notebook._session import get_session

    limit = get_session().client.max_concurrent
    saved, sim.job_seconds = sim.job_seconds, 1.5
    try:
        ip.run_cell_magic("imagine", "--name quick", "a {tin, brass, glass, clay} cup")
    finally:
        sim.job_seconds = saved
    jobs = ip.user_ns["quick"]
    assert len(jobs) == 4 and all(j.ok for j in jobs)
    first = sorted(j.submitted_at for j in jobs)[: min(limit, 4)]
    assert first[-1] - first[0] < 1.0, (first, limit)


def test_after_a_restart_an_unchanged_permutation_cell_submits_nothing(ip, sim, capsys):
    from youchuan_nb.notebook._session import get_session, reset_session

    cell = "an {owl, oak} at {dusk, noon}"
    ip.run_cell_magic("imagine", "--name first", cell)
    made = sim.count("diffusion")
    reset_session()  # what a kernel restart does to the notebook layer (the store stays)
    assert get_session().client.simulator is sim
    capsys.readouterr()
    ip.run_cell_magic("imagine", "--name second", cell)
    assert sim.count("diffusion") == made
    assert [j.id for j in ip.user_ns["second"]] == [j.id for j in ip.user_ns["first"]]
    assert "Showing 4 jobs from" in capsys.readouterr().out


def test_ipython_does_not_evaluate_the_braces_of_a_magic_line(ip, sim, capsys):
    # IPython would turn {750, 0, 250} on a magic line into a Python tuple: the magics opt out
    # of that and interpolate {name} themselves, on the line as in the body
    ip.user_ns["thing"] = "lamp"
    ip.run_line_magic("imagine", "--name lamps a {thing} --stylize {750, 0, 250}")
    texts = [j.text.split(" --v")[0] for j in ip.user_ns["lamps"]]
    assert texts == [f"a lamp --stylize {s}" for s in (750, 0, 250)]
    ip.run_line_magic("imagine", "--name sign a sign that says {{thing}}")
    assert ip.user_ns["sign"].text.startswith("a sign that says {thing}")


def test_repeated_combinations_are_made_once(ip, sim, capsys):
    before = sim.count("diffusion")
    ip.run_cell_magic("imagine", "--name twice", "a {kite, kite, drum}")
    assert [j.text.split(" --v")[0] for j in ip.user_ns["twice"]] == ["a kite", "a drum"]
    assert sim.count("diffusion") == before + 2
    assert "1 of the 3 combinations repeat an earlier prompt" in capsys.readouterr().out
