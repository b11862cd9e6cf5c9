"""The command line as a user meets it: version, help, menu, guides, languages, wipe."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import subprocess_env, tree_snapshot

from safetycheck import __version__
from safetycheck.model import Session
from safetycheck.storage.vault import open_vault

HEAVY = ("rich", "requests", "yaml", "cryptography", "keyring", "PIL", "jinja2")


def test_version(cli):
    r = cli(["--version"])
    assert r.exit_code == 0 and __version__ in r.stdout


def test_help_lists_commands_in_mongolian_and_english(cli):
    r = cli(["--help"])
    assert r.exit_code == 0
    assert "audit" in r.stdout and "Тушаалууд" in r.stdout and "102" in r.stdout
    r = cli(["--lang", "en", "--help"])
    assert "Commands" in r.stdout and "Start a step-by-step safety audit" in r.stdout


def test_help_imports_nothing_heavy():
    code = ("import sys; from safetycheck.__main__ import main; rc = main(['--help']); "
            f"print([m for m in {HEAVY!r} if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=subprocess_env(), check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_python_dash_m(tmp_path):
    r = subprocess.run([sys.executable, "-m", "safetycheck", "--version"], capture_output=True,
                       text=True, env=subprocess_env(tmp_path / "h"), cwd=tmp_path)
    assert r.returncode == 0 and __version__ in r.stdout


def test_no_arguments_without_tty_prints_help(cli):
    r = cli([], input="")
    assert r.exit_code == 0 and "Хэрэглээ:" in r.stdout and "audit" in r.stdout


def test_unknown_command_and_option(cli):
    r = cli(["--lang", "en", "frobnicate"])
    assert r.exit_code == 2 and "no such command" in r.stderr.lower()
    r = cli(["--lang", "en", "checks", "list", "--colour"])
    assert r.exit_code == 2 and "--colour" in r.stderr


def test_unknown_language(cli):
    r = cli(["--lang", "fr", "checks", "list"])
    assert r.exit_code == 2 and "fr" in r.stderr and "Traceback" not in r.output
    r = cli(["checks", "list", "--lang", "klingon"])
    assert r.exit_code == 2


def test_checks_list_json_and_area(cli):
    import json

    r = cli(["checks", "list", "--json", "--area", "accounts"])
    data = json.loads(r.stdout)
    assert data["schema"] == "safetycheck.checks/1" and data["checks"]
    assert {c["area"] for c in data["checks"]} == {"accounts"}
    assert data["lang"] == "mn"


def test_guide_renders_in_both_languages_and_plain(cli):
    r = cli(["guide", "password_not_known"])
    assert r.exit_code == 0 and "safetycheck guide password_not_known" in r.stdout
    r_en = cli(["guide", "password_not_known", "--lang", "en", "--plain"])
    assert r_en.exit_code == 0
    assert "**" not in r_en.stdout and "\x1b[" not in r_en.stdout
    assert "╭" not in r_en.stdout


def test_guide_unknown_check(cli):
    r = cli(["--lang", "en", "guide", "no_such_check"])
    assert r.exit_code == 2 and "no_such_check" in r.stderr and "checks list" in r.stderr


def test_plain_output_has_no_box_drawing_or_colour(cli, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    r = cli(["checks", "list"])
    assert r.exit_code == 0
    assert not any(ch in r.stdout for ch in "╭│─╰") and "\x1b[" not in r.stdout


def test_output_fits_80_columns(cli):
    for args in (["checks", "list"], ["--help"], ["guide", "password_not_known"]):
        r = cli(args)
        wide = [line for line in r.stdout.splitlines() if len(line) > 80]
        assert not wide, (args, wide[:3])


def test_unexpected_error_shows_no_locals(cli, monkeypatch):
    import safetycheck.catalog as catalog

    secret = "SECRET-CANARY-123"

    def boom():
        password = secret  # noqa: F841 - a local a traceback would show
        raise RuntimeError("internal " + secret)

    catalog.load_catalog.cache_clear()
    monkeypatch.setattr(catalog, "load_catalog", boom)
    r = cli(["--lang", "en", "checks", "list"])
    assert r.exit_code == 1
    assert secret not in r.output and "RuntimeError" in r.stderr
    assert "SAFETYCHECK_DEBUG" in r.stderr


def test_wipe_removes_everything(home, cli):
    vault = open_vault()
    vault.save(Session(label="to erase"))
    (home / "reports").mkdir()
    (home / "reports" / "r.html").write_text("x")
    r = cli(["--lang", "en", "wipe", "--yes"])
    assert r.exit_code == 0, r.output
    assert not home.exists()
    assert "vault.json" in r.stdout and "r.html" in r.stdout
    r = cli(["--lang", "en", "wipe", "--yes"])
    assert r.exit_code == 0 and "Nothing to erase" in r.stdout


def test_wipe_removes_keyring_entries(home, cli, memory_keyring):
    kr = memory_keyring
    open_vault().save(Session(label="k"))
    kr.set_password("safetycheck", "hibp-api-key", "KEY")
    assert len(kr.store) == 2
    r = cli(["--lang", "en", "wipe", "--yes"])
    assert r.exit_code == 0, r.output
    assert kr.store == {} and not home.exists()


def test_wipe_asks_without_yes_and_refuses_without_tty(home, cli):
    open_vault().save(Session(label="x"))
    before = tree_snapshot(home)
    r = cli(["--lang", "en", "wipe"], input="")
    assert r.exit_code == 2 and "--yes" in r.stderr
    assert tree_snapshot(home) == before


@pytest.mark.parametrize("args", [["sessions", "list"], ["sessions", "list", "--json"]])
def test_sessions_list_empty(home, cli, args):
    r = cli(args)
    assert r.exit_code == 0
    assert not home.exists()


@pytest.mark.parametrize("args", [["--help"], ["--lang", "en", "--help"], ["-h", "--plain"]])
def test_fast_help_matches_click_help(args):
    """The click-free fast path prints exactly what click would (real processes, no tty)."""
    env = subprocess_env(COLUMNS="80")
    fast = subprocess.run([sys.executable, "-m", "safetycheck", *args], capture_output=True,
                          text=True, env=env, check=True).stdout
    via_click = subprocess.run(
        [sys.executable, "-c", "import sys; from safetycheck.cli.root import run; "
         "sys.exit(run(sys.argv[1:]))", *args],
        capture_output=True, text=True, env=env, check=True).stdout
    assert fast == via_click
    assert "audit" in fast


def test_fast_help_imports_no_click():
    code = ("import sys; from safetycheck.__main__ import main; main(['--help']); "
            "print('click' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=subprocess_env(), check=True).stdout
    assert out.strip().splitlines()[-1] == "False"


def test_a_console_without_cyrillic_does_not_crash(tmp_path):
    """An old Windows code page (here latin-1) shows "?" instead of a traceback."""
    env = subprocess_env(tmp_path / "h", PYTHONIOENCODING="latin-1")
    for args in (["--help"], ["checks", "list"], ["guide", "password_not_known"]):
        r = subprocess.run([sys.executable, "-m", "safetycheck", *args], capture_output=True,
                           env=env)
        assert r.returncode == 0, (args, r.stderr[-300:])
        assert b"Traceback" not in r.stderr
