"""The PDF view: the edition rendered to HTML through templates, laid out by WeasyPrint.

Layout "columns": every pair is one row of a two-column page, the source on
the side its script reads from (Persian on the right), both sides starting
on the same baseline.  WeasyPrint only ever sees files of the book, the
tool's templates and the fonts: every other URL is refused and reported.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from markupsafe import Markup

from ... import model as m
from ...problems import Location, Problem, warning
from .finishing import PrintFinish
from .geometry import Geometry, em_per_character, page_geometry
from ...render.fonts import FontSet
from ...render.html import lang_attrs, localized_number
from ...render.templating import TOOL_TEMPLATES, render
from ...read.paper import TrimSize, parse_trim
from ...render.views import chapter_outline, chapter_view, credits, image_locator
from . import text_layer

LAYOUTS = ("columns", "facing", "stacked")
PDF_X = ("pdf/x-1a", "pdf/x-3", "pdf/x-4")  # the PDF/X variants WeasyPrint 70 writes
VARIANTS = ("pdf/ua-1", *PDF_X)


@dataclass(frozen=True)
class PdfSettings:
    layout: str = "columns"
    paper: TrimSize = field(default_factory=lambda: parse_trim("A4")[0])
    binding: str = "rtl"  # "rtl": opens to the right, Persian on right-hand pages; "ltr": Loeb style
    variant: str | None = None  # "pdf/ua-1" for a tagged, accessible PDF; "pdf/x-4" etc. for a printer
    bleed: float = 0.0  # points, on the top, bottom and outside edges
    marks: bool = False  # crop marks
    bleed_spine: bool = False  # bleed at the inside edge too ("all" edges)
    pages: int = 0  # the book's page count as far as known: the gutter grows with it
    output_profile: Path | None = None  # PDF/X: the printing condition's ICC profile

    def __post_init__(self):
        if isinstance(self.paper, str):  # PdfSettings(paper="A5") in tests and probes
            trim, why = parse_trim(self.paper)
            if trim is None:
                raise ValueError(why)
            object.__setattr__(self, "paper", trim)

    @property
    def print_finish(self) -> PrintFinish:
        return PrintFinish(self.paper, self.bleed, self.marks, self.bleed_spine)


def geometry_of(settings: PdfSettings, fonts: FontSet) -> Geometry:
    """The page's margins and type sizes for these settings, measured on the book's Latin face."""
    return page_geometry(
        settings.paper, settings.layout, em_per_character(fonts.face("latin").path), pages=settings.pages, bleed=settings.bleed
    )


@dataclass(frozen=True)
class Part:
    """One HTML document to lay out.

    Layouts "columns" and "stacked" are one part, the whole book.  Layout
    "facing" is three: the title page, and one stream per language.  Both
    streams hold every pair, with the other language present but invisible,
    so the two lay out identically and every pair starts level on its spread.
    """

    mode: str  # "book" | "title" | "stream"
    visible: str = ""  # in a stream: "source" or "target"
    page_side: str = ""  # in a stream: "left" or "right", where its pages fall in a spread
    first_page_number: int = 1  # printed number of the part's first page
    page_step: int = 1  # printed numbers advance by this much per page
    # A chunk of a book laid out in pieces (see jobs.py): which of it to include, and how.
    chapters: tuple[int, ...] | None = None  # chapter numbers to include; None: all
    contents: bool = True  # the table of contents
    folios: bool = True  # running heads and page numbers (a chunk gets them from a folio overlay)
    symmetric: bool = False  # equal side margins; the assembly shifts each page to its binding side
    toc_pages: tuple[tuple[str, str, str], ...] | None = None  # (anchor, source label, target label)


def facing_parts(settings: PdfSettings, title_pages: int = 1) -> tuple[Part, Part]:
    """The two streams of a facing book whose front matter has `title_pages` pages (an odd number).

    Persian-bound (rtl): the source falls on right-hand pages; Loeb style (ltr): on left-hand
    pages.  Either way the source takes the even pages, the translation the odd ones.
    """
    source_side = "right" if settings.binding == "rtl" else "left"
    target_side = "left" if source_side == "right" else "right"
    return (
        Part("stream", "source", source_side, title_pages + 1, 2),
        Part("stream", "target", target_side, title_pages + 2, 2),
    )


def side_style(lang: str, direction: str, fonts: FontSet, geometry: Geometry) -> dict:
    right = direction == "rtl"
    persian = lang.split("-")[0] == "fa"
    return {
        "lang": lang,
        "dir": direction,
        "attrs": lang_attrs(lang, direction, xhtml=False),
        "family": fonts.persian_family if persian else fonts.latin_family,
        "counter": "persian" if persian else "decimal",
        "edge": "right" if right else "left",
        "inner": "left" if right else "right",
        "size": geometry.persian_size if persian else geometry.latin_size,
    }


def toc_entries(outlines) -> list[dict]:
    """Table of contents: every chapter (by its title when it has no heading) and its headings to level 2."""
    entries = []
    for chapter in outlines:
        if not chapter.titled_by_heading:
            entries.append({"anchor": chapter.anchor, "level": 1, "source": chapter.titles[0], "target": chapter.titles[1]})
        for anchor, heading in chapter.headings:
            if heading.level <= 2:
                level = heading.level + (0 if chapter.titled_by_heading else 1)
                entries.append({"anchor": anchor, "level": level, "source": heading.source, "target": heading.target})
    return entries


def _toc_title(side: dict) -> str:
    return "فهرست" if side["counter"] == "persian" else "Contents"


def _toc_label(source: dict, target: dict) -> str:
    return f"{_toc_title(source)} — {_toc_title(target)}"


# A link from one piece of the book to an anchor in another (the contents to its chapters):
# WeasyPrint drops a link to an anchor its document lacks, so such a link is written as a
# URI of this scheme, which the assembly turns into a link to the book's named destination.
BOOK_DESTINATION = "x-parallelbook-destination:"


def document_html(edition: m.Edition, fonts: FontSet, env, settings: PdfSettings, part: Part) -> str:
    """One part of the book as an HTML document (pure: no file is read or written)."""
    locate = image_locator(edition)

    def image_url(image: m.Image) -> str:
        found = locate(image)
        return found.as_uri() if found else ""

    geometry = geometry_of(settings, fonts)
    source_dir, target_dir = edition.directions
    source = side_style(edition.source_lang, source_dir, fonts, geometry)
    target = side_style(edition.target_lang, target_dir, fonts, geometry)
    faces = [{"family": f.family, "weight": f.weight, "style": f.style, "url": f.path.as_uri()} for f in fonts.faces]
    toc = toc_entries([chapter_outline(chapter) for chapter in edition.chapters]) if part.contents else []
    if part.toc_pages is not None:
        labels = {anchor: (source_label, target_label) for anchor, source_label, target_label in part.toc_pages}
        toc = [{**entry, "pages": labels[entry["anchor"]]} for entry in toc]
    # The whole book in one document links within itself; a piece (part.chapters given) never
    # holds the chapters its contents list.
    link = "#" if part.chapters is None else BOOK_DESTINATION
    toc = [{**entry, "href": link + entry["anchor"]} for entry in toc]

    def place_url(number: int, anchor: str) -> str:  # a link into the book, in this document or another piece
        return ("#" if part.chapters is None or number in part.chapters else BOOK_DESTINATION) + anchor

    chapters = [
        chapter_view(chapter, xhtml=False, image_url=image_url, place_url=place_url)
        for chapter in edition.chapters
        if part.chapters is None or chapter.number in part.chapters
    ]
    css = render(
        env,
        "pdf/book.css.j2",
        faces=faces,
        paper=settings.paper.css,
        geometry=geometry,
        layout=settings.layout,
        print_colours=print_colours(settings),
        part=part,
        source=source,
        target=target,
        persian_family=fonts.persian_family,
        latin_family=fonts.latin_family,
        code_family=fonts.code_family,
        fallbacks=fonts.stack_end(),
        toc_titles_label=_toc_label(source, target),
    )
    meta = edition.metadata
    return render(
        env,
        "pdf/book.html.j2",
        css=Markup(css),
        layout=settings.layout,
        part=part,
        binding=settings.binding,
        source=source,
        target=target,
        titles={"source": meta.titles[edition.source_lang], "target": meta.titles[edition.target_lang]},
        authors=" / ".join(meta.authors[lang] for lang in edition.languages if lang in meta.authors),
        subject=" / ".join(meta.subject[lang] for lang in edition.languages if lang in meta.subject),
        keywords=", ".join(edition.languages),
        # A piece's own dates are never seen (the assembly dates the book): left out, so that the
        # build time, which an edit moves when SOURCE_DATE_EPOCH is unset, does not make every
        # chapter a new piece to lay out.
        created=meta.modified if part.chapters is None else None,
        credits=credits(edition, xhtml=False),
        toc_titles={"source": _toc_title(source), "target": _toc_title(target)},
        toc=toc,
        chapters=chapters,
    )


@dataclass(frozen=True)
class Folio:
    """What is printed in the margins of one page: its kind (side and which languages), titles, numbers."""

    kind: str  # "blank", or "{left|right}-{both|source|target}"
    titles: tuple[str, str]
    numbers: tuple[str, str]


def folio_html(edition: m.Edition, fonts: FontSet, env, settings: PdfSettings, folios: list[Folio]) -> str:
    """A document of empty pages carrying the running heads and page numbers of `folios`."""
    geometry = geometry_of(settings, fonts)
    source_dir, target_dir = edition.directions
    source = side_style(edition.source_lang, source_dir, fonts, geometry)
    target = side_style(edition.target_lang, target_dir, fonts, geometry)
    faces = [{"family": f.family, "weight": f.weight, "style": f.style, "url": f.path.as_uri()} for f in fonts.faces]
    kinds = ["blank"] + [f"{side}-{shown}" for side in ("left", "right") for shown in ("both", "source", "target")]
    css = render(
        env, "pdf/folio.css.j2", faces=faces, paper=settings.paper.css, geometry=geometry, source=source, target=target,
        kinds=kinds, fallbacks=fonts.stack_end(), print_colours=print_colours(settings),
    )
    return render(env, "pdf/folio.html.j2", css=Markup(css), source=source, pages=folios)


def print_colours(settings: PdfSettings) -> dict | None:
    """For PDF/X: the output intent's profile (a file URL) and every colour of the page in CMYK ink.

    A PDF/X file may use no device RGB colour; the greys of the page become black ink only.
    """
    if settings.variant not in PDF_X or settings.output_profile is None:
        return None
    return {"profile": settings.output_profile.as_uri()}


def number_label(number: int, counter: str) -> str:
    return localized_number(number, "fa" if counter == "persian" else "en")


def fetch_guard(allowed: list[Path]):
    """A WeasyPrint URL fetcher that reads only files inside the allowed folders.

    Built on first use so that importing this module does not import WeasyPrint.
    """
    from weasyprint.urls import URLFetcher

    class FetchGuard(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
            self.allowed = [path.resolve() for path in allowed]
            self.refused: list[str] = []
            self.read: list[str] = []  # every file it let WeasyPrint load, for the cache (jobs.py)

        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "data":
                return super().fetch(url, headers)
            if parsed.scheme == "file":
                path = Path(url2pathname(parsed.path)).resolve()
                if any(path.is_relative_to(root) for root in self.allowed):
                    self.read.append(str(path))
                    return super().fetch(url, headers)
            self.refused.append(url)
            raise ValueError(f"refused to load {url}: outside the book")

    return FetchGuard()


class LogCollector(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@dataclass(frozen=True)
class LaidOut:
    """The laid-out parts, the pages in book order, and what WeasyPrint said meanwhile."""

    documents: tuple  # weasyprint.Document per part
    pages: tuple  # weasyprint.Page objects in the order they are printed
    refused: tuple[str, ...]
    messages: tuple[str, ...]

    @property
    def document(self):
        """The book as one WeasyPrint document (pages of every part, in print order)."""
        return self.documents[0].copy(list(self.pages))


class LayoutError(Exception):
    """The two streams of a facing book did not lay out alike (a bug, never the user's input)."""


def check_streams_alike(source: dict[str, tuple[int, float]], target: dict[str, tuple[int, float]]) -> None:
    """Every anchor at the same page and height in both facing streams, or LayoutError.

    The streams are built to lay out identically; this proves it on every
    build, so a spread can never drift out of step unnoticed.
    """
    pairs = re.compile(r"c\d+-p\d+$")  # notes may sit differently in the two footnote areas; pairs may not
    source = {name: place for name, place in source.items() if pairs.match(name)}
    target = {name: place for name, place in target.items() if pairs.match(name)}
    for name, (page, y) in source.items():
        other = target.get(name)
        if other is None or other[0] != page or abs(other[1] - y) > 0.01:
            raise LayoutError(f"facing streams differ at #{name}: source page {page + 1} at {y:.2f}, translation {other}")
    if set(source) != set(target):
        raise LayoutError(f"facing streams differ in anchors: {sorted(set(source) ^ set(target))[:5]}")


def _anchor_places(document) -> dict[str, tuple[int, float]]:
    places: dict[str, tuple[int, float]] = {}
    for number, page in enumerate(document.pages):
        for name, (_x1, y, *_rest) in page.anchors.items():
            places.setdefault(name, (number, y))
    return places


def _render_part(edition, fonts, env, settings, part, guard):
    import weasyprint

    html = document_html(edition, fonts, env, settings, part)
    return weasyprint.HTML(string=html, base_url=edition.folder.as_uri() + "/", url_fetcher=guard).render()


def lay_out(edition: m.Edition, fonts: FontSet, env, settings: PdfSettings) -> LaidOut:
    """Lay the book out with WeasyPrint, reading only the book's, templates' and fonts' files."""
    guard = fetch_guard([edition.folder, TOOL_TEMPLATES] + [face.path.parent for face in fonts.faces])
    collector = LogCollector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        if settings.layout != "facing":
            document = _render_part(edition, fonts, env, settings, Part("book"), guard)
            documents, pages = (document,), tuple(document.pages)
        else:
            title = _render_part(edition, fonts, env, settings, Part("title"), guard)
            source_part, target_part = facing_parts(settings, len(title.pages))
            source = _render_part(edition, fonts, env, settings, source_part, guard)
            target = _render_part(edition, fonts, env, settings, target_part, guard)
            if len(source.pages) != len(target.pages) or len(title.pages) % 2 == 0:
                raise LayoutError(
                    f"facing streams differ: {len(source.pages)} source pages, {len(target.pages)} translation pages, "
                    f"{len(title.pages)} title pages"
                )
            check_streams_alike(_anchor_places(source), _anchor_places(target))
            documents = (title, source, target)
            pages = tuple(title.pages) + tuple(page for spread in zip(source.pages, target.pages) for page in spread)
    finally:
        logger.removeHandler(collector)
    return LaidOut(documents, pages, tuple(guard.refused), tuple(collector.messages))


def page_numbers(pages) -> dict[str, int]:
    """The printed page on which each anchored element (every pair, every chapter) starts."""
    numbers: dict[str, int] = {}
    for number, page in enumerate(pages, start=1):
        for anchor in page.anchors:
            numbers.setdefault(anchor, number)
    return numbers


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int
    page_numbers: dict[str, int]
    problems: tuple[Problem, ...]


def pdf_bytes(laid: LaidOut, edition: m.Edition, settings: PdfSettings) -> bytes:
    """Write the laid-out book as PDF, with its identifier and viewer preferences."""
    import pydyf

    def finish(document, pdf):
        # Viewers show the spreads the way the book opens.
        pdf.catalog["ViewerPreferences"] = pydyf.Dictionary({"Direction": "/R2L" if settings.binding == "rtl" else "/L2R"})
        if settings.layout == "facing":
            pdf.catalog["PageLayout"] = "/TwoPageRight"

    text_layer.apply()
    return laid.document.write_pdf(
        pdf_identifier=edition.metadata.identifier.encode("utf-8"),
        pdf_variant=settings.variant,
        custom_metadata=True,
        finisher=finish,
    )


def weasyprint_problems(where: Location, refused, messages, *, ignore: str | None = None) -> list[Problem]:
    """What WeasyPrint refused or complained of, as problems (a refusal is not reported twice)."""
    problems = [warning("PDF-REFUSED-URL", where, f"refused to load {url}: outside the book") for url in refused]
    problems += [
        warning("PDF-RENDER", where, f"WeasyPrint: {message}")
        for message in messages
        if not any(url in message for url in refused) and not (ignore and ignore in message)
    ]
    return problems


def render_pdf(edition: m.Edition, fonts: FontSet, env, settings: PdfSettings) -> RenderedPdf:
    """The PDF's bytes, where each pair landed, and the problems WeasyPrint met."""
    laid = lay_out(edition, fonts, env, settings)
    measured = replace(settings, pages=len(laid.pages))
    if geometry_of(measured, fonts) != geometry_of(settings, fonts):  # the gutter this many pages need
        laid = lay_out(edition, fonts, env, measured)
    data = pdf_bytes(laid, edition, measured)
    problems = weasyprint_problems(Location(edition.chapters[0].source_path), laid.refused, laid.messages)
    return RenderedPdf(data, len(laid.pages), page_numbers(laid.pages), tuple(problems))
