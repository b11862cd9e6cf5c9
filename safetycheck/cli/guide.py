"""``safetycheck guide CHECK_ID``: show a remediation guide in the terminal."""

from __future__ import annotations

import click

from safetycheck import i18n
from safetycheck.cli.app import App, lang_option, pass_app


@click.command(help=i18n.t("help.guide"))
@click.argument("check_id")
@lang_option
@pass_app
def guide(app: App, check_id: str) -> None:
    from safetycheck.catalog import load_catalog
    from safetycheck.ui.render import show_guide

    catalog = load_catalog()
    check = catalog.get(check_id)
    show_guide(app, check)
