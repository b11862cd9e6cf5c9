"""``safetycheck report``: which session, where the file goes, its mode, and bad input."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from conftest import load_report_fixture

from safetycheck.model import Session

fx = load_report_fixture()
POSIX = os.name == "posix"


def save(*sessions: Session, times: list[str] | None = None, monkeypatch=None) -> None:
    from safetycheck.storage import vault as vault_mod

    vault = vault_mod.open_vault(None)
    for i, s in enumerate(sessions):
        if times and monkeypatch:
            monkeypatch.setattr(vault_mod, "utcnow", lambda t=times[i]: t)
        vault.save(s)


@pytest.fixture
def work(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def test_default_output_is_a_private_file_in_the_current_folder(work, cli):
    save(fx.session())
    result = cli(["--lang", "en", "report"])
    assert result.exit_code == 0, result.output
    out = work / "safetycheck-report-5e55a0c1d2e3.html"
    assert out.is_file()
    assert str(out) in result.stdout.replace("\n", "")
    assert "Careful: this file holds personal information" in result.stderr
    if POSIX:
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Case DU-17" in html
    assert result.stdout.count("<html") == 0  # nothing of the report on the terminal


def test_dash_prints_to_stdout_and_warns_on_stderr(work, cli):
    save(fx.session())
    result = cli(["report", "--format", "md", "-o", "-", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Safety check report\n")
    assert "Careful" not in result.stdout and "Careful" in result.stderr
    assert list(work.iterdir()) == []


def test_output_folder_gets_the_default_name(work, cli):
    save(fx.session())
    folder = work / "reports"
    folder.mkdir()
    result = cli(["report", "--format", "json", "-o", str(folder), "--lang", "en"])
    assert result.exit_code == 0, result.output
    data = json.loads((folder / "safetycheck-report-5e55a0c1d2e3.json").read_text("utf-8"))
    assert data["lang"] == "en" and data["session"]["label"] == "Case DU-17"


def test_mongolian_by_default_and_json_matches_schema(work, cli):
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is a test dependency")
    save(fx.session())
    result = cli(["report", "--format", "json", "-o", "r.json"])
    assert result.exit_code == 0, result.output
    assert "Тайлан хадгалагдлаа" in result.stdout
    data = json.loads((work / "r.json").read_text("utf-8"))
    schema = json.loads((Path(__file__).parent.parent / "docs" / "report-schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(data)
    assert data["lang"] == "mn"
    assert set(data["findings"]) >= {"password_not_known", "stalkerware_app_absent"}


@pytest.mark.parametrize("ident", ["case du-17", "CASE DU-17", "5e55a0c1d2e3", "5e55a0"])
def test_session_by_label_id_or_prefix(work, cli, ident):
    other = Session(id="0123456789ab", label="another")
    save(fx.session(), other)
    result = cli(["report", ident, "--format", "md", "-o", "-", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Case DU-17" in result.stdout


def test_default_is_the_most_recently_updated_session(work, cli, monkeypatch):
    old, new = Session(id="aaaaaaaaaaaa", label="older"), Session(id="bbbbbbbbbbbb", label="newer")
    save(new, old, times=["2026-11-20T10:00:00Z", "2026-11-19T10:00:00Z"],
         monkeypatch=monkeypatch)
    result = cli(["report", "--format", "md", "-o", "-", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "newer" in result.stdout and "older" not in result.stdout


def test_ambiguous_label_asks_for_the_id(work, cli):
    save(Session(id="aaaaaaaaaaaa", label="same"), Session(id="bbbbbbbbbbbb", label="Same"))
    result = cli(["report", "same", "--lang", "en"])
    assert result.exit_code == 2
    assert "Several audits match “same”" in result.stderr
    assert "Traceback" not in result.output
    assert cli(["report", "aaaaaaaaaaaa", "-o", "-", "--lang", "en"]).exit_code == 0


def test_no_saved_session_is_a_clear_error(work, cli):
    result = cli(["report", "--lang", "en"])
    assert result.exit_code == 2
    assert "There is no saved session." in result.stderr
    assert "safetycheck audit" in result.stderr
    assert not (work.parent / "home").exists()  # asking did not create a vault


def test_unknown_session(work, cli):
    save(fx.session())
    result = cli(["report", "nobody", "--lang", "en"])
    assert result.exit_code == 2
    assert "No session “nobody” was found." in result.stderr


def test_bad_format_is_a_usage_error(work, cli):
    result = cli(["report", "--format", "pdf", "--lang", "en"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_unwritable_output_is_a_clear_error(work, cli):
    save(fx.session())
    (work / "afile").write_text("x")
    result = cli(["report", "-o", str(work / "afile" / "r.html"), "--lang", "en"])
    assert result.exit_code == 3
    assert "Could not write" in result.stderr and "Traceback" not in result.output


def test_include_locations_and_caseworker(work, cli):
    save(fx.session())
    hidden = cli(["report", "--format", "md", "-o", "-", "--lang", "en"])
    assert "49.486389" not in hidden.stdout
    shown = cli(["report", "--format", "md", "-o", "r.md", "--include-locations",
                 "--caseworker", "D. Saraa", "--lang", "en"])
    assert shown.exit_code == 0, shown.output
    text = (work / "r.md").read_text("utf-8")
    assert "49.486389, 105.922500" in text and "D. Saraa" in text
    assert "includes photo coordinates" in shown.stderr.replace("\n", " ")
