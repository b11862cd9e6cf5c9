"""The report model: what a caseworker report shows, built once from a session and the catalog.

Every string that came from outside (notes, labels, app names, file names, server replies) is
passed through ``safetycheck.ui.text.clean`` here, in one place, so no format can forget it;
each format then only has to escape for its own syntax (HTML, Markdown, JSON). Photo
coordinates are dropped here unless the caller asks for them. A section whose probe did not
run, or whose data module is not installed, is ``not_checked`` — never an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from safetycheck import __version__, i18n
from safetycheck.catalog import INTAKE_FLAGS, Catalog
from safetycheck.model import Area, Evidence, Finding, ProbeRun, Session, Severity, Status, utcnow
from safetycheck.ui.text import clean

REPORT_SCHEMA = "safetycheck.report"
REPORT_SCHEMA_VERSION = 1
STALE_DAYS = 90  # indicator sets older than this get a warning (issue 5)
NOTE_MAX = 2000
LIST_MAX = 500  # items kept from any one probe list (a hostile phone can report thousands)
PASSWORD_CHECK = "password_not_breached"
BREACH_CHECK = "email_not_in_breaches"
PHOTO_CHECK = "photos_no_location"
# Detail keys that carry a place; dropped unless include_locations (a shelter's address must
# not end up in a document that may be shown to others).
LOCATION_KEYS = frozenset({"lat", "lon", "lng", "latitude", "longitude", "gps", "coordinates",
                           "location", "geo", "altitude", "alt"})
# Internal ids a reader has no use for (they stay in the JSON detail).
HIDDEN_DETAIL_KEYS = frozenset({"probe_run", "account_id"})
TIME_KEYS = frozenset({"time", "first_install", "at", "collected_at", "installed_at"})
SECTION_IDS = ("device_scan", "photos", "passwords", "breaches", "referrals", "glossary")


# -- values -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Field:
    """A label and a value, ready to show (the value is already cleaned)."""

    key: str
    label: str
    value: str


@dataclass(frozen=True)
class SectionState:
    """Whether a section's source ran: checked, incomplete, skipped, failed or not_checked."""

    status: str
    label: str
    reason: str = ""
    at: str = ""

    @property
    def ran(self) -> bool:
        return self.status in ("checked", "incomplete")


@dataclass(frozen=True)
class IndicatorInfo:
    """The stalkerware indicator set the Android scan used, and how old it is."""

    source: str
    commit: str
    date: str
    age_days: int | None
    builtin: bool
    stale: bool
    text: str


@dataclass(frozen=True)
class Cover:
    """The cover page: sensitive-document notice and who, when, where, with what."""

    generated_at: str
    session_id: str
    label: str
    created_at: str
    updated_at: str
    state: str
    province_id: str | None
    province: str
    caseworker: str
    demo: bool
    indicator: IndicatorInfo | None
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class IntakeRow:
    """One intake answer: the question's short label, raw value(s) and the text shown."""

    id: str
    label: str
    value: Any
    text: str


@dataclass(frozen=True)
class Intake:
    done: bool
    answered: int
    rows: tuple[IntakeRow, ...]


@dataclass(frozen=True)
class EvidenceRef:
    """An evidence item a finding points to (``missing`` if the id is not in the session)."""

    id: str
    name: str
    sha256: str
    collected_at: str
    missing: bool = False


@dataclass(frozen=True)
class FindingView:
    """One finding as the report shows it."""

    id: str
    check_id: str
    title: str
    area: str
    area_label: str
    severity: str
    severity_label: str
    status: str
    status_label: str
    source: str
    source_label: str
    answer: str | None
    answer_label: str
    platform: str | None
    platform_label: str
    details: tuple[Field, ...]
    detail: Mapping[str, Any]
    evidence: tuple[EvidenceRef, ...]
    action: str | None
    action_label: str
    note: str
    at: str
    guide: str

    @property
    def open(self) -> bool:
        """Needs attention and was not dealt with yet."""
        return self.status in ("at_risk", "unknown") and self.action != "done"


@dataclass(frozen=True)
class SeverityGroup:
    severity: str
    label: str
    findings: tuple[FindingView, ...]


