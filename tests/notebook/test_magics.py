"""The magics in a real IPython shell, against the built-in simulator."""

from __future__ import annotations

import contextlib
import os

import pytest
from IPython.core.error import UsageError
from IPython.terminal.interactiveshell import TerminalInteractiveShell
from IPython.testing.globalipapp import start_ipython

from youchuan_nb.client import Job


@pytest.fixture(scope="module")
def ip(tmp_path_factory):
    import os

    os.environ.setdefault("YOUCHUAN_SIM_JOB_SECONDS", "0.2")
    os.environ["YOUCHUAN_NB_WAIT"] = "always"
    # start_ipython() makes the test shell once per process and returns None after that
    shell = start_ipython() or TerminalInteractiveShell.instance()
    shell.run_line_magic("load_ext", "youchuan_nb")
    yield shell


@contextlib.contextmanager
def strict_rules(ip):
    """%config ImagineMagics.rules = 'strict': secondary sources' rules refuse too."""
    ip.run_line_magic("config", "ImagineMagics.rules = 'strict'")
    try:
        yield
    finally:
        ip.run_line_magic("config", "ImagineMagics.rules = 'documented'")


def run(ip, line, cell=None):
    if cell is None:
        return (
            ip.run_line_magic(*line.split(" ", 1)) if " " in line else ip.run_line_magic(line, "")
        )
    name, _, rest = line.partition(" ")
    return ip.run_cell_magic(name, rest, cell)


def test_imagine_binds_a_finished_job(ip):
    ip.user_ns["animal"] = "otter"
    run(ip, "imagine --wait --name pic", "a small {animal} in a river --ar 3:2")
    job = ip.user_ns["pic"]
    assert isinstance(job, Job) and job.ok and len(job.urls) == 4
    assert job.text.startswith("a small otter in a river --ar 3:2")
    assert "--v 7" in job.text  # default flags appended: the service's own default is 6.1


def test_default_flags_respect_the_prompt(ip):
    run(ip, "imagine --wait --name n6", "a koi pond --niji 6")
    assert "--v" not in ip.user_ns["n6"].text


@pytest.mark.parametrize(
    "line,cell,needle",
    [
        ("imagine --timeout abc", "a cat", "expected a number"),
        ("imagine --bogus", "a cat", "unknown option --bogus"),
        ("imagine", "   ", "the cell body is the prompt"),
        ("imagine", "x" * 9000, "the service accepts at most 8192"),  # a documented rule
    ],
)
def test_mistakes_are_one_line_usage_errors(ip, line, cell, needle):
    name, _, rest = line.partition(" ")
    with pytest.raises(UsageError, match=None) as info:
        ip.run_cell_magic(name, rest, cell)
    assert needle in str(info.value)
    assert "\n" not in str(info.value).strip() or needle == "the cell body is the prompt"


@pytest.mark.parametrize(
    "cell,needle",
    [
        ("a cat --chaos 500", "--chaos 500 is out of range"),
        ("a cat --v 8.1 --tile", "not supported by model 8.1"),
    ],
)
def test_secondary_prompt_rules_are_usage_errors_in_strict_mode(ip, cell, needle):
    with pytest.raises(UsageError) as info, strict_rules(ip):
        ip.run_cell_magic("imagine", "", cell)
    assert needle in str(info.value) and "\n" not in str(info.value).strip()


def test_secondary_prompt_rules_are_sent_by_default(ip):
    from youchuan_nb.contract import RuleWarning, reset_warnings

    reset_warnings()
    with pytest.warns(RuleWarning, match="--chaos 500"):
        run(ip, "imagine --wait --name wild", "a cat --chaos 500")
    assert ip.user_ns["wild"].ok  # the simulator, like the service, decided


def test_subcommand_mistakes_are_usage_errors(ip):
    for line in ("nonsense", "upscale", "pan x 1 sideways", "use mars", "upscale zzz 9"):
        with pytest.raises(UsageError):
            ip.run_line_magic("youchuan", line)


def test_follow_up_subcommands_make_child_jobs(ip):
    run(ip, "imagine --wait --name base", "a lighthouse at dawn")
    base = ip.user_ns["base"]
    ip.run_line_magic("youchuan", "upscale base 2 --creative")
    ip.run_line_magic("yc", "pan base 1 left --scale 1.3")
    kinds = [(c.action, c.params.get("imageNo")) for c in base.children]
    assert ("upscale", 1) in kinds and ("pan", 0) in kinds
    assert all(c.done for c in base.children)


