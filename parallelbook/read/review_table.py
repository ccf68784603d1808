"""The review table of a .docx (written by `export --format docx`, edited in Word) read back into units.

The table is found by its header row ("Pair", then a column per language
named "Persian (fa)", "English (en)", then "Comment"), so a document Word
or LibreOffice saved again is still recognised.  Tracked changes are taken
as accepted (insertions kept, deletions dropped); the tags {1}…{/1} and
{2/} are the segment's codes; the comment column and Word comments anchored
in a row are the reviewer's notes.  Pure: the zip's members in, rows out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..problems import Location
from .segments import Code
from .untrusted import parse_xml

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TABLE_TITLE = "parallelbook review table"
LANGUAGE_LABELS = {"fa": "Persian", "en": "English", "ar": "Arabic", "fr": "French", "de": "German", "es": "Spanish"}
# a tag, with the LEFT-TO-RIGHT MARKs that keep it readable inside right-to-left text
_TAG = re.compile(r"\u200e?\{(/?)([A-Za-z]?\d+)(/?)\}\u200e?")


def tag(code) -> str:
    """How a code is shown in the review table (and recognised when it comes back)."""
    if code.role == "open":
        return "{" + code.id + "}"
    if code.role == "close":
        return "{/" + code.id + "}"
    return "{" + code.id + "/}"


def header_labels(source_lang: str, target_lang: str) -> tuple[str, ...]:
    def label(lang: str) -> str:
        return f"{LANGUAGE_LABELS.get(lang.split('-')[0], lang)} ({lang})"

    return ("Pair", label(source_lang), label(target_lang), "Comment", "Status and flags")


def _w(name: str) -> str:
    return f"{{{W}}}{name}"



@dataclass(frozen=True)
class ReviewedRow:
    pair: str
    source: str  # as written in the document, tags included
    target: str
    comments: tuple[str, ...]  # each paragraph of the Comment column, then each Word comment anchored in the row
    location: Location  # the file, and the row of the table as its "line"


def _text_of(cell) -> str:
    """A cell's text with tracked changes accepted: insertions kept, deletions dropped."""
    paragraphs = []
    for paragraph in cell.iter(_w("p")):
        parts = []
        for node in paragraph.iter(_w("t"), _w("tab"), _w("br"), _w("cr"), _w("noBreakHyphen")):
            if any(ancestor.tag in (_w("del"), _w("moveFrom")) for ancestor in node.iterancestors()):
                continue
            if node.tag == _w("t"):
                parts.append(node.text or "")
            elif node.tag == _w("noBreakHyphen"):
                parts.append("\u2011")
            else:
                parts.append(" ")
        paragraphs.append("".join(parts))
    return "\n".join(paragraphs)


def _comments(members, shown: str) -> dict[str, str]:
    """Word's comments by id, as "author: text"."""
    if "word/comments.xml" not in members:
        return {}
    root = parse_xml(members["word/comments.xml"], f"{shown}:word/comments.xml")
    result = {}
    for comment in root.iter(_w("comment")):
        author = comment.get(_w("author"), "")
        text = _text_of(comment).strip()
        result[comment.get(_w("id"), "")] = f"{author}: {text}" if author else text
    return result


@dataclass(frozen=True)
class ReviewTable:
    source_lang: str
    target_lang: str
    rows: tuple[ReviewedRow, ...]


_LANG_IN_HEADER = r"\(([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\)\s*$"


def read_review_table(members: dict[str, bytes], shown: str) -> ReviewTable | None:
    """The review table of a .docx (the one whose header row starts with "Pair"), or None."""

    root = parse_xml(members["word/document.xml"], f"{shown}:word/document.xml")
    comments = _comments(members, shown)
    for table in root.iter(_w("tbl")):
        rows = [row for row in table if row.tag == _w("tr")]
        if not rows:
            continue
        header = [_text_of(cell).strip() for cell in rows[0] if cell.tag == _w("tc")]
        if not header or header[0].casefold() != "pair":
            continue
        languages = [(index, re.search(_LANG_IN_HEADER, label)) for index, label in enumerate(header)]
        languages = [(index, found.group(1)) for index, found in languages if found]
        comment_column = next((i for i, label in enumerate(header) if label.casefold().startswith("comment")), None)
        if len(languages) < 2:
            continue
        (source_index, source_lang), (target_index, target_lang) = languages[0], languages[1]
        result = []
        for number, row in enumerate(rows[1:], start=2):
            cells = [cell for cell in row if cell.tag == _w("tc")]
            texts = [_text_of(cell) for cell in cells]
            if len(texts) <= max(source_index, target_index):
                continue
            notes = []
            if comment_column is not None and comment_column < len(texts):
                notes = [line.strip() for line in texts[comment_column].split("\n") if line.strip()]
            for reference in row.iter(_w("commentReference"), _w("commentRangeStart")):
                text = comments.pop(reference.get(_w("id"), ""), "")
                if text:
                    notes.append(text)
            result.append(ReviewedRow(texts[0].strip(), texts[source_index], texts[target_index], tuple(notes),
                                      Location(shown, number)))
        return ReviewTable(source_lang, target_lang, tuple(result))
    return None


def pieces_of(text: str) -> tuple:
    """Tagged text from the review table back into pieces (text and codes, by id)."""
    result: list = []
    position = 0
    for found in _TAG.finditer(text):
        if found.start() > position:
            result.append(text[position:found.start()])
        closing, code_id, standalone = found.groups()
        role = "close" if closing else ("standalone" if standalone else "open")
        result.append(Code(code_id, "", role, ""))
        position = found.end()
    if position < len(text):
        result.append(text[position:])
    return tuple(result)
