"""HTTP for the online probes: our user agent, timeouts, bounded retries, the project's errors.

Every online look-up goes through ``HttpClient``: it takes an injected ``requests.Session``
(tests pass one pointed at a local server), a (connect, read) timeout and a retry policy.
It retries 429 and 5xx replies a bounded number of times, waiting as the server's
``Retry-After`` asks when that wait is short enough, and otherwise with exponential backoff.
Redirects are never followed (a redirect could carry an API key to another host), replies
are read up to a size limit, and every ``requests`` exception becomes a ``NetworkError``
subclass whose parameters hold no secret and no URL (a URL can hold an e-mail address).

Personal data in request URLs is kept out of logs: ``redacted(...)`` registers strings that
a logging filter on the ``urllib3`` and ``requests`` loggers replaces with ``***``.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from safetycheck import __version__
from safetycheck.errors import NetworkError

USER_AGENT = f"safetycheck/{__version__}"
DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 20.0)  # connect, read (seconds)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
DEFAULT_MAX_BYTES = 4 * 1024 * 1024
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


# -- errors -------------------------------------------------------------------------------
class ServiceTimeoutError(NetworkError):
    """The service did not answer in time (connect or read timeout)."""

    key = "error.net.timeout"


class ServiceUnreachableError(NetworkError):
    """No connection: no internet, DNS failure, refused connection, proxy failure."""

    key = "error.net.unreachable"


class TlsError(NetworkError):
    """The secure connection failed (certificate problem, or someone in the middle)."""

    key = "error.net.tls"


class BadUrlError(NetworkError):
    """The base URL (from an option or environment variable) cannot be used."""

    key = "error.net.bad_url"


class BadReplyError(NetworkError):
    """The reply is not what the service sends (a captive portal page, a broken proxy...)."""

    key = "error.net.bad_reply"


class RateLimitedError(NetworkError):
    """Too many requests (429), and waiting as asked would take too long."""

    key = "error.net.rate_limited"


class ServiceUnavailableError(NetworkError):
    """The service answered with a 5xx status, also after the retries."""

    key = "error.net.unavailable"


class UnexpectedStatusError(NetworkError):
    """A status code the service does not document for this request."""

    key = "error.net.status"


# -- values -------------------------------------------------------------------------------
@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry 429 and 5xx replies.

    ``attempts`` counts every try (3 = one try and two retries). Waits double from
    ``backoff``; a ``Retry-After`` longer than ``max_wait`` is not waited for: the reply is
    returned so the caller can tell the person when to try again.
    """

    attempts: int = 3
    backoff: float = 1.0
    max_wait: float = 30.0


@dataclass(frozen=True)
class Reply:
    """A reply read in full (up to the size limit); header names are lower case."""

    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def retry_after(self) -> float | None:
        return parse_retry_after(self.headers.get("retry-after"))


# -- pure helpers -------------------------------------------------------------------------
def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (seconds or an HTTP date), else None."""
    if value is None:
        return None
    text = value.strip()
    if not text or len(text) > 64:
        return None
    if text.isdigit() and text.isascii():
        return float(int(text[:12]))
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None or when.tzinfo is None:
        return None
    try:
        delta = when.timestamp() - (time.time() if now is None else now)
    except (OverflowError, OSError, ValueError):
        return None
    return max(0.0, delta) if math.isfinite(delta) else None


def base_url(env_var: str, default: str, service: str, override: str | None = None) -> str:
    """The service's base URL: ``override``, then the environment variable, then the default.

    Only ``https`` is accepted, except for a server on this computer (tests, a local mirror),
    so an API key is never sent in clear text by a typing mistake.
    """
    url = (override or os.environ.get(env_var) or default).strip().rstrip("/")
    parts = urlsplit(url)
    try:
        host = (parts.hostname or "").lower()
    except ValueError:
        host = ""
    if not host or parts.scheme not in ("http", "https"):
        raise BadUrlError(service=service, url=url)
    if parts.scheme == "http" and host not in LOCAL_HOSTS:
        raise BadUrlError("error.net.insecure_url", service=service, url=url)
    return url


# -- keeping personal data out of logs ----------------------------------------------------
_REDACT: dict[int, tuple[str, ...]] = {}
_LOGGERS = ("urllib3.connectionpool", "urllib3.util.retry", "urllib3", "requests")


class _RedactFilter(logging.Filter):
    """Replaces registered strings (an e-mail address in a URL) in log records with ***."""

    def filter(self, record: logging.LogRecord) -> bool:
        values = [v for group in _REDACT.values() for v in group if v]
        if not values:
            return True
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record must not break the request
            return True
        changed = message
        for value in values:
            changed = changed.replace(value, "***")
        if changed != message:
            record.msg, record.args = changed, ()
        return True


_FILTER = _RedactFilter()


def _install_filter() -> None:
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


@contextmanager
def redacted(*values: str) -> Iterator[None]:
    """Within the block, ``values`` never appear in records of the HTTP libraries' loggers."""
    from urllib.parse import quote, quote_plus

    forms: set[str] = set()
    for value in values:
        if value:
            forms.update({value, value.lower(), quote(value, safe=""), quote_plus(value),
                          quote(value, safe="").lower(), quote(value, safe="@")})
    _install_filter()
    token = id(forms)
    _REDACT[token] = tuple(sorted(forms, key=len, reverse=True))
    try:
        yield
    finally:
        _REDACT.pop(token, None)


