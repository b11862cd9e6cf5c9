"""The one shell script the scan runs on the phone, and the splitter for its output.

Everything the scan needs from the phone's shell runs in a single ``adb shell`` invocation, so
the number of adb processes does not grow with the number of installed apps (one
``dumpsys package <pkg>`` per app, as other tools do, costs hundreds of round trips). Each
command's output is framed by marker lines that carry a random nonce chosen for this run::

    @@SC-<nonce>@@ begin getprop
    ...output...
    @@SC-<nonce>@@ end getprop rc=0

An app on the phone cannot forge a section (it cannot know the nonce), and a section whose
``end`` marker never arrived (the cable was pulled) is dropped whole rather than parsed half.

Every command is read-only: ``tests/test_android_script.py`` checks the script against an
allow-list, so no change to the phone can slip in.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

# The adb protocol of older phones limits a shell command to 4096 bytes; stay well below.
MAX_SCRIPT_LEN = 3800

ROOT_DIRS = ("/system/bin", "/system/xbin", "/system/sbin", "/sbin", "/su/bin", "/vendor/bin",
             "/data/local", "/data/local/bin", "/data/local/xbin", "/data/local/tmp",
             "/data/adb", "/cache", "/debug_ramdisk")
ROOT_FILES = ("su", "busybox", "magisk", "magiskhide", "magiskinit", "magiskpolicy", "supersu",
              "daemonsu", "ksud", "apd")
# pm variants, tried in order: AndroidQF's order, including the Samsung "--user 0" fallback
# (``pm list packages -u`` throws a SecurityException on some Samsung phones) and outputs
# without ``-U`` (older Android).
PM_VARIANTS = ("-U -u -i", "-U -u -i --user 0", "-u -i --user 0", "-u -i", "-i", "")
LAUNCHER_QUERY = ("cmd package query-activities --brief -a android.intent.action.MAIN "
                  "-c android.intent.category.LAUNCHER")


@dataclass(frozen=True)
class Section:
    """One command of the script."""

    name: str
    command: str  # the command as a person would type it after ``adb shell``


SECTIONS: tuple[Section, ...] = (
    Section("date", "date -u +%Y-%m-%dT%H:%M:%SZ"),
    Section("getprop", "getprop"),
    Section("settings_secure", "settings list secure"),
    Section("settings_global", "settings list global"),
    Section("pm_list", "pm list packages " + " | ".join(v or "(no options)" for v in PM_VARIANTS)),
    Section("pm_args", "(the pm list packages options that worked)"),
    Section("pm_system", "pm list packages -s"),
    Section("pm_third_party", "pm list packages -3"),
    Section("pm_disabled", "pm list packages -d"),
    Section("accessibility", "dumpsys accessibility"),
    Section("dpm_owners", "dpm list-owners"),
    Section("device_policy", "dumpsys device_policy"),
    Section("getenforce", "getenforce"),
    Section("root_binaries", "[ -e <dir>/<file> ] for su, busybox, magisk... in the usual folders"),
    Section("launcher", LAUNCHER_QUERY),
    Section("appops", "dumpsys appops"),
    Section("packages", "dumpsys package packages"),
)
SECTION_NAMES = tuple(s.name for s in SECTIONS)
COMMANDS = {s.name: s.command for s in SECTIONS}

_SIMPLE = {
    "date": "date -u +%Y-%m-%dT%H:%M:%SZ",
    "getprop": "getprop",
    "settings_secure": "settings list secure",
    "settings_global": "settings list global",
    "pm_system": "pm list packages -s",
    "pm_third_party": "pm list packages -3",
    "pm_disabled": "pm list packages -d",
    "accessibility": "dumpsys accessibility",
    "dpm_owners": "dpm list-owners",
    "device_policy": "dumpsys device_policy",
    "getenforce": "getenforce",
    "launcher": LAUNCHER_QUERY,
    "appops": "dumpsys appops",
    "packages": "dumpsys package packages",
}


def new_nonce() -> str:
    """A fresh random marker nonce (16 hex characters)."""
    return secrets.token_hex(8)


def marker(nonce: str) -> str:
    return f"@@SC-{nonce}@@"


def build_script(nonce: str) -> str:
    """The whole scan as one line of POSIX sh (toybox/mksh on the phone)."""
    if not re.fullmatch(r"[0-9a-f]{8,32}", nonce):
        raise ValueError("nonce must be 8-32 lower-case hex characters")
    m = marker(nonce)
    parts = [
        f"M={m}",
        'r(){ n=$1;shift;echo "$M begin $n";"$@" 2>&1;echo "$M end $n rc=$?";}',
    ]

    def simple(name: str) -> None:
        parts.append(f"r {name} {_SIMPLE[name]}")

    for name in ("date", "getprop", "settings_secure", "settings_global"):
        simple(name)
    variants = " ".join(f"'{v}'" for v in PM_VARIANTS)
    parts.append(
        'echo "$M begin pm_list";'
        f"for a in {variants};do o=$(pm list packages $a 2>&1);"
        'case "$o" in *Exception*|*Error:*);;*package:*)break;;esac;done;'
        'echo "$o";echo "$M end pm_list rc=0"'
    )
    parts.append('echo "$M begin pm_args";echo "$a";echo "$M end pm_args rc=0"')
    for name in ("pm_system", "pm_third_party", "pm_disabled", "accessibility", "dpm_owners",
                 "device_policy", "getenforce"):
        simple(name)
    parts.append(
        'echo "$M begin root_binaries";'
        f"for d in {' '.join(ROOT_DIRS)};do for f in {' '.join(ROOT_FILES)};do "
        '[ -e $d/$f ]&&echo $d/$f;done;done;echo "$M end root_binaries rc=0"'
    )
    for name in ("launcher", "appops", "packages"):
        simple(name)
    parts.append('echo "$M done"')
    script = ";".join(parts)
    if len(script) > MAX_SCRIPT_LEN:  # pragma: no cover - guarded by a test
        raise ValueError("scan script too long for old adb")
    return script


@dataclass(frozen=True)
class SplitOutput:
    """The script's output cut into sections."""

    sections: dict[str, str]
    """Sections whose ``end`` marker arrived."""
    exit_codes: dict[str, int]
    done: bool
    """True when the final marker arrived: every section was run."""
    truncated: tuple[str, ...]
    """Sections that began but never ended (dropped from ``sections``)."""


