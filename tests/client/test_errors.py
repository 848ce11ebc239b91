"""Documented errors arrive as the right exception with .code/.reason/.message/.status, and every
follow-up rule is enforced: locally when the client knows the parent job, by the service when not.
"""

from __future__ import annotations

import socket

import pytest

from youchuan_nb.client import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    Client,
    ConcurrencyLimitError,
    InsufficientBalanceError,
    InternalServerError,
    InvalidPromptError,
    NotFoundError,
    NotSupportedError,
    PermissionDeniedError,
    ReUpscaleNotSupportedError,
    SensitivePromptError,
    ServerBusyError,
    YouchuanError,
)
from youchuan_nb.contract.errors import REASONS
from youchuan_nb.sim import Faults, Simulator

EXPECTED_CLASS = {
    "Internal_Server_Error": InternalServerError,
    "Invalid_Argument": BadRequestError,
    "Permission_Denied": PermissionDeniedError,
    "Server_Busy": ServerBusyError,
    "Request_Timout": ServerBusyError,
    "Invalid_App_Identifier": AuthenticationError,
    "Invalid_Prompt_Parameter": InvalidPromptError,
    "No_More_Relax_Credit": InsufficientBalanceError,
    "Relax_Not_Allow": PermissionDeniedError,
    "Max_Concurrent_Limited": ConcurrencyLimitError,
    "Account_Fee_Not_Enough": InsufficientBalanceError,
    "Cancel_Job_Not_Runnig": BadRequestError,
    "Job_ReUpscale_Not_Support": ReUpscaleNotSupportedError,
    "Msg_Sensitive": SensitivePromptError,
    "Upscale_Not_Support": PermissionDeniedError,
    "Not_Support": NotSupportedError,
    "No_Avaliable_Plan": PermissionDeniedError,
    "Not_Found": NotFoundError,
}


def test_every_documented_reason_has_a_class():
    assert set(EXPECTED_CLASS) == set(REASONS)


@pytest.mark.parametrize("reason", sorted(EXPECTED_CLASS))
def test_every_documented_error_body_maps_to_its_class(recorder, reason):
    status = REASONS[reason].status
    recorder.script = [
        (status, {"code": status, "message": f"detail for {reason}", "reason": reason}, {})
    ]
    c = recorder.client(max_retries=0)
    with pytest.raises(EXPECTED_CLASS[reason]) as info:
        c.subscribe()
    exc = info.value
    assert isinstance(exc, APIError) and isinstance(exc, YouchuanError)
    assert (exc.status, exc.code, exc.reason) == (status, status, reason)
    assert exc.message == f"detail for {reason}"
    assert f"detail for {reason}" in str(exc) and reason in str(exc)
    assert exc.advice and exc.advice in str(exc)


def test_an_undocumented_error_still_carries_status_and_body(recorder):
    recorder.script = [(418, {"code": 418, "message": "teapot", "reason": "Teapot"}, {})]
    with pytest.raises(APIError) as info:
        recorder.client(max_retries=0).subscribe()
    assert type(info.value) is APIError
    assert (info.value.status, info.value.reason, info.value.message) == (418, "Teapot", "teapot")


# -- the documented errors, from the simulator ---------------------------------------------
def test_401_bad_credentials_names_the_variables(sim):
    bad = Client(
        app_id=sim.app_id, secret="wrong-secret", base_url=sim.url, store=False, max_concurrent=3
    )
    with pytest.raises(AuthenticationError) as info:
        bad.diffusion("a fox")
    exc = info.value
    assert (exc.status, exc.code, exc.reason) == (401, 401, "Invalid_App_Identifier")
    assert exc.message and "YOUCHUAN_APP_ID" in str(exc) and "YOUCHUAN_SECRET" in str(exc)
    assert sim.created == []
    with pytest.raises(AuthenticationError):
        Client(app_id="nobody", secret=sim.secret, base_url=sim.url, store=False).subscribe()


def test_missing_credentials_with_a_base_url_name_the_variables(monkeypatch):
    monkeypatch.setenv("YOUCHUAN_BASE_URL", "http://127.0.0.1:9")
    with pytest.raises(YouchuanError) as info:
        Client(store=False)
    assert "YOUCHUAN_APP_ID" in str(info.value) and "YOUCHUAN_SECRET" in str(info.value)


