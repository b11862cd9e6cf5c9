"""``safetycheck indicators``: update or inspect the stalkerware indicator lists (Echap)."""

from __future__ import annotations

from pathlib import Path

import click

from safetycheck import i18n
from safetycheck.cli.app import App, lang_option, pass_app
from safetycheck.errors import OfflineError


@click.group("indicators", help=i18n.t("help.indicators"))
def indicators() -> None:
    pass


@indicators.command("update", help=i18n.t("help.indicators.update"))
@click.option("--from", "source", metavar="PATH", type=click.Path(path_type=Path),
              help=i18n.t("help.indicators.update.from"))
@click.option("--json", "as_json", is_flag=True, help=i18n.t("help.indicators.json"))
@lang_option
@pass_app
def update(app: App, source: Path | None, as_json: bool) -> None:
    from safetycheck.probes.android import indicators as ind
    from safetycheck.probes.android.findings import signals
    from safetycheck.ui import android as ui

    if source is not None:
        result = ind.import_from_folder(source)
    else:
        if app.offline:
            raise OfflineError()
        if not as_json:
            app.warn("indicators.update.downloading")
        result = ind.update_from_github()
    max_age = int(signals()["indicator_max_age_days"])
    if as_json:
        app.print_json({**result.indicators.info(max_age=max_age), "changed": result.changed})
    else:
        ui.show_indicator_update(app, result, max_age)


@indicators.command("info", help=i18n.t("help.indicators.info"))
@click.option("--json", "as_json", is_flag=True, help=i18n.t("help.indicators.json"))
@lang_option
@pass_app
def info(app: App, as_json: bool) -> None:
    from safetycheck.probes.android.findings import signals
    from safetycheck.probes.android.indicators import load_indicators
    from safetycheck.ui import android as ui

    data = load_indicators().info(max_age=int(signals()["indicator_max_age_days"]))
    if as_json:
        app.print_json(data)
    else:
        ui.show_indicator_info(app, data)
