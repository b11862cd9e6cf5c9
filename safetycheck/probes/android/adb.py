"""The adb transport: find the ``adb`` executable, pick the phone, run the scan script once.

Round trips are constant: ``adb devices -l`` (find and check the phone), then one
``adb -s <serial> shell <script>`` (every section, see ``script.py``). Failures become typed
``DeviceError``s whose catalog messages say what to do, in the user's language. If the phone
goes away part-way, the sections that arrived whole are kept (``PartialAcquisitionError``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from glob import glob
from pathlib import Path

from safetycheck.errors import DeviceError
from safetycheck.probes.android import script as sc
from safetycheck.probes.android.interface import (
    Acquisition,
    PartialAcquisitionError,
    Progress,
    Transport,
)
from safetycheck.probes.android.parse_system import DeviceEntry, parse_devices

LIST_TIMEOUT = 45.0  # the first call may start the adb server
SCAN_TIMEOUT = 300.0


# -- errors ---------------------------------------------------------------------------------
class AdbNotFoundError(DeviceError):
    """No adb executable; the key names the operating system, so the hint says how to install."""

    key = "error.adb.not_found.linux"


class AdbPathError(DeviceError):
    """``--adb PATH`` does not point to a program."""

    key = "error.adb.path_not_found"


class NoDeviceError(DeviceError):
    key = "error.adb.no_device"


class UnauthorizedError(DeviceError):
    key = "error.adb.unauthorized"


class SeveralDevicesError(DeviceError):
    """Several phones are connected and there is no terminal to choose; params: devices."""

    key = "error.adb.several_devices"


class SerialNotFoundError(DeviceError):
    key = "error.adb.serial_not_found"


class DeviceOfflineError(DeviceError):
    key = "error.adb.offline"


class NoPermissionError(DeviceError):
    """Linux: the user may not open the USB device (udev rules, plugdev group)."""

    key = "error.adb.no_permissions"


class DeviceNotReadyError(DeviceError):
    """The phone is in recovery, bootloader or sideload mode; params: state."""

    key = "error.adb.not_ready"


class AdbFailedError(DeviceError):
    """adb itself failed (server would not start...); params: detail."""

    key = "error.adb.failed"


class DeviceDisconnectedError(PartialAcquisitionError):
    key = "error.adb.disconnected"


class AdbTimeoutError(PartialAcquisitionError):
    key = "error.adb.timeout"


# -- finding adb ----------------------------------------------------------------------------
def os_name(platform: str = sys.platform) -> str:
    if platform.startswith("win"):
        return "windows"
    if platform == "darwin":
        return "macos"
    return "linux"


def _is_wsl() -> bool:
    try:
        return "microsoft" in Path("/proc/version").read_text(encoding="utf-8").lower()
    except OSError:
        return False


def adb_candidates(platform: str, environ: dict[str, str], home: Path,
                   wsl: bool = False) -> list[str]:
    """The usual platform-tools locations for ``platform``, most likely first."""
    name = "adb.exe" if platform == "windows" else "adb"
    out: list[str] = []
    for var in ("ANDROID_HOME", "ANDROID_SDK_ROOT"):
        if environ.get(var):
            out.append(str(Path(environ[var]) / "platform-tools" / name))
    if platform == "windows":
        local = environ.get("LOCALAPPDATA") or str(home / "AppData" / "Local")
        out += [
            str(Path(local) / "Android" / "Sdk" / "platform-tools" / name),
            str(Path(local) / "Microsoft" / "WinGet" / "Links" / name),
            str(home / "scoop" / "shims" / name),
            "C:\\platform-tools\\adb.exe",
            "C:\\adb\\adb.exe",
            str(Path(environ.get("ProgramFiles", "C:\\Program Files")) / "platform-tools" / name),
            str(home / "platform-tools" / name),
            str(home / "Downloads" / "platform-tools" / name),
        ]
    elif platform == "macos":
        out += [
            "/opt/homebrew/bin/adb",
            "/usr/local/bin/adb",
            str(home / "Library" / "Android" / "sdk" / "platform-tools" / "adb"),
            "/opt/homebrew/share/android-commandlinetools/platform-tools/adb",
            "/usr/local/share/android-commandlinetools/platform-tools/adb",
            str(home / "platform-tools" / "adb"),
            str(home / "Downloads" / "platform-tools" / "adb"),
        ]
    else:
        if wsl:  # Linux adb inside WSL cannot see USB; the Windows adb.exe can (ISDi PR#80)
            out += ["/mnt/c/platform-tools/adb.exe",
                    *sorted(glob("/mnt/c/Users/*/AppData/Local/Android/Sdk/platform-tools/adb.exe"))]
        out += [
            str(home / "Android" / "Sdk" / "platform-tools" / "adb"),
            "/usr/lib/android-sdk/platform-tools/adb",
            "/opt/android-sdk/platform-tools/adb",
            "/usr/local/bin/adb",
            "/usr/bin/adb",
            str(home / "platform-tools" / "adb"),
            str(home / "Downloads" / "platform-tools" / "adb"),
        ]
    return out


def _runnable(path: str) -> bool:
    return os.path.isfile(path) and (os.name == "nt" or os.access(path, os.X_OK))


def find_adb(explicit: str | None = None, *, platform: str | None = None,
             environ: dict[str, str] | None = None,
             which: Callable[[str], str | None] | None = None,
             runnable: Callable[[str], bool] = _runnable, home: Path | None = None,
             wsl: bool | None = None) -> str:
    """``--adb PATH``, else ``adb`` on PATH, else the usual platform-tools folders."""
    if explicit:
        path = os.path.expanduser(explicit)
        if not runnable(path):
            raise AdbPathError(path=explicit)
        return path
    osn = os_name(platform or sys.platform)
    env = dict(os.environ if environ is None else environ)
    which = which or shutil.which
    wsl = _is_wsl() if wsl is None else wsl
    names = ["adb.exe", "adb"] if wsl else ["adb"]
    for name in names:
        found = which(name)
        if found:
            return found
    for candidate in adb_candidates(osn, env, home or Path.home(), wsl):
        if runnable(candidate):
            return candidate
    raise AdbNotFoundError(f"error.adb.not_found.{osn}")


# -- running adb ----------------------------------------------------------------------------
@dataclass(frozen=True)
class RunResult:
    returncode: int
    stdout: str
    stderr: str
    timed_out: bool = False


Runner = Callable[[Sequence[str], float, Callable[[str], None] | None], RunResult]


def run_process(argv: Sequence[str], timeout: float,
                on_line: Callable[[str], None] | None = None) -> RunResult:
    """Run ``argv`` with no stdin; stream stdout lines to ``on_line``; kill it at ``timeout``."""
    try:
        proc = subprocess.Popen(list(argv), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
    except OSError as exc:
        raise AdbPathError(path=argv[0]) from exc
    out: list[bytes] = []
    err: list[bytes] = []

    def pump_out() -> None:
        assert proc.stdout is not None
        for raw in iter(proc.stdout.readline, b""):
            out.append(raw)
            if on_line is not None:
                try:
                    on_line(raw.decode("utf-8", "replace"))
                except Exception:  # noqa: BLE001 - progress display must never stop the scan
                    pass

    def pump_err() -> None:
        assert proc.stderr is not None
        err.append(proc.stderr.read())

    threads = [threading.Thread(target=pump_out, daemon=True),
               threading.Thread(target=pump_err, daemon=True)]
    for t in threads:
        t.start()
    timed_out = False
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        proc.kill()
        proc.wait()
    for t in threads:
        t.join(timeout=5)
    return RunResult(proc.returncode, b"".join(out).decode("utf-8", "replace"),
                     b"".join(err).decode("utf-8", "replace"), timed_out)


def _stderr_error(stderr: str) -> DeviceError | None:
    low = stderr.lower()
    if "unauthorized" in low:
        return UnauthorizedError()
    if "offline" in low:
        return DeviceOfflineError()
    if "no permissions" in low or "insufficient permissions" in low:
        return NoPermissionError()
    if "more than one device" in low:
        return SeveralDevicesError(devices="")
    if "no devices" in low or "not found" in low:
        return NoDeviceError()
    return None


def _short(text: str) -> str:
    from safetycheck.ui.text import clean

    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("*")]
    return clean(lines[-1] if lines else "", max_len=200)


Chooser = Callable[[Sequence[DeviceEntry]], str]


class AdbTransport(Transport):
    """A phone connected over USB debugging."""

    source = "adb"

    def __init__(self, adb: str, serial: str | None = None, choose: Chooser | None = None,
                 runner: Runner = run_process, list_timeout: float = LIST_TIMEOUT,
                 scan_timeout: float = SCAN_TIMEOUT) -> None:
        self.adb = adb
        self.serial = serial
        self.choose = choose
        self.runner = runner
        self.list_timeout = list_timeout
        self.scan_timeout = scan_timeout
        self.invocations = 0

    def _run(self, args: Sequence[str], timeout: float,
             on_line: Callable[[str], None] | None = None) -> RunResult:
        self.invocations += 1
        return self.runner([self.adb, *args], timeout, on_line)

    def devices(self) -> tuple[DeviceEntry, ...]:
        res = self._run(["devices", "-l"], self.list_timeout)
        if res.timed_out:
            raise AdbTimeoutError(partial=None, seconds=int(self.list_timeout))
        if res.returncode != 0:
            raise _stderr_error(res.stderr) or AdbFailedError(detail=_short(res.stderr))
        return parse_devices(res.stdout)

    def select(self, entries: Sequence[DeviceEntry]) -> DeviceEntry:
        """The phone to scan; raises the error that explains why none can be used."""
        if self.serial:
            chosen = next((e for e in entries if e.serial == self.serial), None)
            if chosen is None:
                raise SerialNotFoundError(serial=self.serial)
            return _check_state(chosen)
        if not entries:
            raise NoDeviceError()
        ready = [e for e in entries if e.state == "device"]
        if not ready:
            return _check_state(entries[0])
        if len(ready) == 1:
            return ready[0]
        if self.choose is not None:
            serial = self.choose(ready)
            chosen = next((e for e in ready if e.serial == serial), None)
            if chosen is None:
                raise SerialNotFoundError(serial=serial)
            return chosen
        raise SeveralDevicesError(devices=", ".join(
            f"{e.serial} ({e.model})" if e.model else e.serial for e in ready))

    def acquire(self, progress: Progress | None = None) -> Acquisition:
        device = self.select(self.devices())
        nonce = sc.new_nonce()
        token = sc.marker(nonce) + " begin "

        def on_line(line: str) -> None:
            if progress is not None and token in line:
                progress(line.split(token, 1)[1].strip())

        res = self._run(["-s", device.serial, "shell", sc.build_script(nonce)],
                        self.scan_timeout, on_line)
        split = sc.split_output(res.stdout, nonce)
        commands = {n: f"adb shell {sc.COMMANDS[n]}" for n in split.sections}
        missing = tuple(n for n in sc.SECTION_NAMES if n not in split.sections)
        if split.done and not res.timed_out:
            return Acquisition(source=self.source, sections=split.sections, commands=commands,
                               serial=device.serial, missing=missing)
        partial = Acquisition(source=self.source, sections=split.sections, commands=commands,
                              serial=device.serial, complete=False,
                              incomplete_reason="timeout" if res.timed_out else "disconnected",
                              missing=missing)
        if res.timed_out:
            raise AdbTimeoutError(partial=partial if split.sections else None,
                                  seconds=int(self.scan_timeout))
        if not split.sections:
            raise _stderr_error(res.stderr) or AdbFailedError(detail=_short(res.stderr))
        raise DeviceDisconnectedError(partial=partial)

    def describe(self) -> str:
        return "adb"


def _check_state(entry: DeviceEntry) -> DeviceEntry:
    state = entry.state
    if state == "device":
        return entry
    if state == "unauthorized" or state == "authorizing":
        raise UnauthorizedError()
    if state == "offline":
        raise DeviceOfflineError()
    if state == "no permissions":
        raise NoPermissionError()
    raise DeviceNotReadyError(state=state)