@dataclass(frozen=True)
class AreaGroup:
    area: str
    label: str
    groups: tuple[SeverityGroup, ...]

    @property
    def count(self) -> int:
        return sum(len(g.findings) for g in self.groups)


@dataclass(frozen=True)
class Summary:
    at_risk: Mapping[str, int]
    unknown: int
    total: int
    text: str


@dataclass(frozen=True)
class AppView:
    package: str
    label: str
    installer: str
    first_install: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class DeviceScan:
    state: SectionState
    device: tuple[Field, ...]
    device_raw: Mapping[str, str]
    apps: tuple[AppView, ...]
    settings: tuple[Field, ...]
    incomplete: bool


@dataclass(frozen=True)
class PhotoView:
    file: str
    time: str
    model: str
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class Photos:
    state: SectionState
    files_scanned: int
    with_location: tuple[PhotoView, ...]
    unreadable: tuple[str, ...]


@dataclass(frozen=True)
class PasswordView:
    label: str
    count: int
    breached: bool
    text: str


@dataclass(frozen=True)
class Passwords:
    state: SectionState
    items: tuple[PasswordView, ...]


@dataclass(frozen=True)
class BreachView:
    account: str  # as the probe stored it: masked (a***@example.com), never sent anywhere
    breach: str
    date: str
    data_classes: tuple[str, ...]


@dataclass(frozen=True)
class Breaches:
    state: SectionState
    items: tuple[BreachView, ...]


@dataclass(frozen=True)
class NextStep:
    finding_id: str
    check_id: str
    title: str
    platform_label: str
    action: str | None
    action_label: str
    text: str


@dataclass(frozen=True)
class ServiceView:
    id: str
    name: str
    helps_with: str
    phone: str
    website: str
    address: str
    hours: str
    area: str
    source: str
    checked: str
    verified: bool
    note: str


@dataclass(frozen=True)
class Referrals:
    state: SectionState
    province: str
    note: str
    services: tuple[ServiceView, ...]


@dataclass(frozen=True)
class TermView:
    id: str
    term: str
    definition: str


@dataclass(frozen=True)
class Glossary:
    state: SectionState
    terms: tuple[TermView, ...]


@dataclass(frozen=True)
class Report:
    """Everything one report shows, in the order of the sections (issue 7)."""

    schema_version: int
    generated_at: str
    lang: str
    version: str
    include_locations: bool
    cover: Cover
    intake: Intake
    summary: Summary
    areas: tuple[AreaGroup, ...]
    findings: tuple[FindingView, ...]
    device: DeviceScan
    photos: Photos
    passwords: Passwords
    breaches: Breaches
    unresolved: tuple[NextStep, ...]
    general_steps: tuple[str, ...]
    referrals: Referrals
    limitations: tuple[str, ...]
    not_checked: tuple[Field, ...]
    glossary: Glossary

    def t(self, key: str, **params: Any) -> str:
        """A report message in the report's language (catalog text: trusted)."""
        return i18n.t(key, self.lang, **params)


# -- where the directory and glossary come from --------------------------------------------
@dataclass(frozen=True)
class Sources:
    """The data modules other parts of safetycheck provide; ``None`` when not installed.

    Passed in explicitly so tests (and golden files) do not depend on what the directory or
    the glossary holds today.
    """

    services_for: Callable[[str | None], Sequence[Any]] | None = None
    find_province: Callable[[str], Any] | None = None
    load_glossary: Callable[[], Sequence[Any]] | None = None


def default_sources() -> Sources:
    """The installed services directory and glossary, each imported lazily if present."""
    services_for = find_province = load_glossary = None
    try:
        from safetycheck import services as _services

        services_for = getattr(_services, "services_for", None)
        find_province = getattr(_services, "find_province", None)
    except ImportError:
        pass
    try:
        from safetycheck import glossary as _glossary

        load_glossary = getattr(_glossary, "load_glossary", None)
    except ImportError:
        pass
    return Sources(services_for, find_province, load_glossary)


