"""The kernel side of saved cards coming back to life (``_revive.py``) and the card's "Run
again", against the simulator over real HTTP: what a new kernel builds from the job store, what
it answers on the comm, and how many jobs each step makes (none, or exactly one)."""

from __future__ import annotations

import time

import pytest
from _waiting import until

from youchuan_nb.client import Client
from youchuan_nb.notebook import JobCard
from youchuan_nb.notebook import _card_display as display_mod
from youchuan_nb.notebook import _revive as revive_mod
from youchuan_nb.notebook._session import Session, Settings
from youchuan_nb.sim import Simulator

PROMPT = "a paper lantern over a river --ar 1:1 --v 7"


def prompt(words):
    return f"a paper lantern over a river, {words} --ar 1:1 --v 7"


@pytest.fixture
def sim():
    with Simulator(job_seconds=0.2) as s:
        yield s


def new_session(sim, tmp_path) -> Session:
    """A kernel's session: a new client on the same store, cache and simulator."""
    client = Client.for_service(
        sim, poll_interval=0.05, store=tmp_path / "jobs.sqlite3", cache_dir=tmp_path / "media"
    )
    return Session(client=client, settings=Settings(thumbnail_size=64))


class FakeComm:
    """What the kernel sends on a revive comm (the front end's side of it)."""

    def __init__(self):
        self.sent: list[dict] = []
        self.closed = False
        self.close_cb = None

    def send(self, data):
        self.sent.append(data)

    def close(self):
        self.closed = True

    def on_close(self, cb):
        self.close_cb = cb


def _grid_with_upscale(session):
    card = JobCard.imagine(PROMPT, session).wait(30)
    root = card.root
    child = card.perform(root.key, "upscale", 1, {"type": "standard"})
    card.wait(30)
    assert child is not None and child.job is not None and child.job.ok
    return root.job, child.job


def test_a_new_kernel_revives_the_tree_from_the_store_and_submits_nothing(sim, tmp_path):
    grid, upscale = _grid_with_upscale(new_session(sim, tmp_path))
    made = len(sim.created)
    session = new_session(sim, tmp_path)  # a new kernel
    card = revive_mod.revive([grid.id], session).wait(30)
    assert [c["job_id"] for c in card.cards] == [grid.id, upscale.id]
    assert card.cards[1]["parent_key"] == card.cards[0]["key"]
    assert all(c["status"] == "finished" for c in card.cards)
    assert card.cards[0]["actions"]["upscale_standard"] == ""  # its buttons work
    assert len(sim.created) == made
    # the same ids again (a page reload, a second view): the same live card
    assert revive_mod.revive([grid.id], session) is card
    # a click on it makes exactly one job, under the grid
    child = card.perform(card.cards[0]["key"], "vary", 0, {"strong": False})
    card.wait(30)
    assert len(sim.created) == made + 1 and sim.created[-1]["endpoint"] == "variation"
    assert child is not None and child.parent_key == card.cards[0]["key"]


def test_a_job_still_running_is_polled_again(sim, tmp_path):
    sim.job_seconds = 3.0
    first = new_session(sim, tmp_path)
    card = JobCard.imagine(prompt("slow"), first)
    job = card.wait_for_job(30)
    assert job is not None and not job.done
    first.close()  # the kernel goes away while the job runs
    made = len(sim.created)
    revived = revive_mod.revive([job.id], new_session(sim, tmp_path))
    assert revived.cards[0]["status"] in ("queued", "running")
    until(lambda: revived.settled, 30, "the revived job to finish")
    assert revived.cards[0]["status"] == "finished" and len(revived.cards[0]["outputs"]) == 4
    assert len(sim.created) == made


