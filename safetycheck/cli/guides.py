"""``safetycheck guides export``: every guide, the glossary and the services in one handout.

The handout is for trainers and caseworkers: one printable, self-contained file (HTML with
inline CSS and a print stylesheet, no scripts, no external resources; or Markdown). Guides
come in area order (accounts, stalkerware, location, exposure), each followed by the sources
its steps were checked against. It holds no personal data. Every string is escaped: guide
Markdown is rendered by markdown-it with raw HTML and images turned off, and links other
than http(s)/mailto are dropped by its link validator.
"""

from __future__ import annotations

import datetime as _dt
import html
import re
from pathlib import Path
from typing import Any

import click

from safetycheck import __version__, i18n
from safetycheck.cli.app import App, lang_option, pass_app
from safetycheck.errors import UsageError

FORMATS = ("html", "md")
_HEADING_RE = re.compile(r"^(#{1,6})(?=\s)")


@click.group("guides", help=i18n.t("help.guides"))
def guides() -> None:
    pass


# -- shared content ---------------------------------------------------------------------------

def _guides(app: App) -> list[tuple[Any, list[tuple[Any, str]]]]:
    """``[(area, [(check, guide markdown)])]`` in area order; missing guides are reported."""
    from safetycheck.catalog import guide_text, load_catalog
    from safetycheck.model import Area

    catalog = load_catalog()
    out = []
    for area in Area:
        items = []
        for check in catalog.in_area(area):
            try:
                items.append((check, guide_text(check.id, app.lang)))
            except UsageError:
                app.warn("guides.export.missing", check_id=check.id, lang=app.lang)
        if items:
            out.append((area, items))
    return out


def _local_groups(app: App) -> list[tuple[Any, list[Any]]]:
    """``[(province, [services])]`` for every province with services of its own."""
    from safetycheck.services import load_provinces, load_services

    services = load_services()
    return [(p, [s for s in services if s.area == p.id]) for p in load_provinces()
            if any(s.area == p.id for s in services)]


def _service_facts(app: App, s: Any) -> list[tuple[str, str, bool]]:
    """``(label, value, is_url)`` rows of one service, in display order."""
    rows = [("services.label.helps_with", app.pick(s.helps_with), False),
            ("services.label.phone", s.phone, False),
            ("services.label.website", s.website, True),
            ("services.label.address", app.pick(s.address) if s.address else None, False),
            ("services.label.hours", app.pick(s.hours) if s.hours else None, False),
            ("services.label.note", app.pick(s.note) if s.note else None, False)]
    return [(app.t(k), v, u) for k, v, u in rows if v]


# -- Markdown -----------------------------------------------------------------------------------

def md_escape(text: str) -> str:
    """Escape the characters that would start Markdown markup inside a line of our data."""
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)


def shift_headings(markdown: str, by: int) -> str:
    """Move every ATX heading ``by`` levels down (at most h6), outside fenced code."""
    out, fenced = [], False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if not fenced:
            line = _HEADING_RE.sub(lambda m: "#" * min(6, len(m.group(1)) + by), line)
        out.append(line)
    return "\n".join(out)


def build_markdown(app: App) -> str:
    from safetycheck.glossary import load_glossary
    from safetycheck.services import emergency_numbers, services_for

    lines = [f"# {app.t('guides.export.title')}", "",
             app.t("guides.export.meta", version=__version__, date=_dt.date.today().isoformat()),
             "", app.t("guides.export.intro"), "", f"## {app.t('services.emergency_title')}", ""]
    lines += [f"- **{s.phone}** {md_escape(app.pick(s.name))}" for s in emergency_numbers()]
    for area, items in _guides(app):
        lines += ["", f"## {md_escape(app.t(f'area.{area.value}'))}"]
        for check, text in items:
            lines += ["", shift_headings(text.strip(), 2), "",
                      f"#### {app.t('guides.export.sources')}", ""]
            for ref in check.references:
                flag = "" if ref.verified else f" {app.t('guides.export.unverified')}"
                title = f"{md_escape(ref.title)}: " if ref.title else ""
                lines.append(f"- {title}<{ref.url}> "
                             f"({app.t('guides.export.checked', date=ref.checked)}){flag}")
    lines += ["", f"## {app.t('glossary.title')}", ""]
    other = "en" if app.lang == "mn" else "mn"
    for term in load_glossary():
        lines += [f"**{md_escape(term.term[app.lang])}** ({md_escape(term.term[other])})",
                  f": {md_escape(term.definition[app.lang])}", ""]
    lines += [f"## {app.t('guides.export.services_title')}"]
    groups = [(app.t("services.national_title"), services_for(None))]
    groups += [(app.pick(p.name), items) for p, items in _local_groups(app)]
    for heading, items in groups:
        lines += ["", f"### {md_escape(heading)}"]
        for s in items:
            flag = "" if s.verified else f" {app.t('services.unverified')}"
            lines += ["", f"#### {md_escape(app.pick(s.name))}{md_escape(flag)}", ""]
            for label, value, is_url in _service_facts(app, s):
                lines.append(f"- {label} {f'<{value}>' if is_url else md_escape(value)}")
            lines.append(f"- {app.t('services.label.source')} <{s.source}> "
                         f"({app.t('guides.export.checked', date=s.checked)})")
    lines += ["", "---", "", app.t("guides.export.other_provinces"), "",
              app.t("services.footer"), "", app.t("guides.export.no_personal_data"), ""]
    return "\n".join(lines)


