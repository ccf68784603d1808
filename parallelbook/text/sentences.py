"""Sentences: where they end in Persian and English prose, and the text of a block they are cut from.

A boundary follows a run of terminal marks (. ! ? ؟ … and their
combinations), optionally closed by quotation marks or brackets, when
whitespace follows.  It is refused for decimals and dates (no whitespace
follows their dot), abbreviations (English lists; dotted initials; a single
Persian letter, as in ق.م. or ص.), a list number opening a paragraph, URLs,
bare domains and e-mail addresses (masked first), a lowercase Latin word after
the mark, Persian "و..." (and so on), and marks inside a matched pair of
parentheses or brackets (a whole bracketed sentence still ends at its
bracket).  A new paragraph, list item or table cell always starts a sentence.

Compared on the cases in tests/test_sentences.py with pysbd 0.3.4 and
sentencex 1.0.32 (see docs/checks.md): both split ق.م., and URLs or list
numbers in Persian; neither knows Persian "و...".  This module is pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import model as m

TERMINALS = ".!?؟…‼⁇⁈⁉"
CLOSERS = "\"'”’»›)]}"
OPENERS_AFTER = "\"'“‘«‹([{"
_URL = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>«»\"]*[^\s<>«»\"'.,;:!?؟،؛)\]}]|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
# A domain written without a scheme (djangogirls.org, example.com/path)
_DOMAIN = re.compile(r"\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|edu|gov|io|ir|uk|de|fr|info|dev|app|co)\b(?:/[^\s]*[^\s.,;:!?])?", re.IGNORECASE)
# English abbreviations that are never the end of a sentence (a name or a number follows)
EN_NEVER_FINAL = frozenset(
    "mr mrs ms mx dr prof sr jr st mt gen col lt sgt capt cmdr adm gov sen rep hon rev fr "
    "approx ca cf vs viz e.g i.e esp incl jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
# Abbreviations that stand before a number: not the end of a sentence when a number follows (No. 5, p. 12)
EN_BEFORE_NUMBER = frozenset("no nos vol vols fig figs p pp ch chap sec art op tel nr".split())
# Words that start a sentence after an abbreviation that may end one (etc. The rest ...), but do not
# follow one inside a sentence the way a name does (the U.S. Senate)
SENTENCE_OPENERS = frozenset(
    "the a an it its he she they we i you this that these those there here his her their our my your "
    "but and so yet or nor then thus however therefore in on at for from to with by as if when while after "
    "before since although though because what who which how why where no not all some many most each".split()
)
# Abbreviations that may end a sentence: a boundary only if a capital (or non-Latin) word follows
EN_MAY_END = frozenset("etc al inc ltd co corp bros dept univ a.m p.m u.s u.k u.n e.u b.c a.d".split())
# Persian abbreviations written with a dot: ق.م. (BC), ه.ق., ه.ش., م. (AD) after a year, ص. (page), ج. (volume),
# ر.ک. (see); any single Arabic-script letter before a dot is one of these, never a sentence's last word.
_ARABIC_LETTER = re.compile(r"[\u0621-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff]")


@dataclass(frozen=True)
class Span:
    """Characters [start, end) of a text."""

    start: int
    end: int


def _masked(text: str) -> str:
    """The text with URLs, e-mail addresses and bare domains replaced by letters of the same length."""
    def blank(match: re.Match) -> str:
        return "x" * len(match.group())

    return _DOMAIN.sub(blank, _URL.sub(blank, text))


_BRACKET = re.compile(r"[()\[\]{}]")
_PAIRS = {")": "(", "]": "[", "}": "{"}


def _protected(text: str) -> list[tuple[int, int]]:
    """The insides (start, end) of matched pairs of parentheses or brackets, where no sentence ends."""
    inside: list[tuple[int, int]] = []
    stacks: dict[str, list[int]] = {"(": [], "[": [], "{": []}
    for found in _BRACKET.finditer(text):
        ch, index = found.group(), found.start()
        if ch in stacks:
            stacks[ch].append(index)
        elif stacks[_PAIRS[ch]]:
            start = stacks[_PAIRS[ch]].pop()
            if index - start < 600:  # an unclosed or huge bracket does not swallow a paragraph
                inside.append((start + 1, index))
    return inside


def _is_protected(position: int, inside: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in inside)


_CANDIDATE = re.compile(r"([.!?؟…‼⁇⁈⁉]+)([\"'”’»›)\]}]*)(?=\s|$)")
_WORD_BEFORE = re.compile(r"(\S+)$")


def _word_before(text: str, end: int) -> str:
    """The token ending at `end` (the terminal marks excluded), opening quotes and brackets stripped."""
    found = _WORD_BEFORE.search(text, 0, end)
    word = found.group(1) if found else ""
    return word.lstrip(OPENERS_AFTER)


def _next_word(text: str, start: int) -> str:
    rest = text[start:].lstrip()
    rest = rest.lstrip(OPENERS_AFTER + "-–—*_")
    return rest.split(maxsplit=1)[0] if rest.split() else ""


def _is_boundary(text: str, masked: str, mark: re.Match, line_start: int, lang: str) -> bool:
    marks = mark.group(1)
    before = _word_before(masked, mark.start())
    after = _next_word(masked, mark.end())
    if not after:
        return True
    first = after[0]
    lowercase_next = first.isalpha() and first.islower() and not _ARABIC_LETTER.match(first)
    if "?" in marks or "!" in marks or "؟" in marks or "‼" in marks:
        return not lowercase_next  # 'Really?' she asked.
    if set(marks) <= {"…"} or marks.startswith("..") or "…" in marks:
        if before.endswith("و") and len(before) == 1:
            return False  # Persian "و..." is "and so on"
        return not lowercase_next
    # a single full stop (or several equal ones)
    if lowercase_next:
        return False
    if not before:
        return True
    bare = before.rstrip(".")
    low = bare.lower()
    if mark.group(2):  # closed by a quotation mark or bracket: the dot belongs to what it closes
        return True
    if low in EN_NEVER_FINAL:
        return False
    if low in EN_BEFORE_NUMBER and (first.isdigit() or first in "#"):
        return False
    if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", bare) or low in EN_MAY_END:
        # U.S., a.m. or etc.: the end only if a new sentence visibly starts
        word = re.sub(r"\W+$", "", after).lower()
        return not first.isalpha() or _ARABIC_LETTER.match(first) is not None or word in SENTENCE_OPENERS
    if re.fullmatch(r"[A-Z]", bare):
        return False  # an initial: J. Smith
    if len(bare) == 1 and _ARABIC_LETTER.match(bare):
        return False  # ق.م. ص. ج.
    if re.fullmatch(r"(?:[\u0600-\u06ff]\.)+[\u0600-\u06ff]", bare):
        return False  # ق.م
    if re.fullmatch(r"[0-9۰-۹٠-٩]{1,3}", bare) and masked[line_start:mark.start()].strip() == bare:
        return False  # a list number at the start of a paragraph: "1. First"
    return True


def split_sentences(text: str, lang: str = "en") -> list[Span]:
    """The sentences of a text as character spans, whitespace trimmed; '\n' always separates."""
    masked = _masked(text)
    protected = _protected(masked)
    cuts: list[int] = []
    line_start = 0
    cuts.extend(found.start() for found in re.finditer("\n", masked))
    for mark in _CANDIDATE.finditer(masked):
        if protected and _is_protected(mark.end() - 1, protected):
            continue  # inside brackets; a bracketed sentence "(It was.)" ends at its bracket
        line_start = masked.rfind("\n", 0, mark.start()) + 1
        if _is_boundary(text, masked, mark, line_start, lang):
            cuts.append(mark.end())
    cuts = sorted(set(cuts))
    spans: list[Span] = []
    start = 0
    for cut in cuts + [len(text)]:
        piece = text[start:cut]
        left = len(piece) - len(piece.lstrip())
        right = len(piece.rstrip())
        if not piece.strip():
            pass
        elif spans and not _has_word(piece) and "\n" not in text[spans[-1].end : start + left]:
            # marks alone ("… .»", typed after an ellipsis) end the sentence before them, not one of their own
            spans[-1] = Span(spans[-1].start, start + right)
        else:
            spans.append(Span(start + left, start + right))
        start = cut
    return spans


def _has_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def sentences(text: str, lang: str = "en") -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text, lang)]


# ---------------------------------------------------------------- the text of a block

# The quotation marks a reader sees around a quotation marked up in Markdown ("…" becomes a Quoted inline);
# segmentation and anchors only need to know that a quotation opens and closes.
_QUOTE_MARKS = {True: ("“", "”"), False: ("‘", "’")}
NOTE_MARK = "\ufeff"  # never in a block's text (reading removes it): where a footnote reference stands


@dataclass(frozen=True)
class Sentence:
    """One sentence of a block: its text, its place in the block's reading text, its footnote references."""

    index: int  # 0-based within the block
    text: str
    start: int
    end: int
    notes: int  # footnote references inside it (or right after its last mark)
    alnum_start: int  # letters and digits of the block's reading text before it (to find it in rendered HTML)


