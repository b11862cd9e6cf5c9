"""Pure parsers for the phone's system state: device list, getprop, settings, accessibility,
device admins and owners, app-ops, root signs, SELinux, and AndroidQF's ``dumpsys.txt``.

Text in, frozen records out, no I/O. Every regular expression has bounded repetition and works
on one line at a time, so a 10,000-character line or random bytes cost linear time. Odd input
gives empty results; only an unreadable *file format* (JSON) raises ``AndroidParseError``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from safetycheck.probes.android.interface import AndroidParseError

PKG_RE = r"[A-Za-z][A-Za-z0-9_]{0,120}(?:\.[A-Za-z0-9_]{1,120}){0,40}"
_PKG_FULL = re.compile(PKG_RE)
_COMPONENT_RE = re.compile(rf"({PKG_RE})/([A-Za-z0-9_.$]{{1,300}})")


def is_package_name(value: str) -> bool:
    """True for a syntactically valid Android package name (at most 255 characters)."""
    return len(value) <= 255 and _PKG_FULL.fullmatch(value) is not None


def lines(text: str) -> list[str]:
    """Split on any line ending (adb on old phones sends CRLF)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


# -- adb devices -l -------------------------------------------------------------------------
@dataclass(frozen=True)
class DeviceEntry:
    """One line of ``adb devices -l``."""

    serial: str
    state: str  # device, unauthorized, offline, no permissions, recovery, sideload, ...
    model: str = ""
    product: str = ""


_DEV_KEYS = ("usb:", "product:", "model:", "device:", "transport_id:", "features:")


def parse_devices(text: str) -> tuple[DeviceEntry, ...]:
    """Devices from ``adb devices -l``; daemon start-up chatter and blank lines are skipped."""
    out: list[DeviceEntry] = []
    for line in lines(text):
        if not line.strip() or line.startswith(("*", "List of devices", "adb ")):
            continue
        tokens = line.split()
        if len(tokens) < 2:
            continue
        serial, rest = tokens[0], tokens[1:]
        state_words: list[str] = []
        info: dict[str, str] = {}
        for tok in rest:
            key = next((k for k in _DEV_KEYS if tok.startswith(k)), None)
            if key:
                info[key[:-1]] = tok[len(key):]
            elif not info:
                state_words.append(tok)
        state = " ".join(state_words)
        if state.startswith("no permissions"):
            state = "no permissions"
        out.append(DeviceEntry(serial=serial[:200], state=state[:100],
                               model=info.get("model", "")[:100],
                               product=info.get("product", "")[:100]))
    return tuple(out)


# -- getprop --------------------------------------------------------------------------------
_PROP_RE = re.compile(r"\[([^\[\]]{1,256})\]: \[")


def parse_getprop(text: str) -> dict[str, str]:
    """``[key]: [value]`` lines into a dict; values that span lines are joined."""
    props: dict[str, str] = {}
    key: str | None = None
    buf: list[str] = []
    for line in lines(text):
        if key is None:
            m = _PROP_RE.match(line)
            if not m:
                continue
            rest = line[m.end():]
            if rest.endswith("]"):
                props[m.group(1)] = rest[:-1]
            else:
                key, buf = m.group(1), [rest]
        else:
            if line.endswith("]"):
                buf.append(line[:-1])
                props[key] = "\n".join(buf)
                key, buf = None, []
            else:
                buf.append(line)
    return props


@dataclass(frozen=True)
class DeviceProps:
    """What the scan reports about the phone itself (from getprop)."""

    model: str = ""
    manufacturer: str = ""
    android_version: str = ""
    sdk: int | None = None
    security_patch: str = ""
    verified_boot_state: str = ""
    flash_locked: str = ""
    debuggable: str = ""
    build_tags: str = ""
    build_type: str = ""
    serial: str = ""


