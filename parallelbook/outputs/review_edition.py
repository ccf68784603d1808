"""The review edition: every pair with its status and flags, as one HTML file and as a PDF.

A pure view of review.rows.BookReview: Python prepares every value (rendered
blocks, statuses, flags with their explanations, word diffs of stale
Persian text), the templates in templates/review/ only loop and branch.
The HTML is a single file that works offline from disk: styles, the small
"needs attention" script, images and the Persian faces are inside it (Latin
text uses the reader's serif face).  The PDF is the same document laid out
by WeasyPrint on A4 landscape with every book face.
"""

from __future__ import annotations

import base64
import logging
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup, escape

from .. import model as m
from ..problems import Location, Problem
from ..read.alignment import LANGUAGE_NAMES
from ..read.book import direction, resolve_image
from ..render.fonts import FontSet
from ..render.html import HtmlRenderer, RenderedNote, lang_attrs
from ..render.sentence_spans import SentenceMark, mark_sentences
from ..render.templating import TOOL_TEMPLATES, render
from ..review.approval import word_diff
from ..review.codes import CODES
from ..review.rows import BookReview, LanguageReview, Row, _concerns
from ..text.blocks import plain_text

STATUSES = (
    ("ok", "ok"),
    ("stale", "stale"),
    ("needs-review", "needs review"),
    ("missing", "missing"),
    ("misaligned", "misaligned"),
)
STATUS_LABELS = dict(STATUSES)
STATUS_HELP = {
    "ok": "approved and unchanged (or approval is not tracked yet), nothing to fix",
    "stale": "the Persian changed since approval: the translation may not follow it any more",
    "needs-review": "the translation changed, or the pair was added, since approval",
    "missing": "one side has no counterpart",
    "misaligned": "the blocks do not pair one for one, or a block changed its kind",
}


@dataclass(frozen=True)
class FlagView:
    code: str
    severity: str
    message: Markup  # escaped; «Persian quotes» isolated in <bdi>
    explanation: str
    location: str
    reason: str = ""  # for accepted flags


@dataclass(frozen=True)
class SideView:
    lang: str
    attrs: Markup
    bodies: tuple[Markup, ...]
    notes: tuple[RenderedNote, ...]
    locations: tuple[str, ...]
    words: int
    diff: tuple[tuple[str, str], ...]  # ("same" | "deleted" | "inserted", words); empty unless stale


@dataclass(frozen=True)
class RowView:
    anchor: str
    number: int
    status: str
    status_label: str
    status_help: str
    attention: bool
    pair: str
    source: SideView
    target: SideView
    flags: tuple[FlagView, ...]
    accepted: tuple[FlagView, ...]


@dataclass(frozen=True)
class ChapterView:
    name: str
    source_path: str
    target_path: str
    rows: tuple[RowView, ...]


@dataclass(frozen=True)
class Link:
    anchor: str
    number: int


@dataclass(frozen=True)
class CountView:
    key: str
    label: str
    explanation: str
    count: int
    links: tuple[Link, ...]


@dataclass(frozen=True)
class ReviewView:
    title: str
    source_lang: str
    target_lang: str
    source_name: str
    target_name: str
    approval: str
    total: int
    attention: int
    statuses: tuple[CountView, ...]
    codes: tuple[CountView, ...]
    other_problems: tuple[FlagView, ...]
    chapters: tuple[ChapterView, ...]


_RTL_QUOTE = re.compile(r"«[^«»]*»")


def _isolated_quotes(message: str) -> Markup:
    """A message with each «quoted» Persian run isolated, so that it keeps its order inside English text."""
    parts, last = [], 0
    for found in _RTL_QUOTE.finditer(message):
        parts.append(escape(message[last : found.start()]))
        parts.append(Markup('<bdi dir="rtl" lang="fa">') + escape(found.group()) + Markup("</bdi>"))
        last = found.end()
    parts.append(escape(message[last:]))
    return Markup("").join(parts)


def _flag(problem: Problem, reason: str = "") -> FlagView:
    message = problem.message
    if message.endswith(")") and " (pair " in message:
        message = message.rsplit(" (pair ", 1)[0]
    return FlagView(
        problem.code,
        problem.severity.value,
        _isolated_quotes(message),
        CODES.get(problem.code, (None, ""))[1],
        str(problem.location),
        reason,
    )


