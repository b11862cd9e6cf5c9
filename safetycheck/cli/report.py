"""``safetycheck report``: write the caseworker report of a session (HTML, Markdown or JSON).

Where it goes: ``-o FILE`` (a folder puts the default name inside it), ``-o -`` prints to
stdout, and without ``-o`` the report is written to ``safetycheck-report-<id>.<ext>`` in the
current folder — never to the terminal by default, so a sensitive document is not left in a
scroll-back buffer or a shared terminal log by accident. Files are mode 0600.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from safetycheck import i18n
from safetycheck.cli.app import App, lang_option, pass_app


def find_session(app: App, ident: str | None) -> Any:
    """A session by id, label or id prefix; without ``ident``, the most recently updated.

    Checks first that a vault exists, so asking for a report never creates one.
    """
    from safetycheck.errors import SessionNotFoundError, UsageError
    from safetycheck.storage.vault import vault_exists

    if not vault_exists():
        raise UsageError("report.error.no_sessions")
    try:
        return app.vault().find(ident or None)
    except SessionNotFoundError as exc:
        if not ident and exc.key == SessionNotFoundError.key:
            raise UsageError("report.error.no_sessions") from None
        raise


def output_path(output: str | None, default_name: str) -> Path | None:
    """Where to write: ``None`` for stdout (``-o -``), a folder gets ``default_name`` inside."""
    if output == "-":
        return None
    if not output:
        return Path.cwd() / default_name
    path = Path(output).expanduser()
    return path / default_name if path.is_dir() else path


def write_sensitive(app: App, path: Path, data: bytes, what: str) -> None:
    """Write ``data`` with mode 0600 and tell the user it is sensitive and where it is."""
    from safetycheck.errors import DataError
    from safetycheck.storage.paths import secure_output_file

    try:
        secure_output_file(path, data)
    except OSError as exc:
        raise DataError("report.error.write", path=str(path),
                        detail=exc.strerror or type(exc).__name__) from None
    app.say("report.cli.written", what=app.t(what), path=str(path.resolve()))
    app.warn("report.cli.sensitive")


@click.command(help=i18n.t("help.report"))
@click.argument("session", required=False, metavar="[SESSION]")
@click.option("--format", "fmt", type=click.Choice(["html", "md", "json"]), default="html",
              show_default=True, help=i18n.t("report.opt.format"))
@click.option("-o", "--output", metavar="FILE", help=i18n.t("report.opt.output"))
@click.option("--include-locations", is_flag=True, help=i18n.t("report.opt.include_locations"))
@click.option("--caseworker", metavar="NAME", help=i18n.t("report.opt.caseworker"))
@lang_option
@pass_app
def report(app: App, session: str | None, fmt: str, output: str | None,
           include_locations: bool, caseworker: str | None) -> None:
    from safetycheck.catalog import load_catalog
    from safetycheck.report import render
    from safetycheck.report.model import build_report

    found = find_session(app, session)
    built = build_report(found, load_catalog(), app.lang, include_locations=include_locations,
                         caseworker=caseworker)
    text = render(built, fmt)
    path = output_path(output, f"safetycheck-report-{found.id}.{fmt}")
    if path is None:
        app.warn("report.cli.sensitive")
        click.echo(text, nl=False)
        return
    write_sensitive(app, path, text.encode("utf-8"), "report.cli.what_report")
    if include_locations:
        app.warn("report.cli.locations_included")
