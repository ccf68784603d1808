"""The quality flags of one pair, and what a block offers the alignment besides its length.

Pure: a pair of blocks in, findings out; `review/rows.py` locates them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Sequence

from .. import model as m
from ..problems import counted
from ..read.alignment import (
    LANGUAGE_NAMES,
    Affinity,
    LengthModel,
    block_length,
    describe,
)
from .approval import fold
from .numbers import (
    URL,
    english_number_words,
    number_differences,
    number_tokens,
    persian_number_words,
    same_modulo_century,
)

ARABIC_SCRIPT_LANGUAGES = frozenset({"fa", "ar", "ur", "ps", "ckb", "sd", "ug"})
LENGTH_SIGMAS = 3.5  # a pair this many standard deviations from the book's model ...
LENGTH_FACTOR = 1.75  # ... and this many times longer or shorter than expected is flagged

# ---------------------------------------------------------------- what a block contains


@dataclass(frozen=True)
class Features:
    text: str  # what a reader reads, footnotes included, code left out
    notes: int
    links: int
    quoted: int  # quotations marked up ("…" in Markdown) or typed as « or “
    emphasis: int


def features(block: m.Block) -> Features:
    counts = Counter()
    parts: list[str] = []

    def inlines(items: Iterable[m.Inline]) -> None:
        for inline in items:
            if isinstance(inline, m.Text):
                parts.append(inline.text)
            elif isinstance(inline, (m.Code, m.LineBreak)):
                parts.append(" ")
            elif isinstance(inline, m.Styled):
                counts["emphasis"] += inline.style in ("emph", "strong")
                inlines(inline.children)
            elif isinstance(inline, m.Quoted):
                counts["quoted"] += 1
                inlines(inline.children)
            elif isinstance(inline, m.Link):
                counts["links"] += 1
                inlines(inline.children)
            elif isinstance(inline, m.Image):
                inlines(inline.alt)
            elif isinstance(inline, m.Note):
                counts["notes"] += 1
                parts.append(" ")
                contents(inline.blocks)

    def contents(items: Iterable[m.Content]) -> None:
        for content in items:
            if isinstance(content, (m.Paragraph, m.Heading)):
                inlines(content.inlines)
            elif isinstance(content, m.ListBlock):
                for item in content.items:
                    contents(item)
            elif isinstance(content, m.BlockQuote):
                contents(content.blocks)
            elif isinstance(content, m.Table):
                for row in content.header + content.rows:
                    for cell in row:
                        inlines(cell)
                        parts.append(" ")
            parts.append(" ")

    contents(block.content)
    text = re.sub(r"\s+", " ", "".join(parts)).strip()
    typed_quotes = text.count("«") + text.count("“")
    return Features(text, counts["notes"], counts["links"], counts["quoted"] + typed_quotes, counts["emphasis"])


ANCHOR_COST = 1.0  # alignment: each number, footnote, link or question one side has and the other lacks ...
ANCHOR_BONUS = 0.5  # ... and each number both sides share (at most 4 of each count: never below -AFFINITY_FLOOR)


@dataclass(frozen=True)
class _Anchors:
    """What one block offers the alignment besides its length."""

    notes: int
    links: int
    questions: int
    numbers: Counter  # canonical values of the numbers written with digits
    words: Counter  # values of the numbers written as words (Persian for a source, English for a target)


def content_affinity() -> Affinity:
    """An alignment affinity from anchors: blocks whose numbers, notes, links and questions agree.

    Lengths decide most steps; when two explanations are close (a short
    paragraph dropped here or there), what the blocks contain settles it.
    Each block is read once per alignment and each step scored once (both
    cached by identity for the alignment's duration).
    """
    anchors: dict[tuple[int, str], _Anchors] = {}
    scores: dict[tuple[int, int, int, int], float] = {}

    def anchors_of(block: m.Block, side: str) -> _Anchors:
        key = (id(block), side)
        if key not in anchors:
            f = features(block)
            words = persian_number_words(f.text) if side == "source" else english_number_words(f.text)
            anchors[key] = _Anchors(
                f.notes,
                f.links,
                int(_is_question(URL.sub(" ", f.text))),
                Counter(v for token in number_tokens(f.text) for v in token.values),
                Counter(str(v) for v in words),
            )
        return anchors[key]

    def combined(items: list[_Anchors]) -> _Anchors:
        if len(items) == 1:
            return items[0]
        return _Anchors(
            sum(a.notes for a in items),
            sum(a.links for a in items),
            sum(a.questions for a in items),
            sum((a.numbers for a in items), Counter()),
            sum((a.words for a in items), Counter()),
        )

    def affinity(sources: Sequence[m.Block], targets: Sequence[m.Block]) -> float:
        key = (id(sources[0]), len(sources), id(targets[0]), len(targets))
        if key in scores:
            return scores[key]
        s = combined([anchors_of(b, "source") for b in sources])
        t = combined([anchors_of(b, "target") for b in targets])
        cost = ANCHOR_COST * (abs(s.notes - t.notes) + abs(s.links - t.links) + abs(s.questions - t.questions))
        if s.numbers == t.numbers:
            cost -= ANCHOR_BONUS * min(sum(s.numbers.values()), 4)
        else:
            missing, extra = s.numbers - t.numbers, t.numbers - s.numbers
            for value in list(missing.elements()):
                partner = next((other for other in extra if extra[other] and same_modulo_century(value, other)), None)
                if partner is not None:
                    missing[value] -= 1
                    extra[partner] -= 1
            missing -= t.words
            extra -= s.words
            unmatched = sum(missing.values()) + sum(extra.values())
            matched = sum(s.numbers.values()) - sum(missing.values())
            cost += ANCHOR_COST * min(unmatched, 4) - ANCHOR_BONUS * min(matched, 4)
        scores[key] = cost
        return cost

    return affinity


# ---------------------------------------------------------------- brackets and script

_BRACKETS = (("(", ")"), ("[", "]"), ("{", "}"), ("«", "»"), ("“", "”"))


def unbalanced(text: str) -> list[str]:
    """The bracket and quotation-mark kinds opened and not closed, or closed and not opened."""
    found = []
    for opening, closing in _BRACKETS:
        depth, broken = 0, False
        for ch in text:
            if ch == opening:
                depth += 1
            elif ch == closing:
                depth -= 1
                broken = broken or depth < 0
        if depth or broken:
            found.append(opening + closing)
    if text.count('"') % 2:
        found.append('""')
    return found


def bracketed(text: str) -> list[str]:
    """What stands inside each matched (), [] and {} of a text (nested ones too)."""
    inside: list[str] = []
    for opening, closing in _BRACKETS[:3]:
        starts: list[int] = []
        for index, ch in enumerate(text):
            if ch == opening:
                starts.append(index)
            elif ch == closing and starts:
                inside.append(text[starts.pop() + 1 : index])
    return inside


def _arabic_script(text: str) -> bool:
    return _letters(text)[0] > 0


def _letters(text: str) -> tuple[int, int]:
    """(Arabic-script letters, other letters) in a text."""
    arabic = other = 0
    for ch in text:
        if ch.isalpha():
            if "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\ufb50" <= ch <= "\ufeff":
                arabic += 1
            else:
                other += 1
    return arabic, other


def _is_question(text: str) -> bool:
    return "?" in text or "؟" in text


def _few(number: int) -> str:
    return "none" if number == 0 else str(number)


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code.split("-")[0], code)


@dataclass(frozen=True)
class Finding:
    """A quality flag before it is located: which side, and what to point at in it."""

    code: str
    message: str
    side: str = "target"
    needle: str | None = None


def pair_findings(
    source: m.Block, target: m.Block, lengths: LengthModel, source_lang: str = "fa", target_lang: str = "en"
) -> list[Finding]:
    """The quality flags of one pair (pure); an untranslated pair gets no other flag."""
    if source.kind == "code" or target.kind == "code":
        return []
    src, tgt = language_name(source_lang), language_name(target_lang)
    s, t = features(source), features(target)
    untranslated = _untranslated(s, t, target, target_lang, src, tgt)
    if untranslated:
        return untranslated
    return (
        _numbers(s, t, src, tgt)
        + _length(source, target, lengths, tgt)
        + _brackets(s, t, src, tgt)
        + _counts(s, t, src, tgt)
        + _question(s, t, src, tgt)
    )


def _untranslated(s: Features, t: Features, target: m.Block, target_lang: str, src: str, tgt: str) -> list[Finding]:
    s_arabic, s_other = _letters(s.text)
    t_arabic, t_other = _letters(t.text)
    if not s_arabic + s_other:
        return []  # nothing to translate (numbers, symbols)
    if not t.text:
        return [Finding("UNTRANSLATED", f"the {tgt} {describe(target)} is empty")]
    if s_arabic and fold(s.text) == fold(t.text):  # a Latin-only block (a name, a title) may stay as it is
        return [Finding("UNTRANSLATED", f"the {tgt} is the same as the {src}: translate it")]
    if target_lang.split("-")[0] not in ARABIC_SCRIPT_LANGUAGES and t_arabic > t_other:
        return [Finding("UNTRANSLATED", f"the {tgt} {describe(target)} is in Arabic script: is it still the {src}?")]
    return []


def _numbers(s: Features, t: Features, src: str, tgt: str) -> list[Finding]:
    missing, extra = number_differences(s.text, t.text)
    if not (missing or extra):
        return []
    parts = []
    if missing:
        parts.append(f"{', '.join(missing)} in the {src} {'is' if len(missing) == 1 else 'are'} not in the {tgt}")
    if extra:
        shown = ", ".join(token.raw for token in extra)
        parts.append(f"{shown} in the {tgt} {'is' if len(extra) == 1 else 'are'} not in the {src}")
    return [Finding("NUMBER-MISMATCH", "numbers differ: " + "; ".join(parts), needle=extra[0].raw if extra else None)]


def _length(source: m.Block, target: m.Block, lengths: LengthModel, tgt: str) -> list[Finding]:
    ls, lt = block_length(source), block_length(target)
    if not (ls and lt):
        return []
    expected = lengths.ratio * ls
    factor = lt / expected
    if abs(lengths.delta(ls, lt)) <= LENGTH_SIGMAS or 1 / LENGTH_FACTOR <= factor <= LENGTH_FACTOR:
        return []
    how = f"{factor:.1f} times as long as" if factor > 1 else f"{1 / factor:.1f} times shorter than"
    return [
        Finding(
            "LENGTH-RATIO",
            f"the {tgt} is {how} this book's translations usually are ({lt} characters for {ls}; "
            f"expected about {expected:.0f}): is something missing or added?",
        )
    ]


def _brackets(s: Features, t: Features, src: str, tgt: str) -> list[Finding]:
    findings = []
    s_open, t_open = unbalanced(s.text), unbalanced(t.text)
    for kind in t_open:
        if kind not in s_open:
            findings.append(Finding("BRACKET-UNBALANCED", f"{kind} is not balanced in the {tgt} (it is in the {src})"))
    for kind in s_open:
        if kind not in t_open:
            findings.append(
                Finding("BRACKET-UNBALANCED", f"{kind} is not balanced in the {src} (it is in the {tgt})", side="source")
            )
    # A Persian parenthesis that only gives the original (Latin) name or a number is a gloss the
    # translation needs not keep: "پاتریسیو اِیلوین (Patricio Aylwin)" -> "Patricio Aylwin".
    s_pairs = sum(1 for inner in bracketed(s.text) if _arabic_script(inner))
    t_pairs = len(bracketed(t.text))
    if t_pairs < s_pairs and not set(t_open) & {"()", "[]", "{}"}:
        findings.append(
            Finding(
                "BRACKET-MISSING",
                f"the {src} has {counted(s_pairs, 'part')} in brackets or parentheses, the {tgt} {_few(t_pairs)}",
            )
        )
    if s.quoted > t.quoted + t.emphasis:
        findings.append(
            Finding(
                "QUOTE-MISSING",
                f"the {src} has {counted(s.quoted, 'quotation')}, the {tgt} quotes or italicises {_few(t.quoted + t.emphasis)}",
            )
        )
    return findings


def _counts(s: Features, t: Features, src: str, tgt: str) -> list[Finding]:
    findings = []
    if s.notes != t.notes:
        findings.append(Finding("NOTE-MISMATCH", f"the {src} has {counted(s.notes, 'footnote')}, the {tgt} {_few(t.notes)}"))
    if s.links != t.links:
        findings.append(Finding("LINK-MISMATCH", f"the {src} has {counted(s.links, 'link')}, the {tgt} {_few(t.links)}"))
    s_urls, t_urls = URL.findall(s.text), URL.findall(t.text)
    if len(s_urls) != len(t_urls):
        findings.append(
            Finding(
                "URL-MISMATCH",
                f"the {src} writes out {counted(len(s_urls), 'URL')}, the {tgt} {_few(len(t_urls))}",
                needle=t_urls[0] if t_urls else None,
            )
        )
    return findings


def _question(s: Features, t: Features, src: str, tgt: str) -> list[Finding]:
    s_question, t_question = _is_question(URL.sub(" ", s.text)), _is_question(URL.sub(" ", t.text))
    if s_question == t_question:
        return []
    asks, not_asks = (src, tgt) if s_question else (tgt, src)
    return [Finding("QUESTION-MISMATCH", f"the {asks} asks a question, the {not_asks} does not")]
