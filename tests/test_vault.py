"""The encrypted vault: nothing readable at rest, keys, wrong passphrases, damage and restore."""

from __future__ import annotations

import json
import os
import stat

import keyring
import pytest
from keyring.backends import fail
from keyring_backends import PlaintextKeyring

from safetycheck.errors import (
    CorruptSessionError,
    InsecureKeyringError,
    VaultLockedError,
    WrongPassphraseError,
)
from safetycheck.model import Session
from safetycheck.storage import keys
from safetycheck.storage.vault import MemoryStore, open_vault

CANARY = "CANARY-7f3a9-Гэрэлмаа"


def _all_bytes(root):
    return b"".join(p.read_bytes() for p in root.rglob("*") if p.is_file())


def test_roundtrip_and_nothing_readable_at_rest(home):
    vault = open_vault()
    s = Session(label=CANARY)
    s.log("note", CANARY)
    vault.save(s)
    vault.save(s)
    assert open_vault().load(s.id).label == CANARY
    blob = _all_bytes(home)
    assert CANARY.encode() not in blob
    assert CANARY.encode("utf-16-le") not in blob


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_modes_are_private(home):
    vault = open_vault()
    s = Session(label="x")
    vault.save(s)
    vault.put_blob(s.id, "a" * 16, b"raw")
    for p in [home, *home.rglob("*")]:
        mode = stat.S_IMODE(p.stat().st_mode)
        assert mode == (0o700 if p.is_dir() else 0o600), (p, oct(mode))


def test_wrong_passphrase_leaves_data_intact(home, tmp_path, monkeypatch):
    vault = open_vault()
    s = Session(label="keep me")
    vault.save(s)
    before = {p: p.read_bytes() for p in home.rglob("*") if p.is_file()}
    wrong = tmp_path / "wrong"
    wrong.write_text("not the passphrase\n")
    monkeypatch.setenv("SAFETYCHECK_PASSPHRASE_FILE", str(wrong))
    with pytest.raises(WrongPassphraseError):
        open_vault()
    assert before == {p: p.read_bytes() for p in home.rglob("*") if p.is_file()}


def test_wrong_passphrase_cli_message(home, tmp_path, monkeypatch, cli):
    open_vault().save(Session(label="keep"))
    wrong = tmp_path / "wrong"
    wrong.write_text("not the passphrase\n")
    monkeypatch.setenv("SAFETYCHECK_PASSPHRASE_FILE", str(wrong))
    r = cli(["--lang", "en", "sessions", "list"])
    assert r.exit_code == 3
    assert "passphrase is wrong" in r.stderr and "Traceback" not in r.output


def test_no_key_source_fails_clearly(home, monkeypatch, cli):
    monkeypatch.delenv("SAFETYCHECK_PASSPHRASE_FILE")
    with pytest.raises(VaultLockedError):
        open_vault()
    r = cli(["--lang", "en", "sessions", "list"], env={"SAFETYCHECK_HOME": str(home)})
    assert r.exit_code in (0, 3)  # no vault yet: nothing to list
    (home.parent / "a.yaml").write_text("label: x\n")
    r = cli(["--lang", "en", "audit", "--answers", str(home.parent / "a.yaml"), "--no-input"])
    assert r.exit_code == 3 and "No key" in r.stderr


def test_keyring_path_stores_key_in_keyring(home, memory_keyring):
    vault = open_vault()
    vault.save(Session(label="kr"))
    meta = json.loads((home / "vault.json").read_text())
    assert meta["mode"] == "keyring" and "salt" not in json.dumps(meta)
    assert ("safetycheck", f"vault:{meta['vault_id']}") in memory_keyring.store
    assert [s.label for s in open_vault().scan()] == ["kr"]
    memory_keyring.store.clear()
    with pytest.raises(VaultLockedError):
        open_vault()


