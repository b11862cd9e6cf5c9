"""The application object every command receives as ``ctx.obj``.

It holds the global options and gives commands one way to print, prompt, fail and reach the
vault. Message parameters are escaped on the way out (``say``), so untrusted text (app
names, file names, server replies) cannot inject markup or terminal escape sequences.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import Any

import click

from safetycheck import i18n
from safetycheck.errors import NoInputError, UsageError


class App:
    """Global options, output helpers and lazily created resources (console, vault)."""

    def __init__(self, lang: str | None = None, plain: bool = False, offline: bool = False,
                 no_input: bool = False, no_clear: bool = False) -> None:
        self.lang = i18n.resolve_lang(lang)
        i18n.set_lang(self.lang)
        self.plain = plain or bool(os.environ.get("NO_COLOR"))
        self.offline = offline
        self.no_input = no_input
        self.no_clear = no_clear
        self._console: Any = None
        self._err_console: Any = None
        self._vault: Any = None
        self.adb: str | None = None  # --adb PATH for the Android scan step
        self.serial: str | None = None

    # -- language -------------------------------------------------------------------------
    def set_lang(self, lang: str | None) -> None:
        if lang:
            self.lang = i18n.resolve_lang(lang)
            i18n.set_lang(self.lang)

    def t(self, key: str, **params: Any) -> str:
        return i18n.t(key, self.lang, **params)

    def pick(self, text: Any) -> str:
        return i18n.pick(text, self.lang)

    # -- terminal -------------------------------------------------------------------------
    @property
    def interactive(self) -> bool:
        """True when a person can answer prompts: a TTY on stdin and stdout, no --no-input."""
        if self.no_input:
            return False
        try:
            return sys.stdin.isatty() and sys.stdout.isatty()
        except (AttributeError, ValueError):
            return False

    @property
    def console(self) -> Any:
        if self._console is None:
            from safetycheck.ui.console import make_console

            self._console = make_console(self.plain)
        return self._console

    @property
    def err_console(self) -> Any:
        if self._err_console is None:
            from safetycheck.ui.console import make_console

            self._err_console = make_console(self.plain, stderr=True)
        return self._err_console

    def print(self, *objects: Any, **kwargs: Any) -> None:
        """Print trusted rich renderables or markup (catalog text, our own tables)."""
        self.console.print(*objects, **kwargs)

    def say(self, key: str, style: str | None = None, wrap: bool = True, **params: Any) -> None:
        """Print a catalog message; every parameter is escaped first.

        ``wrap=False`` keeps long lines whole (file paths a user may copy).
        """
        from safetycheck.ui.text import esc

        text = self.t(key, **{k: esc(v) for k, v in params.items()})
        self.console.print(text, style=style, soft_wrap=not wrap)

    def warn(self, key: str, **params: Any) -> None:
        from safetycheck.ui.text import esc

        text = self.t(key, **{k: esc(v) for k, v in params.items()})
        self.err_console.print(text, style=None if self.plain else "yellow")

    def print_json(self, data: Any) -> None:
        """Write JSON to stdout exactly (no markup processing, no wrapping)."""
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False))

    def clear_screen(self, force: bool = False) -> None:
        """Clear the terminal and its scrollback (Ctrl-C: unless --no-clear; the quick exit,
        ``force``: always, since hiding the screen is its whole purpose)."""
        if (self.no_clear and not force) or not sys.stdout.isatty():
            return
        click.clear()
        # Also clear the scrollback where the terminal supports it.
        sys.stdout.write("\x1b[3J")
        sys.stdout.flush()

    # -- prompts --------------------------------------------------------------------------
    def require_interactive(self) -> None:
        if not self.interactive:
            raise NoInputError()

    def confirm(self, key: str, default: bool = False, **params: Any) -> bool:
        self.require_interactive()
        from safetycheck.ui import prompts

        return prompts.confirm(self, self.t(key, **params), default)

    def prompt_secret(self, key: str, **params: Any) -> str:
        """A hidden prompt (passwords, passphrases, API keys); never echoed, never logged."""
        self.require_interactive()
        import getpass

        return getpass.getpass(self.t(key, **params) + " ")

    # -- data -----------------------------------------------------------------------------
    def vault(self) -> Any:
        """The encrypted store, unlocked on first use (keyring, passphrase file or prompt)."""
        if self._vault is None:
            from safetycheck.storage.vault import open_vault

            self._vault = open_vault(self)
        return self._vault


pass_app = click.make_pass_decorator(App, ensure=True)


def lang_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--lang`` and ``--plain`` to a command, so they work after the command name too."""

    def set_lang(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
        if value is not None:
            app = ctx.ensure_object(App)
            if i18n.normalize_lang(value) is None:
                raise UsageError("error.unknown_lang", lang=value, langs=", ".join(i18n.LANGS))
            app.set_lang(value)

    def set_plain(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
        if value:
            ctx.ensure_object(App).plain = True

    f = click.option("--plain", is_flag=True, expose_value=False, callback=set_plain,
                     is_eager=True, help=i18n.t("opt.plain"))(f)
    f = click.option("--lang", metavar="mn|en", expose_value=False, callback=set_lang,
                     is_eager=True, help=i18n.t("opt.lang"))(f)
    return f
