"""A build, start to finish: gather the book, render the asked outputs, then write.

Nothing is written until every output has rendered; each file is then moved
into place atomically, so a failed build leaves the previous outputs as they
were.  Work already done is found in the cache (OUT/.cache, or the folder
--cache-dir names, which several builds may share): pandoc's reading of a
file that has not changed, a chapter laid out before; and OUT/.cache/manifest.json
knows when nothing at all has changed since the last build into OUT.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from . import __version__
from .cache import Cache, digest
from .files import clean_stale_parts, shown_path, write_bytes_atomically
from .problems import BookError, Location, Outcome, Problem, Severity, error, warning
from .read.book import Book, build_time_from, load_book, prepare_files
from .read.paper import parse_length, parse_trim
from .render.fonts import coverage_problems, font_set
from .render.templating import TOOL_TEMPLATES, environment
from .text.blocks import code_text, plain_text

OUTPUTS = ("pdf", "epub")
LAYOUTS = {"pdf": ("columns", "facing", "stacked"), "epub": ("interleaved", "columns")}
PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Options:
    outputs: tuple[str, ...] = OUTPUTS
    language: str | None = None  # only this translation language
    pdf_layout: str | None = None
    paper: str | None = None
    binding: str | None = None
    pdf_variant: str | None = None
    bleed: str | None = None  # print production: as written; checked when the options are read
    bleed_edges: str | None = None
    marks: str | None = None
    impose: str | None = None
    sheet: str | None = None
    epub_layout: str | None = None
    page_list: str | None = None  # the EPUB's page-list: "auto", "print" or "none"; None: the book's setting
    jobs: int = 1  # worker processes laying out chapters
    cache: bool = True  # reuse and keep work in the cache
    cache_dir: Path | None = None  # where the cache is; None: OUT/.cache
    kindle: bool = False  # also an AZW3, with calibre
    kobo: bool = False  # also a kepub, with calibre


@dataclass(frozen=True)
class Written:
    path: Path
    description: str


@dataclass
class Statistics:
    """What a build did, for the user and for the benchmark."""

    pandoc_runs: int = 0
    files_read_from_cache: int = 0
    pieces_laid_out: int = 0
    pieces_reused: int = 0
    stages: list[tuple[str, float]] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"pandoc runs: {self.pandoc_runs} (files reused: {self.files_read_from_cache}); "
            f"PDF pieces laid out: {self.pieces_laid_out} (reused: {self.pieces_reused})"
        )


@dataclass(frozen=True)
class BuildResult:
    written: tuple[Written, ...]
    problems: tuple[Problem, ...]
    statistics: Statistics
    up_to_date: bool = False


def font_problems(book: Book, fonts) -> list[Problem]:
    seen: set[Location] = set()
    texts: list[tuple[Location, str, str]] = []
    for edition in book.edition(None):
        for pair in edition.pairs():
            for side in pair.sides:
                if side.block.location not in seen:
                    seen.add(side.block.location)
                    texts.append((side.block.location, plain_text(side.block, notes=True, code=False), "text"))
                    texts.append((side.block.location, code_text(side.block.content), "code"))
    return coverage_problems(texts, fonts)


class CachedPandoc:
    """pandoc's reading of a file, from the cache when the same text was read before.

    `prefetch` starts pandoc on every file of a book that the cache lacks, all
    in one batch per worker (see markdown.read_with_pandoc); each file's JSON
    is then converted when the book's reader asks for it, while pandoc goes on
    reading the files after it.
    """

    def __init__(self, cache: Cache, statistics: Statistics):
        self.cache = cache
        self.statistics = statistics
        self.read: dict[str, dict] = {}
        self._pending = None  # the batch under way: an iterator of (text, raw JSON or None)

    def key(self, text: str) -> str:
        from .read.markdown import PANDOC_FORMAT

        return digest("pandoc", _pandoc_version(), PANDOC_FORMAT, text)

    def _from_cache(self, text: str) -> dict | None:
        from .read.markdown import decode_pandoc_json

        cached = self.cache.get("pandoc", self.key(text))
        if cached is None:
            return None
        try:
            return decode_pandoc_json(cached[0].decode("utf-8"))
        except ValueError:
            return None

    def _keep(self, text: str, raw: str) -> dict:
        from .read.markdown import decode_pandoc_json, without_leaf_positions

        raw = without_leaf_positions(raw)
        self.cache.put("pandoc", self.key(text), raw.encode("utf-8"), {})
        return decode_pandoc_json(raw)

    def _run(self, text: str) -> dict:
        import pypandoc

        from .read.markdown import PANDOC_FORMAT

        return self._keep(text, pypandoc.convert_text(text, "json", format=PANDOC_FORMAT))

    def prefetch(self, book_dir: Path, jobs: int, known: frozenset[str] = frozenset()) -> None:
        from .files import read_book_folder
        from .read.markdown import read_with_pandoc

        try:
            _config, chapters, _problems = read_book_folder(book_dir.resolve())
        except BookError:
            return  # load_book reports it
        texts = list(dict.fromkeys(f.text for chapter in chapters for f in (chapter.source, *chapter.translations.values()) if f.text.strip()))
        missing = [text for text in texts if text not in self.read and text not in known and not self.cache.has("pandoc", self.key(text))]
        if missing:
            self._pending = read_with_pandoc(missing, jobs)
            self.statistics.pandoc_runs += len(missing)

    def __call__(self, text: str) -> dict:
        while text not in self.read and self._pending is not None:
            try:
                done, raw = next(self._pending)
            except StopIteration:
                self._pending = None
                break
            self.read[done] = self._keep(done, raw) if raw is not None else self._run(done)
        if text in self.read:
            return self.read[text]
        document = self._from_cache(text)
        if document is not None:
            self.statistics.files_read_from_cache += 1
        else:
            self.statistics.pandoc_runs += 1
            document = self._run(text)
        self.read[text] = document
        return document

    def close(self) -> None:
        """Wait for a batch that was started but not read to the end (a build that failed early)."""
        if self._pending is not None:
            self._pending.close()
            self._pending = None


class RememberedFiles:
    """What each file of the book became (its blocks; its normalised blocks), kept in the cache.

    The memo of read.book.load_book: after a one-file edit only that file is
    converted and normalised again.  Entries are pickles named by the file's
    text, path, language and settings and by the reading code itself, so a new
    version of that code never meets an old entry.  (They are unpickled, as
    Sphinx does its environment: the cache is the book's own build folder.)
    """

    def __init__(self, cache: Cache, statistics: Statistics):
        self.cache = cache
        self.statistics = statistics
        self.made: dict[str, object] = {}  # made in this build (by read.book.prepare_files's workers, say)

    @staticmethod
    def _key(kind: str, inputs: tuple) -> str:
        return digest("model", kind, _reader_code(), repr(inputs))

    def has(self, kind: str, inputs: tuple) -> bool:
        key = self._key(kind, inputs)
        return key in self.made or self.cache.has("model", key)

    def keep(self, kind: str, inputs: tuple, value) -> None:
        import pickle

        key = self._key(kind, inputs)
        self.made[key] = value
        self.cache.put("model", key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), {})

    def __call__(self, kind: str, inputs: tuple, make):
        import pickle

        key = self._key(kind, inputs)
        if key in self.made:
            return self.made[key]
        found = self.cache.get("model", key)
        if found is not None:
            try:
                value = pickle.loads(found[0])
                self.statistics.files_read_from_cache += kind == "blocks"
                return value
            except Exception:  # an entry this code cannot read back (it was checked to be intact): made again
                pass
        value = make()
        self.cache.put("model", key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), {})
        return value


@lru_cache(maxsize=1)
def _reader_code() -> str:
    """A hash of what turns a file into blocks: pandoc, the model, the reader and the text rules."""
    files = [PACKAGE / "model.py", PACKAGE / "problems.py"]
    for folder in ("read", "text"):
        files += sorted(path for path in (PACKAGE / folder).rglob("*") if path.is_file() and "__pycache__" not in path.parts)
    return digest(__version__, _pandoc_version(), *(path.read_bytes() for path in files))


@lru_cache(maxsize=1)
def _pandoc_version() -> str:
    import pypandoc

    return pypandoc.get_pandoc_version()


# ---------------------------------------------------------------- knowing that nothing changed

# The Python distributions that make the outputs' bytes, besides this package; what they require is followed.
RUNTIME_DISTRIBUTIONS = ("weasyprint", "pypdf", "fonttools", "pillow", "jinja2", "pypandoc-binary", "font-source-serif-pro")


@lru_cache(maxsize=None)
def tool_fingerprint(package: Path = PACKAGE, version: str = __version__) -> str:
    """The tool itself: its version, every file of the package (code, templates, fonts, word lists)
    and the version of every library it builds with.

    Every cache entry depends on it (the cache's salt), so an entry made by other code -- another
    release, a checkout with one line changed, another WeasyPrint or fontTools -- is never found:
    a cache shared between output folders, machines or CI runs serves only what this very tool
    would make.  (Pango and HarfBuzz, which are not Python packages, are in the PDF pieces' keys.)
    """
    parts = [version]
    for path in _files_under(package, set()):
        parts += [path.relative_to(package).as_posix(), hashlib.sha256(path.read_bytes()).hexdigest()]
    return digest(*parts, *_distribution_versions(RUNTIME_DISTRIBUTIONS))


def _distribution_versions(roots: tuple[str, ...]) -> list[str]:
    """`name==version` of each distribution named and of everything it requires (extras aside).

    Read from the metadata folders directly: importlib.metadata searches every path for every name,
    a tenth of a second that even a build which finds nothing changed would pay.  sys.path[0], the
    script's or the working folder, is not where packages are installed.
    """
    installed: dict[str, tuple[Path, str]] = {}  # normalised name -> (metadata folder, version)
    for folder in sys.path[1:]:
        try:
            names = os.listdir(folder)
        except OSError:  # a zip file, or a folder that does not exist
            continue
        for name in names:
            if name.endswith(".dist-info"):  # NAME-VERSION.dist-info, NAME with its hyphens made underscores
                distribution, _, found = name.removesuffix(".dist-info").partition("-")
                installed.setdefault(_normalised(distribution), (Path(folder) / name, found))  # the first wins, as for imports
    versions: dict[str, str] = {}
    pending = list(roots)
    while pending:
        name = _normalised(pending.pop())
        if name in versions:
            continue
        if name not in installed:
            versions[name] = "absent"
            continue
        folder, versions[name] = installed[name]
        try:
            metadata = (folder / "METADATA").read_text("utf-8", errors="replace")
        except OSError:
            continue
        for requirement in re.findall(r"^Requires-Dist:\s*([A-Za-z0-9._-]+)(.*)$", metadata, re.MULTILINE):
            if not re.search(r"\bextra\s*==", requirement[1]):
                pending.append(requirement[0])
    return sorted(f"{name}=={version}" for name, version in versions.items())


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _files_under(folder: Path, skip: set[Path]):
    """Every file a book is made of (hidden folders, virtual environments and outputs left out)."""
    if not folder.exists():
        return
    if folder.is_file():
        yield folder
        return
    try:
        entries = sorted(folder.iterdir())
    except OSError:  # an unreadable folder: load_book reports what it cannot read
        return
    for path in entries:
        if path.name.startswith(".") or path.name == "__pycache__" or path.resolve() in skip:
            continue
        if path.is_dir():
            if (path / "pyvenv.cfg").exists():
                continue
            yield from _files_under(path, skip)
        elif path.is_file():
            yield path


def inputs_fingerprint(book_dir: Path, out_dir: Path, options: Options, build_time: datetime) -> str:
    """A hash of everything a build reads: the book's files, the tool (code, templates, fonts, libraries)."""
    book_dir = book_dir.resolve()
    skip = {out_dir.resolve(), (book_dir / "build").resolve()}
    if options.cache_dir is not None:
        skip.add(options.cache_dir.resolve())
    # Everything that changes the outputs; not how many workers make them, nor whether or where work is cached.
    relevant = replace(options, jobs=1, cache=True, cache_dir=None)
    parts: list[str] = [tool_fingerprint(), repr(relevant), build_time.isoformat()]
    folders = [book_dir / "source", book_dir / "translations", book_dir / "book.toml", book_dir / "templates"]
    if book_dir.is_dir():  # else load_book says BOOK-NOT-FOUND
        # Every file of the book, not only its folders: a template may name logo.png beside book.toml.
        folders += [path for path in sorted(book_dir.iterdir()) if not path.name.startswith(".") and path not in folders]
    try:
        import font_source_serif_pro

        folders.append(Path(font_source_serif_pro.__file__).parent)
    except ImportError:
        pass
    seen: set[Path] = set()
    for folder in folders:
        for path in _files_under(folder, skip):
            resolved = path.resolve()
            if resolved in seen:
                continue
            seen.add(resolved)
            if path.is_relative_to(book_dir) and not resolved.is_relative_to(book_dir):
                parts.append(f"{path}:outside:{resolved}")  # a link out of the book: never read (PATH-OUTSIDE)
                continue
            try:
                data = path.read_bytes()
            except OSError as exc:  # load_book reports it (UNREADABLE)
                parts.append(f"{resolved}:unreadable:{exc.errno}")
                continue
            parts.append(f"{resolved}:{len(data)}:{hashlib.sha256(data).hexdigest()}")
    return digest(*parts)


@dataclass(frozen=True)
class Manifest:
    """What the last build read and wrote (OUT/.cache/manifest.json)."""

    inputs: str
    outputs: dict[str, str]  # file name -> SHA-256
    descriptions: dict[str, str]
    problems: list[list]  # [code, severity, path, line, column, message]: printed again when nothing changed

    @classmethod
    def load(cls, path: Path) -> "Manifest | None":
        try:
            data = json.loads(path.read_text("utf-8"))
            return cls(data["inputs"], dict(data["outputs"]), dict(data["descriptions"]), list(data["problems"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def still_valid(self, inputs: str, out_dir: Path) -> bool:
        if inputs != self.inputs:
            return False
        for name, sha in self.outputs.items():
            try:
                if hashlib.sha256((out_dir / name).read_bytes()).hexdigest() != sha:
                    return False
            except OSError:
                return False
        return True


# ---------------------------------------------------------------- the build


def build(book_dir: Path, out_dir: Path, options: Options, build_time: datetime, progress=None) -> BuildResult:
    from .outputs.pdf.jobs import PieceRunner

    statistics = Statistics()
    clean_stale_parts(out_dir)  # what a killed build left behind
    manifest_path = out_dir / ".cache" / "manifest.json"  # about OUT's outputs: never in a shared cache
    inputs = inputs_fingerprint(book_dir, out_dir, options, build_time) if options.cache else ""
    manifest = Manifest.load(manifest_path) if options.cache else None
    if manifest is not None and manifest.still_valid(inputs, out_dir):
        written = tuple(Written(out_dir / name, manifest.descriptions[name]) for name in manifest.outputs)
        remembered = tuple(
            Problem(code, Severity(severity), Location(path, line, column), message)
            for code, severity, path, line, column, message in manifest.problems
        )
        return BuildResult(written, remembered, statistics, up_to_date=True)

    cache, unusable = open_cache(options, out_dir)
    runner = PieceRunner(cache=cache, jobs=options.jobs, base_url=book_dir.resolve().as_uri() + "/", allowed=(), progress=progress)
    if "pdf" in options.outputs or options.page_list == "print":
        runner.start()  # the workers start up while pandoc reads the book
    try:
        result = _build(
            book_dir=book_dir,
            out_dir=out_dir,
            options=options,
            build_time=build_time,
            cache=cache,
            statistics=statistics,
            inputs=inputs,
            manifest_path=manifest_path,
            runner=runner,
        )
    finally:
        runner.close()
    return replace(result, problems=unusable + result.problems)  # not remembered: the next build says it again, or not


def open_cache(options: Options, out_dir: Path) -> tuple[Cache, tuple[Problem, ...]]:
    """The cache this build reads and fills, salted with the tool; a cache folder that cannot be made is a warning."""
    if not options.cache:
        return Cache(None), ()
    if options.cache_dir is None:  # made when something is put in it: a build that fails early makes no folder
        return Cache(out_dir / ".cache", salt=tool_fingerprint()), ()
    folder = options.cache_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        why = "it is a file, not a folder" if folder.exists() else (exc.strerror or str(exc))
        return Cache(None), (
            warning("CACHE-UNUSABLE", Location(shown_path(folder)), f"the cache folder cannot be used ({why}); building without a cache"),
        )
    return Cache(folder, salt=tool_fingerprint()), ()


def _build(*, book_dir, out_dir, options, build_time, cache, statistics, inputs, manifest_path, runner) -> BuildResult:
    """The build proper, once it is known that something changed: read, render, then write."""
    from .outputs.epub import render_epub
    from .outputs.pdf.jobs import estimated_settings, lay_out_print, render_pdf_in_pieces
    from .outputs.pdf.layout import render_pdf
    from .outputs.pdf.production import booklet_pdf, finished_pdf, print_problems
    from .problems import has_errors

    started = time.monotonic()
    parse = CachedPandoc(cache, statistics)
    memo = RememberedFiles(cache, statistics)
    read: list[tuple[str, str]] = []
    if options.jobs > 1 and not runner.started:
        # No print layout to start workers for (an EPUB alone): the cores read the book instead.
        read = prepare_files(book_dir, memo, jobs=options.jobs)
        statistics.pandoc_runs += len(read)
        for text, raw in read:
            cache.put("pandoc", parse.key(text), raw.encode("utf-8"), {})
    parse.prefetch(book_dir, options.jobs, known=frozenset(text for text, _raw in read))
    try:
        book = load_book(book_dir, build_time=build_time, parse=parse, memo=memo)
    finally:
        parse.close()
    statistics.stages.append(("read", time.monotonic() - started))
    config = book.config
    fonts = font_set(config.fonts)
    env = environment(book.folder)
    problems: list[Problem] = list(book.warnings) + font_problems(book, fonts)
    rendered: list[tuple[Path, bytes, str]] = []
    epubs: list[tuple[Path, object]] = []  # (path, edition), for the e-reader conversions
    runner.allowed = tuple(str(p) for p in [book.folder, TOOL_TEMPLATES, *(face.path.parent for face in fonts.faces)])
    page_list = options.page_list or config.epub_page_list
    for edition in book.edition(options.language):
        stem = f"{edition.slug}.{edition.source_lang}-{edition.target_lang}"
        job = print_job(options, config, book.folder, binding=options.binding or config.binding or edition.directions[0])
        if "pdf" in options.outputs:  # an EPUB alone is not refused for its print settings
            found = print_problems(job, fonts)
            if has_errors(found):
                raise BookError(found)
            problems += found
        settings = job.settings
        page_numbers = None  # the printed page of every pair, for the EPUB's page-list
        if "pdf" in options.outputs:
            started = time.monotonic()
            if settings.variant is None:
                pdf = render_pdf_in_pieces(edition, fonts, env, settings, runner)
            else:  # a tagged PDF's structure tree does not survive being cut in pieces
                pdf = render_pdf(edition, fonts, env, estimated_settings(edition, fonts, env, settings, runner))
            statistics.stages.append((f"PDF {edition.source_lang}-{edition.target_lang}", time.monotonic() - started))
            problems += pdf.problems
            data, found = finished_pdf(pdf.data, job, edition.metadata.identifier)
            problems += found
            rendered.append((out_dir / f"{stem}.pdf", data, f"PDF, {settings.layout} layout, {settings.paper.name}, {pdf.pages} pages"))
            if job.booklet:
                booklet, found, description = booklet_pdf(data, pdf.pages, job)
                if found:
                    raise BookError(found)
                rendered.append((out_dir / f"{stem}.booklet.pdf", booklet, description))
            page_numbers = pdf.page_numbers
        elif "epub" in options.outputs and (page_list == "print" or (page_list == "auto" and options.cache)):
            # An EPUB alone does not pay for the print layout unless asked ("print"): by default its
            # page-list comes from a print edition whose every piece is already in the cache.
            started = time.monotonic()
            laid = lay_out_print(edition, fonts, env, replace(settings, variant=None), runner, cached_only=page_list != "print")
            page_numbers = laid.page_numbers if laid is not None else None
            statistics.stages.append((f"print page numbers {edition.source_lang}-{edition.target_lang}", time.monotonic() - started))
        if "epub" in options.outputs:
            started = time.monotonic()
            layout = options.epub_layout or config.epub_layout
            data, found = render_epub(
                edition,
                fonts,
                env,
                layout=layout,
                first=config.epub_first,
                page_numbers=page_numbers if page_list != "none" else None,
                page_direction=config.page_progression or None,
                page_source=f"{stem}.pdf",
                cache=cache,
            )
            problems += found
            pages = "with a page-list of the printed pages" if page_numbers is not None and page_list != "none" else "no page-list"
            rendered.append((out_dir / f"{stem}.epub", data, f"EPUB 3, {layout} layout, {pages}"))
            epubs.append((out_dir / f"{stem}.epub", edition))
            statistics.stages.append((f"EPUB {edition.source_lang}-{edition.target_lang}", time.monotonic() - started))
    statistics.pieces_laid_out, statistics.pieces_reused = runner.laid_out, runner.reused

    written = []
    for path, data, description in rendered:
        write_bytes_atomically(path, data)
        written.append(Written(path, description))
    if options.kindle or options.kobo:
        from .outputs.epub import convert_for_readers, page_progression

        for path, edition in epubs:
            converted, found = convert_for_readers(
                path, kindle=options.kindle, kobo=options.kobo, page_direction=page_progression(edition, config.page_progression or None)
            )
            problems += found
            written += [Written(item, "for e-readers, converted by calibre") for item in converted]
    if options.cache:
        manifest = Manifest(
            inputs,
            {path.name: hashlib.sha256(data).hexdigest() for path, data, _ in rendered},
            {path.name: description for path, _, description in rendered},
            [
                [p.code, p.severity.value, p.location.path, p.location.line, p.location.column, p.message]
                for p in problems
            ],
        )
        manifest_path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomically(manifest_path, json.dumps(manifest.__dict__, ensure_ascii=False, indent=1).encode("utf-8"))
    return BuildResult(tuple(written), tuple(problems), statistics)


CACHE_DIR_VARIABLE = "PARALLELBOOK_CACHE_DIR"


def options_from(args, environ: Mapping[str, str] = os.environ) -> Options:
    outputs = OUTPUTS if args.command in ("all", "watch") else (args.command,)
    if args.layout is not None:
        for output in outputs:
            if args.layout not in LAYOUTS[output]:
                raise BookError(
                    [error("USAGE", Location("--layout"), f"{args.layout} is not a {output} layout; choose from {', '.join(LAYOUTS[output])}")]
                )
    for option, value, parse in (
        ("--paper", args.paper, parse_trim),
        ("--sheet", args.sheet, parse_trim),
        ("--bleed", args.bleed, lambda text: parse_length(text, what="bleed")),
    ):
        if value is not None and parse(value)[0] is None:
            raise BookError([error("USAGE", Location(option), parse(value)[1])])
    if args.jobs is not None and args.jobs < 1:
        raise BookError([error("USAGE", Location("--jobs"), "--jobs must be 1 or more")])
    cache_dir = getattr(args, "cache_dir", None) or environ.get(CACHE_DIR_VARIABLE)  # the option wins; an empty variable is unset
    return Options(
        outputs=outputs,
        language=args.lang,
        pdf_layout=args.layout if "pdf" in outputs else None,
        paper=args.paper,
        binding=args.binding,
        pdf_variant=args.pdf_variant,
        bleed=args.bleed,
        bleed_edges=args.bleed_edges,
        marks=args.marks,
        impose=args.impose,
        sheet=args.sheet,
        epub_layout=args.layout if "epub" in outputs else None,
        page_list=getattr(args, "page_list", None),
        jobs=args.jobs or os.cpu_count() or 1,
        cache=not args.no_cache,
        cache_dir=Path(cache_dir) if cache_dir else None,
        kindle=getattr(args, "kindle", False),
        kobo=getattr(args, "kobo", False),
    )


def progress_reporter():
    """A progress bar on a terminal; nothing in CI or when output goes to a file."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        return None
    from tqdm import tqdm

    def report(description: str, total: int):
        return tqdm(total=total, desc=description, unit="piece", leave=False, file=sys.stderr)

    return report


def run_build(args) -> tuple[BuildResult, float]:
    book_dir = args.book
    options = options_from(args)
    build_time, problems = build_time_from(dict(os.environ), book_dir.resolve())
    if problems:
        raise BookError(problems)
    started = time.monotonic()
    result = build(book_dir, args.out or book_dir / "build", options, build_time, progress=progress_reporter())
    return result, time.monotonic() - started


def command_build(args) -> Outcome:
    """`build.py [all|pdf|epub]`: build the outputs into --out (default BOOK/build)."""
    result, seconds = run_build(args)
    if result.up_to_date:
        lines = [f"up to date: {written.path} ({written.description})" for written in result.written]
        lines.append(f"nothing changed; checked in {seconds:.2f} s")
        return Outcome(lines=tuple(lines), problems=result.problems)
    lines = [f"wrote {written.path} ({written.description})" for written in result.written]
    lines.append(f"built in {seconds:.1f} s; {result.statistics.summary()}")
    return Outcome(problems=result.problems, lines=tuple(lines))


def print_job(options: Options, config, book_folder: Path, *, binding: str):
    """The PDF's settings from the command line over book.toml, each remembering where it was asked for."""
    from .outputs.pdf.layout import PdfSettings
    from .outputs.pdf.production import PrintJob

    toml = str(book_folder / "book.toml")
    given = {
        "paper": (options.paper, config.paper),
        "bleed": (options.bleed, config.bleed),
        "bleed_edges": (options.bleed_edges, config.bleed_edges),
        "marks": (options.marks, config.marks),
        "impose": (options.impose, config.impose),
        "sheet": (options.sheet, config.sheet),
        "variant": (options.pdf_variant, config.pdf_variant),
    }
    where = {
        key: Location(f"--{'pdf-variant' if key == 'variant' else key.replace('_', '-')}") if cli is not None else Location(toml, config.pdf_lines.get(key, 0))
        for key, (cli, _toml) in given.items()
    }
    where["output_profile"] = Location(toml, config.pdf_lines.get("output_profile", 0))
    value = {key: cli if cli is not None else from_toml for key, (cli, from_toml) in given.items()}
    settings = PdfSettings(
        layout=options.pdf_layout or config.pdf_layout,
        paper=parse_trim(value["paper"] or "A4")[0],
        binding=binding,
        variant=value["variant"] or None,
        bleed=parse_length(value["bleed"])[0] if value["bleed"] else 0.0,
        marks=value["marks"] == "crop",
        bleed_spine=value["bleed_edges"] == "all",
        output_profile=config.output_profile,
    )
    sheet = parse_trim(value["sheet"])[0] if value["sheet"] else None
    return PrintJob(settings, booklet=value["impose"] == "booklet", sheet=sheet, output_condition=config.output_condition, where=where)
