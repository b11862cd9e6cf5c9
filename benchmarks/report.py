"""Time to build and render a report of a session with 500 findings, in each format.

Goal: under 1 s per format on a 2-core machine. Prints the median of several runs (and the
fastest), for building the model alone and for each format (model + render), so a slow
template or a slow escaping step shows up. Run: ``.venv/bin/python benchmarks/report.py``.
"""

from __future__ import annotations

import statistics
import sys
import time

from safetycheck.catalog import Catalog, Platform
from safetycheck.model import (
    Action,
    AnswerKey,
    AnswerRecord,
    Area,
    Check,
    Evidence,
    Finding,
    Kind,
    ProbeRun,
    Reference,
    Session,
    Severity,
    Status,
)
from safetycheck.report import render
from safetycheck.report.model import Sources, build_report

N_FINDINGS = 500
RUNS = 7


def make_catalog() -> Catalog:
    checks = {}
    areas, sevs = list(Area), list(Severity)
    for i in range(40):
        cid = f"check_{i:02d}"
        text = {"mn": f"Шалгах зүйл {i}: бүртгэлийн нууц үг хамгаалагдсан",
                "en": f"Check {i}: the account password is protected"}
        checks[cid] = Check(
            id=cid, area=areas[i % 4], severity=sevs[i % 5], kind=Kind.QUESTION,
            platforms=("facebook", "google"), title=text, question=text, how_to_check=text,
            risk=text, answers={"yes": Status.AT_RISK, "no": Status.OK,
                                "not_sure": Status.UNKNOWN},
            tfgbv_forms=("control",), priority_when=(),
            references=(Reference("https://example.org/", "2026-11-01"),))
    platforms = {p: Platform(p, "app", {"mn": p, "en": p}) for p in ("facebook", "google")}
    return Catalog(checks=checks, platforms=platforms)


def make_session(catalog: Catalog) -> Session:
    s = Session(id="be0c4be0c4be", label="benchmark", province="darkhan_uul")
    ids = list(catalog.checks)
    s.evidence = [Evidence(f"{i:016x}", f"android/output_{i}.txt", "ab" * 32, 1000,
                           "2026-11-20T09:00:00Z", "adb shell", "safetycheck", "echap")
                  for i in range(20)]
    for i in range(N_FINDINGS // 2):  # half from answers, with notes and actions
        cid, platform = ids[i % len(ids)], ("facebook", "google")[i % 2]
        key = f"{cid}@{platform}#{i}"
        s.answers[key] = AnswerRecord(key, cid, platform, AnswerKey.YES, Status.AT_RISK,
                                      "2026-11-20T09:00:00Z", list(Action)[i % 3],
                                      f"Тэмдэглэл {i}: <b>note</b> [x](y) " * 3)
    for i in range(N_FINDINGS - len(s.answers)):  # half from probes, with details
        check = catalog.checks[ids[i % len(ids)]]
        s.findings.append(Finding(
            check.id, check.area, check.severity, Status.AT_RISK, "probe:android",
            detail={"package": f"com.example.app{i}", "label": f"App {i} [bold]",
                    "installer": None, "reasons": ["known stalkerware", "device admin"]},
            evidence=[s.evidence[i % 20].id], id=f"f{i:06d}"))
    s.probes = [ProbeRun("android", "complete", data={
        "device": {"model": "SM-A546E", "android_version": "14"},
        "indicator_set": {"source": "echap", "commit": "a04c5c1", "date": "2026-06-21",
                          "age_days": 10, "builtin": False},
        "apps_flagged": [{"package": f"com.example.app{i}", "label": f"App {i}",
                          "installer": None, "first_install": "2026-10-01T08:00:00Z",
                          "reasons": ["known stalkerware"]} for i in range(100)],
        "settings_flagged": [{"name": "adb_enabled", "value": "1"}], "incomplete": False})]
    return s


def timed(fn) -> tuple[float, float]:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def main() -> int:
    catalog = make_catalog()
    session = make_session(catalog)
    sources = Sources()
    # The first report of a process also pays for imports (jinja2), the message catalog and
    # compiling the template: that is what one `safetycheck report` run sees.
    start = time.perf_counter()
    report = build_report(session, catalog, "mn", sources=sources)
    render(report, "html")
    cold = time.perf_counter() - start
    for fmt in ("md", "json"):
        render(report, fmt)
    findings = len(report.findings)
    print(f"session with {findings} findings, median (min) of {RUNS} runs, Python "
          f"{sys.version.split()[0]}")
    print(f"  first html (cold) {cold * 1000:8.1f} ms")
    med, best = timed(lambda: build_report(session, catalog, "mn", sources=sources))
    print(f"  build model       {med * 1000:8.1f} ms ({best * 1000:.1f} ms)")
    worst = 0.0
    for fmt in ("html", "md", "json"):
        med, best = timed(lambda fmt=fmt: render(build_report(session, catalog, "mn",
                                                              sources=sources), fmt))
        size = len(render(report, fmt).encode("utf-8"))
        worst = max(worst, med)
        print(f"  model + {fmt:<4}     {med * 1000:8.1f} ms ({best * 1000:.1f} ms), "
              f"{size / 1024:.0f} KiB")
    print(f"goal: under 1000 ms per format -> {'met' if worst < 1.0 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
