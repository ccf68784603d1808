"""The EPUB as validators, reading systems and readers meet it.

Besides the sample book (the shared fixture, EPUBChecked in test_build.py),
three EPUBs are built here, each once: the epub-features book through the
command line (interleaved, the default), a copy of it whose book.toml puts
the translation first, built with `--layout columns`, and the features book
rendered in columns with printed page numbers made by hand (rendered twice,
in two interpreters, to show it is reproducible).  Every one passes EPUBCheck
with warnings as failures; the assertions read the package, the navigation
and the chapters with XPath; the first chapter of each layout is laid out in
headless Chromium at an e-reader's size and measured.  Set PARALLELBOOK_SAVE_SCREENSHOTS=1 to refresh the README's
images in docs/images/.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest
from helpers import EPOCH, FIXTURES, ROOT, epubcheck, run_build
from lxml import etree

FEATURES = FIXTURES / "books" / "epub-features"
BUILD_TIME = datetime.fromtimestamp(int(EPOCH), timezone.utc)
NS = {
    "x": "http://www.w3.org/1999/xhtml",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "epub": "http://www.idpf.org/2007/ops",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
BLOCK_ELEMENTS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "table", "aside")
DIRECTION = {"fa": "rtl", "en": "ltr"}
# Printed pages made by hand: c1-p5 shares page 3, page 4 holds only the rest of c1-p5,
# c1-p8 "moves back" (ignored) and one anchor is not in the book.
HAND_PAGES = {"c1-p1": 2, "c1-p2": 2, "c1-p3": 3, "c1-p5": 3, "c1-p6": 5, "c1-p8": 4, "c2-p1": 6, "c9-p9": 9}
HAND_BREAKS = {"c1-p1": 2, "c1-p3": 3, "c1-p6": 5, "c2-p1": 6}
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = ROOT / "docs" / "images"


class Epub:
    """An EPUB opened once: its entries, and its XML documents parsed on demand."""

    def __init__(self, path: Path):
        self.path = path
        self.data = path.read_bytes()
        with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
            self.infos = archive.infolist()
            self.files = {info.filename: archive.read(info) for info in self.infos}
        self._parsed: dict[str, etree._Element] = {}

    def xml(self, name: str):
        if name not in self._parsed:
            self._parsed[name] = etree.fromstring(self.files[name])
        return self._parsed[name]

    @property
    def package(self):
        return self.xml("EPUB/package.opf")

    @property
    def nav(self):
        return self.xml("EPUB/nav.xhtml")

    def xhtml_names(self) -> list[str]:
        return sorted(n for n in self.files if n.endswith(".xhtml"))

    def chapter_names(self) -> list[str]:
        return [n for n in self.xhtml_names() if n.startswith("EPUB/chapter-")]

    def meta(self, prop: str) -> list[str]:
        return [e.text for e in self.package.xpath(f"//opf:meta[@property='{prop}']", namespaces=NS)]

    def target(self, href: str, base: str = "EPUB/nav.xhtml"):
        """The element an href of a document points at (the root for a bare file)."""
        path, _, fragment = href.partition("#")
        name = str(Path(base).parent / path) if path else base
        root = self.xml(name)
        if not fragment:
            return root
        found = root.xpath(f"//*[@id='{fragment}']")
        assert len(found) == 1, f"{href}: {len(found)} targets"
        return found[0]


def _text(element) -> str:
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


def _load_features():
    from parallelbook.read.book import load_book
    from parallelbook.render.fonts import font_set
    from parallelbook.render.templating import environment

    book = load_book(FEATURES, build_time=BUILD_TIME)
    return book.editions[0], font_set(book.config.fonts), environment(book.folder)


# ---------------------------------------------------------------- the books, each built once


RENDER_PAGED = """
import sys
from pathlib import Path
sys.path[:0] = [sys.argv[1], sys.argv[2]]
from test_epub import HAND_PAGES, _load_features
from parallelbook.outputs.epub import render_epub
edition, fonts, env = _load_features()
data, problems = render_epub(edition, fonts, env, layout="columns", first="source", page_numbers=HAND_PAGES)
assert problems == [], problems
Path(sys.argv[3]).write_bytes(data)
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory, sample_build):
    """Every EPUB of this module, and its EPUBCheck report (two processes at a time).

    The paged EPUB is rendered twice, here and in a fresh interpreter with
    another hash seed, to show that rendering depends on nothing but its inputs.
    """
    from parallelbook.outputs.epub import render_epub

    work = tmp_path_factory.mktemp("epub")
    toml_first = work / "translation-first"
    shutil.copytree(FEATURES, toml_first)
    config = toml_first / "book.toml"
    config.write_text(config.read_text("utf-8") + '\n[epub]\nlayout = "interleaved"\nfirst = "translation"\n', "utf-8")
    for folder in ("paged", "rerendered"):
        (work / folder).mkdir()
    paged = work / "paged" / "chile-and-the-world.fa-en.epub"
    rerendered = work / "rerendered" / paged.name
    jobs = {
        "features": lambda: run_build("epub", "--book", str(FEATURES), "--out", str(work / "features")),
        "translation-first": lambda: run_build("epub", "--book", str(toml_first), "--layout", "columns", "--out", str(work / "columns")),
        "rerendered": lambda: subprocess.run(
            [sys.executable, "-c", RENDER_PAGED, str(ROOT), str(Path(__file__).parent), str(rerendered)],
            capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONHASHSEED": "1"},
        ),
    }
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(job) for name, job in jobs.items()}
        edition, fonts, env = _load_features()
        paged_bytes, paged_problems = render_epub(edition, fonts, env, layout="columns", first="source", page_numbers=HAND_PAGES)
        results = {name: future.result() for name, future in futures.items()}
    for name, result in results.items():
        assert result.returncode == 0 and result.stderr == "", (name, result.stderr)
    assert paged_problems == []
    paged.write_bytes(paged_bytes)
    paths = {
        "sample": sample_build["epub"],  # EPUBChecked in test_build.py
        "features": next((work / "features").glob("*.epub")),
        "translation-first": next((work / "columns").glob("*.epub")),
        "paged": paged,
        "rerendered": rerendered,  # must equal "paged" byte for byte
    }
    checked = ("features", "translation-first", "paged")

    def check(name):
        folder = work / f"epubcheck-{name}"
        folder.mkdir()
        return epubcheck(paths[name], folder)

    # EPUBCheck is a short run of a big program: the JVM's quick compiler and serial collector halve its CPU time.
    with pytest.MonkeyPatch.context() as patch, ThreadPoolExecutor(max_workers=2) as pool:
        patch.setenv("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
        reports = dict(zip(checked, pool.map(check, checked)))
    return {"paths": paths, "reports": reports, "epubs": {name: Epub(path) for name, path in paths.items()}, "work": work}


@pytest.fixture(scope="module")
def epubs(built):
    return built["epubs"]


# ---------------------------------------------------------------- EPUBCheck and reproducibility


@pytest.mark.parametrize("name", ["features", "translation-first", "paged"])
def test_epubcheck_reports_nothing_at_all(built, name):
    report = built["reports"][name]
    assert report.version.startswith("5."), report.version
    assert (report.fatals, report.errors, report.warnings) == (0, 0, 0), report.messages
    assert report.messages == ()


def test_rebuild_is_byte_identical_and_the_zip_is_canonical(epubs):
    assert epubs["paged"].data == epubs["rerendered"].data
    first = epubs["features"]
    names = [info.filename for info in first.infos]
    assert names[0] == "mimetype" and first.infos[0].compress_type == zipfile.ZIP_STORED
    assert first.files["mimetype"] == b"application/epub+zip" and first.infos[0].extra == b""
    assert names[1:] == sorted(names[1:])
    assert {info.date_time for info in first.infos} == {BUILD_TIME.timetuple()[:6]}
    assert "META-INF/encryption.xml" not in first.files, "fonts are not obfuscated"


def test_identifier_is_derived_from_the_book(epubs):
    identifiers = {
        name: epubs[name].package.xpath("string(//dc:identifier[@id=/opf:package/@unique-identifier])", namespaces=NS)
        for name in ("features", "translation-first", "paged")
    }
    assert len(set(identifiers.values())) == 1, identifiers
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", identifiers["features"])
    assert identifiers["features"] != epubs["sample"].package.xpath("string(//dc:identifier)", namespaces=NS)


# ---------------------------------------------------------------- package


@pytest.mark.parametrize("name", ["sample", "features", "paged"])
def test_package_languages_and_page_direction(epubs, name):
    package = epubs[name].package
    assert package.get(XML_LANG) == "fa" and package.get("dir") == "rtl"
    assert package.xpath("//dc:language/text()", namespaces=NS) == ["fa", "en"]
    assert package.xpath("string(//opf:spine/@page-progression-direction)", namespaces=NS) == "rtl"
    titles = package.xpath("//dc:title", namespaces=NS)
    assert [(t.get(XML_LANG), t.get("dir")) for t in titles] == [("fa", "rtl"), ("en", "ltr")]
    for element in package.xpath("//dc:*[not(self::dc:identifier or self::dc:language or self::dc:date)]", namespaces=NS):
        language = element.get(XML_LANG) or "fa"
        if re.search(r"[A-Za-z]{3}", element.text) and not re.search(r"[\u0600-\u06ff]", element.text):
            assert language == "en" and element.get("dir") == "ltr", etree.tostring(element)


def test_page_direction_follows_the_primary_language_unless_set():
    from parallelbook.outputs.epub import page_progression

    edition = _load_features()[0]
    assert page_progression(edition) == "rtl"
    assert page_progression(edition, "ltr") == "ltr"
    assert page_progression(edition, "default") == "default"
    with pytest.raises(ValueError):
        page_progression(edition, "up")


@pytest.mark.parametrize("name, paged", [("sample", True), ("features", False), ("paged", True)])
def test_accessibility_metadata_is_complete(epubs, name, paged):
    epub = epubs[name]
    # The full build maps the EPUB to its PDF's pages, an EPUB built alone (no print layout) does not;
    # pageNavigation is claimed exactly when there is a page-list, and the summary says which it is.
    assert bool(epub.nav.xpath("//x:nav[@epub:type='page-list']", namespaces=NS)) is paged
    assert epub.meta("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    assert epub.meta("schema:accessMode") == ["textual", "visual"]  # the cover is an image
    assert "textual" in epub.meta("schema:accessModeSufficient")
    features = epub.meta("schema:accessibilityFeature")
    for feature in ("tableOfContents", "readingOrder", "structuralNavigation", "alternativeText"):
        assert feature in features
    assert ("pageNavigation" in features) is paged and ("pageBreakMarkers" in features) is paged
    assert epub.meta("schema:accessibilityHazard") == ["none"]
    (summary,) = epub.package.xpath("//opf:meta[@property='schema:accessibilitySummary']", namespaces=NS)
    assert summary.get(XML_LANG) == "en" and len(summary.text) > 100
    assert ("page list" in summary.text) is paged
    assert ("does not give the page numbers of the printed (PDF) edition" in summary.text) is not paged
    refines = epub.package.xpath("//opf:meta[@property='source-of' and text()='pagination']/@refines", namespaces=NS)
    sources = [epub.target(ref, "EPUB/package.opf") for ref in refines]
    assert len(sources) == (1 if paged else 0)
    assert all(source.tag == f"{{{NS['dc']}}}source" and source.text for source in sources)


@pytest.mark.parametrize("name", ["sample", "features"])
def test_cover_image_with_both_titles_and_landmarks(epubs, name):
    from PIL import Image

    epub = epubs[name]
    (item,) = epub.package.xpath("//opf:item[@properties='cover-image']", namespaces=NS)
    assert item.get("media-type") == "image/png"
    image = Image.open(io.BytesIO(epub.files["EPUB/" + item.get("href")]))
    assert image.size == (1600, 2400) and image.format == "PNG"
    assert len(image.getcolors(1 << 20)) > 50, "text was drawn (anti-aliased), not a blank page"
    assert set(image.info) <= {"dpi", "gamma"}, "no metadata that could vary"
    cover = epub.target("cover.xhtml")
    (img,) = cover.xpath("//x:img", namespaces=NS)
    titles = epub.package.xpath("//dc:title/text()", namespaces=NS)
    assert img.get("role") == "doc-cover" and all(title in img.get("alt") for title in titles)
    assert epub.package.xpath("//opf:itemref/@idref", namespaces=NS)[0] == "cover"
    landmarks = {a.get(EPUB_TYPE): a.get("href") for a in epub.nav.xpath("//x:nav[@epub:type='landmarks']//x:a", namespaces=NS)}
    assert {"cover", "toc", "bodymatter", "titlepage"} <= set(landmarks)
    assert landmarks["cover"] == "cover.xhtml" and landmarks["bodymatter"].startswith("chapter-001-")
    for href in landmarks.values():
        epub.target(href)


def test_cover_is_drawn_by_the_shaping_engine_with_both_titles():
    from PIL import ImageFont

    from parallelbook.render import cover

    edition, fonts, _ = _load_features()
    titles, authors = cover.cover_lines(edition, fonts)
    assert [line.text for line in titles] == ["شیلی و جهان", "Chile and the World"]
    assert [(line.lang, line.direction) for line in titles] == [("fa", "rtl"), ("en", "ltr")]
    assert [line.text for line in authors] == ["نویسندهٔ آزمایشی", "A Test Author"]
    assert cover.raqm_available()
    persian = cover._set(titles[0], 1200)
    assert persian.font.layout_engine == ImageFont.Layout.RAQM
    # Shaped Persian is narrower than its letters set apart: the letters joined.
    joined = persian.font.getlength("شیلی", direction="rtl", language="fa")
    apart = sum(persian.font.getlength(letter, direction="rtl", language="fa") for letter in "شیلی")
    assert joined < apart * 0.9
    data, problems = cover.render_cover(edition, fonts)
    assert problems == [] and data == cover.render_cover(edition, fonts)[0]


def test_cover_problems_are_warnings_and_leave_the_book_without_a_cover(monkeypatch):
    from parallelbook.render import cover

    edition, fonts, _ = _load_features()
    monkeypatch.setattr(cover, "raqm_available", lambda: False)
    data, problems = cover.render_cover(edition, fonts)
    assert data is None and [(p.code, p.severity.value) for p in problems] == [("COVER-SHAPING", "warning")]
    monkeypatch.undo()
    latin_in_persian = replace(edition, metadata=replace(edition.metadata, titles={**edition.metadata.titles, "fa": "شیلی و APEC"}))
    data, problems = cover.render_cover(latin_in_persian, fonts)
    assert data is None and [p.code for p in problems] == ["COVER-GLYPH"] and "U+0041" in problems[0].message


# ---------------------------------------------------------------- every block says its language


@pytest.mark.parametrize("name", ["sample", "features", "translation-first", "paged"])
def test_every_block_element_has_one_language_and_its_direction(epubs, name):
    epub = epubs[name]
    checked = 0
    for document in epub.xhtml_names():
        root = epub.xml(document)
        assert root.get("lang") == root.get(XML_LANG) and root.get("dir") == DIRECTION[root.get("lang")]
        for element in root.iter(*(f"{{{NS['x']}}}{tag}" for tag in BLOCK_ELEMENTS)):
            lang = element.get("lang")
            where = f"{document}: {etree.tostring(element)[:120]!r}"
            assert lang in DIRECTION, where
            assert element.get(XML_LANG) == lang, where
            expected = "ltr" if element.tag.endswith("}pre") else DIRECTION[lang]
            assert element.get("dir") == expected, where
            checked += 1
        assert not root.xpath("//*[@style]"), f"{document}: inline style"
    assert checked > 40


@pytest.mark.parametrize("name", ["sample", "features"])
def test_style_sheet_uses_dir_not_css_direction_and_never_spaces_letters(epubs, name):
    css = epubs[name].files["EPUB/css/book.css"].decode("utf-8")
    assert not re.search(r"(^|[;{\s])(direction|unicode-bidi)\s*:", css)
    assert "letter-spacing" not in css
    assert 'lang|="fa"' in css


def test_persian_text_has_latin_names_and_persian_digits(epubs):
    epub = epubs["features"]
    persian = " ".join(
        _text(side) for name in epub.chapter_names() for side in epub.xml(name).xpath("//x:div[@lang='fa']", namespaces=NS)
    )
    for name in ("Patricio Aylwin", "Azócar", "Rio Group", "Sebastián Piñera", "Mercosur", "APEC"):
        assert name in persian
    assert "۱۹۹۰" in persian and "۸٫۳" in persian and not re.search(r"[0-9]", persian)
    assert "\u200c" in persian and not set("يكى") & set(persian)


# ---------------------------------------------------------------- layouts


def _pairs(epub: Epub, chapter: int = 0):
    return epub.xml(epub.chapter_names()[chapter]).xpath("//x:div[contains(concat(' ', @class, ' '), ' pair ')]", namespaces=NS)


def _sides(pair):
    return pair.xpath("x:div[contains(concat(' ', @class, ' '), ' side ')]", namespaces=NS)


@pytest.mark.parametrize(
    "name, layout, order",
    [("features", "interleaved", ["fa", "en"]), ("translation-first", "columns", ["en", "fa"]), ("paged", "columns", ["fa", "en"])],
)
def test_layout_and_which_language_comes_first(epubs, name, layout, order):
    epub = epubs[name]
    for chapter in epub.chapter_names():
        body = epub.xml(chapter).find(f"{{{NS['x']}}}body")
        assert f"layout-{layout}" in body.get("class").split()
    pairs = _pairs(epub)
    assert len(pairs) == 9
    for pair in pairs:
        sides = _sides(pair)
        assert [s.get("lang") for s in sides] == order
        roles = [s.get("class").split()[1] for s in sides]
        assert roles == (["source", "target"] if order[0] == "fa" else ["target", "source"])


def test_footnotes_nested_lists_and_block_quote(epubs):
    epub = epubs["features"]
    chapter = epub.xml(epub.chapter_names()[0])
    refs = chapter.xpath("//x:a[@epub:type='noteref']", namespaces=NS)
    notes = chapter.xpath("//x:aside[@epub:type='footnote']", namespaces=NS)
    assert len(refs) == len(notes) == 4
    for ref in refs:
        (note,) = chapter.xpath(f"//*[@id='{ref.get('href')[1:]}']")
        assert note in notes and note.get("role") == "doc-footnote"
        assert note.get("lang") == ref.xpath("ancestor::x:div[@lang][1]/@lang", namespaces=NS)[0]
        assert note.xpath(f".//x:a[@href='#{ref.get('id')}']", namespaces=NS), "a way back"
    assert "Azócar" in _text(notes[0]) and "Patricio Aylwin Azócar" in _text(notes[1])
    for lang in ("fa", "en"):
        nested = chapter.xpath(f"//x:div[@lang='{lang}']//x:li/x:ul/x:li", namespaces=NS)
        assert len(nested) == 3
        quote = chapter.xpath(f"//x:div[@lang='{lang}']/x:blockquote", namespaces=NS)
        assert len(quote) == 1 and len(quote[0].xpath("x:p", namespaces=NS)) == 2
    second = epub.xml(epub.chapter_names()[1])
    assert len(second.xpath("//x:div[@lang='fa']//x:ol/x:li/x:ol/x:li", namespaces=NS)) == 1


# ---------------------------------------------------------------- navigation


def _toc_links(epub: Epub):
    return epub.nav.xpath("//x:nav[@epub:type='toc']//x:a", namespaces=NS)


@pytest.mark.parametrize("name", ["features", "translation-first"])
def test_table_of_contents_has_every_heading_in_both_languages(epubs, name):
    epub = epubs[name]
    links = {a.get("href"): a for a in _toc_links(epub)}
    expected = 0
    for chapter in epub.chapter_names():
        for pair in epub.xml(chapter).xpath("//x:div[x:div[@lang='fa']/x:*[self::x:h1 or self::x:h2 or self::x:h3]]", namespaces=NS):
            expected += 1
            link = links[f"{Path(chapter).name}#{pair.get('id')}"]
            spans = link.xpath("x:span", namespaces=NS)
            headings = {side.get("lang"): _text(side) for side in _sides(pair)}
            assert {span.get("lang"): _text(span) for span in spans} == headings
            assert [span.get("lang") for span in spans] == [side.get("lang") for side in _sides(pair)], "reading order"
            assert all(span.get(XML_LANG) == span.get("lang") and span.get("dir") == DIRECTION[span.get("lang")] for span in spans)
            epub.target(link.get("href"))
    assert expected == 4
    nested = epub.nav.xpath("//x:nav[@epub:type='toc']/x:ol/x:li/x:ol/x:li/x:ol/x:li/x:a/x:span[@lang='en']/text()", namespaces=NS)
    assert nested == ["The Rio Group"], "h3 under h2 under h1"
    untitled = links["chapter-002-02-without-a-heading.xhtml"]
    assert _text(untitled).startswith(("این فصل", "This chapter"))


def test_no_page_list_without_page_numbers(tmp_path):
    from parallelbook.outputs.epub import render_epub

    edition, fonts, env = _load_features()
    data, problems = render_epub(edition, fonts, env, layout="interleaved", first="source", page_numbers=None)
    assert problems == []
    (tmp_path / "unpaged.epub").write_bytes(data)
    epub = Epub(tmp_path / "unpaged.epub")
    assert not epub.nav.xpath("//x:nav[@epub:type='page-list']", namespaces=NS)
    assert not any(epub.xml(c).xpath("//*[@epub:type='pagebreak']", namespaces=NS) for c in epub.chapter_names())
    assert "pageNavigation" not in epub.meta("schema:accessibilityFeature")


def test_page_list_maps_to_the_printed_pages(epubs):
    epub = epubs["paged"]
    (page_list,) = epub.nav.xpath("//x:nav[@epub:type='page-list']", namespaces=NS)
    assert page_list.get("role") == "doc-pagelist" and page_list.get("hidden") is not None
    links = page_list.xpath(".//x:a", namespaces=NS)
    assert [a.text for a in links] == [str(page) for page in HAND_BREAKS.values()]
    for link, (anchor, page) in zip(links, HAND_BREAKS.items()):
        marker = epub.target(link.get("href"))
        assert marker.get(EPUB_TYPE) == "pagebreak" and marker.get("role") == "doc-pagebreak"
        assert marker.get("aria-label") == str(page) and marker.get("id") == f"page-{page}"
        following = marker.getnext()
        assert following.get("id") == anchor, "the marker stands right before the pair that starts the page"
    markers = [m for c in epub.chapter_names() for m in epub.xml(c).xpath("//*[@epub:type='pagebreak']", namespaces=NS)]
    assert len(markers) == len(HAND_BREAKS)


def test_sample_page_list_matches_the_printed_pdf(epubs, sample_build):
    """End to end: the page the EPUB names for a pair is the PDF page its translation starts on."""
    from helpers import pdf_text, squash

    epub = epubs["sample"]
    links = epub.nav.xpath("//x:nav[@epub:type='page-list']//x:a", namespaces=NS)
    assert len(links) >= 2
    pages = {}
    for link in links:
        marker = epub.target(link.get("href"))
        pair = marker.getnext()
        english = next(side for side in _sides(pair) if side.get("lang") == "en")
        pages[int(link.text)] = " ".join(_text(english).split()[:4])
    for page, words in pages.items():
        assert words in squash(pdf_text(sample_build["pdf"], first=page, last=page)), (page, words)
        assert words not in squash(pdf_text(sample_build["pdf"], first=page - 1, last=page - 1)), (page, words)


def test_page_breaks_and_the_warning_when_no_number_fits():
    from parallelbook.outputs.epub import page_breaks

    edition = _load_features()[0]
    breaks, problems = page_breaks(edition, HAND_PAGES)
    assert {anchor: b.page for anchor, b in breaks.items()} == HAND_BREAKS and problems == []
    assert page_breaks(edition, None) == ({}, [])
    breaks, problems = page_breaks(edition, {"c7-p1": 3})
    assert breaks == {} and [(p.code, p.severity.value) for p in problems] == [("EPUB-PAGE-LIST", "warning")]


# ---------------------------------------------------------------- fonts


def _cmap(data: bytes) -> set[int]:
    from fontTools.ttLib import TTFont

    return set(TTFont(io.BytesIO(data)).getBestCmap())


def _features(data: bytes, table: str) -> set[str]:
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data))
    return {record.FeatureTag for record in font[table].table.FeatureList.FeatureRecord}


