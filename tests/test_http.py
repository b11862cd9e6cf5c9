"""The HTTP layer of the online probes, against a real local server (pytest-httpserver)."""

from __future__ import annotations

import logging
import socket
import time

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.wrappers import Response

from safetycheck import __version__
from safetycheck.errors import EXIT_NETWORK, NetworkError
from safetycheck.probes import http
from safetycheck.probes.http import (
    BadReplyError,
    BadUrlError,
    HttpClient,
    RateLimitedError,
    RetryPolicy,
    ServiceTimeoutError,
    ServiceUnavailableError,
    ServiceUnreachableError,
    UnexpectedStatusError,
    base_url,
    parse_retry_after,
    raise_for_status,
)


class Sleeps(list):
    """Records the waits the client asked for, without waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client(sleeps: Sleeps | None = None, **kw) -> HttpClient:
    return HttpClient(service="Test", sleep=sleeps if sleeps is not None else Sleeps(),
                      timeout=kw.pop("timeout", (2.0, 2.0)), **kw)


def test_user_agent_and_headers_are_sent(httpserver):
    httpserver.expect_request("/x").respond_with_data("ok")
    reply = client().get(httpserver.url_for("/x"), {"X-Extra": "1"})
    assert reply.status == 200 and reply.body == b"ok"
    (request, _), = httpserver.log
    assert request.headers["User-Agent"] == f"safetycheck/{__version__}"
    assert request.headers["X-Extra"] == "1"
    assert http.new_session().headers["User-Agent"] == f"safetycheck/{__version__}"


def test_5xx_is_retried_with_backoff_then_succeeds(httpserver):
    for status in (503, 502):
        httpserver.expect_ordered_request("/r").respond_with_data("busy", status=status)
    httpserver.expect_ordered_request("/r").respond_with_data("fine")
    sleeps = Sleeps()
    reply = client(sleeps, retry=RetryPolicy(attempts=3, backoff=0.5)).get(
        httpserver.url_for("/r"))
    assert reply.status == 200 and reply.body == b"fine"
    assert len(httpserver.log) == 3
    assert sleeps == [0.5, 1.0]


def test_retry_after_is_honoured(httpserver):
    httpserver.expect_ordered_request("/r").respond_with_response(
        Response("slow down", status=429, headers={"Retry-After": "7"}))
    httpserver.expect_ordered_request("/r").respond_with_data("fine")
    sleeps = Sleeps()
    reply = client(sleeps).get(httpserver.url_for("/r"))
    assert reply.status == 200
    assert sleeps == [7.0]


def test_long_retry_after_is_not_waited_for(httpserver):
    httpserver.expect_request("/r").respond_with_response(
        Response("later", status=429, headers={"Retry-After": "3600"}))
    sleeps = Sleeps()
    reply = client(sleeps, retry=RetryPolicy(max_wait=30)).get(httpserver.url_for("/r"))
    assert reply.status == 429 and sleeps == [] and len(httpserver.log) == 1
    with pytest.raises(RateLimitedError) as info:
        raise_for_status(reply, "Test")
    assert info.value.params["seconds"] == "3600"
    assert info.value.exit_code == EXIT_NETWORK


def test_retries_are_bounded(httpserver):
    httpserver.expect_request("/r").respond_with_data("down", status=500)
    sleeps = Sleeps()
    reply = client(sleeps, retry=RetryPolicy(attempts=4, backoff=1)).get(httpserver.url_for("/r"))
    assert reply.status == 500 and len(httpserver.log) == 4 and sleeps == [1, 2, 4]
    with pytest.raises(ServiceUnavailableError) as info:
        raise_for_status(reply, "Test")
    assert info.value.params["status"] == "500"


def test_client_errors_are_not_retried(httpserver):
    httpserver.expect_request("/r").respond_with_data("no", status=404)
    reply = client().get(httpserver.url_for("/r"))
    assert reply.status == 404 and len(httpserver.log) == 1
    with pytest.raises(UnexpectedStatusError):
        raise_for_status(reply, "Test")


def test_read_timeout_becomes_our_error(httpserver):
    def slow(_request):
        time.sleep(0.6)
        return Response("late")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    with pytest.raises(ServiceTimeoutError) as info:
        client(timeout=(2.0, 0.1)).get(httpserver.url_for("/slow"))
    assert info.value.exit_code == EXIT_NETWORK
    assert "Test" in str(info.value)


def test_refused_connection_becomes_our_error():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(ServiceUnreachableError) as info:
        client().get(f"http://127.0.0.1:{port}/x")
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_redirects_are_not_followed(httpserver):
    httpserver.expect_request("/r").respond_with_response(
        Response("", status=302, headers={"Location": "http://127.0.0.1:9/steal"}))
    reply = client().get(httpserver.url_for("/r"), {"hibp-api-key": "SECRET"})
    assert reply.status == 302
    with pytest.raises(UnexpectedStatusError):
        raise_for_status(reply, "Test")


def test_oversized_reply_is_refused(httpserver):
    httpserver.expect_request("/big").respond_with_data(b"x" * 5000)
    with pytest.raises(BadReplyError):
        client(max_bytes=1000).get(httpserver.url_for("/big"))
    assert client(max_bytes=5000).get(httpserver.url_for("/big")).body == b"x" * 5000


@pytest.mark.parametrize("exc,expected", [
    (requests.exceptions.ConnectTimeout(), ServiceTimeoutError),
    (requests.exceptions.ReadTimeout(), ServiceTimeoutError),
    (requests.exceptions.SSLError(), http.TlsError),
    (requests.exceptions.ProxyError(), ServiceUnreachableError),
    (requests.exceptions.ConnectionError(), ServiceUnreachableError),
    (requests.exceptions.ChunkedEncodingError(), BadReplyError),
    (requests.exceptions.ContentDecodingError(), BadReplyError),
    (requests.exceptions.InvalidURL(), BadUrlError),
    (requests.exceptions.MissingSchema(), BadUrlError),
    (requests.exceptions.TooManyRedirects(), UnexpectedStatusError),
    (requests.exceptions.RequestException(), NetworkError),
    (OSError("boom"), NetworkError),
])
def test_every_requests_exception_is_translated(exc, expected):
    err = http.translate(exc, "Test")
    assert type(err) is expected
    assert err.exit_code == EXIT_NETWORK
    assert err.params == {"service": "Test"} or set(err.params) <= {"service", "url", "status"}
    from safetycheck import i18n

    for lang in i18n.LANGS:
        text = i18n.t(err.key, lang, **err.params)
        assert text != err.key and "{" not in text


def test_base_url_rules(monkeypatch):
    monkeypatch.delenv("X_URL", raising=False)
    assert base_url("X_URL", "https://api.example.org/", "S") == "https://api.example.org"
    monkeypatch.setenv("X_URL", "http://localhost:8080/v3/")
    assert base_url("X_URL", "https://api.example.org", "S") == "http://localhost:8080/v3"
    assert base_url("X_URL", "https://a.org", "S", "https://b.org") == "https://b.org"
    monkeypatch.setenv("X_URL", "http://evil.example.com")
    with pytest.raises(BadUrlError) as info:
        base_url("X_URL", "https://api.example.org", "S")
    assert info.value.key == "error.net.insecure_url"
    for bad in ("ftp://x.org", "not a url", "https://"):
        monkeypatch.setenv("X_URL", bad)
        with pytest.raises(BadUrlError):
            base_url("X_URL", "https://api.example.org", "S")


def test_retry_after_values():
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(" 0 ") == 0.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("-5") is None
    now = 1_700_000_000.0
    date = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(now + 90))
    assert parse_retry_after(date, now=now) == pytest.approx(90.0)
    past = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(now - 90))
    assert parse_retry_after(past, now=now) == 0.0


@settings(max_examples=300, deadline=2000)
@given(st.one_of(st.text(max_size=80), st.none()))
def test_retry_after_never_raises(value):
    result = parse_retry_after(value)
    assert result is None or result >= 0


def test_redacted_keeps_values_out_of_library_logs(httpserver, caplog):
    canary = "canary.person@example.org"
    httpserver.expect_request("/acct/canary.person@example.org").respond_with_data("x")
    url = httpserver.url_for("/acct/canary.person%40example.org")
    caplog.set_level(logging.DEBUG)

    def ours() -> str:  # the test server's own access log is not ours
        return "\n".join(r.getMessage() for r in caplog.records if r.name != "werkzeug")

    # Control: without redaction urllib3 logs the URL at DEBUG — so this test can fail.
    client().get(url)
    assert "canary.person%40example.org" in ours()
    caplog.clear()
    with http.redacted(canary):
        assert client().get(url).status == 200
    assert "canary.person" not in ours()
    assert "***" in ours()
