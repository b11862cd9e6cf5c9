"""Every finding type of the Android scan: one test that triggers it, one that shows it absent."""

from __future__ import annotations

from datetime import date

import pytest

from safetycheck.model import Area, Severity, Status
from safetycheck.probes.android import findings as fnd
from safetycheck.probes.android.indicators import builtin_set
from safetycheck.probes.android.parse_system import Component, DeviceProps, Owner
from safetycheck.probes.android.state import AppState, PhoneState

TODAY = date(2026, 11, 28)
ALL = frozenset({"pm_list", "packages", "pm_system", "settings_secure", "settings_global",
                 "accessibility", "device_policy", "dpm_owners", "appops", "root_binaries",
                 "getprop", "launcher"})
SYSTEM = AppState("com.android.settings", system=True, has_launcher=True)
STORE_APP = AppState("org.telegram.messenger", installer="com.android.vending", system=False,
                     has_launcher=True, first_install="2025-01-01 10:00:00")


def phone(*apps: AppState, **kw) -> PhoneState:
    kw.setdefault("available", ALL)
    kw.setdefault("props", DeviceProps(security_patch="2026-10-01", verified_boot_state="green",
                                       build_tags="release-keys", build_type="user",
                                       debuggable="0"))
    return PhoneState(source=kw.pop("source", "androidqf"),
                      apps={a.package: a for a in (SYSTEM, STORE_APP, *apps)}, **kw)


def found(state: PhoneState, check: str) -> list:
    ev = fnd.evaluate(state, builtin_set(), TODAY, {"pm_list": "ev1", "settings_global": "ev2"})
    return [f for f in ev.findings if f.check_id == check]


def test_clean_phone_has_no_findings():
    ev = fnd.evaluate(phone(), builtin_set(), TODAY)
    assert ev.findings == [] and ev.not_checked == [] and ev.apps_flagged == []


# -- known stalkerware / watchware -------------------------------------------------------------
def test_known_stalkerware_triggers_critical():
    spy = AppState("com.systemservice", installer="com.google.android.packageinstaller",
                   system=False, first_install="2026-11-05 09:00:00")
    [f] = found(phone(spy), "android_no_known_stalkerware")
    assert (f.severity, f.status, f.area, f.source, f.platform) == (
        Severity.CRITICAL, Status.AT_RISK, Area.STALKERWARE, "probe:android", "android")
    assert f.detail["package"] == "com.systemservice" and f.detail["label"] == "TheTruthSpy"
    assert f.detail["first_install"] == "2026-11-05 09:00:00"
    assert f.detail["reason"] == "stalkerware_package" and f.evidence == ["ev1"]


def test_stalkerware_matched_by_certificate_under_another_name():
    renamed = AppState("net.example.talk", system=False,
                       cert_sha1=("0ECD5FD80682776D804715AB5B8504DAF59A4B54",))
    [f] = found(phone(renamed), "android_no_known_stalkerware")
    assert f.detail["family"] == "Ahmyth" and f.detail["reason"] == "stalkerware_certificate"


def test_no_stalkerware_or_watchware_on_ordinary_apps():
    assert found(phone(), "android_no_known_stalkerware") == []
    assert found(phone(), "android_no_watchware") == []


def test_watchware_is_high_and_separate_from_stalkerware():
    life = AppState("com.life360.android.safetymapd", installer="com.android.vending",
                    system=False, has_launcher=True)
    [f] = found(phone(life), "android_no_watchware")
    assert f.severity is Severity.HIGH and f.detail["kind"] == "watchware"
    assert found(phone(life), "android_no_known_stalkerware") == []


# -- powers: device admin, accessibility, notification access ------------------------------
def test_device_admin_owner_accessibility_and_notification_access():
    app = AppState("com.example.sync", installer="com.android.vending", system=False,
                   has_launcher=True)
    comp = Component("com.example.sync", ".X")
    state = phone(app, device_admins=(comp,), accessibility=(comp,),
                  notification_listeners=(comp,),
                  owners=(Owner(comp, device_owner=True, profile_owner=False),))
    [admin] = found(state, "android_no_unknown_admin_apps")
    assert admin.detail["reason"] == "device_owner" and admin.severity is Severity.HIGH
    assert found(state, "android_no_unknown_accessibility")[0].detail["component"] == \
        "com.example.sync/.X"
    assert len(found(state, "android_no_unknown_notification_access")) == 1