# -- HTML ---------------------------------------------------------------------------------------

CSS = """
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; line-height: 1.5;
       max-width: 46em; margin: 2em auto; padding: 0 1em; color: #111; background: #fff; }
h1 { font-size: 1.7em; margin-bottom: .2em; }
h2 { font-size: 1.4em; border-bottom: 2px solid #444; padding-bottom: .2em; margin-top: 2em; }
h3 { font-size: 1.2em; margin-top: 1.6em; }
h4, h5, h6 { font-size: 1em; }
.meta { color: #555; font-size: .9em; }
.emergency { border: 2px solid #8a1c1c; padding: .6em 1em; margin: 1em 0; }
.emergency h2 { margin-top: .2em; }
.emergency ul { list-style: none; padding: 0; margin: .3em 0; }
.emergency b { display: inline-block; min-width: 3em; font-size: 1.2em; }
blockquote { border-left: 4px solid #b58900; margin: 1em 0; padding: .3em 1em;
             background: #fdf6e3; }
code { font-family: "DejaVu Sans Mono", monospace; background: #eee; padding: 0 .2em; }
.sources { font-size: .85em; color: #333; }
.sources h4 { margin-bottom: .2em; }
.unverified { color: #8a4b00; font-weight: bold; }
dt { font-weight: bold; margin-top: .8em; }
dd { margin-left: 1.5em; }
.service { border-top: 1px solid #ccc; padding: .4em 0; }
.service dl { margin: .2em 0; }
.service dt { display: inline; font-weight: normal; color: #555; margin: 0; }
.service dd { display: inline; margin: 0; }
.service dd::after { content: ""; display: block; }
a { color: #0b4f8a; word-break: break-word; }
footer { margin-top: 3em; border-top: 1px solid #444; font-size: .9em; }
@media print {
  body { max-width: none; margin: 0; font-size: 11pt; }
  @page { margin: 18mm 16mm; }
  nav, .area, #glossary, #services { break-before: page; }
  .guide { break-before: page; }
  .area > .guide:first-of-type { break-before: auto; }
  .service, dt, blockquote, li { break-inside: avoid; }
  h2, h3, h4 { break-after: avoid; }
  a { color: #000; text-decoration: none; }
  a[href^="http"]::after { content: " (" attr(href) ")"; font-size: .85em; }
  .sources a[href^="http"]::after, .service a[href^="http"]::after { content: ""; }
}
"""


def _markdown_renderer() -> Any:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.disable("image")  # a self-contained handout loads nothing from outside
    return md


def render_guide_html(md: Any, text: str, shift: int = 2) -> str:
    """Guide Markdown as HTML: raw HTML escaped, headings moved down ``shift`` levels."""
    tokens = md.parse(text)
    for tok in tokens:
        if tok.type in ("heading_open", "heading_close"):
            tok.tag = f"h{min(6, int(tok.tag[1]) + shift)}"
    return md.renderer.render(tokens, md.options, {})


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _link(url: str) -> str:
    if not url.startswith(("https://", "http://")):
        return _e(url)
    return f'<a href="{_e(url)}">{_e(url)}</a>'


