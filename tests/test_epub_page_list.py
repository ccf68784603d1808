"""The EPUB without the print layout: where its page-list comes from, and when there is none.

`build.py epub` does not lay the PDF out: its page-list points at the printed pages when the same
build lays them out, when the print edition's pieces are in the cache, or when asked for
(`--page-list print`, `[epub] page_list = "print"`); otherwise the EPUB has none and says so.
"""

from __future__ import annotations

import re
import shutil
import zipfile

import pytest
from helpers import FIXTURES, run_build
from lxml import etree

FEATURES = FIXTURES / "books" / "epub-features"
NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops", "opf": "http://www.idpf.org/2007/opf"}


def _page_list(out) -> list[tuple[str, str]] | None:
    """The page-list's (label, target) pairs, or None when the EPUB has no page-list."""
    with zipfile.ZipFile(next(out.glob("*.epub"))) as archive:
        nav = etree.fromstring(archive.read("EPUB/nav.xhtml"))
        package = etree.fromstring(archive.read("EPUB/package.opf"))
    lists = nav.xpath("//x:nav[@epub:type='page-list']", namespaces=NS)
    features = package.xpath("//opf:meta[@property='schema:accessibilityFeature']/text()", namespaces=NS)
    assert ("pageNavigation" in features) is bool(lists), "the metadata claims page navigation exactly when there is a page-list"
    if not lists:
        (summary,) = package.xpath("//opf:meta[@property='schema:accessibilitySummary']/text()", namespaces=NS)
        assert "does not give the page numbers of the printed (PDF) edition" in summary
        return None
    return [(a.text, a.get("href")) for a in lists[0].xpath(".//x:a", namespaces=NS)]


def _laid_out(result) -> int:
    return int(re.search(r"laid out: (\d+)", result.stdout).group(1))


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The page-list of the full build, which lays the print edition out itself."""
    out = tmp_path_factory.mktemp("page-list") / "all"
    result = run_build("--book", str(FEATURES), "--out", str(out))
    assert result.returncode == 0, result.stderr
    pages = _page_list(out)
    assert pages and len(pages) >= 2
    return pages


def test_an_epub_alone_lays_nothing_out_and_has_no_page_list(tmp_path, reference):
    result = run_build("epub", "--book", str(FEATURES), "--out", str(tmp_path), "--no-cache")
    assert result.returncode == 0, result.stderr
    assert _laid_out(result) == 0 and "no page-list" in result.stdout
    assert _page_list(tmp_path) is None


def test_after_a_pdf_build_the_cached_print_layout_gives_the_same_page_list(tmp_path, reference):
    assert run_build("pdf", "--book", str(FEATURES), "--out", str(tmp_path)).returncode == 0
    result = run_build("epub", "--book", str(FEATURES), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert _laid_out(result) == 0, "the pieces come from the cache"
    assert _page_list(tmp_path) == reference


def test_asked_for_the_print_page_list_an_epub_alone_lays_the_print_edition_out(tmp_path, reference):
    result = run_build("epub", "--book", str(FEATURES), "--out", str(tmp_path), "--page-list", "print")
    assert result.returncode == 0, result.stderr
    assert _laid_out(result) > 0
    assert _page_list(tmp_path) == reference
    assert not list(tmp_path.glob("*.pdf")), "the PDF itself is not written"


def test_page_list_none_in_book_toml_and_a_wrong_value_located(tmp_path):
    book = tmp_path / "book"
    shutil.copytree(FEATURES, book)
    config = book / "book.toml"
    original = config.read_text("utf-8")
    config.write_text(original + '\n[epub]\npage_list = "none"\n', "utf-8")
    result = run_build("--book", str(book), "--out", str(tmp_path / "none"))
    assert result.returncode == 0, result.stderr
    assert _page_list(tmp_path / "none") is None and list((tmp_path / "none").glob("*.pdf"))
    config.write_text(original + '\n[epub]\npage_list = "sometimes"\n', "utf-8")
    result = run_build("epub", "--book", str(book), "--out", str(tmp_path / "bad"))
    assert result.returncode == 2
    line = len(original.splitlines()) + 3
    assert re.search(rf"book\.toml:{line}(:\d+)?: error: .*page_list.*auto, print, none", result.stderr), result.stderr
