"""The review of a book: every chapter aligned, every pair flagged, compared with the approval lock.

Reading gives every chapter's blocks (read/book.parse_book); this module
aligns them (read/alignment.py), runs the per-pair quality flags (flags.py),
compares the pairs with the approval lock (approval.py) and applies the flags
a reviewer has accepted (acceptances.py).  The result, a BookReview, is what
`check` prints, what `review` renders and what `export` writes: one
gathering, several views.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from .. import model as m
from ..files import TRANSLATIONS_DIR, shown_path
from ..problems import BookError, Location, Problem, Severity, error, warning
from ..read.alignment import (
    Alignment,
    LengthModel,
    Step,
    align,
    block_length,
    problems_by_step,
    same_shape,
)
from ..read.book import ParsedBook, normalised_block, parse_book
from ..read.links import ChapterLinks, broken_links
from ..read.config import BookConfig
from ..read.markdown import pandoc_json
from ..text.blocks import plain_text
from ..text.lexicon import bundled_lexicon
from .acceptances import ACCEPT_NAME, Acceptance, read_accepts
from .approval import (
    Approval,
    compare,
    diff_summary,
    fingerprint,
    lock_path,
    pair_id,
    read_lock,
)
from .codes import ACCEPTABLE
from .comments import COMMENTS_NAME, Comment, pair_of, read_comments, unit_id
from .flags import content_affinity, language_name, pair_findings
from .glossary import GLOSSARY_NAME, Glossary, inconsistent_names, read_glossary
from .sentences import PairSentences, SentenceModel, cut_pair, lexical_languages, pair_sentences, sentence_findings


@dataclass(frozen=True)
class Row:
    """One step of a chapter's alignment: usually a pair, else the blocks that do not pair."""

    number: int
    sources: tuple[m.Block, ...]
    targets: tuple[m.Block, ...]
    status: str  # "ok" | "stale" | "needs-review" | "missing" | "misaligned"
    problems: tuple[Problem, ...] = ()  # open: structure, quality flags, approval
    accepted: tuple[tuple[Problem, str], ...] = ()  # quality flags a reviewer accepted, with the reason
    pair: str = ""  # pair id (one block on each side only)
    source_fingerprint: str = ""
    target_fingerprint: str = ""
    source_text: str = ""  # normalised, footnotes included: what the lock stores
    approved_text: str | None = None  # the source text as approved, for a stale pair
    sentences: PairSentences | None = None  # the pair's sentences and how they align (a pair only)

    @property
    def flags(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.code in ACCEPTABLE)

    @property
    def attention(self) -> bool:
        return self.status != "ok" or bool(self.problems)

    @property
    def is_pair(self) -> bool:
        return len(self.sources) == 1 and len(self.targets) == 1


@dataclass(frozen=True)
class ChapterReview:
    name: str
    source_path: str
    target_path: str | None
    rows: tuple[Row, ...]
    problems: tuple[Problem, ...] = ()  # about the chapter as a whole


@dataclass(frozen=True)
class LanguageReview:
    source_lang: str
    target_lang: str
    chapters: tuple[ChapterReview, ...]
    has_lock: bool
    lock_path: str
    accept_path: str

    def rows(self):
        for chapter in self.chapters:
            yield from chapter.rows


@dataclass(frozen=True)
class BookReview:
    folder: Path
    config: BookConfig
    languages: tuple[LanguageReview, ...]
    problems: tuple[Problem, ...]  # everything check reports, sorted

    def blocking(self) -> list[Problem]:
        """Errors that make pairs unknowable (approve and export refuse them); an unreadable
        lock or review file does not, as approving writes the lock afresh."""
        return [
            p for p in self.problems if p.severity is Severity.ERROR and p.code not in ("LOCK-INVALID", "ACCEPT-INVALID", "GLOSSARY-INVALID")
        ]


def review_book(book_dir: Path, lang: str | None = None, *, parse=pandoc_json, memo=None) -> BookReview:
    """Read the book and its review files; align, flag and compare every pair (writes nothing).

    `parse` turns a file's Markdown into pandoc's JSON, `memo` keeps each file's blocks (see book.parse_book).
    """
    parsed = parse_book(book_dir, parse=parse, memo=memo)
    languages = parsed.languages
    if lang is not None and lang not in languages:
        raise BookError(
            [error("USAGE", Location("--lang"), f"the book has no {lang} translation; it has: {', '.join(languages) or 'none'}")]
        )
    chosen = (lang,) if lang else languages
    problems = [p for p in parsed.problems if _concerns(p, chosen, languages)]
    reviews = []
    for target_lang in chosen:
        review, found = _review_language(parsed, target_lang)
        reviews.append(review)
        problems += found
    # a source's problem is found again for every translation: reported once
    problems = sorted(set(problems), key=lambda p: (p.location.path, p.location.line, p.location.column, p.code, p.message))
    return BookReview(parsed.folder, parsed.config, tuple(reviews), tuple(problems))


