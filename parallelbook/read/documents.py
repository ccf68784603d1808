"""Documents from outside (.docx, .odt, .html, .md, .txt) read into Markdown chapters.

pandoc reads each file (in its sandbox: it opens nothing but what it is
given, fetches nothing), a .docx or .odt only after its zip passed
untrusted.read_zip.  The pure middle cuts the document into chapters (one
per level-1 heading when it has several), drops what the book states itself
(the direction of a paragraph in its own language's direction, heading ids,
image sizes), points images at the book's shared images/ folder, and keeps
every word as written: normalising Persian is the build's job.  pandoc then
writes each chapter as the CommonMark the build reads.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse

from ..problems import Location, Problem, error, warning
from .untrusted import Unsafe, read_zip

FORMATS = {".docx": "docx", ".odt": "odt", ".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown",
           ".txt": "plain"}
WRITE_FORMAT = "commonmark_x-fancy_lists"
MAX_DOCUMENT_BYTES = 256 * 1024 * 1024
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")


@dataclass(frozen=True)
class ImportedChapter:
    title: str  # the level-1 heading's text, or the file's name
    markdown: str
    origin: Location  # the input file (and heading)


@dataclass(frozen=True)
class ImportedDocument:
    chapters: tuple[ImportedChapter, ...]
    images: dict[str, bytes]  # name in images/ -> content
    problems: tuple[Problem, ...]


def _pandoc() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def run_pandoc(data: bytes, source_format: str, target_format: str, shown: str, extra=()) -> bytes:
    """pandoc in its sandbox, input on stdin; a failure is a located problem."""
    try:
        done = subprocess.run([_pandoc(), "--sandbox", "-f", source_format, "-t", target_format, *extra],
                              input=data, capture_output=True, timeout=600)
    except subprocess.TimeoutExpired:
        raise Unsafe(error("IMPORT-UNREADABLE", Location(shown), "pandoc took more than 10 minutes to read it")) from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise Unsafe(error("IMPORT-UNREADABLE", Location(shown),
                           f"pandoc cannot read it as {source_format}: {message[-1] if message else 'no reason given'}"))
    return done.stdout


def read_document(path: Path, shown: str, *, lang_direction: str) -> ImportedDocument:
    """Raises Unsafe for a file that cannot or must not be read."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise Unsafe(error("IMPORT-FORMAT", Location(shown),
                           f"cannot import {suffix or 'a file without a suffix'}: import .docx, .odt, .html, .md or .txt"))
    try:
        if path.stat().st_size > MAX_DOCUMENT_BYTES:
            raise Unsafe(error("UNSAFE-FILE", Location(shown), f"the file is larger than {MAX_DOCUMENT_BYTES:,} bytes"))
        data = path.read_bytes()
    except OSError as exc:
        raise Unsafe(error("UNREADABLE", Location(shown), f"cannot read file: {exc.strerror or exc}")) from None
    source_format = FORMATS[suffix]
    media: dict[str, bytes] = {}
    if source_format in ("docx", "odt"):
        members = read_zip(data, shown)
        for name, content in members.members.items():
            if name.endswith((".xml", ".rels")):
                members.xml(name, shown)  # refuses DOCTYPE and entities before pandoc sees it
            media[name] = content
    if source_format == "plain":
        document = plain_document(_decoded(data, shown))
    else:
        if source_format in ("markdown", "html"):
            _decoded(data, shown)  # a located error for a file that is not UTF-8
        document = json.loads(run_pandoc(data, source_format, "json", shown))
    return split_document(document, shown, media=media, base=path.parent, lang_direction=lang_direction)


def _decoded(data: bytes, shown: str) -> str:
    from ..files import decode

    text, problems = decode(data, shown)
    if problems:
        raise Unsafe(problems[0])
    return text


def plain_document(text: str) -> dict:
    """Plain text as pandoc's JSON: paragraphs between blank lines, every character kept as text."""
    blocks = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        inlines: list = []
        for number, line in enumerate(paragraph.split("\n")):
            if number:
                inlines.append({"t": "SoftBreak"})
            for index, word in enumerate(line.split()):
                if index:
                    inlines.append({"t": "Space"})
                inlines.append({"t": "Str", "c": word})
        if inlines:
            blocks.append({"t": "Para", "c": inlines})
    return {"pandoc-api-version": [1, 23, 1, 1], "meta": {}, "blocks": blocks}


