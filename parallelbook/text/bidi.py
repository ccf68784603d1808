"""Direction runs inside a paragraph, made explicit for renderers that need it.

WeasyPrint shapes each inline box, and each line's piece of a text, on its
own: it does not apply the Unicode bidi algorithm across element or line
boundaries.  A Latin name inside Persian whose middle word is emphasised, or
a parenthesis whose pair falls on the next line, then comes out in the wrong
order.  The cure is what HTML's <bdi> is for: every run of the opposite
direction that is more than one word, or is bracketed, is isolated in an
element with its own `dir`.  Reading systems that do apply the algorithm
show isolated runs exactly as before.
"""

from __future__ import annotations

import itertools
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .. import model as m
from .tokens import LEADING_PUNCTUATION, TRAILING_PUNCTUATION

OPENING = {"(": ")", "[": "]", "{": "}", "«": "»", "“": "”", "‘": "’", "\"": "\""}


@dataclass(frozen=True)
class Isolated:
    """A run of inlines set in `direction`, inside a paragraph of the other direction."""

    direction: str
    children: tuple


@lru_cache(maxsize=4096)
def char_direction(ch: str) -> str:
    kind = unicodedata.bidirectional(ch)
    if kind == "L":
        return "L"
    if kind in ("R", "AL"):
        return "R"
    return "N"


def inline_direction(inline) -> str:
    """L, R, N (no strong character) or M (both) for a whole inline."""
    if isinstance(inline, m.Code):
        return "L"
    if isinstance(inline, m.Text):
        found = {char_direction(ch) for ch in inline.text} - {"N"}
    elif isinstance(inline, (m.Styled, m.Quoted, m.Link)):
        found = {inline_direction(child) for child in inline.children} - {"N"}
        if "M" in found:
            return "M"
    else:
        return "N"
    if not found:
        return "N"
    return found.pop() if len(found) == 1 else "M"


# A token is what lies between white space: a URL, an e-mail address, `ISO 9001:2015`'s two halves, a path.
# An isolate never cuts one in two; the marks of the sentence around a token (LEADING_PUNCTUATION,
# TRAILING_PUNCTUATION) stay outside it (the bracket rule of isolate_runs may still pair them).
_NUMBER_CLASSES = frozenset({"EN", "AN", "ES", "CS", "ET"})


def _kind(ch: str) -> str:
    """L, R, S (white space) or N (any other character) for cutting a text into atoms."""
    if ch.isspace():
        return "S"
    return char_direction(ch)


def _atoms(text: str) -> list[m.Text]:
    """Text cut into atoms: each run of letters of one direction, and every other character alone."""
    atoms: list[m.Text] = []
    for kind, run in itertools.groupby(text, _kind):
        run = "".join(run)
        if kind in ("L", "R"):
            atoms.append(m.Text(run))
        else:
            atoms.extend(m.Text(ch) for ch in run)
    return atoms


def _atom_kind(atom) -> str:
    """L, R, M (both), N, S (white space) or B (a line break or note: a run never crosses one)."""
    if isinstance(atom, m.Text):
        return _kind(atom.text[0]) if len(atom.text) == 1 else char_direction(atom.text[0])
    if isinstance(atom, (m.LineBreak, m.Note)):
        return "B"
    return inline_direction(atom)


def _is_number(atoms) -> bool:
    """A token of digits and the marks between them (2015, 9001:2015, 2.1, 10%)."""
    if not atoms or not all(isinstance(atom, m.Text) for atom in atoms):
        return False
    classes = [unicodedata.bidirectional(atom.text) for atom in atoms]
    return all(c in _NUMBER_CLASSES for c in classes) and any(c in ("EN", "AN") for c in classes)


def _is_punctuation(atom, marks: frozenset) -> bool:
    return isinstance(atom, m.Text) and atom.text in marks


