"""Keyring backends for tests: an in-memory one (stands in for the OS keyring) and a
plain-text one that safetycheck must refuse."""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    """Holds secrets in a dict; priority high enough to be chosen."""

    priority = 10  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        if (service, username) not in self.store:
            raise PasswordDeleteError(username)
        del self.store[(service, username)]


class PlaintextKeyring(MemoryKeyring):
    """Same name as keyrings.alt's unencrypted file backend: must be refused."""
