"""Breached-account look-up (HIBP v3) and API keys, against a real local server."""

from __future__ import annotations

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
from safetycheck.probes.breaches import (
    BadAccountError,
    Hibp,
    InvalidApiKeyError,
    UserAgentRefusedError,
    advice_topics,
    class_slug,
    mask_email,
    parse_breaches,
    valid_email,
)
from safetycheck.probes.http import BadReplyError, RateLimitedError, ServiceUnavailableError

ADDRESS = "canary.survivor@example.org"
KEY = "0123456789abcdef0123456789abcdef"
PATH = "/breachedaccount/canary.survivor@example.org"

BREACHES = [
    {"Name": "ExampleShop", "Title": "Example Shop", "Domain": "shop.example",
     "BreachDate": "2019-03-01", "AddedDate": "2019-05-01T10:00:00Z", "PwnCount": 1200,
     "Description": "<a href='https://x'>An online shop</a>",
     "DataClasses": ["Email addresses", "Passwords", "Phone numbers", "Physical addresses"],
     "IsVerified": True, "IsFabricated": False, "IsSensitive": False, "IsRetired": False,
     "IsSpamList": False, "LogoPath": "https://x/logo.png"},
    {"Name": "ForumX", "Title": "Forum X", "Domain": "forum.example",
     "BreachDate": "2021-11-20", "AddedDate": "2022-01-01T00:00:00Z", "PwnCount": 55,
     "DataClasses": ["Usernames", "IP addresses", "Dates of birth"], "IsVerified": False},
]


@pytest.fixture
def hibp(httpserver, monkeypatch):
    monkeypatch.setenv("SAFETYCHECK_HIBP_URL", httpserver.url_for("/api/v3"))
    monkeypatch.setenv("SAFETYCHECK_HIBP_API_KEY", KEY)
    return httpserver


def serve(server, body=None, status=200, headers=None, path=f"/api/v3{PATH}"):
    text = json.dumps(body) if body is not None else ""
    server.expect_request(path).respond_with_response(
        Response(text, status=status, headers=headers or {}, content_type="application/json"))


# -- pure functions ---------------------------------------------------------------------
def test_parse_breaches():
    b1, b2 = parse_breaches(json.dumps(BREACHES).encode())
    assert (b1.name, b1.title, b1.date, b1.pwn_count, b1.verified) == (
        "ExampleShop", "Example Shop", "2019-03-01", 1200, True)
    assert b1.data_classes == ("Email addresses", "Passwords", "Phone numbers",
                               "Physical addresses")
    assert b2.verified is False and b2.sensitive is False
    assert parse_breaches(b"[]") == ()


@pytest.mark.parametrize("body", [b"", b"{}", b"<html>", b"[1]", b'[{"Title": "x"}]',
                                  b"[" * 5000, b"\xff\xfe", b"null"])
def test_parse_breaches_refuses_other_replies(body):
    with pytest.raises(BadReplyError):
        parse_breaches(body)


@settings(max_examples=400, deadline=2000)
@given(st.one_of(
    st.binary(max_size=3000),
    st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                 lambda c: st.lists(c, max_size=5) | st.dictionaries(
                     st.sampled_from(["Name", "Title", "DataClasses", "PwnCount", "IsVerified",
                                      "BreachDate", "x"]), c, max_size=6),
                 max_leaves=30).map(lambda v: json.dumps(v).encode())))
def test_parse_breaches_raises_only_our_error(body):
    try:
        parse_breaches(body)
    except BadReplyError:
        pass


def test_mask_and_validate_addresses():
    assert mask_email("alice@gmail.com") == "a***@g***.com"
    assert mask_email("Bat.Erdene@mail.mn") == "B***@m***.mn"
    assert mask_email("x@localhost") == "x***@l***"
    assert mask_email("nonsense") == "***"
    assert valid_email(ADDRESS) and valid_email("a+b@c.co")
    for bad in ("", "a@b", "a b@c.org", "@c.org", "a@@c.org", "a@c.org\nx", "a" * 300 + "@c.org"):
        assert not valid_email(bad)


