"""`check`: validate a book's alignment and translation quality, writing nothing.

Reading gives every chapter's blocks (book.parse_book); this module aligns
them (alignment.py), runs the per-pair quality flags, compares the pairs
with the approval lock (stale.py) and applies the flags a reviewer has
accepted.  The result, a BookReview, is what `check` prints, what `review`
renders and what `export` writes: one gathering, several views.

Every code `check` can report is in CODES with its severity and a one-line
explanation; docs/checks.md documents each with an example.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from . import model as m
from .align import describe, same_shape
from .alignment import LANGUAGE_NAMES, Affinity, Alignment, LengthModel, Step, align, block_length, problems_by_step
from .book import ParsedBook, normalised_block, parse_book
from .config import BookConfig
from .files import TRANSLATIONS_DIR, shown_path
from .markdown import pandoc_json
from .problems import BookError, Location, Outcome, Problem, Severity, error, warning
from .stale import Approval, compare, diff_summary, fingerprint, fold, lock_path, pair_id, read_lock
from .transform import plain_text

E, W = Severity.ERROR, Severity.WARNING

CODES: dict[str, tuple[Severity, str]] = {
    # structure: the two files do not pair block for block
    "TRANSLATION-MISSING": (E, "a chapter in source/ has no file of the same name in translations/<lang>/"),
    "SOURCE-MISSING": (E, "a file in translations/<lang>/ has no chapter of the same name in source/"),
    "ALIGN-MISSING": (E, "a source block has no translation; the message says where the translation belongs"),
    "ALIGN-EXTRA": (E, "a translated block has no source: added, or half of a split"),
    "ALIGN-MERGED": (E, "one translated block translates two source blocks"),
    "ALIGN-SPLIT": (E, "one source block is translated as two blocks"),
    "ALIGN-KIND": (E, "a block is translated as a different kind of block (a heading as a paragraph ...)"),
    # quality flags on a pair (a reviewer may accept them)
    "NUMBER-MISMATCH": (W, "a number of one side is not on the other (any digits; English number words count)"),
    "UNTRANSLATED": (W, "the translation is empty, the same as the source, or still in Arabic script"),
    "LENGTH-RATIO": (W, "the translation is far longer or shorter than the book's translations usually are"),
    "BRACKET-UNBALANCED": (W, "a bracket, parenthesis or quotation mark is opened and not closed (or the reverse)"),
    "BRACKET-MISSING": (W, "the translation has fewer bracketed or parenthesised parts than the source"),
    "QUOTE-MISSING": (W, "the source quotes something («…») that the translation neither quotes nor italicises"),
    "NOTE-MISMATCH": (W, "the two sides have different numbers of footnotes"),
    "LINK-MISMATCH": (W, "the two sides have different numbers of links"),
    "URL-MISMATCH": (W, "the two sides write out different numbers of URLs"),
    "QUESTION-MISMATCH": (W, "one side asks a question (؟ or ?) and the other does not"),
    # approval (after `approve`)
    "STALE": (W, "the source block changed since the pair was approved: update the translation"),
    "NEEDS-REVIEW": (W, "the translation changed since the pair was approved: review it"),
    "UNAPPROVED": (W, "the pair (or chapter) was added after the last approval"),
    # the reviewer's files
    "LOCK-INVALID": (E, "translations/<lang>/approved.lock cannot be read: run approve again"),
    "ACCEPT-INVALID": (E, "an entry of translations/<lang>/review.toml is malformed"),
    "ACCEPT-UNUSED": (W, "an accepted flag matches no flag any more (the pair changed or was fixed)"),
}

ACCEPTABLE = frozenset(
    {
        "NUMBER-MISMATCH",
        "UNTRANSLATED",
        "LENGTH-RATIO",
        "BRACKET-UNBALANCED",
        "BRACKET-MISSING",
        "QUOTE-MISSING",
        "NOTE-MISMATCH",
        "LINK-MISMATCH",
        "URL-MISMATCH",
        "QUESTION-MISMATCH",
    }
)
ACCEPT_NAME = "review.toml"
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


# ---------------------------------------------------------------- numbers

_DIGITS = str.maketrans(
    {
        **{ord(d): str(i) for i, d in enumerate("۰۱۲۳۴۵۶۷۸۹")},
        **{ord(d): str(i) for i, d in enumerate("٠١٢٣٤٥٦٧٨٩")},
        "\u066b": ".",  # ٫ Persian decimal separator
        "\u066c": ",",  # ٬ Persian thousands separator
    }
)
_NUMBER = re.compile(r"[0-9]+(?:[.,/:][0-9]+)*")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>«»]+", re.IGNORECASE)


@dataclass(frozen=True)
class NumberToken:
    raw: str  # as written (digits of any script)
    values: tuple[str, ...]  # canonical numbers it stands for
    decimal_reading: str | None = None  # "2/5" may be Persian for 2.5


def _canonical(digits: str) -> str:
    whole, _, fraction = digits.partition(".")
    whole = whole.lstrip("0") or "0"
    fraction = fraction.rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole


def number_tokens(text: str) -> list[NumberToken]:
    """The numbers written with digits in a text, URLs left out; dates and times split into parts."""
    ascii_text = _URL.sub(" ", text).translate(_DIGITS)
    raw_text = _URL.sub(" ", text)
    tokens = []
    for match in _NUMBER.finditer(ascii_text):
        token = match.group()
        raw = raw_text[match.start() : match.end()]
        values: list[str] = []
        for part in re.split(r"[/:]", token):
            groups = part.split(",")
            if len(groups) > 1 and 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:]):
                groups = ["".join(groups)]  # 1,234 is one number
            for group in groups:
                pieces = group.split(".")
                if len(pieces) == 2:
                    values.append(_canonical(group))
                else:
                    values.extend(_canonical(p) for p in pieces)
        slash = token.split("/")
        decimal = _canonical(".".join(slash)) if len(slash) == 2 and "." not in token and "," not in token else None
        tokens.append(NumberToken(raw, tuple(values), decimal))
    return tokens


_EN_UNITS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen".split()
    )
}
_EN_TENS = {w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)}
_EN_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}
_EN_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fifth": 5, "eighth": 8, "ninth": 9, "twelfth": 12,
    **{w + "th": v for w, v in _EN_UNITS.items() if v >= 4 and w not in ("five", "eight", "nine", "twelve")},
    **{w[:-1] + "ieth": v for w, v in _EN_TENS.items()},
    **{w + "th": v for w, v in _EN_SCALES.items()},
}
_EN_DECADES = {w[:-1] + "ies": v for w, v in _EN_TENS.items()}  # the nineties


def english_number_words(text: str) -> list[int]:
    """Values of numbers written as English words (groups and their parts): 'thirty-four' -> 34, 30, 4."""
    values: list[int] = []
    total = current = 0
    in_group = False

    def close() -> None:
        nonlocal total, current, in_group
        if in_group:
            values.append(total + current)
        total = current = 0
        in_group = False

    words = re.findall(r"[a-z]+", text.lower())
    for index, word in enumerate(words):
        if word in _EN_UNITS or word in _EN_TENS:
            value = _EN_UNITS.get(word, _EN_TENS.get(word))
            current += value
            values.append(value)
            in_group = True
        elif word in _EN_SCALES and word != "hundred":
            total += max(current, 1) * _EN_SCALES[word]
            current = 0
            values.append(_EN_SCALES[word])
            in_group = True
        elif word == "hundred":
            current = max(current, 1) * 100
            values.append(100)
            in_group = True
        elif word in _EN_ORDINALS:
            value = _EN_ORDINALS[word]
            current = current * value if value >= 100 else current + value
            values.append(value)
            in_group = True
            close()
        elif word in _EN_DECADES:
            values.append(_EN_DECADES[word])
            close()
        elif word == "and" and in_group and index + 1 < len(words) and (
            words[index + 1] in _EN_UNITS or words[index + 1] in _EN_TENS
        ):
            continue
        else:
            close()
    close()
    return values


_FA_UNITS = {
    "یک": 1, "دو": 2, "سه": 3, "چهار": 4, "پنج": 5, "شش": 6, "شیش": 6, "هفت": 7, "هشت": 8, "نه": 9,
    "ده": 10, "یازده": 11, "دوازده": 12, "سیزده": 13, "چهارده": 14, "پانزده": 15, "پونزده": 15,
    "شانزده": 16, "هفده": 17, "هیفده": 17, "هجده": 18, "هیجده": 18, "هژده": 18, "نوزده": 19,
    "بیست": 20, "سی": 30, "چهل": 40, "پنجاه": 50, "شصت": 60, "هفتاد": 70, "هشتاد": 80, "نود": 90,
    "صد": 100, "یکصد": 100, "دویست": 200, "سیصد": 300, "چهارصد": 400, "پانصد": 500, "ششصد": 600,
    "هفتصد": 700, "هشتصد": 800, "نهصد": 900,
}
_FA_SCALES = {"هزار": 1000, "میلیون": 10**6, "میلیارد": 10**9}
_FA_ORDINALS = {"اول": 1, "نخست": 1, "سوم": 3}


def _persian_word_value(word: str) -> int | None:
    word = word.replace("\u200c", "")
    if word in _FA_UNITS:
        return _FA_UNITS[word]
    if word in _FA_SCALES:
        return _FA_SCALES[word]
    for suffix in ("مین", "ین"):
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            found = _persian_word_value(word[: -len(suffix)])
            if found is not None:
                return found
    if word in _FA_ORDINALS:
        return _FA_ORDINALS[word]
    for suffix in ("ام", "م"):
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and (stem in _FA_UNITS or stem in _FA_SCALES):
            return _FA_UNITS.get(stem, _FA_SCALES.get(stem))
    return None


def persian_number_words(text: str) -> list[int]:
    """Values of numbers written as Persian words, ordinals included: 'بیست و پنج' -> 25, 20, 5."""
    words = re.findall(r"[\u0600-\u06ff\u200c]+", text.translate(str.maketrans("يىك", "ییک")))
    values: list[int] = []
    total = current = 0
    in_group = False
    for index, word in enumerate(words):
        value = _persian_word_value(word)
        if value is None:
            if word == "و" and in_group and index + 1 < len(words) and _persian_word_value(words[index + 1]) is not None:
                continue
            if in_group:
                values.append(total + current)
            total = current = 0
            in_group = False
            continue
        values.append(value)
        if value >= 1000:
            total += max(current, 1) * value
            current = 0
        else:
            current += value
        in_group = True
    if in_group:
        values.append(total + current)
    return values


def _same_modulo_century(a: str, b: str) -> bool:
    """'90' and '1990' (the decade; a two-digit year) are the same number."""
    if not (a.isdigit() and b.isdigit()):
        return False
    short, long = sorted((a, b), key=len)
    return len(short) <= 2 and len(long) == 4 and 1000 <= int(long) < 3000 and int(long) % 100 == int(short)


def number_differences(source_text: str, target_text: str) -> tuple[list[str], list[NumberToken]]:
    """The source numbers the translation lacks, and the translation's numbers the source lacks.

    Digits of any script compare equal; a Persian a/b also reads as the
    decimal a.b; 90 matches 1990 (modulo the century); a source number the
    translation writes in English words, or a translated number the source
    writes in Persian words, is not missing.
    """
    source_tokens, target_tokens = number_tokens(source_text), number_tokens(target_text)
    target_values = Counter(v for t in target_tokens for v in t.values)
    source_values = Counter(v for t in source_tokens for v in t.values)
    left_source: list[str] = []
    for token in source_tokens:
        if token.decimal_reading and target_values[token.decimal_reading] > source_values[token.decimal_reading]:
            left_source.append(token.decimal_reading)
        else:
            left_source.extend(token.values)
    left_target: list[tuple[str, NumberToken]] = [(v, t) for t in target_tokens for v in t.values]
    for value in list(left_source):
        for index, (target_value, _token) in enumerate(left_target):
            if target_value == value:
                left_source.remove(value)
                del left_target[index]
                break
    for value in list(left_source):
        for index, (target_value, _token) in enumerate(left_target):
            if _same_modulo_century(value, target_value):
                left_source.remove(value)
                del left_target[index]
                break
    english = Counter(str(v) for v in english_number_words(target_text))
    for value in list(left_source):
        if english[value]:
            english[value] -= 1
            left_source.remove(value)
    persian = Counter(str(v) for v in persian_number_words(source_text))
    still: list[tuple[str, NumberToken]] = []
    for value, token in left_target:
        if persian[value]:
            persian[value] -= 1
        else:
            still.append((value, token))
    tokens: list[NumberToken] = []
    for _value, token in still:
        if token not in tokens:
            tokens.append(token)
    return left_source, tokens


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
                int(_is_question(_URL.sub(" ", f.text))),
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
                partner = next((other for other in extra if extra[other] and _same_modulo_century(value, other)), None)
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


def _count(number: int, noun: str) -> str:
    return "no " + noun + "s" if number == 0 else f"{number} {noun}" + ("s" if number != 1 else "")


def _few(number: int) -> str:
    return "none" if number == 0 else str(number)


def _language(code: str) -> str:
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
    src, tgt = _language(source_lang), _language(target_lang)
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
                f"the {src} has {_count(s_pairs, 'part')} in brackets or parentheses, the {tgt} {_few(t_pairs)}",
            )
        )
    if s.quoted > t.quoted + t.emphasis:
        findings.append(
            Finding(
                "QUOTE-MISSING",
                f"the {src} has {_count(s.quoted, 'quotation')}, the {tgt} quotes or italicises {_few(t.quoted + t.emphasis)}",
            )
        )
    return findings


def _counts(s: Features, t: Features, src: str, tgt: str) -> list[Finding]:
    findings = []
    if s.notes != t.notes:
        findings.append(Finding("NOTE-MISMATCH", f"the {src} has {_count(s.notes, 'footnote')}, the {tgt} {_few(t.notes)}"))
    if s.links != t.links:
        findings.append(Finding("LINK-MISMATCH", f"the {src} has {_count(s.links, 'link')}, the {tgt} {_few(t.links)}"))
    s_urls, t_urls = _URL.findall(s.text), _URL.findall(t.text)
    if len(s_urls) != len(t_urls):
        findings.append(
            Finding(
                "URL-MISMATCH",
                f"the {src} writes out {_count(len(s_urls), 'URL')}, the {tgt} {_few(len(t_urls))}",
                needle=t_urls[0] if t_urls else None,
            )
        )
    return findings


def _question(s: Features, t: Features, src: str, tgt: str) -> list[Finding]:
    s_question, t_question = _is_question(_URL.sub(" ", s.text)), _is_question(_URL.sub(" ", t.text))
    if s_question == t_question:
        return []
    asks, not_asks = (src, tgt) if s_question else (tgt, src)
    return [Finding("QUESTION-MISMATCH", f"the {asks} asks a question, the {not_asks} does not")]


# ---------------------------------------------------------------- accepted flags


@dataclass(frozen=True)
class Acceptance:
    pair: str
    code: str
    reason: str
    location: Location


def read_accepts(path: Path) -> tuple[list[Acceptance], list[Problem]]:
    """The flags a reviewer accepted in translations/<lang>/review.toml (none if there is no file)."""
    if not path.is_file():
        return [], []
    shown = shown_path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        return [], [error("ACCEPT-INVALID", Location(shown), f"cannot read {ACCEPT_NAME}: {exc}")]
    except tomllib.TOMLDecodeError as exc:
        line = int(found.group(1)) if (found := re.search(r"line (\d+)", str(exc))) else 0
        return [], [error("ACCEPT-INVALID", Location(shown, line), f"{ACCEPT_NAME} is not valid TOML: {str(exc).split(' (at')[0]}")]
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if line.strip() == "[[accept]]"]
    accepts, problems = [], []
    unknown = sorted(set(data) - {"accept"})
    if unknown:
        problems.append(error("ACCEPT-INVALID", Location(shown, 1), f"unknown key(s) {', '.join(unknown)}: write [[accept]] tables"))
    for index, entry in enumerate(data.get("accept", [])):
        where = Location(shown, lines[index] if index < len(lines) else 0)
        if not isinstance(entry, dict):
            problems.append(error("ACCEPT-INVALID", where, "each accepted flag is an [[accept]] table"))
            continue
        pair, code, reason = entry.get("pair"), entry.get("code"), entry.get("reason")
        if not isinstance(pair, str) or not re.fullmatch(r"[0-9a-f]{12}", pair):
            problems.append(
                error("ACCEPT-INVALID", where, 'pair must be the 12-digit pair id that check prints, e.g. pair = "3f9a1c02b7d4"')
            )
        elif code not in ACCEPTABLE:
            problems.append(
                error("ACCEPT-INVALID", where, f"code {code!r} cannot be accepted; these can: {', '.join(sorted(ACCEPTABLE))}")
            )
        elif not isinstance(reason, str) or not reason.strip():
            problems.append(error("ACCEPT-INVALID", where, "reason must say why the flag is acceptable"))
        else:
            accepts.append(Acceptance(pair, code, reason.strip(), where))
    return accepts, problems


# ---------------------------------------------------------------- the review of a book


@dataclass(frozen=True)
class Row:
    """One step of a chapter's alignment: usually a pair, else the blocks that do not pair."""

    number: int
    sources: tuple[m.Block, ...]
    targets: tuple[m.Block, ...]
    status: str  # "ok" | "stale" | "needs-review" | "missing" | "misaligned"
    problems: tuple[Problem, ...] = ()  # open: structure, quality flags, approval
    accepted: tuple[tuple[Problem, str], ...] = ()  # quality flags a reviewer accepted, with the reason
    pair: str = ""  # pair id (one block on each side only)
    source_fingerprint: str = ""
    target_fingerprint: str = ""
    source_text: str = ""  # normalised, footnotes included: what the lock stores
    approved_text: str | None = None  # the source text as approved, for a stale pair

    @property
    def flags(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.code in ACCEPTABLE)

    @property
    def attention(self) -> bool:
        return self.status != "ok" or bool(self.problems)

    @property
    def is_pair(self) -> bool:
        return len(self.sources) == 1 and len(self.targets) == 1


