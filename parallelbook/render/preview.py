"""The live preview's pages: the chapters as they will read, with check's flags in place.

Pure views, like the PDF's and the EPUB's: the preview server
(commands/watch.py) gives them the gathered book, the review's flags or the
problems that stop the book from being read, and serves what they return.
The pages use the book's own faces (served at /_preview/fonts/) and reload
themselves when the server says the book changed (a long poll of
/_preview/wait, as MkDocs' livereload does).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from .. import model as m
from ..problems import Problem
from .fonts import FontSet
from .templating import render
from .views import chapter_view

FONT_ROUTE = "/_preview/fonts/"
BOOK_ROUTE = "/_preview/book/"  # the book's own files (images), read only from inside the book folder


@dataclass(frozen=True)
class PreviewChapter:
    """A chapter as the index lists it: its page, its titles, how many flags it has."""

    stem: str
    href: str
    titles: tuple[str, str]
    flags: int


def chapter_stem(chapter: m.Chapter) -> str:
    """The page of `source/07-intro.md` is /07-intro.html."""
    return Path(chapter.source_path).stem


def font_files(fonts: FontSet) -> dict[str, Path]:
    """The faces the pages may load, by the name they are served under."""
    return {f"{face.role}{face.path.suffix.lower()}": face.path for face in fonts.faces}


def _faces(fonts: FontSet) -> list[dict]:
    return [
        {"family": face.family, "weight": face.weight, "style": face.style, "url": FONT_ROUTE + f"{face.role}{face.path.suffix.lower()}"}
        for face in fonts.faces
    ]


def _common(fonts: FontSet, version: int, title: str, lang: str, direction: str) -> dict:
    return {
        "faces": _faces(fonts),
        "persian": fonts.persian_family,
        "latin": fonts.latin_family,
        "version": version,
        "title": title,
        "lang": lang,
        "dir": direction,
    }


def index_page(env, fonts: FontSet, editions: tuple[m.Edition, ...], flags: dict[str, dict[tuple[str, int], list[Problem]]],
               builds: list[dict], version: int) -> str:
    """Every chapter of every edition, with its number of flags, and the outputs built so far ({href, text})."""
    groups = []
    for edition in editions:
        chapters = []
        for chapter in edition.chapters:
            count = sum(len(_flags_of(pair, flags.get(edition.target_lang, {}))) for pair in chapter.pairs)
            stem = chapter_stem(chapter)
            chapters.append(PreviewChapter(stem, f"/{quote(stem)}.html?lang={quote(edition.target_lang)}", _titles(chapter), count))
        groups.append({"languages": f"{edition.source_lang}–{edition.target_lang}", "chapters": chapters})
    first = editions[0] if editions else None
    return render(
        env,
        "preview/page.html.j2",
        page="index",
        groups=groups,
        builds=builds,
        problems=[],
        **_common(fonts, version, (first.metadata.titles[first.source_lang] if first else "preview"), "en", "ltr"),
    )


def chapter_page(env, fonts: FontSet, edition: m.Edition, chapter: m.Chapter,
                 flags: dict[tuple[str, int], list[Problem]], version: int) -> str:
    """The chapter's pairs side by side, the source on the side its script starts from, flags under each pair."""
    folder = edition.folder

    def image_url(image: m.Image) -> str:
        from ..read.book import resolve_image

        found = resolve_image(folder, folder / chapter.source_path, image.path)
        if found is None:
            return ""
        return BOOK_ROUTE + quote(found.relative_to(folder.resolve()).as_posix()) if found.is_relative_to(folder.resolve()) else ""

    pages = {other.number: chapter_stem(other) for other in edition.chapters}

    def place_url(number: int, anchor: str) -> str:  # a link into the book: this page, or another chapter's
        if number == chapter.number:
            return "#" + anchor
        return f"/{quote(pages[number])}.html?lang={quote(edition.target_lang)}#{anchor}"

    view = chapter_view(chapter, xhtml=False, image_url=image_url, place_url=place_url)
    rows = [{"view": row, "flags": _flags_of(pair, flags)} for row, pair in zip(view.rows, chapter.pairs)]
    source_dir = edition.directions[0]
    return render(
        env,
        "preview/page.html.j2",
        page="chapter",
        rows=rows,
        titles=view.titles,
        chapter_problems=[],
        problems=[],
        flow=source_dir,
        **_common(fonts, version, " / ".join(view.titles), edition.source_lang, source_dir),
    )


def error_page(env, problems: list[Problem], version: int) -> str:
    """The problems that stop the book from being read, each where it is; the page reloads when they are fixed."""
    return render(
        env,
        "preview/page.html.j2",
        page="error",
        problems=[str(problem) for problem in problems],
        faces=[],
        persian="serif",
        latin="serif",
        version=version,
        title="the book cannot be read",
        lang="en",
        dir="ltr",
    )


def _titles(chapter: m.Chapter) -> tuple[str, str]:
    source_lang, target_lang = (side.lang for side in chapter.pairs[0].sides)
    return (chapter.titles[source_lang], chapter.titles[target_lang])


def _flags_of(pair: m.Pair, flags: dict[tuple[str, int], list[Problem]]) -> list[str]:
    """check's findings about this pair: those located in either of its blocks."""
    found: list[str] = []
    for side in pair.sides:
        location = side.block.location
        for problem in flags.get((location.path, location.line), []):
            text = f"{problem.code}: {problem.message}"
            if text not in found:
                found.append(text)
    return found


def located_flags(review) -> dict[str, dict[tuple[str, int], list[Problem]]]:
    """The review's per-pair problems, by translation language and by the (path, line) of each block they concern."""
    flags: dict[str, dict[tuple[str, int], list[Problem]]] = {}
    for language in review.languages:
        by_place = flags.setdefault(language.target_lang, {})
        for row in language.rows():
            for block in (*row.sources, *row.targets):
                here = by_place.setdefault((block.location.path, block.location.line), [])
                here += [problem for problem in row.problems if problem not in here]
    return flags
