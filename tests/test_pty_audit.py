"""Drive the interactive audit through a real pseudo-terminal, as a person would."""

from __future__ import annotations

import os
import re
import sys

import pexpect
import pytest
from conftest import PASSPHRASE, ROOT, subprocess_env

from safetycheck.catalog import load_catalog

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(sys.platform.startswith("win"), reason="needs a POSIX pty")]
TIMEOUT = 30


def spawn(home, tmp_path, *args):
    pp = tmp_path / "pp"
    pp.write_text(PASSPHRASE + "\n")
    env = subprocess_env(home, SAFETYCHECK_PASSPHRASE_FILE=str(pp), SAFETYCHECK_NO_KEYRING="1",
                         SAFETYCHECK_LANG="en", COLUMNS="100", LINES="40", NO_COLOR="1")
    child = pexpect.spawn(sys.executable, ["-m", "safetycheck", *args], env=env,
                          cwd=str(tmp_path), encoding="utf-8", timeout=TIMEOUT,
                          dimensions=(40, 100))
    return child


def app_numbers(*names):
    apps = [p.id for p in load_catalog().platforms.values() if p.kind != "device"]
    return " ".join(str(apps.index(n) + 1) for n in names)


def start_audit(child):
    child.expect("Is it safe to continue now")
    child.sendline("y")
    child.expect("Label")
    child.sendline("T-1")
    child.expect("What worries you")
    child.expect("numbers")
    child.sendline("1")
    child.expect("Which devices")
    child.expect("numbers")
    child.sendline("1")
    child.expect("Which apps")
    child.expect("numbers")
    child.sendline(app_numbers("facebook", "google"))
    for _ in range(7):  # the yes/no intake questions
        child.expect(r"y = yes, n = no")
        child.sendline("n")
    child.expect("Province or district")
    child.sendline("")


def answer_until_end(child, first="n"):
    """Answer every remaining question with ``first``; handle finding prompts; return count."""
    count = 0
    while True:
        i = child.expect([r"Question (\d+) of (\d+)", "Show what you can do",
                          "Choice:", r"Note \(optional", "Summary", "Scan now",
                          r"Check now\?", "Path of a folder with photos"])
        if i in (5, 6):
            child.sendline("n")  # no phone or network here: answer the questions instead
        elif i == 7:
            child.sendline("")  # no photos to scan: the question is asked instead
        elif i == 0:
            child.expect("> ")
            child.sendline(first)
            count += 1
        elif i == 1:
            child.sendline("n")
        elif i == 2:
            child.sendline("")
        elif i == 3:
            child.sendline("")
        else:
            return count


def test_answer_three_pause_resume_finish(tmp_path):
    home = tmp_path / "home"
    child = spawn(home, tmp_path, "audit", "--no-clear")
    start_audit(child)
    child.expect(r"Question 1 of (\d+)")
    total = int(child.match.group(1))
    assert total >= 3
    child.expect("> ")
    child.sendline("h")  # how do I check?
    child.expect("How do I check")
    child.expect("> ")
    child.sendline("n")
    child.expect(r"Question 2 of")
    child.expect("> ")
    child.sendline("?")
    child.expect(r"Question 3 of")
    child.expect("> ")
    child.sendline("b")  # back to question 2
    child.expect(r"Question 2 of")
    child.expect("Previous answer: Not sure")
    child.expect("> ")
    child.sendline("s")
    child.expect(r"Question 3 of")
    child.expect("> ")
    # Find an answer that is "at risk" for question 3 by trying yes: the first check is
    # password_not_known, where yes is at risk.
    child.sendline("y")
    idx = child.expect(["Show what you can do", r"Question 4 of"])
    if idx == 0:
        child.sendline("n")
        child.expect("Choice:")
        child.sendline("2")
        child.expect(r"Note \(optional")
        child.sendline("plan with caseworker first")
        child.expect(r"Question 4 of")
    child.expect("> ")
    child.sendline("p")
    child.expect("Paused")
    child.expect('safetycheck resume "T-1"')
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    child = spawn(home, tmp_path, "resume", "T-1", "--no-clear")
    child.expect(r"Continuing .T-1. \(3 answers so far\)")
    child.expect("Is it safe to continue now")
    child.sendline("")
    child.expect(r"Question 4 of")
    child.expect("> ")
    child.sendline("n")
    answer_until_end(child, "n")
    child.expect("Things to look at")
    child.expect(pexpect.EOF)
    out = child.before
    child.close()
    assert child.exitstatus == 0
    assert "Deferred for safety" in out or idx == 1
    assert "not proof of safety" in out


