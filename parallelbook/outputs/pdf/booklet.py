"""A booklet for handouts: the book's pages two to a sheet side, in saddle-stitch order.

Print it double-sided, flipping on the short edge, fold the stack in the
middle and staple it on the fold.  The pages are padded with blank ones to a
multiple of four.  For a book bound on the right (Persian), the first page
falls to the left of the fold on the outside of the outermost sheet, so that
the booklet opens right to left.

Each page is placed by its TrimBox (bleed and marks are for a print shop, not a
desktop printer), as a form XObject, so its content is not decoded.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject

from ...read.paper import TrimSize
from .finishing import keep_identifier

SADDLE_STITCH_SHEETS = 20  # a desktop stapler and a fold hold about this many sheets (80 pages)


@dataclass(frozen=True)
class SheetSide:
    left: int | None  # 1-based page number, or None for a blank
    right: int | None


def booklet_order(pages: int, binding: str) -> list[SheetSide]:
    """The sheet sides in printing order: sheet 1 front, sheet 1 back, sheet 2 front, ..."""
    total = -(-pages // 4) * 4 if pages else 0

    def page(number: int) -> int | None:
        return number if number <= pages else None

    sides = []
    for sheet in range(total // 4):
        outer_low, outer_high = 2 * sheet + 1, total - 2 * sheet  # 1 and N on the outermost sheet's front
        inner_low, inner_high = outer_low + 1, outer_high - 1  # 2 and N-1 on its back
        if binding == "rtl":  # spine on the right: the lower page lies left of the fold on the front
            sides.append(SheetSide(page(outer_low), page(outer_high)))
            sides.append(SheetSide(page(inner_high), page(inner_low)))
        else:
            sides.append(SheetSide(page(outer_high), page(outer_low)))
            sides.append(SheetSide(page(inner_low), page(inner_high)))
    return sides


def impose_booklet(data: bytes, binding: str, sheet: TrimSize) -> bytes:
    """The booklet's PDF: landscape sheets of `sheet`, two trimmed pages each, against the fold."""
    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter()
    sheet_width, sheet_height = max(sheet.width, sheet.height), min(sheet.width, sheet.height)
    forms: dict[int, object] = {}

    def form(number: int):
        if number not in forms:
            page = reader.pages[number - 1]
            trim = page.trimbox
            stream = DecodedStreamObject()
            contents = page.get_contents()
            stream.set_data(contents.get_data() if contents is not None else b"")
            for key, value in {
                "/Type": NameObject("/XObject"),
                "/Subtype": NameObject("/Form"),
                "/BBox": ArrayObject([FloatObject(float(v)) for v in trim]),
                "/Resources": page["/Resources"].clone(writer) if "/Resources" in page else DictionaryObject(),
            }.items():
                stream[NameObject(key)] = value
            forms[number] = (writer._add_object(stream), float(trim.left), float(trim.bottom), float(trim.width), float(trim.height))
        return forms[number]

    for side in booklet_order(len(reader.pages), binding):
        page = writer.add_blank_page(sheet_width, sheet_height)
        placed = [(number, half) for number, half in ((side.left, "left"), (side.right, "right")) if number]
        resources = DictionaryObject()
        ops = []
        for number, half in placed:
            reference, x0, y0, width, height = form(number)
            scale = min(1.0, sheet_width / 2 / width, sheet_height / height)
            # against the fold, centred vertically
            x = sheet_width / 2 - scale * width if half == "left" else sheet_width / 2
            y = (sheet_height - scale * height) / 2
            name = f"/P{number}"
            resources[NameObject(name)] = reference
            ops.append(b"q %.5f 0 0 %.5f %.4f %.4f cm %s Do Q" % (scale, scale, x - scale * x0, y - scale * y0, name.encode()))
        if ops:
            stream = DecodedStreamObject()
            stream.set_data(b"\n".join(ops) + b"\n")
            page[NameObject("/Contents")] = writer._add_object(stream)
            page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): resources})
    writer.add_metadata({key: value for key, value in (reader.metadata or {}).items() if isinstance(value, str)})
    if "/Lang" in reader.trailer["/Root"]:
        writer._root_object[NameObject("/Lang")] = reader.trailer["/Root"]["/Lang"]
    keep_identifier(writer, reader)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