IGNORABLE = {0x0A, 0x200E, 0x200F}


@pytest.mark.parametrize("name", ["sample", "features"])
def test_fonts_are_subset_to_the_text_and_keep_zwnj_and_shaping(epubs, name):
    from fontTools.ttLib import TTFont

    from parallelbook.render.fonts import font_set

    epub = epubs[name]
    fonts = {Path(n).name: data for n, data in epub.files.items() if n.endswith(".ttf")}
    assert len(fonts) == 6
    for data in fonts.values():
        assert data[:4] in (b"\x00\x01\x00\x00", b"true"), "a plain TrueType file, not obfuscated"
    persian, latin = _cmap(fonts["persian-regular.ttf"]), _cmap(fonts["latin-regular.ttf"])
    texts = {"fa": "", "en": ""}
    for document in epub.xhtml_names():
        for element in epub.xml(document).xpath("//x:body//text()/..", namespaces=NS):
            lang = element.xpath("string(ancestor-or-self::*[@lang][1]/@lang)")
            texts[lang] += "".join(t for t in element.xpath("text()"))
    persian_letters = {ord(c) for c in texts["fa"] if "\u0600" <= c <= "\u06ff" or "\ufb50" <= c}
    latin_letters = {ord(c) for c in texts["fa"] + texts["en"] if c.isascii() or "\u00c0" <= c <= "\u024f"}
    assert persian_letters and persian_letters <= persian, sorted(map(hex, persian_letters - persian))
    assert latin_letters - IGNORABLE <= latin, sorted(map(chr, latin_letters - latin))
    assert {ord(c) for c in texts["fa"] + texts["en"]} - IGNORABLE - {0x200C} <= persian | latin
    assert 0x200C in persian and 0x200D in persian, "ZWNJ and ZWJ kept"
    assert {"init", "medi", "fina", "rlig"} <= _features(fonts["persian-regular.ttf"], "GSUB")
    assert {"mark", "kern"} <= _features(fonts["persian-regular.ttf"], "GPOS")
    assert "kern" in _features(fonts["latin-regular.ttf"], "GPOS")
    originals = {face.role: face.path for face in font_set({}).faces}
    full = TTFont(originals["persian"])
    cut = TTFont(io.BytesIO(fonts["persian-regular.ttf"]))
    assert len(cut.getGlyphOrder()) < len(full.getGlyphOrder()) / 2
    assert len(fonts["persian-regular.ttf"]) < originals["persian"].stat().st_size / 2


