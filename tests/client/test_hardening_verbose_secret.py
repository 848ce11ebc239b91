"""The secret never appears in a Verbose traceback of an error raised inside ``Client(...)``.

``%xmode Verbose`` (and ``capture_locals=True``) print the locals of every frame; an error in
the store used to print ``secret='…'`` from ``Client.__init__``'s arguments into the notebook.
"""

from __future__ import annotations

import sys
import traceback

import pytest

from youchuan_nb.client import Client, StoreError, YouchuanError
from youchuan_nb.sim import Simulator

SECRET = "sk-verbose-never-7d2e91"


def _ours(exc: BaseException) -> BaseException:
    """``exc`` with its traceback starting at the first frame of youchuan_nb (the test's own
    frame holds the secret it passed, as a user's cell would: not ours to hide)."""
    tb = exc.__traceback__
    while tb is not None and "youchuan_nb" not in tb.tb_frame.f_code.co_filename:
        tb = tb.tb_next
    assert tb is not None
    return exc.with_traceback(tb)


def _formatted(exc: BaseException) -> list[str]:
    exc = _ours(exc)
    out = ["".join(traceback.TracebackException.from_exception(exc, capture_locals=True).format())]
    try:
        from IPython.core.ultratb import VerboseTB
    except ImportError:  # pragma: no cover
        return out
    tb = VerboseTB(theme_name="nocolor") if _takes_theme() else VerboseTB(color_scheme="NoColor")
    out.append(tb.text(type(exc), exc, exc.__traceback__))
    return out


def _takes_theme() -> bool:
    import inspect

    from IPython.core.ultratb import VerboseTB

    return "theme_name" in inspect.signature(VerboseTB.__init__).parameters


def _assert_clean(exc: BaseException) -> None:
    texts = _formatted(exc)
    assert any("Client" in t or "_setup" in t for t in texts), texts[0][:2000]
    for text in texts:
        assert SECRET not in text, text[text.find(SECRET) - 300 : text.find(SECRET) + 100]


def _unopenable_store(tmp_path):
    bad = tmp_path / "store-is-a-folder"
    bad.mkdir()
    return bad  # sqlite cannot open a directory


def test_store_error_in_the_constructor_shows_no_secret(tmp_path):
    with pytest.raises(StoreError) as info:
        Client("app-1", SECRET, "http://127.0.0.1:9", store=_unopenable_store(tmp_path))
    assert str(_unopenable_store.__name__)  # (the test helper ran)
    assert "store=False" in str(info.value) and "YOUCHUAN_NB_HOME" in str(info.value)
    _assert_clean(info.value)


def test_a_corrupt_store_file_shows_no_secret(tmp_path):
    path = tmp_path / "jobs.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError) as info:
        Client("app-1", SECRET, "http://127.0.0.1:9", store=path)
    assert str(path) in str(info.value)
    _assert_clean(info.value)


def test_secret_from_the_environment_is_not_shown(tmp_path, monkeypatch):
    monkeypatch.setenv("YOUCHUAN_APP_ID", "app-env")
    monkeypatch.setenv("YOUCHUAN_SECRET", SECRET)
    monkeypatch.setenv("YOUCHUAN_BASE_URL", "http://127.0.0.1:9")
    with pytest.raises(StoreError) as info:
        Client(store=_unopenable_store(tmp_path))
    _assert_clean(info.value)


def test_bad_options_show_no_secret(tmp_path):
    for kwargs in ({"max_concurrent": 0}, {"timeout": -1}, {"poll_interval": "x"}):
        with pytest.raises(ValueError) as info:
            Client("app-1", SECRET, "http://127.0.0.1:9", store=False, **kwargs)
        _assert_clean(info.value)
    with pytest.raises(ValueError) as info:
        Client(12345, SECRET, "http://127.0.0.1:9", store=False)
    _assert_clean(info.value)
    with pytest.raises(YouchuanError) as missing:
        Client(None, SECRET, "http://127.0.0.1:9", store=False)
    _assert_clean(missing.value)


def test_for_service_error_shows_no_secret(tmp_path):
    with Simulator(secret=SECRET, job_seconds=0.1) as sim:
        with pytest.raises(StoreError) as info:
            Client.for_service(sim, store=_unopenable_store(tmp_path))
        _assert_clean(info.value)


def test_the_secret_is_not_a_local_of_any_constructor_frame(tmp_path):
    """Belt and braces: walk the frames of the traceback and look at the raw locals."""
    with pytest.raises(StoreError) as info:
        Client("app-1", SECRET, "http://127.0.0.1:9", store=_unopenable_store(tmp_path))
    tb = info.value.__traceback__
    while tb is not None:
        for name, value in tb.tb_frame.f_locals.items():
            assert SECRET not in repr(value), (tb.tb_frame.f_code.co_name, name)
        tb = tb.tb_next
    assert sys.getrefcount(info.value) > 0
