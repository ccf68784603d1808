"""Exchange: the aligned pairs as TMX 1.4b or XLIFF 2.0, for translation-memory and CAT tools.

One unit per pair (and one per footnote, when both sides have as many
footnotes), the text as published (Persian normalised), the status and the
flags in notes.  A pure view of review.rows.BookReview; nothing but the output
file is written, and the same book gives the same bytes.

TMX carries plain text (a memory).  XLIFF carries each side as a segment
(read.segments): the text with the block's inline Markdown as inline codes,
<pc> around text and <ph> alone, whose Markdown is kept verbatim in
<originalData>, so that `import` can write an edited target back into its
block (review.incoming decides what changed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from lxml import etree

from ..problems import Location

from .. import model as m
from ..read.book import direction
from ..render.html import QUOTES
from ..read.segments import BlockSegments, Code, Segment, line_of
from ..review.incoming import CurrentUnit
from ..review.rows import LanguageReview
from ..text.blocks import walk_inlines

XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SUFFIX = {"tmx": "tmx", "xliff": "xlf", "xliff12": "xliff12.xlf", "docx": "docx"}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
TOOL_VERSION = "1"


@dataclass(frozen=True)
class Unit:
    chapter: str  # the source file, as shown
    id: str
    source: str
    target: str
    status: str
    state: str  # XLIFF 2.0 segment state
    notes: tuple[tuple[str, str], ...]  # (category, text)
    source_location: str
    target_location: str


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", re.sub(r"\s+", " ", text).strip())


def _notes_of(block: m.Block) -> list[m.Note]:
    """The footnotes of a block, in reading order."""
    return [inline for inline in walk_inlines(block.content, notes=False) if isinstance(inline, m.Note)]


def block_text(block: m.Block, lang: str) -> str:
    """A block's text as a reader reads it: quotation marks of the language, no footnotes, no markup."""
    marks = QUOTES.get(lang.split("-")[0], QUOTES["en"])
    parts: list[str] = []

    def inlines(items, depth: int = 0) -> None:
        for inline in items:
            if isinstance(inline, (m.Text, m.Code)):
                parts.append(inline.text)
            elif isinstance(inline, m.LineBreak):
                parts.append(" ")
            elif isinstance(inline, m.Quoted):
                opening, closing = (marks[0], marks[1]) if inline.double and depth == 0 else (marks[2], marks[3])
                parts.append(opening)
                inlines(inline.children, depth + 1)
                parts.append(closing)
            elif isinstance(inline, (m.Styled, m.Link)):
                inlines(inline.children, depth)
            elif isinstance(inline, m.Image):
                inlines(inline.alt, depth)

    def contents(items) -> None:
        for content in items:
            if isinstance(content, (m.Paragraph, m.Heading)):
                inlines(content.inlines)
            elif isinstance(content, m.ListBlock):
                for item in content.items:
                    contents(item)
            elif isinstance(content, m.BlockQuote):
                contents(content.blocks)
            elif isinstance(content, m.CodeBlock):
                parts.append(content.text)
            elif isinstance(content, m.Table):
                for row in content.header + content.rows:
                    for cell in row:
                        inlines(cell)
                        parts.append(" ")
            parts.append(" ")

    contents(block.content)
    return _clean("".join(parts))


def units(language: LanguageReview) -> list[Unit]:
    """Every pair of a translation (and its footnotes) as exchange units, in reading order."""
    result = []
    for chapter in language.chapters:
        stem = re.sub(r"[^A-Za-z0-9._-]", "_", Path(chapter.name).stem) or "chapter"  # an XML NMTOKEN
        for row in chapter.rows:
            if not row.is_pair:
                continue
            source, target = row.sources[0], row.targets[0]
            notes = [("status", row.status)]
            notes += [("flag", f"{p.code}: {p.message}") for p in row.problems]
            notes += [("accepted", f"{p.code}: {reason}") for p, reason in row.accepted]
            state = "final" if language.has_lock and row.status == "ok" else "translated"
            common = dict(
                status=row.status,
                state=state,
                notes=tuple(notes),
                source_location=str(source.location),
                target_location=str(target.location),
            )
            unit_id = f"{stem}-{row.number}"
            s_lang, t_lang = language.source_lang, language.target_lang
            result.append(Unit(chapter.source_path, unit_id, block_text(source, s_lang), block_text(target, t_lang), **common))
            source_notes, target_notes = _notes_of(source), _notes_of(target)
            if len(source_notes) == len(target_notes):
                for index, (s_note, t_note) in enumerate(zip(source_notes, target_notes), start=1):
                    result.append(
                        Unit(
                            chapter.source_path,
                            f"{unit_id}-note{index}",
                            block_text(m.Block("note", s_note.blocks, source.location), s_lang),
                            block_text(m.Block("note", t_note.blocks, target.location), t_lang),
                            **common,
                        )
                    )
    return result