def test_402_balance(tmp_path):
    with Simulator(job_seconds=0.2, balance=0.5) as s:
        c = Client.for_service(s, store=False, max_concurrent=3)
        with pytest.raises(InsufficientBalanceError) as info:
            c.diffusion("a fox")
        exc = info.value
        assert (exc.status, exc.code, exc.reason) == (402, 402, "Account_Fee_Not_Enough")
        assert "balance" in str(exc).lower() and exc.message
        assert s.created == [] and s.balance == 0.5


def test_403_sensitive_prompt(sim, client):
    with pytest.raises(SensitivePromptError) as info:
        client.diffusion("a forbidden fox")
    exc = info.value
    assert isinstance(exc, PermissionDeniedError)
    assert (exc.status, exc.code, exc.reason) == (403, 403, "Msg_Sensitive") and exc.message
    sim.sensitive_words = ("owl",)
    with pytest.raises(SensitivePromptError):
        client.diffusion("an owl")
    assert sim.created == []


def test_404_unknown_job_and_moodboard(sim, client):
    with pytest.raises(NotFoundError) as info:
        client.job("no-such-job")
    assert (info.value.status, info.value.code, info.value.reason) == (404, 404, "Not_Found")
    with pytest.raises(NotFoundError):
        client.upscale("no-such-job", 0, "standard")
    with pytest.raises(NotFoundError):
        client.update_moodboard("nope", name="x")
    assert sim.created == []


def test_405_not_supported(sim, client):
    grid = client.diffusion("a fox --v 7").wait(10)
    other = Client.for_service(sim, store=False, max_concurrent=3)
    with pytest.raises(NotSupportedError) as info:
        other.enhance(grid.id, 0)
    assert (info.value.status, info.value.code, info.value.reason) == (405, 405, "Not_Support")
    assert "draft" in info.value.message


def test_429_when_retries_are_exhausted_carries_the_advice(sim):
    sim.concurrency = 1
    greedy = Client.for_service(sim, store=False, max_concurrent=5, max_retries=0)
    first = greedy.diffusion("a fox")
    with pytest.raises(ConcurrencyLimitError) as info:
        greedy.diffusion("a hen")
    exc = info.value
    assert (exc.status, exc.code, exc.reason) == (429, 429, "Max_Concurrent_Limited")
    assert "concurren" in str(exc).lower()
    assert len(sim.created) == 1
    first.wait(10)


def test_500_and_503_from_the_service(sim, client):
    sim.faults = Faults(server_error=1.0, on_submit=False)
    c = Client.for_service(sim, store=False, max_concurrent=3, max_retries=0)
    with pytest.raises(InternalServerError) as info:
        c.subscribe()
    assert (info.value.status, info.value.code, info.value.reason) == (
        500,
        500,
        "Internal_Server_Error",
    )
    sim.faults = Faults(busy=1.0, on_submit=False)
    with pytest.raises(ServerBusyError) as info:
        c.subscribe()
    assert (info.value.status, info.value.code, info.value.reason) == (503, 503, "Server_Busy")


def test_connection_refused_has_its_own_class():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    c = Client(
        app_id="a",
        secret="b",
        base_url=f"http://127.0.0.1:{port}",
        store=False,
        max_concurrent=3,
        max_retries=0,
    )
    with pytest.raises(APIConnectionError) as info:
        c.diffusion("a fox")
    assert not isinstance(info.value, APIError)
    assert info.value.maybe_created is False
    assert "refused" in str(info.value)


def test_timeouts_have_their_own_class(sim):
    sim.faults = Faults(slow=1.0, slow_seconds=0.6)
    c = Client.for_service(sim, store=False, max_concurrent=3, max_retries=0, timeout=0.2)
    with pytest.raises(APITimeoutError) as info:
        c.subscribe()
    assert isinstance(info.value, APIConnectionError)
    with pytest.raises(APITimeoutError) as info:
        c.diffusion("a fox")
    assert info.value.maybe_created is True  # the job may exist: it was not retried


