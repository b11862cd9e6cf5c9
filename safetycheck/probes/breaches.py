"""Breached-account look-up with the Have I Been Pwned API v3 (opt-in, needs a paid key).

``GET {base}/breachedaccount/{account}?truncateResponse=false`` with the ``hibp-api-key``
header and our user agent. A 404 means the address is in no known breach: a result, not an
error. 401: invalid key; 403: the service refused our user agent; 429: wait ``Retry-After``
(bounded, in ``HttpClient``) and retry; 503 and timeouts: a clear message.

The e-mail address leaves this computer only after the person agreed (the CLI asks); it is
kept out of logs, error messages and stored findings (``mask_email``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from safetycheck.errors import NetworkError, UsageError
from safetycheck.probes.http import (
    BadReplyError,
    HttpClient,
    Reply,
    base_url,
    raise_for_status,
    redacted,
)

ENV_URL = "SAFETYCHECK_HIBP_URL"
ENV_KEY = "SAFETYCHECK_HIBP_API_KEY"
DEFAULT_URL = "https://haveibeenpwned.com/api/v3"
SERVICE = "Have I Been Pwned"
KEYRING_NAME = "hibp-api-key"
MAX_REPLY_BYTES = 8 * 1024 * 1024
MAX_BREACHES = 2000
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,252}\.[^@\s.]{1,63}")
_KEY = re.compile(r"[A-Za-z0-9_\-]{8,128}")


class InvalidApiKeyError(NetworkError):
    """401: no key, or the key is wrong or expired."""

    key = "error.hibp.invalid_key"


class UserAgentRefusedError(NetworkError):
    """403: the service refused the request's user agent."""

    key = "error.hibp.forbidden"


class BadAccountError(UsageError):
    """The address is not a valid e-mail address (checked here, or 400 from the service)."""

    key = "error.hibp.bad_account"


@dataclass(frozen=True)
class Breach:
    """One breach an account appears in, as HIBP describes it (texts untrusted)."""

    name: str
    title: str
    domain: str
    date: str  # BreachDate, YYYY-MM-DD
    added: str
    pwn_count: int
    data_classes: tuple[str, ...]
    verified: bool = True
    sensitive: bool = False
    fabricated: bool = False
    spam_list: bool = False


def _text(item: dict[str, Any], name: str, limit: int = 200) -> str:
    value = item.get(name)
    return value[:limit] if isinstance(value, str) else ""


def _flag(item: dict[str, Any], name: str, default: bool = False) -> bool:
    value = item.get(name)
    return value if isinstance(value, bool) else default


def parse_breaches(body: bytes | str) -> tuple[Breach, ...]:
    """Breaches from a ``truncateResponse=false`` reply; ``BadReplyError`` for anything else."""
    try:
        data = json.loads(body)
    except (ValueError, TypeError, RecursionError):
        raise BadReplyError(service=SERVICE) from None
    if not isinstance(data, list) or len(data) > MAX_BREACHES:
        raise BadReplyError(service=SERVICE)
    out: list[Breach] = []
    for item in data:
        if not isinstance(item, dict):
            raise BadReplyError(service=SERVICE)
        name = _text(item, "Name")
        if not name:
            raise BadReplyError(service=SERVICE)
        classes = item.get("DataClasses")
        if not isinstance(classes, list):
            classes = []
        pwn = item.get("PwnCount")
        out.append(Breach(
            name=name,
            title=_text(item, "Title") or name,
            domain=_text(item, "Domain"),
            date=_text(item, "BreachDate", 32),
            added=_text(item, "AddedDate", 32),
            pwn_count=pwn if isinstance(pwn, int) and not isinstance(pwn, bool) else 0,
            data_classes=tuple(c[:100] for c in classes[:100] if isinstance(c, str) and c),
            verified=_flag(item, "IsVerified", True),
            sensitive=_flag(item, "IsSensitive"),
            fabricated=_flag(item, "IsFabricated"),
            spam_list=_flag(item, "IsSpamList"),
        ))
    return tuple(out)


def valid_email(address: str) -> bool:
    return len(address) <= 254 and _EMAIL.fullmatch(address) is not None


