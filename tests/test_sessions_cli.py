"""``safetycheck sessions`` and ``resume`` through CliRunner: list, show, delete, restore."""

from __future__ import annotations

import json

from safetycheck.storage.vault import open_vault

ANSWERS = """\
label: "{label}"
intake: {{platforms: [google], devices: [android]}}
answers:
  password_not_known@google: yes
"""


def _audit(cli, tmp_path, label):
    path = tmp_path / f"{label}.yaml"
    path.write_text(ANSWERS.format(label=label), encoding="utf-8")
    r = cli(["audit", "--answers", str(path), "--no-input", "--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)["session"]


def test_list_show_delete(home, cli, tmp_path):
    first = _audit(cli, tmp_path, "A-1")
    _audit(cli, tmp_path, "B-2")
    r = cli(["sessions", "list", "--json"])
    data = json.loads(r.stdout)
    assert sorted(s["label"] for s in data["sessions"]) == ["A-1", "B-2"]
    assert data["damaged"] == []

    r = cli(["--lang", "en", "sessions", "show", "A-1"])
    assert r.exit_code == 0 and "A-1" in r.stdout and "Critical: 1" in r.stdout
    r = cli(["sessions", "show", first[:6], "--json"])
    assert json.loads(r.stdout)["id"] == first

    r = cli(["--lang", "en", "sessions", "delete", "A-1", "--yes"])
    assert r.exit_code == 0 and "Deleted" in r.stdout
    assert [s.label for s in open_vault().scan()] == ["B-2"]
    assert not list((home / "sessions").glob(f"{first}*"))


def test_delete_asks_in_a_terminal_and_keeps_on_no(home, cli, tmp_path, monkeypatch):
    _audit(cli, tmp_path, "K-1")
    from safetycheck.cli.app import App

    monkeypatch.setattr(App, "interactive", property(lambda self: True))
    r = cli(["--lang", "en", "sessions", "delete", "K-1"], input="n\n")
    assert r.exit_code == 0 and "Not deleted" in r.stdout
    assert [s.label for s in open_vault().scan()] == ["K-1"]
    r = cli(["--lang", "en", "sessions", "delete", "K-1"], input="y\n")
    assert r.exit_code == 0 and list(open_vault().scan()) == []


def test_unknown_session_everywhere(home, cli, tmp_path):
    _audit(cli, tmp_path, "A-1")
    for args in (["sessions", "show", "nope"], ["sessions", "delete", "nope", "--yes"],
                 ["sessions", "restore", "0123456789ab"]):
        r = cli(["--lang", "en", *args])
        assert r.exit_code == 2, (args, r.output)
        assert "No session" in r.stderr


def test_resume_without_terminal_fails_before_anything(home, cli, tmp_path):
    _audit(cli, tmp_path, "A-1")
    r = cli(["--lang", "en", "resume", "A-1"], input="")
    assert r.exit_code == 2 and "Cannot ask questions here" in r.stderr


def test_delete_a_damaged_session_by_id(home, cli, tmp_path):
    sid = _audit(cli, tmp_path, "D-1")
    (home / "sessions" / f"{sid}.scv").write_bytes(b"garbage")
    r = cli(["--lang", "en", "sessions", "delete", sid, "--yes"])
    assert r.exit_code == 0, r.output
    assert not list((home / "sessions").glob(f"{sid}*"))


def test_resume_with_nothing_saved_creates_nothing(home, cli, monkeypatch):
    from safetycheck.cli.app import App

    monkeypatch.setattr(App, "interactive", property(lambda self: True))
    r = cli(["--lang", "en", "resume"], input="")
    assert r.exit_code == 2
    assert "no saved audits yet" in r.stderr and "safetycheck audit" in r.stderr
    assert not home.exists()
