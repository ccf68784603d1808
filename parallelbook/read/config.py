"""book.toml: the optional settings of a book, validated all at once.

Every setting has a default, so a book folder with only `source/` and
`translations/` builds.  Unknown keys are warnings that name the known ones;
wrong types and unsafe paths are errors.  The result is a frozen value.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..files import CONTROL_CHARACTERS, LANGUAGE_TAG
from ..problems import Location, Problem, error, warning

PDF_LAYOUTS = ("columns", "facing", "stacked")
BINDINGS = ("rtl", "ltr")
EPUB_LAYOUTS = ("interleaved", "columns")
PAGE_LIST_SOURCES = ("auto", "print", "none")  # where the EPUB page-list comes from (see BookConfig.epub_page_list)
PAPER_SIZES = {"A4": "A4", "A5": "A5", "Letter": "letter"}
FONT_ROLES = ("persian", "persian_bold", "latin", "latin_italic", "latin_bold", "latin_bold_italic")


@dataclass(frozen=True)
class BookConfig:
    titles: dict[str, str] = field(default_factory=dict, hash=False)
    authors: dict[str, str] = field(default_factory=dict, hash=False)
    translators: dict[str, str] = field(default_factory=dict, hash=False)
    subject: dict[str, str] = field(default_factory=dict, hash=False)
    identifier: str = ""
    source_language: str = "fa"
    pdf_layout: str = "columns"
    paper: str = "A4"
    binding: str = ""  # "rtl" or "ltr"; empty: the source language's direction
    epub_layout: str = "interleaved"
    epub_first: str = "source"
    # The EPUB's page-list: "auto" (from the print layout when this build lays it out or the cache
    # holds it), "print" (always: lay the print edition out for it) or "none".
    epub_page_list: str = "auto"
    page_progression: str = ""  # EPUB spine: "rtl", "ltr" or "default"; empty: the source's direction
    zwnj_fixes: bool = True
    fonts: dict[str, Path] = field(default_factory=dict, hash=False)


# The schema: table -> key -> (expected type description, checker)
def _one_of(value, choices) -> bool:
    return isinstance(value, str) and value in choices


def _is_text(value) -> bool:
    return isinstance(value, str)


def _is_text_or_by_language(value) -> bool:
    return isinstance(value, str) or (
        isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
    )


SCHEMA: dict[str, dict[str, tuple[str, object]]] = {
    "book": {
        "title": ("a string or a table of strings by language", _is_text_or_by_language),
        "author": ("a string or a table of strings by language", _is_text_or_by_language),
        "translator": ("a string or a table of strings by language", _is_text_or_by_language),
        "subject": ("a string or a table of strings by language", _is_text_or_by_language),
        "identifier": ("a string", _is_text),
        "source_language": ("a language tag such as fa", lambda v: isinstance(v, str) and LANGUAGE_TAG.fullmatch(v) is not None),
    },
    "pdf": {
        "layout": ("one of " + ", ".join(PDF_LAYOUTS), lambda v: _one_of(v, PDF_LAYOUTS)),
        "paper": ("one of " + ", ".join(PAPER_SIZES), lambda v: _one_of(v, PAPER_SIZES)),
        "binding": ("\"rtl\" (Persian-bound) or \"ltr\" (English-bound)", lambda v: _one_of(v, BINDINGS)),
    },
    "epub": {
        "layout": ("one of " + ", ".join(EPUB_LAYOUTS), lambda v: _one_of(v, EPUB_LAYOUTS)),
        "first": ("\"source\" or \"translation\"", lambda v: _one_of(v, ("source", "translation"))),
        "page_progression": ("\"rtl\", \"ltr\" or \"default\"", lambda v: _one_of(v, ("rtl", "ltr", "default"))),
        "page_list": ("one of " + ", ".join(PAGE_LIST_SOURCES), lambda v: _one_of(v, PAGE_LIST_SOURCES)),
    },
    "orthography": {
        "zwnj_fixes": ("true or false", lambda v: isinstance(v, bool)),
    },
    "fonts": {role: ("a path to a .ttf or .otf file inside the book folder", _is_text) for role in FONT_ROLES},
}


_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]*?)\s*\]\]?\s*(#.*)?$")
_ASSIGNMENT = re.compile(r"^\s*((?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'))*)\s*=")


def _dotted(text: str) -> tuple[str, ...]:
    parts = re.findall(r"\"[^\"]*\"|'[^']*'|[^.\s]+", text)
    return tuple(part.strip("\"'") for part in parts)


def _key_line(text: str, table: str, key: str | None) -> int:
    """The line where `table.key` (or the table itself) is written, for messages; 0 if not found.

    Understands table headers ([pdf], [book.title]), dotted keys (pdf.layout = ...) and
    quoted keys; it reads the text line by line, so a multi-line value does not confuse it.
    """
    wanted = (table,) if key is None else (table, key)
    current: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            current = _dotted(header.group(1))
            if current[: len(wanted)] == wanted:
                return number
            continue
        assignment = _ASSIGNMENT.match(line)
        if assignment and (current + _dotted(assignment.group(1)))[: len(wanted)] == wanted:
            return number
    return 0


def _by_language(value, default_lang: str) -> dict[str, str]:
    if isinstance(value, str):
        return {default_lang: value}
    return dict(value)


def parse_config(text: str, path: Path, book_dir: Path) -> tuple[BookConfig, list[Problem]]:
    """Validate book.toml's text; return the config and every problem found."""
    shown = str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, column = _position_from_message(str(exc), text)
        message = re.sub(r" \(at (line \d+, column \d+|end of document)\)$", "", str(exc))
        return BookConfig(), [
            error("CONFIG-SYNTAX", Location(shown, line, column), f"book.toml is not valid TOML: {message}")
        ]

    problems: list[Problem] = []
    values: dict[str, dict[str, object]] = {}
    for table, entries in data.items():
        if table not in SCHEMA:
            problems.append(
                warning(
                    "CONFIG-UNKNOWN-KEY",
                    Location(shown, _key_line(text, table, None)),
                    _unknown_top_level(table, entries),
                )
            )
            continue
        if not isinstance(entries, dict):
            problems.append(
                error(
                    "CONFIG-TYPE",
                    Location(shown, _key_line(text, table, None)),
                    f"{table} must be a table ([{table}] followed by its keys), not {_short(entries)}",
                )
            )
            continue
        for key, value in entries.items():
            where = Location(shown, _key_line(text, table, key))
            if key not in SCHEMA[table]:
                problems.append(
                    warning(
                        "CONFIG-UNKNOWN-KEY",
                        where,
                        f"unknown key {table}.{key} is ignored{_did_you_mean(key, SCHEMA[table])}; "
                        f"known keys in [{table}]: {', '.join(SCHEMA[table])}",
                    )
                )
                continue
            expected, check = SCHEMA[table][key]
            if not check(value):
                problems.append(error("CONFIG-TYPE", where, f"{table}.{key} must be {expected}, not {_short(value)}"))
                continue
            if _has_control(value):
                problems.append(
                    error("CONFIG-TYPE", where, f"{table}.{key} contains a control character, which no output can hold")
                )
                continue
            values.setdefault(table, {})[key] = value

    book = values.get("book", {})
    source_lang = str(book.get("source_language", "fa"))
    fonts: dict[str, Path] = {}
    for role, relative in values.get("fonts", {}).items():
        where = Location(shown, _key_line(text, "fonts", role))
        try:
            resolved = (book_dir / str(relative)).resolve()
        except (OSError, ValueError) as exc:
            problems.append(error("CONFIG-TYPE", where, f"fonts.{role} is not a usable path: {exc}"))
            continue
        if not resolved.is_relative_to(book_dir.resolve()):
            problems.append(error("CONFIG-PATH-OUTSIDE", where, f"fonts.{role} points outside the book folder: {relative}"))
        elif not resolved.is_file():
            problems.append(error("FONT-NOT-FOUND", where, f"fonts.{role}: no such font file: {relative}"))
        elif resolved.suffix.lower() not in (".ttf", ".otf"):
            problems.append(error("CONFIG-TYPE", where, f"fonts.{role} must be a .ttf or .otf file: {relative}"))
        else:
            found = _font_problem(resolved)
            if found:
                problems.append(error(found[0], where, f"fonts.{role}: {relative} {found[1]}"))
            else:
                fonts[role] = resolved

    config = BookConfig(
        titles=_by_language(book.get("title", {}), source_lang),
        authors=_by_language(book.get("author", {}), source_lang),
        translators=_by_language(book.get("translator", {}), "en"),
        subject=_by_language(book.get("subject", {}), source_lang),
        identifier=str(book.get("identifier", "")),
        source_language=source_lang,
        pdf_layout=str(values.get("pdf", {}).get("layout", "columns")),
        paper=str(values.get("pdf", {}).get("paper", "A4")),
        binding=str(values.get("pdf", {}).get("binding", "")),
        epub_layout=str(values.get("epub", {}).get("layout", "interleaved")),
        epub_first=str(values.get("epub", {}).get("first", "source")),
        page_progression=str(values.get("epub", {}).get("page_progression", "")),
        epub_page_list=str(values.get("epub", {}).get("page_list", "auto")),
        zwnj_fixes=bool(values.get("orthography", {}).get("zwnj_fixes", True)),
        fonts=fonts,
    )
    return config, problems