def test_plaintext_keyring_is_refused(home, monkeypatch, tmp_path):
    old = keyring.get_keyring()
    keyring.set_keyring(PlaintextKeyring())
    monkeypatch.delenv("SAFETYCHECK_NO_KEYRING")
    try:
        status = keys.keyring_status()
        assert not status.usable and status.refused
        with pytest.raises(InsecureKeyringError):
            keys.keyring_set("x", "y")
        vault = open_vault()  # falls back to the passphrase file, never the plain keyring
        vault.save(Session(label="p"))
        meta = json.loads((home / "vault.json").read_text())
        assert meta["mode"] == "passphrase"
        assert keyring.get_keyring().store == {}
    finally:
        keyring.set_keyring(old)


def test_fail_backend_means_no_keyring(monkeypatch):
    old = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    monkeypatch.delenv("SAFETYCHECK_NO_KEYRING", raising=False)
    try:
        assert not keys.keyring_status().usable
    finally:
        keyring.set_keyring(old)


def test_prompted_passphrase(home, monkeypatch):
    monkeypatch.delenv("SAFETYCHECK_PASSPHRASE_FILE")

    class FakeApp:
        interactive = True
        answers = iter(["short", "long enough pass", "mismatch!!", "long enough pass",
                        "long enough pass", "long enough pass"])

        def prompt_secret(self, key):
            return next(self.answers)

        def say(self, key, **kw):
            pass

        def warn(self, key, **kw):
            pass

    open_vault(FakeApp()).save(Session(label="prompted"))
    FakeApp.answers = iter(["long enough pass"])
    assert [s.label for s in open_vault(FakeApp()).scan()] == ["prompted"]
    FakeApp.answers = iter(["wrong pass phrase"])
    with pytest.raises(WrongPassphraseError):
        open_vault(FakeApp())


def test_corrupt_session_named_others_load_and_restore(home, cli):
    vault = open_vault()
    a, b = Session(label="alpha"), Session(label="beta")
    vault.save(a)
    a.label = "alpha v2"
    vault.save(a)
    vault.save(b)
    target = home / "sessions" / f"{a.id}.scv"
    target.write_bytes(target.read_bytes()[:40])  # truncated
    with pytest.raises(CorruptSessionError) as exc:
        vault.load(a.id)
    assert str(target) in str(exc.value.params["file"])
    r = cli(["--lang", "en", "sessions", "list"])
    assert r.exit_code == 1
    assert "beta" in r.stdout and f"{a.id}.scv" in r.stderr.replace("\n", "")
    assert "sessions restore" in r.stderr
    r = cli(["--lang", "en", "sessions", "restore", a.id])
    assert r.exit_code == 0, r.output
    assert vault.load(a.id).label == "alpha"  # the last good version
    assert (home / "sessions" / f"{a.id}.scv.damaged").exists()


def test_swapped_files_are_rejected(home):
    vault = open_vault()
    a, b = Session(label="a"), Session(label="b")
    vault.save(a)
    vault.save(b)
    (home / "sessions" / f"{a.id}.scv").write_bytes(
        (home / "sessions" / f"{b.id}.scv").read_bytes())
    with pytest.raises(CorruptSessionError):
        vault.load(a.id)


def test_interrupted_save_falls_back_to_backup(home):
    vault = open_vault()
    s = Session(label="one")
    vault.save(s)
    s.label = "two"
    vault.save(s)
    # A kill between the two renames of a save leaves only the backup.
    (home / "sessions" / f"{s.id}.scv").rename(home / "sessions" / f"{s.id}.scv.bak")
    assert vault.load(s.id).label == "two"


def test_memory_store_writes_nothing(home):
    store = MemoryStore()
    s = Session(label="m")
    store.save(s)
    store.put_blob(s.id, "b" * 12, b"x")
    assert store.load(s.id).label == "m"
    assert not home.exists()


def test_blobs_roundtrip_encrypted(home):
    vault = open_vault()
    s = Session()
    vault.put_blob(s.id, "c" * 16, CANARY.encode())
    assert vault.get_blob(s.id, "c" * 16) == CANARY.encode()
    assert CANARY.encode() not in _all_bytes(home)