def reading_text(block: m.Block) -> str:
    """What a reader reads of a block's body, footnotes left out (each reference as NOTE_MARK), code
    blocks and images left out; paragraphs, list items and table cells end with a newline."""
    parts: list[str] = []

    def inlines(items) -> None:
        for inline in items:
            if isinstance(inline, (m.Text, m.Code)):
                parts.append(inline.text.replace("\n", " "))
            elif isinstance(inline, m.LineBreak):
                parts.append(" ")
            elif isinstance(inline, m.Quoted):
                opening, closing = _QUOTE_MARKS[inline.double]
                parts.append(opening)
                inlines(inline.children)
                parts.append(closing)
            elif isinstance(inline, (m.Styled, m.Link)):
                inlines(inline.children)
            elif isinstance(inline, m.Note):
                parts.append(NOTE_MARK)

    def contents(items) -> None:
        for content in items:
            if isinstance(content, (m.Paragraph, m.Heading)):
                inlines(content.inlines)
                parts.append("\n")
            elif isinstance(content, m.ListBlock):
                for item in content.items:
                    contents(item)
            elif isinstance(content, m.BlockQuote):
                contents(content.blocks)
            elif isinstance(content, m.Table):
                for row in content.header + content.rows:
                    for cell in row:
                        inlines(cell)
                        parts.append("\n")

    contents(block.content)
    return "".join(parts)


