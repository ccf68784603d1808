"""The EPUB 3 view: XHTML chapters, navigation and package, zipped reproducibly.

The archive is a pure function of the edition, the fonts and the templates:
`mimetype` first and stored, every other entry sorted and dated from the
edition's build time, the identifier derived from the book.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from markupsafe import Markup

from . import model as m
from .book import resolve_image
from .fonts import FontSet, subset
from .html import HtmlRenderer, lang_attrs
from .pdf import SideView, RowView
from .problems import Problem
from .templating import TOOL_TEMPLATES, render
from .transform import plain_inlines, plain_text

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
}
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".svg": "image/svg+xml", ".webp": "image/webp"}


@dataclass(frozen=True)
class ManifestItem:
    id: str
    href: str
    media_type: str
    properties: str = ""


def _xml_attrs(lang: str, direction: str) -> Markup:
    return Markup(f'xml:lang="{lang}" dir="{direction}"')


def _language_view(lang: str, direction: str) -> dict:
    return {"lang": lang, "attrs": lang_attrs(lang, direction, xhtml=True), "xml_attrs": _xml_attrs(lang, direction)}


def _chapter_file(chapter: m.Chapter) -> str:
    return f"chapter-{chapter.number:03d}-{chapter.slug}.xhtml"


def render_epub(edition: m.Edition, fonts: FontSet, env, *, layout: str, first: str) -> tuple[bytes, list[Problem]]:
    """The EPUB archive's bytes and any problems met while rendering."""
    source_dir = edition.chapters[0].pairs[0].source.direction
    target_dir = edition.chapters[0].pairs[0].target.direction
    primary = _language_view(edition.source_lang, source_dir)
    secondary = _language_view(edition.target_lang, target_dir)
    meta = edition.metadata
    titles = {"source": meta.titles[edition.source_lang], "target": meta.titles[edition.target_lang]}
    images: dict[Path, str] = {}

    def image_url(image: m.Image) -> str:
        for chapter in edition.chapters:
            resolved = resolve_image(edition.folder, edition.folder / chapter.source_path, image.path)
            if resolved is not None and resolved.is_file():
                return images.setdefault(resolved, f"images/{len(images) + 1:03d}{resolved.suffix.lower()}")
        return ""

    files: dict[str, bytes] = {}
    toc = []
    for chapter in edition.chapters:
        name = _chapter_file(chapter)
        rows, headings = _chapter_rows(chapter, image_url, first)
        files[f"EPUB/{name}"] = render(
            env,
            "epub/chapter.xhtml.j2",
            primary=primary,
            title=f"{chapter.titles[edition.source_lang]} / {chapter.titles[edition.target_lang]}",
            layout=layout,
            anchor=f"chapter-{chapter.slug}",
            rows=rows,
        ).encode("utf-8")
        entry = {
            "href": name,
            "source": chapter.titles[edition.source_lang],
            "target": chapter.titles[edition.target_lang],
            "source_attrs": primary["attrs"],
            "target_attrs": secondary["attrs"],
            "children": [],
        }
        if chapter.titled_by_heading:
            entries = _nest([{**h, "href": f"{name}#{h['anchor']}", "source_attrs": primary["attrs"], "target_attrs": secondary["attrs"]} for h in headings])
            toc.extend(entries)
        else:
            entry["children"] = _nest(
                [{**h, "href": f"{name}#{h['anchor']}", "source_attrs": primary["attrs"], "target_attrs": secondary["attrs"]} for h in headings]
            )
            toc.append(entry)

    credits = []
    for lang, view in ((edition.source_lang, primary), (edition.target_lang, secondary)):
        if lang in meta.authors:
            credits.append({"text": meta.authors[lang], "attrs": view["attrs"]})
    for lang, view in ((edition.source_lang, primary), (edition.target_lang, secondary)):
        if lang in meta.translators:
            label = "ترجمهٔ " if lang == "fa" else "Translated by " if lang == "en" else ""
            credits.append({"text": label + meta.translators[lang], "attrs": view["attrs"]})

    files["EPUB/title.xhtml"] = render(env, "epub/title.xhtml.j2", primary=primary, secondary=secondary, titles=titles, credits=credits).encode("utf-8")
    toc_title = "فهرست" if edition.source_lang == "fa" else "Contents"
    first_chapter = edition.chapters[0]
    files["EPUB/nav.xhtml"] = render(
        env,
        "epub/nav.xhtml.j2",
        primary=primary,
        titles=titles,
        toc=toc,
        toc_title=toc_title,
        bodymatter=_chapter_file(first_chapter),
        bodymatter_title=first_chapter.titles[edition.source_lang],
    ).encode("utf-8")
    licences = [{"name": path.parent.name if path.name == "LICENSE.txt" else path.name, "text": path.read_text("utf-8")} for path in fonts.licences]
    files["EPUB/colophon.xhtml"] = render(env, "epub/colophon.xhtml.j2", licences=licences).encode("utf-8")
    files["EPUB/css/book.css"] = env.loader.get_source(env, "epub/book.css")[0].encode("utf-8")

    all_text = "".join(plain_text(side.block, notes=True) for pair in edition.pairs() for side in pair.sides)
    all_text += "".join(titles.values()) + "".join(meta.authors.values()) + "".join(meta.translators.values())
    all_text += toc_title + "Colophon Landmarks" + "".join(item["text"] for item in licences) + "ترجمهٔ Translated by /"
    for role, filename in FONT_FILES.items():
        files[f"EPUB/fonts/{filename}"] = subset(fonts.face(role).path, all_text)
    for path, href in images.items():
        files[f"EPUB/{href}"] = path.read_bytes()

    manifest = [ManifestItem("nav", "nav.xhtml", "application/xhtml+xml", "nav"), ManifestItem("title", "title.xhtml", "application/xhtml+xml")]
    manifest += [ManifestItem(f"chapter-{c.number}", _chapter_file(c), "application/xhtml+xml") for c in edition.chapters]
    manifest.append(ManifestItem("colophon", "colophon.xhtml", "application/xhtml+xml"))
    manifest.append(ManifestItem("css", "css/book.css", "text/css"))
    manifest += [ManifestItem(f"font-{role.replace('_', '-')}", f"fonts/{name}", "font/ttf") for role, name in FONT_FILES.items()]
    manifest += [ManifestItem(f"image-{i}", href, IMAGE_TYPES.get(Path(href).suffix, "image/png")) for i, href in enumerate(images.values(), 1)]
    spine = [{"id": "title", "linear": True}, {"id": "nav", "linear": True}]
    spine += [{"id": f"chapter-{c.number}", "linear": True} for c in edition.chapters]
    spine.append({"id": "colophon", "linear": True})

    subjects = [{"text": meta.subject[lang], "xml_attrs": _xml_attrs(lang, d)} for lang, d in ((edition.source_lang, source_dir), (edition.target_lang, target_dir)) if lang in meta.subject]
    files["EPUB/package.opf"] = render(
        env,
        "epub/package.opf.j2",
        primary=primary,
        secondary=secondary,
        identifier=meta.identifier,
        titles=titles,
        creators=[{"name": meta.authors[lang], "xml_attrs": _xml_attrs(lang, d)} for lang, d in ((edition.source_lang, source_dir), (edition.target_lang, target_dir)) if lang in meta.authors],
        translators=[{"name": meta.translators[lang], "xml_attrs": _xml_attrs(lang, d)} for lang, d in ((edition.source_lang, source_dir), (edition.target_lang, target_dir)) if lang in meta.translators],
        subjects=subjects,
        date=meta.date,
        modified=meta.modified,
        accessibility_summary=(
            "A bilingual parallel text: every passage of the original is followed by its translation, "
            "each marked with its language and writing direction. Text only, no images needed to read it."
        ),
        manifest=manifest,
        spine=spine,
        page_progression=source_dir,
    ).encode("utf-8")
    files["META-INF/container.xml"] = CONTAINER.encode("utf-8")
    return zip_epub(files, datetime.fromisoformat(meta.modified.replace("Z", "+00:00"))), []


