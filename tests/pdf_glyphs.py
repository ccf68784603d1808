"""A PDF read back as a reader sees it: every glyph where it is drawn, lines as they run left to right.

The text layer's order is the PDF writer's choice (and poppler's guess); what a reader sees is where
each glyph is drawn.  pdfminer.six gives every glyph with its position and the characters its font
maps it to; glyphs sharing a baseline make a line, read left to right, whatever the language.  A
right-to-left line therefore reads reversed: `visual("۳. بندر")` is the string to look for.  A page
set in columns (the columns layout, the review edition's table) is cut at its gutters: the bands that no
glyph of the lines around touches.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

GUTTER = 8.5  # points: wider than the spaces between words, narrower than the gap between columns (9 pt in the review)
WINDOW = 100.0  # points above and below a line where its columns' gutters are looked for


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
    baseline: float
    x0: float  # where its first glyph starts
    x1: float  # where its last glyph ends
    text: str  # the glyphs' characters from left to right

    @property
    def squashed(self) -> str:
        """The text without white space, folded (see fold)."""
        return fold("".join(self.text.split()))


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


def _gutters(page_glyphs: list[Glyph]) -> list[float]:
    """The middle of every vertical band at least GUTTER wide that no glyph of the page touches."""
    spans = sorted((g.x0, g.x1) for g in page_glyphs if g.text.strip())
    found = []
    reach = spans[0][1] if spans else 0.0
    for x0, x1 in spans[1:]:
        if x0 - reach >= GUTTER:
            found.append((x0 + reach) / 2)
        reach = max(reach, x1)
    return found


def lines(path: Path) -> list[Line]:
    """Every line of the PDF, page by page, top to bottom; lines side by side (columns) left to right."""
    by_page: dict[int, list[Glyph]] = {}
    for glyph in glyphs(path):
        by_page.setdefault(glyph.page, []).append(glyph)
    result = []
    for page, page_glyphs in sorted(by_page.items()):
        # glyphs of one line share a baseline; a superscript or a mark sits a little off it
        rows: dict[float, list[Glyph]] = {}
        for glyph in sorted(page_glyphs, key=lambda g: -g.baseline):
            key = next((b for b in rows if abs(b - glyph.baseline) < 2.5), glyph.baseline)
            rows.setdefault(key, []).append(glyph)
        for baseline, members in rows.items():
            # the columns around this line: a heading across the page above does not hide them
            gutters = _gutters([g for g in page_glyphs if abs(g.baseline - baseline) <= WINDOW])
            columns: dict[int, list[Glyph]] = {}
            for glyph in members:
                columns.setdefault(sum(1 for gutter in gutters if glyph.x0 > gutter), []).append(glyph)
            for column in columns.values():
                column.sort(key=lambda g: g.x0)
                text = "".join(g.text for g in column)
                result.append(Line(page, baseline, column[0].x0, max(g.x1 for g in column), text))
    result.sort(key=lambda line: (line.page, -line.baseline, line.x0))
    return result


def below(found: list[Line], index: int) -> Line | None:
    """The next line down in the same column as found[index]: the first below it that overlaps it, or,
    at the foot of a page, the first line of that column on the next page (running heads skipped)."""
    line = found[index]
    for other in found[index + 1 :]:
        if other.page != line.page:
            break
        if other.text.strip().isdigit():
            continue  # the page number
        if other.baseline < line.baseline - 1 and other.x0 < line.x1 and other.x1 > line.x0:
            return other
    heads = _running_heads(found)
    following = [
        other
        for other in found
        if other.page == line.page + 1 and other.x0 < line.x1 and other.x1 > line.x0 and (other.baseline, other.text) not in heads
    ]
    return max(following, key=lambda other: other.baseline, default=None)


def _running_heads(found: list[Line]) -> set[tuple[float, str]]:
    """Lines drawn at the same height with the same text on more than one page: running heads."""
    pages: dict[tuple[float, str], set[int]] = {}
    for line in found:
        pages.setdefault((line.baseline, line.text), set()).add(line.page)
    return {key for key, where in pages.items() if len(where) > 1}


def visual(logical_rtl: str) -> str:
    """How a right-to-left text with no left-to-right part reads from left to right (squashed)."""
    clusters: list[str] = []
    for ch in "".join(logical_rtl.split()):
        if clusters and unicodedata.category(ch) == "Mn":
            clusters[-1] += ch  # a mark is drawn with its letter
        else:
            clusters.append(ch)
    return fold("".join(reversed(clusters)))


def fold(text: str) -> str:
    """Text as compared: compatibility forms (Arabic presentation forms) decomposed, ۀ read as هٔ, no ZWNJ,
    a hyphen drawn as U+2010 (as the Latin face maps it) read as the hyphen-minus written, and either
    parenthesis as `(`: right-to-left text draws `)` with the glyph of `(` (mirrored), and a PDF maps each
    glyph to one character only, so which of the two a parenthesis glyph names is not known."""
    return (
        unicodedata.normalize("NFKD", text)
        .replace("\u06d5", "\u0647")
        .replace("\u200c", "")
        .replace("\u2010", "-")
        .replace(")", "(")
    )


def reads_in_order(found: list[Line], token: str, before: str, after: str) -> bool:
    """Whether `token`, written inside Persian between the words `before` and `after`, is drawn as a
    reader reads it: left to right, with `before` on its right and `after` on its left; a token broken
    over lines ends one line (the left end of a right-to-left line) and goes on at the start of the
    next ones, in the same column.  Anchored on its Persian neighbours, so that the same token in the
    translation cannot stand in for it."""
    token, before, after = fold("".join(token.split())), visual(before), visual(after)
    for index, line in enumerate(found):
        text = line.squashed
        for cut in range(len(token), 0, -1):
            for place in re.finditer(re.escape(token[:cut]), text):
                right = text[place.end() :]
                begins_line = not right and any(
                    below(found, other) is line and found[other].squashed.startswith(before) for other in range(index)
                )
                if not (right.startswith(before) or begins_line):
                    continue
                if cut == len(token):
                    if _ends_with_word(text[: place.start()], after):
                        return True
                elif _goes_on(found, below(found, index), token[cut:], after):
                    return True
    return False


def _ends_with_word(left: str, after: str) -> bool:
    """The token's left neighbour is the word after it, or nothing Persian (the line ends there)."""
    return left.endswith(after) or not left or left[-1].isascii()


def _goes_on(found: list[Line], line: Line | None, rest: str, after: str, depth: int = 0) -> bool:
    if line is None or depth > 4:
        return False
    text = line.squashed
    for place in re.finditer(re.escape(rest), text):
        if _ends_with_word(text[: place.start()], after):
            return True
    return any(
        rest[:cut] in text and _goes_on(found, below(found, found.index(line)), rest[cut:], after, depth + 1)
        for cut in range(len(rest) - 1, 0, -1)
    )
