"""The end-to-end build of the sample book and of a two-chapter, two-language book."""

from __future__ import annotations

import re
import unicodedata
import zipfile

import pytest
from helpers import ROOT, epubcheck, pdf_fonts, pdf_text, run_build, squash
from layout_probe import lay_out_book, level_report
from lxml import etree

ARABIC_FORMS = "\u0649\u064a\u0643"
SEED = ROOT / "source" / "01-chile-foreign-policy.md"
TRANSLATION = ROOT / "translations" / "en" / "01-chile-foreign-policy.md"
XHTML = "{http://www.w3.org/1999/xhtml}"
OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"


def published(word: str) -> str:
    """A source word as the book prints it (orthography.py is tested on its own)."""
    from parallelbook.text.orthography import normalize

    return normalize(word)


def comparable(text: str) -> str:
    """Text reduced to what any faithful rendering keeps: no ZWNJ, marks, hyphens, quotes style or spacing."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069\u00ad]", "", text)
    text = text.translate(str.maketrans("“”‘’", "\"\"''"))
    return re.sub(r"[\s\-]+", "", text)


# ---------------------------------------------------------------- the sample book


def test_sample_build_is_silent_and_writes_both_outputs(sample_build):
    assert sample_build["stderr"] == "", "the sample book must build without a single warning"
    assert sample_build["pdf"].stat().st_size > 10_000
    assert sample_build["epub"].stat().st_size > 10_000
    assert "wrote" in sample_build["stdout"]


def test_sample_epub_passes_epubcheck_without_warnings(sample_build, tmp_path):
    report = epubcheck(sample_build["epub"], tmp_path)
    assert report.version.startswith("5."), report.version
    assert report.clean, report.messages


def test_pdf_embeds_only_the_book_faces(sample_build):
    fonts = pdf_fonts(sample_build["pdf"])
    assert fonts, "no fonts found in the PDF"
    assert all(fonts.values()), f"not embedded: {[name for name, embedded in fonts.items() if not embedded]}"
    assert {name.split("-")[0] for name in fonts} == {"Vazirmatn", "Source"}, fonts


def test_pdf_text_has_every_persian_word_normalised(sample_build):
    from pypdf import PdfReader

    # Each extractor has one right-to-left quirk (the ToUnicode maps WeasyPrint writes are
    # right): poppler swaps the two letters of the lam-alef ligature, pypdf reverses digit
    # runs. So words are looked up in pypdf's text and numbers in poppler's.
    by_pypdf = "\n".join(page.extract_text() for page in PdfReader(sample_build["pdf"]).pages)
    by_poppler = pdf_text(sample_build["pdf"])
    for text in (by_pypdf, by_poppler):
        assert not set(ARABIC_FORMS) & set(text), "Arabic letter forms left in the PDF text layer"
    words = [w for w in re.findall(r"\w+", SEED.read_text("utf-8")) if re.match(r"[\u0600-\u06ff]", w)]
    missing = [
        w
        for w in words
        if comparable(published(w)) not in comparable(by_poppler if w.isdigit() else by_pypdf)
    ]
    assert len(words) > 300
    assert not missing, missing[:20]


def test_pdf_text_has_every_english_sentence(sample_build):
    found = comparable(pdf_text(sample_build["pdf"]))
    source = TRANSLATION.read_text("utf-8").replace("- ", "")
    sentences = [s for s in re.split(r"(?<=[.;:])\s+|\n+", source) if len(s) > 20]
    assert len(sentences) >= 10
    missing = [s for s in sentences if comparable(s) not in found]
    assert not missing, missing


def test_pairs_start_level_and_on_one_page():
    laid = lay_out_book(ROOT)
    worst, split, _count = level_report(laid)
    assert split == []
    assert worst <= 1.0, f"largest first-baseline difference {worst:.3f} pt"
    assert laid.messages == () and laid.refused == ()


def test_pdf_title_page_page_numbers_metadata_and_outline(sample_build):
    from pypdf import PdfReader

    reader = PdfReader(sample_build["pdf"])
    title_page = pdf_text(sample_build["pdf"], first=1, last=1)
    assert "سیاست خارجی شیلی" in title_page and "Chile's Foreign Policy" in title_page
    second = pdf_text(sample_build["pdf"], first=2, last=2)
    assert "۲" in second and re.search(r"(?m)^\s*2\s*$", second), "page 2 is numbered in Persian and Latin digits"
    meta = reader.metadata
    assert "اصول سیاست خارجی شیلی" in meta.title and "The Principles of Chile's Foreign Policy" in meta.title
    assert meta["/CreationDate"].startswith("D:20251128032000")
    assert reader.trailer["/Root"]["/Lang"] == "fa"
    titles = [item["/Title"] for item in reader.outline]
    assert titles == ["فهرست — Contents", "اصول سیاست خارجی شیلی — The Principles of Chile's Foreign Policy"]
    contents = pdf_text(sample_build["pdf"], first=2, last=2)
    assert "فهرست" in contents and "Contents" in contents
    assert re.search(r"Chile's Foreign Policy[ .]*3", contents), "the contents give the chapter's page"


def test_outputs_are_byte_identical_when_rebuilt(sample_build, tmp_path):
    result = run_build("--book", str(ROOT), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    for built in (sample_build["pdf"], sample_build["epub"]):
        assert (tmp_path / built.name).read_bytes() == built.read_bytes(), built.name


def test_sample_epub_structure(sample_build):
    with zipfile.ZipFile(sample_build["epub"]) as archive:
        names = archive.namelist()
        assert names[0] == "mimetype" and archive.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        assert names[1:] == sorted(names[1:])
        package = etree.fromstring(archive.read("EPUB/package.opf"))
        chapter_name = next(n for n in names if n.startswith("EPUB/chapter-"))
        chapter = etree.fromstring(archive.read(chapter_name))
        fonts = {n: archive.read(n) for n in names if n.endswith(".ttf")}
    assert package.get("{http://www.w3.org/XML/1998/namespace}lang") == "fa" and package.get("dir") == "rtl"
    assert [e.text for e in package.iter(f"{DC}language")] == ["fa", "en"]
    assert package.find(f"{OPF}spine").get("page-progression-direction") == "rtl"
    sides = chapter.findall(f".//{XHTML}div[@class]")
    sides = [s for s in sides if "side" in s.get("class").split()]
    assert len(sides) == 2 * 9
    for side in sides:
        lang = side.get("lang")
        assert lang in ("fa", "en") and side.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
        assert side.get("dir") == ("rtl" if lang == "fa" else "ltr")
    persian_text = "".join("".join(s.itertext()) for s in sides if s.get("lang") == "fa")
    assert not set(ARABIC_FORMS) & set(persian_text)
    assert len(fonts) == 6
    import io

    from fontTools.ttLib import TTFont

    persian = TTFont(io.BytesIO(fonts["EPUB/fonts/persian-regular.ttf"]))
    assert 0x200C in persian.getBestCmap(), "ZWNJ kept in the subset"
    assert "GSUB" in persian and len(persian.getGlyphOrder()) < 400, "subset, with its layout features"


# ---------------------------------------------------------------- two chapters, two languages


def test_two_language_book_builds_an_edition_per_language(two_lang_build, tmp_path):
    out = two_lang_build["out"]
    assert two_lang_build["stderr"] == ""
    assert sorted(p.name.rsplit(".", 2)[1] for p in out.glob("*.pdf")) == ["fa-en", "fa-es"]
    assert sorted(p.name.rsplit(".", 2)[1] for p in out.glob("*.epub")) == ["fa-en", "fa-es"]
    for epub in out.glob("*.epub"):
        report = epubcheck(epub, tmp_path)
        assert report.clean, (epub.name, report.messages)


def test_two_language_book_content_survives_into_every_output(two_lang_build):
    out = two_lang_build["out"]
    spanish = squash(pdf_text(next(out.glob("*.fa-es.pdf"))))
    english = squash(pdf_text(next(out.glob("*.fa-en.pdf"))))
    assert "Comienza el viaje" in spanish and "El segundo paso" in spanish
    assert "The Journey Begins" in english and "This is a footnote." in english
    persian = comparable(pdf_text(next(out.glob("*.fa-en.pdf"))))
    assert comparable("نقل قولی کوتاه از یک کتاب قدیمی") in persian, "Arabic forms normalised"
    assert comparable("این یک پانوشت است") in persian, "Persian footnote printed"
    with zipfile.ZipFile(next(out.glob("*.fa-en.epub"))) as archive:
        chapter = archive.read("EPUB/chapter-001-01-beginning.xhtml").decode("utf-8")
        nav = archive.read("EPUB/nav.xhtml").decode("utf-8")
    assert "<strong>تأکید</strong>" in chapter and "<em>a highlighted word</em>" in chapter
    assert chapter.count('epub:type="footnote"') == 2 and chapter.count('epub:type="noteref"') == 2
    assert re.search(r"<blockquote[ >]", chapter) and re.search(r"<ul class=\"item\"[ >]", chapter)
    assert "آغاز سفر" in nav and "The Journey Begins" in nav and "راه دراز" in nav


def test_title_defaults_to_the_first_heading_without_book_toml(two_lang_build):
    from pypdf import PdfReader

    meta = PdfReader(next(two_lang_build["out"].glob("*.fa-en.pdf"))).metadata
    assert meta.title == "آغاز سفر / The Journey Begins"
    assert next(two_lang_build["out"].glob("*.fa-en.pdf")).name == "the-journey-begins.fa-en.pdf"


# ---------------------------------------------------------------- bad input


def test_mismatched_translation_is_located_and_writes_nothing(book_copy):
    book = book_copy("two-lang")
    target = book / "translations" / "en" / "01-beginning.md"
    target.write_text(target.read_text("utf-8").replace("- The second item of the list\n", ""), "utf-8")
    result = run_build(cwd=book)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines, "an error is reported"
    for line in lines:
        assert re.fullmatch(r"\S+:\d+(:\d+)?: error: .+ \[[A-Z-]+\]", line), line
    assert any(line.startswith("source/01-beginning.md:") or line.startswith("translations/en/01-beginning.md:") for line in lines)
    outputs = [p for p in (book / "build").glob("*") if p.is_file()] if (book / "build").exists() else []
    assert outputs == [], "no output is written when the input is wrong (only the cache of pandoc's readings)"


def test_missing_translation_file_is_an_error(book_copy):
    book = book_copy("two-lang")
    (book / "translations" / "es" / "02-road.md").unlink()
    result = run_build(cwd=book)
    assert result.returncode == 2
    assert "source/02-road.md: error: chapter has no es translation: expected translations/es/02-road.md [TRANSLATION-MISSING]" in result.stderr


def test_unreadable_chapter_is_reported_not_raised(book_copy):
    book = book_copy("two-lang")
    (book / "source" / "03-broken.md").mkdir()
    result = run_build(cwd=book)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert re.search(r"^source/03-broken.md: error: cannot read file: .+ \[UNREADABLE\]$", result.stderr, re.M)


def test_failed_build_keeps_the_previous_output(book_copy):
    book = book_copy("two-lang")
    assert run_build(cwd=book).returncode == 0
    before = {p.name: p.read_bytes() for p in (book / "build").iterdir() if p.is_file()}
    (book / "translations" / "en" / "02-road.md").write_text("# Only a heading\n", "utf-8")
    assert run_build(cwd=book).returncode == 2
    after = {p.name: p.read_bytes() for p in (book / "build").iterdir() if p.is_file()}
    assert after == before


# ---------------------------------------------------------------- templates


def test_book_may_override_a_template(book_copy):
    book = book_copy("two-lang")
    (book / "templates" / "epub").mkdir(parents=True)
    original = (ROOT / "templates" / "epub" / "title.xhtml.j2").read_text("utf-8")
    (book / "templates" / "epub" / "title.xhtml.j2").write_text(original.replace("</section>", "<p>Override marker</p></section>"), "utf-8")
    assert run_build("epub", cwd=book).returncode == 0
    with zipfile.ZipFile(next((book / "build").glob("*.fa-en.epub"))) as archive:
        assert "Override marker" in archive.read("EPUB/title.xhtml").decode("utf-8")


@pytest.mark.parametrize(
    "body, code, line",
    [
        ("line one\n{% for x in %}\n", "TEMPLATE-SYNTAX", 2),
        ("line one\nline two\n{{ no_such_value.attribute }}\n", "TEMPLATE-UNDEFINED", 3),
    ],
)
def test_template_errors_name_the_template_and_line(book_copy, body, code, line):
    book = book_copy("two-lang")
    (book / "templates" / "epub").mkdir(parents=True)
    (book / "templates" / "epub" / "title.xhtml.j2").write_text(body, "utf-8")
    result = run_build("epub", cwd=book)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert re.search(rf"^templates/epub/title.xhtml.j2:{line}: error: .+ \[{code}\]$", result.stderr, re.M), result.stderr