def _chapter_rows(chapter: m.Chapter, image_url, first: str):
    renderers = [
        HtmlRenderer(side.lang, side.direction, True, image_url, f"c{chapter.number}-{role}")
        for role, side in zip(("s", "t"), chapter.pairs[0].sides)
    ]
    rows = []
    headings = []
    previous_list = None
    for pair in chapter.pairs:
        rendered = [renderer.side(side) for renderer, side in zip(renderers, pair.sides)]
        sides = [
            SideView(role, lang_attrs(side.lang, side.direction, xhtml=True), side.body, side.notes)
            for role, side in zip(("source", "target"), rendered)
        ]
        if first == "translation":
            sides.reverse()
        membership = pair.source.block.list_item
        list_key = membership.list_index if membership else None
        anchor = f"c{chapter.number}-p{pair.number}"
        heading = pair.source.block.heading
        if heading is not None:
            target_heading = pair.target.block.heading
            headings.append(
                {
                    "anchor": anchor,
                    "level": heading.level,
                    "source": plain_inlines(heading.inlines).strip(),
                    "target": plain_inlines(target_heading.inlines).strip() if target_heading else "",
                }
            )
        rows.append(RowView(anchor, pair.source.block.kind, tuple(sides), list_key is not None and list_key == previous_list, "", 0))
        previous_list = list_key
    return rows, headings


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
