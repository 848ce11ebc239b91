"""The Studio speaks the language of the moment it is made: every label, placeholder, tooltip
and button in Chinese or English, flag names (--ar) as they are written."""

from __future__ import annotations

import re

import pytest

from youchuan_nb.notebook._session import Session
from youchuan_nb.notebook._studio import Studio


class NoService(Session):  # the studio only asks whether this is the simulator
    simulator = True


def _texts(studio: Studio) -> list[str]:
    """Every text the Studio shows: labels, placeholders, tooltips, the badge, the options."""
    out, todo = [], list(studio.children)
    while todo:
        part = todo.pop()
        todo.extend(getattr(part, "children", ()))
        for attr in ("description", "placeholder", "tooltip"):
            value = getattr(part, attr, None)
            if isinstance(value, str) and re.search(r"\w", value):
                out.append(value)
    badge = studio.children[0].value
    return [
        *out,
        re.sub(r"<[^>]+>", "", badge),
        re.search(r"title='([^']+)'", badge)[1],
        studio.quality.options[0][0],
    ]


_FLAG_OR_NUMBER = re.compile(r"--?[a-z]+|v?\d[\d.:x×-]*|[A-Z]{1,3}\b|W:H|e\.g\.")


def ascii_words(text: str) -> list[str]:
    """Latin words left in a text once flags, numbers, markup and quoted examples are removed."""
    text = re.sub(r"<[^>]+>", " ", text)
    text = _FLAG_OR_NUMBER.sub(" ", text)
    text = re.sub(r"--[a-z]+ [a-z]+", " ", text)
    return re.findall(r"[A-Za-z]{2,}", text)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_studio_text_is_in_the_chosen_language(monkeypatch, lang):
    monkeypatch.setenv("YOUCHUAN_NB_LANG", lang)
    studio = Studio(NoService())
    texts = _texts(studio)
    assert studio.button.description == ("生成" if lang == "zh" else "Imagine")
    assert len(texts) > 20
    han = [s for s in texts if re.search(r"[\u4e00-\u9fff]", s)]
    if lang == "zh":
        leftover = {s: ascii_words(s) for s in texts if ascii_words(s)}
        # a flag's own example value (--no trees) is the only Latin a Chinese text keeps
        assert all(words == ["trees"] for words in leftover.values()), leftover
        plain = [s for s in texts if not s.startswith("-") and s not in han]
        assert not plain, plain  # every text that is not a flag's name is Chinese
    else:
        assert not han, han
    assert studio.weird.tooltip and studio.model.description


def test_a_refused_prompt_is_said_in_the_chosen_language(monkeypatch):
    monkeypatch.setenv("YOUCHUAN_NB_LANG", "zh")
    studio = Studio(NoService())
    studio.prompt.value = "x" * 9000  # over the documented length: refused before sending
    assert studio.imagine() is None
    assert studio.error.value.startswith("未发送：") and "8192" in studio.error.value
    monkeypatch.setenv("YOUCHUAN_NB_LANG", "en")
    studio.imagine()  # no restart: the next message follows the switch
    assert studio.error.value.startswith("Not sent: ")


def test_the_saved_form_says_studio_in_the_chosen_language(monkeypatch):
    monkeypatch.setenv("YOUCHUAN_NB_LANG", "zh")
    studio = Studio(NoService())
    studio.prompt.value = "a <b>fox</b>"
    bundle = studio._repr_mimebundle_()
    bundle = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "工作室" in bundle["text/plain"] and "Studio" not in bundle["text/plain"]
    assert "&lt;b&gt;fox" in bundle["text/html"]  # the prompt is text, never markup
