"""The check catalog: every file valid, guides complete in both languages, bad files rejected."""

from __future__ import annotations

from pathlib import Path

import pytest

from safetycheck.catalog import check_problems, guide_ids, load_catalog, load_platforms
from safetycheck.model import Area

ROOT = Path(__file__).resolve().parent.parent


def test_catalog_loads_and_ids_match_files():
    catalog = load_catalog()
    assert catalog.checks
    for cid, check in catalog.checks.items():
        assert check.id == cid
        assert check.source == f"checks/{check.area.value}/{cid}.yaml"


def test_every_check_has_a_guide_in_both_languages():
    ids = set(load_catalog().checks)
    for lang in ("mn", "en"):
        guides = guide_ids(lang)
        assert not ids - guides, f"checks without a {lang} guide: {sorted(ids - guides)}"


def test_every_guide_has_a_check():
    ids = set(load_catalog().checks)
    for lang in ("mn", "en"):
        orphans = guide_ids(lang) - ids
        assert not orphans, f"{lang} guides without a check: {sorted(orphans)}"


def test_every_area_has_checks():
    catalog = load_catalog()
    for area in Area:
        assert catalog.in_area(area), area


def _valid() -> dict:
    return {
        "id": "sample_check", "area": "accounts", "severity": "high", "kind": "question",
        "platforms": ["facebook"],
        "title": {"mn": "Гарчиг", "en": "Title"},
        "question": {"mn": "Асуулт уу?", "en": "Question?"},
        "how_to_check": {"mn": "Ингэж", "en": "Like this"},
        "risk": {"mn": "Эрсдэл", "en": "Risk"},
        "answers": {"yes": "at_risk", "no": "ok", "not_sure": "unknown"},
        "tfgbv_forms": ["control"], "priority_when": ["knows_passwords"],
        "references": [{"url": "https://example.org", "checked": "2026-11-28"}],
    }


def _problems(data, expected_id="sample_check", area="accounts"):
    return check_problems(data, "checks/accounts/sample_check.yaml", expected_id, area,
                          load_platforms())


def test_valid_sample_has_no_problems():
    assert _problems(_valid()) == []


@pytest.mark.parametrize("mutate,field", [
    (lambda d: d.pop("risk"), "risk"),
    (lambda d: d["title"].pop("en"), "title.en"),
    (lambda d: d["question"].update(mn=""), "question.mn"),
    (lambda d: d.update(severity="urgent"), "severity"),
    (lambda d: d.update(area="location"), "area"),
    (lambda d: d.update(id="other_id"), "id"),
    (lambda d: d.update(platforms=["myspace"]), "platforms"),
    (lambda d: d["answers"].pop("not_sure"), "answers.not_sure"),
    (lambda d: d["answers"].update(yes="ok"), "answers"),
    (lambda d: d.update(tfgbv_forms=["spam"]), "tfgbv_forms"),
    (lambda d: d.update(priority_when=["moon_phase"]), "priority_when"),
    (lambda d: d["references"][0].update(checked="yesterday"), "references[0].checked"),
    (lambda d: d["references"][0].update(url="ftp://x"), "references[0].url"),
    (lambda d: d.update(colour="red"), "colour"),
    (lambda d: d.update(kind="probe"), "probe"),
])
def test_bad_field_is_named(mutate, field):
    data = _valid()
    mutate(data)
    problems = _problems(data)
    assert field in {p.field for p in problems}, problems
    assert all(p.file == "checks/accounts/sample_check.yaml" for p in problems)


def test_validate_command_names_file_and_field(cli, tmp_path):
    folder = tmp_path / "checks" / "accounts"
    folder.mkdir(parents=True)
    (tmp_path / "checks" / "platforms.yaml").write_text(
        (ROOT / "checks" / "platforms.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    bad = folder / "bad_check.yaml"
    bad.write_text("id: bad_check\narea: accounts\nseverity: urgent\n", encoding="utf-8")
    r = cli(["--lang", "en", "checks", "validate", str(tmp_path / "checks")])
    assert r.exit_code == 1
    assert "bad_check.yaml" in r.stdout and "severity" in r.stdout and "risk" in r.stdout

    broken = folder / "broken.yaml"
    broken.write_text("id: [unclosed\n", encoding="utf-8")
    r = cli(["--lang", "en", "checks", "validate", str(broken)])
    assert r.exit_code == 1 and "broken.yaml" in r.stdout


def test_validate_command_accepts_the_shipped_catalog(cli):
    r = cli(["--lang", "en", "checks", "validate"])
    assert r.exit_code == 0, r.output
    assert "valid" in r.stdout


def test_validate_missing_path(cli, tmp_path):
    r = cli(["--lang", "en", "checks", "validate", str(tmp_path / "nope")])
    assert r.exit_code == 2 and "was not found" in r.stderr


def test_a_broken_shipped_check_is_reported_in_words(cli, monkeypatch, tmp_path):
    """A damaged check file in the installed catalog names the file and the field, in the
    user's language, and never shows a message key."""
    import shutil

    import safetycheck.catalog as catalog

    copy = tmp_path / "checks"
    shutil.copytree(ROOT / "checks", copy)
    target = next((copy / "accounts").glob("*.yaml"))
    target.write_text(target.read_text(encoding="utf-8").replace("severity:", "sevérity:"),
                      encoding="utf-8")
    monkeypatch.setattr(catalog, "data_dir", lambda name: copy if name == "checks"
                        else ROOT / name)
    catalog.load_catalog.cache_clear()
    try:
        r = cli(["--lang", "en", "checks", "list"])
    finally:
        catalog.load_catalog.cache_clear()
    assert r.exit_code == 2
    assert target.name in r.stderr and "severity" in r.stderr
    assert "catalog.problem" not in r.stderr and "is required" in r.stderr


GUIDE_HEADINGS = {
    "en": ("## Steps", "## If something goes wrong", "## Where to get help"),
    "mn": ("## Алхмууд", "## Ямар нэг зүйл буруу болбол", "## Тусламж хаанаас авах вэ"),
}
SAFETY_BLOCK = {"en": "> **Safety first.**", "mn": "> **Эхлээд аюулгүй байдал.**"}
# Guides whose steps the other person cannot notice (nothing on a shared account or a
# device they watch changes), so they need no safety block before the steps.
NO_SAFETY_BLOCK = {"photo_metadata_removed"}


@pytest.mark.parametrize("lang", ["en", "mn"])
def test_every_guide_has_the_structure_people_rely_on(lang):
    """Title = the check's safe state; safety block before the steps; steps, what if it goes
    wrong, where to get help — in every guide, in both languages."""
    from safetycheck.catalog import guide_text

    catalog = load_catalog()
    for cid, check in catalog.checks.items():
        text = guide_text(cid, lang)
        first = text.splitlines()[0]
        assert first == f"# {check.title[lang]}", (lang, cid, first)
        positions = [text.find(h + "\n") for h in GUIDE_HEADINGS[lang]]
        assert all(p > 0 for p in positions), (lang, cid, positions)
        assert positions == sorted(positions), (lang, cid)
        if cid not in NO_SAFETY_BLOCK:
            safety = text.find(SAFETY_BLOCK[lang])
            assert 0 < safety < positions[0], f"{lang}/{cid}: safety block before the steps"
        for number in ("102", "107"):
            assert number in text, f"{lang}/{cid}: emergency number {number} missing"
