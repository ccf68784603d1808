"""The translator's round trip: XLIFF (2.0 and 1.2) and the Word review table out and back in.

Every exchange file is read by an independent parser (translate-toolkit for
XLIFF, pandoc for the .docx) or written by one (translate-toolkit writes the
XLIFF 1.2 and edits the 2.0 that CAT tools would send back).  An unedited
round trip must change no byte of the book; an edit must change its block
and nothing else.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pypandoc
import pytest
from lxml import etree
from translate.storage.xliff import xlifffile
from translate.storage.xliff2 import Xliff2File

import parallelbook
from helpers import CORPUS
from review_conftest_helpers import EN1, EN2, SRC1, copy_book, edit, line_of, run_cli, snapshot

XLF, DOCX = "build/pairs.fa-en.xlf", "build/pairs.fa-en.docx"
X2 = {"x": "urn:oasis:names:tc:xliff:document:2.0"}
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WNS = {"w": W}


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The review fixture book with its XLIFF and review table, exported once."""
    book = copy_book(tmp_path_factory.mktemp("roundtrip") / "book")
    for fmt in ("xliff", "docx"):
        run = run_cli(book, "export", "--format", fmt)
        assert run.code == 0, run.err
    return book


@pytest.fixture
def book(exported, tmp_path):
    """A private copy of the exported book, to import into."""
    copy = copy_book(tmp_path / "book", exported)
    shutil.copytree(exported / "build", copy / "build")
    return copy


def text_files(book):
    """The book's own files (not the exchange files beside them)."""
    return {k: v for k, v in snapshot(book).items() if k.startswith(("source/", "translations/", "images/", "book.toml"))}


def changed(before, after):
    return {k for k in set(before) | set(after) if before.get(k) != after.get(k)}


def save_xlf(book, root, name="edited.xlf"):
    (book / name).write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    return name


def unit_of(root, unit_id):
    [unit] = root.xpath(f"//x:unit[@id='{unit_id}']", namespaces=X2)
    return unit


# ---------------------------------------------------------------- unedited round trips


@pytest.mark.parametrize("exchange", [XLF, DOCX])
def test_an_unedited_round_trip_changes_no_byte(book, exchange):
    before = text_files(book)
    run = run_cli(book, "import", exchange)
    assert run.code == 0, run.err
    assert text_files(book) == before
    assert run.out.strip() == f"imported {exchange}: 0 units changed, 16 unchanged, 0 not applied"


def test_xliff_carries_inline_markdown_as_codes_with_original_data(exported):
    root = etree.parse(str(exported / XLF)).getroot()
    unit = unit_of(root, "02-nowruz-2")
    [pc] = unit.xpath("x:segment/x:target/x:pc", namespaces=X2)
    assert (pc.get("type"), pc.text) == ("link", "List of the Intangible Cultural Heritage")
    data = {d.get("id"): d.text for d in unit.xpath("x:originalData/x:data", namespaces=X2)}
    assert data[pc.get("dataRefStart")] == "[" and data[pc.get("dataRefEnd")] == "](https://ich.unesco.org/en/RL/nowruz-02097)"
    [source_pc] = unit.xpath("x:segment/x:source/x:pc", namespaces=X2)
    assert source_pc.get("id") == pc.get("id")  # the target's tag is the source's, as a CAT tool pairs them
    [ph] = unit_of(root, "01-calendar-9").xpath("x:segment/x:target/x:ph", namespaces=X2)
    assert ph.get("disp") == "[^1]"
    # translate-toolkit, an independent reader, sees the text around the codes
    store = Xliff2File.parsefile(str(exported / XLF))
    by_id = {u.getid(): u for u in store.units}
    assert by_id["01-calendar-9-note1"].target == "Act of the National Consultative Assembly, 11 Farvardin 1304."


# ---------------------------------------------------------------- edits applied


