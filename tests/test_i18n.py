"""Every interface string exists in Mongolian and English, and every key the code uses exists."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest

from safetycheck import i18n

PKG = Path(__file__).resolve().parent.parent / "safetycheck"
LOCALES = sorted((PKG / "locales").glob("*.json"))


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_catalog_files_are_valid_json_with_mn_and_en():
    seen: dict[str, str] = {}
    for file in LOCALES:
        data = json.loads(file.read_text(encoding="utf-8"))
        assert isinstance(data, dict), file.name
        for key, entry in data.items():
            assert key not in seen, f"{key} is in both {seen.get(key)} and {file.name}"
            seen[key] = file.name
            for lang in i18n.LANGS:
                assert isinstance(entry.get(lang), str) and entry[lang].strip(), (
                    f"{file.name}: {key} has no {lang} text")
            assert set(entry) <= set(i18n.LANGS), f"{file.name}: {key} has unknown languages"


def test_placeholders_match_between_languages():
    for key, entry in i18n.load_catalog().items():
        assert _fields(entry["mn"]) == _fields(entry["en"]), key


KEY_RE = re.compile(
    r"""(?:\bt|\.say|\.warn|\.confirm|\.prompt_secret|wait_enter|Error)\(\s*(?:app,\s*)?"""
    r"""["']([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)["']""")


def test_every_key_used_in_code_exists():
    catalog = i18n.load_catalog()
    missing = []
    for file in PKG.rglob("*.py"):
        for key in KEY_RE.findall(file.read_text(encoding="utf-8")):
            if key not in catalog and not key.endswith("."):
                missing.append(f"{file.relative_to(PKG)}: {key}")
    assert not missing, missing


@pytest.mark.parametrize("family,values", [
    ("area", ["accounts", "stalkerware", "location", "exposure"]),
    ("severity", ["critical", "high", "medium", "low", "info"]),
    ("word", ["yes", "no", "not_sure", "skip"]),
    ("action", ["done", "deferred", "not_wanted"]),
    ("state", ["in_progress", "paused", "finished"]),
])
def test_dynamic_key_families_are_complete(family, values):
    catalog = i18n.load_catalog()
    for v in values:
        assert f"{family}.{v}" in catalog


def test_language_resolution(monkeypatch):
    monkeypatch.delenv("SAFETYCHECK_LANG", raising=False)
    assert i18n.resolve_lang() == "mn"
    assert i18n.resolve_lang("EN") == "en"
    monkeypatch.setenv("SAFETYCHECK_LANG", "en_US.UTF-8")
    assert i18n.resolve_lang() == "en"
    assert i18n.resolve_lang("mn") == "mn"
    assert i18n.normalize_lang("fr") is None


def test_missing_placeholder_does_not_crash():
    assert "{label}" in i18n.t("audit.resume_hint", "en")