# -- helpers ------------------------------------------------------------------------------
def when(value: Any) -> str:
    """``2026-01-05T10:00:00Z`` -> ``2026-01-05 10:00 UTC``; other text is only cleaned."""
    text = clean(value if value is not None else "", 64)
    if len(text) >= 16 and text[10] == "T" and text.endswith("Z"):
        return f"{text[:10]} {text[11:16]} UTC"
    return text


def _clean_tree(value: Any, include_locations: bool, depth: int = 0) -> Any:
    """A JSON-safe copy of probe data: strings cleaned, lists bounded, places dropped."""
    if depth > 6:
        return clean(value, 200)
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for k, v in list(value.items())[:LIST_MAX]:
            key = clean(k, 64)
            if not include_locations and key.lower() in LOCATION_KEYS:
                continue
            out[key] = _clean_tree(v, include_locations, depth + 1)
        return out
    if isinstance(value, list | tuple):
        return [_clean_tree(v, include_locations, depth + 1) for v in list(value)[:LIST_MAX]]
    if value is None or isinstance(value, bool | int | float):
        return value
    return clean(value)


class _Texts:
    """Message look-ups in one language, plus cleaning of values that may be message keys."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.catalog = i18n.load_catalog()

    def __call__(self, key: str, **params: Any) -> str:
        return i18n.t(key, self.lang, **params)

    def maybe(self, value: Any) -> str:
        """A message key from another part of safetycheck, translated; else cleaned text."""
        if isinstance(value, str):
            return i18n.t(value, self.lang) if value in self.catalog else clean(value)
        return self.value(value)

    def label(self, prefix: str, value: str) -> str:
        key = f"{prefix}.{value}"
        return self(key) if key in self.catalog else clean(value)

    def value(self, value: Any) -> str:
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return self("report.answer.yes" if value else "report.answer.no")
        if isinstance(value, Mapping):
            return "; ".join(f"{clean(k, 64)}: {self.value(v)}" for k, v in
                             list(value.items())[:50])
        if isinstance(value, list | tuple):
            return ", ".join(self.maybe(v) for v in list(value)[:50]) or "—"
        return clean(value)


def _probe_run(session: Session, probe: str) -> ProbeRun | None:
    runs = [p for p in session.probes if p.probe == probe]
    return max(runs, key=lambda p: p.at) if runs else None


_RUN_STATUS = {"complete": "checked", "incomplete": "incomplete", "skipped": "skipped",
               "failed": "failed"}


def _state(tx: _Texts, run: ProbeRun | None, ran_without_run: bool = False) -> SectionState:
    if run is None:
        status = "checked" if ran_without_run else "not_checked"
        return SectionState(status, tx(f"report.status.{status}"))
    status = _RUN_STATUS.get(run.status, "failed")
    return SectionState(status, tx(f"report.status.{status}"),
                        tx.maybe(run.reason) if run.reason else "", when(run.at))


def _as_list(value: Any) -> list[Any]:
    return list(value)[:LIST_MAX] if isinstance(value, list | tuple) else []


def _as_map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _int(value: Any) -> int | None:
    try:
        return int(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


def _float(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if -1000.0 <= number <= 1000.0 else None


# -- sections -----------------------------------------------------------------------------
def _indicator(tx: _Texts, session: Session) -> IndicatorInfo | None:
    run = _probe_run(session, "android")
    if run is None:
        return None
    raw = _as_map(run.data.get("indicator_set"))
    if not raw:
        return None
    age = _int(raw.get("age_days"))
    builtin = bool(raw.get("builtin"))
    info = dict(source=clean(raw.get("source", ""), 200), commit=clean(raw.get("commit", ""), 64),
                date=clean(raw.get("date", ""), 40))
    text = tx("report.indicator.text", source=info["source"] or "—",
              commit=info["commit"][:12] or "—", date=info["date"] or "—",
              age="?" if age is None else age)
    if builtin:
        text += " · " + tx("report.indicator.builtin")
    stale = age is not None and age > STALE_DAYS
    return IndicatorInfo(age_days=age, builtin=builtin, stale=stale, text=text, **info)


def _province(tx: _Texts, province_id: str | None, sources: Sources) -> str:
    if not province_id:
        return tx("report.not_given")
    if sources.find_province is not None:
        try:
            found = sources.find_province(province_id)
        except Exception:  # noqa: BLE001 - a broken directory must not stop the report
            found = None
        name = getattr(found, "name", None) if found is not None else None
        if name:
            return clean(i18n.pick(name, tx.lang))
    return clean(province_id, 100)


def _cover(tx: _Texts, session: Session, caseworker: str | None, generated_at: str,
           version: str, sources: Sources) -> Cover:
    label = clean(session.label, 200) or tx("report.not_given")
    worker = clean(caseworker if caseworker is not None else session.caseworker, 200)
    province = _province(tx, session.province, sources)
    indicator = _indicator(tx, session)
    state_label = tx.label("report.state", session.state)
    fields = [
        Field("generated_at", tx("report.cover.date"), when(generated_at)),
        Field("label", tx("report.cover.label"), label),
        Field("session_id", tx("report.cover.session_id"), clean(session.id, 64)),
        Field("period", tx("report.cover.period"),
              f"{when(session.created_at)} – {when(session.updated_at)}"),
        Field("state", tx("report.cover.state"), state_label),
        Field("province", tx("report.cover.province"), province),
        Field("caseworker", tx("report.cover.caseworker"), worker or tx("report.not_given")),
        Field("lang", tx("report.cover.lang"), tx(f"report.lang.{tx.lang}")),
        Field("version", tx("report.cover.version"), f"safetycheck {clean(version, 40)}"),
        Field("indicator_set", tx("report.cover.indicator_set"),
              indicator.text if indicator else tx("report.status.not_checked")),
    ]
    return Cover(
        generated_at=generated_at, session_id=clean(session.id, 64), label=label,
        created_at=clean(session.created_at, 40), updated_at=clean(session.updated_at, 40),
        state=clean(session.state, 40), province_id=clean(session.province, 100)
        if session.province else None, province=province, caseworker=worker,
        demo=bool(session.demo), indicator=indicator, fields=tuple(fields),
    )


def _platform_label(tx: _Texts, catalog: Catalog, pid: Any) -> str:
    platform = catalog.platforms.get(pid) if isinstance(pid, str) else None
    return clean(i18n.pick(platform.name, tx.lang)) if platform else clean(pid, 100)


def _intake(tx: _Texts, session: Session, catalog: Catalog, province: str) -> Intake:
    rows: list[IntakeRow] = []
    intake = session.intake or {}
    order = ["concerns", "devices", "platforms", *INTAKE_FLAGS, "province"]
    keys = [k for k in order if k in intake] + [k for k in intake if k not in order]
    for key in keys:
        value = intake[key]
        skey = clean(key, 64)
        label = tx.label("report.intake", skey)
        if key == "concerns":
            items = [tx.label("report.area", clean(v, 64)) for v in _as_list(value)]
            text = ", ".join(items) or "—"
        elif key in ("devices", "platforms"):
            text = ", ".join(_platform_label(tx, catalog, v) for v in _as_list(value)) or "—"
        elif key == "province":
            text = province if value else tx("report.not_given")
        elif isinstance(value, str) and f"report.answer.{value}" in tx.catalog:
            text = tx(f"report.answer.{value}")
        else:
            text = tx.value(value)
        rows.append(IntakeRow(skey, label, _clean_tree(value, True), text))
    return Intake(bool(session.intake_done), len(session.answers), tuple(rows))


def _evidence_refs(session: Session, ids: Iterable[Any]) -> tuple[EvidenceRef, ...]:
    by_id: dict[str, Evidence] = {e.id: e for e in session.evidence}
    refs = []
    for raw in list(ids)[:LIST_MAX]:
        ev = by_id.get(raw) if isinstance(raw, str) else None
        if ev is None:
            refs.append(EvidenceRef(clean(raw, 64), "", "", "", missing=True))
        else:
            refs.append(EvidenceRef(clean(ev.id, 64), clean(ev.name, 200), clean(ev.sha256, 64),
                                    clean(ev.collected_at, 40)))
    return tuple(refs)


def _source_label(tx: _Texts, source: str) -> str:
    if source == "answer":
        return tx("report.source.answer")
    kind, _, name = source.partition(":")
    key = f"report.source.probe_{name}"
    if kind == "probe" and key in tx.catalog:
        return tx(key)
    return tx("report.source.other", name=clean(source, 64))


_MATCH_RE = re.compile(r"^(stalkerware|watchware)_(\w+)$")


def reason_text(tx: _Texts, code: Any) -> str:
    """A probe's reason code ("device_admin", "stalkerware_package") in words."""
    if not isinstance(code, str):
        return tx.value(code)
    key = f"report.reason.{code}"
    if key in tx.catalog:
        return tx(key)
    m = _MATCH_RE.match(code)
    if m and f"report.reason.how.{m.group(2)}" in tx.catalog:
        return f"{tx(f'report.reason.{m.group(1)}')} ({tx(f'report.reason.how.{m.group(2)}')})"
    if code.startswith("installer_"):
        return tx("report.reason.installer_other")
    return tx.maybe(code)


