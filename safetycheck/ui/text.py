"""Make untrusted text (from a phone, a file name, a network reply) safe to show.

``clean`` removes what could act on a terminal or mislead a reader: ANSI/OSC escape sequences,
other C0/C1 control characters, NUL bytes and bidirectional override characters (which can
make ``gpj.exe`` read as ``exe.jpg``); bidi controls are replaced by a visible marker.
Very long strings are cut. ``esc`` also escapes rich markup, so ``[bold red]`` in an app name
is shown as typed. This module imports nothing heavy: the HTML report uses ``clean`` too.
"""

from __future__ import annotations

import re

MAX_LEN = 500
BIDI_MARK = "\N{REPLACEMENT CHARACTER}"
# CSI ... final byte, OSC ... BEL/ST, other ESC sequences, then single controls.
_ANSI_RE = re.compile(
    r"\x1b\[[0-?]{0,64}[ -/]{0,16}[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]{0,4096}(?:\x07|\x1b\\)?"  # OSC (hyperlinks, titles)
    r"|\x1b[PX^_][^\x1b]{0,4096}(?:\x1b\\)?"  # DCS, SOS, PM, APC
    r"|\x1b[ -/]{0,4}[0-~]?"  # other escapes
    r"|\x9b[0-?]{0,64}[ -/]{0,16}[@-~]"  # 8-bit CSI
)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BIDI_RE = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(value: object, max_len: int = MAX_LEN, keep_newlines: bool = False) -> str:
    """Text with no escape sequences, control or bidi characters, at most ``max_len`` long."""
    text = value if isinstance(value, str) else str(value)
    if len(text) > max_len * 4:
        text = text[: max_len * 4]  # bound the regex work on huge inputs
    text = _ANSI_RE.sub("", text)
    if keep_newlines:
        text = text.replace("\r\n", "\n").replace("\t", " ")
        text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", "", text)
    else:
        text = _CONTROL_RE.sub(" ", text.replace("\n", " ").replace("\t", " "))
    text = _BIDI_RE.sub(BIDI_MARK, text)
    if len(text) > max_len:
        text = text[: max_len - 1] + "…"
    return text


def esc(value: object, max_len: int = MAX_LEN) -> str:
    """``clean`` plus rich-markup escaping: safe to put inside a rich markup string."""
    text = clean(value, max_len)
    # Same rule as rich.markup.escape, without importing rich: escape "[" that opens a tag.
    return re.sub(r"(\\*)(\[[a-zA-Z#/@].*?\])", lambda m: m.group(1) * 2 + "\\" + m.group(2),
                  text)
