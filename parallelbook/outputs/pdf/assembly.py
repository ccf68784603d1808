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

import hashlib
import io
import pickle
from dataclasses import dataclass
from urllib.parse import unquote

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    EncodedStreamObject,
    FloatObject,
    IndirectObject,
    NameObject,
    StreamObject,
    TextStringObject,
)

from ...cache import digest
from .layout import BOOK_DESTINATION


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
    cache=None,
) -> bytes:
    """The book's PDF from its pieces, in the order and places given (`indexes`: the pieces', if known).

    The pages are written in runs that share a folio document (a chapter, or
    the front matter): each run is serialised once, with object numbers of its
    own, and kept in `cache` (a cache.Cache) under the hash of what it is made
    of.  Assembling is then numbering the runs one after another and writing
    what spans them (the page tree, named destinations, outline, metadata), so
    after an edit only the runs that changed are read and serialised again.
    """
    if indexes is None:
        indexes = [index_piece(data) for data in pieces]
    piece_hashes = [hashlib.sha256(data).hexdigest() for data in pieces]
    folio_hashes = [hashlib.sha256(data).hexdigest() for data in folios]
    runs = _runs(placements)

    objects: list[bytes | None] = [None, None, None]  # 1 catalog, 2 page tree, 3 document information
    page_numbers: list[int] = []  # object number of every page, in book order
    for run in runs:
        run_placements = [placements[i] for i in run]
        key = digest(
            "pdf-run-2",
            repr([(p.piece, p.page, p.shift, p.folio, run[0] + n) for n, p in enumerate(run_placements)]),
            *(piece_hashes[p.piece] for p in run_placements),
            *(folio_hashes[p.folio[0]] if p.folio is not None else "" for p in run_placements),
        )
        fragment = _cached_fragment(cache, key)
        if fragment is None:
            fragment = _fragment(pieces, folios, run_placements, run[0])
            if cache is not None:
                cache.put("pdf-runs", key, pickle.dumps(fragment, protocol=pickle.HIGHEST_PROTOCOL), {})
        base = len(objects)  # the run's first object is numbered base + 1
        for parts in fragment.objects:
            objects.append(b"".join(_number_refs(parts, base)))
        page_numbers += [base + 1 + local for local in fragment.pages]

    where: dict[tuple[int, int], tuple[int, float]] = {}  # (piece, page) -> (book page, shift)
    for number, placement in enumerate(placements):
        where[(placement.piece, placement.page)] = (number, placement.shift)

    def destination(number: int, left: float, top: float) -> bytes:
        return b"[%d 0 R /XYZ %s %s 0]" % (page_numbers[number], _real(left), _real(top))

    # Named destinations: every anchor of every piece, at its place in the book.
    names: dict[str, tuple[int, float, float]] = {}
    for piece, index in enumerate(indexes):
        for name, (page, left, top) in index.destinations.items():
            if (piece, page) in where and name not in names:
                number, shift = where[(piece, page)]
                names[name] = (number, left + shift, top)
    dests = b" ".join(
        _text_string(name) + b" " + destination(*names[name]) for name in sorted(names, key=lambda n: n.encode("utf-16-be"))
    )
    objects.append(b"<</Names [" + dests + b"]>>")
    dests_number = len(objects)

    # The outline, in book order, nested by level.
    entries: list[tuple[int, str, int, float, float]] = []
    for piece, index in enumerate(indexes):
        for level, title, page, left, top in index.outline:
            if (piece, page) in where:
                number, shift = where[(piece, page)]
                entries.append((level, title, number, left + shift, top))
    outline_number = _outline(objects, entries, destination)

    catalog_entries_bytes = b"".join(b"/" + key.encode("ascii") + b" " + _direct(value) for key, value in catalog.items())
    objects[0] = (
        b"<</Type /Catalog /Pages 2 0 R /Names <</Dests %d 0 R>>" % dests_number
        + (b" /Outlines %d 0 R" % outline_number if outline_number else b"")
        + b" /Lang " + _text_string(language) + catalog_entries_bytes + b">>"
    )
    objects[1] = b"<</Type /Pages /Kids [" + b" ".join(b"%d 0 R" % n for n in page_numbers) + b"] /Count %d>>" % len(page_numbers)
    objects[2] = b"<<" + b"".join(b"/" + key.lstrip("/").encode("ascii") + b" " + _text_string(value) for key, value in metadata.items() if value) + b">>"
    return _write(objects, identifier)


