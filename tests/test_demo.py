"""The trainer demo: runs with no device and no network, and stores nothing."""

from __future__ import annotations

import os

from conftest import tree_snapshot


def test_demo_runs_straight_through_and_stores_nothing(home, cli, tmp_path):
    home.mkdir()
    (home / "marker").write_text("before")
    before = tree_snapshot(home)
    cwd_before = set(os.listdir(tmp_path))
    r = cli(["demo", "--no-input"])
    assert r.exit_code == 0, r.output
    assert "Сараа" in r.stdout
    assert tree_snapshot(home) == before
    assert set(os.listdir(tmp_path)) == cwd_before


def test_demo_in_english_shows_summary_and_honest_note(home, cli):
    r = cli(["--lang", "en", "demo", "--no-input"])
    assert r.exit_code == 0, r.output
    assert "Saraa" in r.stdout and "Summary" in r.stdout
    assert "not proof of safety" in r.stdout
    assert not home.exists()


def test_demo_session_is_scripted_and_mixed():
    from safetycheck.catalog import load_catalog
    from safetycheck.cli.demo import build_demo_session

    s = build_demo_session(load_catalog(), "en")
    statuses = {a.status.value for a in s.answers.values()}
    assert "at_risk" in statuses and "ok" in statuses
    assert s.demo and s.province == "darkhan_uul"
