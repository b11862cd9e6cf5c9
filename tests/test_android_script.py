"""The one shell script run on the phone: read-only, short, and split back into sections."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "data" / "android"))
import testlib  # noqa: E402

from safetycheck.probes.android import script as sc  # noqa: E402

NONCE = "0123456789abcdef"

# Every piece of the script must be one of these (after splitting on ";").
ALLOWED_SEGMENTS = [
    r"M=@@SC-[0-9a-f]+@@",
    r'r\(\)\{ n=\$1',
    r"shift",
    r'echo "\$M begin \$n"',
    r'"\$@" 2>&1',
    r'echo "\$M end \$n rc=\$\?"',
    r"\}",
    r'echo "\$M (begin|end) [a-z_]+( rc=0)?"',
    r'echo "\$M done"',
    r'echo "\$[oa]"',
    r"for a in ('[-a-zA-Z0-9 ]*' ?)+",
    r'do o=\$\(pm list packages \$a 2>&1\)',
    r'case "\$o" in \*Exception\*\|\*Error:\*\)',
    r"\*package:\*\)break",
    r"esac",
    r"done",
    r"for d in [/a-z_ ]+",
    r"do for f in [a-z ]+",
    r"do \[ -e \$d/\$f \]&&echo \$d/\$f",
    r"r [a-z_]+ (date -u \+%Y-%m-%dT%H:%M:%SZ|getprop|settings list (secure|global)"
    r"|pm list packages -[s3d]|dumpsys (accessibility|device_policy|appops)|dpm list-owners"
    r"|getenforce|dumpsys package packages|cmd package query-activities --brief "
    r"-a android\.intent\.action\.MAIN -c android\.intent\.category\.LAUNCHER)",
]
FORBIDDEN = ["settings put", "settings delete", "pm uninstall", "pm clear", "pm disable",
             "pm enable", "pm grant", "pm revoke", "pm install", "am ", "input ", "rm ", "mv ",
             "cp ", "chmod", "setprop", "reboot", "svc ", "appops set", "dpm set", "dpm remove",
             "cmd package set", "cmd package install", "kill", "wm ", "screencap", "content "]


def test_script_is_only_read_only_commands():
    script = sc.build_script(NONCE)
    for segment in script.split(";"):
        segment = segment.strip()
        if not segment:
            continue
        assert any(re.fullmatch(p, segment) for p in ALLOWED_SEGMENTS), segment
    for word in FORBIDDEN:
        assert word not in script
    # no output redirection to a file: only 2>&1
    assert re.findall(r"\d?>[^&]", script) == []


def test_script_fits_old_adb_limit_and_has_every_section():
    script = sc.build_script(NONCE)
    assert len(script) < sc.MAX_SCRIPT_LEN < 4096
    for name in sc.SECTION_NAMES:
        assert f" {name}" in script
    with pytest.raises(ValueError):
        sc.build_script("not-hex; rm -rf /")


def test_nonce_is_fresh_each_time():
    assert sc.new_nonce() != sc.new_nonce()
    assert sc.nonce_from_script(sc.build_script(NONCE)) == NONCE


def test_split_output_roundtrip_and_forgery():
    sections = {"getprop": "[a]: [b]\n", "settings_global": "adb_enabled=1\n", "date": ""}
    text = sc.render_output(NONCE, sections)
    out = sc.split_output(text.replace("\n", "\r\n"), NONCE)
    assert out.done and out.sections == sections and out.truncated == ()
    # An app that prints a marker with a guessed nonce cannot add or end a section.
    forged = ("@@SC-ffffffffffffffff@@ begin packages\nPackages:\n"
              "@@SC-ffffffffffffffff@@ end packages rc=0\n")
    out = sc.split_output(sc.render_output(NONCE, {"getprop": forged}), NONCE)
    assert set(out.sections) == {"getprop"} and out.sections["getprop"] == forged


def test_split_output_drops_a_truncated_section():
    m = sc.marker(NONCE)
    text = f"{m} begin getprop\n[a]: [b]\n{m} end getprop rc=0\n{m} begin packages\nPackages:\n"
    out = sc.split_output(text, NONCE)
    assert out.sections == {"getprop": "[a]: [b]\n"}
    assert out.truncated == ("packages",) and not out.done


def test_split_output_keeps_text_before_an_end_marker_on_the_same_line():
    m = sc.marker(NONCE)
    out = sc.split_output(f"{m} begin date\n2026-01-01T00:00:00Z{m} end date rc=0\n{m} done\n",
                          NONCE)
    assert out.sections["date"] == "2026-01-01T00:00:00Z\n"


STUB = """#!/bin/sh
c="$(basename "$0")"
[ $# -gt 0 ] && c="$c $*"
echo "$c" >> "{log}"
case "$c" in
  "pm list packages -U -u -i") cat "{data}/pm_list_samsung_exception.txt";;
  "pm list packages -U -u -i --user 0") cat "{data}/pm_list_U_u_i.txt";;
  "pm list packages -s") echo "package:com.android.settings";;
  "pm list packages -3") echo "package:org.telegram.messenger";;
  "pm list packages -d") ;;
  "getprop") cat "{data}/getprop_rooted.txt";;
  "settings list secure") cat "{data}/settings_secure.txt";;
  "settings list global") cat "{data}/settings_global.txt";;
  "dumpsys accessibility") cat "{data}/accessibility_v14.txt";;
  "dumpsys device_policy") cat "{data}/device_policy.txt";;
  "dumpsys appops") cat "{data}/appops.txt";;
  "dumpsys package packages") cat "{data}/dumpsys_package.txt";;
  "dpm list-owners") cat "{data}/dpm_owners.txt";;
  "getenforce") echo Enforcing;;
  "cmd package query-activities"*) cat "{data}/launcher_brief.txt";;
  "date -u"*) echo 2026-11-20T03:00:00Z;;
  *) echo "unexpected: $*" >&2; exit 2;;
esac
"""


@pytest.mark.skipif(os.name != "posix" or shutil.which("sh") is None, reason="needs a POSIX sh")
def test_script_runs_in_a_real_shell_and_falls_back_for_samsung(tmp_path):
    """Run the real script under /bin/sh with stand-in phone commands."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    log = tmp_path / "calls.log"
    for name in ("pm", "getprop", "settings", "dumpsys", "dpm", "getenforce", "cmd", "date"):
        stub = bindir / name
        stub.write_text(STUB.format(log=log, data=testlib.PARSERS))
        stub.chmod(0o755)
    env = {"PATH": f"{bindir}:/usr/bin:/bin"}
    proc = subprocess.run(["sh", "-c", sc.build_script(NONCE)], capture_output=True, text=True,
                          env=env, timeout=60)
    out = sc.split_output(proc.stdout, NONCE)
    assert out.done, proc.stderr
    assert set(sc.SECTION_NAMES) == set(out.sections)
    assert out.sections["pm_args"].strip() == "-U -u -i --user 0"  # Samsung fallback used
    assert out.sections["pm_list"] == testlib.read("pm_list_U_u_i.txt")
    assert out.sections["packages"] == testlib.read("dumpsys_package.txt")
    assert out.sections["getprop"] == testlib.read("getprop_rooted.txt")
    assert "unexpected" not in proc.stderr
    calls = log.read_text().splitlines()
    assert len(calls) == len(sc.SECTION_NAMES) - 3 + 2  # 2 pm tries; no pm_args/root cmds
    for call in calls:
        assert not any(word.strip() in call.split() for word in ("put", "uninstall", "clear"))