def _details(tx: _Texts, detail: Mapping[str, Any], include_locations: bool) -> tuple[Field, ...]:
    out = []
    for k, v in list(detail.items())[:50]:
        key = clean(k, 64)
        if not include_locations and key.lower() in LOCATION_KEYS:
            continue
        if key in HIDDEN_DETAIL_KEYS:
            continue
        if key in ("reason", "reasons"):
            items = v if isinstance(v, list | tuple) else [v]
            value = ", ".join(reason_text(tx, r) for r in list(items)[:50]) or "—"
        elif key in TIME_KEYS and isinstance(v, str):
            value = when(v)
        else:
            value = tx.value(v)
        out.append(Field(key, tx.label("report.detail", key), value))
    return tuple(out)


def _finding_view(tx: _Texts, session: Session, catalog: Catalog, f: Finding,
                  include_locations: bool) -> FindingView:
    check = catalog.checks.get(f.check_id)
    title = i18n.pick(check.title, tx.lang) if check else clean(f.check_id, 100)
    answer = None
    if f.source == "answer":
        rec = session.answers.get(f.id.removeprefix("answer:"))
        answer = rec.answer.value if rec else None
    detail = _as_map(f.detail)
    action = f.action.value if f.action else None
    return FindingView(
        id=clean(f.id, 200), check_id=clean(f.check_id, 100), title=title,
        area=f.area.value, area_label=tx(f"report.area.{f.area.value}"),
        severity=f.severity.value, severity_label=tx(f"report.severity.{f.severity.value}"),
        status=f.status.value, status_label=tx(f"report.finding_status.{f.status.value}"),
        source=clean(f.source, 64), source_label=_source_label(tx, f.source),
        answer=answer, answer_label=tx(f"report.answer.{answer}") if answer else "",
        platform=clean(f.platform, 100) if f.platform else None,
        platform_label=_platform_label(tx, catalog, f.platform) if f.platform else "",
        details=_details(tx, detail, include_locations),
        detail=_clean_tree(detail, include_locations),
        evidence=_evidence_refs(session, f.evidence),
        action=action, action_label=tx(f"report.action.{action or 'none'}"),
        note=clean(f.note, NOTE_MAX, keep_newlines=True) if f.note else "",
        at=clean(f.at, 40), guide=f"safetycheck guide {clean(f.check_id, 100)}",
    )


