"""The evidence bundle: raw scan outputs, photo metadata, the report and a hashed manifest.

A bundle is a zip file (``docs/evidence-bundle.md``)::

    README.txt                 what the bundle is and how to check it (mn and en)
    manifest.json              every other file: SHA-256, size, when (UTC) and how collected
    custody.log                the session's chain-of-custody log, one event per line
    evidence/<name>            raw outputs as collected (from the encrypted vault)
    photos/metadata.json       photo metadata extracts (coordinates only if asked for)
    report/report.html         the report, HTML and JSON
    report/report.json

``verify_bundle`` recomputes every hash without extracting anything, and reports each
mismatch, missing, extra, duplicated or damaged file. An encrypted bundle is the zip sealed
with AES-256-GCM under a key derived from a passphrase with scrypt (format below).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import secrets
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from safetycheck import __version__, i18n
from safetycheck.catalog import Catalog
from safetycheck.errors import DataError
from safetycheck.model import Session, utcnow
from safetycheck.ui.text import clean

BUNDLE_FORMAT = "safetycheck.evidence-bundle"
BUNDLE_VERSION = 1
MANIFEST = "manifest.json"
EXPORT_COMMAND = "safetycheck evidence export"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_SAFE_PART = re.compile(r"[^\w.\-]+")
CHUNK = 1 << 16

# -- encryption format ---------------------------------------------------------------------
# header (37 bytes) = MAGIC (4) | version (1) | kdf id (1: scrypt) | log2 N (1) | r (1) | p (1)
#                     | salt (16) | nonce (12)
# then AES-256-GCM(key, nonce, zip bytes, associated data = header): ciphertext || tag (16).
ENC_MAGIC = b"SCEB"
ENC_VERSION = 1
KDF_SCRYPT = 1
SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P = 15, 8, 1
SALT_LEN, NONCE_LEN, TAG_LEN = 16, 12, 16
HEADER_LEN = 4 + 1 + 1 + 3 + SALT_LEN + NONCE_LEN


class BundleError(DataError):
    """The file is not a readable evidence bundle."""

    key = "bundle.error.not_bundle"


class BundlePassphraseError(DataError):
    """The passphrase does not open this encrypted bundle (or the file was changed)."""

    key = "bundle.error.wrong_passphrase"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- building ------------------------------------------------------------------------------
@dataclass(frozen=True)
class BundleFile:
    """One file of the bundle with how and when its content was collected."""

    path: str
    data: bytes
    collected_at: str
    command: str
    kind: str  # raw | photo_metadata | report | custody | readme
    tool_version: str = ""
    indicator_set: str = ""
    evidence_id: str = ""
    sha256_at_collection: str = ""

    def entry(self) -> dict[str, Any]:
        digest = sha256_hex(self.data)
        out: dict[str, Any] = {
            "path": self.path, "sha256": digest, "size": len(self.data),
            "collected_at": self.collected_at, "command": self.command, "kind": self.kind,
            "tool_version": self.tool_version, "indicator_set": self.indicator_set or None,
        }
        if self.evidence_id:
            out["evidence_id"] = self.evidence_id
            out["sha256_at_collection"] = self.sha256_at_collection
            out["matches_collection"] = digest == self.sha256_at_collection
        return out


@dataclass(frozen=True)
class Unavailable:
    """An evidence item the session lists but whose stored bytes could not be read."""

    name: str
    evidence_id: str
    reason: str


@dataclass(frozen=True)
class Bundle:
    """A built bundle: the zip bytes and what went into it."""

    data: bytes
    files: tuple[dict[str, Any], ...]
    unavailable: tuple[Unavailable, ...]
    changed: tuple[str, ...]  # evidence whose bytes no longer match the hash taken at collection


def safe_name(name: str, fallback: str) -> str:
    """A relative path inside the bundle: no absolute paths, ``..``, control characters."""
    parts = []
    for raw in re.split(r"[\\/]+", clean(name, 300)):
        part = _SAFE_PART.sub("_", raw).strip("._")[:100]
        if part:
            parts.append(part)
    return "/".join(parts[:6]) or fallback


def _unique(path: str, used: set[str], tag: str) -> str:
    if path not in used:
        return path
    stem, dot, ext = path.rpartition(".")
    candidate = f"{stem}-{tag}.{ext}" if dot and "/" not in ext else f"{path}-{tag}"
    n = 2
    while candidate in used:
        candidate = f"{path}-{tag}-{n}"
        n += 1
    return candidate


def _photo_extract(session: Session, include_locations: bool) -> dict[str, Any] | None:
    runs = [p for p in session.probes if p.probe == "photos"]
    if not runs:
        return None
    out = []
    for run in runs:
        data = run.data if isinstance(run.data, dict) else {}
        located = []
        for item in data.get("with_location") or []:
            if not isinstance(item, dict):
                continue
            entry: dict[str, Any] = {
                "file": clean(item.get("file", ""), 1000), "time": item.get("time"),
                "model": clean(item.get("model") or "", 200) or None, "location_present": True,
            }
            if include_locations:
                entry["lat"] = item.get("lat")
                entry["lon"] = item.get("lon")
            located.append(entry)
        out.append({"probe_run": clean(run.id, 64), "at": run.at, "status": run.status,
                    "files_scanned": data.get("files_scanned"), "with_location": located,
                    "unreadable": [clean(u if isinstance(u, str) else json.dumps(u), 1000)
                                   for u in data.get("unreadable") or []]})
    return {"include_locations": include_locations, "runs": out}


def _custody_log(session: Session, now: str, bundle_event: str) -> bytes:
    lines = ["# at (UTC)\taction\tdetail"]
    for ev in session.custody:
        lines.append("\t".join(clean(x, 1000) for x in (ev.at, ev.action, ev.detail)))
    lines.append(f"{now}\tevidence_exported\t{clean(bundle_event, 1000)}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _readme(session: Session, now: str) -> bytes:
    parts = []
    for lang in ("mn", "en"):
        parts.append(i18n.t("bundle.readme", lang, session=clean(session.id, 64), date=now))
    return ("\n\n----\n\n".join(parts) + "\n").encode("utf-8")


def _zip(files: Sequence[BundleFile], manifest: bytes, now: str) -> bytes:
    stamp = (int(now[0:4]), int(now[5:7]), int(now[8:10]), int(now[11:13]), int(now[14:16]),
             int(now[17:19])) if re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", now) else \
        (1980, 1, 1, 0, 0, 0)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for f in [*files, BundleFile(MANIFEST, manifest, now, EXPORT_COMMAND, "manifest")]:
            info = zipfile.ZipInfo(f.path, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zf.writestr(info, f.data)
    return buf.getvalue()


def build_bundle(session: Session, store: Any, catalog: Catalog, lang: str, *,
                 include_locations: bool = False, now: str | None = None,
                 version: str | None = None, sources: Any = None,
                 caseworker: str | None = None, bundle_name: str = "") -> Bundle:
    """Collect every artefact of ``session`` into a zip with a SHA-256 manifest."""
    from safetycheck.report.html import render_html
    from safetycheck.report.json_format import render_json
    from safetycheck.report.model import build_report

    now = now or utcnow()
    version = version or __version__
    tool = f"safetycheck {version}"
    files: list[BundleFile] = []
    used: set[str] = {MANIFEST, "README.txt", "custody.log"}
    unavailable: list[Unavailable] = []
    changed: list[str] = []
    for ev in session.evidence:
        try:
            data = store.get_blob(session.id, ev.id)
        except (DataError, KeyError, OSError) as exc:
            unavailable.append(Unavailable(clean(ev.name, 300), clean(ev.id, 64),
                                           type(exc).__name__))
            continue
        path = _unique("evidence/" + safe_name(ev.name, ev.id), used, clean(ev.id, 16))
        used.add(path)
        item = BundleFile(path, data, clean(ev.collected_at, 40), clean(ev.command, 1000), "raw",
                          clean(ev.tool_version, 100), clean(ev.indicator_set, 200),
                          clean(ev.id, 64), clean(ev.sha256, 64))
        if sha256_hex(data) != ev.sha256:
            changed.append(path)
        files.append(item)
    photos = _photo_extract(session, include_locations)
    if photos is not None:
        last = max(r.at for r in session.probes if r.probe == "photos")
        files.append(BundleFile("photos/metadata.json",
                                json.dumps(photos, ensure_ascii=False, indent=2).encode("utf-8"),
                                clean(last, 40), "safetycheck scan photos (metadata extract)",
                                "photo_metadata", tool))
    report = build_report(session, catalog, lang, include_locations=include_locations,
                          caseworker=caseworker, generated_at=now, version=version,
                          sources=sources)
    files.append(BundleFile("report/report.html", render_html(report).encode("utf-8"), now,
                            f"{EXPORT_COMMAND} (report, html)", "report", tool))
    files.append(BundleFile("report/report.json", render_json(report).encode("utf-8"), now,
                            f"{EXPORT_COMMAND} (report, json)", "report", tool))
    custody = _custody_log(session, now, bundle_name or f"session {session.id}")
    files.append(BundleFile("custody.log", custody, now,
                            f"{EXPORT_COMMAND} (session custody log)", "custody", tool))
    files.insert(0, BundleFile("README.txt", _readme(session, now), now, EXPORT_COMMAND,
                               "readme", tool))
    entries = tuple(f.entry() for f in files)
    manifest = {
        "format": BUNDLE_FORMAT, "version": BUNDLE_VERSION, "created_at": now,
        "created_by": tool, "command": EXPORT_COMMAND, "hash": "sha256",
        "session": {"id": clean(session.id, 64), "label": clean(session.label, 200)},
        "include_locations": include_locations,
        "files": list(entries),
        "unavailable": [{"name": u.name, "evidence_id": u.evidence_id, "reason": u.reason}
                        for u in unavailable],
    }
    manifest_bytes = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return Bundle(_zip(files, manifest_bytes, now), entries, tuple(unavailable), tuple(changed))


# -- verifying -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    """One thing wrong with a bundle: ``kind`` is missing, extra, mismatch, size, damaged,
    duplicate, bad_path or bad_manifest."""

    kind: str
    path: str
    detail: str = ""


@dataclass(frozen=True)
class Verification:
    files_checked: int
    problems: tuple[Problem, ...]
    manifest: dict[str, Any]

    @property
    def ok(self) -> bool:
        return not self.problems


def _hash_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> tuple[str, int]:
    """SHA-256 and size of a member, reading at most ``limit`` + 1 bytes (zip bombs)."""
    digest = hashlib.sha256()
    size = 0
    with zf.open(info) as fh:
        while size <= limit:
            chunk = fh.read(min(CHUNK, limit + 1 - size))
            if not chunk:
                break
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _bad_path(path: str) -> bool:
    return (not path or path.startswith(("/", "\\")) or ".." in re.split(r"[\\/]", path)
            or ":" in path.split("/")[0] or clean(path, 1000) != path)


def verify_bundle(data: bytes) -> Verification:
    """Check a (decrypted) bundle against its manifest; never extracts anything."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise BundleError() from None
    with zf:
        infos = zf.infolist()
        problems: list[Problem] = []
        seen: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            if info.filename in seen:
                problems.append(Problem("duplicate", clean(info.filename, 300)))
            seen[info.filename] = info
        if MANIFEST not in seen:
            raise BundleError("bundle.error.no_manifest")
        try:
            manifest = json.loads(zf.read(seen[MANIFEST]).decode("utf-8"))
            listed = manifest["files"]
            if manifest.get("format") != BUNDLE_FORMAT or not isinstance(listed, list):
                raise ValueError
        except (ValueError, KeyError, TypeError, zipfile.BadZipFile, zlib.error, EOFError):
            raise BundleError("bundle.error.bad_manifest") from None
        expected: dict[str, dict[str, Any]] = {}
        for entry in listed:
            ok = (isinstance(entry, dict) and isinstance(entry.get("path"), str)
                  and isinstance(entry.get("sha256"), str) and _HEX64.match(entry["sha256"])
                  and isinstance(entry.get("size"), int) and entry["size"] >= 0)
            if not ok:
                problems.append(Problem("bad_manifest", clean(
                    entry.get("path", "?") if isinstance(entry, dict) else "?", 300)))
                continue
            path = entry["path"]
            if _bad_path(path):
                problems.append(Problem("bad_path", clean(path, 300)))
            if path in expected or path == MANIFEST:
                problems.append(Problem("duplicate", clean(path, 300)))
            expected[path] = entry
        checked = 0
        for path, entry in expected.items():
            info = seen.get(path)
            if info is None:
                problems.append(Problem("missing", clean(path, 300)))
                continue
            try:
                digest, size = _hash_member(zf, info, entry["size"])
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
                problems.append(Problem("damaged", clean(path, 300), type(exc).__name__))
                continue
            checked += 1
            if size != entry["size"]:
                problems.append(Problem("size", clean(path, 300),
                                        f"{entry['size']} != {size}"))
            elif digest != entry["sha256"]:
                problems.append(Problem("mismatch", clean(path, 300), digest))
        for name in seen:
            if name != MANIFEST and name not in expected and not name.endswith("/"):
                problems.append(Problem("extra", clean(name, 300)))
    return Verification(checked, tuple(problems), manifest)


