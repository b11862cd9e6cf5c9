#!/usr/bin/env python3
"""A stand-in for the ``adb`` executable, for tests: replays recorded phone outputs.

Driven by a JSON scenario file named in ``FAKE_ADB_SCENARIO``::

    {"devices": "List of devices attached\\nSER1\\tdevice model:X\\n",   # adb devices -l
     "devices_rc": 0, "devices_stderr": "",
     "phone": "phone_clean",            # folder of <section>.txt files (relative to the file)
     "shell": "ok" | "disconnect_in:<section>" | "hang_after:<section>" | "fail",
     "shell_stderr": "", "shell_rc": 0,
     "sleep": 0.0}                       # seconds to wait on every invocation

For ``adb -s SERIAL shell SCRIPT`` it reads the marker nonce and the section order from the
script itself (independently of safetycheck's code) and prints each recorded section between
the markers, then the final marker. Failures: ``disconnect_in`` stops half-way through a
section and exits 1 with adb's "device not found" message; ``hang_after`` prints the sections
before it, then sleeps (the caller's timeout must kill it); ``fail`` prints only stderr.
Every invocation is appended to ``FAKE_ADB_LOG`` (one JSON line, without the script).
"""

import json
import os
import re
import sys
import time
from pathlib import Path


def main(argv):
    scenario_path = Path(os.environ["FAKE_ADB_SCENARIO"])
    sc = json.loads(scenario_path.read_text(encoding="utf-8"))
    log = os.environ.get("FAKE_ADB_LOG")
    kind = "devices" if argv[:1] == ["devices"] else "shell" if "shell" in argv else "other"
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"cmd": kind, "args": [a for a in argv if len(a) < 80]}) + "\n")
    time.sleep(float(sc.get("sleep", 0)))
    if kind == "devices":
        sys.stdout.write(sc.get("devices", "List of devices attached\n"))
        sys.stderr.write(sc.get("devices_stderr", ""))
        return int(sc.get("devices_rc", 0))
    if kind != "shell":
        sys.stderr.write("fake adb: unsupported command\n")
        return 1
    script = argv[-1]
    behaviour = sc.get("shell", "ok")
    if behaviour == "fail":
        sys.stderr.write(sc.get("shell_stderr", "error: device unauthorized.\n"))
        return int(sc.get("shell_rc", 1))
    m = re.search(r"M=(@@SC-[0-9a-f]+@@)", script)
    if not m:
        sys.stderr.write("fake adb: no marker in the script\n")
        return 1
    mark = m.group(1)
    order = re.findall(r'(?:;r ([a-z_]+) |"\$M begin ([a-z_]+)")', script)
    names = [a or b for a, b in order]
    phone = Path(sc.get("phone", "phone_clean"))
    if not phone.is_absolute():
        phone = scenario_path.parent / phone
    out = sys.stdout
    for name in names:
        file = phone / f"{name}.txt"
        body = file.read_text(encoding="utf-8") if file.exists() else ""
        if behaviour == f"hang_after:{name}":
            out.flush()
            time.sleep(60)
            return 0
        out.write(f"{mark} begin {name}\n")
        if behaviour == f"disconnect_in:{name}":
            out.write(body[: len(body) // 2])
            out.flush()
            sys.stderr.write(sc.get("shell_stderr", "adb: device 'R58M12ABCDE' not found\n"))
            return 1
        out.write(body)
        if body and not body.endswith("\n"):
            out.write("\n")
        out.write(f"{mark} end {name} rc=0\n")
        out.flush()
    out.write(f"{mark} done\n")
    return int(sc.get("shell_rc", 0))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
