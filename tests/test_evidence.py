"""``safetycheck evidence``: export a bundle, verify it, catch every change, encrypt it."""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import zipfile
from pathlib import Path

import pytest
from conftest import load_report_fixture

from safetycheck.report import bundle as bundle_mod

fx = load_report_fixture()
POSIX = os.name == "posix"
BUNDLE_PASSPHRASE = "a long bundle passphrase"


@pytest.fixture
def work(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A vault holding the fixture session with two real evidence blobs; cwd = a work folder."""
    from safetycheck.storage.evidence import add_evidence
    from safetycheck.storage.vault import open_vault

    vault = open_vault(None)
    session = fx.session()
    session.evidence = []
    e1 = add_evidence(vault, session, "android/packages.txt", fx.RAW_PACKAGES,
                      "adb shell pm list packages -f -U", "echap a04c5c1")
    e2 = add_evidence(vault, session, "../../etc/dumpsys package.txt",
                      fx.RAW_DUMPSYS.encode(), "adb shell dumpsys package", "echap a04c5c1")
    session.findings[0].evidence = [e1.id, e2.id]
    vault.save(session)
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def bundle_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    f = tmp_path / "bundle-pass"
    f.write_text(BUNDLE_PASSPHRASE + "\n", encoding="utf-8")
    monkeypatch.setenv("SAFETYCHECK_BUNDLE_PASSPHRASE_FILE", str(f))
    return f


def export(cli, *extra: str, out: str = "b.zip"):
    result = cli(["--lang", "en", "evidence", "export", "Case DU-17", "-o", out, *extra])
    assert result.exit_code == 0, result.output
    return result


def rewrite(src: Path, dst: Path, change=None, drop: str = "", add: tuple[str, bytes] | None
            = None) -> None:
    """Copy a bundle member by member, changing, dropping or adding one member."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if info.filename == drop:
                continue
            data = zin.read(info)
            if change and info.filename == change[0]:
                data = change[1](data)
            zout.writestr(info, data)
        if add:
            zout.writestr(add[0], add[1])


def verify(cli, path: Path):
    return cli(["--lang", "en", "evidence", "verify", str(path)])


def test_export_writes_every_artefact_with_its_hash(work, cli):
    result = export(cli)
    out = work / "b.zip"
    if POSIX:
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    assert digest in result.stdout.replace("\n", "")
    assert "Careful: this file holds personal information" in result.stderr
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        manifest = json.loads(zf.read("manifest.json"))
        assert set(names) == {"README.txt", "manifest.json", "custody.log",
                              "evidence/android/packages.txt", "evidence/etc/dumpsys_package.txt",
                              "photos/metadata.json", "report/report.html", "report/report.json"}
        assert zf.read("evidence/android/packages.txt") == fx.RAW_PACKAGES
        by_path = {f["path"]: f for f in manifest["files"]}
        assert set(by_path) == set(names) - {"manifest.json"}
        for name, entry in by_path.items():
            data = zf.read(name)
            assert entry["sha256"] == hashlib.sha256(data).hexdigest()
            assert entry["size"] == len(data)
            assert entry["collected_at"].endswith("Z") and entry["command"]
        raw = by_path["evidence/android/packages.txt"]
        assert raw["command"] == "adb shell pm list packages -f -U"
        assert raw["indicator_set"] == "echap a04c5c1" and raw["matches_collection"] is True
        custody = zf.read("custody.log").decode()
        assert "session_created" in custody and "evidence_collected" in custody
        assert custody.rstrip().splitlines()[-1].split("\t")[1:] == ["evidence_exported", "b.zip"]
        photos = json.loads(zf.read("photos/metadata.json"))
        assert "49.486389" not in json.dumps(photos)  # no coordinates unless asked
        report = json.loads(zf.read("report/report.json"))
        assert report["session"]["id"] == "5e55a0c1d2e3"
    # The export itself is recorded in the session's chain of custody.
    from safetycheck.storage.vault import open_vault

    session = open_vault(None).load("5e55a0c1d2e3")
    assert session.custody[-1].action == "evidence_exported"
    assert digest in session.custody[-1].detail


def test_include_locations_puts_coordinates_in_the_photo_extract(work, cli):
    export(cli, "--include-locations")
    with zipfile.ZipFile(work / "b.zip") as zf:
        photos = json.loads(zf.read("photos/metadata.json"))
    assert photos["runs"][0]["with_location"][0]["lat"] == pytest.approx(49.486389)


def test_verify_ok(work, cli):
    export(cli)
    result = verify(cli, work / "b.zip")
    assert result.exit_code == 0, result.output
    assert "The bundle is intact: the SHA-256 of all 7 files match." in result.stdout


def test_one_changed_byte_is_caught(work, cli):
    export(cli)
    name = "evidence/android/packages.txt"
    rewrite(work / "b.zip", work / "t.zip",
            change=(name, lambda d: d[:10] + bytes([d[10] ^ 1]) + d[11:]))
    result = verify(cli, work / "t.zip")
    assert result.exit_code == 1
    assert f"Changed: {name} (SHA-256 does not match" in result.stdout.replace("\n", " ")
    assert "1 problems found" in result.stdout


def test_a_flipped_byte_in_the_zip_itself_is_caught(work, cli):
    export(cli)
    data = bytearray((work / "b.zip").read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("report/report.html")
    # Local header: 30 bytes + name + extra, then the compressed data.
    offset = info.header_offset + 30 + len(info.filename) + len(info.extra) + 40
    data[offset] ^= 0xFF
    (work / "t.zip").write_bytes(bytes(data))
    result = verify(cli, work / "t.zip")
    assert result.exit_code != 0
    assert "report/report.html" in result.stdout


def test_missing_and_extra_files_are_caught(work, cli):
    export(cli)
    rewrite(work / "b.zip", work / "t.zip", drop="custody.log",
            add=("evidence/planted.txt", b"not collected by safetycheck"))
    result = verify(cli, work / "t.zip")
    assert result.exit_code == 1
    out = result.stdout.replace("\n", " ")
    assert "Missing: custody.log" in out
    assert "Extra: evidence/planted.txt" in out
    assert "2 problems found" in out


def test_a_changed_manifest_entry_is_caught(work, cli):
    export(cli)

    def edit(data: bytes) -> bytes:
        manifest = json.loads(data)
        manifest["files"][1]["sha256"] = "0" * 64
        return json.dumps(manifest).encode()

    rewrite(work / "b.zip", work / "t.zip", change=("manifest.json", edit))
    assert verify(cli, work / "t.zip").exit_code == 1


def test_not_a_bundle(work, cli):
    (work / "x.zip").write_bytes(b"hello")
    result = verify(cli, work / "x.zip")
    assert result.exit_code == 3
    assert "This file is not an evidence bundle" in result.stderr
    empty = work / "e.zip"
    with zipfile.ZipFile(empty, "w") as zf:
        zf.writestr("a.txt", "a")
    result = verify(cli, empty)
    assert result.exit_code == 3 and "no manifest.json" in result.stderr
    missing = verify(cli, work / "nope.zip")
    assert missing.exit_code == 2 and "Traceback" not in missing.output


def test_encrypted_roundtrip(work, cli, bundle_pass):
    result = export(cli, "--encrypt", out="b.zip.enc")
    blob = (work / "b.zip.enc").read_bytes()
    assert blob.startswith(b"SCEB\x01\x01")
    assert b"Case DU-17" not in blob and b"manifest.json" not in blob
    assert "safetycheck evidence decrypt" in result.stdout
    if POSIX:
        assert stat.S_IMODE((work / "b.zip.enc").stat().st_mode) == 0o600
    ok = verify(cli, work / "b.zip.enc")
    assert ok.exit_code == 0, ok.output
    assert "The bundle is intact" in ok.stdout
    dec = cli(["--lang", "en", "evidence", "decrypt", "b.zip.enc"])
    assert dec.exit_code == 0, dec.output
    plain = work / "b.zip"
    assert verify(cli, plain).exit_code == 0
    with zipfile.ZipFile(plain) as zf:
        assert zf.read("evidence/android/packages.txt") == fx.RAW_PACKAGES


def test_wrong_passphrase_gives_a_clear_message(work, cli, bundle_pass, tmp_path, monkeypatch):
    export(cli, "--encrypt", out="b.zip.enc")
    wrong = tmp_path / "wrong"
    wrong.write_text("not the passphrase\n")
    monkeypatch.setenv("SAFETYCHECK_BUNDLE_PASSPHRASE_FILE", str(wrong))
    for args in (["evidence", "verify", "b.zip.enc"], ["evidence", "decrypt", "b.zip.enc"]):
        result = cli(["--lang", "en", *args])
        assert result.exit_code == 3
        assert "The passphrase is wrong, or the encrypted file was changed." in result.stderr
        assert "Traceback" not in result.output
    assert not (work / "b.zip").exists()


def test_changed_encrypted_byte_is_refused(work, cli, bundle_pass):
    export(cli, "--encrypt", out="b.zip.enc")
    data = bytearray((work / "b.zip.enc").read_bytes())
    data[len(data) // 2] ^= 1
    (work / "t.enc").write_bytes(bytes(data))
    assert verify(cli, work / "t.enc").exit_code == 3


def test_encrypt_without_terminal_or_passphrase_file(work, cli):
    result = cli(["--lang", "en", "evidence", "export", "-o", "b.zip.enc", "--encrypt"])
    assert result.exit_code == 2
    assert "There is no terminal to ask for the passphrase." in result.stderr
    assert "SAFETYCHECK_BUNDLE_PASSPHRASE_FILE" in result.stderr
    assert not (work / "b.zip.enc").exists()


def test_short_bundle_passphrase_is_refused(work, cli, tmp_path, monkeypatch):
    short = tmp_path / "short"
    short.write_text("abc\n")
    monkeypatch.setenv("SAFETYCHECK_BUNDLE_PASSPHRASE_FILE", str(short))
    result = cli(["--lang", "en", "evidence", "export", "-o", "b.zip.enc", "--encrypt"])
    assert result.exit_code == 2 and "too short" in result.stderr


def test_crafted_header_cannot_ask_for_huge_scrypt_memory():
    blob = bytearray(bundle_mod.encrypt_bundle(b"zip", "passphrase", log2_n=10))
    blob[6] = 30  # log2 N
    with pytest.raises(bundle_mod.BundleError) as err:
        bundle_mod.decrypt_bundle(bytes(blob), "passphrase")
    assert err.value.key == "bundle.error.unknown_format"


def test_unreadable_blob_is_listed_not_fatal(work, cli, home):
    blob_dir = next((home / "sessions").glob("*.blobs"))
    victim = sorted(blob_dir.iterdir())[0]
    victim.write_bytes(b"garbage")
    result = export(cli)
    assert "Could not read the evidence" in result.stderr
    with zipfile.ZipFile(work / "b.zip") as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert len(manifest["unavailable"]) == 1
    assert verify(cli, work / "b.zip").exit_code == 0


def test_safe_names_stay_inside_the_bundle():
    assert bundle_mod.safe_name("../../etc/passwd", "x") == "etc/passwd"
    assert bundle_mod.safe_name("/abs/\x1b[2Jname\u202e.txt", "x") == "abs/name_.txt"
    assert bundle_mod.safe_name("..", "fallback") == "fallback"
    assert bundle_mod.safe_name("C:\\Users\\a.txt", "x") == "C/Users/a.txt"
