"""``safetycheck audit`` and ``safetycheck resume``: the guided audit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from safetycheck import i18n
from safetycheck.cli.app import App, lang_option, pass_app
from safetycheck.errors import NoInputError, UsageError
from safetycheck.model import Area, Session


def _store(app: App, no_store: bool) -> Any:
    if no_store:
        from safetycheck.storage.vault import MemoryStore

        return MemoryStore()
    return app.vault()


def apply_answers_file(store: Any, session: Session, catalog: Any, path: Path) -> Any:
    """Record intake and answers from a file.

    The whole file is read and checked before the store is touched, so a bad file never
    creates or changes anything.
    """
    from safetycheck.answers_file import read_answers_file
    from safetycheck.runner import plan, record_action, record_answer, validate_intake

    data = read_answers_file(path)
    intake = validate_intake(catalog, data.intake)
    province = data.province or intake.get("province")
    if province:
        province = _province_id(province)
        intake["province"] = province
    items = {i.key: i for i in plan(catalog, intake, session.areas)}
    for planned in data.answers:
        if planned.key not in items:
            catalog.get(planned.key.split("@")[0])  # an unknown check has its own message
            raise UsageError("error.answers_file.not_asked", key=planned.key)
    if callable(store):
        store = store()
    session.label = data.label or session.label or f"{session.created_at[:10]} {session.id[:4]}"
    session.caseworker = data.caseworker
    session.province = province
    session.intake = intake
    session.intake_done = True
    session.safety_ack = True
    for planned in data.answers:
        rec = record_answer(session, items[planned.key], planned.answer)
        if planned.action or planned.note:
            record_action(session, rec.key, planned.action, planned.note)
    order = list(items)
    answered = [order.index(k) for k in session.answers if k in items]
    session.position = max(answered) + 1 if answered else 0
    session.state = "finished" if len(session.answers) >= len(items) else "paused"
    session.log("answers_file_applied", f"{len(data.answers)} answers")
    store.save(session)
    return store


def _province_id(text: str) -> str:
    try:
        from safetycheck.services import find_province
    except ImportError:
        return text
    return find_province(text).id


@click.command(help=i18n.t("help.audit"))
@click.option("--area", "areas", type=click.Choice([a.value for a in Area]), multiple=True,
              help=i18n.t("opt.area"))
@click.option("--answers", "answers_file", type=click.Path(path_type=Path, dir_okay=False),
              help=i18n.t("opt.answers"))
@click.option("--no-store", is_flag=True, help=i18n.t("opt.no_store"))
@click.option("--label", help=i18n.t("opt.label"))
@click.option("--no-input", "no_input", is_flag=True, help=i18n.t("opt.no_input"))
@click.option("--no-clear", "no_clear", is_flag=True, help=i18n.t("opt.no_clear"))
@click.option("--json", "as_json", is_flag=True, help=i18n.t("opt.json"))
@click.option("--adb", "adb", metavar="PATH", help=i18n.t("opt.adb"))
@click.option("--serial", metavar="SERIAL", help=i18n.t("opt.serial"))
@lang_option
@pass_app
def audit(app: App, areas: tuple[str, ...], answers_file: Path | None, no_store: bool,
          label: str | None, no_input: bool, no_clear: bool, as_json: bool, adb: str | None,
          serial: str | None) -> int:
    from safetycheck.catalog import load_catalog

    app.adb, app.serial = adb, serial
    app.no_input = app.no_input or no_input
    app.no_clear = app.no_clear or no_clear
    catalog = load_catalog()
    if answers_file is None and not app.interactive:
        raise NoInputError()
    session = Session(lang=app.lang, areas=list(areas), label=label or "")
    session.log("created", "audit")
    if answers_file is not None:
        store = apply_answers_file(lambda: _store(app, no_store), session, catalog,
                                   answers_file)
        return _report_recorded(app, store, session, catalog, as_json)

    from safetycheck.ui.audit import ask_label, guarded, run_session, safety_screen

    if not safety_screen(app):
        app.say("safety.stopped")
        return 0
    session.safety_ack = True
    store = _store(app, no_store)
    with guarded(app, store, session):
        if not session.label:
            ask_label(app, session)
        store.save(session)
    return run_session(app, store, session, catalog)


def _report_recorded(app: App, store: Any, session: Session, catalog: Any,
                     as_json: bool) -> int:
    from safetycheck.runner import plan, session_findings, severity_counts

    findings = session_findings(session, catalog)
    counts = severity_counts(findings)
    total = len(plan(catalog, session.intake, session.areas))
    if as_json:
        app.print_json({
            "schema": "safetycheck.audit/1",
            "session": session.id if getattr(store, "persistent", False) else None,
            "label": session.label,
            "state": session.state,
            "answered": len(session.answers),
            "total": total,
            "findings_by_severity": counts,
            "findings": [
                {"check_id": f.check_id, "platform": f.platform, "area": f.area.value,
                 "severity": f.severity.value, "status": f.status.value,
                 "action": f.action.value if f.action else None}
                for f in findings
            ],
        })
        return 0
    app.say("audit.recorded", answered=len(session.answers), total=total,
            label=session.label)
    for sev, n in counts.items():
        if n:
            app.say("audit.recorded.severity", severity=app.t(f"severity.{sev}"), count=n)
    app.say("summary.honest")
    if getattr(store, "persistent", False):
        app.say("summary.next_report", label=session.label)
    else:
        app.say("audit.not_stored")
    return 0


@click.command(help=i18n.t("help.resume"))
@click.argument("session_ref", metavar="[SESSION]", required=False)
@click.option("--no-clear", "no_clear", is_flag=True, help=i18n.t("opt.no_clear"))
@click.option("--adb", "adb", metavar="PATH", help=i18n.t("opt.adb"))
@click.option("--serial", metavar="SERIAL", help=i18n.t("opt.serial"))
@lang_option
@pass_app
def resume(app: App, session_ref: str | None, no_clear: bool, adb: str | None,
           serial: str | None) -> int:
    from safetycheck.catalog import load_catalog
    from safetycheck.ui.audit import run_session, safety_screen

    app.adb, app.serial = adb, serial
    app.no_clear = app.no_clear or no_clear
    app.require_interactive()
    from safetycheck.errors import SessionNotFoundError
    from safetycheck.storage.vault import vault_exists

    if not vault_exists():  # nothing saved yet: do not create a vault just to find nothing
        raise SessionNotFoundError("error.no_sessions")
    catalog = load_catalog()
    store = app.vault()
    session = store.find(session_ref)
    if session.state == "finished":
        app.say("resume.already_finished", label=session.label)
    app.say("resume.resuming", label=session.label, answered=len(session.answers))
    if not safety_screen(app):
        app.say("safety.stopped")
        return 0
    session.log("resumed")
    return run_session(app, store, session, catalog)
