"""Grade what the scan saw into ``Finding`` values, linked to the catalog's checks.

Pure: a ``PhoneState`` and an ``IndicatorSet`` in, findings out. Wording lives in the UI
catalog; here each finding carries a ``reason`` code and the facts (package, installer,
install time...) in ``detail``. Severities follow issue 5 and are worded without alarm: an
app with powers that monitoring apps use is a question to ask ("did you install this?"),
not a verdict. Lists and thresholds come from ``data/signals.yaml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from typing import Any

from safetycheck.model import Area, Finding, Severity, Status
from safetycheck.probes.android.indicators import IndicatorSet
from safetycheck.probes.android.state import AppState, PhoneState

SOURCE = "probe:android"
PLATFORM = "android"

CHECKS: dict[str, Severity] = {
    "android_no_known_stalkerware": Severity.CRITICAL,
    "android_no_watchware": Severity.HIGH,
    "android_no_unknown_admin_apps": Severity.HIGH,
    "android_no_unknown_accessibility": Severity.HIGH,
    "android_no_unknown_notification_access": Severity.HIGH,
    "android_apps_from_store": Severity.MEDIUM,
    "android_unknown_sources_off": Severity.MEDIUM,
    "android_play_protect_on": Severity.HIGH,
    "android_no_proxy": Severity.HIGH,
    "android_not_rooted": Severity.HIGH,
    "android_security_patch_recent": Severity.MEDIUM,
    "android_no_hidden_apps": Severity.MEDIUM,
    "android_usb_debugging_off": Severity.INFO,
}

# Which raw sections each check reads (evidence links, and "not checked" when all are absent).
CHECK_SECTIONS: dict[str, tuple[str, ...]] = {
    "android_no_known_stalkerware": ("pm_list", "packages_json", "packages"),
    "android_no_watchware": ("pm_list", "packages_json", "packages"),
    "android_no_unknown_admin_apps": ("device_policy", "dpm_owners"),
    "android_no_unknown_accessibility": ("settings_secure", "accessibility"),
    "android_no_unknown_notification_access": ("settings_secure",),
    "android_apps_from_store": ("pm_list", "packages_json", "packages"),
    "android_unknown_sources_off": ("appops", "settings_secure"),
    "android_play_protect_on": ("settings_global",),
    "android_no_proxy": ("settings_global",),
    "android_not_rooted": ("root_binaries", "root_binaries_json", "getprop"),
    "android_security_patch_recent": ("getprop",),
    "android_no_hidden_apps": ("launcher",),
    "android_usb_debugging_off": ("settings_global",),
}
_SUPPORT_SECTIONS = {"android_apps_from_store": ("pm_system", "packages"),
                     "android_no_hidden_apps": ("packages",),
                     "android_no_unknown_admin_apps": ("pm_list", "packages"),
                     "android_no_unknown_accessibility": ("pm_list", "packages"),
                     "android_no_unknown_notification_access": ("pm_list", "packages")}


@cache
def signals() -> dict[str, Any]:
    """``data/signals.yaml``: stores, installers, root packages, thresholds."""
    import yaml

    raw = (resources.files("safetycheck.probes.android") / "data" / "signals.yaml").read_text(
        encoding="utf-8")
    return dict(yaml.safe_load(raw))


def installer_name(installer: str | None) -> str:
    """The store's name for a store installer id ("Google Play"), else ""."""
    return str(signals()["stores"].get(installer, "")) if installer else ""


def installer_kind(installer: str | None) -> str:
    """"store", "package_installer" (an APK file), "adb", "other" or "none"."""
    if not installer:
        return "none"
    sig = signals()
    if installer in sig["stores"]:
        return "store"
    return str(sig["installers"].get(installer, "other"))


@dataclass
class Evaluation:
    """Findings plus the summaries the probe run records."""

    findings: list[Finding] = field(default_factory=list)
    apps_flagged: list[dict[str, Any]] = field(default_factory=list)
    settings_flagged: list[dict[str, str]] = field(default_factory=list)
    not_checked: list[str] = field(default_factory=list)


