"""The interactive audit: safety screen, intake, one question at a time, summary.

Every answer is saved at once. ``p`` pauses, ``q`` quick-exits (clear the screen, leave at
once), ``b`` goes back, ``h`` shows how to check. Ctrl-C saves, clears the screen, says how
to resume and exits 130; a second Ctrl-C during that exits at once.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from typing import Any

import click

from safetycheck.catalog import Catalog
from safetycheck.model import Action, AnswerKey, Area, Session, Status
from safetycheck.runner import (
    Item,
    intake_questions,
    plan,
    record_action,
    record_answer,
    session_findings,
    severity_counts,
    used_platforms,
)
from safetycheck.ui import prompts
from safetycheck.ui.prompts import Pause, QuickExit, read_line
from safetycheck.ui.render import emergency_lines, local_services_lines, panel, show_guide
from safetycheck.ui.text import esc

EXIT_INTERRUPTED = 130
ANSWER_KEYS = {
    AnswerKey.YES: ("y", "yes"),
    AnswerKey.NO: ("n", "no"),
    AnswerKey.NOT_SURE: ("?", "not sure", "ns"),
    AnswerKey.SKIP: ("s", "skip"),
}


def _exit_now(_signum: int, _frame: Any) -> None:
    os._exit(EXIT_INTERRUPTED)


def resume_hint(app: Any, session: Session, store: Any) -> None:
    if getattr(store, "persistent", False):
        app.say("audit.resume_hint", label=session.label or session.id)
    else:
        app.say("audit.not_stored")


@contextlib.contextmanager
def guarded(app: Any, store: Any, session: Session) -> Iterator[None]:
    """Turn pause, quick exit and Ctrl-C into a saved session and the right exit."""
    try:
        yield
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, _exit_now)  # a second Ctrl-C leaves at once
        session.state = "paused"
        session.log("interrupted")
        store.save(session)
        app.clear_screen()
        resume_hint(app, session, store)
        raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
    except QuickExit:
        signal.signal(signal.SIGINT, _exit_now)
        session.state = "paused"
        session.log("quick_exit")
        store.save(session)
        app.clear_screen(force=True)
        raise click.exceptions.Exit(0) from None
    except Pause:
        session.state = "paused"
        session.log("paused")
        store.save(session)
        app.console.print()
        app.say("audit.paused")
        resume_hint(app, session, store)
        raise click.exceptions.Exit(0) from None


def safety_screen(app: Any) -> bool:
    """Show the safety screen; True when the person says it is safe to go on now."""
    body = "\n".join([
        app.t("safety.intro"),
        "",
        app.t("safety.who_can_see"),
        app.t("safety.quick_exit"),
        "",
        app.t("safety.emergency"),
        *("  " + line for line in emergency_lines(app)),
        "",
        app.t("safety.services_hint"),
    ])
    panel(app, app.t("safety.title"), body, style="red")
    try:
        return prompts.confirm(app, app.t("safety.ask_continue"), default=True)
    except Pause:
        return False


def ask_label(app: Any, session: Session) -> None:
    app.say("audit.label.explain")
    text = read_line(app, app.t("audit.label.prompt") + " ")
    prompts.control_word(app, text)
    session.label = text[:80] if text else f"{session.created_at[:10]} {session.id[:4]}"


def _platform_name(app: Any, catalog: Catalog, pid: str) -> str:
    p = catalog.platforms.get(pid)
    return app.pick(p.name) if p else pid


def _option_text(app: Any, catalog: Catalog, qid: str, option: str) -> str:
    if qid == "concerns":
        return app.t(f"intake.concern.{option}")
    return _platform_name(app, catalog, option)


def run_intake(app: Any, store: Any, session: Session, catalog: Catalog) -> None:
    """Ask the intake questions not answered yet; each answer is saved at once."""
    panel(app, app.t("intake.title"), app.t("intake.explain"))
    for q in intake_questions(catalog):
        if q.id in session.intake:
            continue
        app.console.print()
        app.console.print(f"[bold]{app.t(f'intake.{q.id}.question')}[/bold]")
        if q.kind == "multi":
            for i, opt in enumerate(q.options, 1):
                app.console.print(f"  {i}) {esc(_option_text(app, catalog, q.id, opt))}")
            while True:
                text = read_line(app, app.t("intake.multi.prompt") + " ")
                prompts.control_word(app, text)
                chosen = _parse_numbers(text, len(q.options))
                if chosen is not None:
                    break
                app.say("prompt.numbers_only", max=len(q.options))
            session.intake[q.id] = [q.options[i - 1] for i in chosen]
        elif q.kind == "yesno":
            session.intake[q.id] = _ask_yes_no(app).value
        else:
            session.intake[q.id] = _ask_province(app)
            session.province = session.intake[q.id]
        store.save(session)
    session.intake_done = True
    session.log("intake_done")
    store.save(session)


def _parse_numbers(text: str, maximum: int) -> list[int] | None:
    parts = text.replace(",", " ").split()
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        return None
    if any(n < 1 or n > maximum for n in numbers):
        return None
    return list(dict.fromkeys(numbers))


def _ask_yes_no(app: Any) -> AnswerKey:
    while True:
        text = read_line(app, app.t("intake.yesno.prompt") + " ")
        prompts.control_word(app, text)
        answer = _answer_from_text(app, text)
        if answer is not None:
            return answer
        app.say("prompt.not_understood")


def _ask_province(app: Any) -> str | None:
    while True:
        text = read_line(app, app.t("intake.province.prompt") + " ")
        prompts.control_word(app, text)
        if not text:
            return None
        try:
            from safetycheck.services import find_province
        except ImportError:
            return text[:80]
        try:
            return find_province(text).id
        except Exception:  # noqa: BLE001 - an unknown name: ask again
            app.say("intake.province.unknown")


def _answer_from_text(app: Any, text: str) -> AnswerKey | None:
    word = text.strip().lower()
    for answer, words in ANSWER_KEYS.items():
        local = (app.t(f"key.{answer.value}").lower(), app.t(f"word.{answer.value}").lower())
        if word in words or word in local:
            return answer
    return None


def _progress(app: Any, items: list[Item], index: int) -> str:
    item = items[index]
    in_area = [i for i in items if i.check.area == item.check.area]
    pos_area = in_area.index(item) + 1
    return app.t("audit.progress", n=index + 1, total=len(items),
                 area=app.t(f"area.{item.check.area.value}"), k=pos_area, m=len(in_area))


def ask_item(app: Any, catalog: Catalog, items: list[Item], index: int,
             session: Session) -> str:
    """Show one question; returns an answer value, ``"back"`` or raises Pause/QuickExit."""
    item = items[index]
    check = item.check
    app.console.print()
    app.console.print(f"[dim]{esc(_progress(app, items, index))}[/dim]")
    if item.platform:
        name = esc(_platform_name(app, catalog, item.platform))
        app.console.print(f"[bold cyan]{name}[/bold cyan]")
    app.console.print(f"[bold]{esc(app.pick(check.question))}[/bold]")
    previous = session.answers.get(item.key)
    if previous:
        app.say("audit.previous_answer", answer=app.t(f"word.{previous.answer.value}"))
    app.console.print(app.t("audit.keys"))
    while True:
        text = read_line(app, "> ")
        prompts.control_word(app, text)
        word = text.strip().lower()
        if word in ("h", app.t("key.how").lower()):
            panel(app, app.t("audit.how_to_check"), esc(app.pick(check.how_to_check), 2000))
            continue
        if word in ("b", app.t("key.back").lower()):
            return "back"
        answer = _answer_from_text(app, text)
        if answer is not None:
            return answer.value
        app.say("prompt.not_understood")


def after_finding(app: Any, store: Any, session: Session, item: Item) -> None:
    """The guide for an at-risk answer, then what was done and an optional note."""
    check = item.check
    panel(app, app.t("audit.finding.title"), esc(app.pick(check.risk), 2000), style="yellow")
    text = read_line(app, app.t("audit.finding.show_guide") + " ")
    prompts.control_word(app, text)
    if text.strip().lower() not in ("n", app.t("key.no").lower()):
        show_guide(app, check)
    app.console.print(app.t("audit.action.question"))
    actions = {"1": Action.DONE, "2": Action.DEFERRED, "3": Action.NOT_WANTED}
    while True:
        text = read_line(app, app.t("audit.action.prompt") + " ")
        prompts.control_word(app, text)
        if text.strip() == "" or text.strip() in actions:
            break
        app.say("prompt.not_understood")
    action = actions.get(text.strip())
    note = read_line(app, app.t("audit.note.prompt") + " ")
    record_action(session, item.key, action, note[:2000])
    store.save(session)


def probe_done(session: Session, probe: str) -> bool:
    """True when a complete run of ``probe`` answers that probe's checks in this session."""
    return any(r.probe == probe and r.status == "complete" for r in session.probes)


