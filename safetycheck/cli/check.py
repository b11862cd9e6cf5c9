"""``safetycheck check``: breached passwords (k-anonymity) and breached e-mail addresses (opt-in).

Exit codes: 0 the check ran (whatever it found) or the person declined to send an address;
2 a usage problem (no terminal, label count, invalid address, no API key); 5 offline
(``--offline`` or the global ``--offline``), the service unreachable or refusing.

Passwords are read from a hidden prompt or stdin only, hashed at once and never stored,
logged or shown; the session gets the account label and the breach count. E-mail addresses
are sent only after consent and stored only masked (``a***@g***.com``).
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterator, Sequence
from typing import Any

import click

from safetycheck import i18n
from safetycheck.cli.app import App, lang_option, pass_app
from safetycheck.errors import NetworkError, OfflineError, SafetycheckError, UsageError

PASSWORD_CHECK = "password_not_breached"
EMAIL_CHECK = "email_not_in_breaches"


# -- sessions (shared with ``scan photos``) ------------------------------------------------
def load_session(app: App, session_id: str | None) -> Any:
    """The session to record results in (id, id prefix or label), loaded before any work
    so a wrong reference fails fast."""
    if not session_id:
        return None
    store = app.vault()
    find = getattr(store, "find", None)
    return find(session_id) if find is not None else store.load(session_id)


def severity_of(check_id: str, default: str) -> Any:
    """The check's severity from the catalog; ``default`` if the catalog cannot say."""
    from safetycheck.model import Severity

    try:
        from safetycheck.catalog import load_catalog

        check = load_catalog().checks.get(check_id)
    except SafetycheckError:
        check = None
    return check.severity if check is not None else Severity(default)


def save_probe(store: Any, session: Any, run: Any, findings: Sequence[Any] = (),
               replaces: Any = None) -> None:
    """Add a probe run and its findings to ``session`` and save it.

    ``replaces(finding) -> bool`` drops earlier findings the new ones supersede (the same
    account checked again), so a repeated check does not double the report.
    """
    if replaces is not None:
        session.findings = [f for f in session.findings if not replaces(f)]
    session.findings.extend(findings)
    session.probes.append(run)
    session.log(f"probe_{run.probe}", f"{run.status} {len(findings)}")
    store.save(session)


def _skipped(store: Any, session: Any, probe: str) -> None:
    if session is not None:
        from safetycheck.model import ProbeRun

        save_probe(store, session, ProbeRun(probe=probe, status="skipped",
                                            reason="error.check.offline"))


def check_passwords(app: App, store: Any, session: Any,
                    source: Iterator[tuple[str, tuple[str, str]]], offline: bool,
                    quiet: bool = False) -> tuple[list[tuple[str, int]], NetworkError | None]:
    """Check each (label, hash parts) from ``source``; record results in ``session``.

    Shared by ``check password`` and the audit. Offline raises ``OfflineError`` after
    recording a skipped run. Returns the results and the network failure that stopped the
    run, if any (what was checked before it is kept, the run marked incomplete).
    """
    from safetycheck.model import Area, Finding, ProbeRun, Status
    from safetycheck.probes.passwords import PwnedPasswords
    from safetycheck.ui.exposure import show_password_result

    if offline:
        _skipped(store, session, "passwords")
        raise OfflineError("error.check.offline")
    client = PwnedPasswords.create()
    if not quiet:
        app.say("check.password.intro")
    results: list[tuple[str, int]] = []
    failure: NetworkError | None = None
    try:
        for label, (prefix, suffix) in source:
            count = client.count_hash(prefix, suffix)
            del prefix, suffix
            results.append((label, count))
            if not quiet:
                show_password_result(app, label, count)
    except NetworkError as exc:
        failure = exc
    if session is not None and (results or failure is not None):
        severity = severity_of(PASSWORD_CHECK, "high")
        findings = [Finding(check_id=PASSWORD_CHECK, area=Area.EXPOSURE, severity=severity,
                            status=Status.AT_RISK if count else Status.OK,
                            source="probe:passwords", detail={"label": label, "count": count})
                    for label, count in results]
        checked = {label for label, _ in results}
        run = ProbeRun(probe="passwords",
                       status="complete" if failure is None else "incomplete",
                       reason=failure.key if failure is not None else "",
                       data={"checked": len(results),
                             "found": sum(1 for _, c in results if c)})
        save_probe(store, session, run, findings,
                   replaces=lambda f: f.check_id == PASSWORD_CHECK
                   and f.detail.get("label") in checked)
    return results, failure


