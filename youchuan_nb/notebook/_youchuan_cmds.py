"""The ``%youchuan`` subcommands (parsed by :func:`._magic_args.youchuan_parser`).

Each ``cmd_<name>(m, a)`` gets the magics object and the parsed arguments. A subcommand that
makes a job goes through ``ImagineMagics.make_job``, so re-running it shows the job it made
instead of paying again (``--new`` makes another).
"""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError

from ..i18n import t
from . import _magic_args as margs
from ._local_pictures import swap
from ._permute import Request
from ._session import make_client, set_client

if TYPE_CHECKING:  # pragma: no cover
    from ..client import Job
    from ._magics import ImagineMagics

# subcommands whose trailing words are a prompt, so Midjourney flags may follow them
_TAKES_PROMPT = frozenset({"remix", "retexture", "extend", "inpaint"})


def run(m: ImagineMagics, a: argparse.Namespace, extra: list[str]) -> Any:
    prog = f"%youchuan {a.command}"
    if extra and a.command not in _TAKES_PROMPT:
        words = margs.clip(" ".join(extra))
        raise UsageError(t("magics.unrecognized", prog=prog, words=words))
    a.extra = extra
    return COMMANDS[a.command](m, a)


def _prompt(a: argparse.Namespace, words: list[str] | None) -> str:
    return margs.prompt_from(list(words or []) + a.extra, None, f"%youchuan {a.command}")


def _follow_up(
    m: ImagineMagics,
    a: argparse.Namespace,
    job: Job,
    endpoint: str,
    fields: dict[str, Any],
    call: Callable[[], Job],
    label: str,
    prompt: str = "",
) -> None:
    request = Request({"jobId": job.id, **fields}, call, prompt or job.text, parent=job)
    m.make_job(endpoint, request, label=label, new=a.new)


def cmd_job(m: ImagineMagics, a: argparse.Namespace) -> None:
    from ._rerun import tree_card

    job = m.resolve_job(a.job)
    card = tree_card(m.session, job)  # with its follow-ups, from the store after a restart
    m.finish(card, block=m.blocking(False), name=None, timeout=m.timeout)


def cmd_jobs(m: ImagineMagics, a: argparse.Namespace) -> None:
    from IPython.display import display

    from ._archive import Archive

    m.client()
    display(Archive(session=m.session, limit=max(1, min(a.limit, 1000))))


def cmd_archive(m: ImagineMagics, a: argparse.Namespace) -> None:
    from IPython.display import display

    from ._archive import Archive

    m.client()
    display(Archive(" ".join(a.words), session=m.session))


def cmd_upscale(m: ImagineMagics, a: argparse.Namespace) -> None:
    job, i = m.resolve_job(a.job), a.index
    _follow_up(
        m,
        a,
        job,
        "upscale",
        {"imageNo": i, "type": a.type},
        lambda: job.upscale(i, a.type),
        f"Upscale ({a.type})",
    )


def cmd_vary(m: ImagineMagics, a: argparse.Namespace) -> None:
    job, i = m.resolve_job(a.job), a.index
    strong = a.type == "strong"
    _follow_up(
        m,
        a,
        job,
        "variation",
        {"imageNo": i, "type": a.type},
        lambda: job.vary(i, strong=strong),
        "Vary",
    )


def cmd_pan(m: ImagineMagics, a: argparse.Namespace) -> None:
    job, i = m.resolve_job(a.job), a.index
    _follow_up(
        m,
        a,
        job,
        "pan",
        {"imageNo": i, "direction": a.direction, "scale": a.scale},
        lambda: job.pan(i, a.direction, a.scale),
        "Pan",
    )


def cmd_zoom(m: ImagineMagics, a: argparse.Namespace) -> None:
    job, i = m.resolve_job(a.job), a.index
    _follow_up(
        m,
        a,
        job,
        "outpaint",
        {"imageNo": i, "scale": a.scale},
        lambda: job.zoom_out(i, a.scale),
        "Zoom out",
    )


def cmd_remix(m: ImagineMagics, a: argparse.Namespace) -> None:
    job, i = m.resolve_job(a.job), a.index
    prompt = _prompt(a, a.prompt)
    _follow_up(
        m,
        a,
        job,
        "remix",
        {"imageNo": i, "remixPrompt": prompt, "mode": a.mode},
        lambda: job.remix(i, prompt, mode=a.mode),
        "Remix",
        prompt,
    )


def cmd_reroll(m: ImagineMagics, a: argparse.Namespace) -> None:
    job = m.resolve_job(a.job)
    _follow_up(m, a, job, "reroll", {}, lambda: job.reroll(), "Reroll")


def cmd_enhance(m: ImagineMagics, a: argparse.Namespace) -> None:
    job, i = m.resolve_job(a.job), a.index
    _follow_up(m, a, job, "enhance", {"imageNo": i}, lambda: job.enhance(i), "Enhance")


def cmd_inpaint(m: ImagineMagics, a: argparse.Namespace) -> None:
    from ..client import mask_from_shapes

    job, i = m.resolve_job(a.job), a.index
    prompt = _prompt(a, a.prompt) or None
    job.wait(m.timeout, raise_on_failure=False)
    if not job.ok:
        raise UsageError(t("magics.inpaint.unfinished", id=job.id, status=job.status_name))
    if i >= len(job.urls):
        raise UsageError(t("magics.inpaint.no_such_image", id=job.id, n=len(job.urls)))
    paths = job.cached_paths()
    if paths[i] is None:
        raise UsageError(t("magics.inpaint.not_downloaded", n=i + 1, id=job.id))
    from PIL import Image

    with Image.open(paths[i]) as im:
        mask = mask_from_shapes(a.rect, *im.size)
    _follow_up(
        m,
        a,
        job,
        "inpaint",
        {"imageNo": i, "mask": mask, "remixPrompt": prompt},
        lambda: job.inpaint(i, mask, remix_prompt=prompt),
        "Vary (region)",
        prompt or "",
    )


