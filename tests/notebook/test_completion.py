"""Tab completion of flags in ``%%imagine``/``%%animate`` cells, through a real kernel's
``complete_request`` (as JupyterLab asks for it), and the contract's table behind it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parents[2]
EXPERIMENTAL = "_jupyter_types_experimental"


@pytest.fixture(scope="module")
def kc(tmp_path_factory):
    from jupyter_client import KernelManager

    base = tmp_path_factory.mktemp("completion-kernel")
    env = {k: v for k, v in os.environ.items() if not k.startswith("YOUCHUAN_")}
    env.update(
        YOUCHUAN_NB_HOME=str(base / "home"),  # no credentials: the simulator (never started here)
        YOUCHUAN_SIM_JOB_SECONDS="0.2",
        YOUCHUAN_NB_WAIT="always",
        IPYTHONDIR=str(base / "ipython"),
        JUPYTER_RUNTIME_DIR=str(base / "runtime"),
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p),
    )
    km = KernelManager(kernel_name="python3")
    km.start_kernel(env=env, cwd=str(base))
    client = km.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        reply = client.execute_interactive("%load_ext youchuan_nb", timeout=60)
        assert reply["content"]["status"] == "ok", reply
        yield client
    finally:
        client.stop_channels()
        km.shutdown_kernel(now=True)


def complete(kc, code: str, cursor: int | None = None) -> tuple[list[str], dict[str, str], dict]:
    """(matches, text -> type from the experimental metadata, the reply's content)."""
    cursor = len(code) if cursor is None else cursor
    msg_id = kc.complete(code, cursor)
    reply = kc.get_shell_msg(timeout=30)
    assert reply["parent_header"]["msg_id"] == msg_id
    content = reply["content"]
    assert content["status"] == "ok", content
    types = {c["text"]: c.get("type") for c in content["metadata"].get(EXPERIMENTAL, [])}
    return content["matches"], types, content


def test_flags_complete_in_an_imagine_cell(kc):
    code = "%%imagine\na fox --a"
    matches, types, content = complete(kc, code)
    assert "--ar" in matches
    assert content["cursor_start"] == code.index("--a") and content["cursor_end"] == len(code)
    # ipykernel's experimental metadata carries our one-line description as the type
    assert types["--ar"] == "aspect ratio W:H of the images"
    # the cursor in the middle of the cell, not at its end
    code = "%%imagine\na fox --s\nin snow"
    matches, _, _ = complete(kc, code, code.index("--s") + 3)
    assert {"--s", "--stylize", "--seed", "--sref"} <= set(matches)


def test_values_complete_after_a_flag(kc):
    matches, types, _ = complete(kc, "%%imagine\na fox --ar ")
    assert {"1:1", "3:2", "16:9", "9:16"} <= set(matches)
    assert types["16:9"] == "widescreen"
    matches, types, _ = complete(kc, "%%imagine\na fox --v ")
    assert {"7", "8.1", "6.1"} <= set(matches)
    assert types["8.1"].startswith("model 8.1")
    matches, _, _ = complete(kc, "%%imagine\na fox --v 8")
    assert matches == ["8.1"]
    matches, _, _ = complete(kc, "%%imagine\na fox --niji ")
    assert {"6", "7"} <= set(matches)
    matches, _, _ = complete(kc, "%%imagine\na fox --chaos ")
    assert "100" in matches


def test_values_complete_inside_a_permutation_after_a_flag(kc):
    matches, types, _ = complete(kc, "%%imagine\na lighthouse --stylize {")
    assert matches[:2] == ["0", "50"] and types["750"] == "high"
    code = "%%imagine\na lighthouse --stylize {0, 2"
    matches, _, content = complete(kc, code)
    assert matches == ["250"] and content["cursor_start"] == len(code) - 1
    matches, _, _ = complete(kc, "%%imagine\na fox --ar {1:1, ")
    assert "16:9" in matches and "1:1" not in matches  # already chosen


def test_the_magic_line_completes_its_options_too(kc):
    matches, types, _ = complete(kc, "%%imagine --y")
    assert "--yes" in matches
    assert "confirm_above" in types["--yes"]
    matches, _, _ = complete(kc, "%%animate --resolution ")
    assert {"480p", "720p"} <= set(matches)
    matches, _, _ = complete(kc, "%%animate --motion ")
    assert set(matches) == {"low", "high"}
    matches, _, _ = complete(kc, "%imagine a cat --ti")
    assert matches == ["--timeout", "--tile"]  # the line takes options and flags
    # the body of a cell takes Midjourney flags only, not the magic's options
    matches, _, _ = complete(kc, "%%imagine\na cat --w")
    assert "--wait" not in matches and "--weird" in matches


def test_an_animate_body_offers_video_flags_only(kc):
    matches, _, _ = complete(kc, "%%animate\nwaves on a shore --")
    assert {"--motion", "--loop", "--end", "--bs"} <= set(matches)
    assert "--stylize" not in matches and "--tile" not in matches


def test_youchuan_lines_complete_subcommands_and_choices(kc):
    from youchuan_nb.contract import enum_names

    matches, types, _ = complete(kc, "%youchuan up")
    assert matches == ["upscale", "upscale-video"] and types["upscale"] == "upscale image N"
    matches, types, _ = complete(kc, "%yc upscale pic 2 --type ")
    assert matches == list(enum_names("upscale", "type"))  # the upscale kinds
    assert types["creative"] == "upscale --type creative"
    matches, _, _ = complete(kc, "%yc pan pic 1 --scale 1.2 ")
    assert set(matches) == set(enum_names("pan", "direction"))
    matches, _, _ = complete(kc, "%youchuan vary pic 1 --")
    assert {"--type", "--strong", "--new"} <= set(matches)
    matches, _, _ = complete(kc, "%youchuan use ")
    assert matches == ["sim", "real"]


@pytest.mark.parametrize(
    "code",
    [
        "x = 1\nprint(x) --a",
        "# %%imagine\na fox --a",
        "%time a --a",
        "%%bash\necho --a",
    ],
)
def test_nothing_of_ours_outside_an_imagine_cell(kc, code):
    matches, types, _ = complete(kc, code)
    assert "--ar" not in matches and "--aspect" not in matches
    assert "aspect ratio W:H of the images" not in types.values()


def test_ordinary_completion_still_works(kc):
    matches, _, _ = complete(kc, "import o")
    assert "os" in matches


def test_reload_registers_the_matcher_once(kc):
    reply = kc.execute_interactive(
        "%reload_ext youchuan_nb",
        user_expressions={
            "ours": "sum(getattr(m, 'matcher_identifier', '') == 'youchuan_nb.flags' "
            "for m in get_ipython().Completer.custom_matchers)"
        },
        timeout=60,
    )
    assert reply["content"]["user_expressions"]["ours"]["data"]["text/plain"] == "1"
    matches, _, _ = complete(kc, "%%imagine\na fox --a")
    assert matches == ["--ar"]


def test_every_offered_flag_is_described_and_its_values_pass_the_checks():
    from youchuan_nb.contract import check_prompt
    from youchuan_nb.contract.flags import (
        FLAG_HELP,
        OFFERED_FLAGS,
        REFUSED_FLAGS,
        flag_help,
        flag_values,
        offered_flags,
    )
    from youchuan_nb.contract.prompt import KNOWN_FLAGS, VIDEO_FLAGS

    assert set(OFFERED_FLAGS) == KNOWN_FLAGS - REFUSED_FLAGS
    assert all(about and "\n" not in about for about, _ in FLAG_HELP.values())
    assert flag_help("--s") == flag_help("stylize") != ""
    assert [v for v, _ in flag_values("--v")][:2] == ["7", "8.1"]
    assert {n for n, _ in offered_flags("video")} <= VIDEO_FLAGS
    needs = {"sw": "--sref https://e.x/s.png", "cw": "--cref https://e.x/c.png"}
    needs["ow"] = "--oref https://e.x/o.png"
    for name in ("ar", "chaos", "stylize", "weird", "seed", "sw", "cw", "ow", "exp"):
        for value, _ in flag_values(name):
            model = "6.1" if name == "cw" else "7"
            check_prompt(f"a fox --v {model} --{name} {value} {needs.get(name, '')}".strip())
    for value, _ in flag_values("version"):
        check_prompt(f"a fox --v {value}")
    for value, _ in flag_values("stop"):
        check_prompt(f"a fox --v 6.1 --stop {value}")
    for value, _ in flag_values("motion"):
        check_prompt(f"waves --motion {value}", kind="video", field_name="prompt")
