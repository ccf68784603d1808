"""Stale-translation tracking: fingerprints, the approval lock file, and `approve`.

`approve` records every pair of a translation in
`translations/<lang>/approved.lock`: the fingerprint of the source block, of
its translation, and the source text as it was (for the review edition's
word-level diff).  `check` then compares the book with the lock: pairs are
matched by content, not by position, so inserting or deleting a paragraph
leaves the rest of the chapter approved.

A fingerprint ignores what orthography fixes change (letter forms, digits,
ZWNJ, spacing, diacritics), so `fix --write` does not make a chapter stale.

The lock is TOML, one `[[pair]]` table per pair in reading order:

    [[pair]]
    chapter = "01-calendar.md"
    source = "5d1b0c6e2f3a4b59"
    target = "9a8b7c6d5e4f3a2b"
    text = "تقویم رسمی ایران ..."
"""

from __future__ import annotations

import difflib
import hashlib
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from ..files import TRANSLATIONS_DIR, shown_path
from ..model import Block
from ..problems import Location, Problem, error
from ..text.blocks import plain_text

LOCK_NAME = "approved.lock"
LOCK_VERSION = 1
_HEX16 = re.compile(r"[0-9a-f]{16}$")

# ---------------------------------------------------------------- fingerprints

_FOLD = str.maketrans(
    {
        "\u064a": "\u06cc",  # Arabic yeh -> Persian yeh
        "\u0649": "\u06cc",  # alef maksura -> Persian yeh
        "\u0643": "\u06a9",  # Arabic kaf -> keheh
        "\u06c0": "\u0647",  # heh with yeh above -> heh (its hamza is dropped below)
        "\u06d5": "\u0647",  # ae -> heh
        "\u0629": "\u0647",  # teh marbuta -> heh
        **{ord(d): str(i) for i, d in enumerate("۰۱۲۳۴۵۶۷۸۹")},
        **{ord(d): str(i) for i, d in enumerate("٠١٢٣٤٥٦٧٨٩")},
        "\u066b": ".",  # Arabic decimal separator
        "\u066c": ",",  # Arabic thousands separator
        # what orthography.normalize changes since issue 12: every foreign letter form, the Persian
        # marks for Latin ones, quotation marks, a kashida written as a dash
        "\u06aa": "\u06a9", "\u06d2": "\u06cc", "\u06cd": "\u06cc", "\u06d0": "\u06cc",
        "\u06c1": "\u0647", "\u06be": "\u0647", "\u06c3": "\u0647",
        "\u060c": ",", "\u061b": ";", "\u061f": "?", "\u066a": "%",
        "\u00ab": '"', "\u00bb": '"', "\u201c": '"', "\u201d": '"', "\u2013": None,
    }
)
# the ezafe after a silent ه in any of its spellings (خانه ی، خانه‌ی، خانهء، خانهٔ)
_EZAFE = re.compile("\u0647(?:[\u200c ][\u06cc\u064a\u0649\u0621]|\u0621)(?!\\w)")


def fold(text: str) -> str:
    """Text as compared for sameness: orthographic variants, spacing and marks folded away."""
    text = _EZAFE.sub("\u0647", unicodedata.normalize("NFKD", text).translate(_FOLD))
    return "".join(
        ch
        for ch in text
        if not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Mn") and ch != "\u0640"
    ).casefold()


def fingerprint(block: Block) -> str:
    """16 hex digits identifying what a block says (footnotes included)."""
    return hashlib.sha256(fold(plain_text(block, notes=True)).encode("utf-8")).hexdigest()[:16]


def pair_id(source_fingerprint: str, target_fingerprint: str) -> str:
    """12 hex digits naming a pair as it is now: it changes when either side changes."""
    return hashlib.sha256(f"{source_fingerprint}:{target_fingerprint}".encode()).hexdigest()[:12]


# ---------------------------------------------------------------- the lock file


@dataclass(frozen=True)
class Approved:
    chapter: str
    source: str
    target: str
    text: str


@dataclass(frozen=True)
class Lock:
    path: Path
    entries: tuple[Approved, ...]

    def chapter(self, name: str) -> list[Approved]:
        return [entry for entry in self.entries if entry.chapter == name]


def lock_path(book_dir: Path, lang: str) -> Path:
    return book_dir / TRANSLATIONS_DIR / lang / LOCK_NAME


