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


def _chunks(text: str) -> list[m.Text]:
    """Text cut where the strong direction changes; neutral stretches stand alone."""
    return [m.Text("".join(run)) for _direction, run in itertools.groupby(text, char_direction)]


def isolate_runs(inlines: tuple, base: str) -> tuple:
    """The inlines with every multi-part run of the opposite direction wrapped in Isolated."""
    opposite = "L" if base == "rtl" else "R"
    if not any(char_direction(ch) == opposite for ch in set(_all_text(inlines))):
        return tuple(inlines)  # nothing of the other direction: the common case, kept cheap
    atoms: list = []
    for inline in inlines:
        atoms.extend(_chunks(inline.text) if isinstance(inline, m.Text) else [inline])
    directions = [inline_direction(atom) for atom in atoms]

    result: list = []
    index = 0
    while index < len(atoms):
        if directions[index] != opposite:
            result.append(atoms[index])
            index += 1
            continue
        end = index  # the run: index..end, from one opposite atom to the last one
        probe = index + 1
        while probe < len(atoms) and directions[probe] in ("N", opposite) and not isinstance(atoms[probe], (m.LineBreak, m.Note)):
            if directions[probe] == opposite:
                end = probe
            probe += 1
        # A bracket opened inside the run is closed inside it too, if its pair follows at once.
        unclosed = _unclosed(atoms[index : end + 1])
        if unclosed and end + 1 < len(atoms) and isinstance(atoms[end + 1], m.Text) and atoms[end + 1].text.startswith(OPENING[unclosed]):
            following = atoms[end + 1]
            atoms[end + 1 : end + 2] = [m.Text(following.text[0]), m.Text(following.text[1:])]
            directions[end + 1 : end + 2] = ["N", inline_direction(atoms[end + 2])]
            end += 1
        run = atoms[index : end + 1]
        before = result.pop() if result and isinstance(result[-1], m.Text) else None
        after = atoms[end + 1] if end + 1 < len(atoms) and isinstance(atoms[end + 1], m.Text) else None
        if before is not None and after is not None and before.text[-1:] in OPENING and after.text.startswith(OPENING[before.text[-1]]):
            run = [m.Text(before.text[-1]), *run, m.Text(after.text[0])]
            before, after = m.Text(before.text[:-1]), m.Text(after.text[1:])
            atoms[end + 1] = after
        if before is not None and before.text:
            result.append(before)
        if len(run) > 1:
            result.append(Isolated("ltr" if opposite == "L" else "rtl", _merge(run)))
        else:
            result.append(run[0])
        index = end + 1
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