def _areas(tx: _Texts, views: Sequence[FindingView]) -> tuple[AreaGroup, ...]:
    areas = []
    for area in Area:
        in_area = [v for v in views if v.area == area.value and v.status in ("at_risk", "unknown")]
        groups = []
        for sev in Severity:
            items = tuple(v for v in in_area if v.severity == sev.value)
            if items:
                groups.append(SeverityGroup(sev.value, tx(f"report.severity.{sev.value}"), items))
        if groups:
            areas.append(AreaGroup(area.value, tx(f"report.area.{area.value}"), tuple(groups)))
    return tuple(areas)


def _summary(tx: _Texts, views: Sequence[FindingView]) -> Summary:
    at_risk = {s.value: 0 for s in Severity}
    unknown = 0
    for v in views:
        if v.status == Status.AT_RISK.value:
            at_risk[v.severity] += 1
        elif v.status == Status.UNKNOWN.value:
            unknown += 1
    total = sum(at_risk.values())
    if total == 0 and unknown == 0:
        text = tx("report.findings.none")
    else:
        parts = [f"{tx(f'report.severity.{s}')}: {n}" for s, n in at_risk.items() if n]
        text = tx("report.findings.summary", at_risk=total, unknown=unknown)
        if parts:
            text += " (" + ", ".join(parts) + ")"
    return Summary(at_risk, unknown, total, text)


