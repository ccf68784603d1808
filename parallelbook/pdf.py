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
from .book import resolve_image
from .fonts import LATIN_FAMILY, PERSIAN_FAMILY, FontSet
from .html import HtmlRenderer, RenderedSide, lang_attrs
from .problems import Location, Problem, warning
from .templating import TOOL_TEMPLATES, render
from .transform import plain_inlines

PAPER = {"A4": "A4", "A5": "A5", "Letter": "letter"}


@dataclass(frozen=True)
class SideView:
    role: str  # "source" | "target"
    attrs: Markup
    body: Markup
    notes: tuple


@dataclass(frozen=True)
class RowView:
    anchor: str
    kind: str
    sides: tuple[SideView, SideView]
    continues_list: bool
    bookmark: str
    bookmark_level: int


@dataclass(frozen=True)
class ChapterView:
    anchor: str
    bookmark: str
    rows: tuple[RowView, ...]


def _family(lang: str) -> str:
    return PERSIAN_FAMILY if lang.split("-")[0] == "fa" else LATIN_FAMILY


def _side_style(lang: str, direction: str) -> dict:
    right = direction == "rtl"
    return {
        "lang": lang,
        "dir": direction,
        "attrs": lang_attrs(lang, direction, xhtml=False),
        "family": _family(lang),
        "counter": "persian" if lang.split("-")[0] == "fa" else "decimal",
        "edge": "right" if right else "left",
        "inner": "left" if right else "right",
    }


def bookmark_text(source: str, target: str) -> str:
    return f"{source} — {target}" if source and target else source or target


def chapter_views(edition: m.Edition, image_url) -> tuple[ChapterView, ...]:
    chapters = []
    for chapter in edition.chapters:
        renderers = [
            HtmlRenderer(side.lang, side.direction, False, image_url, f"c{chapter.number}-{role}")
            for role, side in zip(("s", "t"), chapter.pairs[0].sides)
        ]
        rows = []
        previous_list = None
        for pair in chapter.pairs:
            rendered: list[RenderedSide] = [renderer.side(side) for renderer, side in zip(renderers, pair.sides)]
            heading = pair.source.block.heading
            target_heading = pair.target.block.heading
            membership = pair.source.block.list_item
            list_key = membership.list_index if membership else None
            rows.append(
                RowView(
                    anchor=f"c{chapter.number}-p{pair.number}",
                    kind=pair.source.block.kind,
                    sides=tuple(
                        SideView(role, lang_attrs(side.lang, side.direction, xhtml=False), side.body, side.notes)
                        for role, side in zip(("source", "target"), rendered)
                    ),
                    continues_list=list_key is not None and list_key == previous_list,
                    bookmark=bookmark_text(
                        plain_inlines(heading.inlines).strip() if heading else "",
                        plain_inlines(target_heading.inlines).strip() if target_heading else "",
                    )
                    if heading
                    else "",
                    bookmark_level=heading.level if heading else 0,
                )
            )
            previous_list = list_key
        bookmark = (
            ""
            if chapter.titled_by_heading
            else bookmark_text(chapter.titles[edition.source_lang], chapter.titles[edition.target_lang])
        )
        chapters.append(ChapterView(f"chapter-{chapter.slug}", bookmark, tuple(rows)))
    return tuple(chapters)


def _credits(edition: m.Edition) -> list[dict]:
    lines = []
    meta = edition.metadata
    for lang, direction in ((edition.source_lang, "rtl"), (edition.target_lang, "ltr")):
        if lang in meta.authors:
            lines.append({"text": meta.authors[lang], "attrs": lang_attrs(lang, _dir(edition, lang), False)})
    for lang in (edition.source_lang, edition.target_lang):
        if lang in meta.translators:
            label = "ترجمهٔ " if lang == "fa" else "Translated by " if lang == "en" else ""
            lines.append({"text": label + meta.translators[lang], "attrs": lang_attrs(lang, _dir(edition, lang), False)})
    return lines


def _dir(edition: m.Edition, lang: str) -> str:
    first = edition.chapters[0].pairs[0]
    return first.source.direction if lang == edition.source_lang else first.target.direction


def document_html(edition: m.Edition, fonts: FontSet, env, *, paper: str, layout: str) -> str:
    """The whole book as one HTML document (pure: no file is read or written)."""
    folder = edition.folder

    def image_url(image: m.Image) -> str:
        for chapter in edition.chapters:
            resolved = resolve_image(folder, folder / chapter.source_path, image.path)
            if resolved is not None and resolved.is_file():
                return resolved.as_uri()
        return ""

    source_dir = _dir(edition, edition.source_lang)
    target_dir = _dir(edition, edition.target_lang)
    source = _side_style(edition.source_lang, source_dir)
    target = _side_style(edition.target_lang, target_dir)
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
        persian_family=PERSIAN_FAMILY,
        latin_family=LATIN_FAMILY,
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
        credits=_credits(edition),
        chapters=chapter_views(edition, image_url),
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


def render_pdf(edition: m.Edition, fonts: FontSet, env, *, paper: str, layout: str, variant: str | None = None):
    """Lay the book out; return the PDF bytes, the page count and the problems WeasyPrint met."""
    import weasyprint

    html = document_html(edition, fonts, env, paper=paper, layout=layout)
    guard = _fetch_guard([edition.folder, TOOL_TEMPLATES] + [face.path.parent for face in fonts.faces])
    collector = _LogCollector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        document = weasyprint.HTML(string=html, base_url=str(edition.folder) + "/", url_fetcher=guard).render()
        data = document.write_pdf(
            pdf_identifier=edition.metadata.identifier.encode("utf-8"),
            pdf_variant=variant,
            custom_metadata=True,
        )
    finally:
        logger.removeHandler(collector)
    problems: list[Problem] = [
        warning("PDF-REFUSED-URL", Location(edition.chapters[0].source_path), f"refused to load {url}: outside the book")
        for url in guard.refused
    ]
    problems += [
        warning("PDF-RENDER", Location(edition.chapters[0].source_path), f"WeasyPrint: {message}")
        for message in collector.messages
        if not any(url in message for url in guard.refused)
    ]
    return data, len(document.pages), problems