def tmx(language: LanguageReview, book_units: list[Unit]) -> bytes:
    """TMX 1.4b: a header, then one <tu> per unit with a <tuv> per language."""
    root = etree.Element("tmx", version="1.4")
    etree.SubElement(
        root,
        "header",
        creationtool="parallelbook",
        creationtoolversion=TOOL_VERSION,
        segtype="paragraph",
        adminlang="en",
        srclang=language.source_lang,
        datatype="plaintext",
        **{"o-tmf": "parallelbook"},
    )
    body = etree.SubElement(root, "body")
    for unit in book_units:
        tu = etree.SubElement(body, "tu", tuid=unit.id)
        for category, text in unit.notes:
            if category != "status":
                etree.SubElement(tu, "note").text = _clean(text)
        etree.SubElement(tu, "prop", type="x-status").text = unit.status
        for lang, text, location in (
            (language.source_lang, unit.source, unit.source_location),
            (language.target_lang, unit.target, unit.target_location),
        ):
            tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
            etree.SubElement(tuv, "prop", type="x-location").text = location
            etree.SubElement(tuv, "seg").text = text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def quotes_of(lang: str) -> tuple[str, str, str, str]:
    return QUOTES.get(lang.split("-")[0], QUOTES["en"])


@dataclass(frozen=True)
class ChapterSegments:
    """The segments of one chapter's two files (read.segments.read_file_segments), read by the command."""

    source_text: str
    source: dict[int, BlockSegments]
    target_text: str
    target: dict[int, BlockSegments]
    target_file: Path


def segment_units(language: LanguageReview, chapters: dict[str, ChapterSegments], normalise) -> list[CurrentUnit]:
    """Every pair (and footnote) of a translation with its two segments: what XLIFF, the review .docx
    and `import` work on.  `normalise` is the source language's normalisation (the Persian as published)."""
    result: list[CurrentUnit] = []
    by_id = {unit.id: unit for unit in units(language)}
    for chapter in language.chapters:
        files = chapters.get(chapter.name)
        if files is None:
            continue
        stem = re.sub(r"[^A-Za-z0-9._-]", "_", Path(chapter.name).stem) or "chapter"
        for row in chapter.rows:
            if not row.is_pair:
                continue
            unit_id = f"{stem}-{row.number}"
            plain = by_id[unit_id]
            s_block, t_block = row.sources[0], row.targets[0]
            s_found, t_found = files.source.get(s_block.location.line), files.target.get(t_block.location.line)
            source = _normalised(s_found.segment, normalise) if s_found else None
            target = t_found.segment if t_found else None
            if source is None or not source.editable:
                source = Segment((plain.source,), 0, 0, editable=False)
            if target is None or not target.editable:
                target = Segment((plain.target,), 0, 0, editable=False)
            common = dict(chapter=plain.chapter, target_file=files.target_file, status=plain.status, state=plain.state,
                          notes=plain.notes)
            result.append(CurrentUnit(unit_id, source=source, target=renumber(target, source), source_location=s_block.location,
                                      target_location=t_block.location, **common))
            s_notes = s_found.notes if s_found else ()
            t_notes = t_found.notes if t_found else ()
            for index in range(1, len(s_notes) + 1):
                note_id = f"{unit_id}-note{index}"
                if note_id not in by_id or len(s_notes) != len(t_notes):
                    continue
                s_note, t_note = _normalised(s_notes[index - 1], normalise), t_notes[index - 1]
                if not s_note.editable:
                    s_note = Segment((by_id[note_id].source,), 0, 0, editable=False)
                if not t_note.editable:
                    t_note = Segment((by_id[note_id].target,), 0, 0, editable=False)
                where = Location(t_block.location.path, line_of(files.target_text, t_note.start)) if t_note.editable else t_block.location
                source_where = (Location(s_block.location.path, line_of(files.source_text, s_notes[index - 1].start))
                                if s_notes[index - 1].editable else s_block.location)
                result.append(CurrentUnit(note_id, source=s_note, target=renumber(t_note, s_note), source_location=source_where,
                                          target_location=where, **common))
    return result


