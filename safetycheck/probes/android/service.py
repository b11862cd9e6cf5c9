"""Run the Android scan into a session: acquire, keep the evidence, grade, record, save.

``scan_into_session`` is the one entry point the CLI, the audit and the demo call. It never
changes the phone. Raw outputs are stored as evidence in the encrypted session (SHA-256,
UTC time, tool version, indicator set) after e-mail addresses and the serial are removed;
the device is identified by model, Android version and an HMAC of its serial under a key
kept in the vault. If the phone goes away part-way, what arrived is kept and the run is
marked incomplete; if nothing could be read, a failed run is recorded and the error raised.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import weakref
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from safetycheck import __version__
from safetycheck.errors import SafetycheckError, UsageError
from safetycheck.model import Finding, ProbeRun, Session, Severity, Status
from safetycheck.probes.android.findings import CHECKS, SOURCE, evaluate, signals
from safetycheck.probes.android.indicators import (
    ATTRIBUTION,
    ATTRIBUTION_URL,
    IndicatorSet,
    load_indicators,
)
from safetycheck.probes.android.interface import (
    Acquisition,
    PartialAcquisitionError,
    Progress,
    Transport,
)
from safetycheck.probes.android.redact import redact
from safetycheck.probes.android.state import build_state
from safetycheck.storage.evidence import add_evidence
from safetycheck.storage.vault import Store

JSON_SCHEMA_ID = "safetycheck.android-scan/1"
HMAC_KEY_FILE = "android/serial-hmac.key"
_memory_keys: weakref.WeakKeyDictionary[Any, bytes] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class ScanResult:
    """What one scan found; ``probe_run.data`` follows docs/android-scan-schema.json."""

    status: str  # "complete" | "incomplete"
    source: str
    findings: tuple[Finding, ...]
    probe_run: ProbeRun
    session_id: str
    stored: bool  # True when the session lives in the encrypted vault
    incomplete_reason: str = ""
    not_checked: tuple[str, ...] = ()
    evidence: tuple[str, ...] = field(default_factory=tuple)

    @property
    def data(self) -> dict[str, Any]:
        return self.probe_run.data

    @property
    def device(self) -> dict[str, Any]:
        return self.probe_run.data["device"]

    @property
    def indicator_set(self) -> dict[str, Any]:
        return self.probe_run.data["indicator_set"]


# -- device identity --------------------------------------------------------------------------
def _hmac_key(store: Store) -> bytes:
    get = getattr(store, "get_file", None)
    put = getattr(store, "put_file", None)
    if get is not None and put is not None:
        key = get(HMAC_KEY_FILE)
        if not key:
            key = secrets.token_bytes(32)
            put(HMAC_KEY_FILE, key)
        return bytes(key)
    if store not in _memory_keys:  # MemoryStore (demo, print-only scans): a key per run
        _memory_keys[store] = secrets.token_bytes(32)
    return _memory_keys[store]


def serial_hmac(store: Store, serial: str | None) -> str:
    """HMAC-SHA256 of the serial under the vault's key: the same phone gives the same value
    in this data folder, and the serial cannot be recovered or confirmed without the key."""
    if not serial:
        return ""
    return hmac.new(_hmac_key(store), serial.encode("utf-8"), hashlib.sha256).hexdigest()


# -- the scan ---------------------------------------------------------------------------------
def _failed(store: Store, session: Session, transport: Transport, exc: SafetycheckError,
            indicators: IndicatorSet, today: date) -> None:
    max_age = int(signals()["indicator_max_age_days"])
    session.probes.append(ProbeRun(probe="android", status="failed", reason=exc.key, data={
        "source": transport.source, "device": {}, "indicator_set": indicators.info(today, max_age),
        "apps_flagged": [], "settings_flagged": [], "incomplete": True, "counts": {},
    }))
    session.log("android_scan", "failed " + exc.key)
    store.save(session)


def _carry_over(session: Session, new: list[Finding]) -> None:
    """Replace earlier Android findings, keeping what was recorded about the same item."""
    old = {(f.check_id, str(f.detail.get("package", ""))): f for f in session.findings
           if f.source == SOURCE}
    for f in new:
        prev = old.get((f.check_id, str(f.detail.get("package", ""))))
        if prev is not None:
            f.action, f.note = prev.action, prev.note
            if "user_knew" in prev.detail:
                f.detail["user_knew"] = prev.detail["user_knew"]
    session.findings = [f for f in session.findings if f.source != SOURCE] + new


def scan_into_session(store: Store, session: Session, transport: Transport,
                      indicators: IndicatorSet | None = None, *, today: date | None = None,
                      progress: Progress | None = None) -> ScanResult:
    """Scan the phone behind ``transport`` and record the result in ``session`` (saved)."""
    today = today or datetime.now(UTC).date()
    indicators = indicators or load_indicators()
    max_age = int(signals()["indicator_max_age_days"])
    problem: PartialAcquisitionError | None = None
    try:
        acq: Acquisition = transport.acquire(progress)
    except PartialAcquisitionError as exc:
        if exc.partial is None or not exc.partial.sections:
            _failed(store, session, transport, exc, indicators, today)
            raise
        acq, problem = exc.partial, exc
    except SafetycheckError as exc:
        _failed(store, session, transport, exc, indicators, today)
        raise

    state = build_state(acq)
    label = indicators.label()
    evidence_ids: dict[str, str] = {}
    for name, text in acq.sections.items():
        ext = "json" if name.endswith("_json") else "txt"
        item = add_evidence(store, session, f"android/{name}.{ext}",
                            redact(text, acq.serial).encode("utf-8"),
                            acq.commands.get(name, name), label)
        evidence_ids[name] = item.id

    ev = evaluate(state, indicators, today, evidence_ids)
    _carry_over(session, ev.findings)
    props = state.props
    incomplete = not acq.complete
    counts: dict[str, Any] = {
        "apps": len(state.apps),
        "system_apps": sum(1 for a in state.apps.values() if a.system is True),
        "third_party_apps": sum(1 for a in state.apps.values() if a.system is False),
        "findings": len(ev.findings),
        "by_severity": {s.value: sum(1 for f in ev.findings if f.severity is s)
                        for s in Severity},
        "by_check": {c: sum(1 for f in ev.findings if f.check_id == c) for c in CHECKS},
        "sections": len(acq.sections),
        "evidence": len(evidence_ids),
    }
    data: dict[str, Any] = {
        "source": acq.source,
        "device": {
            "model": props.model,
            "manufacturer": props.manufacturer,
            "android_version": props.android_version,
            "security_patch": props.security_patch,
            "serial_hmac": serial_hmac(store, acq.serial),
        },
        "indicator_set": indicators.info(today, max_age),
        "apps_flagged": ev.apps_flagged,
        "settings_flagged": ev.settings_flagged,
        "incomplete": incomplete,
        "incomplete_reason": acq.incomplete_reason,
        "missing_sections": list(acq.missing) if incomplete else [],
        "not_checked": ev.not_checked,
        "unreadable_sections": list(state.unreadable),
        "phone_time": state.phone_time,
        "tool_version": __version__,
        "attribution": {"text": ATTRIBUTION, "url": ATTRIBUTION_URL},
        "counts": counts,
    }
    run = ProbeRun(probe="android", status="incomplete" if incomplete else "complete",
                   reason=problem.key if problem else "", data=data)
    session.probes.append(run)
    session.log("android_scan", f"{run.status} findings={len(ev.findings)} source={acq.source}")
    store.save(session)
    return ScanResult(status=run.status, source=acq.source, findings=tuple(ev.findings),
                      probe_run=run, session_id=session.id,
                      stored=bool(getattr(store, "persistent", False)),
                      incomplete_reason=acq.incomplete_reason,
                      not_checked=tuple(ev.not_checked),
                      evidence=tuple(evidence_ids.values()))


def apply_answers(session: Session, answers: dict[str, str]) -> int:
    """Record "did you install / know about this app?" answers (``ui.android.show_scan``'s
    return value) in the findings' ``detail["user_knew"]``; the caller saves the session."""
    n = 0
    for f in session.findings:
        if f.id in answers:
            f.detail["user_knew"] = answers[f.id]
            n += 1
    if n:
        session.log("android_answers", f"{n} recorded")
    return n