def test_animate_from_a_grid_image(ip):
    run(ip, "imagine --wait --name still", "a paper boat")
    ip.run_line_magic("animate", "--from still:2 --motion high --wait --name clip")
    clip = ip.user_ns["clip"]
    assert clip.action == "video_diffusion" and clip.ok
    assert clip.params["imageNo"] == 1 and "--motion high" in clip.params["prompt"]
    assert all(u.endswith(".mp4") for u in clip.urls)


def test_rerunning_a_cell_in_flight_does_not_submit_twice(ip, monkeypatch):
    from youchuan_nb.notebook._session import get_session

    monkeypatch.setenv("YOUCHUAN_NB_WAIT", "never")
    sim = get_session().client.simulator
    before = sim.count("diffusion")
    sim.job_seconds = 3
    try:
        ip.run_cell_magic("imagine", "", "a very slow snail")
        first = get_session().cards[-1]
        first.wait_for_job(30)
        ip.run_cell_magic("imagine", "", "a very slow snail")
        assert get_session().cards[-1] is first
        assert sim.count("diffusion") == before + 1
        ip.run_cell_magic("imagine", "--new", "a very slow snail")
        card = get_session().cards[-1]
        card.wait(30)
        assert sim.count("diffusion") == before + 2
    finally:
        sim.job_seconds = 0.2


def test_config_traits_reach_the_session(ip):
    from youchuan_nb.notebook._session import get_session

    ip.run_line_magic("config", "ImagineMagics.thumbnail_size = 64")
    ip.run_line_magic("config", "ImagineMagics.default_flags = '--v 6.1 --ar 1:1'")
    try:
        assert get_session().settings.thumbnail_size == 64
        run(ip, "imagine --wait --name small", "a teapot")
        assert ip.user_ns["small"].text.endswith("--v 6.1 --ar 1:1")
    finally:
        ip.run_line_magic("config", "ImagineMagics.thumbnail_size = 256")
        ip.run_line_magic("config", "ImagineMagics.default_flags = '--v 7'")


def test_plain_output_lists_files(ip, capsys):
    ip.run_cell_magic("imagine", "--plain", "a cactus")
    out = capsys.readouterr().out
    assert "finished: 4 output(s)" in out and out.count(".png") == 4


def test_flag_aliases_on_the_magic_line(ip):
    run(ip, "imagine --wait --name al --s 250 --c 20", "a red kite")
    text = ip.user_ns["al"].text
    assert "--s 250" in text and "--c 20" in text


def test_undefined_variable_is_a_usage_error_and_double_braces_are_literal(ip):
    with pytest.raises(UsageError, match="no variable 'nosuchvar'"):
        ip.run_cell_magic("imagine", "", "a {nosuchvar} in the sky")
    run(ip, "imagine --wait --name lit", "a sign that says {{hello}}")
    assert "{hello}" in ip.user_ns["lit"].text


def test_reload_keeps_polling(ip, monkeypatch):
    from youchuan_nb.notebook._session import get_session

    ip.run_line_magic("reload_ext", "youchuan_nb")
    monkeypatch.setenv("YOUCHUAN_NB_WAIT", "never")
    ip.run_cell_magic("imagine", "--name after_reload", "a kettle after a reload")
    card = get_session().cards[-1]
    card.wait(30)
    assert card.cards[0]["status"] == "finished"


def test_video_follow_ups_from_the_line_magic_show_video_cards(ip):
    from youchuan_nb.notebook._session import get_session

    ip.run_cell_magic("animate", "--wait --name vid", "waves on a shore")
    vid = ip.user_ns["vid"]
    assert vid.ok and vid.is_video
    ip.run_line_magic("youchuan", "upscale-video vid 1")
    card = get_session().cards[-1]
    card.wait(60)
    child = card.cards[-1]
    assert child["kind"] == "video" and child["status"] == "finished"
    assert child["actions"].get("download") == ""


def test_half_credentials_load_without_traceback(tmp_path):
    import subprocess
    import sys

    code = (
        "from IPython.testing.globalipapp import start_ipython\n"
        "ip = start_ipython()\n"
        "ip.run_line_magic('load_ext', 'youchuan_nb')\n"
        "r = ip.run_cell('%imagine a cat')\n"
        "print('LOADED', 'imagine' in ip.magics_manager.magics['line'])\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "YOUCHUAN_APP_ID": "only-the-app-id",
        "YOUCHUAN_NB_HOME": str(tmp_path),
        "HOME": str(tmp_path),
    }
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    out = proc.stdout + proc.stderr
    assert "LOADED True" in out, out
    assert "missing credentials: set YOUCHUAN_SECRET" in out
    assert "Traceback" not in out