@pytest.mark.parametrize("name", ["sample", "features"])
def test_font_licences_travel_with_the_fonts(epubs, name):
    from parallelbook.render.fonts import font_set

    from parallelbook.outputs.epub import FONT_FILES

    epub = epubs[name]
    items = epub.package.xpath("//opf:item[@media-type='text/plain']/@href", namespaces=NS)
    # The licence of every embedded face, and only those (these books need no code or fallback face).
    fonts = font_set({})
    hrefs = set(epub.package.xpath("//opf:item[@media-type='font/ttf']/@href", namespaces=NS))
    embedded = [fonts.face(role) for role, file in FONT_FILES.items() if f"fonts/{file}" in hrefs]
    licences = [path for path in fonts.licences if any(face.path.parent == path.parent for face in embedded)]
    assert len(items) == len(licences) == 2
    texts = sorted(epub.files["EPUB/" + href].decode("utf-8") for href in items)
    assert texts == sorted(path.read_text("utf-8") for path in licences)
    colophon = _text(epub.xml("EPUB/colophon.xhtml"))
    assert "SIL OPEN FONT LICENSE" in colophon and "Vazirmatn" in colophon and "Source Serif" in colophon
    css = epub.files["EPUB/css/book.css"].decode("utf-8")
    for href in epub.package.xpath("//opf:item[@media-type='font/ttf']/@href", namespaces=NS):
        assert f'url("../{href}")' in css