def build_html(app: App) -> str:
    from safetycheck.glossary import load_glossary
    from safetycheck.services import emergency_numbers, services_for

    md = _markdown_renderer()
    guides_by_area = _guides(app)
    title = app.t("guides.export.title")
    out = ["<!DOCTYPE html>", f'<html lang="{_e(app.lang)}">', "<head>", '<meta charset="utf-8">',
           '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
           'style-src \'unsafe-inline\'">',
           '<meta name="referrer" content="no-referrer">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{_e(title)}</title>", f"<style>{CSS}</style>", "</head>", "<body>",
           f"<header><h1>{_e(title)}</h1>",
           f'<p class="meta">{_e(app.t("guides.export.meta", version=__version__, date=_dt.date.today().isoformat()))}</p>',  # noqa: E501
           f"<p>{_e(app.t('guides.export.intro'))}</p></header>",
           f'<section class="emergency"><h2>{_e(app.t("services.emergency_title"))}</h2><ul>']
    out += [f"<li><b>{_e(s.phone)}</b> {_e(app.pick(s.name))}</li>" for s in emergency_numbers()]
    out += ["</ul></section>", f'<nav><h2>{_e(app.t("guides.export.contents"))}</h2><ol>']
    for area, items in guides_by_area:
        out.append(f'<li><a href="#area-{area.value}">{_e(app.t(f"area.{area.value}"))}</a><ol>')
        out += [f'<li><a href="#guide-{c.id}">{_e(app.pick(c.title))}</a></li>' for c, _ in items]
        out.append("</ol></li>")
    out += [f'<li><a href="#glossary">{_e(app.t("glossary.title"))}</a></li>',
            f'<li><a href="#services">{_e(app.t("guides.export.services_title"))}</a></li>',
            "</ol></nav>"]
    for area, items in guides_by_area:
        out.append(f'<section class="area" id="area-{area.value}">'
                   f"<h2>{_e(app.t(f'area.{area.value}'))}</h2>")
        for check, text in items:
            out.append(f'<article class="guide" id="guide-{check.id}">')
            out.append(render_guide_html(md, text))
            out.append(f'<div class="sources"><h4>{_e(app.t("guides.export.sources"))}</h4><ul>')
            for ref in check.references:
                flag = ("" if ref.verified else
                        f' <span class="unverified">{_e(app.t("guides.export.unverified"))}</span>')
                label = f"{_e(ref.title)}: " if ref.title else ""
                out.append(f"<li>{label}{_link(ref.url)} "
                           f"({_e(app.t('guides.export.checked', date=ref.checked))}){flag}</li>")
            out.append("</ul></div></article>")
        out.append("</section>")
    other = "en" if app.lang == "mn" else "mn"
    out.append(f'<section id="glossary"><h2>{_e(app.t("glossary.title"))}</h2><dl>')
    for term in load_glossary():
        out.append(f"<dt>{_e(term.term[app.lang])} <small>({_e(term.term[other])})</small></dt>"
                   f"<dd>{_e(term.definition[app.lang])}</dd>")
    out.append("</dl></section>")
    out.append(f'<section id="services"><h2>{_e(app.t("guides.export.services_title"))}</h2>')
    groups = [(app.t("services.national_title"), services_for(None))]
    groups += [(app.pick(p.name), items) for p, items in _local_groups(app)]
    for heading, items in groups:
        out.append(f"<h3>{_e(heading)}</h3>")
        for s in items:
            flag = ("" if s.verified else
                    f' <span class="unverified">{_e(app.t("services.unverified"))}</span>')
            out.append(f'<div class="service"><h4>{_e(app.pick(s.name))}{flag}</h4><dl>')
            for label, value, is_url in _service_facts(app, s):
                out.append(f"<dt>{_e(label)}</dt> <dd>{_link(value) if is_url else _e(value)}</dd>")
            out.append(f"<dt>{_e(app.t('services.label.source'))}</dt> <dd>{_link(s.source)} "
                       f"({_e(app.t('guides.export.checked', date=s.checked))})</dd></dl></div>")
    out += [f"<p>{_e(app.t('guides.export.other_provinces'))}</p>", "</section>",
            f"<footer><p>{_e(app.t('services.footer'))}</p>"
            f"<p>{_e(app.t('guides.export.no_personal_data'))}</p></footer>", "</body></html>", ""]
    return "\n".join(out)


# -- command ------------------------------------------------------------------------------------

@guides.command("export", help=i18n.t("help.guides.export"))
@click.option("-o", "--output", "output", required=True, metavar="FILE",
              type=click.Path(dir_okay=False, path_type=Path),
              help=i18n.t("guides.export.opt.output"))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help=i18n.t("guides.export.opt.format"))
@click.option("--force", is_flag=True, help=i18n.t("guides.export.opt.force"))
@lang_option
@pass_app
def export(app: App, output: Path, fmt: str | None, force: bool) -> None:
    from safetycheck.storage.paths import secure_output_file

    if fmt is None:
        fmt = "md" if output.suffix.lower() in (".md", ".markdown") else "html"
    if output.exists() and not force:
        raise UsageError("guides.export.exists", path=str(output))
    text = build_html(app) if fmt == "html" else build_markdown(app)
    try:
        secure_output_file(output, text.encode("utf-8"))
    except OSError as exc:
        raise UsageError("guides.export.cannot_write", path=str(output),
                         detail=exc.strerror or type(exc).__name__) from None
    app.say("guides.export.written", path=str(output), format=fmt.upper())
