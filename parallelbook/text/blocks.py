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
    return _map_tree(contents, lambda inline: _map_inline(inline, fn))


def _map_tree(contents: tuple[m.Content, ...], on_inline: Callable[[m.Inline], m.Inline]) -> tuple[m.Content, ...]:
    """The contents with every inline sequence's inlines replaced by `on_inline` of each."""
    return _map_sequences(contents, lambda items: tuple(on_inline(inline) for inline in items))


def _map_sequences(
    contents: tuple[m.Content, ...], inlines: Callable[[tuple[m.Inline, ...]], tuple[m.Inline, ...]]
) -> tuple[m.Content, ...]:
    """The contents with every sequence of inlines of a block (not inside an inline) replaced by `inlines` of it."""

    def content_of(content: m.Content) -> m.Content:
        if isinstance(content, (m.Paragraph, m.Heading)):
            return replace(content, inlines=inlines(content.inlines))
        if isinstance(content, m.ListBlock):
            return replace(content, items=tuple(_map_sequences(item, inlines) for item in content.items))
        if isinstance(content, m.BlockQuote):
            return m.BlockQuote(_map_sequences(content.blocks, inlines))
        if isinstance(content, m.Table):
            return m.Table(
                tuple(tuple(inlines(cell) for cell in row) for row in content.header),
                tuple(tuple(inlines(cell) for cell in row) for row in content.rows),
            )
        return content

    return tuple(content_of(content) for content in contents)


def map_block(block: m.Block, fn: TextFunction) -> m.Block:
    return replace(block, content=map_contents(block.content, fn))


def map_images(block: m.Block, fn: Callable[[m.Image], m.Image]) -> m.Block:
    """The block with every image (in footnotes and inside links too) replaced by `fn` of it."""

    def on_inline(inline: m.Inline) -> m.Inline:
        if isinstance(inline, m.Image):
            return fn(inline)
        if isinstance(inline, (m.Styled, m.Quoted, m.Link)):
            return replace(inline, children=tuple(on_inline(child) for child in inline.children))
        if isinstance(inline, m.Note):
            return m.Note(_map_tree(inline.blocks, on_inline))
        return inline

    return replace(block, content=_map_tree(block.content, on_inline))


def map_links(block: m.Block, fn: Callable[[m.Link], tuple[m.Inline, ...]]) -> m.Block:
    """The block with every link (in footnotes and emphasis too) replaced by the inlines `fn`
    gives for it: the link itself, changed, or its text alone."""

    def inlines(items: tuple[m.Inline, ...]) -> tuple[m.Inline, ...]:
        out: list[m.Inline] = []
        for inline in items:
            if isinstance(inline, m.Link):
                out.extend(fn(replace(inline, children=inlines(inline.children))))
            elif isinstance(inline, (m.Styled, m.Quoted)):
                out.append(replace(inline, children=inlines(inline.children)))
            elif isinstance(inline, m.Note):
                out.append(m.Note(_map_sequences(inline.blocks, inlines)))
            else:
                out.append(inline)
        return tuple(out)

    return replace(block, content=_map_sequences(block.content, inlines))


# ---------------------------------------------------------------- prose runs in context

Change = tuple[int, int, str]  # replace text[start:end] by the string
RunCorrector = Callable[[str, tuple[tuple[int, int], ...]], list[Change]]
_OBJECT = "\uFFFC"  # stands for an inline that is not prose (code, an image, a footnote)
_MAX_PASSES = 8


def map_runs(block: m.Block, correct: RunCorrector) -> m.Block:
    """Rewrite the prose of a block run by run, each run seen whole as a reader reads it.

    A run is the inlines of a paragraph, heading or table cell (a footnote's
    body and an image's description are runs of their own).  ``correct`` sees
    the run's text with its markup removed, every inline that is not prose
    replaced by U+FFFC and listed as a range not to read, so that a rule sees
    the words beyond an emphasis or a link as the source file shows them.  A
    change is made only inside one text inline (never across markup), and
    ``correct`` runs again until it changes nothing.
    """
    return replace(block, content=_runs_in_contents(block.content, correct))


def _runs_in_contents(contents: tuple[m.Content, ...], correct: RunCorrector) -> tuple[m.Content, ...]:
    out = []
    for content in contents:
        if isinstance(content, (m.Paragraph, m.Heading)):
            content = replace(content, inlines=_run(content.inlines, correct))
        elif isinstance(content, m.ListBlock):
            content = replace(content, items=tuple(_runs_in_contents(item, correct) for item in content.items))
        elif isinstance(content, m.BlockQuote):
            content = m.BlockQuote(_runs_in_contents(content.blocks, correct))
        elif isinstance(content, m.Table):
            content = m.Table(
                tuple(tuple(_run(cell, correct) for cell in row) for row in content.header),
                tuple(tuple(_run(cell, correct) for cell in row) for row in content.rows),
            )
        out.append(content)
    return tuple(out)


def _run(inlines: tuple[m.Inline, ...], correct: RunCorrector) -> tuple[m.Inline, ...]:
    inlines = _inner_runs(inlines, correct)
    for _ in range(_MAX_PASSES):
        parts: list[str] = []
        slots: list[tuple[int, int]] = []
        fixed: list[tuple[int, int]] = []
        _flatten(inlines, parts, slots, fixed, [0])
        text = "".join(parts)
        changes = [c for c in correct(text, tuple(fixed)) if _inside_one(c, slots)]
        if not changes:
            break
        inlines = _rebuild(inlines, changes, [0])
    return inlines