# -- argument parsing: one style, choices from the contract -------------------------------------
@pytest.mark.parametrize(
    "magic,line,cell,needle",
    [
        ("imagine", '--name "pic', "a cat", "no closing quotation"),
        ("animate", "--from fox:²", None, "image number '²': use 1-4"),
        ("animate", "--from fox:5", None, "image number '5': use 1-4"),
        ("animate", "--resolution 1080p", "waves", "invalid choice: '1080p'"),
        ("animate", "--motion fast", "waves", "invalid choice: 'fast'"),
        ("animate", "--bogus", "waves", "unknown option --bogus"),
        ("youchuan", "pan zzz 1 sideways", None, "invalid choice: 'sideways'"),
        ("youchuan", "upscale zzz ²", None, "image number '²'"),
        ("youchuan", 'remix zzz 1 "a cat', None, "no closing quotation"),
        ("youchuan", "account --verbose", None, "unrecognized arguments: --verbose"),
    ],
)
def test_usage_errors_are_one_line(ip, magic, line, cell, needle):
    with pytest.raises(UsageError) as info:
        if cell is None:
            ip.run_line_magic(magic, line)
        else:
            ip.run_cell_magic(magic, line, cell)
    message = str(info.value)
    assert needle in message and "\n" not in message, message


def test_choices_come_from_the_contract():
    from youchuan_nb.contract import ENDPOINTS, enum_names
    from youchuan_nb.contract.prompt import MOTIONS
    from youchuan_nb.notebook import _magic_args as margs

    def choices(parser, dest):
        return next(tuple(a.choices) for a in parser._actions if a.dest == dest)

    animate = margs.animate_parser()
    assert choices(animate, "resolution") == enum_names("video_diffusion", "videoType")
    assert choices(animate, "motion") == MOTIONS
    pan = margs.youchuan_parser().parse_known_args(["pan", "j", "1", "top"])[0]
    assert pan.direction == "top"  # a contract synonym of "up"
    field = ENDPOINTS["upscale"].field("imageNo")
    assert margs.image_number(str(field.high + 1)) == field.high
    with pytest.raises(Exception, match="use 1-4"):
        margs.image_number(str(field.high + 2))
    from youchuan_nb.notebook._magic_help import help_text

    text = help_text()
    assert "|".join(enum_names("video_diffusion", "videoType")) in text
    assert "{" + ",".join(enum_names("pan", "direction")) + "}" in text


def test_help_prints_and_returns(ip, capsys):
    ip.run_line_magic("youchuan", "help")
    ip.run_cell_magic("imagine", "--help", "ignored")
    out = capsys.readouterr().out
    assert "%youchuan pan" in out and "usage: %%imagine" in out


def test_settings_are_declared_once_and_config_writes_them(ip, capsys):
    from youchuan_nb.notebook._magics import ImagineMagics
    from youchuan_nb.notebook._session import Settings, get_session

    names = {
        "poll_interval",
        "max_poll_interval",
        "default_flags",
        "thumbnail_size",
        "cache_dir",
        "wait",
        "timeout",
        "max_concurrent",
    }
    assert names <= set(Settings.class_traits(config=True))
    assert not set(ImagineMagics.class_own_traits(config=True))  # nothing declared twice
    ip.run_line_magic("config", "ImagineMagics")
    out = capsys.readouterr().out
    assert all(f"ImagineMagics.{n}" in out for n in names), out
    settings = get_session().settings
    assert isinstance(settings, ImagineMagics)
    ip.run_line_magic("config", "ImagineMagics.timeout = 123.0")
    ip.run_line_magic("config", "ImagineMagics.poll_interval = 0.5")
    try:
        assert settings.timeout == 123.0
        assert get_session().client.poll_interval == 0.5
    finally:
        ip.run_line_magic("config", "ImagineMagics.timeout = 900.0")
        ip.run_line_magic("config", "ImagineMagics.poll_interval = 1.0")
    ip.run_line_magic("reload_ext", "youchuan_nb")
    assert sum(isinstance(c, ImagineMagics) for c in ip.configurables) == 1


# -- re-running never pays twice by accident -----------------------------------------------------
def _restart():
    """What a kernel restart does to the notebook layer: a new session and client; the job store
    (and here the process-wide simulator) stay."""
    from youchuan_nb.notebook._session import get_session, reset_session

    reset_session()
    return get_session()


