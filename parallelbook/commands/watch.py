"""`build.py watch [--serve [--port N]]`: rebuild whenever a file of the book changes, and say what it did.

Without --serve: polling, not inotify: it works the same on every system and
on network folders, and a fingerprint of a book costs milliseconds.  Each
rebuild is an ordinary incremental build, so only what changed is parsed and
laid out again.

With --serve, as MkDocs' `serve`: a live preview on http://127.0.0.1:N/
(commands/preview.py).  watchfiles tells of a save at once; the book is
gathered again and checked, every open page reloads itself, and the PDF and
EPUB are rebuilt behind it, in a thread of their own, the latest save first.
A save that breaks the book shows its located errors on the page; the server
goes on and the next save that mends it shows the chapters again.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path

from ..pipeline import build, inputs_fingerprint, options_from, progress_reporter
from ..problems import BookError, Outcome
from ..read.book import build_time_from


def command_watch(args, *, interval: float = 0.5, rounds: int | None = None) -> Outcome:
    """Build now, then again after every change; stop on Ctrl-C (or after `rounds` checks, for tests)."""
    if getattr(args, "serve", False):
        return _serve(args)
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
                    _report(result, started)
            time.sleep(interval)
    except KeyboardInterrupt:
        pass
    return Outcome()


def _report(result, started: float) -> None:
    for problem in result.problems:
        print(problem, file=sys.stderr, flush=True)
    done = "nothing to rebuild" if result.up_to_date else result.statistics.summary()
    print(f"rebuilt in {time.monotonic() - started:.1f} s: {done}", flush=True)
    for written in result.written:
        print(f"  {written.path} ({written.description})", flush=True)


def _serve(args) -> Outcome:
    from ..problems import Location, error
    from .preview import Preview, serve

    book_dir, out_dir = args.book, args.out or args.book / "build"
    options = options_from(args)
    preview = Preview(book_dir, out_dir)
    try:
        server = serve(preview, args.port)
    except OSError as exc:
        raise BookError([error("PREVIEW-PORT", Location("--port"), f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}")])
    print(f"serving a live preview of {book_dir.resolve()} on http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C to stop)", flush=True)
    builder = _Builder(book_dir, out_dir, options, preview)
    seen = None
    signal.signal(signal.SIGTERM, _interrupt)  # stopped by a service manager: as by Ctrl-C, workers and all
    try:
        for _changes in _saves(book_dir, out_dir):
            build_time, problems = build_time_from(dict(os.environ), book_dir.resolve())
            current = inputs_fingerprint(book_dir, out_dir, options, build_time)
            if current == seen:
                continue
            seen = current
            preview.update(_gather(book_dir, out_dir, options, build_time, problems, preview.snapshot.builds))
            builder.request(build_time)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        builder.stop()
    return Outcome()


def _interrupt(_signal, _frame):
    raise KeyboardInterrupt


def _saves(book_dir: Path, out_dir: Path):
    """Once now, then once per batch of changes to the book's files (the outputs and hidden files left out)."""
    import watchfiles

    yield set()
    out = out_dir.resolve()
    default = watchfiles.DefaultFilter()

    book = book_dir.resolve()

    def relevant(change, path: str) -> bool:
        resolved = Path(path).resolve()
        if not default(change, path) or resolved.is_relative_to(out) or not resolved.is_relative_to(book):
            return False
        return not any(part.startswith(".") for part in resolved.relative_to(book).parts)

    # A batch ends 50 ms after its last change: an editor's save is one batch, not several.
    yield from watchfiles.watch(book_dir, watch_filter=relevant, step=50, debounce=800)


def _gather(book_dir: Path, out_dir: Path, options, build_time, problems, builds):
    """What the preview shows after a save: the book and check's flags, or what stops it being read."""
    from ..cache import Cache
    from ..pipeline import CachedPandoc, RememberedFiles, Statistics
    from ..read.book import load_book
    from ..render.fonts import font_set
    from ..render.preview import located_flags
    from ..review.rows import review_book
    from .preview import Snapshot

    if problems:
        return Snapshot(problems=tuple(problems), builds=builds)
    cache = Cache(out_dir / ".cache" if options.cache else None)
    statistics = Statistics()
    parse = CachedPandoc(cache, statistics)
    memo = RememberedFiles(cache, statistics) if options.cache else None
    try:
        parse.prefetch(book_dir, options.jobs)
        try:
            book = load_book(book_dir, build_time=build_time, parse=parse, memo=memo)
        finally:
            parse.close()
        review = review_book(book_dir, options.language, parse=parse, memo=memo)
        fonts = font_set(book.config.fonts)
    except BookError as exc:
        return Snapshot(problems=tuple(exc.problems), builds=builds)
    return Snapshot(book=book, fonts=fonts, flags=located_flags(review), builds=builds)


class _Builder:
    """Builds the outputs in a thread of its own, whenever asked; asked again while busy, it builds once more after."""

    def __init__(self, book_dir: Path, out_dir: Path, options, preview):
        self.book_dir, self.out_dir, self.options, self.preview = book_dir, out_dir, options, preview
        self._wanted = threading.Condition()
        self._build_time = None
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="builder", daemon=True)
        self._thread.start()

    def request(self, build_time) -> None:
        with self._wanted:
            self._build_time = build_time
            self._wanted.notify()

    def stop(self) -> None:
        with self._wanted:
            self._stopped = True
            self._wanted.notify()

    def _run(self) -> None:
        from dataclasses import replace

        while True:
            with self._wanted:
                self._wanted.wait_for(lambda: self._stopped or self._build_time is not None)
                if self._stopped:
                    return
                build_time, self._build_time = self._build_time, None
            started = time.monotonic()
            try:
                result = build(self.book_dir, self.out_dir, self.options, build_time)
            except BookError as exc:
                for problem in exc.problems:
                    print(problem, file=sys.stderr, flush=True)
                print("build failed; the previous outputs are kept. Waiting for the next change.", flush=True)
                if tuple(exc.problems) != self.preview.snapshot.problems:  # what the pages show already: no reload
                    self.preview.update(replace(self.preview.snapshot, problems=tuple(exc.problems)))
            except Exception as exc:  # a bug: said, and the preview goes on
                print(f"internal error while building ({type(exc).__name__}: {exc}); waiting for the next change", file=sys.stderr, flush=True)
            else:
                _report(result, started)
                builds = tuple(
                    {"href": "/build/" + written.path.relative_to(self.out_dir).as_posix(), "text": written.path.name}
                    for written in result.written
                    if written.path.resolve().is_relative_to(self.out_dir.resolve())
                )
                self.preview.snapshot = replace(self.preview.snapshot, builds=builds)
