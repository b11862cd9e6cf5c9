"""The domain values: checks, answers, findings, probe runs, evidence and the audit session.

Catalog values (``Check``) are frozen. ``Session`` is the one mutable record: the audit
engine changes it and the vault saves it after every change. Everything here converts to
and from plain JSON-compatible dicts (``to_dict`` / ``from_dict``) so the vault, the report
and ``--json`` output share one shape.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

SESSION_SCHEMA = 1


class Area(StrEnum):
    """The four areas of the audit, in their default order."""

    ACCOUNTS = "accounts"
    STALKERWARE = "stalkerware"
    LOCATION = "location"
    EXPOSURE = "exposure"


class Severity(StrEnum):
    """How much harm the unsafe state can do; ``rank`` sorts most severe first."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


class Status(StrEnum):
    """What an answer or probe says about a check."""

    OK = "ok"
    AT_RISK = "at_risk"
    UNKNOWN = "unknown"
    SKIPPED = "skipped"


class Kind(StrEnum):
    """A check is answered by the person (question) or by an automated probe."""

    QUESTION = "question"
    PROBE = "probe"


class AnswerKey(StrEnum):
    """The answers a person can give to a question."""

    YES = "yes"
    NO = "no"
    NOT_SURE = "not_sure"
    SKIP = "skip"


class Action(StrEnum):
    """What was done about a finding."""

    DONE = "done"
    DEFERRED = "deferred"  # deferred for safety
    NOT_WANTED = "not_wanted"


TFGBV_FORMS: tuple[str, ...] = (
    "harassment",
    "cyberstalking",
    "doxing",
    "ncii",
    "sextortion",
    "grooming",
    "control",
)

Text = Mapping[str, str]


def utcnow() -> str:
    """Current UTC time as ISO 8601 with a ``Z`` suffix, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def new_id(nbytes: int = 6) -> str:
    """A random, URL-safe identifier (12 hex characters by default)."""
    return secrets.token_hex(nbytes)


@dataclass(frozen=True)
class Reference:
    """A source a check's facts or steps were checked against."""

    url: str
    checked: str  # ISO date the source was read
    title: str = ""
    verified: bool = True


@dataclass(frozen=True)
class Check:
    """One check of the catalog, loaded from ``checks/<area>/<id>.yaml``."""

    id: str
    area: Area
    severity: Severity
    kind: Kind
    platforms: tuple[str, ...]
    title: Text
    question: Text
    how_to_check: Text
    risk: Text
    answers: Mapping[str, Status]
    tfgbv_forms: tuple[str, ...]
    priority_when: tuple[str, ...]
    references: tuple[Reference, ...]
    probe: str | None = None
    source: str = field(default="", compare=False)

    @property
    def per_platform(self) -> bool:
        """False for checks that apply once, whatever the person uses (``platforms: [any]``)."""
        return self.platforms != ("any",)


def item_key(check_id: str, platform: str | None) -> str:
    """The key of one asked item: a check, or a check for one platform (``id@platform``)."""
    return f"{check_id}@{platform}" if platform else check_id


def split_item_key(key: str) -> tuple[str, str | None]:
    check_id, _, platform = key.partition("@")
    return check_id, platform or None


@dataclass
class AnswerRecord:
    """The person's answer to one item, with what was done about it."""

    key: str
    check_id: str
    platform: str | None
    answer: AnswerKey
    status: Status
    at: str
    action: Action | None = None
    note: str = ""


@dataclass
class Finding:
    """Something that needs attention, from an answer or from a probe.

    ``detail`` holds probe data (app names, file names...) that came from outside and must
    be escaped wherever it is shown.
    """

    check_id: str
    area: Area
    severity: Severity
    status: Status
    source: str  # "answer", "probe:android", "probe:photos", "probe:passwords", "probe:breaches"
    platform: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)
    action: Action | None = None
    note: str = ""
    at: str = field(default_factory=utcnow)
    id: str = field(default_factory=new_id)


@dataclass
class ProbeRun:
    """One run of an automated probe: what it looked at and whether it finished."""

    probe: str  # "android", "photos", "passwords", "breaches"
    status: str  # "complete", "incomplete", "skipped", "failed"
    at: str = field(default_factory=utcnow)
    reason: str = ""  # message key explaining a skip, failure or gap
    data: dict[str, Any] = field(default_factory=dict)
    id: str = field(default_factory=new_id)


@dataclass
class Evidence:
    """A raw artefact kept for a complaint; the bytes live in the vault as blob ``id``."""

    id: str
    name: str
    sha256: str
    size: int
    collected_at: str
    command: str
    tool_version: str
    indicator_set: str = ""


@dataclass
class CustodyEvent:
    """One line of the chain-of-custody log."""

    at: str
    action: str
    detail: str = ""


@dataclass
class Session:
    """One audit: intake, answers, findings, probe runs and evidence. Stored encrypted."""

    id: str = field(default_factory=new_id)
    label: str = ""
    created_at: str = field(default_factory=utcnow)
    updated_at: str = field(default_factory=utcnow)
    lang: str = "mn"
    province: str | None = None
    caseworker: str = ""
    state: str = "in_progress"  # "in_progress", "paused", "finished"
    safety_ack: bool = False
    intake: dict[str, Any] = field(default_factory=dict)
    intake_done: bool = False
    areas: list[str] = field(default_factory=list)  # areas chosen with --area ([] = all)
    answers: dict[str, AnswerRecord] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    probes: list[ProbeRun] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    custody: list[CustodyEvent] = field(default_factory=list)
    position: int = 0
    steps: dict[str, str] = field(default_factory=dict)  # audit steps, e.g. android_scan
    demo: bool = False
    schema: int = SESSION_SCHEMA

    def log(self, action: str, detail: str = "") -> None:
        """Append to the chain-of-custody log (no secrets in ``detail``)."""
        self.custody.append(CustodyEvent(at=utcnow(), action=action, detail=detail))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Session:
        """Rebuild a session from ``to_dict`` output; unknown keys are ignored."""
        known = {f.name for f in fields(cls)}
        raw = {k: v for k, v in data.items() if k in known}
        raw["answers"] = {
            k: _answer_from_dict(v) for k, v in (data.get("answers") or {}).items()
        }
        raw["findings"] = [_finding_from_dict(f) for f in data.get("findings") or []]
        raw["probes"] = [_build(ProbeRun, p) for p in data.get("probes") or []]
        raw["evidence"] = [_build(Evidence, e) for e in data.get("evidence") or []]
        raw["custody"] = [_build(CustodyEvent, c) for c in data.get("custody") or []]
        return cls(**raw)


def _build(cls: type, data: Mapping[str, Any]) -> Any:
    known = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in known})


def _answer_from_dict(data: Mapping[str, Any]) -> AnswerRecord:
    rec = _build(AnswerRecord, data)
    rec.answer = AnswerKey(rec.answer)
    rec.status = Status(rec.status)
    rec.action = Action(rec.action) if rec.action else None
    return rec


def _finding_from_dict(data: Mapping[str, Any]) -> Finding:
    f = _build(Finding, data)
    f.area = Area(f.area)
    f.severity = Severity(f.severity)
    f.status = Status(f.status)
    f.action = Action(f.action) if f.action else None
    return f
