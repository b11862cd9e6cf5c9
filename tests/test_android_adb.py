"""The adb transport: finding adb, choosing the phone, and every failure, via a stand-in adb."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "data" / "android"))
import testlib  # noqa: E402

from safetycheck.cli.root import run  # noqa: E402
from safetycheck.errors import EXIT_DEVICE  # noqa: E402
from safetycheck.probes.android import adb  # noqa: E402
from safetycheck.probes.android.demo_phone import DemoPhone  # noqa: E402

posix_only = pytest.mark.skipif(os.name != "posix", reason="the stand-in adb is a sh wrapper")


# -- finding adb --------------------------------------------------------------------------
def test_explicit_adb_path_wins_and_a_wrong_one_is_reported(tmp_path):
    exe = tmp_path / "myadb"
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    assert adb.find_adb(str(exe), which=lambda n: "/usr/bin/adb") == str(exe)
    with pytest.raises(adb.AdbPathError) as err:
        adb.find_adb(str(tmp_path / "missing"))
    assert err.value.exit_code == EXIT_DEVICE


def test_adb_on_path_is_used():
    assert adb.find_adb(which=lambda n: "/opt/x/adb" if n == "adb" else None,
                        runnable=lambda p: False, wsl=False) == "/opt/x/adb"


@pytest.mark.parametrize("platform,expected", [
    ("win32", "C:\\Users\\u\\AppData\\Local\\Android\\Sdk\\platform-tools\\adb.exe"),
    ("darwin", "/opt/homebrew/bin/adb"),
    ("linux", "/usr/lib/android-sdk/platform-tools/adb"),
])
def test_usual_platform_tools_folders(platform, expected):
    env = {"LOCALAPPDATA": "C:\\Users\\u\\AppData\\Local"}
    found = adb.find_adb(platform=platform, environ=env, which=lambda n: None,
                         runnable=lambda p: p.replace("/", "\\") == expected.replace("/", "\\")
                         or p == expected, home=Path("/home/u"), wsl=False)
    assert found.replace("/", "\\") == expected.replace("/", "\\")


def test_android_home_is_searched():
    found = adb.find_adb(platform="linux", environ={"ANDROID_HOME": "/sdk"},
                         which=lambda n: None, runnable=lambda p: p == "/sdk/platform-tools/adb",
                         home=Path("/home/u"), wsl=False)
    assert found == "/sdk/platform-tools/adb"


def test_wsl_prefers_windows_adb_exe():
    calls = []

    def which(name):
        calls.append(name)
        return "/mnt/c/pt/adb.exe" if name == "adb.exe" else "/usr/bin/adb"

    assert adb.find_adb(platform="linux", which=which, wsl=True) == "/mnt/c/pt/adb.exe"
    assert calls[0] == "adb.exe"


@pytest.mark.parametrize("platform,osname", [("win32", "windows"), ("darwin", "macos"),
                                             ("linux", "linux")])
def test_not_installed_error_names_the_os_and_how_to_install(platform, osname):
    with pytest.raises(adb.AdbNotFoundError) as err:
        adb.find_adb(platform=platform, environ={}, which=lambda n: None,
                     runnable=lambda p: False, home=Path("/nowhere"), wsl=False)
    assert err.value.key == f"error.adb.not_found.{osname}"
    from safetycheck import i18n

    hint = i18n.t(err.value.key + ".hint", "en")
    assert {"windows": "winget", "macos": "brew", "linux": "apt"}[osname] in hint
    assert i18n.t(err.value.key + ".hint", "mn") != hint


# -- device selection and failures (stand-in adb) -----------------------------------------
def transport(tmp_path, monkeypatch, scenario, **kw):
    exe, log = testlib.fake_adb(tmp_path, scenario, monkeypatch)
    return adb.AdbTransport(str(exe), **kw), log


@posix_only
def test_clean_phone_in_two_adb_invocations(tmp_path, monkeypatch):
    t, log = transport(tmp_path, monkeypatch, {})
    seen = []
    acq = t.acquire(progress=seen.append)
    assert acq.complete and acq.serial == "R58M12ABCDE" and acq.source == "adb"
    assert set(acq.sections) == set(adb.sc.SECTION_NAMES)
    assert [c["cmd"] for c in testlib.invocations(log)] == ["devices", "shell"]
    assert seen[:2] == ["date", "getprop"] and "packages" in seen
    assert acq.commands["packages"] == "adb shell dumpsys package packages"


@posix_only
def test_invocations_do_not_grow_with_the_number_of_apps(tmp_path, monkeypatch):
    phone = tmp_path / "phone300"
    phone.mkdir()
    for name, text in DemoPhone(extra_apps=300).sections().items():
        (phone / f"{name}.txt").write_text(text)
    t, log = transport(tmp_path, monkeypatch, {"phone": str(phone)})
    acq = t.acquire()
    assert acq.sections["pm_list"].count("package:") > 300
    assert len(testlib.invocations(log)) == 2 == t.invocations


@posix_only
@pytest.mark.parametrize("devices,error", [
    ("List of devices attached\n\n", adb.NoDeviceError),
    ("List of devices attached\nR58M12ABCDE\tunauthorized usb:1-1 transport_id:1\n",
     adb.UnauthorizedError),
    ("List of devices attached\nR58M12ABCDE\toffline transport_id:1\n", adb.DeviceOfflineError),
    ("List of devices attached\nZY22\tno permissions (user in plugdev group); see [http://x]\n",
     adb.NoPermissionError),
    ("List of devices attached\nZY22\trecovery transport_id:1\n", adb.DeviceNotReadyError),
])
def test_device_state_errors(tmp_path, monkeypatch, devices, error):
    t, log = transport(tmp_path, monkeypatch, {"devices": devices})
    with pytest.raises(error) as err:
        t.acquire()
    assert err.value.exit_code == EXIT_DEVICE
    assert [c["cmd"] for c in testlib.invocations(log)] == ["devices"]  # no shell attempted


SEVERAL = ("List of devices attached\nAAA111\tdevice model:Pixel_7 transport_id:1\n"
           "BBB222\tdevice model:SM_A145F transport_id:2\n")


@posix_only
def test_several_devices_without_a_terminal_asks_for_serial(tmp_path, monkeypatch):
    t, _ = transport(tmp_path, monkeypatch, {"devices": SEVERAL})
    with pytest.raises(adb.SeveralDevicesError) as err:
        t.acquire()
    assert "AAA111 (Pixel_7)" in err.value.params["devices"]


@posix_only
def test_several_devices_serial_or_choice(tmp_path, monkeypatch):
    t, _ = transport(tmp_path, monkeypatch, {"devices": SEVERAL}, serial="BBB222")
    assert t.acquire().serial == "BBB222"
    offered = []
    t2 = adb.AdbTransport(t.adb, choose=lambda entries: offered.extend(entries) or "AAA111")
    assert t2.acquire().serial == "AAA111"
    assert [e.serial for e in offered] == ["AAA111", "BBB222"]
    with pytest.raises(adb.SerialNotFoundError):
        adb.AdbTransport(t.adb, serial="ZZZ").acquire()


@posix_only
def test_one_ready_phone_among_unready_ones_is_used(tmp_path, monkeypatch):
    devices = ("List of devices attached\nAAA111\tunauthorized transport_id:1\n"
               "BBB222\tdevice model:X transport_id:2\n")
    t, _ = transport(tmp_path, monkeypatch, {"devices": devices})
    assert t.acquire().serial == "BBB222"


@posix_only
def test_disconnected_mid_scan_keeps_whole_sections_only(tmp_path, monkeypatch):
    t, _ = transport(tmp_path, monkeypatch, {"shell": "disconnect_in:pm_system"})
    with pytest.raises(adb.DeviceDisconnectedError) as err:
        t.acquire()
    partial = err.value.partial
    assert partial is not None and not partial.complete
    assert partial.incomplete_reason == "disconnected"
    assert set(partial.sections) == {"date", "getprop", "settings_secure", "settings_global",
                                     "pm_list", "pm_args"}
    assert "pm_system" in partial.missing and "packages" in partial.missing


@posix_only
def test_timeout_kills_adb_and_keeps_what_arrived(tmp_path, monkeypatch):
    t, _ = transport(tmp_path, monkeypatch, {"shell": "hang_after:accessibility"},
                     scan_timeout=2.0)
    with pytest.raises(adb.AdbTimeoutError) as err:
        t.acquire()
    partial = err.value.partial
    assert partial is not None and partial.incomplete_reason == "timeout"
    assert "pm_disabled" in partial.sections and "accessibility" not in partial.sections


@posix_only
def test_shell_failure_before_any_output_is_translated(tmp_path, monkeypatch):
    t, _ = transport(tmp_path, monkeypatch, {"shell": "fail",
                                             "shell_stderr": "error: device offline\n"})
    with pytest.raises(adb.DeviceOfflineError):
        t.acquire()
    t, _ = transport(tmp_path, monkeypatch, {"shell": "fail", "shell_stderr": "boom\n"})
    with pytest.raises(adb.AdbFailedError) as err:
        t.acquire()
    assert err.value.params["detail"] == "boom"


@posix_only
def test_adb_server_failure_on_listing(tmp_path, monkeypatch):
    t, _ = transport(tmp_path, monkeypatch, {
        "devices": "", "devices_rc": 1,
        "devices_stderr": "* daemon not running\nadb: cannot connect to daemon\n"})
    with pytest.raises(adb.AdbFailedError):
        t.acquire()


# -- through the CLI: translated messages and exit code 4 ---------------------------------
@posix_only
@pytest.mark.parametrize("lang,needle", [("en", "Allow USB debugging"),
                                         ("mn", "зөвшөөрөл өгөөгүй")])
def test_cli_unauthorized_message_in_the_users_language(tmp_path, monkeypatch, capsys, lang,
                                                        needle):
    exe, _ = testlib.fake_adb(tmp_path, {
        "devices": "List of devices attached\nR58\tunauthorized transport_id:1\n"}, monkeypatch)
    monkeypatch.setenv("SAFETYCHECK_HOME", str(tmp_path / "home"))
    code = run(["--lang", lang, "--no-input", "scan", "android", "--adb", str(exe)])
    err = capsys.readouterr().err
    assert code == EXIT_DEVICE
    assert needle in err and "Traceback" not in err


@posix_only
def test_cli_not_installed(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SAFETYCHECK_HOME", str(tmp_path / "home"))
    code = run(["--lang", "en", "--no-input", "scan", "android", "--adb",
                str(tmp_path / "no-adb-here")])
    assert code == EXIT_DEVICE
    assert "no adb program" in capsys.readouterr().err
