"""The report model: sections that did not run say so, nothing crashes on gaps, texts exist."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import load_report_fixture

from safetycheck import i18n
from safetycheck.model import Action, Area, Finding, ProbeRun, Session, Severity, Status
from safetycheck.report import render
from safetycheck.report.markdown import md
from safetycheck.report.model import STALE_DAYS, Sources, build_report

fx = load_report_fixture()

LOCALE = Path(__file__).resolve().parent.parent / "safetycheck" / "locales" / "report.json"


def _build(session: Session, lang: str = "en", sources: Sources | None = None, **kw):
    return build_report(session, fx.catalog(), lang, generated_at="2026-11-21T08:00:00Z",
                        sources=sources if sources is not None else Sources(), **kw)


def test_empty_session_every_section_not_checked_in_every_format():
    report = _build(Session(id="abcdefabcdef", label="empty"))
    for section in (report.device, report.photos, report.passwords, report.breaches,
                    report.referrals, report.glossary):
        assert section.state.status == "not_checked"
    assert [f.key for f in report.not_checked] == ["device_scan", "photos", "passwords",
                                                   "breaches"]
    assert report.limitations[0].startswith("No finding is not proof of safety")
    for fmt in ("html", "md", "json"):
        text = render(report, fmt)
        assert ('"status": "not_checked"' if fmt == "json" else "Not checked") in text, fmt
        assert "No finding is not proof of safety" in text, fmt
        assert "No finding was recorded. This is not proof of safety" in text, fmt
    mn = render(_build(Session(id="abcdefabcdef"), "mn"), "md")
    assert "Шалгаагүй" in mn and "Асуудал илрээгүй нь аюулгүй гэсэн баталгаа биш" in mn


def test_installed_sources_never_crash():
    # Whatever of the services directory and glossary is installed today, the report renders.
    report = build_report(fx.session(), fx.catalog(), "mn")
    assert report.referrals.state.status in ("checked", "not_checked", "failed")
    for fmt in ("html", "md", "json"):
        assert render(report, fmt)


def test_broken_sources_mark_sections_failed():
    def boom(*_a):
        raise RuntimeError("broken data file")

    report = _build(fx.session(), sources=Sources(boom, boom, boom))
    assert report.referrals.state.status == "failed"
    assert report.glossary.state.status == "failed"
    assert report.cover.province == "darkhan_uul"  # falls back to the id
    assert "The services directory is not available" in render(report, "md")


def test_referrals_and_glossary_from_sources():
    report = _build(fx.session(), sources=fx.sources())
    names = [s.name for s in report.referrals.services]
    assert names == ["Police", "Domestic-violence hotline", "Darkhan-Uul One-Stop Service Centre"]
    assert [s.verified for s in report.referrals.services] == [True, True, False]
    assert report.cover.province == "Darkhan-Uul"
    # Only the terms the report uses: "Doxing" does not appear anywhere in it.
    assert [t.term for t in report.glossary.terms] == ["Stalkerware", "Two-step verification"]
    html = render(report, "html")
    assert "not verified: check the number before relying on it" in html


def test_no_province_lists_national_services_with_a_note():
    session = fx.session()
    session.province = None
    report = _build(session, sources=fx.sources())
    assert [s.id for s in report.referrals.services] == ["police", "dv_hotline"]
    assert report.referrals.note.startswith("No province was given")
    assert report.cover.province == "Not given"


def test_probe_states_and_translated_reasons():
    session = Session(id="abcdefabcdef")
    session.probes = [ProbeRun("android", "skipped", reason="error.offline"),
                      ProbeRun("photos", "failed", reason="some text from a probe"),
                      ProbeRun("passwords", "complete")]
    report = _build(session)
    assert report.device.state.status == "skipped"
    assert report.device.state.reason == i18n.t("error.offline", "en")
    assert report.photos.state.status == "failed"
    assert report.photos.state.reason == "some text from a probe"
    assert report.passwords.state.status == "checked"
    assert "None of the passwords checked was found" in render(report, "md")
    assert [f.key for f in report.not_checked] == ["device_scan", "photos", "breaches"]


def test_latest_probe_run_wins_and_incomplete_scan_is_flagged():
    session = Session(id="abcdefabcdef")
    session.probes = [
        ProbeRun("android", "complete", at="2026-01-01T00:00:00Z",
                 data={"device": {"model": "OLD"}}),
        ProbeRun("android", "complete", at="2026-02-01T00:00:00Z",
                 data={"device": {"model": "NEW"}, "incomplete": True}),
    ]
    report = _build(session)
    assert report.device.device_raw == {"model": "NEW"}
    assert report.device.state.status == "incomplete"
    assert "The scan did not finish" in render(report, "html")


@pytest.mark.parametrize("age,builtin,stale", [(10, True, False), (STALE_DAYS + 1, False, True)])
def test_indicator_set_age(age, builtin, stale):
    session = Session(id="abcdefabcdef")
    session.probes = [ProbeRun("android", "complete", data={"indicator_set": {
        "source": "builtin", "commit": "", "date": "2026-01-01", "age_days": age,
        "builtin": builtin}})]
    report = _build(session)
    assert report.cover.indicator.stale is stale
    assert ("the small built-in list" in report.cover.indicator.text) is builtin
    assert ("older than 90 days" in render(report, "md")) is stale


def test_findings_grouped_by_area_then_severity():
    report = _build(fx.session())
    assert [a.area for a in report.areas] == ["accounts", "stalkerware", "location", "exposure"]
    exposure = report.areas[-1]
    assert [g.severity for g in exposure.groups] == ["high", "medium"]
    # The password found in no breach (status ok) is not a finding to act on.
    assert all(f.status in ("at_risk", "unknown") for a in report.areas for g in a.groups
               for f in g.findings)
    assert len(report.findings) == 9  # but the JSON keeps it, with its status


def test_unknown_check_and_missing_evidence_are_shown_not_dropped():
    session = Session(id="abcdefabcdef")
    session.findings = [Finding("not_in_catalog", Area.EXPOSURE, Severity.LOW, Status.AT_RISK,
                                "probe:future", evidence=["deadbeefdeadbeef"], id="f1")]
    report = _build(session)
    view = report.findings[0]
    assert view.title == "not_in_catalog"
    assert view.source_label == "Automated check (probe:future)"
    assert view.evidence[0].missing
    assert "(not found in this session)" in render(report, "md")


def test_next_steps_follow_the_action_taken():
    report = _build(fx.session())
    steps = {(s.check_id, s.action): s.text for s in report.unresolved}
    assert ("two_step_on", "done") not in steps
    assert steps[("password_not_known", "deferred")].startswith("Make a safety plan")
    assert steps[("google_maps_sharing_off", "not_wanted")].startswith("The person chose")
    assert "safetycheck guide stalkerware_app_absent" in steps[("stalkerware_app_absent", None)]
    assert steps[("password_not_known", None)].startswith("Not sure yet")


def test_caseworker_option_overrides_session():
    assert _build(fx.session()).cover.caseworker == "Б. Оюун"
    assert _build(fx.session(), caseworker="D. Saraa").cover.caseworker == "D. Saraa"


def test_answers_show_the_answer_given():
    view = next(f for f in _build(fx.session()).findings if f.platform == "google")
    assert (view.answer, view.answer_label, view.status_label) == (
        "not_sure", "Not sure", "Not sure whether it is met")


def test_report_holds_labels_and_counts_not_passwords():
    report = _build(fx.session())
    assert [(p.label, p.count, p.breached) for p in report.passwords.items] == [
        ("Gmail", 3, True), ("Khan Bank", 0, False)]
    assert "The passwords themselves are not in this report" in render(report, "html")


@pytest.mark.parametrize("text,expected", [
    ("1.jpg", "1.jpg"), ("1. one", "1\\. one"), ("- item", "\\- item"), ("-flag", "-flag"),
    ("password_not_known", "password_not_known"), ("_em_", "\\_em\\_"), ("a*b*", "a\\*b\\*"),
    ("[x](y)", "\\[x\\](y)"), ("<b>", "\\<b\\>"), ("a|b", "a\\|b"), ("# h", "\\# h"),
    ("---", "\\---"), ("AT&T", "AT\\&T"), ("`code`", "\\`code\\`"),
])
def test_markdown_escaping(text, expected):
    assert md(text) == expected


# -- the message catalog of this area ------------------------------------------------------
MIXED_WORD = re.compile(r"\b(?=\w*[А-Яа-яЁёӨөҮү])(?=\w*[A-Za-z])\w+\b")


def test_report_locale_is_complete_and_mongolian_uses_cyrillic_words():
    data = json.loads(LOCALE.read_text(encoding="utf-8"))
    for key, entry in data.items():
        assert key.startswith(("report.", "bundle.", "help.evidence.")), key
        assert entry["mn"].strip() and entry["en"].strip(), key
        assert not MIXED_WORD.search(entry["mn"]), (key, MIXED_WORD.search(entry["mn"]))
        assert re.search(r"[А-Яа-яӨөҮү]", entry["mn"]), key


@pytest.mark.parametrize("prefix,values", [
    ("report.area", [a.value for a in Area]),
    ("report.severity", [s.value for s in Severity]),
    ("report.finding_status", [s.value for s in Status]),
    ("report.action", [*(a.value for a in Action), "none"]),
    ("report.status", ["checked", "incomplete", "skipped", "failed", "not_checked"]),
    ("report.lang", list(i18n.LANGS)),
    ("report.answer", ["yes", "no", "not_sure", "skip"]),
    ("report.state", ["in_progress", "paused", "finished"]),
    ("report.section", ["intake", "findings", "device_scan", "photos", "passwords", "breaches",
                        "unresolved", "referrals", "limits", "glossary"]),
])
def test_dynamic_report_keys_exist(prefix, values):
    catalog = i18n.load_catalog()
    for v in values:
        assert f"{prefix}.{v}" in catalog, f"{prefix}.{v}"


def test_unknown_province_still_lists_national_services():
    def services_for(pid):
        if pid is not None:
            raise ValueError("unknown province")
        return fx.SERVICES[:2]

    session = fx.session()
    session.province = "atlantis"
    report = _build(session, sources=Sources(services_for, None, None))
    assert report.referrals.state.status == "checked"
    assert [s.id for s in report.referrals.services] == ["police", "dv_hotline"]
    assert report.referrals.note.startswith("This province is not in the directory")


def test_with_the_installed_directory_and_glossary():
    pytest.importorskip("safetycheck.services")
    pytest.importorskip("safetycheck.glossary")
    report = build_report(fx.session(), fx.catalog(), "mn")
    assert report.cover.province == "Дархан-Уул"
    assert report.referrals.state.status == "checked"
    phones = " ".join(s.phone for s in report.referrals.services)
    assert "102" in phones and "107" in phones
    assert report.glossary.state.status == "checked" and report.glossary.terms
    assert all(t.definition for t in report.glossary.terms)


def test_render_report_builds_and_renders_in_one_call():
    from safetycheck.report import render_report

    text = render_report(fx.session(), fx.catalog(), "md", "en")
    assert text.startswith("# Safety check report") and "Case DU-17" in text
    with pytest.raises(ValueError):
        render_report(fx.session(), fx.catalog(), "pdf", "en")


def test_every_photo_scan_of_a_session_is_reported():
    """Each ``scan photos --session`` adds a run; the report shows them all, once per file."""
    s = Session(id="0123456789ab", label="photos")
    s.probes += [
        ProbeRun("photos", "complete", at="2026-11-20T08:00:00Z",
                 data={"files_scanned": 3, "with_location": [
                     {"file": "a.jpg", "lat": 47.9, "lon": 106.9, "time": "", "model": ""}],
                       "unreadable": []}),
        ProbeRun("photos", "complete", at="2026-11-21T08:00:00Z",
                 data={"files_scanned": 2, "with_location": [
                     {"file": "b.jpg", "lat": 49.4, "lon": 105.9, "time": "", "model": ""},
                     {"file": "a.jpg", "lat": 47.9, "lon": 106.9, "time": "", "model": ""}],
                       "unreadable": [{"file": "c.jpg", "reason": "damaged"}]}),
    ]
    photos = _build(s).photos
    assert photos.files_scanned == 5
    assert sorted(p.file for p in photos.with_location) == ["a.jpg", "b.jpg"]
    assert all(p.lat is None for p in photos.with_location)  # no coordinates unless asked
    assert len(photos.unreadable) == 1