def test_edits_from_translate_toolkit_xliff2_are_written_into_their_blocks_only(book):
    store = Xliff2File.parsefile(str(book / XLF))
    for unit in store.units:
        if unit.getid() == "02-nowruz-3":
            unit.target = "Why does Nowruz begin at the equinox? Because day and night are then equal."
    (book / "tt.xlf").write_bytes(bytes(store))
    before = text_files(book)
    run = run_cli(book, "import", "tt.xlf")
    assert run.code == 0, run.err
    after = text_files(book)
    assert changed(before, after) == {EN2}
    old, new = before[EN2].decode().split("\n"), after[EN2].decode().split("\n")
    line = line_of(book, EN2, "Why does Nowruz")
    assert [i + 1 for i, (a, b) in enumerate(zip(old, new)) if a != b] == [line] and len(old) == len(new)
    assert new[line - 1] == "Why does Nowruz begin at the equinox? Because day and night are then equal."
    assert run.out.startswith(f"{EN2}:{line}: ")
    assert "[-moment of the spring-]" in run.out and "imported tt.xlf: 1 unit changed, 15 unchanged" in run.out


def test_inline_codes_keep_links_and_footnotes_and_footnote_units_edit_their_definition(book):
    root = etree.parse(str(book / XLF)).getroot()
    [pc] = unit_of(root, "02-nowruz-2").xpath("x:segment/x:target/x:pc", namespaces=X2)
    pc.text = "Representative List of *Intangible* Heritage"
    [target] = unit_of(root, "01-calendar-9").xpath("x:segment/x:target", namespaces=X2)
    target.text = "Parliament adopted this calendar in 1925"
    target[0].tail = " and it is still in use."
    [note] = unit_of(root, "01-calendar-9-note1").xpath("x:segment/x:target", namespaces=X2)
    note.text = "Act of the National Consultative Assembly, 31 March 1925."
    run = run_cli(book, "import", save_xlf(book, root))
    assert run.code == 0, run.err
    en2 = (book / EN2).read_text(encoding="utf-8")
    assert "on its [Representative List of \\*Intangible\\* Heritage](https://ich.unesco.org/en/RL/nowruz-02097)." in en2
    en1 = (book / EN1).read_text(encoding="utf-8")
    assert "Parliament adopted this calendar in 1925[^1] and it is still in use.\n" in en1
    assert en1.endswith("[^1]: Act of the National Consultative Assembly, 31 March 1925.\n")
    note_line = line_of(book, EN1, "[^1]:")
    assert f"{EN1}:{note_line}: " in run.out
    assert run_cli(book, "check").code == 0


def test_xliff_12_from_translate_toolkit_with_notes_and_states(book):
    store = xlifffile(sourcelanguage="fa", targetlanguage="en-US")
    source_of = {u.getid(): u for u in Xliff2File.parsefile(str(book / XLF)).units}
    for unit_id, target, state in (
        ("01-calendar-1", "The Solar Hijri Calendar", "translated"),
        ("01-calendar-8", "A solar year lasts about 365.24 days.", "needs-translation"),  # not to be applied
    ):
        unit = store.addsourceunit(source_of[unit_id].source)
        unit.setid(unit_id)
        unit.target = target
        unit.xmlelement.find(f"{{{unit.namespace}}}target").set("state", state)
        unit.addnote("Is “Hijri” needed here?", origin="reviewer")
    (book / "omegat.xlf").write_bytes(bytes(store))
    before = text_files(book)
    run = run_cli(book, "import", "omegat.xlf")
    assert run.code == 0, run.err
    after = text_files(book)
    assert after[EN1].decode().startswith("# The Solar Hijri Calendar\n")
    assert "The solar year is about 365.24 days long" in after[EN1].decode()  # needs-translation: left alone
    assert changed(before, after) == {EN1, "translations/en/comments.toml"}
    assert "imported omegat.xlf: 1 unit changed, 0 unchanged, 1 not applied" in run.out
    check = run_cli(book, "check")
    assert check.code == 0
    comments = [line for line in check.err.splitlines() if re.search(r"\[([A-Z-]+)\]$", line).group(1) == "REVIEW-COMMENT"]
    assert len(comments) == 2 and comments[0].startswith(f"{EN1}:1:1: suggestion: comment (omegat.xlf:")
    assert "Is “Hijri” needed here?" in comments[0]
    again = run_cli(book, "import", "omegat.xlf")  # the same notes are not stored twice
    assert again.code == 0 and text_files(book)["translations/en/comments.toml"] == after["translations/en/comments.toml"]