def test_data_class_slugs_and_advice():
    assert class_slug("Phone numbers") == "phone_numbers"
    assert class_slug("Family members' names") == "family_members_names"
    assert advice_topics(["Usernames", "Passwords", "Phone numbers", "Zodiac signs"]) == [
        "passwords", "phone", "names"]


def test_every_advice_and_common_class_is_translated():
    from safetycheck import i18n
    from safetycheck.probes.breaches import ADVICE_ORDER, ADVICE_TOPICS

    catalog = i18n.load_catalog()
    for topic in ADVICE_ORDER:
        assert f"breach.advice.{topic}" in catalog
    for slug in ADVICE_TOPICS:
        assert f"breach.class.{slug}" in catalog, slug


# -- the client -------------------------------------------------------------------------
def test_request_carries_key_user_agent_and_full_response_flag(hibp):
    serve(hibp, BREACHES)
    result = Hibp.create(KEY).breaches(ADDRESS)
    assert [b.name for b in result] == ["ExampleShop", "ForumX"]
    (request, _), = hibp.log
    assert request.path == f"/api/v3{PATH}"
    assert request.args.to_dict() == {"truncateResponse": "false"}
    assert request.headers["hibp-api-key"] == KEY
    assert request.headers["User-Agent"].startswith("safetycheck/")


def test_404_is_no_breach_not_an_error(hibp):
    serve(hibp, status=404)
    assert Hibp.create(KEY).breaches(ADDRESS) == ()


@pytest.mark.parametrize("status,headers,error", [
    (401, {}, InvalidApiKeyError),
    (403, {}, UserAgentRefusedError),
    (400, {}, BadAccountError),
    (429, {"Retry-After": "3600"}, RateLimitedError),
    (503, {"Retry-After": "0"}, ServiceUnavailableError),
    (200, {}, BadReplyError),
])
def test_error_statuses(hibp, status, headers, error):
    hibp.expect_request(f"/api/v3{PATH}").respond_with_response(
        Response("<html>nope</html>", status=status, headers=headers))
    with pytest.raises(error):
        Hibp.create(KEY).breaches(ADDRESS)


def test_429_waits_retry_after_and_retries(hibp):
    hibp.expect_ordered_request(f"/api/v3{PATH}").respond_with_response(
        Response("slow down", status=429, headers={"Retry-After": "2"}))
    hibp.expect_ordered_request(f"/api/v3{PATH}").respond_with_json(BREACHES)
    client = Hibp.create(KEY)
    waits: list[float] = []
    client.http.sleep = waits.append
    assert len(client.breaches(ADDRESS)) == 2
    assert waits == [2.0] and len(hibp.log) == 2


def test_invalid_address_is_not_sent(hibp):
    with pytest.raises(BadAccountError):
        Hibp.create(KEY).breaches("not-an-address")
    assert hibp.log == []


# -- the command ------------------------------------------------------------------------
def test_breaches_are_shown_translated_with_advice(hibp):
    serve(hibp, BREACHES)
    r = run_cli(["check", "email", ADDRESS, "--yes"])
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "c***@e***.org: мэдээлэл алдагдсан 2 тохиолдолд орсон байна." in out
    assert "Example Shop (2019-03-01)" in out and "Forum X (2021-11-20)" in out
    assert "Алдагдсан мэдээлэл: Имэйл хаяг, Нууц үг, Утасны дугаар, Гэрийн хаяг" in out
    assert "(баталгаажаагүй мэдээлэл)" in out
    assert "Юу хийх вэ:" in out
    for needle in ("Нууц үг: энэ бүртгэлийн", "Утасны дугаар: дуудлага", "Хаяг, байршил:",
                   "IP хаяг:", "Төрсөн огноо, бичиг баримт:"):
        assert needle in out
    assert ADDRESS not in out and KEY not in r.output


def test_english_output_and_unknown_classes_escaped(hibp):
    evil = [{"Name": "Evil", "Title": "[bold red]Evil\x1b[31m Corp\x1b]8;;http://x\x07",
             "BreachDate": "2020-01-01", "DataClasses": ["Zodiac [blink]signs", "Passwords"]}]
    serve(hibp, evil)
    r = run_cli(["--lang", "en", "--plain", "check", "email", ADDRESS, "--yes"])
    assert r.exit_code == 0, r.output
    assert "\x1b" not in r.output and "\x07" not in r.output
    assert "[bold red]Evil" in r.stdout
    assert "Data exposed: Zodiac [blink]signs, Passwords" in r.stdout


