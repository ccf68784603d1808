"""Links into the book (another chapter's file, a heading) lead to their place in every output;
a link that leads nowhere keeps its text, says so at its line, and leaves every output valid."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from bookgen import repeated_book
from helpers import epubcheck, run_build
from lxml import etree
from pypdf import PdfReader

HEADING_2 = "chapter-2-the-principles-of-chiles-foreign-policy"  # GitHub's name for "# Chapter 2: The Principles of Chile's …"
PERSIAN = (
    "برای ادامه [فصل بعد](002-chapter.md) را بخوانید و [سرفصل آن](002-chapter.md#"
    + HEADING_2 + ") را ببینید."
)
ENGLISH = (
    "Read on in [the next chapter](002-chapter.md), see [its heading](002-chapter.md#" + HEADING_2 + "), "
    "[the first heading](#chapter-1-the-principles-of-chiles-foreign-policy), [the web](https://example.org/a), "
    "[a page of the tutorial site](../deploy/README.md) and [a heading no one wrote](#no-such-heading)."
)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    work = tmp_path_factory.mktemp("links")
    book = repeated_book(work / "book", chapters=3, repeats=1)
    for side, text in (("source", PERSIAN), ("translations/en", ENGLISH)):
        path = book / side / "001-chapter.md"
        path.write_text(path.read_text("utf-8") + "\n" + text + "\n", "utf-8")
    result = run_build("--book", str(book), "--out", str(work / "out"), "--jobs", "1")
    assert result.returncode == 0, result.stderr
    return book, work / "out", result


def _line_of_links(book: Path, side: str) -> int:
    lines = (book / side / "001-chapter.md").read_text("utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if "002-chapter.md" in line)


def test_a_link_that_leads_nowhere_is_a_located_warning_and_keeps_its_text(built):
    book, _out, result = built
    line = _line_of_links(book, "translations/en")
    warnings = [w for w in result.stderr.splitlines() if "[LINK-BROKEN]" in w]
    assert len(warnings) == 2, result.stderr
    assert all(w.startswith(f"{book / 'translations/en/001-chapter.md'}:{line}: warning:") for w in warnings), warnings
    assert "'../deploy/README.md' leads to no chapter of this book" in warnings[0] + warnings[1]
    assert "no heading of the book is #no-such-heading" in warnings[0] + warnings[1]


def test_the_epub_links_to_the_chapter_files_it_holds_and_passes_epubcheck(built, tmp_path):
    _book, out, _result = built
    epub = next(out.glob("*.epub"))
    report = epubcheck(epub, tmp_path)
    assert report.clean, report.messages
    with zipfile.ZipFile(epub) as archive:
        names = archive.namelist()
        first = etree.fromstring(archive.read(next(n for n in names if re.search(r"chapter-001-.*\.xhtml$", n))))
    second_file = next(Path(n).name for n in names if re.search(r"chapter-002-.*\.xhtml$", n))
    links = {"".join(a.itertext()): a.get("href") for a in first.iter("{http://www.w3.org/1999/xhtml}a")}
    assert links["the next chapter"] == f"{second_file}#c2-p1"
    assert links["its heading"] == f"{second_file}#c2-p1"
    assert links["فصل بعد"] == f"{second_file}#c2-p1"
    assert links["the first heading"] == f"{Path(next(n for n in names if 'chapter-001-' in n)).name}#c1-p1"
    assert links["the web"] == "https://example.org/a"
    text = "".join(first.itertext())
    assert "a page of the tutorial site" in text and "a heading no one wrote" in text  # kept as text
    assert "a page of the tutorial site" not in links and "a heading no one wrote" not in links


def test_the_pdf_links_lead_to_the_page_where_the_chapter_starts(built):
    _book, out, _result = built
    reader = PdfReader(next(out.glob("*.pdf")))
    names = reader.named_destinations
    texts = [page.extract_text() or "" for page in reader.pages]
    chapter_two = next(number for number, text in enumerate(texts) if "Chapter 2:" in text and "Contents" not in text)
    into_the_book = []
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots", []):
            annotation = annotation.get_object()
            if "/Dest" in annotation and str(annotation["/Dest"]) == "c2-p1" and "Contents" not in texts[number]:
                into_the_book.append(reader.get_destination_page_number(names["c2-p1"]))
            uri = annotation.get("/A", {}).get("/URI") if "/A" in annotation else None
            assert uri is None or not str(uri).startswith("x-parallelbook"), uri  # every such link was resolved
    # four links: the next chapter and its heading, in each language (a link may take two boxes)
    assert len(into_the_book) >= 4 and set(into_the_book) == {chapter_two}, (into_the_book, chapter_two)


def test_check_reports_the_same_links_before_the_build(built):
    book, _out, result = built
    checked = run_build("check", "--book", str(book))
    assert checked.returncode == 0, checked.stderr
    assert sorted(w for w in checked.stderr.splitlines() if "[LINK-BROKEN]" in w) == sorted(
        w for w in result.stderr.splitlines() if "[LINK-BROKEN]" in w
    )


def test_a_broken_link_of_the_source_is_reported_once_for_two_translations(tmp_path):
    import shutil

    from helpers import FIXTURES

    book = tmp_path / "book"
    shutil.copytree(FIXTURES / "books" / "two-lang", book)
    source = sorted((book / "source").glob("*.md"))[0]
    # a link at the end of its last paragraph
    source.write_text(source.read_text("utf-8").rstrip() + " [پیوند گم‌شده](../elsewhere/README.md)\n", "utf-8")
    for command in (["check"], ["epub", "--out", str(tmp_path / "out")]):
        result = run_build(*command, "--book", str(book))
        assert result.returncode == 0, result.stderr
        assert sum("[LINK-BROKEN]" in line for line in result.stderr.splitlines()) == 1, (command, result.stderr)