def test_the_comm_answers_with_the_live_card_and_keeps_its_copy_up_to_date(
    sim, tmp_path, monkeypatch
):
    monkeypatch.setenv("YOUCHUAN_NB_WAIT", "never")  # as in a live notebook
    grid, _ = _grid_with_upscale(new_session(sim, tmp_path))
    session = new_session(sim, tmp_path)
    comm = FakeComm()
    card = revive_mod.revive([grid.id], session)
    mirror = revive_mod.CommMirror(comm)
    card.add_mirror(mirror)
    card.wait(30)
    until(lambda: comm.sent, 10, "the copy sent once the card settled")
    answer = comm.sent[-1]
    assert answer["type"] == "output"
    view = answer["data"]["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == card.model_id
    assert answer["data"]["text/html"].count("<img ") == 5
    assert answer["metadata"]["youchuan_nb"]["job_ids"] == [grid.id]
    assert f'data-yc-jobs="{grid.id}"' in answer["data"]["text/html"]
    # a follow-up settles: the copy is sent again, with it
    sent = len(comm.sent)
    card.perform(card.cards[0]["key"], "upscale", 2, {"type": "standard"})
    card.wait(30)
    until(lambda: len(comm.sent) > sent, 10, "the refreshed copy")
    assert comm.sent[-1]["data"]["text/html"].count("<img ") == 6
    card.remove_mirror(mirror)


@pytest.mark.parametrize("data", [{}, {"job_ids": []}, {"job_ids": [3]}, {"job_ids": "abc"}])
def test_a_bad_request_is_answered_with_an_error_and_closed(data):
    comm = FakeComm()
    revive_mod._on_open(comm, {"content": {"data": data}})
    assert comm.sent[0]["type"] == "error" and comm.closed


def test_the_saved_output_names_the_job_while_it_runs(sim, tmp_path):
    sim.job_seconds = 3.0
    card = JobCard.imagine(prompt("named"), new_session(sim, tmp_path))
    job = card.wait_for_job(30)
    assert job is not None and not job.done
    data, metadata = card._repr_mimebundle_()
    assert metadata["youchuan_nb"]["job_ids"] == [job.id]
    assert f'data-yc-jobs="{job.id}"' in data["text/html"]


def test_the_output_names_a_new_job_before_the_card_shows_its_id(sim, tmp_path, monkeypatch):
    """A save made as soon as the card shows the job id must keep the id (the cause of a CI
    failure on a loaded machine: the widget state went out first, the display update naming the
    job a moment later, and the browser saved in between). The display update goes out first;
    likewise when the job ends, the copy gets its images before the card shows it finished."""
    sim.job_seconds = 3.0
    sent: list[str] = []

    class Handle:
        def update(self, obj):
            data, metadata = obj._repr_mimebundle_()
            if metadata["youchuan_nb"]["job_ids"] and "output names the job" not in sent:
                sent.append("output names the job")
            if data["text/html"].count("<img ") == 4 and "output has the images" not in sent:
                sent.append("output has the images")

    monkeypatch.setattr("IPython.display.display", lambda obj, display_id=None: Handle())
    monkeypatch.setattr(display_mod, "_prints_updates", lambda: False)  # a notebook's kernel
    card = JobCard(new_session(sim, tmp_path))

    def send(data=None, buffers=None, **kw):  # the widget's messages to the front end
        cards = ((data or {}).get("state") or {}).get("cards") or []
        if any(c.get("job_id") for c in cards) and "card shows the id" not in sent:
            sent.append("card shows the id")
        if cards and cards[0].get("status") == "finished" and "card shows it ended" not in sent:
            sent.append("card shows it ended")

    monkeypatch.setattr(card.comm, "send", send)
    card.show()
    client = card._session.client
    text = prompt("ordered")
    card.submit("diffusion", lambda: client.diffusion(text), params={"text": text}, prompt=text)
    job = card.wait_for_job(30)
    assert job is not None
    until(lambda: len(sent) >= 2, 10, "both messages")
    assert sent[:2] == ["output names the job", "card shows the id"]
    # and once it has ended: the saved copy has its images before the card says so
    until(lambda: len(sent) >= 4, 30, "the job's end")
    assert sent[2:] == ["output has the images", "card shows it ended"]


def test_run_again_makes_one_new_grid_below(sim, tmp_path):
    session = new_session(sim, tmp_path)
    grid, _ = _grid_with_upscale(session)
    card = revive_mod.revive([grid.id], session)
    assert card.cards[0]["grid_actions"]["rerun"] == ""
    assert "rerun" not in card.cards[1]["grid_actions"]  # not on a follow-up
    made = len(sim.created)
    node = card.run_again(card.cards[0]["key"])
    assert card.run_again(card.cards[0]["key"]) is node  # a second click while it is on its way
    card.wait(30)
    assert len(sim.created) == made + 1
    new = sim.created[-1]
    assert new["endpoint"] == "diffusion" and new["body"]["text"] == grid.text
    assert node.parent_key is None and card.cards[-1]["key"] == node.key
    assert card.cards[-1]["status"] == "finished"
    # the saved output names both top-level jobs, so a new kernel brings both back
    _, metadata = card._repr_mimebundle_()
    assert metadata["youchuan_nb"]["job_ids"] == [grid.id, node.job.id]
    again = revive_mod.revive([grid.id, node.job.id], new_session(sim, tmp_path))
    assert [c["parent_key"] is None for c in again.cards] == [True, False, True]
    assert len(sim.created) == made + 1


def test_a_card_that_settles_while_it_is_shown_still_refreshes_its_copy(sim, tmp_path, monkeypatch):
    """The cause of the flaky save-widget-state browser test: a re-run shows a stored tree
    whose thumbnails (from the local cache) finish loading while the card is being displayed;
    that last refresh found no display handle yet and was lost, so the saved copy kept fewer
    images. Now the refresh waits for the display and then updates it."""
    import threading

    card = JobCard(new_session(sim, tmp_path))
    card.add_unknown("diffusion", {"text": "x"}, lambda: ("gone", ""), since=time.time())
    assert card.settled
    published: list[str] = []

    class Handle:
        def update(self, obj):
            published.append("update")

    def settle():  # what the media thread does once the last thumbnail is in
        card._sync(final=True)

    worker = threading.Thread(target=settle)

    def display(obj, display_id=None):
        obj._repr_mimebundle_()
        published.append("display")
        worker.start()  # the job settles while the bundle is on its way
        worker.join(0.5)
        return Handle()

    monkeypatch.setattr("IPython.display.display", display)
    monkeypatch.setattr(display_mod, "_prints_updates", lambda: False)  # a notebook's kernel
    card.show()
    worker.join(10)
    assert published == ["display", "update"]


def test_a_terminal_is_not_sent_an_update_that_says_nothing_new(sim, tmp_path, monkeypatch):
    """Without a kernel (a terminal IPython, a script) each update is printed as new lines, and
    a late one landed in the middle of later output: only an update whose text changed is sent."""
    card = JobCard(new_session(sim, tmp_path))
    card.add_unknown("diffusion", {"text": "x"}, lambda: ("gone", ""), since=time.time())
    printed: list[str] = []

    class Handle:
        def update(self, obj):
            printed.append(obj._repr_mimebundle_()[0]["text/plain"])

    monkeypatch.setattr("IPython.display.display", lambda obj, display_id=None: Handle())
    assert display_mod._prints_updates()  # pytest runs no kernel
    card.show()
    card._sync(final=True)  # settled again (e.g. thumbnails saved): the same text
    card.refresh_output()
    assert printed == []
    text = prompt("terminal")
    client = card._session.client
    card.submit("diffusion", lambda: client.diffusion(text), params={"text": text}, prompt=text)
    card.wait(30)
    assert printed and "Finished" in printed[-1]
    assert len(printed) == len(set(printed))  # nothing printed twice


def test_a_saved_sweep_sheet_comes_back_with_a_live_card_per_job(sim, tmp_path, monkeypatch):
    """A sweep's sheet saved in one kernel, brought back in another from what its output names
    (jobs, prompts, options): the same labels and jobs, thumbnails, every cell's live card, and
    nothing submitted."""
    from youchuan_nb.notebook._sweep import SweepSheet

    monkeypatch.setenv("YOUCHUAN_NB_WAIT", "never")  # as in a live notebook
    first = new_session(sim, tmp_path)
    prompts = [f"a paper lantern --stylize {v} --seed 3 --v 7" for v in (0, 250)]
    cards = [JobCard.imagine(p, first) for p in prompts]
    for card in cards:
        card.wait(30)
    _, metadata = SweepSheet(cards, prompts, [("0",), ("250",)])._repr_mimebundle_()
    facts = metadata["youchuan_nb"]
    ids = [card.root.job.id for card in cards]
    assert facts == {"sweep": ids, "prompts": prompts, "values": [["0"], ["250"]]}
    made = len(sim.created)
    session = new_session(sim, tmp_path)  # a new kernel
    monkeypatch.setattr("youchuan_nb.notebook._session.get_session", lambda: session)
    comm = FakeComm()
    revive_mod._on_open(comm, {"content": {"data": facts}})
    assert comm.sent and comm.sent[0]["type"] == "output" and not comm.closed

    def settled():
        data = comm.sent[-1]["data"]
        return data["text/html"].count("<img ") == 2 and "Finishing" not in data["text/plain"]

    until(settled, 30, "both cells finished with their thumbnails")
    answer = comm.sent[-1]
    assert answer["metadata"]["youchuan_nb"]["sweep"] == ids
    assert answer["data"]["text/plain"].splitlines()[1:] == [
        f"  {v} {i}: Finished" for v, i in zip(("0", "250"), ids, strict=True)
    ]
    revived = [c for c in session.cards if c.root and c.root.job]
    assert sorted(c.root.job.id for c in revived) == sorted(ids)
    assert all(c.cards[0]["actions"]["upscale_standard"] == "" for c in revived)  # live
    assert len(sim.created) == made


@pytest.mark.parametrize(
    "data",
    [
        {"sweep": [], "prompts": [], "values": []},
        {"sweep": ["a", ""], "prompts": ["x", "y"], "values": [["1"], ["2"]]},  # never made
        {"sweep": ["a", "b"], "prompts": ["x"], "values": [["1"], ["2"]]},
        {"sweep": ["a", "b"], "prompts": ["x", "y"], "values": [["1"], ["2", "3"]]},
        {"sweep": ["a"], "prompts": ["x"]},  # saved before the options were kept
    ],
)
def test_a_sheet_that_cannot_come_back_stays_its_copy(data):
    comm = FakeComm()
    revive_mod._on_open(comm, {"content": {"data": data}})
    assert comm.sent[0]["type"] == "error" and comm.closed