def test_ctrl_c_saves_and_exits_130(tmp_path):
    home = tmp_path / "home"
    child = spawn(home, tmp_path, "audit", "--no-clear")
    start_audit(child)
    child.expect(r"Question 1 of")
    child.expect("> ")
    child.sendline("n")
    child.expect(r"Question 2 of")
    child.expect("> ")
    child.sendintr()
    child.expect('safetycheck resume "T-1"')
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130 or child.signalstatus is not None
    assert child.exitstatus == 130

    child = spawn(home, tmp_path, "sessions", "list")
    child.expect(pexpect.EOF)
    assert re.search(r"T-1\s.*Paused.*\b1\b", child.before)


def test_ctrl_c_during_intake_keeps_what_was_entered(tmp_path):
    home = tmp_path / "home"
    child = spawn(home, tmp_path, "audit", "--no-clear")
    child.expect("Is it safe to continue now")
    child.sendline("y")
    child.expect("Label")
    child.sendline("T-2")
    child.expect("What worries you")
    child.expect("numbers")
    child.sendline("1 3")
    child.expect("Which devices")
    child.expect("numbers")
    child.sendintr()
    child.sendintr()  # a second Ctrl-C exits at once, still 130
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130

    child = spawn(home, tmp_path, "sessions", "show", "T-2", "--json")
    child.expect(pexpect.EOF)
    assert '"concerns"' in child.before and '"location"' in child.before


@pytest.mark.parametrize("extra", [[], ["--no-clear"]])
def test_quick_exit_clears_screen_and_saves(tmp_path, extra):
    """The quick exit always clears: hiding the screen is its purpose (--no-clear is for
    Ctrl-C and pauses)."""
    home = tmp_path / "home"
    child = spawn(home, tmp_path, "audit", *extra)
    start_audit(child)
    child.expect(r"Question 1 of")
    child.expect("> ")
    child.sendline("y")
    child.expect("Show what you can do")
    child.sendline("q")
    child.expect(pexpect.EOF)
    out = child.before
    child.close()
    assert child.exitstatus == 0
    assert "\x1b[2J" in out and "\x1b[3J" in out
    tail = out.rsplit("\x1b[3J", 1)[-1]
    assert "resume" not in tail and "T-1" not in tail  # nothing left on screen

    child = spawn(home, tmp_path, "sessions", "list")
    child.expect(pexpect.EOF)
    assert "T-1" in child.before


def test_not_safe_now_stops_and_stores_nothing(tmp_path):
    home = tmp_path / "home"
    child = spawn(home, tmp_path, "audit", "--no-clear")
    child.expect("Is it safe to continue now")
    child.sendline("n")
    child.expect("Nothing was saved")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert not home.exists()


def test_menu_in_a_terminal(tmp_path):
    child = spawn(tmp_path / "home", tmp_path)
    child.expect("Start an audit")
    child.expect("Choose a number")
    child.sendline("6")
    child.expect("Usage")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


@pytest.mark.skipif(os.name != "posix", reason="the stand-in adb is a sh wrapper")
def test_audit_offers_and_runs_the_android_scan(tmp_path, monkeypatch):
    """The scan step inside the audit: the stand-in adb replays a phone; the Android probe
    questions are then answered by the scan, not asked."""
    sys.path.insert(0, str(ROOT / "tests" / "data" / "android"))
    import testlib

    adb, log = testlib.fake_adb(tmp_path, {"phone": "phone_clean"}, monkeypatch)
    home = tmp_path / "home"
    child = spawn(home, tmp_path, "audit", "--no-clear", "--adb", str(adb), "--area",
                  "stalkerware")
    start_audit(child)
    child.expect("Scan the Android phone")
    child.expect("Scan now")
    child.sendline("y")
    child.expect("turn USB debugging off again")
    asked_android = False
    while True:
        i = child.expect([r"Question \d+ of \d+", "Show what you can do", "Choice:",
                          r"Note \(optional", "Summary", r"did you (install|know|allow)",
                          r"Check now\?", "Path of a folder with photos"])
        if i == 0:
            child.expect("> ")
            if "Android phone" in child.before:
                asked_android = asked_android or "USB debugging" in child.before
            child.sendline("n")
        elif i in (1, 2, 3, 5, 6, 7):
            child.sendline("n" if i in (1, 5, 6) else "")
        else:
            break
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    kinds = [entry["cmd"] for entry in testlib.invocations(log)]
    assert kinds.count("shell") == 1
    assert not asked_android

    import json

    child = spawn(home, tmp_path, "sessions", "show", "T-1", "--json")
    child.expect(pexpect.EOF)
    data = json.loads(child.before[child.before.index("{"):])
    assert data["steps"]["android_scan"] == "done"
    assert any(p["probe"] == "android" and p["status"] == "complete" for p in data["probes"])
    assert data["evidence"]


