"""Load and validate the check catalog (``checks/``), the platforms list and the guides.

In an installed wheel the data lives in ``safetycheck/_data/{checks,guides}`` (mapped there by
``pyproject.toml``); in a source checkout it is read from the top-level folders. Both are read
through ``importlib.resources`` so a zipped install works too.

Validation is strict: an unknown field, a missing translation or a wrong enum value rejects
the file with a message that names the file and the field, so content authors and
translators can fix it without reading Python.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from safetycheck.errors import CatalogError, UsageError
from safetycheck.i18n import LANGS, t
from safetycheck.model import TFGBV_FORMS, Area, Check, Kind, Reference, Severity, Status

ID_RE = re.compile(r"^[a-z][a-z0-9_]{2,63}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TEXT_FIELDS = ("title", "question", "how_to_check", "risk")
REQUIRED = ("id", "area", "severity", "kind", "platforms", *TEXT_FIELDS, "answers",
            "tfgbv_forms", "priority_when", "references")
OPTIONAL = ("probe",)
ANSWER_KEYS = ("yes", "no", "not_sure")
PROBES = ("android", "photos", "passwords", "breaches")
MAX_LEN = {"title": 160, "question": 400, "how_to_check": 1500, "risk": 800}
# Intake answers a check may be moved forward by (see runner.INTAKE).
INTAKE_FLAGS = ("lives_with", "physical_access", "knows_passwords", "manages_phone_plan",
                "shares_accounts", "children_devices", "legal_case")


def priority_conditions(platform_ids: Iterable[str]) -> frozenset[str]:
    """Every value ``priority_when`` may hold."""
    conds = set(INTAKE_FLAGS)
    conds.update(f"concern:{a.value}" for a in Area)
    conds.update(f"uses:{p}" for p in platform_ids)
    return frozenset(conds)


def data_dir(name: str) -> Traversable:
    """The ``checks`` or ``guides`` folder: in the wheel, else in the source checkout."""
    packaged = resources.files("safetycheck") / "_data" / name
    if packaged.is_dir():
        return packaged
    source = Path(__file__).resolve().parent.parent / name
    if source.is_dir():
        return source
    raise CatalogError("error.catalog_missing", folder=name)


def yes_no_key(key: Any) -> Any:
    """YAML 1.1 reads an unquoted ``yes``/``no`` as a boolean; map it back to the word."""
    if key is True:
        return "yes"
    if key is False:
        return "no"
    return key


def _yaml_load(text: str, where: str) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else "?"
        raise CatalogError("error.catalog_yaml", file=where, line=line) from None


@dataclass(frozen=True)
class Platform:
    """An app, service or device the survivor may use; checks are asked per platform."""

    id: str
    kind: str  # "app", "service" or "device"
    name: Mapping[str, str]


@dataclass(frozen=True)
class Problem:
    """One validation problem, naming the file and the field."""

    file: str
    field: str
    problem: str  # message key
    value: str = ""


def _text_problems(where: str, name: str, value: Any) -> Iterator[Problem]:
    if not isinstance(value, Mapping):
        yield Problem(where, name, "catalog.problem.not_translated")
        return
    for lang in LANGS:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            yield Problem(where, f"{name}.{lang}", "catalog.problem.missing_translation")
        elif name in MAX_LEN and len(text) > MAX_LEN[name]:
            yield Problem(where, f"{name}.{lang}", "catalog.problem.too_long",
                          str(MAX_LEN[name]))
    for lang in value:
        if not _one_of(lang, LANGS):
            yield Problem(where, f"{name}.{lang}", "catalog.problem.unknown_language", str(lang))


def _one_of(value: Any, allowed: Iterable[str]) -> bool:
    """``value in allowed`` that is safe for unhashable YAML values (lists, mappings)."""
    return isinstance(value, str) and value in set(allowed)


def check_problems(data: Any, where: str, expected_id: str | None,
                   expected_area: str | None, platform_ids: Iterable[str]) -> list[Problem]:
    """Every problem of one check's data; empty when the check is valid."""
    platform_ids = set(platform_ids)
    if not isinstance(data, Mapping):
        return [Problem(where, "(file)", "catalog.problem.not_mapping")]
    out: list[Problem] = []
    for name in REQUIRED:
        if name not in data:
            out.append(Problem(where, name, "catalog.problem.missing"))
    for name in data:
        if not _one_of(name, (*REQUIRED, *OPTIONAL)):
            out.append(Problem(where, str(name), "catalog.problem.unknown_field"))

    cid = data.get("id")
    if "id" in data:
        if not isinstance(cid, str) or not ID_RE.match(cid):
            out.append(Problem(where, "id", "catalog.problem.bad_id", str(cid)))
        elif expected_id is not None and cid != expected_id:
            out.append(Problem(where, "id", "catalog.problem.id_not_file_name", cid))
    if "area" in data:
        area = data["area"]
        if not _one_of(area, (a.value for a in Area)):
            out.append(Problem(where, "area", "catalog.problem.bad_value", str(area)))
        elif expected_area is not None and area != expected_area:
            out.append(Problem(where, "area", "catalog.problem.area_not_folder", str(area)))
    for name, enum in (("severity", Severity), ("kind", Kind)):
        if name in data and not _one_of(data[name], (e.value for e in enum)):
            out.append(Problem(where, name, "catalog.problem.bad_value", str(data[name])))
    if "probe" in data and not _one_of(data["probe"], PROBES):
        out.append(Problem(where, "probe", "catalog.problem.bad_value", str(data["probe"])))
    if data.get("kind") == "probe" and "probe" not in data:
        out.append(Problem(where, "probe", "catalog.problem.missing"))

    plats = data.get("platforms")
    if "platforms" in data:
        if not isinstance(plats, list) or not plats:
            out.append(Problem(where, "platforms", "catalog.problem.not_list"))
        elif plats != ["any"]:
            for p in plats:
                if not _one_of(p, platform_ids):
                    out.append(Problem(where, "platforms", "catalog.problem.bad_value", str(p)))
    for name in TEXT_FIELDS:
        if name in data:
            out.extend(_text_problems(where, name, data[name]))

    answers = data.get("answers")
    if isinstance(answers, Mapping):
        answers = {yes_no_key(k): v for k, v in answers.items()}
    if "answers" in data:
        if not isinstance(answers, Mapping):
            out.append(Problem(where, "answers", "catalog.problem.not_mapping"))
        else:
            for key in ANSWER_KEYS:
                if key not in answers:
                    out.append(Problem(where, f"answers.{key}", "catalog.problem.missing"))
            for key, status in answers.items():
                if not _one_of(key, ANSWER_KEYS):
                    out.append(Problem(where, f"answers.{key}", "catalog.problem.unknown_field"))
                elif not _one_of(status, (Status.OK, Status.AT_RISK, Status.UNKNOWN)):
                    out.append(Problem(where, f"answers.{key}", "catalog.problem.bad_value",
                                       str(status)))
            if isinstance(answers, Mapping) and Status.AT_RISK not in answers.values():
                out.append(Problem(where, "answers", "catalog.problem.no_at_risk"))

    forms = data.get("tfgbv_forms")
    if "tfgbv_forms" in data:
        if not isinstance(forms, list) or not forms:
            out.append(Problem(where, "tfgbv_forms", "catalog.problem.not_list"))
        else:
            for f in forms:
                if not _one_of(f, TFGBV_FORMS):
                    out.append(Problem(where, "tfgbv_forms", "catalog.problem.bad_value", str(f)))
    prio = data.get("priority_when")
    if "priority_when" in data:
        if not isinstance(prio, list):
            out.append(Problem(where, "priority_when", "catalog.problem.not_list"))
        else:
            allowed = priority_conditions(platform_ids)
            for c in prio:
                if not _one_of(c, allowed):
                    out.append(Problem(where, "priority_when", "catalog.problem.bad_value",
                                       str(c)))
    refs = data.get("references")
    if "references" in data:
        if not isinstance(refs, list) or not refs:
            out.append(Problem(where, "references", "catalog.problem.not_list"))
        else:
            for i, ref in enumerate(refs):
                name = f"references[{i}]"
                if not isinstance(ref, Mapping):
                    out.append(Problem(where, name, "catalog.problem.not_mapping"))
                    continue
                url = ref.get("url")
                if not isinstance(url, str) or not url.startswith(("https://", "http://")):
                    out.append(Problem(where, f"{name}.url", "catalog.problem.bad_url", str(url)))
                checked = ref.get("checked")
                if not isinstance(checked, str) or not DATE_RE.match(checked):
                    out.append(Problem(where, f"{name}.checked", "catalog.problem.bad_date",
                                       str(checked)))
                for k in ref:
                    if k not in ("url", "checked", "title", "verified"):
                        out.append(Problem(where, f"{name}.{k}", "catalog.problem.unknown_field"))
                if "verified" in ref and not isinstance(ref["verified"], bool):
                    out.append(Problem(where, f"{name}.verified", "catalog.problem.bad_value",
                                       str(ref["verified"])))
    return out


