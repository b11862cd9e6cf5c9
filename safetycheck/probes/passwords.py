"""Breached-password check with the Pwned Passwords range API (k-anonymity).

The password is hashed with SHA-1 on this computer; only the first 5 hex characters of the
hash are sent, with ``Add-Padding: true`` so the reply's size does not hint at the answer.
The reply lists every known hash suffix with that prefix (``SUFFIX:COUNT``); padding lines
have count 0 and are ignored. The comparison happens here, so the service never learns the
password or its full hash.

The reply is parsed strictly: a page that is not a range list (a captive portal's login page,
a proxy error) is an error, never "not found" — a wrong "safe" answer would be worse than none.
"""

from __future__ import annotations

import hashlib
import re

from safetycheck.probes.http import BadReplyError, HttpClient, Reply, base_url, raise_for_status

ENV_URL = "SAFETYCHECK_PWNED_PASSWORDS_URL"
DEFAULT_URL = "https://api.pwnedpasswords.com"
SERVICE = "Pwned Passwords"
PREFIX_LEN = 5
MAX_REPLY_BYTES = 2 * 1024 * 1024  # a padded reply is ~40 KB
_LINE = re.compile(r"([0-9A-Fa-f]{35}):([0-9]{1,12})")


def hash_password(password: str) -> tuple[str, str]:
    """(prefix, suffix) of the upper-case SHA-1 hex digest of the UTF-8 password."""
    digest = hashlib.sha1(password.encode("utf-8"), usedforsecurity=False).hexdigest().upper()
    return digest[:PREFIX_LEN], digest[PREFIX_LEN:]


def parse_range(body: bytes | str) -> dict[str, int]:
    """``{SUFFIX: count}`` from a range reply; padding lines (count 0) are left out.

    Raises ``BadReplyError`` for anything that is not a range list, including an empty
    reply (the service always answers with lines, and with padding at least 800).
    """
    if isinstance(body, bytes | bytearray | memoryview):
        try:
            text = bytes(body).decode("ascii")
        except UnicodeDecodeError:
            raise BadReplyError(service=SERVICE) from None
    else:
        text = body
    found: dict[str, int] = {}
    lines = 0
    for raw in text.split("\n"):
        line = raw.strip("\r")
        if not line:
            continue
        match = _LINE.fullmatch(line)
        if match is None:
            raise BadReplyError(service=SERVICE)
        lines += 1
        count = int(match.group(2))
        if count > 0:
            found[match.group(1).upper()] = count
    if lines == 0:
        raise BadReplyError(service=SERVICE)
    return found


class PwnedPasswords:
    """The range API client; ``http`` carries the session, timeouts and retries."""

    def __init__(self, http: HttpClient, url: str) -> None:
        self.http = http
        self.url = url.rstrip("/")

    @classmethod
    def create(cls, session: object = None, url: str | None = None,
               timeout: tuple[float, float] | float | None = None) -> PwnedPasswords:
        """A client for the configured service (``SAFETYCHECK_PWNED_PASSWORDS_URL``)."""
        from safetycheck.probes.http import DEFAULT_TIMEOUT

        http = HttpClient(session, service=SERVICE, timeout=timeout or DEFAULT_TIMEOUT,
                          max_bytes=MAX_REPLY_BYTES)
        return cls(http, base_url(ENV_URL, DEFAULT_URL, SERVICE, url))

    def count_hash(self, prefix: str, suffix: str) -> int:
        """How often the hash ``prefix+suffix`` appears in breaches (0: not found)."""
        if not re.fullmatch(r"[0-9A-F]{5}", prefix) or not re.fullmatch(r"[0-9A-F]{35}", suffix):
            raise ValueError("prefix and suffix must be upper-case SHA-1 hex")
        reply: Reply = self.http.get(f"{self.url}/range/{prefix}", {"Add-Padding": "true"})
        raise_for_status(reply, SERVICE)
        return parse_range(reply.body).get(suffix, 0)

    def count(self, password: str) -> int:
        """Hash ``password`` at once and look it up; the password itself is never sent."""
        prefix, suffix = hash_password(password)
        del password
        return self.count_hash(prefix, suffix)