def _concerns(problem: Problem, chosen: Sequence[str], languages: Sequence[str]) -> bool:
    """Whether a reading problem is about the chosen translation languages (or the source)."""
    for other in set(languages) - set(chosen):
        if f"{TRANSLATIONS_DIR}/{other}/" in problem.location.path.replace("\\", "/"):
            return False
        if problem.code == "TRANSLATION-MISSING" and f"no {other} translation" in problem.message:
            return False
    return True


def _here(block: m.Block, column: int = 1) -> Location:
    return Location(block.location.path, block.location.line, column if block.location.line else 0)


@dataclass
class _ChapterWork:
    """A chapter of one language while it is being reviewed."""

    name: str
    source: tuple[m.Block, ...]
    target: tuple[m.Block, ...] | None
    source_path: str
    target_path: str | None
    target_text: str
    alignment: Alignment | None = None
    structure: list[list[Problem]] = field(default_factory=list)  # per step


def _review_language(parsed: ParsedBook, target_lang: str) -> tuple[LanguageReview, list[Problem]]:
    config, source_lang = parsed.config, parsed.config.source_language
    works: list[_ChapterWork] = []
    for chapter in parsed.chapters:
        source = tuple(normalised_block(b, source_lang, config) for b in chapter.source)
        target_file = chapter.files.translations.get(target_lang)
        blocks = chapter.translations.get(target_lang)
        target = tuple(normalised_block(b, target_lang, config) for b in blocks) if blocks is not None else None
        works.append(
            _ChapterWork(
                chapter.files.name,
                source,
                target,
                chapter.files.source.shown,
                target_file.shown if target_file else None,
                target_file.text if target_file else "",
            )
        )

    # The length model: first from chapters that pair block for block, then from every one-to-one step.
    even = [
        (block_length(s), block_length(t))
        for w in works
        if w.target and len(w.source) == len(w.target)
        for s, t in zip(w.source, w.target)
        if same_shape(s, t)
    ]
    book_model = LengthModel.estimate(even) if sum(1 for s, _ in even if s >= 20) >= 3 else None
    for w in works:
        if not w.target or not w.source:
            continue
        if len(w.source) == len(w.target):
            w.alignment = Alignment(tuple(Step(i, i + 1, i, i + 1) for i in range(len(w.source))), book_model or LengthModel())
        else:
            w.alignment = align(w.source, w.target, book_model, content_affinity())
        w.structure = problems_by_step(w.alignment, w.source, w.target, source_lang=source_lang, target_lang=target_lang)
    lengths = LengthModel.estimate(
        (block_length(w.source[s.s0]), block_length(w.target[s.t0]))
        for w in works
        if w.alignment
        for s in w.alignment.steps
        if s.shape == (1, 1) and same_shape(w.source[s.s0], w.target[s.t0])
    )

    # Sentences: every pair cut once; the sentence model calibrated on the book's own pairs.
    cuts = {
        (id(w.source[s.s0]), id(w.target[s.t0])): cut_pair(w.source[s.s0], w.target[s.t0], source_lang, target_lang)
        for w in works
        if w.alignment
        for s in w.alignment.steps
        if s.shape == (1, 1)
    }
    folder = parsed.folder
    glossary, glossary_problems = read_glossary(folder / TRANSLATIONS_DIR / target_lang / GLOSSARY_NAME)
    lexicon = None
    if lexical_languages(source_lang, target_lang):
        lexicon = bundled_lexicon().with_terms((t.source, t.targets) for t in glossary.terms)
    prepared: dict = {}  # each sentence's length and anchors, read once for calibrating and for aligning
    sentence_model = SentenceModel.calibrate(
        [cut for cut in cuts.values() if cut[0] and cut[1]], lengths.ratio, source_lang, target_lang, prepared, lexicon
    )

    lock, problems = read_lock(lock_path(folder, target_lang))
    accept_file = folder / TRANSLATIONS_DIR / target_lang / ACCEPT_NAME
    accepts, found = read_accepts(accept_file)
    problems += found
    problems += glossary_problems
    problems += broken_links([
        ChapterLinks(
            number,
            (w.source_path, w.target_path or ""),
            tuple((source_lang, i, block) for i, block in enumerate(w.source, start=1))
            + tuple((target_lang, i, block) for i, block in enumerate(w.target or (), start=1)),
        )
        for number, w in enumerate(works, start=1)
    ])
    names = inconsistent_names(
        (id(w.target[s.t0]), plain_text(w.target[s.t0], notes=True))
        for w in works
        if w.alignment
        for s in w.alignment.steps
        if s.shape == (1, 1)
    )
    used: set[Acceptance] = set()
    comments, found = read_comments(folder / TRANSLATIONS_DIR / target_lang / COMMENTS_NAME)
    problems += found
    chapters = []
    for w in works:
        chapter, found = _review_chapter(
            w, lengths, (sentence_model, cuts, prepared), (glossary, names), lock, accepts, used, source_lang, target_lang
        )
        chapter, found = _with_comments(chapter, found, comments)
        chapters.append(chapter)
        problems += found
    paired = {unit_id(c.name, row.number) for c in chapters for row in c.rows if row.targets}
    for comment in comments:
        if pair_of(comment.unit) not in paired:
            problems.append(
                warning(
                    "COMMENTS-INVALID",
                    Location(shown_path(folder / TRANSLATIONS_DIR / target_lang / COMMENTS_NAME)),
                    f"the comment on unit {comment.unit} matches no pair of the translation (chapter renamed, "
                    f"pairs removed?): {comment.text[:80]}",
                )
            )
    for acceptance in accepts:
        if acceptance not in used:
            problems.append(
                warning(
                    "ACCEPT-UNUSED",
                    acceptance.location,
                    f"{acceptance.code} on pair {acceptance.pair} is accepted, but no pair has that flag now "
                    "(the pair changed or the flag was fixed): remove this entry",
                )
            )
    review = LanguageReview(
        source_lang,
        target_lang,
        tuple(chapters),
        lock is not None,
        shown_path(lock_path(folder, target_lang)),
        shown_path(accept_file),
    )
    return review, problems


