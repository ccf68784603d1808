"""File names from titles: lower-case ASCII words joined by hyphens.

Accented Latin letters are folded to their base letters (`Valparaíso` ->
`valparaiso`, `Straße` -> `strasse`), and Persian and Arabic letters are
transliterated, letter by letter, in the plain ASCII scheme Persian speakers
use in web addresses and file names (`اصول سیاست خارجی` -> `osul-siasat-...`
is what a person writes; the build writes `asul-siast-kharji`: short vowels
are not written in Persian, so they are not guessed).  The result is
readable and stable: the same title always gives the same name.
"""

from __future__ import annotations

import re
import unicodedata

MAX_LENGTH = 60

# Latin letters that Unicode does not decompose into a base letter and a mark.
_LATIN = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ŋ": "ng", "ħ": "h"}
)

# Persian (and Arabic) consonants; the letters that also write vowels (ا و ی) are decided in context.
_CONSONANTS = {
    "ب": "b", "پ": "p", "ت": "t", "ث": "s", "ج": "j", "چ": "ch", "ح": "h", "خ": "kh", "د": "d", "ذ": "z",
    "ر": "r", "ز": "z", "ژ": "zh", "س": "s", "ش": "sh", "ص": "s", "ض": "z", "ط": "t", "ظ": "z", "ع": "",
    "غ": "gh", "ف": "f", "ق": "gh", "ک": "k", "ك": "k", "گ": "g", "ل": "l", "م": "m", "ن": "n", "ه": "h",
    "ة": "h", "ء": "", "أ": "a", "إ": "e", "ؤ": "o", "ئ": "y", "آ": "a",
}
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")


def slug(text: str) -> str:
    """`text` as a file name: ASCII words joined by hyphens, at most MAX_LENGTH characters ("" if none)."""
    text = text.translate(_DIGITS)
    if _ARABIC_LETTER.search(text):
        text = re.sub(r"[\u0600-\u06ff\u200c]+", lambda found: _transliterate(found.group()), text)
    folded = unicodedata.normalize("NFKD", text.lower().translate(_LATIN))
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    words = re.findall(r"[a-z0-9]+", folded.replace("'", "").replace("’", ""))
    return "-".join(words)[:MAX_LENGTH].strip("-")


def _transliterate(word: str) -> str:
    """One Persian word, ZWNJ and all (`کتاب‌ها` -> `ktabha`), between spaces."""
    letters = word.replace("\u200c", "").replace("ي", "ی").replace("ى", "ی").replace("ك", "ک")
    letters = "".join(ch for ch in letters if ch in _CONSONANTS or ch in "اوی")  # marks, tatweel, punctuation
    if letters == "و":
        return " va "  # "and"
    out = []
    index = 0
    while index < len(letters):
        ch = letters[index]
        after_vowel = index > 0 and letters[index - 1] in "اآ"
        if index == 0 and ch == "ا" and letters[1:2] in ("ی", "و"):
            out.append("i" if letters[1] == "ی" else "u")  # ایران, او
            index += 2
            continue
        if ch == "ا":
            out.append("a")
        elif ch == "و":
            out.append("v" if index == 0 or after_vowel else "u")
        elif ch == "ی":
            out.append("y" if index == 0 or after_vowel else "i")
        elif ch == "ه" and index == len(letters) - 1 and index > 0 and letters[index - 1] not in "اآو":
            out.append("e")  # خانه, به
        else:
            out.append(_CONSONANTS[ch])
        index += 1
    return " " + "".join(out) + " "