def transport_for(adb: str | None, serial: str | None, demo: bool = False,
                  androidqf: Path | None = None, choose: Any = None) -> Transport:
    """The transport the options ask for: the demo phone, an AndroidQF folder, or adb."""
    if demo and androidqf is not None:
        raise UsageError("error.scan.source_conflict")
    if demo:
        from safetycheck.probes.android.demo_phone import DemoPhone

        return DemoPhone()
    if androidqf is not None:
        from safetycheck.probes.android.androidqf import AndroidQFFolder

        return AndroidQFFolder(androidqf)
    from safetycheck.probes.android.adb import AdbTransport, find_adb

    return AdbTransport(find_adb(adb), serial=serial, choose=choose)


def result_json(result: ScanResult) -> dict[str, Any]:
    """The ``--json`` document (schema: docs/android-scan-schema.json)."""
    findings = [{
        "id": f.id, "check_id": f.check_id, "severity": f.severity.value,
        "status": f.status.value, "detail": f.detail, "evidence": list(f.evidence),
        "guide": f"safetycheck guide {f.check_id}",
    } for f in result.findings]
    return {
        "schema": JSON_SCHEMA_ID,
        "tool": {"name": "safetycheck", "version": __version__},
        "status": result.status,
        "session": {"id": result.session_id, "stored": result.stored},
        "at": result.probe_run.at,
        **{k: result.data[k] for k in ("source", "device", "indicator_set", "apps_flagged",
                                       "settings_flagged", "incomplete", "incomplete_reason",
                                       "not_checked", "counts", "attribution")},
        "findings": findings,
        "at_risk": sum(1 for f in result.findings if f.status is Status.AT_RISK),
    }
