"""Stalkerware indicators: Echap's ``ioc.yaml`` / ``watchware.yaml`` (CC BY 4.0), loaded,
validated, matched, cached and updated; and the project's own small built-in list.

Storage choice: the cached set is kept as **plain files with their SHA-256** in
``<data folder>/indicators/``, not in the encrypted vault. The lists are public, hold no
personal data, and must be usable without unlocking the vault: a trainer prepares a USB
stick with ``indicators update`` on a connected computer, and ``indicators info`` works
before any session exists. Integrity is checked on every load (each file against the SHA-256
recorded when it was validated); a damaged cache is ignored, with a warning, in favour of the
built-in list. Someone able to rewrite the data folder could also replace the program, so
encrypting public lists would add no real protection. Every scan names the commit and the
SHA-256 of the set it used, so a reviewer can compare them with the upstream repository.

Updates are pinned: the current commit of ``master`` is asked from the GitHub API, and both
files are fetched at *that* commit, so the two always belong together. A failed or invalid
download never replaces a good cached set: files are validated in memory first and the set
is switched with one atomic rename of ``current.json``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from safetycheck.errors import DataError, NetworkError, UsageError
from safetycheck.model import utcnow
from safetycheck.probes.android.parse_system import is_package_name

ATTRIBUTION = "Echap, stalkerware-indicators (CC BY 4.0)"
ATTRIBUTION_URL = "https://github.com/AssoEchap/stalkerware-indicators"
OWNER, REPO, BRANCH = "AssoEchap", "stalkerware-indicators", "master"
DEFAULT_API_URL = "https://api.github.com"
DEFAULT_RAW_URL = "https://raw.githubusercontent.com"
ENV_API_URL = "SAFETYCHECK_INDICATORS_API_URL"
ENV_RAW_URL = "SAFETYCHECK_INDICATORS_RAW_URL"
FILES = ("ioc.yaml", "watchware.yaml")
MAX_FILE_BYTES = 8 * 1024 * 1024
TYPES = ("stalkerware", "watchware")
LIST_FIELDS = ("names", "packages", "certificates", "websites", "distribution",
               "ios_bundles", "certificate_organizations", "certificate_cname_re")
_CERT_RE = re.compile(r"[0-9A-F]{40}")
_SHA_RE = re.compile(r"[0-9a-f]{40}")


class IndicatorError(DataError):
    """An indicator file is not a valid Echap list; params: file, detail."""

    key = "error.indicators.invalid"


class IndicatorDownloadError(NetworkError):
    """The indicator download failed; params: detail."""

    key = "error.indicators.download"


# -- the model ------------------------------------------------------------------------------
@dataclass(frozen=True)
class IndicatorApp:
    """One app family of the lists (an entry of ioc.yaml or watchware.yaml)."""

    name: str
    kind: str  # "stalkerware" | "watchware"
    names: tuple[str, ...] = ()
    packages: frozenset[str] = frozenset()  # case-folded
    certificates: frozenset[str] = frozenset()  # upper-case SHA-1 hex
    websites: tuple[str, ...] = ()
    distribution: tuple[str, ...] = ()
    c2_domains: tuple[str, ...] = ()
    c2_ips: tuple[str, ...] = ()
    ios_bundles: tuple[str, ...] = ()
    certificate_organizations: tuple[str, ...] = ()
    certificate_cname_re: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    """Why an app matched an indicator entry."""

    app: IndicatorApp
    how: str  # "package" | "certificate" | "certificate_organization" | "certificate_name"
    value: str


@dataclass(frozen=True)
class IndicatorSet:
    """A validated set of indicators and where it came from."""

    apps: tuple[IndicatorApp, ...]
    source: str  # "builtin" | "github" | "import"
    date: str  # YYYY-MM-DD: when the set was last confirmed current
    commit: str = ""
    commit_date: str = ""
    sha256: Mapping[str, str] = field(default_factory=dict)
    problem: str = ""  # message key when a cached set was unusable and the built-in list is used
    _by_package: dict[str, IndicatorApp] = field(default_factory=dict, repr=False, compare=False)
    _by_cert: dict[str, IndicatorApp] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for app in self.apps:
            for p in app.packages:
                self._by_package.setdefault(p, app)
            for c in app.certificates:
                self._by_cert.setdefault(c, app)

    @property
    def builtin(self) -> bool:
        return self.source == "builtin"

    def match(self, package: str, cert_sha1: Iterable[str] = (),
              cert_subjects: Iterable[str] = ()) -> Match | None:
        """The entry ``package`` (or its signing certificate) matches, if any.

        Package ids compare exactly, ignoring case (as MVT does); certificates as upper-case
        SHA-1 hex with or without colons.
        """
        app = self._by_package.get(package.casefold())
        if app:
            return Match(app, "package", package)
        for cert in cert_sha1:
            norm = cert.replace(":", "").upper()
            if norm in self._by_cert:
                return Match(self._by_cert[norm], "certificate", norm)
        for subject in cert_subjects:
            hit = self._match_subject(subject)
            if hit:
                return hit
        return None

    def _match_subject(self, subject: str) -> Match | None:
        parts = dict(p.strip().partition("=")[::2] for p in subject[:1000].split(","))
        org, cname = parts.get("O", ""), parts.get("CN", "")
        for app in self.apps:
            if org and org in app.certificate_organizations:
                return Match(app, "certificate_organization", org)
            for pattern in app.certificate_cname_re:
                if cname and len(cname) <= 200 and _safe_search(pattern, cname):
                    return Match(app, "certificate_name", cname)
        return None

    def counts(self) -> dict[str, int]:
        stalker = [a for a in self.apps if a.kind == "stalkerware"]
        watch = [a for a in self.apps if a.kind == "watchware"]
        return {
            "stalkerware": len(stalker),
            "watchware": len(watch),
            "packages": sum(len(a.packages) for a in self.apps),
            "certificates": sum(len(a.certificates) for a in self.apps),
            "c2_domains": sum(len(a.c2_domains) for a in self.apps),
            "c2_ips": sum(len(a.c2_ips) for a in self.apps),
        }

    def age_days(self, today: date | None = None) -> int | None:
        try:
            d = date.fromisoformat(self.date[:10])
        except ValueError:
            return None
        return ((today or datetime.now(UTC).date()) - d).days

    def label(self) -> str:
        """A short name for evidence records: ``echap@<commit>`` or ``builtin@<date>``."""
        if self.builtin:
            return f"builtin@{self.date}"
        return f"echap@{self.commit[:12] or 'import'} ({self.date})"

    def info(self, today: date | None = None, max_age: int = 90) -> dict[str, Any]:
        """The ``indicator_set`` record of results (docs/android-scan-schema.json)."""
        age = self.age_days(today)
        return {
            "source": self.source,
            "commit": self.commit,
            "date": self.date,
            "age_days": age,
            "builtin": self.builtin,
            "stale": age is not None and age > max_age,
            "commit_date": self.commit_date,
            "sha256": dict(self.sha256),
            "counts": self.counts(),
            "attribution": ATTRIBUTION,
            "problem": self.problem,
        }


_REGEX_CACHE: dict[str, re.Pattern[str] | None] = {}


def _safe_search(pattern: str, text: str) -> bool:
    if pattern not in _REGEX_CACHE:
        try:
            _REGEX_CACHE[pattern] = re.compile(pattern) if len(pattern) <= 200 else None
        except re.error:
            _REGEX_CACHE[pattern] = None
    compiled = _REGEX_CACHE[pattern]
    return bool(compiled and compiled.search(text))


# -- validation -----------------------------------------------------------------------------
def _strings(value: Any, file: str, name: str, key: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list):
        raise IndicatorError(file=file, detail=f"{name}: {key} is not a list")
    out = []
    for v in value:
        if isinstance(v, str | int | float) and not isinstance(v, bool):
            out.append(str(v).strip())
        elif v is not None:
            raise IndicatorError(file=file, detail=f"{name}: {key} holds a {type(v).__name__}")
    return [v for v in out if v]


def parse_entries(data: Any, file: str) -> tuple[IndicatorApp, ...]:
    """Validate a loaded Echap list (a YAML list of mappings) into ``IndicatorApp`` values."""
    if not isinstance(data, list) or not data:
        raise IndicatorError(file=file, detail="not a non-empty list")
    apps: list[IndicatorApp] = []
    for i, entry in enumerate(data):
        if not isinstance(entry, dict):
            raise IndicatorError(file=file, detail=f"entry {i + 1} is not a mapping")
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise IndicatorError(file=file, detail=f"entry {i + 1} has no name")
        name = name.strip()[:200]
        kind = entry.get("type")
        if kind not in TYPES:
            raise IndicatorError(file=file, detail=f"{name}: unknown type {str(kind)[:40]}")
        lists = {k: _strings(entry.get(k), file, name, k) for k in LIST_FIELDS}
        c2 = entry.get("c2") or {}
        if not isinstance(c2, dict):
            raise IndicatorError(file=file, detail=f"{name}: c2 is not a mapping")
        ips = _strings(c2.get("ips"), file, name, "c2.ips") + _strings(c2.get("ip"), file, name,
                                                                       "c2.ip")
        # Unknown keys are tolerated: Echap may add fields (the built-in list adds "source").
        apps.append(IndicatorApp(
            name=name,
            kind=kind,
            names=tuple(lists["names"]),
            packages=frozenset(p.casefold() for p in lists["packages"] if is_package_name(p)),
            certificates=frozenset(c for c in (x.replace(":", "").upper()
                                               for x in lists["certificates"])
                                   if _CERT_RE.fullmatch(c)),
            websites=tuple(lists["websites"]),
            distribution=tuple(lists["distribution"]),
            c2_domains=tuple(_strings(c2.get("domains"), file, name, "c2.domains")),
            c2_ips=tuple(dict.fromkeys(ips)),
            ios_bundles=tuple(lists["ios_bundles"]),
            certificate_organizations=tuple(lists["certificate_organizations"]),
            certificate_cname_re=tuple(lists["certificate_cname_re"]),
        ))
    if not any(a.packages or a.certificates for a in apps):
        raise IndicatorError(file=file, detail="no package ids or certificates at all")
    return tuple(apps)


def parse_file(data: bytes, file: str) -> tuple[IndicatorApp, ...]:
    """Parse and validate the bytes of ``ioc.yaml`` or ``watchware.yaml``."""
    import yaml

    if len(data) > MAX_FILE_BYTES:
        raise IndicatorError(file=file, detail="file too large")
    try:
        loaded = yaml.safe_load(data.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError, RecursionError) as exc:
        raise IndicatorError(file=file, detail=f"not valid YAML ({type(exc).__name__})") from exc
    return parse_entries(loaded, file)


def builtin_set() -> IndicatorSet:
    """The project's own small list (``data/builtin_indicators.yaml``)."""
    import yaml

    raw = (resources.files("safetycheck.probes.android") / "data" /
           "builtin_indicators.yaml").read_bytes()
    data = yaml.safe_load(raw)
    apps = parse_entries(data["stalkerware"] + data["watchware"], "builtin_indicators.yaml")
    return IndicatorSet(apps=apps, source="builtin", date=str(data["date"]),
                        sha256={"builtin_indicators.yaml": hashlib.sha256(raw).hexdigest()})


