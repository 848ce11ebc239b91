"""``%%imagine``, ``%%animate`` and ``%youchuan`` (alias ``%yc``).

The magics are a thin shell over the client and the job card. User mistakes raise ``UsageError``,
which IPython shows as one line without a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import re
import shlex
import sys
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments
from IPython.display import display
from traitlets import Float, Int, Unicode, observe

from ..client import Job, YouchuanError, mask_app_id
from ..contract import InvalidRequest, check_prompt, parse_prompt
from ..contract.prompt import ALIASES, KNOWN_FLAGS
from ._card import JobCard, show_job
from ._session import Session, get_session, interactive_frontend, make_client, set_client

_VAR = re.compile(r"\{\{[A-Za-z_][A-Za-z0-9_]*\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")

HELP = """\
youchuan_nb magics
  %%imagine [--wait] [--name VAR] [--timeout S] [--plain] [--new] [MJ flags]
      <prompt>                 a grid of 4 images; {var} is replaced by a variable's value
  %imagine [--wait] ... <prompt>   the one-line form
  %%animate / %animate [--from JOB[:N]] [--resolution 480p|720p] [--motion low|high] [--wait] [--name VAR]
      [prompt]                 a video from a prompt, or from image N (1-4) of a finished job
  %youchuan (or %yc) SUBCOMMAND:
      job ID | jobs [N] | upscale JOB N [--creative] | vary JOB N [--strong] |
      pan JOB N up|down|left|right [--scale S] | zoom JOB N [--scale 1.5|2] |
      remix JOB N [--subtle] PROMPT | reroll JOB | enhance JOB N |
      inpaint JOB N --rect X,Y,W,H [--rect ...] [--prompt TEXT] |
      retexture URL PROMPT | remove-bg URL | extend JOB N PROMPT | upscale-video JOB N |
      account | costs [PAGE] | moodboards | login | use sim|real | help
  JOB is a job id or the name of a variable holding a Job; N is the image number on the card (1-4).
  Settings: %config ImagineMagics (poll_interval, default_flags, thumbnail_size, cache_dir, wait)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse would sys.exit(); IPython wants UsageError
        raise UsageError(f"{self.prog}: {message} (see %youchuan help)")


def _split_options(words: list[str], flags: dict[str, bool]) -> tuple[dict, list[str]]:
    """Take leading magic options (name -> takes a value) off ``words``; return them and the rest."""
    opts: dict[str, Any] = {}
    rest = list(words)
    aliases = {"-w": "--wait", "-n": "--name", "-t": "--timeout"}
    while rest and rest[0].startswith("-"):
        word = aliases.get(rest[0], rest[0])
        name, _, inline = word.partition("=")
        if name not in flags:
            break
        rest.pop(0)
        if flags[name]:
            if inline:
                opts[name] = inline
            elif rest:
                opts[name] = rest.pop(0)
            else:
                raise UsageError(f"{name} needs a value (see %youchuan help)")
        else:
            opts[name] = True
    return opts, rest


