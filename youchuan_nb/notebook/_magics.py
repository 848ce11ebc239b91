"""``%%imagine``, ``%%animate`` and ``%youchuan`` (alias ``%yc``).

The magics are a thin shell over the client and the job card. Arguments are parsed in
:mod:`._magic_args`; the ``%youchuan`` subcommands live in :mod:`._youchuan_cmds`. User mistakes
raise ``UsageError``, which IPython shows as one line without a traceback.

Importing this module is cheap (it runs at ``%load_ext``): the client, the card widget and the
contract are imported inside the magics, at first use.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, line_magic, magics_class, no_var_expand

from ..i18n import has, t
from . import _local_pictures as pictures
from . import _magic_args as args
from . import _permute as permute
from . import _rerun
from ._session import Session, Settings, get_session, interactive_frontend

if TYPE_CHECKING:  # pragma: no cover
    from ..client import Client, Job
    from ._card import JobCard

_VAR = re.compile(r"\{\{[A-Za-z_][A-Za-z0-9_]*\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")


@magics_class
class ImagineMagics(Magics, Settings):
    """Youchuan image and video magics. Configure with ``%config ImagineMagics.<name> = value``
    (the settings are declared once, on :class:`Settings`; this object is the kernel's)."""

    @classmethod
    def class_get_trait_help(cls, trait: Any, inst: Any = None, helptext: str | None = None) -> str:
        """``%config ImagineMagics``: each setting's line in the catalogue's language."""
        key = f"settings.{trait.name}"
        if helptext is None and has(key):
            helptext = t(key)
        text = str(super().class_get_trait_help(trait, inst, helptext))
        # traitlets' own labels of the choices and values, in that language too
        return re.sub(r"(?m)^(\s+)(Choices|Current|Default): ",
                      lambda m: f"{m[1]}{t('config.word.' + m[2].lower())}: ", text)  # fmt: skip

    # -- what the subcommands use ------------------------------------------------------------
    @property
    def session(self) -> Session:
        return get_session()

    def client(self) -> Client:
        """The session's client (made now if this is the first job)."""
        from ..client import YouchuanError

        try:
            return self.session.client
        except YouchuanError as exc:  # e.g. only one of the two credentials set
            raise UsageError(str(exc)) from None

    def blocking(self, asked: bool) -> bool:
        if asked or self.wait == "always":
            return True
        if self.wait == "never":
            return False
        return not interactive_frontend()

    def interpolate(self, text: str) -> str:
        """``{name}`` -> the variable's value, anywhere in the prompt; ``{{name}}`` -> a literal
        ``{name}``. Only a bare identifier in braces is a variable, so a permutation group (it
        has a comma, ``{red, blue}``) is left alone, for :mod:`._permute` to expand after."""
        ns = self.shell.user_ns if self.shell is not None else {}

        def sub(m: re.Match) -> str:
            if m.group(0).startswith("{{"):
                return m.group(0)[1:-1]  # {{name}} is a literal {name}
            name = m.group(1)
            if name not in ns:
                name = args.clip(name, 100)
                raise UsageError(t("magics.undefined_var", name=name, quoted=repr(name)))
            return str(ns[name])

        return _VAR.sub(sub, text)

    def with_defaults(self, prompt: str) -> str:
        from ..contract import parse_prompt

        parsed = parse_prompt(prompt)
        extra = []
        defaults = parse_prompt("x " + self.default_flags)
        for (name, _value), written in zip(defaults.flags, defaults.written, strict=False):
            taken = parsed.has(name) or (name == "version" and parsed.has("niji"))
            if not taken:
                extra.append(written)
        return (prompt.strip() + " " + " ".join(extra)).strip() if extra else prompt.strip()

    def resolve_job(self, ref: str) -> Job:
        """A job from a variable (a Job or a card) or an id (this kernel's cards, the service,
        then the job store)."""
        from ..client import Job, YouchuanError
        from ._card import JobCard

        ns = self.shell.user_ns if self.shell is not None else {}
        value = ns.get(ref)
        if isinstance(value, Job):
            return value
        if isinstance(value, JobCard) and value.root is not None and value.root.job is not None:
            return value.root.job
        for card in reversed(self.session.cards):
            node = card.node_for_job(ref)
            if node is not None and node.job is not None:
                return node.job
        try:
            return self.client().job(ref)
        except (YouchuanError, ValueError) as exc:
            ref, error = args.clip(repr(ref)), args.clip(str(exc))
            raise UsageError(t("magics.no_job", ref=ref, error=error)) from None

    def finish(
        self, card: JobCard, *, block: bool, name: str | None, timeout: float, node: Any = None
    ) -> None:
        """Show the card; bind ``name`` to its job; block until it settles if asked."""
        card.show()
        self.settle([(card, node)], block=block, name=name, timeout=timeout)

    def settle(
        self, shown: list[tuple[JobCard, Any]], *, block: bool, name: str | None, timeout: float
    ) -> None:
        """Bind ``name`` to the job of each (card, node) shown (one job, or a list of them);
        block until all of them settle if asked, within one ``timeout`` for all.

        The live cards show first so progress is visible while the cell blocks; a blocking cell
        refreshes the outputs at the end so a saved (or headless) notebook holds the final state.
        """
        import time

        deadline = time.monotonic() + timeout
        if name and self.shell is not None:
            jobs: list[Any] = []
            for card, node in shown:
                card.wait_for_job(max(0.0, deadline - time.monotonic()))
                node = node or card.root
                job = node.job if node is not None else None
                jobs.append(job if job is not None else card)
            self.shell.user_ns[name] = jobs[0] if len(jobs) == 1 else jobs
        if block:
            for card, _ in shown:
                card.wait(max(0.0, deadline - time.monotonic()))
                card.refresh_output()

    def start_job(
        self,
        endpoint: str,
        request: permute.Request,
        *,
        label: str,
        new: bool = False,
        quiet: bool = False,
        display: bool = True,
    ) -> tuple[JobCard, Any, float | None]:
        """Show the card of ``request.call()``, submitted now, unless the same request made a
        job before (then show that job and its follow-ups with a one-line note, unless
        ``quiet``; ``new`` submits anyway). If an earlier submit of it lost its answer, its job
        may exist: then nothing is sent, a line and a card in state unknown say so (``new`` sets
        those records aside and submits). Returns the card, its node for the job and when the
        earlier job was submitted (None if submitted now or not at all)."""
        from ..client import YouchuanError
        from ..contract import InvalidRequest
        from ._card import JobCard

        client, parent, prompt = self.client(), request.parent, request.prompt
        try:
            body = client.check_request(endpoint, request.fields, parent=parent)
        except (InvalidRequest, YouchuanError, ValueError) as exc:
            what = t(f"card.op.{endpoint}") if has(f"card.op.{endpoint}") else label
            raise UsageError(t("magics.refused", what=what, problem=exc)) from None
        found = None if new else _rerun.find(self.session, endpoint, body, parent)
        if found is not None:
            if not quiet:
                print(_rerun.note(found.since))
            if display:  # else a sweep's sheet shows it
                found.card.show()
            return found.card, found.node, found.since
        lost = _rerun.maybe_created(client, endpoint, body)
        card = JobCard(self.session)
        parent_key = card.add_job(parent).key if parent is not None else None
        if lost and not new:  # the job may exist: never pay again silently
            print(_rerun.lost_note(lost[0]))
            node = card.add_unknown(
                endpoint,
                body,
                lambda: (_rerun.lost_note(lost[0]), lost[0].error or ""),
                since=lost[0].created_at,
                parent_key=parent_key,
                label=label,
                prompt=prompt,
            )
            return (card.show() if display else card), node, None
        _rerun.dismiss(client, lost)  # --new: the user chose to pay again
        node = card.submit(
            endpoint, request.call, params=body, parent_key=parent_key, label=label, prompt=prompt
        )
        _rerun.remember(self.session, endpoint, body, card, node)
        if display:
            card.show()
        return card, node, None

    def make_job(
        self,
        endpoint: str,
        request: permute.Request,
        *,
        label: str,
        new: bool = False,
        wait: bool = False,
        name: str | None = None,
        timeout: float | None = None,
    ) -> None:
        """:meth:`start_job` (the same request, the same re-run rule), then bind ``name`` and
        block if the cell should: one job of a subcommand."""
        card, node, _ = self.start_job(endpoint, request, label=label, new=new)
        timeout = self.timeout if timeout is None else timeout
        self.settle([(card, node)], block=self.blocking(wait), name=name, timeout=timeout)

    # -- %%imagine -----------------------------------------------------------------------------
    @no_var_expand  # the magic interpolates {name} itself: IPython would eval {0, 250} to a tuple
    @line_cell_magic
    def imagine(self, line: str, cell: str | None = None) -> None:
        """Imagine a grid of 4 images. %%imagine [--wait] [--name VAR] [--timeout S] [--plain]
        [--new] [--yes] [Midjourney flags]; the cell body is the prompt (see %%imagine --help).

        ``{var}`` is replaced by a variable's value first; then a permutation (``a {red, blue}
        car``) makes one job per combination, each on its own card (``--name`` binds a list);
        see :mod:`._permute` for the order of operations."""
        from ..contract import check_prompt, parse_prompt

        try:
            opts, extra = args.parse(args.imagine_parser(), line)
        except args.HelpShown:
            return None
        combos = permute.expand(self.interpolate(args.prompt_from(extra, cell, "%%imagine")))
        prompts = [self.with_defaults(text) for text, _ in combos]
        sent = pictures.swap(self.client, prompts, "%%imagine")  # local pictures -> their URLs
        parsed = parse_prompt(sent[0])
        if len(prompts) == 1 and not parsed.text and not parsed.images:
            raise UsageError(t("magics.imagine_needs_prompt"))

        def check(prompt: str) -> None:
            check_prompt(prompt, rules=self.client().rules)  # the client's mode (contract.modes)
            self.client().check_request("diffusion", {"text": prompt})

        permute.check_all("%%imagine", sent, check)
        if len(prompts) > 1:
            permute.announce(self, "%%imagine", [values for _, values in combos], opts.yes)
        client = self.client()
        timeout = self.timeout if opts.timeout is None else opts.timeout
        if opts.plain:
            return self._plain(sent, opts.new, timeout)
        requests = [  # the card shows the prompt as written (paths, not presigned URLs)
            permute.Request({"text": s}, functools.partial(client.diffusion, s), p)
            for s, p in zip(sent, prompts, strict=True)
        ]
        permute.submit_all(
            self,
            "diffusion",
            requests,
            label="Imagine",
            values=[values for _, values in combos],
            new=opts.new,
            wait=opts.wait,
            name=opts.name,
            timeout=timeout,
        )
        return None

    def _plain(self, prompts: list[str], new: bool, timeout: float) -> None:
        """No card: submit each prompt (or reuse its job), then wait and print the files."""
        import sys

        from ..client import YouchuanError

        client = self.client()
        jobs = []
        for prompt in prompts:
            found = None if new else _rerun.find_job(self.session, "diffusion", {"text": prompt})
            if found is not None:
                print(_rerun.note(found[1]))
                jobs.append(found[0])
                continue
            lost = _rerun.maybe_created(client, "diffusion", {"text": prompt})
            if lost and not new:
                print(_rerun.lost_note(lost[0]))
                continue
            _rerun.dismiss(client, lost)
            try:
                jobs.append(client.diffusion(prompt))
            except (YouchuanError, ValueError) as exc:
                print(t("magics.plain.error", error=exc), file=sys.stderr)
        for job in jobs:
            try:
                job = job.wait(timeout, raise_on_failure=False)
            except (YouchuanError, ValueError) as exc:
                print(t("magics.plain.error", error=exc), file=sys.stderr)
                continue
            if job.failed:
                print(t("magics.plain.failed", id=job.id, reason=job.reason or job.comment))
                continue
            paths = job.download()
            print(t("magics.plain.finished", id=job.id, n=len(paths)))
            for path in paths:
                print(f"  {path}")
        return None

    # -- %%animate -----------------------------------------------------------------------------
    @no_var_expand
    @line_cell_magic
    def animate(self, line: str, cell: str | None = None) -> None:
        """A video from a prompt (the cell body), or from one image of a finished grid.
        %%animate [--from JOB[:N]] [--resolution R] [--motion M] [--wait] [--name VAR] [--new]
        [--yes]; a permutation in the prompt makes one video job per combination."""
        from ..contract import check_prompt

        try:
            opts, extra = args.parse(args.animate_parser(), line)
        except args.HelpShown:
            return None
        combos = permute.expand(self.interpolate(args.prompt_from(extra, cell, "%%animate")))
        motion = f" --motion {opts.motion}" if opts.motion else ""
        prompts = [f"{text}{motion}".strip() for text, _ in combos]
        sent = pictures.swap(self.client, prompts, "%%animate")  # local pictures -> their URLs
        source: dict[str, Any] = {}
        if opts.source:
            ref, index = opts.source
            source = {"jobId": self.resolve_job(ref).id, "imageNo": index}
        elif not prompts[0]:
            raise UsageError(t("magics.animate_needs_prompt"))

        def fields(prompt: str) -> dict[str, Any]:
            return {"prompt": prompt or None, "videoType": opts.resolution, **source}

        def check(prompt: str) -> None:
            if prompt:
                check_prompt(prompt, kind="video", field_name="prompt", rules=self.client().rules)
            self.client().check_request("video_diffusion", fields(prompt))

        permute.check_all("%%animate", sent, check)
        if len(prompts) > 1:
            permute.announce(self, "%%animate", [values for _, values in combos], opts.yes)
        client = self.client()
        requests = [
            permute.Request(
                fields(s),
                functools.partial(
                    client.video_diffusion,
                    prompt=s or None,
                    job_id=source.get("jobId"),
                    image_no=source.get("imageNo"),
                    video_type=opts.resolution,
                ),
                p,
            )
            for s, p in zip(sent, prompts, strict=True)
        ]
        permute.submit_all(
            self,
            "video_diffusion",
            requests,
            label="Animate",
            values=[values for _, values in combos],
            new=opts.new,
            wait=opts.wait,
            name=opts.name,
            timeout=opts.timeout,
        )
        return None

    # -- %youchuan -----------------------------------------------------------------------------
    @no_var_expand  # IPython's expansion is quadratic (7 s for a 30 KB line): {name} is ours
    @line_magic
    def youchuan(self, line: str) -> Any:
        """%youchuan SUBCOMMAND ... (see %youchuan help); ``{name}`` is a variable's value."""
        from ..client import YouchuanError
        from ._magic_help import help_text
        from ._youchuan_cmds import run

        words = args.split_words(self.interpolate(line), "%youchuan")
        if not words or words[0] in ("help", "-h", "--help"):
            print(help_text())
            return None
        try:
            opts, extra = args.youchuan_parser().parse_known_args(words)
        except args.HelpShown:
            return None
        if opts.command is None:  # only options, such as %youchuan --bogus
            raise UsageError(t("magics.no_subcommand", word=args.clip(words[0])))
        try:
            return run(self, opts, extra)
        except UsageError:
            raise
        except (YouchuanError, ValueError) as exc:
            raise UsageError(args.clip(str(exc), 1000)) from None

    yc = youchuan
