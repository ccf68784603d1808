"""The EPUB 3 view: XHTML chapters, navigation, cover and package, zipped reproducibly.

The archive is a pure function of the edition, the fonts, the templates and
the printed page numbers it is given: every file is rendered first, then
`mimetype` is stored first and every other entry follows sorted and dated
from the edition's build time; the identifier is derived from the book.

Every text block says its language (lang, xml:lang, dir); the package names
both languages, the primary (the source) first, and pages turn the way the
primary language reads unless the book says otherwise.  When the PDF's page
numbers are given, a page-list and page-break markers let a class say "page
12" on paper and on an e-reader alike.

`convert_for_readers` turns a written EPUB into AZW3 (Kindle) and kepub
(Kobo) with calibre's ebook-convert when it is installed.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import struct
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from markupsafe import Markup

from .. import model as m
from ..problems import Location, Problem, error, warning
from ..render.cover import render_cover
from ..render.fonts import FALLBACK_ROLES, FontSet, faces_for, subset
from ..render.html import lang_attrs
from ..render.templating import render
from ..render.views import ChapterView, RowView, chapter_view, credits, image_locator
from ..text.blocks import images as content_images
from ..text.blocks import plain_inlines

CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles>
<rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>
</rootfiles>
</container>
"""
FONT_FILES = {
    "persian": "persian-regular.ttf",
    "persian_bold": "persian-bold.ttf",
    "latin": "latin-regular.ttf",
    "latin_italic": "latin-italic.ttf",
    "latin_bold": "latin-bold.ttf",
    "latin_bold_italic": "latin-bold-italic.ttf",
    "code": "code-regular.ttf",
    "fallback": "fallback-regular.ttf",
    "symbols": "symbols-regular.ttf",
}
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".svg": "image/svg+xml", ".webp": "image/webp"}
LAYOUTS = ("interleaved", "columns")
PAGE_DIRECTIONS = ("rtl", "ltr", "default")
COVER_IMAGE = "images/cover.png"

# Navigation labels in the primary language (English for any language not listed).
LABELS = {
    "fa": {"toc": "فهرست", "landmarks": "نشانه‌ها", "pages": "صفحه‌ها", "cover": "جلد", "titlepage": "صفحهٔ عنوان"},
    "en": {"toc": "Contents", "landmarks": "Landmarks", "pages": "Pages", "cover": "Cover", "titlepage": "Title page"},
}
LANGUAGE_NAMES = {"fa": "Persian", "en": "English", "es": "Spanish", "fr": "French", "de": "German", "ar": "Arabic"}


@dataclass(frozen=True)
class ManifestItem:
    id: str
    href: str
    media_type: str
    properties: str = ""


@dataclass(frozen=True)
class Language:
    """A language of the edition as the templates use it."""

    lang: str
    direction: str

    @property
    def attrs(self) -> Markup:
        """lang, xml:lang and dir, for any XHTML element."""
        return lang_attrs(self.lang, self.direction, xhtml=True)

    @property
    def xml_attrs(self) -> Markup:
        """xml:lang and dir, for the package document."""
        return Markup(f'xml:lang="{self.lang}" dir="{self.direction}"')


@dataclass(frozen=True)
class PageBreak:
    """A printed page that starts with a pair: where its marker goes in the EPUB."""

    page: int
    anchor: str  # the pair the page starts with
    href: str  # chapter file#marker id

    @property
    def id(self) -> str:
        return f"page-{self.page}"

    @property
    def label(self) -> str:
        return str(self.page)


@dataclass(frozen=True)
class Row:
    """A pair as the chapter template writes it: the rendered row and the page it starts, if any."""

    view: RowView
    page_break: PageBreak | None


def chapter_file(chapter: m.Chapter) -> str:
    return f"chapter-{chapter.number:03d}-{chapter.slug}.xhtml"


def page_progression(edition: m.Edition, setting: str | None = None) -> str:
    """The spine's page-progression-direction: the book's setting, else the primary (source) language's."""
    if setting is not None:
        if setting not in PAGE_DIRECTIONS:
            raise ValueError(f"page direction must be one of {', '.join(PAGE_DIRECTIONS)}, not {setting!r}")
        return setting
    return edition.directions[0]


