"""Breached-password check: range parsing, what is sent, the CLI, errors, and the session."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
from pathlib import Path

import pytest
from conftest import run_cli
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.wrappers import Response

from safetycheck.errors import EXIT_NETWORK, EXIT_USAGE
from safetycheck.probes.http import BadReplyError, HttpClient, RetryPolicy
from safetycheck.probes.passwords import PwnedPasswords, hash_password, parse_range

# Canaries: these must never reach the server, the output or a log.
PW_FOUND = "Canary-Found-7391!"
PW_CLEAN = "Canary-Clean-5510?"
PW_OTHER = "Canary-Other-0042#"


def sha(pw: str) -> str:
    return hashlib.sha1(pw.encode()).hexdigest().upper()


def range_body(*found: tuple[str, int], padding: int = 5) -> str:
    """A reply like the real one: suffix lines, with padding lines (count 0)."""
    lines = [f"{sha(pw)[5:]}:{count}" for pw, count in found]
    lines += [f"{i:035X}:0" for i in range(padding)]
    return "\r\n".join(lines)


@pytest.fixture
def pwned(httpserver, monkeypatch):
    """The service: one handler per prefix, recording every request in httpserver.log."""
    monkeypatch.setenv("SAFETYCHECK_PWNED_PASSWORDS_URL", httpserver.url_for("/"))
    for pw, count in ((PW_FOUND, 3861), (PW_CLEAN, 0), (PW_OTHER, 0)):
        others = [("x" * i, 7) for i in range(1, 4)]
        body = range_body(*(([(pw, count)] if count else []) + others))
        httpserver.expect_request(f"/range/{sha(pw)[:5]}").respond_with_data(
            body, content_type="text/plain")
    return httpserver


def sent_everything(httpserver) -> str:
    """Everything the server received: request lines, headers and bodies."""
    out = []
    for request, _ in httpserver.log:
        out.append(f"{request.method} {request.full_path}")
        out.extend(f"{k}: {v}" for k, v in request.headers.items())
        out.append(request.get_data(as_text=True))
    return "\n".join(out)


def assert_no_secret(text: str, *passwords: str) -> None:
    for pw in passwords:
        assert pw not in text
        assert sha(pw) not in text and sha(pw)[5:] not in text
        assert sha(pw).lower() not in text


# -- pure functions ---------------------------------------------------------------------
def test_hash_password_known_vector():
    assert hash_password("password") == ("5BAA6", "1E4C9B93F3F0682250B6CF8331B7EE68FD8")
    assert hash_password("P@ssw0rd")[0] == "21BD1"
    assert hash_password("нууц үг") == (sha("нууц үг")[:5], sha("нууц үг")[5:])


def test_parse_range_counts_and_ignores_padding():
    body = range_body(("a", 12), ("b", 1), padding=900)
    parsed = parse_range(body.encode())
    assert parsed == {sha("a")[5:]: 12, sha("b")[5:]: 1}
    assert parse_range(body.lower()) == parsed
    assert parse_range(body.replace("\r\n", "\n") + "\n") == parsed


@pytest.mark.parametrize("body", [
    b"", b"\n\n", b"<html><body>Sign in to the Wi-Fi</body></html>",
    b"1E4C9B93F3F0682250B6CF8331B7EE68FD8", b"1E4C9B93F3F0682250B6CF8331B7EE68FD8:x",
    b"1E4C9B93F3F0682250B6CF8331B7EE68FD:3", b"\xff\xfe\x00",
    b"ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ:1",
])
def test_parse_range_refuses_what_is_not_a_range_reply(body):
    with pytest.raises(BadReplyError):
        parse_range(body)


@settings(max_examples=400, deadline=2000)
@given(st.one_of(st.binary(max_size=2000), st.text(max_size=2000)))
def test_parse_range_raises_only_our_error(body):
    try:
        result = parse_range(body)
    except BadReplyError:
        return
    assert all(len(k) == 35 and v > 0 for k, v in result.items())


# -- the client against a real local server ---------------------------------------------
def test_only_prefix_and_padding_header_are_sent(pwned):
    client = PwnedPasswords.create()
    assert client.count(PW_FOUND) == 3861
    assert client.count(PW_CLEAN) == 0
    assert len(pwned.log) == 2
    for (request, _), pw in zip(pwned.log, (PW_FOUND, PW_CLEAN), strict=True):
        assert request.method == "GET"
        assert request.path == f"/range/{sha(pw)[:5]}"
        assert request.query_string == b""
        assert request.headers["Add-Padding"] == "true"
        assert request.headers["User-Agent"].startswith("safetycheck/")
        assert request.get_data() == b""
        assert "Cookie" not in request.headers and "Authorization" not in request.headers
    assert_no_secret(sent_everything(pwned), PW_FOUND, PW_CLEAN)


def test_client_rejects_a_captive_portal_page(httpserver):
    httpserver.expect_request(f"/range/{sha(PW_CLEAN)[:5]}").respond_with_data(
        "<html>Welcome to Free WiFi</html>", content_type="text/html")
    client = PwnedPasswords.create(url=httpserver.url_for("/"))
    with pytest.raises(BadReplyError):
        client.count(PW_CLEAN)


def test_client_retries_then_counts(httpserver):
    prefix = sha(PW_FOUND)[:5]
    httpserver.expect_ordered_request(f"/range/{prefix}").respond_with_response(
        Response("busy", status=503, headers={"Retry-After": "1"}))
    httpserver.expect_ordered_request(f"/range/{prefix}").respond_with_data(
        range_body((PW_FOUND, 5)))
    waits: list[float] = []
    client = PwnedPasswords(HttpClient(service="Pwned Passwords", sleep=waits.append,
                                       retry=RetryPolicy()), httpserver.url_for("/"))
    assert client.count(PW_FOUND) == 5
    assert waits == [1.0] and len(httpserver.log) == 2


# -- the command ------------------------------------------------------------------------
def test_stdin_passwords_with_default_labels(pwned, caplog):
    caplog.set_level(logging.DEBUG)
    r = run_cli(["-vv", "--lang", "en", "check", "password", "--stdin"],
                input=f"{PW_FOUND}\n{PW_CLEAN}\n")
    assert r.exit_code == 0, r.output
    assert "1: this password appears 3 861 times" in r.stdout
    assert "2: not found in known data breaches" in r.stdout
    assert "safety plan" in r.stdout  # how to change it without alerting the other person
    assert len(pwned.log) == 2
    assert_no_secret(r.output, PW_FOUND, PW_CLEAN)
    ours = "\n".join(rec.getMessage() for rec in caplog.records if rec.name != "werkzeug")
    assert "/range/" in ours  # the requests were logged (the log is not empty) ...
    assert_no_secret(ours, PW_FOUND, PW_CLEAN)  # ... but never a password or its hash
    assert_no_secret(sent_everything(pwned), PW_FOUND, PW_CLEAN)


def test_stdin_with_labels_and_json(pwned):
    r = run_cli(["check", "password", "--stdin", "--label", "Facebook", "--label", "Gmail",
                 "--json"], input=f"{PW_CLEAN}\r\n\n{PW_FOUND}\r\n")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["schema"] == "safetycheck.passwords/1" and data["probe"] == "passwords"
    assert data["results"] == [{"label": "Facebook", "found": False, "count": 0},
                               {"label": "Gmail", "found": True, "count": 3861}]
    assert_no_secret(r.output, PW_FOUND, PW_CLEAN)


def test_mongolian_output(pwned):
    r = run_cli(["check", "password", "--stdin", "--label", "Facebook"], input=PW_FOUND + "\n")
    assert r.exit_code == 0
    assert "Facebook: энэ нууц үг мэдээлэл алдагдсан жагсаалтад 3 861 удаа олдлоо" in r.stdout


def test_label_count_must_match(pwned):
    r = run_cli(["--lang", "en", "check", "password", "--stdin", "--label", "A"],
                input=f"{PW_FOUND}\n{PW_CLEAN}\n")
    assert r.exit_code == EXIT_USAGE
    assert "--label was given 1 times but 2 passwords were read" in r.stderr
    assert pwned.log == []


@pytest.mark.parametrize("argv", [[PW_FOUND], ["--stdin", PW_FOUND], ["-" + PW_FOUND]])
def test_password_on_the_command_line_is_refused_and_not_echoed(pwned, argv):
    r = run_cli(["--lang", "en", "check", "password", *argv], input="")
    assert r.exit_code == EXIT_USAGE
    assert "never taken from the command line" in r.stderr
    assert PW_FOUND not in r.output and PW_FOUND[1:] not in r.output
    assert pwned.log == []


def test_stdin_that_is_not_utf8(pwned):
    r = run_cli(["--lang", "en", "check", "password", "--stdin"], input=b"\xff\xfe\xfa\n")
    assert r.exit_code == EXIT_USAGE and "not UTF-8" in r.stderr
    assert pwned.log == []


def test_no_terminal_without_stdin_flag(pwned):
    r = run_cli(["--lang", "en", "check", "password"], input=PW_FOUND + "\n")
    assert r.exit_code == EXIT_USAGE and "--stdin" in r.stderr
    assert pwned.log == []


@pytest.mark.parametrize("where", ["command", "global"])
def test_offline_sends_nothing(pwned, where):
    args = (["--offline", "--lang", "en", "check", "password", "--stdin"] if where == "global"
            else ["--lang", "en", "check", "password", "--stdin", "--offline"])
    r = run_cli(args, input=PW_FOUND + "\n")
    assert r.exit_code == EXIT_NETWORK
    assert "Offline mode (--offline): nothing was sent or checked" in r.stderr
    assert pwned.log == []


def _error_server(httpserver, response):
    httpserver.expect_request(f"/range/{sha(PW_FOUND)[:5]}").respond_with_response(response)


@pytest.mark.parametrize("response,message", [
    (Response("x", status=429, headers={"Retry-After": "3600"}),
     "Pwned Passwords says there were too many requests. Try again in 3600 seconds."),
    (Response("x", status=503, headers={"Retry-After": "0"}),
     "Pwned Passwords is not available at the moment (status 503)"),
    (Response("x", status=500, headers={"Retry-After": "0"}),
     "Pwned Passwords is not available at the moment (status 500)"),
    (Response("x", status=404), "Pwned Passwords gave an unexpected answer (status 404)"),
    (Response("x", status=401), "Pwned Passwords gave an unexpected answer (status 401)"),
    (Response("<html>login</html>", status=200),
     "The reply from Pwned Passwords was not understood"),
])
def test_every_error_status_has_its_message_and_exit_code(httpserver, monkeypatch, response,
                                                          message):
    monkeypatch.setenv("SAFETYCHECK_PWNED_PASSWORDS_URL", httpserver.url_for("/"))
    _error_server(httpserver, response)
    r = run_cli(["--lang", "en", "check", "password", "--stdin"], input=PW_FOUND + "\n")
    assert r.exit_code == EXIT_NETWORK, r.output
    assert message in r.stderr
    assert "Traceback" not in r.output
    assert_no_secret(r.output, PW_FOUND)


def test_retry_after_then_success_in_the_command(httpserver, monkeypatch):
    monkeypatch.setenv("SAFETYCHECK_PWNED_PASSWORDS_URL", httpserver.url_for("/"))
    prefix = sha(PW_FOUND)[:5]
    httpserver.expect_ordered_request(f"/range/{prefix}").respond_with_response(
        Response("x", status=429, headers={"Retry-After": "0"}))
    httpserver.expect_ordered_request(f"/range/{prefix}").respond_with_data(
        range_body((PW_FOUND, 2)))
    r = run_cli(["--lang", "en", "check", "password", "--stdin"], input=PW_FOUND + "\n")
    assert r.exit_code == 0 and "appears 2 times" in r.stdout
    assert len(httpserver.log) == 2


def test_unreachable_service(monkeypatch):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("SAFETYCHECK_PWNED_PASSWORDS_URL", f"http://127.0.0.1:{port}")
    r = run_cli(["--lang", "en", "check", "password", "--stdin"], input=PW_FOUND + "\n")
    assert r.exit_code == EXIT_NETWORK
    assert "Could not connect to Pwned Passwords" in r.stderr


def test_timeout_has_its_message(httpserver, monkeypatch):
    import time

    from safetycheck.probes import passwords

    def slow(_request):
        time.sleep(0.6)
        return Response(range_body())

    httpserver.expect_request(f"/range/{sha(PW_FOUND)[:5]}").respond_with_handler(slow)
    monkeypatch.setenv("SAFETYCHECK_PWNED_PASSWORDS_URL", httpserver.url_for("/"))
    original = passwords.PwnedPasswords.create.__func__

    def quick(cls, session=None, url=None, timeout=None):
        return original(cls, session, url, (2.0, 0.1))

    monkeypatch.setattr(passwords.PwnedPasswords, "create", classmethod(quick))
    r = run_cli(["--lang", "en", "check", "password", "--stdin"], input=PW_FOUND + "\n")
    assert r.exit_code == EXIT_NETWORK
    assert "Pwned Passwords did not answer in time" in r.stderr


def test_insecure_base_url_is_refused(monkeypatch):
    monkeypatch.setenv("SAFETYCHECK_PWNED_PASSWORDS_URL", "http://pwned.example.com")
    r = run_cli(["--lang", "en", "check", "password", "--stdin"], input=PW_FOUND + "\n")
    assert r.exit_code == EXIT_NETWORK and "is not https" in r.stderr


# -- the session ------------------------------------------------------------------------
def _new_session():
    from safetycheck.model import Session
    from safetycheck.storage.vault import open_vault

    session = Session(label="test")
    open_vault().save(session)
    return session.id


def _decrypted(session_id: str) -> tuple[object, str]:
    from safetycheck.storage.vault import open_vault

    session = open_vault().load(session_id)
    return session, json.dumps(session.to_dict(), ensure_ascii=False)


def test_session_records_findings_never_the_password(home, pwned):
    sid = _new_session()
    r = run_cli(["--lang", "en", "check", "password", "--stdin", "--label", "Facebook",
                 "--label", "Bank", "--session", sid], input=f"{PW_FOUND}\n{PW_CLEAN}\n")
    assert r.exit_code == 0, r.output
    assert f"saved in session {sid}" in r.stdout
    session, text = _decrypted(sid)
    findings = [f for f in session.findings if f.check_id == "password_not_breached"]
    assert [(f.detail, f.status.value, f.area.value, f.source) for f in findings] == [
        ({"label": "Facebook", "count": 3861}, "at_risk", "exposure", "probe:passwords"),
        ({"label": "Bank", "count": 0}, "ok", "exposure", "probe:passwords"),
    ]
    run, = [p for p in session.probes if p.probe == "passwords"]
    assert run.status == "complete" and run.data == {"checked": 2, "found": 1}
    assert_no_secret(text, PW_FOUND, PW_CLEAN)
    for file in Path(home).rglob("*"):
        if file.is_file():
            assert_no_secret(file.read_bytes().decode("latin-1"), PW_FOUND, PW_CLEAN)
    # Checking the same account again replaces its finding instead of adding one.
    run_cli(["check", "password", "--stdin", "--label", "Facebook", "--session", sid],
            input=PW_OTHER + "\n")
    session, _ = _decrypted(sid)
    details = [f.detail for f in session.findings if f.check_id == "password_not_breached"]
    assert details == [{"label": "Bank", "count": 0}, {"label": "Facebook", "count": 0}]


def test_offline_with_session_records_a_skipped_probe(home, pwned):
    sid = _new_session()
    r = run_cli(["--offline", "check", "password", "--stdin", "--session", sid],
                input=PW_FOUND + "\n")
    assert r.exit_code == EXIT_NETWORK
    session, _ = _decrypted(sid)
    assert [(p.probe, p.status, p.reason) for p in session.probes] == [
        ("passwords", "skipped", "error.check.offline")]
    assert session.findings == []


def test_network_failure_midway_keeps_what_was_checked(home, httpserver, monkeypatch):
    monkeypatch.setenv("SAFETYCHECK_PWNED_PASSWORDS_URL", httpserver.url_for("/"))
    httpserver.expect_request(f"/range/{sha(PW_FOUND)[:5]}").respond_with_data(
        range_body((PW_FOUND, 9)))
    httpserver.expect_request(f"/range/{sha(PW_CLEAN)[:5]}").respond_with_response(
        Response("x", status=503, headers={"Retry-After": "0"}))
    sid = _new_session()
    r = run_cli(["--lang", "en", "check", "password", "--stdin", "--session", sid],
                input=f"{PW_FOUND}\n{PW_CLEAN}\n")
    assert r.exit_code == EXIT_NETWORK and "status 503" in r.stderr
    session, _ = _decrypted(sid)
    assert [f.detail for f in session.findings] == [{"label": "1", "count": 9}]
    assert session.probes[-1].status == "incomplete"
    assert session.probes[-1].reason == "error.net.unavailable"


def test_session_by_label(home, pwned):
    sid = _new_session()  # labelled "test"
    r = run_cli(["check", "password", "--stdin", "--session", "test"], input=PW_CLEAN + "\n")
    assert r.exit_code == 0, r.output
    session, _ = _decrypted(sid)
    assert [f.detail for f in session.findings] == [{"label": "1", "count": 0}]


def test_unknown_session_fails_before_anything_is_read(home, pwned):
    r = run_cli(["--lang", "en", "check", "password", "--stdin", "--session", "0123456789ab"],
                input=PW_FOUND + "\n")
    assert r.exit_code == EXIT_USAGE and "No session" in r.stderr
    assert pwned.log == []


# -- the hidden prompt, in a real pseudo-terminal -----------------------------------------
@pytest.mark.slow
@pytest.mark.skipif(sys.platform.startswith("win"), reason="needs a pseudo-terminal")
def test_hidden_prompt_in_a_terminal(pwned, tmp_path):
    pexpect = pytest.importorskip("pexpect")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAFETYCHECK_")}
    env.update({"SAFETYCHECK_PWNED_PASSWORDS_URL": pwned.url_for("/"), "COLUMNS": "100",
                "SAFETYCHECK_HOME": str(tmp_path), "NO_COLOR": "1"})
    exe = str(Path(sys.executable).with_name("safetycheck"))
    child = pexpect.spawn(exe, ["--lang", "en", "check", "password"], env=env,
                          encoding="utf-8", timeout=20)
    log: list[str] = []
    child.logfile_read = type("L", (), {"write": lambda _s, d: log.append(d),
                                        "flush": lambda _s: None})()
    child.expect("Which account")
    child.sendline("Facebook")
    child.expect("Password for Facebook")
    child.sendline(PW_FOUND)
    child.expect("appears 3 861 times")
    child.expect("Which account")
    child.sendline("Gmail")
    child.expect("Password for Gmail")
    child.sendline(PW_CLEAN)
    child.expect("not found")
    child.expect("Which account")
    child.sendline("")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    screen = "".join(log)
    assert_no_secret(screen, PW_FOUND, PW_CLEAN)  # the hidden prompt never echoed it
    assert len(pwned.log) == 2
