"""Remove personal identifiers from raw phone outputs before they are stored as evidence.

E-mail addresses (account names show up in settings and dumpsys outputs) become
``<email>``; the device serial becomes ``<serial>`` (the device is identified by a keyed hash
of it instead). Pure functions with bounded patterns.
"""

from __future__ import annotations

import re

EMAIL_RE = re.compile(
    r"[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){0,8}\.[A-Za-z]{2,24}"
)
EMAIL_MARK = "<email>"
SERIAL_MARK = "<serial>"


def redact_emails(text: str) -> str:
    return EMAIL_RE.sub(EMAIL_MARK, text)


def redact(text: str, serial: str | None = None) -> str:
    """``text`` with e-mail addresses and the serial (if given, 4+ characters) replaced."""
    text = redact_emails(text)
    if serial and len(serial) >= 4:
        text = text.replace(serial, SERIAL_MARK)
    return text