# ---------------------------------------------------------------- Kindle and Kobo


def test_reader_conversion_command_lines(tmp_path):
    from parallelbook.outputs.epub import reader_outputs

    epub = tmp_path / "out" / "book.fa-en.epub"
    kindle, kobo = reader_outputs(epub, kindle=True, kobo=True, workdir=tmp_path / "work")
    assert kindle.argv == ("ebook-convert", str(epub), str(tmp_path / "work" / "book.fa-en.azw3"), "--output-profile", "kindle_pw3", "--no-inline-toc")
    assert kindle.target == tmp_path / "out" / "book.fa-en.azw3"
    assert kobo.argv == ("ebook-convert", str(epub), str(tmp_path / "work" / "book.fa-en.kepub"), "--output-profile", "kobo")
    assert kobo.target == tmp_path / "out" / "book.fa-en.kepub.epub"
    assert [c.reader for c in reader_outputs(epub, kindle=False, kobo=True)] == ["kobo"]
    assert reader_outputs(epub, kindle=False, kobo=False) == []


def test_without_calibre_the_message_says_how_to_get_it(tmp_path, monkeypatch, epubs):
    from parallelbook.outputs.epub import convert_for_readers

    epub = tmp_path / "book.fa-en.epub"
    epub.write_bytes(epubs["features"].data)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    written, problems = convert_for_readers(epub, kindle=True, kobo=True, page_direction="rtl")
    assert written == []
    (problem,) = problems
    assert (problem.code, problem.severity.value) == ("CALIBRE-MISSING", "error")
    assert "--kindle and --kobo" in problem.message and "calibre" in problem.message and "ebook-convert" in problem.message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.fa-en.epub"]
    assert convert_for_readers(epub, kindle=False, kobo=False, page_direction="rtl") == ([], [])


