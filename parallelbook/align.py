"""Pairing the blocks of a chapter with the blocks of its translation.

Blocks pair in order.  When the two sequences cannot pair one-to-one (a
different number of blocks, or a heading translated as a paragraph), the
chapter is reported with the place where the sequences part, on both sides.
"""

from __future__ import annotations

from .model import Block
from .problems import Problem, error

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


def pair_blocks(source: tuple[Block, ...], target: tuple[Block, ...]) -> tuple[list[tuple[Block, Block]], list[Problem]]:
    """Pair blocks in order; report every kind mismatch and any difference in count."""
    problems: list[Problem] = []
    for source_block, target_block in zip(source, target):
        if not same_shape(source_block, target_block):
            problems.append(
                error(
                    "ALIGN-KIND",
                    target_block.location,
                    f"{describe(target_block)} translates the {describe(source_block)} at "
                    f"{source_block.location}: a block must keep its kind",
                )
            )
    if len(source) != len(target):
        common = min(len(source), len(target))
        if len(source) > len(target):
            extra = source[common]
            where = target[-1].location if target else extra.location
            problems.append(
                error(
                    "ALIGN-COUNT",
                    extra.location,
                    f"source has {len(source)} blocks but its translation has {len(target)}: "
                    f"the {describe(extra)} here and any after it have no translation (translation ends at {where})",
                )
            )
        else:
            extra = target[common]
            problems.append(
                error(
                    "ALIGN-COUNT",
                    extra.location,
                    f"translation has {len(target)} blocks but its source has {len(source)}: "
                    f"the {describe(extra)} here and any after it have no source block",
                )
            )
    return list(zip(source, target)), problems