# -- the cache ------------------------------------------------------------------------------
def cache_dir(home: Path | None = None) -> Path:
    from safetycheck.storage import paths

    return (home or paths.home()) / "indicators"


def load_cached(home: Path | None = None) -> IndicatorSet | None:
    """The cached set, None if there is none; raises ``IndicatorError`` if it is damaged."""
    folder = cache_dir(home)
    pointer = folder / "current.json"
    if not pointer.exists():
        return None
    try:
        current = json.loads(pointer.read_text(encoding="utf-8"))
        set_dir = folder / str(current["set"])
        if set_dir.parent != folder:
            raise ValueError
        meta = json.loads((set_dir / "meta.json").read_text(encoding="utf-8"))
        apps: list[IndicatorApp] = []
        for name in FILES:
            data = (set_dir / name).read_bytes()
            if hashlib.sha256(data).hexdigest() != meta["sha256"][name]:
                raise IndicatorError(file=name, detail="SHA-256 does not match")
            apps.extend(parse_file(data, name))
        return IndicatorSet(apps=tuple(apps), source=meta["source"], date=meta["date"],
                            commit=meta.get("commit", ""), commit_date=meta.get("commit_date", ""),
                            sha256=meta["sha256"])
    except IndicatorError:
        raise
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndicatorError(file=str(pointer.name), detail="cache unreadable") from exc