# -- the group ----------------------------------------------------------------------------
@click.group(help=i18n.t("help.check"))
def check() -> None:
    pass


# -- passwords ----------------------------------------------------------------------------
def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _from_stdin(labels: Sequence[str]) -> Iterator[tuple[str, tuple[str, str]]]:
    """(label, hash parts) for each non-empty stdin line; lines are dropped once hashed."""
    from safetycheck.probes.passwords import hash_password

    try:
        lines = [line.rstrip("\r\n") for line in sys.stdin]
    except UnicodeDecodeError:
        raise UsageError("error.check.stdin_encoding") from None
    lines = [line for line in lines if line]
    if labels and len(labels) != len(lines):
        count = len(lines)
        lines.clear()
        raise UsageError("error.check.label_count", labels=len(labels), passwords=count)
    names = list(labels) or [str(i) for i in range(1, len(lines) + 1)]
    for i, name in enumerate(names):
        parts = hash_password(lines[i])
        lines[i] = ""
        yield name, parts


def passwords_from_prompt(app: App, labels: Sequence[str]) -> Iterator[tuple[str, tuple[str, str]]]:
    """Ask a label (unless given) and a hidden password, one account at a time."""
    from safetycheck.probes.passwords import hash_password
    from safetycheck.ui import prompts
    from safetycheck.ui.text import clean

    if not app.interactive:
        raise UsageError("error.check.no_terminal")
    given = list(labels)
    number = 0
    while True:
        number += 1
        if given:
            if number > len(given):
                return
            label = given[number - 1]
        else:
            try:
                label = prompts.read_line(app, app.t("check.password.ask_label") + " ")
            except prompts.Pause:
                return
            if not label:
                return
        secret = app.prompt_secret("check.password.ask", label=clean(label, 60))
        if not secret:
            continue
        parts = hash_password(secret)
        del secret
        yield label, parts


# Unknown options are caught too: "-hunter2" must not be echoed back as "no such option".
@check.command("password", short_help=i18n.t("help.check.password"),
               help=i18n.t("help.check.password") + "\n\n" + i18n.t("help.check.password.long"),
               context_settings={"ignore_unknown_options": True})
@click.argument("forbidden", nargs=-1, required=False, metavar="")
@click.option("--stdin", "from_stdin", is_flag=True, help=i18n.t("opt.check.stdin"))
@click.option("--label", "labels", multiple=True, metavar="LABEL",
              help=i18n.t("opt.check.label"))
@click.option("--offline", is_flag=True, help=i18n.t("opt.check.offline"))
@click.option("--session", "session_id", metavar="ID", help=i18n.t("opt.check.session"))
@click.option("--json", "as_json", is_flag=True, help=i18n.t("opt.json"))
@lang_option
@pass_app
def password(app: App, forbidden: tuple[str, ...], from_stdin: bool, labels: tuple[str, ...],
             offline: bool, session_id: str | None, as_json: bool) -> int:
    if forbidden:
        del forbidden
        raise UsageError("error.check.password_in_argv")

    session = load_session(app, session_id)
    store = app.vault() if session is not None else None
    if from_stdin and _stdin_is_terminal():
        from_stdin = False  # typed passwords would show on screen: use the hidden prompt
    source = _from_stdin(labels) if from_stdin else passwords_from_prompt(app, labels)
    results, failure = check_passwords(app, store, session, source, offline or app.offline,
                                       quiet=as_json)
    if failure is not None:
        raise failure
    if as_json:
        app.print_json({"schema": "safetycheck.passwords/1", "probe": "passwords",
                        "service": "Pwned Passwords",
                        "results": [{"label": label, "found": count > 0, "count": count}
                                    for label, count in results]})
        return 0
    if not results:
        app.say("check.password.none")
    elif any(count for _, count in results):
        app.print("")
        app.say("check.password.advice")
    if session is not None and results:
        app.say("check.password.saved", session=session.id)
    return 0


