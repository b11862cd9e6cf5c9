"""Round trips of the Android scan: safetycheck's one-script approach vs one dumpsys per app.

A stand-in ``adb`` (a small Python program written to a temporary folder) sleeps 100 ms on
every invocation, like a real adb round trip over USB, and serves a simulated phone with 300
apps (the demo phone plus ordinary store apps, in the real output formats). The benchmark
runs safetycheck's real ``AdbTransport`` against it, then the approach other tools take
(``pm list packages``, then ``dumpsys package <pkg>`` for each app, plus the settings and
accessibility calls), and prints the number of adb invocations and the wall time of each.

    .venv/bin/python benchmarks/android_scan.py [--apps 300] [--sleep 0.1]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from safetycheck.probes.android.adb import AdbTransport
from safetycheck.probes.android.demo_phone import DemoPhone
from safetycheck.probes.android.state import build_state

STAND_IN = r'''
import json, os, re, sys, time
from pathlib import Path
here = Path(__file__).parent
conf = json.loads((here / "conf.json").read_text())
with open(here / "calls.log", "a") as fh:
    fh.write("x\n")
time.sleep(conf["sleep"])
args = sys.argv[1:]
if args[:1] == ["devices"]:
    print("List of devices attached\nBENCH0001\tdevice model:Bench transport_id:1\n")
    sys.exit(0)
cmd = args[-1]
sec = here / "sections"
m = re.search(r"M=(@@SC-[0-9a-f]+@@)", cmd)
if m:  # safetycheck's script: every section in one answer
    mark = m.group(1)
    names = [a or b for a, b in re.findall(r'(?:;r ([a-z_]+) |"\$M begin ([a-z_]+)")', cmd)]
    out = []
    for n in names:
        f = sec / (n + ".txt")
        body = f.read_text() if f.exists() else ""
        out.append(f"{mark} begin {n}\n{body}{mark} end {n} rc=0\n")
    out.append(f"{mark} done\n")
    sys.stdout.write("".join(out))
elif cmd.startswith("dumpsys package "):
    sys.stdout.write((here / "pkgs" / (cmd.split()[-1] + ".txt")).read_text())
else:
    single = {"getprop": "getprop", "settings list secure": "settings_secure",
              "settings list global": "settings_global", "dumpsys accessibility": "accessibility",
              "pm list packages -U -u -i": "pm_list"}
    sys.stdout.write((sec / (single[cmd] + ".txt")).read_text())
'''


def prepare(folder: Path, apps: int, sleep: float) -> Path:
    phone = DemoPhone(extra_apps=max(0, apps - len(DemoPhone().apps)))
    (folder / "sections").mkdir()
    (folder / "pkgs").mkdir()
    for name, text in phone.sections().items():
        (folder / "sections" / f"{name}.txt").write_text(text)
    for app in phone.apps:
        (folder / "pkgs" / f"{app.package}.txt").write_text(phone.package_dump(app.package))
    (folder / "conf.json").write_text(json.dumps({"sleep": sleep}))
    (folder / "stand_in.py").write_text(STAND_IN)
    exe = folder / "adb"
    exe.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{folder / "stand_in.py"}" "$@"\n')
    exe.chmod(0o755)
    return exe


def calls(folder: Path) -> int:
    log = folder / "calls.log"
    n = len(log.read_text().splitlines()) if log.exists() else 0
    log.unlink(missing_ok=True)
    return n


def one_script(exe: Path) -> int:
    """safetycheck's transport: ``adb devices -l`` then one ``adb shell <script>``."""
    return len(build_state(AdbTransport(str(exe)).acquire()).apps)


def per_app(exe: Path) -> int:
    """What tools that run ``dumpsys package <pkg>`` per app do."""

    def adb(*args: str) -> str:
        return subprocess.run([str(exe), *args], capture_output=True, text=True,
                              check=True).stdout

    adb("devices", "-l")
    for cmd in ("getprop", "settings list secure", "settings list global",
                "dumpsys accessibility"):
        adb("-s", "BENCH0001", "shell", cmd)
    packages = [line.split()[0][len("package:"):] for line in
                adb("-s", "BENCH0001", "shell", "pm list packages -U -u -i").splitlines()
                if line.startswith("package:")]
    for pkg in packages:
        adb("-s", "BENCH0001", "shell", f"dumpsys package {pkg}")
    return len(packages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", type=int, default=300)
    parser.add_argument("--sleep", type=float, default=0.1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        exe = prepare(folder, args.apps, args.sleep)
        rows = []
        for label, approach in (("safetycheck: one script", one_script),
                                ("one dumpsys per app", per_app)):
            start = time.perf_counter()
            napps = approach(exe)
            wall = time.perf_counter() - start
            rows.append((label, napps, calls(folder), wall))
    print(f"stand-in adb: {args.sleep * 1000:.0f} ms per invocation, {args.apps} apps")
    print(f"{'approach':<26}{'apps':>6}{'adb invocations':>18}{'wall time':>12}")
    for label, napps, n, wall in rows:
        print(f"{label:<26}{napps:>6}{n:>18}{wall:>11.2f}s")


if __name__ == "__main__":
    main()
