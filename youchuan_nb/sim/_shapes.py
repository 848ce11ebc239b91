"""Other answer shapes the simulator can use, so the client's tolerant reader is tested over HTTP.

The official document shows no success body; the flat job object is what public clients observe
(``youchuan_nb.contract.answers``). The other shapes are ones some clients report or guess:

- ``"flat"``: the job object as it is (the default);
- ``"wrapped"``: every 200 JSON answer (jobs, account, moodboards) as ``{"code": 0, "message":
  "success", "data": {...}}``;
- ``"string_status"``: a job's ``status`` as a numeric string (``"2"``);
- ``"named_status"``: a job's ``status`` as a name (``"SUCCESS"``);
- ``"aliases"``: ``jobId`` for ``id`` and ``imageUrls`` (``videoUrls`` for videos) for ``urls``.
"""

from __future__ import annotations

from typing import Any

ANSWER_SHAPES = ("flat", "wrapped", "string_status", "named_status", "aliases")
_NAMES = {0: "QUEUED", 1: "RUNNING", 2: "SUCCESS"}


def check_shape(shape: Any) -> str:
    if shape not in ANSWER_SHAPES:
        raise ValueError(f"answer_shape is one of {', '.join(ANSWER_SHAPES)}; got {shape!r}")
    return shape


def is_job_answer(endpoint: str, creates_job: bool) -> bool:
    return creates_job or endpoint == "job"


def shape_answer(shape: str, endpoint: str, creates_job: bool, answer: Any) -> Any:
    """``answer`` (a flat body of ``endpoint``) in ``shape``."""
    if shape == "flat":
        return answer
    if shape == "wrapped":
        return {"code": 0, "message": "success", "data": answer}
    if not is_job_answer(endpoint, creates_job) or not isinstance(answer, dict):
        return answer
    out = dict(answer)
    status = out.get("status")
    if shape == "string_status" and isinstance(status, int):
        out["status"] = str(status)
    elif shape == "named_status" and isinstance(status, int):
        out["status"] = _NAMES.get(status, "FAILED")
    elif shape == "aliases":
        out = {("jobId" if k == "id" else k): v for k, v in out.items()}
        if "urls" in out:
            urls = out.pop("urls")
            video = any(isinstance(u, str) and u.endswith(".mp4") for u in urls)
            out["videoUrls" if video else "imageUrls"] = urls
    return out
