"""Sentences inside a pair: which Persian sentence each English one translates, and which have none.

A pair's two blocks are cut into sentences (text/sentences.py) and aligned
the way Gale and Church aligned sentences: a dynamic programme over sentence
lengths whose steps pair 1–1, 1–2, 2–1, 2–2 (and 1–3, 3–1) sentences, or
leave one sentence without a counterpart (1–0, 0–1).  A step costs the
negative log of its prior times the probability of its length difference,
with the translation/source ratio, the spread per character and the priors
of merges and splits all estimated from the book's own pairs
(`SentenceModel.calibrate`).  Cheap anchors make a step cheaper when its
sentences share numbers (any script, or written as words), Latin names,
quotations, questions, exclamations and footnote references, and dearer when one side has
them and the other not.  From Persian into English the words weigh too
(`LexicalModel`): a sentence whose known words have renderings in the other
side of its step (text/lexicon.py) is likely a translation of it, one whose
many known words have none is likely not, as measured on the book.

A sentence left without a counterpart is reported only when the evidence is
strong: absorbing it into a neighbouring step instead (a merge the
translator may have made), or pairing it with the sentence beside it in a
neighbouring merge (a free rendering), must cost at least `EVIDENCE` nats more
(`LEXICAL_EVIDENCE` when words were weighed; `Unmatched.evidence`).  The threshold is set so that every faithful
pair we have stays silent; docs/checks.md gives the measured false alarm
and detection rates.  Everything here is pure.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterable, Sequence

from .. import model as m
from ..read.alignment import log_tail
from ..text.lexicon import SPELLED, Lexicon
from ..text.sentences import Sentence, block_sentences
from .flags import Finding
from .numbers import english_number_words, number_tokens, persian_number_words, same_modulo_century

Shape = tuple[int, int]

# Priors of the kinds of step before calibration (Gale and Church's, with omissions made rarer:
# an edited translation leaves out far fewer sentences than their parliamentary proceedings).  A long Persian
# sentence strung together with ؛ and ، (literary prose: The Blind Owl) may become four English ones.
DEFAULT_PRIORS: dict[Shape, float] = {
    (1, 1): 0.856,
    (1, 2): 0.05,
    (2, 1): 0.05,
    (2, 2): 0.01,
    (1, 3): 0.01,
    (3, 1): 0.01,
    (1, 4): 0.002,
    (4, 1): 0.002,
    (1, 0): 0.005,
    (0, 1): 0.005,
}
NULL_SHAPES = ((1, 0), (0, 1))
PRIOR_VARIANCE = 3.0  # variance per character before calibration (faithful fa-en sentences measure 1–2.5)
PRIOR_WEIGHT = 20  # how many sentence pairs that prior counts for against the book's own
MIN_VARIANCE = 1.0
EVIDENCE = 4.5  # nats: how much likelier an omission must be than the likeliest merge to be reported (docs/checks.md)
LEXICAL_EVIDENCE = 3.5  # the same when the words were weighed too (faithful pairs then measure at most 3.2: docs/checks.md)
MIN_SENTENCE = 12  # characters: shorter sentences ("Yes.", "Wait!") are never reported on their own
BAND = 25  # how far (in sentences) the path may wander from the diagonal, beyond the difference in count
MAX_SENTENCES = 2000  # a side with more sentences than this (a 100,000-character block of one-word lines) is not aligned
CALIBRATION_PAIRS = 4000  # at most this many pairs (spread over the book) calibrate the model
ANCHOR_COST = 1.5  # an anchor (number, name, footnote, question, exclamation) one side of a step has and the other lacks
ANCHOR_BONUS = 0.75  # an anchor both sides of a step share (at most ANCHOR_CAP of each kind count)
ANCHOR_CAP = 4
# Lexical evidence (a sentence's words with renderings in the other side's sentences, text/lexicon.py):
LEXICAL_WEIGHT = 1.0  # words of a sentence are not independent witnesses: each counts for this much
LEXICAL_CAP = 8.0  # nats: what one sentence's words can say at most, either way
PRIOR_MATCH = (0.35, 0.06)  # share of a sentence's known words rendered in its translation / in a sentence it does not translate
# the same for a Persian word the lexicon does not know, matched by its spelling (`persian_spelling`): most
# such words are Persian words no English word spells, so one seldom matches, but a match says much
PRIOR_SPELLED = (0.15, 0.01)
MATCH_PRIOR_WEIGHT = 50  # words that prior counts for against the book's own
WORD_MIN_SEEN = 4  # a word seen this often in the book's translated sentences gets rates of its own
WORD_PRIOR_WEIGHT = 8  # how many sightings the side's rate counts for against a word's own
CHANCE_PRIOR_WEIGHT = 10  # the same for the rate of finding it beside


# White space and the format characters (Unicode category Cf) that occur in text: ZWNJ and its kin, bidi marks
# and controls, the soft hyphen, the Arabic letter mark and number signs, the BOM.
_UNCOUNTED = re.compile(r"[\s\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]")


def length(text: str) -> int:
    """Characters a reader reads, without spaces and invisible marks (as block_length counts)."""
    return len(text) - len(_UNCOUNTED.findall(text))


# ---------------------------------------------------------------- anchors

_DIGIT = re.compile(r"[0-9۰-۹٠-٩]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’.-]*[A-Za-z0-9]|[A-Za-z]{2,}")
_QUOTES = re.compile(r"[«“\"]")


_NONE: Counter = Counter()  # shared by every sentence without numbers; never changed


@dataclass(frozen=True)
class Anchors:
    """What a sentence offers the alignment besides its length."""

    numbers: Counter  # canonical values of numbers written with digits
    words: Counter  # values of numbers written as words
    latin: frozenset  # Latin-script words, lowercased (names, terms, code)
    quotes: int
    question: int
    exclamation: int
    notes: int

    @classmethod
    def of(cls, sentence: Sentence, lang: str, numbers: bool = True) -> "Anchors":
        """`numbers`: read numbers (digits, and words that may stand for digits on the other side); a pair
        with no digit on either side has no number to match, and number words are dear to read."""
        text = sentence.text
        words = []
        if numbers:
            words = persian_number_words(text) if lang.split("-")[0] == "fa" else english_number_words(text)
        return cls(
            Counter(v for token in number_tokens(text) for v in token.values) if numbers else _NONE,
            Counter(str(v) for v in words) if words else _NONE,
            frozenset(w.lower() for w in _LATIN_WORD.findall(text)),
            len(_QUOTES.findall(text)),
            int("?" in text or "؟" in text),
            int("!" in text),
            sentence.notes,
        )


def _combined(items: Sequence[Anchors]) -> Anchors:
    if len(items) == 1:
        return items[0]
    numbers, words = Counter(), Counter()
    for a in items:  # update in place: sum() would make a new Counter for every item
        numbers.update(a.numbers)
        words.update(a.words)
    return Anchors(
        numbers,
        words,
        frozenset().union(*(a.latin for a in items)),
        sum(a.quotes for a in items),
        max(a.question for a in items),
        max(a.exclamation for a in items),
        sum(a.notes for a in items),
    )


def _combined_cost(s: Anchors, t: Anchors, source_is_latin: bool) -> float:
    """Extra cost of pairing two runs of sentences (their anchors combined): negative when they share
    anchors, positive when one lacks them."""
    question, exclamation = s.question - t.question, s.exclamation - t.exclamation
    # a question on one side and an exclamation on the other is one difference, not two: Persian often asks
    # what English exclaims (چه پردهٔ عجیبی بود؟ — What a strange curtain it was!)
    swapped = int(question * exclamation < 0)
    unmatched = abs(s.notes - t.notes) + abs(question) + abs(exclamation) - swapped
    matched = min(s.notes, t.notes) + min(s.question, t.question) + min(s.exclamation, t.exclamation)
    if s.numbers or t.numbers:
        # Counter arithmetic with plain dicts: this runs for every cell of the alignment's band
        missing = {v: n - t.numbers.get(v, 0) for v, n in s.numbers.items() if n > t.numbers.get(v, 0)}
        extra = {v: n - s.numbers.get(v, 0) for v, n in t.numbers.items() if n > s.numbers.get(v, 0)}
        for value in [v for v, n in missing.items() for _ in range(n)]:
            partner = next((o for o in extra if extra[o] > 0 and same_modulo_century(value, o)), None)
            if partner is not None:
                missing[value] -= 1
                extra[partner] -= 1
        lost_source = sum(max(n - t.words.get(v, 0), 0) for v, n in missing.items())
        lost_target = sum(max(n - s.words.get(v, 0), 0) for v, n in extra.items())
        unmatched += min(lost_source + lost_target, ANCHOR_CAP)
        matched += min(sum(s.numbers.values()) - lost_source, ANCHOR_CAP)
    if s.latin and not source_is_latin:
        # Latin words inside Persian (names, terms, code) are kept as they are by a translation
        shared = len(s.latin & t.latin)
        matched += min(shared, ANCHOR_CAP)
        unmatched += min(len(s.latin) - shared, ANCHOR_CAP) * 0.5
    if s.quotes and t.quotes:
        matched += 1
    return ANCHOR_COST * unmatched - ANCHOR_BONUS * matched


# ---------------------------------------------------------------- lexical evidence


def lexical_languages(source_lang: str, target_lang: str) -> bool:
    """Whether the bundled lexicon covers the pair of languages (Persian into English)."""
    return source_lang.split("-")[0] == "fa" and target_lang.split("-")[0] == "en"


def _words(sentence: Sentence, side: str, lexicon: Lexicon) -> tuple[tuple, frozenset[str]]:
    """A source sentence's known words as their renderings, a target sentence's as stems; and all of them.

    Not kept between alignments: the renderings of every sentence of a large book would fill hundreds of MB."""
    if side == "source":
        words = lexicon.persian_words(sentence.text)
        return words, frozenset().union(*words)
    # its known words' stems and all its words' spellings (which can meet a Persian name); the stems are its
    # words, sorted: the same bits, and sums, whatever the hash seed
    renderings = lexicon.english_renderings(sentence.text)
    return tuple(sorted(r for r in renderings if not r.startswith(SPELLED))), renderings


@dataclass(frozen=True)
class LexicalModel:
    """How strongly the words of a sentence say whether it translates the sentences it is paired with.

    For each side, `found` is the share of a sentence's known words whose rendering stands in its translation
    and `chance` the share found in a sentence it does not translate, both measured on the book.  A word the
    book uses often has rates of its own (`words`): a name or a term its translator always renders the same
    way (اینترنت, Internet) says more, when it is missing, than a word rendered freely.  A sentence's known
    words weigh, each, log(found/chance) when found and log((1−found)/(1−chance)) when not, scaled by
    LEXICAL_WEIGHT; their sum is capped at LEXICAL_CAP either way.
    """

    lexicon: Lexicon = field(compare=False, repr=False)
    source: tuple[float, float] = PRIOR_MATCH  # (found, chance) for the source sentences' words
    target: tuple[float, float] = PRIOR_MATCH
    # a word's own (what a found word adds, what a word not found takes away), for the words the book uses
    words: dict = field(default_factory=dict, compare=False, repr=False)
    spelled: tuple[float, float] = PRIOR_SPELLED  # the same for source words known only by their spelling

    @classmethod
    def calibrate(cls, lexicon: Lexicon, matched: Sequence[tuple[Sentence, Sentence, Sentence | None]]) -> "LexicalModel":
        """From sentences paired 1–1 (a translation) and, where there is one, the source sentence beside it in
        the same pair (not its translation, but about the same things: the alternative a merge would make)."""
        matched = _spread(matched, CALIBRATION_PAIRS)
        # per word: [found in its translation, seen], [found beside, seen beside]; a source word is keyed by
        # its renderings, a target word by its stem
        per_word: dict = {}

        def count(word, found: bool, slot: int) -> None:
            c = per_word.get(word)
            if c is None:
                c = per_word[word] = [0, 0, 0, 0]
            c[slot] += found
            c[slot + 1] += 1

        for s, t, other in matched:
            s_words, s_union = _words(s, "source", lexicon)
            t_words, t_union = _words(t, "target", lexicon)
            for r in s_words:
                count(r, not r.isdisjoint(t_union), 0)
            for w in t_words:
                count(w, w in s_union, 0)
            if other is not None and other.text != s.text:
                o_words, o_union = _words(other, "source", lexicon)
                for r in o_words:
                    count(r, not r.isdisjoint(t_union), 2)
                for w in t_words:
                    count(w, w in o_union, 2)
        totals = {kind: [0, 0, 0, 0] for kind in ("source", "spelled", "target")}
        for word, c in per_word.items():
            side = totals[_kind(word)]
            for k in range(4):
                side[k] += c[k]

        def rates(c: list[int], prior: tuple[float, float]) -> tuple[float, float]:
            found = (c[0] + MATCH_PRIOR_WEIGHT * prior[0]) / (c[1] + MATCH_PRIOR_WEIGHT)
            chance = (c[2] + MATCH_PRIOR_WEIGHT * prior[1]) / (c[3] + MATCH_PRIOR_WEIGHT)
            return found, min(chance, found * 0.5)  # a lexicon no better than chance says little, never the opposite

        kinds = {kind: rates(totals[kind], PRIOR_SPELLED if kind == "spelled" else PRIOR_MATCH) for kind in totals}
        words = {}
        for word, c in per_word.items():
            if c[1] < WORD_MIN_SEEN:
                continue
            found, chance = kinds[_kind(word)]
            # drawn towards the side's rates: a word seen a few times keeps close to them
            own_found = (c[0] + WORD_PRIOR_WEIGHT * found) / (c[1] + WORD_PRIOR_WEIGHT)
            own_chance = (c[2] + CHANCE_PRIOR_WEIGHT * chance) / (c[3] + CHANCE_PRIOR_WEIGHT)
            words[word] = _weights(own_found, min(own_chance, own_found * 0.5))
        return cls(lexicon, kinds["source"], kinds["target"], words, kinds["spelled"])

    def weights(self, kind: str) -> tuple[float, float]:
        """(what a found word adds, what a known word not found takes away), in nats, for a word the book
        has no rates of its own for; `kind` as `_kind` tells."""
        return _weights(*{"source": self.source, "spelled": self.spelled, "target": self.target}[kind])

    @cached_property
    def _defaults(self) -> dict[str, tuple[float, float]]:
        return {kind: self.weights(kind) for kind in ("source", "spelled", "target")}

    def word_weights(self, words: Iterable) -> tuple[float, tuple[float, ...]]:
        """For a sentence's known words (`_kind` tells their side): what they weigh if none is found, and what
        finding each adds to that."""
        pairs = [self.words.get(w) or self._defaults[_kind(w)] for w in words]
        return sum(loss for _, loss in pairs), tuple(gain - loss for gain, loss in pairs)


def _kind(word) -> str:
    """A source word (its renderings), a source word known only by its spelling (a name, a loanword), or a
    target word (its stem): each kind is found at rates of its own."""
    if not isinstance(word, frozenset):
        return "target"
    return "spelled" if len(word) == 1 and next(iter(word)).startswith(SPELLED) else "source"


def _spread(items: Sequence, limit: int) -> Sequence:
    """At most `limit` of `items`, taken evenly over all of them (a book's calibration sample)."""
    if len(items) <= limit:
        return items
    stride = len(items) / limit
    return [items[int(k * stride)] for k in range(limit)]


def _weights(found: float, chance: float) -> tuple[float, float]:
    return (LEXICAL_WEIGHT * math.log(found / chance), LEXICAL_WEIGHT * math.log((1 - found) / (1 - chance)))


# ---------------------------------------------------------------- the model


@dataclass(frozen=True)
class SentenceModel:
    """Translated length ≈ ratio × source length, variance ∝ source length; priors of each step's shape."""

    ratio: float = 1.0
    variance: float = PRIOR_VARIANCE
    priors: tuple[tuple[Shape, float], ...] = tuple(DEFAULT_PRIORS.items())
    lexical: "LexicalModel | None" = None  # None: lengths and anchors only (no lexicon for the languages)

    @property
    def threshold(self) -> float:
        """The evidence (nats) an unmatched sentence needs to be reported."""
        return EVIDENCE if self.lexical is None else LEXICAL_EVIDENCE

    def prior(self, shape: Shape) -> float:
        found = dict(self.priors).get(shape)
        if found is not None:
            return found
        # a wider merge than the programme makes (only used to weigh an alternative explanation)
        a, b = shape
        priors = dict(self.priors)
        if not (a and b):
            return priors[(1, 0)]
        if min(a, b) == 1:
            # one sentence in five or more: the book's own 1-3 and 1-4 steps, continued at the rate they fall
            widest = (1, 4) if a == 1 else (4, 1)
            narrower = (1, 3) if a == 1 else (3, 1)
            if widest in priors and narrower in priors:
                fall = min(priors[widest] / priors[narrower], 0.5)
                return priors[widest] * fall ** (max(a, b) - 4)
        return priors[(2, 1)] ** (max(a, b) - 1)

    def delta(self, source_length: int, target_length: int) -> float:
        source_length = max(source_length, 1)
        return (target_length - self.ratio * source_length) / math.sqrt(self.variance * source_length)

    @classmethod
    def calibrate(
        cls,
        pairs: Sequence[tuple[Sequence[Sentence], Sequence[Sentence]]],
        ratio: float,
        source_lang: str = "fa",
        target_lang: str = "en",
        cache: dict | None = None,
        lexicon: Lexicon | None = None,
    ) -> "SentenceModel":
        """The model of a book, from (some of) its pairs: the blocks' `ratio`, the spread of the sentences
        of pairs with as many sentences on each side, and how often the translator merges or splits.

        The priors of omissions and additions are not learnt: a book with many omissions must not make
        them look normal.  With a `lexicon` (Persian–English), the renderings the book's own translated
        sentences teach are added to it (`Lexicon.learned`), and how often a word's rendering is found in the
        sentence it translates, and in one it does not, is measured too (`LexicalModel`).
        """
        pairs = _spread(pairs, CALIBRATION_PAIRS)
        first = cls(ratio=ratio)
        informative = [
            (length(s.text), length(t.text))
            for src, tgt in pairs
            if len(src) == len(tgt) and len(src) > 1
            for s, t in zip(src, tgt)
            if length(s.text) >= 20
        ]
        variance = PRIOR_VARIANCE
        if len(informative) >= 5:
            # robust (median absolute deviation), and drawn towards the prior when the book is small
            scaled = [(t - ratio * s) / math.sqrt(s) for s, t in informative]
            centre = statistics.median(scaled)
            mad = statistics.median(abs(z - centre) for z in scaled)
            n = len(informative)
            variance = max(MIN_VARIANCE, (n * (1.4826 * mad) ** 2 + PRIOR_WEIGHT * PRIOR_VARIANCE) / (n + PRIOR_WEIGHT))
        first = cls(ratio=ratio, variance=variance)
        counts: Counter = Counter()
        matched: list[tuple[Sentence, Sentence, Sentence | None]] = []  # translations, and a neighbour that is not
        for src, tgt in pairs:
            if len(src) > 1 or len(tgt) > 1:
                steps = [s for s in align_sentences(src, tgt, first, source_lang, target_lang, cache).steps]
                for k, step in enumerate(steps):
                    counts[step.shape] += 1
                    if step.shape == (1, 1):
                        beside = steps[k - 1] if k else (steps[k + 1] if k + 1 < len(steps) else None)
                        other = src[beside.s0] if beside is not None and beside.s1 > beside.s0 else None
                        matched.append((src[step.s0], tgt[step.t0], other))
            elif src and tgt:
                matched.append((src[0], tgt[0], None))
        lexical = None
        if lexicon is not None and lexical_languages(source_lang, target_lang):
            matched = _spread(matched, CALIBRATION_PAIRS)
            lexicon = lexicon.learned((s.text, t.text) for s, t, _ in matched)
            lexical = LexicalModel.calibrate(lexicon, matched)
            first = cls(ratio=ratio, variance=variance, lexical=lexical)
        total = sum(counts.values())
        if total < 20:
            return first
        strength = 200.0  # pseudo-counts of the default priors: a small book keeps close to them
        learnt = {
            shape: (counts[shape] + strength * p) / (total + strength)
            for shape, p in DEFAULT_PRIORS.items()
            if shape not in NULL_SHAPES
        }
        scale = (1 - sum(DEFAULT_PRIORS[s] for s in NULL_SHAPES)) / sum(learnt.values())
        priors = {shape: p * scale for shape, p in learnt.items()}
        priors.update({s: DEFAULT_PRIORS[s] for s in NULL_SHAPES})
        return cls(ratio=ratio, variance=variance, priors=tuple(sorted(priors.items())), lexical=lexical)


# ---------------------------------------------------------------- alignment


@dataclass(frozen=True)
class SentenceStep:
    """Source sentences [s0, s1) go with target sentences [t0, t1)."""

    s0: int
    s1: int
    t0: int
    t1: int

    @property
    def shape(self) -> Shape:
        return (self.s1 - self.s0, self.t1 - self.t0)


@dataclass(frozen=True)
class Unmatched:
    """A sentence with no counterpart, and how strongly the lengths and anchors say so (in nats)."""

    side: str  # "source" | "target"
    index: int  # the sentence, 0-based in its block
    evidence: float
    step: int  # its step in the alignment


@dataclass(frozen=True)
class SentenceAlignment:
    steps: tuple[SentenceStep, ...]
    unmatched: tuple[Unmatched, ...]

    @property
    def groups(self) -> tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]:
        """For every step, the source and the target sentences it pairs (one side may be empty)."""
        return tuple((tuple(range(s.s0, s.s1)), tuple(range(s.t0, s.t1))) for s in self.steps)

    def reported(self, threshold: float = EVIDENCE) -> tuple[Unmatched, ...]:
        return tuple(u for u in self.unmatched if u.evidence >= threshold)


