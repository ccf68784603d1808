"""book.toml: the optional settings of a book, validated all at once.

Every setting has a default, so a book folder with only `source/` and
`translations/` builds.  Unknown keys are warnings that name the known ones;
wrong types and unsafe paths are errors.  The result is a frozen value.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .problems import Location, Problem, error, warning

PDF_LAYOUTS = ("columns", "facing", "stacked")
BINDINGS = ("rtl", "ltr")
EPUB_LAYOUTS = ("interleaved", "columns")
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
    zwnj_fixes: bool = True
    fonts: dict[str, Path] = field(default_factory=dict, hash=False)


# The schema: table -> key -> (expected type description, checker)
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
        "source_language": ("a string", _is_text),
    },
    "pdf": {
        "layout": ("one of " + ", ".join(PDF_LAYOUTS), lambda v: v in PDF_LAYOUTS),
        "paper": ("one of " + ", ".join(PAPER_SIZES), lambda v: v in PAPER_SIZES),
        "binding": ("\"rtl\" (Persian-bound) or \"ltr\" (English-bound)", lambda v: v in BINDINGS),
    },
    "epub": {
        "layout": ("one of " + ", ".join(EPUB_LAYOUTS), lambda v: v in EPUB_LAYOUTS),
        "first": ("\"source\" or \"translation\"", lambda v: v in ("source", "translation")),
    },
    "orthography": {
        "zwnj_fixes": ("true or false", lambda v: isinstance(v, bool)),
    },
    "fonts": {role: ("a path to a .ttf or .otf file inside the book folder", _is_text) for role in FONT_ROLES},
}


def _key_line(text: str, table: str, key: str | None) -> int:
    """The line where a key (or table header) is written, for messages; 0 if not found."""
    in_table = table == ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("["):
            in_table = line.strip("[] ") == table
            if key is None and in_table:
                return number
            continue
        if in_table and key is not None and line.split("=", 1)[0].strip().strip('"') == key:
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
        line = getattr(exc, "lineno", 0) or _line_from_message(str(exc))
        message = str(exc).split(" (at line")[0]
        return BookConfig(), [error("CONFIG-SYNTAX", Location(shown, line), f"book.toml is not valid TOML: {message}")]

    problems: list[Problem] = []
    values: dict[str, dict[str, object]] = {}
    for table, entries in data.items():
        if table not in SCHEMA:
            problems.append(
                warning(
                    "CONFIG-UNKNOWN-KEY",
                    Location(shown, _key_line(text, "", table) or _key_line(text, table, None)),
                    f"unknown table [{table}] is ignored; known tables: {', '.join(SCHEMA)}",
                )
            )
            continue
        if not isinstance(entries, dict):
            problems.append(error("CONFIG-TYPE", Location(shown, _key_line(text, "", table)), f"{table} must be a table"))
            continue
        for key, value in entries.items():
            where = Location(shown, _key_line(text, table, key))
            if key not in SCHEMA[table]:
                problems.append(
                    warning(
                        "CONFIG-UNKNOWN-KEY",
                        where,
                        f"unknown key {table}.{key} is ignored; known keys in [{table}]: {', '.join(SCHEMA[table])}",
                    )
                )
                continue
            expected, check = SCHEMA[table][key]
            if not check(value):
                problems.append(error("CONFIG-TYPE", where, f"{table}.{key} must be {expected}, not {value!r}"))
                continue
            values.setdefault(table, {})[key] = value

    book = values.get("book", {})
    source_lang = str(book.get("source_language", "fa"))
    fonts: dict[str, Path] = {}
    for role, relative in values.get("fonts", {}).items():
        where = Location(shown, _key_line(text, "fonts", role))
        resolved = (book_dir / str(relative)).resolve()
        if not resolved.is_relative_to(book_dir.resolve()):
            problems.append(error("CONFIG-PATH-OUTSIDE", where, f"fonts.{role} points outside the book folder: {relative}"))
        elif not resolved.is_file():
            problems.append(error("FONT-NOT-FOUND", where, f"fonts.{role}: no such font file: {relative}"))
        elif resolved.suffix.lower() not in (".ttf", ".otf"):
            problems.append(error("CONFIG-TYPE", where, f"fonts.{role} must be a .ttf or .otf file: {relative}"))
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
        zwnj_fixes=bool(values.get("orthography", {}).get("zwnj_fixes", True)),
        fonts=fonts,
    )
    return config, problems


def _line_from_message(message: str) -> int:
    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else 0
