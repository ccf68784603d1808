"""`export`: TMX 1.4b and XLIFF 2.0 read back by an independent parser (translate-toolkit)."""

from __future__ import annotations

import pytest
from lxml import etree
from review_conftest_helpers import EN1, EN2, SAMPLE, copy_book, edit, review, run_cli
from translate.storage.tmx import tmxfile
from translate.storage.xliff2 import Xliff2File

from parallelbook.outputs.exchange import units

TMX, XLF = "build/pairs.fa-en.tmx", "build/pairs.fa-en.xlf"
XLIFF = {"x": "urn:oasis:names:tc:xliff:document:2.0"}
TRICKY = 'a "quoted" word, R&D, 1 < 2 > 0 and a ‌ZWNJ'


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The fixture book, approved, then given a flag, a changed translation and awkward characters."""
    book = copy_book(tmp_path_factory.mktemp("exchange") / "book")
    assert run_cli(book, "approve").code == 0
    edit(book, EN1, "in 1304[^1]", "in 1925[^1]")
    edit(book, EN2, "people spend this day outdoors.", f"people spend this day outdoors: {TRICKY}.")
    runs = {fmt: run_cli(book, "export", "--format", fmt) for fmt in ("tmx", "xliff")}
    expected = units(review(book).languages[0])
    return book, runs, expected


def test_export_writes_one_file_per_format(exported):
    book, runs, expected = exported
    assert runs["tmx"].code == 0 and runs["xliff"].code == 0, (runs["tmx"].err, runs["xliff"].err)
    assert runs["tmx"].out.strip() == f"wrote {TMX} (TMX, {len(expected)} units)"
    assert runs["xliff"].out.strip() == f"wrote {XLF} (XLIFF, {len(expected)} units)"
    assert len(expected) == 16  # 15 pairs and the footnote of one


def test_tmx_round_trips_every_pair(exported):
    book, _, expected = exported
    store = tmxfile.parsefile(str(book / TMX))
    assert [(u.getid(), u.source, u.target) for u in store.units] == [(e.id, e.source, e.target) for e in expected]
    assert store.units[-1].target.endswith('outdoors: a “quoted” word, R&D, 1 < 2 > 0 and a \u200cZWNJ.')
    assert "تقویم رسمی ایران تقویم هجری خورشیدی است." in store.units[1].source
    assert store.units[9].getid() == "01-calendar-9-note1"
    assert store.units[9].target == "Act of the National Consultative Assembly, 11 Farvardin 1304."


def test_tmx_structure_languages_and_notes(exported):
    book, _, _ = exported
    root = etree.parse(str(book / TMX)).getroot()
    assert root.get("version") == "1.4"
    header = root.find("header")
    assert {k: header.get(k) for k in ("srclang", "segtype", "datatype", "o-tmf", "adminlang")} == {
        "srclang": "fa", "segtype": "paragraph", "datatype": "plaintext", "o-tmf": "parallelbook", "adminlang": "en",
    }
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert {tuple(tuv.get(lang) for tuv in tu.findall("tuv")) for tu in root.iter("tu")} == {("fa", "en")}
    [flagged] = root.xpath("//tu[@tuid='01-calendar-9']")
    assert flagged.xpath("string(prop[@type='x-status'])") == "needs-review"
    notes = flagged.xpath("note/text()")
    assert any(n.startswith("NUMBER-MISMATCH: numbers differ: 1304 in the Persian") for n in notes)
    assert any(n.startswith("NEEDS-REVIEW: ") for n in notes)
    assert flagged.xpath("tuv[1]/prop[@type='x-location']/text()") == ["source/01-calendar.md:14"]


def test_xliff_round_trips_every_pair(exported):
    book, _, expected = exported
    store = Xliff2File.parsefile(str(book / XLF))
    assert (store.getsourcelanguage(), store.gettargetlanguage()) == ("fa", "en")
    assert [(u.getid(), u.source, u.target) for u in store.units] == [(e.id, e.source, e.target) for e in expected]


def test_xliff_structure_states_and_notes(exported):
    book, _, _ = exported
    root = etree.parse(str(book / XLF)).getroot()
    assert (root.get("version"), root.get("srcLang"), root.get("trgLang")) == ("2.0", "fa", "en")
    files = root.findall("x:file", XLIFF)
    assert [(f.get("original"), f.get("srcDir"), f.get("trgDir")) for f in files] == [
        ("source/01-calendar.md", "rtl", "ltr"),
        ("source/02-nowruz.md", "rtl", "ltr"),
    ]
    states = {u.get("id"): u.xpath("string(x:segment/@state)", namespaces=XLIFF) for u in root.iterfind(".//x:unit", XLIFF)}
    assert states["01-calendar-1"] == "final"  # approved and unchanged
    assert states["01-calendar-9"] == "translated" and states["02-nowruz-6"] == "translated"
    [flagged] = root.xpath("//x:unit[@id='02-nowruz-6']", namespaces=XLIFF)
    categories = flagged.xpath("x:notes/x:note/@category", namespaces=XLIFF)
    assert categories[:2] == ["status", "flag"] and "target-location" in categories
    for unit in root.iterfind(".//x:unit", XLIFF):  # XLIFF 2.0: notes, the codes' Markdown, then the segment
        children = [etree.QName(child).localname for child in unit]
        assert children in (["notes", "segment"], ["notes", "originalData", "segment"])
        assert ("originalData" in children) == bool(unit.xpath(".//x:pc | .//x:ph", namespaces=XLIFF))
        assert [etree.QName(child).localname for child in unit.find("x:segment", XLIFF)] == ["source", "target"]


def test_export_is_reproducible_and_refuses_a_misaligned_book(exported, tmp_path):
    book, _, _ = exported
    copy = copy_book(tmp_path / "copy", book)
    assert run_cli(copy, "export", "--format", "tmx").code == 0
    assert (copy / TMX).read_bytes() == (book / TMX).read_bytes()
    edit(copy, EN2, "## The Haft-Sin Table\n\n", "")
    (copy / TMX).unlink()
    run = run_cli(copy, "export", "--format", "tmx")
    assert run.code == 2 and "[ALIGN-MISSING]" in run.err
    assert not (copy / TMX).exists()


def test_sample_book_exports_its_nine_pairs(tmp_path):
    book = copy_book(tmp_path / "sample", SAMPLE)
    assert run_cli(book, "export", "--format", "tmx", "--out", "x").code == 0
    store = tmxfile.parsefile(str(book / "x/pairs.fa-en.tmx"))
    assert len(store.units) == 9
    assert store.units[6].source.startswith("حکومت نظامیان که طی نزدیک به هفده سال")
    assert store.units[6].target.startswith("Military rule, which had cast its shadow")
