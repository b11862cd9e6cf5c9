"""The Markdown report: readable as plain text, and safe when a viewer renders it.

Values that came from outside are cleaned (``safetycheck.ui.text.clean``: no ANSI/OSC
sequences, control or bidi characters) and every character Markdown gives a meaning to
inline is backslash-escaped, so an app named ``[x](http://evil)`` or ``<script>`` shows as
typed instead of becoming a link or HTML. Characters that only matter at the start of a line
(``#``, ``>``, ``-``, ``1.``) are escaped there.
"""

from __future__ import annotations

import re

from safetycheck.report.model import (
    NOTE_MAX,
    STALE_DAYS,
    Field,
    FindingView,
    Report,
    SectionState,
)
from safetycheck.ui.text import clean

_INLINE_RE = re.compile(r"([\\`*\[\]<>|~&#])")
# "_" only makes emphasis at a word edge; inside a word (check ids) it stays readable.
_UNDERSCORE_RE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
# Block markers only count at the start of a line and (except ">") before a space: "1.jpg" and
# "-foo" stay as they are, "1. x", "- x", "---" and ">x" are escaped.
_LINE_START_RE = re.compile(r"^(\s*)(>|[+=-](?=[\s=-]|$)|\d+(?=[.)](?:\s|$)))")
_CODE_OK = re.compile(r"^[A-Za-z0-9_. -]+$")


def _escape_marker(m: re.Match[str]) -> str:
    marker = m.group(2)
    if marker[0].isdigit():  # "1. x": escape the punctuation, a backslash before "1" shows
        return m.group(1) + marker + "\\"
    return m.group(1) + "\\" + marker


def md(value: object, keep_newlines: bool = False) -> str:
    """Escape untrusted text for Markdown (cleaned first)."""
    text = clean(value if value is not None else "", NOTE_MAX, keep_newlines=keep_newlines)
    lines = []
    for line in text.split("\n"):
        line = _INLINE_RE.sub(r"\\\1", line)
        line = _UNDERSCORE_RE.sub(r"\\_", line)
        line = _LINE_START_RE.sub(_escape_marker, line)
        lines.append(line)
    return "\n".join(lines)


def _code(text: str) -> str:
    return f"`{text}`" if _CODE_OK.match(text) else md(text)


def _kv(f: Field) -> str:
    return f"- **{md(f.label)}:** {md(f.value)}"


def _state_line(r: Report, state: SectionState) -> str:
    text = f"_{md(state.label)}_"
    if state.reason:
        text += f" — {md(state.reason)}"
    return text


def _run_line(r: Report, state: SectionState) -> list[str]:
    if not state.at:
        return []
    line = f"{r.t('report.checked_at')}: {md(state.at)} · {md(state.label)}"
    if state.reason:
        line += f" — {md(state.reason)}"
    return [line, ""]


def _finding(r: Report, f: FindingView) -> list[str]:
    head = f"#### {f.severity_label} · {md(f.title)}"
    if f.platform_label:
        head += f" — {md(f.platform_label)}"
    out = [head, "", f"- **{r.t('report.field.status')}:** {f.status_label}"]
    source = md(f.source_label)
    if f.answer_label:
        source += f" ({r.t('report.field.answer')}: {f.answer_label})"
    out.append(f"- **{r.t('report.field.source')}:** {source}")
    out.extend(_kv(d) for d in f.details)
    if f.evidence:
        refs = []
        for e in f.evidence:
            if e.missing:
                refs.append(f"{md(e.id)} {r.t('report.evidence.missing')}")
            else:
                refs.append(f"{md(e.name)} (sha256 {md(e.sha256[:16])}…)")
        out.append(f"- **{r.t('report.field.evidence')}:** " + "; ".join(refs))
    out.append(f"- **{r.t('report.field.action')}:** {f.action_label}")
    if f.note:
        note = md(f.note, keep_newlines=True).replace("\n", "\\\n  ")
        out.append(f"- **{r.t('report.field.note')}:** {note}")
    out.append(f"- **{r.t('report.field.guide')}:** {_code(f.guide)}")
    out.append("")
    return out


