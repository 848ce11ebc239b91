"""``%%imagine``, ``%%animate`` and ``%youchuan`` (alias ``%yc``).

The magics are a thin shell over the client and the job card. Arguments are parsed in
:mod:`._magic_args`; the ``%youchuan`` subcommands live in :mod:`._youchuan_cmds`. User mistakes
raise ``UsageError``, which IPython shows as one line without a traceback.

Importing this module is cheap (it runs at ``%load_ext``): the client, the card widget and the
contract are imported inside the magics, at first use.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, line_magic, magics_class

from . import _magic_args as args
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
        ns = self.shell.user_ns if self.shell is not None else {}

        def sub(m: re.Match) -> str:
            if m.group(0).startswith("{{"):
                return m.group(0)[1:-1]  # {{name}} is a literal {name}
            name = m.group(1)
            if name not in ns:
                raise UsageError(
                    f"{{{name}}} in the prompt: no variable {name!r} is defined "
                    f"(define it, or write {{{{{name}}}}} for literal braces)"
                )
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
            raise UsageError(
                f"no job {ref!r}: give a job id or a variable holding a Job ({exc})"
            ) from None

    def finish(
        self, card: JobCard, *, block: bool, name: str | None, timeout: float, node: Any = None
    ) -> None:
        """Show the card; bind ``name`` to its job; block until it settles if asked.

        The live card shows first so progress is visible while the cell blocks; a blocking cell
        refreshes the output at the end so a saved (or headless) notebook holds the final state.
        """
        card.show()
        if name and self.shell is not None:
            node = node or card.root
            card.wait_for_job(timeout)
            self.shell.user_ns[name] = node.job if node.job is not None else card
        if block:
            card.wait(timeout)
            card.refresh_output()

    def make_job(
        self,
        endpoint: str,
        fields: dict[str, Any],
        call: Callable[[], Job],
        *,
        label: str,
        prompt: str = "",
        parent: Job | None = None,
        new: bool = False,
        wait: bool = False,
        name: str | None = None,
        timeout: float | None = None,
    ) -> None:
        """Submit ``call()`` on a card, unless the same request made a job before (then show
        that job and its follow-ups with a one-line note; ``new`` submits anyway)."""
        from ..client import YouchuanError
        from ..contract import InvalidRequest
        from ._card import JobCard

        client = self.client()
        try:
            body = client.check_request(endpoint, fields, parent=parent)
        except (InvalidRequest, YouchuanError, ValueError) as exc:
            raise UsageError(f"{label}: {exc}") from None
        block, timeout = self.blocking(wait), self.timeout if timeout is None else timeout
        found = None if new else _rerun.find(self.session, endpoint, body, parent)
        if found is not None:
            print(_rerun.note(found.since))
            self.finish(found.card, block=block, name=name, timeout=timeout, node=found.node)
            return
        card = JobCard(self.session)
        parent_key = card.add_job(parent).key if parent is not None else None
        node = card.submit(
            endpoint, call, params=body, parent_key=parent_key, label=label, prompt=prompt
        )
        _rerun.remember(self.session, endpoint, body, card, node)
        self.finish(card, block=block, name=name, timeout=timeout, node=node)

    # -- %%imagine -----------------------------------------------------------------------------
    @line_cell_magic
    def imagine(self, line: str, cell: str | None = None) -> None:
        """Imagine a grid of 4 images. %%imagine [--wait] [--name VAR] [--timeout S] [--plain]
        [--new] [Midjourney flags]; the cell body is the prompt (see %%imagine --help)."""
        from ..contract import InvalidRequest, check_prompt, parse_prompt

        try:
            opts, extra = args.parse(args.imagine_parser(), line)
        except args.HelpShown:
            return None
        prompt = self.with_defaults(self.interpolate(args.prompt_from(extra, cell, "%%imagine")))
        parsed = parse_prompt(prompt)
        if not parsed.text and not parsed.images:
            raise UsageError(
                "%%imagine: the cell body is the prompt, e.g.\n%%imagine\na red fox "
                "in snow --ar 3:2"
            )
        try:
            check_prompt(prompt)
        except InvalidRequest as exc:
            raise UsageError(f"prompt: {exc}") from None
        client = self.client()
        timeout = self.timeout if opts.timeout is None else opts.timeout
        if opts.plain:
            found = (
                None if opts.new else _rerun.find_job(self.session, "diffusion", {"text": prompt})
            )
            if found is not None:
                job, since = found
                print(_rerun.note(since))
                return self._plain(lambda: job, timeout)
            return self._plain(lambda: client.diffusion(prompt), timeout)
        self.make_job(
            "diffusion",
            {"text": prompt},
            lambda: client.diffusion(prompt),
            label="Imagine",
            prompt=prompt,
            new=opts.new,
            wait=opts.wait,
            name=opts.name,
            timeout=timeout,
        )
        return None

    def _plain(self, call: Callable[[], Job], timeout: float) -> None:
        import sys

        from ..client import YouchuanError

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

    # -- %%animate -----------------------------------------------------------------------------
    @line_cell_magic
    def animate(self, line: str, cell: str | None = None) -> None:
        """A video from a prompt (the cell body), or from one image of a finished grid.
        %%animate [--from JOB[:N]] [--resolution R] [--motion M] [--wait] [--name VAR] [--new]"""
        from ..contract import InvalidRequest, check_prompt

        try:
            opts, extra = args.parse(args.animate_parser(), line)
        except args.HelpShown:
            return None
        prompt = self.interpolate(args.prompt_from(extra, cell, "%%animate"))
        if opts.motion:
            prompt = f"{prompt} --motion {opts.motion}".strip()
        fields: dict[str, Any] = {"prompt": prompt or None, "videoType": opts.resolution}
        parent = None
        if opts.source:
            ref, index = opts.source
            parent = self.resolve_job(ref)
            fields.update(jobId=parent.id, imageNo=index)
        elif not prompt:
            raise UsageError("%%animate: write a prompt in the cell, or use --from JOB:N")
        if prompt:
            try:
                check_prompt(prompt, kind="video", field_name="prompt")
            except InvalidRequest as exc:
                raise UsageError(f"prompt: {exc}") from None
        client = self.client()
        self.make_job(
            "video_diffusion",
            fields,
            lambda: client.video_diffusion(
                prompt=fields["prompt"],
                job_id=fields.get("jobId"),
                image_no=fields.get("imageNo"),
                video_type=opts.resolution,
            ),
            label="Animate",
            prompt=prompt,
            parent=None,
            new=opts.new,
            wait=opts.wait,
            name=opts.name,
            timeout=opts.timeout,
        )
        return None

    # -- %youchuan -----------------------------------------------------------------------------
    @line_magic
    def youchuan(self, line: str) -> Any:
        """%youchuan SUBCOMMAND ... (see %youchuan help)."""
        from ..client import YouchuanError
        from ._youchuan_cmds import run

        words = args.split_words(line, "%youchuan")
        if not words or words[0] in ("help", "-h", "--help"):
            print(args.help_text())
            return None
        try:
            opts, extra = args.youchuan_parser().parse_known_args(words)
        except args.HelpShown:
            return None
        try:
            return run(self, opts, extra)
        except UsageError:
            raise
        except (YouchuanError, ValueError) as exc:
            raise UsageError(str(exc)) from None

    yc = youchuan
