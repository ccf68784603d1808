"""The PDF laid out in pieces: chapters in parallel worker processes, each piece cached.

A chapter's layout does not depend on where in the book it falls (chapters
start on a new page, and the pages of every piece have the same text width).
So each chapter, and the front matter, is laid out as a small PDF of its
own, by as many worker processes as asked, and kept in the cache under the
hash of its HTML and of every file that HTML loads: an unchanged chapter is
never laid out again.  What does depend on the place in the book (the side
of the spread, running heads, page numbers, the contents' page references)
is added when the pieces are assembled (assembly.py).

The tagged-PDF variant is laid out as one document instead: a structure tree
does not survive being cut in pieces.
"""

from __future__ import annotations

import logging
import re
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable
from urllib.parse import unquote, urlparse

from ... import __version__
from ... import model as m
from ...cache import Cache, digest
from ...problems import Location, Problem
from ...render.fonts import FontSet
from ...render.views import chapter_outline
from ...text.blocks import plain_text
from . import text_layer
from .finishing import page_side
from .layout import (
    Folio,
    LogCollector,
    Part,
    PdfSettings,
    RenderedPdf,
    check_streams_alike,
    document_html,
    facing_parts,
    fetch_guard,
    folio_html,
    geometry_of,
    number_label,
    side_style,
    toc_entries,
    weasyprint_problems,
)

if TYPE_CHECKING:
    from .assembly import PieceIndex  # pypdf, imported only when a PDF is assembled

MILLIMETRE = 72 / 25.4
_FILE_URL = re.compile(r"file://[^\"')\s]+")
_LINK_NOTICE = "for internal URI reference"  # a contents link whose anchor lives in another piece


@dataclass(frozen=True)
class PieceResult:
    data: bytes
    pages: int
    messages: tuple[str, ...]
    refused: tuple[str, ...]
    index: PieceIndex  # its anchors and outline, read once when it was laid out
    read: tuple[str, ...] = ()  # the files WeasyPrint loaded: fonts, images, whatever a book's CSS names

    def meta(self) -> dict:
        """What the cache keeps beside the piece's bytes (the files it read are kept with their hashes)."""
        return {
            "pages": self.pages,
            "messages": list(self.messages),
            "refused": list(self.refused),
            "destinations": {name: list(place) for name, place in self.index.destinations.items()},
            "outline": [list(entry) for entry in self.index.outline],
        }

    @classmethod
    def from_cache(cls, data: bytes, meta: dict) -> "PieceResult":
        from .assembly import PieceIndex

        index = PieceIndex(
            meta["pages"],
            {name: tuple(place) for name, place in meta["destinations"].items()},
            tuple(tuple(entry) for entry in meta["outline"]),
        )
        return cls(data, meta["pages"], tuple(meta["messages"]), tuple(meta["refused"]), index, tuple(meta["read"]))


def _warm_up() -> None:
    import weasyprint  # noqa: F401  (a second or two that the first piece no longer waits for)


def lay_out_piece(html: str, base_url: str, allowed: tuple[str, ...]) -> PieceResult:
    """Lay out one HTML document and write it as PDF (runs in a worker process)."""
    import weasyprint

    from .assembly import index_piece

    text_layer.apply()

    guard = fetch_guard([Path(folder) for folder in allowed])
    collector = LogCollector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=guard).render()
        data = document.write_pdf(pdf_identifier=b"parallelbook-piece")
    finally:
        logger.removeHandler(collector)
    return PieceResult(data, len(document.pages), tuple(collector.messages), tuple(guard.refused), index_piece(data), tuple(sorted(set(guard.read))))


