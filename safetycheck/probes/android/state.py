"""Turn an ``Acquisition`` (raw sections from any transport) into one view of the phone.

Pure: no I/O. Each section is parsed inside its own error handling, so an unreadable part
only removes the checks that need it (listed in ``PhoneState.unreadable``), never the scan.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from safetycheck.probes.android import parse_packages as pp
from safetycheck.probes.android import parse_system as ps
from safetycheck.probes.android.interface import Acquisition, AndroidParseError


@dataclass(frozen=True)
class AppState:
    """Everything the scan knows about one installed app."""

    package: str
    installer: str | None = None
    uid: int | None = None
    system: bool | None = None
    disabled: bool = False
    installed: bool = True  # False: uninstalled for this user, data kept (``pm list -u``)
    first_install: str | None = None
    last_update: str | None = None
    version: str = ""
    has_launcher: bool | None = None
    cert_sha1: tuple[str, ...] = ()
    cert_subjects: tuple[str, ...] = ()
    requested_permissions: tuple[str, ...] = ()
    granted_permissions: tuple[str, ...] = ()


@dataclass(frozen=True)
class PhoneState:
    """The phone as the findings see it, whatever transport it came from."""

    source: str
    props: ps.DeviceProps = field(default_factory=ps.DeviceProps)
    phone_time: str = ""
    apps: Mapping[str, AppState] = field(default_factory=dict)
    settings_secure: Mapping[str, str] = field(default_factory=dict)
    settings_global: Mapping[str, str] = field(default_factory=dict)
    accessibility: tuple[ps.Component, ...] = ()
    notification_listeners: tuple[ps.Component, ...] = ()
    device_admins: tuple[ps.Component, ...] = ()
    owners: tuple[ps.Owner, ...] = ()
    install_grants: tuple[str, ...] = ()  # packages allowed to install unknown apps
    root_binaries: tuple[str, ...] = ()
    selinux: str = ""
    available: frozenset[str] = frozenset()  # sections that were present and readable
    unreadable: tuple[str, ...] = ()
    pm_args: str = ""


_UID_TEXT_RE = re.compile(r"u([0-9]{1,4})a([0-9]{1,6})")


def uid_number(text: str) -> int | None:
    """``u0a104`` -> 10104; ``1000`` -> 1000."""
    m = _UID_TEXT_RE.fullmatch(text)
    if m:
        return int(m.group(1)) * 100000 + 10000 + int(m.group(2))
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def build_state(acq: Acquisition) -> PhoneState:
    """Parse every section of ``acq`` and merge them into a ``PhoneState``."""
    sec = dict(acq.sections)
    unreadable: list[str] = []
    available: set[str] = set()

    def parsed(name: str, parser, default):  # type: ignore[no-untyped-def]
        if name not in sec:
            return default
        try:
            value = parser(sec[name])
        except AndroidParseError:
            unreadable.append(name)
            return default
        available.add(name)
        return value

    props = ps.device_props(parsed("getprop", ps.parse_getprop, {}))
    secure = parsed("settings_secure", ps.parse_settings, {})
    glob = parsed("settings_global", ps.parse_settings, {})
    entries: tuple[pp.PackageEntry, ...] = parsed("packages_json", pp.parse_androidqf_packages, ())
    if "pm_list" in sec:
        entries = entries or parsed("pm_list", pp.parse_pm_list, ())
    system_names = parsed("pm_system", pp.package_names, None)
    disabled_names = parsed("pm_disabled", pp.package_names, frozenset())
    infos = parsed("packages", pp.parse_dumpsys_package, {})
    launcher = parsed("launcher", pp.parse_launcher, None)
    if "launcher" in sec and launcher is None:
        available.discard("launcher")
    launcher_scope: set[str] | None = None  # apps the launcher answer covers (None: all)
    if launcher is None and "packages" in sec:
        launcher = pp.launcher_from_resolver(sec["packages"])
        if launcher is not None:
            available.add("launcher")
            launcher_scope = set(infos)
    a11y = parsed("accessibility", ps.parse_accessibility, ps.Accessibility())
    policy = parsed("device_policy", ps.parse_device_policy, ps.DevicePolicy())
    owners = parsed("dpm_owners", ps.parse_dpm_owners, ())
    appops = parsed("appops", ps.parse_appops, ())
    roots = parsed("root_binaries", ps.parse_root_binaries, ())
    roots = roots or parsed("root_binaries_json", ps.parse_root_binaries_json, ())
    selinux = parsed("getenforce", ps.parse_getenforce, "")
    phone_time = parsed("date", ps.parse_date, "")

    by_name = {e.name: e for e in entries}
    names = list(by_name) or list(infos)
    names += [n for n in infos if n not in by_name]
    apps: dict[str, AppState] = {}
    for name in names:
        e = by_name.get(name)
        info = infos.get(name)
        system = e.system if e and e.system is not None else None
        if system is None and info is not None:
            system = info.system
        if system is None and system_names is not None:
            system = name in system_names
        disabled = bool((e and e.disabled) or name in disabled_names
                        or (info and info.enabled_state in (2, 3, 4)))
        apps[name] = AppState(
            package=name,
            installer=(info.installer if info and info.installer else None)
            or (e.installer if e else None),
            uid=(e.uid if e and e.uid is not None else None) or (info.uid if info else None),
            system=system,
            disabled=disabled,
            installed=not (info is not None and info.installed is False),
            first_install=info.first_install if info else None,
            last_update=info.last_update if info else None,
            version=info.version_name if info else "",
            has_launcher=None if launcher is None or (launcher_scope is not None
                                                      and name not in launcher_scope)
            else name in launcher,
            cert_sha1=e.cert_sha1 if e else (),
            cert_subjects=e.cert_subjects if e else (),
            requested_permissions=info.requested_permissions if info else (),
            granted_permissions=info.granted_permissions if info else (),
        )

    by_uid: dict[int, list[str]] = {}
    for app in apps.values():
        if app.uid is not None:
            by_uid.setdefault(app.uid, []).append(app.package)
    grants: list[str] = []
    per_package = {op.package for op in appops if op.package}
    for op in appops:
        if op.mode != "allow":
            continue
        if op.package:
            grants.append(op.package)
        else:
            uid = uid_number(op.uid)
            grants.extend(p for p in by_uid.get(uid, []) if uid is not None
                          and p not in per_package)

    accessibility = ps.parse_components(secure.get("enabled_accessibility_services"))
    accessibility = tuple(dict.fromkeys(accessibility + a11y.enabled))
    listeners = ps.parse_components(secure.get("enabled_notification_listeners"))
    admins = tuple(dict.fromkeys(policy.admins + tuple(o.component for o in owners)
                                 + tuple(o.component for o in policy.owners)))
    return PhoneState(
        source=acq.source,
        props=props,
        phone_time=phone_time,
        apps=apps,
        settings_secure=secure,
        settings_global=glob,
        accessibility=accessibility,
        notification_listeners=listeners,
        device_admins=admins,
        owners=tuple(dict.fromkeys(owners + policy.owners)),
        install_grants=tuple(dict.fromkeys(grants)),
        root_binaries=roots,
        selinux=selinux,
        available=frozenset(available),
        unreadable=tuple(unreadable),
        pm_args=sec.get("pm_args", "").strip()[:100],
    )