def _position_from_message(message: str, text: str) -> tuple[int, int]:
    """Line and column of a TOML syntax error (Python 3.11 only gives them in the message)."""
    found = re.search(r"line (\d+), column (\d+)", message)
    if found:
        return int(found.group(1)), int(found.group(2))
    if "end of document" in message:
        lines = text.splitlines() or [""]
        return len(lines), len(lines[-1]) + 1
    return 0, 0


def _short(value, limit: int = 60) -> str:
    shown = repr(value)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _has_control(value) -> bool:
    if isinstance(value, dict):
        return any(_has_control(v) for v in value.values())
    return isinstance(value, str) and ("\x00" in value or CONTROL_CHARACTERS.search(value) is not None)


def _did_you_mean(name: str, known) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def _unknown_top_level(name: str, value) -> str:
    """A key or table outside the known tables: say where it belongs when it is known somewhere."""
    owners = [table for table, keys in SCHEMA.items() if name in keys]
    if owners and not isinstance(value, dict):
        return f"unknown key {name} is ignored: it belongs in the [{owners[0]}] table; known tables: {', '.join(SCHEMA)}"
    kind = "table" if isinstance(value, dict) else "key"
    shown = f"[{name}]" if kind == "table" else name
    return f"unknown {kind} {shown} is ignored{_did_you_mean(name, SCHEMA)}; known tables: {', '.join(SCHEMA)}"


FONT_SIGNATURES = (b"\x00\x01\x00\x00", b"true", b"OTTO")


def _font_problem(path: Path) -> tuple[str, str] | None:
    """Whether the file is a TrueType or OpenType font, by its first bytes."""
    try:
        with open(path, "rb") as stream:
            start = stream.read(4)
    except OSError as exc:
        return "UNREADABLE", f"cannot be read: {exc.strerror or exc}"
    if start not in FONT_SIGNATURES:
        return "FONT-INVALID", "is not a TrueType or OpenType font"
    return None