def device_props(props: dict[str, str]) -> DeviceProps:
    def get(*keys: str) -> str:
        for k in keys:
            if props.get(k):
                return props[k].strip()[:200]
        return ""

    sdk = get("ro.build.version.sdk")
    return DeviceProps(
        model=get("ro.product.model", "ro.product.vendor.model", "ro.product.system.model"),
        manufacturer=get("ro.product.manufacturer", "ro.product.vendor.manufacturer",
                         "ro.product.brand"),
        android_version=get("ro.build.version.release", "ro.build.version.release_or_codename"),
        sdk=int(sdk) if sdk.isascii() and sdk.isdigit() and len(sdk) < 6 else None,
        security_patch=get("ro.build.version.security_patch"),
        verified_boot_state=get("ro.boot.verifiedbootstate"),
        flash_locked=get("ro.boot.flash.locked"),
        debuggable=get("ro.debuggable"),
        build_tags=get("ro.build.tags"),
        build_type=get("ro.build.type"),
        serial=get("ro.serialno", "ro.boot.serialno"),
    )


# -- settings -------------------------------------------------------------------------------
_SETTING_RE = re.compile(r"([A-Za-z0-9_.:\-]{1,200})=")


def parse_settings(text: str) -> dict[str, str]:
    """``settings list <namespace>`` output (``key=value`` lines) into a dict."""
    out: dict[str, str] = {}
    for line in lines(text):
        m = _SETTING_RE.match(line)
        if m:
            out[m.group(1)] = line[m.end():].strip()
    return out


@dataclass(frozen=True)
class Component:
    """An Android component: ``package/class``."""

    package: str
    cls: str

    def __str__(self) -> str:
        return f"{self.package}/{self.cls}"


def parse_components(value: str | None) -> tuple[Component, ...]:
    """A setting holding a ``:``-separated component list (accessibility, notification access)."""
    if not value or value == "null":
        return ()
    out: list[Component] = []
    for part in value.split(":")[:500]:
        m = _COMPONENT_RE.fullmatch(part.strip())
        if m:
            out.append(Component(m.group(1), m.group(2)))
    return tuple(dict.fromkeys(out))


def proxy_setting(global_settings: dict[str, str]) -> str | None:
    """The proxy set on the phone (``http_proxy`` or ``global_http_proxy_host``), else None."""
    value = global_settings.get("http_proxy", "").strip()
    if value and value not in ("null", ":0", "0"):
        return value
    host = global_settings.get("global_http_proxy_host", "").strip()
    if host and host != "null":
        port = global_settings.get("global_http_proxy_port", "").strip()
        return f"{host}:{port}" if port and port != "null" else host
    return None


# -- dumpsys accessibility ------------------------------------------------------------------
@dataclass(frozen=True)
class Accessibility:
    """Accessibility services from ``dumpsys accessibility`` (old and Android 14+ formats)."""

    enabled: tuple[Component, ...] = ()
    installed: tuple[Component, ...] = ()
    bound_labels: tuple[str, ...] = ()
    recognised: bool = False


_A11Y_ITEM_RE = re.compile(r"\s{0,40}[0-9]{1,4}\s{0,4}:\s{0,4}(\S{1,600})\s*")
_BRACED_RE = re.compile(r"\{([^{}\s,]{1,600})\}")
_LABEL_RE = re.compile(r"Service\[label=([^,\]]{0,200})")


def parse_accessibility(text: str) -> Accessibility:
    enabled: list[Component] = []
    installed: list[Component] = []
    labels: list[str] = []
    recognised = False
    block: list[Component] | None = None
    for line in lines(text):
        low = line.strip().lower()
        if block is not None:
            if low.startswith("}"):
                block = None
                continue
            m = _A11Y_ITEM_RE.fullmatch(line)
            if m:
                c = _COMPONENT_RE.fullmatch(m.group(1))
                if c:
                    block.append(Component(c.group(1), c.group(2)))
            continue
        if low.startswith(("enabled services:", "installed services:")):
            recognised = True
            target = enabled if low.startswith("enabled") else installed
            after = line.split(":", 1)[1].strip()
            if after.startswith("{{") or after.startswith("{}"):  # Android 14+: one line
                for item in _BRACED_RE.findall(after):
                    c = _COMPONENT_RE.fullmatch(item)
                    if c:
                        target.append(Component(c.group(1), c.group(2)))
            elif after.startswith("{"):  # older: a block of "N : pkg/cls" lines
                block = target
        elif low.startswith("bound services:"):
            recognised = True
            labels.extend(x.strip() for x in _LABEL_RE.findall(line) if x.strip())
        elif "installedservicecount=" in low or "accessibility manager" in low:
            recognised = True
    return Accessibility(enabled=tuple(dict.fromkeys(enabled)),
                         installed=tuple(dict.fromkeys(installed)),
                         bound_labels=tuple(labels[:50]), recognised=recognised)