def test_no_breach_message(hibp):
    serve(hibp, status=404)
    r = run_cli(["--lang", "en", "check", "email", ADDRESS, "--yes"])
    assert r.exit_code == 0
    assert "c***@e***.org: not found in any known data breach" in r.stdout


def test_json_output(hibp):
    serve(hibp, BREACHES)
    r = run_cli(["check", "email", ADDRESS, "--yes", "--json"])
    data = json.loads(r.stdout)
    assert data["schema"] == "safetycheck.breaches/1" and data["account"] == "c***@e***.org"
    assert data["breaches"][0]["data_classes"][1] == "Passwords"
    assert ADDRESS not in r.stdout


def test_consent_is_required_before_sending(hibp):
    serve(hibp, BREACHES)
    r = run_cli(["--lang", "en", "check", "email", ADDRESS])
    assert r.exit_code == EXIT_USAGE and "--yes" in r.stderr
    assert hibp.log == []


def test_key_from_stdin_has_priority_and_never_shows(hibp, monkeypatch, caplog):
    monkeypatch.setenv("SAFETYCHECK_HIBP_API_KEY", "f" * 32)
    serve(hibp, BREACHES)
    caplog.set_level(logging.DEBUG)
    r = run_cli(["-vv", "--lang", "en", "check", "email", ADDRESS, "--yes", "--api-key-stdin"],
                input=KEY + "\n")
    assert r.exit_code == 0, r.output
    (request, _), = hibp.log
    assert request.headers["hibp-api-key"] == KEY
    ours = "\n".join(rec.getMessage() for rec in caplog.records if rec.name != "werkzeug")
    assert "breachedaccount" in ours  # the request was logged, redacted:
    assert KEY not in ours and "canary.survivor" not in ours
    assert KEY not in r.output and ADDRESS not in r.output


def test_missing_key(hibp, monkeypatch):
    monkeypatch.delenv("SAFETYCHECK_HIBP_API_KEY")
    monkeypatch.setenv("SAFETYCHECK_NO_KEYRING", "1")
    r = run_cli(["--lang", "en", "check", "email", ADDRESS, "--yes"])
    assert r.exit_code == EXIT_USAGE
    assert "needs a Have I Been Pwned API key" in r.stderr
    assert "safetycheck config set-key hibp" in r.stderr
    assert hibp.log == []


def test_invalid_address_exit_code(hibp):
    r = run_cli(["--lang", "en", "check", "email", "nobody", "--yes"])
    assert r.exit_code == EXIT_USAGE and "not a valid e-mail address" in r.stderr
    assert hibp.log == []


@pytest.mark.parametrize("where", ["command", "global"])
def test_offline_sends_nothing(hibp, where):
    args = ["check", "email", ADDRESS, "--yes"]
    args = ["--offline", "--lang", "en", *args] if where == "global" else [
        "--lang", "en", *args, "--offline"]
    r = run_cli(args)
    assert r.exit_code == EXIT_NETWORK and "nothing was sent" in r.stderr
    assert hibp.log == []


@pytest.mark.parametrize("status,headers,code,message", [
    (401, {}, EXIT_NETWORK, "Have I Been Pwned did not accept the API key"),
    (403, {}, EXIT_NETWORK, "Have I Been Pwned refused the request"),
    (400, {}, EXIT_USAGE, "not a valid e-mail address"),
    (429, {"Retry-After": "3600"}, EXIT_NETWORK, "Try again in 3600 seconds"),
    (503, {"Retry-After": "0"}, EXIT_NETWORK, "not available at the moment (status 503)"),
    (418, {}, EXIT_NETWORK, "unexpected answer (status 418)"),
])
def test_every_error_status_has_its_message_and_exit_code(hibp, status, headers, code, message):
    hibp.expect_request(f"/api/v3{PATH}").respond_with_response(
        Response("Access denied due to invalid hibp-api-key.", status=status, headers=headers))
    r = run_cli(["--lang", "en", "check", "email", ADDRESS, "--yes"])
    assert r.exit_code == code, r.output
    assert message in r.stderr
    assert "Traceback" not in r.output and KEY not in r.output


