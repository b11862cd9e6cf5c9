"""The support-services directory and the province list (``safetycheck/data/*.yaml``).

Both files are package data, so they ship in the wheel. They are validated when loaded: an
unknown field, a missing translation, an area that is not a province, an unverified entry
without a note, all reject the file with a message naming the file and the field. Entries
come from researched, sourced notes only; see the header of ``services.yaml``.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from safetycheck.errors import CatalogError, UsageError
from safetycheck.i18n import LANGS, t

NATIONAL = "national"
CAPITAL = "ulaanbaatar"
PROVINCE_KINDS = ("aimag", "district", "capital")
# Shown first on the safety screen, in this order: police, domestic-violence hotline, child
# helpline, ambulance.
EMERGENCY_IDS = ("police_102", "dv_hotline_107", "child_helpline_108", "ambulance_103")

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ID_RE = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
_SERVICE_TEXT = ("name", "helps_with", "address", "hours", "note")
_SERVICE_FIELDS = (*_SERVICE_TEXT, "phone", "website", "area", "source", "checked", "verified")
_SERVICE_REQUIRED = ("name", "helps_with", "area", "source", "checked", "verified")


@dataclass(frozen=True)
class Province:
    """An aimag, the capital, or one of Ulaanbaatar's districts."""

    id: str
    kind: str  # "aimag" | "district" | "capital"
    name: Mapping[str, str]


@dataclass(frozen=True)
class Service:
    """One support service; ``verified`` is False unless an official source confirms it."""

    id: str
    name: Mapping[str, str]
    helps_with: Mapping[str, str]
    phone: str | None
    website: str | None
    address: Mapping[str, str] | None
    hours: Mapping[str, str] | None
    area: str  # "national" or a province id
    source: str  # URL
    checked: str  # YYYY-MM-DD, the date the source was read
    verified: bool
    note: Mapping[str, str] | None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the ``--json`` schema of ``safetycheck services``)."""
        return {
            "id": self.id,
            "name": dict(self.name),
            "helps_with": dict(self.helps_with),
            "phone": self.phone,
            "website": self.website,
            "address": dict(self.address) if self.address else None,
            "hours": dict(self.hours) if self.hours else None,
            "area": self.area,
            "source": self.source,
            "checked": self.checked,
            "verified": self.verified,
            "note": dict(self.note) if self.note else None,
        }


def _data_text(name: str) -> str:
    return (resources.files("safetycheck") / "data" / name).read_text(encoding="utf-8")


def _bad(where: str, field: str, problem: str) -> CatalogError:
    return CatalogError(file=where, field=field, problem=t(f"catalog.problem.{problem}"))


def _load_yaml(name: str) -> Any:
    import yaml

    where = f"safetycheck/data/{name}"
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(_data_text(name), Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise CatalogError("error.catalog_yaml", file=where,
                           line=mark.line + 1 if mark is not None else "?") from None
    if not isinstance(data, Mapping):
        raise _bad(where, "(file)", "not_mapping")
    return data


def _text(where: str, field: str, value: Any) -> dict[str, str]:
    """A ``{mn, en}`` mapping with both translations, else a CatalogError."""
    if not isinstance(value, Mapping):
        raise _bad(where, field, "not_translated")
    for lang in value:
        if lang not in LANGS:
            raise _bad(where, f"{field}.{lang}", "unknown_language")
    for lang in LANGS:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            raise _bad(where, f"{field}.{lang}", "missing_translation")
    return {lang: value[lang] for lang in LANGS}


# -- provinces ------------------------------------------------------------------------------

@cache
def _provinces() -> tuple[tuple[Province, ...], Mapping[str, tuple[str, ...]]]:
    where = "safetycheck/data/provinces.yaml"
    data = _load_yaml("provinces.yaml")
    out: list[Province] = []
    aliases: dict[str, tuple[str, ...]] = {}
    for pid, item in data.items():
        if not isinstance(pid, str) or not _ID_RE.match(pid):
            raise _bad(where, str(pid), "bad_id")
        if not isinstance(item, Mapping):
            raise _bad(where, pid, "not_mapping")
        for key in item:
            if key not in ("kind", "name", "aliases"):
                raise _bad(where, f"{pid}.{key}", "unknown_field")
        if item.get("kind") not in PROVINCE_KINDS:
            raise _bad(where, f"{pid}.kind", "bad_value")
        more = item.get("aliases", [])
        if not isinstance(more, list) or not all(isinstance(a, str) for a in more):
            raise _bad(where, f"{pid}.aliases", "not_list")
        out.append(Province(id=pid, kind=item["kind"],
                            name=_text(where, f"{pid}.name", item.get("name"))))
        aliases[pid] = tuple(more)
    return tuple(out), aliases


def load_provinces() -> list[Province]:
    """All 21 aimags, the capital and Ulaanbaatar's 9 districts, in file order."""
    return list(_provinces()[0])