FAKE_CONVERTER = r'''#!{python}
"""A stand-in for calibre's ebook-convert: copies EPUBs, writes a minimal AZW3 with EXTH 527."""
import os, shutil, struct, sys
source, target = sys.argv[1], sys.argv[2]
mode = os.environ.get("FAKE_CALIBRE", "ok")
if mode == "no-kepub" and target.endswith(".kepub"):
    print("ValueError: No plugin to handle output format: kepub", file=sys.stderr)
    sys.exit(1)
if target.endswith(".kepub"):
    shutil.copyfile(source, target)
else:
    direction = b"ltr" if mode == "ltr" else b"rtl"
    exth_records = struct.pack(">II", 527, 8 + len(direction)) + direction
    exth = b"EXTH" + struct.pack(">II", 12 + len(exth_records), 1) + exth_records
    mobi = b"MOBI" + struct.pack(">I", 232) + bytes(224)
    record0 = bytes(16) + mobi + exth
    header = b"fake".ljust(32, b"\0") + bytes(28) + b"BOOKMOBI" + bytes(8) + struct.pack(">H", 1)
    data = header + struct.pack(">I", len(header) + 8 + 2) + bytes(4) + bytes(2) + record0
    open(target, "wb").write(data)
'''


def test_conversion_for_kindle_and_kobo_with_a_stand_in_for_calibre(tmp_path, monkeypatch, epubs):
    from parallelbook.outputs.epub import (
        azw3_page_direction,
        convert_for_readers,
        epub_page_direction,
    )

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "ebook-convert"
    fake.write_text(FAKE_CONVERTER.replace("{python}", sys.executable), "utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    out = tmp_path / "out"
    out.mkdir()
    epub = out / "book.fa-en.epub"
    epub.write_bytes(epubs["features"].data)

    written, problems = convert_for_readers(epub, kindle=True, kobo=True, page_direction="rtl")
    assert problems == []
    assert written == [out / "book.fa-en.azw3", out / "book.fa-en.kepub.epub"]
    assert azw3_page_direction(written[0].read_bytes()) == "rtl"
    assert epub_page_direction(written[1].read_bytes()) == "rtl"
    assert sorted(p.name for p in out.iterdir()) == ["book.fa-en.azw3", "book.fa-en.epub", "book.fa-en.kepub.epub"], "no work files left"

    monkeypatch.setenv("FAKE_CALIBRE", "ltr")
    written, problems = convert_for_readers(epub, kindle=True, kobo=False, page_direction="rtl")
    assert [(p.code, p.severity.value) for p in problems] == [("CALIBRE-DIRECTION", "warning")]

    monkeypatch.setenv("FAKE_CALIBRE", "no-kepub")
    written, problems = convert_for_readers(epub, kindle=False, kobo=True, page_direction="rtl")
    assert written == [] and [p.code for p in problems] == ["CALIBRE-KEPUB-PLUGIN"]


def test_azw3_reader_ignores_what_is_not_a_mobi_book():
    from parallelbook.outputs.epub import azw3_page_direction

    assert azw3_page_direction(b"") is None
    assert azw3_page_direction(b"x" * 200) is None


# ---------------------------------------------------------------- what a reader sees


PROBE = r"""
document.fonts.ready.then(function () {
  var width = document.documentElement.clientWidth;
  function box(e) { var r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }
  var result = {width: width, scrollWidth: document.documentElement.scrollWidth, outside: [], persian: [], pairs: [], fonts: []};
  document.fonts.forEach(function (f) { result.fonts.push([f.family, f.weight, f.style, f.status]); });
  document.querySelectorAll('body *').forEach(function (e) {
    var r = e.getBoundingClientRect();
    if (r.width > 0 && (r.right > width + 0.5 || r.left < -0.5)) result.outside.push(e.tagName + '#' + e.id);
  });
  document.querySelectorAll('p[lang="fa"], h1[lang="fa"], h2[lang="fa"], h3[lang="fa"], aside[lang="fa"]').forEach(function (block) {
    var style = getComputedStyle(block);
    if (style.display !== 'block') return;  // a note's label and first paragraph run inline in their aside
    var range = document.createRange(); range.selectNodeContents(block);
    var rects = Array.prototype.slice.call(range.getClientRects()).filter(function (r) { return r.width > 0; });
    result.persian.push({tag: block.tagName, direction: style.direction,
                         right: block.getBoundingClientRect().right - parseFloat(style.paddingRight) - parseFloat(style.borderRightWidth),
                         lines: rects.map(function (r) { return [r.top, r.right]; })});
  });
  document.querySelectorAll('.pair').forEach(function (pair) {
    var sides = pair.querySelectorAll(':scope > .side');
    result.pairs.push({id: pair.id, box: box(pair), rule: getComputedStyle(pair).borderBottomWidth,
                       sides: [box(sides[0]), box(sides[1])], langs: [sides[0].lang, sides[1].lang]});
  });
  var out = document.createElementNS('http://www.w3.org/1999/xhtml', 'pre');
  out.id = 'probe'; out.textContent = JSON.stringify(result); document.body.appendChild(out);
});
"""


def _chromium(url: str, profile: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", f"--user-data-dir={profile}",
            "--window-size=600,800", "--hide-scrollbars", *extra, url,
        ],
        capture_output=True, text=True, timeout=120,
    )


