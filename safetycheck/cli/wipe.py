"""``safetycheck wipe``: erase every session, cache, report and key safetycheck kept here."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import click

from safetycheck import i18n
from safetycheck.cli.app import App, lang_option, pass_app
from safetycheck.errors import NoInputError

# Keyring entries that do not depend on a vault id.
FIXED_KEYRING_ENTRIES = ("hibp-api-key",)


def _keyring_usernames(root: Path) -> list[str]:
    names = list(FIXED_KEYRING_ENTRIES)
    try:
        meta = json.loads((root / "vault.json").read_text(encoding="utf-8"))
        if meta.get("vault_id"):
            names.insert(0, f"vault:{meta['vault_id']}")
    except (OSError, ValueError, AttributeError):
        pass
    return names


def _overwrite(path: Path) -> None:
    """Overwrite a file's bytes before unlinking (helps on plain HDDs; see SECURITY.md)."""
    try:
        size = path.stat().st_size
        with open(path, "r+b") as fh:
            fh.write(b"\0" * size)
            fh.flush()
    except OSError:
        pass


def wipe_data(root: Path) -> list[str]:
    """Remove the data folder and safetycheck's keyring entries; return what was removed."""
    from safetycheck.storage import keys

    removed: list[str] = []
    status = keys.keyring_status()
    if status.usable:
        for name in _keyring_usernames(root):
            try:
                if keys.keyring_delete(name):
                    removed.append(f"keyring: safetycheck/{name}")
            except Exception:  # noqa: BLE001 - a keyring error must not stop the wipe
                continue
    if root.exists():
        files = sorted(p for p in root.rglob("*") if p.is_file())
        for f in files:
            _overwrite(f)
            removed.append(str(f))
        shutil.rmtree(root)
        removed.append(str(root))
    return removed


@click.command(help=i18n.t("help.wipe"))
@click.option("--yes", is_flag=True, help=i18n.t("opt.yes"))
@lang_option
@pass_app
def wipe(app: App, yes: bool) -> int:
    from safetycheck.storage.paths import home

    root = home()
    if not yes:
        if not app.interactive:
            raise NoInputError("error.wipe_needs_yes")
        app.say("wipe.warning", path=str(root))
        if not app.confirm("wipe.confirm"):
            app.say("wipe.cancelled")
            return 0
    removed = wipe_data(root)
    if not removed:
        app.say("wipe.nothing", path=str(root))
        return 0
    for item in removed:
        app.say("wipe.removed", item=item)
    app.say("wipe.done", count=len(removed))
    return 0
