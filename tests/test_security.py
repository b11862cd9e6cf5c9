"""Leave no trace, lose nothing: each promise of docs/SECURITY.md, tested so it would fail."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import PASSPHRASE, ROOT, subprocess_env
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safetycheck.answers_file import parse_answers
from safetycheck.catalog import check_problems, load_platforms
from safetycheck.errors import SafetycheckError
from safetycheck.ui.text import clean, esc

CANARY = "QZX-canary-Нарантуяа-4711"
ANSWERS = f"""\
label: "{CANARY} label"
intake:
  concerns: [accounts, stalkerware]
  devices: [android]
  platforms: [facebook, google]
  lives_with: yes
answers:
  password_not_known@facebook: {{answer: yes, action: deferred, note: "{CANARY} note"}}
  password_not_known@google: {{answer: no, note: "{CANARY} second"}}
"""


def _files_with(root: Path, needle: bytes, since: float | None = None) -> list[Path]:
    hits = []
    if not root.exists():
        return hits
    for p in root.rglob("*"):
        try:
            if not p.is_file() or (since is not None and p.stat().st_mtime < since):
                continue
            data = p.read_bytes()
        except OSError:
            continue
        if needle in data or needle.decode().encode("utf-16-le") in data:
            hits.append(p)
    return hits


def _env(tmp_path: Path) -> dict[str, str]:
    secrets = tmp_path / "secrets"
    secrets.mkdir(exist_ok=True)
    (secrets / "pp").write_text(PASSPHRASE + "\n")
    systmp = tmp_path / "systmp"
    systmp.mkdir(exist_ok=True)
    return subprocess_env(tmp_path / "home", SAFETYCHECK_PASSPHRASE_FILE=str(secrets / "pp"),
                          SAFETYCHECK_NO_KEYRING="1", TMPDIR=str(systmp), SAFETYCHECK_LANG="en")


def _run(args, env, cwd, input=None):
    return subprocess.run([sys.executable, "-m", "safetycheck", *args], input=input,
                          capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


def test_full_audit_leaves_nothing_readable(tmp_path, monkeypatch):
    env = _env(tmp_path)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    start = time.time() - 1
    r = _run(["-vv", "audit", "--answers", "-", "--no-input", "--json"], env, cwd,
             input=ANSWERS)
    assert r.returncode == 0, r.stderr
    assert CANARY not in r.stderr  # logs at the most verbose level
    sid = __import__("json").loads(r.stdout)["session"]
    if os.name == "posix":  # a device scan through the stand-in adb (a sh wrapper)
        sys.path.insert(0, str(ROOT / "tests" / "data" / "android"))
        import testlib

        adb, _log = testlib.fake_adb(tmp_path, {"phone": "phone_clean"}, monkeypatch)
        env.update({k: os.environ[k] for k in ("FAKE_ADB_SCENARIO", "FAKE_ADB_LOG")})
        scan = _run(["-vv", "scan", "android", "--adb", str(adb), "--session", sid], env, cwd)
        assert scan.returncode == 0, scan.stderr
        assert CANARY not in scan.stderr
    for args in (["-vv", "sessions", "list"], ["-vv", "sessions", "show", sid]):
        shown = _run(args, env, cwd)
        assert shown.returncode == 0, shown.stderr
        assert CANARY not in shown.stderr
    needle = CANARY.encode()
    assert _files_with(tmp_path / "home", needle) == []
    assert _files_with(tmp_path / "systmp", needle) == []
    assert _files_with(cwd, needle) == []
    import tempfile

    basetemp = Path(tempfile.gettempdir())
    assert [p for p in _files_with(basetemp, needle, since=start)
            if tmp_path not in p.parents and "pytest-of-" not in str(p)] == []


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_modes_after_full_audit(tmp_path):
    env = _env(tmp_path)
    r = _run(["audit", "--answers", "-", "--no-input"], env, tmp_path, input=ANSWERS)
    assert r.returncode == 0, r.stderr
    home = tmp_path / "home"
    for p in [home, *home.rglob("*")]:
        assert (p.stat().st_mode & 0o777) == (0o700 if p.is_dir() else 0o600), p


KILLER = r"""
import sys
from safetycheck.catalog import load_catalog
from safetycheck.model import Session
from safetycheck.runner import plan, record_answer
from safetycheck.storage.vault import open_vault
vault = open_vault()
catalog = load_catalog()
items = plan(catalog, {"devices": ["android", "iphone", "computer"],
                       "platforms": list(catalog.platforms)})
