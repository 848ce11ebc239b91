"""The magics speak the catalogue's language: every usage error, the help of each magic and of
``%youchuan``, in a real IPython shell with YOUCHUAN_NB_LANG=zh and =en (switched while the shell
runs: no restart). A Chinese text keeps no English words except flags, ids, metavars, numbers,
setting names and the example prompt."""

from __future__ import annotations

import contextlib
import io
import re

import pytest
from IPython.core.error import UsageError
from IPython.terminal.interactiveshell import TerminalInteractiveShell
from IPython.testing.globalipapp import start_ipython


@pytest.fixture(scope="module")
def ip():
    shell = start_ipython() or TerminalInteractiveShell.instance()
    shell.run_line_magic("load_ext", "youchuan_nb")
    yield shell


# Latin that a Chinese text may keep: names written as they are typed, and the example prompt
KEPT = {
    "Midjourney", "Tab", "Job", "ID", "id", "URL", "sim", "real", "zh", "en", "app", "ok",
    "a", "red", "fox", "in", "snow", "car", "blue", "trees", "S", "TEXT", "PROMPT",
}  # fmt: skip
_NOT_WORDS = [
    r"%%?[A-Za-z_]+(?: [a-z][a-z-]*)?",  # %%imagine, %youchuan upscale
    r"参数 [a-z_]+：",  # argparse names an argument by its name: 参数 direction：
    r"--?[A-Za-z][\w-]*",  # --ar, -h
    r"'[^']*'",  # a quoted value or choice
    r"\{[^{}]*\}",  # {a,b} choices, {var}
    r"\[[^\[\]]*\]",  # [--wait] in a usage line
    r"[A-Za-z_]+(?:[._][A-Za-z_]+)+",  # ImagineMagics.timeout, YOUCHUAN_APP_ID, youchuan_nb
    r"\b[A-Z][A-Z0-9_]*\b",  # metavars: JOB, N, VAR, X,Y,W,H
    r"\b\d[\w.:]*",  # numbers and ids
]


def english_left(text: str) -> list[str]:
    for pattern in _NOT_WORDS:
        text = re.sub(pattern, " ", text)
    return [w for w in re.findall(r"[A-Za-z]+", text) if w not in KEPT]