def test_rerunning_a_finished_cell_shows_its_job(ip, capsys):
    from youchuan_nb.notebook._session import get_session

    sim = get_session().client.simulator
    before = sim.count("diffusion")
    run(ip, "imagine --wait --name once", "a heron standing in mist --ar 3:2")
    first = ip.user_ns["once"]
    capsys.readouterr()
    run(ip, "imagine --wait --name again", "a heron standing in mist --ar 3:2")
    assert sim.count("diffusion") == before + 1
    assert ip.user_ns["again"] is first
    assert "(unchanged cell); use --new to make a new one" in capsys.readouterr().out

    session = _restart()  # a new kernel on the same job store
    assert session.client.simulator is sim
    run(ip, "imagine --wait --name after", "a heron standing in mist --ar 3:2")
    assert sim.count("diffusion") == before + 1
    assert ip.user_ns["after"].id == first.id and ip.user_ns["after"].ok
    assert "Showing the job from" in capsys.readouterr().out

    run(ip, "imagine --wait --new --name fresh", "a heron standing in mist --ar 3:2")
    assert sim.count("diffusion") == before + 2
    assert ip.user_ns["fresh"].id != first.id
    run(ip, "imagine --wait --name changed", "a heron standing in rain --ar 3:2")
    assert sim.count("diffusion") == before + 3


def test_run_all_on_a_finished_notebook_submits_nothing(ip):
    from youchuan_nb.notebook._session import get_session

    def notebook():
        run(ip, "imagine --wait --name tree", "an old oak on a hill")
        ip.run_line_magic("youchuan", "upscale tree 3")
        ip.run_cell_magic("animate", "--wait --name tree_clip --motion low", "leaves in wind")
        ip.run_line_magic("animate", "--from tree:2 --wait --name tree_video")

    sim = get_session().client.simulator
    notebook()
    made = len(sim.created)
    session = _restart()
    notebook()
    assert len(sim.created) == made
    # the re-shown grid carries its follow-ups, from the store's parent links
    card = next(
        c
        for c in reversed(session.cards)
        if c.root and c.root.job and c.root.job.id == ip.user_ns["tree"].id
    )
    assert {j.action for j in card.jobs} >= {"diffusion", "upscale"}
    notebook()  # and again in the same kernel
    assert len(sim.created) == made


def test_run_again_on_a_video_from_a_prompt_makes_one_new_video(ip):
    """ "Run again" on an ``%%animate`` card (a video from a prompt alone): exactly one new job
    of the same request, below; a video animated from a grid image has no "Run again" (the
    grid's Animate button makes it again, and asks first)."""
    from youchuan_nb.notebook._session import get_session

    sim = get_session().client.simulator
    ip.run_cell_magic("animate", "--wait --resolution 720p --motion high", "a lighthouse in fog")
    card = get_session().cards[-1]
    top = card.cards[0]
    assert top["kind"] == "video" and top["grid_actions"].get("rerun") == ""
    made = len(sim.created)
    node = card.run_again(top["key"])
    assert card.run_again(top["key"]) is node  # a second click while it is on its way
    card.wait(60)
    new = sim.created[made:]
    assert [m["endpoint"] for m in new] == ["video_diffusion"], new
    assert new[0]["body"] == sim.created[made - 1]["body"]  # the same prompt, flags, resolution
    assert card.cards[-1]["key"] == node.key and card.cards[-1]["parent_key"] is None
    assert card.cards[-1]["status"] == "finished" and card.cards[-1]["kind"] == "video"

    run(ip, "imagine --wait --name lighthouse_still", "a lighthouse at dusk")
    ip.run_line_magic("animate", "--from lighthouse_still:1 --wait")
    card = get_session().cards[-1]
    video = card.cards[-1]
    assert video["kind"] == "video" and video["status"] == "finished"
    assert "rerun" not in video["grid_actions"]


def test_a_failed_job_is_not_reused(ip):
    from youchuan_nb.notebook._session import get_session
    from youchuan_nb.sim import Faults

    sim = get_session().client.simulator
    before = sim.count("diffusion")
    saved, sim.faults = sim.faults, Faults(fail=1.0)
    try:
        run(ip, "imagine --wait --name broken", "a glass bird")
        assert ip.user_ns["broken"].failed
    finally:
        sim.faults = saved
    run(ip, "imagine --wait --name mended", "a glass bird")
    assert sim.count("diffusion") == before + 2 and ip.user_ns["mended"].ok


