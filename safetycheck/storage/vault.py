"""The encrypted store for sessions and evidence blobs.

Everything is encrypted with AES-256-GCM (``cryptography``). Each file is
``b"SCV1" || nonce (12 bytes) || ciphertext+tag``, and the associated data binds the
ciphertext to its purpose and name, so a file renamed or swapped for another is rejected.

Layout of the data folder::

    vault.json                  key mode, scrypt salt and parameters, a key check (no secret)
    sessions/<id>.scv           the session (JSON, encrypted)
    sessions/<id>.scv.bak       the previous good version, kept for ``sessions restore``
    sessions/<id>.blobs/<n>.scv evidence blobs (raw scan outputs), encrypted

Crash safety: ``save`` writes the new version to a temporary file, fsyncs it, moves the
current version to ``.bak`` and renames the new one into place. A kill at any moment leaves
either the new version, or the previous one as ``.bak``; ``load`` falls back to ``.bak``
when the main file is missing, so every save that returned survives.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from safetycheck.errors import (
    CorruptSessionError,
    DataError,
    InsecureKeyringError,
    SessionNotFoundError,
    VaultLockedError,
    WrongPassphraseError,
)
from safetycheck.model import Session, utcnow
from safetycheck.storage import keys, paths

MAGIC = b"SCV1"
NONCE_LEN = 12
_CHECK_PLAINTEXT = b"safetycheck-vault-key-check"
_ID_OK = set("0123456789abcdef")
log = logging.getLogger(__name__)


def _valid_id(value: str) -> bool:
    return 8 <= len(value) <= 64 and set(value) <= _ID_OK


class Cipher:
    """AES-256-GCM with the purpose of each file as associated data."""

    def __init__(self, key: bytes) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._aead = AESGCM(key)

    def seal(self, purpose: str, plaintext: bytes) -> bytes:
        nonce = secrets.token_bytes(NONCE_LEN)
        return MAGIC + nonce + self._aead.encrypt(nonce, plaintext, MAGIC + purpose.encode())

    def open(self, purpose: str, blob: bytes) -> bytes:
        """Decrypt; raises ``ValueError`` for anything damaged, truncated or swapped."""
        from cryptography.exceptions import InvalidTag

        if len(blob) < len(MAGIC) + NONCE_LEN + 16 or not blob.startswith(MAGIC):
            raise ValueError("not a vault file")
        nonce = blob[len(MAGIC):len(MAGIC) + NONCE_LEN]
        try:
            return self._aead.decrypt(nonce, blob[len(MAGIC) + NONCE_LEN:],
                                      MAGIC + purpose.encode())
        except InvalidTag:
            raise ValueError("authentication failed") from None


@dataclass
class Damaged:
    """A session file that could not be read (listed, never silently dropped)."""

    id: str
    file: str
    has_backup: bool


class Store(Protocol):
    """What commands need from a store; ``Vault`` on disk, ``MemoryStore`` for --no-store."""

    def save(self, session: Session) -> None: ...
    def load(self, session_id: str) -> Session: ...
    def put_blob(self, session_id: str, name: str, data: bytes) -> None: ...
    def get_blob(self, session_id: str, name: str) -> bytes: ...


class MemoryStore:
    """Keeps sessions in memory only: ``audit --no-store`` and ``demo`` write nothing."""

    persistent = False

    def __init__(self) -> None:
        self._sessions: dict[str, dict[str, Any]] = {}
        self._blobs: dict[tuple[str, str], bytes] = {}

    def save(self, session: Session) -> None:
        session.updated_at = utcnow()
        self._sessions[session.id] = json.loads(json.dumps(session.to_dict()))

    def load(self, session_id: str) -> Session:
        if session_id not in self._sessions:
            raise SessionNotFoundError(session=session_id)
        return Session.from_dict(self._sessions[session_id])

    def put_blob(self, session_id: str, name: str, data: bytes) -> None:
        self._blobs[(session_id, name)] = bytes(data)

    def get_blob(self, session_id: str, name: str) -> bytes:
        return self._blobs[(session_id, name)]


class Vault:
    """Sessions and blobs on disk, encrypted with one key."""

    persistent = True

    def __init__(self, root: Path, key: bytes) -> None:
        self.root = root
        self._cipher = Cipher(key)
        # Sessions whose current file this vault wrote or read intact: a save can move it to
        # ``.bak`` without decrypting it again (the audit saves after every answer).
        self._intact: set[str] = set()

    # -- paths ----------------------------------------------------------------------------
    @property
    def sessions_dir(self) -> Path:
        return self.root / "sessions"

    def _file(self, session_id: str) -> Path:
        if not _valid_id(session_id):
            raise SessionNotFoundError(session=session_id)
        return self.sessions_dir / f"{session_id}.scv"

    def _blob_dir(self, session_id: str) -> Path:
        return self.sessions_dir / f"{self._file(session_id).stem}.blobs"

    # -- sessions -------------------------------------------------------------------------
    def save(self, session: Session) -> None:
        """Encrypt and store atomically; the previous good version becomes ``.bak``."""
        session.updated_at = utcnow()
        data = json.dumps(session.to_dict(), ensure_ascii=False).encode("utf-8")
        target = self._file(session.id)
        paths.private_dir(self.sessions_dir)
        sealed = self._cipher.seal(f"session:{session.id}", data)
        tmp = target.with_name(f".{target.name}.new")
        paths.write_private(tmp, sealed)
        if target.exists() and (session.id in self._intact
                                or self._readable(target, session.id)):
            os.replace(target, target.with_name(target.name + ".bak"))
        os.replace(tmp, target)
        paths._fsync_dir(target.parent)
        self._intact.add(session.id)
        log.debug("saved session %s (%d bytes encrypted)", session.id, len(sealed))

    def _readable(self, file: Path, session_id: str) -> bool:
        try:
            self._cipher.open(f"session:{session_id}", file.read_bytes())
            return True
        except (OSError, ValueError):
            return False

    def _decode(self, file: Path, session_id: str) -> Session:
        try:
            raw = self._cipher.open(f"session:{session_id}", file.read_bytes())
            return Session.from_dict(json.loads(raw.decode("utf-8")))
        except (OSError, ValueError, TypeError, KeyError) as exc:
            raise CorruptSessionError(file=str(file), session=session_id) from exc

    def load(self, session_id: str) -> Session:
        """Load a session; falls back to ``.bak`` only if the main file is missing."""
        target = self._file(session_id)
        bak = target.with_name(target.name + ".bak")
        log.debug("loading session %s", session_id)
        if target.exists():
            session = self._decode(target, session_id)
            self._intact.add(session_id)
            return session
        if bak.exists():  # a save was interrupted between its two renames
            return self._decode(bak, session_id)
        raise SessionNotFoundError(session=session_id)

    def restore(self, session_id: str) -> Session:
        """Put the last good version (``.bak``) back in place; the damaged file is kept aside."""
        target = self._file(session_id)
        bak = target.with_name(target.name + ".bak")
        if not bak.exists():
            raise SessionNotFoundError(session=session_id)
        session = self._decode(bak, session_id)
        if target.exists():
            os.replace(target, target.with_name(target.name + ".damaged"))
        paths.write_private(target, bak.read_bytes())
        self._intact.add(session_id)
        return session

    def ids(self) -> list[str]:
        if not self.sessions_dir.is_dir():
            return []
        found = set()
        for entry in self.sessions_dir.iterdir():
            name = entry.name
            for suffix in (".scv", ".scv.bak"):
                if name.endswith(suffix) and _valid_id(name[: -len(suffix)]):
                    found.add(name[: -len(suffix)])
        return sorted(found)

    def scan(self) -> Iterator[Session | Damaged]:
        """Every session, or a ``Damaged`` entry for a file that cannot be read."""
        for sid in self.ids():
            try:
                yield self.load(sid)
            except CorruptSessionError as exc:
                bak = self._file(sid).with_name(f"{sid}.scv.bak")
                yield Damaged(id=sid, file=str(exc.params["file"]), has_backup=bak.exists())

    def find(self, ref: str | None = None) -> Session:
        """A session by id, id prefix (4+ characters) or label; the most recent if ``ref`` is None.

        A damaged file that matches by id raises ``CorruptSessionError`` naming it.
        """
        if ref and ref in self.ids():
            return self.load(ref)
        sessions = [s for s in self.scan() if isinstance(s, Session)]
        if ref is None:
            if not sessions:
                raise SessionNotFoundError("error.no_sessions")
            return max(sessions, key=lambda s: s.updated_at)
        wanted = ref.strip().casefold()
        matches = [s for s in sessions if s.label.strip().casefold() == wanted]
        if not matches and len(ref) >= 4:
            matches = [s for s in sessions if s.id.startswith(ref.lower())]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise SessionNotFoundError("error.session_ambiguous", session=ref,
                                       ids=", ".join(sorted(s.id for s in matches)))
        raise SessionNotFoundError(session=ref)

    def delete(self, session_id: str) -> list[Path]:
        """Remove a session, its backups and its blobs; returns what was removed."""
        target = self._file(session_id)
        removed: list[Path] = []
        for p in target.parent.glob(f"{session_id}.scv*"):
            p.unlink()
            removed.append(p)
        blob_dir = self._blob_dir(session_id)
        if blob_dir.is_dir():
            for p in blob_dir.iterdir():
                p.unlink()
                removed.append(p)
            blob_dir.rmdir()
        if not removed:
            raise SessionNotFoundError(session=session_id)
        self._intact.discard(session_id)
        return removed

    # -- blobs ----------------------------------------------------------------------------
    def put_blob(self, session_id: str, name: str, data: bytes) -> None:
        if not _valid_id(name):
            raise DataError(detail="bad blob name")
        folder = paths.private_dir(self._blob_dir(session_id))
        paths.write_private(folder / f"{name}.scv",
                            self._cipher.seal(f"blob:{session_id}/{name}", data))

    def get_blob(self, session_id: str, name: str) -> bytes:
        file = self._blob_dir(session_id) / f"{name}.scv"
        try:
            return self._cipher.open(f"blob:{session_id}/{name}", file.read_bytes())
        except (OSError, ValueError) as exc:
            raise CorruptSessionError(file=str(file), session=session_id) from exc

    # -- small encrypted files (indicator cache, settings) -------------------------------
    def put_file(self, relpath: str, data: bytes) -> None:
        paths.write_private(self.root / relpath, self._cipher.seal(f"file:{relpath}", data))

    def get_file(self, relpath: str) -> bytes | None:
        file = self.root / relpath
        if not file.exists():
            return None
        try:
            return self._cipher.open(f"file:{relpath}", file.read_bytes())
        except (OSError, ValueError) as exc:
            raise CorruptSessionError(file=str(file), session="-") from exc


# -- opening the vault --------------------------------------------------------------------
def _meta_path(root: Path) -> Path:
    return root / "vault.json"


def _read_meta(root: Path) -> dict[str, Any] | None:
    path = _meta_path(root)
    if not path.exists():
        return None
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(meta, dict) or meta.get("mode") not in ("keyring", "passphrase"):
            raise ValueError
        return meta
    except (OSError, ValueError):
        raise CorruptSessionError(file=str(path), session="-") from None


def _key_check(key: bytes) -> str:
    return keys.b64e(Cipher(key).seal("check", _CHECK_PLAINTEXT))


def _verify(key: bytes, meta: dict[str, Any]) -> bool:
    try:
        return Cipher(key).open("check", keys.b64d(meta["check"])) == _CHECK_PLAINTEXT
    except (ValueError, KeyError):
        return False


def _ask_passphrase(app: Any, new: bool) -> str:
    from_file = keys.passphrase_from_file()
    if from_file is not None:
        return from_file
    if app is None or not app.interactive:
        raise VaultLockedError()
    if not new:
        return app.prompt_secret("vault.passphrase.enter")
    app.say("vault.passphrase.explain")
    while True:
        first = app.prompt_secret("vault.passphrase.new")
        if len(first) < 8:
            app.say("vault.passphrase.too_short")
            continue
        if app.prompt_secret("vault.passphrase.repeat") == first:
            return first
        app.say("vault.passphrase.mismatch")


def open_vault(app: Any = None, root: Path | None = None, create: bool = True) -> Vault:
    """Unlock (or create) the vault in the data folder.

    Key order: the OS keyring when a secure backend exists; otherwise a passphrase from
    ``SAFETYCHECK_PASSPHRASE_FILE`` or a hidden prompt. ``SAFETYCHECK_NO_KEYRING=1``
    chooses the passphrase even where a keyring exists (a vault on a USB stick that must
    open on another computer).
    """
    root = root or paths.home()
    meta = _read_meta(root)
    if meta is None:
        if not create:
            raise SessionNotFoundError(session="-")
        return _create(app, root)
    if meta["mode"] == "keyring":
        status = keys.keyring_status()
        if not status.usable:
            if status.refused:
                raise InsecureKeyringError(backend=status.name)
            raise VaultLockedError("error.keyring_gone")
        secret = keys.keyring_get(f"vault:{meta['vault_id']}")
        if not secret:
            raise VaultLockedError("error.keyring_gone")
        key = keys.b64d(secret)
    else:
        kdf = meta["kdf"]
        passphrase = _ask_passphrase(app, new=False)
        key = keys.derive_key(passphrase, keys.b64d(kdf["salt"]), kdf["n"], kdf["r"], kdf["p"])
        del passphrase
    if not _verify(key, meta):
        log.info("vault key check failed (mode %s)", meta["mode"])
        raise WrongPassphraseError()
    log.info("vault opened (mode %s)", meta["mode"])
    return Vault(root, key)


def _create(app: Any, root: Path) -> Vault:
    vault_id = secrets.token_hex(8)
    status = keys.keyring_status()
    use_keyring = status.usable and not os.environ.get(keys.ENV_PASSPHRASE_FILE)
    meta: dict[str, Any] = {"version": 1, "vault_id": vault_id, "created": utcnow()}
    if use_keyring:
        key = secrets.token_bytes(keys.KEY_LEN)
        keys.keyring_set(f"vault:{vault_id}", keys.b64e(key))
        meta["mode"] = "keyring"
        meta["keyring_backend"] = status.name
    else:
        if status.refused and app is not None:
            app.warn("error.insecure_keyring", backend=status.name)
        passphrase = _ask_passphrase(app, new=True)
        salt = secrets.token_bytes(16)
        key = keys.derive_key(passphrase, salt)
        del passphrase
        meta["mode"] = "passphrase"
        meta["kdf"] = {"name": "scrypt", "n": keys.SCRYPT_N, "r": keys.SCRYPT_R,
                       "p": keys.SCRYPT_P, "salt": keys.b64e(salt)}
    meta["check"] = _key_check(key)
    paths.private_dir(root)
    paths.write_private(_meta_path(root), json.dumps(meta, indent=1).encode("utf-8"))
    return Vault(root, key)


def vault_exists(root: Path | None = None) -> bool:
    return _meta_path(root or paths.home()).exists()