def _review_chapter(
    w: _ChapterWork,
    lengths: LengthModel,
    sentence_work: tuple[SentenceModel, dict, dict],
    terms: tuple[Glossary, dict],
    lock,
    accepts: list[Acceptance],
    used: set[Acceptance],
    source_lang: str,
    target_lang: str,
) -> tuple[ChapterReview, list[Problem]]:
    if w.target is None or w.alignment is None:
        rows = tuple(Row(i, (b,), (), "missing", source_text=plain_text(b, notes=True)) for i, b in enumerate(w.source, 1))
        return ChapterReview(w.name, w.source_path, w.target_path, rows), []

    steps = w.alignment.steps
    extents = _extents(w.target)
    target_lines = w.target_text.split("\n")
    rows: list[Row] = []
    for number, step in enumerate(steps, start=1):
        sources, targets = w.source[step.s0 : step.s1], w.target[step.t0 : step.t1]
        structural = w.structure[number - 1]
        if step.shape != (1, 1):
            status = "missing" if 0 in step.shape else "misaligned"
            rows.append(Row(number, sources, targets, status, tuple(structural), source_text=_texts(sources)))
            continue
        source, target = sources[0], targets[0]
        s_fp, t_fp = fingerprint(source), fingerprint(target)
        pid = pair_id(s_fp, t_fp)
        located: list[Problem] = list(structural)
        findings = pair_findings(source, target, lengths, source_lang, target_lang)
        sentences = None
        sentence_model, cuts, prepared = sentence_work
        cut = cuts.get((id(source), id(target)))
        if cut and cut[0] and cut[1] and not any(f.code == "UNTRANSLATED" for f in findings):
            sentences = pair_sentences(cut[0], cut[1], sentence_model, source_lang, target_lang, prepared)
            findings = findings + sentence_findings(sentences, language_name(source_lang), language_name(target_lang))
        glossary, names = terms
        if not any(f.code == "UNTRANSLATED" for f in findings) and source.kind != "code":
            findings = findings + glossary.missing(
                plain_text(source, notes=True), plain_text(target, notes=True), language_name(source_lang), language_name(target_lang)
            )
        findings = findings + names.get(id(target), [])
        for finding in findings:
            block = target if finding.side == "target" else source
            where = _here(block)
            if finding.needle and finding.side == "target":
                where = _find(target.location.path, target_lines, extents.get(target.location.line), finding.needle) or where
            located.append(warning(finding.code, where, f"{finding.message} (pair {pid})"))
        rows.append(
            Row(
                number,
                sources,
                targets,
                "misaligned" if structural else "ok",
                tuple(located),
                pair=pid,
                source_fingerprint=s_fp,
                target_fingerprint=t_fp,
                source_text=plain_text(source, notes=True),
                sentences=sentences,
            )
        )

    chapter_problems: list[Problem] = []
    if lock is not None:
        rows, chapter_problems = _approval(rows, lock.chapter(w.name), w, source_lang)

    open_problems: list[Problem] = list(chapter_problems)
    final_rows = []
    for row in rows:
        still, accepted = [], []
        for problem in row.problems:
            acceptance = next((a for a in accepts if a.pair == row.pair and a.code == problem.code), None)
            if acceptance is not None and problem.code in ACCEPTABLE:
                used.add(acceptance)
                accepted.append((problem, acceptance.reason))
            else:
                still.append(problem)
        open_problems += still
        final_rows.append(_replace(row, problems=tuple(still), accepted=tuple(accepted)))
    return ChapterReview(w.name, w.source_path, w.target_path, tuple(final_rows), tuple(chapter_problems)), open_problems


