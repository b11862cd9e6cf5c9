"""Line-based prompts that work the same in a terminal, a pseudo-terminal and a screen reader.

Every prompt reads one line. A few letters work everywhere in the audit: ``p`` pauses
(save and leave), ``q`` is the quick exit (save, clear the screen, leave at once).
End of input (Ctrl-D) counts as pause. Ctrl-C raises ``KeyboardInterrupt`` to the audit,
which saves and exits with code 130.
"""

from __future__ import annotations

import sys
from typing import Any


class Pause(Exception):
    """The person chose to pause: save and leave, showing how to resume."""


class QuickExit(Exception):
    """The person pressed the quick-exit key: save, clear the screen, leave at once."""


def read_line(app: Any, prompt: str) -> str:
    """Print ``prompt`` (trusted markup) and read one line; EOF pauses."""
    app.console.print(prompt, end="", markup=True, highlight=False)
    sys.stdout.flush()
    try:
        line = sys.stdin.readline()
    except UnicodeDecodeError:
        return ""
    if line == "":
        raise Pause()
    return line.strip()


def control_word(app: Any, text: str) -> None:
    """Raise Pause or QuickExit for the words that mean them, in either language."""
    word = text.strip().lower()
    if word in ("q", app.t("key.quick_exit").lower()):
        raise QuickExit()
    if word in ("p", app.t("key.pause").lower()):
        raise Pause()


def confirm(app: Any, text: str, default: bool = False) -> bool:
    """A yes/no question outside the audit (``y``/``n``, or the Mongolian ``т``/``ү``)."""
    hint = app.t("prompt.yes_no_default_yes" if default else "prompt.yes_no_default_no")
    while True:
        answer = read_line(app, f"{text} {hint} ").lower()
        if not answer:
            return default
        if answer in ("y", "yes", app.t("key.yes"), app.t("word.yes").lower()):
            return True
        if answer in ("n", "no", app.t("key.no"), app.t("word.no").lower()):
            return False
        app.say("prompt.not_understood")


def wait_enter(app: Any, key: str = "prompt.press_enter") -> None:
    answer = read_line(app, app.t(key) + " ")
    control_word(app, answer)
