"""`build.py watch`: rebuild whenever a file of the book changes, and say what it did.

Polling, not inotify: it works the same on every system and on network
folders, and a fingerprint of a book costs milliseconds.  Each rebuild is an
ordinary incremental build, so only what changed is parsed and laid out again.
"""

from __future__ import annotations

import os
import sys
import time

from ..pipeline import build, inputs_fingerprint, options_from, progress_reporter
from ..problems import BookError, Outcome
from ..read.book import build_time_from


def command_watch(args, *, interval: float = 0.5, rounds: int | None = None) -> Outcome:
    """Build now, then again after every change; stop on Ctrl-C (or after `rounds` checks, for tests)."""
    book_dir, out_dir = args.book, args.out or args.book / "build"
    options = options_from(args)
    seen = None
    checks = 0
    print(f"watching {book_dir.resolve()} (Ctrl-C to stop)", flush=True)
    try:
        while rounds is None or checks < rounds:
            checks += 1
            build_time, problems = build_time_from(dict(os.environ), book_dir.resolve())
            current = inputs_fingerprint(book_dir, out_dir, options, build_time)
            if current != seen:
                seen = current
                started = time.monotonic()
                try:
                    result = build(book_dir, out_dir, options, build_time, progress=progress_reporter())
                except BookError as exc:
                    for problem in exc.problems:
                        print(problem, file=sys.stderr, flush=True)
                    print("build failed; the previous outputs are kept. Waiting for the next change.", flush=True)
                else:
                    for problem in result.problems:
                        print(problem, file=sys.stderr, flush=True)
                    done = "nothing to rebuild" if result.up_to_date else result.statistics.summary()
                    print(f"rebuilt in {time.monotonic() - started:.1f} s: {done}", flush=True)
                    for written in result.written:
                        print(f"  {written.path} ({written.description})", flush=True)
            time.sleep(interval)
    except KeyboardInterrupt:
        pass
    return Outcome()