def test_stale_setting_of_an_uninstalled_app_is_not_flagged():
    stale = Component("com.uninstalled.app", ".Svc")
    assert found(phone(accessibility=(stale,)), "android_no_unknown_accessibility") == []
    # ...but with no package list at all (a partial scan) the scan cannot tell: flagged
    partial = PhoneState(source="adb", accessibility=(stale,), available=ALL)
    assert len(found(partial, "android_no_unknown_accessibility")) == 1


def test_system_apps_holding_powers_are_not_flagged():
    comp = Component("com.android.settings", ".Admin")
    state = phone(device_admins=(comp,), accessibility=(comp,), notification_listeners=(comp,))
    for check in ("android_no_unknown_admin_apps", "android_no_unknown_accessibility",
                  "android_no_unknown_notification_access"):
        assert found(state, check) == []


# -- installer ---------------------------------------------------------------------------------
@pytest.mark.parametrize("installer,reason", [
    ("com.google.android.packageinstaller", "installer_package_installer"),
    (None, "installer_none"),
    ("com.android.shell", "installer_adb"),
    ("com.some.other", "installer_other"),
])
def test_app_from_outside_a_store(installer, reason):
    app = AppState("com.example.sideloaded", installer=installer, system=False,
                   has_launcher=True)
    [f] = found(phone(app), "android_apps_from_store")
    assert f.severity is Severity.MEDIUM and f.detail["reason"] == reason


def test_store_installs_and_system_apps_are_fine():
    fdroid = AppState("org.nuclearfog.apollo", installer="org.fdroid.fdroid", system=False,
                      has_launcher=True)
    galaxy = AppState("com.kakao.talk", installer="com.sec.android.app.samsungapps",
                      system=False, has_launcher=True)
    preloaded = AppState("com.samsung.x", installer=None, system=True)
    gone = AppState("com.example.gone", installer=None, system=False, installed=False)
    assert found(phone(fdroid, galaxy, preloaded, gone), "android_apps_from_store") == []


# -- install unknown apps ----------------------------------------------------------------------
def test_install_unknown_apps_granted():
    chrome = AppState("com.android.chrome", system=True, has_launcher=True)
    [f] = found(phone(chrome, install_grants=("com.android.chrome",)),
                "android_unknown_sources_off")
    assert f.detail["reason"] == "install_unknown_apps" and f.severity is Severity.MEDIUM
    [legacy] = found(phone(settings_secure={"install_non_market_apps": "1"}),
                     "android_unknown_sources_off")
    assert legacy.detail["setting"] == "install_non_market_apps"


def test_install_unknown_apps_absent_or_held_by_a_store():
    fdroid = AppState("org.fdroid.fdroid", system=False, installer="com.android.vending")
    state = phone(fdroid, install_grants=("org.fdroid.fdroid",),
                  settings_secure={"install_non_market_apps": "0"})
    assert found(state, "android_unknown_sources_off") == []


# -- settings ----------------------------------------------------------------------------------
def test_play_protect_off_and_on():
    [f] = found(phone(settings_global={"package_verifier_enable": "0"}),
                "android_play_protect_on")
    assert f.severity is Severity.HIGH and f.evidence == ["ev2"]
    assert found(phone(settings_global={"package_verifier_enable": "1"}),
                 "android_play_protect_on") == []
    assert found(phone(settings_global={}), "android_play_protect_on") == []  # unset: no claim


def test_proxy_set_and_unset():
    [f] = found(phone(settings_global={"http_proxy": "10.1.1.1:8080"}), "android_no_proxy")
    assert f.detail["value"] == "10.1.1.1:8080" and f.severity is Severity.HIGH
    assert found(phone(settings_global={"http_proxy": ":0"}), "android_no_proxy") == []


