"""``safetycheck services``: support services and emergency numbers, by province.

``--json`` prints (schema ``safetycheck.services/1``)::

    {"schema": "safetycheck.services/1", "lang": "mn",
     "province": null | {"id": "dornod", "kind": "aimag", "name": {"mn": .., "en": ..}},
     "emergency": ["police_102", "dv_hotline_107", "child_helpline_108", "ambulance_103"],
     "services": [{"id", "name", "helps_with", "phone", "website", "address", "hours",
                   "area", "source", "checked", "verified", "note"}, ...]}

``name``, ``helps_with``, ``address``, ``hours`` and ``note`` hold both languages
(``{"mn": .., "en": ..}``) or null; ``area`` is ``national`` or a province id; ``verified`` is
false when a detail could not be confirmed against an official source. ``--provinces --json``
prints ``{"schema": "safetycheck.provinces/1", "provinces": [{"id", "kind", "name"}]}``.
"""

from __future__ import annotations

from typing import Any

import click

from safetycheck import i18n
from safetycheck.cli.app import App, lang_option, pass_app

SCHEMA = "safetycheck.services/1"
PROVINCES_SCHEMA = "safetycheck.provinces/1"


def province_dict(p: Any) -> dict[str, Any]:
    return {"id": p.id, "kind": p.kind, "name": dict(p.name)}


def wrap(text: str, width: int, indent: str = "  ") -> list[str]:
    """Wrap ``text`` to ``width`` columns with a hanging indent (no trailing spaces)."""
    import textwrap

    return textwrap.wrap(text, width=max(width, 20), initial_indent=indent,
                         subsequent_indent=indent, break_on_hyphens=False) or [indent]


def service_block(app: App, s: Any, width: int = 80) -> list[Any]:
    """The lines of one service: its name (and phone), then wrapped, indented details."""
    from rich.text import Text

    title = Text(app.pick(s.name), style="bold")
    if s.phone:
        title.append(f"  {s.phone}", style="bold")
    if not s.verified:
        title.append("  ")
        title.append(app.t("services.unverified"), style=None if app.plain else "yellow")
    lines: list[Any] = [title]
    rows = [("services.label.helps_with", app.pick(s.helps_with)),
            ("services.label.website", s.website),
            ("services.label.address", app.pick(s.address) if s.address else None),
            ("services.label.hours", app.pick(s.hours) if s.hours else None),
            ("services.label.note", app.pick(s.note) if s.note else None),
            ("services.label.source",
             app.t("services.source", url=s.source, date=s.checked))]
    for key, value in rows:
        if value:
            lines.extend(Text(line) for line in wrap(f"{app.t(key)} {value}", width))
    return lines


def print_directory(app: App, province: Any) -> None:
    from rich.text import Text

    from safetycheck.services import NATIONAL, emergency_numbers, services_for

    width = min(app.console.width, 100) - 1

    app.print(Text(app.t("services.emergency_title"), style="bold"))
    for s in emergency_numbers():
        app.print(Text(f"  {s.phone:<5}") + Text(app.pick(s.name)))
    app.print("")
    services = services_for(province.id if province else None)
    national = [s for s in services if s.area == NATIONAL]
    local = [s for s in services if s.area != NATIONAL]
    app.print(Text(app.t("services.national_title"), style="bold underline"))
    for s in national:
        app.print("")
        for part in service_block(app, s, width):
            app.print(part)
    if province is not None:
        app.print("")
        app.print(Text(app.t("services.local_title", province=app.pick(province.name)),
                       style="bold underline"))
        if not local:
            app.print("")
            for line in wrap(app.t("services.no_local"), width, ""):
                app.print(Text(line))
        for s in local:
            app.print("")
            for part in service_block(app, s, width):
                app.print(part)
    else:
        app.print("")
        for line in wrap(app.t("services.choose_province"), width, ""):
            app.print(Text(line))
    app.print("")
    for line in wrap(app.t("services.footer"), width, ""):
        app.print(Text(line))


@click.command("services", help=i18n.t("help.services"))
@click.option("--province", "province_name", metavar="NAME",
              help=i18n.t("services.opt.province"))
@click.option("--provinces", "list_provinces", is_flag=True,
              help=i18n.t("services.opt.provinces"))
@click.option("--json", "as_json", is_flag=True, help=i18n.t("services.opt.json"))
@lang_option
@pass_app
def services(app: App, province_name: str | None, list_provinces: bool, as_json: bool) -> None:
    from safetycheck.services import (
        emergency_numbers,
        find_province,
        load_provinces,
        services_for,
    )

    if list_provinces:
        provinces = load_provinces()
        if as_json:
            app.print_json({"schema": PROVINCES_SCHEMA,
                            "provinces": [province_dict(p) for p in provinces]})
            return
        from rich.text import Text

        app.print(Text(app.t("services.provinces_title"), style="bold"))
        for p in provinces:
            other = "en" if app.lang == "mn" else "mn"
            app.print(Text(f"  {p.id:<20} {app.pick(p.name)} ({p.name[other]})"))
        return
    province = find_province(province_name) if province_name is not None else None
    if as_json:
        app.print_json({
            "schema": SCHEMA,
            "lang": app.lang,
            "province": province_dict(province) if province else None,
            "emergency": [s.id for s in emergency_numbers()],
            "services": [s.to_dict() for s in services_for(province.id if province else None)],
        })
        return
    print_directory(app, province)
