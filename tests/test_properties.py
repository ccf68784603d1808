"""Issue 8: property-based tests over random books (hypothesis).

1. Random well-formed books: random sequences of blocks (paragraphs,
   headings, list items, quotes, code, rules) whose text mixes Persian and
   Latin words, digits of both scripts, Arabic letter forms the build
   normalises, random ZWNJ and bidi marks, and every ASCII punctuation mark
   Markdown gives a meaning to (escaped, so that it is text), with emphasis,
   strong emphasis, code spans and links around some words.  Property: the
   book builds, and every source and every translation block appears exactly
   once, in order, with its kind, in the model and in the EPUB's text.

2. Random text thrown at the reader as it is (unescaped Markdown
   punctuation, line breaks, bidi controls) and a random book.toml.
   Property: no crash: the book either builds or is refused with located,
   coded problems.

Books are built in-process as pipeline.build does (book.load_book, then
epub.render_epub), with the fonts not subset (that is slow and not what is
tested here); pandoc runs on every file.  The number of examples that ran is
printed (run pytest with -s to see it); PARALLELBOOK_PROPERTY_EXAMPLES sets it.
"""

from __future__ import annotations

import io
import os
import re
import string
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PERSIAN = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
ARABIC_FORMS = "يكى"  # written as Arabic letters, published as Persian ones
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
LATIN = string.ascii_letters
DIGITS = string.digits
MARKS = "\u200c\u200e\u200f\u061c"  # ZWNJ, LRM, RLM, ALM
PUNCTUATION = string.punctuation  # every one of them means something to Markdown somewhere
PERSIAN_PUNCTUATION = "،؛؟«»"
XHTML = "{http://www.w3.org/1999/xhtml}"
EXAMPLES = {"books": 0, "blocks": 0, "chaos": 0, "refused": 0}
BUILD_TIME = datetime(2025, 11, 28, tzinfo=timezone.utc)
# A modest number in the suite (pandoc runs on every file); PARALLELBOOK_PROPERTY_EXAMPLES=500 for a long run.
BOOK_EXAMPLES = int(os.environ.get("PARALLELBOOK_PROPERTY_EXAMPLES", "50"))
CHAOS_EXAMPLES = int(os.environ.get("PARALLELBOOK_PROPERTY_EXAMPLES", "60"))


def escape(text: str) -> str:
    """Markdown for `text` as plain text: every ASCII punctuation mark backslash-escaped."""
    return "".join("\\" + c if c in PUNCTUATION else c for c in text)


