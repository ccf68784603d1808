"""The bilingual review table as a Word document (.docx), written from scratch.

One row per pair: the pair's id, the Persian (right-to-left paragraphs set in
the book's Persian face, embedded), the English, a column for the reviewer's
comments (those already imported filled in), and the pair's status and flags.
The inline Markdown of a segment is shown as numbered tags ({1}…{/1}, {2/})
in a grey style, as CAT tools' external review documents do, and also as the
formatting it stands for (italic, bold), so that the reviewer reads the text
as published and the import can put every edit back where it belongs.

Why not python-docx or pandoc: a review table needs right-to-left paragraphs
(w:bidi), complex-script fonts (w:cs) and an embedded face, for which
python-docx has no API and pandoc only a reference document; the few XML
parts of a minimal WordprocessingML package are less code than working
around either, and writing them ourselves makes the bytes depend on the book
alone (fixed zip dates, a fixed member order, font keys derived from the font).
"""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape

from lxml import etree

from ..read.review_table import TABLE_TITLE, header_labels, tag
from ..review.incoming import CurrentUnit
from ..review.rows import LanguageReview

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
LATIN_FONT = "Times New Roman"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
RTL = frozenset({"fa", "ar", "he", "ur", "ps", "ckb", "yi", "dv", "sd", "ug"})
# twentieths of a point, A4 landscape with 2 cm margins: 14570 wide in all
WIDTHS = {"pair": 2200, "source": 4500, "target": 4500, "comment": 2000, "status": 1370}




def _w(tag_name: str) -> str:
    return f"{{{W}}}{tag_name}"


def _el(parent, tag_name: str, **attributes):
    element = etree.SubElement(parent, _w(tag_name))
    for key, value in attributes.items():
        element.set(_w(key), str(value))
    return element


def _run(paragraph, text: str, *, rtl: bool, style: str | None = None, italic=False, bold=False):
    run = _el(paragraph, "r")
    properties = _el(run, "rPr")
    if style:
        _el(properties, "rStyle", val=style)
    if bold:
        _el(properties, "b")
        _el(properties, "bCs")
    if italic:
        _el(properties, "i")
        _el(properties, "iCs")
    if rtl:
        _el(properties, "rtl")
    t = _el(run, "t")
    t.text = text
    t.set(XML_SPACE, "preserve")


def _cell(row, width: int, *, rtl: bool, lang: str, pieces=(), text: str = "", header=False, more=()):
    cell = _el(row, "tc")
    cell_properties = _el(cell, "tcPr")
    _el(cell_properties, "tcW", w=width, type="dxa")
    paragraph = _el(cell, "p")
    paragraph_properties = _el(paragraph, "pPr")
    _el(paragraph_properties, "pStyle", val="Persian" if rtl else ("TableHeader" if header else "Latin"))
    if rtl:
        _el(paragraph_properties, "bidi")
    if text:
        _run(paragraph, text, rtl=rtl, bold=header)
    styles: list[str] = []
    open_kinds: dict[str, str] = {}
    for piece in pieces:
        if isinstance(piece, str):
            _run(paragraph, piece, rtl=rtl, italic="emph" in styles, bold="strong" in styles)
            continue
        if piece.role == "open":
            open_kinds[piece.id] = piece.kind
            styles.append(piece.kind)
        elif piece.role == "close" and open_kinds.get(piece.id) in styles:
            styles.remove(open_kinds[piece.id])
        # in a right-to-left paragraph a tag is kept left-to-right between two LEFT-TO-RIGHT MARKs,
        # else its braces and slash are mirrored and reordered ("{1/}" would show as "{/1}")
        _run(paragraph, f"\u200e{tag(piece)}\u200e" if rtl else tag(piece), rtl=False, style="Tag")
    for line in more:  # further paragraphs: the comments already made
        paragraph = _el(cell, "p")
        _el(_el(paragraph, "pPr"), "pStyle", val="Latin")
        _run(paragraph, line, rtl=False)
    return cell


@dataclass(frozen=True)
class EmbeddedFace:
    """The book's Persian face, embedded so that the table reads the same on a machine without it."""

    family: str
    regular: bytes
    bold: bytes


