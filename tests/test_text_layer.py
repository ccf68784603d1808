"""The PDF's text layer gives back what was written: Persian with its ZWNJ, لا and marks, English intact.

Measured the way a reader meets it: the words poppler's `pdftotext` (and pypdf) extract from the
PDF the build writes, compared with the words of the book as the build normalised them.
"""

from __future__ import annotations

import collections
import io
import re
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest
from helpers import ROOT, run_build
from pypdf import PdfReader

from parallelbook import model as m
from parallelbook.outputs.pdf import text_layer

LAYOUTS = ("columns", "facing", "stacked")
FONTS = ROOT / "parallelbook" / "render" / "fonts" / "vazirmatn"

# A Persian word: Arabic-script letters and marks, joined by ZWNJ.
PERSIAN_WORD = re.compile(r"[\u0610-\u061A\u0620-\u065F\u0670-\u06D3\u06D5-\u06DC\u06DF-\u06E8\u06EA-\u06EF\u06FA-\u06FF\u200c]+")
LATIN_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]+")


def words(text: str, pattern: re.Pattern) -> list[str]:
    return [word.strip("\u200c") for word in pattern.findall(text) if word.strip("\u200c")]


def _shown(inlines: tuple[m.Inline, ...]) -> str:
    """The text a page shows: no image descriptions (an image is drawn, not written)."""
    parts = []
    for inline in inlines:
        if isinstance(inline, (m.Text, m.Code)):
            parts.append(inline.text)
        elif isinstance(inline, m.LineBreak):
            parts.append(" ")
        elif isinstance(inline, m.Note):
            parts.append(" " + _shown_contents(inline.blocks))
        elif isinstance(inline, (m.Styled, m.Quoted, m.Link)):
            parts.append(_shown(inline.children))
    return "".join(parts)


def _shown_contents(contents: tuple[m.Content, ...]) -> str:
    parts = []
    for content in contents:
        if isinstance(content, (m.Paragraph, m.Heading)):
            parts.append(_shown(content.inlines))
        elif isinstance(content, m.ListBlock):
            parts += [_shown_contents(item) for item in content.items]
        elif isinstance(content, m.BlockQuote):
            parts.append(_shown_contents(content.blocks))
        elif isinstance(content, m.CodeBlock):
            parts.append(content.text)
        elif isinstance(content, m.Table):
            parts += [_shown(cell) for row in content.header + content.rows for cell in row]
    return " ".join(parts)


def book_words(book: Path) -> tuple[list[str], list[str]]:
    """The Persian words of the source side and the English words of the translation, normalised as built."""
    from parallelbook.read.book import load_book

    edition = load_book(book, build_time=datetime(2025, 11, 28, tzinfo=timezone.utc)).editions[0]
    persian, english = [], []
    for pair in edition.pairs():
        persian += words(_shown_contents(pair.source.block.content), PERSIAN_WORD)
        english += words(_shown_contents(pair.target.block.content), LATIN_WORD)
    return persian, english


def intact(expected: list[str], extracted: list[str]) -> tuple[float, list[str]]:
    """The share of expected words found in the extracted text (as a multiset), and the missing ones."""
    found = collections.Counter(extracted)
    missing = []
    for word, count in collections.Counter(expected).items():
        missing += [word] * max(0, count - found[word])
    return 1 - len(missing) / len(expected), missing


def pdftotext(path: Path) -> str:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"(\w)[-\u2010]\n(\w)", r"\1\2", text)  # a word hyphenated at a line's end


def pypdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# ---------------------------------------------------------------- the patch inside WeasyPrint


def test_weasyprint_is_the_version_whose_drawing_the_text_layer_patches():
    import weasyprint
    from weasyprint.draw import text

    pinned = re.search(r"^weasyprint==(\S+)", (ROOT / "requirements.txt").read_text("utf-8"), re.M).group(1)
    assert weasyprint.__version__ == pinned == text_layer.WEASYPRINT_VERSION
    # WeasyPrint's own draw_first_line, which _draw_first_line copies, is unchanged.
    assert text_layer.source_digest() == text_layer.PATCHED_SOURCE, "WeasyPrint's draw_first_line changed: port the patch"
    assert text_layer.apply() and text.draw_first_line is text_layer._draw_first_line


# ---------------------------------------------------------------- a page of the hard cases

HARD_CASES = [
    "سلاح‌های هسته‌ای",  # ZWNJ, the لا ligature
    "روابط بین‌المللی آمریکای لاتین",
    "جَنگو یک فریم‌ورک است",  # a raised vowel mark on a word's first letter
    "جوّ صرفاً نسخهٔ کتاب",  # shadda, tanwin, hamza above: marks on a letter, one glyph or two
    "کتاب‌ها و می‌خواهند",
]
LATIN_CASES = ["The office affirms final flows", "naïve café in Valparaíso"]


