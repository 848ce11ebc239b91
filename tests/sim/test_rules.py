"""The follow-up rules of contract.rules, enforced by the simulator at submit time."""

from __future__ import annotations

import pytest


@pytest.fixture
def grid(api):
    return api.run("diffusion", {"text": "a harbour --v 7"})


def _refused(api, h, endpoint, body, status, reason):
    before = len(api.sim.created)
    balance = api.get("/v1/tob/subscribe").json()["balance"]
    err = h.assert_error(api.post("/v1/tob/" + endpoint, body), status, reason)
    assert len(api.sim.created) == before, "a refused request must not create a job"
    assert api.get("/v1/tob/subscribe").json()["balance"] == balance, "nor charge"
    return err


def test_upscaled_image_cannot_be_upscaled_again(api, h, grid):
    up = api.run("upscale", {"jobId": grid["id"], "imageNo": 0, "type": 1})
    _refused(
        api,
        h,
        "upscale",
        {"jobId": up["id"], "imageNo": 0, "type": 0},
        400,
        "Job_ReUpscale_Not_Support",
    )
    # rerolling an upscale job was an assumption: the simulator now does it
    assert api.run("reroll", {"jobId": up["id"]})["status"] == 2
    # and other follow-ups of the upscaled image are fine
    assert len(api.run("variation", {"jobId": up["id"], "imageNo": 0, "type": 0})["urls"]) == 4


def test_v5_4x_upscale_is_four_times(api, h, grid):
    up = api.run("upscale", {"jobId": grid["id"], "imageNo": 1, "type": 3})
    assert up["cost"] == 1.0
    assert h.png_size(api.media(up["urls"][0]).content) == (4096, 4096)


def test_enhance_only_on_draft_jobs(api, h, grid):
    err = _refused(api, h, "enhance", {"jobId": grid["id"], "imageNo": 0}, 405, "Not_Support")
    assert "draft" in err["message"]
    draft = api.run("diffusion", {"text": "a harbour --v 7 --draft"})
    enhanced = api.run("enhance", {"jobId": draft["id"], "imageNo": 2})
    assert len(enhanced["urls"]) == 1
    # the enhanced image is no longer a draft
    _refused(api, h, "enhance", {"jobId": enhanced["id"], "imageNo": 0}, 405, "Not_Support")


@pytest.mark.parametrize("maker", ["retexture", "upload_paint"])
def test_retexture_and_upload_paint_children_allow_only_upscale(api, h, maker):
    body = {"imgUrl": "https://example.com/photo.jpg", "remixPrompt": "oil painting"}
    if maker == "upload_paint":
        body.update(
            mask={"url": "https://example.com/mask.png"},
            canvas={"width": 1024, "height": 1024},
            imgPos={"width": 512, "height": 512, "x": 100, "y": 100},
        )
    parent = api.run(maker, body)
    for endpoint, extra in [
        ("variation", {"imageNo": 0, "type": 0}),
        ("reroll", {}),
        ("pan", {"imageNo": 0, "direction": 0, "scale": 1.5}),
        ("remix", {"imageNo": 0, "remixPrompt": "x"}),
        ("video-diffusion", {"imageNo": 0}),
    ]:
        err = _refused(api, h, endpoint, {"jobId": parent["id"], **extra}, 405, "Not_Support")
        assert "only upscale" in err["message"]
    assert len(api.run("upscale", {"jobId": parent["id"], "imageNo": 3, "type": 0})["urls"]) == 1


def test_v81_jobs_refuse_pan_outpaint_inpaint_enhance(api, h, sim):
    sim.rules = "strict"  # a secondary rule (D7, the v8.1 guide): refused in strict mode
    v81 = api.run("diffusion", {"text": "a harbour --v 8.1"})
    jid = v81["id"]
    for endpoint, extra in [
        ("pan", {"direction": 2, "scale": 2.0}),
        ("outpaint", {"scale": 1.5}),
        ("inpaint", {"mask": {"url": "https://example.com/m.png"}}),
        ("enhance", {}),
    ]:
        err = _refused(api, h, endpoint, {"jobId": jid, "imageNo": 0, **extra}, 405, "Not_Support")
        assert "8.1" in err["message"]
    # variation works, and upscale of a v8.1 image gives 4 HD images (the docs)
    assert len(api.run("variation", {"jobId": jid, "imageNo": 0, "type": 1})["urls"]) == 4
    up = api.run("upscale", {"jobId": jid, "imageNo": 0, "type": 0})
    assert len(up["urls"]) == 4
    assert h.png_size(api.media(up["urls"][3]).content) == (2048, 2048)


