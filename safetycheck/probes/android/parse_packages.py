"""Pure parsers for installed apps: ``pm list packages``, ``dumpsys package``, the launcher
query, and AndroidQF's ``packages.json``.

Text in, frozen records out, no I/O. Lines are split into tokens rather than matched with
open-ended patterns, so hostile or huge outputs cost linear time. Vendor variance handled:
``-U``/``-i``/``-f`` in any combination (and outputs without ``-U``), Samsung's
``--user 0`` output (same shape), apps with no install time (Huawei), ``firstInstallTime``
under ``User 0:`` (Android 13+), ``flags``/``pkgFlags`` for the system flag.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from safetycheck.probes.android.interface import AndroidParseError
from safetycheck.probes.android.parse_system import PKG_RE, is_package_name, lines

NO_INSTALLER = ("null", "none", "")


@dataclass(frozen=True)
class PackageEntry:
    """One line of ``pm list packages`` (or one app of AndroidQF's ``packages.json``)."""

    name: str
    installer: str | None = None
    uid: int | None = None
    path: str | None = None
    system: bool | None = None  # known only from AndroidQF's JSON
    disabled: bool | None = None
    cert_sha1: tuple[str, ...] = ()  # upper-case hex, AndroidQF only
    cert_subjects: tuple[str, ...] = ()  # "C=.., O=.., CN=.." of the signing certificate
    apk_sha256: tuple[str, ...] = ()


def _installer(value: str) -> str | None:
    value = value.strip()
    return None if value.lower() in NO_INSTALLER or not is_package_name(value) else value


def parse_pm_list(text: str) -> tuple[PackageEntry, ...]:
    """``package:[<apk path>=]<name> [versionCode:N] [installer=X] [uid:N[,N]]`` lines."""
    out: dict[str, PackageEntry] = {}
    for line in lines(text):
        if not line.startswith("package:"):
            continue
        tokens = line[len("package:"):].split()
        if not tokens:
            continue
        first = tokens[0]
        path = None
        if "=" in first:
            path, _, first = first.rpartition("=")
        if not is_package_name(first):
            continue
        installer = None
        uid = None
        for tok in tokens[1:]:
            if tok.startswith("installer="):
                installer = _installer(tok[len("installer="):])
            elif tok.startswith("uid:"):
                digits = tok[4:].split(",")[0]
                if digits.isascii() and digits.isdigit() and len(digits) < 11:
                    uid = int(digits)
        out[first] = PackageEntry(name=first, installer=installer, uid=uid,
                                  path=path[:1024] if path else None)
    return tuple(out.values())


def package_names(text: str) -> frozenset[str]:
    """Names from ``pm list packages -s|-3|-d``."""
    return frozenset(p.name for p in parse_pm_list(text))


def pm_output_ok(text: str) -> bool:
    """True when a pm output lists packages and carries no exception."""
    return "Exception" not in text and any(p for p in parse_pm_list(text))


# -- dumpsys package ------------------------------------------------------------------------
@dataclass(frozen=True)
class PackageInfo:
    """One app's block of ``dumpsys package``."""

    name: str
    uid: int | None = None
    version_name: str = ""
    installer: str | None = None
    first_install: str | None = None
    last_update: str | None = None
    system: bool = False
    code_path: str = ""
    installed: bool | None = None  # for user 0
    enabled_state: int | None = None  # 0 default, 1 enabled, 2 disabled, 3 by user, 4 until used
    requested_permissions: tuple[str, ...] = ()
    granted_permissions: tuple[str, ...] = ()


_PKG_HEADER_RE = re.compile(rf"\s{{1,8}}Package \[({PKG_RE})\] \([0-9a-fA-F]{{1,16}}\):\s*")
_TIME_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")
_PERM_RE = re.compile(r"([A-Za-z0-9_.]{1,300})(?::\s{0,4}(.{0,2000}))?")
_PERM_BLOCKS = {"requested permissions:": "requested", "install permissions:": "granted",
                "runtime permissions:": "granted"}


class _Builder:
    def __init__(self, name: str) -> None:
        self.f: dict[str, object] = {"name": name}
        self.requested: list[str] = []
        self.granted: list[str] = []
        self.flags: set[str] = set()

    def build(self) -> PackageInfo:
        return PackageInfo(**self.f, system="SYSTEM" in self.flags,  # type: ignore[arg-type]
                           requested_permissions=tuple(dict.fromkeys(self.requested)),
                           granted_permissions=tuple(dict.fromkeys(self.granted)))


def _time(value: str) -> str | None:
    m = _TIME_RE.match(value.strip())
    return m.group(0) if m else None


def _user0(b: _Builder, rest: str) -> None:
    for tok in rest.split():
        key, _, val = tok.partition("=")
        if key == "installed":
            b.f["installed"] = val == "true"
        elif key == "enabled" and val.isascii() and val.isdigit() and len(val) < 3:
            b.f["enabled_state"] = int(val)


def _field(b: _Builder, s: str) -> None:
    key, sep, val = s.partition("=")
    if not sep:
        return
    if key in ("userId", "appId") and "uid" not in b.f:
        v = val.split()[0] if val.split() else ""
        if v.isascii() and v.isdigit() and len(v) < 11:
            b.f["uid"] = int(v)
    elif key == "versionName":
        b.f["version_name"] = val.strip()[:100]
    elif key == "installerPackageName":
        b.f["installer"] = _installer(val)
    elif key == "firstInstallTime" and "first_install" not in b.f:
        b.f["first_install"] = _time(val)
    elif key == "lastUpdateTime" and "last_update" not in b.f:
        b.f["last_update"] = _time(val)
    elif key in ("flags", "pkgFlags"):
        b.flags.update(val.strip("[] ").split())
    elif key == "codePath":
        b.f["code_path"] = val.strip()[:500]


def parse_dumpsys_package(text: str) -> dict[str, PackageInfo]:
    """Apps from the ``Packages:`` section(s) of ``dumpsys package`` (full or per app)."""
    out: dict[str, PackageInfo] = {}
    in_packages = False
    cur: _Builder | None = None
    pkg_indent = 0
    block: str | None = None
    block_indent = 0

    def finish() -> None:
        if cur is not None and cur.f["name"] not in out:
            out[str(cur.f["name"])] = cur.build()

    for line in lines(text):
        if not line.strip():
            continue
        ind = len(line) - len(line.lstrip(" "))
        if ind == 0:
            finish()
            cur = None
            in_packages = line.rstrip() == "Packages:"
            continue
        if not in_packages:
            continue
        m = _PKG_HEADER_RE.fullmatch(line)
        if m:
            finish()
            cur, pkg_indent, block = _Builder(m.group(1)), ind, None
            continue
        if cur is None or ind <= pkg_indent:
            continue
        s = line.strip()
        if block is not None and ind <= block_indent:
            block = None
        if block is not None:
            pm = _PERM_RE.fullmatch(s)
            if pm:
                if block == "requested":
                    cur.requested.append(pm.group(1))
                elif "granted=true" in (pm.group(2) or ""):
                    cur.granted.append(pm.group(1))
            continue
        low = s.lower()
        if low in _PERM_BLOCKS:
            block, block_indent = _PERM_BLOCKS[low], ind
        elif s.startswith("User 0:"):
            _user0(cur, s[len("User 0:"):])
        elif s.endswith(":") and "=" not in s:
            block, block_indent = "other", ind
        else:
            _field(cur, s)
    finish()
    return out


# -- launcher activities --------------------------------------------------------------------
_LAUNCHER_COMPONENT_RE = re.compile(rf"\s{{0,12}}({PKG_RE})/([A-Za-z0-9_.$]{{1,300}})\s*")


def parse_launcher(text: str) -> frozenset[str] | None:
    """Packages with a launcher icon, from ``cmd package query-activities --brief ...``.

    None when the output is not a query result (old Android: "Unknown command"), so a phone
    that cannot answer is never reported as "every app is hidden".
    """
    found: set[str] = set()
    recognised = False
    for line in lines(text):
        s = line.strip()
        if "activities found" in s or s == "No activities found" or s.startswith("priority="):
            recognised = True
            continue
        m = _LAUNCHER_COMPONENT_RE.fullmatch(line)
        if m:
            found.add(m.group(1))
            recognised = True
    return frozenset(found) if recognised else None


# -- AndroidQF packages.json ----------------------------------------------------------------
def _hex(value: object, length: int) -> str | None:
    if isinstance(value, str) and re.fullmatch(rf"[0-9a-fA-F:]{{{length},{length * 2}}}", value):
        clean = value.replace(":", "").upper()
        return clean if len(clean) == length else None
    return None


def parse_androidqf_packages(text: str) -> tuple[PackageEntry, ...]:
    """AndroidQF's ``packages.json``: a list of apps with installer, flags and signing certs."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise AndroidParseError(part="packages.json") from exc
    if not isinstance(data, list):
        raise AndroidParseError(part="packages.json")
    out: list[PackageEntry] = []
    for item in data:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        name = item["name"]
        if not is_package_name(name):
            continue
        certs: list[str] = []
        subjects: list[str] = []
        hashes: list[str] = []
        for f in item.get("files") or []:
            if not isinstance(f, dict):
                continue
            cert = f.get("certificate")
            if isinstance(cert, dict):
                sha1 = _hex(cert.get("Sha1") or cert.get("sha1"), 40)
                if sha1:
                    certs.append(sha1)
                subject = cert.get("Subject")
                if isinstance(subject, str) and subject:
                    subjects.append(subject[:1000])
            sha256 = _hex(f.get("sha256"), 64)
            if sha256:
                hashes.append(sha256.lower())
        uid = item.get("uid")
        installer = item.get("installer")
        out.append(PackageEntry(
            name=name,
            installer=_installer(installer) if isinstance(installer, str) else None,
            uid=uid if isinstance(uid, int) and not isinstance(uid, bool) else None,
            system=item["system"] if isinstance(item.get("system"), bool) else None,
            disabled=item["disabled"] if isinstance(item.get("disabled"), bool) else None,
            cert_sha1=tuple(dict.fromkeys(certs)),
            cert_subjects=tuple(dict.fromkeys(subjects)),
            apk_sha256=tuple(dict.fromkeys(hashes)),
        ))
    return tuple(out)


_RESOLVER_ENTRY_RE = re.compile(rf"\s{{4,16}}[0-9a-f]{{1,16}} ({PKG_RE})/([A-Za-z0-9_.$]{{1,300}})"
                                r"(?: filter [0-9a-f]{1,16})?.{0,200}")


def launcher_from_resolver(text: str) -> frozenset[str] | None:
    """Packages with a launcher activity, from the ``Activity Resolver Table`` of
    ``dumpsys package`` when it lists intent filters (per-app dumps, ``-f``); else None."""
    found: set[str] = set()
    details = False
    in_table = False
    current: str | None = None
    main = False
    for line in lines(text):
        if line and not line[0].isspace():
            in_table = line.startswith("Activity Resolver Table")
            current = None
            continue
        if not in_table:
            continue
        s = line.strip()
        m = _RESOLVER_ENTRY_RE.fullmatch(line)
        if m:
            current, main = m.group(1), False
        elif s.startswith("Action:"):
            details = True
            main = main or "android.intent.action.MAIN" in s
        elif s.startswith("Category:"):
            details = True
            if current and main and "android.intent.category.LAUNCHER" in s:
                found.add(current)
    return frozenset(found) if details else None
