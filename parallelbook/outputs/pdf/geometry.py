"""The page's geometry, chosen for its trim size: type size, measure, margins, gutter.

Nothing is scaled from A4.  The measure comes first: an English line of about
66 characters where a page carries one text block (facing, stacked), about 50
in each of the two columns of the columns layout (Bringhurst: 45 to 75, 66 the
ideal; columns narrower).  The type size follows the page (larger pages, larger
type), the text block follows the measure, and the margins get what is left:
the inside margin (gutter) never less than the print-on-demand services' table
for the book's page count, the outside never less than a quarter inch.

The width of a character is measured on the Latin face itself (fontTools),
so a book set in its own face keeps its measure.  Persian is set about 12%
larger on the same measure, which gives it a comparable number of words per line.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ...read.paper import INCH, MILLIMETRE, TrimSize

PERSIAN_SCALE = 1.12  # Persian letters are smaller on the same body
SINGLE_MEASURE = 64  # characters in a line of a one-block page: measured lines come out near 66, Bringhurst's ideal
COLUMN_MEASURE = 50  # in each of two columns
SMALLEST_TYPE = 8.0  # points: below this a page is not read for long
FILL = 0.93  # a justified line gives this share of its width to its characters (the rest is stretched space)
MEASURE_RANGE = (45, 75)

# Inside margin by page count (Amazon KDP's paperback table): (up to pages, inches)
GUTTER_TABLE = ((150, 0.375), (300, 0.5), (500, 0.625), (700, 0.75), (None, 0.875))
OUTSIDE_MINIMUM = 0.25 * INCH  # KDP, without bleed
OUTSIDE_MINIMUM_BLEED = 0.375 * INCH  # KDP, with bleed

# A representative run of English prose (letters, spaces and punctuation in their usual proportions).
ENGLISH_SAMPLE = (
    "The principles of a country's foreign policy can be briefly summarized as follows: non-interference "
    "in the internal affairs of other countries, equal rights for all nations, and the peaceful settlement "
    "of disputes. When you install Python on your computer, you will be asked where it should go; the "
    "default place is usually the right one, and you can change it later if you need to."
)


@dataclass(frozen=True)
class Geometry:
    """Margins and the column gap in millimetres, type sizes in points, for one page of a book."""

    top: float
    bottom: float
    inner: float
    outer: float
    persian_size: float
    latin_size: float
    gap: float = 9.0  # between the two columns of the columns layout
    measure: float = 0.0  # the characters expected in a full English line (in one column, for columns)
    # Each side margin of a page laid out centred, to be moved to its side of the spread.  Rounded
    # from the page's width less the text block, not from the rounded inner and outer margins: a
    # new gutter that leaves the text block as it was must not move it by a rounding (0.0005 mm
    # was enough to lay a whole book out again).
    symmetric: float = 0.0


def gutter_for(pages: int) -> float:
    """The inside margin, in points, that a book of `pages` pages needs."""
    for limit, inches in GUTTER_TABLE:
        if limit is None or pages <= limit:
            return inches * INCH
    raise AssertionError("unreachable")


@lru_cache(maxsize=16)
def em_per_character(font_path: Path) -> float:
    """The average advance of a character of running English in this face, in ems."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(font_path), lazy=True)
    cmap = font.getBestCmap()
    advances = font["hmtx"]
    units = font["head"].unitsPerEm
    widths = [advances[cmap[ord(c)]][0] for c in ENGLISH_SAMPLE if ord(c) in cmap]
    font.close()
    return sum(widths) / len(widths) / units if widths else 0.5


def preferred_type_size(trim: TrimSize) -> float:
    """Larger pages, larger type: 9.5 pt on A5 and 6×9 in, 11.5 pt on A4 and Letter."""
    width_mm = trim.width / MILLIMETRE
    return round(min(11.5, max(9.5, 9.5 + (width_mm - 148) * 2.0 / 62)), 2)


def characters_per_line(width_pt: float, size: float, em: float) -> float:
    return width_pt * FILL / (size * em)


def page_geometry(trim: TrimSize, layout: str, em: float, *, pages: int = 0, bleed: float = 0.0) -> Geometry:
    """The geometry of a `layout` page of `trim` for a book of about `pages` pages.

    Only the split between the inside and outside margins depends on `pages`
    while the outside margin can give way; the text block, and so the layout,
    changes only when it cannot (a narrow page whose gutter must grow).
    """
    width, height = trim.width, trim.height
    inside = max(gutter_for(pages), 0.075 * width)
    outside = max(OUTSIDE_MINIMUM_BLEED if bleed else OUTSIDE_MINIMUM, 0.06 * width)
    top, bottom = 0.075 * height, 0.085 * height
    size = preferred_type_size(trim)
    room = width - inside - outside
    if layout == "columns":
        gap = min(9 * MILLIMETRE, max(5 * MILLIMETRE, 0.04 * width))
        column_room = (room - gap) / 2
        # the size at which a column of the room holds COLUMN_MEASURE characters, within limits
        fitting = column_room * FILL / (COLUMN_MEASURE * em)
        size = round(max(SMALLEST_TYPE, min(size, fitting)), 2)
        column = min(column_room, COLUMN_MEASURE * size * em / FILL)
        text = 2 * column + gap
        measure = characters_per_line(column, size, em)
    else:
        gap = 0.0
        text = min(room, SINGLE_MEASURE * size * em / FILL)
        measure = characters_per_line(text, size, em)
    left_over = width - text
    inner = max(inside, 0.4 * left_over)
    outer = left_over - inner
    if outer < outside:  # the text block is as wide as the page allows: the gutter takes the rest
        inner, outer = left_over - outside, outside
    mm = lambda value: round(value / MILLIMETRE, 3)  # noqa: E731
    return Geometry(
        top=mm(top), bottom=mm(bottom), inner=mm(inner), outer=mm(outer),
        persian_size=round(size * PERSIAN_SCALE, 2), latin_size=size, gap=mm(gap), measure=round(measure, 1),
        symmetric=mm(left_over / 2),
    )
