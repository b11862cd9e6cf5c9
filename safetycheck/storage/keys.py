"""The vault key: kept in the OS keyring, or derived from a passphrase with scrypt.

Never a plain-text fallback. A keyring backend that stores secrets unencrypted (for example
``keyrings.alt``'s ``PlaintextKeyring``) or a "fail"/"null" backend counts as no keyring.

scrypt parameters (documented in docs/SECURITY.md): n=2**15, r=8, p=1, 16-byte random salt,
32-byte key; about 32 MiB of memory and a fraction of a second per unlock, which slows a
guessing attack on a stolen USB stick while staying quick on an old laptop.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from safetycheck.errors import InsecureKeyringError, WrongPassphraseError

SERVICE = "safetycheck"
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
KEY_LEN = 32
ENV_PASSPHRASE_FILE = "SAFETYCHECK_PASSPHRASE_FILE"
ENV_NO_KEYRING = "SAFETYCHECK_NO_KEYRING"

# Backends that must never hold the vault key (module prefix or class name).
_INSECURE_MODULES = ("keyring.backends.fail", "keyring.backends.null")
_INSECURE_CLASSES = ("PlaintextKeyring", "PlainTextKeyring", "UncryptedFileKeyring")


def b64e(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64d(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def derive_key(passphrase: str, salt: bytes, n: int = SCRYPT_N, r: int = SCRYPT_R,
               p: int = SCRYPT_P) -> bytes:
    """A 32-byte key from ``passphrase`` with scrypt."""
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=KEY_LEN, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _leaf_backends(kr: Any) -> list[Any]:
    backends = getattr(kr, "backends", None)
    if backends is not None:  # ChainerBackend
        return list(backends)
    return [kr]


def _is_insecure(backend: Any) -> bool:
    cls = type(backend)
    return cls.__module__.startswith(_INSECURE_MODULES) or cls.__name__ in _INSECURE_CLASSES


@dataclass
class KeyringStatus:
    """Whether a usable, encrypted keyring exists, and its name for messages."""

    usable: bool
    name: str
    refused: bool = False  # a backend exists but stores secrets in plain text


def keyring_status() -> KeyringStatus:
    """Inspect the OS keyring without storing anything."""
    if os.environ.get(ENV_NO_KEYRING) == "1":
        return KeyringStatus(False, "disabled")
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:
        return KeyringStatus(False, "keyring not installed")
    try:
        kr = keyring.get_keyring()
    except (KeyringError, RuntimeError, ValueError) as exc:
        return KeyringStatus(False, type(exc).__name__)
    leaves = _leaf_backends(kr)
    good = [b for b in leaves if not _is_insecure(b)]
    if not good:
        insecure = [b for b in leaves if type(b).__name__ in _INSECURE_CLASSES]
        if insecure:
            return KeyringStatus(False, type(insecure[0]).__name__, refused=True)
        return KeyringStatus(False, type(kr).__name__)
    return KeyringStatus(True, type(good[0]).__name__)


def _secure_backend() -> Any:
    import keyring

    kr = keyring.get_keyring()
    for b in _leaf_backends(kr):
        if not _is_insecure(b):
            return b
    raise InsecureKeyringError(backend=type(kr).__name__)


def keyring_get(username: str) -> str | None:
    """Read a secret from the secure keyring backend (None if absent)."""
    return _secure_backend().get_password(SERVICE, username)


def keyring_set(username: str, secret: str) -> None:
    _secure_backend().set_password(SERVICE, username, secret)


def keyring_delete(username: str) -> bool:
    """Delete a secret; True if one was there."""
    from keyring.errors import PasswordDeleteError

    try:
        _secure_backend().delete_password(SERVICE, username)
        return True
    except PasswordDeleteError:
        return False


def passphrase_from_file(env: str = ENV_PASSPHRASE_FILE, error: type[Exception] | None = None,
                         key: str = "error.passphrase_file") -> str | None:
    """The passphrase in the file named by ``env`` (its first line), if that is set.

    An unreadable or empty file raises ``error`` (default ``WrongPassphraseError``) with
    message ``key``, naming the file.
    """
    name = os.environ.get(env)
    if not name:
        return None
    exc = error or WrongPassphraseError
    try:
        text = Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise exc(key, file=name) from None
    line = text.splitlines()[0] if text else ""
    if not line:
        raise exc(key, file=name)
    return line
