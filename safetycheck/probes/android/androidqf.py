"""Read an AndroidQF acquisition (a folder, or its zip) as a transport, for offline analysis.

AndroidQF (mvt-project/androidqf) writes one file per module: ``packages.json``,
``dumpsys.txt``, ``getprop.txt``, ``settings_secure.txt``, ``settings_global.txt``,
``root_binaries.json``, ``selinux.txt``... This reader maps them onto the same section names
the adb script produces, so the same parsers and findings run. Nothing in the folder is
changed.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from safetycheck.errors import UsageError
from safetycheck.probes.android.interface import Acquisition, Progress, Transport
from safetycheck.probes.android.parse_system import device_props, parse_getprop, split_dumpsys

MAX_FILE_BYTES = 512 * 1024 * 1024

# AndroidQF file -> section name
FILES: dict[str, str] = {
    "getprop.txt": "getprop",
    "packages.json": "packages_json",
    "settings_secure.txt": "settings_secure",
    "settings_global.txt": "settings_global",
    "root_binaries.json": "root_binaries_json",
    "selinux.txt": "getenforce",
}
# dumpsys service -> section name
DUMPSYS: dict[str, str] = {
    "package": "packages",
    "accessibility": "accessibility",
    "appops": "appops",
    "device_policy": "device_policy",
}


class AndroidQFError(UsageError):
    """The folder is not a readable AndroidQF acquisition; params: folder."""

    key = "error.androidqf.not_found"


class AndroidQFFolder(Transport):
    """An AndroidQF acquisition folder (or ``.zip``)."""

    source = "androidqf"

    def __init__(self, path: Path) -> None:
        self.path = Path(path).expanduser()

    def _reader(self) -> tuple[list[str], Callable[[str], bytes], Callable[[], None]]:
        p = self.path
        if p.is_dir():
            names = sorted(f.name for f in p.iterdir() if f.is_file())

            def read(name: str) -> bytes:
                f = p / name
                if f.stat().st_size > MAX_FILE_BYTES:
                    raise AndroidQFError("error.androidqf.too_large", file=name)
                return f.read_bytes()

            return names, read, lambda: None
        if p.is_file() and zipfile.is_zipfile(p):
            zf = zipfile.ZipFile(p)
            members = {Path(i.filename).name: i for i in zf.infolist() if not i.is_dir()}

            def read_zip(name: str) -> bytes:
                info = members[name]
                if info.file_size > MAX_FILE_BYTES:
                    raise AndroidQFError("error.androidqf.too_large", file=name)
                return zf.read(info)

            return sorted(members), read_zip, zf.close
        if p.is_file() and p.name.endswith(".age"):
            raise AndroidQFError("error.androidqf.encrypted", folder=p.name)
        raise AndroidQFError(folder=str(p))

    def acquire(self, progress: Progress | None = None) -> Acquisition:
        try:
            names, read, close = self._reader()
            try:
                return self._acquire(names, read, progress)
            finally:
                close()
        except (OSError, zipfile.BadZipFile, KeyError) as exc:
            raise AndroidQFError("error.androidqf.unreadable", folder=self.path.name) from exc

    def _acquire(self, names: list[str], read: Callable[[str], bytes],
                 progress: Progress | None) -> Acquisition:
        if any(n.endswith(".age") for n in names) and not any(n in FILES for n in names):
            raise AndroidQFError("error.androidqf.encrypted", folder=self.path.name)
        sections: dict[str, str] = {}
        commands: dict[str, str] = {}
        for file, section in FILES.items():
            if file in names:
                if progress:
                    progress(section)
                sections[section] = read(file).decode("utf-8", "replace")
                commands[section] = f"androidqf {file}"
        if "dumpsys.txt" in names:
            if progress:
                progress("dumpsys")
            services = split_dumpsys(read("dumpsys.txt").decode("utf-8", "replace"))
            for service, section in DUMPSYS.items():
                if service in services:
                    sections[section] = services[service]
                    commands[section] = f"androidqf dumpsys.txt (DUMP OF SERVICE {service})"
        if not sections:
            raise AndroidQFError("error.androidqf.empty", folder=self.path.name)
        serial = device_props(parse_getprop(sections.get("getprop", ""))).serial or None
        expected = (*FILES.values(), *DUMPSYS.values())
        return Acquisition(source=self.source, sections=sections, commands=commands,
                           serial=serial, missing=tuple(s for s in expected if s not in sections))

    def describe(self) -> str:
        return self.path.name
