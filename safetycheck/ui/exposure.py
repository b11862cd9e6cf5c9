"""Show the results of the exposure probes: breached passwords, breached accounts, photos.

Everything that came from outside (account labels the person typed, breach titles and data
kinds from the service, file names, camera models) is escaped before it is printed.
Coordinates are shown only when asked for: a shelter's location must not appear on a
screen someone else may see.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from safetycheck import i18n
from safetycheck.ui.text import esc


def class_label(app: Any, name: str) -> str:
    """An HIBP data class in the person's language; unknown classes as given, escaped."""
    from safetycheck.probes.breaches import class_slug

    key = f"breach.class.{class_slug(name)}"
    if key in i18n.load_catalog():
        return app.t(key)
    return esc(name, 100)


def show_password_result(app: Any, label: str, count: int) -> None:
    if count > 0:
        app.say("check.password.found", style=None if app.plain else "bold red",
                label=label, count=f"{count:,}".replace(",", " "))
    else:
        app.say("check.password.not_found", label=label)


def show_breaches(app: Any, shown_account: str, breaches: Sequence[Any]) -> None:
    """Each breach with its date and the kinds of data exposed, then advice per kind."""
    from safetycheck.probes.breaches import advice_topics

    if not breaches:
        app.say("check.email.none", address=shown_account)
        return
    app.say("check.email.found", style=None if app.plain else "bold red",
            address=shown_account, count=len(breaches))
    kinds: list[str] = []
    for breach in sorted(breaches, key=lambda b: b.date, reverse=True):
        app.print("")
        date = breach.date or app.t("check.email.unknown_date")
        line = app.t("check.email.breach", title=esc(breach.title, 120), date=esc(date, 32))
        if not breach.verified:
            line += " " + app.t("check.email.unverified")
        app.print(line, style=None if app.plain else "bold")
        if breach.data_classes:
            labels = ", ".join(class_label(app, c) for c in breach.data_classes)
            app.print("  " + app.t("check.email.classes", classes=labels))
        kinds.extend(breach.data_classes)
    topics = advice_topics(kinds)
    if topics:
        app.print("")
        app.say("check.email.advice_title", style=None if app.plain else "bold")
        from rich.table import Table

        grid = Table.grid(padding=(0, 1))  # a hanging indent for each wrapped item
        grid.add_column(no_wrap=True)
        grid.add_column()
        for topic in topics:
            grid.add_row("-", app.t(f"breach.advice.{topic}"))
        app.print(grid)


def _coords(lat: float, lon: float) -> str:
    return f"{lat:.6f}, {lon:.6f}"


def show_photo_scan(app: Any, result: Any, show_location: bool) -> None:
    """The scan summary, the photos with a location (a table), the files not checked."""
    from rich.table import Table

    from safetycheck.ui.console import box_style

    app.say("photos.summary", count=result.files_scanned)
    located = result.with_location
    if located:
        app.say("photos.with_location", style=None if app.plain else "bold red",
                count=len(located))
        table = Table(box=box_style(app.plain))
        for col in ("file", "time", "camera", "location"):
            table.add_column(app.t(f"photos.col.{col}"), overflow="fold",
                             no_wrap=col == "location")
        for item in located:
            meta = item.meta
            camera = " ".join(p for p in (meta.make, meta.model) if p)
            if meta.make and meta.model and meta.model.lower().startswith(meta.make.lower()):
                camera = meta.model
            where = (_coords(meta.lat, meta.lon) if show_location
                     else app.t("photos.location.hidden"))
            if meta.gps_source == "xmp":
                where += " " + app.t("photos.location.xmp")
            table.add_row(esc(item.path), esc(meta.time or "-", 40), esc(camera or "-", 80),
                          where)
        app.print(table)
        if not show_location:
            app.say("photos.location.hint")
        app.say("photos.advice")
    elif result.files_scanned:
        app.say("photos.none_with_location")
    if result.unreadable:
        app.warn("photos.unreadable", count=len(result.unreadable))
        for item in result.unreadable:
            app.warn("photos.unreadable_item", file=item.path, reason=app.t(item.reason))
    if result.other_files:
        app.say("photos.other_files", count=result.other_files)
    if result.files_scanned:
        app.say("photos.limits")


def show_strip_result(app: Any, folder: str, written: int,
                      failed: Sequence[tuple[str, str]]) -> None:
    app.say("photos.strip.done", count=written, folder=folder)
    if written:
        app.say("photos.strip.note")
    if failed:
        app.warn("photos.strip.failed_title", count=len(failed))
        for path, reason in failed:
            app.warn("photos.unreadable_item", file=path, reason=app.t(reason))


class Progress:
    """A progress bar on stderr, only in a terminal and only for large folders."""

    def __init__(self, app: Any, total: int, threshold: int = 200) -> None:
        import sys

        self._bar: Any = None
        self._task: Any = None
        try:
            tty = sys.stderr.isatty()
        except (AttributeError, ValueError):
            tty = False
        if tty and total >= threshold:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self._bar = Progress(TextColumn("{task.description}"), BarColumn(),
                                 MofNCompleteColumn(), console=app.err_console,
                                 transient=True)
            self._task = self._bar.add_task(app.t("photos.progress"), total=total)

    def __enter__(self) -> Progress:
        if self._bar is not None:
            self._bar.start()
        return self

    def advance(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, n)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