def load_indicators(home: Path | None = None) -> IndicatorSet:
    """The set a scan uses: the cached Echap set, else the built-in list (``problem`` says why)."""
    try:
        cached = load_cached(home)
    except IndicatorError:
        return _with_problem(builtin_set(), "indicators.cache_damaged")
    return cached or builtin_set()


def _with_problem(s: IndicatorSet, problem: str) -> IndicatorSet:
    return IndicatorSet(apps=s.apps, source=s.source, date=s.date, commit=s.commit,
                        commit_date=s.commit_date, sha256=s.sha256, problem=problem)


def store_set(files: Mapping[str, bytes], meta: Mapping[str, Any],
              home: Path | None = None) -> IndicatorSet:
    """Validate ``files`` and make them the current set atomically; the old set stays on error."""
    from safetycheck.storage import paths

    for name in FILES:  # validate everything before touching the cache
        parse_file(files[name], name)
    folder = paths.private_dir(cache_dir(home))
    set_id = f"set-{secrets.token_hex(6)}"
    tmp = folder / f".tmp-{set_id}"
    sha = {name: hashlib.sha256(files[name]).hexdigest() for name in FILES}
    full_meta = {**meta, "sha256": sha, "stored_at": utcnow()}
    try:
        paths.private_dir(tmp)
        for name in FILES:
            paths.write_private(tmp / name, files[name])
        paths.write_private(tmp / "meta.json", json.dumps(full_meta, indent=1).encode("utf-8"))
        os.replace(tmp, folder / set_id)
        paths.write_private(folder / "current.json", json.dumps({"set": set_id}).encode("utf-8"))
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise DataError("error.indicators.store", detail=type(exc).__name__) from exc
    for old in folder.iterdir():  # drop superseded sets (and leftovers of interrupted runs)
        if old.is_dir() and old.name != set_id:
            shutil.rmtree(old, ignore_errors=True)
    result = load_cached(home)
    if result is None:  # pragma: no cover - we just wrote it
        raise DataError("error.indicators.store", detail="current.json")
    return result