class _Scorer:
    """Costs of steps over two sentence lists, each computed once."""

    def __init__(self, source, target, model: SentenceModel, source_lang: str, target_lang: str, cache: dict | None = None):
        self.model = model
        cache = {} if cache is None else cache
        numbers = any(_DIGIT.search(s.text) for s in source) or any(_DIGIT.search(t.text) for t in target)

        def prepared(sentence: Sentence, lang: str) -> tuple[int, Anchors]:
            key = (id(sentence), numbers)
            found = cache.get(key)
            if found is None or found[0] is not sentence:
                found = cache[key] = (sentence, length(sentence.text), Anchors.of(sentence, lang, numbers))
            return found[1], found[2]

        s_prep = [prepared(s, source_lang) for s in source]
        t_prep = [prepared(t, target_lang) for t in target]
        self.s_len = [p[0] for p in s_prep]
        self.t_len = [p[0] for p in t_prep]
        self.s_anchors = [p[1] for p in s_prep]
        self.t_anchors = [p[1] for p in t_prep]
        self.source_is_latin = source_lang.split("-")[0] not in ("fa", "ar", "ur", "ps", "ckb")
        self.log_prior = {shape: -math.log(p) for shape, p in model.priors}
        self._cache: dict[tuple[int, int, int, int], float] = {}
        self._spans: dict[tuple[int, int, int], Anchors] = {}
        self.lexical = model.lexical
        if self.lexical is not None:
            lexicon = self.lexical.lexicon
            s_words = [_words(s, "source", lexicon) for s in source]
            t_words = [_words(t, "target", lexicon) for t in target]
            self.s_words = [w for w, _ in s_words]
            self.s_union = [u for _, u in s_words]
            self.t_words = [tuple(w) for w, _ in t_words]
            self.t_union = [u for _, u in t_words]
            self.s_weights = [self.lexical.word_weights(w) for w in self.s_words]
            self.t_weights = [self.lexical.word_weights(w) for w in self.t_words]
            self._found_t: dict[tuple[int, int], int] = {}
            self._found_s: dict[tuple[int, int], int] = {}
            self._shared_words: dict[tuple[str, int, int], tuple[tuple[int, int], ...]] = {}
            self._word_counts: dict[tuple[str, int], Counter] = {}
            self.source, self.target = source, target

    def _target_found(self, i: int, j: int) -> int:
        """Which known words of target sentence j (a bit each) source sentence i has a rendering for."""
        key = (i, j)
        found = self._found_t.get(key)
        if found is None:
            union = self.s_union[i]
            found = self._found_t[key] = sum(1 << k for k, w in enumerate(self.t_words[j]) if w in union)
        return found

    def _source_found(self, i: int, j: int) -> int:
        """Which known words of source sentence i (a bit each) are rendered in target sentence j."""
        key = (i, j)
        found = self._found_s.get(key)
        if found is None:
            union = self.t_union[j]
            found = self._found_s[key] = sum(1 << k for k, r in enumerate(self.s_words[i]) if not r.isdisjoint(union))
        return found

    def _lexical_cost(self, s0: int, s1: int, t0: int, t1: int) -> float:
        """Minus the log-odds, summed over the step's sentences, that each translates the other side's run."""
        t_masks = [self._run_mask(self._target_found, range(s0, s1), j, first=False) for j in range(t0, t1)]
        s_masks = [self._run_mask(self._source_found, range(t0, t1), i, first=True) for i in range(s0, s1)]
        if t1 - t0 > 1:
            self._witness_once(t_masks, t0, "t", lambda w: sum(self._in_source(i, w) for i in range(s0, s1)))
        if s1 - s0 > 1:
            self._witness_once(s_masks, s0, "s", lambda r: sum(self._in_target(j, r) for j in range(t0, t1)))
        return -(self._log_odds(t_masks, t0, self.t_weights) + self._log_odds(s_masks, s0, self.s_weights))

    @staticmethod
    def _run_mask(found, run: range, n: int, first: bool) -> int:
        """The known words of sentence n (a bit each) that the other side's `run` of sentences has."""
        mask = 0
        for other in run:
            mask |= found(n, other) if first else found(other, n)
        return mask

    def _witness_once(self, masks: list[int], start: int, side: str, supply) -> None:
        """A word found by two sentences of a run (نامه in both Persian sentences of a merge, "letter" once in
        the English) is found only as often as the other side has it: one word of a translation witnesses one
        word of its source.  Without this, a sentence whose translation is missing hides in a merge with a
        neighbour about the same things, its words found again in the neighbour's translation."""
        words = self.s_words if side == "s" else self.t_words
        seen: dict = {}  # a word found in more than one sentence of the run -> where (sentence in run, bit)
        for b in range(1, len(masks)):
            for a in range(b):
                for ka, kb in self._shared(words, start + a, start + b, side):
                    if masks[a] >> ka & 1 and masks[b] >> kb & 1:
                        places = seen.setdefault(words[start + a][ka], {(a, ka)})
                        places.add((b, kb))
        for word, places in seen.items():
            for n, k in sorted(places)[supply(word) :]:
                masks[n] &= ~(1 << k)

    def _in_source(self, i: int, stem: str) -> int:
        """How many words of source sentence i an English stem may render (hand: دست in دردست and دستهایش, two)."""
        if stem not in self.s_union[i]:
            return 0
        return sum(n for renderings, n in self._counts("s", i).items() if stem in renderings)

    def _in_target(self, j: int, renderings: frozenset) -> int:
        """How many words of target sentence j render a Persian word (a name's spelling counts once)."""
        if renderings.isdisjoint(self.t_union[j]):
            return 0
        return max(1, sum(n for stem, n in self._counts("t", j).items() if stem in renderings))

    def _counts(self, side: str, n: int) -> Counter:
        """How often each known word stands in a sentence, counted when a word is found twice in a run."""
        key = (side, n)
        found = self._word_counts.get(key)
        if found is None:
            lexicon = self.lexical.lexicon
            text = self.source[n].text if side == "s" else self.target[n].text
            found = self._word_counts[key] = lexicon.persian_counts(text) if side == "s" else lexicon.english_counts(text)
        return found

    def _shared(self, words, a: int, b: int, side: str) -> tuple[tuple[int, int], ...]:
        """The words sentences a and b have in common, as (bit in a, bit in b)."""
        key = (side, a, b)
        found = self._shared_words.get(key)
        if found is None:
            where = {w: k for k, w in enumerate(words[b])}
            found = self._shared_words[key] = tuple((k, where[w]) for k, w in enumerate(words[a]) if w in where)
        return found

    @staticmethod
    def _log_odds(masks: list[int], start: int, weights) -> float:
        """The log-odds, summed over one side's sentences, that each translates the other side's run: a
        sentence's known words found (`masks`, a bit each, for the sentences from `start` on) count for, the
        rest against (`weights[n]`: what they weigh if none is found, and what finding each adds), capped at
        LEXICAL_CAP either way."""
        total = 0.0
        for n, mask in enumerate(masks, start):
            base, gains = weights[n]
            if gains:
                value = base
                while mask:
                    low = mask & -mask
                    value += gains[low.bit_length() - 1]
                    mask ^= low
                total += max(-LEXICAL_CAP, min(LEXICAL_CAP, value))
        return total

    def _span(self, anchors: list[Anchors], start: int, end: int) -> Anchors:
        """The anchors of sentences start..end together, combined once for all the steps that use them."""
        if end - start == 1:
            return anchors[start]
        key = (id(anchors), start, end)
        found = self._spans.get(key)
        if found is None:
            found = self._spans[key] = _combined(anchors[start:end])
        return found

    def cost(self, s0: int, s1: int, t0: int, t1: int) -> float:
        key = (s0, s1, t0, t1)
        found = self._cache.get(key)
        if found is not None:
            return found
        shape = (s1 - s0, t1 - t0)
        prior = self.log_prior.get(shape)
        cost = prior if prior is not None else -math.log(self.model.prior(shape))
        if shape[0] and shape[1]:
            delta = self.model.delta(sum(self.s_len[s0:s1]), sum(self.t_len[t0:t1]))
            cost -= log_tail(delta)
            cost += _combined_cost(self._span(self.s_anchors, s0, s1), self._span(self.t_anchors, t0, t1), self.source_is_latin)
            if self.lexical is not None:
                cost += self._lexical_cost(s0, s1, t0, t1)
        self._cache[key] = cost
        return cost


