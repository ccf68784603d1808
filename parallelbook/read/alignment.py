"""Where two block sequences part: length-based alignment diagnostics.

When a chapter and its translation have a different number of blocks, "the
counts differ" does not tell an editor where to look.  This module aligns the
two sequences the way Gale and Church aligned sentences: by dynamic
programming over block lengths, with the translation/source length ratio and
its spread estimated from the book itself, and with a penalty for pairing
blocks of different kinds.  Every step of the cheapest path that is not one
block for one block is reported as a located problem: a source block with no
translation, a translated block with no source, two source blocks merged into
one, one split into two.  Everything here is pure.

The build pairs blocks in order (`pair_blocks`); when the two sequences
cannot pair one-to-one it reports where they part with the same diagnostics
as `build.py check`.
"""

from __future__ import annotations

import math
import statistics
import unicodedata
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from ..model import Block
from ..problems import Location, Problem, error
from ..text.blocks import plain_text

LANGUAGE_NAMES = {"fa": "Persian", "en": "English", "ar": "Arabic", "fr": "French", "de": "German", "es": "Spanish"}

# Prior probabilities of the kinds of step, for paragraphs of an edited translation.
PRIORS = {(1, 1): 0.95, (1, 0): 0.01, (0, 1): 0.01, (2, 1): 0.0125, (1, 2): 0.0125}
KIND_PENALTY = -math.log(0.02)  # pairing a heading with a paragraph costs about as much as a dropped block
MIN_VARIANCE = 6.8  # Gale and Church's variance per character; the book's own estimate may only widen it
BAND = 10  # how far (in blocks) the path may wander from the diagonal, beyond the difference in count