def _look_at(epub: Epub, folder: Path):
    """Lay the first chapter out at 600x800: the measurements, and a screenshot of its first screen."""
    folder.mkdir()
    for name, data in epub.files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    chapter = folder / epub.chapter_names()[0]
    probe = chapter.with_name("probe.xhtml")
    (folder / "EPUB" / "probe.js").write_text(PROBE, "utf-8")
    probe.write_text(chapter.read_text("utf-8").replace("</body>", '<script src="probe.js"></script></body>'), "utf-8")
    screenshot = folder / "screen.png"  # the first screen; the probe's report goes below the chapter's end
    dumped = _chromium(probe.as_uri(), folder / "profile", "--virtual-time-budget=10000", f"--screenshot={screenshot}", "--dump-dom")
    found = re.search(r'<pre id="probe">(.*?)</pre>', dumped.stdout, re.S)
    assert found and screenshot.is_file(), dumped.stderr[-2000:]
    from html import unescape

    return json.loads(unescape(found.group(1))), screenshot


@pytest.fixture(scope="module")
def looks(built):
    if CHROMIUM is None:
        pytest.fail("chromium is not installed: run `make system` (tools/system-deps.sh)")
    work = built["work"]
    with ThreadPoolExecutor(max_workers=2) as pool:
        interleaved, columns = pool.map(lambda item: _look_at(built["epubs"][item[0]], work / item[1]), [("features", "look-interleaved"), ("paged", "look-columns")])
    if os.environ.get("PARALLELBOOK_SAVE_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(interleaved[1], SCREENSHOTS / "epub-interleaved.png")
        shutil.copyfile(columns[1], SCREENSHOTS / "epub-columns.png")
    return {"interleaved": interleaved, "columns": columns}


def _lines(paragraph) -> list[float]:
    """The right edge of each line of a paragraph (runs on one line share its top, within a few pixels)."""
    lines: dict[int, float] = {}
    for top, right in paragraph["lines"]:
        key = next((k for k in lines if abs(k - top) < 8), round(top))
        lines[key] = max(lines.get(key, 0.0), right)
    return list(lines.values())


@pytest.mark.parametrize("layout", ["interleaved", "columns"])
def test_on_an_e_reader_screen_nothing_overflows_and_persian_is_right_aligned(looks, layout):
    metrics, screenshot = looks[layout]
    assert metrics["width"] == 600 and metrics["scrollWidth"] <= metrics["width"], "no horizontal scrolling"
    assert metrics["outside"] == []
    loaded = {(family, weight) for family, weight, style, status in metrics["fonts"] if status == "loaded"}
    assert ("Vazirmatn NL", "400") in loaded and ("Source Serif Pro", "400") in loaded, metrics["fonts"]
    assert len(metrics["persian"]) >= 10
    assert {"p", "h1", "h2", "aside"} <= {block["tag"].lower() for block in metrics["persian"]}
    for paragraph in metrics["persian"]:
        assert paragraph["direction"] == "rtl"
        for right in _lines(paragraph):
            assert abs(right - paragraph["right"]) < 1.5, paragraph
    from PIL import Image

    assert Image.open(screenshot).size == (600, 800)


def test_interleaved_pairs_are_grouped(looks):
    metrics, _ = looks["interleaved"]
    pairs = metrics["pairs"]
    assert len(pairs) == 9
    for pair, following in zip(pairs, pairs[1:]):
        first, second = pair["sides"]
        assert pair["langs"] == ["fa", "en"] and pair["rule"] == "1px", pair
        within = second[1] - first[3]
        between = following["sides"][0][1] - second[3]
        assert 0 <= within < 10 and between > max(3 * within, 15), (pair["id"], within, between)
        assert first[0] == second[0] and first[2] == second[2], "one above the other, full width"


def test_column_pairs_stand_side_by_side_persian_on_the_right(looks):
    metrics, _ = looks["columns"]
    pairs = metrics["pairs"]
    assert len(pairs) == 9
    for pair, following in zip(pairs, pairs[1:]):
        persian, english = pair["sides"]
        assert pair["langs"] == ["fa", "en"]
        assert abs(persian[1] - english[1]) < 1, "both sides start level"
        assert english[2] <= persian[0] + 1, "English to the left of Persian, no overlap"
        assert persian[2] - persian[0] > 200 and english[2] - english[0] > 200
        assert following["box"][1] >= pair["box"][3], "pairs do not overlap"