# ---------------------------------------------------------------- what is refused, and where


def test_a_unit_whose_persian_changed_is_not_applied_and_is_located_twice(book):
    root = etree.parse(str(book / XLF)).getroot()
    [target] = unit_of(root, "01-calendar-2").xpath("x:segment/x:target", namespaces=X2)
    target.text = "Changed by the translator."
    name = save_xlf(book, root)
    edit(book, SRC1, "تقویم رسمی ایران", "تقویم رسمی کشور ایران")
    before = text_files(book)
    run = run_cli(book, "import", name)
    assert run.code == 0
    assert text_files(book) == before
    [line] = [l for l in run.err.splitlines() if "[IMPORT-SOURCE-CHANGED]" in l]
    unit_line = unit_of(etree.parse(str(book / name)).getroot(), "01-calendar-2").sourceline
    source_line = line_of(book, SRC1, "تقویم رسمی کشور")
    assert line.startswith(f"{name}:{unit_line}: warning: the Persian of unit 01-calendar-2 changed")
    assert f"(now at {SRC1}:{source_line})" in line and f"{EN1}:{line_of(book, EN1, 'The official')}" in line


@pytest.mark.parametrize(
    "change, code",
    [
        (lambda root: unit_of(root, "01-calendar-3").set("id", "09-nowhere-1"), "IMPORT-UNKNOWN-UNIT"),
        (lambda root: unit_of(root, "01-calendar-3").set("id", "01-calendar-4"), "IMPORT-DUPLICATE-UNIT"),
        (lambda root: root.set("trgLang", "de"), "IMPORT-LANGUAGES"),
        (lambda root: unit_of(root, "01-calendar-9").find("x:segment/x:target", X2).append(
            etree.Element(f"{{{X2['x']}}}ph", id="99")), "IMPORT-UNKNOWN-CODE"),
    ],
)
def test_errors_refuse_the_whole_file(book, change, code):
    root = etree.parse(str(book / XLF)).getroot()
    unit_of(root, "02-nowruz-3").find("x:segment/x:target", X2).text = "An edit that must not be applied."
    change(root)
    before = text_files(book)
    run = run_cli(book, "import", save_xlf(book, root))
    assert run.code == 2, run.err
    assert f"[{code}]" in run.err and re.search(rf"^edited\.xlf:\d+: error: .*\[{code}\]$", run.err, re.M)
    assert text_files(book) == before


@pytest.mark.parametrize(
    "unit_id, make, code",
    [
        ("01-calendar-2", lambda target: setattr(target, "text", ""), "IMPORT-TARGET-EMPTIED"),
        ("01-calendar-9", lambda target: [target.remove(child) for child in list(target)], "IMPORT-CODE-MISSING"),
    ],
)
def test_an_emptied_target_or_a_lost_footnote_is_not_applied(book, unit_id, make, code):
    root = etree.parse(str(book / XLF)).getroot()
    make(unit_of(root, unit_id).find("x:segment/x:target", X2))
    before = text_files(book)
    run = run_cli(book, "import", save_xlf(book, root))
    assert run.code == 0 and f"[{code}]" in run.err and "0 units changed, 15 unchanged, 1 not applied" in run.out
    assert text_files(book) == before


def test_crlf_and_bom_are_kept_around_an_edit(book):
    path = book / EN2
    original = path.read_text(encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + original.replace("\n", "\r\n").encode())
    root = etree.parse(str(book / XLF)).getroot()
    unit_of(root, "02-nowruz-6").find("x:segment/x:target", X2).text = "Nowruz ends with Sizdah Bedar."
    run = run_cli(book, "import", save_xlf(book, root))
    assert run.code == 0, run.err
    expected = original.replace(
        "The Nowruz festivities end with Sizdah Bedar, the 13th of Farvardin, and people spend this day outdoors.",
        "Nowruz ends with Sizdah Bedar.")
    assert path.read_bytes() == b"\xef\xbb\xbf" + expected.replace("\n", "\r\n").encode()


