"""The PDF view: the edition rendered to HTML through templates, laid out by WeasyPrint.

Layout "columns": every pair is one row of a two-column page, the source on
the side its script reads from (Persian on the right), both sides starting
on the same baseline.  WeasyPrint only ever sees files of the book, the
tool's templates and the fonts: every other URL is refused and reported.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from markupsafe import Markup

from . import model as m
from .fonts import FontSet
from .html import lang_attrs
from .problems import Location, Problem, warning
from .templating import TOOL_TEMPLATES, render
from .views import chapter_view, credits, image_locator

PAPER = {"A4": "A4", "A5": "A5", "Letter": "letter"}


def _side_style(lang: str, direction: str, fonts: FontSet) -> dict:
    right = direction == "rtl"
    return {
        "lang": lang,
        "dir": direction,
        "attrs": lang_attrs(lang, direction, xhtml=False),
        "family": fonts.persian_family if lang.split("-")[0] == "fa" else fonts.latin_family,
        "counter": "persian" if lang.split("-")[0] == "fa" else "decimal",
        "edge": "right" if right else "left",
        "inner": "left" if right else "right",
    }


def document_html(edition: m.Edition, fonts: FontSet, env, *, paper: str, layout: str) -> str:
    """The whole book as one HTML document (pure: no file is read or written)."""
    locate = image_locator(edition)

    def image_url(image: m.Image) -> str:
        found = locate(image)
        return found.as_uri() if found else ""

    source_dir, target_dir = edition.directions
    source = _side_style(edition.source_lang, source_dir, fonts)
    target = _side_style(edition.target_lang, target_dir, fonts)
    faces = [
        {"family": f.family, "weight": f.weight, "style": f.style, "url": f.path.as_uri()} for f in fonts.faces
    ]
    css = render(
        env,
        "pdf/book.css.j2",
        faces=faces,
        paper=PAPER[paper],
        source=source,
        target=target,
        persian_family=fonts.persian_family,
        latin_family=fonts.latin_family,
    )
    meta = edition.metadata
    return render(
        env,
        "pdf/book.html.j2",
        css=Markup(css),
        layout=layout,
        source=source,
        target=target,
        titles={"source": meta.titles[edition.source_lang], "target": meta.titles[edition.target_lang]},
        authors=" / ".join(meta.authors[lang] for lang in edition.languages if lang in meta.authors),
        subject=" / ".join(meta.subject[lang] for lang in edition.languages if lang in meta.subject),
        keywords=", ".join(edition.languages),
        created=meta.modified,
        credits=credits(edition, xhtml=False),
        chapters=[chapter_view(chapter, xhtml=False, image_url=image_url) for chapter in edition.chapters],
    )


def _fetch_guard(allowed: list[Path]):
    """A WeasyPrint URL fetcher that reads only files inside the allowed folders.

    Built on first use so that importing this module does not import WeasyPrint.
    """
    from weasyprint.urls import URLFetcher

    class FetchGuard(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
            self.allowed = [path.resolve() for path in allowed]
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "data":
                return super().fetch(url, headers)
            if parsed.scheme == "file":
                path = Path(url2pathname(parsed.path)).resolve()
                if any(path.is_relative_to(root) for root in self.allowed):
                    return super().fetch(url, headers)
            self.refused.append(url)
            raise ValueError(f"refused to load {url}: outside the book")

    return FetchGuard()


class _LogCollector(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@dataclass(frozen=True)
class LaidOut:
    """A laid-out document and what WeasyPrint said while laying it out."""

    document: object  # weasyprint.Document
    refused: tuple[str, ...]
    messages: tuple[str, ...]


def lay_out(edition: m.Edition, fonts: FontSet, env, *, paper: str, layout: str) -> LaidOut:
    """Lay the book out with WeasyPrint, reading only the book's, templates' and fonts' files."""
    import weasyprint

    html = document_html(edition, fonts, env, paper=paper, layout=layout)
    guard = _fetch_guard([edition.folder, TOOL_TEMPLATES] + [face.path.parent for face in fonts.faces])
    collector = _LogCollector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        document = weasyprint.HTML(string=html, base_url=edition.folder.as_uri() + "/", url_fetcher=guard).render()
    finally:
        logger.removeHandler(collector)
    return LaidOut(document, tuple(guard.refused), tuple(collector.messages))


def page_numbers(document) -> dict[str, int]:
    """The printed page on which each anchored element (every pair, every chapter) starts."""
    numbers: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            numbers.setdefault(anchor, number)
    return numbers


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int
    page_numbers: dict[str, int]
    problems: tuple[Problem, ...]


def render_pdf(edition: m.Edition, fonts: FontSet, env, *, paper: str, layout: str, variant: str | None = None) -> RenderedPdf:
    """The PDF's bytes, where each pair landed, and the problems WeasyPrint met."""
    laid = lay_out(edition, fonts, env, paper=paper, layout=layout)
    data = laid.document.write_pdf(
        pdf_identifier=edition.metadata.identifier.encode("utf-8"),
        pdf_variant=variant,
        custom_metadata=True,
    )
    where = Location(edition.chapters[0].source_path)
    problems: list[Problem] = [
        warning("PDF-REFUSED-URL", where, f"refused to load {url}: outside the book") for url in laid.refused
    ]
    problems += [
        warning("PDF-RENDER", where, f"WeasyPrint: {message}")
        for message in laid.messages
        if not any(url in message for url in laid.refused)
    ]
    return RenderedPdf(data, len(laid.document.pages), page_numbers(laid.document), tuple(problems))
