"""Pure transformations over model values: rewrite every run of prose text.

Code, URLs and image paths are never passed to the function: only what a
reader reads as text.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from .. import model as m

TextFunction = Callable[[str], str]


def map_inlines(inlines: tuple[m.Inline, ...], fn: TextFunction) -> tuple[m.Inline, ...]:
    return tuple(_map_inline(inline, fn) for inline in inlines)


def _map_inline(inline: m.Inline, fn: TextFunction) -> m.Inline:
    if isinstance(inline, m.Text):
        return m.Text(fn(inline.text))
    if isinstance(inline, (m.Styled, m.Quoted, m.Link)):
        return replace(inline, children=map_inlines(inline.children, fn))
    if isinstance(inline, m.Image):
        return replace(inline, alt=map_inlines(inline.alt, fn))
    if isinstance(inline, m.Note):
        return m.Note(map_contents(inline.blocks, fn))
    return inline


def map_contents(contents: tuple[m.Content, ...], fn: TextFunction) -> tuple[m.Content, ...]:
    return tuple(_map_content(content, fn) for content in contents)


def _map_content(content: m.Content, fn: TextFunction) -> m.Content:
    if isinstance(content, (m.Paragraph, m.Heading)):
        return replace(content, inlines=map_inlines(content.inlines, fn))
    if isinstance(content, m.ListBlock):
        return replace(content, items=tuple(map_contents(item, fn) for item in content.items))
    if isinstance(content, m.BlockQuote):
        return m.BlockQuote(map_contents(content.blocks, fn))
    if isinstance(content, m.Table):
        return m.Table(
            tuple(tuple(map_inlines(cell, fn) for cell in row) for row in content.header),
            tuple(tuple(map_inlines(cell, fn) for cell in row) for row in content.rows),
        )
    return content


def map_block(block: m.Block, fn: TextFunction) -> m.Block:
    return replace(block, content=map_contents(block.content, fn))


# ---------------------------------------------------------------- reading back


def plain_inlines(inlines: tuple[m.Inline, ...], *, notes: bool = False, code: bool = True) -> str:
    """The text a reader reads, without markup; footnote bodies only if asked, code unless told not to."""
    parts: list[str] = []
    for inline in inlines:
        if isinstance(inline, m.Text):
            parts.append(inline.text)
        elif isinstance(inline, m.Code):
            parts.append(inline.text if code else " ")
        elif isinstance(inline, m.LineBreak):
            parts.append(" ")
        elif isinstance(inline, (m.Styled, m.Quoted, m.Link)):
            parts.append(plain_inlines(inline.children, notes=notes, code=code))
        elif isinstance(inline, m.Image):
            parts.append(plain_inlines(inline.alt, notes=notes, code=code))
        elif isinstance(inline, m.Note) and notes:
            parts.append(" " + plain_contents(inline.blocks, notes=notes, code=code))
    return "".join(parts)


def plain_contents(contents: tuple[m.Content, ...], *, notes: bool = False, code: bool = True) -> str:
    parts: list[str] = []
    for content in contents:
        if isinstance(content, (m.Paragraph, m.Heading)):
            parts.append(plain_inlines(content.inlines, notes=notes, code=code))
        elif isinstance(content, m.ListBlock):
            parts.extend(plain_contents(item, notes=notes, code=code) for item in content.items)
        elif isinstance(content, m.BlockQuote):
            parts.append(plain_contents(content.blocks, notes=notes, code=code))
        elif isinstance(content, m.CodeBlock):
            parts.append(content.text if code else "")
        elif isinstance(content, m.Table):
            for row in content.header + content.rows:
                parts.append(" ".join(plain_inlines(cell, notes=notes, code=code) for cell in row))
    return " ".join(part for part in parts if part)


def plain_text(block: m.Block, *, notes: bool = False, code: bool = True) -> str:
    return plain_contents(block.content, notes=notes, code=code)


def inline_sequences(contents: tuple[m.Content, ...]):
    """Every run of inlines in the contents, in reading order: paragraphs, headings, table cells."""
    for content in contents:
        if isinstance(content, (m.Paragraph, m.Heading)):
            yield content.inlines
        elif isinstance(content, m.ListBlock):
            for item in content.items:
                yield from inline_sequences(item)
        elif isinstance(content, m.BlockQuote):
            yield from inline_sequences(content.blocks)
        elif isinstance(content, m.Table):
            for row in content.header + content.rows:
                yield from row


def walk_inlines(contents: tuple[m.Content, ...], *, notes: bool):
    """Every inline of the contents, depth first; inside footnotes too if `notes`."""
    for sequence in inline_sequences(contents):
        yield from _walk(sequence, notes)


def _walk(inlines, notes: bool):
    for inline in inlines:
        yield inline
        if isinstance(inline, (m.Styled, m.Quoted, m.Link)):
            yield from _walk(inline.children, notes)
        elif isinstance(inline, m.Image):
            yield from _walk(inline.alt, notes)
        elif isinstance(inline, m.Note) and notes:
            yield from walk_inlines(inline.blocks, notes=notes)


def images(contents: tuple[m.Content, ...]):
    """Every image in the contents, footnotes included."""
    return (inline for inline in walk_inlines(contents, notes=True) if isinstance(inline, m.Image))


def code_text(contents: tuple[m.Content, ...]) -> str:
    """The code of the contents (inline and blocks, footnotes included): what is set in the code face."""
    inline = [inline.text for inline in walk_inlines(contents, notes=True) if isinstance(inline, m.Code)]
    return " ".join(part for part in inline + list(_code_blocks(contents)) if part)


def _code_blocks(contents: tuple[m.Content, ...]):
    for content in contents:
        if isinstance(content, m.CodeBlock):
            yield content.text
        elif isinstance(content, m.ListBlock):
            for item in content.items:
                yield from _code_blocks(item)
        elif isinstance(content, m.BlockQuote):
            yield from _code_blocks(content.blocks)
    for inline in walk_inlines(contents, notes=False):
        if isinstance(inline, m.Note):
            yield from _code_blocks(inline.blocks)