_SUFFIXES = ("аймаг", "дүүрэг", "нийслэл", "улаанбаатар", "aimag", "province", "district",
             "capital", "ulaanbaatar")
# Latin letters that look like Cyrillic ones (text copied from some web pages mixes them).
# Keys are case-folded first, so upper-case look-alikes (T, H, K, M, B) arrive in lower case.
_LOOKALIKES = str.maketrans("abcehkmoptxy", "авсенкмортху")


def _key(text: str) -> str:
    """Case-, hyphen-, space- and diacritic-insensitive form of a name, id or alias."""
    text = unicodedata.normalize("NFC", text).casefold().strip()
    text = re.sub(r"[\s\-_.,()]+", "", text)
    # Drop the diacritics of Latin letters (Ö -> o); Cyrillic й, ё, Ө, Ү stay as they are.
    text = "".join(_strip_latin_mark(c) for c in text)
    return text.replace("gobi", "govi")


def _strip_latin_mark(char: str) -> str:
    if char.isascii() or not ("a" <= unicodedata.normalize("NFD", char)[0] <= "z"):
        return char
    return unicodedata.normalize("NFD", char)[0]


def _bare(text: str) -> str:
    """A name without the words that say what kind of unit it is ("дүүрэг", "aimag", ...)."""
    words = re.sub(r"[()]", " ", text).split()
    kept = [w for w in words if w.casefold() not in _SUFFIXES]
    return " ".join(kept) or text


def _loose(key: str) -> str:
    """A looser key: Latin look-alikes to Cyrillic in Cyrillic text, Ө/Ү typed as О/У."""
    if re.search(r"[а-яёөү]", key):
        key = key.translate(_LOOKALIKES)
    return key.replace("ө", "о").replace("ү", "у")


def _index() -> list[tuple[Province, set[str], set[str]]]:
    provinces, aliases = _provinces()
    rows = []
    for p in provinces:
        names = [*p.name.values(), *(re.sub(r"\(.*?\)", "", n) for n in p.name.values())]
        exact = {_key(n) for n in names} | {_key(a) for a in aliases[p.id]}
        bare = {_key(_bare(n)) for n in p.name.values()} | exact
        rows.append((p, exact, bare))
    return rows


def find_province(text: str) -> Province:
    """The province named by ``text``: an id, a Mongolian or English name, or an alias.

    Matching ignores case, hyphens, spaces and diacritics, and forgives Ө/Ү typed as О/У and
    Latin look-alike letters. A bare name shared by two places ("Сүхбаатар", "Sukhbaatar":
    an aimag and a district) raises ``error.ambiguous_province``; an unknown name raises
    ``error.unknown_province`` with the closest name, if any, and how to see the list.
    """
    text = text or ""
    provinces = _provinces()[0]
    for p in provinces:
        if text.strip() == p.id:
            return p
    key = _key(text)
    rows = _index()
    for keyfn in (lambda k: k, _loose):
        wanted = keyfn(key)
        if not wanted:
            break
        for column in (1, 2):  # full names first, then names without "аймаг"/"дүүрэг"
            hits = [row[0] for row in rows if wanted in {keyfn(k) for k in row[column]}]
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                options = "; ".join(f"{p.name.get('mn')} / {p.name.get('en')} ({p.id})"
                                    for p in hits)
                raise UsageError("error.ambiguous_province", name=text, options=options)
        for p in provinces:  # an id typed in another case or with hyphens: UB-Bayangol
            if wanted and wanted == keyfn(_key(p.id)):
                return p
    names = {k: p for p, exact, _ in rows for k in exact}
    close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.75)
    suggestion = ""
    if close:
        p = names[close[0]]
        suggestion = " " + t("services.did_you_mean", name=f"{p.name.get('mn')} / "
                                                             f"{p.name.get('en')}")
    raise UsageError("error.unknown_province", name=text, suggestion=suggestion)


