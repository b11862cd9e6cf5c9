"""``safetycheck evidence``: export a session's evidence bundle, verify it, decrypt it.

The bundle format and how to check it by hand are in ``docs/evidence-bundle.md``.
Passphrases come from a hidden prompt or from the file named by
``SAFETYCHECK_BUNDLE_PASSPHRASE_FILE`` (first line; for scripts, less safe) — never argv.
"""

from __future__ import annotations

from pathlib import Path

import click

from safetycheck import i18n
from safetycheck.cli.app import App, lang_option, pass_app
from safetycheck.errors import EXIT_ERROR, NoInputError, UsageError

ENV_BUNDLE_PASSPHRASE_FILE = "SAFETYCHECK_BUNDLE_PASSPHRASE_FILE"
MIN_PASSPHRASE = 8


def _passphrase_from_file() -> str | None:
    from safetycheck.report.bundle import BundlePassphraseError
    from safetycheck.storage.keys import passphrase_from_file

    return passphrase_from_file(ENV_BUNDLE_PASSPHRASE_FILE, BundlePassphraseError,
                                "bundle.error.passphrase_file")


def ask_passphrase(app: App, new: bool) -> str:
    """The bundle passphrase: from the file, else a hidden prompt (twice for a new one)."""
    from_file = _passphrase_from_file()
    if from_file is not None:
        if new and len(from_file) < MIN_PASSPHRASE:
            raise UsageError("bundle.error.passphrase_short", min=MIN_PASSPHRASE)
        return from_file
    if not app.interactive:
        raise NoInputError("bundle.error.no_passphrase")
    if not new:
        return app.prompt_secret("bundle.passphrase.enter")
    app.say("bundle.passphrase.explain")
    for _ in range(3):
        first = app.prompt_secret("bundle.passphrase.new")
        if len(first) < MIN_PASSPHRASE:
            app.say("bundle.passphrase.too_short", min=MIN_PASSPHRASE)
            continue
        if app.prompt_secret("bundle.passphrase.repeat") == first:
            return first
        app.say("bundle.passphrase.mismatch")
    raise UsageError("bundle.error.passphrase_gave_up")


def _read(path: Path) -> bytes:
    from safetycheck.errors import DataError

    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UsageError("error.path_not_found", path=str(path)) from None
    except OSError as exc:
        raise DataError("bundle.error.read", path=str(path),
                        detail=exc.strerror or type(exc).__name__) from None


@click.group(help=i18n.t("help.evidence"))
def evidence() -> None:
    pass


@evidence.command("export", help=i18n.t("help.evidence.export"))
@click.argument("session", required=False, metavar="[SESSION]")
@click.option("-o", "--output", metavar="FILE", help=i18n.t("bundle.opt.output"))
@click.option("--encrypt", is_flag=True, help=i18n.t("bundle.opt.encrypt"))
@click.option("--include-locations", is_flag=True, help=i18n.t("report.opt.include_locations"))
@click.option("--caseworker", metavar="NAME", help=i18n.t("report.opt.caseworker"))
@lang_option
@pass_app
def export(app: App, session: str | None, output: str | None, encrypt: bool,
           include_locations: bool, caseworker: str | None) -> None:
    from safetycheck.catalog import load_catalog
    from safetycheck.cli.report import find_session, output_path, write_sensitive
    from safetycheck.report.bundle import build_bundle, encrypt_bundle, sha256_hex

    found = find_session(app, session)
    passphrase = ask_passphrase(app, new=True) if encrypt else None
    vault = app.vault()
    ext = "zip.enc" if encrypt else "zip"
    path = output_path(output, f"safetycheck-evidence-{found.id}.{ext}")
    if path is None:
        raise UsageError("bundle.error.no_stdout")
    bundle = build_bundle(found, vault, load_catalog(), app.lang,
                          include_locations=include_locations, caseworker=caseworker,
                          bundle_name=path.name)
    data = bundle.data
    if passphrase is not None:
        data = encrypt_bundle(data, passphrase)
        del passphrase
    write_sensitive(app, path, data, "bundle.what")
    digest = sha256_hex(data)
    app.say("bundle.exported", files=len(bundle.files), sha256=digest)
    for item in bundle.unavailable:
        app.warn("bundle.unavailable", name=item.name, id=item.evidence_id)
    for name in bundle.changed:
        app.warn("bundle.changed_since_collection", path=name)
    if encrypt:
        app.say("bundle.encrypted_hint", path=str(path))
    found.log("evidence_exported", f"{path.name} sha256={digest} files={len(bundle.files)}")
    vault.save(found)


def _open(app: App, path: Path) -> bytes:
    from safetycheck.report.bundle import decrypt_bundle, is_encrypted

    data = _read(path)
    if is_encrypted(data):
        data = decrypt_bundle(data, ask_passphrase(app, new=False))
    return data


@evidence.command("verify", help=i18n.t("help.evidence.verify"))
@click.argument("bundle", type=click.Path(path_type=Path, dir_okay=False))
@lang_option
@pass_app
def verify(app: App, bundle: Path) -> None:
    from safetycheck.report.bundle import sha256_hex, verify_bundle

    raw = _read(bundle)
    app.say("bundle.verify.file_hash", sha256=sha256_hex(raw))
    result = verify_bundle(_open(app, bundle))
    for p in result.problems:
        app.say(f"bundle.problem.{p.kind}", path=p.path, detail=p.detail)
    if result.problems:
        app.say("bundle.verify.failed", count=len(result.problems))
        raise click.exceptions.Exit(EXIT_ERROR)
    app.say("bundle.verify.ok", files=result.files_checked)


@evidence.command("decrypt", help=i18n.t("help.evidence.decrypt"))
@click.argument("bundle", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", metavar="FILE", help=i18n.t("bundle.opt.decrypt_output"))
@lang_option
@pass_app
def decrypt(app: App, bundle: Path, output: str | None) -> None:
    from safetycheck.cli.report import output_path, write_sensitive
    from safetycheck.report.bundle import BundleError, is_encrypted

    data = _read(bundle)
    if not is_encrypted(data):
        raise BundleError("bundle.error.not_encrypted")
    name = bundle.name.removesuffix(".enc")
    if name == bundle.name or not name.endswith(".zip"):
        name = (name.removesuffix(".zip") or "bundle") + ".decrypted.zip"
    path = output_path(output, name)
    if path is None:
        raise UsageError("bundle.error.no_stdout")
    if path.resolve() == bundle.resolve():
        raise UsageError("bundle.error.same_file")
    plain = _open(app, bundle)
    write_sensitive(app, path, plain, "bundle.what_decrypted")