@dataclass(frozen=True)
class _Fragment:
    """A run of pages serialised: each object as parts, bytes or a reference (an int: see _number_refs)."""

    objects: tuple[tuple[bytes | int, ...], ...]
    pages: tuple[int, ...]  # the run's page objects, as indexes into `objects`


PAGE_TREE = -1  # a reference to the book's page tree, numbered 2


def _runs(placements: list[Placement]) -> list[list[int]]:
    """Consecutive placements that share a folio document (a blank page joins the run it is in)."""
    runs: list[list[int]] = []
    current = None
    for number, placement in enumerate(placements):
        document = placement.folio[0] if placement.folio is not None else current
        if not runs or document != current:
            runs.append([])
            current = document
        runs[-1].append(number)
    return runs


def _cached_fragment(cache, key: str) -> "_Fragment | None":
    if cache is None:
        return None
    found = cache.get("pdf-runs", key)
    if found is None:
        return None
    try:
        fragment = pickle.loads(found[0])
    except Exception:  # intact (its hash was checked) but not readable by this code: made again
        return None
    return fragment if isinstance(fragment, _Fragment) else None


def _number_refs(parts, base: int):
    for part in parts:
        if isinstance(part, bytes):
            yield part
        elif part == PAGE_TREE:
            yield b"2 0 R"
        else:
            yield b"%d 0 R" % (base + 1 + part)


def _fragment(pieces: list[bytes], folios: list[bytes], placements: list[Placement], first_number: int) -> _Fragment:
    """Serialise the pages of `placements`, shifted and with their folios, and everything they use."""
    readers = {i: PdfReader(io.BytesIO(pieces[i])) for i in sorted({p.piece for p in placements})}
    folio_readers = {i: PdfReader(io.BytesIO(folios[i])) for i in sorted({p.folio[0] for p in placements if p.folio is not None})}
    objects: list[list[bytes | int] | None] = []
    local: dict[tuple[str, int, int], int] = {}  # (document, its object number) -> index in objects
    queue: list[tuple[tuple[str, int, int], object]] = []

    def slot() -> int:
        objects.append(None)
        return len(objects) - 1

    def ref(document: tuple[str, int], reference) -> int:
        name = (*document, reference.idnum)
        if name not in local:
            local[name] = slot()
            queue.append((name, reference))
        return local[name]

    page_slots = []
    for placement in placements:
        page = readers[placement.piece].pages[placement.page]
        name = ("piece", placement.piece, page.indirect_reference.idnum)
        local[name] = slot()
        page_slots.append(local[name])

    for number, (placement, page_slot) in enumerate(zip(placements, page_slots), start=first_number):
        document = ("piece", placement.piece)
        page = readers[placement.piece].pages[placement.page]
        before, after = b"q\n", b"\nQ\n"
        if placement.shift:
            before = b"q 1 0 0 1 %.4f 0 cm\n" % placement.shift
        parts: list[bytes | int] = [b"<<"]
        for key, value in page.items():
            if key in ("/Parent", "/Contents", "/Resources", "/Annots"):
                continue
            parts.append(_leaf(NameObject(key)) + b" ")
            _emit(value, parts, lambda r, d=document: ref(d, r))
        parts += [b"/Parent ", PAGE_TREE]
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else DictionaryObject()
        xobjects = dict(resources.get("/XObject", DictionaryObject()).get_object())
        if placement.folio is not None:
            folio_document, folio_page = placement.folio
            form = slot()
            objects[form] = _form(folio_readers[folio_document].pages[folio_page], lambda r, d=("folio", folio_document): ref(d, r))
            xobjects[f"/Folio{number}"] = form
            after += b"/Folio%d Do\n" % number
        parts.append(b"/Resources <<")
        for key, value in resources.items():
            if key != "/XObject":
                parts.append(_leaf(NameObject(key)) + b" ")
                _emit(value, parts, lambda r, d=document: ref(d, r))
        parts.append(b"/XObject <<")
        for key, value in xobjects.items():
            parts.append(_leaf(NameObject(key)) + b" ")
            if isinstance(value, int):  # the folio's form, made here
                parts.append(value)
            else:
                _emit(value, parts, lambda r, d=document: ref(d, r))
        parts.append(b">> >>")
        contents = page.get("/Contents")
        existing = []
        if contents is not None:
            resolved = contents.get_object()
            existing = list(resolved) if isinstance(resolved, ArrayObject) else [contents]
        wrapped_before, wrapped_after = slot(), slot()
        objects[wrapped_before] = _raw_stream(before)
        objects[wrapped_after] = _raw_stream(after)
        parts += [b"/Contents [", wrapped_before]
        for item in existing:
            parts.append(b" ")
            _emit(item, parts, lambda r, d=document: ref(d, r))
        parts += [b" ", wrapped_after, b"]"]
        annotations = page.get("/Annots")
        if annotations is not None:
            parts.append(b"/Annots [")
            for annotation in annotations.get_object():
                moved = DictionaryObject(annotation.get_object())
                if placement.shift and "/Rect" in moved:
                    x1, y1, x2, y2 = (float(v) for v in moved["/Rect"])
                    moved[NameObject("/Rect")] = ArrayObject(
                        [_number(x1 + placement.shift), _number(y1), _number(x2 + placement.shift), _number(y2)]
                    )
                moved.pop("/P", None)  # its page is named by where it is listed
                _link_within_the_book(moved)
                annotation_slot = slot()
                annotation_parts: list[bytes | int] = []
                _emit(moved, annotation_parts, lambda r, d=document: ref(d, r))
                objects[annotation_slot] = annotation_parts
                parts += [annotation_slot, b" "]
            parts.append(b"]")
        parts.append(b">>")
        objects[page_slot] = parts

    while queue:
        (kind, document_index, _idnum), reference = queue.pop(0)
        target = reference.get_object()
        parts = []
        _emit(target, parts, lambda r, d=(kind, document_index): ref(d, r), top=True)
        objects[local[(kind, document_index, _idnum)]] = parts
    return _Fragment(tuple(tuple(_merge(parts)) for parts in objects), tuple(page_slots))