_MARK_RE_CACHE: dict[str, re.Pattern[str]] = {}


def _mark_re(nonce: str) -> re.Pattern[str]:
    if nonce not in _MARK_RE_CACHE:
        _MARK_RE_CACHE[nonce] = re.compile(
            re.escape(marker(nonce)) + r" (begin|end|done)(?: ([a-z_]{1,32}))?(?: rc=(\d{1,3}))?$"
        )
    return _MARK_RE_CACHE[nonce]


def split_output(text: str, nonce: str) -> SplitOutput:
    """Cut the script's output into sections; never raises on odd input."""
    pattern = _mark_re(nonce)
    token = marker(nonce)
    sections: dict[str, str] = {}
    codes: dict[str, int] = {}
    begun: list[str] = []
    current: str | None = None
    buf: list[str] = []
    done = False
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        pos = raw.find(token)
        match = pattern.match(raw, pos) if pos >= 0 else None
        if match is None:
            if current is not None:
                buf.append(raw)
            continue
        before = raw[:pos]
        kind, name, rc = match.group(1), match.group(2), match.group(3)
        if kind == "begin" and name:
            current, buf = name, []
            begun.append(name)
        elif kind == "end" and name and current == name:
            if before:
                buf.append(before)
            sections[name] = "\n".join(buf) + ("\n" if buf else "")
            codes[name] = int(rc) if rc else 0
            current, buf = None, []
        elif kind == "done":
            done = True
            current = None
    truncated = tuple(n for n in begun if n not in sections)
    return SplitOutput(sections=sections, exit_codes=codes, done=done, truncated=truncated)


def render_output(nonce: str, sections: dict[str, str]) -> str:
    """Build the output the script would print for ``sections`` (demo phone, stand-in adb)."""
    m = marker(nonce)
    out: list[str] = []
    for name in SECTION_NAMES:
        if name not in sections:
            continue
        body = sections[name]
        out.append(f"{m} begin {name}\n{body}")
        if body and not body.endswith("\n"):
            out.append("\n")
        out.append(f"{m} end {name} rc=0\n")
    out.append(f"{m} done\n")
    return "".join(out)


def nonce_from_script(script: str) -> str | None:
    """The nonce a script was built with (used by stand-in adb executables)."""
    match = re.search(r"M=@@SC-([0-9a-f]{8,32})@@", script)
    return match.group(1) if match else None
