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

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
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
    folio: tuple[int, int] | None  # (folio document, page) to lay over it


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
    folios: list[bytes],
    placements: list[Placement],
    *,
    metadata: dict[str, str],
    language: str,
    identifier: bytes,
    catalog: dict[str, object],
    indexes: list[PieceIndex] | None = None,
) -> bytes:
    """The book's PDF from its pieces, in the order and places given (`indexes`: the pieces', if known)."""
    readers = [PdfReader(io.BytesIO(data)) for data in pieces]
    if indexes is None:
        indexes = [index_piece(data) for data in pieces]
    folio_readers = [PdfReader(io.BytesIO(data)) for data in folios]
    writer = PdfWriter()
    where: dict[tuple[int, int], tuple[int, float]] = {}  # (piece, page) -> (book page, shift)
    for number, placement in enumerate(placements):
        page = writer.add_page(readers[placement.piece].pages[placement.page])
        # Shifting and overlaying by wrapping the content streams, not by rewriting them:
        # pypdf's own transformation parses every operator of every page.
        before, after = b"q\n", b"\nQ\n"
        if placement.shift:
            before = b"q 1 0 0 1 %.4f 0 cm\n" % placement.shift
            for annotation in page.get("/Annots", []) or []:
                annotation = annotation.get_object()
                x1, y1, x2, y2 = (float(v) for v in annotation["/Rect"])
                annotation[NameObject("/Rect")] = ArrayObject(
                    [_number(x1 + placement.shift), _number(y1), _number(x2 + placement.shift), _number(y2)]
                )
        if placement.folio is not None:
            document, folio_page = placement.folio
            name = f"/Folio{number}"
            _resources(page).setdefault(NameObject("/XObject"), DictionaryObject())[NameObject(name)] = _form(
                writer, folio_readers[document].pages[folio_page]
            )
            after += name.encode("ascii") + b" Do\n"
        _wrap_contents(writer, page, before, after)
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


def _stream(writer: PdfWriter, data: bytes, entries: dict | None = None):
    stream = DecodedStreamObject()
    stream.set_data(data)
    for key, value in (entries or {}).items():
        stream[NameObject(key)] = value
    return writer._add_object(stream)


def _wrap_contents(writer: PdfWriter, page, before: bytes, after: bytes) -> None:
    """The page's content between `before` and `after`, without decoding it."""
    contents = page.get("/Contents")
    if contents is None:
        existing: list = []
    else:
        resolved = contents.get_object()
        existing = list(resolved) if isinstance(resolved, ArrayObject) else [contents]
    page[NameObject("/Contents")] = ArrayObject([_stream(writer, before), *existing, _stream(writer, after)])


def _resources(page) -> DictionaryObject:
    """The page's own resource dictionary (copied when pages share one)."""
    resources = DictionaryObject(page["/Resources"].get_object())
    xobjects = resources.get("/XObject")
    if xobjects is not None:
        resources[NameObject("/XObject")] = DictionaryObject(xobjects.get_object())
    page[NameObject("/Resources")] = resources
    return resources


def _form(writer: PdfWriter, source_page):
    """A page of another PDF as a form XObject of this one."""
    return _stream(
        writer,
        source_page.get_contents().get_data() if source_page.get_contents() is not None else b"",
        {
            "/Type": NameObject("/XObject"),
            "/Subtype": NameObject("/Form"),
            "/BBox": ArrayObject([_number(float(v)) for v in source_page.mediabox]),
            "/Resources": source_page["/Resources"].clone(writer),
        },
    )


def _number(value: float) -> FloatObject:
    return FloatObject(round(value, 4))


def catalog_entries(binding: str, facing: bool) -> dict[str, object]:
    entries: dict[str, object] = {
        "ViewerPreferences": DictionaryObject({NameObject("/Direction"): NameObject("/R2L" if binding == "rtl" else "/L2R")})
    }
    if facing:
        entries["PageLayout"] = NameObject("/TwoPageRight")
    return entries