@lru_cache(maxsize=1)
def layout_engine() -> str:
    """The versions of what turns HTML into a piece: WeasyPrint and the system libraries it shapes text with.

    Pango and HarfBuzz are not Python packages, so the cache's salt (the tool's code and its Python
    dependencies) does not cover them; a cache shared between machines must not mix their pieces.
    Read without importing WeasyPrint: the main process computes every piece's key, and importing
    it there cost a second of every rebuild (the workers lay out; they import it).
    """
    from importlib.metadata import version

    pango = _library_version(
        "pango_version_string", ("libpango-1.0.so.0", "libpango-1.0.dylib", "libpango-1.0-0.dll", "pango-1.0-0", "pango-1.0")
    )
    harfbuzz = _library_version(
        "hb_version_string", ("libharfbuzz.so.0", "libharfbuzz.0.dylib", "libharfbuzz-0.dll", "harfbuzz", "libharfbuzz-0")
    )
    return f"weasyprint {version('weasyprint')}; pango {pango}; harfbuzz {harfbuzz}"


def _library_version(function: str, names: tuple[str, ...]) -> str:
    """The version string a C library reports, found under the names WeasyPrint loads it by."""
    import cffi

    ffi = cffi.FFI()
    ffi.cdef(f"const char *{function}(void);")
    for name in names:
        try:
            return ffi.string(getattr(ffi.dlopen(name), function)()).decode("ascii")
        except (OSError, AttributeError):
            continue
    return "unknown"


@dataclass
class PieceRunner:
    """Lays out pieces through the cache, the misses in parallel; counts what it did."""

    cache: Cache
    jobs: int
    base_url: str
    allowed: tuple[str, ...]
    progress: object = None  # progress(description, total) -> a bar with update() and close(), or None
    laid_out: int = 0
    reused: int = 0
    _file_hashes: dict[str, str] = field(default_factory=dict)
    _pool: ProcessPoolExecutor | None = None
    # Pieces laid out in this build, by key: asked for again (the page-count probe's chapters,
    # then the whole book), they are not laid out twice, even when there is no cache.
    _made: dict[str, "PieceResult"] = field(default_factory=dict)

    def start(self) -> "PieceRunner":
        """Start the workers now, so that they import WeasyPrint while the book is being read."""
        if self.jobs > 1 and self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.jobs, initializer=_warm_up)
            # A pool starts its processes only at its first task (and then all of them, under fork):
            # without one now, they imported WeasyPrint after the book was read, not while.
            self._pool.submit(int)
        return self

    @property
    def started(self) -> bool:
        return self._pool is not None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def key(self, html: str) -> str:
        loaded = sorted(set(_FILE_URL.findall(html)))
        files = (url + "=" + self._hash(Path(unquote(urlparse(url).path))) for url in loaded)
        return digest("piece-2", __version__, layout_engine(), text_layer.REVISION, self.base_url, *self.allowed, html, *files)

    def _hash(self, path: Path) -> str:
        """The SHA-256 of a file as it is now (once per build), or "missing"."""
        if str(path) not in self._file_hashes:
            try:
                self._file_hashes[str(path)] = digest(path.read_bytes())
            except OSError:
                self._file_hashes[str(path)] = "missing"
        return self._file_hashes[str(path)]

    def _get(self, key: str) -> PieceResult | None:
        """A piece laid out before, if every file it loaded is still as it was.

        The key holds the files the HTML names by absolute URL; a book's own CSS may load others by a
        relative one (url("images/logo.png")), which only the record of what was read catches.
        """
        if key in self._made:
            return self._made[key]
        cached = self.cache.get("pdf", key)
        if cached is None:
            return None
        data, meta = cached
        try:
            read: dict[str, str] = meta["read"]
            if any(self._hash(Path(path)) != sha for path, sha in read.items()):
                return None
            return PieceResult.from_cache(data, meta)
        except (KeyError, TypeError, ValueError, AttributeError):  # an entry of another shape: made again
            return None

    def cached(self, documents: Iterable[str]) -> list[PieceResult] | None:
        """The pieces from the cache, or None as soon as one is missing (nothing is laid out).

        `documents` may be a generator: a piece after the first miss is never even rendered.
        """
        results = []
        for html in documents:
            found = self._get(self.key(html))
            if found is None:
                return None
            results.append(found)
        self.reused += len(results)
        return results

    def run(self, documents: list[str]) -> list[PieceResult]:
        keys = [self.key(html) for html in documents]
        results: dict[int, PieceResult] = {}
        missing: list[int] = []
        for index, key in enumerate(keys):
            found = self._get(key)
            if found is None:
                missing.append(index)
            else:
                results[index] = found
        self.reused += len(documents) - len(missing)
        self.laid_out += len(missing)
        bar = self.progress("laying out", len(missing)) if self.progress and missing else None
        done: dict[int, PieceResult] = {}
        if missing and (self._pool is not None or (len(missing) > 1 and self.jobs > 1)):
            # Workers already running take even one piece: they have WeasyPrint imported.
            self.start()
            # The longest first, so that no worker is left with a long piece at the end.
            ordered = sorted(missing, key=lambda i: -len(documents[i]))
            futures = {self._pool.submit(lay_out_piece, documents[i], self.base_url, self.allowed): i for i in ordered}
            for future in as_completed(futures):
                done[futures[future]] = future.result()
                if bar:
                    bar.update(1)
        else:
            for i in missing:
                done[i] = lay_out_piece(documents[i], self.base_url, self.allowed)
                if bar:
                    bar.update(1)
        if bar:
            bar.close()
        for index, result in done.items():
            self._made[keys[index]] = result
            self.cache.put(
                "pdf", keys[index], result.data, {**result.meta(), "read": {path: self._hash(Path(path)) for path in result.read}}
            )
            results[index] = result
        return [results[index] for index in range(len(documents))]