# ---------------------------------------------------------------- the pure middle


def split_document(document: dict, shown: str, *, media: dict[str, bytes], base: Path, lang_direction: str
                   ) -> ImportedDocument:
    problems: list[Problem] = []
    images: dict[str, bytes] = {}
    cleaner = _Cleaner(lang_direction, media, base, shown, images, problems)
    blocks = cleaner.blocks(document["blocks"])
    starts = [i for i, block in enumerate(blocks) if block["t"] == "Header" and block["c"][0] == 1]
    if len(starts) >= 2:
        cuts = [0] + starts[1:] + [len(blocks)]
        parts = [blocks[cuts[i]:cuts[i + 1]] for i in range(len(cuts) - 1)]
    else:
        parts = [blocks]
    parts = [part for part in parts if part]
    if not parts:
        raise Unsafe(error("IMPORT-EMPTY", Location(shown), "the document has no text to import"))
    version = document.get("pandoc-api-version", [1, 23, 1, 1])
    chapters = []
    for part in parts:
        heading = next((b for b in part if b["t"] == "Header" and b["c"][0] == 1), None)
        title = _plain(heading["c"][2]) if heading else Path(shown).stem
        json_text = json.dumps({"pandoc-api-version": version, "meta": {}, "blocks": part})
        markdown = run_pandoc(json_text.encode(), "json", WRITE_FORMAT, shown, ("--wrap=none",)).decode("utf-8")
        chapters.append(ImportedChapter(title, markdown, Location(shown)))
    return ImportedDocument(tuple(chapters), images, tuple(problems))


def _plain(value) -> str:
    """The words of a heading (any inlines, however nested), for a chapter's title."""
    parts: list[str] = []

    def walk(node) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict) and "t" in node:
            if node["t"] == "Str":
                parts.append(node["c"])
            elif node["t"] in ("Space", "SoftBreak", "LineBreak"):
                parts.append(" ")
            elif node["t"] != "Note":
                walk(node.get("c"))

    walk(value)
    return re.sub(r"\s+", " ", "".join(parts)).strip()