class _Grader:
    def __init__(self, state: PhoneState, indicators: IndicatorSet, today: date,
                 evidence: Mapping[str, str]) -> None:
        self.state = state
        self.ind = indicators
        self.today = today
        self.evidence = evidence
        self.out = Evaluation()
        self.labels: dict[str, str] = {}
        self._apps: dict[str, dict[str, Any]] = {}
        self._settings: dict[str, str] = {}

    # -- helpers ----------------------------------------------------------------------------
    def ev(self, check_id: str) -> list[str]:
        names = CHECK_SECTIONS[check_id] + _SUPPORT_SECTIONS.get(check_id, ())
        return list(dict.fromkeys(self.evidence[n] for n in names if n in self.evidence))

    def add(self, check_id: str, detail: dict[str, Any], status: Status = Status.AT_RISK,
            severity: Severity | None = None) -> None:
        self.out.findings.append(Finding(
            check_id=check_id, area=Area.STALKERWARE, severity=severity or CHECKS[check_id],
            status=status, source=SOURCE, platform=PLATFORM, detail=detail,
            evidence=self.ev(check_id)))

    def app_detail(self, pkg: str, reason: str, **extra: Any) -> dict[str, Any]:
        app = self.state.apps.get(pkg) or AppState(package=pkg)
        detail = {"package": pkg, "label": self.labels.get(pkg, ""),
                  "installer": app.installer or "", "installer_name": installer_name(app.installer),
                  "installer_kind": installer_kind(app.installer),
                  "first_install": app.first_install or "", "system": app.system,
                  "reason": reason, **extra}
        flagged = self._apps.setdefault(pkg, {
            "package": pkg, "label": detail["label"], "installer": detail["installer"],
            "first_install": detail["first_install"], "reasons": []})
        if reason not in flagged["reasons"]:
            flagged["reasons"].append(reason)
        return detail

    def setting(self, name: str, value: str) -> None:
        self._settings[name] = value

    def has(self, check_id: str) -> bool:
        return any(n in self.state.available for n in CHECK_SECTIONS[check_id])

    def unknown_app(self, pkg: str) -> bool:
        """A third-party app (or one whose kind is unknown). A component of an app missing
        from a known package list is a stale setting left by an uninstalled app: skipped."""
        app = self.state.apps.get(pkg)
        if app is None:
            return not self.state.apps
        return app.system is not True

    # -- checks -----------------------------------------------------------------------------
    def indicators(self) -> None:
        for pkg, app in sorted(self.state.apps.items()):
            m = self.ind.match(pkg, app.cert_sha1, app.cert_subjects)
            if not m:
                continue
            self.labels[pkg] = m.app.name
            check = ("android_no_known_stalkerware" if m.app.kind == "stalkerware"
                     else "android_no_watchware")
            self.add(check, self.app_detail(
                pkg, f"{m.app.kind}_{m.how}", family=m.app.name, kind=m.app.kind,
                matched=m.value, installed=app.installed, indicator_set=self.ind.label()))

    def powers(self) -> None:
        owners = {o.component.package: o for o in self.state.owners}
        for comp in self.state.device_admins:
            if self.unknown_app(comp.package):
                owner = owners.get(comp.package)
                reason = ("device_owner" if owner and owner.device_owner else
                          "profile_owner" if owner and owner.profile_owner else "device_admin")
                self.add("android_no_unknown_admin_apps",
                         self.app_detail(comp.package, reason, component=str(comp)))
        for comp in self.state.accessibility:
            if self.unknown_app(comp.package):
                self.add("android_no_unknown_accessibility",
                         self.app_detail(comp.package, "accessibility", component=str(comp)))
        for comp in self.state.notification_listeners:
            if self.unknown_app(comp.package):
                self.add("android_no_unknown_notification_access",
                         self.app_detail(comp.package, "notification_access",
                                         component=str(comp)))

    def store(self) -> None:
        stores = signals()["stores"]
        for pkg, app in sorted(self.state.apps.items()):
            if app.system is not False or not app.installed or app.installer in stores:
                continue
            if app.installer is None:
                reason = "installer_none"
            else:
                reason = f"installer_{installer_kind(app.installer)}"
            self.add("android_apps_from_store", self.app_detail(pkg, reason))

    def unknown_sources(self) -> None:
        stores = signals()["stores"]
        for pkg in self.state.install_grants:
            if pkg in stores:
                continue  # installing apps is what a store is for
            self.add("android_unknown_sources_off",
                     self.app_detail(pkg, "install_unknown_apps"))
        legacy = self.state.settings_secure.get("install_non_market_apps")
        if legacy == "1":
            self.setting("install_non_market_apps", legacy)
            self.add("android_unknown_sources_off",
                     {"setting": "install_non_market_apps", "value": legacy,
                      "reason": "install_non_market_apps"})

    def play_protect(self) -> None:
        value = self.state.settings_global.get("package_verifier_enable")
        if value == "0":
            self.setting("package_verifier_enable", value)
            self.add("android_play_protect_on", {"setting": "package_verifier_enable",
                                                 "value": value, "reason": "play_protect_off"})

    def proxy(self) -> None:
        from safetycheck.probes.android.parse_system import proxy_setting

        value = proxy_setting(dict(self.state.settings_global))
        if value:
            self.setting("http_proxy", value)
            self.add("android_no_proxy", {"setting": "http_proxy", "value": value,
                                          "reason": "proxy_set"})

    def root(self) -> None:
        sig = signals()
        strong: list[str] = []
        weak: list[str] = []
        found_bins = list(self.state.root_binaries)
        root_pkgs = sorted(p for p in self.state.apps if p in sig["root_packages"]
                           or any(w in p.lower() for w in sig["root_package_words"]))
        if found_bins:
            strong.append("root_binary")
        if root_pkgs:
            strong.append("root_package")
        props = self.state.props
        if props.build_type == "user" and props.debuggable == "1":
            weak.append("debuggable")
        if props.verified_boot_state in ("orange", "yellow", "red") or props.flash_locked == "0":
            weak.append("bootloader_unlocked")
        if props.build_tags and "test-keys" in props.build_tags:
            weak.append("test_keys")
        if self.state.selinux in ("Permissive", "Disabled"):
            weak.append("selinux_off")
        if not strong and not weak:
            return
        self.add("android_not_rooted", {
            "reason": (strong or weak)[0], "reasons": strong + weak,
            "binaries": found_bins[:20], "packages": root_pkgs[:20],
            "verified_boot_state": props.verified_boot_state, "build_tags": props.build_tags,
        }, status=Status.AT_RISK if strong else Status.UNKNOWN)
        for pkg in root_pkgs:
            self.app_detail(pkg, "root_package")

    def patch(self) -> None:
        patch = self.state.props.security_patch
        try:
            patched = date.fromisoformat(patch[:10])
        except ValueError:
            return
        age = (self.today - patched).days
        if age > int(signals()["patch_max_age_days"]):
            self.setting("ro.build.version.security_patch", patch)
            self.add("android_security_patch_recent", {
                "reason": "patch_old", "security_patch": patch, "age_days": age,
                "android_version": self.state.props.android_version})

    def hidden(self) -> None:
        for pkg, app in sorted(self.state.apps.items()):
            if (app.has_launcher is False and app.system is False and app.installed
                    and not app.disabled):
                self.add("android_no_hidden_apps", self.app_detail(pkg, "no_launcher_icon"))

    def usb_debugging(self) -> None:
        g = self.state.settings_global
        on = [k for k in ("adb_enabled", "development_settings_enabled") if g.get(k) == "1"]
        if self.state.source == "adb" and "adb_enabled" not in on and "adb_enabled" not in g:
            on.insert(0, "adb_enabled")  # the scan itself ran over USB debugging
        if not on:
            return
        for k in on:
            self.setting(k, g.get(k, "1"))
        self.add("android_usb_debugging_off", {"reason": on[0], "settings": on})

    def run(self) -> Evaluation:
        for step in (self.indicators, self.powers, self.store, self.unknown_sources,
                     self.play_protect, self.proxy, self.root, self.patch, self.hidden,
                     self.usb_debugging):
            step()
        self.out.not_checked = [c for c in CHECKS if not self.has(c)]
        if "android_security_patch_recent" not in self.out.not_checked and \
                not self.state.props.security_patch:
            self.out.not_checked.append("android_security_patch_recent")
        self.out.findings.sort(key=lambda f: (f.severity.rank, f.check_id,
                                              str(f.detail.get("package", ""))))
        self.out.apps_flagged = list(self._apps.values())
        self.out.settings_flagged = [{"name": k, "value": v} for k, v in self._settings.items()]
        return self.out


def evaluate(state: PhoneState, indicators: IndicatorSet, today: date | None = None,
             evidence: Mapping[str, str] | None = None) -> Evaluation:
    """Every finding the phone's state gives, with summaries for the probe run.

    ``evidence`` maps a section name to the evidence id its raw output was stored under.
    """
    grader = _Grader(state, indicators, today or datetime.now(UTC).date(), evidence or {})
    return grader.run()