# -- update: GitHub, pinned to a commit -----------------------------------------------------
def _get(client: Any, url: str, accept: str) -> bytes:
    """One GET through the shared HTTP client (timeouts, retries, size limit); any failure
    becomes ``IndicatorDownloadError``, whose message says the previous set is kept."""
    from safetycheck.i18n import t
    from safetycheck.probes.http import raise_for_status

    try:
        reply = client.get(url, headers={"Accept": accept})
        raise_for_status(reply, client.service)
    except IndicatorDownloadError:
        raise
    except NetworkError as exc:
        raise IndicatorDownloadError(detail=t(exc.key, **exc.params)) from None
    return reply.body


@dataclass(frozen=True)
class UpdateResult:
    """What ``indicators update`` did."""

    indicators: IndicatorSet
    changed: bool  # False when the cached set was already at this commit


def update_from_github(session: Any = None, api_url: str | None = None,
                       raw_url: str | None = None, timeout: float = 30.0,
                       home: Path | None = None) -> UpdateResult:
    """Download ``ioc.yaml`` and ``watchware.yaml`` at the current commit of ``master``."""
    from safetycheck.probes.http import HttpClient, base_url

    client = HttpClient(session, service="GitHub", timeout=timeout, max_bytes=MAX_FILE_BYTES)
    api = base_url(ENV_API_URL, DEFAULT_API_URL, "GitHub", api_url)
    raw = base_url(ENV_RAW_URL, DEFAULT_RAW_URL, "GitHub", raw_url)
    body = _get(client, f"{api}/repos/{OWNER}/{REPO}/branches/{BRANCH}",
                "application/vnd.github+json")
    try:
        branch = json.loads(body)
        commit = str(branch["commit"]["sha"])
        commit_date = str(branch["commit"]["commit"]["committer"]["date"])[:40]
    except (ValueError, KeyError, TypeError) as exc:
        raise IndicatorDownloadError(detail="unexpected reply from the GitHub API") from exc
    if not _SHA_RE.fullmatch(commit):
        raise IndicatorDownloadError(detail="unexpected commit id")
    try:
        previous = load_cached(home)
    except IndicatorError:
        previous = None
    files = {name: _get(client, f"{raw}/{OWNER}/{REPO}/{commit}/{name}", "*/*")
             for name in FILES}
    today = datetime.now(UTC).date().isoformat()
    meta = {"source": "github", "repo": f"{OWNER}/{REPO}", "branch": BRANCH, "commit": commit,
            "commit_date": commit_date, "date": today, "origin": f"{raw}/{OWNER}/{REPO}/{commit}"}
    stored = store_set(files, meta, home)
    return UpdateResult(stored, changed=previous is None or previous.commit != commit)


def import_from_folder(folder: Path, home: Path | None = None) -> UpdateResult:
    """Import ``ioc.yaml`` and ``watchware.yaml`` from a folder (a USB stick, offline sites).

    The set's date is the older of the two files' modification times, so a stale copy is
    reported as stale.
    """
    folder = Path(folder)
    if folder.is_file():
        folder = folder.parent
    missing = [n for n in FILES if not (folder / n).is_file()]
    if missing:
        raise UsageError("error.indicators.from_missing", folder=str(folder),
                         files=", ".join(missing))
    files: dict[str, bytes] = {}
    mtimes: list[float] = []
    for name in FILES:
        path = folder / name
        if path.stat().st_size > MAX_FILE_BYTES:
            raise IndicatorError(file=name, detail="file too large")
        files[name] = path.read_bytes()
        mtimes.append(path.stat().st_mtime)
    day = datetime.fromtimestamp(min(mtimes), UTC).date().isoformat()
    meta = {"source": "import", "repo": f"{OWNER}/{REPO}", "commit": "", "commit_date": "",
            "date": day, "origin": folder.name}
    try:
        previous = load_cached(home)
    except IndicatorError:
        previous = None
    stored = store_set(files, meta, home)
    return UpdateResult(stored, changed=previous is None or dict(previous.sha256) !=
                        dict(stored.sha256))
