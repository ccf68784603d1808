"""What the page templates loop over: chapters as rows of rendered pairs.

Shared by the PDF and EPUB views, which differ only in XHTML syntax and in
how images are referenced.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from markupsafe import Markup

from .. import model as m
from ..text.blocks import plain_inlines
from .html import HtmlRenderer, RenderedNote, lang_attrs, pair_anchor


@dataclass(frozen=True)
class SideView:
    role: str  # "source" | "target"
    lang: str
    attrs: Markup
    body: Markup
    notes: tuple[RenderedNote, ...]


@dataclass(frozen=True)
class HeadingView:
    level: int
    source: str
    target: str


@dataclass(frozen=True)
class RowView:
    anchor: str
    kind: str
    sides: tuple[SideView, SideView]
    continues_list: bool  # a list item that follows an item of the same list
    heading: HeadingView | None

    @property
    def bookmark(self) -> str:
        return bookmark_text(self.heading.source, self.heading.target) if self.heading else ""


@dataclass(frozen=True)
class ChapterView:
    anchor: str
    titles: tuple[str, str]  # source, target
    titled_by_heading: bool
    rows: tuple[RowView, ...]

    @property
    def bookmark(self) -> str:
        return "" if self.titled_by_heading else bookmark_text(*self.titles)


def bookmark_text(source: str, target: str) -> str:
    return f"{source} — {target}" if source and target else source or target


def image_locator(edition: m.Edition) -> Callable[[m.Image], Path | None]:
    """Find the file an image refers to: its path is relative to the book folder (read/book.py made it so)."""
    folder = edition.folder.resolve()

    def locate(image: m.Image):
        found = folder / image.path
        return found if found.is_file() else None

    return locate


@dataclass(frozen=True)
class ChapterOutline:
    """A chapter's titles and headings without its text: what contents and running heads need."""

    anchor: str
    titles: tuple[str, str]  # source, target
    titled_by_heading: bool
    headings: tuple[tuple[str, HeadingView], ...]  # (pair anchor, heading)


def _heading_view(pair: m.Pair) -> HeadingView | None:
    heading = pair.source.block.heading
    if heading is None:
        return None
    target = pair.target.block.heading
    return HeadingView(heading.level, plain_inlines(heading.inlines).strip(), plain_inlines(target.inlines).strip() if target else "")


def _titles(chapter: m.Chapter) -> tuple[str, str]:
    source_lang, target_lang = (side.lang for side in chapter.pairs[0].sides)
    return (chapter.titles[source_lang], chapter.titles[target_lang])


def chapter_outline(chapter: m.Chapter) -> ChapterOutline:
    headings = tuple(
        (pair_anchor(chapter.number, pair.number), heading) for pair in chapter.pairs if (heading := _heading_view(pair)) is not None
    )
    return ChapterOutline(f"chapter-{chapter.slug}", _titles(chapter), chapter.titled_by_heading, headings)


def chapter_view(
    chapter: m.Chapter, *, xhtml: bool, image_url: Callable[[m.Image], str], place_url: Callable[[int, str], str] | None = None
) -> ChapterView:
    """The chapter's rows as HTML; `place_url` gives a link into the book its URL (see HtmlRenderer)."""
    renderers = [
        HtmlRenderer(side.lang, side.direction, xhtml, image_url, f"c{chapter.number}-{role}", place_url=place_url)
        for role, side in zip(("s", "t"), chapter.pairs[0].sides)
    ]
    rows = []
    previous_list = None
    for pair in chapter.pairs:
        sides = []
        for role, renderer, side in zip(("source", "target"), renderers, pair.sides):
            rendered = renderer.side(side)
            sides.append(SideView(role, side.lang, lang_attrs(side.lang, side.direction, xhtml), rendered.body, rendered.notes))
        membership = pair.source.block.list_item
        list_key = membership.list_index if membership else None
        rows.append(
            RowView(
                anchor=pair_anchor(chapter.number, pair.number),
                kind=pair.source.block.kind,
                sides=(sides[0], sides[1]),
                continues_list=list_key is not None and list_key == previous_list,
                heading=_heading_view(pair),
            )
        )
        previous_list = list_key
    return ChapterView(f"chapter-{chapter.slug}", _titles(chapter), chapter.titled_by_heading, tuple(rows))


def credits(edition: m.Edition, xhtml: bool) -> list[dict]:
    """Author and translator lines for title pages, each in its own language."""
    meta = edition.metadata
    directions = dict(zip(edition.languages, edition.directions))
    lines = []
    for lang in edition.languages:
        if lang in meta.authors:
            lines.append({"text": meta.authors[lang], "attrs": lang_attrs(lang, directions[lang], xhtml)})
    for lang in edition.languages:
        if lang in meta.translators:
            label = {"fa": "ترجمهٔ ", "en": "Translated by "}.get(lang.split("-")[0], "")
            lines.append({"text": label + meta.translators[lang], "attrs": lang_attrs(lang, directions[lang], xhtml)})
    return lines
