"""`build.py export --format tmx|xliff|docx`: the aligned pairs of every translation, for CAT tools and reviewers."""

from __future__ import annotations

from pathlib import Path

from ..files import SOURCE_DIR, TRANSLATIONS_DIR, shown_path, write_bytes_atomically
from ..outputs.exchange import SUFFIX, ChapterSegments, quotes_of, segment_units, tmx, units, xliff, xliff12
from ..outputs.review_docx import EmbeddedFace, review_docx
from ..problems import BookError, Outcome
from ..read.alignment import LANGUAGE_NAMES
from ..read.segments import read_file_segments
from ..render.fonts import font_set
from ..review.comments import COMMENTS_NAME, read_comments
from ..review.rows import BookReview, LanguageReview, review_book
from ..text.orthography import normalize


def command_export(args) -> Outcome:
    """`build.py export --format tmx|xliff|xliff12|docx`: the aligned pairs of every translation into --out."""
    review = review_book(args.book, args.lang)
    blocking = review.blocking()
    if blocking:
        raise BookError(blocking)
    out = args.out or review.folder / "build"
    written = []
    for language in review.languages:
        path = out / f"pairs.{language.source_lang}-{language.target_lang}.{SUFFIX[args.format]}"
        if args.format == "tmx":
            book_units = units(language)
            data = tmx(language, book_units)
        else:
            book_units = current_units(review, language)
            if args.format == "xliff":
                data = xliff(language, book_units)
            elif args.format == "xliff12":
                data = xliff12(language, book_units)
            else:
                data = review_docx(language, book_units, title=review_title(review, language),
                                   persian=_persian_face(review), comments=_comments(review, language))
        written.append((path, data, len(book_units)))
    lines = []
    for path, data, count in written:
        write_bytes_atomically(path, data)
        lines.append(f"wrote {shown_path(path)} ({args.format.upper()}, {count} units)")
    return Outcome(lines=tuple(lines))


def current_units(review: BookReview, language: LanguageReview):
    """The units of a translation with their segments, as export writes them and import compares them."""
    chapters = {}
    for chapter in language.chapters:
        if chapter.target_path is None:
            continue
        source_file = review.folder / SOURCE_DIR / chapter.name
        target_file = review.folder / TRANSLATIONS_DIR / language.target_lang / chapter.name
        source_text, sources = read_file_segments(source_file, quotes_of(language.source_lang))
        target_text, targets = read_file_segments(target_file, quotes_of(language.target_lang))
        chapters[chapter.name] = ChapterSegments(source_text, sources, target_text, targets, target_file)
    return segment_units(language, chapters, _normaliser(review, language.source_lang))


def _normaliser(review: BookReview, lang: str):
    if lang.split("-")[0] != "fa":
        return lambda text: text
    return lambda text: normalize(text, zwnj=review.config.zwnj_fixes)


def review_title(review: BookReview, language: LanguageReview) -> str:
    titles = review.config.titles
    name = titles.get(language.target_lang) or titles.get(language.source_lang) or Path(review.folder).name
    return f"Review of {name}: {LANGUAGE_NAMES.get(language.source_lang, language.source_lang)} and " \
           f"{LANGUAGE_NAMES.get(language.target_lang, language.target_lang)}"


def _persian_face(review: BookReview) -> EmbeddedFace:
    """The book's Persian face (its own, or the bundled Vazirmatn), to embed in the review table."""
    fonts = font_set(review.config.fonts)
    regular, bold = fonts.face("persian"), fonts.face("persian_bold")
    return EmbeddedFace(regular.family, regular.path.read_bytes(), bold.path.read_bytes())


def _comments(review: BookReview, language: LanguageReview) -> dict[str, list[str]]:
    """The comments imported so far, by unit (a malformed file is reported by `check`, not here)."""
    found, _problems = read_comments(review.folder / TRANSLATIONS_DIR / language.target_lang / COMMENTS_NAME)
    by_unit: dict[str, list[str]] = {}
    for comment in found:
        by_unit.setdefault(comment.unit, []).append(comment.text)
    return by_unit