def android_scanned(session: Session) -> bool:
    return probe_done(session, "android")


def offer_password_check(app: Any, store: Any, session: Session) -> None:
    """Offer the breached-password check (k-anonymity); offline, the audit goes on."""
    from safetycheck.cli.check import check_passwords, passwords_from_prompt
    from safetycheck.errors import NetworkError

    panel(app, app.t("audit.passwords.title"), app.t("audit.passwords.body"))
    text = read_line(app, app.t("audit.passwords.ask") + " ")
    prompts.control_word(app, text)
    if _answer_from_text(app, text) is not AnswerKey.YES:
        session.steps["passwords"] = "declined"
        store.save(session)
        return
    try:
        check_passwords(app, store, session, passwords_from_prompt(app, ()), app.offline)
        session.steps["passwords"] = "done"
    except NetworkError as exc:  # offline or unreachable: say so and go on with the question
        from safetycheck.ui.errors import show_error

        show_error(exc)
        session.steps["passwords"] = "failed"
        app.say("audit.passwords.goes_on")
    store.save(session)


def offer_android_scan(app: Any, store: Any, session: Session) -> None:
    """Offer to scan the connected Android phone (read-only); a failure falls back to questions."""
    from safetycheck.errors import DeviceError

    panel(app, app.t("audit.scan.title"), app.t("audit.scan.body"))
    while True:
        text = read_line(app, app.t("audit.scan.ask") + " ")
        prompts.control_word(app, text)
        answer = _answer_from_text(app, text) if text else AnswerKey.NO
        if answer in (AnswerKey.NO, AnswerKey.SKIP, AnswerKey.NOT_SURE):
            session.steps["android_scan"] = "declined"
            store.save(session)
            app.say("audit.scan.declined")
            return
        if answer is not AnswerKey.YES:
            app.say("prompt.not_understood")
            continue
        from safetycheck.probes.android import service
        from safetycheck.probes.android.indicators import load_indicators
        from safetycheck.ui import android as android_ui

        try:
            transport = service.transport_for(
                getattr(app, "adb", None), getattr(app, "serial", None),
                choose=lambda entries: android_ui.choose_device(app, entries))
            with android_ui.progress(app, transport.source) as callback:
                result = service.scan_into_session(store, session, transport,
                                                   load_indicators(), progress=callback)
        except DeviceError as exc:
            from safetycheck.ui.errors import show_error

            show_error(exc)
            app.say("audit.scan.failed")
            continue
        answers = android_ui.show_scan(app, result)
        if service.apply_answers(session, answers):
            store.save(session)
        session.steps["android_scan"] = "done"
        store.save(session)
        return