def _token_extent(atoms, kinds, start: int, end: int) -> tuple[int, int]:
    """The run atoms[start..end] widened to the whole tokens that hold its two ends.

    Without this, an isolate that ends at the last Latin letter of
    `annual-report-2021` leaves `-2021` outside, where the bidi algorithm of
    the paragraph moves it to the other side of the isolate; one that starts at
    the first letter of `/usr/bin` leaves the `/` behind.  The widened run
    takes in:
    - the rest of the token on either side (`/`, `-2021`), but not the
      punctuation of the sentence around it (`(`, `.`, `»`) and not the
      neutrals that stand between it and a letter of the other direction in
      the same token (`Django-ها`): the bidi algorithm gives those to the
      paragraph's direction too;
    - numbers that follow it after white space (`ISO 9001:2015`, `Windows 10`),
      which the bidi algorithm reads in the run's direction (its rules W2 and W7).
    """
    count = len(atoms)
    # numbers after white space
    while True:
        first = end + 1
        while first < count and kinds[first] == "S":
            first += 1
        last = first
        while last < count and kinds[last] == "N":
            last += 1
        if first == end + 1 or last == first or (last < count and kinds[last] not in ("S", "B")):
            break
        token = list(range(first, last))
        while token and _is_punctuation(atoms[token[-1]], TRAILING_PUNCTUATION):
            token.pop()
        if not _is_number([atoms[i] for i in token]):
            break
        end = token[-1]
    # the rest of the token after the run
    last = end
    while last + 1 < count and kinds[last + 1] == "N":
        last += 1
    tail = list(range(end + 1, last + 1))
    if last + 1 < count and kinds[last + 1] in ("L", "R", "M"):  # the token goes on in the other direction
        while tail and not _is_number([atoms[tail[-1]]]):
            tail.pop()
    else:
        while tail and _is_punctuation(atoms[tail[-1]], TRAILING_PUNCTUATION):
            tail.pop()
    end = tail[-1] if tail else end
    # the part of the token before the run
    first = start
    while first > 0 and kinds[first - 1] == "N":
        first -= 1
    if first > 0 and kinds[first - 1] in ("L", "R", "M"):
        first = start
    while first < start and _is_punctuation(atoms[first], LEADING_PUNCTUATION):
        first += 1
    return first, end


def isolate_runs(inlines: tuple, base: str) -> tuple:
    """The inlines with every multi-part run of the opposite direction wrapped in Isolated.

    A run reaches from a letter (or an element) of the opposite direction to
    the last one before a letter of the paragraph's own direction, a line
    break or a note, and is then widened to whole tokens (see _token_extent).
    """
    opposite = "L" if base == "rtl" else "R"
    if not any(char_direction(ch) == opposite for ch in set(_all_text(inlines))):
        return tuple(inlines)  # nothing of the other direction: the common case, kept cheap
    atoms: list = []
    for inline in inlines:
        atoms.extend(_atoms(inline.text) if isinstance(inline, m.Text) else [inline])
    kinds = [_atom_kind(atom) for atom in atoms]

    result: list = []
    emitted = 0  # atoms[:emitted] are in result
    index = 0
    while index < len(atoms):
        if kinds[index] != opposite:
            index += 1
            continue
        end = index  # the run: index..end, from one opposite atom to the last one
        probe = index + 1
        while probe < len(atoms) and kinds[probe] in ("N", "S", opposite):
            if kinds[probe] == opposite:
                end = probe
            probe += 1
        start, end = _token_extent(atoms, kinds, index, end)
        start = max(start, emitted)
        # A bracket opened inside the run is closed inside it too, if its pair follows at once.
        unclosed = _unclosed(atoms[start : end + 1])
        if unclosed and end + 1 < len(atoms) and isinstance(atoms[end + 1], m.Text) and atoms[end + 1].text == OPENING[unclosed]:
            end += 1
        # Brackets around the whole run go inside it.
        if (
            start > emitted
            and end + 1 < len(atoms)
            and isinstance(atoms[start - 1], m.Text)
            and atoms[start - 1].text in OPENING
            and isinstance(atoms[end + 1], m.Text)
            and atoms[end + 1].text == OPENING[atoms[start - 1].text]
        ):
            start, end = start - 1, end + 1
        result.extend(atoms[emitted:start])
        run = atoms[start : end + 1]
        if len(run) > 1:
            result.append(Isolated("ltr" if opposite == "L" else "rtl", _merge(run)))
        else:
            result.extend(run)
        emitted = index = end + 1
    result.extend(atoms[emitted:])
    return _merge(result)


def _all_text(inlines) -> str:
    parts = []
    for inline in inlines:
        if isinstance(inline, (m.Text, m.Code)):
            parts.append(inline.text)
        elif isinstance(inline, (m.Styled, m.Quoted, m.Link)):
            parts.append(_all_text(inline.children))
    return "".join(parts)


def _unclosed(atoms) -> str | None:
    """The last bracket opened and not closed in the plain text of `atoms`, if any."""
    stack: list[str] = []
    for atom in atoms:
        if not isinstance(atom, m.Text):
            continue
        for ch in atom.text:
            if ch in OPENING and OPENING[ch] != ch:
                stack.append(ch)
            elif stack and ch == OPENING[stack[-1]]:
                stack.pop()
    return stack[-1] if stack else None


def _merge(items) -> tuple:
    """Adjacent texts joined again (in linear time: a paragraph may be a hundred thousand characters)."""
    merged: list = []
    pending: list[str] = []

    def flush():
        text = "".join(pending)
        if text:
            merged.append(m.Text(text))
        pending.clear()

    for item in items:
        if isinstance(item, m.Text):
            pending.append(item.text)
        else:
            flush()
            merged.append(item)
    flush()
    return tuple(merged)
