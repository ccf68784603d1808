"""`build.py review`: write the review edition of every translation (HTML and PDF)."""

from __future__ import annotations

from pathlib import Path

from ..files import shown_path, write_bytes_atomically
from ..outputs.review_edition import review_html, review_pdf, review_view
from ..problems import Location, Outcome, Problem, Severity, warning
from ..render.fonts import font_set
from ..render.templating import environment
from ..review.rows import review_book


def command_review(args) -> Outcome:
    """`build.py review`: write the review edition of every translation (HTML and PDF) into --out."""
    review = review_book(args.book, args.lang)
    config = review.config
    fonts = font_set(config.fonts)
    env = environment(review.folder)
    out = args.out or review.folder / "build"
    rendered: list[tuple[Path, bytes, str]] = []
    problems: list[Problem] = []
    for language in review.languages:
        view = review_view(review, language)
        stem = f"review.{language.source_lang}-{language.target_lang}"
        summary = f"{view.total} pairs, {view.attention} need attention"
        html = review_html(view, env, fonts)
        rendered.append((out / f"{stem}.html", html.encode("utf-8"), f"review edition, {summary}"))
        data, messages = review_pdf(review_html(view, env, fonts, for_pdf=True), review.folder, fonts)
        problems += [warning("PDF-RENDER", Location(shown_path(out / f"{stem}.pdf")), f"WeasyPrint: {m}") for m in messages]
        rendered.append((out / f"{stem}.pdf", data, f"review edition PDF, {summary}"))
    for path, data, _ in rendered:
        write_bytes_atomically(path, data)
    lines = [f"wrote {shown_path(path)} ({description})" for path, _, description in rendered]
    errors = sum(1 for p in review.problems if p.severity is Severity.ERROR)
    if errors:
        lines.append(f"the book has {errors} error{'s' if errors != 1 else ''}: see `python build.py check`")
    return Outcome(problems=tuple(problems), lines=tuple(lines))