def _inner_runs(inlines: tuple[m.Inline, ...], correct: RunCorrector) -> tuple[m.Inline, ...]:
    """Footnote bodies and image descriptions, each corrected as runs of their own."""
    out = []
    for inline in inlines:
        if isinstance(inline, (m.Styled, m.Quoted, m.Link)):
            inline = replace(inline, children=_inner_runs(inline.children, correct))
        elif isinstance(inline, m.Image):
            inline = replace(inline, alt=_run(inline.alt, correct))
        elif isinstance(inline, m.Note):
            inline = m.Note(_runs_in_contents(inline.blocks, correct))
        out.append(inline)
    return tuple(out)


def _flatten(inlines, parts: list[str], slots: list, fixed: list, pos: list[int]) -> None:
    for inline in inlines:
        if isinstance(inline, m.Text):
            parts.append(inline.text)
            slots.append((pos[0], pos[0] + len(inline.text)))
            pos[0] += len(inline.text)
        elif isinstance(inline, (m.Styled, m.Quoted, m.Link)):
            _flatten(inline.children, parts, slots, fixed, pos)
        elif isinstance(inline, m.LineBreak):
            parts.append("\n")
            pos[0] += 1
        else:
            parts.append(_OBJECT)
            fixed.append((pos[0], pos[0] + 1))
            pos[0] += 1


def _inside_one(change: Change, slots: list[tuple[int, int]]) -> bool:
    start, end, _ = change
    return any(a <= start and end <= b for a, b in slots)


def _rebuild(inlines, changes: list[Change], pos: list[int]) -> tuple[m.Inline, ...]:
    out = []
    for inline in inlines:
        if isinstance(inline, m.Text):
            start, end = pos[0], pos[0] + len(inline.text)
            pieces, at = [], 0
            for a, b, replacement in changes:
                if start <= a and b <= end:
                    pieces += [inline.text[at:a - start], replacement]
                    at = b - start
            pieces.append(inline.text[at:])
            out.append(m.Text("".join(pieces)))
            pos[0] = end
        elif isinstance(inline, (m.Styled, m.Quoted, m.Link)):
            out.append(replace(inline, children=_rebuild(inline.children, changes, pos)))
        else:
            out.append(inline)
            pos[0] += 1
    return tuple(out)


def quotes_as_text(block: m.Block, opening: str, closing: str) -> m.Block:
    """Outer double quotations as text between `opening` and `closing` (« »), merged with the text beside them.

    Quotations that contain another quotation stay as they are (the renderer
    gives the inner one the inner marks)."""
    return map_inline_sequences(block, lambda inlines: _quotes_as_text(inlines, opening, closing))


def _quotes_as_text(inlines, opening: str, closing: str) -> tuple[m.Inline, ...]:
    out: list[m.Inline] = []
    for inline in inlines:
        if isinstance(inline, m.Quoted) and inline.double and not _has_quote(inline.children):
            out += [m.Text(opening), *inline.children, m.Text(closing)]
        elif isinstance(inline, (m.Styled, m.Link)):
            out.append(replace(inline, children=_quotes_as_text(inline.children, opening, closing)))
        else:
            out.append(inline)
    merged: list[m.Inline] = []
    for inline in out:
        if isinstance(inline, m.Text) and merged and isinstance(merged[-1], m.Text):
            merged[-1] = m.Text(merged[-1].text + inline.text)
        else:
            merged.append(inline)
    return tuple(merged)


def _has_quote(inlines) -> bool:
    return any(
        isinstance(i, m.Quoted) or (isinstance(i, (m.Styled, m.Link)) and _has_quote(i.children)) for i in inlines
    )


def _notes_inside(inlines, contents) -> tuple[m.Inline, ...]:
    out = []
    for inline in inlines:
        if isinstance(inline, m.Note):
            inline = m.Note(contents(inline.blocks))
        elif isinstance(inline, (m.Styled, m.Quoted, m.Link)):
            inline = replace(inline, children=_notes_inside(inline.children, contents))
        out.append(inline)
    return tuple(out)


def map_inline_sequences(block: m.Block, fn: Callable[[tuple[m.Inline, ...]], tuple[m.Inline, ...]]) -> m.Block:
    """Rewrite every sequence of inlines (paragraphs, headings, table cells, footnote bodies) with fn,
    which gets the sequence whole (emphasis, links and quotations inside it are its to walk)."""

    def contents(items: tuple[m.Content, ...]) -> tuple[m.Content, ...]:
        out = []
        for content in items:
            if isinstance(content, (m.Paragraph, m.Heading)):
                content = replace(content, inlines=inlines(content.inlines))
            elif isinstance(content, m.ListBlock):
                content = replace(content, items=tuple(contents(item) for item in content.items))
            elif isinstance(content, m.BlockQuote):
                content = m.BlockQuote(contents(content.blocks))
            elif isinstance(content, m.Table):
                content = m.Table(
                    tuple(tuple(inlines(cell) for cell in row) for row in content.header),
                    tuple(tuple(inlines(cell) for cell in row) for row in content.rows),
                )
            out.append(content)
        return tuple(out)

    def inlines(sequence: tuple[m.Inline, ...]) -> tuple[m.Inline, ...]:
        inner = []
        for inline in sequence:  # footnotes are sequences of their own; fn walks the rest itself
            if isinstance(inline, m.Note):
                inline = m.Note(contents(inline.blocks))
            elif isinstance(inline, (m.Styled, m.Quoted, m.Link)):
                inline = replace(inline, children=_notes_inside(inline.children, contents))
            inner.append(inline)
        return fn(tuple(inner))

    return replace(block, content=contents(block.content))


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
