"""Build the rich console: colour unless ``--plain``/``NO_COLOR``, ASCII boxes in plain mode."""

from __future__ import annotations

import os
import sys
from typing import Any


def make_console(plain: bool, stderr: bool = False) -> Any:
    """A rich Console; plain mode has no colour, no box drawing and no emoji."""
    from rich.console import Console

    no_color = plain or bool(os.environ.get("NO_COLOR"))
    return Console(
        file=sys.stderr if stderr else None,
        no_color=no_color,
        highlight=False,
        emoji=False,
        soft_wrap=False,
        width=None,
        color_system=None if no_color else "auto",
        legacy_windows=False,
    )


def box_style(plain: bool) -> Any:
    """The box for tables: none at all in plain mode, so a screen reader reads only the
    words (columns are separated by spaces); rounded lines otherwise."""
    from rich import box

    return None if plain else box.ROUNDED