# -- encryption ----------------------------------------------------------------------------
def is_encrypted(data: bytes) -> bool:
    return data[:4] == ENC_MAGIC


def _key(passphrase: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    from safetycheck.storage.keys import derive_key

    return derive_key(passphrase, salt, 2 ** log2_n, r, p)


def encrypt_bundle(data: bytes, passphrase: str, log2_n: int = SCRYPT_LOG2_N) -> bytes:
    """Seal zip bytes with a passphrase (scrypt + AES-256-GCM, header as associated data)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt = secrets.token_bytes(SALT_LEN)
    nonce = secrets.token_bytes(NONCE_LEN)
    header = (ENC_MAGIC + bytes([ENC_VERSION, KDF_SCRYPT, log2_n, SCRYPT_R, SCRYPT_P])
              + salt + nonce)
    key = _key(passphrase, salt, log2_n, SCRYPT_R, SCRYPT_P)
    return header + AESGCM(key).encrypt(nonce, data, header)


def decrypt_bundle(blob: bytes, passphrase: str) -> bytes:
    """Open an encrypted bundle; a wrong passphrase or any changed byte is refused."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if len(blob) < HEADER_LEN + TAG_LEN or not is_encrypted(blob):
        raise BundleError()
    version, kdf, log2_n, r, p = blob[4:9]
    # Bounds keep a crafted header from asking scrypt for gigabytes of memory.
    if version != ENC_VERSION or kdf != KDF_SCRYPT or not (10 <= log2_n <= 20) \
            or not (1 <= r <= 16) or not (1 <= p <= 4):
        raise BundleError("bundle.error.unknown_format")
    header = blob[:HEADER_LEN]
    salt = header[9:9 + SALT_LEN]
    nonce = header[9 + SALT_LEN:]
    key = _key(passphrase, salt, log2_n, r, p)
    try:
        return AESGCM(key).decrypt(nonce, blob[HEADER_LEN:], header)
    except InvalidTag:
        raise BundlePassphraseError() from None