@dataclass(frozen=True)
class ChapterReview:
    name: str
    source_path: str
    target_path: str | None
    rows: tuple[Row, ...]
    problems: tuple[Problem, ...] = ()  # about the chapter as a whole


@dataclass(frozen=True)
class LanguageReview:
    source_lang: str
    target_lang: str
    chapters: tuple[ChapterReview, ...]
    has_lock: bool
    lock_path: str
    accept_path: str

    def rows(self):
        for chapter in self.chapters:
            yield from chapter.rows


@dataclass(frozen=True)
class BookReview:
    folder: Path
    config: BookConfig
    languages: tuple[LanguageReview, ...]
    problems: tuple[Problem, ...]  # everything check reports, sorted

    def blocking(self) -> list[Problem]:
        """Errors that make pairs unknowable (approve and export refuse them); an unreadable
        lock or review file does not, as approving writes the lock afresh."""
        return [
            p for p in self.problems if p.severity is Severity.ERROR and p.code not in ("LOCK-INVALID", "ACCEPT-INVALID")
        ]


def review_book(book_dir: Path, lang: str | None = None, *, parse=pandoc_json) -> BookReview:
    """Read the book and its review files; align, flag and compare every pair (writes nothing).

    `parse` turns a file's Markdown into pandoc's JSON (see book.parse_book).
    """
    parsed = parse_book(book_dir, parse=parse)
    languages = parsed.languages
    if lang is not None and lang not in languages:
        raise BookError(
            [error("USAGE", Location("--lang"), f"the book has no {lang} translation; it has: {', '.join(languages) or 'none'}")]
        )
    chosen = (lang,) if lang else languages
    problems = [p for p in parsed.problems if _concerns(p, chosen, languages)]
    reviews = []
    for target_lang in chosen:
        review, found = _review_language(parsed, target_lang)
        reviews.append(review)
        problems += found
    problems.sort(key=lambda p: (p.location.path, p.location.line, p.location.column, p.code, p.message))
    return BookReview(parsed.folder, parsed.config, tuple(reviews), tuple(problems))


