"""Shared helpers for the Android tests (imported by tests/test_android_*.py)."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PARSERS = HERE / "parsers"
SHARED = Path(__file__).resolve().parents[4] / "shared" / "data"
SHARED_ANDROID = SHARED / "android"
SHARED_INDICATORS = SHARED / "stalkerware-indicators"

DEVICE_ONE = ("List of devices attached\n"
              "R58M12ABCDE            device usb:1-1 product:a40eea model:SM_A405FN device:a40 "
              "transport_id:1\n\n")


def read(name: str) -> str:
    return (PARSERS / name).read_text(encoding="utf-8")


def fake_adb(tmp_path: Path, scenario: dict, monkeypatch) -> tuple[Path, Path]:
    """A runnable stand-in adb for ``scenario``; returns (adb path, invocation log)."""
    sc = dict(scenario)
    sc.setdefault("devices", DEVICE_ONE)
    phone = sc.get("phone", "phone_clean")
    if not Path(phone).is_absolute():
        sc["phone"] = str(HERE / phone)
    scen_file = tmp_path / "scenario.json"
    scen_file.write_text(json.dumps(sc), encoding="utf-8")
    log = tmp_path / "adb.log"
    wrapper = tmp_path / ("adb.bat" if os.name == "nt" else "adb")
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{HERE / "fake_adb.py"}" "$@"\n',
                       encoding="utf-8")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC | stat.S_IXGRP | stat.S_IXOTH)
    monkeypatch.setenv("FAKE_ADB_SCENARIO", str(scen_file))
    monkeypatch.setenv("FAKE_ADB_LOG", str(log))
    return wrapper, log


def invocations(log: Path) -> list[dict]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def vault_env(tmp_path: Path, monkeypatch) -> Path:
    home = tmp_path / "home"
    secret = tmp_path / "passphrase.txt"
    secret.write_text("correct horse battery staple\n", encoding="utf-8")
    monkeypatch.setenv("SAFETYCHECK_HOME", str(home))
    monkeypatch.setenv("SAFETYCHECK_PASSPHRASE_FILE", str(secret))
    monkeypatch.setenv("SAFETYCHECK_NO_KEYRING", "1")
    return home


def androidqf_from_shared(tmp_path: Path) -> Path:
    """An AndroidQF folder assembled (in tmp) from the shared real files, named as AndroidQF
    names them; the shared settings sample holds global keys."""
    folder = tmp_path / "androidqf"
    folder.mkdir()
    names = {"androidqf_packages.json": "packages.json", "androidqf_dumpsys.txt": "dumpsys.txt",
             "androidqf_getprop.txt": "getprop.txt",
             "androidqf_settings_random.txt": "settings_global.txt",
             "androidqf_root_binaries.json": "root_binaries.json"}
    for src, dst in names.items():
        (folder / dst).write_bytes((SHARED_ANDROID / "mvt" / src).read_bytes())
    return folder
