"""The command line: parse arguments, run a command, print problems, choose the exit code.

Exit codes: 0 success; 1 failed checks; 2 unusable input or usage; 3 an
internal error (a bug), whose traceback goes to a file, not to the screen.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

from .book import build_time_from
from .problems import BookError, Problem, Severity

EXIT_OK, EXIT_CHECKS_FAILED, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="Publish an aligned Persian–English book as PDF and EPUB.",
    )
    parser.add_argument(
        "command",
        nargs="?",
        default="all",
        choices=("all", "pdf", "epub"),
        help="what to build (default: all outputs)",
    )
    parser.add_argument("--book", type=Path, default=Path("."), help="the book folder (default: the current folder)")
    parser.add_argument("--out", type=Path, default=None, help="where outputs go (default: BOOK/build)")
    parser.add_argument("--lang", default=None, help="build only this translation language (default: all)")
    parser.add_argument("--layout", default=None, help="layout of the output (pdf: columns; epub: interleaved, columns)")
    parser.add_argument("--paper", choices=("A4", "A5", "Letter"), default=None, help="PDF paper size")
    return parser


def print_problems(problems, stream=None) -> None:
    stream = stream or sys.stderr
    for problem in problems:
        print(problem, file=stream)


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit:
        return EXIT_INPUT if exit.code else EXIT_OK
    try:
        return _run(args)
    except BookError as exc:
        print_problems(exc.problems)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("interrupted; no output was changed", file=sys.stderr)
        return 130
    except Exception:  # a bug: say so in one line, keep the details in a file
        handle, path = tempfile.mkstemp(prefix="parallelbook-crash-", suffix=".txt")
        with os.fdopen(handle, "w") as report:
            traceback.print_exc(file=report)
        print(f"internal error: this is a bug in parallelbook; the traceback is in {path}", file=sys.stderr)
        return EXIT_INTERNAL


def _run(args) -> int:
    from .pipeline import OUTPUTS, Options, build

    book_dir = args.book
    out_dir = args.out or book_dir / "build"
    build_time, problems = build_time_from(dict(os.environ), book_dir.resolve())
    if problems:
        raise BookError(problems)
    outputs = OUTPUTS if args.command == "all" else (args.command,)
    layout = args.layout
    if layout is not None:
        valid = {"pdf": ("columns",), "epub": ("interleaved", "columns")}
        for output in outputs:
            if layout not in valid[output]:
                print(f"build.py: error: --layout {layout} is not a {output} layout; choose from {', '.join(valid[output])}", file=sys.stderr)
                return EXIT_INPUT
    options = Options(
        outputs=outputs,
        language=args.lang,
        pdf_layout=layout if "pdf" in outputs else None,
        paper=args.paper,
        epub_layout=layout if "epub" in outputs else None,
    )
    started = time.monotonic()
    result = build(book_dir, out_dir, options, build_time)
    print_problems(result.problems)
    for written in result.written:
        print(f"wrote {written.path} ({written.description})")
    print(f"built in {time.monotonic() - started:.1f} s")
    return EXIT_OK