def render_markdown(r: Report) -> str:
    """The report as Markdown (UTF-8 text)."""
    t = r.t
    out: list[str] = [f"# {t('report.title')}", "",
                      f"> **{t('report.sensitive.title').upper()}.** {t('report.sensitive.body')}",
                      ""]
    if r.cover.demo:
        out += [f"> {t('report.demo')}", ""]
    out += [_kv(f) for f in r.cover.fields]
    if r.cover.indicator and r.cover.indicator.stale:
        out += ["", f"**{t('report.indicator.stale', days=STALE_DAYS)}**"]
    out.append("")

    out += [f"## 1. {t('report.section.intake')}", ""]
    if r.intake.rows:
        out += [f"- **{md(row.label)}:** {md(row.text)}" for row in r.intake.rows]
    else:
        out.append(f"_{t('report.intake.empty')}_")
    out.append("")
    if not r.intake.done:
        out += [t("report.intake.not_done"), ""]
    out += [t("report.intake.answered", answered=r.intake.answered), ""]

    out += [f"## 2. {t('report.section.findings')}", "", f"**{md(r.summary.text)}**", ""]
    if r.areas:
        out += [f"_{t('report.findings.how_to_read')}_", ""]
    for area in r.areas:
        out += [f"### {area.label} ({area.count})", ""]
        for group in area.groups:
            for f in group.findings:
                out += _finding(r, f)

    d = r.device
    out += [f"## 3. {t('report.section.device_scan')}", ""]
    if not d.state.ran:
        out += [_state_line(r, d.state), ""]
    else:
        out += _run_line(r, d.state)
        if d.incomplete:
            out += [f"**{t('report.device.incomplete')}**", ""]
        out += [_kv(f) for f in d.device]
        if r.cover.indicator:
            out.append(f"- **{t('report.cover.indicator_set')}:** {md(r.cover.indicator.text)}")
            if r.cover.indicator.stale:
                out.append(f"- **{t('report.indicator.stale', days=STALE_DAYS)}**")
        out += ["", f"### {t('report.device.apps')}", ""]
        if d.apps:
            for a in d.apps:
                line = f"- **{md(a.label) or '—'}** ({md(a.package)})"
                line += f" — {t('report.app.installer')}: {md(a.installer) or '—'}"
                line += f"; {t('report.app.first_install')}: {md(a.first_install) or '—'}"
                if a.reasons:
                    line += f"; {t('report.app.reasons')}: " + ", ".join(md(x) for x in a.reasons)
                out.append(line)
        else:
            out.append(t("report.device.no_apps"))
        out += ["", f"### {t('report.device.settings')}", ""]
        if d.settings:
            out += [f"- {md(s.label)} = {md(s.value)}" for s in d.settings]
        else:
            out.append(t("report.device.no_settings"))
        out.append("")

    p = r.photos
    out += [f"## 4. {t('report.section.photos')}", ""]
    if not p.state.ran:
        out += [_state_line(r, p.state), ""]
    else:
        out += _run_line(r, p.state)
        out += [t("report.photos.counts", scanned=p.files_scanned, located=len(p.with_location),
                  unreadable=len(p.unreadable)), ""]
        if p.with_location:
            if not r.include_locations:
                out += [f"_{t('report.photos.hidden')}_", ""]
            for ph in p.with_location:
                if r.include_locations and ph.lat is not None and ph.lon is not None:
                    where = f"{ph.lat:.6f}, {ph.lon:.6f}"
                else:
                    where = t("report.photos.present")
                out.append(f"- {md(ph.file)} — {md(ph.time) or '—'}; {md(ph.model) or '—'}; "
                           f"{where}")
        else:
            out.append(t("report.photos.none"))
        if p.unreadable:
            out += ["", f"### {t('report.photos.unreadable')}", ""]
            out += [f"- {md(u)}" for u in p.unreadable]
        out.append("")

    pw = r.passwords
    out += [f"## 5. {t('report.section.passwords')}", ""]
    if not pw.state.ran:
        out += [_state_line(r, pw.state), ""]
    else:
        out += _run_line(r, pw.state)
        out += [f"- {md(i.text)}" for i in pw.items] or [t("report.passwords.none")]
        out += ["", f"_{t('report.passwords.note')}_", ""]

    b = r.breaches
    out += [f"## 6. {t('report.section.breaches')}", ""]
    if not b.state.ran:
        out += [_state_line(r, b.state), ""]
    else:
        out += _run_line(r, b.state)
        if b.items:
            for i in b.items:
                classes = ", ".join(md(c) for c in i.data_classes) or "—"
                who = f"{md(i.account)} — " if i.account else ""
                out.append(f"- {who}**{md(i.breach)}** ({md(i.date) or '—'}): {classes}")
        else:
            out.append(t("report.breaches.none"))
        out.append("")

    out += [f"## 7. {t('report.section.unresolved')}", ""]
    if r.unresolved:
        for n, s in enumerate(r.unresolved, 1):
            head = md(s.title) + (f" — {md(s.platform_label)}" if s.platform_label else "")
            out.append(f"{n}. **{head}** ({s.action_label}): {md(s.text)}")
    else:
        out.append(t("report.unresolved.none"))
    out += ["", f"### {t('report.unresolved.general')}", ""]
    out += [f"- {g}" for g in r.general_steps]
    out.append("")

    ref = r.referrals
    out += [f"## 8. {t('report.section.referrals')}", "",
            f"{t('report.cover.province')}: {md(ref.province)}", ""]
    if not ref.state.ran:
        out += [_state_line(r, ref.state), ""]
    else:
        if ref.note:
            out += [f"_{ref.note}_", ""]
        if not ref.services:
            out += [t("report.referrals.none"), ""]
        for s in ref.services:
            head = f"### {md(s.name)}"
            if not s.verified:
                head += f" ({t('report.service.unverified')})"
            out += [head, ""]
            if s.helps_with:
                out += [md(s.helps_with), ""]
            for key in ("phone", "website", "address", "hours", "note"):
                value = getattr(s, key)
                if value:
                    out.append(f"- **{t('report.service.' + key)}:** {md(value)}")
            if s.source:
                line = f"- **{t('report.service.source')}:** {md(s.source)}"
                if s.checked:
                    line += f" ({t('report.service.checked')}: {md(s.checked)})"
                out.append(line)
            elif s.checked:
                out.append(f"- **{t('report.service.checked_label')}:** {md(s.checked)}")
            out.append("")

    out += [f"## 9. {t('report.section.limits')}", ""]
    for n, para in enumerate(r.limitations):
        out += [f"**{para}**" if n == 0 else para, ""]
    if r.not_checked:
        out += [t("report.limits.not_checked_intro"), ""]
        out += [f"- {f.label} — {f.value}" for f in r.not_checked]
        out.append("")

    g = r.glossary
    out += [f"## 10. {t('report.section.glossary')}", ""]
    if not g.state.ran:
        out += [_state_line(r, g.state), ""]
    elif g.terms:
        for term in g.terms:
            out += [f"- **{md(term.term)}:** {md(term.definition)}"]
        out.append("")
    else:
        out += [t("report.glossary.none"), ""]

    out += ["---", "",
            f"{t('report.sensitive.title')} · " + t("report.footer", version=r.version,
                                                       date=r.cover.fields[0].value,
                                                       session=md(r.cover.session_id)), ""]
    return "\n".join(out)
