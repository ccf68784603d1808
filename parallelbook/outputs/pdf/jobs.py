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
from typing import Iterable
from pathlib import Path
from urllib.parse import unquote, urlparse

from ... import __version__
from ... import model as m
from ...cache import Cache, digest
from ...problems import Location, Problem
from ...render.fonts import FontSet
from ...render.views import chapter_outline
from .layout import (
    GEOMETRY,
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
    number_label,
    side_style,
    toc_entries,
    weasyprint_problems,
)

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

    def meta(self) -> dict:
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
        return cls(data, meta["pages"], tuple(meta["messages"]), tuple(meta["refused"]), index)


def _warm_up() -> None:
    import weasyprint  # noqa: F401  (a second or two that the first piece no longer waits for)


def lay_out_piece(html: str, base_url: str, allowed: tuple[str, ...]) -> PieceResult:
    """Lay out one HTML document and write it as PDF (runs in a worker process)."""
    import weasyprint

    from .assembly import index_piece

    guard = fetch_guard([Path(folder) for folder in allowed])
    collector = LogCollector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=guard).render()
        data = document.write_pdf(pdf_identifier=b"parallelbook-piece")
    finally:
        logger.removeHandler(collector)
    return PieceResult(data, len(document.pages), tuple(collector.messages), tuple(guard.refused), index_piece(data))


@lru_cache(maxsize=1)
def _weasyprint_version() -> str:
    from importlib.metadata import version

    return version("weasyprint")  # without importing WeasyPrint, which takes a second


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

    def start(self) -> "PieceRunner":
        """Start the workers now, so that they import WeasyPrint while the book is being read."""
        if self.jobs > 1 and self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.jobs, initializer=_warm_up)
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
        return digest("piece-2", __version__, _weasyprint_version(), self.base_url, html, *(self._hash(url) for url in loaded))

    def _hash(self, url: str) -> str:
        if url not in self._file_hashes:
            try:
                self._file_hashes[url] = digest(Path(unquote(urlparse(url).path)).read_bytes())
            except OSError:
                self._file_hashes[url] = "missing"
        return url + "=" + self._file_hashes[url]

    def _get(self, key: str) -> PieceResult | None:
        cached = self.cache.get("pdf", key)
        if cached is None:
            return None
        try:
            return PieceResult.from_cache(*cached)
        except (KeyError, TypeError, ValueError):  # an entry of another shape: made again
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
            self.cache.put("pdf", keys[index], result.data, result.meta())
            results[index] = result
        return [results[index] for index in range(len(documents))]


def _side_of(number: int, binding: str) -> str:
    """Which side of its spread the book's page `number` (1-based) falls on."""
    first_is_left = binding == "rtl"  # a book that opens to the right starts on a left-hand page
    return ("left" if first_is_left else "right") if number % 2 == 1 else ("right" if first_is_left else "left")


@dataclass(frozen=True)
class PrintLayout:
    """The print edition laid out in pieces, not yet assembled: enough to know every printed page number."""

    edition: m.Edition
    settings: PdfSettings
    front: tuple[PieceResult, ...]
    chapters: tuple[PieceResult, ...]
    page_numbers: dict[str, int]  # pair and heading anchors -> the printed page each starts on


def lay_out_print(
    edition: m.Edition, fonts: FontSet, env, settings: PdfSettings, runner: PieceRunner, *, cached_only: bool = False
) -> PrintLayout | None:
    """Every piece of the print edition, laid out or from the cache.

    With `cached_only`, nothing is laid out: None unless every piece is in the
    cache (the EPUB uses this to point its page-list at a print edition that was
    laid out before, without paying for one that was not).
    """
    facing = settings.layout == "facing"
    geometry = GEOMETRY[settings.paper]
    source_style = side_style(edition.source_lang, edition.directions[0], fonts, geometry)
    target_style = side_style(edition.target_lang, edition.directions[1], fonts, geometry)
    chapters = edition.chapters
    views = [chapter_outline(chapter) for chapter in chapters]

    def pieces(parts: list[Part]) -> list[PieceResult] | None:
        documents = (document_html(edition, fonts, env, settings, part) for part in parts)
        return runner.cached(documents) if cached_only else runner.run(list(documents))

    # 1. Every chapter, laid out where it does not matter where it falls.
    if facing:
        source_part, target_part = (replace(part, folios=False) for part in facing_parts(settings))
        chapter_parts = [
            replace(part, chapters=(chapter.number,), contents=False) for chapter in chapters for part in (source_part, target_part)
        ]
    else:
        chapter_parts = [Part("book", chapters=(chapter.number,), contents=False, folios=False, symmetric=True) for chapter in chapters]
    chapter_results = pieces(chapter_parts)
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
                replace(part, folios=False, chapters=(), toc_pages=toc_pages) for part in facing_parts(settings)
            )
            front_parts = [Part("title"), source_part, target_part]
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


def render_pdf_in_pieces(edition: m.Edition, fonts: FontSet, env, settings: PdfSettings, runner: PieceRunner) -> RenderedPdf:
    return assemble_print(lay_out_print(edition, fonts, env, settings, runner), fonts, env, runner)


def assemble_print(laid: PrintLayout, fonts: FontSet, env, runner: PieceRunner) -> RenderedPdf:
    """The print edition's PDF from its pieces, with the running heads and page numbers of every page."""
    from .assembly import assemble, catalog_entries  # pypdf: imported only when a PDF is assembled
    edition, settings = laid.edition, laid.settings
    facing = settings.layout == "facing"
    geometry = GEOMETRY[settings.paper]
    source_style = side_style(edition.source_lang, edition.directions[0], fonts, geometry)
    target_style = side_style(edition.target_lang, edition.directions[1], fonts, geometry)
    views = [chapter_outline(chapter) for chapter in edition.chapters]
    front_results, chapter_results = list(laid.front), list(laid.chapters)

    # 3. Where every page goes, and what its margins say.
    pieces = [result.data for result in front_results + chapter_results]
    placements, folios = _plan(edition, settings, views, front_results, chapter_results, source_style, target_style)
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


def _plan(edition, settings, views, front_results, chapter_results, source_style, target_style):
    """Placements of every page of every piece, and the folio of every book page."""
    from .assembly import Placement
    facing = settings.layout == "facing"
    geometry = GEOMETRY[settings.paper]
    placements: list[Placement] = []
    folios: list[list[Folio]] = []  # one folio document per group of pages, laid out in parallel

    def group() -> None:
        folios.append([])

    def add(piece: int, page: int, role: str, titles: tuple[str, str], blank: bool = False):
        number = len(placements) + 1
        side = _side_of(number, settings.binding)
        if facing:
            shift = 0.0
        else:
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