def _link_within_the_book(annotation: DictionaryObject) -> None:
    """A link a piece wrote to another piece's anchor (layout.BOOK_DESTINATION) made a link to
    the book's named destination of that anchor, which the assembly writes."""
    action = annotation.get("/A")
    action = action.get_object() if action is not None else None
    uri = action.get("/URI") if isinstance(action, DictionaryObject) and action.get("/S") == "/URI" else None
    if uri is not None and str(uri).startswith(BOOK_DESTINATION):
        del annotation["/A"]
        annotation[NameObject("/Dest")] = TextStringObject(unquote(str(uri)[len(BOOK_DESTINATION):]))


def _merge(parts):
    """Adjacent bytes joined, so that a fragment is a few parts per object."""
    pending = []
    for part in parts:
        if isinstance(part, bytes):
            pending.append(part)
        else:
            if pending:
                yield b"".join(pending)
                pending = []
            yield part
    if pending:
        yield b"".join(pending)


def _form(source_page, ref) -> list[bytes | int]:
    """A page of another PDF as a form XObject, its content kept as it was encoded."""
    contents = source_page.get("/Contents")
    streams = [] if contents is None else (list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) else [contents])
    if len(streams) == 1 and isinstance(streams[0].get_object(), EncodedStreamObject):
        stream = streams[0].get_object()
        data, filters = stream._data, stream.get("/Filter")
    else:
        data = b"".join(item.get_object().get_data() for item in streams)
        filters = None
    parts: list[bytes | int] = [b"<</Type /XObject /Subtype /Form /BBox "]
    _emit(ArrayObject([_number(float(v)) for v in source_page.mediabox]), parts, ref)
    parts.append(b" /Resources ")
    _emit(source_page["/Resources"], parts, ref)
    if filters is not None:
        parts.append(b" /Filter ")
        _emit(filters, parts, ref)
    parts.append(b" /Length %d>>\nstream\n" % len(data) + data + b"\nendstream")
    return parts


def _raw_stream(data: bytes) -> list[bytes | int]:
    return [b"<</Length %d>>\nstream\n" % len(data) + data + b"\nendstream"]