def comparable(text: str) -> str:
    """What no faithful rendering may change: letters and digits (by value), in order."""
    text = unicodedata.normalize("NFC", text).translate(str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک"}))
    kept = []
    for c in text:
        category = unicodedata.category(c)
        if category[0] == "N":
            kept.append(str(unicodedata.digit(c, 0)))
        elif category[0] == "L":
            kept.append(c)
    return "".join(kept)


# ---------------------------------------------------------------- strategies


@dataclass(frozen=True)
class Piece:
    markdown: str
    text: str


def words(persian: bool):
    letters = PERSIAN + ARABIC_FORMS if persian else LATIN
    digits = PERSIAN_DIGITS if persian else DIGITS
    body = st.text(alphabet=letters + digits + MARKS, min_size=1, max_size=9)
    other = st.text(alphabet=(LATIN if persian else PERSIAN) + DIGITS, min_size=1, max_size=6)
    punct = st.text(alphabet=PUNCTUATION + PERSIAN_PUNCTUATION + MARKS, min_size=1, max_size=3)
    mixed = st.tuples(body, punct, body).map("".join)
    return st.one_of(body, body, body, other, punct, mixed)


def pieces(persian: bool):
    word = words(persian)
    plain = word.map(lambda w: Piece(escape(w), w))
    emph = word.map(lambda w: Piece(f"*{escape(w)}*", w))
    strong = word.map(lambda w: Piece(f"**{escape(w)}**", w))
    code = st.text(alphabet=PERSIAN + LATIN + DIGITS, min_size=1, max_size=8).map(lambda c: Piece(f"`{c}`", c))
    link = word.map(lambda w: Piece(f"[{escape(w)}](https://example.org/{len(w)})", w))
    return st.one_of(plain, plain, plain, plain, emph, strong, code, link)


def inline_text(persian: bool):
    """A line of text that certainly holds a letter; (markdown, the text a reader sees)."""
    first = st.text(alphabet=(PERSIAN if persian else LATIN), min_size=1, max_size=8).map(lambda w: Piece(w, w))
    return st.tuples(first, st.lists(pieces(persian), max_size=12)).map(
        lambda parts: (" ".join(p.markdown for p in (parts[0], *parts[1])), " ".join(p.text for p in (parts[0], *parts[1])))
    )


KINDS = ("paragraph", "heading-1", "heading-2", "heading-3", "bullet", "ordered", "quote", "code", "rule")


def block(kind: str, persian: bool):
    """(markdown, kind as the model names it, text a reader sees)."""
    if kind == "rule":
        return st.sampled_from(("---", "* * *", "___")).map(lambda rule: (rule, "rule", ""))
    if kind == "code":
        line = st.text(alphabet=PERSIAN + LATIN + DIGITS + " .,;:*_#<>", min_size=1, max_size=20).map(str.strip).filter(bool)
        return st.lists(line, min_size=1, max_size=3).map(lambda lines: ("```\n" + "\n".join(lines) + "\n```", "code", "\n".join(lines)))
    prefix = {"paragraph": "", "bullet": "- ", "ordered": "1. ", "quote": "> "}
    model_kind = {"paragraph": "paragraph", "bullet": "list-item", "ordered": "list-item", "quote": "quote"}
    if kind.startswith("heading"):
        level = int(kind[-1])
        return inline_text(persian).map(lambda t: ("#" * level + " " + t[0], "heading", t[1]))
    return inline_text(persian).map(lambda t: (prefix[kind] + t[0], model_kind[kind], t[1]))


@st.composite
def books(draw):
    """One or two chapters; each a list of block kinds, with a Persian and an English text for each."""
    chapters = []
    for _chapter in range(draw(st.integers(1, 2))):
        kinds = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=10))
        source = [draw(block(kind, persian=True)) for kind in kinds]
        target = [draw(block(kind, persian=False)) for kind in kinds]
        chapters.append((source, target))
    return chapters


def write_book(folder: Path, chapters) -> None:
    for number, (source, target) in enumerate(chapters, start=1):
        for relative, blocks in ((f"source/{number:02d}.md", source), (f"translations/en/{number:02d}.md", target)):
            path = folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("\n\n".join(markdown for markdown, _kind, _text in blocks) + "\n", "utf-8")


def render_epub(book) -> bytes:
    from unittest import mock

    from parallelbook.outputs import epub
    from parallelbook.render.fonts import font_set
    from parallelbook.render.templating import environment

    with mock.patch.object(epub, "subset", lambda path, *args, **kwargs: path.read_bytes()):
        data, _problems = epub.render_epub(
            book.editions[0], font_set(book.config.fonts), environment(book.folder), layout="interleaved", first="source"
        )
    return data


def epub_sides(data: bytes) -> list[tuple[str, list[str]]]:
    """Per chapter file, in reading order: the text of every side, Persian and English alternating."""
    from lxml import etree

    chapters = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in sorted(n for n in archive.namelist() if re.match(r"EPUB/chapter-\d+", n)):
            root = etree.fromstring(archive.read(name))
            sides = [
                div
                for div in root.iter(f"{XHTML}div")
                if "side" in (div.get("class") or "").split()
            ]
            chapters.append((name, [(div.get("lang"), "".join(div.itertext())) for div in sides]))
    return chapters


# ---------------------------------------------------------------- 1. every block once, in order