def valid_api_key(key: str) -> bool:
    """HIBP keys are 32 hex characters; accept any plausible token, reject whitespace."""
    return _KEY.fullmatch(key) is not None


def mask_email(address: str) -> str:
    """``alice@gmail.com`` -> ``a***@g***.com``: enough to tell addresses apart, not to read."""
    local, _, domain = address.strip().rpartition("@")
    if not local or not domain:
        return "***"
    host, dot, tld = domain.rpartition(".")
    if not host:
        host, dot, tld = domain, "", ""
    return f"{local[0]}***@{host[0]}***{dot}{tld[:10]}"


def class_slug(name: str) -> str:
    """Catalog slug of an HIBP data class: ``"Phone numbers"`` -> ``"phone_numbers"``."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:60]


# What to do about each kind of data: slug -> advice topic (texts: ``breach.advice.<topic>``).
ADVICE_TOPICS: dict[str, str] = {
    "passwords": "passwords",
    "historical_passwords": "passwords",
    "password_hints": "passwords",
    "auth_tokens": "sessions",
    "security_questions_and_answers": "security_questions",
    "phone_numbers": "phone",
    "physical_addresses": "address",
    "geographic_locations": "address",
    "ip_addresses": "ip",
    "email_addresses": "email",
    "dates_of_birth": "identity",
    "partial_dates_of_birth": "identity",
    "government_issued_ids": "identity",
    "passport_numbers": "identity",
    "social_security_numbers": "identity",
    "names": "names",
    "usernames": "names",
    "social_media_profiles": "names",
    "family_members_names": "names",
    "private_messages": "private",
    "chat_logs": "private",
    "email_messages": "private",
    "photos": "private",
    "profile_photos": "private",
    "sexual_orientations": "private",
    "sexual_fetishes": "private",
    "credit_cards": "money",
    "partial_credit_card_data": "money",
    "credit_card_cvv": "money",
    "bank_account_numbers": "money",
    "purchases": "money",
}
ADVICE_ORDER = ("passwords", "sessions", "security_questions", "phone", "address", "ip",
                "email", "identity", "names", "private", "money")


def advice_topics(data_classes: tuple[str, ...] | list[str]) -> list[str]:
    """Advice topics for the given data classes, most urgent first, each once."""
    topics = {ADVICE_TOPICS[s] for s in map(class_slug, data_classes) if s in ADVICE_TOPICS}
    return [t for t in ADVICE_ORDER if t in topics]


class Hibp:
    """The breachedaccount client; the key is sent only in its header, never logged."""

    def __init__(self, http: HttpClient, url: str, api_key: str) -> None:
        self.http = http
        self.url = url.rstrip("/")
        self._key = api_key

    @classmethod
    def create(cls, api_key: str, session: object = None, url: str | None = None,
               timeout: tuple[float, float] | float | None = None) -> Hibp:
        from safetycheck.probes.http import DEFAULT_TIMEOUT

        http = HttpClient(session, service=SERVICE, timeout=timeout or DEFAULT_TIMEOUT,
                          max_bytes=MAX_REPLY_BYTES)
        return cls(http, base_url(ENV_URL, DEFAULT_URL, SERVICE, url), api_key)

    def _get(self, path: str, *hide: str) -> Reply:
        with redacted(self._key, *hide):
            reply = self.http.get(f"{self.url}/{path}", {"hibp-api-key": self._key,
                                                         "Accept": "application/json"})
        if reply.status == 401:
            raise InvalidApiKeyError(service=SERVICE)
        if reply.status == 403:
            raise UserAgentRefusedError(service=SERVICE)
        return reply

    def breaches(self, account: str) -> tuple[Breach, ...]:
        """Every breach ``account`` is in; an empty tuple when HIBP knows of none (404)."""
        account = account.strip()
        if not valid_email(account):
            raise BadAccountError()
        reply = self._get(f"breachedaccount/{quote(account, safe='')}?truncateResponse=false",
                          account)
        if reply.status == 404:
            return ()
        if reply.status == 400:
            raise BadAccountError()
        raise_for_status(reply, SERVICE)
        return parse_breaches(reply.body)

    def test_key(self) -> None:
        """A call that needs a valid key and reveals nothing: the subscription status."""
        reply = self._get("subscription/status")
        raise_for_status(reply, SERVICE)
