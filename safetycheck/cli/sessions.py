"""``safetycheck sessions``: list, show, delete and restore saved audits."""

from __future__ import annotations

import click

from safetycheck import i18n
from safetycheck.cli.app import App, lang_option, pass_app
from safetycheck.errors import EXIT_ERROR


@click.group(help=i18n.t("help.sessions"))
def sessions() -> None:
    pass


@sessions.command("list", help=i18n.t("help.sessions.list"))
@click.option("--json", "as_json", is_flag=True, help=i18n.t("opt.json"))
@lang_option
@pass_app
def list_sessions(app: App, as_json: bool) -> int:
    from safetycheck.model import Session
    from safetycheck.storage.vault import Damaged, vault_exists

    if not vault_exists():
        entries: list = []
    else:
        entries = list(app.vault().scan())
    good = sorted((e for e in entries if isinstance(e, Session)),
                  key=lambda s: s.updated_at, reverse=True)
    damaged = [e for e in entries if isinstance(e, Damaged)]
    if as_json:
        app.print_json({
            "schema": "safetycheck.sessions/1",
            "sessions": [{"id": s.id, "label": s.label, "state": s.state,
                          "created_at": s.created_at, "updated_at": s.updated_at,
                          "answers": len(s.answers)} for s in good],
            "damaged": [{"id": d.id, "file": d.file, "has_backup": d.has_backup}
                        for d in damaged],
        })
        return EXIT_ERROR if damaged else 0
    if not good and not damaged:
        app.say("sessions.none")
        return 0
    from rich.table import Table

    from safetycheck.ui.console import box_style
    from safetycheck.ui.text import esc

    table = Table(box=box_style(app.plain))
    for col in ("id", "label", "state", "answers", "updated"):
        table.add_column(app.t(f"sessions.col.{col}"))
    for s in good:
        table.add_row(s.id, esc(s.label), app.t(f"state.{s.state}"), str(len(s.answers)),
                      s.updated_at.replace("T", " ").rstrip("Z"))
    app.print(table)
    for d in damaged:
        app.warn("error.corrupt_session", file=d.file, session=d.id)
        if d.has_backup:
            app.warn("error.corrupt_session.hint", session=d.id)
    return EXIT_ERROR if damaged else 0


@sessions.command("show", help=i18n.t("help.sessions.show"))
@click.argument("session_ref", metavar="SESSION")
@click.option("--json", "as_json", is_flag=True, help=i18n.t("opt.json"))
@lang_option
@pass_app
def show(app: App, session_ref: str, as_json: bool) -> None:
    from safetycheck.catalog import load_catalog
    from safetycheck.ui.audit import show_summary
    from safetycheck.ui.text import esc

    session = app.vault().find(session_ref)
    if as_json:
        app.print_json(session.to_dict())
        return
    app.say("sessions.show.header", label=session.label, id=session.id,
            state=app.t(f"state.{session.state}"), created=session.created_at)
    if session.intake:
        for key, value in session.intake.items():
            shown = ", ".join(value) if isinstance(value, list) else str(value)
            app.console.print(f"  {esc(key)}: {esc(shown)}")
    show_summary(app, session, load_catalog(), app.vault())


@sessions.command("delete", help=i18n.t("help.sessions.delete"))
@click.argument("session_ref", metavar="SESSION")
@click.option("--yes", is_flag=True, help=i18n.t("opt.yes"))
@lang_option
@pass_app
def delete(app: App, session_ref: str, yes: bool) -> None:
    vault = app.vault()
    try:
        session = vault.find(session_ref)
        sid, label = session.id, session.label
    except Exception:  # noqa: BLE001 - a damaged session can still be deleted by id
        if session_ref not in vault.ids():
            raise
        sid, label = session_ref, session_ref
    if not yes and not app.confirm("sessions.delete.confirm", label=label):
        app.say("sessions.delete.kept")
        return
    removed = vault.delete(sid)
    app.say("sessions.delete.done", label=label, count=len(removed))


@sessions.command("restore", help=i18n.t("help.sessions.restore"))
@click.argument("session_id", metavar="SESSION")
@lang_option
@pass_app
def restore(app: App, session_id: str) -> None:
    session = app.vault().restore(session_id)
    app.say("sessions.restore.done", label=session.label, answers=len(session.answers))
