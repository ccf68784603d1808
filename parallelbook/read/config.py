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
from ..text.orthography import EZAFE_SPELLINGS

PDF_LAYOUTS = ("columns", "facing", "stacked")
BINDINGS = ("rtl", "ltr")
EPUB_LAYOUTS = ("interleaved", "columns")
PAGE_LIST_SOURCES = ("auto", "print", "none")  # where the EPUB page-list comes from (see BookConfig.epub_page_list)
PAPER_HELP = "a paper size (A4, A5, B5, Letter, Legal, half-letter, or WIDTHxHEIGHT with a unit such as 6x9in)"
PDF_VARIANTS = ("pdf/ua-1", "pdf/x-1a", "pdf/x-3", "pdf/x-4")
FONT_ROLES = (
    "persian", "persian_bold", "latin", "latin_italic", "latin_bold", "latin_bold_italic", "code", "fallback", "symbols"
)


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
    ezafe: str = "hamza"  # the ezafe after a silent ه: "hamza" (خانهٔ), "yeh" (خانه‌ی) or "keep"
    keep_spellings: tuple[str, ...] = ()  # words and two-word phrases the book spells deliberately
    fonts: dict[str, Path] = field(default_factory=dict, hash=False)
    # print production ([pdf]): lengths and sizes as written, checked by read/paper.py
    bleed: str = ""
    bleed_edges: str = "outer"
    marks: str = "none"
    impose: str = "none"
    sheet: str = ""
    pdf_variant: str = ""
    output_profile: Path | None = None  # PDF/X: the printing condition's ICC profile, inside the book
    output_condition: str = ""  # PDF/X: its registered name (FOGRA39, GRACoL2013, ...); default: the profile's
    pdf_lines: dict[str, int] = field(default_factory=dict, hash=False)  # [pdf] key -> line of book.toml


# The schema: table -> key -> (expected type description, checker)
def _one_of(value, choices) -> bool:
    return isinstance(value, str) and value in choices


def _trim(text: str):
    from .paper import parse_trim

    return parse_trim(text)


def _bleed(text: str):
    from .paper import parse_length

    return parse_length(text, what="bleed")


def _explained(parse, value) -> bool | str:
    """True when `parse` accepts the value, else its reason (a parse returns (value or None, why))."""
    if not isinstance(value, str):
        return False
    parsed, why = parse(value)
    return True if parsed is not None else why


def _is_text(value) -> bool:
    return isinstance(value, str)