def _province_ids() -> set[str]:
    return {p.id for p in _provinces()[0]}


# -- services -------------------------------------------------------------------------------

def _service(sid: Any, item: Any, provinces: set[str]) -> Service:
    where = "safetycheck/data/services.yaml"
    if not isinstance(sid, str) or not _ID_RE.match(sid):
        raise _bad(where, str(sid), "bad_id")
    if not isinstance(item, Mapping):
        raise _bad(where, sid, "not_mapping")
    for key in item:
        if key not in _SERVICE_FIELDS:
            raise _bad(where, f"{sid}.{key}", "unknown_field")
    for key in _SERVICE_REQUIRED:
        if key not in item:
            raise _bad(where, f"{sid}.{key}", "missing")
    texts = {k: _text(where, f"{sid}.{k}", item[k]) if item.get(k) is not None else None
             for k in _SERVICE_TEXT}
    for key in ("phone", "website"):
        value = item.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise _bad(where, f"{sid}.{key}", "bad_value")
    for key in ("source", "website"):
        value = item.get(key)
        if value is not None and not str(value).startswith(("https://", "http://")):
            raise _bad(where, f"{sid}.{key}", "bad_url")
    if not isinstance(item["checked"], str) or not _DATE_RE.match(item["checked"]):
        raise _bad(where, f"{sid}.checked", "bad_date")
    if not isinstance(item["verified"], bool):
        raise _bad(where, f"{sid}.verified", "bad_value")
    if item["area"] != NATIONAL and item["area"] not in provinces:
        raise _bad(where, f"{sid}.area", "bad_value")
    if not item["verified"] and texts["note"] is None:
        # An unconfirmed entry must say what is unconfirmed.
        raise _bad(where, f"{sid}.note", "missing")
    return Service(id=sid, name=texts["name"], helps_with=texts["helps_with"],
                   phone=item.get("phone"), website=item.get("website"),
                   address=texts["address"], hours=texts["hours"], area=item["area"],
                   source=item["source"], checked=item["checked"], verified=item["verified"],
                   note=texts["note"])


@cache
def _services() -> tuple[Service, ...]:
    provinces = _province_ids()
    data = _load_yaml("services.yaml")
    return tuple(_service(sid, item, provinces) for sid, item in data.items())


def load_services() -> list[Service]:
    """Every service in the directory, in file order (national ones first)."""
    return list(_services())


def services_for(province_id: str | None) -> list[Service]:
    """National services plus those of ``province_id`` (None: national only).

    A Ulaanbaatar district also gets the capital-wide services; the capital gets its own and
    those of every district. An unknown id is looked up as a name (see ``find_province``).
    """
    services = _services()
    national = [s for s in services if s.area == NATIONAL]
    if province_id is None:
        return national
    if province_id not in _province_ids():
        province_id = find_province(province_id).id
    kind = {p.id: p.kind for p in _provinces()[0]}
    if province_id == CAPITAL:
        areas = [CAPITAL] + [pid for pid, k in kind.items() if k == "district"]
    elif kind[province_id] == "district":
        areas = [CAPITAL, province_id]
    else:
        areas = [province_id]
    local = [s for area in areas for s in services if s.area == area]
    return national + local


def emergency_numbers() -> list[Service]:
    """Police 102, the domestic-violence hotline 107, the child helpline 108, ambulance 103."""
    by_id = {s.id: s for s in _services()}
    return [by_id[i] for i in EMERGENCY_IDS if i in by_id]