def _concerns(problem: Problem, chosen: Sequence[str], languages: Sequence[str]) -> bool:
    """Whether a reading problem is about the chosen translation languages (or the source)."""
    for other in set(languages) - set(chosen):
        if f"{TRANSLATIONS_DIR}/{other}/" in problem.location.path.replace("\\", "/"):
            return False
        if problem.code == "TRANSLATION-MISSING" and f"no {other} translation" in problem.message:
            return False
    return True


def _here(block: m.Block, column: int = 1) -> Location:
    return Location(block.location.path, block.location.line, column if block.location.line else 0)


@dataclass
class _ChapterWork:
    """A chapter of one language while it is being reviewed."""

    name: str
    source: tuple[m.Block, ...]
    target: tuple[m.Block, ...] | None
    source_path: str
    target_path: str | None
    target_text: str
    alignment: Alignment | None = None
    structure: list[list[Problem]] = field(default_factory=list)  # per step


def _review_language(parsed: ParsedBook, target_lang: str) -> tuple[LanguageReview, list[Problem]]:
    config, source_lang = parsed.config, parsed.config.source_language
    works: list[_ChapterWork] = []
    for chapter in parsed.chapters:
        source = tuple(normalised_block(b, source_lang, config) for b in chapter.source)
        target_file = chapter.files.translations.get(target_lang)
        blocks = chapter.translations.get(target_lang)
        target = tuple(normalised_block(b, target_lang, config) for b in blocks) if blocks is not None else None
        works.append(
            _ChapterWork(
                chapter.files.name,
                source,
                target,
                chapter.files.source.shown,
                target_file.shown if target_file else None,
                target_file.text if target_file else "",
            )
        )

    # The length model: first from chapters that pair block for block, then from every one-to-one step.
    even = [
        (block_length(s), block_length(t))
        for w in works
        if w.target and len(w.source) == len(w.target)
        for s, t in zip(w.source, w.target)
        if same_shape(s, t)
    ]
    book_model = LengthModel.estimate(even) if sum(1 for s, _ in even if s >= 20) >= 3 else None
    for w in works:
        if not w.target or not w.source:
            continue
        if len(w.source) == len(w.target):
            w.alignment = Alignment(tuple(Step(i, i + 1, i, i + 1) for i in range(len(w.source))), book_model or LengthModel())
        else:
            w.alignment = align(w.source, w.target, book_model, content_affinity())
        w.structure = problems_by_step(w.alignment, w.source, w.target, source_lang=source_lang, target_lang=target_lang)
    lengths = LengthModel.estimate(
        (block_length(w.source[s.s0]), block_length(w.target[s.t0]))
        for w in works
        if w.alignment
        for s in w.alignment.steps
        if s.shape == (1, 1) and same_shape(w.source[s.s0], w.target[s.t0])
    )

    folder = parsed.folder
    lock, problems = read_lock(lock_path(folder, target_lang))
    accept_file = folder / TRANSLATIONS_DIR / target_lang / ACCEPT_NAME
    accepts, found = read_accepts(accept_file)
    problems += found
    used: set[Acceptance] = set()
    chapters = []
    for w in works:
        chapter, found = _review_chapter(w, lengths, lock, accepts, used, source_lang, target_lang)
        chapters.append(chapter)
        problems += found
    for acceptance in accepts:
        if acceptance not in used:
            problems.append(
                warning(
                    "ACCEPT-UNUSED",
                    acceptance.location,
                    f"{acceptance.code} on pair {acceptance.pair} is accepted, but no pair has that flag now "
                    "(the pair changed or the flag was fixed): remove this entry",
                )
            )
    review = LanguageReview(
        source_lang,
        target_lang,
        tuple(chapters),
        lock is not None,
        shown_path(lock_path(folder, target_lang)),
        shown_path(accept_file),
    )
    return review, problems


