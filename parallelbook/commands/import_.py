"""`build.py import FILE... --book DIR`: documents in as chapters; XLIFF and review tables back into the translation.

Two jobs, told apart by what is imported:

* documents (.docx, .odt, .html, .md, .txt) with `--source` or `--lang L`:
  each becomes one chapter, or one per level-1 heading (read.documents); a
  translation's chapters take the source chapters' names in order, images go
  to the book's one images/ folder, and an existing chapter is replaced only
  with --force;
* exchange files (.xlf/.xliff 2.0 or 1.2, and a review .docx written by
  `export --format docx`): each changed target is written back into its
  block (review.incoming decides, this module writes), and comments go to
  translations/<lang>/comments.toml.

Everything is read and checked first; files are written (each atomically)
only when nothing is wrong, so a refused import changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..files import (
    LANGUAGE_TAG,
    SOURCE_DIR,
    TRANSLATIONS_DIR,
    _chapter_paths,
    shown_path,
    write_bytes_atomically,
)
from ..outputs.exchange import quotes_of
from ..problems import BookError, Location, Outcome, Problem, error, has_errors
from ..read.book import direction
from ..read.config import BookConfig, parse_config
from ..read.documents import FORMATS, ImportedChapter, read_document
from ..read.markdown import parse_blocks
from ..read.review_table import pieces_of, read_review_table
from ..read.segments import collapse, read_segments, read_verbatim
from ..read.untrusted import MAX_XML_BYTES, Unsafe, read_zip
from ..read.xliff import read_xliff
from ..review.comments import COMMENTS_NAME, Comment, comments_toml, read_comments
from ..review.incoming import Edit, Incoming, plan, word_summary
from ..review.rows import LanguageReview, review_book
from .export import current_units

EXCHANGE_SUFFIXES = (".xlf", ".xliff", ".xlf2")


def command_import(args) -> Outcome:
    files: list[Path] = list(args.files)
    documents = bool(args.source or args.lang) and all(f.suffix.lower() in FORMATS for f in files)
    if args.source and args.lang:
        raise _usage("--source and --lang", "import documents either as the source (--source) or as a translation (--lang L)")
    if documents:
        return import_documents(args, files)
    unknown = [f for f in files if f.suffix.lower() not in EXCHANGE_SUFFIXES + (".docx",)]
    if unknown:
        raise _usage(shown_path(unknown[0]), f"{unknown[0].suffix or 'a file without a suffix'} is a document: say whether "
                     "it is the source (--source) or a translation (--lang L)")
    return import_exchange(args, files)


def _usage(where: str, message: str) -> BookError:
    return BookError([error("USAGE", Location(where), message)])


# ---------------------------------------------------------------- documents


def _book_config(book: Path) -> BookConfig:
    config_file = book / "book.toml"
    if not config_file.is_file():
        return BookConfig()
    config, problems = parse_config(read_verbatim(config_file), Path(shown_path(config_file)), book.resolve())
    if has_errors(problems):
        raise BookError(problems)
    return config


def import_documents(args, files: list[Path]) -> Outcome:
    book: Path = args.book
    if book.exists() and not book.is_dir():
        raise BookError([error("BOOK-NOT-FOUND", Location(shown_path(book)), "the book folder is a file")])
    config = _book_config(book) if book.is_dir() else BookConfig()
    lang = config.source_language if args.source else args.lang
    if not LANGUAGE_TAG.fullmatch(lang):
        raise _usage("--lang", f"{lang!r} is not a language tag: name the translation by its language, such as en or pt-BR")
    problems: list[Problem] = []
    chapters: list[ImportedChapter] = []
    images: dict[str, bytes] = {}
    for path in files:
        try:
            document = read_document(path, shown_path(path), lang_direction=direction(lang))
        except Unsafe as refused:
            problems.append(refused.problem)
            continue
        chapters += document.chapters
        images.update(document.images)
        problems += document.problems
    if has_errors(problems):
        raise BookError(problems)

    folder = book / SOURCE_DIR if args.source else book / TRANSLATIONS_DIR / lang
    if args.source:
        names = _source_names(chapters)
    else:
        names = [p.name for p in _chapter_paths(book / SOURCE_DIR)]
        if not names:
            raise BookError([error("IMPORT-NO-SOURCE", Location(shown_path(book / SOURCE_DIR)),
                                   "the book has no source chapters to pair the translation with: import the "
                                   "source first (--source)")])
        if len(names) != len(chapters):
            imported = "; ".join(f"{c.title} ({c.origin})" for c in chapters)
            raise BookError([error(
                "IMPORT-CHAPTER-COUNT", Location(shown_path(files[0])),
                f"{len(chapters)} chapter{'s' if len(chapters) != 1 else ''} imported but the source has {len(names)}: "
                f"imported: {imported}; source: {', '.join(names)}. A translation's chapters take the source's "
                "names in order, so the counts must agree (split or join the documents at their level-1 headings)")])
    targets = [folder / name for name in names]
    existing = [t for t in targets if t.exists()]
    if existing and not args.force:
        raise BookError([error("CHAPTER-EXISTS", Location(shown_path(t)),
                               "the chapter exists and was left as it is: import with --force to replace it")
                         for t in existing])

    # Check what pandoc wrote as the build will read it, before anything is written.
    warnings: list[Problem] = []
    for target, chapter in zip(targets, chapters):
        _blocks, found = parse_blocks(chapter.markdown, shown_path(target))
        warnings += found

    lines = []
    for name, content in sorted(images.items()):
        image_path = book / "images" / name
        if image_path.is_file() and image_path.read_bytes() == content:
            continue
        write_bytes_atomically(image_path, content)
        lines.append(f"wrote {shown_path(image_path)}")
    for target, chapter in zip(targets, chapters):
        write_bytes_atomically(target, chapter.markdown.encode("utf-8"))
        lines.append(f"wrote {shown_path(target)} ({chapter.origin.path}: {chapter.title})")
    if lang.split("-")[0] == "fa":
        lines.append("the Persian is kept as written: `build.py lint` shows what the build will normalise, "
                     "`build.py fix --write` writes it into the chapters")
    code = 1 if has_errors(warnings) else 0
    return Outcome(problems=tuple(problems + warnings), lines=tuple(lines), exit_code=code)


def _source_names(chapters: list[ImportedChapter]) -> list[str]:
    width = max(2, len(str(len(chapters))))
    names = []
    for number, chapter in enumerate(chapters, start=1):
        slug = _slug(chapter.title) or _slug(Path(chapter.origin.path).stem) or "chapter"
        names.append(f"{number:0{width}d}-{slug}.md")
    return names


def _slug(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower().replace("'", "").replace("’", ""))
    return "-".join(words)[:50].strip("-")


# ---------------------------------------------------------------- exchange files


@dataclass(frozen=True)
class _Incoming:
    shown: str
    source_lang: str
    target_lang: str
    units: list[Incoming]
    where: Location


def _read_exchange(path: Path) -> _Incoming:
    shown = shown_path(path)
    try:
        if path.stat().st_size > MAX_XML_BYTES * 4:
            raise Unsafe(error("UNSAFE-FILE", Location(shown), "the file is too large to be an exchange file"))
        data = path.read_bytes()
    except OSError as exc:
        raise Unsafe(error("UNREADABLE", Location(shown), f"cannot read file: {exc.strerror or exc}")) from None
    if path.suffix.lower() == ".docx":
        members = read_zip(data, shown, wanted=lambda name: name in ("word/document.xml", "word/comments.xml"))
        if "word/document.xml" not in members.members:
            raise Unsafe(error("IMPORT-FORMAT", Location(shown), "not a Word document (no word/document.xml)"))
        table = read_review_table(members.members, shown)
        if table is None:
            raise Unsafe(error("IMPORT-FORMAT", Location(shown),
                               "no review table (a table whose first column is headed \"Pair\") in this document; "
                               "to import it as a chapter, give --source or --lang"))
        units = []
        for row in table.rows:
            notes = tuple(("comment", comment) for comment in row.comments)
            units.append(Incoming(row.pair, pieces_of(row.source), pieces_of(row.target), "", notes, row.location))
        return _Incoming(shown, table.source_lang, table.target_lang, units, Location(shown, 1))
    exchange = read_xliff(data, shown)
    units = [Incoming(u.id, u.source, u.target, u.state, u.notes, u.location) for u in exchange.units]
    return _Incoming(shown, exchange.source_lang, exchange.target_lang, units, Location(shown, 1))


def _same_language(a: str, b: str) -> bool:
    return a.lower() == b.lower() or a.split("-")[0].lower() == b.split("-")[0].lower()


def import_exchange(args, files: list[Path]) -> Outcome:
    incoming: list[_Incoming] = []
    problems: list[Problem] = []
    for path in files:
        try:
            incoming.append(_read_exchange(path))
        except Unsafe as refused:
            problems.append(refused.problem)
    if problems:
        raise BookError(problems)
    review = review_book(args.book, args.lang)
    blocking = review.blocking()
    if blocking:
        raise BookError(blocking)

    edits: list[Edit] = []
    new_comments: dict[str, list[Comment]] = {}
    lines: list[str] = []
    summaries: list[str] = []
    current_cache: dict[str, dict] = {}
    for exchange in incoming:
        language = _language_of(review.languages, exchange, review.config.source_language)
        if isinstance(language, Problem):
            problems.append(language)
            continue
        if language.target_lang not in current_cache:
            current_cache[language.target_lang] = {u.id: u for u in current_units(review, language)}
        result = plan(current_cache[language.target_lang], exchange.units)
        problems += result.problems
        edits += result.edits
        for unit, text, where in result.notes:
            new_comments.setdefault(language.target_lang, []).append(Comment(unit, text, str(where)))
        summaries.append(f"imported {exchange.shown}: {_count(len(result.edits), 'unit')} changed, "
                         f"{result.unchanged} unchanged, {result.skipped} not applied")
    problems += _overlapping(edits)
    if has_errors(problems):
        raise BookError(problems)

    new_texts, found = _apply(edits, review.languages)
    problems += found
    if has_errors(problems):
        raise BookError(problems)
    for path, (text, bom) in new_texts.items():
        write_bytes_atomically(path, (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    for edit in sorted(edits, key=lambda e: (e.unit.target_location.path, e.unit.target_location.line)):
        lines.append(f"{edit.unit.target_location}: {word_summary(edit.before, edit.after)}")
    for lang, comments in sorted(new_comments.items()):
        written = _store_comments(review.folder / TRANSLATIONS_DIR / lang / COMMENTS_NAME, comments)
        if written:
            lines.append(f"{shown_path(review.folder / TRANSLATIONS_DIR / lang / COMMENTS_NAME)}: "
                         f"{_count(written, 'comment')} added (`check` prints them)")
    return Outcome(problems=tuple(problems), lines=tuple(lines + summaries))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _language_of(languages: tuple[LanguageReview, ...], exchange: _Incoming, source_lang: str):
    matches = [l for l in languages if _same_language(l.target_lang, exchange.target_lang)]
    if not _same_language(exchange.source_lang, source_lang) or len(matches) != 1:
        have = ", ".join(f"{l.source_lang} → {l.target_lang}" for l in languages) or "none"
        return error("IMPORT-LANGUAGES", exchange.where,
                     f"the file translates {exchange.source_lang or '?'} → {exchange.target_lang or '?'}, "
                     f"but the book has {have}: export from this book, or import into the right one")
    return matches[0]


def _overlapping(edits: list[Edit]) -> list[Problem]:
    """Two files (or two units) editing the same block: the second would overwrite the first."""
    seen: dict[tuple[Path, int], Edit] = {}
    problems = []
    for edit in edits:
        key = (edit.file, edit.start)
        if key in seen:
            problems.append(error("IMPORT-DUPLICATE-UNIT", edit.unit.target_location,
                                  f"unit {edit.unit.id} is edited twice in the files imported: import one at a time"))
        seen[key] = edit
    return problems


_FOLD = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'",
                       "–": "--", "—": "---", "…": "..."})


def _fold(text: str) -> str:
    """Text as compared after writing: typographic quotes and dashes as the Markdown reader makes them."""
    return collapse(text).translate(_FOLD)


def _apply(edits: list[Edit], languages) -> tuple[dict[Path, tuple[str, bool]], list[Problem]]:
    """The new text of every edited file, each edit checked by reading the result back."""
    lang_of = {}
    for language in languages:
        lang_of[language.target_lang] = quotes_of(language.target_lang)
    by_file: dict[Path, list[Edit]] = {}
    for edit in edits:
        by_file.setdefault(edit.file, []).append(edit)
    result: dict[Path, tuple[str, bool]] = {}
    problems: list[Problem] = []
    for path, file_edits in by_file.items():
        raw = path.read_bytes()
        bom = raw.startswith(b"\xef\xbb\xbf")
        text = read_verbatim(path)
        file_edits.sort(key=lambda e: e.start)
        pieces, cursor, shift, new_starts = [], 0, 0, []
        for edit in file_edits:
            pieces.append(text[cursor:edit.start])
            pieces.append(edit.markdown)
            new_starts.append(edit.start + shift)
            shift += len(edit.markdown) - (edit.end - edit.start)
            cursor = edit.end
        pieces.append(text[cursor:])
        new_text = "".join(pieces)
        quotes = lang_of.get(path.parent.name, quotes_of("en"))
        segments = read_segments(new_text, quotes)
        starts = {}
        for block in segments.values():
            for segment in (block.segment, *block.notes):
                if segment.editable:
                    starts[segment.start] = segment
        for edit, start in zip(file_edits, new_starts):
            written = starts.get(start)
            if written is None or _fold(written.text) != _fold(edit.after):
                problems.append(error(
                    "IMPORT-WRITE-BACK", edit.unit.target_location,
                    f"the edit of unit {edit.unit.id} cannot be written into the Markdown exactly (it would read "
                    f"{(written.text if written else '(nothing)')!r}): make it by hand"))
        result[path] = (new_text, bom)
    return result, problems


def _store_comments(path: Path, comments: list[Comment]) -> int:
    existing, problems = read_comments(path)
    if problems:
        raise BookError(problems)
    known = {(c.unit, c.text) for c in existing}
    added = [c for c in comments if (c.unit, c.text) not in known]
    if added:
        write_bytes_atomically(path, comments_toml(existing + added).encode("utf-8"))
    return len(added)
