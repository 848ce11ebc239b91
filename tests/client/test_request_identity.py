"""A request that carries an uploaded picture is the same request whatever address the upload
has now: after a restart the built-in simulator listens on a new port (and a presigned URL is
made again near its expiry), and re-running the cell must still find the job it made."""

from __future__ import annotations

from PIL import Image

from youchuan_nb.client import Client
from youchuan_nb.client._request_identity import identity, same_request
from youchuan_nb.sim import Simulator

FAST = {"job_seconds": 0.05, "processes": False}
HASH = "0123456789abcdef" * 4


def test_upload_addresses_compare_by_content():
    a = {"text": f"http://127.0.0.1:4001/_sim/uploads/{HASH}.jpg a watercolor of this"}
    b = {"text": f"http://127.0.0.1:5002/_sim/uploads/{HASH}.jpg a watercolor of this"}
    s3 = {
        "text": f"https://bucket.s3.example.com/yc/{HASH[:32]}.jpg?X-Amz-Signature=ff"
        " a watercolor of this"
    }
    assert same_request(a, b) and same_request(a, s3)
    other = {"text": f"http://127.0.0.1:4001/_sim/uploads/{'f' * 64}.jpg a watercolor of this"}
    assert not same_request(a, other)  # another picture
    assert not same_request(a, {"text": a["text"].replace("watercolor", "sketch")})
    # an ordinary picture address is compared as it is
    plain = {"imgUrl": "https://example.com/cat.jpg"}
    assert identity(plain) == plain and not same_request(plain, {"imgUrl": "https://e.com/c.jpg"})
    assert identity({"images": [b["text"].split()[0]]}) == {"images": [f"picture:{HASH[:32]}"]}


def test_after_a_simulator_restart_the_same_picture_finds_its_job(tmp_path):
    picture = tmp_path / "photo.png"
    Image.new("RGB", (80, 60), (20, 200, 20)).save(picture)
    store, state = tmp_path / "jobs.sqlite3", tmp_path / "sim"
    with Simulator(state_dir=state, **FAST) as first:
        client = Client.for_service(first, store=store, cache_dir=tmp_path / "media")
        url = client.upload(picture)
        job = client.diffusion(f"{url} a watercolor of this")
        job.wait(timeout=60)
        body = dict(job.params)
        client.store.close()
    with Simulator(state_dir=state, **FAST) as second:
        assert second.url != first.url  # a new port: the upload's address changed
        client = Client.for_service(second, store=store, cache_dir=tmp_path / "media")
        again = client.upload(picture)
        assert again != url and again.startswith(second.url)
        found = client.store.find(
            "diffusion", {"text": f"{again} a watercolor of this"}, base_url=None
        )
        assert [r.job_id for r in found] == [job.id]
        assert found[0].params == body  # the record is the request as sent then
        other = tmp_path / "other.png"
        Image.new("RGB", (80, 60), (200, 20, 20)).save(other)
        moved = client.upload(other)
        assert (
            client.store.find("diffusion", {"text": f"{moved} a watercolor of this"}, base_url=None)
            == []
        )
        client.store.close()
