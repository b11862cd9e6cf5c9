"""``safetycheck demo``: a training walk-through on a fictional person and phone; stores nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from safetycheck import i18n
from safetycheck.cli.app import App, lang_option, pass_app
from safetycheck.model import AnswerKey, Area, Session, Status

# The fictional case (see docs/DEMO.md): Saraa, 29, Darkhan-Uul.
DEMO_INTAKE: dict[str, Any] = {
    "concerns": ["stalkerware", "location", "accounts"],
    "devices": ["android"],
    "platforms": ["facebook", "google", "operator"],
    "lives_with": "no",
    "physical_access": "yes",
    "knows_passwords": "yes",
    "manages_phone_plan": "yes",
    "shares_accounts": "no",
    "children_devices": "yes",
    "legal_case": "not_sure",
    "province": "darkhan_uul",
}


def demo_answer(check: Any, rank_in_area: int) -> AnswerKey:
    """Scripted answers: the first two items of each area are at risk, the third unsure."""
    wanted = Status.AT_RISK if rank_in_area < 2 else (
        Status.UNKNOWN if rank_in_area == 2 else Status.OK)
    for key, status in check.answers.items():
        if status is wanted:
            return AnswerKey(key)
    return AnswerKey.NOT_SURE


def build_demo_session(catalog: Any, lang: str) -> Session:
    """The demo session, answered by script (pure: nothing is stored)."""
    from safetycheck.model import Action
    from safetycheck.runner import plan, record_action, record_answer

    session = Session(label=i18n.t("demo.label", lang), lang=lang, demo=True,
                      province=DEMO_INTAKE["province"], intake=dict(DEMO_INTAKE),
                      intake_done=True, safety_ack=True)
    seen: dict[Area, int] = {}
    for item in plan(catalog, session.intake):
        if item.check.probe == "android":
            continue  # the simulated phone scan answers these, as in a real audit
        rank = seen.get(item.check.area, 0)
        seen[item.check.area] = rank + 1
        rec = record_answer(session, item, demo_answer(item.check, rank))
        if rec.status is Status.AT_RISK:
            record_action(session, rec.key, Action.DEFERRED if rank == 0 else Action.DONE,
                          i18n.t("demo.note", lang))
    session.position = len(session.answers)
    session.state = "finished"
    return session


def _step(app: App, step: bool) -> None:
    if step:
        from safetycheck.ui.prompts import wait_enter

        wait_enter(app, "demo.press_enter")


def run_demo_scan(app: App, store: Any, session: Session) -> None:
    """The simulated Android phone, through the same code path as a real scan."""
    from safetycheck.probes.android.demo_phone import DemoPhone
    from safetycheck.probes.android.indicators import builtin_set
    from safetycheck.probes.android.service import scan_into_session
    from safetycheck.ui.android import show_scan

    result = scan_into_session(store, session, DemoPhone(), builtin_set())
    show_scan(app, result, ask=False)


@click.command(help=i18n.t("help.demo"))
@click.option("--no-input", "no_input", is_flag=True, help=i18n.t("opt.no_input"))
@click.option("--report", "report_path", type=click.Path(path_type=Path, dir_okay=False),
              help=i18n.t("opt.demo_report"))
@lang_option
@pass_app
def demo(app: App, no_input: bool, report_path: Path | None) -> int:
    from safetycheck.catalog import load_catalog
    from safetycheck.storage.vault import MemoryStore
    from safetycheck.ui.audit import show_summary
    from safetycheck.ui.prompts import Pause, QuickExit
    from safetycheck.ui.render import emergency_lines, panel, show_guide

    app.no_input = app.no_input or no_input
    step = app.interactive
    catalog = load_catalog()
    store = MemoryStore()  # the demo never writes to disk
    session = build_demo_session(catalog, app.lang)
    store.save(session)
    try:
        panel(app, app.t("demo.title"), app.t("demo.intro"), style="magenta")
        _step(app, step)
        panel(app, app.t("safety.title"), "\n".join(
            [app.t("safety.intro"), "", app.t("safety.emergency"),
             *("  " + line for line in emergency_lines(app))]), style="red")
        _step(app, step)
        panel(app, app.t("demo.intake.title"), app.t("demo.intake.body"))
        _step(app, step)
        first_risk = next((a for a in session.answers.values() if a.status is Status.AT_RISK),
                          None)
        if first_risk is not None:
            check = catalog.get(first_risk.check_id)
            app.say("demo.question_example")
            app.console.print(f"[bold]{app.pick(check.question)}[/bold]")
            app.say("demo.answer_example", answer=app.t(f"word.{first_risk.answer.value}"))
            show_guide(app, check)
            _step(app, step)
        panel(app, app.t("demo.scan.title"), app.t("demo.scan.body"))
        run_demo_scan(app, store, session)
        _step(app, step)
        show_summary(app, session, catalog, store)
        if report_path is not None:
            _write_report(app, session, catalog, report_path)
        app.say("demo.end")
    except Pause:
        app.clear_screen()
    except QuickExit:
        app.clear_screen(force=True)
    return 0


def _write_report(app: App, session: Session, catalog: Any, path: Path) -> None:
    try:
        from safetycheck.report import render_report
    except ImportError:
        app.say("demo.report_unavailable")
        return
    from safetycheck.storage.paths import secure_output_file

    fmt = {".md": "md", ".json": "json"}.get(path.suffix.lower(), "html")
    secure_output_file(path, render_report(session, catalog, fmt, app.lang).encode("utf-8"))
    app.say("demo.report_written", path=str(path))
