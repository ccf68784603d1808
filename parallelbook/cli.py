"""The command line: parse arguments, run a command, print what it reports.

Every command is a function `(args) -> Outcome` in the module that does the
work; only this module prints.  Exit codes: 0 success; 1 failed checks;
2 unusable input or usage; 3 an internal error (a bug), whose traceback goes
to a file, not to the screen.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import traceback
from pathlib import Path

from .problems import BookError, Outcome

EXIT_OK, EXIT_CHECKS_FAILED, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3

# command -> (module:function, one-line help)
COMMANDS = {
    "all": ("parallelbook.pipeline:command_build", "build every output of the book (the default)"),
    "pdf": ("parallelbook.pipeline:command_build", "build the PDF"),
    "epub": ("parallelbook.pipeline:command_build", "build the EPUB"),
    "watch": ("parallelbook.commands.watch:command_watch", "rebuild whatever changes, whenever a file of the book changes"),
    "check": ("parallelbook.commands.check:command_check", "validate alignment and translation quality; write nothing"),
    "approve": ("parallelbook.commands.approve:command_approve", "record the current pairs as approved (lock file per language)"),
    "review": ("parallelbook.commands.review:command_review", "write the review edition (HTML and PDF)"),
    "export": ("parallelbook.commands.export:command_export", "export the aligned pairs as TMX, XLIFF or a Word review table"),
    "import": ("parallelbook.commands.import_:command_import", "import documents as chapters, or XLIFF and review tables back into the translation"),
    "lint": ("parallelbook.commands.lint:command_lint", "report Persian orthography problems in the source"),
    "fix": ("parallelbook.commands.lint:command_fix", "show (or --write) the orthography corrections"),
    "init": ("parallelbook.commands.init:command_init", "make a new book folder with an example chapter, ready to build"),
}


def _program_name() -> str:
    """How the user called us: build.py, `python -m parallelbook` or the installed `parallelbook`."""
    invoked = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    if invoked == "__main__.py":
        return "python -m parallelbook"
    return invoked if invoked in ("build.py", "parallelbook") else "build.py"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=_program_name(),
        description="Publish an aligned Persian–English book as PDF, EPUB and review outputs.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_target, help_text) in COMMANDS.items():
        sub = commands.add_parser(name, help=help_text, description=help_text)
        if name == "init":  # makes a book rather than reading one
            sub.add_argument("dir", type=Path, metavar="DIR", help="the new book's folder: made if missing, refused unless empty")
            sub.set_defaults(program=parser.prog)  # for the next steps it prints
            continue
        sub.add_argument("--book", type=Path, default=Path("."), help="the book folder (default: the current folder)")
        if name not in ("lint", "fix"):  # these read the Persian files, whatever the translation
            sub.add_argument("--lang", default=None, help="only this translation language (default: every one)")
        if name in ("all", "pdf", "epub", "watch", "review", "export"):
            sub.add_argument("--out", type=Path, default=None, help="output folder (default: BOOK/build)")
        if name in ("all", "pdf", "epub", "watch"):
            sub.add_argument("--layout", default=None, help="pdf: columns, facing or stacked; epub: interleaved or columns")
            sub.add_argument(
                "--paper", default=None, metavar="SIZE",
                help="PDF trim size: A4, A5, B5, Letter, Legal, half-letter or WIDTHxHEIGHT with a unit (6x9in, 148x210mm)",
            )
            sub.add_argument(
                "--binding", choices=("rtl", "ltr"), default=None,
                help="which way the printed book opens (default: the source's direction; rtl puts Persian on right-hand pages)",
            )
            sub.add_argument(
                "--pdf-variant", choices=("pdf/ua-1", "pdf/x-1a", "pdf/x-3", "pdf/x-4"), default=None,
                help="pdf/ua-1: a tagged, accessible PDF; pdf/x-*: for a printer (needs [pdf] output_profile)",
            )
            # print production
            sub.add_argument("--bleed", default=None, metavar="LENGTH", help="bleed on the top, bottom and outside edges (3mm, 0.125in)")
            sub.add_argument("--bleed-edges", choices=("outer", "all"), default=None, help="outer (default): top, bottom and outside; all: the spine too")
            sub.add_argument("--marks", choices=("crop", "none"), default=None, help="crop marks for a print shop (default: none)")
            sub.add_argument("--impose", choices=("booklet", "none"), default=None, help="booklet: also NAME.booklet.pdf, two pages a side, to fold and staple")
            sub.add_argument("--sheet", default=None, metavar="SIZE", help="the booklet's sheet (default: twice the page, A5 on A4)")
            sub.add_argument("--jobs", type=int, default=None, help="worker processes laying out chapters (default: the number of cores)")
            sub.add_argument("--no-cache", action="store_true", help="lay out everything again, ignoring the cache")
            sub.add_argument(
                "--cache-dir", default=None, metavar="DIR",  # a string: an empty one means none, not "."
                help="keep the cache in DIR, which several builds may share (default: $PARALLELBOOK_CACHE_DIR, else OUT/.cache)",
            )
        if name == "watch":
            sub.add_argument("--serve", action="store_true", help="also serve a live preview of the chapters on http://127.0.0.1:PORT/")
            sub.add_argument("--port", type=int, default=8000, help="the preview's port (default: 8000; 0: any free port)")
        if name in ("all", "epub", "watch"):
            sub.add_argument(
                "--page-list", choices=("auto", "print", "none"), default=None,
                help="the EPUB's page-list of printed pages: auto (when the print layout is laid out or cached), "
                "print (lay it out if need be), none (default: book.toml's [epub] page_list, else auto)",
            )
        if name in ("all", "epub"):
            sub.add_argument("--kindle", action="store_true", help="also an AZW3 for Kindle (needs calibre's ebook-convert)")
            sub.add_argument("--kobo", action="store_true", help="also a kepub for Kobo (needs calibre and its KePub plugin)")
        if name == "check":
            sub.add_argument("--strict", action="store_true", help="fail on warnings too")
        if name == "export":
            sub.add_argument("--format", choices=("tmx", "xliff", "xliff12", "docx"), default="tmx", help="exchange format (xliff: 2.0; xliff12: 1.2 for older CAT tools; docx: a review table for Word)")
        if name == "import":
            sub.add_argument("files", nargs="+", type=Path, metavar="FILE", help=".docx/.odt/.html/.md/.txt documents, or .xlf/.xliff and review .docx files")
            sub.add_argument("--source", action="store_true", help="the documents are the source text (Persian)")
            sub.add_argument("--force", action="store_true", help="replace chapters that exist (atomically)")
        if name == "fix":
            sub.add_argument("--write", action="store_true", help="apply the corrections to the source files")
    return parser


def print_outcome(outcome: Outcome) -> None:
    for problem in outcome.problems:
        print(problem, file=sys.stderr)
    for line in outcome.lines:
        print(line)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv.insert(0, "all")
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit:
        return EXIT_INPUT if exit.code else EXIT_OK
    module_name, function_name = COMMANDS[args.command][0].split(":")
    try:
        command = getattr(importlib.import_module(module_name), function_name)
        outcome = command(args)
    except BookError as exc:
        outcome = Outcome(problems=exc.problems, exit_code=EXIT_INPUT)
    except KeyboardInterrupt:
        print("interrupted; no output was changed", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: say so in one line, keep the details in a file
        return report_internal_error(exc, argv)
    print_outcome(outcome)
    return outcome.exit_code


def report_internal_error(exc: BaseException, argv: list[str]) -> int:
    """One line on stderr naming the error and the file that holds the whole traceback."""
    summary = f"{type(exc).__name__}: {exc}".splitlines()[0] if str(exc) else type(exc).__name__
    if len(summary) > 200:
        summary = summary[:199] + "…"
    details = "".join(traceback.format_exception(exc))
    try:
        from . import __version__

        handle, path = tempfile.mkstemp(prefix="parallelbook-crash-", suffix=".txt")
        with os.fdopen(handle, "w", encoding="utf-8") as report:
            report.write(f"parallelbook {__version__}, Python {sys.version.split()[0]}\nargv: {argv!r}\n\n{details}")
    except OSError as write_error:  # nowhere to keep it: then, and only then, it goes to the screen
        print(f"internal error ({summary}): this is a bug in parallelbook; the traceback could not be written "
              f"to a file ({write_error.strerror or write_error}), so here it is:\n{details}", file=sys.stderr, end="")
        return EXIT_INTERNAL
    print(f"internal error ({summary}): this is a bug in parallelbook; the traceback is in {path}", file=sys.stderr)
    return EXIT_INTERNAL
