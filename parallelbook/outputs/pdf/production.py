"""Print production: what a printer was asked for, whether it can be made, and the files.

The options (trim size, bleed, crop marks, PDF/X, a booklet) are checked
together before anything is laid out, each problem located at the option or
the line of book.toml that asked for it; the finished PDF and its booklet are
made from the laid-out book's bytes (finishing.py, booklet.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from ...problems import Location, Problem, error, warning
from ...read.paper import MILLIMETRE, TrimSize, sheet_for
from ...render.fonts import FontSet
from .booklet import SADDLE_STITCH_SHEETS, booklet_order, impose_booklet
from .finishing import print_ready
from .geometry import MEASURE_RANGE
from .layout import PDF_X, PdfSettings, geometry_of


@dataclass(frozen=True)
class PrintJob:
    """The PDF's settings and what else is made of it."""

    settings: PdfSettings
    booklet: bool = False
    sheet: TrimSize | None = None  # the booklet's sheet; None: twice the page
    output_condition: str = ""  # PDF/X: the printing condition's registered name
    where: dict[str, Location] | None = None  # option -> where it was asked for, for messages

    @property
    def booklet_sheet(self) -> TrimSize:
        return self.sheet or sheet_for(self.settings.paper)

    def located(self, option: str) -> Location:
        return (self.where or {}).get(option, Location("book.toml"))


def print_problems(job: PrintJob, fonts: FontSet) -> list[Problem]:
    """Every reason this job cannot be made as asked (all at once, before any layout)."""
    settings = job.settings
    problems = []
    geometry = geometry_of(settings, fonts)
    smallest = min(geometry.outer, geometry.top, geometry.bottom)
    if settings.bleed / MILLIMETRE > smallest:
        problems.append(
            error(
                "PDF-BLEED",
                job.located("bleed"),
                f"a bleed of {settings.bleed / MILLIMETRE:.1f} mm is larger than the smallest margin of a "
                f"{settings.paper.describe()} page ({smallest:.1f} mm); printers ask for 3 mm or 0.125 in",
            )
        )
    low, _high = MEASURE_RANGE
    if geometry.measure < low:
        problems.append(
            warning(
                "PDF-MEASURE",
                job.located("paper"),
                f"a {settings.layout} page of {settings.paper.describe()} holds only about {geometry.measure:.0f} "
                f"characters a line even in {geometry.latin_size:g} pt type (a readable line has {low} to 75): "
                "choose the facing or stacked layout, or a larger page",
            )
        )
    if job.booklet and settings.marks:
        problems.append(
            error(
                "PDF-BOOKLET",
                job.located("marks"),
                "a booklet is printed on a desktop printer and folded, not trimmed: crop marks have no place on it; "
                "drop the crop marks, or make the booklet and the print shop's PDF in two builds",
            )
        )
    if settings.variant in PDF_X and settings.output_profile is None:
        problems.append(
            error(
                "PDF-PROFILE",
                job.located("variant"),
                f"{settings.variant} needs the printing condition's ICC output profile (the printer names it, e.g. "
                "FOGRA39 or GRACoL2013): put the .icc file in the book folder and set [pdf] output_profile",
            )
        )
    if settings.variant == "pdf/x-1a" and settings.output_profile is not None and _colour_space(settings.output_profile) != b"CMYK":
        problems.append(
            error("PDF-PROFILE", job.located("output_profile"), "pdf/x-1a prints in CMYK only: its output profile must be a CMYK profile")
        )
    if settings.variant == "pdf/x-1a" and settings.marks:
        problems.append(
            error(
                "PDF-MARKS",
                job.located("marks"),
                "pdf/x-1a is the variant print-on-demand services take, and they refuse pages with crop marks; "
                "for a print shop that wants marks, use pdf/x-4",
            )
        )
    return problems


def _colour_space(profile) -> bytes:
    with open(profile, "rb") as stream:
        return stream.read(20)[16:20]


def finished_pdf(data: bytes, job: PrintJob, identifier: str) -> tuple[bytes, list[Problem]]:
    """The PDF as the printer receives it, and what a preflight would still object to."""
    settings = job.settings
    finished, rgb_images = print_ready(
        data, settings.print_finish, settings.binding, variant=settings.variant, identifier=identifier,
        condition=job.output_condition,
    )
    problems = []
    if settings.variant == "pdf/x-1a" and rgb_images:
        problems.append(
            warning(
                "PDF-X-RGB",
                job.located("variant"),
                f"{rgb_images} image(s) are RGB, which pdf/x-1a does not allow: convert them to CMYK or greyscale "
                "for your printer, or use pdf/x-4, which takes them as calibrated sRGB",
            )
        )
    return finished, problems


def booklet_pdf(data: bytes, pages: int, job: PrintJob) -> tuple[bytes | None, list[Problem], str]:
    """The booklet's bytes and a description, or the problem that stops it."""
    sheets = len(booklet_order(pages, job.settings.binding)) // 2
    if sheets > SADDLE_STITCH_SHEETS:
        return None, [
            error(
                "PDF-BOOKLET",
                job.located("impose"),
                f"a booklet of {pages} pages needs {sheets} sheets, and a fold and a stapler hold about "
                f"{SADDLE_STITCH_SHEETS} ({4 * SADDLE_STITCH_SHEETS} pages): print this book as a book, or split it",
            )
        ], ""
    sheet = job.booklet_sheet
    return impose_booklet(data, job.settings.binding, sheet), [], f"booklet, {sheets} sheets of {sheet.describe()}, to print on both sides and fold"