def test_mongolian_audit_with_mongolian_keys(tmp_path):
    """Mongolian by default, answered with the Mongolian keyboard letters (т ү м а б з)."""
    home = tmp_path / "home"
    pp = tmp_path / "pp"
    pp.write_text(PASSPHRASE + "\n")
    env = subprocess_env(home, SAFETYCHECK_PASSPHRASE_FILE=str(pp), SAFETYCHECK_NO_KEYRING="1",
                         COLUMNS="100", NO_COLOR="1")
    child = pexpect.spawn(sys.executable, ["-m", "safetycheck", "audit", "--no-clear"], env=env,
                          cwd=str(tmp_path), encoding="utf-8", timeout=TIMEOUT,
                          dimensions=(40, 100))
    child.expect("Одоо үргэлжлүүлэхэд аюулгүй юу")
    child.sendline("т")
    child.expect("Нэр")
    child.sendline("М-1")
    child.expect("Юунд санаа зовж байна вэ")
    child.expect("Enter дарна уу:")
    child.sendline("1")
    child.expect("Ямар төхөөрөмж")
    child.expect("Enter дарна уу:")
    child.sendline("")
    child.expect("Ямар апп")
    child.expect("Enter дарна уу:")
    child.sendline(app_numbers("google"))
    for _ in range(7):
        child.expect("алгасах:")
        child.sendline("а")
    child.expect("Аймаг эсвэл дүүргийн нэр")
    child.sendline("Баянгол")
    child.expect(r"Асуулт 1/(\d+)")
    child.expect("> ")
    child.sendline("м")
    child.expect(r"Асуулт 2/")
    child.expect("> ")
    child.sendline("б")
    child.expect(r"Асуулт 1/")
    child.expect("Өмнөх хариулт: Мэдэхгүй")
    child.expect("> ")
    child.sendline("ү")
    child.expect(r"Асуулт 2/")
    child.expect("> ")
    child.sendline("з")
    child.expect("Түр зогслоо")
    child.expect('safetycheck resume "М-1"')
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    child = pexpect.spawn(sys.executable, ["-m", "safetycheck", "sessions", "show", "М-1",
                                           "--json"], env=env, encoding="utf-8",
                          timeout=TIMEOUT)
    child.expect(pexpect.EOF)
    assert '"province": "ub_bayangol"' in child.before
    assert '"answer": "no"' in child.before


def _gps_jpeg(path):
    from PIL import ExifTags, Image

    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (47.0, 55.0, 12.0), 3: "E", 4: (106.0, 55.0, 3.0)}
    Image.new("RGB", (8, 8)).save(path, "JPEG", exif=exif.tobytes())


def test_audit_offers_the_photo_scan_and_records_it(tmp_path):
    """At the photo-location question the audit offers to scan a folder; the result is
    recorded as a probe run and the question is then not asked."""
    pics = tmp_path / "pics"
    pics.mkdir()
    _gps_jpeg(pics / "sent.jpg")
    home = tmp_path / "home"
    child = spawn(home, tmp_path, "audit", "--no-clear", "--area", "location")
    start_audit(child)
    offered = False
    while True:
        i = child.expect([r"Question \d+ of \d+", "Show what you can do", "Choice:",
                          r"Note \(optional", "Summary", "Path of a folder with photos"])
        if i == 5:
            offered = True
            child.sendline(str(pics))
        elif i == 0:
            child.expect("> ")
            child.sendline("n")
        elif i in (1, 2, 3):
            child.sendline("n" if i == 1 else "")
        else:
            break
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0 and offered

    import json

    child = spawn(home, tmp_path, "sessions", "show", "T-1", "--json")
    child.expect(pexpect.EOF)
    data = json.loads(child.before[child.before.index("{"):])
    assert data["steps"]["photos"] == "done"
    [run] = [p for p in data["probes"] if p["probe"] == "photos"]
    assert run["data"]["files_scanned"] == 1 and len(run["data"]["with_location"]) == 1
    assert not any(a.startswith("photos_no_location") for a in data["answers"])
