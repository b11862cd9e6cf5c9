"""The JSON report: a versioned, documented shape (``docs/report-schema.json``).

Findings are keyed by check id (the same id names the check file, its guide and its
findings). Strings are cleaned of control and escape characters like every other format,
so a consumer that prints a value raw (``jq -r``) cannot be attacked through it.
"""

from __future__ import annotations

import json
from typing import Any

from safetycheck.report.model import REPORT_SCHEMA, Report, SectionState


def _state(state: SectionState) -> dict[str, Any]:
    return {"status": state.status, "reason": state.reason or None, "at": state.at or None}


def report_dict(r: Report) -> dict[str, Any]:
    """The report as plain JSON-compatible data."""
    c = r.cover
    findings: dict[str, Any] = {}
    for f in r.findings:
        entry = findings.setdefault(f.check_id, {"title": f.title, "area": f.area, "items": []})
        entry["items"].append({
            "id": f.id, "severity": f.severity, "status": f.status, "source": f.source,
            "answer": f.answer, "platform": f.platform, "detail": dict(f.detail),
            "evidence": [{"id": e.id, "name": e.name or None, "sha256": e.sha256 or None,
                          "missing": e.missing} for e in f.evidence],
            "action": f.action, "note": f.note or None, "at": f.at,
        })
    ind = c.indicator
    d = r.device
    return {
        "schema": REPORT_SCHEMA,
        "schema_version": r.schema_version,
        "generated_at": r.generated_at,
        "lang": r.lang,
        "tool": {"name": "safetycheck", "version": r.version},
        "include_locations": r.include_locations,
        "session": {
            "id": c.session_id, "label": c.label, "created_at": c.created_at,
            "updated_at": c.updated_at, "state": c.state,
            "province": {"id": c.province_id, "name": c.province if c.province_id else None},
            "caseworker": c.caseworker or None, "demo": c.demo,
        },
        "indicator_set": None if ind is None else {
            "source": ind.source, "commit": ind.commit, "date": ind.date,
            "age_days": ind.age_days, "builtin": ind.builtin, "stale": ind.stale,
        },
        "intake": {
            "done": r.intake.done, "answered": r.intake.answered,
            "items": [{"id": row.id, "label": row.label, "value": row.value, "text": row.text}
                      for row in r.intake.rows],
        },
        "summary": {"at_risk": dict(r.summary.at_risk), "unknown": r.summary.unknown,
                    "total_at_risk": r.summary.total, "text": r.summary.text},
        "findings": findings,
        "device_scan": {
            **_state(d.state),
            "device": dict(d.device_raw) or None,
            "apps_flagged": [{"package": a.package, "label": a.label,
                              "installer": a.installer or None,
                              "first_install": a.first_install or None,
                              "reasons": list(a.reasons)} for a in d.apps],
            "settings_flagged": [{"name": s.label, "value": s.value} for s in d.settings],
            "incomplete": d.incomplete,
        },
        "photos": {
            **_state(r.photos.state),
            "files_scanned": r.photos.files_scanned,
            "with_location": [
                {"file": p.file, "time": p.time or None, "model": p.model or None,
                 "location_present": True,
                 **({"lat": p.lat, "lon": p.lon} if r.include_locations else {})}
                for p in r.photos.with_location],
            "unreadable": list(r.photos.unreadable),
        },
        "passwords": {
            **_state(r.passwords.state),
            "items": [{"label": p.label, "count": p.count, "breached": p.breached}
                      for p in r.passwords.items],
        },
        "breaches": {
            **_state(r.breaches.state),
            "items": [{"account": b.account or None, "breach": b.breach, "date": b.date or None,
                       "data_classes": list(b.data_classes)} for b in r.breaches.items],
        },
        "unresolved": [{"finding_id": s.finding_id, "check_id": s.check_id, "title": s.title,
                        "platform": s.platform_label or None, "action": s.action,
                        "next_step": s.text} for s in r.unresolved],
        "next_steps": list(r.general_steps),
        "referrals": {
            **_state(r.referrals.state),
            "province": c.province_id,
            "services": [{"id": s.id, "name": s.name, "helps_with": s.helps_with,
                          "phone": s.phone or None, "website": s.website or None,
                          "address": s.address or None, "hours": s.hours or None,
                          "area": s.area or None, "source": s.source or None,
                          "checked": s.checked or None, "verified": s.verified,
                          "note": s.note or None} for s in r.referrals.services],
        },
        "limitations": list(r.limitations),
        "not_checked": [f.key for f in r.not_checked],
        "glossary": {
            **_state(r.glossary.state),
            "terms": [{"id": t.id, "term": t.term, "definition": t.definition}
                      for t in r.glossary.terms],
        },
    }


def render_json(r: Report) -> str:
    """The report as pretty-printed UTF-8 JSON text (ends with a newline)."""
    return json.dumps(report_dict(r), ensure_ascii=False, indent=2) + "\n"