def _with_comments(chapter: ChapterReview, problems: list[Problem], comments: list[Comment]):
    """Each imported comment as a REVIEW-COMMENT of its pair, at the pair's translation."""
    if not comments:
        return chapter, problems
    by_pair: dict[str, list[Comment]] = {}
    for comment in comments:
        by_pair.setdefault(pair_of(comment.unit), []).append(comment)
    rows = []
    problems = list(problems)
    for row in chapter.rows:
        found = by_pair.get(unit_id(chapter.name, row.number), [])
        if not found or not row.targets:
            rows.append(row)
            continue
        added = tuple(
            Problem("REVIEW-COMMENT", Severity.SUGGESTION, _here(row.targets[0]),
                    f"comment ({comment.origin}): {comment.text}" if comment.origin else f"comment: {comment.text}")
            for comment in found
        )
        problems += added
        rows.append(_replace(row, problems=row.problems + added))
    return ChapterReview(chapter.name, chapter.source_path, chapter.target_path, tuple(rows), chapter.problems), problems


def _replace(row: Row, **changes) -> Row:
    return Row(**{**row.__dict__, **changes})


def _texts(blocks: Sequence[m.Block]) -> str:
    return " ".join(plain_text(b, notes=True) for b in blocks)


def _approval(rows: list[Row], approved, w: _ChapterWork, source_lang: str) -> tuple[list[Row], list[Problem]]:
    pairs = [row for row in rows if row.pair]
    if not approved:
        problem = warning(
            "UNAPPROVED",
            Location(w.target_path or w.source_path, 1, 1),
            f"this chapter was never approved ({len(pairs)} pairs): review it, then run approve",
        )
        return [_replace(r, status="needs-review") if r.pair and r.status == "ok" else r for r in rows], [problem]
    results = compare([(r.source_fingerprint, r.target_fingerprint, r.source_text) for r in pairs], approved)
    by_number: dict[int, Approval] = {row.number: result for row, result in zip(pairs, results)}
    src = language_name(source_lang)
    updated = []
    for row in rows:
        result = by_number.get(row.number)
        if result is None or result.status == "ok":
            updated.append(row)
            continue
        source, target = row.sources[0], row.targets[0]
        where = _here(target)
        if result.status == "stale":
            change = diff_summary(result.approved_text or "", row.source_text)
            todo = (
                "the translation changed too: check that it follows, then run approve"
                if result.target_changed
                else "update the translation, then run approve"
            )
            problem = warning("STALE", where, f"the {src} at {source.location} changed since approval ({change}): {todo}")
            status = "stale"
        elif result.status == "needs-review":
            problem = warning("NEEDS-REVIEW", where, "the translation changed since approval: review it, then run approve")
            status = "needs-review"
        else:
            problem = warning(
                "UNAPPROVED", where, f"pair added since approval ({src} at {source.location}): review it, then run approve"
            )
            status = "needs-review"
        updated.append(
            _replace(
                row,
                status=status if row.status == "ok" else row.status,
                problems=row.problems + (problem,),
                approved_text=result.approved_text,
            )
        )
    return updated, []


# ---------------------------------------------------------------- columns


def _extents(blocks: Sequence[m.Block]) -> dict[int, tuple[int, int]]:
    """For each block's first line, the lines [first, next block's first) it may span."""
    starts = sorted({b.location.line for b in blocks if b.location.line})
    return {start: (start, starts[i + 1] if i + 1 < len(starts) else 10**9) for i, start in enumerate(starts)}


def _find(path: str, lines: list[str], extent: tuple[int, int] | None, needle: str) -> Location | None:
    """Where `needle` is first written within a block's lines, as a 1-based line and column."""
    if extent is None or not lines:
        return None
    first, end = extent
    for number in range(first, min(end, len(lines) + 1)):
        column = lines[number - 1].find(needle)
        if column >= 0:
            return Location(path, number, column + 1)
    return None
