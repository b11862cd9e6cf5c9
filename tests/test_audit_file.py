"""Non-interactive audits from an answers file, and what bad input does."""

from __future__ import annotations

import json

import pytest
from conftest import tree_snapshot

from safetycheck.storage.vault import open_vault

GOOD = """\
label: "Case A-1"
intake:
  concerns: [accounts]
  devices: [android]
  platforms: [facebook, google]
  lives_with: no
  knows_passwords: yes
answers:
  password_not_known@facebook: yes
  password_not_known@google: {answer: no, note: "checked together"}
"""


@pytest.fixture
def answers(tmp_path):
    def write(text: str, name: str = "answers.yaml"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)
    return write


def test_answers_file_records_a_session(home, cli, answers):
    r = cli(["--lang", "en", "audit", "--answers", answers(GOOD), "--no-input", "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["label"] == "Case A-1" and data["answered"] == 2
    assert data["findings_by_severity"]["critical"] == 1
    [session] = list(open_vault().scan())
    assert session.answers["password_not_known@google"].note == "checked together"
    assert session.intake["knows_passwords"] == "yes"


def test_json_answers_file(home, cli, answers):
    doc = {"label": "J", "intake": {"platforms": ["google"]},
           "answers": {"password_not_known@google": "not_sure"}}
    r = cli(["audit", "--answers", answers(json.dumps(doc), "a.json"), "--no-input"])
    assert r.exit_code == 0, r.output
    [session] = list(open_vault().scan())
    assert session.answers["password_not_known@google"].status.value == "unknown"


def test_no_store_writes_nothing(home, cli, answers):
    path = answers(GOOD)
    r = cli(["audit", "--answers", path, "--no-input", "--no-store"])
    assert r.exit_code == 0, r.output
    assert not home.exists()


@pytest.mark.parametrize("text,needle", [
    ("label: [unclosed\n", "not valid YAML"),
    ("- just\n- a list\n", "must be a mapping"),
    ("colour: red\n", "unknown field"),
    ("intake: {moon: yes}\n", "no intake question"),
    ("intake: {platforms: [myspace]}\n", "not valid"),
    ("intake: {platforms: [google]}\nanswers: {password_not_known@google: perhaps}\n",
     "not valid"),
    ("intake: {platforms: [google]}\nanswers: {no_such_check@google: yes}\n",
     "There is no check"),
    ("intake: {platforms: [google]}\nanswers: {password_not_known@viber: yes}\n",
     "is not asked"),
    ("answers: {password_not_known@google: {answer: yes, action: later}}\n", "not valid"),
])
def test_bad_answers_file(home, cli, answers, text, needle):
    # A good session exists first: bad input must never touch it.
    assert cli(["audit", "--answers", answers(GOOD, "good.yaml"), "--no-input"]).exit_code == 0
    before = tree_snapshot(home)
    r = cli(["--lang", "en", "audit", "--answers", answers(text), "--no-input"])
    assert r.exit_code == 2, r.output
    assert needle in r.stderr, r.stderr
    assert "Traceback" not in r.output
    assert tree_snapshot(home) == before


def test_missing_answers_file(home, cli, tmp_path):
    r = cli(["--lang", "en", "audit", "--answers", str(tmp_path / "nope.yaml"), "--no-input"])
    assert r.exit_code == 2 and "was not found" in r.stderr
    assert not home.exists()


def test_no_tty_without_answers_fails_at_once(home, cli):
    r = cli(["--lang", "en", "audit"], input="")
    assert r.exit_code == 2
    assert "Cannot ask questions here" in r.stderr
    assert not home.exists()


def test_mongolian_is_the_default(home, cli):
    r = cli(["audit"], input="")
    assert r.exit_code == 2 and "асуулт асуух боломжгүй" in r.stderr


def test_lang_after_command_and_env(home, cli, monkeypatch):
    r = cli(["audit", "--lang", "en"], input="")
    assert "Cannot ask questions" in r.stderr
    monkeypatch.setenv("SAFETYCHECK_LANG", "en")
    r = cli(["audit"], input="")
    assert "Cannot ask questions" in r.stderr


@pytest.mark.parametrize("args", [["resume"], ["sessions", "delete", "Case A-1"], ["wipe"]])
def test_prompting_commands_fail_without_tty(home, cli, args, answers):
    cli(["audit", "--answers", answers(GOOD), "--no-input"])
    r = cli(["--lang", "en", *args], input="")
    assert r.exit_code == 2, r.output
    assert home.exists()