def review_docx(language: LanguageReview, units: list[CurrentUnit], *, title: str, persian: EmbeddedFace,
                comments: dict[str, list[str]]) -> bytes:
    """The .docx bytes of a translation's review table; the same book gives the same bytes.

    `comments` are those already imported, by unit: they fill the Comment column (one paragraph each),
    so the reviewer sees them; importing them again adds nothing."""
    source_lang, target_lang = language.source_lang, language.target_lang
    document = etree.Element(_w("document"), nsmap={"w": W, "r": R})
    body = _el(document, "body")
    heading = _el(body, "p")
    _el(_el(heading, "pPr"), "pStyle", val="Title")
    _run(heading, title, rtl=False)
    table = _el(body, "tbl")
    properties = _el(table, "tblPr")
    _el(properties, "tblStyle", val="ReviewTable")
    _el(properties, "tblW", w=sum(WIDTHS.values()), type="dxa")
    _el(properties, "tblLayout", type="fixed")
    _el(properties, "tblCaption", val=TABLE_TITLE)
    grid = _el(table, "tblGrid")
    for width in WIDTHS.values():
        _el(grid, "gridCol", w=width)
    header = _el(table, "tr")
    _el(_el(header, "trPr"), "tblHeader")
    labels = header_labels(source_lang, target_lang)
    for key, label in zip(WIDTHS, labels):
        _cell(header, WIDTHS[key], rtl=False, lang="en", text=label, header=True)
    rtl = {lang: lang.split("-")[0] in RTL for lang in (source_lang, target_lang)}
    for unit in units:
        tr = _el(table, "tr")
        _el(_el(tr, "trPr"), "cantSplit")
        _cell(tr, WIDTHS["pair"], rtl=False, lang="en", text=unit.id)
        _cell(tr, WIDTHS["source"], rtl=rtl[source_lang], lang=source_lang, pieces=unit.source.pieces)
        _cell(tr, WIDTHS["target"], rtl=rtl[target_lang], lang=target_lang, pieces=unit.target.pieces)
        earlier = comments.get(unit.id, [])
        _cell(tr, WIDTHS["comment"], rtl=False, lang=target_lang, text=earlier[0] if earlier else "", more=earlier[1:])
        flags = [text.split(":")[0] for category, text in unit.notes
                 if category == "flag" and not text.startswith("REVIEW-COMMENT")]
        _cell(tr, WIDTHS["status"], rtl=False, lang="en", text="; ".join([unit.status] + flags))
    section = _el(body, "sectPr")
    _el(section, "pgSz", w=16838, h=11906, orient="landscape")
    _el(section, "pgMar", top=1134, right=1134, bottom=1134, left=1134, header=567, footer=567, gutter=0)
    parts = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _RELS,
        "word/_rels/document.xml.rels": _DOCUMENT_RELS,
        "word/document.xml": etree.tostring(document, xml_declaration=True, encoding="UTF-8", standalone=True),
        "word/styles.xml": _styles(source_lang, target_lang, persian.family),
        "word/settings.xml": _SETTINGS,
        "word/fontTable.xml": _font_table(persian),
        "word/_rels/fontTable.xml.rels": _FONT_RELS,
        "word/fonts/persian-regular.odttf": _obfuscated(persian.regular),
        "word/fonts/persian-bold.odttf": _obfuscated(persian.bold),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


_CONTENT_TYPES = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="odttf" ContentType="application/vnd.openxmlformats-officedocument.obfuscatedFont"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/></Types>"""
_RELS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"""
_DOCUMENT_RELS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/></Relationships>"""
_SETTINGS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:embedTrueTypeFonts/><w:defaultTabStop w:val="720"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>"""


_FONT_RELS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdF1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/font" Target="fonts/persian-regular.odttf"/><Relationship Id="rIdF2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/font" Target="fonts/persian-bold.odttf"/></Relationships>"""


def font_key(font: bytes) -> str:
    """The GUID that obfuscates an embedded font, derived from the font (so the bytes are reproducible)."""
    return "{" + str(uuid.UUID(bytes=hashlib.sha256(font).digest()[:16])).upper() + "}"


def _obfuscated(font: bytes) -> bytes:
    """ECMA-376 font obfuscation: the first 32 bytes XORed with the key's 16 bytes in reverse order."""
    key = bytes.fromhex(font_key(font).strip("{}").replace("-", ""))[::-1]
    head = bytes(byte ^ key[index % 16] for index, byte in enumerate(font[:32]))
    return head + font[32:]


def _font_table(persian: EmbeddedFace) -> bytes:
    name = escape(persian.family, {'"': "&quot;"})
    return (f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts xmlns:w="{W}" xmlns:r="{R}"><w:font w:name="{name}"><w:charset w:val="B2"/><w:family w:val="auto"/>"""
            f"""<w:pitch w:val="variable"/><w:embedRegular r:id="rIdF1" w:fontKey="{font_key(persian.regular)}"/>"""
            f"""<w:embedBold r:id="rIdF2" w:fontKey="{font_key(persian.bold)}"/></w:font></w:fonts>""").encode()


def _styles(source_lang: str, target_lang: str, persian_font: str) -> bytes:
    persian_lang = {"fa": "fa-IR"}.get(source_lang, source_lang)
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W}"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" w:cs="{persian_font}" w:eastAsia="{LATIN_FONT}"/><w:sz w:val="22"/><w:szCs w:val="24"/><w:lang w:val="{target_lang}" w:bidi="{persian_lang}"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="276" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:after="240"/></w:pPr><w:rPr><w:b/><w:sz w:val="32"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Persian"><w:name w:val="Persian"/><w:basedOn w:val="Normal"/><w:pPr><w:bidi/><w:jc w:val="start"/></w:pPr><w:rPr><w:rFonts w:ascii="{persian_font}" w:hAnsi="{persian_font}" w:cs="{persian_font}"/><w:rtl/><w:lang w:bidi="{persian_lang}"/><w:szCs w:val="24"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Latin"><w:name w:val="Latin"/><w:basedOn w:val="Normal"/><w:rPr><w:lang w:val="{target_lang}"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="TableHeader"><w:name w:val="Table Header"/><w:basedOn w:val="Normal"/><w:rPr><w:b/></w:rPr></w:style><w:style w:type="character" w:styleId="Tag"><w:name w:val="Tag"/><w:rPr><w:rFonts w:ascii="Courier New" w:hAnsi="Courier New" w:cs="Courier New"/><w:color w:val="7F7F7F"/><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr></w:style><w:style w:type="table" w:styleId="ReviewTable"><w:name w:val="Review Table"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:color="999999"/><w:left w:val="single" w:sz="4" w:color="999999"/><w:bottom w:val="single" w:sz="4" w:color="999999"/><w:right w:val="single" w:sz="4" w:color="999999"/><w:insideH w:val="single" w:sz="4" w:color="999999"/><w:insideV w:val="single" w:sz="4" w:color="999999"/></w:tblBorders><w:tblCellMar><w:top w:w="60" w:type="dxa"/><w:left w:w="100" w:type="dxa"/><w:bottom w:w="60" w:type="dxa"/><w:right w:w="100" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style></w:styles>""".encode()


