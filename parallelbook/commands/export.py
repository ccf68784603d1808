"""`build.py export --format tmx|xliff`: the aligned pairs of every translation, for CAT tools."""

from __future__ import annotations

from ..files import shown_path, write_bytes_atomically
from ..outputs.exchange import SUFFIX, tmx, units, xliff
from ..problems import BookError, Outcome
from ..review.rows import review_book


def command_export(args) -> Outcome:
    """`build.py export --format tmx|xliff`: the aligned pairs of every translation into --out."""
    review = review_book(args.book, args.lang)
    blocking = review.blocking()
    if blocking:
        raise BookError(blocking)
    out = args.out or review.folder / "build"
    written = []
    for language in review.languages:
        book_units = units(language)
        data = tmx(language, book_units) if args.format == "tmx" else xliff(language, book_units)
        path = out / f"pairs.{language.source_lang}-{language.target_lang}.{SUFFIX[args.format]}"
        written.append((path, data, len(book_units)))
    lines = []
    for path, data, count in written:
        write_bytes_atomically(path, data)
        lines.append(f"wrote {shown_path(path)} ({args.format.upper()}, {count} units)")
    return Outcome(lines=tuple(lines))
