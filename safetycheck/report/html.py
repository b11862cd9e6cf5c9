"""The HTML report: one self-contained, printable file (inline CSS, no script, no fetches).

Jinja2 autoescapes every value, and the page carries a Content-Security-Policy that allows
nothing but its own inline style, so even a mistake in escaping could not run a script or
make the browser fetch anything (a fetch could tell someone the report was opened).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from safetycheck.report.model import STALE_DAYS, Report

TEMPLATE = "report.html.j2"


@cache
def _template() -> Any:
    import jinja2

    source = (resources.files("safetycheck.report") / "templates" / TEMPLATE).read_text(
        encoding="utf-8")
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=False, lstrip_blocks=False, keep_trailing_newline=True)
    return env.from_string(source)


def render_html(report: Report) -> str:
    """The report as one HTML document."""
    return _template().render(r=report, t=report.t, stale_days=STALE_DAYS)