@settings(max_examples=BOOK_EXAMPLES, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(chapters=books())
def check_every_block_once_in_order(chapters):
    from parallelbook.read.book import load_book

    EXAMPLES["books"] += 1
    with tempfile.TemporaryDirectory(prefix="parallelbook-property-") as folder:
        write_book(Path(folder), chapters)
        book = load_book(Path(folder), build_time=BUILD_TIME)
        assert [p.code for p in book.warnings] == [], [str(p) for p in book.warnings]
        edition = book.editions[0]
        assert len(edition.chapters) == len(chapters)
        from parallelbook.text.blocks import plain_text

        for chapter, (source, target) in zip(edition.chapters, chapters):
            assert len(chapter.pairs) == len(source), "every block once: one pair per source block"
            for pair, (_md, kind, text), (_tmd, tkind, ttext) in zip(chapter.pairs, source, target):
                EXAMPLES["blocks"] += 2
                assert pair.source.block.kind == kind and pair.target.block.kind == tkind
                assert comparable(plain_text(pair.source.block)) == comparable(text), (_md, plain_text(pair.source.block))
                assert comparable(plain_text(pair.target.block)) == comparable(ttext), (_tmd, plain_text(pair.target.block))

        sides = epub_sides(render_epub(book))
        assert len(sides) == len(chapters)
        for (_name, found), (source, target) in zip(sides, chapters):
            expected = [side for s, t in zip(source, target) for side in (("fa", comparable(s[2])), ("en", comparable(t[2])))]
            assert [(lang, comparable(text)) for lang, text in found] == expected


@pytest.fixture
def hypothesis_home(tmp_path):
    """No example database (settings), and hypothesis's other files in a temporary folder, not in the repository."""
    from hypothesis.configuration import set_hypothesis_home_dir

    set_hypothesis_home_dir(tmp_path / "hypothesis")
    yield
    set_hypothesis_home_dir(None)


def test_every_source_and_translation_block_appears_once_in_order_in_the_model_and_the_epub(hypothesis_home):
    EXAMPLES["books"] = EXAMPLES["blocks"] = 0
    check_every_block_once_in_order()
    print(f"\nhypothesis: {EXAMPLES['books']} random books, {EXAMPLES['blocks']} blocks checked in the model and the EPUB")
    assert EXAMPLES["books"] >= BOOK_EXAMPLES


# ---------------------------------------------------------------- 2. no crash, whatever the text

CHAOS = PERSIAN + ARABIC_FORMS + LATIN + DIGITS + PERSIAN_DIGITS + PUNCTUATION + " \n\n\t" + MARKS + "\u202b\u202c\u202e\u2067\u2069\u00a0\ufeff"
LOCATED = re.compile(r"\S+?(:\d+(:\d+)?)?: (error|warning): .+ \[[A-Z][A-Z0-9-]*\]", re.S)


@settings(max_examples=CHAOS_EXAMPLES, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    source=st.text(alphabet=CHAOS, max_size=300),
    target=st.text(alphabet=CHAOS, max_size=300),
    config=st.one_of(st.none(), st.text(alphabet=LATIN + PERSIAN + " =[]\"'.\n{},#", max_size=60)),
)
def check_no_crash(source, target, config):
    from parallelbook.problems import BookError
    from parallelbook.read.book import load_book

    EXAMPLES["chaos"] += 1
    with tempfile.TemporaryDirectory(prefix="parallelbook-chaos-") as folder:
        root = Path(folder)
        (root / "source").mkdir()
        (root / "translations" / "en").mkdir(parents=True)
        (root / "source" / "01.md").write_text(source, "utf-8")
        (root / "translations" / "en" / "01.md").write_text(target, "utf-8")
        if config is not None:
            (root / "book.toml").write_text(config, "utf-8")
        try:
            book = load_book(root, build_time=BUILD_TIME)
        except BookError as refused:
            EXAMPLES["refused"] += 1
            assert refused.problems
            for problem in refused.problems:
                assert LOCATED.fullmatch(str(problem)), str(problem)
            return
        for problem in book.warnings:
            assert LOCATED.fullmatch(str(problem)), str(problem)
        if book.editions:
            assert render_epub(book)[:30].startswith(b"PK")


def test_random_text_never_crashes_the_build(hypothesis_home):
    EXAMPLES["chaos"] = EXAMPLES["refused"] = 0
    check_no_crash()
    print(f"\nhypothesis: {EXAMPLES['chaos']} random texts, {EXAMPLES['refused']} refused with located problems, the rest built")
    assert EXAMPLES["chaos"] >= CHAOS_EXAMPLES
