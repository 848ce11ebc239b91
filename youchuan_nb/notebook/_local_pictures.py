"""Local pictures in a magic's prompt: ``%%imagine ./photo.jpg a watercolor of this``.

Where the service takes image URLs (at the prompt's start, after ``--sref`` and ``--oref``), a
word that names an existing file (``~`` expanded, relative to the kernel's folder) is uploaded
(``client.upload``) and replaced by its URL in what is sent. A word that merely looks like a
path is left alone unless the file exists.

What the user wrote stays what is shown: the card's prompt maps the URLs uploaded in this
kernel back to the words they came from (:func:`shown_prompt`), so a saved notebook keeps
``./photo.jpg``, never a presigned URL; the card shows the input pictures as small thumbnails
made here (:func:`input_pictures`), so the browser fetches nothing. A re-run uploads nothing
new (the same content has the same URL while it is valid), so the re-run check finds the job.
"""

from __future__ import annotations

import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any, TypedDict

from IPython.core.error import UsageError

_WORD = re.compile(r"\S+")
_REF_FLAGS = {"--sref": None, "--oref": 1}  # flag -> how many words it takes (None: several)
_lock = threading.Lock()
_written: dict[str, str] = {}  # uploaded URL -> the word the user wrote for it
_named: dict[str, str] = {}  # a picture's word (a Studio pick's name) -> its thumbnail
_thumbs: OrderedDict[tuple[str, int, int], str] = OrderedDict()
_THUMBS_KEPT = 256


class InputPicture(TypedDict):
    """An input picture of a card: how it was written and a small JPEG of it."""

    name: str  # the path as the user wrote it
    src: str  # a data: URL of a thumbnail (at most 96 px)


def _is_url(word: str) -> bool:
    from ..contract import is_http_url

    return is_http_url(word)


def _is_file(word: str) -> bool:
    try:
        return os.path.isfile(os.path.expanduser(word))
    except (OSError, ValueError):
        return False


def picture_words(prompt: str, counts: Callable[[str], bool] = _is_file) -> Iterator[re.Match]:
    """The words of ``prompt`` in image-URL positions that name existing files (or for which
    ``counts`` says so)."""
    words = list(_WORD.finditer(prompt))
    i = 0
    while i < len(words) and not words[i].group().startswith("--"):
        word = words[i].group()
        if counts(word):
            yield words[i]
        elif not _is_url(word):
            break  # the text begins
        i += 1
    for n, m in enumerate(words):
        flag = m.group().lower()
        if flag not in _REF_FLAGS:
            continue
        limit = _REF_FLAGS[flag]
        for taken, later in enumerate(words[n + 1 :]):
            if later.group().startswith("--") or (limit is not None and taken >= limit):
                break
            if counts(later.group()):
                yield later


def swap(client: Callable[[], Any], prompts: list[str], prog: str) -> list[str]:
    """``prompts`` with their local pictures uploaded (``client().upload``; the client is made
    only if there is one) and replaced by URLs, each file once. Raises ``UsageError`` (one line
    naming the picture) before anything is submitted."""
    urls: dict[str, str] = {}
    sent = []
    for prompt in prompts:
        parts, last = [], 0
        for m in picture_words(prompt):
            word = m.group()
            if word not in urls:
                try:
                    urls[word] = client().upload(word)
                except ValueError as exc:  # PictureError, UploadError: say which and why
                    raise UsageError(f"{prog}: {exc}") from None
                with _lock:
                    _written[urls[word]] = word
            parts += [prompt[last : m.start()], urls[word]]
            last = m.end()
        sent.append("".join(parts) + prompt[last:])
    return sent


def remember(url: str, word: str, thumbnail: str) -> str:
    """Show ``url`` as ``word`` (a picture picked in the Studio, with its thumbnail); the word."""
    word = "_".join(word.split()) or "picture"
    with _lock:
        _written[url], _named[word] = word, thumbnail
    return word


def shown_prompt(text: str) -> str:
    """``text`` with the URLs uploaded in this kernel shown as the words they came from."""
    if not _written or "://" not in text:
        return text
    with _lock:
        known = dict(_written)
    return _WORD.sub(lambda m: known.get(m.group(), m.group()), text)


def input_pictures(written: str) -> list[InputPicture]:
    """Thumbnails of the local pictures a (shown) prompt names, in order, each once."""
    if not written:
        return []
    found: list[InputPicture] = []
    seen: set[str] = set()
    for m in picture_words(written, lambda word: word in _named or _is_file(word)):
        word = m.group()
        if word in seen:
            continue
        seen.add(word)
        src = _named.get(word) or _thumbnail(os.path.expanduser(word))
        if src:
            found.append({"name": word, "src": src})
    return found


def _thumbnail(path: str) -> str:
    from ..client import PictureError, normalise

    try:
        st = os.stat(path)
    except OSError:
        return ""
    key = (os.path.abspath(path), st.st_mtime_ns, st.st_size)
    with _lock:
        if key in _thumbs:
            _thumbs.move_to_end(key)
            return _thumbs[key]
    try:
        src = normalise(path, max_side=192).thumbnail_data_url(96)
    except PictureError:
        src = ""
    with _lock:
        _thumbs[key] = src
        while len(_thumbs) > _THUMBS_KEPT:
            _thumbs.popitem(last=False)
    return src