@dataclass
class _Cleaner:
    direction: str
    media: dict[str, bytes]
    base: Path
    shown: str
    images: dict[str, bytes]
    problems: list

    def blocks(self, nodes) -> list:
        result = []
        for node in nodes:
            result.extend(self.block(node))
        return result

    def block(self, node) -> list:
        kind, value = node["t"], node.get("c")
        if kind == "Div":
            attr, children = value
            if _only_direction(attr, self.direction):
                return self.blocks(children)
            return [{"t": "Div", "c": [attr, self.blocks(children)]}]
        if kind == "Header":
            level, _attr, inlines = value
            return [{"t": "Header", "c": [level, ["", [], []], self.inlines(inlines)]}]
        if kind == "Table":
            return [self.table(node)]
        if kind == "Figure":  # the image alone: its caption is its text alternative already
            return self.blocks(value[2])
        return [self.walk(node)]

    def table(self, node) -> dict:
        """A cell of several paragraphs becomes one line, so the table stays a Markdown pipe table."""
        def cell(c):
            attr, align, rows, cols, contents = c
            inlines: list = []
            for block in self.blocks(contents):
                text = _flatten(block)
                if text and inlines:
                    inlines.append({"t": "Space"})
                inlines.extend(text)
            return [attr, align, rows, cols, [{"t": "Plain", "c": self.inlines(inlines)}] if inlines else []]

        def row(r):
            return [r[0], [cell(c) for c in r[1]]]

        attr, caption, specs, head, bodies, foot = node["c"]
        specs = [[align, {"t": "ColWidthDefault"}] for align, _width in specs]
        head = [head[0], [row(r) for r in head[1]]]
        bodies = [[b[0], b[1], [row(r) for r in b[2]], [row(r) for r in b[3]]] for b in bodies]
        foot = [foot[0], [row(r) for r in foot[1]]]
        return {"t": "Table", "c": [attr, self.walk(caption), specs, head, bodies, foot]}

    def inlines(self, nodes) -> list:
        result = []
        for node in nodes:
            if node["t"] == "Span" and (_only_direction(node["c"][0], self.direction) or _bookmark(node["c"][0])):
                result.extend(self.inlines(node["c"][1]))  # a bookmark's anchor, or a direction the chapter has
            elif node["t"] == "Image":
                result.append(self.image(node))
            else:
                result.append(self.walk(node))
        return result

    def walk(self, value):
        """Clean everything below a node (lists of inlines and blocks wherever they are)."""
        if isinstance(value, list):
            if value and all(isinstance(v, dict) and "t" in v for v in value):
                if _is_inline(value[0]):
                    return self.inlines(value)
                return self.blocks(value)
            return [self.walk(v) for v in value]
        if isinstance(value, dict) and "t" in value:
            if "c" not in value:
                return value
            return {"t": value["t"], "c": self.walk(value["c"])}
        return value

    def image(self, node) -> dict:
        _attr, alt, (url, title) = node["c"]
        alt = self.inlines(alt)
        name = self.take_image(url)
        return {"t": "Image", "c": [["", [], []], alt, [name or url, title]]}

    def take_image(self, url: str) -> str | None:
        """Copy an image the document holds (or, for .md/.html, one beside it) into images/; its new reference."""
        parsed = urlparse(url)
        if parsed.scheme or parsed.netloc:
            self.problems.append(warning("IMPORT-IMAGE-REMOTE", Location(self.shown),
                                         f"image {url!r} is on the web; it was not fetched: download it into the "
                                         "book's images/ folder and change the reference"))
            return None
        relative = unquote(parsed.path)
        content = None
        if self.media:
            for candidate in (f"word/{relative}", relative):
                if candidate in self.media:
                    content = self.media[candidate]
                    break
        else:
            path = (self.base / relative).resolve()
            if path.is_relative_to(self.base.resolve()) and path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES:
                content = path.read_bytes()
        if content is None:
            self.problems.append(warning("IMPORT-IMAGE-MISSING", Location(self.shown),
                                         f"image {url!r} is not in the document (or not beside it): its reference was kept"))
            return None
        name = _image_name(PurePosixPath(relative).name, content, bool(self.media))
        self.images[name] = content
        return f"images/{name}"


def _image_name(name: str, content: bytes, from_zip: bool) -> str:
    stem, suffix = PurePosixPath(name).stem, PurePosixPath(name).suffix.lower()
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-") or "image"
    digest = hashlib.sha256(content).hexdigest()[:10]
    # named by content, so that the same picture in the Persian and the English document is one file
    return f"image-{digest}{suffix}" if from_zip else f"{stem}-{digest}{suffix}"


def _bookmark(attr) -> bool:
    """A span that only names a place (Word's and LibreOffice's bookmarks): the book makes its own anchors."""
    identifier, classes, pairs = attr
    return bool(identifier) and not classes and not pairs


def _only_direction(attr, direction: str) -> bool:
    identifier, classes, pairs = attr
    return not identifier and not classes and pairs == [["dir", direction]]


_INLINE_KINDS = frozenset({"Str", "Emph", "Underline", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps",
                           "Quoted", "Cite", "Code", "Space", "SoftBreak", "LineBreak", "Math", "RawInline", "Link",
                           "Image", "Note", "Span"})


def _is_inline(node) -> bool:
    return node["t"] in _INLINE_KINDS


def _flatten(block) -> list:
    """The inlines of a block of a table cell, nested blocks joined by spaces."""
    kind, value = block["t"], block.get("c")
    if kind in ("Plain", "Para"):
        return value
    if kind == "Header":
        return value[2]
    result: list = []
    children = []
    if kind in ("BulletList",):
        children = [b for item in value for b in item]
    elif kind == "OrderedList":
        children = [b for item in value[1] for b in item]
    elif kind in ("BlockQuote",):
        children = value
    elif kind == "Div":
        children = value[1]
    for child in children:
        inlines = _flatten(child)
        if inlines and result:
            result.append({"t": "Space"})
        result.extend(inlines)
    return result
