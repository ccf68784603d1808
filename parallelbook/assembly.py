"""Assembling a PDF from pieces laid out separately.

Each chapter (and the front matter) is laid out as its own small PDF, in
parallel and cached; running heads and page numbers are laid out as a
separate overlay, because they are the only thing on a page that depends on
where the page falls in the book.  This module puts the pages in order,
shifts each to its side of the spread, lays its folio over it, and rebuilds
what spans pieces: named destinations (so the contents' links resolve), the
outline, and the document metadata.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    Destination,
    DictionaryObject,
    Fit,
    FloatObject,
    NameObject,
    TextStringObject,
)


@dataclass(frozen=True)
class Placement:
    """Page `page` of piece `piece` becomes the next page of the book."""

    piece: int
    page: int
    shift: float  # horizontal offset in points, to the binding side of its spread
    folio: int | None  # page of the folio overlay to lay over it


@dataclass(frozen=True)
class PieceIndex:
    """What a piece's PDF says about itself: pages, named destinations and outline."""

    pages: int
    destinations: dict[str, tuple[int, float, float]]  # name -> (page, left, top)
    outline: tuple[tuple[int, str, int, float, float], ...]  # (level, title, page, left, top)


def index_piece(data: bytes) -> PieceIndex:
    reader = PdfReader(io.BytesIO(data))
    destinations = {}
    for name, destination in reader.named_destinations.items():
        destinations[str(name)] = (reader.get_destination_page_number(destination), float(destination.left or 0), float(destination.top or 0))
    outline: list[tuple[int, str, int, float, float]] = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                outline.append((level, str(item.title), reader.get_destination_page_number(item), float(item.left or 0), float(item.top or 0)))

    walk(reader.outline, 1)
    return PieceIndex(len(reader.pages), destinations, tuple(outline))


def assemble(
    pieces: list[bytes],
    folios: bytes | None,
    placements: list[Placement],
    *,
    metadata: dict[str, str],
    language: str,
    identifier: bytes,
    catalog: dict[str, object],
) -> bytes:
    """The book's PDF from its pieces, in the order and places given."""
    readers = [PdfReader(io.BytesIO(data)) for data in pieces]
    indexes = [index_piece(data) for data in pieces]
    folio_reader = PdfReader(io.BytesIO(folios)) if folios else None
    writer = PdfWriter()
    where: dict[tuple[int, int], tuple[int, float]] = {}  # (piece, page) -> (book page, shift)
    for number, placement in enumerate(placements):
        page = writer.add_page(readers[placement.piece].pages[placement.page])
        if placement.shift:
            page.add_transformation(Transformation().translate(tx=placement.shift, ty=0))
            for annotation in page.get("/Annots", []) or []:
                annotation = annotation.get_object()
                x1, y1, x2, y2 = (float(v) for v in annotation["/Rect"])
                annotation[NameObject("/Rect")] = ArrayObject(
                    [_number(x1 + placement.shift), _number(y1), _number(x2 + placement.shift), _number(y2)]
                )
        if folio_reader is not None and placement.folio is not None:
            page.merge_page(folio_reader.pages[placement.folio])
        where[(placement.piece, placement.page)] = (number, placement.shift)

    # Named destinations: every anchor of every piece, at its place in the book.
    names: dict[str, tuple[int, float, float]] = {}
    for piece, index in enumerate(indexes):
        for name, (page, left, top) in index.destinations.items():
            if (piece, page) in where and name not in names:
                number, shift = where[(piece, page)]
                names[name] = (number, left + shift, top)
    for name in sorted(names):
        number, left, top = names[name]
        writer.add_named_destination_object(Destination(name, writer.pages[number].indirect_reference, Fit.xyz(left, top, 0)))

    # The outline, in book order, nested by level.
    parents: dict[int, object] = {}
    entries = []
    for piece, index in enumerate(indexes):
        for level, title, page, left, top in index.outline:
            if (piece, page) in where:
                number, shift = where[(piece, page)]
                entries.append((number, level, title, left + shift, top))
    for number, level, title, left, top in entries:
        parent = parents.get(level - 1) if level > 1 else None
        item = writer.add_outline_item(title=title, page_number=number, parent=parent, fit=Fit.xyz(left, top, 0))
        parents[level] = item

    writer.add_metadata({key: value for key, value in metadata.items() if value})
    writer._root_object[NameObject("/Lang")] = TextStringObject(language)
    for key, value in catalog.items():
        writer._root_object[NameObject(f"/{key}")] = value
    writer._ID = ArrayObject([ByteStringObject(identifier), ByteStringObject(identifier)])
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _number(value: float) -> FloatObject:
    return FloatObject(round(value, 4))


def catalog_entries(binding: str, facing: bool) -> dict[str, object]:
    entries: dict[str, object] = {
        "ViewerPreferences": DictionaryObject({NameObject("/Direction"): NameObject("/R2L" if binding == "rtl" else "/L2R")})
    }
    if facing:
        entries["PageLayout"] = NameObject("/TwoPageRight")
    return entries