def han(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


MISTAKES = [
    ("imagine --timeout abc", "a cat"),  # argparse: a value of the wrong type
    ("imagine --name", "a cat"),  # argparse: expected one argument
    ("imagine --bogus", "a cat"),  # ours: an unknown option
    ("imagine", "   "),  # no prompt
    ("imagine", "a {nowhere_defined} cat"),  # a variable that is not defined
    ('imagine --name "abc', "a cat"),  # an unclosed quote
    ("imagine", "a {red, blue, green} {car, bus, van, cab} --ar {1:1, 16:9}"),  # 24 jobs
    ("animate", None),  # the line form with no prompt
    ("animate --resolution 4k", "waves"),  # argparse: an invalid choice
    ("animate --from :2", "waves"),
    ("youchuan nonsense", None),
    ("youchuan upscale", None),  # argparse: the following arguments are required
    ("youchuan pan x 1 sideways", None),
    ("youchuan upscale zzz 9", None),
    ("youchuan --bogus", None),
    ("youchuan account 12 34", None),  # (words of the user are echoed as they are)
    ("youchuan use mars", None),
    ("youchuan inpaint x 1", None),  # --rect is required
    ("youchuan zoom x 1 --scale big", None),
    ("youchuan jobs many", None),
]


def _mistake(ip, line: str, cell: str | None) -> str:
    name, _, rest = line.partition(" ")
    with pytest.raises(UsageError) as info:
        if cell is None:
            ip.run_line_magic(name, rest)
        else:
            ip.run_cell_magic(name, rest, cell)
    return str(info.value)


def test_every_usage_error_is_in_the_chosen_language(ip, monkeypatch):
    seen = {}
    for lang in ("zh", "en", "zh"):  # switching back and forth needs no restart
        monkeypatch.setenv("YOUCHUAN_NB_LANG", lang)
        for line, cell in MISTAKES:
            text = _mistake(ip, line, cell)
            seen[(lang, line)] = text
            if lang == "zh":
                assert han(text), (line, text)
                assert not english_left(text), (line, text, english_left(text))
            else:
                assert not han(text), (line, text)
    # the same mistake says the same thing (language aside): same flags and values named
    for line, _ in MISTAKES:
        zh, en = seen[("zh", line)], seen[("en", line)]
        assert zh != en
        assert set(re.findall(r"--\w+", zh)) == set(re.findall(r"--\w+", en)), line


def test_argparse_own_words_are_translated(ip, monkeypatch):
    monkeypatch.setenv("YOUCHUAN_NB_LANG", "zh")
    assert "缺少以下参数" in _mistake(ip, "youchuan upscale", None)
    assert "无效的选择 'sideways'" in _mistake(ip, "youchuan pan x 1 sideways", None)
    assert "需要一个值" in _mistake(ip, "imagine --name", "a cat")
    monkeypatch.setenv("YOUCHUAN_NB_LANG", "en")
    assert "the following arguments are required" in _mistake(ip, "youchuan upscale", None)


def _printed(call) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        call()
    return out.getvalue()


def test_help_texts_are_in_the_chosen_language(ip, monkeypatch):
    helps = {
        "%youchuan help": lambda: ip.run_line_magic("youchuan", "help"),
        "%%imagine --help": lambda: ip.run_cell_magic("imagine", "--help", "x"),
        "%%animate --help": lambda: ip.run_cell_magic("animate", "--help", "x"),
        "%youchuan upscale --help": lambda: ip.run_line_magic("youchuan", "upscale --help"),
        "%youchuan inpaint --help": lambda: ip.run_line_magic("youchuan", "inpaint --help"),
    }
    for lang in ("zh", "en"):
        monkeypatch.setenv("YOUCHUAN_NB_LANG", lang)
        for what, call in helps.items():
            text = _printed(call)
            assert len(text.splitlines()) >= 3, (what, text)
            if lang == "zh":
                assert "用法：" in text or "子命令" in text, (what, text)
                lines = [ln for ln in text.splitlines() if han(ln)]
                assert len(lines) >= 2, (what, text)
                # a line of syntax ("  upscale [--new] JOB N") has no words: only those with words
                for ln in text.splitlines():
                    assert han(ln) or not english_left(ln), (what, ln, english_left(ln))
            else:
                assert not han(text), (what, text)
                assert "usage:" in text or "SUBCOMMAND" in text


def test_the_load_message_and_a_subcommands_output_follow_the_language(ip, monkeypatch):
    from youchuan_nb.notebook._extension import service_note

    monkeypatch.setenv("YOUCHUAN_NB_LANG", "zh")
    for env in (
        {},
        {"YOUCHUAN_APP_ID": "abcdefgh"},
        {"YOUCHUAN_APP_ID": "a1", "YOUCHUAN_SECRET": "s"},
    ):
        note = service_note(env)
        assert han(note) and not english_left(note), note
    text = _printed(lambda: ip.run_line_magic("youchuan", "use sim"))
    assert text.strip() == "正在使用内置模拟器"
    monkeypatch.setenv("YOUCHUAN_NB_LANG", "en")
    assert "SIMULATOR" in service_note({})
    assert _printed(lambda: ip.run_line_magic("youchuan", "use sim")).strip() == (
        "using the built-in simulator"
    )


def test_a_service_refusal_inside_a_usage_error_reads_as_chinese(ip, monkeypatch):
    monkeypatch.setenv("YOUCHUAN_NB_LANG", "zh")
    text = _mistake(ip, "youchuan job zzz-no-such-job", None)
    # ours around it, the service's own words kept in parentheses after our meaning
    assert text.startswith("找不到任务 'zzz-no-such-job'：") and "未找到（" in text, text
    assert "请检查 ID。" in text, text
    monkeypatch.setenv("YOUCHUAN_NB_LANG", "en")
    text = _mistake(ip, "youchuan job zzz-no-such-job", None)
    assert text.startswith("no job 'zzz-no-such-job'") and "Check the id." in text, text


def test_config_lists_the_settings_in_the_chosen_language(ip, monkeypatch):
    from youchuan_nb.i18n import CATALOGUES
    from youchuan_nb.notebook._session import Settings

    names = Settings.class_trait_names(config=True)
    for name in names:  # the English line is the trait's own help: the two cannot drift apart
        assert CATALOGUES["en"][f"settings.{name}"] == Settings.class_traits()[name].help, name
    monkeypatch.setenv("YOUCHUAN_NB_LANG", "zh")
    text = _printed(lambda: ip.run_line_magic("config", "ImagineMagics"))
    for name in names:
        assert CATALOGUES["zh"][f"settings.{name}"].split("（")[0][:8] in text, name
    # traitlets' own labels too: no "Current:" or "Choices:" left in the Chinese listing
    assert "当前值: " in text and "可选值: " in text, text[:400]
    assert not re.search(r"(?m)^\s+(Choices|Current|Default): ", text), text[:400]
    monkeypatch.setenv("YOUCHUAN_NB_LANG", "en")
    text = _printed(lambda: ip.run_line_magic("config", "ImagineMagics"))
    assert "Seconds a blocking cell waits for its jobs." in text
