"""``safetycheck guides export``: the trainer handout (HTML and Markdown)."""

from __future__ import annotations

import os
import stat
from html.parser import HTMLParser
from pathlib import Path

import pytest

from safetycheck.catalog import guide_ids, load_catalog
from safetycheck.glossary import load_glossary
from safetycheck.model import Area
from safetycheck.services import load_services


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text (for structure assertions)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Tags:
    p = Tags()
    p.feed(html)
    return p


def guided_checks(lang: str) -> list[str]:
    have = guide_ids(lang)
    return [c.id for area in Area for c in load_catalog().in_area(area) if c.id in have]


def test_html_handout_holds_every_guide_in_area_order(cli, tmp_path: Path) -> None:
    out = tmp_path / "handout.html"
    res = cli(["guides", "export", "-o", str(out), "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "Handout written" in res.stdout
    html = out.read_text(encoding="utf-8")
    doc = parse(html)
    articles = [a["id"] for t, a in doc.tags if t == "article"]
    expected = [f"guide-{cid}" for cid in guided_checks("en")]
    assert expected and articles == expected
    areas = [a["id"] for t, a in doc.tags if t == "section" and a.get("class") == "area"]
    assert areas == [f"area-{a.value}" for a in Area
                     if any(c.area == a for c in load_catalog().checks.values())
                     and f"area-{a.value}" in areas]
    # Every table-of-contents link points at something in the file.
    ids = {a.get("id") for _, a in doc.tags}
    internal = [a["href"][1:] for t, a in doc.tags if t == "a" and a["href"].startswith("#")]
    assert internal and set(internal) <= ids


def test_html_handout_has_glossary_and_services(cli, tmp_path: Path) -> None:
    out = tmp_path / "h.html"
    assert cli(["guides", "export", "-o", str(out), "--lang", "en"]).exit_code == 0
    html = out.read_text(encoding="utf-8")
    for term in load_glossary():
        assert term.term["en"].replace("'", "&#x27;") in html
    for s in load_services():
        assert s.name["en"].replace("'", "&#x27;") in html, s.id
    assert html.count('class="unverified">[Not verified]') == sum(
        not s.verified for s in load_services())
    assert "Emergency numbers" in html and "<b>102</b>" in html


def test_html_handout_is_self_contained_and_printable(cli, tmp_path: Path) -> None:
    out = tmp_path / "h.html"
    assert cli(["guides", "export", "-o", str(out)]).exit_code == 0
    html = out.read_text(encoding="utf-8")
    doc = parse(html)
    tags = {t for t, _ in doc.tags}
    assert not tags & {"script", "img", "iframe", "object", "embed", "link", "base", "form"}
    assert "@media print" in html and "<style>" in html
    assert "default-src 'none'" in html
    for t, a in doc.tags:
        for name, value in a.items():
            assert not name.startswith("on"), (t, name)
            if name in ("href", "src"):
                assert value.startswith(("#", "https://", "http://", "mailto:")), value
    assert html.startswith("<!DOCTYPE html>") and '<html lang="mn">' in html


def test_handout_file_is_private(cli, tmp_path: Path) -> None:
    out = tmp_path / "new" / "h.html"
    assert cli(["guides", "export", "-o", str(out)]).exit_code == 0
    if os.name == "posix":
        assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_guide_markdown_is_rendered_and_escaped(cli, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import safetycheck.catalog as catalog

    first = guided_checks("mn")[0]
    hostile = ("# Гарчиг\n\nТекст <script>alert(1)</script> ба <b onclick=x>b</b>.\n\n"
               "> **Эхлээд аюулгүй байдал.** Анхаар\n\n1. **Settings** › *Apps*\n"
               "2. [муу холбоос](javascript:alert(1)) [сайн](https://example.org/a?b=1&c=2)\n\n"
               "![зураг](https://tracker.example/pixel.png)\n")
    real = catalog.guide_text
    monkeypatch.setattr(catalog, "guide_text",
                        lambda cid, lang: hostile if cid == first else real(cid, lang))
    out = tmp_path / "h.html"
    assert cli(["guides", "export", "-o", str(out)]).exit_code == 0
    html = out.read_text(encoding="utf-8")
    start = html.index(f'id="guide-{first}"')
    article = html[start:html.index("</article>", start)]
    assert "<script>" not in html and "&lt;script&gt;" in article
    assert "onclick" not in parse(html).tags.__repr__()
    assert 'href="javascript' not in html
    assert '<a href="https://example.org/a?b=1&amp;c=2">' in article
    # An image is never loaded: at most it becomes a plain link the reader may follow.
    assert [t for t, a in parse(article).tags if "tracker.example" in str(a)] == ["a"]
    assert "<h3>Гарчиг</h3>" in article  # the guide's h1 sits under the area's h2
    assert "<blockquote>" in article and "<strong>Settings</strong>" in article
    assert "<em>Apps</em>" in article and "<ol>" in article


def test_markdown_handout(cli, tmp_path: Path) -> None:
    out = tmp_path / "handout.md"  # the format follows the extension
    res = cli(["guides", "export", "-o", str(out), "--lang", "en"])
    assert res.exit_code == 0, res.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# safetycheck: safety guides (trainer handout)")
    assert "\n## Account security\n" in text
    lines = text.splitlines()
    # Guide titles (their "# " line) are now level-3 headings; no guide keeps a level-1 one.
    assert sum(1 for line in lines if line.startswith("# ")) == 1
    for cid in guided_checks("en")[:5]:
        title = load_catalog().get(cid).title["en"]
        assert f"### {title}" in text
    assert "## Glossary" in text and "**stalkerware** (нууцаар хянадаг апп)" in text
    assert "<https://report.iwf.org.uk/mn>" in text
    assert "[Not verified]" in text


def test_format_option_wins_over_the_extension(cli, tmp_path: Path) -> None:
    out = tmp_path / "handout.txt"
    assert cli(["guides", "export", "-o", str(out), "--format", "md"]).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# ")
    out2 = tmp_path / "handout.md"
    assert cli(["guides", "export", "-o", str(out2), "--format", "html"]).exit_code == 0
    assert out2.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_existing_file_is_not_overwritten_without_force(cli, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    out.write_text("a caseworker's report", encoding="utf-8")
    res = cli(["guides", "export", "-o", str(out), "--lang", "en"])
    assert res.exit_code == 2
    assert "already exists" in res.stderr and "--force" in res.stderr
    assert out.read_text(encoding="utf-8") == "a caseworker's report"
    res = cli(["guides", "export", "-o", str(out), "--force"])
    assert res.exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_bad_format_and_missing_output_are_usage_errors(cli, tmp_path: Path) -> None:
    res = cli(["guides", "export", "-o", str(tmp_path / "x"), "--format", "pdf"])
    assert res.exit_code == 2 and "Traceback" not in res.output
    res = cli(["guides", "export"])
    assert res.exit_code == 2 and "Traceback" not in res.output


def test_unwritable_target_is_a_clear_error(cli, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    res = cli(["guides", "export", "-o", str(blocker / "h.html"), "--lang", "en"])
    assert res.exit_code == 2
    assert "Could not write" in res.stderr and "Traceback" not in res.output


def test_a_missing_guide_is_reported_and_left_out(cli, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import safetycheck.catalog as catalog
    from safetycheck.errors import UsageError

    first = guided_checks("en")[0]
    real = catalog.guide_text

    def guide_text(cid: str, lang: str) -> str:
        if cid == first:
            raise UsageError("error.no_guide", check_id=cid, lang=lang)
        return real(cid, lang)

    monkeypatch.setattr(catalog, "guide_text", guide_text)
    out = tmp_path / "h.html"
    res = cli(["guides", "export", "-o", str(out), "--lang", "en"])
    assert res.exit_code == 0
    assert f"the en guide for “{first}” is missing" in res.stderr
    html = out.read_text(encoding="utf-8")
    assert f'id="guide-{first}"' not in html and f'href="#guide-{first}"' not in html