def test_plain_rerun_lists_the_same_files_without_submitting(ip, capsys):
    from youchuan_nb.notebook._session import get_session

    sim = get_session().client.simulator
    before = sim.count("diffusion")
    ip.run_cell_magic("imagine", "--plain", "a copper kettle on a stove")
    first = capsys.readouterr().out
    ip.run_cell_magic("imagine", "--plain", "a copper kettle on a stove")
    second = capsys.readouterr().out
    assert sim.count("diffusion") == before + 1
    assert "unchanged cell" in second
    assert [ln for ln in first.splitlines() if ".png" in ln] == [
        ln for ln in second.splitlines() if ".png" in ln
    ]


def test_job_subcommand_after_a_restart_shows_the_follow_ups(ip):
    run(ip, "imagine --wait --name roots", "a banyan tree at noon")
    root_id = ip.user_ns["roots"].id
    ip.run_line_magic("yc", "vary roots 2 --strong")
    session = _restart()
    ip.run_line_magic("youchuan", f"job {root_id}")
    card = session.cards[-1]
    assert [j.action for j in card.jobs] == ["diffusion", "variation"]
    assert card.jobs[1].parent_id == root_id


def test_more_follow_ups_parse_and_submit(ip, monkeypatch):
    monkeypatch.setenv("YOUCHUAN_NB_WAIT", "always")
    ip.run_line_magic("imagine", "--wait --name kite a child's red kite --ar 3:2")
    kite = ip.user_ns["kite"]
    assert kite.ok and kite.text.startswith("a child's red kite --ar 3:2")
    ip.run_line_magic("yc", "remix kite 1 --subtle a blue kite --s 50")
    ip.run_line_magic("yc", "zoom kite 2 --scale 1.5")
    ip.run_line_magic("yc", "inpaint kite 3 --rect 10,10,40,40 --prompt a yellow tail")
    ip.run_line_magic("yc", "reroll kite")
    children = {c.action: c for c in kite.children}
    assert set(children) >= {"remix", "outpaint", "inpaint", "reroll"}
    assert children["remix"].params["remixPrompt"].startswith("a blue kite --s 50")
    assert children["outpaint"].params["scale"] == 1.5
    assert children["inpaint"].params["remixPrompt"] == "a yellow tail"
    with pytest.raises(UsageError, match="unknown option --bogus"):
        ip.run_line_magic("yc", "remix kite 1 a kite --bogus")


def test_a_simulator_at_a_new_address_still_finds_its_jobs(ip):
    """The built-in simulator's port changes with each kernel: a re-run after a restart asks the
    simulator it now has about the stored job (and submits anew only if it does not know it)."""
    from types import SimpleNamespace

    from youchuan_nb.client import Client
    from youchuan_nb.notebook._session import get_session, set_client

    sim = get_session().client.simulator
    run(ip, "imagine --wait --name moved", "a lighthouse keeper's cat")
    before = sim.count("diffusion")
    _restart()
    other = SimpleNamespace(
        app_id=sim.app_id, secret=sim.secret, url=sim.url.replace("127.0.0.1", "localhost")
    )
    assert other.url != sim.url
    set_client(Client.for_service(other))
    try:
        run(ip, "imagine --wait --name moved_again", "a lighthouse keeper's cat")
        assert sim.count("diffusion") == before
        assert ip.user_ns["moved_again"].id == ip.user_ns["moved"].id
    finally:
        _restart()


def test_doctor_magic_checks_the_service_without_paying(ip, capsys):
    from youchuan_nb.notebook import get_session

    sim = get_session().client.simulator
    before = len(sim.created)
    ip.run_line_magic("youchuan", "doctor")
    out = capsys.readouterr().out
    assert "[ok  ] credentials: accepted" in out and "[ok  ] costs:" in out
    assert "raw answers (credentials removed) saved in" in out
    assert len(sim.created) == before


def test_costs_of_a_shape_nobody_documented_is_said_not_shown_as_empty(ip, capsys):
    from youchuan_nb.notebook import get_session

    client = get_session().client
    ip.run_line_magic("youchuan", "costs")
    out = capsys.readouterr().out
    assert out.startswith("costs page 1 (") and "cannot read" not in out
    assert client.costs(1, 20) is not None


def test_config_language_switches_new_output_without_a_restart(ip):
    from youchuan_nb import i18n

    try:
        os.environ.pop("YOUCHUAN_NB_LANG", None)
        ip.run_line_magic("config", "ImagineMagics.language = 'zh'")
        assert i18n.get_language() == "zh" and i18n.t("card.status.running") != "Running"
        ip.run_line_magic("config", "ImagineMagics.language = 'en'")
        assert i18n.t("card.status.running") == "Running"
    finally:
        ip.run_line_magic("config", "ImagineMagics.language = ''")
        os.environ["YOUCHUAN_NB_LANG"] = "en"
