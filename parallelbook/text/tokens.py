"""Technical tokens inside prose: URLs, e-mail addresses, paths and dotted names.

They are set exactly as written.  A hyphen added at the end of a line would
read as part of `https://ex-ample.com`, so they are never hyphenated; they may
break only after a separator (`/`, `.`, `@`, `?`, `&` ...), where a reader
expects an address to go on, and the outputs mark those places (<wbr>) rather
than inserting an invisible character that copying would carry along.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# What a whitespace-delimited token may open or close with that belongs to the sentence around it.
LEADING_PUNCTUATION = frozenset("([{«“‘‹\"'")
TRAILING_PUNCTUATION = frozenset(".,;:!?)]}»”’›\"'…،؛؟")

_URL = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*:/{1,3}|www\.|mailto:)\S+", re.ASCII)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PATH = re.compile(r"(?:~|\.{1,2}|[A-Za-z]:)?[/\\]?(?:[\w.+-]+[/\\])+[\w.+-]*")
_DOTTED = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+", re.ASCII)  # and the last part starts with a letter
# anchored at a word's start, so that a long word without a separator is read once, not once per letter
_WORD_WITH_SEPARATOR = re.compile(r"(?<!\S)[^\s/\\@.:]*[/\\@.:]\S*")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
_BREAK_AFTER = frozenset("/\\@?&=#_~")


@dataclass(frozen=True)
class Token:
    """A technical token in a text: text[start:end]; `breakable` if it may break after its separators."""

    start: int
    end: int
    kind: str  # "url", "email", "path" or "name"

    @property
    def breakable(self) -> bool:
        return self.kind != "name"


def technical_tokens(text: str) -> list[Token]:
    """Every URL, e-mail address, path and dotted name (`manage.py`, `djangogirls.org`) in `text`."""
    found = []
    for word in _WORD_WITH_SEPARATOR.finditer(text):  # each of them has one; most words have none
        start, end = word.span()
        while start < end and text[start] in LEADING_PUNCTUATION:
            start += 1
        while end > start and text[end - 1] in TRAILING_PUNCTUATION:
            end -= 1
        token = text[start:end]
        if not _LATIN_LETTER.search(token):
            continue  # Persian words before a full stop, numbers, dates, times: nothing to hyphenate
        kind = _kind(token)
        if kind:
            found.append(Token(start, end, kind))
    return found


def _kind(token: str) -> str | None:
    if _URL.fullmatch(token):
        return "url"
    if _EMAIL.fullmatch(token):
        return "email"
    if ("/" in token or "\\" in token) and _PATH.fullmatch(token):
        return "path"
    if _DOTTED.fullmatch(token) and token.rsplit(".", 1)[1][:1].isalpha():
        return "name"
    return None


def break_points(token: str) -> list[int]:
    """Offsets in `token` after which a line may break: after each separator that a letter or digit follows,
    but never after the token's first character (`/usr`, `.env`)."""
    return [
        index + 1
        for index, ch in enumerate(token[:-1])
        if index > 0 and ch in _BREAK_AFTER and token[index + 1] not in _BREAK_AFTER and token[index + 1] != ":"
    ]
