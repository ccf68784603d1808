"""Trim sizes and lengths as a printer writes them: `A5`, `6x9in`, `148x210mm`, `3mm`, `0.125in`.

Everything is kept in PostScript points (1/72 in), the PDF's own unit.  Parsing
returns a value or a message saying what is wrong; the callers locate it (a
command-line option, a line of book.toml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

POINTS_PER = {"pt": 1.0, "in": 72.0, "mm": 72 / 25.4, "cm": 72 / 2.54}
MILLIMETRE = POINTS_PER["mm"]
INCH = POINTS_PER["in"]


@dataclass(frozen=True)
class TrimSize:
    """The size of a page after trimming, portrait, in points."""

    name: str  # as the user wrote it, normalised: "A5", "6x9in"
    width: float
    height: float

    @property
    def css(self) -> str:
        return f"{self.width:.4f}pt {self.height:.4f}pt"

    def describe(self) -> str:
        size = f"{self.width / MILLIMETRE:.0f} × {self.height / MILLIMETRE:.0f} mm"
        return size if self.name.endswith(("mm", "in", "cm", "pt")) else f"{self.name} ({size})"


def _mm(width: float, height: float) -> tuple[float, float]:
    return width * MILLIMETRE, height * MILLIMETRE


def _in(width: float, height: float) -> tuple[float, float]:
    return width * INCH, height * INCH


# The sizes known by name (ISO 216 A and B series, US sizes).  Keys are lower case.
NAMED_SIZES: dict[str, tuple[str, tuple[float, float]]] = {
    "a3": ("A3", _mm(297, 420)),
    "a4": ("A4", _mm(210, 297)),
    "a5": ("A5", _mm(148, 210)),
    "a6": ("A6", _mm(105, 148)),
    "b4": ("B4", _mm(250, 353)),
    "b5": ("B5", _mm(176, 250)),
    "letter": ("Letter", _in(8.5, 11)),
    "legal": ("Legal", _in(8.5, 14)),
    "tabloid": ("Tabloid", _in(11, 17)),
    "half-letter": ("half-letter", _in(5.5, 8.5)),
}
PAPER_NAMES = ("A4", "A5", "B5", "Letter", "Legal", "half-letter")  # the ones a book is usually set on

_NUMBER = r"(\d+(?:\.\d+)?|\.\d+)"
_LENGTH = re.compile(rf"^\s*(-?){_NUMBER}\s*([a-zA-Z]*)\s*$")
_SIZE = re.compile(rf"^\s*{_NUMBER}\s*(?:([a-zA-Z]+)\s*)?[x×]\s*{_NUMBER}\s*([a-zA-Z]*)\s*$")
UNITS = ", ".join(POINTS_PER)


def parse_length(text: str, *, what: str = "length") -> tuple[float | None, str]:
    """A non-negative length with a unit, in points; or (None, why not)."""
    found = _LENGTH.match(str(text))
    if not found:
        return None, f"{what} {text!r} is not a length: write a number and a unit ({UNITS}), e.g. 3mm or 0.125in"
    sign, number, unit = found.groups()
    if not unit:
        return None, f"{what} {text!r} has no unit: write e.g. {number}mm or {number}in"
    if unit.lower() not in POINTS_PER:
        return None, f"{what} {text!r} has an unknown unit {unit!r}; use one of {UNITS}"
    if sign:
        return None, f"{what} {text!r} is negative"
    return float(number) * POINTS_PER[unit.lower()], ""


def parse_trim(text: str) -> tuple[TrimSize | None, str]:
    """A5, Letter, 6x9in, 148x210mm, ... as a portrait TrimSize; or (None, why not)."""
    spec = str(text).strip()
    named = NAMED_SIZES.get(spec.lower())
    if named:
        name, (width, height) = named
        return TrimSize(name, width, height), ""
    found = _SIZE.match(spec)
    if not found:
        return None, (
            f"unknown paper size {spec!r}: use one of {', '.join(PAPER_NAMES)} or WIDTHxHEIGHT with a unit, "
            "e.g. 6x9in or 148x210mm"
        )
    width_text, first_unit, height_text, unit = found.groups()
    if not unit:
        return None, f"paper size {spec!r} has no unit: write e.g. {width_text}x{height_text}in or {width_text}x{height_text}mm"
    if first_unit and first_unit.lower() != unit.lower():
        return None, f"paper size {spec!r} mixes units; write both in {unit}"
    if unit.lower() not in POINTS_PER:
        return None, f"paper size {spec!r} has an unknown unit {unit!r}; use one of {UNITS}"
    width, height = (float(v) * POINTS_PER[unit.lower()] for v in (width_text, height_text))
    if min(width, height) < 3 * INCH or max(width, height) > 24 * INCH:
        return None, f"paper size {spec!r} is outside what a book can be set on (3 to 24 inches a side)"
    if width > height:
        return None, f"paper size {spec!r} is landscape: a book's pages are WIDTHxHEIGHT with the width the smaller"
    return TrimSize(f"{width_text}x{height_text}{unit.lower()}", width, height), ""


def sheet_for(page: TrimSize) -> TrimSize:
    """The sheet a booklet of `page` pages is printed on: twice the page, landscape (A5 on A4)."""
    width, height = 2 * page.width, page.height
    for name, (size_width, size_height) in NAMED_SIZES.values():  # within 2.5 mm: two A5 pages are 296 mm, A4 297
        if abs(size_height - width) < 2.5 * MILLIMETRE and abs(size_width - height) < 2.5 * MILLIMETRE:
            return TrimSize(name, size_height, size_width)
    return TrimSize(f"{width / MILLIMETRE:.0f}x{height / MILLIMETRE:.0f}mm", width, height)


def landscape(size: TrimSize) -> TrimSize:
    return TrimSize(size.name, max(size.width, size.height), min(size.width, size.height))
