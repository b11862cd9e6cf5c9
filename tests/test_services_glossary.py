"""The support-services directory, the province selector and the glossary: APIs and commands."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from safetycheck import i18n
from safetycheck.errors import CatalogError, UsageError
from safetycheck.glossary import load_glossary
from safetycheck.services import (
    NATIONAL,
    Province,
    Service,
    emergency_numbers,
    find_province,
    load_provinces,
    load_services,
    services_for,
)

ROOT = Path(__file__).resolve().parent.parent
LATIN = re.compile(r"[A-Za-z]")
REFERENCE = ROOT.parent / "shared" / "reference" / "mongolia.md"


# -- provinces --------------------------------------------------------------------------------

def test_every_aimag_and_district_is_listed_once() -> None:
    provinces = load_provinces()
    kinds = [p.kind for p in provinces]
    assert kinds.count("aimag") == 21
    assert kinds.count("district") == 9
    assert kinds.count("capital") == 1
    assert len({p.id for p in provinces}) == len(provinces)
    assert all(isinstance(p, Province) for p in provinces)
    ids = {p.id for p in provinces}
    assert {"darkhan_uul", "ub_bayangol", "tov", "orkhon", "ub_sukhbaatar", "sukhbaatar"} <= ids


def test_province_names_are_cyrillic_and_unambiguous() -> None:
    provinces = load_provinces()
    for p in provinces:
        assert not LATIN.search(p.name["mn"]), p.id  # Төв, Орхон with Cyrillic Т, О
        assert p.name["en"] and p.name["mn"]
    by_id = {p.id: p for p in provinces}
    assert by_id["tov"].name["mn"] == "Төв" and by_id["tov"].name["mn"][0] == "\u0422"
    assert by_id["orkhon"].name["mn"][0] == "\u041e"
    # The aimag and the district called Sükhbaatar must be told apart by their names.
    assert by_id["sukhbaatar"].name["mn"] != by_id["ub_sukhbaatar"].name["mn"]
    assert by_id["sukhbaatar"].name["en"] != by_id["ub_sukhbaatar"].name["en"]
    assert len({p.name["mn"] for p in provinces}) == len(provinces)


@pytest.mark.skipif(not REFERENCE.exists(), reason="shared reference notes not present")
def test_province_names_match_the_reference_notes() -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    for p in load_provinces():
        bare = re.sub(r" (аймаг|дүүрэг)| \(.*\)", "", p.name["mn"])
        assert bare in text, p.id


@pytest.mark.parametrize("text, expected", [
    ("darkhan_uul", "darkhan_uul"),
    ("Darkhan-Uul", "darkhan_uul"),
    ("DARKHAN UUL", "darkhan_uul"),
    ("Дархан-Уул", "darkhan_uul"),
    ("дархан уул", "darkhan_uul"),
    ("ub_bayangol", "ub_bayangol"),
    ("Баянгол", "ub_bayangol"),
    ("Bayangol district", "ub_bayangol"),
    ("Övörkhangai", "ovorkhangai"),
    ("ovorkhangai", "ovorkhangai"),
    ("Uvurkhangai", "ovorkhangai"),
    ("Төв", "tov"),
    ("T\u04e9\u0432", "tov"),  # Latin T, as in the stored statistics-office page
    ("тов", "tov"),  # Ө typed as О on a Russian keyboard
    ("Gobi-Altai", "govi_altai"),
    ("Сүхбаатар аймаг", "sukhbaatar"),
    ("Sukhbaatar district", "ub_sukhbaatar"),
    ("Сүхбаатар дүүрэг", "ub_sukhbaatar"),
    ("Улаанбаатар", "ulaanbaatar"),
    ("Хан Уул", "ub_khan_uul"),
])
def test_find_province_accepts_ids_names_and_spellings(text: str, expected: str) -> None:
    assert find_province(text).id == expected


@pytest.mark.parametrize("text", ["Атлантис", "xyz", "", "   "])
def test_unknown_province_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError) as info:
        find_province(text)
    assert info.value.key == "error.unknown_province"
    assert info.value.exit_code == 2


def test_unknown_province_suggests_the_closest_name() -> None:
    with pytest.raises(UsageError) as info:
        find_province("Darkhn")
    assert "Darkhan-Uul" in str(info.value)


def test_sukhbaatar_alone_is_ambiguous() -> None:
    with pytest.raises(UsageError) as info:
        find_province("Сүхбаатар")
    assert info.value.key == "error.ambiguous_province"
    assert "sukhbaatar" in info.value.params["options"]
    assert "ub_sukhbaatar" in info.value.params["options"]


# -- services ---------------------------------------------------------------------------------

def test_services_are_valid_and_sourced() -> None:
    services = load_services()
    ids = {p.id for p in load_provinces()}
    assert len({s.id for s in services}) == len(services)
    for s in services:
        assert isinstance(s, Service)
        assert s.area == NATIONAL or s.area in ids, s.id
        assert s.source.startswith(("https://", "http://")), s.id
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", s.checked), s.id
        assert s.name["mn"] and s.name["en"] and s.helps_with["mn"] and s.helps_with["en"]
        if not s.verified:
            assert s.note and s.note["mn"] and s.note["en"], f"{s.id}: unverified needs a note"


def test_emergency_numbers_in_order() -> None:
    assert [s.phone for s in emergency_numbers()] == ["102", "107", "108", "103"]
    assert all(s.verified and s.area == NATIONAL for s in emergency_numbers())


def test_what_the_research_notes_say_is_kept() -> None:
    by_id = {s.id: s for s in load_services()}
    # 103 is the capital's ambulance centre in the numbering table: the note says so.
    assert "capital" in by_id["ambulance_103"].note["en"]
    # 112 is not confirmed live yet.
    assert by_id["emergency_112"].phone == "112" and not by_id["emergency_112"].verified
    # No NCAV hotline number was found: none may be shown.
    assert by_id["ncav"].phone is None and not by_id["ncav"].verified
    assert by_id["iwf_portal"].website == "https://report.iwf.org.uk/mn"
    assert by_id["stopncii"].website == "https://stopncii.org"
    assert by_id["cyber_crime_department"].phone == "102"
    assert "E-Mongolia" in by_id["legal_aid_emongolia"].name["en"]
    assert by_id["crc"].phone == "976-11-304258; 1800-1858"
    assert by_id["osc_dornod"].area == "dornod" and not by_id["osc_dornod"].verified


@pytest.mark.skipif(not REFERENCE.exists(), reason="shared reference notes not present")
def test_every_phone_number_and_source_is_in_the_research_notes() -> None:
    """Never invent a number: each phone number and source URL must appear in the notes."""
    text = REFERENCE.read_text(encoding="utf-8")
    for s in load_services():
        assert s.source in text, f"{s.id}: source not in the notes"
        assert s.website is None or s.website in text, f"{s.id}: website not in the notes"
        for number in re.split(r"[;,]\s*", s.phone or ""):
            if number:
                assert number in text, f"{s.id}: {number} not in the notes"


def test_services_for_a_province_adds_its_own() -> None:
    national = services_for(None)
    assert national and all(s.area == NATIONAL for s in national)
    dornod = services_for("dornod")
    assert dornod[: len(national)] == national
    assert [s.id for s in dornod[len(national):]] == ["osc_dornod"]
    # A province with no local entry gets the national list.
    assert services_for("khovd") == national
    # A name works as well as an id.
    assert services_for("Дорнод") == dornod


def test_a_district_gets_capital_wide_services(monkeypatch: pytest.MonkeyPatch) -> None:
    from safetycheck import services as mod

    extra = Service(id="ub_wide", name={"mn": "Нийслэл", "en": "Capital"},
                    helps_with={"mn": "Тусламж", "en": "Help"}, phone=None, website=None,
                    address=None, hours=None, area="ulaanbaatar", source="https://x.test",
                    checked="2026-01-01", verified=False, note={"mn": "Тайлбар", "en": "Note"})
    original = mod._services()
    monkeypatch.setattr(mod, "_services", lambda: (*original, extra))
    chingeltei = [s.id for s in services_for("ub_chingeltei")]
    assert "ub_wide" in chingeltei and "osc_ub_chingeltei" in chingeltei
    assert "osc_ub_bayanzurkh" not in chingeltei
    assert "ub_wide" not in [s.id for s in services_for("dornod")]
    capital = [s.id for s in services_for("ulaanbaatar")]
    assert {"ub_wide", "osc_ub_chingeltei", "osc_ub_bayanzurkh"} <= set(capital)


def test_bad_services_file_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    from safetycheck import services as mod

    bad = ("x_service:\n  name: {mn: Нэр, en: Name}\n  helps_with: {mn: Тус, en: Help}\n"
           "  area: atlantis\n  source: https://x.test\n  checked: '2026-01-01'\n"
           "  verified: true\n")
    real = mod._data_text
    monkeypatch.setattr(mod, "_data_text",
                        lambda name: bad if name == "services.yaml" else real(name))
    mod._services.cache_clear()
    try:
        with pytest.raises(CatalogError) as info:
            mod.load_services()
        assert info.value.params["field"] == "x_service.area"
    finally:
        monkeypatch.undo()
        mod._services.cache_clear()


def test_services_data_ships_in_the_package() -> None:
    from importlib import resources

    folder = resources.files("safetycheck") / "data"
    assert (folder / "services.yaml").is_file() and (folder / "provinces.yaml").is_file()


# -- safetycheck services -----------------------------------------------------------------------

def test_services_command_lists_emergency_numbers_first(cli) -> None:
    res = cli(["services", "--lang", "en", "--plain"])
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert lines[0] == "Emergency numbers"
    assert [line.split()[0] for line in lines[1:5]] == ["102", "107", "108", "103"]
    assert "Legal Aid Center" in res.stdout
    assert "safetycheck services --province NAME" in " ".join(res.stdout.split())


def test_services_command_labels_unverified_entries(cli) -> None:
    res = cli(["services", "--lang", "en", "--province", "dornod"])
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert any(x.startswith("One-stop service centre, Dornod") and "[Not verified]" in x
               for x in lines)
    assert any(x.startswith("Single emergency number  112  [Not verified]") for x in lines)
    assert not any(x.startswith("Legal Aid Center") and "Not verified" in x for x in lines)
    assert "Dornod" in res.stdout


def test_services_output_fits_80_columns_in_both_languages(cli) -> None:
    for lang in ("mn", "en"):
        for province in ("ulaanbaatar", "dornod", "khovd"):
            res = cli(["services", "--lang", lang, "--province", province])
            assert res.exit_code == 0
            too_long = [line for line in res.stdout.splitlines() if len(line) > 80]
            assert not too_long, too_long
            assert not [line for line in res.stdout.splitlines() if line != line.rstrip()]


def test_services_mongolian_by_default(cli) -> None:
    res = cli(["services"])
    assert res.exit_code == 0
    assert "Яаралтай үед залгах дугаар" in res.stdout
    assert "Хууль зүйн туслалцааны төв" in res.stdout


def test_services_json_schema(cli) -> None:
    res = cli(["services", "--province", "Дархан-Уул", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["schema"] == "safetycheck.services/1"
    assert data["province"] == {"id": "darkhan_uul", "kind": "aimag",
                                "name": {"mn": "Дархан-Уул", "en": "Darkhan-Uul"}}
    assert data["emergency"] == ["police_102", "dv_hotline_107", "child_helpline_108",
                                 "ambulance_103"]
    ids = [s["id"] for s in data["services"]]
    assert "osc_darkhan_uul" in ids and "osc_dornod" not in ids
    first = data["services"][0]
    assert set(first) == {"id", "name", "helps_with", "phone", "website", "address", "hours",
                          "area", "source", "checked", "verified", "note"}
    assert set(data["emergency"]) <= set(ids)


def test_services_json_without_province(cli) -> None:
    data = json.loads(cli(["services", "--json"]).stdout)
    assert data["province"] is None
    assert all(s["area"] == "national" for s in data["services"])


def test_provinces_list(cli) -> None:
    res = cli(["services", "--provinces", "--lang", "en"])
    assert res.exit_code == 0
    assert "darkhan_uul" in res.stdout and "Дархан-Уул" in res.stdout
    data = json.loads(cli(["services", "--provinces", "--json"]).stdout)
    assert data["schema"] == "safetycheck.provinces/1"
    assert len(data["provinces"]) == 31


@pytest.mark.parametrize("lang, expected", [
    ("en", "No aimag or district called “Atlantis” was found."),
    ("mn", "«Atlantis» нэртэй аймаг, дүүрэг олдсонгүй."),
])
def test_bad_province_gives_a_translated_message_and_exit_2(cli, lang: str,
                                                             expected: str) -> None:
    res = cli(["services", "--lang", lang, "--province", "Atlantis"])
    assert res.exit_code == 2
    assert expected in res.stderr
    assert "safetycheck services --provinces" in res.stderr
    assert "Traceback" not in res.output and res.stdout == ""


def test_ambiguous_province_message(cli) -> None:
    res = cli(["services", "--lang", "en", "--province", "Sukhbaatar"])
    assert res.exit_code == 2
    assert "Sükhbaatar aimag" in res.stderr and "Sükhbaatar district" in res.stderr


def test_province_name_with_terminal_escapes_is_cleaned(cli) -> None:
    res = cli(["services", "--lang", "en", "--province", "\x1b[31mred\x1b]0;x\x07"])
    assert res.exit_code == 2
    assert "\x1b" not in res.stderr


# -- glossary -----------------------------------------------------------------------------------

def test_glossary_has_the_brief_terms() -> None:
    terms = {t.id: t for t in load_glossary()}
    chosen = {t.term["mn"] for t in terms.values()}
    for word in ("технологи ашиглан үйлдэгдэж буй жендэрт суурилсан хүчирхийлэл",
                 "нууц үг", "хоёр алхамт баталгаажуулалт", "бүртгэл", "нэвтрэх", "апп",
                 "нууцаар хянадаг апп", "байршил", "байршил хуваалцах", "төхөөрөмж",
                 "тэр хүн", "нийгмийн ажилтан", "нотлох баримт", "дэлгэцийн зураг",
                 "аюулгүй байдлын төлөвлөгөө", "хувийн мэдээлэл",
                 "хувийн мэдээллийг задруулах", "дотно зургийг зөвшөөрөлгүй тараах",
                 "секс сүрдүүлэг", "уруу татах", "мөрдөж мөшгөх", "цахим дарамт",
                 "нууцлалын тохиргоо", "Тохиргоо", "имэйл", "дэлгэцийн түгжээ",
                 "нөөц хуулбар"):
        assert word in chosen, word
    assert terms["stalkerware"].term == {"mn": "нууцаар хянадаг апп", "en": "stalkerware"}


def test_glossary_loader_does_not_treat_the_data_file_as_a_guide() -> None:
    from safetycheck.catalog import guide_ids

    for lang in i18n.LANGS:
        assert "glossary.yaml" not in guide_ids(lang)


def test_glossary_command(cli) -> None:
    res = cli(["glossary", "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "stalkerware" in res.stdout and "(нууцаар хянадаг апп)" in res.stdout
    assert "Other words you may hear:" in res.stdout
    assert all(len(line) <= 80 for line in res.stdout.splitlines())
    mn = cli(["glossary"])
    assert "Нэр томьёоны тайлбар толь" in mn.stdout and "нууцаар хянадаг апп" in mn.stdout


def test_glossary_lookup_by_a_variant(cli) -> None:
    res = cli(["glossary", "аккаунт", "--lang", "en"])
    assert res.exit_code == 0
    assert res.stdout.splitlines()[2] == "account"
    assert res.stdout.count("\n\n") == 1  # the title, then one term
    res = cli(["glossary", "zzzz", "--lang", "en"])
    assert "“zzzz” is not in the glossary" in res.stdout


def test_glossary_json(cli) -> None:
    data = json.loads(cli(["glossary", "--json"]).stdout)
    assert data["schema"] == "safetycheck.glossary/1"
    assert len(data["terms"]) == len(load_glossary())
    first = data["terms"][0]
    assert set(first) == {"id", "term", "definition", "variants"}
    assert first["term"]["mn"].startswith("технологи ашиглан")


def test_content_catalog_has_every_key_in_both_languages() -> None:
    data = json.loads((ROOT / "safetycheck" / "locales" / "content.json").read_text("utf-8"))
    for key, entry in data.items():
        assert set(entry) == {"mn", "en"} and all(entry.values()), key
        assert (set(re.findall(r"\{(\w+)\}", entry["mn"]))
                == set(re.findall(r"\{(\w+)\}", entry["en"]))), key


@pytest.mark.parametrize("text, expected", [
    ("sukhbaatar", "sukhbaatar"),  # the id, exactly as `--provinces` lists it
    ("UB-Bayangol", "ub_bayangol"),
    ("DARKHAN_UUL", "darkhan_uul"),
])
def test_ids_in_any_case(text: str, expected: str) -> None:
    assert find_province(text).id == expected


def test_sukhbaatar_in_latin_letters_is_ambiguous_too() -> None:
    with pytest.raises(UsageError) as info:
        find_province("Sukhbaatar")
    assert info.value.key == "error.ambiguous_province"
