"""Make click's own help words ("Usage:", "Options", the help option) speak the user's language.

Click takes these words from gettext without a translation for Mongolian; setting the
formatter class and wrapping the help option once here translates every command's help.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from safetycheck import i18n

SECTIONS = {"Options": "help.options", "Commands": "help.commands",
            "Positional arguments": "help.arguments"}


class TranslatedFormatter(click.HelpFormatter):
    """click's formatter with translated headings."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix if prefix is not None
                            else i18n.t("help.usage") + " ")

    @contextmanager
    def section(self, name: str) -> Iterator[None]:
        with super().section(i18n.t(SECTIONS[name]) if name in SECTIONS else name):
            yield


_original_get_help_option = click.Command.get_help_option


def _translated_help_option(self: click.Command, ctx: click.Context) -> Any:
    option = _original_get_help_option(self, ctx)
    if option is not None:
        option.help = i18n.t("opt.help")
    return option


def install() -> None:
    """Apply the translations (idempotent)."""
    click.Context.formatter_class = TranslatedFormatter
    click.Command.get_help_option = _translated_help_option  # type: ignore[method-assign]