def block_sentences(block: m.Block, lang: str) -> tuple[Sentence, ...]:
    """The sentences of a block's body, in reading order (none for a code block)."""
    text = reading_text(block)
    if NOTE_MARK not in text:
        return _sentences(text, text, lang)
    # Footnote references are not text: cut the text without them, then count them back in.
    bare = text.replace(NOTE_MARK, "")
    marks = []
    removed = 0
    for index, ch in enumerate(text):
        if ch == NOTE_MARK:
            marks.append(index - removed)
            removed += 1
    return _sentences(bare, bare, lang, marks)


_ALNUM = re.compile(r"[^\W_]")  # exactly the characters str.isalnum() accepts


def _sentences(text: str, _shown: str, lang: str, note_offsets: list[int] = ()) -> tuple[Sentence, ...]:
    spans = split_sentences(text, lang)
    result = []
    alnum = 0
    position = 0
    for index, span in enumerate(spans):
        alnum += len(_ALNUM.findall(text, position, span.start))
        following = spans[index + 1].start if index + 1 < len(spans) else len(text) + 1
        notes = sum(1 for offset in note_offsets if span.start < offset < following)
        result.append(Sentence(index, text[span.start : span.end], span.start, span.end, notes, alnum))
        alnum += len(_ALNUM.findall(text, span.start, span.end))
        position = span.end
    return tuple(result)
