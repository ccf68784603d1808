"""What the reader sees is what was written (issue 11): list numbers, Latin tokens inside Persian, URLs.

One book (fixtures/books/real-world) with the constructs real texts have — an ordered list that starts
at 3 with a nested list, a list inside a quotation that starts at 7, a list written `1)`, URLs, e-mail
addresses, `ISO 9001:2015`, `v2.1`, `UN/DESA`, a path, inline code, `Windows 10` inside Persian, and a
paragraph dense with URLs whose lines must break inside them — is built once into every output: the
PDF in its three layouts, the EPUB in its two, and the review edition (HTML and PDF).  Each is then
read as a reader sees it: the PDFs by the position of every glyph (tests/pdf_glyphs.py), the EPUB
pages and the review HTML printed by headless Chromium and read the same way, and their markup.
"""

from __future__ import annotations

import base64
import re
from html import unescape
import shutil
import zipfile
from pathlib import Path

import pytest
from helpers import FIXTURES, epubcheck, run_build
from lxml import etree, html as lxml_html
from pdf_glyphs import below, fold, lines, reads_in_order, visual
from review_conftest_helpers import Chromium

BOOK = FIXTURES / "books" / "real-world"
PDF_LAYOUTS = ("columns", "facing", "stacked")
EPUB_LAYOUTS = ("interleaved", "columns")
OUTPUTS = (*(f"pdf-{layout}" for layout in PDF_LAYOUTS), *(f"epub-{layout}" for layout in EPUB_LAYOUTS), "review-html", "review-pdf")

# (Latin token, the Persian word before it, the Persian word after it) as written in the source
TOKENS_IN_PERSIAN = (
    ("https://example.com/annual-report-2021", "در", "منتشر"),
    ("info@example.org", "به", "نامه"),
    ("ISO 9001:2015", "گواهی", "را"),
    ("v2.1", "نسخهٔ", "از"),
    ("UN/DESA", "از", "گرفته"),
    ("/usr/local/bin/python3", "در", "نصب"),
    ("python manage.py runserver", "فرمان", "را"),
    ("Microsoft Windows 10", "از", "استفاده"),
)
# ... and those of a paragraph dense with them, whose lines must break inside them, on both sides.
DENSE_IN_PERSIAN = (
    ("(https://example.com/annual-report-2021)", "گزارش", "در"),
    ("https://archive.example.org/reports/annual-report-2021.pdf", "در", "و"),
    ("https://statistics.example.net/population/world-population-prospects", "و", "هم"),
    ("press-office@example.org", "به", "یا"),
    ("data-requests@statistics.example.net", "یا", "بنویسید؛"),
    ("pip install annual-report-tools", "با", "نصبش"),
    ("python manage.py collectstatic", "و", "را"),
    ("/etc/annualreport/settings.toml", "در", "و"),
    ("~/.config/annualreport/preferences.json", "و", "است."),
)
TECHNICAL = tuple(token.strip("()") for token, _before, _after in DENSE_IN_PERSIAN)
ENGLISH_ITEMS = ("3. See the harbour.", "4. Climb the hill:", "1. the old funicular", "2. the stairs", "5. Look at the sea.",
                 "7. the mountain", "8. the plain", "1) the town", "2) the village")
PERSIAN_ITEMS = ("۳. بندر را ببینید.", "۴. از تپه بروید:", "۱. آسانسور قدیمی", "۲. پله", "۵. دریا را نگاه کنید.", "۷. کوه", "۸. دشت", "۱) شهر", "۲) روستا")
HYPHENS = "-\u2010\u00ad"
SEPARATORS = "/\\@?&=#_~-:"