def build_check(data: Mapping[str, Any], source: str) -> Check:
    """Turn validated data into a ``Check``."""
    return Check(
        id=data["id"],
        area=Area(data["area"]),
        severity=Severity(data["severity"]),
        kind=Kind(data["kind"]),
        platforms=tuple(data["platforms"]),
        title=dict(data["title"]),
        question=dict(data["question"]),
        how_to_check=dict(data["how_to_check"]),
        risk=dict(data["risk"]),
        answers={yes_no_key(k): Status(v) for k, v in data["answers"].items()},
        tfgbv_forms=tuple(data["tfgbv_forms"]),
        priority_when=tuple(data["priority_when"]),
        references=tuple(
            Reference(url=r["url"], checked=r["checked"], title=r.get("title", ""),
                      verified=r.get("verified", True))
            for r in data["references"]
        ),
        probe=data.get("probe"),
        source=source,
    )


def load_platforms(root: Traversable | None = None) -> dict[str, Platform]:
    """The platforms vocabulary (``checks/platforms.yaml``), in file order."""
    root = root or data_dir("checks")
    entry = root / "platforms.yaml"
    where = "checks/platforms.yaml"
    data = _yaml_load(entry.read_text(encoding="utf-8"), where)
    if not isinstance(data, Mapping):
        raise CatalogError(file=where, field="(file)", problem=t("catalog.problem.not_mapping"))
    out: dict[str, Platform] = {}
    for pid, item in data.items():
        if not isinstance(item, Mapping) or not _one_of(item.get("kind"),
                                                         ("app", "service", "device")):
            raise CatalogError(file=where, field=f"{pid}.kind",
                               problem=t("catalog.problem.bad_value"))
        problems = list(_text_problems(where, f"{pid}.name", item.get("name")))
        if problems:
            raise CatalogError(file=where, field=problems[0].field,
                               problem=t(problems[0].problem))
        out[str(pid)] = Platform(id=str(pid), kind=item["kind"], name=dict(item["name"]))
    return out


