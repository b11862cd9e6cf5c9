"""Keep a raw artefact (scan output, photo metadata) as evidence: hashed, timed, encrypted."""

from __future__ import annotations

import hashlib

from safetycheck import __version__
from safetycheck.model import Evidence, Session, new_id, utcnow
from safetycheck.storage.vault import Store


def add_evidence(store: Store, session: Session, name: str, data: bytes, command: str,
                 indicator_set: str = "") -> Evidence:
    """Store ``data`` as an encrypted blob of ``session`` and record it with its SHA-256.

    ``name`` is a file name for the evidence bundle (e.g. ``android/packages.txt``);
    ``command`` says how it was collected (e.g. ``adb shell pm list packages -f -U -i``).
    Call ``store.save(session)`` afterwards (the caller batches several items).
    """
    item = Evidence(
        id=new_id(8),
        name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        collected_at=utcnow(),
        command=command,
        tool_version=f"safetycheck {__version__}",
        indicator_set=indicator_set,
    )
    store.put_blob(session.id, item.id, data)
    session.evidence.append(item)
    session.log("evidence_collected", f"{name} sha256={item.sha256}")
    return item
