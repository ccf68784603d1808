"""Finishing a laid-out PDF for a printer: page boxes, bleed, crop marks; and booklets.

Applied to the finished book's bytes, whichever way it was laid out (in
pieces, or as one tagged or PDF/X document), so that there is one definition
of what a printer receives:

- every page's TrimBox is the trim size, at the origin of the page's coordinates,
  where WeasyPrint and the assembly draw it;
- with a bleed, the BleedBox is the TrimBox grown by the bleed on the top, the
  bottom and the outside edge (the inside edge is bound, as KDP and IngramSpark
  ask); the MediaBox is the BleedBox;
- with crop marks, the MediaBox grows further on every side to hold them, and
  the marks are drawn there, outside the BleedBox, a bleed's width away from
  the trim (as ISO 15930 requires of printer's marks in PDF/X).

WeasyPrint's own `bleed` and `marks` page properties are not used: version 70
draws its marks inside the bleed area (the outer half of it), caps the
BleedBox at 10 pt from the trim, and puts the bleed on all four sides.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    RectangleObject,
    TextStringObject,
)

from ...read.paper import MILLIMETRE, TrimSize

MARK_LENGTH = 6 * MILLIMETRE  # each crop mark's length
MARK_MINIMUM_OFFSET = 3 * MILLIMETRE  # a mark stays at least this far from the trim, and beyond the bleed
MARK_WIDTH = 0.25  # points


@dataclass(frozen=True)
class PrintFinish:
    trim: TrimSize
    bleed: float = 0.0  # points
    marks: bool = False
    bleed_spine: bool = False  # also at the inside edge, for printers who ask for bleed on all four sides

    @property
    def mark_offset(self) -> float:
        return max(self.bleed, MARK_MINIMUM_OFFSET)

    @property
    def slug(self) -> float:
        """How far the MediaBox reaches beyond the trim on every side to hold the marks."""
        return self.mark_offset + MARK_LENGTH + 2 if self.marks else 0.0


def page_side(number: int, binding: str) -> str:
    """Which side of its spread the book's page `number` (1-based) falls on.

    A Persian-bound book (rtl) opens to the right: its first page is a left-hand page.
    """
    first_is_left = binding == "rtl"
    odd = number % 2 == 1
    return "left" if odd == first_is_left else "right"


def boxes(finish: PrintFinish, side: str) -> tuple[list[float], list[float], list[float]]:
    """(MediaBox, BleedBox, TrimBox) of a page on `side` of its spread, in the page's coordinates."""
    width, height, bleed = finish.trim.width, finish.trim.height, finish.bleed
    trim = [0.0, 0.0, width, height]
    # the outside edge of a left-hand page is its left edge; the spine gets bleed only when asked
    left_bleed = bleed if side == "left" or finish.bleed_spine else 0.0
    right_bleed = bleed if side == "right" or finish.bleed_spine else 0.0
    bleed_box = [-left_bleed, -bleed, width + right_bleed, height + bleed]
    if finish.marks:
        slug = finish.slug
        media = [-slug, -slug, width + slug, height + slug]
    else:
        media = list(bleed_box)
    return media, bleed_box, trim


def crop_marks(finish: PrintFinish) -> bytes:
    """Eight short lines on the trim lines' extensions, outside the bleed, in registration black."""
    width, height = finish.trim.width, finish.trim.height
    start, end = finish.mark_offset, finish.mark_offset + MARK_LENGTH
    lines = []
    for x in (0.0, width):  # vertical marks above and below each vertical trim line
        lines += [(x, -start, x, -end), (x, height + start, x, height + end)]
    for y in (0.0, height):  # horizontal marks left and right of each horizontal trim line
        lines += [(-start, y, -end, y), (width + start, y, width + end, y)]
    # All four process inks at full strength: a mark prints on every plate.
    ops = [b"q", b"%.3f w" % MARK_WIDTH, b"1 1 1 1 K"]
    ops += [b"%.3f %.3f m %.3f %.3f l S" % line for line in lines]
    ops.append(b"Q")
    return b"\n".join(ops) + b"\n"


def _rectangle(values: list[float]) -> RectangleObject:
    return RectangleObject([FloatObject(round(v, 4)) for v in values])


def set_boxes(writer: PdfWriter, finish: PrintFinish, binding: str) -> None:
    """Every page's boxes set for the printer, and crop marks drawn when asked."""
    marks = crop_marks(finish) if finish.marks else None
    for number, page in enumerate(writer.pages, start=1):
        media, bleed_box, trim = boxes(finish, page_side(number, binding))
        page.mediabox = _rectangle(media)
        if "/CropBox" in page:
            del page["/CropBox"]
        page.bleedbox = _rectangle(bleed_box)
        page.trimbox = _rectangle(trim)
        if marks is not None:
            contents = page.get("/Contents")
            existing = contents.get_object() if contents is not None else ArrayObject()
            existing = list(existing) if isinstance(existing, ArrayObject) else [contents]
            # the page's own content may leave its coordinates changed (WeasyPrint flips them): isolate it
            page[NameObject("/Contents")] = ArrayObject(
                [_stream(writer, b"q\n"), *existing, _stream(writer, b"\nQ\n"), _stream(writer, marks)]
            )


