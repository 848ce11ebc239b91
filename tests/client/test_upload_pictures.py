"""``client.upload`` and local pictures in ``Client`` methods, against the simulator over HTTP.

Pictures are normalised before they leave (upright, no metadata, bounded), uploaded once per
content, and every bad input is one line naming the picture, raised before any job is sent.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
import requests
from PIL import Image

from youchuan_nb.client import CallableHost, Client, Picture, PictureError, UploadError, normalise


def camera_jpeg(path: Path | None = None, size=(40, 20), orientation: int = 6) -> bytes:
    """A wide JPEG, left half red and right half blue, with the EXIF a phone writes:
    orientation, camera make/model and a GPS position."""
    img = Image.new("RGB", size, (0, 0, 255))
    img.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "CanonSecretMake"
    exif[0x0110] = "EOS-Model-42"
    exif.get_ifd(0x8825).update({1: "N", 2: (31.0, 14.0, 5.0), 3: "E", 4: (121.0, 28.0, 9.0)})
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif, quality=95)
    data = out.getvalue()
    if path is not None:
        path.write_bytes(data)
    return data


def test_the_fixture_really_carries_gps_and_camera():
    # so that the stripping test below could fail
    img = Image.open(io.BytesIO(camera_jpeg()))
    exif = img.getexif()
    assert exif[0x010F] == "CanonSecretMake" and exif.get_ifd(0x8825)[1] == "N"


def test_normalise_turns_upright_and_strips_every_metadata():
    pic = normalise(camera_jpeg())
    assert (pic.ext, pic.width, pic.height) == ("jpg", 20, 40)  # orientation 6: rotated
    img = Image.open(io.BytesIO(pic.data))
    top, bottom = img.getpixel((10, 3)), img.getpixel((10, 36))
    assert top[0] > 200 > top[2] and bottom[2] > 200 > bottom[0]  # the left (red) is on top
    assert not img.getexif() and "exif" not in img.info and "icc_profile" not in img.info
    for secret in (b"Exif", b"CanonSecretMake", b"EOS-Model-42"):
        assert secret not in pic.data


def test_formats_the_service_does_not_take_are_converted():
    gif, bmp = io.BytesIO(), io.BytesIO()
    Image.new("RGBA", (8, 8), (0, 255, 0, 0)).save(gif, "GIF")
    Image.new("RGB", (8, 8), (0, 255, 0)).save(bmp, "BMP")
    assert normalise(gif.getvalue()).ext == "png"  # transparency kept
    assert normalise(bmp.getvalue()).ext == "jpg"
    webp = io.BytesIO()
    Image.new("RGB", (8, 8)).save(webp, "WEBP")
    assert normalise(webp.getvalue()).ext == "webp"


def test_every_kind_of_input_gives_the_same_picture(tmp_path):
    data = camera_jpeg(tmp_path / "cam.jpg", orientation=1)
    img = Image.open(io.BytesIO(data))
    pics = [
        normalise(tmp_path / "cam.jpg"),
        normalise(str(tmp_path / "cam.jpg")),
        normalise(data),
        normalise(img),
    ]
    assert len({p.digest for p in pics}) == 1
    arr = normalise(np.asarray(img.convert("RGB")))
    assert (arr.width, arr.height) == (40, 20)


def test_the_long_side_is_bounded_and_too_many_bytes_is_one_line():
    big = Image.effect_noise((3000, 1500), 80).convert("RGB")
    pic = normalise(big, max_side=1000)
    assert (pic.width, pic.height) == (1000, 500)
    with pytest.raises(PictureError) as err:
        normalise(big, max_side=1000, max_bytes=2000)
    assert "after resizing to 1000 px" in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda p: p / "notes.txt", "is not a picture"),
        (lambda p: p / "missing.jpg", "no such file"),
        (lambda p: "https://example.com/cat.jpg", "is a URL, not a local picture"),
        (lambda p: p / "half.jpg", "damaged or incomplete"),
        (lambda p: 42, "not int"),
    ],
)
def test_bad_pictures_are_one_line_naming_them(tmp_path, make, words):
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "half.jpg").write_bytes(camera_jpeg()[:300])
    what = make(tmp_path)
    with pytest.raises(PictureError) as err:
        normalise(what)
    msg = str(err.value)
    assert words in msg and "\n" not in msg
    if isinstance(what, Path):
        assert what.name in msg


def test_upload_to_the_simulator_once_per_content(client, sim, tmp_path):
    path = tmp_path / "cam.jpg"
    camera_jpeg(path)
    url = client.upload(path)
    assert url.startswith(sim.url + "/_sim/uploads/")
    posts = [r for r in sim.request_log if r[:2] == ("POST", "/_sim/uploads")]
    assert len(posts) == 1
    assert client.upload(str(path)) == url and client.upload(path.read_bytes()) == url
    assert len([r for r in sim.request_log if r[:2] == ("POST", "/_sim/uploads")]) == 1
    served = requests.get(url, timeout=10)
    assert served.headers["Content-Type"] == "image/jpeg"
    assert b"CanonSecretMake" not in served.content
    assert Image.open(io.BytesIO(served.content)).size == (20, 40)


def test_retexture_and_remove_background_of_a_local_picture(client, tmp_path):
    path = tmp_path / "wide.png"
    Image.new("RGB", (300, 200), (200, 30, 30)).save(path)
    job = client.retexture(path, "a watercolor").wait(30)
    assert job.params["imgUrl"].startswith("http://127.0.0.1:")  # the URL, never the path
    # the simulator drew from the uploaded picture (its size), not a stand-in (1024 x 1024)
    got = Image.open(io.BytesIO(requests.get(job.urls[0], timeout=10).content))
    assert got.size == (300, 200)
    cut = client.remove_background(Image.open(path)).wait(30)
    assert Image.open(io.BytesIO(requests.get(cut.urls[0], timeout=10).content)).size == (300, 200)


def test_an_image_prompt_the_simulator_can_see_shapes_the_grid(client):
    url = client.upload(Image.new("RGB", (64, 64), (0, 200, 0)))
    job = client.imagine(f"{url} a green field --ar 1:1").wait(30)
    first = Image.open(io.BytesIO(requests.get(job.urls[0], timeout=10).content)).convert("RGB")
    r, g, b = first.resize((1, 1)).getpixel((0, 0))
    assert g > r and g > b  # a variation of the green picture, not the prompt's palette


def test_moodboards_take_local_pictures(client, tmp_path):
    path = tmp_path / "a.png"
    Image.new("RGB", (32, 32), (1, 2, 3)).save(path)
    board = client.create_moodboard("mine", images=[path, "https://example.com/b.jpg"])
    assert board["images"][0].startswith(client.base_url + "/_sim/uploads/")
    assert board["images"][1] == "https://example.com/b.jpg"
    updated = client.update_moodboard(board["id"], images=[Image.open(path)])
    assert updated["images"] == board["images"][:1]  # the same content: the same URL


def test_a_word_that_is_neither_url_nor_file_is_refused_before_sending(client, sim):
    before = len(sim.created)
    with pytest.raises(
        ValueError,
        match=r"img_url='cat\.jpg' is not allowed: an http:// or https:// URL, or the path of an",
    ):
        client.retexture("cat.jpg", "x")
    assert len(sim.created) == before


def test_the_real_service_without_a_host_says_how_to_configure_one(tmp_path, monkeypatch):
    for name in ("YOUCHUAN_IMAGE_HOST", "YOUCHUAN_S3_BUCKET"):
        monkeypatch.delenv(name, raising=False)
    real = Client("app-1234", "s3cr3t", "https://ali.youchuan.cn", store=False)
    path = tmp_path / "me.jpg"
    camera_jpeg(path)
    with pytest.raises(PictureError) as err:
        real.retexture(path, "a watercolor")
    msg = str(err.value)
    assert "no image host is configured" in msg and "YOUCHUAN_IMAGE_HOST" in msg
    assert str(path) in msg and "\n" not in msg
    with pytest.raises(PictureError, match="works only with the built-in simulator"):
        Client("app-1234", "s3cr3t", image_host="simulator", store=False).upload(path)


def test_a_callable_host_and_its_failures(sim, tmp_path):
    got: list[Picture] = []

    def host(picture: Picture) -> str:
        got.append(picture)
        return f"https://cdn.example/{picture.filename}"

    c = Client.for_service(sim, store=False, image_host=host)
    url = c.upload(Image.new("RGB", (10, 10)))
    assert url == f"https://cdn.example/{got[0].filename}" and got[0].content_type == "image/jpeg"
    c.upload(Image.new("RGB", (10, 10)))
    assert len(got) == 1  # the same content once
    bad = Client.for_service(sim, store=False, image_host=CallableHost(lambda p: "nope"))
    with pytest.raises(UploadError, match="returned 'nope'"):
        bad.upload(Image.new("RGB", (10, 10)))

    def broken(picture: Picture) -> str:
        raise PermissionError("bucket locked")

    before = len(sim.created)
    with pytest.raises(UploadError, match=r"your image host failed .* bucket locked"):
        Client.for_service(sim, store=False, image_host=broken).retexture(_png(), "x")
    assert len(sim.created) == before  # a failed upload leaves no job


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (12, 12), (9, 9, 9)).save(out, "PNG")
    return out.getvalue()


def test_an_upload_the_simulator_pruned_is_uploaded_again(tmp_path):
    from youchuan_nb.sim import Simulator

    noisy = [Image.effect_noise((120, 120), 90 + i).convert("RGB") for i in range(2)]
    sizes = [len(normalise(img).data) for img in noisy]
    bound = sizes[0] + sizes[1] // 2  # room for one of them, not both
    with Simulator(state_dir=tmp_path / "s", job_seconds=0.2, max_media_bytes=bound) as sim:
        c = Client.for_service(sim, store=False)
        first = c.upload(noisy[0])
        c.upload(noisy[1])  # prunes the first from the simulator's disk
        assert requests.get(first, timeout=10).status_code == 404
        assert c.upload(noisy[0]) == first  # noticed (HEAD) and put back
        assert requests.get(first, timeout=10).status_code == 200


def test_the_sample_picture_ships_with_the_package():
    import youchuan_nb

    pic = normalise(youchuan_nb.sample_picture())
    assert (pic.ext, pic.width, pic.height) == ("jpg", 640, 480)
