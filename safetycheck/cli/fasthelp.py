"""The top-level help and version, printed without importing click.

``safetycheck --help`` is the first thing many people type; importing click alone costs
about 35 ms here, so the root help is rendered from the same tables the click group uses
(``ROOT_OPTIONS`` and ``root.COMMANDS``), in click's layout. Anything else goes to click.
"""

from __future__ import annotations

import os
import textwrap

from safetycheck import __version__, i18n

# (flags as shown, metavar, catalog key of the help) — the click group is built from these.
ROOT_OPTIONS: tuple[tuple[str, str, str], ...] = (
    ("--lang", "mn|en", "opt.lang"),
    ("--plain", "", "opt.plain"),
    ("--offline", "", "opt.offline"),
    ("--no-input", "", "opt.no_input"),
    ("--no-clear", "", "opt.no_clear"),
    ("-v, --verbose", "", "opt.verbose"),
    ("--version", "", "opt.version"),
    ("-h, --help", "", "opt.help"),
)
WIDTH = 80


def _definitions(rows: list[tuple[str, str]]) -> list[str]:
    first = min(max(len(name) for name, _ in rows), 30)
    out = []
    for name, text in rows:
        indent = 2 + first + 2
        wrapped = textwrap.wrap(text, WIDTH - indent) or [""]
        if len(name) > first:
            out.append("  " + name)
            out.extend(" " * indent + line for line in wrapped)
        else:
            out.append("  " + name.ljust(first) + "  " + wrapped[0])
            out.extend(" " * indent + line for line in wrapped[1:])
    return out


def root_help(lang: str) -> str:
    from safetycheck.cli.commands import COMMANDS

    lines = [i18n.t("help.usage", lang) + " safetycheck [OPTIONS] [COMMAND] [ARGS]...", ""]
    for para in i18n.t("help.root", lang).split("\n\n"):
        lines.extend(textwrap.wrap(para, WIDTH - 2, initial_indent="  ",
                                   subsequent_indent="  "))
        lines.append("")
    lines.append(i18n.t("help.options", lang) + ":")
    rows = [(f"{flags} {meta}".strip(), i18n.t(key, lang)) for flags, meta, key in ROOT_OPTIONS]
    lines.extend(_definitions(rows))
    lines.append("")
    lines.append(i18n.t("help.commands", lang) + ":")
    lines.extend(_definitions([(name, i18n.t(key, lang)) for name, (_, _, key)
                               in COMMANDS.items()]))
    return "\n".join(lines) + "\n"


def try_fast_path(args: list[str]) -> int | None:
    """Handle ``--help``/``-h``/``--version`` (with ``--lang``/``--plain``); else None."""
    rest: list[str] = []
    lang: str | None = None
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--lang" and i + 1 < len(args):
            lang = args[i + 1]
            i += 2
            continue
        if arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
        elif arg != "--plain":
            rest.append(arg)
        i += 1
    if rest not in (["--help"], ["-h"], ["--version"]):
        return None
    if lang is not None and i18n.normalize_lang(lang) is None:
        return None  # let click report the unknown language
    if rest == ["--version"]:
        os.write(1, f"safetycheck, version {__version__}\n".encode())
        return 0
    text = root_help(i18n.resolve_lang(lang))
    import sys

    sys.stdout.write(text)
    sys.stdout.flush()
    return 0