def _review_chapter(
    w: _ChapterWork,
    lengths: LengthModel,
    lock,
    accepts: list[Acceptance],
    used: set[Acceptance],
    source_lang: str,
    target_lang: str,
) -> tuple[ChapterReview, list[Problem]]:
    if w.target is None or w.alignment is None:
        rows = tuple(Row(i, (b,), (), "missing", source_text=plain_text(b, notes=True)) for i, b in enumerate(w.source, 1))
        return ChapterReview(w.name, w.source_path, w.target_path, rows), []

    steps = w.alignment.steps
    extents = _extents(w.target)
    target_lines = w.target_text.split("\n")
    rows: list[Row] = []
    for number, step in enumerate(steps, start=1):
        sources, targets = w.source[step.s0 : step.s1], w.target[step.t0 : step.t1]
        structural = w.structure[number - 1]
        if step.shape != (1, 1):
            status = "missing" if 0 in step.shape else "misaligned"
            rows.append(Row(number, sources, targets, status, tuple(structural), source_text=_texts(sources)))
            continue
        source, target = sources[0], targets[0]
        s_fp, t_fp = fingerprint(source), fingerprint(target)
        pid = pair_id(s_fp, t_fp)
        located: list[Problem] = list(structural)
        for finding in pair_findings(source, target, lengths, source_lang, target_lang):
            block = target if finding.side == "target" else source
            where = _here(block)
            if finding.needle and finding.side == "target":
                where = _find(target.location.path, target_lines, extents.get(target.location.line), finding.needle) or where
            located.append(warning(finding.code, where, f"{finding.message} (pair {pid})"))
        rows.append(
            Row(
                number,
                sources,
                targets,
                "misaligned" if structural else "ok",
                tuple(located),
                pair=pid,
                source_fingerprint=s_fp,
                target_fingerprint=t_fp,
                source_text=plain_text(source, notes=True),
            )
        )

    chapter_problems: list[Problem] = []
    if lock is not None:
        rows, chapter_problems = _approval(rows, lock.chapter(w.name), w, source_lang)

    open_problems: list[Problem] = list(chapter_problems)
    final_rows = []
    for row in rows:
        still, accepted = [], []
        for problem in row.problems:
            acceptance = next((a for a in accepts if a.pair == row.pair and a.code == problem.code), None)
            if acceptance is not None and problem.code in ACCEPTABLE:
                used.add(acceptance)
                accepted.append((problem, acceptance.reason))
            else:
                still.append(problem)
        open_problems += still
        final_rows.append(_replace(row, problems=tuple(still), accepted=tuple(accepted)))
    return ChapterReview(w.name, w.source_path, w.target_path, tuple(final_rows), tuple(chapter_problems)), open_problems