def _text_block(geometry) -> tuple:
    """What of the geometry changes a piece's layout (not the split of the side margins)."""
    return (geometry.symmetric, geometry.latin_size, geometry.persian_size, geometry.gap, geometry.top, geometry.bottom)


@dataclass(frozen=True)
class PrintLayout:
    """The print edition laid out in pieces, not yet assembled: enough to know every printed page number."""

    edition: m.Edition
    settings: PdfSettings  # with the page count the gutter was chosen for
    front: tuple[PieceResult, ...]
    chapters: tuple[PieceResult, ...]
    page_numbers: dict[str, int]  # pair and heading anchors -> the printed page each starts on

    @property
    def pages(self) -> int:
        facing = len(self.front) == 3
        front = self.front[0].pages + (2 * self.front[1].pages if facing else 0)
        return front + sum(result.pages for result in self.chapters)


def lay_out_print(
    edition: m.Edition, fonts: FontSet, env, settings: PdfSettings, runner: PieceRunner, *, cached_only: bool = False
) -> PrintLayout | None:
    """Every piece of the print edition, laid out or from the cache.

    The gutter grows with the page count, which is known only once the book is laid out.
    The text block is chosen first and the margins get what is left, so a wider gutter
    usually only moves every page's text outwards at assembly.  Where the outside margin
    cannot give way (two columns, a narrow page), the gutter is chosen for the page count
    the first chapters foretell (_with_estimated_pages); only if the book then comes out
    on the other side of a step of the table is it laid out again, with the gutter its
    layout asked for.

    With `cached_only`, nothing is laid out: None unless every piece is in the
    cache (the EPUB uses this to point its page-list at a print edition that was
    laid out before, without paying for one that was not).
    """
    settings = _with_estimated_pages(edition, fonts, env, settings, runner, cached_only)
    if settings is None:
        return None
    laid = _lay_out_pieces(edition, fonts, env, settings, runner, cached_only)
    for _attempt in range(3):
        if laid is None:
            return None
        measured = replace(settings, pages=laid.pages)
        if _text_block(geometry_of(measured, fonts)) != _text_block(geometry_of(settings, fonts)):
            settings = measured
            laid = _lay_out_pieces(edition, fonts, env, settings, runner, cached_only)
            continue
        return replace(laid, settings=measured)
    return laid


