"""The card's "Use" copies a runnable %%imagine cell: the job's prompt and flags, a public image
link when the output has one, never the simulator's loopback address or a credential."""

from __future__ import annotations

import pytest
from IPython.terminal.interactiveshell import TerminalInteractiveShell
from IPython.testing.globalipapp import start_ipython

from youchuan_nb.client import Job
from youchuan_nb.contract import parse_prompt
from youchuan_nb.notebook._card_actions import use_cell

PROMPT = "a lighthouse at dawn --ar 3:2 --chaos 20 --no boats --v 7"


@pytest.fixture
def finished(client):
    return client.imagine(PROMPT).wait(60)


def test_a_simulator_job_gives_its_prompt_and_flags_without_the_loopback_link(
    finished, client, sim
):
    assert all("127.0.0.1" in u for u in finished.urls)  # the simulator's own outputs
    cell = use_cell(finished, 1)
    head, _, body = cell.partition("\n")
    assert head == "%%imagine"
    for banned in ("127.0.0.1", "localhost", "http://", sim.url, sim.secret, sim.app_id):
        assert banned not in cell, banned
    parsed = parse_prompt(body)
    assert parsed.text == "a lighthouse at dawn"
    assert parsed.chips == parse_prompt(finished.text).chips  # every flag of the job, in order
    assert {"--ar 3:2", "--chaos 20", "--no boats", "--v 7"} <= set(parsed.chips)


def test_the_copied_cell_runs_and_makes_the_same_request(finished, tmp_path):
    shell = start_ipython() or TerminalInteractiveShell.instance()
    shell.run_line_magic("load_ext", "youchuan_nb")
    _, _, body = use_cell(finished, 0).partition("\n")
    shell.run_cell_magic("imagine", "--wait --new --name again", body)
    again = shell.user_ns["again"]
    assert isinstance(again, Job) and again.ok
    assert parse_prompt(again.text).chips == parse_prompt(finished.text).chips


def test_a_public_output_link_leads_the_cell_as_its_image_prompt():
    class Shown:  # what use_cell reads of a job: its outputs (on a CDN, as the service answers)
        def __init__(self, urls: list[str]) -> None:
            self.urls = urls
            self.text = f"http://127.0.0.1:9/up.png {PROMPT}"  # an image prompt on this machine

    public = [f"https://cdn.example.com/out/{i}.png" for i in range(4)]
    cell = use_cell(Shown(public), 2)  # type: ignore[arg-type]
    assert cell.startswith(f"%%imagine\n{public[2]} a lighthouse at dawn --ar 3:2")
    assert "127.0.0.1" not in cell
    with_password = ["https://user:pw@cdn.example.com/x.png"] * 4
    assert "pw@" not in use_cell(Shown(with_password), 0)  # type: ignore[arg-type]


def test_an_output_that_does_not_exist_is_a_clear_error(finished):
    with pytest.raises(ValueError):
        use_cell(finished, 7)
