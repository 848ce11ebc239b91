"""Media: names from server data stay in their folder, only public addresses are fetched (plus
loopback for a service on loopback), downloads have a size cap and a deadline and never leave
a partial file, and a download that saves nothing says why."""

from __future__ import annotations

import os
import time

import pytest

from youchuan_nb.client import Client, DownloadError, MediaCache, _media

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _png(h):
    h.send_response(200)
    h.send_header("Content-Type", "image/png")
    h.send_header("Content-Length", str(len(PNG)))
    h.end_headers()
    h.wfile.write(PNG)


def _files(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _finished(job_id, urls):
    return {
        "id": job_id,
        "text": "x",
        "status": 2,
        "comment": "JobStatusSuccess",
        "urls": urls,
        "audits": [""] * len(urls),
    }


@pytest.mark.parametrize("job_id", ["../../X", "/p/X", "..", "a/../../b", ".", "x\x00y", "a\\b"])
def test_a_hostile_job_id_never_writes_outside_the_folders(recorder, hostile, tmp_path, job_id):
    media = hostile(_png)
    root = tmp_path / "root"
    out, cache = root / "downloads" / "here", root / "cache" / "media"
    recorder.script = [(200, _finished(job_id, [f"{media.url}/0.png", f"{media.url}/1.png"]), {})]
    client = recorder.client(cache_dir=cache)
    job = client.diffusion("a fox")
    assert job.id == job_id
    saved = job.download(out)
    assert len(saved) == 2
    for path in saved:
        assert path.resolve().parent == out.resolve()
    for path in job.cached_paths():
        assert path is not None and cache.resolve() in path.resolve().parents
    files = _files(root)
    assert all(f.startswith(("downloads/here/", "cache/media/")) for f in files), files
    assert not os.path.exists("/p/X_0.png")


def test_two_ids_that_sanitise_alike_get_different_folders(tmp_path):
    cache = MediaCache(tmp_path)
    assert cache.job_folder("a/b") != cache.job_folder("a_b") != cache.job_folder("a.b")
    assert cache.job_folder("plain-id_123") == tmp_path / "plain-id_123"


def test_a_poll_answer_never_changes_the_job_id(recorder):
    recorder.script = [
        (200, {"id": "first", "status": 1, "text": "x", "urls": []}, {}),
        (200, {"id": "second-evil", "status": 1, "text": "x", "urls": []}, {}),
    ]
    client = recorder.client(store=False)
    job = client.diffusion("a fox")
    job.refresh()
    assert job.id == "first" and job.raw["id"] == "first"
    assert recorder.requests[-1].path == "/v1/tob/job/first"


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/iam",  # cloud metadata (link-local)
        "http://10.0.0.1/a.png",
        "http://192.168.1.1/a.png",
        "http://172.16.0.5/a.png",
        "http://100.64.0.1/a.png",  # shared address space
        "http://0.0.0.0/a.png",
        "http://[::1]:1/a.png",
        "http://[fe80::1]/a.png",
        "http://[::ffff:169.254.169.254]/a.png",
        "http://127.0.0.1:1/a.png",
        "http://localhost:1/a.png",
        "file:///etc/passwd",
        "ftp://example.com/a.png",
    ],
)
def test_media_is_not_fetched_from_special_addresses(tmp_path, url, monkeypatch):
    connects = []
    monkeypatch.setattr(_media.requests, "get", lambda *a, **kw: connects.append(a))
    cache = MediaCache(tmp_path)  # a service that is not on loopback
    with pytest.raises(ValueError, match=r"refusing|only http"):
        cache.fetch("j", 0, url)
    assert connects == [] and _files(tmp_path) == []


def test_loopback_media_is_fetched_when_the_service_is_on_loopback(hostile, tmp_path):
    media = hostile(_png)
    assert MediaCache(tmp_path, allow_loopback=True).fetch("j", 0, media.url + "/0.png")
    with pytest.raises(ValueError, match="loopback"):
        MediaCache(tmp_path / "b").fetch("j", 0, media.url + "/0.png")
    on_loopback = Client("app", "s", "http://127.0.0.1:9", store=False)
    elsewhere = Client("app", "s", "https://api.example.invalid", store=False)
    assert on_loopback.media.allow_loopback and not elsewhere.media.allow_loopback
    elsewhere.media = MediaCache(tmp_path / "c", allow_loopback=True)  # as the notebook does
    assert elsewhere.media.allow_loopback is False