def _with_estimated_pages(
    edition, fonts, env, settings, runner, cached_only: bool = False, *, one_document: bool = False
) -> PdfSettings | None:
    """The settings with the gutter of the book's length as its first chapters foretell it.

    Where the gutter changes the layout, a book laid out with the gutter of too few pages is laid
    out a second time, whole: in pieces, where it changes the text block (two columns on a page
    with no margin to spare); as `one_document` (the tagged and PDF/X variants, whose pages carry
    their own side margins), always.  So the first chapters (one for each worker, none waits)
    are laid out first and the rest estimated from their pages per character; a wrong guess
    costs those chapters, not the book.  The estimate depends on the book alone, so a cold
    build and a rebuild reach the same layout.
    """
    changes = (lambda geometry: geometry) if one_document else _text_block
    if changes(geometry_of(replace(settings, pages=0), fonts)) == changes(geometry_of(replace(settings, pages=10**6), fonts)):
        return settings  # the gutter only moves the text block at assembly
    chapters = edition.chapters
    probe = chapters[: max(1, runner.jobs)]
    parts = _chapter_parts(settings, probe)
    documents = [document_html(edition, fonts, env, settings, part) for part in parts]
    results = runner.cached(documents) if cached_only else runner.run(documents)
    if results is None:
        return None
    probe_pages = sum(result.pages for result in results)
    probe_characters = max(1, sum(_characters(chapter) for chapter in probe))
    rest = sum(_characters(chapter) for chapter in chapters[len(probe):])
    front = 3 if settings.layout == "facing" else 2
    return replace(settings, pages=front + probe_pages + round(rest * probe_pages / probe_characters))


def _characters(chapter: m.Chapter) -> int:
    return sum(len(plain_text(pair.source.block)) + len(plain_text(pair.target.block)) for pair in chapter.pairs)


def _chapter_parts(settings: PdfSettings, chapters) -> list[Part]:
    """The pieces of these chapters: each laid out where it does not matter where it falls."""
    if settings.layout == "facing":
        source_part, target_part = (replace(part, folios=False, symmetric=True) for part in facing_parts(settings))
        return [replace(part, chapters=(chapter.number,), contents=False) for chapter in chapters for part in (source_part, target_part)]
    return [Part("book", chapters=(chapter.number,), contents=False, folios=False, symmetric=True) for chapter in chapters]


def _lay_out_pieces(edition, fonts, env, settings, runner, cached_only: bool) -> PrintLayout | None:
    """Every chapter and the front matter laid out (through the cache), each where it does not
    matter where it falls: with both side margins alike, moved to its side at assembly."""
    facing = settings.layout == "facing"
    chapters = edition.chapters
    views = [chapter_outline(chapter) for chapter in chapters]
    geometry = geometry_of(settings, fonts)
    source_style = side_style(edition.source_lang, edition.directions[0], fonts, geometry)
    target_style = side_style(edition.target_lang, edition.directions[1], fonts, geometry)

    def pieces(parts: list[Part]) -> list[PieceResult] | None:
        documents = (document_html(edition, fonts, env, settings, part) for part in parts)
        return runner.cached(documents) if cached_only else runner.run(list(documents))

    # 1. Every chapter, laid out where it does not matter where it falls.
    chapter_results = pieces(_chapter_parts(settings, chapters))
    if chapter_results is None:
        return None
    chapter_indexes = [result.index for result in chapter_results]
    if facing:
        for source_index, target_index in zip(chapter_indexes[::2], chapter_indexes[1::2]):
            check_streams_alike(_places(source_index), _places(target_index))

    # 2. The front matter, whose contents need the chapters' pages, which need its length.
    front_pages = 3 if facing else 2
    for _attempt in range(4):
        chapter_starts = _chapter_starts(chapter_results, front_pages, facing)
        toc_pages = _toc_pages(views, chapter_indexes, chapter_starts, facing, source_style, target_style)
        if facing:
            source_part, target_part = (
                replace(part, folios=False, symmetric=True, chapters=(), toc_pages=toc_pages) for part in facing_parts(settings)
            )
            front_parts = [Part("title", folios=False, symmetric=True), source_part, target_part]
        else:
            front_parts = [Part("book", chapters=(), contents=True, folios=False, symmetric=True, toc_pages=toc_pages)]
        front_results = pieces(front_parts)
        if front_results is None:
            return None
        laid_front = front_results[0].pages + (2 * front_results[1].pages if facing else 0)
        if facing:
            check_streams_alike(*(_places(result.index) for result in front_results[1:]))
        if laid_front == front_pages:
            break
        front_pages = laid_front
    return PrintLayout(
        edition, settings, tuple(front_results), tuple(chapter_results), _page_numbers(chapter_indexes, chapter_starts, facing)
    )