def offer_photo_scan(app: Any, store: Any, session: Session) -> None:
    """Offer to look for location in photos on this computer (read-only, offline)."""
    from pathlib import Path

    from safetycheck.cli.scan_photos import record_scan
    from safetycheck.probes.photos import iter_candidates, scan_candidates
    from safetycheck.ui.exposure import Progress, show_photo_scan

    panel(app, app.t("audit.photos.title"), app.t("audit.photos.body"))
    while True:
        text = read_line(app, app.t("audit.photos.ask") + " ")
        prompts.control_word(app, text)
        if not text:
            session.steps["photos"] = "declined"
            store.save(session)
            return
        folder = Path(text.strip().strip('"')).expanduser()
        if folder.exists():
            break
        app.say("error.path_not_found", path=str(folder))
    candidates = list(iter_candidates([folder]))
    with Progress(app, len(candidates)) as bar:
        result = scan_candidates(candidates, progress=bar.advance)
    if result.files_scanned:
        show_photo_scan(app, result, False)
    else:
        app.say("photos.no_photos")
    record_scan(store, session, result, 0)
    session.steps["photos"] = "done"
    store.save(session)


def run_questions(app: Any, store: Any, session: Session, catalog: Catalog,
                  items: list[Item]) -> None:
    index = min(session.position, len(items))
    while index < len(items):
        item = items[index]
        if (item.check.area is Area.STALKERWARE and "android" in used_platforms(session.intake)
                and not android_scanned(session) and "android_scan" not in session.steps):
            offer_android_scan(app, store, session)  # once, at the start of the area
        if item.check.probe == "passwords" and "passwords" not in session.steps:
            offer_password_check(app, store, session)
        if item.check.probe == "photos" and "photos" not in session.steps:
            offer_photo_scan(app, store, session)
        if (item.check.probe in ("android", "passwords", "photos")
                and probe_done(session, item.check.probe)):
            index += 1  # the probe answered this check
            session.position = index
            continue
        result = ask_item(app, catalog, items, index, session)
        if result == "back":
            index = max(0, index - 1)
            session.position = index
            store.save(session)
            continue
        rec = record_answer(session, item, result)
        session.position = index + 1
        store.save(session)
        if rec.status is Status.AT_RISK:
            after_finding(app, store, session, item)
        index += 1