# ---------------------------------------------------------------- the Word review table


def test_review_table_is_a_word_table_with_rtl_persian(exported):
    data = (exported / DOCX).read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(data))
    document = etree.fromstring(archive.read("word/document.xml"))
    rows = document.findall(".//w:tbl/w:tr", WNS)
    assert len(rows) == 17  # the header and 16 units
    header = ["".join(c.itertext()) for c in rows[0].findall("w:tc", WNS)]
    assert header == ["Pair", "Persian (fa)", "English (en)", "Comment", "Status and flags"]
    cells = rows[9].findall("w:tc", WNS)
    assert "".join(cells[0].itertext()) == "01-calendar-9"
    persian = cells[1].find("w:p", WNS)
    assert persian.find("w:pPr/w:bidi", WNS) is not None and persian.find("w:r/w:rPr/w:rtl", WNS) is not None
    assert "".join(cells[1].itertext()).startswith("این تقویم در سال ۱۳۰۴")
    assert "{1/}" in "".join(cells[2].itertext())
    assert "NUMBER-MISMATCH" not in "".join(cells[4].itertext())
    styles = etree.fromstring(archive.read("word/styles.xml"))
    [persian_style] = styles.xpath("//w:style[@w:styleId='Persian']", namespaces=WNS)
    family = persian_style.find("w:rPr/w:rFonts", WNS).get(f"{{{W}}}cs")
    assert family.startswith("Vazirmatn")
    # the face is embedded (obfuscated as ECMA-376 says), so the table reads the same where it is not installed
    fonts = etree.fromstring(archive.read("word/fontTable.xml"))
    [embedded] = fonts.xpath("//w:font[w:embedRegular]", namespaces=WNS)
    assert embedded.get(f"{{{W}}}name") == family
    key = bytes.fromhex(embedded.find("w:embedRegular", WNS).get(f"{{{W}}}fontKey").strip("{}").replace("-", ""))[::-1]
    hidden = archive.read("word/fonts/persian-regular.odttf")
    font = bytes(b ^ key[i % 16] for i, b in enumerate(hidden[:32])) + hidden[32:]
    assert font == (Path(parallelbook.__file__).parent / "render/fonts/vazirmatn/Vazirmatn-NL-Regular.ttf").read_bytes()
    assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    # pandoc, an independent reader, sees the same table
    text = pypandoc.convert_file(str(exported / DOCX), "plain", format="docx", extra_args=["--wrap=none"])
    assert "01-calendar-9" in text and "This calendar was adopted by parliament in 1304" in text


def test_review_table_is_reproducible(exported, tmp_path):
    copy = copy_book(tmp_path / "again", exported)
    assert run_cli(copy, "export", "--format", "docx").code == 0
    assert (copy / DOCX).read_bytes() == (exported / DOCX).read_bytes()


def _edit_docx(path, edit_document):
    archive = zipfile.ZipFile(path)
    parts = {info.filename: archive.read(info) for info in archive.infolist()}
    document = etree.fromstring(parts["word/document.xml"])
    extra = edit_document(document) or {}
    parts["word/document.xml"] = etree.tostring(document, xml_declaration=True, encoding="UTF-8")
    parts.update(extra)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, content in parts.items():
            out.writestr(name, content)


def _w(tag, **attributes):
    element = etree.Element(f"{{{W}}}{tag}")
    for key, value in attributes.items():
        element.set(f"{{{W}}}{key}", value)
    return element


def _run(text, deleted=False):
    run = _w("r")
    t = etree.SubElement(run, f"{{{W}}}{'delText' if deleted else 't'}")
    t.text = text
    return run