def estimated_settings(edition: m.Edition, fonts: FontSet, env, settings: PdfSettings, runner: PieceRunner) -> PdfSettings:
    """The settings for laying the book out as one document, with the page count its first
    chapters foretell (see _with_estimated_pages)."""
    return _with_estimated_pages(edition, fonts, env, settings, runner, one_document=True)


def render_pdf_in_pieces(edition: m.Edition, fonts: FontSet, env, settings: PdfSettings, runner: PieceRunner) -> RenderedPdf:
    return assemble_print(lay_out_print(edition, fonts, env, settings, runner), fonts, env, runner)


def assemble_print(laid: PrintLayout, fonts: FontSet, env, runner: PieceRunner) -> RenderedPdf:
    """The print edition's PDF from its pieces, with the running heads and page numbers of every page."""
    from .assembly import (  # imported only when a PDF is assembled
        assemble,
        catalog_entries,
    )

    edition, settings = laid.edition, laid.settings
    facing = settings.layout == "facing"
    geometry = geometry_of(settings, fonts)
    source_style = side_style(edition.source_lang, edition.directions[0], fonts, geometry)
    target_style = side_style(edition.target_lang, edition.directions[1], fonts, geometry)
    views = [chapter_outline(chapter) for chapter in edition.chapters]
    front_results, chapter_results = list(laid.front), list(laid.chapters)

    # 3. Where every page goes, and what its margins say.
    pieces = [result.data for result in front_results + chapter_results]
    placements, folios = _plan(edition, fonts, settings, views, front_results, chapter_results, source_style, target_style)
    folio_results = runner.run([folio_html(edition, fonts, env, settings, group) for group in folios])

    # 4. One PDF.
    meta = edition.metadata
    data = assemble(
        pieces,
        [result.data for result in folio_results],
        placements,
        metadata={
            "/Title": f"{meta.titles[edition.source_lang]} / {meta.titles[edition.target_lang]}",
            "/Author": " / ".join(meta.authors[lang] for lang in edition.languages if lang in meta.authors),
            "/Subject": " / ".join(meta.subject[lang] for lang in edition.languages if lang in meta.subject),
            "/Keywords": ", ".join(edition.languages),
            "/Creator": "parallelbook",
            "/Producer": "parallelbook (WeasyPrint)",
            "/CreationDate": _pdf_date(meta.modified),
            "/ModDate": _pdf_date(meta.modified),
        },
        language=edition.source_lang,
        identifier=digest(meta.identifier)[:32].encode("ascii"),
        catalog=catalog_entries(settings.binding, facing),
        indexes=[result.index for result in front_results + chapter_results],
        cache=runner.cache,
    )

    where = Location(edition.chapters[0].source_path)
    problems: list[Problem] = []
    for result in front_results + chapter_results + folio_results:
        problems += weasyprint_problems(where, result.refused, result.messages, ignore=_LINK_NOTICE)
    return RenderedPdf(data, len(placements), laid.page_numbers, tuple(problems))


