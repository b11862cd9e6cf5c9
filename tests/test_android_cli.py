"""``safetycheck scan android`` end to end: demo phone, stand-in adb, sessions, JSON, questions,
escaping of phone text, and the message catalog."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "data" / "android"))
import testlib  # noqa: E402

from safetycheck.cli.app import App  # noqa: E402
from safetycheck.cli.root import run  # noqa: E402
from safetycheck.errors import EXIT_DEVICE, EXIT_USAGE  # noqa: E402
from safetycheck.model import Session  # noqa: E402
from safetycheck.storage.vault import open_vault  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
posix_only = pytest.mark.skipif(os.name != "posix", reason="the stand-in adb is a sh wrapper")


@pytest.fixture
def home(tmp_path, monkeypatch):
    return testlib.vault_env(tmp_path, monkeypatch)


def test_demo_scan_in_english_explains_and_closes(home, capsys):
    assert run(["--lang", "en", "--no-input", "scan", "android", "--demo"]) == 0
    out = " ".join(capsys.readouterr().out.split())  # ignore where the terminal wrapped
    for needle in ("TheTruthSpy — com.systemservice (critical)",
                   "Question: did you install this app yourself, or did you know it was there?",
                   "safetycheck guide android_no_known_stalkerware",
                   "Every guide starts with a safety plan",
                   "Echap, stalkerware-indicators (CC BY 4.0)",
                   "safetycheck's own small list",
                   "Finding nothing does not mean that no one is monitoring you.",
                   "iCloud", "another phone or computer",
                   "After the scan, turn USB debugging off again",
                   "Practice scan: nothing was stored."):
        assert needle in out, needle
    assert not (home / "sessions").exists()  # the demo stores nothing


def test_demo_scan_in_mongolian(home, capsys):
    assert run(["--lang", "mn", "--no-input", "scan", "android", "--demo"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Юу ч олдоогүй нь таныг хэн ч хянахгүй байна гэсэн үг биш." in out
    assert "USB debugging-ийг унтраана уу" in out
    assert "Мэдэгдэж буй нууцаар хянадаг апп" in out


def test_json_output_follows_the_schema(home, capsys):
    import jsonschema

    assert run(["scan", "android", "--demo", "--json"]) == 0
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    schema = json.loads((ROOT / "docs" / "android-scan-schema.json").read_text())
    jsonschema.validate(doc, schema)
    assert doc["session"]["stored"] is False and doc["source"] == "demo"
    assert doc["findings"][0]["check_id"] == "android_no_known_stalkerware"
    assert captured.err == ""


def test_demo_cannot_be_stored_and_sources_conflict(home, tmp_path, capsys):
    assert run(["--lang", "en", "scan", "android", "--demo", "--session", "abc"]) == EXIT_USAGE
    assert run(["--lang", "en", "scan", "android", "--demo", "--from-androidqf",
                str(tmp_path)]) == EXIT_USAGE
    assert "cannot be used together" in capsys.readouterr().err


def test_androidqf_folder_from_the_cli(home, capsys):
    folder = testlib.HERE / "androidqf_sample"
    assert run(["--lang", "en", "--no-input", "scan", "android", "--from-androidqf",
                str(folder)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "net.example.talk" in out and "Read from an earlier AndroidQF acquisition" in out
    assert "Not checked this time:" in out


@posix_only
def test_phone_over_adb_into_a_session(home, tmp_path, monkeypatch, capsys):
    vault = open_vault(root=home)
    session = Session(label="case")
    vault.save(session)
    exe, log = testlib.fake_adb(tmp_path, {}, monkeypatch)
    code = run(["--lang", "en", "--no-input", "scan", "android", "--adb", str(exe),
                "--session", session.id])
    out = " ".join(capsys.readouterr().out.split())
    assert code == 0
    assert f'saved, encrypted, in session "{session.id}"' in out
    loaded = open_vault(root=home).load(session.id)
    assert loaded.probes[-1].status == "complete" and len(loaded.evidence) == 17
    assert [f.check_id for f in loaded.findings] == ["android_usb_debugging_off"]
    assert len(testlib.invocations(log)) == 2


@posix_only
def test_print_only_scan_stores_nothing_and_says_how_to_keep(home, tmp_path, monkeypatch,
                                                             capsys):
    exe, _ = testlib.fake_adb(tmp_path, {}, monkeypatch)
    assert run(["--lang", "en", "--no-input", "scan", "android", "--adb", str(exe)]) == 0
    assert "--session ID" in capsys.readouterr().out
    assert not (home / "sessions").exists()


@posix_only
def test_disconnected_scan_shows_partial_results_and_exits_4(home, tmp_path, monkeypatch,
                                                             capsys):
    exe, _ = testlib.fake_adb(tmp_path, {"shell": "disconnect_in:launcher"}, monkeypatch)
    code = run(["--lang", "en", "--no-input", "scan", "android", "--adb", str(exe)])
    out = " ".join(capsys.readouterr().out.split())
    assert code == EXIT_DEVICE
    assert "the phone was disconnected during the scan" in out
    assert "An app with no icon on the home screen" in out  # listed under "not checked"


@posix_only
def test_text_from_the_phone_is_escaped(home, tmp_path, monkeypatch, capsys):
    phone = tmp_path / "phone"
    shutil.copytree(testlib.HERE / "phone_clean", phone)
    (phone / "settings_global.txt").write_text(
        "adb_enabled=1\nhttp_proxy=[bold red]evil\x1b[2J\x1b]0;title\x07:8080\n")
    exe, _ = testlib.fake_adb(tmp_path, {"phone": str(phone)}, monkeypatch)
    assert run(["--lang", "en", "--no-input", "scan", "android", "--adb", str(exe)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Proxy: [bold red]evil" in out
    assert "\x1b" not in out and "\x07" not in out


@posix_only
def test_questions_in_a_terminal_are_recorded_in_the_session(home, tmp_path, monkeypatch,
                                                             capsys):
    vault = open_vault(root=home)
    session = Session()
    vault.save(session)
    phone = tmp_path / "spyphone"
    phone.mkdir()
    from safetycheck.probes.android.demo_phone import DemoPhone

    for name, text in DemoPhone().sections().items():
        (phone / f"{name}.txt").write_text(text)
    several = ("List of devices attached\nAAA111\tdevice model:Pixel_7 transport_id:1\n"
               "BBB222\tdevice model:SM_A145F transport_id:2\n")
    exe, _ = testlib.fake_adb(tmp_path, {"phone": str(phone), "devices": several}, monkeypatch)
    monkeypatch.setattr(App, "interactive", property(lambda self: True))
    # phone 2; spy app: "no"; Life360: "yes"; Chrome: skip (Enter)
    monkeypatch.setattr(sys, "stdin", io.StringIO("2\n2\n1\n\n"))
    code = run(["--lang", "en", "scan", "android", "--adb", str(exe), "--session", session.id])
    out = " ".join(capsys.readouterr().out.split())
    assert code == 0
    assert "Several phones are connected" in out and "Which phone should be scanned?" in out
    assert 'Did you install "com.systemservice" yourself' in out
    assert 'Did you allow "com.android.chrome" to install other apps?' in out
    loaded = open_vault(root=home).load(session.id)
    knew = {f.detail["package"]: f.detail.get("user_knew") for f in loaded.findings
            if f.detail.get("package")}
    assert knew["com.systemservice"] == "no"
    assert knew["com.life360.android.safetymapd"] == "yes"
    assert knew["com.android.chrome"] is None
    assert any(c.action == "android_answers" for c in loaded.custody)


def test_help_is_translated(capsys):
    assert run(["--lang", "en", "scan", "android", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    for opt in ("--adb", "--serial", "--from-androidqf", "--demo", "--json", "--session"):
        assert opt in out
    assert "Nothing on the phone is changed" in out
    assert run(["--lang", "en", "indicators", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "update" in out and "info" in out


# -- the message catalog ----------------------------------------------------------------------
CATALOG = json.loads((ROOT / "safetycheck" / "locales" / "android.json").read_text())
LATIN_IN_CYRILLIC = re.compile(r"[а-яёөүА-ЯЁӨҮ][A-Za-z]|[A-Za-z][а-яёөүА-ЯЁӨҮ]")


def test_every_message_has_mongolian_and_english_with_the_same_placeholders():
    for key, entry in CATALOG.items():
        assert set(entry) == {"mn", "en"}, key
        assert entry["mn"].strip() and entry["en"].strip(), key
        ph = lambda s: set(re.findall(r"\{(\w+)\}", s))  # noqa: E731
        assert ph(entry["mn"]) == ph(entry["en"]), key
        assert not LATIN_IN_CYRILLIC.search(entry["mn"]), (key, entry["mn"])
        if entry["mn"] != entry["en"]:
            assert re.search(r"[а-яөү]", entry["mn"].lower()), key


def test_every_key_the_code_uses_exists():
    from safetycheck import i18n
    from safetycheck.probes.android.findings import CHECKS

    catalog = i18n.load_catalog()
    used: set[str] = set()
    for path in [ROOT / "safetycheck" / "ui" / "android.py",
                 ROOT / "safetycheck" / "cli" / "scan_android.py",
                 ROOT / "safetycheck" / "cli" / "indicators.py",
                 *(ROOT / "safetycheck" / "probes" / "android").glob("*.py")]:
        used |= set(re.findall(r'"((?:android|indicators|error|help)\.[a-z0-9_.]+)"',
                               path.read_text()))
    used = {k for k in used if not k.endswith(".")}
    for c in CHECKS:
        used |= {f"android.check.{c}.title", f"android.check.{c}.explain"}
    used |= {f"android.severity.{s}" for s in ("critical", "high", "medium", "low", "info")}
    used |= {f"android.root.{r}" for r in ("root_binary", "root_package", "debuggable",
                                          "bootloader_unlocked", "test_keys", "selinux_off")}
    used |= {f"android.match.{m}" for m in ("package", "certificate",
                                            "certificate_organization", "certificate_name")}
    used |= {f"android.installer.{k}" for k in ("none", "package_installer", "adb")}
    used |= {f"indicators.info.source.{s}" for s in ("builtin", "github", "import")}
    used |= {f"error.adb.not_found.{o}" for o in ("windows", "macos", "linux")}
    used |= {f"android.scan.incomplete.{r}" for r in ("disconnected", "timeout")}
    missing = sorted(k for k in used if k not in catalog)
    assert missing == []


@pytest.mark.slow
@posix_only
def test_questions_in_a_real_pseudo_terminal(tmp_path):
    pexpect = pytest.importorskip("pexpect")
    env = {**os.environ, "SAFETYCHECK_HOME": str(tmp_path / "home"), "NO_COLOR": "1"}
    child = pexpect.spawn(sys.executable, ["-m", "safetycheck", "--lang", "en", "scan",
                                           "android", "--demo"],
                          env=env, encoding="utf-8", timeout=60, dimensions=(40, 120))
    child.expect('Did you install "com.systemservice" yourself')
    child.sendline("maybe")
    child.expect("Please type 1, 2 or 3")
    child.sendline("2")
    child.expect('Did you install "com.life360.android.safetymapd" yourself')
    child.sendline("1")
    child.expect('Did you allow "com.android.chrome" to install other apps')
    child.sendline("")
    child.expect("turn USB debugging off again")
    child.expect("Practice scan: nothing was stored.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
