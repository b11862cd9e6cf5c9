"""``safetycheck config``: API keys for the online look-ups, kept only in a secure OS keyring.

``set-key hibp`` reads the key from a hidden prompt or ``--stdin`` (never argv), tests it
with one call to the service, and stores it only if that call succeeded. Where no secure
keyring exists (none at all, or one that stores secrets in plain text) nothing is stored:
the key can still be given per run (``SAFETYCHECK_HIBP_API_KEY``, ``--api-key-stdin``).

Exit codes: 0 done; 2 no secure keyring, unknown service, empty or malformed key;
5 offline, or the service rejected the key or could not be reached.
"""

from __future__ import annotations

import sys

import click

from safetycheck import i18n
from safetycheck.cli.app import App, lang_option, pass_app
from safetycheck.errors import OfflineError, UsageError

SERVICES = ("hibp",)


def _keyring_name(service: str) -> str:
    from safetycheck.probes.breaches import KEYRING_NAME

    if service.lower() not in SERVICES:
        raise UsageError("error.config.unknown_service", name=service, names=", ".join(SERVICES))
    return KEYRING_NAME


def _secure_keyring(app: App) -> str:
    """The name of the secure keyring backend; refuses plain-text and missing keyrings."""
    from safetycheck.storage.keys import keyring_status

    status = keyring_status()
    if not status.usable:
        if status.refused:
            app.warn("error.insecure_keyring", backend=status.name)
        raise UsageError("error.config.no_keyring")
    return status.name


@click.group(help=i18n.t("help.config"))
def config() -> None:
    pass


@config.command("set-key", help=i18n.t("help.config.set_key"))
@click.argument("service", metavar="hibp")
@click.option("--stdin", "from_stdin", is_flag=True, help=i18n.t("opt.config.stdin"))
@lang_option
@pass_app
def set_key(app: App, service: str, from_stdin: bool) -> int:
    from safetycheck.probes.breaches import Hibp, valid_api_key
    from safetycheck.storage.keys import keyring_set

    name = _keyring_name(service)
    backend = _secure_keyring(app)
    if app.offline:
        raise OfflineError("config.key.offline")
    if from_stdin:
        key = sys.stdin.readline().strip()
    else:
        if not app.interactive:
            raise UsageError("error.config.no_terminal")
        key = app.prompt_secret("config.key.prompt").strip()
    if not key:
        raise UsageError("error.hibp.no_key")
    if not valid_api_key(key):
        raise UsageError("error.hibp.bad_key_format")
    app.say("config.key.testing")
    Hibp.create(key).test_key()  # raises for a rejected key: nothing is stored
    keyring_set(name, key)
    del key
    app.say("config.key.saved", backend=backend)
    return 0


@config.command("delete-key", help=i18n.t("help.config.delete_key"))
@click.argument("service", metavar="hibp")
@lang_option
@pass_app
def delete_key(app: App, service: str) -> int:
    from safetycheck.storage.keys import keyring_delete

    name = _keyring_name(service)
    _secure_keyring(app)
    if keyring_delete(name):
        app.say("config.key.deleted")
    else:
        app.say("config.key.not_found")
    return 0
