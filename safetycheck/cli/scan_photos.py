"""``safetycheck scan photos PATH...``: photos that carry a location, and clean copies.

Exit codes: 0 the scan finished (files that could not be read are listed, not fatal);
2 a path does not exist, or the folder for clean copies cannot be used.

The originals are only read. ``--strip OUTDIR`` writes new files; each is checked to carry
no location before it is kept. Coordinates appear on screen only with ``--show-location``,
and in ``--json`` output (which the person asked for); the session stores them encrypted
and the report hides them unless asked.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from safetycheck import i18n
from safetycheck.cli.app import App, lang_option, pass_app
from safetycheck.errors import UsageError

if TYPE_CHECKING:
    from safetycheck.model import Session
    from safetycheck.probes.photos import PhotoMeta, ScanResult

PHOTOS_CHECK = "photos_no_location"


def _camera(meta: PhotoMeta) -> str | None:
    make, model = meta.make, meta.model
    if make and model and not model.lower().startswith(make.lower()):
        return f"{make} {model}"
    return model or make


@click.command("photos", short_help=i18n.t("help.scan.photos"),
               help=i18n.t("help.scan.photos") + "\n\n" + i18n.t("help.scan.photos.long"))
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path),
                metavar="PATH...")
@click.option("--json", "as_json", is_flag=True, help=i18n.t("opt.json"))
@click.option("--strip", "strip_dir", type=click.Path(path_type=Path), metavar="OUTDIR",
              help=i18n.t("opt.photos.strip"))
@click.option("--show-location", is_flag=True, help=i18n.t("opt.photos.show_location"))
@click.option("--session", "session_id", metavar="ID", help=i18n.t("opt.check.session"))
@lang_option
@pass_app
def photos(app: App, paths: tuple[Path, ...], as_json: bool, strip_dir: Path | None,
           show_location: bool, session_id: str | None) -> int:
    from safetycheck.cli.check import load_session
    from safetycheck.probes.photos import iter_candidates, scan_candidates
    from safetycheck.ui.exposure import Progress

    for path in paths:
        if not path.exists():
            raise UsageError("error.path_not_found", path=str(path))
    if strip_dir is not None and strip_dir.exists() and not strip_dir.is_dir():
        raise UsageError("error.photos.strip_dir", folder=str(strip_dir))
    session = load_session(app, session_id)
    candidates = list(iter_candidates(paths, exclude=[strip_dir] if strip_dir else []))
    with Progress(app, len(candidates)) as bar:
        result = scan_candidates(candidates, progress=bar.advance)
    copies: list[tuple[str, str]] = []
    failed: list[tuple[str, str]] = []
    if strip_dir is not None:
        copies, failed = _strip(result, candidates, strip_dir)
    if session is not None:
        record_scan(app.vault(), session, result, len(copies))
    if as_json:
        app.print_json(_json(result, copies, failed))
        return 0
    from safetycheck.ui.exposure import show_photo_scan, show_strip_result

    if not result.files_scanned:
        app.say("photos.no_photos")
        if result.other_files:
            app.say("photos.other_files", count=result.other_files)
    else:
        show_photo_scan(app, result, show_location)
    if strip_dir is not None:
        show_strip_result(app, str(strip_dir), len(copies), failed)
    if session is not None:
        app.say("photos.saved", session=session.id)
    return 0


def _strip(result: ScanResult, candidates: list[tuple[Path, bool]], outdir: Path
           ) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    from safetycheck.probes.photos import PhotoError, write_clean_copy

    try:
        outdir.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        raise UsageError("error.photos.strip_dir", folder=str(outdir)) from None
    originals = {os.path.normcase(os.path.realpath(p)) for p, _ in candidates}
    taken: set[str] = set()
    copies: list[tuple[str, str]] = []
    failed: list[tuple[str, str]] = []
    for item in result.photos:
        try:
            target = write_clean_copy(Path(item.path), item.meta, outdir, taken, originals)
        except PhotoError as exc:
            failed.append((item.path, exc.key))
        else:
            copies.append((item.path, str(target)))
    return copies, failed


def _located(result: ScanResult) -> list[dict[str, object]]:
    return [{"file": p.path, "lat": p.meta.lat, "lon": p.meta.lon, "time": p.meta.time,
             "model": _camera(p.meta), "source": p.meta.gps_source}
            for p in result.with_location]


def record_scan(store: Any, session: Session, result: ScanResult, copies: int) -> None:
    """Add the scan to ``session`` as a probe run and one finding (counts, no coordinates
    in the finding), and save it; shared with the audit's photo step."""
    from safetycheck.cli.check import save_probe, severity_of
    from safetycheck.model import Area, Finding, ProbeRun, Status

    located = _located(result)
    unreadable = [{"file": u.path, "reason": u.reason}
                  for u in result.unreadable]
    run = ProbeRun(probe="photos", status="complete", data={
        "files_scanned": result.files_scanned,
        "with_location": located,
        "unreadable": unreadable,
        "other_files": result.other_files,
        "clean_copies": copies,
    })
    if located:
        status = Status.AT_RISK
    elif unreadable:
        status = Status.UNKNOWN
    else:
        status = Status.OK
    finding = Finding(check_id=PHOTOS_CHECK, area=Area.LOCATION,
                      severity=severity_of(PHOTOS_CHECK, "medium"), status=status,
                      source="probe:photos",
                      detail={"files_scanned": result.files_scanned,
                              "with_location": len(located), "unreadable": len(unreadable),
                              "probe_run": run.id})
    save_probe(store, session, run, [finding])


def _json(result: ScanResult, copies: list[tuple[str, str]],
          failed: list[tuple[str, str]]) -> dict[str, object]:
    return {
        "schema": "safetycheck.photos/1",
        "probe": "photos",
        "files_scanned": result.files_scanned,
        "with_location": _located(result),
        "without_location": [p.path for p in result.photos
                             if not p.meta.has_location],
        "unreadable": [{"file": u.path, "reason": u.reason}
                       for u in result.unreadable],
        "other_files": result.other_files,
        "clean_copies": [{"file": src, "copy": dst} for src, dst in copies],
        "copy_failed": [{"file": src, "reason": reason} for src, reason in failed],
    }
