"""`build.py approve`: record the current pairs of each translation as approved (writes only the lock)."""

from __future__ import annotations

from pathlib import Path

from ..files import shown_path, write_bytes_atomically
from ..problems import BookError, Outcome
from ..review.approval import Approved, lock_path, lock_text
from ..review.rows import review_book


def command_approve(args) -> Outcome:
    """`build.py approve`: record every pair of each translation as approved (writes only the lock)."""
    review = review_book(args.book, args.lang)
    blocking = review.blocking()
    if blocking:
        raise BookError(blocking)
    written: list[tuple[Path, bytes]] = []
    lines: list[str] = []
    for language in review.languages:
        entries = [
            Approved(chapter.name, row.source_fingerprint, row.target_fingerprint, row.source_text)
            for chapter in language.chapters
            for row in chapter.rows
            if row.source_fingerprint and row.target_fingerprint
        ]
        changed = sum(1 for chapter in language.chapters for row in chapter.rows if row.status != "ok")
        path = lock_path(review.folder, language.target_lang)
        written.append((path, lock_text(language.source_lang, language.target_lang, entries).encode("utf-8")))
        open_flags = sum(1 for chapter in language.chapters for row in chapter.rows if row.flags)
        lines.append(
            f"approved {len(entries)} pairs ({changed} changed since the last approval) in {shown_path(path)}"
            + (f"; {open_flags} pairs still have open flags (see `check`)" if open_flags else "")
        )
    for path, data in written:
        write_bytes_atomically(path, data)
    return Outcome(lines=tuple(lines))
