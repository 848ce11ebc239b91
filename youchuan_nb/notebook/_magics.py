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
        fields: dict[str, Any],
        call: Callable[[], Job],
        *,
        label: str,
        prompt: str = "",
        parent: Job | None = None,
        new: bool = False,
        quiet: bool = False,
    ) -> tuple[JobCard, Any, float | None]:
        """Show the card of ``call()``, submitted now, unless the same request made a job
        before (then show that job and its follow-ups with a one-line note, unless ``quiet``;
        ``new`` submits anyway). Returns the card, its node for the job and when the earlier
        job was submitted (None if submitted now)."""
        from ..client import YouchuanError
        from ..contract import InvalidRequest
        from ._card import JobCard

        client = self.client()
        try:
            body = client.check_request(endpoint, fields, parent=parent)
        except (InvalidRequest, YouchuanError, ValueError) as exc:
            raise UsageError(f"{label}: {exc}") from None
        found = None if new else _rerun.find(self.session, endpoint, body, parent)
        if found is not None:
            if not quiet:
                print(_rerun.note(found.since))
            found.card.show()
            return found.card, found.node, found.since
        card = JobCard(self.session)
        parent_key = card.add_job(parent).key if parent is not None else None
        node = card.submit(
            endpoint, call, params=body, parent_key=parent_key, label=label, prompt=prompt
        )
        _rerun.remember(self.session, endpoint, body, card, node)
        card.show()
        return card, node, None

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
        card, node, _ = self.start_job(
            endpoint, fields, call, label=label, prompt=prompt, parent=parent, new=new
        )
        timeout = self.timeout if timeout is None else timeout
        self.settle([(card, node)], block=self.blocking(wait), name=name, timeout=timeout)

    # -- %%imagine -----------------------------------------------------------------------------
    @line_cell_magic
    def imagine(self, line: str, cell: str | None = None) -> None:
        """Imagine a grid of 4 images. %%imagine [--wait] [--name VAR] [--timeout S] [--plain]
        [--new] [--yes] [Midjourney flags]; the cell body is the prompt (see %%imagine --help).

        ``{var}`` is replaced by a variable's value first; then a permutation (``a {red, blue}
        car``) makes one job per combination, each on its own card (``--name`` binds a list)."""
        from ..contract import InvalidRequest
        from ..contract.permutations import expand_with_values

        try:
            opts, extra = args.parse(args.imagine_parser(), line)
        except args.HelpShown:
            return None
        written = self.interpolate(args.prompt_from(extra, cell, "%%imagine"))
        try:
            combos = expand_with_values(written)
        except InvalidRequest as exc:
            raise UsageError(f"prompt: {exc}") from None
        prompts = [self.with_defaults(text) for text, _ in combos]
        self._check_prompts(prompts)
        if len(prompts) > 1:
            self._announce([values for _, values in combos], opts.yes)
        client = self.client()
        timeout = self.timeout if opts.timeout is None else opts.timeout
        if opts.plain:
            return self._plain(prompts, opts.new, timeout)
        shown, reused = [], []
        for prompt in prompts:
            card, node, since = self.start_job(
                "diffusion",
                {"text": prompt},
                functools.partial(client.diffusion, prompt),
                label="Imagine",
                prompt=prompt,
                new=opts.new,
                quiet=len(prompts) > 1,
            )
            shown.append((card, node))
            if since is not None:
                reused.append(since)
        if reused and len(prompts) > 1:
            print(_rerun.note(min(reused), count=len(reused)))
        self.settle(shown, block=self.blocking(opts.wait), name=opts.name, timeout=timeout)
        return None

    def _check_prompts(self, prompts: list[str]) -> None:
        """Check every prompt before any is sent; one line naming each bad one by position."""
        from ..client import YouchuanError
        from ..contract import InvalidRequest, check_prompt, parse_prompt

        parsed = parse_prompt(prompts[0])
        if len(prompts) == 1 and not parsed.text and not parsed.images:
            raise UsageError(
                "%%imagine: the cell body is the prompt, e.g.\n%%imagine\na red fox "
                "in snow --ar 3:2"
            )
        bad = []
        for n, prompt in enumerate(prompts, 1):
            try:
                check_prompt(prompt)
                self.client().check_request("diffusion", {"text": prompt})
            except (InvalidRequest, YouchuanError, ValueError) as exc:
                bad.append((n, prompt, exc))
        if len(prompts) == 1 and bad:
            raise UsageError(f"prompt: {bad[0][2]}")
        if bad:
            listed = "; ".join(f"#{n} {_short(p)!r}: {exc}" for n, p, exc in bad)
            raise UsageError(
                f"%%imagine: {len(bad)} of the {len(prompts)} combinations are invalid, so "
                f"none was sent (fix the option): {listed}"
            )

    def _announce(self, values: list[tuple[str, ...]], confirmed: bool) -> None:
        """Say how many jobs a permutation cell makes; above ``confirm_above`` ask for --yes."""
        n = len(values)
        groups = [list(dict.fromkeys(v[i] for v in values)) for i in range(len(values[0]))]
        varied = " × ".join("{" + ", ".join(g) + "}" for g in groups)
        if n > self.confirm_above and not confirmed:
            raise UsageError(
                f"%%imagine: this cell makes {n} jobs ({varied}), more than "
                f"ImagineMagics.confirm_above = {self.confirm_above}; nothing was sent: re-run "
                "with --yes to submit them (or use fewer options)"
            )
        print(f"This cell makes {n} jobs, one per combination of {varied}.")

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
            try:
                jobs.append(client.diffusion(prompt))
            except (YouchuanError, ValueError) as exc:
                print(f"error: {exc}", file=sys.stderr)
        for job in jobs:
            try:
                job = job.wait(timeout, raise_on_failure=False)
            except (YouchuanError, ValueError) as exc:
                print(f"error: {exc}", file=sys.stderr)
                continue
            if job.failed:
                print(f"job {job.id} failed: {job.reason or job.comment}")
                continue
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


def _short(prompt: str, size: int = 60) -> str:
    return prompt if len(prompt) <= size else prompt[: size - 1] + "…"