def align_sentences(
    source: Sequence[Sentence],
    target: Sequence[Sentence],
    model: SentenceModel,
    source_lang: str = "fa",
    target_lang: str = "en",
    cache: dict | None = None,
) -> SentenceAlignment:
    """The cheapest path of steps through both sentence lists, and the evidence for each unmatched sentence.

    `cache` keeps what each sentence offers (length, anchors) between alignments of the same sentences."""
    n, m = len(source), len(target)
    if n == 0 or m == 0:
        steps = tuple(SentenceStep(i, i + 1, 0, 0) for i in range(n)) + tuple(SentenceStep(n, n, j, j + 1) for j in range(m))
        return SentenceAlignment(steps, ())
    if n == 1 and m == 1:
        return SentenceAlignment((SentenceStep(0, 1, 0, 1),), ())
    if n > MAX_SENTENCES or m > MAX_SENTENCES:
        return SentenceAlignment((SentenceStep(0, n, 0, m),), ())  # one step: nothing is reported
    scorer = _Scorer(source, target, model, source_lang, target_lang, cache)
    shapes = [shape for shape, _ in model.priors]
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[Shape | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    band = abs(n - m) + BAND
    for i in range(n + 1):
        row = cost[i]
        centre = i * m // n
        for j in range(max(0, centre - band), min(m, centre + band) + 1):
            if i == 0 and j == 0:
                continue
            best, best_shape = inf, None
            for di, dj in shapes:
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0:
                    continue
                before = cost[pi][pj]
                if before == inf:
                    continue
                c = before + scorer.cost(pi, i, pj, j)
                if c < best:
                    best, best_shape = c, (di, dj)
            row[j], back[i][j] = best, best_shape
    steps: list[SentenceStep] = []
    i, j = n, m
    while i or j:
        if back[i][j] is None:  # outside the band: cannot happen with band >= |n - m|, but never loop forever
            steps.append(SentenceStep(0, i, 0, j))
            break
        di, dj = back[i][j]
        steps.append(SentenceStep(i - di, i, j - dj, j))
        i, j = i - di, j - dj
    steps.reverse()
    return SentenceAlignment(tuple(steps), tuple(_evidence(steps, scorer)))


def _evidence(steps: list[SentenceStep], scorer: _Scorer) -> Iterable[Unmatched]:
    """For each 1–0 or 0–1 step: how much dearer the cheapest way of absorbing its sentence into a
    neighbouring step (a wider merge, as a translator may make) would be."""
    for index, step in enumerate(steps):
        if step.shape not in NULL_SHAPES:
            continue
        side = "source" if step.shape == (1, 0) else "target"
        sentence = step.s0 if side == "source" else step.t0
        lengths = scorer.s_len if side == "source" else scorer.t_len
        chosen = scorer.cost(step.s0, step.s1, step.t0, step.t1)
        alternatives = []
        for offset in (-1, 1):
            k = index + offset
            if not 0 <= k < len(steps):
                continue
            other = steps[k]
            if other.shape in NULL_SHAPES:
                continue  # two lone sentences side by side: the translation may just say it otherwise
            merged = SentenceStep(min(step.s0, other.s0), max(step.s1, other.s1), min(step.t0, other.t0), max(step.t1, other.t1))
            both = chosen + scorer.cost(other.s0, other.s1, other.t0, other.t1)
            alternatives.append(scorer.cost(merged.s0, merged.s1, merged.t0, merged.t1) - both)
            resplit = _resplit(step, other, offset)
            if resplit is not None:
                # the neighbour merged two sentences: its one beside the lone sentence may be its (free) rendering
                alternatives.append(sum(scorer.cost(*r) for r in resplit) - both)
        beside = [steps[k] for k in (index - 1, index + 1) if 0 <= k < len(steps)]
        counterpart = next((o for o in beside if o.shape in NULL_SHAPES and o.shape != step.shape), None)
        if lengths[sentence] < MIN_SENTENCE:
            evidence = 0.0
        elif counterpart is not None:
            # a source and a target sentence left side by side: reworded, not lost — unless reading them as each
            # other's translation is itself far-fetched (a sentence glued to another one: "It looks like this:
            # Many of the delegates …" for «چیزی شبیه به این:»)
            source, target = (step, counterpart) if side == "source" else (counterpart, step)
            together = scorer.cost(source.s0, source.s1, target.t0, target.t1)
            evidence = together - chosen - scorer.cost(counterpart.s0, counterpart.s1, counterpart.t0, counterpart.t1)
        else:
            evidence = min(alternatives) if alternatives else 0.0
        yield Unmatched(side, sentence, evidence, index)


def _resplit(lone: SentenceStep, other: SentenceStep, offset: int) -> tuple[tuple[int, int, int, int], ...] | None:
    """The neighbouring step `other` without its sentence next to the lone one, and that sentence paired with
    the lone one; None when `other` has only one sentence on the side the lone sentence lacks."""
    if lone.shape == (1, 0):
        if other.t1 - other.t0 < 2:
            return None
        if offset < 0:  # other comes first: its last target sentence goes with the lone source sentence
            return (other.s0, other.s1, other.t0, other.t1 - 1), (lone.s0, lone.s1, other.t1 - 1, other.t1)
        return (lone.s0, lone.s1, other.t0, other.t0 + 1), (other.s0, other.s1, other.t0 + 1, other.t1)
    if other.s1 - other.s0 < 2:
        return None
    if offset < 0:
        return (other.s0, other.s1 - 1, other.t0, other.t1), (other.s1 - 1, other.s1, lone.t0, lone.t1)
    return (other.s0, other.s0 + 1, lone.t0, lone.t1), (other.s0 + 1, other.s1, other.t0, other.t1)


# ---------------------------------------------------------------- a pair's sentences and findings


@dataclass(frozen=True)
class PairSentences:
    """The sentences of a pair's two blocks and how they align: what the review edition links."""

    source: tuple[Sentence, ...]
    target: tuple[Sentence, ...]
    alignment: SentenceAlignment
    reported: tuple[Unmatched, ...]  # the unmatched sentences strong enough to be flagged


def cut_pair(source: m.Block, target: m.Block, source_lang: str, target_lang: str) -> tuple[tuple[Sentence, ...], tuple[Sentence, ...]]:
    """Both blocks of a pair as sentences (none for code)."""
    if source.kind == "code" or target.kind == "code":
        return (), ()
    return block_sentences(source, source_lang), block_sentences(target, target_lang)


def pair_sentences(
    source: Sequence[Sentence],
    target: Sequence[Sentence],
    model: SentenceModel,
    source_lang: str,
    target_lang: str,
    cache: dict | None = None,
) -> PairSentences:
    alignment = align_sentences(source, target, model, source_lang, target_lang, cache)
    return PairSentences(tuple(source), tuple(target), alignment, alignment.reported(model.threshold))


def first_words(text: str, count: int = 6) -> str:
    words = text.split()
    return " ".join(words[:count]) + ("…" if len(words) > count else "")


def sentence_findings(pair: PairSentences, source_name: str, target_name: str) -> list[Finding]:
    """SENTENCE-MISSING for each reported source sentence, SENTENCE-ADDED for each reported target one.

    A missing sentence is located where its translation belongs: before the
    target sentence that follows it in the alignment (after the last one at
    the end of the block); an added sentence is located at itself.
    """
    findings = []
    steps = pair.alignment.steps
    reported = {(u.side, u.step): u for u in pair.reported}
    for unmatched in pair.reported:
        # a source and a target sentence left side by side that do not read as each other's translation either
        other_side = "target" if unmatched.side == "source" else "source"
        beside = next((reported[other_side, k] for k in (unmatched.step - 1, unmatched.step + 1) if (other_side, k) in reported), None)
        if beside is not None:
            findings.append(_unlike(pair, unmatched, beside, source_name, target_name))
        elif unmatched.side == "source":
            sentence = pair.source[unmatched.index]
            following = next((pair.target[s.t0] for s in steps[unmatched.step + 1 :] if s.t1 > s.t0), None)
            preceding = next((pair.target[s.t1 - 1] for s in reversed(steps[: unmatched.step]) if s.t1 > s.t0), None)
            if following is not None:
                place, needle = f"it belongs before “{first_words(following.text)}”", _needle(following.text)
            elif preceding is not None:
                place, needle = f"it belongs after “{first_words(preceding.text)}”", None
            else:
                place, needle = "", None
            findings.append(
                Finding(
                    "SENTENCE-MISSING",
                    f"{source_name} sentence {unmatched.index + 1} of {len(pair.source)} "
                    f"(«{first_words(sentence.text)}») has no {target_name} counterpart: {place}",
                    needle=needle,
                )
            )
        else:
            sentence = pair.target[unmatched.index]
            findings.append(
                Finding(
                    "SENTENCE-ADDED",
                    f"{target_name} sentence {unmatched.index + 1} of {len(pair.target)} "
                    f"(“{first_words(sentence.text)}”) has no {source_name} source: remove it, or add its source",
                    needle=_needle(sentence.text),
                )
            )
    return findings


def _unlike(pair: PairSentences, unmatched: Unmatched, beside: Unmatched, source_name: str, target_name: str) -> Finding:
    """A sentence that stands beside an unmatched sentence of the other side which does not translate it: a
    sentence glued to another one ("It looks like this: Many of the delegates …"), or two rendered as one."""
    if unmatched.side == "source":
        source, target = pair.source[unmatched.index], pair.target[beside.index]
        return Finding(
            "SENTENCE-MISSING",
            f"{source_name} sentence {unmatched.index + 1} of {len(pair.source)} («{first_words(source.text)}») is not "
            f"what the {target_name} sentence beside it says (“{first_words(target.text)}”): is something left out, or added?",
            needle=_needle(target.text),
        )
    source, target = pair.source[beside.index], pair.target[unmatched.index]
    return Finding(
        "SENTENCE-ADDED",
        f"{target_name} sentence {unmatched.index + 1} of {len(pair.target)} (“{first_words(target.text)}”) says more "
        f"than, or other than, the {source_name} sentence beside it («{first_words(source.text)}»): is something added, or left out?",
        needle=_needle(target.text),
    )


def _needle(text: str) -> str:
    """The first words of a sentence as written in the file (markup may break a longer match)."""
    return " ".join(text.split()[:3])
