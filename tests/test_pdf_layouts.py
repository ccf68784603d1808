"""The three PDF layouts on a book of 50+ pages: level pairs, page breaks, numbering, navigation."""

from __future__ import annotations

import difflib
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from bookgen import repeated_book
from helpers import FIXTURES, ROOT, pdf_text, run_build
from layout_probe import (
    _walk,
    lay_out_book,
    level_report,
    side_starts,
    split_paragraphs,
)
from pypdf import PdfReader


CHAPTERS = 8
PAIRS_PER_CHAPTER = 1 + 2 * 9 + 1  # heading, the sample twice, one long pair
_cache: dict = {}


@pytest.fixture(scope="module")
def big_book(tmp_path_factory) -> Path:
    return repeated_book(tmp_path_factory.mktemp("big") / "book", chapters=CHAPTERS, repeats=2, long_pair=True)


@pytest.fixture(scope="module", params=["columns", "facing", "stacked"])
def laid_book(request, big_book, tmp_path_factory):
    """(layout, laid-out book, path of the PDF written from that very layout)."""
    from datetime import datetime, timezone

    from parallelbook.outputs.pdf.layout import PdfSettings, pdf_bytes
    from parallelbook.read.book import load_book

    layout = request.param
    laid = lay_out_book(big_book, layout=layout)
    edition = load_book(big_book, build_time=datetime(2025, 11, 28, tzinfo=timezone.utc)).editions[0]
    path = tmp_path_factory.mktemp(layout) / f"book-{layout}.pdf"
    path.write_bytes(pdf_bytes(laid, edition, PdfSettings(layout=layout, binding="rtl")))
    return layout, laid, path


def test_the_fixture_is_a_real_book(laid_book):
    _layout, laid, _path = laid_book
    assert len(laid.pages) >= 40


def test_pairs_start_level_on_the_same_page_or_spread(laid_book):
    layout, laid, _path = laid_book
    if layout == "stacked":
        pytest.skip("stacked sets the translation under its source, not beside it")
    worst, split, measured = level_report(laid)
    assert measured == CHAPTERS * PAIRS_PER_CHAPTER
    assert split == [], f"pairs whose sides start on different {'spreads' if layout == 'facing' else 'pages'}: {split}"
    assert worst <= 1.0, f"largest first-baseline difference: {worst:.3f} pt"
    print(f"\n{layout}: {measured} pairs, largest first-baseline difference {worst:.4f} pt")


def test_stacked_translation_follows_its_source_on_the_same_page(laid_book):
    layout, laid, _path = laid_book
    if layout != "stacked":
        pytest.skip("stacked only")
    ends: dict[str, int] = {}
    starts: dict[str, int] = {}
    for number, page in enumerate(laid.pages, start=1):
        for box in _walk(page._page_box):
            element = getattr(box, "element", None)
            if element is None or box.element_tag != "div" or "side" not in (element.get("class") or "").split():
                continue
            key = element.get("data-pair")
            if key is None:
                continue  # rows of the contents
            if "source" in element.get("class"):
                ends[key] = number
            else:
                starts.setdefault(key, number)
    assert len(starts) == CHAPTERS * PAIRS_PER_CHAPTER
    separated = [pair for pair in starts if starts[pair] != ends[pair]]
    assert separated == []


def test_no_line_is_stranded_at_a_page_break(laid_book):
    _layout, laid, _path = laid_book
    splits = split_paragraphs(laid.pages)
    assert splits, "the fixture has paragraphs that run over a page"
    assert all(min(parts) >= 2 for parts in splits), splits


def test_a_long_pair_continues_on_both_sides(laid_book):
    layout, laid, _path = laid_book
    if layout == "stacked":
        pytest.skip("stacked sets the sides one after the other")
    pages = laid.documents[1].pages if layout == "facing" else laid.pages
    long_pairs = [f"c{c}-p{PAIRS_PER_CHAPTER}" for c in range(1, CHAPTERS + 1)]
    on_pages = {pair: {} for pair in long_pairs}
    for number, page in enumerate(pages, start=1):
        for start in side_starts([page]):
            if start.pair in on_pages:
                on_pages[start.pair].setdefault(start.role, []).append(number)
    for pair, roles in on_pages.items():
        assert roles["source"][0] == roles["target"][0], (pair, roles)