def cmd_retexture(m: ImagineMagics, a: argparse.Namespace) -> None:
    client, url, prompt = m.client(), a.url, _prompt(a, a.prompt)
    url = swap(m.client, [url], "%youchuan retexture")[0]  # a local picture: its URL
    fields = {"imgUrl": url, "remixPrompt": prompt}
    request = Request(fields, lambda: client.retexture(url, prompt), prompt)
    m.make_job("retexture", request, label="Retexture", new=a.new)


def cmd_remove_bg(m: ImagineMagics, a: argparse.Namespace) -> None:
    client, url = m.client(), a.url
    url = swap(m.client, [url], "%youchuan remove-bg")[0]  # a local picture: its URL
    request = Request({"imgUrl": url}, lambda: client.remove_background(url))
    m.make_job("remove_background", request, label="Remove background", new=a.new)


def cmd_extend(m: ImagineMagics, a: argparse.Namespace) -> None:
    job, i = m.resolve_job(a.job), a.index
    prompt = _prompt(a, a.prompt)
    _follow_up(
        m,
        a,
        job,
        "extend_video",
        {"videoNo": i, "prompt": prompt},
        lambda: job.extend(i, prompt),
        "Extend video",
        prompt,
    )


def cmd_upscale_video(m: ImagineMagics, a: argparse.Namespace) -> None:
    job, i = m.resolve_job(a.job), a.index
    _follow_up(
        m, a, job, "video_upscale", {"videoNo": i}, lambda: job.upscale_video(i), "Upscale video"
    )


def cmd_account(m: ImagineMagics, a: argparse.Namespace) -> None:
    from ..client import mask_app_id

    client = m.client()
    info = client.subscribe()
    mode = "simulator" if client.is_simulator else "service"
    print(t(f"magics.account.{mode}", url=client.base_url, app=mask_app_id(client.app_id)))
    for key, value in (info or {}).items():
        print(f"  {key}: {value}")


def cmd_costs(m: ImagineMagics, a: argparse.Namespace) -> None:
    from ..contract.answers import page_items

    info = m.client().costs(a.page, 20)
    found = page_items(info)
    if found is None:  # ASSUMPTION: the document shows no costs answer; say so, never "0 rows"
        print(t("magics.unreadable", what="costs", answer=f"{info!r:.300}"))
        return
    rows = found
    total = info.get("total", len(rows)) if isinstance(info, dict) else ""
    print(t("magics.costs.title", page=a.page, total=total))
    for row in rows:
        pairs = row.items() if isinstance(row, dict) else [("record", row)]
        print("  " + "  ".join(f"{k}={v}" for k, v in pairs))


def cmd_moodboards(m: ImagineMagics, a: argparse.Namespace) -> None:
    from ..contract.answers import page_items

    info = m.client().moodboards()
    found = page_items(info)
    if found is None:  # ASSUMPTION: the document shows no moodboards answer
        print(t("magics.unreadable", what="moodboards", answer=f"{info!r:.300}"))
        return
    rows = found
    print(t("magics.moodboards.title", n=len(rows)))
    for row in rows:
        if not isinstance(row, dict):
            print(f"  {row!r:.200}")
            continue
        n = len(row.get("images") or [])
        print("  " + t("magics.moodboards.row", id=row.get("id"), name=row.get("name"), n=n))


def cmd_doctor(m: ImagineMagics, a: argparse.Namespace) -> None:
    from ..client import run_doctor

    print(run_doctor(m.client(), job=a.job))


def cmd_login(m: ImagineMagics, a: argparse.Namespace) -> None:
    from ..client import mask_app_id

    # getpass for both: an input() answer is echoed into the saved output
    try:
        app_id = getpass.getpass(t("magics.login.app_id")).strip()
        secret = getpass.getpass(t("magics.login.secret")).strip()
    except Exception:  # no stdin: a headless run, or a front end that cannot ask
        raise UsageError(t("magics.login.no_input")) from None
    if not app_id or not secret:
        raise UsageError(t("magics.login.cancelled"))
    client = make_client(
        app_id=app_id, secret=secret, base_url=a.base_url, settings=m.session.settings
    )
    set_client(client)
    print(t("magics.login.done", app=mask_app_id(app_id), url=client.base_url))


def cmd_use(m: ImagineMagics, a: argparse.Namespace) -> None:
    from ..client import YouchuanError, mask_app_id

    if a.target == "sim":
        set_client(make_client("sim", settings=m.session.settings))
        print(t("magics.use.sim"))
        return
    try:
        client = make_client(settings=m.session.settings)
    except YouchuanError as exc:
        raise UsageError(str(exc)) from None
    if client.simulator is not None:
        raise UsageError(t("magics.use.no_credentials"))
    set_client(client)
    print(t("magics.use.real", app=mask_app_id(client.app_id)))


def cmd_help(m: ImagineMagics, a: argparse.Namespace) -> None:
    from ._magic_help import help_text

    print(help_text())


COMMANDS: dict[str, Callable[[ImagineMagics, argparse.Namespace], Any]] = {
    name.removeprefix("cmd_").replace("_", "-"): fn
    for name, fn in list(globals().items())
    if name.startswith("cmd_")
}
