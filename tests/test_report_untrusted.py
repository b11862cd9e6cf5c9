"""Hostile strings from a phone, a file name or a server are shown as text in every format.

Each payload goes into every place of a session that holds outside text (label, notes,
finding details, app names, settings, file names, breach names, services, glossary). The
output must carry no terminal escape, control or bidi character, no markup that acts (HTML
tags, Markdown links), and no endless line.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from conftest import load_report_fixture

from safetycheck.model import (
    Action,
    AnswerKey,
    AnswerRecord,
    Area,
    CustodyEvent,
    Evidence,
    Finding,
    ProbeRun,
    Session,
    Severity,
    Status,
)
from safetycheck.report import render
from safetycheck.report.model import Sources, build_report

fx = load_report_fixture()

LONG = "A" * 10_000
PAYLOADS = {
    "rich": "[bold red]pwned[/bold red] [link=http://evil.example]x[/link]",
    "csi": "before\x1b[2Jafter",
    "osc": "\x1b]8;;http://x\x1b\\click\x1b]8;;\x1b\\",
    "bidi": "invoice\u202egpj.exe",
    "nul": "nul\x00byte\x07bell",
    "long": LONG,
    "html": "<script>alert(1)</script><img src=x onerror=alert(2)>",
    "markdown": "[click](http://evil.example) ![i](http://evil.example/i.png) <http://evil.example>",
    "lines": "# heading\n> quote\n- item\n1. one\n---\n<b>x</b>",
}
ALL = " | ".join(PAYLOADS.values())
FORBIDDEN_CHARS = ["\x1b", "\x00", "\x07", "\u202e", "\x9b"]


def hostile_session(p: str) -> Session:
    s = Session(id="0badc0de0bad", label=p, created_at="2026-11-20T09:00:00Z",
                updated_at="2026-11-20T10:00:00Z", province=p, caseworker=p,
                intake={"platforms": [p], "legal_case": p, p[:40]: p})
    s.answers = {"password_not_known@facebook": AnswerRecord(
        "password_not_known@facebook", "password_not_known", "facebook", AnswerKey.YES,
        Status.AT_RISK, "2026-11-20T09:10:00Z", Action.DEFERRED, p)}
    s.evidence = [Evidence("e0e0e0e0e0e0e0e0", p, "ab" * 32, 3, p, p, p, p)]
    s.findings = [
        Finding("stalkerware_app_absent", Area.STALKERWARE, Severity.CRITICAL, Status.AT_RISK,
                "probe:android", platform=p, note=p,
                detail={"package": p, "label": p, p[:30]: [p, {"k": p}], "reasons": [p]},
                evidence=["e0e0e0e0e0e0e0e0", p], id="f1"),
        Finding(p[:60] or "x", Area.EXPOSURE, Severity.LOW, Status.AT_RISK, f"probe:{p}",
                detail={"x": p}, id="f2"),
        Finding("password_not_breached", Area.EXPOSURE, Severity.HIGH, Status.AT_RISK,
                "probe:passwords", detail={"label": p, "count": 2}, id="f3"),
        Finding("email_not_in_breaches", Area.EXPOSURE, Severity.MEDIUM, Status.AT_RISK,
                "probe:breaches", detail={"breach": p, "date": p, "data_classes": [p, p]},
                id="f4"),
    ]
    s.probes = [
        ProbeRun("android", "incomplete", reason=p, data={
            "device": {"model": p, "manufacturer": p, "serial_hmac": p},
            "indicator_set": {"source": p, "commit": p, "date": p, "age_days": 3},
            "apps_flagged": [{"package": p, "label": p, "installer": p, "first_install": p,
                              "reasons": [p]}],
            "settings_flagged": [{"name": p, "value": p}], "incomplete": True}),
        ProbeRun("photos", "complete", data={
            "files_scanned": 3, "with_location": [{"file": p, "lat": 1.5, "lon": 2.5,
                                                   "time": p, "model": p}],
            "unreadable": [p]}),
    ]
    s.custody = [CustodyEvent("2026-11-20T09:00:00Z", p, p)]
    return s


def hostile_sources(p: str) -> Sources:
    service = fx.Service(p[:50], {"mn": p, "en": p}, {"mn": p, "en": p}, phone=p, website=p,
                         address=p, hours=p, area="national", source=p, checked=p,
                         verified=False, note=p)
    term = fx.Term("t", {"mn": "апп", "en": "app"}, {"mn": p, "en": p})
    return Sources(services_for=lambda _pid: [service], find_province=lambda _pid: None,
                   load_glossary=lambda: [term])


def _render(p: str, fmt: str, lang: str = "en") -> str:
    report = build_report(hostile_session(p), fx.catalog(), lang,
                          generated_at="2026-11-21T08:00:00Z", sources=hostile_sources(p))
    return render(report, fmt)


def _assert_neutral(text: str) -> None:
    for ch in FORBIDDEN_CHARS:
        assert ch not in text, repr(ch)
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", text)
    assert "http://x" not in text  # the OSC hyperlink target is dropped with the sequence
    # The 10,000-character line is cut (notes keep up to 2,000 characters, other values 500).
    assert "A" * 2_001 not in text
    assert max(len(line) for line in text.splitlines()) < 6_000


ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "main", "section", "p", "h1",
                "h2", "h3", "h4", "div", "strong", "table", "tr", "th", "td", "nav", "ol", "li",
                "ul", "article", "span", "dl", "dt", "dd", "code", "br", "thead", "tbody",
                "footer"}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs.update(name for name, _ in attrs)


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_html_escapes_every_payload(name):
    p = PAYLOADS[name]
    text = _render(p, "html")
    _assert_neutral(text)
    parser = _Tags()
    parser.feed(text)
    assert parser.tags <= ALLOWED_TAGS, parser.tags - ALLOWED_TAGS
    assert not {a for a in parser.attrs if a.startswith("on")}, parser.attrs
    assert "src" not in parser.attrs and "href" not in parser.attrs
    assert "<script" not in text.lower() and "<img" not in text.lower()
    if name == "html":
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    if name == "bidi":
        assert "invoice\N{REPLACEMENT CHARACTER}gpj.exe" in text


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_markdown_escapes_every_payload(name):
    p = PAYLOADS[name]
    text = _render(p, "md")
    _assert_neutral(text)
    # Every "<", "[" and "]" that came from the data is backslash-escaped.
    assert not re.search(r"(?<!\\)<", text)
    assert not re.search(r"(?<!\\)\[(bold|click|i\]|link)", text)
    if name == "rich":
        assert "\\[bold red\\]pwned" in text
    if name == "html":
        assert "\\<script\\>alert(1)\\</script\\>" in text


@pytest.mark.parametrize("name", ["markdown", "html", "lines", "rich"])
def test_markdown_renders_no_link_image_or_html(name):
    markdown_it = pytest.importorskip("markdown_it")
    html = markdown_it.MarkdownIt("commonmark").render(_render(PAYLOADS[name], "md"))
    assert "<a " not in html and "<img" not in html and "<script" not in html
    assert "<b>" not in html
    # The hostile "# heading" line inside a note must not become a heading.
    assert "<h1>heading" not in html


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_json_strings_are_clean(name):
    text = _render(PAYLOADS[name], "json")
    data = json.loads(text)

    def walk(value):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(k)
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, str):
            for ch in FORBIDDEN_CHARS:
                assert ch not in value, (repr(ch), value[:80])
            assert len(value) <= 2_100
    walk(data)
    assert "\\u001b" not in text and "\\u0000" not in text


def test_all_payloads_at_once_in_mongolian():
    for fmt in ("html", "md", "json"):
        _assert_neutral(_render(ALL, fmt, "mn"))


def test_photo_coordinates_hidden_unless_asked():
    session = fx.session()
    for fmt in ("html", "md", "json"):
        text = render(build_report(session, fx.catalog(), "en", sources=fx.sources()), fmt)
        assert "49.486389" not in text and "105.9225" not in text, fmt
        shown = render(build_report(session, fx.catalog(), "en", include_locations=True,
                                    sources=fx.sources()), fmt)
        assert "49.486389" in shown, fmt
