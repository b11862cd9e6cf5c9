"""Pure parsers of the Android scan, on the project's fixtures and on real outputs when present."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "data" / "android"))
import testlib  # noqa: E402

from safetycheck.probes.android import parse_packages as pp  # noqa: E402
from safetycheck.probes.android import parse_system as ps  # noqa: E402
from safetycheck.probes.android.interface import AndroidParseError  # noqa: E402

read = testlib.read
real = pytest.mark.skipif(not testlib.SHARED_ANDROID.exists(), reason="shared data not present")


def shared(name: str) -> str:
    return (testlib.SHARED_ANDROID / name).read_text(encoding="utf-8", errors="replace")


# -- pm list packages ---------------------------------------------------------------------
def test_pm_list_with_installer_and_uid():
    entries = {e.name: e for e in pp.parse_pm_list(read("pm_list_U_u_i.txt"))}
    assert set(entries) == {"com.android.settings", "com.google.android.gms",
                            "org.telegram.messenger", "com.example.sideloaded",
                            "com.example.fromadb"}
    assert entries["com.android.settings"].installer is None  # "null"
    assert entries["org.telegram.messenger"].installer == "com.android.vending"
    assert entries["org.telegram.messenger"].uid == 10231
    assert entries["com.example.fromadb"].uid == 10233  # first of several users' uids


def test_pm_list_with_apk_paths_containing_equals_signs():
    entries = {e.name: e for e in pp.parse_pm_list(read("pm_list_f_i.txt"))}
    assert entries["com.wifi0"].path == "/data/app/~~Xy7Qe1w==/com.wifi0-q-C29yRZ==/base.apk"
    assert entries["com.wifi0"].installer == "com.android.packageinstaller"
    assert entries["org.fdroid.fdroid"].uid is None


def test_pm_list_without_uid_or_installer():
    entries = pp.parse_pm_list(read("pm_list_plain.txt"))
    assert [e.name for e in entries] == ["com.android.settings", "com.android.chrome",
                                         "org.telegram.messenger"]
    assert all(e.installer is None and e.uid is None for e in entries)


def test_pm_list_samsung_exception_is_not_ok_but_keeps_packages():
    text = read("pm_list_samsung_exception.txt")
    assert not pp.pm_output_ok(text)  # the script then retries with --user 0
    assert [e.name for e in pp.parse_pm_list(text)] == ["com.android.settings"]
    assert not pp.pm_output_ok(read("pm_unknown_option.txt"))
    assert pp.pm_output_ok(read("pm_list_plain.txt"))


def test_package_names_for_system_lists():
    assert pp.package_names(read("pm_list_plain.txt")) == frozenset(
        {"com.android.settings", "com.android.chrome", "org.telegram.messenger"})
    assert pp.package_names("") == frozenset()


# -- dumpsys package ----------------------------------------------------------------------
def test_dumpsys_package_fields():
    infos = pp.parse_dumpsys_package(read("dumpsys_package.txt"))
    assert set(infos) == {"com.android.settings", "org.telegram.messenger",
                          "com.huawei.notimestamp", "com.example.gone"}
    settings = infos["com.android.settings"]
    assert settings.system is True
    assert settings.code_path == "/system/priv-app/SettingsGoogle"  # not the hidden copy
    assert settings.first_install == "2009-01-01 08:00:00"  # under "User 0:" (Android 13+)
    tg = infos["org.telegram.messenger"]
    assert tg.system is False and tg.uid == 10231 and tg.installer == "com.android.vending"
    assert tg.first_install == "2025-02-11 10:05:31" and tg.last_update == "2025-02-11 10:05:33"
    assert tg.requested_permissions == ("android.permission.INTERNET",
                                        "android.permission.READ_CONTACTS",
                                        "android.permission.RECORD_AUDIO")
    assert tg.granted_permissions == ("android.permission.INTERNET",
                                      "android.permission.READ_CONTACTS")
    assert tg.version_name == "10.3.2" and tg.enabled_state == 0 and tg.installed is True


def test_dumpsys_package_vendor_oddities():
    infos = pp.parse_dumpsys_package(read("dumpsys_package.txt"))
    huawei = infos["com.huawei.notimestamp"]
    assert huawei.first_install is None and huawei.installer is None
    assert huawei.enabled_state == 3  # disabled by the user
    gone = infos["com.example.gone"]
    assert gone.installed is False and gone.installer is None  # "installerPackageName=null"


@real
def test_dumpsys_package_real_spytrap_stalkerware():
    infos = pp.parse_dumpsys_package(shared("spytrap/package_spylive360.txt"))
    app = infos["com.wifi0"]
    assert app.installer == "com.android.packageinstaller"
    assert app.first_install == "2021-12-15 17:51:52"
    assert app.system is False and app.uid == 10155
    assert "android.permission.BIND_ACCESSIBILITY_SERVICE" in app.requested_permissions
    assert "android.permission.QUERY_ALL_PACKAGES" in app.granted_permissions
    assert "android.permission.READ_SMS" not in app.granted_permissions  # granted=false


@real
def test_dumpsys_package_real_mvt_system_flags():
    infos = pp.parse_dumpsys_package(shared("mvt/dumpsys_packages.txt"))
    assert infos["com.samsung.android.provider.filterprovider"].system is True
    data_create = infos["com.sec.android.app.DataCreate"]
    assert data_create.uid == 10143 and len(data_create.requested_permissions) == 11
    assert "android.permission.WRITE_SMS" in data_create.granted_permissions


@real
@pytest.mark.parametrize("name", ["contacts", "fdroid", "gpstest", "jitsi", "spylive360"])
def test_dumpsys_package_real_each_spytrap_file(name):
    infos = pp.parse_dumpsys_package(shared(f"spytrap/package_{name}.txt"))
    assert len(infos) == 1
    launcher = pp.launcher_from_resolver(shared(f"spytrap/package_{name}.txt"))
    assert launcher is not None


# -- launcher -----------------------------------------------------------------------------
def test_launcher_brief_and_components_formats():
    brief = pp.parse_launcher(read("launcher_brief.txt"))
    assert brief == {"com.android.settings", "org.telegram.messenger", "com.android.chrome"}
    assert pp.parse_launcher(read("launcher_components.txt")) == {
        "com.android.settings", "org.telegram.messenger"}
    assert pp.parse_launcher("No activities found\n") == frozenset()


def test_launcher_unsupported_is_unknown_not_empty():
    assert pp.parse_launcher(read("launcher_unknown.txt")) is None
    assert pp.parse_launcher("/system/bin/sh: cmd: not found\n") is None


@real
def test_launcher_from_real_resolver_table():
    assert pp.launcher_from_resolver(shared("spytrap/package_spylive360.txt")) == {"com.wifi0"}
    assert pp.launcher_from_resolver(shared("mvt/dumpsys_packages.txt")) is None


# -- accessibility ------------------------------------------------------------------------
def test_accessibility_old_format():
    a = ps.parse_accessibility(read("accessibility_old.txt"))
    assert [str(c) for c in a.enabled] == ["com.example.helper/.HelperService"]
    assert len(a.installed) == 2 and a.recognised


def test_accessibility_android14_format():
    a = ps.parse_accessibility(read("accessibility_v14.txt"))
    assert [c.package for c in a.enabled] == ["com.example.sync", "com.example.kbd"]
    assert a.bound_labels == ("Sync Service", "Keyboard helper")


@real
def test_accessibility_real_outputs():
    old = ps.parse_accessibility(shared("mvt/dumpsys_accessibility.txt"))
    assert old.enabled == () and len(old.installed) == 4
    new = ps.parse_accessibility(shared("mvt/dumpsys_accessibility_v14_or_later.txt"))
    assert [str(c) for c in new.enabled] == [
        "com.malware.accessibility/com.malware.service.malwareservice"]
    spy = ps.parse_accessibility(shared("spytrap/accessibility_spylive360.txt"))
    assert [str(c) for c in spy.enabled] == ["com.wifi0/com.wifi0.AccessibilityReceiver4"]
    assert spy.bound_labels == ("WiFi",)
    for name in ("accessibility_plain.txt", "accessibility_plain2.txt"):
        plain = ps.parse_accessibility(shared("spytrap/" + name))
        assert plain.enabled == () and plain.recognised


# -- settings -----------------------------------------------------------------------------
def test_settings_and_component_lists():
    secure = ps.parse_settings(read("settings_secure.txt"))
    assert secure["install_non_market_apps"] == "1"
    assert "weird line without equals" not in secure
    comps = ps.parse_components(secure["enabled_accessibility_services"])
    assert [str(c) for c in comps] == ["com.example.sync/com.example.sync.SyncAccessibility",
                                       "com.example.kbd/.KbdService"]
    listeners = ps.parse_components(secure["enabled_notification_listeners"])
    assert [c.package for c in listeners] == ["com.google.android.apps.messaging",
                                              "com.example.sync"]
    assert ps.parse_components("null") == () and ps.parse_components("") == ()


def test_proxy_setting_forms():
    glob = ps.parse_settings(read("settings_global.txt"))
    assert ps.proxy_setting(glob) == "192.168.1.50:8080"
    assert ps.proxy_setting({"http_proxy": ":0"}) is None
    assert ps.proxy_setting({"http_proxy": "null"}) is None
    assert ps.proxy_setting({"global_http_proxy_host": "10.0.0.2",
                             "global_http_proxy_port": "3128"}) == "10.0.0.2:3128"
    assert ps.proxy_setting({}) is None


@real
def test_settings_real_androidqf_sample():
    s = ps.parse_settings(shared("mvt/androidqf_settings_random.txt"))
    assert s["package_verifier_enable"] == "1"
    assert s["navigationbar_recently_used_color"] == ""


# -- device admins and owners -------------------------------------------------------------
def test_dpm_list_owners():
    owners = ps.parse_dpm_owners(read("dpm_owners.txt"))
    assert [(o.component.package, o.device_owner, o.profile_owner, o.user) for o in owners] == [
        ("com.example.mdm", True, False, 0), ("com.example.work", False, True, 10)]
    assert ps.parse_dpm_owners(read("dpm_no_owners.txt")) == ()


def test_dumpsys_device_policy():
    policy = ps.parse_device_policy(read("device_policy.txt"))
    assert [c.package for c in policy.admins] == ["com.google.android.gms", "com.example.sync"]
    assert [o.component.package for o in policy.owners] == ["com.example.mdm"]
    assert policy.owners[0].device_owner and policy.recognised


# -- appops -------------------------------------------------------------------------------
def test_appops_install_packages_per_package_and_per_uid():
    ops = ps.parse_appops(read("appops.txt"))
    got = {(o.uid, o.package, o.mode) for o in ops}
    assert got == {("u0a231", "org.telegram.messenger", "default"),
                   ("u0a120", "com.android.chrome", "allow"),
                   ("u0a500", None, "allow"),
                   ("u0a501", "com.example.denied", "ignore")}


@real
def test_appops_real_mvt():
    ops = ps.parse_appops(shared("mvt/dumpsys_appops.txt"))
    assert {(o.package, o.mode) for o in ops} == {("org.mozilla.firefox", "allow"),
                                                  ("org.fdroid.fdroid", "allow")}


# -- getprop, root, selinux, date, devices ------------------------------------------------
def test_getprop_and_device_props():
    props = ps.parse_getprop(read("getprop_rooted.txt"))
    assert props["persist.sys.multiline"] == "first line\nsecond line"
    assert props["ro.build.description"] == "a [bracketed] value"
    d = ps.device_props(props)
    assert (d.model, d.manufacturer, d.android_version, d.sdk) == ("moto g(8)", "motorola",
                                                                  "11", 30)
    assert d.security_patch == "2021-06-05" and d.verified_boot_state == "orange"
    assert d.debuggable == "1" and d.build_tags == "test-keys" and d.serial == "ZX1G22ABCD"


@real
def test_getprop_real():
    props = ps.parse_getprop(shared("mvt/getprop.txt"))
    assert props["dalvik.vm.heapgrowthlimit"] == "192m" and len(props) == 13
    assert ps.parse_getprop(shared("mvt/androidqf_getprop.txt"))[
        "dalvik.vm.heapgrowthlimit"] == "128m"


def test_root_binaries_and_selinux_and_date():
    assert ps.parse_root_binaries(read("root_binaries.txt")) == ("/system/xbin/su",
                                                                 "/data/adb/magisk")
    assert ps.parse_root_binaries("") == ()
    assert ps.parse_root_binaries_json('["/system/bin/su", 3, ""]') == ("/system/bin/su",)
    with pytest.raises(AndroidParseError):
        ps.parse_root_binaries_json("{not json")
    assert ps.parse_getenforce("Permissive\n") == "Permissive"
    assert ps.parse_getenforce("getenforce: not found\n") == ""
    assert ps.parse_date("2026-11-20T03:00:00Z\n") == "2026-11-20T03:00:00Z"


@real
def test_root_binaries_real_androidqf():
    assert ps.parse_root_binaries_json(shared("mvt/androidqf_root_binaries.json"))[0] == \
        "/system/bin/su"


def test_adb_devices_list():
    one = ps.parse_devices(read("devices_one.txt"))
    assert one == (ps.DeviceEntry("R58M12ABCDE", "device", "SM_A405FN", "a40eea"),)
    mixed = {d.serial: d.state for d in ps.parse_devices(read("devices_mixed.txt"))}
    assert mixed == {"R58M12ABCDE": "unauthorized", "0123456789ABCDEF": "offline",
                     "emulator-5554": "device", "ZY22ABC": "no permissions",
                     "192.168.1.20:5555": "recovery"}


# -- AndroidQF ----------------------------------------------------------------------------
def test_androidqf_packages_json_fixture():
    path = testlib.HERE / "androidqf_sample" / "packages.json"
    entries = {e.name: e for e in pp.parse_androidqf_packages(path.read_text())}
    assert set(entries) == {"com.whatsapp", "net.example.talk", "com.android.settings"}
    talk = entries["net.example.talk"]
    assert talk.cert_sha1 == ("0ECD5FD80682776D804715AB5B8504DAF59A4B54",)  # colons removed
    assert talk.installer is None and talk.system is False
    assert entries["com.whatsapp"].cert_subjects == ("C=US, O=WhatsApp Inc., CN=Brian Acton",)
    with pytest.raises(AndroidParseError):
        pp.parse_androidqf_packages("{}")


@real
def test_androidqf_real_files():
    entries = pp.parse_androidqf_packages(shared("mvt/androidqf_packages.json"))
    assert len(entries) == 7
    by = {e.name: e for e in entries}
    assert by["com.whatsapp"].installer is None
    assert by["org.nuclearfog.apollo"].installer == "org.fdroid.fdroid"
    assert by["com.malware.blah"].system is True
    assert by["com.whatsapp"].cert_sha1 == ("38A0F7D505FE18FEC64FBF343ECAAAF310DBD799",)
    services = ps.split_dumpsys(shared("mvt/androidqf_dumpsys.txt"))
    assert {"accessibility", "package", "appops", "adb"} <= set(services)
    assert "DUMP OF SERVICE" not in services["package"]
    assert len(ps.parse_accessibility(services["accessibility"]).installed) == 4