def test_review_table_edits_with_tracked_changes_and_comments_come_back(book):
    def reviewer(document):
        rows = document.findall(".//w:tbl/w:tr", WNS)
        by_id = {"".join(r.find("w:tc", WNS).itertext()): r for r in rows[1:]}
        # 02-nowruz-6: a tracked change (Word's w:del and w:ins)
        cells = by_id["02-nowruz-6"].findall("w:tc", WNS)
        paragraph = cells[2].find("w:p", WNS)
        for run in paragraph.findall("w:r", WNS):
            paragraph.remove(run)
        paragraph.append(_run("The Nowruz festivities end with Sizdah Bedar, "))
        deletion = _w("del", id="1", author="Reviewer")
        deletion.append(_run("the 13th of Farvardin", deleted=True))
        insertion = _w("ins", id="2", author="Reviewer")
        insertion.append(_run("on the 13th of Farvardin"))
        paragraph.extend([deletion, insertion, _run(", and people spend this day outdoors.")])
        # 01-calendar-9: the footnote tag kept, a word changed; a comment in the comment column
        cells = by_id["01-calendar-9"].findall("w:tc", WNS)
        t = cells[2].findall(".//w:t", WNS)
        t[-1].text = t[-1].text.replace("almost", "nearly")
        cells[3].find("w:p", WNS).append(_run("Check the year against the Act."))
        # 02-nowruz-1: a Word comment anchored in the row
        paragraph = by_id["02-nowruz-1"].findall("w:tc", WNS)[2].find("w:p", WNS)
        paragraph.insert(1, _w("commentRangeStart", id="0"))
        paragraph.append(_w("commentRangeEnd", id="0"))
        reference = _w("r")
        reference.append(_w("commentReference", id="0"))
        paragraph.append(reference)
        comments = _w("comments")
        comment = _w("comment", id="0", author="Ana")
        comment_paragraph = etree.SubElement(comment, f"{{{W}}}p")
        comment_paragraph.append(_run("Keep the Persian name?"))
        comments.append(comment)
        return {"word/comments.xml": etree.tostring(comments, xml_declaration=True, encoding="UTF-8")}

    _edit_docx(book / DOCX, reviewer)
    before = text_files(book)
    run = run_cli(book, "import", DOCX)
    assert run.code == 0, run.err
    after = text_files(book)
    assert changed(before, after) == {EN1, EN2, "translations/en/comments.toml"}
    en2 = after[EN2].decode()
    assert "end with Sizdah Bedar, on the 13th of Farvardin, and people" in en2
    assert "in 1304[^1] and has been used nearly unchanged ever since." in after[EN1].decode()
    assert f"{EN2}:{line_of(book, EN2, 'Sizdah')}: 1 word changed: {{+on+}}" in run.out
    check = run_cli(book, "check")
    comments = [line for line in check.err.splitlines() if "[REVIEW-COMMENT]" in line]
    assert comments == [
        f"{EN1}:{line_of(book, EN1, 'This calendar')}:1: suggestion: comment ({DOCX}:10): Check the year against the Act. [REVIEW-COMMENT]",
        f"{EN2}:1:1: suggestion: comment ({DOCX}:12): Ana: Keep the Persian name? [REVIEW-COMMENT]",
    ]
    review = run_cli(book, "review", "--out", "r")
    assert review.code == 0, review.err
    html = next((book / "r").glob("*.html")).read_text(encoding="utf-8")
    assert "Check the year against the Act." in html and "Keep the Persian name?" in html


def test_a_malformed_comments_file_is_reported(book):
    (book / "translations/en/comments.toml").write_text("[[comment]]\nunit = 3\n", encoding="utf-8")
    run = run_cli(book, "check")
    codes = re.findall(r"\[([A-Z-]+)\]$", run.err, re.M)
    assert "COMMENTS-INVALID" in codes and "REVIEW-COMMENT" not in codes
    assert "translations/en/comments.toml: warning: comment 1 needs a unit and a text" in run.err


def test_a_docx_without_a_review_table_needs_source_or_lang(book, tmp_path):
    pypandoc.convert_text("# Title\n\nText.", "docx", format="markdown", outputfile=str(book / "plain.docx"))
    run = run_cli(book, "import", "plain.docx")
    assert run.code == 2 and "plain.docx: error: no review table" in run.err and "[IMPORT-FORMAT]" in run.err


# ---------------------------------------------------------------- writing back: only the words that changed


