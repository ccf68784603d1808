"""The immutable model of an aligned bilingual book.

Everything the outputs show is in here, already validated and normalised: an
Edition (one source language paired with one translation language) holds
chapters, a chapter holds pairs, a pair holds two blocks, and every block
remembers where in which file it was written.  Outputs are pure views of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Union

from .problems import Location

# ---------------------------------------------------------------- inlines


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Styled:
    """Emphasis and its relatives; `style` is one of STYLES."""

    style: str
    children: tuple["Inline", ...]


STYLES = ("emph", "strong", "strikeout", "superscript", "subscript", "smallcaps", "underline")


@dataclass(frozen=True)
class Code:
    text: str


@dataclass(frozen=True)
class LineBreak:
    pass


@dataclass(frozen=True)
class Quoted:
    double: bool
    children: tuple["Inline", ...]


@dataclass(frozen=True)
class Link:
    url: str  # as written
    title: str
    children: tuple["Inline", ...]
    # A link to a place in this book (another chapter's file, a heading): its (chapter number,
    # pair number), which each output turns into its own address; None for a link to the web.
    place: tuple[int, int] | None = None


@dataclass(frozen=True)
class Image:
    """An image inside the book folder; `path` is relative to the book folder."""

    path: str
    alt: tuple["Inline", ...]
    title: str


@dataclass(frozen=True)
class Note:
    """A footnote; its body is a sequence of block contents."""

    blocks: tuple["Content", ...]


Inline = Union[Text, Styled, Code, LineBreak, Quoted, Link, Image, Note]

# ---------------------------------------------------------------- block contents


@dataclass(frozen=True)
class Paragraph:
    inlines: tuple[Inline, ...]


@dataclass(frozen=True)
class Heading:
    level: int
    inlines: tuple[Inline, ...]
    # What a link names it by: pandoc's (GitHub's) from its text as typed, or its {#id}.  Not part
    # of what is published: a heading whose text `fix` corrects is still the same heading.
    identifier: str = field(default="", compare=False)


@dataclass(frozen=True)
class ListBlock:
    """A list nested inside another block (top-level lists are split into items)."""

    ordered: bool
    start: int
    items: tuple[tuple["Content", ...], ...]
    delimiter: str = "."  # what follows an ordered list's numbers: "." (`1.`) or ")" (`1)`)


@dataclass(frozen=True)
class BlockQuote:
    blocks: tuple["Content", ...]


@dataclass(frozen=True)
class CodeBlock:
    text: str


@dataclass(frozen=True)
class Rule:
    pass


@dataclass(frozen=True)
class Table:
    header: tuple[tuple[tuple[Inline, ...], ...], ...]
    rows: tuple[tuple[tuple[Inline, ...], ...], ...]


Content = Union[Paragraph, Heading, ListBlock, BlockQuote, CodeBlock, Rule, Table]

# ---------------------------------------------------------------- paired units


@dataclass(frozen=True)
class ListMembership:
    """Where a top-level list item sits: which list of the chapter, its number."""

    list_index: int
    ordered: bool
    number: int
    delimiter: str = "."  # "." or ")", as the list was written


@dataclass(frozen=True)
class Block:
    """One unit of alignment: a paragraph, heading, list item, quote, table ..."""

    kind: str
    content: tuple[Content, ...]
    location: Location
    list_item: ListMembership | None = None

    @property
    def heading(self) -> Heading | None:
        first = self.content[0] if self.content else None
        return first if isinstance(first, Heading) else None


@dataclass(frozen=True)
class Side:
    lang: str
    direction: str  # "rtl" | "ltr"
    block: Block


@dataclass(frozen=True)
class Pair:
    number: int  # 1-based within the chapter
    source: Side
    target: Side

    @property
    def sides(self) -> tuple[Side, Side]:
        return (self.source, self.target)


@dataclass(frozen=True)
class Chapter:
    slug: str
    number: int
    source_path: str
    target_path: str
    titles: dict[str, str] = field(hash=False)
    titled_by_heading: bool
    pairs: tuple[Pair, ...]


@dataclass(frozen=True)
class Metadata:
    titles: dict[str, str] = field(hash=False)
    authors: dict[str, str] = field(hash=False)
    translators: dict[str, str] = field(hash=False)
    subject: dict[str, str] = field(hash=False)
    identifier: str
    date: str  # ISO 8601, from SOURCE_DATE_EPOCH or the book's setting
    modified: str  # ISO 8601 UTC with seconds, for dcterms:modified


@dataclass(frozen=True)
class Edition:
    """One fa–xx edition of the book: everything an output needs."""

    slug: str
    source_lang: str
    target_lang: str
    metadata: Metadata
    chapters: tuple[Chapter, ...]
    folder: Path  # the book folder, where images are resolved

    @property
    def languages(self) -> tuple[str, str]:
        return (self.source_lang, self.target_lang)

    @property
    def directions(self) -> tuple[str, str]:
        """Writing direction of the source and of the translation ("rtl" or "ltr")."""
        first = self.chapters[0].pairs[0]
        return (first.source.direction, first.target.direction)

    def pairs(self):
        for chapter in self.chapters:
            yield from chapter.pairs