def _emit(value, parts: list, ref, top: bool = False) -> None:
    """Serialise a pypdf object into parts, each indirect reference as ref(reference)."""
    if isinstance(value, IndirectObject):
        parts.append(ref(value))
    elif isinstance(value, StreamObject):
        data = value._data if isinstance(value, EncodedStreamObject) else value.get_data()
        parts.append(b"<<")
        for key, item in value.items():
            if key == "/Length":
                continue
            parts.append(_leaf(NameObject(key)) + b" ")
            _emit(item, parts, ref)
            parts.append(b" ")
        parts.append(b"/Length %d>>\nstream\n" % len(data) + data + b"\nendstream")
    elif isinstance(value, DictionaryObject):
        parts.append(b"<<")
        for key, item in value.items():
            parts.append(_leaf(NameObject(key)) + b" ")
            _emit(item, parts, ref)
            parts.append(b" ")
        parts.append(b">>")
    elif isinstance(value, ArrayObject):
        parts.append(b"[")
        for n, item in enumerate(value):
            if n:
                parts.append(b" ")
            _emit(item, parts, ref)
        parts.append(b"]")
    else:
        parts.append(_leaf(value))


def _leaf(value) -> bytes:
    buffer = io.BytesIO()
    value.write_to_stream(buffer)
    return buffer.getvalue()


def _direct(value) -> bytes:
    """A catalog entry made here (names and dictionaries of names, no references)."""
    parts: list = []
    _emit(value, parts, lambda r: (_ for _ in ()).throw(ValueError("a catalog entry with a reference")))
    return b"".join(parts)


def _text_string(text: str) -> bytes:
    return _leaf(TextStringObject(text))


def _real(value: float) -> bytes:
    return _leaf(FloatObject(round(value, 4)))


def _outline(objects: list, entries: list[tuple[int, str, int, float, float]], destination) -> int:
    """The outline items (level, title, book page, left, top) as objects; the outline's object number, 0 if empty."""
    if not entries:
        return 0
    root = len(objects) + 1
    objects.append(None)
    children: dict[int, list[int]] = {root: []}
    parent_of: dict[int, int] = {}
    item_of: dict[int, tuple] = {}
    parents: dict[int, int] = {}  # level -> the last item at that level
    for level, title, number, left, top in entries:
        objects.append(None)
        item = len(objects)
        parent = parents.get(level - 1, root) if level > 1 else root
        parent_of[item] = parent
        children.setdefault(parent, []).append(item)
        children[item] = []
        item_of[item] = (title, number, left, top)
        parents[level] = item
        for deeper in [l for l in parents if l > level]:
            del parents[deeper]

    def count(item: int) -> int:
        return sum(1 + count(child) for child in children[item])

    for item, (title, number, left, top) in item_of.items():
        siblings = children[parent_of[item]]
        position = siblings.index(item)
        entry = b"<</Title " + _text_string(title) + b" /Parent %d 0 R" % parent_of[item]
        if position > 0:
            entry += b" /Prev %d 0 R" % siblings[position - 1]
        if position + 1 < len(siblings):
            entry += b" /Next %d 0 R" % siblings[position + 1]
        if children[item]:
            entry += b" /First %d 0 R /Last %d 0 R /Count %d" % (children[item][0], children[item][-1], count(item))
        entry += b" /Dest " + destination(number, left, top) + b">>"
        objects[item - 1] = entry
    top_level = children[root]
    objects[root - 1] = b"<</Type /Outlines /First %d 0 R /Last %d 0 R /Count %d>>" % (top_level[0], top_level[-1], count(root))
    return root


def _write(objects: list[bytes], identifier: bytes) -> bytes:
    """The whole file: header, the objects numbered from 1, the cross-reference table and trailer."""
    out = [b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"]
    offset = len(out[0])
    offsets = []
    for number, body in enumerate(objects, start=1):
        chunk = b"%d 0 obj\n" % number + body + b"\nendobj\n"
        offsets.append(offset)
        out.append(chunk)
        offset += len(chunk)
    xref = [b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)]
    xref += [b"%010d 00000 n \n" % position for position in offsets]
    out += xref
    hex_id = identifier.hex().encode("ascii")
    out.append(
        b"trailer\n<</Size %d /Root 1 0 R /Info 3 0 R /ID [<%s> <%s>]>>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, hex_id, hex_id, offset)
    )
    return b"".join(out)


def _number(value: float) -> FloatObject:
    return FloatObject(round(value, 4))


def catalog_entries(binding: str, facing: bool) -> dict[str, object]:
    entries: dict[str, object] = {
        "ViewerPreferences": DictionaryObject({NameObject("/Direction"): NameObject("/R2L" if binding == "rtl" else "/L2R")})
    }
    if facing:
        entries["PageLayout"] = NameObject("/TwoPageRight")
    return entries