@dataclass(frozen=True)
class Catalog:
    """Every check (in area order, then file name order) and the platforms vocabulary."""

    checks: Mapping[str, Check]
    platforms: Mapping[str, Platform]

    def get(self, check_id: str) -> Check:
        try:
            return self.checks[check_id]
        except KeyError:
            raise UsageError("error.unknown_check", check_id=check_id) from None

    def in_area(self, area: Area | str) -> list[Check]:
        return [c for c in self.checks.values() if c.area == area]


def iter_check_files(root: Traversable) -> Iterator[tuple[str, Traversable]]:
    """``(area, file)`` for every check file under ``root``, sorted."""
    for area in Area:
        folder = root / area.value
        if not folder.is_dir():
            continue
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name.endswith((".yaml", ".yml")):
                yield area.value, entry


@cache
def load_catalog() -> Catalog:
    """Load and validate the installed catalog; the first problem raises ``CatalogError``."""
    root = data_dir("checks")
    platforms = load_platforms(root)
    checks: dict[str, Check] = {}
    for area, entry in iter_check_files(root):
        where = f"checks/{area}/{entry.name}"
        data = _yaml_load(entry.read_text(encoding="utf-8"), where)
        stem = entry.name.rsplit(".", 1)[0]
        problems = check_problems(data, where, stem, area, platforms)
        if problems:
            p = problems[0]
            raise CatalogError(file=p.file, field=p.field, problem=t(p.problem))
        checks[stem] = build_check(data, where)
    return Catalog(checks=checks, platforms=platforms)


def validate_path(path: Path) -> tuple[int, list[Problem]]:
    """Validate a check file or every check file under a folder (for ``checks validate``).

    Returns the number of files read and every problem found; also checks that each check in
    a full ``checks/`` folder has a guide in both languages when a sibling ``guides/`` exists.
    """
    root_platforms: Mapping[str, Platform]
    try:
        root_platforms = load_platforms(_find_checks_root(path))
    except CatalogError:
        root_platforms = load_platforms()
    files: list[Path]
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.y*ml") if p.name != "platforms.yaml")
    elif path.is_file():
        files = [path]
    else:
        raise UsageError("error.path_not_found", path=str(path))
    problems: list[Problem] = []
    for file in files:
        where = str(file)
        try:
            data = _yaml_load(file.read_text(encoding="utf-8"), where)
        except CatalogError as exc:
            problems.append(Problem(where, f"line {exc.params.get('line')}",
                                    "catalog.problem.yaml"))
            continue
        except (OSError, UnicodeDecodeError):
            problems.append(Problem(where, "(file)", "catalog.problem.unreadable"))
            continue
        area = file.parent.name if file.parent.name in {a.value for a in Area} else None
        stem = file.name.rsplit(".", 1)[0]
        problems.extend(check_problems(data, where, stem, area, root_platforms))
    return len(files), problems


def _find_checks_root(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if (candidate / "platforms.yaml").is_file():
            return candidate
    raise CatalogError("error.catalog_missing", folder=str(path))


def guide_text(check_id: str, lang: str) -> str:
    """The Markdown guide for a check (or ``glossary``) in ``lang``."""
    entry = data_dir("guides") / lang / f"{check_id}.md"
    if not entry.is_file():
        raise UsageError("error.no_guide", check_id=check_id, lang=lang)
    return entry.read_text(encoding="utf-8")


def guide_ids(lang: str) -> set[str]:
    """Every guide file name (without ``.md``) for ``lang``."""
    folder = data_dir("guides") / lang
    if not folder.is_dir():
        return set()
    return {e.name[:-3] for e in folder.iterdir() if e.name.endswith(".md")}