def block_length(block: Block) -> int:
    """Characters a reader reads (footnotes included), without spaces and invisible marks."""
    text = plain_text(block, notes=True)
    return sum(1 for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cf")


@dataclass(frozen=True)
class LengthModel:
    """Translated length ≈ ratio × source length, with variance ∝ source length (Gale–Church)."""

    ratio: float = 1.0
    variance: float = MIN_VARIANCE

    @classmethod
    def estimate(cls, lengths: Iterable[tuple[int, int]]) -> "LengthModel":
        """From (source length, translated length) of pairs believed to be translations of each other.

        The ratio is the median of the per-pair ratios of blocks long enough
        to be informative (the sums when there are too few of them); the
        spread is the median absolute deviation, scaled to a standard
        deviation, never below Gale and Church's figure.
        """
        pairs = [(s, t) for s, t in lengths if s > 0 and t > 0]
        if not pairs:
            return cls()
        informative = [(s, t) for s, t in pairs if s >= 20]
        if len(informative) >= 3:
            ratio = statistics.median(t / s for s, t in informative)
        else:
            ratio = sum(t for _, t in pairs) / sum(s for s, _ in pairs)
        variance = MIN_VARIANCE
        if len(informative) >= 5:
            scaled = [(t - ratio * s) / math.sqrt(s) for s, t in informative]
            centre = statistics.median(scaled)
            mad = statistics.median(abs(z - centre) for z in scaled)
            variance = max(MIN_VARIANCE, (1.4826 * mad) ** 2)
        return cls(ratio, variance)

    def delta(self, source_length: int, target_length: int) -> float:
        """How many standard deviations the translated length is from the expected one."""
        source_length = max(source_length, 1)
        return (target_length - self.ratio * source_length) / math.sqrt(self.variance * source_length)


def log_tail(delta: float) -> float:
    """log P(|Z| >= |delta|) for a standard normal Z, without underflow for large deltas."""
    x = abs(delta) / math.sqrt(2)
    if x < 20:
        return math.log(max(math.erfc(x), 1e-300))
    return -x * x - math.log(x * math.sqrt(math.pi))


@dataclass(frozen=True)
class Step:
    """One step of the alignment: source blocks [s0, s1) go with translated blocks [t0, t1)."""

    s0: int
    s1: int
    t0: int
    t1: int

    @property
    def shape(self) -> tuple[int, int]:
        return (self.s1 - self.s0, self.t1 - self.t0)


# An optional extra cost for a step from what the blocks say (e.g. whether their numbers agree);
# it refines what the lengths decide, in the manner of anchor points.  It is never below -AFFINITY_FLOOR.
Affinity = Callable[[Sequence[Block], Sequence[Block]], float]
AFFINITY_FLOOR = 2.0


@dataclass(frozen=True)
class Alignment:
    steps: tuple[Step, ...]
    model: LengthModel
    affinity: Affinity | None = None


def step_cost(sources: Sequence[Block], targets: Sequence[Block], model: LengthModel, affinity: Affinity | None = None) -> float:
    """-log of the probability of one step: its prior, its lengths, its kinds (and the affinity)."""
    cost = -math.log(PRIORS[(len(sources), len(targets))])
    if sources and targets:
        cost -= log_tail(model.delta(sum(map(block_length, sources)), sum(map(block_length, targets))))
        cost += _kind_cost(sources, targets)
        if affinity is not None:
            cost += affinity(sources, targets)
    return cost


def align(
    source: Sequence[Block],
    target: Sequence[Block],
    model: LengthModel | None = None,
    affinity: Affinity | None = None,
) -> Alignment:
    """The cheapest path of 1-1, 1-0, 0-1, 2-1 and 1-2 steps through both sequences.

    Without a model (from the rest of the book), one is estimated from the
    chapter: first from its total lengths (biased when a block is missing),
    then again from the one-to-one steps of that alignment, until it settles.
    """
    s_len = [block_length(b) for b in source]
    t_len = [block_length(b) for b in target]
    if model is not None:
        return Alignment(_align(source, target, s_len, t_len, model, affinity), model, affinity)
    model = chapter_model(source, target)
    steps = _align(source, target, s_len, t_len, model, affinity)
    for _ in range(3):
        refined = LengthModel.estimate((s_len[s.s0], t_len[s.t0]) for s in steps if s.shape == (1, 1))
        again = _align(source, target, s_len, t_len, refined, affinity)
        model, settled, steps = refined, again == steps, again
        if settled:
            break
    return Alignment(steps, model, affinity)


def _align(source, target, s_len: list[int], t_len: list[int], model: LengthModel, affinity: Affinity | None) -> tuple[Step, ...]:
    n, m = len(source), len(target)
    s_shape, t_shape = [_shape(b) for b in source], [_shape(b) for b in target]
    band = abs(n - m) + BAND
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        centre = int(i * m / n) if n else 0
        for j in range(max(0, centre - band), min(m, centre + band) + 1):
            if i == 0 and j == 0:
                continue
            best, best_move = inf, None
            for (di, dj), prior in PRIORS.items():
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0 or cost[pi][pj] == inf:
                    continue
                c = cost[pi][pj] - math.log(prior)
                if di and dj:
                    c -= log_tail(model.delta(sum(s_len[pi:i]), sum(t_len[pj:j])))
                    if di + dj > 2 or s_shape[pi] != t_shape[pj]:
                        c += _kind_cost(source[pi:i], target[pj:j])
                    if affinity is not None and c - AFFINITY_FLOOR < best:  # else it cannot win anyway
                        c += affinity(source[pi:i], target[pj:j])
                if c < best:
                    best, best_move = c, (di, dj)
            cost[i][j], back[i][j] = best, best_move
    steps: list[Step] = []
    i, j = n, m
    while i or j:
        move = back[i][j]
        if move is None:  # outside the band; cannot happen with band >= |n - m|, but never loop forever
            steps.append(Step(0, i, 0, j))
            break
        di, dj = move
        steps.append(Step(i - di, i, j - dj, j))
        i, j = i - di, j - dj
    return tuple(reversed(steps))


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


def _shape(block: Block) -> tuple[str, int]:
    """What same_shape compares: the kind, and a heading's level."""
    return (block.kind, block.heading.level if block.heading is not None else 0)


def _kind_cost(sources: Sequence[Block], targets: Sequence[Block]) -> float:
    blocks = list(sources) + list(targets)
    first = blocks[0]
    return KIND_PENALTY * sum(1 for other in blocks[1:] if not same_shape(first, other))


def chapter_model(source: Sequence[Block], target: Sequence[Block]) -> LengthModel:
    """A length model from a chapter alone: the ratio of its total lengths."""
    total_s = sum(block_length(b) for b in source)
    total_t = sum(block_length(b) for b in target)
    if not total_s or not total_t:
        return LengthModel()
    return LengthModel(total_t / total_s, MIN_VARIANCE)


# ---------------------------------------------------------------- reporting


def _name(lang: str | None, default: str) -> str:
    return LANGUAGE_NAMES.get((lang or "").split("-")[0], default)


def _here(block: Block) -> Location:
    return Location(block.location.path, block.location.line, 1 if block.location.line else 0)


def _refs(blocks: Sequence[Block]) -> str:
    """`path:19 and :21`: the second and later lines of the same file are shortened."""
    parts = []
    for index, block in enumerate(blocks):
        loc = block.location
        same_file = index and loc.path == blocks[0].location.path
        parts.append(f":{loc.line}" if same_file and loc.line else str(loc))
    return " and ".join(parts)


def _plural(blocks: Sequence[Block]) -> str:
    names = {describe(b) for b in blocks}
    name = names.pop() if len(names) == 1 else "block"
    return name + ("s" if len(blocks) > 1 else "")


AMBIGUITY = math.log(10)  # an explanation less than 10 times likelier than another is reported with it


def _alternative(alignment: Alignment, index: int, source, target, src: str, tgt: str) -> str:
    """A second explanation of a step, when the lengths barely prefer the first; else ''."""
    steps, model, affinity = alignment.steps, alignment.model, alignment.affinity
    step = steps[index]

    def cost_of(sources, targets) -> float:
        return step_cost(sources, targets, model, affinity)

    sources, targets = list(source[step.s0 : step.s1]), list(target[step.t0 : step.t1])
    close: list[tuple[float, str]] = []  # (how much likelier the chosen explanation is, in nats; the other one)

    def consider(alternative: float, chosen: float, text: str) -> None:
        if alternative - chosen < AMBIGUITY:
            close.append((alternative - chosen, text))

    if step.shape == (2, 1):
        a, b = sources
        chosen = cost_of(sources, targets)
        consider(cost_of([a], []) + cost_of([b], targets), chosen, f"or {src} {describe(a)} {a.location} has no translation")
        consider(cost_of([a], targets) + cost_of([b], []), chosen, f"or {src} {describe(b)} {b.location} has no translation")
    elif step.shape == (1, 2):
        x, y = targets
        chosen = cost_of(sources, targets)
        for added, kept in ((x, y), (y, x)):
            alternative = cost_of([], [added]) + cost_of(sources, [kept])
            consider(alternative, chosen, f"or the {describe(added)} at :{added.location.line} was added and has no source")
    elif step.shape in ((1, 0), (0, 1)):
        for offset in (-1, 1):
            other = index + offset
            if not (0 <= other < len(steps) and steps[other].shape == (1, 1)):
                continue
            n_sources, n_targets = [source[steps[other].s0]], [target[steps[other].t0]]
            chosen = cost_of(sources, targets) + cost_of(n_sources, n_targets)
            if offset < 0:
                merged = cost_of(n_sources + sources, n_targets + targets)
            else:
                merged = cost_of(sources + n_sources, targets + n_targets)
            if step.shape == (1, 0):
                into = f"the {tgt} {describe(n_targets[0])} at {n_targets[0].location}"
                consider(merged, chosen, f"or its translation was merged into {into}")
                consider(
                    cost_of(sources, n_targets) + cost_of(n_sources, []),
                    chosen,
                    f"or the untranslated one is the {src} {describe(n_sources[0])} {n_sources[0].location}",
                )
            else:
                of = f"{src} {describe(n_sources[0])} {n_sources[0].location}"
                consider(merged, chosen, f"or it is part of the translation of {of}, split in two")
                consider(
                    cost_of(n_sources, targets) + cost_of([], n_targets),
                    chosen,
                    f"or the one without a source is the {tgt} {describe(n_targets[0])} at {n_targets[0].location}",
                )
    return f" ({min(close)[1]})" if close else ""


def step_problems(
    alignment: Alignment,
    source: Sequence[Block],
    target: Sequence[Block],
    *,
    source_lang: str | None = "fa",
    target_lang: str | None = None,
) -> list[Problem]:
    """One located error for every step that is not a block for a block of the same kind."""
    return [
        problem
        for found in problems_by_step(alignment, source, target, source_lang=source_lang, target_lang=target_lang)
        for problem in found
    ]


def problems_by_step(
    alignment: Alignment,
    source: Sequence[Block],
    target: Sequence[Block],
    *,
    source_lang: str | None = "fa",
    target_lang: str | None = None,
) -> list[list[Problem]]:
    """The structural problems of each step of an alignment (an empty list for a good pair)."""
    steps = alignment.steps
    src, tgt = _name(source_lang, "source"), _name(target_lang, "translated")
    result: list[list[Problem]] = []
    for index, step in enumerate(steps):
        problems: list[Problem] = []
        result.append(problems)
        sources, targets = source[step.s0 : step.s1], target[step.t0 : step.t1]
        shape = step.shape
        if shape == (1, 1):
            if not same_shape(sources[0], targets[0]):
                problems.append(
                    error(
                        "ALIGN-KIND",
                        _here(targets[0]),
                        f"{tgt} {describe(targets[0])} translates the {src} {describe(sources[0])} at "
                        f"{sources[0].location}: a block must keep its kind",
                    )
                )
            continue
        also = _alternative(alignment, index, source, target, src, tgt)
        if shape == (1, 0):
            following = next((target[s.t0] for s in steps[index + 1 :] if s.t1 > s.t0), None)
            if following is not None:
                where, place = _here(following), f"it belongs before this {describe(following)}"
            elif target:
                where, place = _here(target[-1]), f"it belongs after this {describe(target[-1])}"
            else:
                where, place = _here(sources[0]), "the translation has no blocks"
            problems.append(
                error("ALIGN-MISSING", where, f"{src} {describe(sources[0])} {sources[0].location} has no translation: {place}{also}")
            )
        elif shape == (0, 1):
            before = next((source[s.s1 - 1] for s in reversed(steps[:index]) if s.s1 > s.s0), None)
            after = next((source[s.s0] for s in steps[index + 1 :] if s.s1 > s.s0), None)
            if before is not None and after is not None:
                context = f"between {src} {_refs([before, after])}"
            elif before is not None or after is not None:
                context = f"{'after' if before is not None else 'before'} {src} {(before or after).location}"
            else:
                context = "the source has no blocks"
            problems.append(
                error(
                    "ALIGN-EXTRA",
                    _here(targets[0]),
                    f"{tgt} {describe(targets[0])} has no source ({context}): remove it or add its source{also}",
                )
            )
        elif shape == (2, 1):
            problems.append(
                error(
                    "ALIGN-MERGED",
                    _here(targets[0]),
                    f"{tgt} {describe(targets[0])} at {targets[0].location} seems to merge {src} "
                    f"{_plural(sources)} {_refs(sources)}: translate each in its own block{also}",
                )
            )
        else:  # (1, 2)
            problems.append(
                error(
                    "ALIGN-SPLIT",
                    _here(targets[0]),
                    f"{tgt} {_plural(targets)} {_refs(targets)} seem to split {src} {describe(sources[0])} "
                    f"{sources[0].location}: join them into one block{also}",
                )
            )
    return result


def diagnose(
    source_blocks: Sequence[Block],
    target_blocks: Sequence[Block],
    *,
    source_lang: str | None = "fa",
    target_lang: str | None = None,
    model: LengthModel | None = None,
    affinity: Affinity | None = None,
) -> list[Problem]:
    """Every structural mismatch between a chapter and its translation, located.

    Equal counts pair in order (as the build does) and only blocks whose kind
    differs are reported (ALIGN-KIND).  Different counts are aligned by
    length and kind (`align`), and every step that is not one block for one
    is reported: ALIGN-MISSING, ALIGN-EXTRA, ALIGN-MERGED, ALIGN-SPLIT,
    ALIGN-KIND.  `model` defaults to one estimated from the chapter itself;
    `affinity` (e.g. review.flags.content_affinity()) adds what the blocks say.
    """
    if len(source_blocks) == len(target_blocks):
        alignment = Alignment(tuple(Step(i, i + 1, i, i + 1) for i in range(len(source_blocks))), model or LengthModel())
    else:
        alignment = align(source_blocks, target_blocks, model, affinity)
    return step_problems(alignment, source_blocks, target_blocks, source_lang=source_lang, target_lang=target_lang)


def pair_blocks(
    source: tuple[Block, ...], target: tuple[Block, ...], *, source_lang: str, target_lang: str
) -> tuple[list[tuple[Block, Block]], list[Problem]]:
    """Pair blocks in order, or report every place where the two sequences part."""
    problems = diagnose(source, target, source_lang=source_lang, target_lang=target_lang)
    return list(zip(source, target)), problems