@magics_class
class ImagineMagics(Magics):
    """Youchuan image and video magics. Configure with ``%config ImagineMagics.<name> = value``."""

    poll_interval = Float(1.0, help="Shortest pause between polls of a job, seconds.").tag(config=True)
    default_flags = Unicode("--v 7", help="Flags added to a prompt that does not set them (the "
                            "service's own default model is 6.1).").tag(config=True)
    thumbnail_size = Int(256, help="Long side of card thumbnails, pixels.").tag(config=True)
    cache_dir = Unicode("", help="Folder for downloaded results (default: the user data "
                        "folder).").tag(config=True)
    wait = Unicode("auto", help="auto: cells return at once in a live notebook and block when "
                   "run headless; always; never.").tag(config=True)
    timeout = Float(900.0, help="Seconds a blocking cell waits for its jobs.").tag(config=True)

    def __init__(self, shell: Any = None, **kwargs: Any) -> None:
        super().__init__(shell, **kwargs)
        try:
            self._apply_settings()
        except (YouchuanError, UsageError):
            pass  # e.g. half-set credentials: load anyway; each command then says what to fix

    @observe("poll_interval", "default_flags", "thumbnail_size", "cache_dir", "wait", "timeout")
    def _settings_changed(self, change: Any) -> None:
        self._apply_settings()

    def _apply_settings(self) -> None:
        s = self.session.settings
        s.poll_interval, s.default_flags = self.poll_interval, self.default_flags
        s.thumbnail_size, s.cache_dir = self.thumbnail_size, self.cache_dir
        s.wait, s.timeout = self.wait, self.timeout
        self.session.client.poll_interval = self.poll_interval
        if self.cache_dir:
            from ..client import MediaCache

            self.session.client.media = MediaCache(self.cache_dir)

    @property
    def session(self) -> Session:
        try:
            return get_session()
        except YouchuanError as exc:
            raise UsageError(str(exc)) from None

    # -- helpers -------------------------------------------------------------------------------
    def _blocking(self, asked: bool) -> bool:
        if asked or self.wait == "always":
            return True
        if self.wait == "never":
            return False
        return not interactive_frontend()

    def _interpolate(self, text: str) -> str:
        ns = self.shell.user_ns if self.shell is not None else {}

        def sub(m: re.Match) -> str:
            if m.group(0).startswith("{{"):
                return m.group(0)[1:-1]  # {{name}} is a literal {name}
            name = m.group(1)
            if name not in ns:
                raise UsageError(f"{{{name}}} in the prompt: no variable {name!r} is defined "
                                 f"(define it, or write {{{{{name}}}}} for literal braces)")
            return str(ns[name])

        return _VAR.sub(sub, text)

    def _with_defaults(self, prompt: str) -> str:
        parsed = parse_prompt(prompt)
        extra = []
        defaults = parse_prompt("x " + self.default_flags)
        for (name, _value), written in zip(defaults.flags, defaults.written):
            taken = parsed.has(name) or (name == "version" and parsed.has("niji"))
            if not taken:
                extra.append(written)
        return (prompt.strip() + " " + " ".join(extra)).strip() if extra else prompt.strip()

    def _resolve_job(self, ref: str) -> Job:
        ns = self.shell.user_ns if self.shell is not None else {}
        value = ns.get(ref)
        if isinstance(value, Job):
            return value
        if isinstance(value, JobCard) and value.root is not None and value.root.job is not None:
            return value.root.job
        for card in reversed(self.session.cards):
            node = card.node_for_job(ref)
            if node is not None:
                return node.job
        try:
            return self.session.client.job(ref)
        except (YouchuanError, ValueError) as exc:
            raise UsageError(f"no job {ref!r}: give a job id or a variable holding a Job ({exc})")

    def _finish(self, card: JobCard, *, block: bool, name: str | None, timeout: float) -> None:
        # Show the live card first so progress is visible even while the cell blocks; when it
        # blocks, refresh the output at the end so a saved (or headless) notebook holds the
        # final state.
        card.show()
        if name:
            node = card.root
            card.wait_for_job(timeout)
            self.shell.user_ns[name] = node.job if node.job is not None else card
        if block:
            card.wait(timeout)
            card.refresh_output()

    # -- %%imagine -------------------------------------------------------------------------------
    @line_cell_magic
    def imagine(self, line: str, cell: str | None = None) -> None:
        """Imagine a grid of 4 images. %%imagine [--wait] [--name VAR] [--timeout S] [--plain] [--new]"""
        spec = {"--wait": False, "--name": True, "--timeout": True, "--plain": False,
                "--new": False, "--help": False}
        opts, rest = _split_options(line.split(), spec)
        if opts.get("--help"):
            print(HELP)
            return None
        if cell is None:
            prompt = " ".join(rest)
        else:
            stray = [w for w in rest if w.startswith("-")]
            bad = [w for w in stray
                   if ALIASES.get(w.lstrip("-").lower(), w.lstrip("-").lower()) not in KNOWN_FLAGS]
            if bad:
                raise UsageError(f"%%imagine: unknown option {bad[0]} (options: --wait, --name "
                                 "VAR, --timeout S, --plain, --new; Midjourney flags such as "
                                 "--ar 16:9 also work here)")
            prompt = cell.strip() + (" " + " ".join(rest) if rest else "")
        timeout = _float_option(opts.get("--timeout"), self.timeout)
        prompt = self._with_defaults(self._interpolate(prompt))
        if not parse_prompt(prompt).text and not parse_prompt(prompt).images:
            raise UsageError("%%imagine: the cell body is the prompt, e.g.\n%%imagine\na red fox "
                             "in snow --ar 3:2")
        try:
            check_prompt(prompt)
        except InvalidRequest as exc:
            raise UsageError(f"prompt: {exc}") from None
        client = self.session.client
        if opts.get("--plain"):
            return self._plain(lambda: client.diffusion(prompt), timeout)
        key = (line, cell, prompt)
        previous = self.session.in_cell.get(key)
        if previous is not None and not opts.get("--new") and not previous.settled:
            print("This prompt's job is still running; showing it again (add --new to submit "
                  "another).", file=sys.stderr)
            self._finish(previous, block=self._blocking(bool(opts.get("--wait"))),
                         name=opts.get("--name"), timeout=timeout)
            return None
        resumed = None if opts.get("--new") else client.find_in_flight("diffusion",
                                                                       {"text": prompt})
        if resumed is not None and not resumed.done:
            # submitted before (e.g. before a kernel restart) and still running: resume it
            print(f"Resuming job {resumed.id}, submitted earlier with this prompt (add --new "
                  "to submit another).", file=sys.stderr)
            card = JobCard(self.session)
            card.add_job(resumed)
        else:
            card = JobCard.imagine(prompt, self.session)
        self.session.in_cell[key] = card
        self._finish(card, block=self._blocking(bool(opts.get("--wait"))),
                     name=opts.get("--name"), timeout=timeout)
        return None

    def _plain(self, call, timeout: float) -> None:
        try:
            job = call().wait(timeout, raise_on_failure=False)
        except (YouchuanError, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return None
        if job.failed:
            print(f"job {job.id} failed: {job.reason or job.comment}")
            return None
        paths = job.download()
        print(f"job {job.id} finished: {len(paths)} output(s)")
        for path in paths:
            print(f"  {path}")
        return None

    # -- %%animate -------------------------------------------------------------------------------
    @line_cell_magic
    @magic_arguments()
    @argument("--from", dest="source", default=None, help="JOB[:N], N = image number 1-4")
    @argument("--resolution", default="480p", help="480p or 720p")
    @argument("--motion", default=None, help="low or high")
    @argument("--wait", action="store_true")
    @argument("--name", "-n", default=None)
    @argument("--timeout", type=float, default=None)
    def animate(self, line: str, cell: str | None = None) -> None:
        """A video from a prompt (the cell body), or from one image of a finished grid."""
        args = _parse(self.animate, line)
        prompt = self._interpolate((cell or "").strip()) or None
        if args.motion and args.motion not in ("low", "high"):
            raise UsageError("--motion must be low or high")
        if args.resolution not in ("480p", "720p"):
            raise UsageError("--resolution must be 480p or 720p")
        client = self.session.client
        if args.source:
            ref, _, number = args.source.partition(":")
            index = _image_number(number or "1")
            job = self._resolve_job(ref)
            if args.motion:
                prompt = f"{prompt or ''} --motion {args.motion}".strip()
            call = lambda: client.video_diffusion(prompt=prompt, job_id=job.id, image_no=index,
                                                  video_type=args.resolution)
        else:
            if not prompt:
                raise UsageError("%%animate: write a prompt in the cell, or use --from JOB:N")
            if args.motion:
                prompt = f"{prompt} --motion {args.motion}"
            call = lambda: client.video_diffusion(prompt=prompt, video_type=args.resolution)
        if prompt:
            try:
                check_prompt(prompt, kind="video", field_name="prompt")
            except InvalidRequest as exc:
                raise UsageError(f"prompt: {exc}") from None
        card = JobCard(self.session)
        card.submit("video_diffusion", call, params={"prompt": prompt or ""}, label="Animate",
                    prompt=prompt or "")
        self._finish(card, block=self._blocking(args.wait), name=args.name,
                     timeout=args.timeout or self.timeout)

    # -- %youchuan -------------------------------------------------------------------------------
    @line_magic
    def youchuan(self, line: str) -> Any:
        """%youchuan SUBCOMMAND ... (see %youchuan help)."""
        try:
            words = shlex.split(line)
        except ValueError as exc:
            raise UsageError(f"%youchuan: {exc}") from None
        if not words or words[0] in ("help", "-h", "--help"):
            print(HELP)
            return None
        command, args = words[0], words[1:]
        handler = getattr(self, "_cmd_" + command.replace("-", "_"), None)
        if handler is None:
            raise UsageError(f"%youchuan: unknown subcommand {command!r} (see %youchuan help)")
        try:
            return handler(args)
        except UsageError:
            raise
        except (YouchuanError, ValueError) as exc:
            raise UsageError(str(exc)) from None

    yc = youchuan

    def _follow_up(self, label: str, job: Job, call, action: str) -> None:
        card = JobCard(self.session)
        node = card.add_job(job)
        card.submit(action, call, params={}, parent_key=node.key, label=label, prompt=job.text)
        self._finish(card, block=self._blocking(False), name=None, timeout=self.timeout)

    def _job_and_index(self, args: list[str], usage: str) -> tuple[Job, int, list[str]]:
        if len(args) < 2:
            raise UsageError(f"usage: %youchuan {usage}")
        return self._resolve_job(args[0]), _image_number(args[1]), args[2:]

    def _cmd_job(self, args: list[str]) -> None:
        if len(args) != 1:
            raise UsageError("usage: %youchuan job ID")
        job = self._resolve_job(args[0])
        show_job(job, self.session)

    def _cmd_jobs(self, args: list[str]) -> None:
        from ._gallery import Gallery

        limit = int(args[0]) if args and args[0].isdigit() else 24
        gallery = Gallery(self.session, limit=limit)
        display(gallery)

    def _cmd_upscale(self, args: list[str]) -> None:
        job, i, rest = self._job_and_index(args, "upscale JOB N [--creative]")
        kind = "creative" if "--creative" in rest else "standard"
        self._follow_up(f"Upscale ({kind})", job, lambda: job.upscale(i, kind), "upscale")

    def _cmd_vary(self, args: list[str]) -> None:
        job, i, rest = self._job_and_index(args, "vary JOB N [--strong]")
        strong = "--strong" in rest
        self._follow_up("Vary", job, lambda: job.vary(i, strong=strong), "variation")

    def _cmd_pan(self, args: list[str]) -> None:
        job, i, rest = self._job_and_index(args, "pan JOB N up|down|left|right [--scale S]")
        if not rest or rest[0] not in ("up", "down", "left", "right"):
            raise UsageError("usage: %youchuan pan JOB N up|down|left|right [--scale S]")
        scale = _float_option(_opt(rest, "--scale"), 1.5)
        self._follow_up("Pan", job, lambda: job.pan(i, rest[0], scale), "pan")

    def _cmd_zoom(self, args: list[str]) -> None:
        job, i, rest = self._job_and_index(args, "zoom JOB N [--scale S]")
        scale = _float_option(_opt(rest, "--scale"), 2.0)
        self._follow_up("Zoom out", job, lambda: job.zoom_out(i, scale), "outpaint")

    def _cmd_remix(self, args: list[str]) -> None:
        job, i, rest = self._job_and_index(args, "remix JOB N [--subtle] PROMPT")
        mode = "subtle" if "--subtle" in rest else "strong"
        prompt = " ".join(w for w in rest if w != "--subtle")
        if not prompt:
            raise UsageError("usage: %youchuan remix JOB N [--subtle] PROMPT")
        self._follow_up("Remix", job, lambda: job.remix(i, prompt, mode=mode), "remix")

    def _cmd_reroll(self, args: list[str]) -> None:
        if len(args) != 1:
            raise UsageError("usage: %youchuan reroll JOB")
        job = self._resolve_job(args[0])
        self._follow_up("Reroll", job, lambda: job.reroll(), "reroll")

    def _cmd_enhance(self, args: list[str]) -> None:
        job, i, _ = self._job_and_index(args, "enhance JOB N")
        self._follow_up("Enhance", job, lambda: job.enhance(i), "enhance")

    def _cmd_inpaint(self, args: list[str]) -> None:
        from ..client import mask_from_shapes

        job, i, rest = self._job_and_index(args, "inpaint JOB N --rect X,Y,W,H [--prompt TEXT]")
        shapes = []
        for k, word in enumerate(rest):
            if word == "--rect" and k + 1 < len(rest):
                try:
                    x, y, w, h = (float(v) for v in rest[k + 1].split(","))
                except ValueError:
                    raise UsageError("--rect takes X,Y,W,H in image pixels") from None
                shapes.append({"type": "rect", "x": x, "y": y, "w": w, "h": h})
        if not shapes:
            raise UsageError("usage: %youchuan inpaint JOB N --rect X,Y,W,H [--prompt TEXT]")
        prompt = _opt(rest, "--prompt")
        job.wait(self.timeout, raise_on_failure=False)
        if not job.ok:
            raise UsageError(f"job {job.id} has no finished images to paint on ({job.status_name})")
        if i >= len(job.urls):
            raise UsageError(f"job {job.id} has {len(job.urls)} image(s); use 1-{len(job.urls)}")
        paths = job.cached_paths()
        if paths[i] is None:
            raise UsageError(f"image {i + 1} of job {job.id} could not be downloaded")
        from PIL import Image

        with Image.open(paths[i]) as im:
            mask = mask_from_shapes(shapes, *im.size)
        self._follow_up("Vary (region)", job, lambda: job.inpaint(i, mask, remix_prompt=prompt), "inpaint")

    def _cmd_retexture(self, args: list[str]) -> None:
        if len(args) < 2:
            raise UsageError("usage: %youchuan retexture URL PROMPT")
        client, url, prompt = self.session.client, args[0], " ".join(args[1:])
        card = JobCard(self.session)
        card.submit("retexture", lambda: client.retexture(url, prompt), params={},
                    label="Retexture", prompt=prompt)
        self._finish(card, block=self._blocking(False), name=None, timeout=self.timeout)

    def _cmd_remove_bg(self, args: list[str]) -> None:
        if len(args) != 1:
            raise UsageError("usage: %youchuan remove-bg URL")
        client, url = self.session.client, args[0]
        card = JobCard(self.session)
        card.submit("remove_background", lambda: client.remove_background(url), params={},
                    label="Remove background", prompt="")
        self._finish(card, block=self._blocking(False), name=None, timeout=self.timeout)

    def _cmd_extend(self, args: list[str]) -> None:
        job, i, rest = self._job_and_index(args, "extend JOB N PROMPT")
        prompt = " ".join(rest)
        if not prompt:
            raise UsageError("usage: %youchuan extend JOB N PROMPT")
        self._follow_up("Extend video", job, lambda: job.extend(i, prompt), "extend_video")

    def _cmd_upscale_video(self, args: list[str]) -> None:
        job, i, _ = self._job_and_index(args, "upscale-video JOB N")
        self._follow_up("Upscale video", job, lambda: job.upscale_video(i), "video_upscale")

    def _cmd_account(self, args: list[str]) -> None:
        info = self.session.client.subscribe()
        mode = "simulator" if self.session.simulator else "service"
        print(f"{mode}: {self.session.client.base_url}  app {mask_app_id(self.session.client.app_id)}")
        for key, value in (info or {}).items():
            print(f"  {key}: {value}")

    def _cmd_costs(self, args: list[str]) -> None:
        page = int(args[0]) if args and args[0].isdigit() else 1
        info = self.session.client.costs(page, 20)
        rows = info.get("list", []) if isinstance(info, dict) else []
        print(f"costs page {page} ({info.get('total', len(rows)) if isinstance(info, dict) else ''} records)")
        for row in rows:
            print("  " + "  ".join(f"{k}={v}" for k, v in row.items()))

    def _cmd_moodboards(self, args: list[str]) -> None:
        info = self.session.client.moodboards()
        rows = info.get("list", []) if isinstance(info, dict) else []
        print(f"{len(rows)} moodboard(s); use one in a prompt with --p <id>")
        for row in rows:
            print(f"  {row.get('id')}  {row.get('name')}  ({len(row.get('images') or [])} images)")

    def _cmd_login(self, args: list[str]) -> None:
        # getpass for both: an input() answer is echoed into the saved output
        try:
            app_id = getpass.getpass("Youchuan app id (not shown): ").strip()
            secret = getpass.getpass("Youchuan secret (not shown): ").strip()
        except Exception:  # no stdin: a headless run, or a front end that cannot ask
            raise UsageError("login needs a front end that can ask for input; set "
                             "YOUCHUAN_APP_ID and YOUCHUAN_SECRET in the environment "
                             "instead") from None
        if not app_id or not secret:
            raise UsageError("login cancelled: both the app id and the secret are needed")
        client = make_client(app_id=app_id, secret=secret, base_url=args[0] if args else None,
                             settings=self.session.settings)
        set_client(client)
        print(f"using the Youchuan service as {mask_app_id(app_id)} ({client.base_url})")

    def _cmd_use(self, args: list[str]) -> None:
        if len(args) != 1 or args[0] not in ("sim", "real"):
            raise UsageError("usage: %youchuan use sim|real")
        if args[0] == "sim":
            set_client(make_client("sim", settings=self.session.settings))
            print("using the built-in simulator")
        else:
            client = make_client(settings=self.session.settings)
            if client.simulator is not None:
                raise UsageError("no credentials: set YOUCHUAN_APP_ID and YOUCHUAN_SECRET or run "
                                 "%youchuan login")
            set_client(client)
            print(f"using the Youchuan service as {mask_app_id(client.app_id)}")


def _parse(func: Any, line: str) -> argparse.Namespace:
    from IPython.core.magic_arguments import parse_argstring

    return parse_argstring(func, line)


def _opt(words: list[str], name: str) -> str | None:
    if name in words:
        k = words.index(name)
        if k + 1 < len(words):
            return words[k + 1]
        raise UsageError(f"{name} needs a value")
    return None


def _float_option(value: Any, default: float) -> float:
    if value is None:
        return default
    try:
        return float(value)
    except ValueError:
        raise UsageError(f"expected a number, got {value!r}") from None


def _image_number(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 4:
        raise UsageError(f"image number {text!r}: use 1-4, as numbered on the card")
    return int(text) - 1
