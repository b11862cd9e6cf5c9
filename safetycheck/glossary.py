"""The glossary (``guides/glossary.yaml``): chosen terms, plain definitions, variants to avoid.

``find_variants`` finds the variant spellings a text should not use; the Mongolian quality
gate runs it over every guide, check and interface string. Matching starts at a word boundary
and accepts inflected forms: Mongolian adds case endings to the end of a word ("аккаунт" ->
"аккаунтаа"), and a final verb ``-х`` is dropped so "доксдох" also finds "доксдож".
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from safetycheck.catalog import _yaml_load, data_dir
from safetycheck.errors import CatalogError
from safetycheck.i18n import LANGS, t

_ID_RE = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
_WHERE = "guides/glossary.yaml"
_FIELDS = ("id", "term", "definition", "variants")


@dataclass(frozen=True)
class Term:
    """One glossary entry: the chosen term per language and the variants not to use."""

    id: str
    term: Mapping[str, str]
    definition: Mapping[str, str]
    variants: Mapping[str, Sequence[str]]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "term": dict(self.term), "definition": dict(self.definition),
                "variants": {lang: list(v) for lang, v in self.variants.items()}}


def _bad(field: str, problem: str) -> CatalogError:
    return CatalogError(file=_WHERE, field=field, problem=t(f"catalog.problem.{problem}"))


def _text(field: str, value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise _bad(field, "not_translated")
    for lang in value:
        if lang not in LANGS:
            raise _bad(f"{field}.{lang}", "unknown_language")
    out = {}
    for lang in LANGS:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            raise _bad(f"{field}.{lang}", "missing_translation")
        out[lang] = text
    return out


def _term(i: int, item: Any, seen: set[str]) -> Term:
    if not isinstance(item, Mapping):
        raise _bad(f"[{i}]", "not_mapping")
    tid = item.get("id")
    if not isinstance(tid, str) or not _ID_RE.match(tid) or tid in seen:
        raise _bad(f"[{i}].id", "bad_id")
    seen.add(tid)
    for key in item:
        if key not in _FIELDS:
            raise _bad(f"{tid}.{key}", "unknown_field")
    for key in _FIELDS:
        if key not in item:
            raise _bad(f"{tid}.{key}", "missing")
    variants = item["variants"]
    if not isinstance(variants, Mapping) or any(lang not in LANGS for lang in variants):
        raise _bad(f"{tid}.variants", "not_mapping")
    clean: dict[str, tuple[str, ...]] = {}
    for lang in LANGS:
        values = variants.get(lang) or []
        if not isinstance(values, list) or not all(isinstance(v, str) and v.strip()
                                                   for v in values):
            raise _bad(f"{tid}.variants.{lang}", "bad_value")
        clean[lang] = tuple(v.strip() for v in values)
    return Term(id=tid, term=_text(f"{tid}.term", item["term"]),
                definition=_text(f"{tid}.definition", item["definition"]), variants=clean)


@cache
def _glossary() -> tuple[Term, ...]:
    entry = data_dir("guides") / "glossary.yaml"
    data = _yaml_load(entry.read_text(encoding="utf-8"), _WHERE)
    if not isinstance(data, list):
        raise _bad("(file)", "not_list")
    seen: set[str] = set()
    return tuple(_term(i, item, seen) for i, item in enumerate(data))


def load_glossary() -> list[Term]:
    """Every term, in file order."""
    return list(_glossary())


def _variant_pattern(variant: str, lang: str) -> str:
    words = variant.split()
    last = words[-1]
    if lang == "mn" and len(last) > 4 and last.endswith("х"):
        words[-1] = last[:-1]  # a verb: match every form of it
    body = r"[\s\u00a0]+".join(re.escape(w) for w in words)
    if lang == "mn":
        return r"(?<![^\W\d_])" + body + r"[^\W\d_]*"  # any case ending
    return r"(?<![^\W\d_])" + body + r"(?:s|es|'s)?(?![^\W\d_])"


@cache
def _patterns(lang: str) -> tuple[tuple[re.Pattern[str], str, str], ...]:
    rows = []
    for term in _glossary():
        for variant in term.variants.get(lang, ()):
            rows.append((re.compile(_variant_pattern(variant, lang), re.IGNORECASE),
                         variant, term.term[lang]))
    # Longest variant first, so "цахим шуудан" wins over a shorter overlapping one.
    rows.sort(key=lambda r: -len(r[1]))
    return tuple(rows)


def find_variants(text: str, lang: str) -> list[tuple[str, str]]:
    """``(variant found, chosen term)`` for every listed variant in ``text``, in text order.

    The first element is the text as written (with its case ending), so a message can show
    the author exactly what to replace.
    """
    taken: list[tuple[int, int]] = []
    hits: list[tuple[int, str, str]] = []
    for pattern, _variant, chosen in _patterns(lang):
        for m in pattern.finditer(text):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            taken.append((m.start(), m.end()))
            hits.append((m.start(), m.group(0), chosen))
    return [(found, chosen) for _, found, chosen in sorted(hits)]
