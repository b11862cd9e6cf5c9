"""The root ``safetycheck`` group: global options, lazy sub-commands, error handling.

Sub-command modules are imported only when their command runs, so ``safetycheck --help``
imports neither rich, requests, yaml nor cryptography (see ``benchmarks/startup.py``).
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from safetycheck import __version__, i18n
from safetycheck.cli import clickfix
from safetycheck.cli.app import App
from safetycheck.cli.commands import COMMANDS
from safetycheck.cli.fasthelp import ROOT_OPTIONS
from safetycheck.errors import EXIT_INTERRUPTED, SafetycheckError, UsageError
from safetycheck.ui.errors import show_error

clickfix.install()


class LazyGroup(click.Group):
    """A group whose commands are imported on first use, with translated short help."""

    def __init__(self, *args: Any, lazy: dict[str, tuple[str, str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.lazy)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.lazy:
            return None
        from importlib import import_module

        module, attr, _ = self.lazy[cmd_name]
        return getattr(import_module(module), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, i18n.t(self.lazy[name][2])) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section(i18n.t("help.commands")):
                formatter.write_dl(rows)


def _set_lang(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None and i18n.normalize_lang(value) is None:
        raise UsageError("error.unknown_lang", lang=value, langs=", ".join(i18n.LANGS))
    i18n.set_lang(i18n.resolve_lang(value))
    return value


@click.group(
    cls=LazyGroup,
    lazy=COMMANDS,
    invoke_without_command=True,
    help=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 80},
)
# Help texts are filled in per run, in the user's language (_translate_root_help).
@click.option("--lang", metavar="mn|en", callback=_set_lang, is_eager=True)
@click.option("--plain", is_flag=True)
@click.option("--offline", is_flag=True)
@click.option("--no-input", "no_input", is_flag=True)
@click.option("--no-clear", "no_clear", is_flag=True)
@click.option("-v", "--verbose", count=True)
@click.version_option(__version__, "--version", prog_name="safetycheck")
@click.pass_context
def cli(ctx: click.Context, lang: str | None, plain: bool, offline: bool, no_input: bool,
        no_clear: bool, verbose: int) -> None:
    if verbose:
        setup_logging(verbose)
    app = App(lang=lang, plain=plain, offline=offline, no_input=no_input, no_clear=no_clear)
    ctx.obj = app
    if ctx.invoked_subcommand is None:
        from safetycheck.cli.menu import run_menu

        run_menu(ctx, app)


def setup_logging(verbosity: int) -> None:
    """Log to stderr: -v for INFO, -vv for DEBUG. Log records never carry answers, notes,
    passwords, e-mail addresses or keys: only ids, counts and what was done."""
    import logging

    logging.basicConfig(level=logging.DEBUG if verbosity > 1 else logging.INFO,
                        format="safetycheck: %(levelname)s %(name)s: %(message)s")


def _translate_root_help() -> None:
    """Fill in the translated help texts from the table the fast help uses too."""
    cli.help = i18n.t("help.root")
    by_flag = {flag.strip(): key for flags, _, key in ROOT_OPTIONS for flag in flags.split(",")}
    for param in cli.params:
        for opt in getattr(param, "opts", []):
            if opt in by_flag and isinstance(param, click.Option):
                param.help = i18n.t(by_flag[opt])


def _lang_from_argv(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def _show_click_error(exc: click.ClickException) -> int:
    """Click's own usage errors, in the user's language where we know them."""
    from safetycheck.ui.text import clean

    if isinstance(exc, click.NoSuchOption):
        msg = i18n.t("error.no_such_option", option=clean(exc.option_name))
    elif isinstance(exc, click.BadParameter | click.MissingParameter):
        name = exc.param.get_error_hint(exc.ctx) if exc.param and exc.ctx else ""  # type: ignore[arg-type]
        msg = i18n.t("error.bad_parameter", param=clean(name), detail=clean(exc.format_message()))
    elif isinstance(exc, click.UsageError) and "No such command" in exc.message:
        msg = i18n.t("error.no_such_command", detail=clean(exc.message))
    else:
        msg = clean(exc.format_message())
    click.echo(i18n.t("error.prefix") + " " + msg, err=True)
    click.echo(i18n.t("error.see_help"), err=True)
    return exc.exit_code


def run(argv: list[str] | None = None) -> int:
    """Run the CLI; the single place that turns exceptions into messages and exit codes."""
    args = list(sys.argv[1:] if argv is None else argv)
    i18n.set_lang(i18n.resolve_lang(_lang_from_argv(args)))  # an unknown one falls back
    _translate_root_help()
    try:
        rv = cli.main(args=args, prog_name="safetycheck", standalone_mode=False)
    except SafetycheckError as exc:
        show_error(exc)
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort:
        click.echo("", err=True)
        return EXIT_INTERRUPTED
    except click.ClickException as exc:
        return _show_click_error(exc)
    except KeyboardInterrupt:
        click.echo("", err=True)
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - last-resort guard, never shows local variables
        if os.environ.get("SAFETYCHECK_DEBUG") == "1":
            raise
        click.echo(i18n.t("error.unexpected", kind=type(exc).__name__), err=True)
        click.echo(i18n.t("error.unexpected.hint"), err=True)
        return 1
    if isinstance(rv, int):
        return rv
    return 0


__all__ = ["cli", "run"]