def _is_list_of_text(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


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
        "paper": (PAPER_HELP, lambda v: _explained(_trim, v)),
        "binding": ("\"rtl\" (Persian-bound) or \"ltr\" (English-bound)", lambda v: _one_of(v, BINDINGS)),
        "bleed": ("a length with a unit, such as 3mm or 0.125in", lambda v: _explained(_bleed, v)),
        "bleed_edges": ("\"outer\" (top, bottom, outside: the default) or \"all\"", lambda v: _one_of(v, ("outer", "all"))),
        "marks": ("\"crop\" or \"none\"", lambda v: _one_of(v, ("crop", "none"))),
        "impose": ("\"booklet\" or \"none\"", lambda v: _one_of(v, ("booklet", "none"))),
        "sheet": (PAPER_HELP, lambda v: _explained(_trim, v)),
        "variant": ("one of " + ", ".join(PDF_VARIANTS), lambda v: _one_of(v, PDF_VARIANTS)),
        "output_profile": ("a path to an ICC profile (.icc or .icm) inside the book folder", _is_text),
        "output_condition": ("a string", _is_text),
    },
    "epub": {
        "layout": ("one of " + ", ".join(EPUB_LAYOUTS), lambda v: _one_of(v, EPUB_LAYOUTS)),
        "first": ("\"source\" or \"translation\"", lambda v: _one_of(v, ("source", "translation"))),
        "page_progression": ("\"rtl\", \"ltr\" or \"default\"", lambda v: _one_of(v, ("rtl", "ltr", "default"))),
        "page_list": ("one of " + ", ".join(PAGE_LIST_SOURCES), lambda v: _one_of(v, PAGE_LIST_SOURCES)),
    },
    "orthography": {
        "zwnj_fixes": ("true or false", lambda v: isinstance(v, bool)),
        "ezafe": ('"hamza" (خانهٔ), "yeh" (خانه‌ی) or "keep"', lambda v: _one_of(v, EZAFE_SPELLINGS)),
        "keep": ("a list of words (or two-word phrases) spelled deliberately", _is_list_of_text),
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
            verdict = check(value)
            if isinstance(verdict, str):  # the checker says why
                problems.append(error("CONFIG-TYPE", where, f"{table}.{key}: {verdict}"))
                continue
            if not verdict:
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

    pdf = values.get("pdf", {})
    output_profile = None
    if "output_profile" in pdf:
        where = Location(shown, _key_line(text, "pdf", "output_profile"))
        relative = str(pdf["output_profile"])
        resolved = (book_dir / relative).resolve()
        if not resolved.is_relative_to(book_dir.resolve()):
            problems.append(error("CONFIG-PATH-OUTSIDE", where, f"pdf.output_profile points outside the book folder: {relative}"))
        elif not resolved.is_file():
            problems.append(error("PDF-PROFILE", where, f"pdf.output_profile: no such file: {relative}"))
        elif _icc_problem(resolved):
            problems.append(error("PDF-PROFILE", where, f"pdf.output_profile: {relative} {_icc_problem(resolved)}"))
        else:
            output_profile = resolved

    config = BookConfig(
        titles=_by_language(book.get("title", {}), source_lang),
        authors=_by_language(book.get("author", {}), source_lang),
        translators=_by_language(book.get("translator", {}), "en"),
        subject=_by_language(book.get("subject", {}), source_lang),
        identifier=str(book.get("identifier", "")),
        source_language=source_lang,
        pdf_layout=str(values.get("pdf", {}).get("layout", "columns")),
        paper=_trim(str(pdf["paper"]))[0].name if "paper" in pdf else "A4",
        binding=str(values.get("pdf", {}).get("binding", "")),
        epub_layout=str(values.get("epub", {}).get("layout", "interleaved")),
        epub_first=str(values.get("epub", {}).get("first", "source")),
        page_progression=str(values.get("epub", {}).get("page_progression", "")),
        epub_page_list=str(values.get("epub", {}).get("page_list", "auto")),
        zwnj_fixes=bool(values.get("orthography", {}).get("zwnj_fixes", True)),
        ezafe=_valid(values.get("orthography", {}).get("ezafe"), lambda v: _one_of(v, EZAFE_SPELLINGS), "hamza"),
        keep_spellings=tuple(_valid(values.get("orthography", {}).get("keep"), _is_list_of_text, [])),
        fonts=fonts,
        bleed=str(pdf.get("bleed", "")),
        bleed_edges=str(pdf.get("bleed_edges", "outer")),
        marks=str(pdf.get("marks", "none")),
        impose=str(pdf.get("impose", "none")),
        sheet=str(pdf.get("sheet", "")),
        pdf_variant=str(pdf.get("variant", "")),
        output_profile=output_profile,
        output_condition=str(pdf.get("output_condition", "")),
        pdf_lines={key: _key_line(text, "pdf", key) for key in pdf},
    )
    return config, problems


def _valid(value, check, default):
    """A setting's value, or its default where the value was reported as wrong."""
    return value if value is not None and check(value) else default


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


def _icc_problem(path: Path) -> str:
    """Why the file cannot be a printing condition's ICC profile (an output, 'prtr', profile); '' if it can."""
    try:
        with open(path, "rb") as stream:
            header = stream.read(128)
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if len(header) < 128 or header[36:40] != b"acsp":
        return "is not an ICC profile"
    if header[12:16] != b"prtr":
        return f"is a {header[12:16].decode('latin-1').strip() or 'device'} profile, not a printer's (output) profile"
    if header[16:20] not in (b"CMYK", b"GRAY", b"RGB "):
        return "is not a CMYK, grey or RGB printing profile"
    return ""


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
