"""``safetycheck checks``: list the catalog, validate check files (for authors and translators)."""

from __future__ import annotations

from pathlib import Path

import click

from safetycheck import i18n
from safetycheck.cli.app import App, lang_option, pass_app
from safetycheck.errors import EXIT_ERROR
from safetycheck.model import Area

CHECKS_SCHEMA = "safetycheck.checks/1"


@click.group(help=i18n.t("help.checks"))
def checks() -> None:
    pass


@checks.command("list", help=i18n.t("help.checks.list"))
@click.option("--area", type=click.Choice([a.value for a in Area]), multiple=True,
              help=i18n.t("opt.area"))
@click.option("--json", "as_json", is_flag=True, help=i18n.t("opt.json"))
@lang_option
@pass_app
def list_checks(app: App, area: tuple[str, ...], as_json: bool) -> None:
    from safetycheck.catalog import load_catalog

    catalog = load_catalog()
    selected = [c for c in catalog.checks.values() if not area or c.area.value in area]
    if as_json:
        app.print_json({
            "schema": CHECKS_SCHEMA,
            "lang": app.lang,
            "checks": [
                {
                    "id": c.id, "area": c.area.value, "severity": c.severity.value,
                    "kind": c.kind.value, "probe": c.probe, "platforms": list(c.platforms),
                    "title": app.pick(c.title), "tfgbv_forms": list(c.tfgbv_forms),
                }
                for c in selected
            ],
        })
        return
    from rich.table import Table

    from safetycheck.ui.console import box_style

    for area_value in dict.fromkeys(c.area.value for c in selected):
        table = Table(box=box_style(app.plain), title=app.t(f"area.{area_value}"),
                      title_justify="left", expand=False)
        table.add_column(app.t("checks.col.id"), no_wrap=True, max_width=34)
        table.add_column(app.t("checks.col.severity"), no_wrap=True)
        table.add_column(app.t("checks.col.title"), ratio=1)
        for c in selected:
            if c.area.value == area_value:
                table.add_row(c.id, app.t(f"severity.{c.severity.value}"), app.pick(c.title))
        app.print(table)
    app.say("checks.count", count=len(selected))


@checks.command("validate", help=i18n.t("help.checks.validate"))
@click.argument("path", required=False, type=click.Path(path_type=Path))
@lang_option
@pass_app
def validate(app: App, path: Path | None) -> int:
    from safetycheck.catalog import data_dir, validate_path

    target = path or Path(str(data_dir("checks")))
    count, problems = validate_path(target)
    for p in problems:
        detail = app.t(p.problem) + (f" ({p.value})" if p.value else "")
        app.say("checks.problem", wrap=False, file=p.file, field=p.field, problem=detail)
    if problems:
        app.say("checks.invalid", count=len(problems), files=count)
        raise click.exceptions.Exit(EXIT_ERROR)
    app.say("checks.valid", files=count)
    return 0