def _places(index) -> dict[str, tuple[int, float]]:
    return {name: (page, top) for name, (page, _left, top) in index.destinations.items()}


def _chapter_starts(results: list[PieceResult], front_pages: int, facing: bool) -> list[int]:
    """The book page number on which each chapter piece starts (facing: each stream piece)."""
    starts = []
    number = front_pages + 1
    if facing:
        for source, _target in zip(results[::2], results[1::2]):
            starts += [number, number + 1]
            number += 2 * source.pages
    else:
        for result in results:
            starts.append(number)
            number += result.pages
    return starts


def _page_numbers(indexes, starts: list[int], facing: bool) -> dict[str, int]:
    """The printed page on which each anchor starts (facing: its source page)."""
    numbers: dict[str, int] = {}
    step = 2 if facing else 1
    for piece, (index, start) in enumerate(zip(indexes, starts)):
        if facing and piece % 2 == 1:
            continue
        for name, (page, _left, _top) in index.destinations.items():
            numbers.setdefault(name, start + step * page)
    return numbers


def _toc_pages(views, indexes, starts, facing, source_style, target_style) -> tuple[tuple[str, str, str], ...]:
    numbers = _page_numbers(indexes, starts, facing)
    labels = []
    for entry in toc_entries(views):
        number = numbers[entry["anchor"]]
        target_number = number + 1 if facing else number
        labels.append(
            (entry["anchor"], number_label(number, source_style["counter"]), number_label(target_number, target_style["counter"]))
        )
    return tuple(labels)


def _plan(edition, fonts, settings, views, front_results, chapter_results, source_style, target_style):
    """Placements of every page of every piece, and the folio of every book page."""
    from .assembly import Placement
    facing = settings.layout == "facing"
    geometry = geometry_of(settings, fonts)
    placements: list[Placement] = []
    folios: list[list[Folio]] = []  # one folio document per group of pages, laid out in parallel

    def group() -> None:
        folios.append([])

    def add(piece: int, page: int, role: str, titles: tuple[str, str], blank: bool = False):
        number = len(placements) + 1
        side = page_side(number, settings.binding)
        # every piece was laid out centred: each page moves to its side of the spread
        offset = (geometry.outer - geometry.inner) / 2 * MILLIMETRE
        shift = offset if side == "left" else -offset
        placements.append(Placement(piece, page, round(shift, 4), None if blank else (len(folios) - 1, len(folios[-1]))))
        if not blank:
            numbers = (number_label(number, source_style["counter"]), number_label(number, target_style["counter"]))
            folios[-1].append(Folio(f"{side}-{role}", titles, numbers))

    no_titles = ("", "")
    if facing:
        title, toc_source, toc_target = front_results
        group()
        for page in range(title.pages):
            add(0, page, "both", no_titles, blank=True)
        for page in range(toc_source.pages):
            add(1, page, "source", no_titles)
            add(2, page, "target", no_titles)
        base = 3
        for number, view in enumerate(views):
            group()
            for page in range(chapter_results[2 * number].pages):  # both streams have as many pages
                add(base + 2 * number, page, "source", view.titles)
                add(base + 2 * number + 1, page, "target", view.titles)
    else:
        front = front_results[0]
        group()
        add(0, 0, "both", no_titles, blank=True)  # the title page
        for page in range(1, front.pages):
            add(0, page, "both", no_titles)
        for number, (view, result) in enumerate(zip(views, chapter_results)):
            group()
            for page in range(result.pages):
                add(1 + number, page, "both", view.titles)
    return placements, [group for group in folios if group]


def _pdf_date(iso: str) -> str:
    """2025-11-28T03:20:00Z -> D:20251128032000Z"""
    return "D:" + re.sub(r"[-:TZ]", "", iso) + "Z"
