"""Show the Android scan's results in the person's language, calmly, with what to do next.

Every string that came from the phone (package ids, installer ids, times, setting values) goes
through ``esc`` before it reaches the terminal. Each finding says what it means, asks (in a
terminal) whether the person installed or knew about the app, and points to its guide, whose
first step is a safety plan. The closing always says what "no finding" does not mean, what
the scan cannot see, and how to turn USB debugging off again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from safetycheck.ui.text import esc

KNEW_ANSWERS = ("yes", "no", "not_sure")
_SEV_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan",
              "info": "dim"}
APP_CHECKS = ("android_no_known_stalkerware", "android_no_watchware",
              "android_no_unknown_admin_apps", "android_no_unknown_accessibility",
              "android_no_unknown_notification_access", "android_apps_from_store",
              "android_unknown_sources_off", "android_no_hidden_apps")


def _p(app: Any, key: str, style: str | None = None, indent: int = 0, **params: Any) -> None:
    """Print a catalog message with escaped parameters, indented as a block (wraps stay
    indented); plain mode drops the style."""
    style = None if app.plain else style
    if not indent:
        app.say(key, style=style, **params)
        return
    from rich.padding import Padding
    from rich.text import Text

    text = app.t(key, **{k: esc(v) for k, v in params.items()})
    app.print(Padding(Text.from_markup(text, style=style or ""), (0, 0, 0, indent),
                      expand=False))


@contextmanager
def progress(app: Any, source: str) -> Iterator[Callable[[str], None]]:
    """Say what is happening while the phone is read; yields the transport's progress callback.

    One line on stderr (so ``--json`` and pipes stay clean); in a colour terminal, a status
    line also counts the parts of the scan as they arrive.
    """
    from safetycheck.probes.android.script import SECTION_NAMES

    app.warn("android.scan.reading" if source == "adb" else "android.scan.reading_other")
    if app.plain or not app.interactive:
        yield lambda _name: None
        return
    seen: list[str] = []
    with app.err_console.status(app.t("android.scan.progress", n=0,
                                      total=len(SECTION_NAMES))) as status:
        def update(name: str) -> None:
            seen.append(name)
            status.update(app.t("android.scan.progress", n=len(seen), total=len(SECTION_NAMES)))

        yield update


def choose_device(app: Any, entries: Sequence[Any]) -> str:
    """Ask which phone to scan when several are connected (terminal only)."""
    from safetycheck.ui import prompts

    _p(app, "android.choose.title")
    for i, e in enumerate(entries, 1):
        _p(app, "android.choose.item", n=i, serial=e.serial, model=e.model or "?")
    while True:
        answer = prompts.read_line(app, app.t("android.choose.prompt", count=len(entries)) + " ")
        prompts.control_word(app, answer)
        if answer.isdigit() and 1 <= int(answer) <= len(entries):
            return str(entries[int(answer) - 1].serial)
        app.say("prompt.numbers_only")


def _ask(app: Any, key: str, package: str) -> str | None:
    """A yes / no / not sure question about one app -> "yes" | "no" | "not_sure" | None."""
    from safetycheck.ui import prompts

    while True:
        answer = prompts.read_line(app, "   " + app.t(key, package=esc(package)) + " ")
        if not answer:
            return None
        prompts.control_word(app, answer)
        low = answer.lower()
        for value, n in zip(KNEW_ANSWERS, ("1", "2", "3"), strict=True):
            if low in (n, app.t(f"android.ask.word.{value}").lower()):
                return value
        _p(app, "android.ask.again", indent=3)


def _device(app: Any, data: dict[str, Any]) -> None:
    d = data.get("device") or {}
    unknown = app.t("android.unknown")
    _p(app, "android.scan.device", model=" ".join(x for x in (d.get("manufacturer"),
                                                              d.get("model")) if x) or unknown,
       version=d.get("android_version") or unknown, patch=d.get("security_patch") or unknown)
    source = data.get("source")
    if source == "demo":
        _p(app, "android.scan.source.demo", style="cyan")
    elif source == "androidqf":
        _p(app, "android.scan.source.androidqf")


def _indicators(app: Any, info: dict[str, Any]) -> None:
    counts = info.get("counts") or {}
    age = info.get("age_days")
    if info.get("builtin"):
        _p(app, "android.indicators.builtin", date=info.get("date", ""), age=age,
           stalkerware=counts.get("stalkerware", 0), watchware=counts.get("watchware", 0))
        _p(app, "android.indicators.builtin_hint", style="yellow")
    else:
        _p(app, "android.indicators.set", commit=(info.get("commit") or "-")[:12],
           date=info.get("date", ""), age=age, stalkerware=counts.get("stalkerware", 0),
           watchware=counts.get("watchware", 0))
    if info.get("stale"):
        _p(app, "android.indicators.stale", style="yellow", age=age)
    if info.get("problem"):
        _p(app, str(info["problem"]), style="yellow")
    _p(app, "android.indicators.attribution")


def _extra(app: Any, f: Any, ind: int) -> None:
    """The facts behind one finding, beyond the app itself."""
    d = f.detail
    reason = str(d.get("reason", ""))
    if f.status.value == "unknown":
        _p(app, "android.finding.uncertain", indent=ind)
    if f.check_id == "android_not_rooted":
        for r in d.get("reasons", []):
            _p(app, f"android.root.{r}", indent=ind)
    elif f.check_id == "android_security_patch_recent":
        _p(app, "android.finding.patch", indent=ind, patch=d.get("security_patch", ""),
           age=d.get("age_days", ""))
    elif f.check_id == "android_no_proxy":
        _p(app, "android.finding.proxy", indent=ind, value=d.get("value", ""))
    elif reason == "install_non_market_apps":
        _p(app, "android.finding.legacy_unknown_sources", indent=ind)
    elif f.check_id in ("android_no_known_stalkerware", "android_no_watchware"):
        _p(app, "android.finding.family", indent=ind, family=d.get("family", ""),
           how=app.t(f"android.match.{reason.split('_', 1)[-1]}"))


def _one(app: Any, f: Any, bullet: bool) -> None:
    ind = 5 if bullet else 3
    sev = app.t(f"android.severity.{f.severity.value}")
    title = app.t(f"android.check.{f.check_id}.title")
    if bullet:
        _p(app, "android.finding.bullet", style=_SEV_STYLE.get(f.severity.value), indent=3,
           title=title, severity=sev)
    _extra(app, f, ind)
    _p(app, f"android.check.{f.check_id}.explain", indent=ind)
    _p(app, "android.finding.guide", indent=ind, check_id=f.check_id)


def _app_block(app: Any, n: int, pkg: str, items: list[Any], ask: bool) -> str | None:
    first = items[0]
    d = first.detail
    label = d.get("label") or ""
    app.print("")
    _p(app, "android.app.header_labelled" if label else "android.app.header", n=n,
       style=_SEV_STYLE.get(first.severity.value), package=pkg, label=label,
       severity=app.t(f"android.severity.{first.severity.value}"))
    if d.get("first_install"):
        _p(app, "android.finding.installed_at", indent=3, when=d["first_install"])
    kind = d.get("installer_kind")
    if kind == "store":
        _p(app, "android.finding.installer", indent=3, installer=d.get("installer_name", ""))
    elif kind == "other":
        _p(app, "android.finding.installer", indent=3, installer=d.get("installer", ""))
    elif kind in ("package_installer", "adb") or (kind == "none" and d.get("system") is False):
        _p(app, f"android.installer.{kind}", indent=3)
    for f in items:
        _one(app, f, bullet=True)
    key = "android.ask.allowed" if d.get("system") else "android.ask.knew"
    if ask:
        return _ask(app, key, pkg)
    _p(app, key + "_plain", indent=3)
    return None


def _group(findings: list[Any]) -> tuple[dict[str, list[Any]], list[Any]]:
    apps: dict[str, list[Any]] = {}
    other: list[Any] = []
    for f in findings:
        pkg = f.detail.get("package")
        if pkg and f.check_id in APP_CHECKS:
            apps.setdefault(str(pkg), []).append(f)
        else:
            other.append(f)
    return apps, other


def show_scan(app: Any, result: Any, ask: bool | None = None) -> dict[str, str]:
    """Print the results, one block per app and then the phone's settings; in a terminal,
    ask about each flagged app once.

    Returns ``{finding id: "yes" | "no" | "not_sure"}`` for the answers given, so the caller
    can record them in the session (``detail["user_knew"]``).
    """
    data = result.data
    ask = app.interactive if ask is None else ask
    app.print("")
    _p(app, "android.scan.title", style="bold")
    _device(app, data)
    if data.get("incomplete"):
        reason = data.get("incomplete_reason") or "disconnected"
        _p(app, f"android.scan.incomplete.{reason}", style="bold yellow")
    _indicators(app, data.get("indicator_set") or {})

    findings = list(result.findings)
    answers: dict[str, str] = {}
    app.print("")
    if not findings:
        _p(app, "android.scan.no_findings", style="green")
    else:
        _p(app, "android.scan.summary", count=len(findings),
           apps=len(data.get("apps_flagged") or []))
        _p(app, "android.scan.guides_first")
    by_app, other = _group(findings)
    n = 0
    if by_app:
        app.print("")
        _p(app, "android.scan.apps_title", style="bold")
    for pkg, items in sorted(by_app.items(), key=lambda kv: (kv[1][0].severity.rank, kv[0])):
        n += 1
        answer = _app_block(app, n, pkg, items, ask)
        if answer:
            answers.update({f.id: answer for f in items})
    if other:
        app.print("")
        _p(app, "android.scan.settings_title", style="bold")
    for f in other:
        n += 1
        app.print("")
        _p(app, "android.finding.header", style=_SEV_STYLE.get(f.severity.value), n=n,
           severity=app.t(f"android.severity.{f.severity.value}"),
           title=app.t(f"android.check.{f.check_id}.title"))
        _one(app, f, bullet=False)

    not_checked = data.get("not_checked") or []
    if not_checked:
        app.print("")
        _p(app, "android.scan.not_checked")
        for c in not_checked:
            _p(app, "android.scan.not_checked_item", indent=3,
               title=app.t(f"android.check.{c}.title"))
    _closing(app, result)
    return answers


def _closing(app: Any, result: Any) -> None:
    severe = any(f.severity.value in ("critical", "high") for f in result.findings)
    app.print("")
    if severe:
        _p(app, "android.closing.plan_first", style="bold")
    _p(app, "android.closing.no_guarantee", style="bold")
    _p(app, "android.closing.cannot_see")
    _p(app, "android.closing.nothing_changed")
    app.print("")
    _p(app, "android.closing.usb_title", style="bold")
    _p(app, "android.closing.usb_steps")
    app.print("")
    if result.data.get("source") == "demo":
        _p(app, "android.closing.demo")
    elif result.stored:
        _p(app, "android.closing.stored", session=result.session_id,
           count=len(result.evidence))
    else:
        _p(app, "android.closing.not_stored")


def show_indicator_info(app: Any, info: dict[str, Any]) -> None:
    """``safetycheck indicators info``."""
    counts = info.get("counts") or {}
    _p(app, "indicators.info.title", style="bold")
    _p(app, f"indicators.info.source.{info.get('source', 'builtin')}")
    if info.get("commit"):
        _p(app, "indicators.info.commit", commit=info["commit"],
           commit_date=info.get("commit_date") or "-")
    _p(app, "indicators.info.date", date=info.get("date", ""), age=info.get("age_days"))
    _p(app, "indicators.info.counts", **{k: counts.get(k, 0) for k in (
        "stalkerware", "watchware", "packages", "certificates", "c2_domains", "c2_ips")})
    for name, sha in (info.get("sha256") or {}).items():
        _p(app, "indicators.info.sha256", file=name, sha256=sha)
    if info.get("stale"):
        _p(app, "android.indicators.stale", style="yellow", age=info.get("age_days"))
    if info.get("problem"):
        _p(app, str(info["problem"]), style="yellow")
    if info.get("builtin"):
        _p(app, "android.indicators.builtin_hint")
    _p(app, "android.indicators.attribution")


def show_indicator_update(app: Any, result: Any, max_age: int) -> None:
    """After ``indicators update``: what is now in use."""
    info = result.indicators.info(max_age=max_age)
    if info["source"] == "import":
        _p(app, "indicators.update.imported", style="green", date=info["date"])
    elif result.changed:
        _p(app, "indicators.update.done", style="green", commit=info["commit"][:12])
    else:
        _p(app, "indicators.update.same", commit=info["commit"][:12])
    show_indicator_info(app, info)