def test_page_numbers_in_the_script_of_each_page(laid_book):
    layout, laid, path = laid_book
    persian_digits = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
    for number in range(2, len(laid.pages) + 1, 7):
        text = re.sub(r"[\u202a-\u202e]", "", pdf_text(path, first=number, last=number))
        lines = [line.strip() for line in text.splitlines()]
        persian, latin = str(number).translate(persian_digits), str(number)
        if layout == "facing":
            persian_page = number % 2 == 0
            assert (persian in lines) == persian_page and (latin in lines) != persian_page, (number, lines[-3:])
        else:
            assert persian in lines and latin in lines, (number, lines[-3:])


def test_outline_has_every_chapter_in_both_languages(laid_book):
    _layout, _laid, path = laid_book
    outline = PdfReader(path).outline
    titles = [item["/Title"] for item in outline if not isinstance(item, list)]
    assert titles[0] == "فهرست — Contents"
    chapters = [t for t in titles if "Chapter" in t]
    assert len(chapters) == CHAPTERS
    assert chapters[0] == "فصل ۱: اصول سیاست خارجی شیلی — Chapter 1: The Principles of Chile’s Foreign Policy"


def test_contents_give_the_page_of_every_chapter(laid_book):
    layout, laid, path = laid_book
    from parallelbook.outputs.pdf.layout import page_numbers

    numbers = page_numbers(laid.pages)
    contents = re.sub(r"\s+", " ", pdf_text(path, first=2, last=3))  # a long title may wrap
    for chapter in (1, CHAPTERS):
        page = numbers[f"c{chapter}-p1"]
        target_page = page + 1 if layout == "facing" else page  # facing: the English is on the next page
        assert re.search(rf"Chapter {chapter}: The Principles of Chile’s Foreign Policy[ .]*{target_page}\b", contents), (chapter, target_page)