def test_every_media_redirect_is_checked(hostile, tmp_path):
    def to_metadata(h):
        h.send_response(302)
        h.send_header("Location", "http://169.254.169.254/latest/meta-data/")
        h.send_header("Content-Length", "0")
        h.end_headers()

    bouncer = hostile(to_metadata)
    with pytest.raises(ValueError, match="link-local"):
        MediaCache(tmp_path, allow_loopback=True).fetch("j", 0, bouncer.url + "/0.png")
    box = {}
    loop = hostile(
        lambda h: (
            h.send_response(302),
            h.send_header("Location", box["u"]),
            h.send_header("Content-Length", "0"),
            h.end_headers(),
        )
    )
    box["u"] = loop.url + "/again"
    with pytest.raises(ValueError, match="redirects"):
        MediaCache(tmp_path, allow_loopback=True).fetch("j", 0, loop.url + "/0.png")
    assert len(loop.seen) == _media.MAX_REDIRECTS + 1
    good = hostile(_png)
    hop = hostile(
        lambda h: (
            h.send_response(307),
            h.send_header("Location", good.url + "/x"),
            h.send_header("Content-Length", "0"),
            h.end_headers(),
        )
    )
    path = MediaCache(tmp_path, allow_loopback=True).fetch("k", 0, hop.url + "/0.png")
    assert path.read_bytes() == PNG


def test_an_oversized_download_leaves_no_part_file(hostile, tmp_path, monkeypatch):
    monkeypatch.setattr(_media, "MAX_DOWNLOAD", 1000)

    def endless(h):  # no Content-Length: the size is known only by reading
        h.send_response(200)
        h.send_header("Content-Type", "image/png")
        h.end_headers()
        for _ in range(100):
            h.wfile.write(b"x" * 100)
        h.close_connection = True

    def declared(h):
        h.send_response(200)
        h.send_header("Content-Type", "image/png")
        h.send_header("Content-Length", str(10**12))
        h.end_headers()

    for handle in (endless, declared):
        server = hostile(handle)
        with pytest.raises(ValueError, match="larger than"):
            MediaCache(tmp_path, allow_loopback=True).fetch("j", 0, server.url + "/0.png")
        assert [f for f in _files(tmp_path) if f.endswith(".part") or "/0." in f] == []


def test_a_cut_download_leaves_no_part_file(hostile, tmp_path):
    def cut(h):
        h.send_response(200)
        h.send_header("Content-Type", "image/png")
        h.send_header("Content-Length", "5000")
        h.end_headers()
        h.wfile.write(b"x" * 100)
        h.close_connection = True

    server = hostile(cut)
    with pytest.raises(ConnectionError, match="cut off"):
        MediaCache(tmp_path, allow_loopback=True).fetch("j", 0, server.url + "/0.png")
    assert _files(tmp_path) == []


def test_a_trickled_download_stops_at_its_deadline(hostile, tmp_path):
    def trickle(h):
        h.send_response(200)
        h.send_header("Content-Type", "image/png")
        h.send_header("Content-Length", "1000")
        h.end_headers()
        for _ in range(100):
            h.wfile.write(b"x")
            h.wfile.flush()
            time.sleep(0.3)

    server = hostile(trickle)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        MediaCache(tmp_path, allow_loopback=True).fetch(
            "j", 0, server.url + "/0.png", timeout=3, deadline=2
        )
    assert time.monotonic() - started < 3.5
    assert _files(tmp_path) == []


def test_download_that_saves_nothing_says_why(recorder, tmp_path):
    urls = ["http://169.254.169.254/a.png", "http://10.1.2.3/b.png"]
    recorder.script = [(200, _finished("j-nothing", urls), {})]
    job = recorder.client(cache_dir=tmp_path / "m").diffusion("a fox")
    with pytest.raises(DownloadError) as info:
        job.download(tmp_path / "out")
    text = str(info.value)
    assert "j-nothing" in text and "output 0" in text and "output 1" in text
    assert "link-local" in text and "private" in text
    assert len(info.value.problems) == 2


def test_download_folder_must_be_a_path(recorder):
    job = recorder.client().diffusion("a fox")
    with pytest.raises(ValueError):
        job.download(123)


def test_a_thumbnail_that_cannot_be_written_leaves_no_part_file(tmp_path, monkeypatch):
    import errno

    from PIL import Image

    picture = tmp_path / "j" / "0.png"
    picture.parent.mkdir()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(picture)
    cache = MediaCache(tmp_path)

    def full_disk(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(_media.os, "replace", full_disk)
    with pytest.raises(OSError, match="No space left"):
        cache.thumbnail(picture, 32)
    assert sorted(p.name for p in picture.parent.iterdir()) == ["0.png"]
    monkeypatch.undo()
    assert cache.thumbnail(picture, 32)[:2] == b"\xff\xd8"  # and it works once there is room