def _replace(row: Row, **changes) -> Row:
    return Row(**{**row.__dict__, **changes})


def _texts(blocks: Sequence[m.Block]) -> str:
    return " ".join(plain_text(b, notes=True) for b in blocks)


def _approval(rows: list[Row], approved, w: _ChapterWork, source_lang: str) -> tuple[list[Row], list[Problem]]:
    pairs = [row for row in rows if row.pair]
    if not approved:
        problem = warning(
            "UNAPPROVED",
            Location(w.target_path or w.source_path, 1, 1),
            f"this chapter was never approved ({len(pairs)} pairs): review it, then run approve",
        )
        return [_replace(r, status="needs-review") if r.pair and r.status == "ok" else r for r in rows], [problem]
    results = compare([(r.source_fingerprint, r.target_fingerprint, r.source_text) for r in pairs], approved)
    by_number: dict[int, Approval] = {row.number: result for row, result in zip(pairs, results)}
    src = _language(source_lang)
    updated = []
    for row in rows:
        result = by_number.get(row.number)
        if result is None or result.status == "ok":
            updated.append(row)
            continue
        source, target = row.sources[0], row.targets[0]
        where = _here(target)
        if result.status == "stale":
            change = diff_summary(result.approved_text or "", row.source_text)
            todo = (
                "the translation changed too: check that it follows, then run approve"
                if result.target_changed
                else "update the translation, then run approve"
            )
            problem = warning("STALE", where, f"the {src} at {source.location} changed since approval ({change}): {todo}")
            status = "stale"
        elif result.status == "needs-review":
            problem = warning("NEEDS-REVIEW", where, "the translation changed since approval: review it, then run approve")
            status = "needs-review"
        else:
            problem = warning(
                "UNAPPROVED", where, f"pair added since approval ({src} at {source.location}): review it, then run approve"
            )
            status = "needs-review"
        updated.append(
            _replace(
                row,
                status=status if row.status == "ok" else row.status,
                problems=row.problems + (problem,),
                approved_text=result.approved_text,
            )
        )
    return updated, []