def _normalised(segment: Segment, normalise) -> Segment:
    return replace(segment, pieces=tuple(normalise(p) if isinstance(p, str) else p for p in segment.pieces))


def renumber(target: Segment, source: Segment) -> Segment:
    """The target's codes take the ids of the source's codes of the same kind, in order, as CAT tools
    pair tags; a code the source has not gets an id of its own (t1, t2 ...)."""
    queues: dict[tuple[str, bool], list[str]] = {}
    for code in source.codes:
        if code.role != "close":
            queues.setdefault((code.kind, code.role == "open"), []).append(code.id)
    taken = {code.id for code in source.codes}
    mapping: dict[str, str] = {}
    extra = 0
    for code in target.codes:
        if code.role == "close":
            continue
        queue = queues.get((code.kind, code.role == "open"), [])
        if queue:
            mapping[code.id] = queue.pop(0)
        else:
            extra += 1
            while f"t{extra}" in taken:
                extra += 1
            mapping[code.id] = f"t{extra}"
    pieces = tuple(replace(p, id=mapping[p.id]) if isinstance(p, Code) else p for p in target.pieces)
    return replace(target, pieces=pieces)


# ---------------------------------------------------------------- XLIFF 2.0

_TYPES = {"link": "link", "image": "image", "note": "other", "code": "other", "math": "other", "raw": "other",
          "block": "other", "cite": "other"}
_SUBTYPES = {"emph": "xlf:i", "strong": "xlf:b", "underline": "xlf:u", "break": "xlf:lb"}


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def write_content(parent, pieces, side: str, data: dict[str, str], q) -> None:
    """Text and codes into <source> or <target>: <pc> around text, <ph> alone, their Markdown in `data`."""
    stack = [parent]
    last = None  # the element whose tail takes the next text

    def add_text(text: str) -> None:
        text = _xml_text(text)
        if last is None:
            stack[-1].text = (stack[-1].text or "") + text
        else:
            last.tail = (last.tail or "") + text

    def data_ref(value: str) -> str:
        key = f"{side}{len(data) + 1}"
        data[key] = _xml_text(value)
        return key

    for piece in pieces:
        if isinstance(piece, str):
            add_text(piece)
            continue
        attributes = {"id": piece.id, "type": _TYPES.get(piece.kind, "fmt")}
        if piece.kind in _SUBTYPES:
            attributes["subType"] = _SUBTYPES[piece.kind]
        if piece.role == "open":
            attributes["dataRefStart"] = data_ref(piece.data)
            stack.append(etree.SubElement(stack[-1], q("pc"), attributes))
            last = None
        elif piece.role == "close":
            last = stack.pop()
            last.set("dataRefEnd", data_ref(piece.data))
        else:
            attributes["dataRef"] = data_ref(piece.data)
            shown = piece.data.strip()
            if piece.kind in ("note", "code", "math") and len(shown) <= 40 and "\n" not in shown:
                attributes["disp"] = _xml_text(shown)
            last = etree.SubElement(stack[-1], q("ph"), attributes)