def test_image_no_beyond_the_outputs_is_400(api, h, grid):
    up = api.run("upscale", {"jobId": grid["id"], "imageNo": 0, "type": 0})
    err = _refused(
        api, h, "variation", {"jobId": up["id"], "imageNo": 1, "type": 0}, 400, "Invalid_Argument"
    )
    assert "imageNo 1" in err["message"]
    video = api.run("video_diffusion", {"prompt": "a kite --bs 2"})
    _refused(
        api,
        h,
        "extend-video",
        {"jobId": video["id"], "videoNo": 2, "prompt": "on"},
        400,
        "Invalid_Argument",
    )
    # out of the documented range entirely: the contract's validation
    _refused(
        api, h, "variation", {"jobId": grid["id"], "imageNo": 4, "type": 0}, 400, "Invalid_Argument"
    )


def test_a_video_can_be_extended_at_most_four_times(api, h, sim):
    sim.video_seconds, sim.extend_seconds = 0.5, 0.25
    video = api.run("video_diffusion", {"prompt": "a kite in the wind --bs 1"})
    current = video
    for i in range(4):
        current = api.run(
            "extend_video", {"jobId": current["id"], "videoNo": 0, "prompt": f"further {i}"}
        )
        assert api.sim.job_record(current["id"])["extensions"] == i + 1
    err = _refused(
        api,
        h,
        "extend-video",
        {"jobId": current["id"], "videoNo": 0, "prompt": "once more"},
        405,
        "Not_Support",
    )
    assert "4 times" in err["message"]
    from youchuan_nb.sim import _video

    first = _video.video_info(api.media(video["urls"][0]).content)["duration"]
    last = _video.video_info(api.media(current["urls"][0]).content)["duration"]
    assert last == pytest.approx(first + 4 * 0.25, abs=0.15)


def test_upscaled_videos_keep_their_extension_count_and_cannot_be_upscaled(api, h, sim):
    sim.video_seconds, sim.extend_seconds = 0.3, 0.2
    video = api.run("video_diffusion", {"prompt": "a kite --bs 1"})
    ext = api.run("extend_video", {"jobId": video["id"], "videoNo": 0, "prompt": "more"})
    vup = api.run("video_upscale", {"jobId": ext["id"], "videoNo": 0})
    assert api.sim.job_record(vup["id"])["extensions"] == 1
    _refused(
        api, h, "video-upscale", {"jobId": vup["id"], "videoNo": 0}, 403, "Upscale_Not_Support"
    )
    assert (
        len(api.run("extend_video", {"jobId": vup["id"], "videoNo": 0, "prompt": "on"})["urls"])
        == 1
    )


def test_video_and_image_operations_do_not_mix(api, h, grid):
    _refused(
        api,
        h,
        "extend-video",
        {"jobId": grid["id"], "videoNo": 0, "prompt": "x"},
        405,
        "Not_Support",
    )
    _refused(api, h, "video-upscale", {"jobId": grid["id"], "videoNo": 0}, 405, "Not_Support")
    video = api.run(
        "video_diffusion", {"jobId": grid["id"], "imageNo": 1, "prompt": "drift --bs 1"}
    )
    _refused(api, h, "upscale", {"jobId": video["id"], "imageNo": 0, "type": 0}, 405, "Not_Support")


def test_parent_must_exist_and_be_finished(api, h, sim):
    _refused(api, h, "variation", {"jobId": "f" * 32, "imageNo": 0, "type": 0}, 404, "Not_Found")
    sim.job_seconds = 30
    running = api.submit("diffusion", {"text": "a slow one"})
    err = _refused(
        api,
        h,
        "upscale",
        {"jobId": running["id"], "imageNo": 0, "type": 0},
        400,
        "Invalid_Argument",
    )
    assert "finished" in err["message"]


def test_remix_prompt_is_checked_against_the_parent_model(api, h, sim):
    sim.rules = "strict"  # --tile on 8.1: a secondary rule
    v81 = api.run("diffusion", {"text": "a harbour --v 8.1"})
    v61 = api.run("diffusion", {"text": "a harbour"})
    body = {"imageNo": 0, "type": 0, "remixPrompt": "a harbour --tile"}
    _refused(api, h, "variation", {"jobId": v81["id"], **body}, 400, "Invalid_Prompt_Parameter")
    assert len(api.run("variation", {"jobId": v61["id"], **body})["urls"]) == 4


def test_failed_parent_cannot_be_used(api, h, sim):
    from youchuan_nb.sim import Faults

    sim.faults = Faults(fail=1.0, fail_comment="JobStatusError")
    failed = api.submit("diffusion", {"text": "a harbour"})
    done = api.wait(failed["id"])
    assert done["status"] == 3 and done["comment"] == "JobStatusError" and done["urls"] == []
    sim.faults = None
    _refused(
        api, h, "upscale", {"jobId": failed["id"], "imageNo": 0, "type": 0}, 400, "Invalid_Argument"
    )


def test_every_job_creating_endpoint_has_a_renderer():
    from youchuan_nb.contract import ENDPOINTS
    from youchuan_nb.sim._render import RENDERERS

    assert set(RENDERERS) == {name for name, ep in ENDPOINTS.items() if ep.creates_job}