def read_lock(path: Path) -> tuple[Lock | None, list[Problem]]:
    """The lock file if there is one (None if not), and what is wrong with it."""
    if not path.is_file():
        return None, []
    shown = shown_path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        return None, [error("LOCK-INVALID", Location(shown), f"cannot read the lock file: {exc}; run approve again")]
    except tomllib.TOMLDecodeError as exc:
        line = int(m.group(1)) if (m := re.search(r"line (\d+)", str(exc))) else 0
        reason = str(exc).split(" (at")[0]
        return None, [error("LOCK-INVALID", Location(shown, line), f"the lock file is not valid TOML ({reason}): run approve again")]
    if data.get("version") != LOCK_VERSION:
        found = data.get("version")
        return None, [
            error("LOCK-INVALID", Location(shown, 1), f"unknown lock file version {found!r}; this tool writes version {LOCK_VERSION}")
        ]
    lines = _table_lines(text, "pair")
    entries, problems = [], []
    for index, raw in enumerate(data.get("pair", [])):
        where = Location(shown, lines[index] if index < len(lines) else 0)
        valid = (
            isinstance(raw, dict)
            and isinstance(raw.get("chapter"), str)
            and isinstance(raw.get("text"), str)
            and all(isinstance(raw.get(key), str) and _HEX16.match(raw[key]) for key in ("source", "target"))
        )
        if not valid:
            problems.append(
                error("LOCK-INVALID", where, "entry needs chapter, source and target (16 hex digits) and text; run approve again")
            )
            continue
        entries.append(Approved(raw["chapter"], raw["source"], raw["target"], raw["text"]))
    if problems:  # a lock that is partly unreadable would report good pairs as unapproved
        return None, problems
    return Lock(path, tuple(entries)), []


def _table_lines(text: str, name: str) -> list[int]:
    """Line numbers of every `[[name]]` header, in order."""
    header = f"[[{name}]]"
    return [number for number, line in enumerate(text.splitlines(), start=1) if line.strip() == header]


def toml_string(value: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped, the rest as is."""
    out = []
    for ch in value:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def lock_text(source_lang: str, target_lang: str, entries: Sequence[Approved]) -> str:
    """The lock file: a header, then one table per pair in reading order (diff-friendly)."""
    lines = [
        f"# Approved pairs of the {source_lang} -> {target_lang} translation, written by `python build.py approve`.",
        "# Keep it in version control; `check` and `review` compare the book with it.  Do not edit by hand.",
        f"version = {LOCK_VERSION}",
        f"source_language = {toml_string(source_lang)}",
        f"target_language = {toml_string(target_lang)}",
    ]
    for entry in entries:
        lines += [
            "",
            "[[pair]]",
            f"chapter = {toml_string(entry.chapter)}",
            f"source = {toml_string(entry.source)}",
            f"target = {toml_string(entry.target)}",
            f"text = {toml_string(entry.text)}",
        ]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- comparing


@dataclass(frozen=True)
class Approval:
    """How one current pair stands against the lock."""

    status: str  # "ok" | "stale" (source changed) | "needs-review" (translation changed) | "new"
    approved_text: str | None = None  # the source text when it was approved (for stale pairs)
    target_changed: bool = False  # for stale pairs: the translation changed too


SIMILAR = 0.5  # a changed source block is recognised if at least half of its words survive


def compare(current: Sequence[tuple[str, str, str]], approved: Sequence[Approved]) -> list[Approval]:
    """Match a chapter's current pairs (source fp, target fp, source text) with its approved entries.

    By content first (exact pairs, in order, so duplicates and moves behave);
    then a pair whose source is unchanged needs review, and one whose
    translation is unchanged is stale; then, between matched neighbours, a
    pair whose source text is similar to an unmatched entry is stale too.
    Anything left was added since the approval.
    """
    result: list[Approval | None] = [None] * len(current)
    used = [False] * len(approved)
    anchor: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(
        None, [(s, t) for s, t, _ in current], [(e.source, e.target) for e in approved], autojunk=False
    )
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            c, a = block.a + offset, block.b + offset
            result[c], used[a], anchor[c] = Approval("ok"), True, a
    for c, (source, target, _text) in enumerate(current):
        if result[c] is not None:
            continue
        for a, entry in enumerate(approved):
            if used[a]:
                continue
            if entry.source == source:
                result[c], used[a], anchor[c] = Approval("needs-review"), True, a
                break
            if entry.target == target:
                result[c], used[a], anchor[c] = Approval("stale", entry.text), True, a
                break
    for c, (_source, _target, text) in enumerate(current):
        if result[c] is not None:
            continue
        low = max((anchor[p] for p in anchor if p < c), default=-1)
        high = min((anchor[p] for p in anchor if p > c), default=len(approved))
        best, best_ratio = None, SIMILAR
        for a in range(low + 1, high):
            if used[a]:
                continue
            ratio = difflib.SequenceMatcher(None, text.split(), approved[a].text.split(), autojunk=False).ratio()
            if ratio >= best_ratio:
                best, best_ratio = a, ratio
        if best is not None:
            result[c], used[best], anchor[c] = Approval("stale", approved[best].text, True), True, best
        else:
            result[c] = Approval("new")
    return [r or Approval("new") for r in result]


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The new text against the old, word by word: ("same" | "deleted" | "inserted", words)."""
    old_words, new_words = old.split(), new.split()
    parts: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old_words, new_words, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("same", " ".join(old_words[i1:i2])))
            continue
        if i2 > i1:
            parts.append(("deleted", " ".join(old_words[i1:i2])))
        if j2 > j1:
            parts.append(("inserted", " ".join(new_words[j1:j2])))
    return parts


def diff_summary(old: str, new: str, limit: int = 60) -> str:
    """A one-line account of a word diff: `−old words +new words`, shortened."""
    changes = [("−" if kind == "deleted" else "+") + words for kind, words in word_diff(old, new) if kind != "same"]
    text = " ".join(changes)
    return text if len(text) <= limit else text[: limit - 1] + "…"
