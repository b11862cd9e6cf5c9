"""Show a project error as the person should see it: translated, with its hint, no escapes.

Used by the CLI's last-resort handler and by steps inside the audit that report a failure
and go on (a phone that cannot be reached, a network that is down).
"""

from __future__ import annotations

import click

from safetycheck import i18n
from safetycheck.errors import SafetycheckError


def show_error(exc: SafetycheckError) -> None:
    """Print a translated error to stderr; parameters are cleaned of escape sequences."""
    from safetycheck.ui.text import clean

    params = {k: clean(v) for k, v in exc.params.items()}
    click.echo(i18n.t("error.prefix") + " " + i18n.t(exc.key, **params), err=True)
    hint = exc.key + ".hint"
    if hint in i18n.load_catalog():
        click.echo(i18n.t(hint, **params), err=True)