def test_an_edited_run_keeps_its_line_breaks_quotes_and_escapes():
    from parallelbook.read.segments import rewrite_run

    raw = 'They don\'t "serve" \\*stars\\* -- or\nthe R&amp;D team.'
    shown = "They don’t “serve” *stars* – or the R&D team."
    assert rewrite_run(shown, raw, shown, first=True) == raw
    assert rewrite_run(shown, raw, shown.replace("or the", "nor the"), first=True) == raw.replace("or\n", "nor\n")
    assert rewrite_run(shown, raw, "# " + shown, first=True) == "\\# " + raw
    assert rewrite_run(shown, raw, shown.replace("team", "[team] <b>"), first=True) == raw.replace(
        "team.", "\\[team\\] \\<b>.")


def test_every_unit_of_a_real_book_edited_comes_back_word_for_word(tmp_path):
    """The djangogirls chapter (CC BY-SA): every target gets a word, and only that word changes."""
    corpus = CORPUS
    book = tmp_path / "djangogirls"
    shutil.copytree(corpus, book)
    assert run_cli(book, "export", "--format", "xliff").code == 0
    root = etree.parse(str(book / XLF)).getroot()
    targets = root.xpath("//x:target", namespaces=X2)
    for target in targets:
        target.text = "Edited " + (target.text or "")
    run = run_cli(book, "import", save_xlf(book, root))
    assert run.code == 0, run.err
    assert f"{len(targets)} units changed, 0 unchanged, 0 not applied" in run.out
    old = (corpus / "translations/en/01-djangogirls.md").read_text(encoding="utf-8").split("\n")
    new = (book / "translations/en/01-djangogirls.md").read_text(encoding="utf-8").split("\n")
    assert len(old) == len(new)
    for before, after in zip(old, new):
        assert after == before or re.sub(r"^((?:> |#+ |[-*+] |\d+[.)] )?)Edited ", r"\1", after) == before, (before, after)
    assert run_cli(book, "check").code == 0


def test_xliff_12_with_okapi_codes_and_segmentation(book):
    """XLIFF 1.2 as Okapi Tikal writes it: <g>/<x>/<bpt>/<ept> codes, <seg-source> with <mrk> segments."""
    (book / "okapi.xlf").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2" xmlns:okp="okapi-framework:xliff-extensions">\n'
        '<file original="pairs.fa-en.xlf" source-language="fa-IR" target-language="en-GB" datatype="xml">\n<body>\n'
        '<trans-unit id="02-nowruz-2" resname="02-nowruz-2">\n'
        '<source xml:lang="fa-IR">ignored</source>\n'
        '<seg-source><mrk mid="0" mtype="seg">ignored</mrk></seg-source>\n'
        '<target xml:lang="en-GB" state="signed-off"><mrk mid="0" mtype="seg">Nowruz is the festival of the new year, '
        'and more than 300 million people around the world celebrate it. </mrk><mrk mid="1" mtype="seg">In 2009 UNESCO '
        'put Nowruz on its <g id="1">Representative List</g>.</mrk></target>\n</trans-unit>\n'
        '<trans-unit id="01-calendar-9">\n<source>x</source>\n'
        '<target>This calendar was adopted by parliament in 1304<x id="1"/> and is <bpt id="5">**</bpt>still'
        '<ept id="5">**</ept> in use.</target>\n</trans-unit>\n'
        "</body>\n</file>\n</xliff>\n", encoding="utf-8")
    # the sources must be the book's: take them from the export
    store = Xliff2File.parsefile(str(book / XLF))
    sources = {u.getid(): u.source for u in store.units}
    text = (book / "okapi.xlf").read_text(encoding="utf-8")
    text = text.replace('<source xml:lang="fa-IR">ignored</source>', f'<source xml:lang="fa-IR">{sources["02-nowruz-2"]}</source>')
    text = text.replace('<mrk mid="0" mtype="seg">ignored</mrk>', f'<mrk mid="0" mtype="seg">{sources["02-nowruz-2"]}</mrk>')
    text = text.replace("<source>x</source>", f"<source>{sources['01-calendar-9']}</source>")
    (book / "okapi.xlf").write_text(text, encoding="utf-8")
    run = run_cli(book, "import", "okapi.xlf")
    assert run.code == 0, run.err
    assert "put Nowruz on its [Representative List](https://ich.unesco.org/en/RL/nowruz-02097)." in (book / EN2).read_text("utf-8")
    # an added code carries its Markdown (the native code of <bpt>/<ept>): emphasis, not asterisks as text
    assert "adopted by parliament in 1304[^1] and is **still** in use." in (book / EN1).read_text("utf-8")
    assert f"{EN2}:{line_of(book, EN2, 'UNESCO')}: " in run.out


