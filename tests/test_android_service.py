"""The scan into a session: evidence integrity and privacy, probe-run record, partial and failed
runs, AndroidQF folders and the demo phone, all through the one transport interface."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "data" / "android"))
import testlib  # noqa: E402

from safetycheck.model import Action, Session  # noqa: E402
from safetycheck.probes.android import service  # noqa: E402
from safetycheck.probes.android.adb import DeviceDisconnectedError, NoDeviceError  # noqa: E402
from safetycheck.probes.android.androidqf import AndroidQFError, AndroidQFFolder  # noqa: E402
from safetycheck.probes.android.demo_phone import DEMO_SERIAL, DemoPhone  # noqa: E402
from safetycheck.probes.android.indicators import builtin_set  # noqa: E402
from safetycheck.probes.android.interface import Acquisition, Transport  # noqa: E402
from safetycheck.storage.vault import MemoryStore, open_vault  # noqa: E402

TODAY = date(2026, 11, 28)


@pytest.fixture
def vault(tmp_path, monkeypatch):
    home = testlib.vault_env(tmp_path, monkeypatch)
    return open_vault(root=home)


def checks_of(result) -> set[str]:
    return {f.check_id for f in result.findings}


def test_demo_scan_into_the_vault_keeps_evidence_with_hashes(vault):
    session = Session(label="case 1")
    result = service.scan_into_session(vault, session, DemoPhone(today=TODAY), builtin_set(),
                                       today=TODAY)
    assert result.status == "complete" and result.stored
    loaded = vault.load(session.id)
    assert len(loaded.evidence) == 17 == len(result.evidence)
    for item in loaded.evidence:
        blob = vault.get_blob(session.id, item.id)
        assert hashlib.sha256(blob).hexdigest() == item.sha256 and item.size == len(blob)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", item.collected_at)
        assert item.tool_version.startswith("safetycheck ")
        assert item.indicator_set.startswith("builtin@")
        assert item.name.startswith("android/") and item.command
    ev_ids = {e.id for e in loaded.evidence}
    assert all(f.evidence and set(f.evidence) <= ev_ids for f in loaded.findings)
    assert [p.probe for p in loaded.probes] == ["android"]


def test_evidence_and_session_hold_no_email_and_no_serial(vault):
    session = Session()
    result = service.scan_into_session(vault, session, DemoPhone(today=TODAY), builtin_set(),
                                       today=TODAY)
    blobs = b"".join(vault.get_blob(session.id, e) for e in result.evidence)
    assert b"saraa.demo@example.com" not in blobs and b"<email>" in blobs
    assert DEMO_SERIAL.encode() not in blobs and b"<serial>" in blobs
    stored = json.dumps(vault.load(session.id).to_dict())
    assert DEMO_SERIAL not in stored and "@example.com" not in stored
    on_disk = b"".join(p.read_bytes() for p in vault.root.rglob("*") if p.is_file())
    assert DEMO_SERIAL.encode() not in on_disk


def test_device_is_identified_by_a_keyed_hash_of_its_serial(vault, tmp_path):
    first = service.scan_into_session(vault, Session(), DemoPhone(today=TODAY), builtin_set(),
                                      today=TODAY)
    again = service.scan_into_session(vault, Session(), DemoPhone(today=TODAY), builtin_set(),
                                      today=TODAY)
    dev = first.device
    assert (dev["model"], dev["manufacturer"], dev["android_version"]) == ("SM-A145F",
                                                                         "samsung", "13")
    assert re.fullmatch(r"[0-9a-f]{64}", dev["serial_hmac"])
    assert dev["serial_hmac"] == again.device["serial_hmac"]  # same data folder, same key
    assert dev["serial_hmac"] != hashlib.sha256(DEMO_SERIAL.encode()).hexdigest()
    other = open_vault(root=tmp_path / "other-home")
    third = service.scan_into_session(other, Session(), DemoPhone(today=TODAY), builtin_set(),
                                      today=TODAY)
    assert third.device["serial_hmac"] != dev["serial_hmac"]  # keyed per data folder


def test_probe_run_data_follows_the_documented_schema():
    store = MemoryStore()
    result = service.scan_into_session(store, Session(), DemoPhone(today=TODAY), builtin_set(),
                                       today=TODAY)
    run = result.probe_run
    assert run.probe == "android" and run.status == "complete"
    data = run.data
    assert set(data["device"]) == {"model", "manufacturer", "android_version", "security_patch",
                                   "serial_hmac"}
    assert {"source", "commit", "date", "age_days", "builtin"} <= set(data["indicator_set"])
    assert data["indicator_set"]["builtin"] is True and data["incomplete"] is False
    spy = next(a for a in data["apps_flagged"] if a["package"] == "com.systemservice")
    assert set(spy) == {"package", "label", "installer", "first_install", "reasons"}
    assert {"name": "package_verifier_enable", "value": "0"} in data["settings_flagged"]
    assert data["counts"]["findings"] == len(result.findings)
    schema = json.loads((Path(__file__).parents[1] / "docs" / "android-scan-schema.json")
                        .read_text(encoding="utf-8"))
    import jsonschema

    jsonschema.validate(service.result_json(result), schema)


def test_demo_phone_plants_every_teaching_finding():
    result = service.scan_into_session(MemoryStore(), Session(), DemoPhone(today=TODAY),
                                       builtin_set(), today=TODAY)
    assert checks_of(result) == {
        "android_no_known_stalkerware", "android_no_watchware", "android_no_unknown_admin_apps",
        "android_no_unknown_accessibility", "android_no_unknown_notification_access",
        "android_apps_from_store", "android_unknown_sources_off", "android_play_protect_on",
        "android_security_patch_recent", "android_no_hidden_apps", "android_usb_debugging_off"}
    assert result.not_checked == ()


class Broken(Transport):
    source = "adb"

    def __init__(self, exc):
        self.exc = exc

    def acquire(self, progress=None):
        raise self.exc


def test_disconnect_mid_scan_keeps_partial_results_marked_incomplete():
    full = DemoPhone(today=TODAY).sections()
    partial = Acquisition(source="adb", serial="X1", complete=False,
                          incomplete_reason="disconnected", missing=("launcher", "packages"),
                          sections={k: v for k, v in full.items()
                                    if k not in ("launcher", "appops", "packages")})
    store, session = MemoryStore(), Session()
    result = service.scan_into_session(
        store, session, Broken(DeviceDisconnectedError(partial=partial)), builtin_set(),
        today=TODAY)
    assert result.status == "incomplete" and result.data["incomplete"] is True
    assert result.probe_run.reason == "error.adb.disconnected"
    assert result.data["missing_sections"] == ["launcher", "packages"]
    assert "android_no_known_stalkerware" in checks_of(result)  # from the sections that came
    assert "android_no_hidden_apps" in result.not_checked
    assert store.load(session.id).probes[0].status == "incomplete"


def test_nothing_read_records_a_failed_run_and_raises():
    store, session = MemoryStore(), Session()
    with pytest.raises(NoDeviceError):
        service.scan_into_session(store, session, Broken(NoDeviceError()), builtin_set())
    saved = store.load(session.id)
    assert saved.probes[0].status == "failed" and saved.probes[0].reason == "error.adb.no_device"
    assert saved.findings == []


def test_a_new_scan_replaces_android_findings_and_keeps_what_was_recorded():
    store, session = MemoryStore(), Session()
    first = service.scan_into_session(store, session, DemoPhone(today=TODAY), builtin_set(),
                                      today=TODAY)
    spy = next(f for f in session.findings if f.check_id == "android_no_known_stalkerware")
    spy.action, spy.note, spy.detail["user_knew"] = Action.DEFERRED, "plan first", "no"
    service.scan_into_session(store, session, DemoPhone(today=TODAY), builtin_set(),
                              today=TODAY)
    assert len(session.findings) == len(first.findings)
    spy2 = next(f for f in session.findings if f.check_id == "android_no_known_stalkerware")
    assert spy2.id != spy.id and spy2.action is Action.DEFERRED and spy2.note == "plan first"
    assert spy2.detail["user_knew"] == "no" and len(session.probes) == 2


# -- AndroidQF -------------------------------------------------------------------------------
def test_androidqf_folder_same_parsers_and_findings(tmp_path):
    folder = testlib.HERE / "androidqf_sample"
    result = service.scan_into_session(MemoryStore(), Session(), AndroidQFFolder(folder),
                                       builtin_set(), today=TODAY)
    assert result.source == "androidqf" and result.status == "complete"
    spy = next(f for f in result.findings if f.check_id == "android_no_known_stalkerware")
    assert spy.detail["package"] == "net.example.talk" and spy.detail["family"] == "Ahmyth"
    assert spy.detail["reason"] == "stalkerware_certificate"
    assert {"android_no_unknown_accessibility", "android_apps_from_store", "android_not_rooted",
            "android_unknown_sources_off", "android_usb_debugging_off"} <= checks_of(result)
    assert {"android_no_hidden_apps", "android_no_unknown_admin_apps"} <= set(result.not_checked)
    assert result.device["model"] == "Pixel 6a" and result.device["serial_hmac"]
    # the zip AndroidQF can produce reads the same
    zipped = tmp_path / "acq.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        for f in folder.iterdir():
            zf.write(f, f"acq/{f.name}")
    again = service.scan_into_session(MemoryStore(), Session(), AndroidQFFolder(zipped),
                                      builtin_set(), today=TODAY)
    assert checks_of(again) == checks_of(result)


@pytest.mark.skipif(not testlib.SHARED_ANDROID.exists(), reason="shared data not present")
def test_androidqf_real_acquisition(tmp_path):
    folder = testlib.androidqf_from_shared(tmp_path)
    result = service.scan_into_session(MemoryStore(), Session(), AndroidQFFolder(folder),
                                       builtin_set(), today=TODAY)
    flagged = {a["package"] for a in result.data["apps_flagged"]}
    assert "app.revanced.manager.flutter" in flagged  # installed from an APK file
    root = next(f for f in result.findings if f.check_id == "android_not_rooted")
    assert "/system/bin/su" in root.detail["binaries"]
    assert result.data["counts"]["apps"] >= 7


def test_androidqf_errors(tmp_path):
    with pytest.raises(AndroidQFError) as err:
        AndroidQFFolder(tmp_path / "missing").acquire()
    assert err.value.key == "error.androidqf.not_found"
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("x")
    with pytest.raises(AndroidQFError) as err:
        AndroidQFFolder(empty).acquire()
    assert err.value.key == "error.androidqf.empty"
    enc = tmp_path / "enc"
    enc.mkdir()
    (enc / "acquisition.zip.age").write_bytes(b"age-encryption.org/v1")
    with pytest.raises(AndroidQFError) as err:
        AndroidQFFolder(enc).acquire()
    assert err.value.key == "error.androidqf.encrypted"
    bad = tmp_path / "bad"
    shutil.copytree(testlib.HERE / "androidqf_sample", bad)
    (bad / "packages.json").write_text("{broken")
    result = service.scan_into_session(MemoryStore(), Session(), AndroidQFFolder(bad),
                                       builtin_set(), today=TODAY)
    assert result.data["unreadable_sections"] == ["packages_json"]


def test_transport_for_picks_the_source(tmp_path):
    assert isinstance(service.transport_for(None, None, demo=True), DemoPhone)
    assert isinstance(service.transport_for(None, None, androidqf=tmp_path), AndroidQFFolder)
    with pytest.raises(Exception) as err:
        service.transport_for(None, None, demo=True, androidqf=tmp_path)
    assert err.value.key == "error.scan.source_conflict"
