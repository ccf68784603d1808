"""A build, start to finish: gather the book, render the asked outputs, then write.

Nothing is written until every output has rendered; each file is then moved
into place atomically, so a failed build leaves the previous outputs as they
were.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .book import Book, load_book
from .files import write_bytes_atomically
from .fonts import coverage_problems, font_set
from .problems import BookError, Location, Outcome, Problem, error
from .templating import environment
from .transform import plain_text

OUTPUTS = ("pdf", "epub")


@dataclass(frozen=True)
class Options:
    outputs: tuple[str, ...] = OUTPUTS
    language: str | None = None  # only this translation language
    pdf_layout: str | None = None
    paper: str | None = None
    binding: str | None = None
    pdf_variant: str | None = None
    epub_layout: str | None = None


@dataclass(frozen=True)
class Written:
    path: Path
    description: str


@dataclass(frozen=True)
class BuildResult:
    written: tuple[Written, ...]
    problems: tuple[Problem, ...]


def font_problems(book: Book, fonts) -> list[Problem]:
    texts: list[tuple[Location, str, bool]] = []
    for edition in book.edition(None):
        for pair in edition.pairs():
            for side in pair.sides:
                texts.append((side.block.location, plain_text(side.block, notes=True), side.lang.startswith("fa")))
    seen = set()
    unique = []
    for item in texts:
        if item[0] not in seen:
            seen.add(item[0])
            unique.append(item)
    return coverage_problems(unique, fonts)


def build(book_dir: Path, out_dir: Path, options: Options, build_time: datetime) -> BuildResult:
    from .epub import render_epub
    from .pdf import PdfSettings, render_pdf

    book = load_book(book_dir, build_time=build_time)
    config = book.config
    fonts = font_set(config.fonts)
    env = environment(book.folder)
    problems: list[Problem] = list(book.warnings) + font_problems(book, fonts)
    rendered: list[tuple[Path, bytes, str]] = []
    for edition in book.edition(options.language):
        stem = f"{edition.slug}.{edition.source_lang}-{edition.target_lang}"
        # The EPUB's page-list points at the printed pages, so the PDF is laid out for it too.
        settings = PdfSettings(
            layout=options.pdf_layout or config.pdf_layout,
            paper=options.paper or config.paper,
            binding=options.binding or config.binding or edition.directions[0],
            variant=options.pdf_variant,
        )
        pdf = render_pdf(edition, fonts, env, settings)
        if "pdf" in options.outputs:
            problems += pdf.problems
            rendered.append((out_dir / f"{stem}.pdf", pdf.data, f"PDF, {settings.layout} layout, {pdf.pages} pages"))
        if "epub" in options.outputs:
            layout = options.epub_layout or config.epub_layout
            data, found = render_epub(edition, fonts, env, layout=layout, first=config.epub_first)
            problems += found
            rendered.append((out_dir / f"{stem}.epub", data, f"EPUB 3, {layout} layout"))
    written = []
    for path, data, description in rendered:
        write_bytes_atomically(path, data)
        written.append(Written(path, description))
    return BuildResult(tuple(written), tuple(problems))


LAYOUTS = {"pdf": ("columns", "facing", "stacked"), "epub": ("interleaved", "columns")}


def command_build(args) -> Outcome:
    """`build.py [all|pdf|epub]`: build the outputs into --out (default BOOK/build)."""
    import os
    import time

    from .book import build_time_from

    book_dir = args.book
    outputs = OUTPUTS if args.command == "all" else (args.command,)
    if args.layout is not None:
        for output in outputs:
            if args.layout not in LAYOUTS[output]:
                raise BookError(
                    [error("USAGE", Location("--layout"), f"{args.layout} is not a {output} layout; choose from {', '.join(LAYOUTS[output])}")]
                )
    build_time, problems = build_time_from(dict(os.environ), book_dir.resolve())
    if problems:
        raise BookError(problems)
    options = Options(
        outputs=outputs,
        language=args.lang,
        pdf_layout=args.layout if "pdf" in outputs else None,
        paper=args.paper,
        binding=args.binding,
        pdf_variant=args.pdf_variant,
        epub_layout=args.layout if "epub" in outputs else None,
    )
    started = time.monotonic()
    result = build(book_dir, args.out or book_dir / "build", options, build_time)
    lines = [f"wrote {written.path} ({written.description})" for written in result.written]
    lines.append(f"built in {time.monotonic() - started:.1f} s")
    return Outcome(problems=result.problems, lines=tuple(lines))