# ---------------------------------------------------------------- columns


def _extents(blocks: Sequence[m.Block]) -> dict[int, tuple[int, int]]:
    """For each block's first line, the lines [first, next block's first) it may span."""
    starts = sorted({b.location.line for b in blocks if b.location.line})
    return {start: (start, starts[i + 1] if i + 1 < len(starts) else 10**9) for i, start in enumerate(starts)}


def _find(path: str, lines: list[str], extent: tuple[int, int] | None, needle: str) -> Location | None:
    """Where `needle` is first written within a block's lines, as a 1-based line and column."""
    if extent is None or not lines:
        return None
    first, end = extent
    for number in range(first, min(end, len(lines) + 1)):
        column = lines[number - 1].find(needle)
        if column >= 0:
            return Location(path, number, column + 1)
    return None


# ---------------------------------------------------------------- the command


def command_check(args) -> Outcome:
    """`build.py check [--strict]`: report every problem; exit 1 on errors (or warnings with --strict)."""
    review = review_book(args.book, args.lang)
    problems = review.problems
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    warnings_ = sum(1 for p in problems if p.severity is Severity.WARNING)
    pairs = sum(1 for language in review.languages for row in language.rows() if row.pair)
    chapters = sum(len(language.chapters) for language in review.languages)
    languages = ", ".join(f"{l.source_lang}-{l.target_lang}" for l in review.languages)
    failed = errors or (args.strict and warnings_)
    line = (
        f"checked {_count(pairs, 'pair')} in {_count(chapters, 'chapter')} ({languages}): "
        f"{_count(errors, 'error')}, {_count(warnings_, 'warning')}"
    )
    return Outcome(problems=problems, lines=(line,), exit_code=1 if failed else 0)
