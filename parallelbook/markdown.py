"""Markdown to model blocks: one pandoc process per file, then pure conversion.

pandoc reads the file as CommonMark with pandoc's extensions
(`commonmark_x`) plus `sourcepos`, so that every block knows its line.  The
JSON tree is converted into the model's frozen values; anything the model
cannot show safely (raw HTML, remote images) becomes a located problem.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from . import model as m
from .problems import Location, Problem, error, warning

PANDOC_FORMAT = "commonmark_x+sourcepos"
_POSITION = re.compile(r"(\d+):(\d+)-(\d+):(\d+)$")


def pandoc_json(text: str) -> dict:
    """Run pandoc once on a whole file's text (the only process this module starts)."""
    import pypandoc

    return json.loads(pypandoc.convert_text(text, "json", format=PANDOC_FORMAT))


@dataclass
class _Reader:
    """Conversion state for one file: where we are, and what we found wrong."""

    path: str
    problems: list[Problem] = field(default_factory=list)
    line: int = 0

    def here(self) -> Location:
        return Location(self.path, self.line)

    # ------------------------------------------------------------ attributes
    def _position(self, attr) -> int:
        for key, value in attr[2]:
            if key == "data-pos":
                found = _POSITION.search(value)
                if found:
                    return int(found.group(1))
        return 0

    def _is_wrapper(self, attr) -> bool:
        return ["wrapper", "1"] in [list(kv) for kv in attr[2]]

    # ------------------------------------------------------------ top level
    def blocks(self, document: dict) -> tuple[m.Block, ...]:
        result: list[m.Block] = []
        list_index = 0
        for node, line in self._unwrap_top(document["blocks"], 0):
            self.line = line
            kind = node["t"]
            if kind in ("BulletList", "OrderedList"):
                ordered = kind == "OrderedList"
                start = node["c"][0][0] if ordered else 1
                items = node["c"][1] if ordered else node["c"]
                list_index += 1
                for offset, item in enumerate(items):
                    item_line = self._first_position(item) or line
                    self.line = item_line
                    content = self.contents(item)
                    result.append(
                        m.Block(
                            "list-item",
                            content,
                            Location(self.path, item_line),
                            m.ListMembership(list_index, ordered, start + offset),
                        )
                    )
                continue
            content = self.contents([node])
            if not content:
                continue
            result.append(m.Block(_block_kind(content[0]), content, Location(self.path, line)))
        return tuple(result)

    def _unwrap_top(self, nodes, inherited_line):
        """Yield (block node, line) with pandoc's sourcepos wrappers and fenced divs flattened."""
        for node in nodes:
            if node["t"] == "Div":
                attr, children = node["c"]
                line = self._position(attr) or inherited_line
                yield from self._unwrap_top(children, line)
            elif node["t"] == "Header":
                yield node, self._position(node["c"][1]) or inherited_line
            else:
                yield node, inherited_line

    def _first_position(self, nodes) -> int:
        for node in nodes:
            if node["t"] == "Div":
                return self._position(node["c"][0])
        return 0

    # ------------------------------------------------------------ block contents
    def contents(self, nodes) -> tuple[m.Content, ...]:
        result: list[m.Content] = []
        for node in nodes:
            result.extend(self.content(node))
        return tuple(result)

    def content(self, node) -> list[m.Content]:
        kind, value = node["t"], node.get("c")
        if kind in ("Para", "Plain"):
            return [m.Paragraph(self.inlines(value))]
        if kind == "Header":
            return [m.Heading(value[0], self.inlines(value[2]))]
        if kind == "Div":
            attr, children = value
            self.line = self._position(attr) or self.line
            return list(self.contents(children))
        if kind == "BulletList":
            return [m.ListBlock(False, 1, tuple(self.contents(item) for item in value))]
        if kind == "OrderedList":
            return [m.ListBlock(True, value[0][0], tuple(self.contents(item) for item in value[1]))]
        if kind == "BlockQuote":
            return [m.BlockQuote(self.contents(value))]
        if kind == "CodeBlock":
            return [m.CodeBlock(value[1])]
        if kind == "HorizontalRule":
            return [m.Rule()]
        if kind == "LineBlock":
            lines: list[m.Inline] = []
            for index, line in enumerate(value):
                if index:
                    lines.append(m.LineBreak())
                lines.extend(self.inlines(line))
            return [m.Paragraph(tuple(lines))]
        if kind == "Table":
            return [self.table(value)]
        if kind == "Figure":
            return list(self.contents(value[2]))
        if kind == "DefinitionList":
            result: list[m.Content] = []
            for term, definitions in value:
                result.append(m.Paragraph((m.Styled("strong", self.inlines(term)),)))
                for definition in definitions:
                    result.append(m.BlockQuote(self.contents(definition)))
            return result
        if kind == "RawBlock":
            self.problems.append(
                warning(
                    "RAW-HTML",
                    self.here(),
                    f"raw {value[0]} block was left out: write the content in Markdown instead",
                )
            )
            return []
        self.problems.append(warning("UNSUPPORTED-BLOCK", self.here(), f"{kind} is not supported and was left out"))
        return []

    def table(self, value) -> m.Table:
        _attr, _caption, _specs, head, bodies, foot = value

        def rows(raw_rows):
            return tuple(tuple(self._cell(cell) for cell in row[1]) for row in raw_rows)

        body_rows = []
        for body in bodies:
            body_rows.extend(rows(body[2]))
            body_rows.extend(rows(body[3]))
        body_rows.extend(rows(foot[1]))
        return m.Table(rows(head[1]), tuple(body_rows))

    def _cell(self, cell) -> tuple[m.Inline, ...]:
        inlines: list[m.Inline] = []
        for content in self.contents(cell[4]):
            if isinstance(content, (m.Paragraph, m.Heading)):
                if inlines:
                    inlines.append(m.LineBreak())
                inlines.extend(content.inlines)
        return tuple(inlines)

    # ------------------------------------------------------------ inlines
    def inlines(self, nodes) -> tuple[m.Inline, ...]:
        result: list[m.Inline] = []
        for node in nodes:
            for inline in self.inline(node):
                if isinstance(inline, m.Text) and result and isinstance(result[-1], m.Text):
                    result[-1] = m.Text(result[-1].text + inline.text)
                else:
                    result.append(inline)
        return tuple(result)

    def inline(self, node) -> list[m.Inline]:
        kind, value = node["t"], node.get("c")
        if kind == "Str":
            return [m.Text(value)]
        if kind in ("Space", "SoftBreak"):
            return [m.Text(" ")]
        if kind == "LineBreak":
            return [m.LineBreak()]
        style = _STYLE_OF.get(kind)
        if style:
            return [m.Styled(style, self.inlines(value))]
        if kind == "Span":
            attr, children = value
            if not self._is_wrapper(attr) and "smallcaps" in attr[1]:
                return [m.Styled("smallcaps", self.inlines(children))]
            return list(self.inlines(children))
        if kind == "Quoted":
            return [m.Quoted(value[0]["t"] == "DoubleQuote", self.inlines(value[1]))]
        if kind == "Cite":
            return list(self.inlines(value[1]))
        if kind == "Code":
            return [m.Code(value[1])]
        if kind == "Math":
            return [m.Code(value[1])]
        if kind == "Link":
            url, title = value[2]
            return [m.Link(url, title, self.inlines(value[1]))]
        if kind == "Image":
            url, title = value[2]
            return [m.Image(url, self.inlines(value[1]), title)]
        if kind == "Note":
            return [m.Note(self.contents(value))]
        if kind == "RawInline":
            self.problems.append(
                warning("RAW-HTML", self.here(), f"raw {value[0]} {value[1].strip()!r} was left out")
            )
            return []
        self.problems.append(warning("UNSUPPORTED-INLINE", self.here(), f"{kind} is not supported and was left out"))
        return []


_STYLE_OF = {
    "Emph": "emph",
    "Strong": "strong",
    "Strikeout": "strikeout",
    "Superscript": "superscript",
    "Subscript": "subscript",
    "SmallCaps": "smallcaps",
    "Underline": "underline",
}


def _block_kind(content: m.Content) -> str:
    return {
        m.Paragraph: "paragraph",
        m.Heading: "heading",
        m.ListBlock: "list",
        m.BlockQuote: "quote",
        m.CodeBlock: "code",
        m.Rule: "rule",
        m.Table: "table",
    }[type(content)]


def parse_blocks(text: str, path: str, document: dict | None = None) -> tuple[tuple[m.Block, ...], list[Problem]]:
    """The blocks of one file and the problems found in it."""
    if not text.strip():
        return (), [error("CHAPTER-EMPTY", Location(path, 1), "file is empty: write the chapter or remove the file")]
    reader = _Reader(path)
    blocks = reader.blocks(document if document is not None else pandoc_json(text))
    if not blocks:
        reader.problems.append(error("CHAPTER-EMPTY", Location(path, 1), "file has no text blocks"))
    return blocks, reader.problems
