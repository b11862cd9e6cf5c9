"""``safetycheck scan android``: scan a phone over adb, an AndroidQF folder, or the demo phone.

Without ``--session`` the results are only printed (kept in memory, never written); with
``--session ID`` the findings, the run and the encrypted raw outputs go into that session.
"""

from __future__ import annotations

from pathlib import Path

import click

from safetycheck import i18n
from safetycheck.cli.app import App, lang_option, pass_app
from safetycheck.errors import EXIT_DEVICE, UsageError


@click.command("android", help=i18n.t("help.scan.android"))
@click.option("--adb", "adb_path", metavar="PATH", help=i18n.t("help.scan.android.adb"))
@click.option("--serial", metavar="SERIAL", help=i18n.t("help.scan.android.serial"))
@click.option("--from-androidqf", "androidqf", metavar="FOLDER",
              type=click.Path(path_type=Path), help=i18n.t("help.scan.android.androidqf"))
@click.option("--demo", is_flag=True, help=i18n.t("help.scan.android.demo"))
@click.option("--json", "as_json", is_flag=True, help=i18n.t("help.scan.android.json"))
@click.option("--session", "session_id", metavar="ID", help=i18n.t("help.scan.android.session"))
@lang_option
@pass_app
def android(app: App, adb_path: str | None, serial: str | None, androidqf: Path | None,
            demo: bool, as_json: bool, session_id: str | None) -> int:
    from safetycheck.model import Session
    from safetycheck.probes.android import service
    from safetycheck.probes.android.indicators import builtin_set, load_indicators
    from safetycheck.storage.vault import MemoryStore
    from safetycheck.ui import android as ui

    if demo and session_id:
        raise UsageError("error.scan.demo_session")
    choose = None
    if app.interactive and not as_json:
        def choose(entries):  # type: ignore[no-untyped-def]
            return ui.choose_device(app, entries)
    transport = service.transport_for(adb_path, serial, demo=demo, androidqf=androidqf,
                                      choose=choose)
    if session_id:
        store = app.vault()
        session = store.load(session_id)
    else:
        store = MemoryStore()
        session = Session(lang=app.lang, demo=demo, label="scan")
    indicators = builtin_set() if demo else load_indicators()
    if as_json:
        result = service.scan_into_session(store, session, transport, indicators)
        app.print_json(service.result_json(result))
    else:
        with ui.progress(app, transport.source) as progress:
            result = service.scan_into_session(store, session, transport, indicators,
                                               progress=progress)
        answers = ui.show_scan(app, result)
        if result.stored and service.apply_answers(session, answers):
            store.save(session)
    return EXIT_DEVICE if result.status == "incomplete" else 0