def page_breaks(edition: m.Edition, page_numbers: dict[str, int] | None) -> tuple[dict[str, PageBreak], list[Problem]]:
    """The pairs that start a printed page, by pair anchor, and a warning if none does.

    A page gets a marker before the first pair that starts on it; pages that
    hold only the rest of a long pair get none, and numbers that do not grow
    (an anchor placed earlier than its predecessor) are ignored.
    """
    if page_numbers is None:
        return {}, []
    breaks: dict[str, PageBreak] = {}
    last = 0
    for chapter in edition.chapters:
        for pair in chapter.pairs:
            anchor = f"c{chapter.number}-p{pair.number}"
            page = page_numbers.get(anchor)
            if isinstance(page, int) and page > last:
                breaks[anchor] = PageBreak(page, anchor, f"{chapter_file(chapter)}#page-{page}")
                last = page
    if breaks:
        return breaks, []
    return {}, [
        warning(
            "EPUB-PAGE-LIST",
            Location(edition.chapters[0].source_path),
            "page numbers were given, but none belongs to a pair of this edition; the EPUB has no page-list",
        )
    ]


def render_epub(
    edition: m.Edition,
    fonts: FontSet,
    env,
    *,
    layout: str,
    first: str,
    page_numbers: dict[str, int] | None = None,
    page_direction: str | None = None,
    page_source: str | None = None,
    cache=None,
) -> tuple[bytes, list[Problem]]:
    """The EPUB archive's bytes and any problems met while rendering.

    `page_numbers` maps pair anchors (c{chapter}-p{pair}) to the printed PDF
    page each starts on; without it the EPUB has no page-list.
    `page_direction` overrides the page progression ("rtl", "ltr", "default");
    `page_source` names the printed edition the page numbers come from.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"EPUB layout must be one of {', '.join(LAYOUTS)}, not {layout!r}")
    if first not in ("source", "translation"):
        raise ValueError(f"first must be 'source' or 'translation', not {first!r}")
    problems: list[Problem] = []
    source_dir, target_dir = edition.directions
    primary = Language(edition.source_lang, source_dir)
    secondary = Language(edition.target_lang, target_dir)
    reading = (primary, secondary) if first == "source" else (secondary, primary)
    labels = LABELS.get(primary.lang.split("-")[0], LABELS["en"])
    meta = edition.metadata
    titles = {"source": meta.titles[edition.source_lang], "target": meta.titles[edition.target_lang]}
    locate = image_locator(edition)
    images: dict[Path, str] = {}

    def image_url(image: m.Image) -> str:
        found = locate(image)
        if found is None:
            return ""
        return images.setdefault(found, f"images/{len(images) + 1:03d}{found.suffix.lower()}")

    breaks, found = page_breaks(edition, page_numbers)
    problems += found

    # ---------------------------------------------------------------- gather
    files: dict[str, bytes] = {}
    toc: list[dict] = []
    files_of = {chapter.number: chapter_file(chapter) for chapter in edition.chapters}

    def place_url(number: int, anchor: str) -> str:  # a link into the book: the chapter's file and the pair
        return f"{files_of[number]}#{anchor}"

    for chapter in edition.chapters:
        name = chapter_file(chapter)
        view = chapter_view(chapter, xhtml=True, image_url=image_url, place_url=place_url)
        files[f"EPUB/{name}"] = _text(
            env,
            "epub/chapter.xhtml.j2",
            primary=primary,
            title=" / ".join(view.titles),
            label=view.titles[0],
            layout=layout,
            anchor=view.anchor,
            rows=[Row(_ordered(row, first), breaks.get(row.anchor)) for row in view.rows],
        )
        toc.extend(_toc_entries(name, view, primary, secondary, first))

    cover, found = render_cover(edition, fonts)
    problems += found
    if cover is not None:
        files[f"EPUB/{COVER_IMAGE}"] = cover
        files["EPUB/cover.xhtml"] = _text(
            env,
            "epub/cover.xhtml.j2",
            primary=primary,
            title=labels["cover"],
            image=COVER_IMAGE,
            alt=f"{titles['source']} / {titles['target']}",
        )
    files["EPUB/title.xhtml"] = _text(
        env, "epub/title.xhtml.j2", primary=primary, secondary=secondary, titles=titles, credits=credits(edition, xhtml=True)
    )
    first_chapter = edition.chapters[0]
    landmarks = [{"type": "cover", "href": "cover.xhtml", "text": labels["cover"]}] if cover is not None else []
    landmarks += [
        {"type": "titlepage", "href": "title.xhtml", "text": labels["titlepage"]},
        {"type": "toc", "href": "nav.xhtml#toc", "text": labels["toc"]},
        {"type": "bodymatter", "href": chapter_file(first_chapter), "text": first_chapter.titles[edition.source_lang]},
    ]
    files["EPUB/nav.xhtml"] = _text(
        env,
        "epub/nav.xhtml.j2",
        primary=primary,
        english=Language("en", "ltr"),
        labels=labels,
        toc=toc,
        landmarks=landmarks,
        pages=list(breaks.values()),
    )
    # The faces this book needs: the colophon adds no character they lack.
    embedded = faces_for(fonts, "".join(data.decode("utf-8") for name, data in files.items() if name.endswith(".xhtml")))
    licences = _licences(fonts, embedded)
    files["EPUB/colophon.xhtml"] = _text(
        env,
        "epub/colophon.xhtml.j2",
        english=Language("en", "ltr"),
        licences=licences,
        page_source=(page_source or _default_page_source(edition)) if breaks else "",
    )
    faces = [{"family": f.family, "weight": f.weight, "style": f.style, "file": FONT_FILES[f.role]} for f in embedded]
    fallbacks = "".join(f', "{f.family}"' for f in embedded if f.role in FALLBACK_ROLES)
    files["EPUB/css/book.css"] = render(
        env, "epub/book.css.j2", faces=faces, persian=fonts.persian_family, latin=fonts.latin_family,
        code=fonts.code_family, fallbacks=fallbacks,
    ).encode("utf-8")

    # Subset the faces to what the book's XHTML actually contains.
    used = "".join(sorted(set("".join(data.decode("utf-8") for name, data in files.items() if name.endswith(".xhtml")))))
    for face in embedded:
        files[f"EPUB/fonts/{FONT_FILES[face.role]}"] = subset(face.path, used, cache)
    for licence in licences:
        files[f"EPUB/{licence['href']}"] = licence["text"].encode("utf-8")
    for path, href in images.items():
        files[f"EPUB/{href}"] = path.read_bytes()

    # ---------------------------------------------------------------- package
    manifest = [ManifestItem("nav", "nav.xhtml", "application/xhtml+xml", "nav")]
    spine = []
    if cover is not None:
        manifest += [
            ManifestItem("cover", "cover.xhtml", "application/xhtml+xml"),
            ManifestItem("cover-image", COVER_IMAGE, "image/png", "cover-image"),
        ]
        spine.append("cover")
    manifest.append(ManifestItem("title", "title.xhtml", "application/xhtml+xml"))
    manifest += [ManifestItem(f"chapter-{c.number}", chapter_file(c), "application/xhtml+xml") for c in edition.chapters]
    manifest.append(ManifestItem("colophon", "colophon.xhtml", "application/xhtml+xml"))
    manifest.append(ManifestItem("css", "css/book.css", "text/css"))
    manifest += [
        ManifestItem(f"font-{face.role.replace('_', '-')}", f"fonts/{FONT_FILES[face.role]}", "font/ttf") for face in embedded
    ]
    manifest += [ManifestItem(f"licence-{i}", licence["href"], "text/plain") for i, licence in enumerate(licences, 1)]
    manifest += [
        ManifestItem(f"image-{i}", href, IMAGE_TYPES.get(Path(href).suffix, "image/png"))
        for i, href in enumerate(images.values(), 1)
    ]
    spine += ["title", "nav"] + [f"chapter-{c.number}" for c in edition.chapters] + ["colophon"]

    alt_texts = [
        plain_inlines(image.alt).strip()
        for pair in edition.pairs()
        for side in pair.sides
        for image in content_images(side.block.content)
    ]
    visual = cover is not None or bool(alt_texts)
    all_described = all(alt_texts)
    features = ["tableOfContents", "readingOrder", "structuralNavigation", "displayTransformability"]
    if visual and all_described:
        features.append("alternativeText")
    if breaks:
        features += ["pageNavigation", "pageBreakMarkers"]
    by_language = ((edition.source_lang, primary), (edition.target_lang, secondary))
    files["EPUB/package.opf"] = _text(
        env,
        "epub/package.opf.j2",
        primary=primary,
        secondary=secondary,
        english=Language("en", "ltr"),
        identifier=meta.identifier,
        titles=titles,
        creators=[{"name": meta.authors[l], "language": lang} for l, lang in by_language if l in meta.authors],
        translators=[{"name": meta.translators[l], "language": lang} for l, lang in by_language if l in meta.translators],
        subjects=[{"text": meta.subject[l], "language": lang} for l, lang in by_language if l in meta.subject],
        date=meta.date,
        modified=meta.modified,
        access_modes=["textual", "visual"] if visual else ["textual"],
        sufficient=(["textual"] if all_described else []) + (["textual,visual"] if visual else []),
        features=features,
        accessibility_summary=_summary(edition, layout, reading, cover is not None, len(alt_texts), bool(breaks)),
        page_source=(page_source or _default_page_source(edition)) if breaks else "",
        cover="cover-image" if cover is not None else "",
        manifest=manifest,
        spine=spine,
        page_progression=page_progression(edition, page_direction),
    )
    files["META-INF/container.xml"] = CONTAINER.encode("utf-8")

    # ---------------------------------------------------------------- write
    return zip_epub(files, datetime.fromisoformat(meta.modified.replace("Z", "+00:00"))), problems


def _text(env, template: str, **context) -> bytes:
    return render(env, template, **context).encode("utf-8")


def _ordered(row: RowView, first: str) -> RowView:
    """The row with its sides in reading order: the source first unless the book says otherwise."""
    if first == "translation":
        return replace(row, sides=(row.sides[1], row.sides[0]))
    return row


def _toc_entries(href: str, view: ChapterView, primary: Language, secondary: Language, first: str) -> list[dict]:
    """The chapter's navigation entries: its headings as a tree, under the chapter title if it has none.

    Each entry gives both languages, in the book's reading order, each in an
    element that says its language.
    """

    def entry(link: str, source: str, target: str, level: int) -> dict:
        parts = [{"text": source, "language": primary}, {"text": target, "language": secondary}]
        if first == "translation":
            parts.reverse()
        return {"href": link, "level": level, "parts": [p for p in parts if p["text"]], "children": []}

    headings = [
        entry(f"{href}#{row.anchor}", row.heading.source, row.heading.target, row.heading.level)
        for row in view.rows
        if row.heading
    ]
    if view.titled_by_heading:
        return _nest(headings)
    top = entry(href, view.titles[0], view.titles[1], 0)
    top["children"] = _nest(headings)
    return [top]


def _nest(headings: list[dict]) -> list[dict]:
    """Headings as a tree by level, for the navigation document."""
    root: list[dict] = []
    stack: list[tuple[int, list[dict]]] = [(0, root)]
    for heading in headings:
        node = {**heading, "children": []}
        while stack[-1][0] >= heading["level"]:
            stack.pop()
        stack[-1][1].append(node)
        stack.append((heading["level"], node["children"]))
    return root


def _licences(fonts: FontSet, embedded) -> list[dict]:
    """Each licence file of an embedded face, with the embedded families it covers (the faces in its folder)."""
    licences = []
    for path in fonts.licences:
        families = sorted({face.family for face in embedded if face.path.parent == path.parent})
        if not families and any(face.path.parent == path.parent for face in fonts.faces):
            continue  # a licence of faces this book does not embed
        name = " and ".join(families) or path.parent.name
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "font"
        licences.append({"name": name, "file": path.name, "href": f"fonts/{slug}-{path.name}", "text": path.read_text("utf-8")})
    return licences


def _default_page_source(edition: m.Edition) -> str:
    """The printed edition the page numbers come from, as the package and the colophon name it."""
    meta = edition.metadata
    return f"the PDF edition of “{meta.titles[edition.target_lang]}” ({meta.identifier})"


def _language_name(lang: str) -> str:
    return LANGUAGE_NAMES.get(lang.split("-")[0], lang)


def _summary(edition: m.Edition, layout: str, reading: tuple[Language, Language], cover: bool, images: int, pages: bool) -> str:
    """The accessibility summary: what a reader who cannot see the page needs to know first."""
    first, second = (_language_name(language.lang) for language in reading)
    arrangement = (
        f"each passage in {first} is followed by the same passage in {second}"
        if layout == "interleaved"
        else f"each passage in {first} is set beside the same passage in {second}"
    )
    sentences = [
        f"A bilingual parallel text: {arrangement}, and every block is marked with its language and writing direction.",
        "The table of contents lists every heading in both languages.",
    ]
    if pages:
        sentences.append("Page-break markers and a page list give the page numbers of the printed (PDF) edition.")
    else:
        sentences.append("This edition does not give the page numbers of the printed (PDF) edition.")
    if cover:
        sentences.append("The cover image shows the two titles; its text alternative and the title page give them as text.")
    if images:
        sentences.append(f"The text has {images} image{'s' if images > 1 else ''}, each with a text alternative where the author gave one.")
    return " ".join(sentences)


def zip_epub(files: dict[str, bytes], when: datetime) -> bytes:
    """A reproducible OCF container: mimetype first and stored, the rest sorted and dated `when`."""
    stamp = max(when.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("mimetype", stamp)
        info.compress_type = zipfile.ZIP_STORED
        info.external_attr = 0o644 << 16
        archive.writestr(info, b"application/epub+zip")
        for name in sorted(files):
            info = zipfile.ZipInfo(name, stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name], compresslevel=9)
    return buffer.getvalue()


# ==================================================================== Kindle and Kobo

CALIBRE = "ebook-convert"
CALIBRE_HELP = (
    "install calibre (https://calibre-ebook.com/download; on Debian or Ubuntu `sudo apt-get install calibre`) "
    "so that `ebook-convert` is on PATH, then build again"
)


@dataclass(frozen=True)
class ReaderConversion:
    """One ebook-convert run: the command, the file it writes, and where that file goes."""

    reader: str  # "kindle" | "kobo"
    argv: tuple[str, ...]
    written: Path  # what ebook-convert writes (its extension chooses the format)
    target: Path  # where the finished file is put


def reader_outputs(epub_path: Path, *, kindle: bool, kobo: bool, converter: str = CALIBRE, workdir: Path | None = None) -> list[ReaderConversion]:
    """The ebook-convert command lines for the asked readers (pure: nothing is run).

    calibre reads the page direction from the EPUB's spine and carries it
    into the AZW3 (EXTH 527) and the kepub (its own spine); the EPUB's fonts,
    cover and navigation come along too.  Kobo needs calibre's "KePub Output"
    plugin, which writes `.kepub`; Kobo readers expect `.kepub.epub`.
    """
    stem = epub_path.name[: -len(".epub")] if epub_path.name.endswith(".epub") else epub_path.stem
    work = workdir or epub_path.parent
    conversions = []
    if kindle:
        written = work / f"{stem}.azw3"
        conversions.append(
            ReaderConversion(
                "kindle",
                (converter, str(epub_path), str(written), "--output-profile", "kindle_pw3", "--no-inline-toc"),
                written,
                epub_path.parent / f"{stem}.azw3",
            )
        )
    if kobo:
        written = work / f"{stem}.kepub"
        conversions.append(
            ReaderConversion(
                "kobo",
                (converter, str(epub_path), str(written), "--output-profile", "kobo"),
                written,
                epub_path.parent / f"{stem}.kepub.epub",
            )
        )
    return conversions


def convert_for_readers(epub_path: Path, *, kindle: bool, kobo: bool, page_direction: str) -> tuple[list[Path], list[Problem]]:
    """Convert a written EPUB for Kindle (AZW3) and Kobo (kepub) with calibre, if it is installed.

    Returns the files written and the problems: CALIBRE-MISSING (an error)
    when ebook-convert is not on PATH, CALIBRE-FAILED when a conversion
    fails, CALIBRE-KEPUB-PLUGIN when calibre lacks the KePub Output plugin,
    and CALIBRE-DIRECTION (a warning) when a converted book does not turn its
    pages in `page_direction`.  A finished file replaces the old one at once.
    """
    if not (kindle or kobo):
        return [], []
    where = Location(str(epub_path))
    asked = " and ".join(flag for flag, wanted in (("--kindle", kindle), ("--kobo", kobo)) if wanted)
    converter = shutil.which(CALIBRE)
    if converter is None:
        verb = "need" if kindle and kobo else "needs"
        return [], [error("CALIBRE-MISSING", where, f"{asked} {verb} calibre's {CALIBRE}, which is not on PATH: {CALIBRE_HELP}; the EPUB itself was written")]
    written: list[Path] = []
    problems: list[Problem] = []
    with tempfile.TemporaryDirectory(prefix=".parallelbook-readers-", dir=epub_path.parent) as work:
        for conversion in reader_outputs(epub_path, kindle=kindle, kobo=kobo, converter=converter, workdir=Path(work)):
            try:
                result = subprocess.run(conversion.argv, capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL)
            except (OSError, subprocess.TimeoutExpired) as exc:
                problems.append(error("CALIBRE-FAILED", where, f"{CALIBRE} could not run for {conversion.reader}: {exc}"))
                continue
            said = (result.stdout + result.stderr).strip()
            if result.returncode != 0 or not conversion.written.is_file():
                if conversion.reader == "kobo" and "kepub" in said.lower() and "plugin" in said.lower():
                    problems.append(
                        error(
                            "CALIBRE-KEPUB-PLUGIN",
                            where,
                            "--kobo needs calibre's KePub Output plugin (part of the KoboTouchExtended plugins: calibre → "
                            "Preferences → Plugins → Get new plugins), then build again",
                        )
                    )
                else:
                    tail = " | ".join(said.splitlines()[-3:]) or f"exit code {result.returncode}"
                    problems.append(error("CALIBRE-FAILED", where, f"{CALIBRE} failed to make the {conversion.reader} book: {tail}"))
                continue
            data = conversion.written.read_bytes()
            direction = azw3_page_direction(data) if conversion.reader == "kindle" else epub_page_direction(data)
            if not _direction_matches(direction, page_direction):
                problems.append(
                    warning(
                        "CALIBRE-DIRECTION",
                        where,
                        f"the {conversion.reader} book turns its pages {direction or 'the default way'}, not {page_direction}: "
                        "update calibre (it reads page-progression-direction from the EPUB's spine)",
                    )
                )
            os.replace(conversion.written, conversion.target)
            written.append(conversion.target)
    return written, problems


def _direction_matches(found: str | None, wanted: str) -> bool:
    if wanted in ("ltr", "default"):
        return found in (None, "ltr", "default")
    return found == wanted


def epub_page_direction(data: bytes) -> str | None:
    """The page-progression-direction of an EPUB (or kepub) archive's spine."""
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        container = etree.fromstring(archive.read("META-INF/container.xml"))
        rootfile = container.find(".//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile").get("full-path")
        package = etree.fromstring(archive.read(rootfile))
    spine = package.find("{http://www.idpf.org/2007/opf}spine")
    return spine.get("page-progression-direction") if spine is not None else None


def azw3_page_direction(data: bytes) -> str | None:
    """The page-progression-direction an AZW3 (KF8) book records in its EXTH header (record 527)."""
    if len(data) < 86 or data[60:68] != b"BOOKMOBI":
        return None
    (record0,) = struct.unpack_from(">I", data, 78)
    mobi = record0 + 16
    if data[mobi : mobi + 4] != b"MOBI":
        return None
    (header_length,) = struct.unpack_from(">I", data, mobi + 4)
    exth = mobi + header_length
    if data[exth : exth + 4] != b"EXTH":
        return None
    (count,) = struct.unpack_from(">I", data, exth + 8)
    offset = exth + 12
    for _ in range(count):
        kind, length = struct.unpack_from(">II", data, offset)
        if kind == 527:
            return data[offset + 8 : offset + length].decode("utf-8", "replace")
        offset += length
    return None
