"""Caseworker reports (HTML, Markdown, JSON) and the evidence bundle."""

from __future__ import annotations

FORMATS = ("html", "md", "json")
EXTENSIONS = {"html": "html", "md": "md", "json": "json"}


def render(report: object, fmt: str) -> str:
    """Render a ``Report`` in ``fmt`` (``html``, ``md`` or ``json``)."""
    if fmt == "html":
        from safetycheck.report.html import render_html

        return render_html(report)  # type: ignore[arg-type]
    if fmt == "md":
        from safetycheck.report.markdown import render_markdown

        return render_markdown(report)  # type: ignore[arg-type]
    if fmt == "json":
        from safetycheck.report.json_format import render_json

        return render_json(report)  # type: ignore[arg-type]
    raise ValueError(fmt)


def render_report(session: object, catalog: object, fmt: str, lang: str,
                  include_locations: bool = False, caseworker: str | None = None) -> str:
    """Build the report of ``session`` and render it in ``fmt`` (used by ``demo --report``)."""
    from safetycheck.report.model import build_report

    report = build_report(session, catalog, lang,  # type: ignore[arg-type]
                          include_locations=include_locations, caseworker=caseworker)
    return render(report, fmt)
