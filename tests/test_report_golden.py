"""Golden-file tests: the report of a fixed session, byte for byte, in every format.

The session, catalog, services and glossary are fixed (``tests/data/report/fixture.py``), as
are the report date and tool version, so any change in the output shows up as a diff here.
After an intended change, regenerate the files and review the diff before committing::

    SAFETYCHECK_REGEN_GOLDEN=1 .venv/bin/pytest tests/test_report_golden.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import load_report_fixture

from safetycheck.report import render
from safetycheck.report.model import build_report

DATA = Path(__file__).parent / "data" / "report"
REGEN = os.environ.get("SAFETYCHECK_REGEN_GOLDEN") == "1"
NOW = "2026-11-21T08:00:00Z"




fx = load_report_fixture()


def _report(lang: str, **kw):
    return build_report(fx.session(), fx.catalog(), lang, generated_at=NOW, version="0.0.0-test",
                        sources=fx.sources(), **kw)


@pytest.mark.parametrize("name,lang,fmt", [
    ("golden.html", "mn", "html"),
    ("golden.md", "mn", "md"),
    ("golden.json", "mn", "json"),
    ("golden.en.md", "en", "md"),
    ("golden.en.html", "en", "html"),
])
def test_golden(name: str, lang: str, fmt: str):
    text = render(_report(lang), fmt)
    path = DATA / name
    if REGEN:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing {path}; run with SAFETYCHECK_REGEN_GOLDEN=1"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{name} differs; review and regenerate (see module docstring)"


def test_golden_json_is_valid_against_the_published_schema():
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is a test dependency")
    schema = json.loads((DATA.parent.parent.parent / "docs" / "report-schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    data = json.loads((DATA / "golden.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)


def test_rendering_is_deterministic():
    assert render(_report("mn"), "html") == render(_report("mn"), "html")