def _device(tx: _Texts, session: Session) -> DeviceScan:
    run = _probe_run(session, "android")
    state = _state(tx, run)
    data = _as_map(run.data) if run else {}
    device_raw = {clean(k, 64): clean(v, 200) for k, v in _as_map(data.get("device")).items()
                  if v not in (None, "")}
    device = tuple(Field(k, tx.label("report.device", k), v) for k, v in device_raw.items())
    apps = []
    for a in _as_list(data.get("apps_flagged")):
        a = _as_map(a)
        apps.append(AppView(
            package=clean(a.get("package", ""), 200), label=clean(a.get("label", ""), 200),
            installer=clean(a.get("installer") or "", 200),
            first_install=when(a.get("first_install") or ""),
            reasons=tuple(reason_text(tx, r) for r in _as_list(a.get("reasons"))),
        ))
    settings = []
    for s in _as_list(data.get("settings_flagged")):
        s = _as_map(s)
        name = clean(s.get("name", ""), 200)
        settings.append(Field(name, name, clean(s.get("value", ""), 500)))
    incomplete = bool(data.get("incomplete")) or (run is not None and run.status == "incomplete")
    if incomplete and state.status == "checked":
        state = SectionState("incomplete", tx("report.status.incomplete"), state.reason, state.at)
    return DeviceScan(state, device, device_raw, tuple(apps), tuple(settings), incomplete)


def _photos(tx: _Texts, session: Session, include_locations: bool) -> Photos:
    """Every photo scan of the session (each ``scan photos`` call adds a run): files with a
    location and unreadable files from all of them, counted once per file name."""
    runs = [r for r in session.probes if r.probe == "photos"]
    run = _probe_run(session, "photos")
    datas = [_as_map(r.data) for r in sorted(runs, key=lambda r: r.at)]
    data = {
        "files_scanned": sum(_int(d.get("files_scanned")) or 0 for d in datas),
        "with_location": list({str(_as_map(p).get("file", "")): p for d in datas
                               for p in _as_list(d.get("with_location"))}.values()),
        "unreadable": [u for d in datas for u in _as_list(d.get("unreadable"))],
    }
    found = []
    for p in _as_list(data.get("with_location")):
        p = _as_map(p)
        lat = _float(p.get("lat")) if include_locations else None
        lon = _float(p.get("lon")) if include_locations else None
        found.append(PhotoView(clean(p.get("file", ""), 300), when(p.get("time") or ""),
                               clean(p.get("model") or "", 200), lat, lon))
    unreadable = []
    for u in _as_list(data.get("unreadable")):
        if isinstance(u, Mapping):
            text = clean(u.get("file", ""), 300)
            if u.get("reason"):
                text += f" ({tx.maybe(u.get('reason'))})"
            unreadable.append(text)
        else:
            unreadable.append(clean(u, 300))
    scanned = _int(data.get("files_scanned")) or 0
    return Photos(_state(tx, run), scanned, tuple(found), tuple(unreadable))


def _passwords(tx: _Texts, session: Session, views: Sequence[FindingView]) -> Passwords:
    run = _probe_run(session, "passwords")
    mine = [v for v in views if v.check_id == PASSWORD_CHECK]
    items = []
    for v in mine:
        label = clean(v.detail.get("label", ""), 200) or v.platform_label or "—"
        count = _int(v.detail.get("count")) or 0
        breached = count > 0 or v.status == "at_risk"
        text = (tx("report.passwords.found", label=label, count=count) if breached
                else tx("report.passwords.not_found", label=label))
        items.append(PasswordView(label, count, breached, text))
    return Passwords(_state(tx, run, ran_without_run=bool(mine)), tuple(items))


