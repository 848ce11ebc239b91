"""``%youchuan help``: every magic and subcommand in one screen, in the catalogue's language
(the usage lines come from the parsers themselves, so they cannot drift from what is parsed)."""

from __future__ import annotations

from ..i18n import t
from ._magic_args import index_range, subcommand_usages


def help_text() -> str:
    from ..contract import enum_names
    from ..contract.prompt import MOTIONS
    from ._session import Settings

    settings = ", ".join(Settings.class_trait_names(config=True))  # every one, as declared
    res = "|".join(enum_names("video_diffusion", "videoType"))
    low, high = index_range("upscale", "imageNo")
    lines = [
        t("magics.help.title"),
        "  %%imagine [--wait] [--name VAR] [--timeout S] [--plain] [--new] [--yes] [MJ flags]",
        f"      <prompt>                 {t('magics.help.prompt')}",
        f"      a {{red, blue}} car        {t('magics.help.permutation')}",
        f"  %imagine [--wait] ... <prompt>   {t('magics.help.one_line')}",
        f"  %%animate / %animate [--from JOB[:N]] [--resolution {res}] "
        f"[--motion {'|'.join(MOTIONS)}] [--wait] [--name VAR] [--new] [--yes]",
        f"      [prompt]                 {t('magics.help.animate', low=low, high=high)}",
        f"  {t('magics.help.subcommands')}",
        *("      " + u for u in subcommand_usages()),
        "  " + t("magics.help.job_ref", low=low, high=high),
        "  " + t("magics.help.rerun"),
        "  " + t("magics.help.tab"),
        "  " + t("magics.help.settings", names=settings),
        "  " + t("magics.help.language"),
    ]
    return "\n".join(lines)
