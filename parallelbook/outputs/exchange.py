"""Exchange: the aligned pairs as TMX 1.4b or XLIFF 2.0, for translation-memory and CAT tools.

One unit per pair (and one per footnote, when both sides have as many
footnotes), the text as published (Persian normalised), the status and the
flags in notes.  A pure view of review.rows.BookReview; nothing but the output
file is written, and the same book gives the same bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .. import model as m
from ..read.book import direction
from ..render.html import QUOTES
from ..review.rows import LanguageReview
from ..text.blocks import walk_inlines

XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SUFFIX = {"tmx": "tmx", "xliff": "xlf"}
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


def xliff(language: LanguageReview, book_units: list[Unit]) -> bytes:
    """XLIFF 2.0: one <file> per chapter, one <unit> with one <segment> per pair."""
    def q(tag: str) -> str:
        return f"{{{XLIFF_NS}}}{tag}"

    root = etree.Element(q("xliff"), nsmap={None: XLIFF_NS}, version="2.0", srcLang=language.source_lang, trgLang=language.target_lang)
    by_chapter: dict[str, list[Unit]] = {}
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
                etree.SubElement(notes, q("note"), category=category).text = location
            segment = etree.SubElement(element, q("segment"), state=unit.state)
            etree.SubElement(segment, q("source")).text = unit.source
            etree.SubElement(segment, q("target")).text = unit.target
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
