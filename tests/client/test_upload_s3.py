"""The S3 image host against a real S3-compatible server on loopback (moto's server mode).

Uploads, presigned URLs the simulator fetches (a retexture of one), de-duplication, metadata
stripped and orientation fixed (read back from the bucket), and a bucket that refuses.
"""

from __future__ import annotations

import io
import socket

import pytest
import requests
from PIL import Image

boto3 = pytest.importorskip("boto3")
moto_server = pytest.importorskip("moto.server")

from youchuan_nb.client import Client, PictureError, S3Host, UploadError  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    yield url
    server.stop()


@pytest.fixture
def s3(s3_endpoint, monkeypatch, wait_until, request):
    """A fresh bucket on the moto server, the AWS_* credentials set, the client of it."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIATESTKEY0001")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret-key")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    raw = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")

    def answers() -> bool:
        try:
            raw.list_buckets()
            return True
        except Exception:
            return False

    wait_until(answers, timeout=20, what="the moto server to answer")
    bucket = "pics-" + request.node.name.lower().replace("_", "-")[:40]
    raw.create_bucket(Bucket=bucket)
    return raw, bucket


def camera_jpeg() -> bytes:
    img = Image.new("RGB", (60, 30), (0, 0, 255))
    img.paste((255, 0, 0), (0, 0, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 8  # rotate 90° counter-clockwise to display: the left goes to the bottom
    exif[0x010F] = "PhoneMakerX"
    exif.get_ifd(0x8825).update({1: "N", 2: (31.0, 14.0, 5.0)})
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_upload_presign_fetch_and_retexture(s3, s3_endpoint, sim, tmp_path):
    raw, bucket = s3
    host = S3Host(bucket, endpoint_url=s3_endpoint, prefix="nb/", url_lifetime=600)
    client = Client.for_service(sim, store=False, image_host=host, poll_interval=0.05)
    path = tmp_path / "phone.jpg"
    path.write_bytes(camera_jpeg())
    url = client.upload(path)
    assert url.startswith(f"{s3_endpoint}/{bucket}/nb/") and "X-Amz-Signature=" in url
    assert "X-Amz-Expires=600" in url
    keys = [o["Key"] for o in raw.list_objects_v2(Bucket=bucket)["Contents"]]
    assert len(keys) == 1 and keys[0].endswith(".jpg") and "phone" not in keys[0]
    stored = raw.get_object(Bucket=bucket, Key=keys[0])
    assert stored["ContentType"] == "image/jpeg"
    data = stored["Body"].read()
    assert b"PhoneMakerX" not in data and b"Exif" not in data  # metadata stripped
    img = Image.open(io.BytesIO(data))
    assert img.size == (30, 60) and not img.getexif()  # upright
    bottom = img.getpixel((15, 55))
    assert bottom[0] > 200 > bottom[2]  # orientation 8: the red left half is at the bottom
    assert requests.get(url, timeout=10).content == data  # the presigned URL works
    # the simulator fetches the presigned URL and retextures that very picture
    job = client.retexture(path, "an oil painting").wait(30)
    assert job.params["imgUrl"] == url  # de-duplicated: the same URL, no second upload
    out = Image.open(io.BytesIO(requests.get(job.urls[0], timeout=10).content))
    assert out.size == (30, 60)
    assert len(raw.list_objects_v2(Bucket=bucket)["Contents"]) == 1


def test_dedupe_survives_a_new_client(s3, s3_endpoint, sim):
    raw, bucket = s3
    pic = Image.new("RGB", (16, 16), (5, 6, 7))
    first = Client.for_service(
        sim, store=False, image_host=S3Host(bucket, endpoint_url=s3_endpoint)
    )
    url = first.upload(pic)
    raw.delete_object(Bucket=bucket, Key=url.split(f"/{bucket}/", 1)[1].split("?")[0])
    # a second client (a new kernel) reuses the remembered URL without uploading again
    second = Client.for_service(
        sim, store=False, image_host=S3Host(bucket, endpoint_url=s3_endpoint)
    )
    assert second.upload(pic) == url
    assert raw.list_objects_v2(Bucket=bucket).get("KeyCount", 0) == 0


def test_public_bucket_urls_and_env_configuration(s3, s3_endpoint, sim, monkeypatch):
    raw, bucket = s3
    monkeypatch.setenv("YOUCHUAN_IMAGE_HOST", "s3")
    monkeypatch.setenv("YOUCHUAN_S3_BUCKET", bucket)
    monkeypatch.setenv("YOUCHUAN_S3_ENDPOINT", s3_endpoint)
    monkeypatch.setenv("YOUCHUAN_S3_PREFIX", "env/")
    monkeypatch.setenv("YOUCHUAN_S3_PUBLIC_URL", "https://pics.example.org")
    client = Client.for_service(sim, store=False)
    url = client.upload(Image.new("RGB", (8, 8), (1, 1, 1)))
    assert url.startswith("https://pics.example.org/env/") and "Signature" not in url
    assert raw.list_objects_v2(Bucket=bucket)["KeyCount"] == 1


def test_a_bucket_that_refuses_is_one_line_and_no_job(s3, s3_endpoint, sim):
    client = Client.for_service(
        sim, store=False, image_host=S3Host("no-such-bucket-here", endpoint_url=s3_endpoint)
    )
    before = len(sim.created)
    with pytest.raises(UploadError) as err:
        client.retexture(Image.new("RGB", (8, 8)), "x")
    msg = str(err.value)
    assert "bucket no-such-bucket-here refused" in msg and "NoSuchBucket" in msg
    assert "nothing was submitted" in msg and "\n" not in msg
    assert "test-secret-key" not in msg
    assert len(sim.created) == before


def test_expired_credentials_say_so(sim, monkeypatch):
    """moto checks no tokens: a loopback server answers the upload as S3 does for an expired
    session token (the XML error body), so boto3's real parsing is exercised."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from threading import Thread

    class Expired(BaseHTTPRequestHandler):
        def do_PUT(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = (
                b"<?xml version='1.0' encoding='UTF-8'?><Error><Code>ExpiredToken</Code>"
                b"<Message>The provided token has expired.</Message></Error>"
            )
            self.send_response(400)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Expired)
    Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIATESTKEY0001")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret-key")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "an-old-token")
    host = S3Host("pics", endpoint_url=f"http://127.0.0.1:{server.server_port}")
    try:
        with pytest.raises(UploadError) as err:
            Client.for_service(sim, store=False, image_host=host).upload(Image.new("RGB", (9, 9)))
    finally:
        server.shutdown()
    msg = str(err.value)
    assert "ExpiredToken" in msg and "credentials have expired" in msg
    assert "an-old-token" not in msg and "test-secret-key" not in msg


