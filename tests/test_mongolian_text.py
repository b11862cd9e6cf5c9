"""Quality gate for the Mongolian text: spelling, Cyrillic letters only, glossary terms.

Covers every check, guide, UI message, service, province and glossary entry (collected by
``benchmarks/mn_spelling.py``, which also prints the unknown-word rate for the README).
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load_gate():
    spec = importlib.util.spec_from_file_location("mn_spelling",
                                                  ROOT / "benchmarks" / "mn_spelling.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("mn_spelling", module)
    spec.loader.exec_module(module)
    return module


gate = _load_gate()
HUNSPELL_MISSING = gate.hunspell_available()
needs_hunspell = pytest.mark.skipif(HUNSPELL_MISSING is not None,
                                    reason=f"spell-check skipped: {HUNSPELL_MISSING}")


def _where(item) -> str:
    return f"{item.file}: {item.where}" if item.where else item.file


def _report(problems: dict[str, list[str]], intro: str) -> str:
    lines = [intro]
    for where in sorted(problems):
        lines.append(f"  {where}: {', '.join(sorted(set(problems[where])))}")
    return "\n".join(lines)


# -- the helpers the gate relies on -----------------------------------------------------------

def test_collects_every_kind_of_mongolian_text() -> None:
    files = {item.file for item in gate.collect()}
    assert "safetycheck/locales/core.json" in files
    assert "safetycheck/data/services.yaml" in files
    assert "safetycheck/data/provinces.yaml" in files
    assert "guides/glossary.yaml" in files
    assert any(f.startswith("checks/") for f in files)
    glossary_texts = [i.text for i in gate.collect() if i.file == "guides/glossary.yaml"]
    # Variants are the spellings to avoid: never spell-checked as if they were ours.
    assert "аккаунт" not in glossary_texts


def test_strip_removes_markup_urls_code_and_placeholders() -> None:
    text = ("Нээх: **Тохиргоо** › `adb shell` [StopNCII.org](https://stopncii.org/faq/) "
            "https://report.iwf.org.uk/mn {count} ширхэг, mail@example.mn")
    stripped = gate.strip(text, markdown=True)
    assert "https" not in stripped and "adb" not in stripped and "{count}" not in stripped
    assert "example" not in stripped
    assert gate.words(stripped) == ["Нээх", "Тохиргоо", "ширхэг"]


def test_words_skip_case_endings_after_latin_names_numbers_and_abbreviations() -> None:
    assert gate.words("Facebook-ийн 2019-нд НҮБ-ын Дархан-Уул т = тийм") == [
        "НҮБ", "Дархан", "Уул", "тийм"]


def test_mixed_script_words_are_found() -> None:
    latin_o = "Тохиргo"  # the last letter is a Latin "o"
    latin_t = "Tөв"  # a Latin "T", as in the stored statistics-office page
    text = f"{latin_o}ны хэсэгт {latin_t} аймаг, Facebook-ийн хуудас, Gmail хаяг"
    assert gate.mixed_script_words(text) == [latin_o + "ны", latin_t]


def test_wordlist_entries_are_single_cyrillic_words() -> None:
    problems = []
    for path in gate.wordlist_files():
        for entry in gate.wordlist_entries([path]):
            word = entry.split("/", 1)[0]
            if not re.fullmatch(r"[\u0400-\u04ff]+", word) or entry.count("/") > 1:
                problems.append(f"{path.name}: {entry!r}")
    assert not problems, "word-list entries must be one Cyrillic word (or word/model):\n" + \
        "\n".join(problems)


@needs_hunspell
def test_hunspell_finds_a_misspelling_and_the_word_list_fixes_it() -> None:
    assert gate.hunspell_unknown(["нууц", "нуууц", "апп"]) == {"нуууц", "апп"}
    # A "word/model" entry accepts the word with the model's endings.
    assert gate.hunspell_unknown(["апп", "аппыг", "аппуудыг"], ["апп/ам"]) == set()


# -- (a) spelling --------------------------------------------------------------------------------

@needs_hunspell
def test_mongolian_spelling(record_property: pytest.RecordProperty) -> None:
    texts = gate.collect()
    report = gate.measure(texts)
    before, after = report.rate(report.unknown_before), report.rate(report.unknown_after)
    record_property("mn_words", report.total)
    record_property("mn_unknown_rate_before_wordlist", round(before, 4))
    record_property("mn_unknown_rate_after_wordlist", round(after, 4))
    print(f"\nMongolian: {report.total} words; unknown to hunspell mn_MN "
          f"{100 * before:.2f}% before the word list, {100 * after:.2f}% after")
    unknown = set(report.unknown_after)
    problems: dict[str, list[str]] = defaultdict(list)
    for item in texts:
        for word in gate.words(gate.strip(item.text, item.markdown)):
            if word in unknown:
                problems[item.file].append(word)
    assert not problems, _report(
        problems, "Words unknown to hunspell mn_MN and not in tests/data/mn_wordlist/ "
                  "(fix the spelling, or add a true term with a comment to the word list):")


# -- (b) Cyrillic letters only -------------------------------------------------------------------

def test_no_latin_lookalikes_inside_mongolian_words() -> None:
    items = list(gate.collect())
    # The glossary's variants too: a look-alike there would hide the variant from the check.
    glossary = gate._yaml(ROOT / "guides" / "glossary.yaml")
    for term in glossary:
        for variant in term.get("variants", {}).get("mn", []):
            items.append(gate.MnText("guides/glossary.yaml", f"{term['id']}.variants.mn",
                                     variant))
    problems: dict[str, list[str]] = defaultdict(list)
    for item in items:
        for word in gate.mixed_script_words(gate.strip(item.text, item.markdown)):
            latin = "".join(sorted(set(re.findall(r"[A-Za-z]", word))))
            problems[_where(item)].append(f"{word} (Latin: {latin})")
    assert not problems, _report(
        problems, "Latin letters inside Cyrillic words (retype them in Cyrillic; put a hyphen "
                  "between a Latin name and a Mongolian ending: Facebook-ийн):")


# -- (c) glossary variants -----------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["mn", "en"])
def test_no_glossary_variant_in_checks_guides_or_interface(lang: str) -> None:
    from safetycheck.glossary import find_variants

    problems: dict[str, list[str]] = defaultdict(list)
    for item in gate.collect(lang=lang):
        if item.file == "guides/glossary.yaml":
            continue
        text = gate.strip(item.text, item.markdown)
        if item.markdown:
            text = gate.strip_bold(text)  # menu names are quoted as the app shows them
        for found, chosen in find_variants(text, lang):
            problems[_where(item)].append(f"«{found}» -> «{chosen}»")
    assert not problems, _report(
        problems, f"Glossary variants used instead of the chosen term ({lang}; see "
                  "safetycheck glossary):")


def test_glossary_is_consistent() -> None:
    from safetycheck.glossary import find_variants, load_glossary

    terms = load_glossary()
    assert terms[0].term["mn"] == ("технологи ашиглан үйлдэгдэж буй жендэрт суурилсан "
                                   "хүчирхийлэл")
    problems = []
    for lang in ("mn", "en"):
        for term in terms:
            # A chosen term or a definition must never contain a listed variant.
            for label, text in (("term", term.term[lang]),
                                ("definition", term.definition[lang])):
                for found, chosen in find_variants(text, lang):
                    problems.append(f"{term.id}.{label}.{lang}: «{found}» -> «{chosen}»")
    assert not problems, "\n".join(problems)


def test_variant_check_catches_inflected_forms_and_skips_bold_menu_names() -> None:
    from safetycheck.glossary import find_variants

    text = ("Аккаунтаа шалгаад **Давхар баталгаажуулалт** цэсийг нээнэ. Тэр хүн доксдож "
            "байна. Цахим шуудангаа нээгээрэй.")
    found = find_variants(gate.strip_bold(text), "mn")
    assert found == [("Аккаунтаа", "бүртгэл"), ("доксдож", "хувийн мэдээллийг задруулах"),
                     ("Цахим шуудангаа", "имэйл")]
    assert find_variants("This is called revenge porn.", "en") == [
        ("revenge porn", "sharing intimate images without consent (NCII)")]
    # The chosen words themselves are not variants of anything.
    assert find_variants("бүртгэл, имэйл, нууцаар хянадаг апп, хоёр алхамт баталгаажуулалт",
                         "mn") == []
