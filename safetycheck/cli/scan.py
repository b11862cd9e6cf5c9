"""``safetycheck scan``: automated scans (an Android phone over adb, photos)."""

from __future__ import annotations

import click

from safetycheck import i18n
from safetycheck.cli.root import LazyGroup

SCANS = {
    "android": ("safetycheck.cli.scan_android", "android", "help.scan.android"),
    "photos": ("safetycheck.cli.scan_photos", "photos", "help.scan.photos"),
}


@click.group(cls=LazyGroup, lazy=SCANS, help=i18n.t("help.scan"))
def scan() -> None:
    pass