def test_timeout_message(hibp, monkeypatch):
    import time

    from safetycheck.probes import breaches

    def slow(_request):
        time.sleep(0.6)
        return Response("[]")

    hibp.expect_request(f"/api/v3{PATH}").respond_with_handler(slow)
    original = breaches.Hibp.create.__func__
    monkeypatch.setattr(breaches.Hibp, "create", classmethod(
        lambda cls, key, session=None, url=None, timeout=None:
        original(cls, key, session, url, (2.0, 0.1))))
    r = run_cli(["--lang", "en", "check", "email", ADDRESS, "--yes"])
    assert r.exit_code == EXIT_NETWORK
    assert "Have I Been Pwned did not answer in time" in r.stderr


# -- the session ------------------------------------------------------------------------
def test_session_findings_hold_no_clear_address(home, hibp):
    from safetycheck.model import Session
    from safetycheck.storage.vault import open_vault

    session = Session(label="t")
    open_vault().save(session)
    serve(hibp, BREACHES)
    r = run_cli(["--lang", "en", "check", "email", ADDRESS, "--yes", "--session", session.id])
    assert r.exit_code == 0, r.output
    loaded = open_vault().load(session.id)
    text = json.dumps(loaded.to_dict())
    assert "canary.survivor" not in text and KEY not in text
    findings = [f for f in loaded.findings if f.check_id == "email_not_in_breaches"]
    assert [(f.detail["breach"], f.detail["date"], f.detail["account"], f.status.value,
             f.area.value) for f in findings] == [
        ("Example Shop", "2019-03-01", "c***@e***.org", "at_risk", "exposure"),
        ("Forum X", "2021-11-20", "c***@e***.org", "at_risk", "exposure")]
    assert findings[1].detail["data_classes"] == ["Usernames", "IP addresses", "Dates of birth"]
    run, = loaded.probes
    assert run.probe == "breaches" and run.data["accounts"] == [
        {"account": "c***@e***.org", "breaches": 2}]
    # A second look-up of the same address replaces its findings.
    hibp.clear()
    serve(hibp, status=404)
    run_cli(["check", "email", ADDRESS, "--yes", "--session", session.id])
    loaded = open_vault().load(session.id)
    assert [(f.status.value, f.detail.get("breaches")) for f in loaded.findings] == [("ok", 0)]


# -- keys in the keyring --------------------------------------------------------------------
def test_set_key_stores_only_after_a_successful_test(hibp, memory_keyring):
    hibp.expect_request("/api/v3/subscription/status").respond_with_json({"Rpm": 10})
    r = run_cli(["--lang", "en", "config", "set-key", "hibp", "--stdin"], input=KEY + "\n")
    assert r.exit_code == 0, r.output
    assert "The key works and was saved" in r.stdout and KEY not in r.output
    assert memory_keyring.store == {("safetycheck", "hibp-api-key"): KEY}
    (request, _), = hibp.log
    assert request.headers["hibp-api-key"] == KEY


def test_key_from_keyring_is_used(hibp, memory_keyring, monkeypatch):
    monkeypatch.delenv("SAFETYCHECK_HIBP_API_KEY")
    memory_keyring.set_password("safetycheck", "hibp-api-key", "k" * 32)
    serve(hibp, status=404)
    r = run_cli(["check", "email", ADDRESS, "--yes"])
    assert r.exit_code == 0, r.output
    assert hibp.log[0][0].headers["hibp-api-key"] == "k" * 32


def test_rejected_key_is_not_stored(hibp, memory_keyring):
    hibp.expect_request("/api/v3/subscription/status").respond_with_data("no", status=401)
    r = run_cli(["--lang", "en", "config", "set-key", "hibp", "--stdin"], input=KEY + "\n")
    assert r.exit_code == EXIT_NETWORK and "did not accept the API key" in r.stderr
    assert memory_keyring.store == {}


