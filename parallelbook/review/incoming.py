"""What an exchange file changes: the units read from it against the book's units as they are now.

Pure: the book's units (what `export` writes now) and the units read from
an XLIFF or a review .docx go in; the edits to make (file, character range,
new Markdown), the located problems and the reviewers' notes come out.  A
unit whose target reads as the book does changes nothing, so an export
imported unedited changes no byte.  commands/import_.py writes the files.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from ..problems import Location, Problem, error, warning
from ..read.segments import Code, Segment, collapse, markdown_of, same_content

UNTRANSLATED_STATES = frozenset({"initial", "new", "needs-translation"})


@dataclass(frozen=True)
class CurrentUnit:
    """A unit of the book now: what an export writes, and where its target lives."""

    id: str
    chapter: str  # the source chapter, as shown
    source: Segment
    target: Segment  # its codes numbered like the source's (see outputs.exchange.renumber)
    target_file: Path
    source_location: Location
    target_location: Location  # the block (or footnote) in the translation
    status: str = "ok"
    state: str = "translated"  # XLIFF 2.0 segment state
    notes: tuple[tuple[str, str], ...] = ()  # (category, text): status, flags, accepted flags


@dataclass(frozen=True)
class Incoming:
    """A unit read from an exchange file (XLIFF unit or review-table row)."""

    id: str
    source: tuple  # pieces
    target: tuple | None
    state: str
    notes: tuple[tuple[str, str], ...]
    location: Location


@dataclass(frozen=True)
class Edit:
    file: Path
    start: int
    end: int
    markdown: str
    unit: CurrentUnit
    before: str  # the text as a reader reads it
    after: str


@dataclass(frozen=True)
class Plan:
    edits: tuple[Edit, ...]
    problems: tuple[Problem, ...]
    notes: tuple[tuple[str, str, Location], ...]  # (unit id, note text, where it came from)
    unchanged: int
    skipped: int


# Notes `export` writes (XLIFF 2.0 categories; XLIFF 1.2 notes from "parallelbook"): not a person's comment
OUR_NOTE_CATEGORIES = frozenset({"status", "flag", "accepted", "source-location", "target-location", "parallelbook"})


def plan(current: dict[str, CurrentUnit], incoming: list[Incoming]) -> Plan:
    edits: list[Edit] = []
    problems: list[Problem] = []
    notes: list[tuple[str, str, Location]] = []
    seen: dict[str, Location] = {}
    unchanged = skipped = 0
    for unit in incoming:
        if unit.id in seen:
            problems.append(error("IMPORT-DUPLICATE-UNIT", unit.location,
                                  f"unit {unit.id!r} appears twice (first at {seen[unit.id]}): which one is meant?"))
            continue
        seen[unit.id] = unit.location
        now = current.get(unit.id)
        if now is None:
            problems.append(error("IMPORT-UNKNOWN-UNIT", unit.location,
                                  f"unit {unit.id!r} is not a pair of this book: was the file exported from another "
                                  "book, or were chapters renamed since?"))
            continue
        for category, text in unit.notes:
            if category not in OUR_NOTE_CATEGORIES and text.strip():
                notes.append((unit.id, text.strip(), unit.location))
        if unit.target is None:
            skipped += 1
            continue
        if collapse(_text(unit.source)) != now.source.text:
            problems.append(warning(
                "IMPORT-SOURCE-CHANGED", unit.location,
                f"the Persian of unit {unit.id} changed since the export (now at {now.source_location}): the "
                f"translation was not applied; translate the new text at {now.target_location}"))
            skipped += 1
            continue
        if same_content(unit.target, now.target.pieces):
            unchanged += 1
            continue
        if unit.state in UNTRANSLATED_STATES:
            skipped += 1
            continue
        new_text = collapse(_text(unit.target))
        if not new_text and now.target.text:
            problems.append(warning(
                "IMPORT-TARGET-EMPTIED", unit.location,
                f"the translation of unit {unit.id} is empty but the book has text at {now.target_location}: "
                "not applied (delete the text in the Markdown file if that is meant)"))
            skipped += 1
            continue
        if not now.target.editable:
            problems.append(warning(
                "IMPORT-NOT-EDITABLE", unit.location,
                f"unit {unit.id} is a kind of block an import cannot write back (a table or similar): "
                f"make this edit in {now.target_location}"))
            skipped += 1
            continue
        resolved, found = _resolve_codes(unit, now)
        if found:
            problems += found
            skipped += 1
            continue
        markdown = markdown_of(resolved, now.target, lambda code: code.data)
        edits.append(Edit(now.target_file, now.target.start, now.target.end, markdown, now,
                          now.target.text, new_text))
    return Plan(tuple(edits), tuple(problems), tuple(notes), unchanged, skipped)


def _text(pieces) -> str:
    return "".join(p for p in pieces if isinstance(p, str))


def _resolve_codes(unit: Incoming, now: CurrentUnit) -> tuple[tuple, list[Problem]]:
    """The incoming pieces with every code's original Markdown, from the book's target (or its source)."""
    known = {(c.id, c.role): c for c in now.target.codes}
    fallback = {(c.id, c.role): c for c in now.source.codes}
    resolved: list = []
    problems: list[Problem] = []
    used: set = set()
    for piece in unit.target:
        if isinstance(piece, str):
            resolved.append(piece)
            continue
        code = known.get((piece.id, piece.role)) or fallback.get((piece.id, piece.role))
        if code is None and piece.data:  # a code the CAT tool added, with its Markdown
            code = Code(piece.id, "added", piece.role, piece.data)
        if code is None:
            problems.append(error("IMPORT-UNKNOWN-CODE", unit.location,
                                  f"unit {unit.id} has an inline code {piece.id!r} ({piece.role}) that neither side "
                                  "of the pair has: copy the codes from the source"))
            continue
        used.add((code.id, code.role))
        resolved.append(code)
    missing = [c for c in now.target.codes if (c.id, c.role) not in used and c.kind in ("note", "image", "para", "block")]
    if missing and not problems:
        what = ", ".join(sorted({f"{c.kind} {c.data.strip()[:30]!r}" for c in missing}))
        problems.append(warning("IMPORT-CODE-MISSING", unit.location,
                                f"unit {unit.id} lost inline codes the book has at {now.target_location} ({what}): "
                                "not applied, so that no footnote, image or paragraph is lost"))
    return tuple(resolved), problems


def word_summary(before: str, after: str, limit: int = 6) -> str:
    """What changed, word by word, in wdiff's notation: [-old-]{+new+}."""
    old, new = before.split(), after.split()
    parts = []
    for tag, a, b, c, d in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        removed, added = " ".join(old[a:b]), " ".join(new[c:d])
        parts.append((f"[-{removed}-]" if removed else "") + (f"{{+{added}+}}" if added else ""))
    words = sum(max(b - a, d - c) for tag, a, b, c, d in
                difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes() if tag != "equal")
    shown = " ".join(parts[:limit]) + (" …" if len(parts) > limit else "")
    return f"{words} word{'s' if words != 1 else ''} changed: {shown}" if parts else "markup changed"
