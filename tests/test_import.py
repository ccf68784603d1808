"""`import` of documents into a book, and of hostile files: refused, located, nothing changed.

The Persian and English documents are written by pandoc's own Word and
OpenDocument writers (right-to-left paragraphs as Word marks them), then
imported into an empty folder: the book must pass `check` and build.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pypandoc
import pytest
from PIL import Image

from parallelbook.read.book import resolve_image
from helpers import epubcheck
from parallelbook import cli
from review_conftest_helpers import Run, copy_book, inside, run_cli, snapshot


def run_in(folder: Path, *args: str) -> Run:
    """`build.py ARGS` run in `folder` (the book named by --book, which may not exist yet)."""
    import contextlib

    out, err = io.StringIO(), io.StringIO()
    with inside(folder), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(args))
    return Run(code, out.getvalue(), err.getvalue())

PERSIAN = """# فصل یکم

::: {dir=rtl}
این یك متن *مهم* است[^1] با [پیوند](https://example.org) و **پررنگ**.
:::

- مورد یکم
- مورد دوم

| ستون | مقدار |
|------|-------|
| الف  | ۱۲    |

![تصویر سرخ](red.png)

# فصل دوم

متن فصل دوم.

[^1]: یادداشت پایین صفحه.
"""

ENGLISH = """# Chapter One

This is an *important* text[^1] with a [link](https://example.org) and **bold**.

- the first item
- the second item

| column | value |
|--------|-------|
| A      | 12    |

![A red picture](red.png)

# Chapter Two

The text of chapter two.

[^1]: A footnote.
"""


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    """fa.docx and en.docx (with the same picture), written by pandoc as Word would hold them."""
    folder = tmp_path_factory.mktemp("documents")
    Image.new("RGB", (40, 20), (200, 30, 30)).save(folder / "red.png")
    for name, text, lang in (("fa", PERSIAN, "fa"), ("en", ENGLISH, "en")):
        pypandoc.convert_text(text, "docx", format="markdown", outputfile=str(folder / f"{name}.docx"),
                              extra_args=[f"--resource-path={folder}", "-M", f"lang={lang}"])
    return folder


@pytest.fixture(scope="module")
def imported(documents, tmp_path_factory):
    book = tmp_path_factory.mktemp("imported") / "book"
    runs = [
        run_in(book.parent, "import", str(documents / "fa.docx"), "--source", "--book", "book"),
        run_in(book.parent, "import", str(documents / "en.docx"), "--lang", "en", "--book", "book"),
    ]
    return book, runs


def test_two_word_documents_make_a_book_that_checks_and_builds(imported):
    book, runs = imported
    assert [r.code for r in runs] == [0, 0], [r.err for r in runs]
    files = sorted(str(p.relative_to(book)) for p in book.rglob("*") if p.is_file())
    [image] = [f for f in files if f.startswith("images/")]
    assert files == sorted([image, "source/01-fa.md", "source/02-fa.md", "translations/en/01-fa.md", "translations/en/02-fa.md"])
    check = run_cli(book, "check")
    assert check.code == 0 and check.out.strip() == "checked 8 pairs in 2 chapters (fa-en): no errors, no warnings", check.err
    build = run_cli(book, "epub")
    assert build.code == 0, build.err
    [epub] = (book / "build").glob("*.epub")
    assert any(name.startswith("EPUB/images/") and name != "EPUB/images/cover.png" for name in zipfile.ZipFile(epub).namelist())
    report = epubcheck(epub, book.parent)
    assert report.clean, report.messages


def test_imported_markdown_keeps_notes_emphasis_lists_links_tables_and_images(imported):
    book, _ = imported
    fa = (book / "source/01-fa.md").read_text(encoding="utf-8")
    en = (book / "translations/en/01-fa.md").read_text(encoding="utf-8")
    image = next((book / "images").iterdir()).name
    assert en == (
        "# Chapter One\n\nThis is an *important* text[^1] with a [link](https://example.org) and **bold**.\n\n"
        "- the first item\n- the second item\n\n| column | value |\n|--------|-------|\n| A      | 12    |\n\n"
        f"![A red picture](images/{image})\n\n[^1]: A footnote.\n"
    )
    # Persian as written (the Arabic kaf of "یك" is the build's to normalise, lint's to report);
    # Word's right-to-left paragraphs need no mark in a Persian chapter
    assert "این یك متن *مهم* است[^1] با [پیوند](https://example.org) و **پررنگ**." in fa
    assert "dir=" not in fa and f"![تصویر سرخ](images/{image})" in fa and "[^1]: یادداشت پایین صفحه." in fa
    assert (book / "source/02-fa.md").read_text(encoding="utf-8") == "# فصل دوم\n\nمتن فصل دوم.\n"


def test_existing_chapters_are_kept_unless_forced(imported, documents, tmp_path):
    book = tmp_path / "book"
    copy_book(book, imported[0])
    before = snapshot(book)
    run = run_cli(book, "import", str(documents / "en.docx"), "--lang", "en")
    assert run.code == 2 and run.err.count("[CHAPTER-EXISTS]") == 2 and snapshot(book) == before
    assert "translations/en/01-fa.md: error: the chapter exists" in run.err
    (book / "translations/en/01-fa.md").write_text("# Chapter One\n\nEdited by hand.\n", encoding="utf-8")
    forced = run_cli(book, "import", str(documents / "en.docx"), "--lang", "en", "--force")
    assert forced.code == 0, forced.err
    assert (book / "translations/en/01-fa.md").read_bytes() == before["translations/en/01-fa.md"]


def test_a_translation_with_a_different_number_of_chapters_names_both_lists(imported, tmp_path):
    book = copy_book(tmp_path / "book", imported[0])
    (tmp_path / "one.md").write_text("# Only chapter\n\nText.\n", encoding="utf-8")
    run = run_cli(book, "import", str(tmp_path / "one.md"), "--lang", "de")
    assert run.code == 2 and "[IMPORT-CHAPTER-COUNT]" in run.err
    assert "1 chapter imported but the source has 2" in run.err and "Only chapter" in run.err
    assert "01-fa.md, 02-fa.md" in run.err and not (book / "translations/de").exists()


def test_html_markdown_and_plain_text_documents(tmp_path):
    Image.new("RGB", (8, 8), (0, 90, 0)).save(tmp_path / "green.png")
    (tmp_path / "a.html").write_text(
        '<html><body><h1>یک</h1><p dir="rtl">متن <em>کج</em> و <img src="green.png" alt="سبز"> '
        '<img src="https://example.org/x.png" alt="دور"></p></body></html>', encoding="utf-8")
    (tmp_path / "b.txt").write_text("دو\n\nسطر *یکم* بی‌قالب\nادامه\n", encoding="utf-8")
    book = tmp_path / "book"
    run = run_in(tmp_path, "import", "a.html", "b.txt", "--source", "--book", "book")
    assert run.code == 0, run.err
    assert "a.html: warning: image 'https://example.org/x.png' is on the web" in run.err
    names = sorted(p.name for p in (book / "source").iterdir())
    assert names == ["01-a.md", "02-b.md"]
    html = (book / "source/01-a.md").read_text(encoding="utf-8")
    assert "متن *کج* و ![سبز](images/green-" in html and "](https://example.org/x.png)" in html
    assert (book / "source/02-b.md").read_text(encoding="utf-8") == "دو\n\nسطر \\*یکم\\* بی‌قالب ادامه\n"


def test_images_resolve_beside_the_chapter_then_at_the_book_root(tmp_path):
    book = tmp_path / "book"
    for path in ("images/a.png", "source/images/a.png", "source/local.png"):
        (book / path).parent.mkdir(parents=True, exist_ok=True)
        (book / path).write_bytes(b"png")
    chapter = book / "translations/en/01.md"
    assert resolve_image(book, chapter, "images/a.png") == (book / "images/a.png").resolve()
    assert resolve_image(book, book / "source/01.md", "images/a.png") == (book / "source/images/a.png").resolve()
    assert resolve_image(book, chapter, "../../source/local.png") == (book / "source/local.png").resolve()
    assert resolve_image(book, chapter, "../../../outside.png") is None
    assert resolve_image(book, chapter, "missing.png") == (book / "translations/en/missing.png").resolve()


# ---------------------------------------------------------------- hostile files


def _zip(members: dict[str, bytes], **infos) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in infos:
                info.external_attr = infos[name]
            archive.writestr(info, data)
    return buffer.getvalue()


XLIFF_HEAD = '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="fa" trgLang="en">'
HOSTILE_XML = {
    "xxe.xlf": (f'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n{XLIFF_HEAD}'
                '<file id="f"><unit id="01-calendar-1"><segment><source>x</source><target>&e;</target>'
                "</segment></unit></file></xliff>", "xxe.xlf:2: error: the XML declares a document type", "UNSAFE-FILE"),
    "laughs.xlf": ('<?xml version="1.0"?>\n<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
                   + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
                   + f"]>\n{XLIFF_HEAD}<file id=\"f\"><unit id=\"u\"><segment><source>&j;</source></segment>"
                   "</unit></file></xliff>", "laughs.xlf:2: error: the XML declares a document type", "UNSAFE-FILE"),
    "utf16.xlf": (None, "utf16.xlf:2: error: the XML declares a document type", "UNSAFE-FILE"),
    "broken.xlf": (f"{XLIFF_HEAD}\n<file id=\"f\">\n<unit id=\"u\"><segment><source>x</sourc>",
                   "broken.xlf:3: error: not well-formed XML", "XML-INVALID"),
    "tmx.xlf": ('<tmx version="1.4"><body/></tmx>', "tmx.xlf:1: error: the root element is <tmx>", "XLIFF-INVALID"),
}
HOSTILE_XML["utf16.xlf"] = (HOSTILE_XML["xxe.xlf"][0].replace('"1.0"?>', '"1.0" encoding="UTF-16"?>'),
                            *HOSTILE_XML["utf16.xlf"][1:])

BOMB = b"\0" * (20 * 1024 * 1024)
HOSTILE_ZIP = {
    "bomb.docx": (lambda: _zip({"word/document.xml": BOMB}), "is compressed", "UNSAFE-FILE"),
    "escape.docx": (lambda: _zip({"word/document.xml": b"<w/>", "../../evil.xml": b"x"}), "escapes its folder", "UNSAFE-FILE"),
    "absolute.docx": (lambda: _zip({"/etc/evil": b"x"}), "escapes its folder", "UNSAFE-FILE"),
    "link.docx": (lambda: _zip({"word/document.xml": b"<w/>", "word/media/x.png": b"/etc/passwd"},
                               **{"word/media/x.png": (0o120777 << 16)}), "symbolic link", "UNSAFE-FILE"),
    "many.docx": (lambda: _zip({f"m/{i}": b"" for i in range(10_001)}), "holds 10,001 files", "UNSAFE-FILE"),
    "notzip.docx": (lambda: b"this is not a zip at all", "not a readable zip", "ZIP-INVALID"),
    "doctype.docx": (lambda: _zip({"word/document.xml": b'<?xml version="1.0"?>\n<!DOCTYPE d SYSTEM "http://example.org/d">'
                                                       b"<w:document/>"}), "declares a document type", "UNSAFE-FILE"),
}


@pytest.fixture
def book(tmp_path):
    return copy_book(tmp_path / "book")


@pytest.mark.parametrize("name", sorted(HOSTILE_XML))
def test_hostile_xliff_is_refused_and_changes_nothing(book, name):
    text, expected, code = HOSTILE_XML[name]
    encoding = "utf-16" if name == "utf16.xlf" else "utf-8"
    (book / name).write_bytes(text.encode(encoding))
    before = snapshot(book)
    run = run_cli(book, "import", name)
    assert run.code == 2 and expected in run.err and run.err.rstrip().endswith(f"[{code}]"), run.err
    assert "root:" not in run.err + run.out  # nothing of /etc/passwd
    assert snapshot(book) == before


@pytest.mark.parametrize("name", sorted(HOSTILE_ZIP))
@pytest.mark.parametrize("as_document", [False, True], ids=["review", "document"])
def test_hostile_zip_is_refused_and_changes_nothing(book, name, as_document):
    make, expected, code = HOSTILE_ZIP[name]
    (book / name).write_bytes(make())
    before = snapshot(book)
    run = run_cli(book, "import", name, *(["--lang", "en", "--force"] if as_document else []))
    assert run.code == 2 and run.err.startswith(f"{name}:") and ": error: " in run.err, run.err
    assert expected in run.err and f"[{code}]" in run.err, run.err
    assert snapshot(book) == before
    assert not Path("/tmp/evil.xml").exists()


def test_a_language_that_is_not_a_tag_is_refused(book, tmp_path):
    (tmp_path / "x.md").write_text("# X\n\nText.\n", encoding="utf-8")
    before = snapshot(book)
    run = run_cli(book, "import", str(tmp_path / "x.md"), "--lang", "../../escaped")
    assert run.code == 2 and "--lang: error: '../../escaped' is not a language tag" in run.err
    assert snapshot(book) == before and not (book.parent / "escaped").exists()


def test_an_opendocument_text_keeps_its_picture_and_loses_its_bookmarks(documents, tmp_path):
    pypandoc.convert_text(PERSIAN, "odt", format="markdown", outputfile=str(tmp_path / "fa.odt"),
                          extra_args=[f"--resource-path={documents}"])
    run = run_in(tmp_path, "import", "fa.odt", "--source", "--book", "book")
    assert run.code == 0, run.err
    first = (tmp_path / "book/source/01-fa.md").read_text(encoding="utf-8")
    [image] = (tmp_path / "book/images").iterdir()
    assert first.startswith("# فصل یکم\n\nاین یك متن *مهم* است[^1]") and f"](images/{image.name})" in first
    assert image.read_bytes() == (documents / "red.png").read_bytes()


def test_a_document_cannot_pull_files_from_outside_its_folder(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (tmp_path / "secret.png").write_bytes(b"\x89PNG secret")
    (folder / "a.md").write_text("# A\n\n![x](../secret.png) ![y](/etc/hostname)\n", encoding="utf-8")
    run = run_in(tmp_path, "import", "in/a.md", "--source", "--book", "book")
    assert run.code == 0, run.err
    assert run.err.count("[IMPORT-IMAGE-MISSING]") == 2 and not (tmp_path / "book/images").exists()
    assert "`build.py lint` shows what the build will normalise" in run.out