session = Session(id=sys.argv[1], label="crash")
vault.save(session)
print("ready", flush=True)
i = 0
while True:
    item = items[i % len(items)]
    session.intake["counter"] = i
    record_answer(session, item, "yes" if i % 2 else "no")
    vault.save(session)
    print(i, flush=True)  # confirmed: the save returned
    i += 1
"""


def test_sigkill_during_saves_loses_no_confirmed_answer(tmp_path):
    from safetycheck.storage.vault import open_vault

    env = _env(tmp_path)
    script = tmp_path / "killer.py"
    script.write_text(KILLER)
    rng = random.Random(20261128)
    for round_ in range(25):
        sid = f"{round_:02d}" + "ab" * 5
        proc = subprocess.Popen([sys.executable, str(script), sid], env=env,
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.01, 0.25))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        lines = [ln.strip() for ln in proc.stdout.read().splitlines() if ln.strip().isdigit()]
        confirmed = int(lines[-1]) if lines else -1
        os.environ.update({k: env[k] for k in ("SAFETYCHECK_HOME", "SAFETYCHECK_PASSPHRASE_FILE",
                                               "SAFETYCHECK_NO_KEYRING")})
        session = open_vault().load(sid)
        assert session.intake.get("counter", -1) >= confirmed, (round_, confirmed)
    # Every session still loads after all the kills.
    loaded = [s for s in open_vault().scan()]
    assert len(loaded) == 25 and all(getattr(s, "label", None) == "crash" for s in loaded)


PAYLOADS = ["[bold red]BIG[/bold red]", "[link=https://evil.example]x[/link]", "\x1b[2J",
            "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", "abc\u202egpj.exe",
            "nul\x00byte", "x" * 10_000]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_untrusted_text_reaches_the_terminal_as_text(payload, tmp_path):
    env = _env(tmp_path)
    env["COLUMNS"] = "200"
    label = payload.replace("\\", "\\\\").replace('"', '\\"').replace("\x1b", "\\e")
    label = label.replace("\x00", "\\0").replace("\u202e", "\\u202E")
    doc = f'label: "{label}"\nintake: {{platforms: [google]}}\n'
    r = _run(["audit", "--answers", "-", "--no-input"], env, tmp_path, input=doc)
    assert r.returncode == 0, r.stderr
    for args in (["sessions", "list"], ["sessions", "list", "--plain"]):
        out = _run(args, env, tmp_path).stdout
        assert "\x1b" not in out and "\x00" not in out and "\u202e" not in out
        if payload.startswith("[bold"):
            assert "[bold red]BIG" in out
        if payload.startswith("[link"):
            assert "[link=https://evil.example]" in out
        assert max(len(line) for line in out.splitlines()) <= 200


@given(st.text(max_size=3000))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_clean_never_leaves_escapes(text):
    out = clean(text)
    assert "\x1b" not in out and "\x00" not in out and "\u202e" not in out
    assert len(out) <= 500
    esc(text)


def test_clean_is_fast_on_long_lines():
    start = time.perf_counter()
    clean("\x1b[" + "1;" * 50_000 + "x" * 100_000)
    clean("[" * 100_000)
    esc("[a" * 50_000)
    assert time.perf_counter() - start < 5  # a bound against catastrophic backtracking


@given(st.text(max_size=2000))
@settings(max_examples=300, deadline=None)
def test_answers_parser_never_crashes(text):
    try:
        parse_answers(text)
    except SafetycheckError:
        pass


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20)


@given(st.dictionaries(st.sampled_from(["id", "area", "severity", "kind", "platforms", "title",
                                        "question", "answers", "references", "probe",
                                        "tfgbv_forms", "priority_when", "risk", "x"]),
                       yaml_values))
@settings(max_examples=300, deadline=None)
def test_check_validator_never_crashes(data):
    check_problems(data, "f.yaml", "f", "accounts", load_platforms())


@given(st.text(max_size=2000))
@settings(max_examples=200, deadline=None)
def test_check_validator_on_arbitrary_yaml_text(text):
    import yaml

    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError, RecursionError):
        return
    check_problems(data, "f.yaml", "f", "accounts", load_platforms())
