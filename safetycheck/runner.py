"""The audit engine: intake + answers + probe results -> ordered items and findings. No UI.

The intake decides which checks are asked (per platform the person uses) and in what order:
areas the person is worried about come first; inside an area, checks whose
``priority_when`` conditions match the intake come first, then the most severe.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from safetycheck.catalog import INTAKE_FLAGS, Catalog
from safetycheck.errors import UsageError
from safetycheck.model import (
    Action,
    AnswerKey,
    AnswerRecord,
    Area,
    Check,
    Finding,
    Session,
    Severity,
    Status,
    item_key,
    utcnow,
)

YES_NO = ("yes", "no", "not_sure")
log = logging.getLogger(__name__)
DEVICES = ("android", "iphone", "computer")


@dataclass(frozen=True)
class IntakeQuestion:
    """One intake question; ``kind`` is "multi" (choose several), "yesno" or "province"."""

    id: str
    kind: str
    options: tuple[str, ...] = ()


def intake_questions(catalog: Catalog) -> list[IntakeQuestion]:
    """The intake, in the order it is asked (texts: ``intake.<id>.*`` in the UI catalog)."""
    apps = tuple(p.id for p in catalog.platforms.values() if p.kind != "device")
    devices = tuple(p.id for p in catalog.platforms.values() if p.kind == "device")
    return [
        IntakeQuestion("concerns", "multi", tuple(a.value for a in Area)),
        IntakeQuestion("devices", "multi", devices),
        IntakeQuestion("platforms", "multi", apps),
        *(IntakeQuestion(flag, "yesno", YES_NO) for flag in INTAKE_FLAGS),
        IntakeQuestion("province", "province"),
    ]


def validate_intake(catalog: Catalog, intake: Mapping[str, Any]) -> dict[str, Any]:
    """Check an intake (from a file or the prompts); returns a clean copy."""
    clean: dict[str, Any] = {}
    questions = {q.id: q for q in intake_questions(catalog)}
    for key, value in intake.items():
        q = questions.get(key)
        if q is None:
            raise UsageError("error.answers_file.unknown_intake", field=key)
        if q.kind == "multi":
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or any(v not in q.options for v in value):
                raise UsageError("error.answers_file.bad_value", field=key,
                                 allowed=", ".join(q.options))
            clean[key] = list(dict.fromkeys(value))
        elif q.kind == "yesno":
            if isinstance(value, bool):
                value = "yes" if value else "no"
            if value not in q.options:
                raise UsageError("error.answers_file.bad_value", field=key,
                                 allowed=", ".join(q.options))
            clean[key] = value
        else:
            clean[key] = None if value in (None, "") else str(value)
    return clean


@dataclass(frozen=True)
class Item:
    """One question of the audit: a check, maybe for one platform."""

    check: Check
    platform: str | None

    @property
    def key(self) -> str:
        return item_key(self.check.id, self.platform)


def _conditions(intake: Mapping[str, Any]) -> set[str]:
    conds = {flag for flag in INTAKE_FLAGS if intake.get(flag) == "yes"}
    conds.update(f"concern:{a}" for a in intake.get("concerns") or [])
    conds.update(f"uses:{p}" for p in used_platforms(intake))
    return conds


def used_platforms(intake: Mapping[str, Any]) -> list[str]:
    """Devices and apps the person said they use."""
    return [*(intake.get("devices") or []), *(intake.get("platforms") or [])]


def area_order(intake: Mapping[str, Any], areas: Sequence[str] = ()) -> list[Area]:
    """Areas to audit: the ones of concern first, then the others (or only ``areas``)."""
    chosen = [a for a in Area if not areas or a.value in areas]
    concerns = set(intake.get("concerns") or [])
    return sorted(chosen, key=lambda a: (a.value not in concerns, list(Area).index(a)))


def plan(catalog: Catalog, intake: Mapping[str, Any], areas: Sequence[str] = ()) -> list[Item]:
    """Every item to ask, in order."""
    conds = _conditions(intake)
    used = used_platforms(intake)
    items: list[Item] = []
    for area in area_order(intake, areas):
        scored: list[tuple[tuple[int, int, str, int], Item]] = []
        for check in catalog.in_area(area):
            platforms: Iterable[str | None]
            if not check.per_platform:
                platforms = [None]
            else:
                platforms = [p for p in used if p in check.platforms]
            score = -len(conds.intersection(check.priority_when))
            for i, platform in enumerate(platforms):
                scored.append(((score, check.severity.rank, check.id, i), Item(check, platform)))
        items.extend(item for _, item in sorted(scored, key=lambda pair: pair[0]))
    return items


def answer_status(check: Check, answer: AnswerKey | str) -> Status:
    answer = AnswerKey(answer)
    if answer is AnswerKey.SKIP:
        return Status.SKIPPED
    return check.answers[answer.value]


def record_answer(session: Session, item: Item, answer: AnswerKey | str) -> AnswerRecord:
    """Record (or change) the answer to ``item``; keeps an earlier action and note."""
    answer = AnswerKey(answer)
    old = session.answers.get(item.key)
    rec = AnswerRecord(
        key=item.key,
        check_id=item.check.id,
        platform=item.platform,
        answer=answer,
        status=answer_status(item.check, answer),
        at=utcnow(),
        action=old.action if old and old.answer == answer else None,
        note=old.note if old and old.answer == answer else "",
    )
    session.answers[item.key] = rec
    session.log("answered", item.key)
    log.debug("recorded an answer for %s", item.key)
    return rec


def record_action(session: Session, key: str, action: Action | str | None, note: str = "") -> None:
    rec = session.answers[key]
    rec.action = Action(action) if action else None
    rec.note = note
    session.log("action_recorded", f"{key} {rec.action or '-'}")


def session_findings(session: Session, catalog: Catalog) -> list[Finding]:
    """Every finding of a session: from answers (at risk or not sure) and from probes.

    Sorted by area, then severity (most severe first), then whether it is a confirmed risk.
    Answers whose check is no longer in the catalog are skipped.
    """
    out: list[Finding] = []
    for rec in session.answers.values():
        if rec.status not in (Status.AT_RISK, Status.UNKNOWN):
            continue
        check = catalog.checks.get(rec.check_id)
        if check is None:
            continue
        out.append(Finding(
            check_id=rec.check_id, area=check.area, severity=check.severity,
            status=rec.status, source="answer", platform=rec.platform, action=rec.action,
            note=rec.note, at=rec.at, id=f"answer:{rec.key}",
        ))
    out.extend(session.findings)
    order = list(Area)
    return sorted(out, key=lambda f: (order.index(f.area), f.severity.rank,
                                      f.status is not Status.AT_RISK, f.check_id))


def severity_counts(findings: Iterable[Finding]) -> dict[str, int]:
    """Confirmed findings (at risk) by severity, every severity present."""
    counts = {s.value: 0 for s in Severity}
    for f in findings:
        if f.status is Status.AT_RISK:
            counts[f.severity.value] += 1
    return counts
