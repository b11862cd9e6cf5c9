"""``safetycheck glossary [WORD]``: the terms used across checks and guides, with definitions.

``--json`` prints (schema ``safetycheck.glossary/1``)::

    {"schema": "safetycheck.glossary/1", "lang": "mn",
     "terms": [{"id", "term": {"mn", "en"}, "definition": {"mn", "en"},
                "variants": {"mn": [...], "en": [...]}}]}

``variants`` are other words for the same thing that safetycheck does not use; they are shown
as "other words you may hear" so a person who knows only the loanword finds the term.
"""

from __future__ import annotations

from typing import Any

import click

from safetycheck import i18n
from safetycheck.cli.app import App, lang_option, pass_app

SCHEMA = "safetycheck.glossary/1"


def _matches(term: Any, query: str) -> bool:
    q = query.casefold().strip()
    words = [*term.term.values(), *(v for vs in term.variants.values() for v in vs), term.id]
    return any(q in w.casefold() for w in words)


def term_lines(app: App, term: Any, width: int) -> list[Any]:
    """The lines for one term: the chosen word, the other language's, definition, variants."""
    from rich.text import Text

    from safetycheck.cli.services import wrap

    other = "en" if app.lang == "mn" else "mn"
    lines: list[Any] = [Text(term.term[app.lang], style="bold")]
    lines.extend(Text(x) for x in wrap(f"({term.term[other]})", width))
    lines.extend(Text(x) for x in wrap(term.definition[app.lang], width))
    variants = term.variants.get(app.lang) or ()
    if variants:
        text = app.t("glossary.variants", words=", ".join(variants))
        lines.extend(Text(x, style="dim" if not app.plain else None) for x in wrap(text, width))
    return lines


@click.command("glossary", help=i18n.t("help.glossary"))
@click.argument("query", required=False, metavar="[WORD]")
@click.option("--json", "as_json", is_flag=True, help=i18n.t("glossary.opt.json"))
@lang_option
@pass_app
def glossary(app: App, query: str | None, as_json: bool) -> None:
    from safetycheck.glossary import load_glossary

    terms = load_glossary()
    if query:
        terms = [x for x in terms if _matches(x, query)]
    if as_json:
        app.print_json({"schema": SCHEMA, "lang": app.lang,
                        "terms": [x.to_dict() for x in terms]})
        return
    from rich.text import Text

    if not terms:
        app.say("glossary.no_match", word=query)
        return
    width = min(app.console.width, 100) - 1
    app.print(Text(app.t("glossary.title"), style="bold underline"))
    for term in terms:
        app.print("")
        for line in term_lines(app, term, width):
            app.print(line)