def _data_class(tx: _Texts, name: Any) -> str:
    """An HIBP data class ("Phone numbers") in the report's language, as the CLI shows it."""
    from safetycheck.probes.breaches import class_slug

    if isinstance(name, str) and f"breach.class.{class_slug(name)}" in tx.catalog:
        return tx(f"breach.class.{class_slug(name)}")
    return tx.maybe(name)


def _breaches(tx: _Texts, session: Session, views: Sequence[FindingView]) -> Breaches:
    run = _probe_run(session, "breaches")
    mine = [v for v in views if v.check_id == BREACH_CHECK]
    items = []
    for v in mine:
        if not v.detail.get("breach"):
            continue
        classes = tuple(_data_class(tx, c) for c in _as_list(v.detail.get("data_classes")))
        items.append(BreachView(clean(v.detail.get("account") or "", 200),
                                clean(v.detail.get("breach"), 200),
                                clean(v.detail.get("date", ""), 40), classes))
    return Breaches(_state(tx, run, ran_without_run=bool(mine)), tuple(items))


def _next_steps(tx: _Texts, views: Sequence[FindingView]) -> tuple[NextStep, ...]:
    steps = []
    for v in views:
        if not v.open:
            continue
        if v.action == "deferred":
            text = tx("report.next.deferred")
        elif v.action == "not_wanted":
            text = tx("report.next.not_wanted")
        elif v.status == "unknown":
            text = tx("report.next.unknown", command=v.guide)
        else:
            text = tx("report.next.todo", command=v.guide)
        steps.append(NextStep(v.id, v.check_id, v.title, v.platform_label, v.action,
                              v.action_label, text))
    return tuple(steps)


def _text_of(tx: _Texts, value: Any, limit: int = 1000) -> str:
    if isinstance(value, Mapping):
        return clean(i18n.pick(value, tx.lang), limit)
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(clean(v, 200) for v in value[:20])
    return clean(value, limit)


def _referrals(tx: _Texts, session: Session, province: str, sources: Sources) -> Referrals:
    if sources.services_for is None:
        state = SectionState("not_checked", tx("report.status.not_checked"),
                             tx("report.referrals.unavailable"))
        return Referrals(state, province, "", ())
    note = "" if session.province else tx("report.referrals.no_province")
    try:
        found = list(sources.services_for(session.province))
    except Exception:  # noqa: BLE001 - a broken directory must not stop the report
        # An id the directory no longer knows: national services are still worth listing.
        try:
            found = list(sources.services_for(None)) if session.province else None
        except Exception:  # noqa: BLE001
            found = None
        if found is None:
            state = SectionState("failed", tx("report.status.failed"),
                                 tx("report.referrals.unavailable"))
            return Referrals(state, province, "", ())
        note = tx("report.referrals.unknown_province")
    services = []
    for s in found[:LIST_MAX]:
        g = lambda name, limit=1000, s=s: _text_of(tx, getattr(s, name, None), limit)  # noqa: E731
        services.append(ServiceView(
            id=g("id", 100), name=g("name", 300), helps_with=g("helps_with"), phone=g("phone", 200),
            website=g("website", 300), address=g("address"), hours=g("hours", 300),
            area=g("area", 200), source=g("source", 500), checked=g("checked", 40),
            verified=bool(getattr(s, "verified", False)), note=g("note"),
        ))
    return Referrals(SectionState("checked", tx("report.status.checked")), province, note,
                     tuple(services))


def _term_patterns(tx: _Texts, term: Any) -> list[re.Pattern[str]]:
    """Whole-word patterns for a term and its variants ("app" must not match "happen")."""
    words = [i18n.pick(getattr(term, "term", None), tx.lang)]
    variants = getattr(term, "variants", None) or ()
    if isinstance(variants, Mapping):
        variants = variants.get(tx.lang) or ()
    if isinstance(variants, str):
        variants = [variants]
    words.extend(v for v in variants if isinstance(v, str))
    out = []
    for phrase in words:
        parts = phrase.casefold().split() if isinstance(phrase, str) else []
        if not parts or len(" ".join(parts)) < 2:
            continue
        if tx.lang == "mn" and len(parts[-1]) > 4 and parts[-1].endswith("х"):
            parts[-1] = parts[-1][:-1]  # a verb ("мөрдөж мөшгөх"): match its other forms too
        body = r"\s+".join(re.escape(p) for p in parts)
        tail = r"\w*" if tx.lang == "mn" else r"(?:s|es|'s)?(?!\w)"  # Mongolian case endings
        out.append(re.compile(r"(?<!\w)" + body + tail))
    return out