# -- the follow-up rules: known parent (local) and unknown parent (the service) ----------------
MASK = {"areas": [{"width": 100, "height": 100, "points": [0, 0, 50, 0, 50, 50]}]}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One simulator with finished parent jobs of every kind (made once: rendering costs time),
    a client that made them and a stranger client that never saw them. All strict: some of the
    rules (v8.1's) come from secondary sources; tests/client/test_rule_modes.py checks the
    default."""
    import types

    folder = tmp_path_factory.mktemp("rules")
    with Simulator(
        job_seconds=0.2, video_seconds=1.0, extend_seconds=0.5, concurrency=10, rules="strict"
    ) as s:
        owner = Client.for_service(
            s,
            poll_interval=0.05,
            store=folder / "jobs.sqlite3",
            cache_dir=folder / "media",
            rules="strict",
        )
        stranger = Client.for_service(
            s, poll_interval=0.05, store=False, max_concurrent=3, rules="strict"
        )
        grid = owner.diffusion("a fox --v 7")
        v81 = owner.diffusion("a fox --v 8.1")
        video = owner.video_diffusion(prompt="a cat walks --bs 1")
        grid.wait(20)
        up = owner.upscale(grid.id, 0, "standard")
        box = {"width": 32, "height": 32, "x": 0, "y": 0}
        painted = owner.upload_paint(
            grid.urls[0],
            {"areas": [{"width": 10, "height": 10, "points": [0, 0, 5, 0, 5, 5]}]},
            {"width": 64, "height": 64},
            box,
            "a hat",
        )
        retextured = owner.retexture(grid.urls[0], "made of glass")
        video.wait(30)
        hd = owner.video_upscale(video.id, 0)
        ext = video
        for _ in range(4):
            ext = owner.extend_video(ext.id, 0, "and more").wait(30)
        for j in (v81, up, painted, retextured, hd):
            j.wait(30)
        jobs = {
            "grid": grid,
            "v81": v81,
            "up": up,
            "painted": painted,
            "retextured": retextured,
            "video": video,
            "ext4": ext,
            "hd": hd,
        }
        assert all(j.ok for j in jobs.values()), jobs
        assert all(stranger._known(j.id) is None for j in jobs.values())
        yield types.SimpleNamespace(sim=s, owner=owner, stranger=stranger, **jobs)


def _api_requests(sim):
    """The API requests (the owner's thumbnail downloads run in the background: not counted)."""
    return [r for r in sim.request_log if r[1].startswith("/v1/")]


def _refused(sim, call, exc_type, reason, *, local):
    before_log, before_jobs = len(_api_requests(sim)), len(sim.created)
    with pytest.raises(exc_type) as info:
        call()
    assert info.value.reason == reason
    if local:
        assert len(_api_requests(sim)) == before_log, "known parent: refused without sending"
        assert "checked locally" in str(info.value)
    else:
        assert len(_api_requests(sim)) == before_log + 1
        assert _api_requests(sim)[-1][2] == info.value.status
        assert "checked locally" not in str(info.value)
    assert len(sim.created) == before_jobs
    return info.value


# (id, call(client, world), exception class, reason, status, fragment of the message)
RULES = [
    (
        "re-upscale",
        lambda c, w: c.upscale(w.up.id, 0, "standard"),
        ReUpscaleNotSupportedError,
        "Job_ReUpscale_Not_Support",
        400,
        "upscaled",
    ),
    (
        "enhance-non-draft",
        lambda c, w: c.enhance(w.grid.id, 0),
        NotSupportedError,
        "Not_Support",
        405,
        "draft",
    ),
    (
        "upload-paint-vary",
        lambda c, w: c.variation(w.painted.id, 0, "subtle"),
        NotSupportedError,
        "Not_Support",
        405,
        "only upscale",
    ),
    (
        "upload-paint-pan",
        lambda c, w: c.pan(w.painted.id, 0, "up", 1.5),
        NotSupportedError,
        "Not_Support",
        405,
        "only upscale",
    ),
    (
        "upload-paint-reroll",
        lambda c, w: c.reroll(w.painted.id),
        NotSupportedError,
        "Not_Support",
        405,
        "only upscale",
    ),
    (
        "retexture-remix",
        lambda c, w: c.remix(w.retextured.id, 0, "x"),
        NotSupportedError,
        "Not_Support",
        405,
        "only upscale",
    ),
    (
        "retexture-animate",
        lambda c, w: c.video_diffusion(job_id=w.retextured.id, image_no=0),
        NotSupportedError,
        "Not_Support",
        405,
        "only upscale",
    ),
    (
        "v81-pan",
        lambda c, w: c.pan(w.v81.id, 0, "left", 1.5),
        NotSupportedError,
        "Not_Support",
        405,
        "8.1",
    ),
    (
        "v81-outpaint",
        lambda c, w: c.outpaint(w.v81.id, 0, 1.5),
        NotSupportedError,
        "Not_Support",
        405,
        "8.1",
    ),
    (
        "v81-inpaint",
        lambda c, w: c.inpaint(w.v81.id, 0, MASK),
        NotSupportedError,
        "Not_Support",
        405,
        "8.1",
    ),
    (
        "v81-enhance",
        lambda c, w: c.enhance(w.v81.id, 0),
        NotSupportedError,
        "Not_Support",
        405,
        "8.1",
    ),
    (
        "imageNo-beyond-outputs",
        lambda c, w: c.variation(w.up.id, 1, "subtle"),
        BadRequestError,
        "Invalid_Argument",
        400,
        "imageNo 1",
    ),
    (
        "videoNo-beyond-outputs",
        lambda c, w: c.extend_video(w.video.id, 1, "more"),
        BadRequestError,
        "Invalid_Argument",
        400,
        "videoNo 1",
    ),
    (
        "fifth-extension",
        lambda c, w: c.extend_video(w.ext4.id, 0, "a fifth time"),
        NotSupportedError,
        "Not_Support",
        405,
        "at most 4",
    ),
    (
        "image-op-on-video",
        lambda c, w: c.upscale(w.video.id, 0, "standard"),
        NotSupportedError,
        "Not_Support",
        405,
        "video",
    ),
    (
        "video-op-on-image",
        lambda c, w: c.extend_video(w.grid.id, 0, "more"),
        NotSupportedError,
        "Not_Support",
        405,
        "image job",
    ),
    (
        "video-re-upscale",
        lambda c, w: c.video_upscale(w.hd.id, 0),
        PermissionDeniedError,
        "Upscale_Not_Support",
        403,
        "already upscaled",
    ),
]


@pytest.mark.parametrize("local", [True, False], ids=["known-parent", "unknown-parent"])
@pytest.mark.parametrize(
    "call,exc_type,reason,status,fragment", [r[1:] for r in RULES], ids=[r[0] for r in RULES]
)
def test_follow_up_rules(world, local, call, exc_type, reason, status, fragment):
    c = world.owner if local else world.stranger
    e = _refused(world.sim, lambda: call(c, world), exc_type, reason, local=local)
    assert (e.status, e.code) == (status, status)
    assert fragment in e.message, e.message


def test_the_fifth_extension_chain_is_counted(world):
    chain, node = [], world.ext4
    while node is not None and node.action == "extend_video":
        chain.append(node)
        node = node.parent
    assert len(chain) == 4 and node is world.video
    assert world.ext4.facts().extensions == 4


@pytest.mark.parametrize("local", [True, False], ids=["known-parent", "unknown-parent"])
def test_what_the_rules_allow_goes_through(world, local):
    c = world.owner if local else world.stranger
    before = len(world.sim.created)
    jobs = [
        c.upscale(world.painted.id, 0, "standard"),
        c.upscale(world.retextured.id, 0, "creative"),
        c.variation(world.up.id, 0, "subtle"),
    ]
    assert len(world.sim.created) == before + 3
    for j in jobs:
        assert j.wait(20).ok


def test_rule_errors_are_not_retried(world):
    before = world.sim.count("upscale", requests=True)
    with pytest.raises(ReUpscaleNotSupportedError):
        world.stranger.upscale(world.up.id, 0, "creative")
    assert world.sim.count("upscale", requests=True) == before + 1
