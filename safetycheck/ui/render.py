"""Render guides, the safety screen, questions and summaries for the terminal."""

from __future__ import annotations

import re
from typing import Any

from safetycheck.model import Check

EMERGENCY_FALLBACK = (("102", "emergency.police"), ("107", "emergency.dv_hotline"),
                      ("108", "emergency.child"), ("103", "emergency.ambulance"))


def markdown_to_plain(md: str) -> str:
    """Markdown as plain text for screen readers and ``--plain``: no markers, no boxes."""
    lines = []
    for line in md.splitlines():
        line = re.sub(r"^#{1,6}\s*", "", line)
        line = re.sub(r"^>\s?", "", line)
        line = line.replace("**", "").replace("__", "")
        line = re.sub(r"(?<!\w)\*(\S[^*]*?)\*(?!\w)", r"\1", line)
        line = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"\1 (\2)", line)
        line = line.replace("`", "")
        lines.append(line.rstrip())
    return "\n".join(lines).strip() + "\n"


def show_markdown(app: Any, md: str) -> None:
    if app.plain:
        import click

        click.echo(markdown_to_plain(md))
        return
    from rich.markdown import Markdown

    app.print(Markdown(md, hyperlinks=False))


def show_guide(app: Any, check: Check) -> None:
    from safetycheck.catalog import guide_text

    show_markdown(app, guide_text(check.id, app.lang))
    app.say("guide.more", check_id=check.id)


def emergency_lines(app: Any) -> list[str]:
    """Emergency numbers from the services directory, or the built-in four."""
    try:
        from safetycheck.services import emergency_numbers

        return [f"{s.phone} — {app.pick(s.name)}" for s in emergency_numbers()]
    except Exception:  # noqa: BLE001 - the safety screen must never fail
        return [f"{num} — {app.t(key)}" for num, key in EMERGENCY_FALLBACK]


def panel(app: Any, title: str, body: str, style: str = "cyan") -> None:
    """A titled block: a box in colour mode, plain lines in plain mode."""
    if app.plain:
        import click

        click.echo(f"== {title} ==")
        click.echo(body)
        click.echo("")
        return
    from rich.panel import Panel

    from safetycheck.ui.console import box_style

    app.print(Panel(body, title=title, title_align="left", box=box_style(False),
                    border_style=style, width=min(80, app.console.width)))


def local_services_lines(app: Any, province: str | None, limit: int = 8) -> list[str]:
    """Support services with a phone or website for the session's province (local ones
    first, then national), each marked when it is not verified. Never fails: the summary
    must always end with somewhere to turn."""
    try:
        from safetycheck.services import emergency_numbers, services_for

        emergency = {s.id for s in emergency_numbers()}
        found = [s for s in services_for(province) if s.id not in emergency
                 and (s.phone or s.website or s.area != "national")]
    except Exception:  # noqa: BLE001
        return []
    found.sort(key=lambda s: s.area == "national")  # the province's own first
    lines = []
    for s in found[:limit]:
        contact = s.phone or s.website or app.t("summary.no_contact")
        mark = "" if s.verified else " " + app.t("summary.unverified")
        lines.append(f"{app.pick(s.name)}: {contact}{mark}")
    return lines