# -- device admins and owners ---------------------------------------------------------------
@dataclass(frozen=True)
class Owner:
    """A device or profile owner from ``dpm list-owners`` or ``dumpsys device_policy``."""

    component: Component
    device_owner: bool
    profile_owner: bool
    user: int | None = None


_OWNER_RE = re.compile(r"\s{0,8}User\s{1,4}([0-9]{1,6}):\s{0,4}admin=(\S{1,700})")


def parse_dpm_owners(text: str) -> tuple[Owner, ...]:
    """``dpm list-owners``: ``User  0: admin=pkg/.Receiver,DeviceOwner`` lines."""
    out: list[Owner] = []
    for line in lines(text):
        m = _OWNER_RE.match(line)
        if not m:
            continue
        comp_text, *flags = m.group(2).split(",")
        c = _COMPONENT_RE.fullmatch(comp_text)
        if not c:
            continue
        out.append(Owner(Component(c.group(1), c.group(2)), "DeviceOwner" in flags,
                         "ProfileOwner" in flags, int(m.group(1))))
    return tuple(out)


_ADMIN_ITEM_RE = re.compile(rf"\s{{1,40}}({PKG_RE})/([A-Za-z0-9_.$]{{1,300}}):\s*")
_COMPINFO_RE = re.compile(r"admin=ComponentInfo\{([^{}\s]{1,700})\}")


@dataclass(frozen=True)
class DevicePolicy:
    """Active device admins and owners from ``dumpsys device_policy``."""

    admins: tuple[Component, ...] = ()
    owners: tuple[Owner, ...] = ()
    recognised: bool = False


def parse_device_policy(text: str) -> DevicePolicy:
    admins: list[Component] = []
    owners: list[Owner] = []
    recognised = False
    admin_indent: int | None = None
    owner_kind: str | None = None
    for line in lines(text):
        if not line.strip():
            continue
        ind = _indent(line)
        stripped = line.strip()
        if stripped.startswith(("Enabled Device Admins", "Device Owner", "Profile Owner")):
            recognised = True
        if stripped.startswith("Enabled Device Admins"):
            admin_indent, owner_kind = ind, None
            continue
        if admin_indent is not None:
            if ind <= admin_indent:
                admin_indent = None
            else:
                m = _ADMIN_ITEM_RE.fullmatch(line)
                if m:
                    admins.append(Component(m.group(1), m.group(2)))
                continue
        if stripped.startswith("Device Owner"):
            owner_kind = "device"
        elif stripped.startswith("Profile Owner"):
            owner_kind = "profile"
        elif stripped.startswith("Current Device Policy Manager state"):
            recognised = True
        m2 = _COMPINFO_RE.search(line)
        if m2 and owner_kind:
            c = _COMPONENT_RE.fullmatch(m2.group(1))
            if c:
                owners.append(Owner(Component(c.group(1), c.group(2)), owner_kind == "device",
                                    owner_kind == "profile"))
            owner_kind = None
    return DevicePolicy(tuple(dict.fromkeys(admins)), tuple(dict.fromkeys(owners)), recognised)


# -- dumpsys appops -------------------------------------------------------------------------
@dataclass(frozen=True)
class AppOp:
    """One app-op mode: for a package, or for a whole uid (``package`` None)."""

    uid: str
    package: str | None
    op: str
    mode: str