def _image_data_url(folder: Path):
    """Images become data: URLs, so that the HTML stays one file."""

    def url(image: m.Image, chapter_path: str) -> str:
        resolved = resolve_image(folder, Path(chapter_path), image.path)
        if resolved is None or not resolved.is_file():
            return ""
        kind = mimetypes.guess_type(resolved.name)[0] or "application/octet-stream"
        return f"data:{kind};base64,{base64.b64encode(resolved.read_bytes()).decode('ascii')}"

    return url


def _side(blocks: tuple[m.Block, ...], lang: str, renderer: HtmlRenderer, diff=(), marks=()) -> SideView:
    rendered = [renderer.side(m.Side(lang, direction(lang), block)) for block in blocks]
    bodies = [r.body for r in rendered]
    if marks and len(bodies) == 1:
        bodies = [mark_sentences(bodies[0], list(marks))]
    return SideView(
        lang,
        lang_attrs(lang, direction(lang), xhtml=False),
        tuple(bodies),
        tuple(note for r in rendered for note in r.notes),
        tuple(str(Location(b.location.path, b.location.line)) for b in blocks),
        sum(len(plain_text(b, notes=True).split()) for b in blocks),
        tuple(diff),
    )


def sentence_marks(row: Row, source_name: str, target_name: str) -> tuple[list[SentenceMark], list[SentenceMark]]:
    """Each sentence of a pair with the key its counterparts share (`<pair id>-<n>`, n the alignment
    step), and whether it has no counterpart (flagged or not)."""
    paired = row.sentences
    if paired is None:
        return [], []
    source: dict[int, SentenceMark] = {}
    target: dict[int, SentenceMark] = {}
    flagged = {(u.side, u.index) for u in paired.reported}
    for n, step in enumerate(paired.alignment.steps, start=1):
        key = f"{row.pair}-{n}"
        for side, indices, marks, sentences, own, other in (
            ("source", range(step.s0, step.s1), source, paired.source, source_name, target_name),
            ("target", range(step.t0, step.t1), target, paired.target, target_name, source_name),
        ):
            alone = (step.t1 == step.t0) if side == "source" else (step.s1 == step.s0)
            for index in indices:
                if alone:
                    classes = "s s-unmatched" + (" s-flagged" if (side, index) in flagged else "")
                    what = f"no {other} counterpart" if side == "source" else f"no {other} source"
                    title = f"{own} sentence {index + 1}: {what}" + (" (flagged)" if (side, index) in flagged else "")
                else:
                    classes = "s"
                    title = f"{own} sentence {index + 1}: focus or point at it to see its {other} counterpart"
                marks[index] = SentenceMark(sentences[index].alnum_start, key, classes, title)
    return [source[i] for i in sorted(source)], [target[i] for i in sorted(target)]