def _hard_case_pdf(patched: bool) -> bytes:
    import weasyprint
    from weasyprint.draw import text

    paragraphs = "".join(f'<p dir="rtl" lang="fa">{case}</p>' for case in HARD_CASES)
    paragraphs += "".join(f'<p lang="en" class="latin">{case}</p>' for case in LATIN_CASES)
    serif = Path(__import__("font_source_serif_pro").__file__).parent / "files" / "SourceSerifPro-Regular.ttf"
    html = f"""<html><head><meta charset="utf-8"><style>
      @font-face {{ font-family: Persian; src: url({(FONTS / "Vazirmatn-NL-Regular.ttf").as_uri()}) }}
      @font-face {{ font-family: Latin; src: url({serif.as_uri()}) }}
      body {{ font: 14pt Persian }} .latin {{ font-family: Latin }}
    </style></head><body>{paragraphs}</body></html>"""
    text_layer.apply()
    drawing = text.draw_first_line
    if not patched:
        text.draw_first_line = text_layer._original
    try:
        return weasyprint.HTML(string=html).write_pdf()
    finally:
        text.draw_first_line = drawing


@pytest.fixture(scope="module")
def hard_cases(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hard-cases")
    paths = {}
    for patched in (True, False):
        paths[patched] = folder / f"{'patched' if patched else 'weasyprint'}.pdf"
        paths[patched].write_bytes(_hard_case_pdf(patched))
    return paths


def test_every_hard_case_comes_back_as_written(hard_cases):
    poppler_lines = [line.strip("\u202a\u202b\u202c ") for line in pdftotext(hard_cases[True]).splitlines()]
    pypdf_lines = [line.strip() for line in pypdf_text(hard_cases[True].read_bytes()).splitlines()]
    for case in HARD_CASES + LATIN_CASES:
        assert case in poppler_lines, (case, poppler_lines)
        assert case in pypdf_lines, (case, pypdf_lines)


def test_weasyprint_alone_loses_them(hard_cases):
    """The cases are hard: without the patch, poppler gets سالحهای هستهای."""
    lines = [line.strip("\u202a\u202b\u202c ") for line in pdftotext(hard_cases[False]).splitlines()]
    assert "سالحهای هستهای" in lines
    assert not any(case in lines for case in HARD_CASES[:4])


def test_the_text_layer_changes_nothing_that_is_drawn(hard_cases, tmp_path):
    from PIL import Image

    pages = {}
    for patched, path in hard_cases.items():
        subprocess.run(["pdftoppm", "-r", "100", "-png", str(path), str(tmp_path / str(patched))], check=True)
        pages[patched] = Image.open(next(tmp_path.glob(f"{patched}*.png"))).convert("RGB")
    assert pages[True].tobytes() == pages[False].tobytes()


def test_latin_text_is_written_exactly_as_weasyprint_writes_it():
    """Spans only where readers need them: an English page's PDF is WeasyPrint's own, byte for byte."""
    import weasyprint
    from weasyprint.draw import text

    html = '<p lang="en" style="hyphens: auto; width: 8em">The office affirms final flows of internationalisation.</p>'
    text_layer.apply()
    patched = weasyprint.HTML(string=html).write_pdf()
    text.draw_first_line = text_layer._original
    try:
        original = weasyprint.HTML(string=html).write_pdf()
    finally:
        text.draw_first_line = text_layer._draw_first_line
    assert patched == original


# ---------------------------------------------------------------- the sample book, every layout


@pytest.fixture(scope="module", params=LAYOUTS)
def sample_pdf(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(f"text-layer-{request.param}")
    result = run_build("pdf", "--layout", request.param, "--out", str(out))
    assert result.returncode == 0, result.stderr
    return request.param, next(out.glob("*.pdf"))


@pytest.fixture(scope="module")
def sample_words():
    return book_words(ROOT)


def test_sample_pdf_gives_back_its_persian_and_english_words(sample_pdf, sample_words):
    layout, path = sample_pdf
    persian, english = sample_words
    text = pdftotext(path)
    share, missing = intact(persian, words(text, PERSIAN_WORD))
    print(f"\n{layout}: pdftotext gives back {share:.1%} of {len(persian)} Persian words; missing {missing}")
    assert share >= 0.99, missing
    assert "سلاح‌های" in text and "هسته‌ای" in text and "بین‌المللی" in text
    english_share, english_missing = intact(english, words(text, LATIN_WORD))
    assert english_missing == [], english_missing
    pypdf_share, pypdf_missing = intact(persian, words(pypdf_text(path.read_bytes()), PERSIAN_WORD))
    print(f"{layout}: pypdf gives back {pypdf_share:.1%}; missing {pypdf_missing}")
    assert pypdf_share >= 0.99, pypdf_missing


@pytest.mark.parametrize("sample_pdf", ["facing"], indirect=True)  # the layout with the most pieces
def test_sample_pdf_is_byte_identical_when_laid_out_again(sample_pdf, tmp_path):
    layout, path = sample_pdf
    result = run_build("pdf", "--layout", layout, "--no-cache", "--jobs", "2", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / path.name).read_bytes() == path.read_bytes()