_UID_RE = re.compile(r"\s{1,12}Uid ([A-Za-z0-9_]{1,40}):\s*")
_PKG_LINE_RE = re.compile(rf"\s{{1,12}}Package ({PKG_RE}):\s*")
_OP_PKG_RE = re.compile(r"\s{1,16}([A-Z][A-Z0-9_]{1,80}) \(([a-z]{1,20})[^)]{0,300}\):?\s*")
_OP_UID_RE = re.compile(r"\s{1,16}([A-Z][A-Z0-9_]{1,80}): mode=([a-z]{1,20})\s*")


def parse_appops(text: str, ops: frozenset[str] = frozenset({"REQUEST_INSTALL_PACKAGES"})
                 ) -> tuple[AppOp, ...]:
    """Modes of ``ops`` from ``dumpsys appops``, per package (and per uid where set so)."""
    out: list[AppOp] = []
    uid = ""
    package: str | None = None
    for line in lines(text):
        m = _UID_RE.fullmatch(line)
        if m:
            uid, package = m.group(1), None
            continue
        m = _PKG_LINE_RE.fullmatch(line)
        if m:
            package = m.group(1)
            continue
        if not uid:
            continue
        m = _OP_PKG_RE.fullmatch(line)
        if m and package and m.group(1) in ops:
            out.append(AppOp(uid, package, m.group(1), m.group(2)))
            continue
        m = _OP_UID_RE.fullmatch(line)
        if m and m.group(1) in ops and package is None:
            out.append(AppOp(uid, None, m.group(1), m.group(2)))
    return tuple(out)


# -- root signs, SELinux, date --------------------------------------------------------------
_PATH_RE = re.compile(r"/[A-Za-z0-9_.\-/]{1,255}")


def parse_root_binaries(text: str) -> tuple[str, ...]:
    """Paths printed by the script's ``[ -e <dir>/<file> ]`` loop (one per line)."""
    return tuple(dict.fromkeys(s.strip() for s in lines(text) if _PATH_RE.fullmatch(s.strip())))


def parse_root_binaries_json(text: str) -> tuple[str, ...]:
    """AndroidQF's ``root_binaries.json``: a JSON list of paths."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise AndroidParseError(part="root_binaries.json") from exc
    if not isinstance(data, list):
        raise AndroidParseError(part="root_binaries.json")
    return tuple(dict.fromkeys(str(p)[:255] for p in data if isinstance(p, str) and p))


def parse_getenforce(text: str) -> str:
    """``Enforcing``, ``Permissive``, ``Disabled`` or "" when the output is something else."""
    for line in lines(text):
        word = line.strip()
        if word in ("Enforcing", "Permissive", "Disabled"):
            return word
    return ""


_DATE_RE = re.compile(r"\s*([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)\s*")


def parse_date(text: str) -> str:
    """The phone's UTC clock from ``date -u +%Y-%m-%dT%H:%M:%SZ``, or ""."""
    for line in lines(text):
        m = _DATE_RE.fullmatch(line)
        if m:
            return m.group(1)
    return ""


# -- AndroidQF dumpsys.txt ------------------------------------------------------------------
_DUMP_HEADER_RE = re.compile(
    r"DUMP OF SERVICE (?:CRITICAL |HIGH |NORMAL )?([A-Za-z0-9_.\-]{1,100}):")


def split_dumpsys(text: str) -> dict[str, str]:
    """Cut a full ``dumpsys`` output into services (``DUMP OF SERVICE <name>:`` headers)."""
    out: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines(text):
        m = _DUMP_HEADER_RE.match(line)
        if m:
            current = out.setdefault(m.group(1), [])
            continue
        if line.startswith("--------- ") and "was the duration of dumpsys" in line:
            current = None
            continue
        if current is not None:
            current.append(line)
    return {k: "\n".join(v) + "\n" for k, v in out.items()}
