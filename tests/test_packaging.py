"""The wheel carries checks/ and guides/, and the installed command finds them."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, subprocess_env

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation",
                    "--outdir", str(out), str(ROOT)], check=True, capture_output=True)
    [whl] = out.glob("safetycheck-*.whl")
    return whl


def test_wheel_contains_data(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "safetycheck/_data/checks/platforms.yaml" in names
    assert any(n.startswith("safetycheck/_data/checks/accounts/") for n in names)
    assert any(n.startswith("safetycheck/_data/guides/mn/") for n in names)
    assert any(n.startswith("safetycheck/_data/guides/en/") for n in names)
    assert any(n.startswith("safetycheck/locales/") for n in names)
    assert not any("/tests/" in n or n.startswith("tests/") for n in names)


def test_installed_wheel_lists_checks_from_outside_the_checkout(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bindir = env_dir / ("Scripts" if sys.platform.startswith("win") else "bin")
    py = bindir / "python"
    # Dependencies come from this environment (no network): expose its site-packages after
    # the new environment's own, then install only the wheel.
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = subprocess.run([str(py), "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip()
    (Path(site) / "_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([str(py), "-m", "pip", "install", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    exe = bindir / "safetycheck"
    r = subprocess.run([str(exe), "checks", "list", "--json"], capture_output=True, text=True,
                       cwd=outside, env=subprocess_env(tmp_path / "home"))
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert len(data["checks"]) >= 4
    where = subprocess.run([str(py), "-c", "import safetycheck; print(safetycheck.__file__)"],
                           capture_output=True, text=True, cwd=outside, check=True).stdout
    assert str(env_dir) in where, where
    r = subprocess.run([str(exe), "--lang", "en", "guide", data["checks"][0]["id"], "--plain"],
                       capture_output=True, text=True, cwd=outside,
                       env=subprocess_env(tmp_path / "home"))
    assert r.returncode == 0, r.stderr
