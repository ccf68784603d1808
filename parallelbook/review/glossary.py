"""The glossary: translations/<lang>/glossary.toml, and the terms a translation must render as agreed.

    [[term]]
    source = "گروه ریو"
    target = ["Rio Group"]
    note = "the regional forum, not the city"     # optional

TERM-MISSING: a pair's Persian contains a term and its translation none of
the term's renderings.  Persian is matched folded (letter forms, diacritics,
the tatweel; a space, ZWNJ or nothing between the words of a term all match)
and with the endings a noun takes: plurals (ها, ان, ات), the ezafe (ی, ye
after a vowel, ۀ / هٔ), the indefinite ی and the possessive endings.  English
renderings match whole words, any case, with a plural or possessive ending.

TERM-INCONSISTENT: a Latin name (a capitalised word that is never written in
lowercase in the translation) is spelled two ways one letter apart across the
book's translation (Aylwin / Ailwin); the rarer spelling is reported, where
it stands.

A glossary with a syntax error, an empty or duplicate term, a wrong type or an
unknown key is a GLOSSARY-INVALID error at its line, and then no term is
checked.  Pure, apart from reading the file.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from ..files import shown_path
from ..problems import Location, Problem, error
from .flags import Finding

GLOSSARY_NAME = "glossary.toml"
KEYS = frozenset({"source", "target", "note"})

_LETTERS = str.maketrans(
    {
        "\u064a": "\u06cc",  # Arabic yeh
        "\u0649": "\u06cc",  # alef maksura
        "\u0643": "\u06a9",  # Arabic kaf
        "\u06c0": "\u0647",  # heh with yeh above (the ezafe after heh)
        "\u06d5": "\u0647",
        "\u0629": "\u0647",  # teh marbuta
        "\u0623": "\u0627",  # alef with hamza above
        "\u0625": "\u0627",  # alef with hamza below
        "\u0622": "\u0627",  # alef with madda
        "\u0640": None,  # tatweel
        "\u200c": " ",  # ZWNJ: a break like a space (compared as optional below)
        "\u200d": None,
    }
)
# Arabic-script letters (not the Arabic comma, semicolon, question mark or digits of the same block)
_ARABIC = "\u0621-\u064a\u066e-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc\u06ff\ufb50-\ufdff\ufe70-\ufefc"
# What may follow a Persian noun: plural, ezafe or indefinite ye, possessive endings (in any order that occurs).
_ENDINGS = r"(?:\s?(?:ها|های|هایی|هایم|هایش|هایشان|ان|یان|ات))?(?:\s?(?:ی|یی|ای|ئی|ام|ات|اش|م|ت|ش|مان|تان|شان))?"


def fold_persian(text: str) -> str:
    """Letter forms, diacritics and the tatweel folded away; ZWNJ and runs of spaces as one space."""
    text = unicodedata.normalize("NFC", text).translate(_LETTERS)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return re.sub(r"\s+", " ", text)


@dataclass(frozen=True)
class Term:
    source: str
    targets: tuple[str, ...]
    note: str
    location: Location
    pattern: re.Pattern  # matches the folded source with its endings
    renderings: tuple[re.Pattern, ...]


def _source_pattern(source: str) -> re.Pattern:
    words = fold_persian(source).split()
    body = r"\s?".join(re.escape(word) for word in words)  # a space, a ZWNJ or nothing between the words
    return re.compile(rf"(?<![{_ARABIC}]){body}{_ENDINGS}(?![{_ARABIC}])")


def _target_pattern(target: str) -> re.Pattern:
    words = [re.escape(word) for word in target.split()]
    if re.search(r"[^aeiouAEIOU]y$", target):
        words[-1] = words[-1][:-1] + "(?:y|ies)"  # country, countries
    body = r"[\s\-‐]+".join(words)
    return re.compile(rf"(?<![\w]){body}(?:s|es)?(?:['’]s?)?(?![\w])", re.IGNORECASE)


@dataclass(frozen=True)
class Glossary:
    path: str
    terms: tuple[Term, ...]

    def missing(self, source_text: str, target_text: str, source_name: str, target_name: str) -> list[Finding]:
        """TERM-MISSING findings of one pair."""
        if not self.terms:
            return []
        folded = fold_persian(source_text)
        findings = []
        for term in self.terms:
            if not term.pattern.search(folded):
                continue
            if any(rendering.search(target_text) for rendering in term.renderings):
                continue
            renderings = " or ".join(f"“{t}”" for t in term.targets)
            note = f": {term.note}" if term.note else ""
            findings.append(
                Finding(
                    "TERM-MISSING",
                    f"the {source_name} has the glossary term «{term.source}» ({term.location}{note}); "
                    f"the {target_name} has none of its renderings: {renderings}",
                )
            )
        return findings


def read_glossary(path: Path) -> tuple[Glossary, list[Problem]]:
    """The glossary of a translation (an empty one when there is no file); any problem makes it empty."""
    shown = shown_path(path)
    empty = Glossary(shown, ())
    if not path.is_file():
        return empty, []
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        return empty, [error("GLOSSARY-INVALID", Location(shown), f"cannot read {GLOSSARY_NAME}: {exc}")]
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        line = int(found.group(1)) if found else len(text.splitlines())  # "at end of document": its last line
        message = str(exc).split(" (at")[0] + ("" if found else " at the end of the file")
        return empty, [error("GLOSSARY-INVALID", Location(shown, line), f"{GLOSSARY_NAME} is not valid TOML: {message}")]
    lines = text.splitlines()
    starts = [n for n, line in enumerate(lines, start=1) if line.strip().replace(" ", "") == "[[term]]"]
    problems: list[Problem] = []
    for key in sorted(set(data) - {"term"}):
        problems.append(
            error("GLOSSARY-INVALID", Location(shown, _key_line(lines, key, 1, len(lines) + 1) or 1), f"unknown key {key!r}: write [[term]] tables")
        )
    entries = data.get("term", [])
    if not isinstance(entries, list):
        entries = []
        problems.append(error("GLOSSARY-INVALID", Location(shown, 1), "term must be written as [[term]] tables"))
    terms: list[Term] = []
    seen: dict[str, Location] = {}
    for index, entry in enumerate(entries):
        first = starts[index] if index < len(starts) else 0
        end = starts[index + 1] if index + 1 < len(starts) else len(lines) + 1
        where = Location(shown, first)

        def at(key: str) -> Location:
            return Location(shown, _key_line(lines, key, first, end) or first)

        if not isinstance(entry, dict):
            problems.append(error("GLOSSARY-INVALID", where, "each term is a [[term]] table"))
            continue
        bad = False
        for key in sorted(set(entry) - KEYS):
            problems.append(error("GLOSSARY-INVALID", at(key), f"unknown key {key!r} in a term: a term has source, target and note"))
            bad = True
        source = entry.get("source")
        targets = entry.get("target")
        note = entry.get("note", "")
        if isinstance(targets, str):
            targets = [targets]
        if not isinstance(source, str) or not source.strip():
            problems.append(error("GLOSSARY-INVALID", at("source") if "source" in entry else where, 'a term needs a source, e.g. source = "گروه ریو"'))
            bad = True
        if not isinstance(targets, list) or not targets or not all(isinstance(t, str) and t.strip() for t in targets):
            problems.append(
                error("GLOSSARY-INVALID", at("target") if "target" in entry else where, 'a term needs its renderings, e.g. target = ["Rio Group"]')
            )
            bad = True
        if not isinstance(note, str):
            problems.append(error("GLOSSARY-INVALID", at("note"), "note must be text"))
            bad = True
        if bad:
            continue
        key = fold_persian(source).strip()
        if key in seen:
            problems.append(error("GLOSSARY-INVALID", where, f"«{source}» is already a term at {seen[key]}: give each term once, with all its renderings"))
            continue
        seen[key] = where
        terms.append(
            Term(
                source.strip(),
                tuple(t.strip() for t in targets),
                note.strip(),
                where,
                _source_pattern(source),
                tuple(_target_pattern(t.strip()) for t in targets),
            )
        )
    if problems:
        return empty, problems
    return Glossary(shown, tuple(terms)), []


def _key_line(lines: Sequence[str], key: str, first: int, end: int) -> int | None:
    """The line (1-based) in [first, end) where `key = ...` is written."""
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number in range(max(first, 1), min(end, len(lines) + 1)):
        if pattern.match(lines[number - 1]):
            return number
    return None


# ---------------------------------------------------------------- one name spelled two ways

_NAME = re.compile(r"\b[A-Z][a-zà-ÿ]+(?:['’]s)?\b")
_WORD = re.compile(r"\b[a-zà-ÿ]+\b")


@dataclass(frozen=True)
class Spelling:
    """A name as the rarer of two spellings: where it stands and what the usual spelling is."""

    name: str
    usual: str
    usual_count: int
    count: int


def inconsistent_names(texts: Iterable[tuple[object, str]]) -> dict[object, list[Finding]]:
    """TERM-INCONSISTENT findings, keyed by whatever identifies the text the rarer spelling first stands in.

    A name is a capitalised word of five letters or more never written in
    lowercase in the translation; two names one edit apart (a letter changed,
    added or dropped inside the word, not an ending) are one name spelled two ways.
    """
    counts: Counter = Counter()
    first_seen: dict[str, object] = {}
    lowercase: set[str] = set()
    for key, text in texts:
        lowercase.update(_WORD.findall(text))
        for raw in _NAME.findall(text):
            name = re.sub(r"['’]s$", "", raw)
            counts[name] += 1
            first_seen.setdefault(name, key)
    names = [n for n in counts if len(n) >= 5 and n.lower() not in lowercase]
    by_deletion: dict[str, list[str]] = {}
    for name in names:
        for variant in {name} | {name[:i] + name[i + 1 :] for i in range(len(name))}:
            by_deletion.setdefault(variant.lower(), []).append(name)
    found: dict[object, list[Finding]] = {}
    reported: set[str] = set()
    for group in by_deletion.values():
        for a in group:
            for b in group:
                if a >= b or a.lower() == b.lower():
                    continue
                low_a, low_b = a.lower(), b.lower()
                if low_a.startswith(low_b) or low_b.startswith(low_a) or low_a[0] != low_b[0]:
                    continue  # an ending added (Group / Groups, America / American, German / Germany): another word
                if not _one_edit(a.lower(), b.lower()):
                    continue
                rare, usual = (a, b) if (counts[a], b) < (counts[b], a) else (b, a)
                if rare in reported:
                    continue
                reported.add(rare)
                found.setdefault(first_seen[rare], []).append(
                    Finding(
                        "TERM-INCONSISTENT",
                        f"“{rare}” ({_times(counts[rare])}) is spelled “{usual}” elsewhere in the translation "
                        f"({_times(counts[usual])}): one name spelled two ways?",
                        needle=rare,
                    )
                )
    return found


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


def _one_edit(a: str, b: str) -> bool:
    """Whether b is a with one letter changed, added or dropped."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))