def keep_identifier(writer: PdfWriter, reader: PdfReader) -> None:
    """The file identifier of the laid-out book, not a new one: the same inputs give the same bytes."""
    identifier = reader.trailer.get("/ID")
    if identifier is not None:
        # The second part is WeasyPrint's hash of its own output, which for PDF/X includes the
        # random XMP DocumentID replaced since: derived from the first part instead.
        first = identifier[0]
        second = hashlib.md5(bytes(first.original_bytes if hasattr(first, "original_bytes") else first) + b"/finished")
        writer._ID = ArrayObject([first, ByteStringObject(second.hexdigest().encode("ascii"))])


def _stream(writer: PdfWriter, data: bytes):
    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)


# ---------------------------------------------------------------- PDF/X


def pdfx_fixups(writer: PdfWriter, identifier: str, condition: str) -> None:
    """What WeasyPrint's PDF/X writer leaves for us, done on the finished file.

    - its XMP DocumentID is a random UUID: derived from the book's identifier instead,
      so that the same inputs give the same bytes;
    - the output intent is named by the profile's description: named by the printing
      condition (FOGRA39, GRACoL2013, ...) when the book says which;
    - link annotations lie inside the trim, where PDF/X-1a and PDF/X-3 allow no
      annotation but printer's marks: a printed page has no links anyway.
    """
    import uuid

    root = writer._root_object
    metadata = root.get("/Metadata")
    if metadata is not None:
        stream = metadata.get_object()
        xmp = stream.get_data()
        document_id = f"xmp.did:{uuid.uuid5(uuid.NAMESPACE_URL, identifier)}".encode("ascii")
        xmp = re.sub(rb"xmp\.did:[0-9a-f-]{36}", document_id, xmp)
        stream.set_data(xmp)
    if condition:
        for intent in root.get("/OutputIntents", []) or []:
            intent = intent.get_object()
            intent[NameObject("/OutputConditionIdentifier")] = TextStringObject(condition)
            intent[NameObject("/Info")] = TextStringObject(condition)
    for page in writer.pages:
        if "/Annots" in page:
            del page["/Annots"]


def calibrate_rgb(writer: PdfWriter) -> int:
    """Make the device RGB of images calibrated sRGB, as PDF/X-3 and X-4 require; how many images are RGB.

    WeasyPrint writes an image as /DeviceRGB.  A /DefaultRGB colour space in the resources that
    paint it turns that into an ICC-based colour (ISO 32000-1, 8.6.5.6) that the printer's RIP
    converts to its inks; PDF/X-1a allows no RGB at all, so the caller warns instead.
    """
    default_rgb = None

    def srgb():
        nonlocal default_rgb
        if default_rgb is None:
            # WeasyPrint's own copy of the ICC's sRGB profile: fixed bytes (a profile made by
            # LittleCMS would carry the time it was made, and the file would differ every build)
            from importlib.resources import files

            profile = DecodedStreamObject()
            profile.set_data((files("weasyprint.pdf") / "sRGB2014.icc").read_bytes())
            profile[NameObject("/N")] = NumberObject(3)
            default_rgb = ArrayObject([NameObject("/ICCBased"), writer._add_object(profile)])
        return default_rgb

    found = 0
    seen: set[int] = set()

    def visit(resources) -> None:
        nonlocal found
        if resources is None:
            return
        resources = resources.get_object()
        if id(resources) in seen:
            return
        seen.add(id(resources))
        rgb = False
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Image" and xobject.get("/ColorSpace") == "/DeviceRGB":
                rgb = True
                found += 1  # per resource dictionary: the caller only asks whether there are any
            elif xobject.get("/Subtype") == "/Form":
                visit(xobject.get("/Resources"))
        if rgb:
            spaces = resources.get("/ColorSpace")
            spaces = spaces.get_object() if spaces is not None else None
            if spaces is None:
                spaces = DictionaryObject()
                resources[NameObject("/ColorSpace")] = spaces
            spaces[NameObject("/DefaultRGB")] = srgb()

    for page in writer.pages:
        visit(page.get("/Resources"))
    return found


def print_ready(
    data: bytes, finish: PrintFinish, binding: str, *, variant: str | None, identifier: str, condition: str = ""
) -> tuple[bytes, int]:
    """The book's PDF as a printer receives it, and how many of its images are RGB.

    Unchanged when nothing is asked: WeasyPrint's and the assembly's TrimBox and BleedBox
    are already the page."""
    pdfx = bool(variant and variant.startswith("pdf/x"))
    if not (finish.bleed or finish.marks or pdfx):
        return data, 0
    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter(clone_from=reader)
    writer.pdf_header = reader.pdf_header  # PDF/X-4 is a PDF 1.6 file: keep the version WeasyPrint wrote
    set_boxes(writer, finish, binding)
    rgb_images = 0
    if pdfx:
        pdfx_fixups(writer, identifier, condition)
        rgb_images = calibrate_rgb(writer) if variant != "pdf/x-1a" else _rgb_images(writer)
    keep_identifier(writer, reader)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue(), rgb_images


def _rgb_images(writer: PdfWriter) -> int:
    """How many distinct RGB images the pages paint (pages may share one resource dictionary)."""
    found = set()
    for page in writer.pages:
        for xobject in ((page.get("/Resources") or DictionaryObject()).get_object().get("/XObject") or {}).values():
            if xobject.get_object().get("/ColorSpace") == "/DeviceRGB":
                found.add(getattr(xobject, "idnum", id(xobject.get_object())))
    return len(found)