@pytest.mark.parametrize("layout", ["columns", "facing"])
def test_the_contents_link_to_their_chapters_in_the_built_pdf(tmp_path, layout):
    # The build lays the contents out apart from the chapters (in pieces): each entry must still
    # be a link, and it must lead to the page where its chapter begins.
    book = repeated_book(tmp_path / "book", chapters=3, repeats=1)
    result = run_build("pdf", "--book", str(book), "--layout", layout, "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    reader = PdfReader(next((tmp_path / "out").glob("*.pdf")))
    names = reader.named_destinations
    reached = {}
    for number, page in enumerate(reader.pages[:4]):
        for annotation in page.get("/Annots", []):
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/Link" and "/Dest" in annotation:
                name = str(annotation["/Dest"])
                assert name in names, name
                reached[name] = reader.get_destination_page_number(names[name])
    assert len(reached) == 3, reached
    for chapter, page in enumerate(sorted(reached.values()), start=1):
        text = reader.pages[page].extract_text()
        assert f"Chapter {chapter}:" in text or f"فصل {str(chapter).translate(str.maketrans('0123456789', '۰۱۲۳۴۵۶۷۸۹'))}:" in text, (chapter, page)


def test_metadata_and_the_way_the_book_opens(laid_book):
    layout, _laid, path = laid_book
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    assert root["/ViewerPreferences"]["/Direction"] == "/R2L"
    assert root["/Lang"] == "fa"
    meta = reader.metadata
    assert meta.title == "اصول سیاست خارجی شیلی / The Principles of Chile's Foreign Policy"
    assert "Chilean foreign policy" in meta.subject
    assert meta["/CreationDate"].startswith("D:20251128")
    if layout == "facing":
        assert root["/PageLayout"] == "/TwoPageRight"


def test_facing_pages_alternate_languages(laid_book):
    layout, laid, path = laid_book
    if layout != "facing":
        pytest.skip("facing only")
    for number in range(4, len(laid.pages) + 1, 5):
        text = pdf_text(path, first=number, last=number)
        arabic = sum(1 for ch in text if "\u0600" <= ch <= "\u06ff")
        latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
        assert (arabic > latin) == (number % 2 == 0), (number, arabic, latin)


def test_layouts_lay_out_without_warnings(laid_book):
    _layout, laid, _path = laid_book
    assert laid.messages == () and laid.refused == ()


# ---------------------------------------------------------------- options, through the command line


def test_english_bound_facing_book_opens_left_to_right(tmp_path):
    result = run_build("pdf", "--layout", "facing", "--binding", "ltr", "--paper", "A5", "--out", str(tmp_path))
    assert result.returncode == 0 and result.stderr == "", result.stderr
    reader = PdfReader(next(tmp_path.glob("*.pdf")))
    assert reader.trailer["/Root"]["/ViewerPreferences"]["/Direction"] == "/L2R"
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (420, 595), "A5"


# ---------------------------------------------------------------- mixed direction


def _line_pieces(pages):
    from weasyprint.formatting_structure import boxes

    for page in pages:
        for box in _walk(page._page_box):
            if isinstance(box, boxes.LineBox):
                yield [(t.position_x, t.text) for t in _walk(box) if isinstance(t, boxes.TextBox)]


def _x_of(pieces, word):
    return next(x for line in pieces for x, text in line if word in text)


def test_mixed_direction_runs_keep_their_reading_order():
    laid = lay_out_book(FIXTURES / "books" / "bidi")
    pieces = list(_line_pieces(laid.pages))
    # A Latin name with an emphasised middle word, inside Persian: read left to right.
    assert _x_of(pieces, "Patricio") < _x_of(pieces, "Aylwin") < _x_of(pieces, "Azócar")
    # ... while the Persian around it reads right to left.
    assert _x_of(pieces, "دیدار") > _x_of(pieces, "Patricio") > _x_of(pieces, "سال")
    # A Persian phrase with a bold middle word, inside English: read right to left.
    assert _x_of(pieces, "مجلس") > _x_of(pieces, "شورای") > _x_of(pieces, "اسلامی")
    # Brackets around a Latin phrase that breaks over a line stay with their words.
    united = next(text for line in pieces for _x, text in line if "United" in text)
    assert united.strip().startswith("(United")


# ---------------------------------------------------------------- accessible, tagged PDF


def _comparable(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069\u00ad•]", "", text)
    return re.sub(r"[\s\-]+", "", text.translate(str.maketrans("“”‘’«»", "\"\"''\"\"")))


def test_tagged_pdf_has_structure_language_and_each_side_in_logical_order(tmp_path):
    result = run_build("pdf", "--pdf-variant", "pdf/ua-1", "--out", str(tmp_path))
    assert result.returncode == 0 and result.stderr == "", result.stderr
    path = next(tmp_path.glob("*.pdf"))
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "fa"

    from datetime import datetime, timezone

    from parallelbook.read.book import load_book
    from parallelbook.text.blocks import plain_text

    edition = load_book(ROOT, build_time=datetime(2025, 11, 28, tzinfo=timezone.utc)).editions[0]
    # Each side is cut out of the page by its column, between the running head and the folio.
    # poppler, not pypdf: pypdf reverses digit runs and keeps mirrored brackets' glyph codes.
    from parallelbook.outputs.pdf.layout import PdfSettings, geometry_of
    from parallelbook.render.fonts import font_set

    geometry = geometry_of(PdfSettings(pages=len(reader.pages)), font_set({}))
    millimetre = 72 / 25.4
    width = float(reader.pages[0].mediabox[2])
    found = {"source": "", "target": ""}
    for number in range(3, len(reader.pages) + 1):
        left_page = number % 2 == 1  # a Persian-bound book opens on a left page
        outer_left = geometry.outer if left_page else geometry.inner
        content = width - (geometry.outer + geometry.inner) * millimetre
        middle = outer_left * millimetre + content / 2
        top, height = geometry.top * millimetre, 841.89 - (geometry.top + geometry.bottom) * millimetre
        for role, (x, w) in {"source": (middle, width - middle), "target": (0, middle)}.items():
            found[role] += subprocess.run(
                ["pdftotext", "-f", str(number), "-l", str(number), "-x", str(int(x)), "-y", str(int(top)),
                 "-W", str(int(w)), "-H", str(int(height)), str(path), "-"],
                capture_output=True, text=True, check=True,
            ).stdout
    for role in ("source", "target"):
        expected = _comparable(" ".join(plain_text(getattr(pair, role).block) for pair in edition.pairs()))
        ratio = difflib.SequenceMatcher(None, expected, _comparable(found[role]), autojunk=False).ratio()
        print(f"\n{role}: similarity {ratio:.4f}")
        assert ratio >= 0.98, (role, ratio)


def test_facing_notes_sit_at_the_foot_of_their_own_language_page():
    laid = lay_out_book(FIXTURES / "books" / "epub-features", layout="facing")
    for document, role in ((laid.documents[1], "s"), (laid.documents[2], "t")):
        at_foot, in_text = set(), set()
        for page in document.pages:
            for box in _walk(page._page_box):
                element = getattr(box, "element", None)
                if element is None or box.element_tag != "div" or "note" not in (element.get("class") or "").split():
                    continue
                if box.style["visibility"] == "hidden":
                    continue
                inside_area = any(type(b).__name__ == "FootnoteAreaBox" and box in list(_walk(b)) for b in page._page_box.children)
                (at_foot if inside_area else in_text).add(element.get("id"))
        assert at_foot and not in_text, (role, in_text)
        assert all(f"-{role}-note-" in note for note in at_foot), "a page shows only its own language's notes"