def test_set_key_refuses_without_a_secure_keyring(hibp, monkeypatch):
    monkeypatch.setenv("SAFETYCHECK_NO_KEYRING", "1")
    r = run_cli(["--lang", "en", "config", "set-key", "hibp", "--stdin"], input=KEY + "\n")
    assert r.exit_code == EXIT_USAGE and "no secure system keyring" in r.stderr
    assert hibp.log == []


def test_set_key_refuses_a_plain_text_keyring(hibp, monkeypatch):
    import keyring
    from keyring_backends import PlaintextKeyring

    kr = PlaintextKeyring()
    old = keyring.get_keyring()
    keyring.set_keyring(kr)
    monkeypatch.delenv("SAFETYCHECK_NO_KEYRING", raising=False)
    try:
        r = run_cli(["--lang", "en", "config", "set-key", "hibp", "--stdin"], input=KEY + "\n")
    finally:
        keyring.set_keyring(old)
    assert r.exit_code == EXIT_USAGE and "unencrypted" in r.stderr
    assert kr.store == {} and hibp.log == []


@pytest.mark.parametrize("given,message", [("", "needs a Have I Been Pwned API key"),
                                           ("has spaces in it", "does not look like an API key")])
def test_set_key_rejects_empty_or_malformed(hibp, memory_keyring, given, message):
    r = run_cli(["--lang", "en", "config", "set-key", "hibp", "--stdin"], input=given + "\n")
    assert r.exit_code == EXIT_USAGE and message in r.stderr
    assert memory_keyring.store == {} and hibp.log == []


def test_set_key_unknown_service_and_no_terminal(memory_keyring):
    r = run_cli(["--lang", "en", "config", "set-key", "other", "--stdin"], input=KEY + "\n")
    assert r.exit_code == EXIT_USAGE and "There is no service “other”" in r.stderr
    r = run_cli(["--lang", "en", "config", "set-key", "hibp"], input=KEY + "\n")
    assert r.exit_code == EXIT_USAGE and "no terminal to ask for the key" in r.stderr
    assert memory_keyring.store == {}


def test_set_key_offline(hibp, memory_keyring):
    r = run_cli(["--offline", "--lang", "en", "config", "set-key", "hibp", "--stdin"],
                input=KEY + "\n")
    assert r.exit_code == EXIT_NETWORK and "cannot be tested offline" in r.stderr
    assert memory_keyring.store == {} and hibp.log == []


def test_delete_key(memory_keyring):
    memory_keyring.set_password("safetycheck", "hibp-api-key", KEY)
    r = run_cli(["--lang", "en", "config", "delete-key", "hibp"])
    assert r.exit_code == 0 and "was deleted" in r.stdout
    assert memory_keyring.store == {}
    r = run_cli(["--lang", "en", "config", "delete-key", "hibp"])
    assert r.exit_code == 0 and "No saved key" in r.stdout


@pytest.mark.slow
@pytest.mark.skipif(sys.platform.startswith("win"), reason="needs a pseudo-terminal")
@pytest.mark.parametrize("answer,sent", [("n", False), ("y", True)])
def test_consent_question_in_a_terminal(hibp, tmp_path, answer, sent):
    pexpect = pytest.importorskip("pexpect")
    serve(hibp, status=404)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAFETYCHECK_")}
    env.update({"SAFETYCHECK_HIBP_URL": hibp.url_for("/api/v3"), "COLUMNS": "100",
                "SAFETYCHECK_HIBP_API_KEY": KEY, "SAFETYCHECK_HOME": str(tmp_path),
                "SAFETYCHECK_NO_KEYRING": "1"})
    exe = str(Path(sys.executable).with_name("safetycheck"))
    child = pexpect.spawn(exe, ["--lang", "en", "check", "email", ADDRESS], env=env,
                          encoding="utf-8", timeout=20)
    child.expect("will be sent to the Have I Been Pwned service")
    child.expect(r"\?")
    child.sendline(answer)
    child.expect("not found in any known data breach" if sent else "Nothing was sent")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert len(hibp.log) == (1 if sent else 0)
