"""The first screen for someone who just types ``safetycheck``: a short menu."""

from __future__ import annotations

import click

from safetycheck.cli.app import App

CHOICES = ("audit", "resume", "demo", "guide", "services", "help")


def run_menu(ctx: click.Context, app: App) -> None:
    """Show the menu in a terminal; without one, print the help (never wait for input)."""
    if not app.interactive:
        click.echo(ctx.get_help())
        return
    from safetycheck.ui.prompts import Pause, read_line
    from safetycheck.ui.render import panel

    lines = [app.t("menu.intro"), ""]
    lines += [f"  {i}) {app.t(f'menu.{name}')}" for i, name in enumerate(CHOICES, 1)]
    lines += ["", app.t("menu.emergency")]
    panel(app, "safetycheck", "\n".join(lines))
    try:
        text = read_line(app, app.t("menu.prompt") + " ")
    except Pause:
        return
    if not text.isdigit() or not 1 <= int(text) <= len(CHOICES):
        if text.lower() in ("q", "", app.t("key.quick_exit")):
            return
        app.say("prompt.not_understood")
        return
    choice = CHOICES[int(text) - 1]
    root = ctx.command
    if choice == "help":
        click.echo(ctx.get_help())
        return
    if choice == "guide":
        ctx.invoke(root.get_command(ctx, "checks").get_command(ctx, "list"))  # type: ignore[union-attr]
        app.say("menu.guide_hint")
        return
    cmd = root.get_command(ctx, choice)  # type: ignore[attr-defined]
    ctx.exit(ctx.invoke(cmd) or 0)