def review_view(review: BookReview, language: LanguageReview) -> ReviewView:
    """Everything the template shows, prepared (pure, but for reading images)."""
    source_lang, target_lang = language.source_lang, language.target_lang
    image_url = _image_data_url(review.folder)
    chapters: list[ChapterView] = []
    in_rows: set[Problem] = set()
    number = 0
    for chapter_index, chapter in enumerate(language.chapters, start=1):
        renderers = {}
        for role, lang in (("s", source_lang), ("t", target_lang)):
            path = chapter.source_path if role == "s" else (chapter.target_path or chapter.source_path)
            renderers[lang] = HtmlRenderer(
                lang, direction(lang), False, lambda image, path=path: image_url(image, path), f"c{chapter_index}-{role}"
            )
        rows = []
        for row in chapter.rows:
            number += 1
            in_rows.update(row.problems)
            in_rows.update(problem for problem, _ in row.accepted)
            diff = word_diff(row.approved_text, row.source_text) if row.status == "stale" and row.approved_text else ()
            source_marks, target_marks = sentence_marks(
                row, LANGUAGE_NAMES.get(source_lang, source_lang), LANGUAGE_NAMES.get(target_lang, target_lang)
            )
            rows.append(
                RowView(
                    anchor=f"pair-{number}",
                    number=number,
                    status=row.status,
                    status_label=STATUS_LABELS[row.status],
                    status_help=STATUS_HELP[row.status],
                    attention=row.attention,
                    pair=row.pair,
                    source=_side(row.sources, source_lang, renderers[source_lang], diff, source_marks),
                    target=_side(row.targets, target_lang, renderers[target_lang], marks=target_marks),
                    flags=tuple(_flag(p) for p in row.problems),
                    accepted=tuple(_flag(p, reason) for p, reason in row.accepted),
                )
            )
        chapters.append(ChapterView(chapter.name, chapter.source_path, chapter.target_path or "—", tuple(rows)))

    all_rows = [row for chapter in chapters for row in chapter.rows]
    statuses = tuple(
        CountView(
            key,
            label,
            STATUS_HELP[key],
            sum(1 for r in all_rows if r.status == key),
            tuple(Link(r.anchor, r.number) for r in all_rows if r.status == key and key != "ok"),
        )
        for key, label in STATUSES
    )
    by_code: dict[str, list[RowView]] = {}
    for row in all_rows:
        for flag in row.flags:
            by_code.setdefault(flag.code, [])
            if row not in by_code[flag.code]:
                by_code[flag.code].append(row)
    codes = tuple(
        CountView(code, code, CODES.get(code, (None, ""))[1], len(rows), tuple(Link(r.anchor, r.number) for r in rows))
        for code, rows in sorted(by_code.items())
    )
    languages = [other.target_lang for other in review.languages]
    others = tuple(_flag(p) for p in review.problems if p not in in_rows and _concerns(p, [target_lang], languages))
    titles = review.config.titles
    folder_name = review.folder.name
    title = " — ".join(t for t in (titles.get(source_lang, ""), titles.get(target_lang, "")) if t) or folder_name
    approval = (
        f"Approval is tracked in {language.lock_path}."
        if language.has_lock
        else f"Not approved yet: run `python build.py approve` to start tracking changes in {language.lock_path}."
    )
    return ReviewView(
        title=title,
        source_lang=source_lang,
        target_lang=target_lang,
        source_name=LANGUAGE_NAMES.get(source_lang, source_lang),
        target_name=LANGUAGE_NAMES.get(target_lang, target_lang),
        approval=approval,
        total=len(all_rows),
        attention=sum(1 for r in all_rows if r.attention),
        statuses=statuses,
        codes=codes,
        other_problems=others,
        chapters=tuple(chapters),
    )


def _faces_css(fonts: FontSet, *, embed: bool) -> list[dict]:
    """@font-face values: the Persian faces embedded (HTML), or every face by file URL (PDF)."""
    faces = []
    for face in fonts.faces:
        if embed and not face.role.startswith("persian"):
            continue
        if embed:
            url = "data:font/ttf;base64," + base64.b64encode(face.path.read_bytes()).decode("ascii")
        else:
            url = face.path.as_uri()
        faces.append({"family": face.family, "weight": face.weight, "style": face.style, "url": url})
    return faces


def review_html(view: ReviewView, env, fonts: FontSet, *, for_pdf: bool = False) -> str:
    css = render(
        env,
        "review/review.css.j2",
        faces=_faces_css(fonts, embed=not for_pdf),
        persian_family=fonts.persian_family,
        latin_family=fonts.latin_family,
        code_family=fonts.code_family,
        fallbacks=fonts.stack_end(),
        book_faces_only=for_pdf,
    )
    script, _, _ = env.loader.get_source(env, "review/review.js")  # as written: not a template
    return render(env, "review/review.html.j2", view=view, css=Markup(css), script=Markup(script))


def review_pdf(html: str, folder: Path, fonts: FontSet) -> tuple[bytes, list[str]]:
    """The review document laid out by WeasyPrint (A4 landscape comes from the style sheet)."""
    import weasyprint

    from .pdf import text_layer
    from .pdf.layout import LogCollector, fetch_guard

    guard = fetch_guard([folder, TOOL_TEMPLATES] + [face.path.parent for face in fonts.faces])
    collector = LogCollector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    text_layer.apply()
    try:
        data = weasyprint.HTML(string=html, base_url=folder.as_uri() + "/", url_fetcher=guard).write_pdf()
    finally:
        logger.removeHandler(collector)
    return data, [f"refused to load {url}" for url in guard.refused] + collector.messages
