"""Language choice and the UI message catalogs (Mongolian first, English second).

UI strings live in ``safetycheck/locales/*.json``; each file maps a message key to its text in
every language, side by side, so a translator sees at once what is missing::

    {"audit.pause": {"mn": "Түр зогсоох", "en": "Pause"}}

Several files keep areas apart (``core.json``, ``android.json``, ...); a key may appear in one
file only. JSON rather than YAML keeps ``safetycheck --help`` fast (``json`` is in the standard
library and has a C parser). Placeholders use ``str.format`` syntax: ``{name}``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

LANGS: tuple[str, ...] = ("mn", "en")
DEFAULT_LANG = "mn"
ENV_LANG = "SAFETYCHECK_LANG"

_current: str | None = None
_catalog: dict[str, dict[str, str]] | None = None


class _SafeDict(dict):
    """Leaves an unknown placeholder visible instead of raising KeyError."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def normalize_lang(value: str | None) -> str | None:
    """Return a supported language code for ``value`` ('mn', 'MN', 'mn_MN.UTF-8'), else None."""
    if not value:
        return None
    code = value.strip().lower().replace("-", "_").split(".")[0].split("_")[0]
    return code if code in LANGS else None


def resolve_lang(option: str | None = None) -> str:
    """Language from the option, then ``SAFETYCHECK_LANG``, then the default (Mongolian)."""
    return normalize_lang(option) or normalize_lang(os.environ.get(ENV_LANG)) or DEFAULT_LANG


def set_lang(lang: str) -> None:
    """Set the language used by ``t()`` when no language is passed."""
    global _current
    _current = normalize_lang(lang) or DEFAULT_LANG


def get_lang() -> str:
    """The current language (set by the CLI from ``--lang`` or the environment)."""
    return _current or resolve_lang()


def load_catalog() -> dict[str, dict[str, str]]:
    """All UI messages, merged from every catalog file; cached after the first call."""
    global _catalog
    if _catalog is None:
        # Plain file access rather than importlib.resources: it is read on every start-up,
        # and importlib.resources alone costs ~10 ms; the package is never zipped.
        merged: dict[str, dict[str, str]] = {}
        folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "locales")
        for name in sorted(os.listdir(folder)):
            if name.endswith(".json"):
                with open(os.path.join(folder, name), encoding="utf-8") as fh:
                    merged.update(json.load(fh))
        _catalog = merged
    return _catalog


def t(key: str, lang: str | None = None, /, **params: Any) -> str:
    """The message ``key`` in ``lang`` (default: current), with ``params`` filled in.

    A missing key or translation falls back to the other language, then to the key itself,
    so a gap never crashes a session; tests make sure there are no gaps.
    """
    entry = load_catalog().get(key)
    lang = lang or get_lang()
    if entry is None:
        text = key
    else:
        text = entry.get(lang) or entry.get("en") or entry.get("mn") or key
    if params:
        return text.format_map(_SafeDict(params))
    return text


def pick(text: Mapping[str, str] | str | None, lang: str | None = None) -> str:
    """Choose the ``lang`` version of a translated data field (``{"mn": ..., "en": ...}``)."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    lang = lang or get_lang()
    return text.get(lang) or text.get("en") or text.get("mn") or ""