# -- e-mail addresses ---------------------------------------------------------------------
def _api_key(app: App, from_stdin: bool) -> str:
    """--api-key-stdin, then SAFETYCHECK_HIBP_API_KEY, then the keyring, then a hidden prompt."""
    from safetycheck.probes.breaches import ENV_KEY, KEYRING_NAME, valid_api_key

    key = ""
    if from_stdin:
        if _stdin_is_terminal():
            key = app.prompt_secret("check.email.key_prompt")
        else:
            key = sys.stdin.readline()
    if not key:
        key = os.environ.get(ENV_KEY, "")
    if not key.strip():
        key = _keyring_key(KEYRING_NAME) or ""
    if not key.strip() and app.interactive:
        key = app.prompt_secret("check.email.key_prompt")
    key = key.strip()
    if not key:
        raise UsageError("error.hibp.no_key")
    if not valid_api_key(key):
        raise UsageError("error.hibp.bad_key_format")
    return key


def _keyring_key(name: str) -> str | None:
    from safetycheck.storage.keys import keyring_get, keyring_status

    try:
        if not keyring_status().usable:
            return None
        return keyring_get(name)
    except Exception:  # noqa: BLE001 - a broken or locked keyring is the same as no key
        return None


def account_id(session_id: str, address: str) -> str:
    """A per-session id for an address: tells re-checks apart without storing the address."""
    return hashlib.sha256(f"{session_id}:{address.lower()}".encode()).hexdigest()[:16]


@check.command("email", short_help=i18n.t("help.check.email"),
               help=i18n.t("help.check.email") + "\n\n" + i18n.t("help.check.email.long"))
@click.argument("address")
@click.option("--yes", is_flag=True, help=i18n.t("opt.yes"))
@click.option("--api-key-stdin", "key_stdin", is_flag=True,
              help=i18n.t("opt.check.api_key_stdin"))
@click.option("--offline", is_flag=True, help=i18n.t("opt.check.offline"))
@click.option("--session", "session_id", metavar="ID", help=i18n.t("opt.check.session"))
@click.option("--json", "as_json", is_flag=True, help=i18n.t("opt.json"))
@lang_option
@pass_app
def email(app: App, address: str, yes: bool, key_stdin: bool, offline: bool,
          session_id: str | None, as_json: bool) -> int:
    from safetycheck.model import Area, Finding, ProbeRun, Status
    from safetycheck.probes.breaches import BadAccountError, Hibp, mask_email, valid_email
    from safetycheck.ui.exposure import show_breaches
    from safetycheck.ui.text import esc

    address = address.strip()
    if not valid_email(address):
        raise BadAccountError()
    masked = mask_email(address)
    session = load_session(app, session_id)
    if offline or app.offline:
        _skipped(app.vault() if session is not None else None, session, "breaches")
        raise OfflineError("error.check.offline")
    key = _api_key(app, key_stdin)
    client = Hibp.create(key)
    del key
    if not yes:
        if not app.interactive:
            raise UsageError("error.check.consent_needed")
        if not app.confirm("check.email.consent", address=esc(address)):
            app.say("check.email.declined")
            return 0
    breaches = client.breaches(address)
    if session is not None:
        acct = account_id(session.id, address)
        severity = severity_of(EMAIL_CHECK, "medium")
        findings = [Finding(check_id=EMAIL_CHECK, area=Area.EXPOSURE, severity=severity,
                            status=Status.AT_RISK, source="probe:breaches",
                            detail={"account": masked, "account_id": acct, "breach": b.title,
                                    "date": b.date, "data_classes": list(b.data_classes)})
                    for b in breaches]
        if not breaches:
            findings = [Finding(check_id=EMAIL_CHECK, area=Area.EXPOSURE, severity=severity,
                                status=Status.OK, source="probe:breaches",
                                detail={"account": masked, "account_id": acct, "breaches": 0})]
        run = ProbeRun(probe="breaches", status="complete",
                       data={"accounts": [{"account": masked, "breaches": len(breaches)}]})
        save_probe(app.vault(), session, run, findings,
                   replaces=lambda f: f.check_id == EMAIL_CHECK
                   and f.detail.get("account_id") == acct)
    if as_json:
        app.print_json({"schema": "safetycheck.breaches/1", "probe": "breaches",
                        "service": "Have I Been Pwned", "account": masked,
                        "breaches": [{"name": b.name, "title": b.title, "domain": b.domain,
                                      "date": b.date, "data_classes": list(b.data_classes),
                                      "verified": b.verified, "sensitive": b.sensitive}
                                     for b in breaches]})
        return 0
    show_breaches(app, masked, breaches)
    if session is not None:
        app.say("check.email.saved", session=session.id)
    return 0
