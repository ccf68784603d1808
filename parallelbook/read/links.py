"""Links from one place of the book to another.

Real texts link to their own parts the way their home repository or website did: a chapter's
file (`../deploy/README.md`, `02-intro.md`), a heading (`#what-is-django`, `02-intro.md#setup`).
No output has those files or addresses: the EPUB holds XHTML files of its own, the PDF pages.
So each such link is given the (chapter, pair) it leads to, which every output turns into its
own address.  A link that leads to no chapter of the book is kept as text with a warning
(`LINK-BROKEN`), so that no output carries a dead link (EPUBCheck refuses an EPUB with one).
Links with a scheme (https:, mailto:) are the web's and are left as they are.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, replace
from typing import Iterable, Sequence
from urllib.parse import unquote, urlparse

from .. import model as m
from ..problems import Location, Problem, warning
from ..text.blocks import map_links

Place = tuple[int, int]  # (chapter number, pair number)


@dataclass(frozen=True)
class ChapterLinks:
    """What a link can lead to in one chapter: its files, and its blocks, each with the number of its pair."""

    number: int
    paths: tuple[str, ...]
    blocks: tuple[tuple[str, int, m.Block], ...]  # (language, pair number, block)


def resolve_links(chapters: list[m.Chapter]) -> tuple[list[m.Chapter], list[Problem]]:
    """The chapters with every link into the book given its place, and the links that lead nowhere."""
    index = _Index(
        ChapterLinks(
            chapter.number,
            (chapter.source_path, chapter.target_path),
            tuple((side.lang, pair.number, side.block) for pair in chapter.pairs for side in pair.sides),
        )
        for chapter in chapters
    )
    problems: list[Problem] = []

    def resolved(block: m.Block, lang: str, here: int) -> m.Block:
        def place_of(link: m.Link) -> tuple[m.Inline, ...]:
            found, problem = index.place(link.url, block.location, lang, here)
            if problem is not None:
                problems.append(problem)
            if found is not None:
                return (replace(link, place=found),)
            return (link,) if problem is None else link.children

        return map_links(block, place_of)

    done = []
    for chapter in chapters:
        pairs = tuple(
            replace(
                pair,
                source=replace(pair.source, block=resolved(pair.source.block, pair.source.lang, chapter.number)),
                target=replace(pair.target, block=resolved(pair.target.block, pair.target.lang, chapter.number)),
            )
            for pair in chapter.pairs
        )
        done.append(replace(chapter, pairs=pairs))
    return done, problems


def broken_links(chapters: Sequence[ChapterLinks]) -> list[Problem]:
    """The links of these chapters that lead nowhere (what resolve_links reports, before pairing)."""
    index = _Index(chapters)
    problems: list[Problem] = []
    for chapter in chapters:
        for lang, _pair, block in chapter.blocks:

            def check(link: m.Link, block: m.Block = block, lang: str = lang) -> tuple[m.Inline, ...]:
                _found, problem = index.place(link.url, block.location, lang, chapter.number)
                if problem is not None:
                    problems.append(problem)
                return (link,)

            map_links(block, check)
    return problems


class _Index:
    def __init__(self, chapters: Iterable[ChapterLinks]):
        self.chapters = {chapter.number: chapter for chapter in chapters}
        self.by_file = {}
        for chapter in self.chapters.values():
            for path in chapter.paths:
                if path:
                    self.by_file.setdefault(_normal(path), chapter.number)

    def place(self, url: str, where: Location, lang: str, here: int) -> tuple[Place | None, Problem | None]:
        """(the place a link leads to, or None) and the problem with it, if any."""
        parsed = urlparse(url)
        if parsed.scheme or parsed.netloc or not url.strip():
            return None, None  # the web's, or an address the reader's system resolves (mailto:, tel:)
        path, fragment = unquote(parsed.path), unquote(parsed.fragment)
        if path:
            target = self.by_file.get(_normal(posixpath.join(posixpath.dirname(where.path.replace("\\", "/")), path)))
            if target is None:
                return None, warning(
                    "LINK-BROKEN", where, f"the link to {url!r} leads to no chapter of this book: its text is kept without the link"
                )
            candidates = [target]
        else:  # this chapter's heading, or, as a reader would guess, another chapter's
            target = here
            candidates = [here, *(number for number in self.chapters if number != here)]
        if not fragment:
            return (target, 1), None
        for number in candidates:
            pair = self._heading_pair(number, fragment, lang)
            if pair is not None:
                return (number, pair), None
        if path:
            return (target, 1), warning(
                "LINK-BROKEN", where, f"the link to {url!r}: its chapter has no heading #{fragment}; the link leads to the chapter's start"
            )
        return None, warning(
            "LINK-BROKEN", where, f"the link to {url!r}: no heading of the book is #{fragment}; its text is kept without the link"
        )

    def _heading_pair(self, number: int, identifier: str, lang: str) -> int | None:
        """The pair whose heading (on the link's side first, then the other) is named `identifier`."""
        blocks = self.chapters[number].blocks
        for own_side in (True, False):
            for block_lang, pair, block in blocks:
                heading = block.heading
                if (block_lang == lang) == own_side and heading is not None and heading.identifier == identifier:
                    return pair
        return None


def _normal(path: str) -> str:
    return posixpath.normpath(path.replace("\\", "/"))