def _glossary(tx: _Texts, sources: Sources, corpus: str) -> Glossary:
    if sources.load_glossary is None:
        return Glossary(SectionState("not_checked", tx("report.status.not_checked"),
                                     tx("report.glossary.unavailable")), ())
    try:
        terms = list(sources.load_glossary())
    except Exception:  # noqa: BLE001 - a broken glossary file must not stop the report
        return Glossary(SectionState("failed", tx("report.status.failed"),
                                     tx("report.glossary.unavailable")), ())
    text = corpus.casefold()
    used = []
    for term in terms:
        if any(p.search(text) for p in _term_patterns(tx, term)):
            used.append(TermView(clean(getattr(term, "id", ""), 100),
                                 _text_of(tx, getattr(term, "term", "")),
                                 _text_of(tx, getattr(term, "definition", ""), 2000)))
    used.sort(key=lambda t: t.term.casefold())
    return Glossary(SectionState("checked", tx("report.status.checked")), tuple(used))


LIMITATION_KEYS = ("report.limits.no_proof", "report.limits.scan", "report.limits.answers",
                   "report.limits.breaches", "report.limits.other_devices")
GENERAL_STEP_KEYS = ("report.next.general.evidence", "report.next.general.plan",
                     "report.next.general.emergency")


def build_report(session: Session, catalog: Catalog, lang: str, include_locations: bool = False,
                 caseworker: str | None = None, *, generated_at: str | None = None,
                 version: str | None = None, sources: Sources | None = None) -> Report:
    """The report of ``session`` in ``lang``; coordinates only with ``include_locations``."""
    from safetycheck.runner import session_findings

    lang = i18n.normalize_lang(lang) or i18n.DEFAULT_LANG
    tx = _Texts(lang)
    sources = sources if sources is not None else default_sources()
    generated_at = generated_at or utcnow()
    version = version or __version__
    cover = _cover(tx, session, caseworker, generated_at, version, sources)
    views = [_finding_view(tx, session, catalog, f, include_locations)
             for f in session_findings(session, catalog)]
    device = _device(tx, session)
    photos = _photos(tx, session, include_locations)
    passwords = _passwords(tx, session, views)
    breaches = _breaches(tx, session, views)
    referrals = _referrals(tx, session, cover.province, sources)
    limitations = tuple(tx(k) for k in LIMITATION_KEYS)
    steps = _next_steps(tx, views)
    general = tuple(tx(k) for k in GENERAL_STEP_KEYS)
    corpus = "\n".join([*{v.title for v in views}, *limitations, *general,
                        *(tx(f"report.area.{a.value}") for a in Area)])
    glossary = _glossary(tx, sources, corpus)
    states = {"device_scan": device.state, "photos": photos.state, "passwords": passwords.state,
              "breaches": breaches.state, "referrals": referrals.state,
              "glossary": glossary.state}
    not_checked = tuple(Field(k, tx(f"report.section.{k}"), s.label)
                        for k, s in states.items() if not s.ran and k not in
                        ("referrals", "glossary"))
    return Report(
        schema_version=REPORT_SCHEMA_VERSION, generated_at=generated_at, lang=lang,
        version=version, include_locations=include_locations, cover=cover,
        intake=_intake(tx, session, catalog, cover.province), summary=_summary(tx, views),
        areas=_areas(tx, views), findings=tuple(views), device=device, photos=photos,
        passwords=passwords, breaches=breaches, unresolved=steps, general_steps=general,
        referrals=referrals, limitations=limitations, not_checked=not_checked,
        glossary=glossary,
    )


__all__ = ["Report", "Sources", "build_report", "default_sources", "when"]