def _print_with_chromium(browser: Chromium, page: Path, pdf: Path) -> Path:
    browser.open(page.as_uri())
    browser.evaluate("document.fonts.ready.then(() => true)", wait=True)
    pdf.write_bytes(base64.b64decode(browser.call("Page.printToPDF", {"printBackground": False, "preferCSSPageSize": True})["data"]))
    return pdf


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Every output of the book, and each as lines of glyphs (HTML printed by Chromium)."""
    root = tmp_path_factory.mktemp("real-world")
    book = root / "book"
    shutil.copytree(BOOK, book)
    out = root / "out"  # one output folder, so that each build reuses the layout the one before cached
    files: dict[str, Path] = {}

    def build(*args: str) -> None:
        result = run_build(*args, "--book", str(book), "--out", str(out))
        assert result.returncode == 0 and result.stderr == "", result.stderr

    def keep(name: str, pattern: str) -> Path:
        found = next(out.glob(pattern))
        return found.rename(root / f"{name}{found.suffix}")

    build("all")  # the columns PDF and the interleaved EPUB
    files["pdf-columns"] = keep("pdf-columns", "*.pdf")
    epubs = {"interleaved": keep("epub-interleaved", "*.epub")}
    for layout in ("facing", "stacked"):
        build("pdf", "--layout", layout)
        files[f"pdf-{layout}"] = keep(f"pdf-{layout}", "*.pdf")
    build("epub", "--layout", "columns")
    epubs["columns"] = keep("epub-columns", "*.epub")
    for layout, epub in epubs.items():
        with zipfile.ZipFile(epub) as archive:
            archive.extractall(root / f"epub-{layout}")
        files[f"epub-{layout}"] = next((root / f"epub-{layout}").rglob("chapter-*.xhtml"))
    build("review")
    files["review-html"] = out / "review.fa-en.html"
    files["review-pdf"] = out / "review.fa-en.pdf"

    seen = {}
    with Chromium(root / "profile") as browser:
        for name, path in files.items():
            if path.suffix == ".pdf":
                seen[name] = lines(path)
            else:
                seen[name] = lines(_print_with_chromium(browser, path, root / f"{name}.chromium.pdf"))
                seen[name + ":computed"] = browser.evaluate(
                    "[...document.querySelectorAll('.url, code')].map(e => getComputedStyle(e).hyphens)"
                )
    return {"files": files, "seen": seen, "epubs": epubs}


# ---------------------------------------------------------------- 1. ordered lists


@pytest.mark.parametrize("output", OUTPUTS)
def test_ordered_lists_are_numbered_as_written(built, output):
    """`start` is respected (3, 4, 5 and 7, 8), nested lists count from 1, `1)` keeps its parenthesis,
    each side counts in its own digits, and the Persian marker stands to the right of its item (so a
    line reads `... .۳` from left to right)."""
    squashed = [line.squashed for line in built["seen"][output]]
    for item in ENGLISH_ITEMS:
        assert any(fold("".join(item.split())) in line for line in squashed), (output, item, squashed)
    for item in PERSIAN_ITEMS:
        assert any(visual(item) in line for line in squashed), (output, item, squashed)


# ---------------------------------------------------------------- 2. Latin tokens inside Persian


@pytest.mark.parametrize("output", OUTPUTS)
def test_latin_tokens_inside_persian_read_in_order(built, output):
    """Each token is drawn left to right in one piece (or broken over two lines in reading order), with
    the Persian word written before it on its right and the word after it on its left."""
    seen = built["seen"][output]
    for token, before, after in TOKENS_IN_PERSIAN + DENSE_IN_PERSIAN:
        assert reads_in_order(seen, token, before, after), (output, token)


@pytest.mark.parametrize("output", ("epub-interleaved", "epub-columns", "review-html"))
def test_isolates_in_the_markup_hold_whole_tokens(built, output):
    """Each left-to-right isolate inside Persian holds a whole token or none of it."""
    path = built["files"][output]
    tree = etree.parse(str(path)) if path.suffix == ".xhtml" else lxml_html.parse(str(path))
    isolates = [
        "".join(span.itertext())
        for span in tree.iter("{*}span", "span")
        if span.get("dir") == "ltr"
    ]
    assert isolates, "the Persian side has isolates"
    for token, _before, _after in TOKENS_IN_PERSIAN:
        cut = [text for text in isolates if text != token and text in token and token not in text]
        assert not cut, (output, token, cut)


# ---------------------------------------------------------------- 3b. URLs and code never hyphenated


def _latin(ch: str) -> bool:
    return ch.isascii() and not ch.isspace()


def _ends_run(line: str, head: str) -> str | None:
    """If `head` ends a left-to-right run of `line` (at the line's end, or where Persian follows), with or
    without a hyphen after it: that hyphen, or "" ; None if it does not."""
    for found in re.finditer(re.escape(head), line):
        rest = line[found.end() :]
        if not rest or not _latin(rest[0]):
            return ""
        if rest[0] in HYPHENS and (len(rest) == 1 or not _latin(rest[1])):
            return rest[0]
    return None


def _starts_run(line: str, tail: str) -> bool:
    return any(found.start() == 0 or not _latin(line[found.start() - 1]) for found in re.finditer(re.escape(tail), line))


@pytest.mark.parametrize("output", ("pdf-columns", "pdf-facing", "pdf-stacked", "review-pdf"))
def test_urls_and_code_are_never_hyphenated(built, output):
    """No hyphen is added inside a URL, address, path or code, on either side, and a line breaks inside
    one only at a space of code or after a separator (`/`, `@`, `-` ...): never `(ht-` / `tps://`."""
    seen = built["seen"][output]
    breaks = []
    for index, line in enumerate(seen):
        following = below(seen, index)
        if following is None:
            continue
        for token in TECHNICAL:
            for cut in range(1, len(token)):
                if token[cut] == " ":
                    continue
                head, tail = "".join(token[:cut].split()), "".join(token[cut:].split())
                added = _ends_run(line.squashed, head)
                if added is None or not _starts_run(following.squashed, tail):
                    continue
                breaks.append((token, cut))
                assert not added, f"{output}: {token!r} hyphenated: {line.text!r} / {following.text!r}"
                assert token[cut - 1] == " " or token[cut - 1] in SEPARATORS, (
                    f"{output}: {token!r} broken after {token[:cut]!r}: {line.text!r} / {following.text!r}"
                )
    assert breaks, "lines break inside the dense paragraph's tokens (else this test proves nothing)"


@pytest.mark.parametrize("output", ("epub-interleaved", "epub-columns", "review-html"))
def test_urls_and_code_are_not_hyphenated_in_html(built, output):
    """In Chromium every URL, address, path and piece of code is set with `hyphens: none`; each token is
    marked whole, with break opportunities (<wbr>) only after its separators."""
    computed = built["seen"][output + ":computed"]
    assert computed and set(computed) == {"none"}, computed
    markup = built["files"][output].read_text("utf-8")
    marked = [
        [unescape(piece) for piece in re.split(r"<wbr */?>", inner)]
        for inner in re.findall(r'<span class="url">(.*?)</span>', markup)
    ]
    assert all("<" not in "".join(pieces) for pieces in marked), "nothing but text and <wbr> in a URL"
    codes = [unescape(re.sub(r"<[^>]*>", "", inner)) for inner in re.findall(r"<code[^>]*>(.*?)</code>", markup)]
    for token in TECHNICAL:
        if " " in token:
            assert token in codes, (token, codes)
            continue
        found = [pieces for pieces in marked if "".join(pieces) == token]
        assert found, (output, token)
        for pieces in found:
            assert all(piece[-1] in SEPARATORS for piece in pieces[:-1]), (token, pieces)


@pytest.mark.parametrize("layout", EPUB_LAYOUTS)
def test_the_epubs_pass_epubcheck(built, layout, tmp_path):
    """<wbr/>, the URL spans and the lists' `start` are valid EPUB 3 (and hold no inline style)."""
    report = epubcheck(built["epubs"][layout], tmp_path)
    assert report.clean, report.messages
    with zipfile.ZipFile(built["epubs"][layout]) as archive:
        chapter = next(name for name in archive.namelist() if "chapter-" in name)
        markup = archive.read(chapter).decode("utf-8")
    assert 'start="3"' in markup and "style=" not in markup