def test_rooted_phone_strong_and_weak_signs():
    magisk = AppState("com.topjohnwu.magisk", installer="com.google.android.packageinstaller",
                      system=False, has_launcher=True)
    [f] = found(phone(magisk, root_binaries=("/system/xbin/su",)), "android_not_rooted")
    assert f.status is Status.AT_RISK and f.detail["reasons"][:2] == ["root_binary",
                                                                      "root_package"]
    weak = phone(props=DeviceProps(security_patch="2026-10-01", verified_boot_state="orange",
                                   build_tags="test-keys", build_type="user", debuggable="1"))
    [w] = found(weak, "android_not_rooted")
    assert w.status is Status.UNKNOWN  # signs, not certainty
    assert set(w.detail["reasons"]) == {"bootloader_unlocked", "test_keys", "debuggable"}


def test_not_rooted():
    assert found(phone(selinux="Enforcing"), "android_not_rooted") == []


def test_security_patch_age():
    old = phone(props=DeviceProps(security_patch="2026-03-01"))
    [f] = found(old, "android_security_patch_recent")
    assert f.detail["age_days"] == 272 and f.severity is Severity.MEDIUM
    assert found(phone(props=DeviceProps(security_patch="2026-06-01")),
                 "android_security_patch_recent") == []
    ev = fnd.evaluate(phone(props=DeviceProps()), builtin_set(), TODAY)
    assert "android_security_patch_recent" in ev.not_checked


def test_hidden_apps():
    hidden = AppState("com.example.hidden", installer="com.android.vending", system=False,
                      has_launcher=False)
    [f] = found(phone(hidden), "android_no_hidden_apps")
    assert f.detail["reason"] == "no_launcher_icon"
    system_hidden = AppState("com.android.systemui", system=True, has_launcher=False)
    disabled = AppState("com.example.off", system=False, has_launcher=False, disabled=True)
    unknown = AppState("com.example.q", system=False, has_launcher=None)
    assert found(phone(system_hidden, disabled, unknown), "android_no_hidden_apps") == []


def test_hidden_apps_not_checked_without_a_launcher_answer():
    ev = fnd.evaluate(phone(available=ALL - {"launcher"}), builtin_set(), TODAY)
    assert "android_no_hidden_apps" in ev.not_checked


def test_usb_debugging_info():
    [f] = found(phone(settings_global={"adb_enabled": "1", "development_settings_enabled": "1"}),
                "android_usb_debugging_off")
    assert f.severity is Severity.INFO and f.detail["settings"] == [
        "adb_enabled", "development_settings_enabled"]
    assert found(phone(settings_global={"adb_enabled": "0"}), "android_usb_debugging_off") == []
    # a scan over adb means USB debugging was on, even if the setting was not listed
    assert len(found(phone(source="adb", settings_global={}), "android_usb_debugging_off")) == 1


def test_summaries_for_the_probe_run():
    spy = AppState("com.systemservice", installer=None, system=False, has_launcher=False)
    ev = fnd.evaluate(phone(spy, settings_global={"package_verifier_enable": "0"}),
                      builtin_set(), TODAY)
    [app] = ev.apps_flagged
    assert app["package"] == "com.systemservice" and app["label"] == "TheTruthSpy"
    assert app["reasons"] == ["stalkerware_package", "installer_none", "no_launcher_icon"]
    assert ev.settings_flagged == [{"name": "package_verifier_enable", "value": "0"}]
    assert [f.severity for f in ev.findings] == sorted((f.severity for f in ev.findings),
                                                       key=lambda s: s.rank)


def test_every_check_id_has_a_severity_and_wording():
    from safetycheck import i18n

    assert set(fnd.CHECKS) == set(fnd.CHECK_SECTIONS)
    for check in fnd.CHECKS:
        for lang in ("mn", "en"):
            for part in ("title", "explain"):
                assert i18n.t(f"android.check.{check}.{part}", lang) != \
                    f"android.check.{check}.{part}"
