"""The numbers a text states: digits of any script, English and Persian number words.

What NUMBER-MISMATCH compares and what the alignment takes as anchors.  Pure.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_DIGITS = str.maketrans(
    {
        **{ord(d): str(i) for i, d in enumerate("۰۱۲۳۴۵۶۷۸۹")},
        **{ord(d): str(i) for i, d in enumerate("٠١٢٣٤٥٦٧٨٩")},
        "\u066b": ".",  # ٫ Persian decimal separator
        "\u066c": ",",  # ٬ Persian thousands separator
    }
)
_NUMBER = re.compile(r"[0-9]+(?:[.,/:][0-9]+)*")
URL = re.compile(r"(?:https?://|www\.)[^\s<>«»]+", re.IGNORECASE)


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
    ascii_text = URL.sub(" ", text).translate(_DIGITS)
    raw_text = URL.sub(" ", text)
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


def same_modulo_century(a: str, b: str) -> bool:
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
            if same_modulo_century(value, target_value):
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
