"""No fallback font ever: every glyph of every output comes from a face the book chose and embeds.

A book that uses every construct (nested list markers, quotes, dashes, the contents' leaders,
both kinds of digits, Latin Extended, Greek, Cyrillic and IPA letters, symbols, code) is built,
and the fonts are read back out of the PDFs (the embedded font programs' own names) and the EPUB.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from helpers import CORPUS, FIXTURES, epubcheck, run_build
from lxml import etree
from pypdf import PdfReader

from parallelbook.problems import Location
from parallelbook.render.fonts import BUNDLED, coverage_problems, font_set, uncovered

BOOK = FIXTURES / "books" / "every-glyph"
FONTS = font_set({})
BOOK_FAMILIES = {face.family.replace(" ", "") for face in FONTS.faces}


def embedded_fonts(path: Path) -> dict[str, str]:
    """Every font a PDF uses (pages and the forms drawn on them): PDF name -> family named by the embedded program."""
    found: dict[str, str] = {}

    def read(resources):
        resources = resources.get_object() if resources is not None else {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = described["/FontDescriptor"].get_object()
            program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3") or descriptor.get("/FontFile")
            assert program is not None, f"{font['/BaseFont']} is not embedded"
            family = TTFont(io.BytesIO(program.get_object().get_data()))["name"].getBestFamilyName()
            found[str(font["/BaseFont"])] = family
        for xobject in (resources.get("/XObject") or {}).values():
            read(xobject.get_object().get("/Resources"))

    for page in PdfReader(path).pages:
        read(page.get("/Resources"))
    return found


def assert_only_book_faces(path: Path) -> set[str]:
    fonts = embedded_fonts(path)
    strangers = {name: family for name, family in fonts.items() if family.replace(" ", "") not in BOOK_FAMILIES}
    assert not strangers, f"{path.name} uses fonts the book did not choose: {strangers}"
    return set(fonts.values())


@pytest.fixture(scope="module")
def every_glyph(tmp_path_factory):
    out = tmp_path_factory.mktemp("every-glyph")
    results = [
        run_build("--book", str(BOOK), "--out", str(out)),  # the PDF (pieces and folio overlays) and the EPUB
        run_build("review", "--book", str(BOOK), "--out", str(out)),
    ]
    for result in results:
        assert result.returncode == 0, result.stderr
    return out, "".join(result.stderr for result in results)


def test_the_book_needs_every_kind_of_face():
    """The fixture is a real test: its text has characters that only the code and fallback faces draw."""
    text = "".join(path.read_text("utf-8") for path in BOOK.rglob("*.md"))
    text_faces = [FONTS.face("persian"), FONTS.face("latin")]
    for role, sample in (("fallback", "ʊʒŋ"), ("symbols", "◦▪")):
        assert set(sample) <= set(text)
        assert uncovered(sample, text_faces) == sorted(sample), f"the text faces draw {sample}: no need for {role}"
        assert uncovered(sample, text_faces + [FONTS.face(role)]) == []
    assert "├──" in text and uncovered("├", text_faces) == ["├"] and uncovered("├", [FONTS.face("code")]) == []


def test_no_font_glyph_warning_for_the_book(every_glyph):
    _out, stderr = every_glyph
    assert "FONT-GLYPH" not in stderr, stderr


@pytest.mark.parametrize("name", ["every-sign.fa-en.pdf", "review.fa-en.pdf"])  # the book (and its folios), the review
def test_pdf_fonts_are_the_book_faces_and_all_embedded(every_glyph, name):
    out, _stderr = every_glyph
    families = assert_only_book_faces(out / name)
    # Code, IPA and list markers were drawn, each from the face chosen for it.
    assert {FONTS.face(role).family for role in ("code", "fallback", "symbols")} <= families, families


def test_epub_embeds_a_face_for_every_character_it_shows(every_glyph, tmp_path):
    out, _stderr = every_glyph
    path = out / "every-sign.fa-en.epub"
    report = epubcheck(path, tmp_path)
    assert report.clean, report.messages
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        fonts = [name for name in names if name.startswith("EPUB/fonts/") and name.endswith(".ttf")]
        assert {"EPUB/fonts/code-regular.ttf", "EPUB/fonts/fallback-regular.ttf", "EPUB/fonts/symbols-regular.ttf"} <= set(fonts)
        covered = set()
        for name in fonts:
            covered |= set(TTFont(io.BytesIO(archive.read(name))).getBestCmap())
        shown = set()
        for name in names:
            if name.endswith(".xhtml"):
                tree = etree.fromstring(archive.read(name))
                shown |= set("".join(tree.itertext()))
        css = archive.read("EPUB/css/book.css").decode("utf-8")
    ignorable = {0x200C, 0x200D, 0x200E, 0x200F, 0x2066, 0x2067, 0x2068, 0x2069, 0x0A, 0x09, 0x0D, 0xAD}
    missing = sorted(ch for ch in shown if ord(ch) not in covered and ord(ch) not in ignorable)
    assert not missing, missing
    assert '[lang|="en"] { font-family: "Source Serif Pro", "Vazirmatn NL", "Noto Serif", "Noto Sans Symbols2", serif;' in css


def test_an_epub_without_rare_characters_embeds_no_fallback_face(sample_build):
    with zipfile.ZipFile(sample_build["epub"]) as archive:
        fonts = {name for name in archive.namelist() if name.startswith("EPUB/fonts/")}
    assert not {"EPUB/fonts/fallback-regular.ttf", "EPUB/fonts/symbols-regular.ttf", "EPUB/fonts/code-regular.ttf"} & fonts


def test_font_glyph_names_what_no_face_of_the_stack_draws():
    where = Location("chapter.md", 3)
    assert coverage_problems([(where, "IPA /ˈdʒæŋɡoʊ/, ◦ • and Łódź", "text")], FONTS) == []
    assert coverage_problems([(where, "├── └──", "code")], FONTS) == []
    (problem,) = coverage_problems([(where, "a 漢 character", "text")], FONTS)
    assert problem.code == "FONT-GLYPH" and problem.location == where and "U+6F22" in problem.message


def test_no_font_glyph_warning_on_a_real_tutorial():
    """Django Girls' tutorial (CC BY-SA): IPA, code, URLs; every character has a book face."""
    from parallelbook.pipeline import font_problems
    from parallelbook.read.book import load_book

    book = load_book(CORPUS, build_time=datetime(2025, 11, 28, tzinfo=timezone.utc))
    assert [problem for problem in font_problems(book, FONTS) if problem.code == "FONT-GLYPH"] == []


def test_bundled_fallback_faces_are_the_pinned_files():
    """The Noto faces are Debian's files, unmodified: their SHA-256 is pinned in SOURCE.md."""
    source = (BUNDLED / "noto" / "SOURCE.md").read_text("utf-8")
    pinned = dict(re.findall(r"^\| (\S+\.ttf) \| [^|]+ \| ([0-9a-f]{64}) \|$", source, re.M))
    assert set(pinned) == {path.name for path in (BUNDLED / "noto").glob("*.ttf")}
    for name, digest in pinned.items():
        assert hashlib.sha256((BUNDLED / "noto" / name).read_bytes()).hexdigest() == digest, name
    assert "SIL OPEN FONT LICENSE Version 1.1" in (BUNDLED / "noto" / "OFL.txt").read_text("utf-8")