def test_a_table_is_exported_but_an_edit_to_it_is_not_written_back(book):
    table = "\n| a | b |\n|---|---|\n| {} | {} |\n"
    for path, cells in ((SRC1, ("یک", "۲")), (EN1, ("one", "2"))):
        with open(book / path, "a", encoding="utf-8") as chapter:
            chapter.write(table.format(*cells))
    assert run_cli(book, "export", "--format", "xliff").code == 0
    root = etree.parse(str(book / XLF)).getroot()
    [target] = unit_of(root, "01-calendar-10").xpath("x:segment/x:target", namespaces=X2)
    assert "one" in target.text and not target.xpath("*")
    target.text = target.text.replace("one", "uno")
    before = text_files(book)
    run = run_cli(book, "import", save_xlf(book, root))
    assert run.code == 0 and "[IMPORT-NOT-EDITABLE]" in run.err and f"make this edit in {EN1}:" in run.err
    assert text_files(book) == before


def test_a_comment_on_a_unit_the_book_no_longer_has_is_reported(book):
    (book / "translations/en/comments.toml").write_text(
        '[[comment]]\nunit = "09-gone-3"\nfrom = "r.docx:4"\ntext = "Still here?"\n', encoding="utf-8")
    run = run_cli(book, "check")
    assert "translations/en/comments.toml: warning: the comment on unit 09-gone-3 matches no pair" in run.err
    assert "Still here?" in run.err


def test_comments_already_imported_fill_the_comment_column_and_are_not_added_twice(book):
    (book / "translations/en/comments.toml").write_text(
        '[[comment]]\nunit = "01-calendar-9"\nfrom = "r.docx:10"\ntext = "Check the year."\n'
        '[[comment]]\nunit = "01-calendar-9"\nfrom = "r.docx:10"\ntext = "And the month."\n', encoding="utf-8")
    assert run_cli(book, "export", "--format", "docx").code == 0
    document = etree.fromstring(zipfile.ZipFile(book / DOCX).read("word/document.xml"))
    row = document.findall(".//w:tbl/w:tr", WNS)[9]
    cells = row.findall("w:tc", WNS)
    assert ["".join(p.itertext()) for p in cells[3].findall("w:p", WNS)] == ["Check the year.", "And the month."]
    assert "REVIEW-COMMENT" not in "".join(cells[4].itertext())
    before = text_files(book)
    run = run_cli(book, "import", DOCX)
    assert run.code == 0 and text_files(book) == before, run.out


def test_xliff_12_export_for_older_cat_tools_round_trips(book):
    """`--format xliff12`: read by translate-toolkit, edited there, imported back; unedited, no byte changes."""
    assert run_cli(book, "export", "--format", "xliff12").code == 0
    name = "build/pairs.fa-en.xliff12.xlf"
    store = xlifffile.parsefile(str(book / name))
    assert (store.getsourcelanguage(), store.gettargetlanguage()) == ("fa", "en")
    by_id = {u.getid().split("\x04")[-1]: u for u in store.units}  # translate-toolkit prefixes the <file>
    assert len(by_id) == 16 and by_id["01-calendar-9-note1"].target.startswith("Act of the National")
    before = text_files(book)
    assert run_cli(book, "import", name).code == 0 and text_files(book) == before
    by_id["02-nowruz-5"].target = "The Haft-Sin table holds seven things whose names begin with “s”."
    (book / "tt12.xlf").write_bytes(bytes(store))
    run = run_cli(book, "import", "tt12.xlf")
    assert run.code == 0, run.err
    assert changed(before, text_files(book)) == {EN2}
    assert "seven things whose names begin with “s”.\n" in (book / EN2).read_text(encoding="utf-8")
