"""Collect every Mongolian string of the project and measure its spelling with hunspell mn_MN.

Prints the unknown-word rate (unknown words / all words) before and after the project word
list (``tests/data/mn_wordlist/*.txt``), for the README. ``tests/test_mongolian_text.py``
imports the collection and tokenising functions from here, so the figure and the test always
look at the same words.

    python benchmarks/mn_spelling.py [--list] [--json]

Texts collected: the ``mn`` fields of every check (``checks/**/*.yaml``), every Mongolian
guide (``guides/mn/*.md``), the ``mn`` value of every UI message
(``safetycheck/locales/*.json``), the services and provinces (``safetycheck/data/*.yaml``)
and the glossary's terms and definitions (not its variants: those are the spellings to
avoid). Markdown, URLs, code spans, placeholders and Latin-script words (brand names) are
removed before checking.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORDLIST_DIR = ROOT / "tests" / "data" / "mn_wordlist"
DICTIONARY = "mn_MN"

CYR = "\u0400-\u04ff"
# A run of Cyrillic letters; a hyphen inside a name ("Дархан-Уул") splits it into two words.
_WORD_RE = re.compile(rf"[{CYR}]+")
_LETTERS_RE = re.compile(r"[^\W\d_]+")
_LATIN_RE = re.compile(r"[A-Za-z]")
_CYR_RE = re.compile(rf"[{CYR}]")
_FENCE_RE = re.compile(r"^```.*?^```[^\n]*$", re.S | re.M)
_CODE_RE = re.compile(r"`[^`\n]*`")
_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_URL_RE = re.compile(r"<?(?:https?://|www\.)[^\s<>)»\"]+>?")
_EMAIL_RE = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_PLACEHOLDER_RE = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
_HTML_COMMENT_RE = re.compile(r"<!--.*?-->", re.S)
_BOLD_RE = re.compile(r"\*\*(.+?)\*\*|__(.+?)__", re.S)


@dataclass(frozen=True)
class MnText:
    """One Mongolian string and where it comes from."""

    file: str  # path relative to the project root
    where: str  # field path ("title.mn", a message key) or "" for a whole guide
    text: str
    markdown: bool = False
    content: bool = False  # a check or a guide (what the glossary-variant rule covers)


def _lang_values(data: Any, lang: str = "mn", path: str = "",
                 skip: tuple[str, ...] = ()) -> Iterator[tuple[str, str]]:
    """``(field path, text)`` for every string under a ``lang`` key, recursively."""
    if isinstance(data, dict):
        for key, value in data.items():
            key = str(key)
            if key in skip:
                continue
            sub = f"{path}.{key}" if path else key
            if key == lang and isinstance(value, str):
                yield sub, value
            else:
                yield from _lang_values(value, lang, sub, skip)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _lang_values(value, lang, f"{path}[{i}]", skip)


def _yaml(path: Path) -> Any:
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def collect(root: Path = ROOT, lang: str = "mn") -> list[MnText]:
    """Every string of the project in ``lang`` (``mn`` by default).

    Files that fail to parse are skipped here; the catalog tests report them.
    """
    out: list[MnText] = []
    for path in sorted((root / "checks").rglob("*.yaml")):
        try:
            data = _yaml(path)
        except Exception:  # noqa: BLE001 - reported by the catalog tests
            continue
        out.extend(MnText(_rel(path), w, s, content=True) for w, s in _lang_values(data, lang))
    for path in sorted((root / "guides" / lang).glob("*.md")):
        out.append(MnText(_rel(path), "", path.read_text(encoding="utf-8"), markdown=True,
                          content=True))
    for path in sorted((root / "safetycheck" / "locales").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for key, entry in data.items():
            if isinstance(entry, dict) and isinstance(entry.get(lang), str):
                out.append(MnText(_rel(path), key, entry[lang]))
    for path in sorted((root / "safetycheck" / "data").glob("*.yaml")):
        out.extend(MnText(_rel(path), w, s) for w, s in _lang_values(_yaml(path), lang))
    glossary = root / "guides" / "glossary.yaml"
    if glossary.is_file():
        out.extend(MnText(_rel(glossary), w, s)
                   for w, s in _lang_values(_yaml(glossary), lang, skip=("variants",)))
    return out


def strip(text: str, markdown: bool = False) -> str:
    """The prose of a string: no code, URLs, e-mail addresses, placeholders or link targets."""
    if markdown:
        text = _FENCE_RE.sub(" ", text)
        text = _HTML_COMMENT_RE.sub(" ", text)
    text = _CODE_RE.sub(" ", text)
    text = _LINK_RE.sub(r" \1 ", text)
    text = _URL_RE.sub(" ", text)
    text = _EMAIL_RE.sub(" ", text)
    return _PLACEHOLDER_RE.sub(" ", text)


def strip_bold(text: str) -> str:
    """Remove **bold** spans: in guides they quote menu names exactly as the app shows them."""
    return _BOLD_RE.sub(" ", text)


def words(text: str) -> list[str]:
    """The Mongolian (Cyrillic) words of stripped text, for spell-checking.

    A case ending written after a hyphen behind a Latin name, a number or an abbreviation
    ("Facebook-ийн", "2019-нд", "НҮБ-ын") is not a word of its own, so it is left out, and so
    are single letters (keyboard keys such as "т = тийм").
    """
    out: list[str] = []
    prev_end, prev = -1, ""
    for m in _WORD_RE.finditer(text):
        start, word = m.start(), m.group(0)
        suffix = start >= 2 and text[start - 1] == "-" and (
            not _CYR_RE.match(text[start - 2]) or (prev_end == start - 1 and prev.isupper()))
        prev_end, prev = m.end(), word
        if suffix or len(word) < 2:
            continue
        out.append(word)
    return out


def mixed_script_words(text: str) -> list[str]:
    """Words that mix Cyrillic and Latin letters (a Latin "o", "T", "e" in a Mongolian word)."""
    return [w for w in _LETTERS_RE.findall(text) if _LATIN_RE.search(w) and _CYR_RE.search(w)]


def wordlist_files(folder: Path = WORDLIST_DIR) -> list[Path]:
    return sorted(folder.glob("*.txt")) if folder.is_dir() else []


def wordlist_entries(files: Iterable[Path]) -> list[str]:
    """Entries of the project word list: ``word`` or ``word/model`` (inflects like model)."""
    entries = []
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                entries.append(line)
    return entries


def hunspell_available() -> str | None:
    """None when hunspell and the mn_MN dictionary can be used, else the reason why not."""
    exe = shutil.which("hunspell")
    if exe is None:
        return "hunspell is not installed (apt-get install hunspell hunspell-mn)"
    probe = subprocess.run([exe, "-D"], input="", capture_output=True, text=True)
    if not re.search(rf"[/\\]{DICTIONARY}\b", probe.stdout + probe.stderr):
        return f"the {DICTIONARY} dictionary is not installed (apt-get install hunspell-mn)"
    return None


def hunspell_unknown(unique_words: Iterable[str], personal: list[str] | None = None) -> set[str]:
    """The words hunspell mn_MN does not know (with ``personal`` as a personal dictionary)."""
    items = sorted(set(unique_words))
    if not items:
        return set()
    cmd = ["hunspell", "-d", DICTIONARY, "-i", "utf-8", "-l"]
    tmp = None
    try:
        if personal:
            fd, tmp = tempfile.mkstemp(prefix="mn-words-", suffix=".dic")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write("\n".join(personal) + "\n")
            cmd += ["-p", tmp]
        env = {**os.environ, "LC_ALL": "C.UTF-8"}
        res = subprocess.run(cmd, input="\n".join(items) + "\n", capture_output=True,
                             text=True, encoding="utf-8", env=env, check=True)
    finally:
        if tmp:
            os.unlink(tmp)
    return {line.strip() for line in res.stdout.splitlines() if line.strip()}


@dataclass(frozen=True)
class Report:
    total: int
    distinct: int
    texts: int
    unknown_before: Counter[str]
    unknown_after: Counter[str]

    def rate(self, unknown: Counter[str]) -> float:
        return sum(unknown.values()) / self.total if self.total else 0.0


def measure(texts: list[MnText] | None = None) -> Report:
    """Count every word and the unknown ones, before and after the project word list."""
    texts = collect() if texts is None else texts
    counts: Counter[str] = Counter()
    for item in texts:
        counts.update(words(strip(item.text, item.markdown)))
    before = hunspell_unknown(counts)
    after = hunspell_unknown(before, wordlist_entries(wordlist_files())) if before else set()
    return Report(total=sum(counts.values()), distinct=len(counts), texts=len(texts),
                  unknown_before=Counter({w: counts[w] for w in before}),
                  unknown_after=Counter({w: counts[w] for w in after}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="list the unknown words")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    reason = hunspell_available()
    if reason:
        print(f"cannot measure: {reason}", file=sys.stderr)
        return 2
    r = measure()
    if args.json:
        print(json.dumps({
            "words": r.total, "distinct": r.distinct, "strings": r.texts,
            "unknown_before": sum(r.unknown_before.values()),
            "rate_before": round(r.rate(r.unknown_before), 4),
            "unknown_after": sum(r.unknown_after.values()),
            "rate_after": round(r.rate(r.unknown_after), 4),
            "unknown_after_words": dict(r.unknown_after.most_common()),
        }, ensure_ascii=False, indent=2))
        return 0
    print(f"Mongolian text: {r.total} words ({r.distinct} distinct) in {r.texts} strings")
    for label, unknown in (("before the project word list", r.unknown_before),
                           ("after the project word list ", r.unknown_after)):
        n = sum(unknown.values())
        print(f"unknown to hunspell {DICTIONARY} {label}: {n} words "
              f"({100 * r.rate(unknown):.2f}%), {len(unknown)} distinct")
    if args.list:
        print("\nunknown before the word list (count word):")
        for word, n in r.unknown_before.most_common():
            mark = "" if word in r.unknown_after else "  (in the word list)"
            print(f"{n:5d} {word}{mark}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
