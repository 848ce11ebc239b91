"""``python -m youchuan_nb [PROMPT] [--out DIR]``: imagine one grid and save its four images.
``python -m youchuan_nb doctor [--job]``: check the configured service step by step.

Uses the service when YOUCHUAN_APP_ID and YOUCHUAN_SECRET are set, otherwise the built-in
simulator, so a newcomer gets four images on disk with no account.
"""

from __future__ import annotations

import sys

from .i18n import ArgumentParser, t


def doctor(argv: list[str]) -> int:
    parser = ArgumentParser(
        prog="python -m youchuan_nb doctor", description=t("cli.doctor.description")
    )
    parser.add_argument("--job", action="store_true", help=t("cli.doctor.job"))
    parser.add_argument("--timeout", type=float, default=600.0, help=t("cli.timeout"))
    args = parser.parse_args(argv)

    from .client import run_doctor

    report = run_doctor(job=args.job, timeout=args.timeout)
    print(report)
    return 0 if report.ok else 1


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["doctor"]:
        return doctor(argv[1:])
    parser = ArgumentParser(prog="python -m youchuan_nb", description=t("cli.description"))
    parser.add_argument(
        "prompt",
        nargs="?",
        default="a lighthouse on a cliff at dawn, oil painting --ar 3:2 --v 7",
        help=t("cli.prompt"),
    )
    parser.add_argument("--out", default="out/first-grid", help=t("cli.out"))
    parser.add_argument("--timeout", type=float, default=300.0, help=t("cli.timeout"))
    args = parser.parse_args(argv)

    from . import Client, YouchuanError

    try:
        client = Client()
        where = t("cli.simulator") if client.simulator is not None else client.base_url
        print(t("cli.imagining", where=where, prompt=args.prompt))
        job = client.imagine(args.prompt).wait(args.timeout)
        paths = job.download(args.out)
    except (YouchuanError, ValueError) as exc:
        print(t("cli.error", error=exc), file=sys.stderr)
        return 1
    print(t("cli.saved", id=job.id, n=len(paths)))
    for path in paths:
        print(f"  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
