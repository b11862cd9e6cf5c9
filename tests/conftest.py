"""Shared fixtures: an isolated data folder and a way to run the CLI as a user would."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from safetycheck import i18n

PASSPHRASE = "correct horse battery staple"
ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty SAFETYCHECK_HOME, a passphrase file and no OS keyring."""
    data = tmp_path / "home"
    pp = tmp_path / "passphrase"
    pp.write_text(PASSPHRASE + "\n", encoding="utf-8")
    monkeypatch.setenv("SAFETYCHECK_HOME", str(data))
    monkeypatch.setenv("SAFETYCHECK_PASSPHRASE_FILE", str(pp))
    monkeypatch.setenv("SAFETYCHECK_NO_KEYRING", "1")
    monkeypatch.delenv("SAFETYCHECK_LANG", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return data


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch):
    """A working OS keyring (in memory) instead of none: keys go there, not to a passphrase."""
    import keyring
    from keyring_backends import MemoryKeyring

    kr = MemoryKeyring()
    old = keyring.get_keyring()
    keyring.set_keyring(kr)
    monkeypatch.delenv("SAFETYCHECK_NO_KEYRING", raising=False)
    monkeypatch.delenv("SAFETYCHECK_PASSPHRASE_FILE", raising=False)
    yield kr
    keyring.set_keyring(old)


@pytest.fixture(autouse=True)
def _reset_lang(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("SAFETYCHECK_LANG", raising=False)
    monkeypatch.setenv("COLUMNS", "80")
    yield
    i18n.set_lang(i18n.DEFAULT_LANG)


def run_cli(args: list[str], input: str | None = None, env: dict[str, str] | None = None
            ) -> Result:
    """Run ``safetycheck ARGS`` in-process through the real entry point (error handling too)."""
    from safetycheck.cli.root import run

    runner = CliRunner()
    with runner.isolation(input=input, env=env) as (out, err, _mixed):
        code = run(args)
        return Result(code, out.getvalue().decode("utf-8", "replace"),
                      err.getvalue().decode("utf-8", "replace"))


@pytest.fixture
def cli():
    return run_cli


def tree_snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its content (for "nothing was written" tests)."""
    if not root.exists():
        return {}
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def subprocess_env(home: Path | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAFETYCHECK_")}
    env["COLUMNS"] = "80"
    if home is not None:
        env["SAFETYCHECK_HOME"] = str(home)
    env.update(extra)
    return env


def load_report_fixture():
    """``tests/data/report/fixture.py`` (the report tests' session), loaded once by path."""
    import importlib.util
    import sys

    if "report_fixture" not in sys.modules:
        path = Path(__file__).parent / "data" / "report" / "fixture.py"
        spec = importlib.util.spec_from_file_location("report_fixture", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules["report_fixture"] = module
        spec.loader.exec_module(module)
    return sys.modules["report_fixture"]