def xliff(language: LanguageReview, book_units: list[CurrentUnit]) -> bytes:
    """XLIFF 2.0: one <file> per chapter, one <unit> with one <segment> per pair (and footnote)."""
    def q(tag: str) -> str:
        return f"{{{XLIFF_NS}}}{tag}"

    root = etree.Element(q("xliff"), nsmap={None: XLIFF_NS}, version="2.0", srcLang=language.source_lang, trgLang=language.target_lang)
    by_chapter: dict[str, list[CurrentUnit]] = {}
    for unit in book_units:
        by_chapter.setdefault(unit.chapter, []).append(unit)
    for index, (path, chapter_units) in enumerate(by_chapter.items(), start=1):
        file = etree.SubElement(
            root,
            q("file"),
            id=f"f{index}",
            original=path,
            srcDir=direction(language.source_lang),
            trgDir=direction(language.target_lang),
        )
        for unit in chapter_units:
            element = etree.SubElement(file, q("unit"), id=unit.id)
            notes = etree.SubElement(element, q("notes"))
            for category, text in unit.notes:
                etree.SubElement(notes, q("note"), category=category).text = _clean(text)
            for category, location in (("source-location", unit.source_location), ("target-location", unit.target_location)):
                etree.SubElement(notes, q("note"), category=category).text = str(location)
            data: dict[str, str] = {}
            segment = etree.Element(q("segment"), state=unit.state)
            write_content(etree.SubElement(segment, q("source")), unit.source.pieces, "s", data, q)
            write_content(etree.SubElement(segment, q("target")), unit.target.pieces, "t", data, q)
            if data:
                original_data = etree.SubElement(element, q("originalData"))
                for key, value in data.items():
                    item = etree.SubElement(original_data, q("data"), id=key)
                    item.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                    item.text = value
            element.append(segment)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# ---------------------------------------------------------------- XLIFF 1.2

XLIFF12_NS = "urn:oasis:names:tc:xliff:document:1.2"
_STATE_12 = {"final": "final", "translated": "translated"}


def _write_content_12(parent, pieces) -> None:
    """Text and codes as XLIFF 1.2 has them: <g> around text, <x/> alone (ids only: `import` takes each
    code's Markdown from the book, so tools that drop unknown attributes lose nothing)."""
    stack = [parent]
    last = None

    def add_text(text: str) -> None:
        text = _xml_text(text)
        if last is None:
            stack[-1].text = (stack[-1].text or "") + text
        else:
            last.tail = (last.tail or "") + text

    for piece in pieces:
        if isinstance(piece, str):
            add_text(piece)
        elif piece.role == "open":
            stack.append(etree.SubElement(stack[-1], f"{{{XLIFF12_NS}}}g", id=piece.id, ctype=_CTYPES.get(piece.kind, "x-markdown")))
            last = None
        elif piece.role == "close":
            last = stack.pop()
        else:
            last = etree.SubElement(stack[-1], f"{{{XLIFF12_NS}}}x", id=piece.id, ctype=_CTYPES.get(piece.kind, "x-markdown"))


_CTYPES = {"emph": "italic", "strong": "bold", "underline": "underlined", "link": "link", "image": "image",
           "break": "lb", "note": "x-footnote", "code": "x-code", "para": "x-paragraph"}


def xliff12(language: LanguageReview, book_units: list[CurrentUnit]) -> bytes:
    """XLIFF 1.2, for CAT tools that read no 2.0: one <file> per chapter, one <trans-unit> per unit."""
    def q(tag: str) -> str:
        return f"{{{XLIFF12_NS}}}{tag}"

    root = etree.Element(q("xliff"), nsmap={None: XLIFF12_NS}, version="1.2")
    by_chapter: dict[str, list[CurrentUnit]] = {}
    for unit in book_units:
        by_chapter.setdefault(unit.chapter, []).append(unit)
    for path, chapter_units in by_chapter.items():
        file = etree.SubElement(root, q("file"), {"original": path, "source-language": language.source_lang,
                                                  "target-language": language.target_lang, "datatype": "x-markdown"})
        body = etree.SubElement(file, q("body"))
        for unit in chapter_units:
            element = etree.SubElement(body, q("trans-unit"), id=unit.id, resname=unit.id)
            element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            if unit.state == "final":
                element.set("approved", "yes")
            _write_content_12(etree.SubElement(element, q("source")), unit.source.pieces)
            target = etree.SubElement(element, q("target"), state=_STATE_12.get(unit.state, "translated"))
            _write_content_12(target, unit.target.pieces)
            for category, text in unit.notes:
                etree.SubElement(element, q("note"), {"from": "parallelbook"}).text = _clean(f"{category}: {text}")
            for category, location in (("source-location", unit.source_location), ("target-location", unit.target_location)):
                etree.SubElement(element, q("note"), {"from": "parallelbook"}).text = f"{category}: {location}"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
