"""One error hierarchy; the CLI maps each error to a translated message and an exit code.

An error carries a message *key* into the UI catalog (``safetycheck/locales/messages.json``)
and the parameters to fill in, never a pre-rendered English sentence, so the user always
reads it in their own language. Parameters must not hold secrets: they may be shown.
"""

from __future__ import annotations

from typing import Any

# Exit codes (documented in the README).
EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2  # bad input, missing TTY, unknown id: the user can fix it and retry
EXIT_DATA = 3  # stored data cannot be read (corrupt, wrong passphrase, missing key)
EXIT_DEVICE = 4  # phone/adb problems
EXIT_NETWORK = 5  # online services unreachable or refused
EXIT_INTERRUPTED = 130


class SafetycheckError(Exception):
    """Base error: ``key`` names a catalog message, ``params`` fill its placeholders."""

    exit_code = EXIT_ERROR
    key = "error.generic"

    def __init__(self, key: str | None = None, /, **params: Any) -> None:
        self.key = key or type(self).key
        self.params = params
        super().__init__(self.key)

    def __str__(self) -> str:  # English fallback, used in logs and tests only
        from safetycheck import i18n

        return i18n.t(self.key, "en", **self.params)


class UsageError(SafetycheckError):
    """The user asked for something that cannot be done as asked (bad id, bad file, no TTY)."""

    exit_code = EXIT_USAGE
    key = "error.usage"


class NoInputError(UsageError):
    """A prompt was needed but there is no terminal and no answers file."""

    key = "error.no_input"


class CatalogError(UsageError):
    """A check, guide or data file is invalid; params name the file and the field."""

    key = "error.catalog"


class DataError(SafetycheckError):
    """Stored data could not be read or written."""

    exit_code = EXIT_DATA
    key = "error.data"


class VaultLockedError(DataError):
    """No key is available (no keyring, no TTY for a passphrase, no passphrase file)."""

    key = "error.vault_locked"


class WrongPassphraseError(DataError):
    """The passphrase does not open this vault; nothing was changed."""

    key = "error.wrong_passphrase"


class CorruptSessionError(DataError):
    """A session file is damaged; params name the file."""

    key = "error.corrupt_session"


class SessionNotFoundError(UsageError):
    """No session with that id or label."""

    key = "error.session_not_found"


class InsecureKeyringError(DataError):
    """The only keyring backend stores secrets in plain text; we refuse to use it."""

    key = "error.insecure_keyring"


class NetworkError(SafetycheckError):
    """An online service could not be reached or answered with an error."""

    exit_code = EXIT_NETWORK
    key = "error.network"


class OfflineError(NetworkError):
    """The user chose --offline, or there is no network."""

    key = "error.offline"


class DeviceError(SafetycheckError):
    """A phone could not be reached or read over adb."""

    exit_code = EXIT_DEVICE
    key = "error.device"
