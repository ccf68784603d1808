"""`build.py check [--strict]`: every alignment and quality problem of a book, writing nothing."""

from __future__ import annotations

from ..problems import Outcome, Severity, counted
from ..review.rows import review_book


def command_check(args) -> Outcome:
    """`build.py check [--strict]`: report every problem; exit 1 on errors (or warnings with --strict)."""
    review = review_book(args.book, args.lang)
    problems = review.problems
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    warnings_ = sum(1 for p in problems if p.severity is Severity.WARNING)
    pairs = sum(1 for language in review.languages for row in language.rows() if row.pair)
    chapters = sum(len(language.chapters) for language in review.languages)
    languages = ", ".join(f"{l.source_lang}-{l.target_lang}" for l in review.languages)
    failed = errors or (args.strict and warnings_)
    line = (
        f"checked {counted(pairs, 'pair')} in {counted(chapters, 'chapter')} ({languages}): "
        f"{counted(errors, 'error')}, {counted(warnings_, 'warning')}"
    )
    return Outcome(problems=problems, lines=(line,), exit_code=1 if failed else 0)
