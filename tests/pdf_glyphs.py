"""A PDF read back as a reader sees it: every glyph where it is drawn, lines as they run left to right.

The text layer's order is the PDF writer's choice (and poppler's guess); what a reader sees is where
each glyph is drawn.  pdfminer.six gives every glyph with its position and the characters its font
maps it to; glyphs sharing a baseline make a line, read left to right, whatever the language.  A
right-to-left line therefore reads reversed: `visual("۳. بندر")` is the string to look for.  A page
set in two columns (the columns layout) is cut at its gutter, the widest band no glyph touches.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

GUTTER = 12.0  # points: wider than any space between words, narrower than the gap between columns


@dataclass(frozen=True)
class Glyph:
    page: int  # 1-based
    x0: float
    x1: float
    baseline: float
    text: str


@dataclass(frozen=True)
class Line:
    page: int
    column: int  # 0 = leftmost
    baseline: float
    text: str  # the glyphs' characters from left to right

    @property
    def squashed(self) -> str:
        """The text without white space, Arabic presentation forms read as the letters they show."""
        return unicodedata.normalize("NFKC", "".join(self.text.split()))


def glyphs(path: Path) -> list[Glyph]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar

    found = []
    for number, page in enumerate(extract_pages(str(path), laparams=None), start=1):
        stack = [page]
        while stack:
            item = stack.pop()
            if isinstance(item, LTChar):
                found.append(Glyph(number, item.x0, item.x1, round(item.matrix[5], 1), item.get_text()))
            elif hasattr(item, "__iter__"):
                stack.extend(item)
    return found


def _gutter(page_glyphs: list[Glyph]) -> float | None:
    """The middle of the widest vertical band between glyphs, if it is a gutter."""
    spans = sorted((g.x0, g.x1) for g in page_glyphs if g.text.strip())
    if not spans:
        return None
    best, where = 0.0, None
    reach = spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 - reach > best:
            best, where = x0 - reach, (x0 + reach) / 2
        reach = max(reach, x1)
    return where if best >= GUTTER else None


def lines(path: Path) -> list[Line]:
    """Every line of the PDF, page by page, column by column, top to bottom."""
    by_page: dict[int, list[Glyph]] = {}
    for glyph in glyphs(path):
        by_page.setdefault(glyph.page, []).append(glyph)
    result = []
    for page, page_glyphs in sorted(by_page.items()):
        gutter = _gutter(page_glyphs)
        grouped: dict[tuple[int, float], list[Glyph]] = {}
        for glyph in page_glyphs:
            column = 1 if gutter is not None and glyph.x0 > gutter else 0
            # glyphs of one line share a baseline; a superscript sits a little above it
            key = next((k for k in grouped if k[0] == column and abs(k[1] - glyph.baseline) < 2.5), (column, glyph.baseline))
            grouped.setdefault(key, []).append(glyph)
        for (column, baseline), members in sorted(grouped.items(), key=lambda item: (item[0][0], -item[0][1])):
            members.sort(key=lambda g: g.x0)
            result.append(Line(page, column, baseline, "".join(g.text for g in members)))
    return result


def visual(logical_rtl: str) -> str:
    """How a right-to-left text with no left-to-right part reads from left to right (squashed)."""
    return unicodedata.normalize("NFKC", "".join(logical_rtl.split())[::-1])


def token_runs(found: list[Line], token: str) -> bool:
    """Whether `token` (left to right) is drawn in reading order: whole on one line, or in pieces that
    follow one another on the lines below, in the same column, each piece read left to right."""
    token = "".join(token.split())
    return any(_continues(found, index, token) for index in range(len(found)))


def _continues(found: list[Line], index: int, rest: str, depth: int = 0) -> bool:
    line = found[index].squashed
    if rest in line:
        return True
    following = index + 1
    if depth > 4 or following >= len(found) or (found[following].page, found[following].column) != (found[index].page, found[index].column):
        return False
    return any(rest[:cut] in line and _continues(found, following, rest[cut:], depth + 1) for cut in range(len(rest) - 1, 0, -1))