def test_missing_bucket_configuration(monkeypatch):
    monkeypatch.delenv("YOUCHUAN_S3_BUCKET", raising=False)
    with pytest.raises(PictureError, match="set YOUCHUAN_S3_BUCKET"):
        S3Host.from_env()


def test_an_unreachable_endpoint_is_one_line_and_no_job(s3, sim):
    host = S3Host("pics", endpoint_url=f"http://127.0.0.1:{_free_port()}")  # nothing listens
    before = len(sim.created)
    with pytest.raises(UploadError) as err:
        Client.for_service(sim, store=False, image_host=host).retexture(
            Image.new("RGB", (9, 9)), "x"
        )
    msg = str(err.value)
    assert "could not be uploaded to bucket pics" in msg and "YOUCHUAN_S3_ENDPOINT" in msg
    assert "\n" not in msg and "test-secret-key" not in msg
    assert len(sim.created) == before


def test_without_boto3_the_s3_host_says_how_to_install_it(sim, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "boto3", None)  # import boto3 -> ImportError
    host = S3Host("pics", endpoint_url="http://127.0.0.1:9")
    with pytest.raises(PictureError, match=r"pip install 'youchuan_nb\[s3\]'"):
        Client.for_service(sim, store=False, image_host=host).upload(Image.new("RGB", (9, 9)))