def show_summary(app: Any, session: Session, catalog: Catalog, store: Any) -> None:
    """Closing summary: findings by severity, what to do next, and what was not checked."""
    findings = session_findings(session, catalog)
    counts = severity_counts(findings)
    lines = [app.t("summary.by_severity")]
    for sev, n in counts.items():
        lines.append(f"  {app.t(f'severity.{sev}')}: {n}")
    panel(app, app.t("summary.title"), "\n".join(lines), style="green")
    at_risk = [f for f in findings if f.status is Status.AT_RISK]
    unsure = [f for f in findings if f.status is Status.UNKNOWN]
    for title_key, group in (("summary.at_risk", at_risk), ("summary.unsure", unsure)):
        if not group:
            continue
        app.console.print(f"[bold]{app.t(title_key)}[/bold]")
        for f in group:
            check = catalog.checks.get(f.check_id)
            title = app.pick(check.title) if check else f.check_id
            where = f" ({_platform_name(app, catalog, f.platform)})" if f.platform else ""
            action = f" — {app.t(f'action.{f.action.value}')}" if f.action else ""
            app.console.print(f"  • {esc(title + where)}{esc(action)}")
    answered = len(session.answers)
    skipped = sum(1 for a in session.answers.values() if a.status is Status.SKIPPED)
    app.say("summary.counts", answered=answered, skipped=skipped)
    app.say("summary.honest")
    app.say("summary.next_guide")
    if getattr(store, "persistent", False):
        app.say("summary.next_report", label=session.label or session.id)
    help_lines = ["  " + line for line in emergency_lines(app)]
    help_lines += ["  " + esc(line) for line in local_services_lines(app, session.province)]
    panel(app, app.t("summary.help_title"), "\n".join(help_lines), style="green")
    app.say("summary.services", province=session.province or "")


def run_session(app: Any, store: Any, session: Session, catalog: Catalog) -> int:
    """Run (or resume) an interactive audit until it ends, pauses or is interrupted."""
    with guarded(app, store, session):
        session.state = "in_progress"
        if not session.intake_done:
            run_intake(app, store, session, catalog)
        items = plan(catalog, session.intake, session.areas)
        if not items:
            app.say("audit.nothing_to_ask")
        run_questions(app, store, session, catalog, items)
        session.state = "finished"
        session.log("finished")
        store.save(session)
    show_summary(app, session, catalog, store)
    return 0