# -- the client ---------------------------------------------------------------------------
def new_session() -> Any:
    """A ``requests.Session`` carrying our user agent (imported lazily: ``--help`` stays fast)."""
    import requests

    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    return session


def translate(exc: BaseException, service: str) -> NetworkError:
    """Turn a ``requests``/``urllib3`` exception into our error; no URL, no secret kept."""
    import requests
    from requests import exceptions as rex

    if isinstance(exc, NetworkError):
        return exc
    if isinstance(exc, rex.Timeout):
        return ServiceTimeoutError(service=service)
    if isinstance(exc, rex.SSLError):
        return TlsError(service=service)
    if isinstance(exc, rex.ProxyError):
        return ServiceUnreachableError("error.net.proxy", service=service)
    if isinstance(exc, rex.ChunkedEncodingError | rex.ContentDecodingError):
        return BadReplyError(service=service)
    if isinstance(exc, rex.ConnectionError):
        from urllib3.exceptions import ReadTimeoutError

        inner = exc.args[0] if exc.args else None
        if isinstance(inner, ReadTimeoutError):
            return ServiceTimeoutError(service=service)
        return ServiceUnreachableError(service=service)
    if isinstance(exc, rex.InvalidURL | rex.MissingSchema | rex.InvalidSchema | rex.URLRequired
                  | rex.InvalidHeader):
        return BadUrlError(service=service, url="-")
    if isinstance(exc, rex.TooManyRedirects):
        return UnexpectedStatusError(service=service, status="3xx")
    if isinstance(exc, requests.RequestException):
        return NetworkError("error.net.failed", service=service)
    return NetworkError("error.net.failed", service=service)


class HttpClient:
    """GET with timeouts, bounded retries and translated errors; returns a ``Reply``."""

    def __init__(self, session: Any = None, *, service: str,
                 timeout: tuple[float, float] | float = DEFAULT_TIMEOUT,
                 retry: RetryPolicy | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.session = session if session is not None else new_session()
        self.service = service
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.max_bytes = max_bytes

    def get(self, url: str, headers: Mapping[str, str] | None = None) -> Reply:
        """One logical GET: retries 429/5xx within the policy, then returns the last reply."""
        attempts = max(1, self.retry.attempts)
        for attempt in range(1, attempts + 1):
            reply = self._once(url, headers)
            if reply.status not in RETRY_STATUSES or attempt == attempts:
                return reply
            wait = reply.retry_after
            if wait is None:
                wait = self.retry.backoff * (2 ** (attempt - 1))
            if wait > self.retry.max_wait:
                return reply  # the caller says when to try again; we do not hang for long
            self.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _once(self, url: str, headers: Mapping[str, str] | None) -> Reply:
        send = {"User-Agent": USER_AGENT, **(headers or {})}
        try:
            response = self.session.get(url, headers=send, timeout=self.timeout,
                                        allow_redirects=False, stream=True)
        except Exception as exc:  # noqa: BLE001 - every failure becomes our own error
            raise translate(exc, self.service) from None
        try:
            body = bytearray()
            for chunk in response.iter_content(65536):
                body += chunk
                if len(body) > self.max_bytes:
                    raise BadReplyError(service=self.service)
            reply_headers = {k.lower(): v for k, v in response.headers.items()}
            return Reply(status=int(response.status_code), body=bytes(body),
                         headers=reply_headers)
        except NetworkError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise translate(exc, self.service) from None
        finally:
            response.close()


def raise_for_status(reply: Reply, service: str) -> None:
    """The errors every service shares: 429 after the retries, 5xx, redirects, other codes."""
    if reply.status == 429:
        wait = reply.retry_after
        raise RateLimitedError(service=service,
                               seconds=str(int(math.ceil(wait))) if wait is not None else "60")
    if 500 <= reply.status <= 599:
        raise ServiceUnavailableError(service=service, status=str(reply.status))
    if reply.status != 200:
        raise UnexpectedStatusError(service=service, status=str(reply.status))
