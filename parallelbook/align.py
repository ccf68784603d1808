"""Pairing the blocks of a chapter with the blocks of its translation.

Blocks pair in order.  When the two sequences cannot pair one-to-one (a
different number of blocks, or a heading translated as a paragraph), the
build reports where the sequences part, with the same located diagnostics as
`build.py check` (see alignment.py): which block was dropped, added, merged
or split, on both sides.
"""

from __future__ import annotations

from .model import Block
from .problems import Problem

KIND_NAMES = {
    "paragraph": "paragraph",
    "heading": "heading",
    "list-item": "list item",
    "quote": "block quote",
    "code": "code block",
    "rule": "horizontal rule",
    "table": "table",
    "list": "list",
}


def describe(block: Block) -> str:
    name = KIND_NAMES.get(block.kind, block.kind)
    if block.heading is not None:
        name = f"level-{block.heading.level} heading"
    return name


def same_shape(source: Block, target: Block) -> bool:
    if source.kind != target.kind:
        return False
    if source.heading is not None and target.heading is not None:
        return source.heading.level == target.heading.level
    return True


def pair_blocks(
    source: tuple[Block, ...], target: tuple[Block, ...], *, source_lang: str, target_lang: str
) -> tuple[list[tuple[Block, Block]], list[Problem]]:
    """Pair blocks in order, or report every place where the two sequences part."""
    from .alignment import diagnose

    problems = diagnose(source, target, source_lang=source_lang, target_lang=target_lang)
    return list(zip(source, target)), problems
