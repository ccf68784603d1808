"""Print production: trim sizes, the measure, bleed and crop marks, PDF/X, booklets; read back from the PDFs."""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest
from pypdf import PdfReader

from bookgen import repeated_book
from helpers import ROOT, run_build
from iccgen import profile as generic_cmyk_profile
from line_measure import measure
from parallelbook.outputs.pdf.booklet import booklet_order
from parallelbook.outputs.pdf.finishing import page_side
from parallelbook.outputs.pdf.geometry import GUTTER_TABLE, gutter_for, page_geometry
from parallelbook.read.paper import INCH, MILLIMETRE, parse_length, parse_trim, sheet_for

LINE = re.compile(r"(?P<path>[^:]+)(:(?P<line>\d+))?(:\d+)?: (?P<severity>error|warning): (?P<message>.+) \[(?P<code>[A-Z0-9-]+)\]")


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    """The sample book, with a CMYK printer profile for PDF/X in its folder."""
    book = tmp_path_factory.mktemp("print") / "book"
    book.mkdir()
    for name in ("source", "translations"):
        shutil.copytree(ROOT / name, book / name)
    (book / "generic-cmyk.icc").write_bytes(generic_cmyk_profile())
    toml = (ROOT / "book.toml").read_text("utf-8")
    toml = toml.replace("[pdf]\n", '[pdf]\noutput_profile = "generic-cmyk.icc"\noutput_condition = "Generic CMYK (test)"\n', 1)
    (book / "book.toml").write_text(toml, "utf-8")
    return book


def _build(book: Path, out: Path, *args: str) -> PdfReader:
    result = run_build("pdf", "--book", str(book), "--out", str(out), "--jobs", "1", *args)
    assert result.returncode == 0, result.stderr
    return PdfReader(next(path for path in out.glob("*.pdf") if not path.name.endswith(".booklet.pdf")))


def _box(page, name) -> list[float]:
    return [round(float(v), 2) for v in page[name]]


# ---------------------------------------------------------------- sizes and lengths


@pytest.mark.parametrize(
    "written, size_mm",
    [("A4", (210, 297)), ("a5", (148, 210)), ("B5", (176, 250)), ("Letter", (215.9, 279.4)), ("Legal", (215.9, 355.6)),
     ("half-letter", (139.7, 215.9)), ("6x9in", (152.4, 228.6)), ("148x210mm", (148, 210)), ("5.5x8.5in", (139.7, 215.9))],
)
def test_trim_sizes_by_name_and_by_measure(written, size_mm):
    trim, why = parse_trim(written)
    assert why == "" and (round(trim.width / MILLIMETRE, 1), round(trim.height / MILLIMETRE, 1)) == size_mm


@pytest.mark.parametrize(
    "written, reason",
    [("A7x", "unknown paper size"), ("6x9", "has no unit"), ("9x6in", "landscape"), ("6x9ft", "unknown unit"), ("1x2in", "outside")],
)
def test_unusable_trim_sizes_say_why(written, reason):
    trim, why = parse_trim(written)
    assert trim is None and reason in why


def test_lengths():
    assert parse_length("3mm")[0] == pytest.approx(8.5039, abs=1e-3)
    assert parse_length("0.125in")[0] == pytest.approx(9.0)
    assert parse_length("3")[0] is None and "no unit" in parse_length("3")[1]
    assert parse_length("-3mm")[0] is None and "negative" in parse_length("-3mm")[1]
    assert parse_length("3 furlongs")[0] is None


def test_a_booklet_sheet_is_twice_the_page():
    assert sheet_for(parse_trim("A5")[0]).name == "A4"
    assert sheet_for(parse_trim("half-letter")[0]).name == "Letter"
    custom = sheet_for(parse_trim("6x9in")[0])
    assert (round(custom.width / INCH, 2), round(custom.height / INCH, 2)) == (12.0, 9.0)


# ---------------------------------------------------------------- geometry: gutter by page count


def test_the_gutter_follows_the_print_on_demand_table():
    assert [gutter_for(pages) / INCH for pages in (24, 150, 151, 300, 301, 500, 501, 700, 701, 900)] == [
        0.375, 0.375, 0.5, 0.5, 0.625, 0.625, 0.75, 0.75, 0.875, 0.875
    ]
    assert GUTTER_TABLE[-1] == (None, 0.875)
    trim = parse_trim("6x9in")[0]
    for layout in ("columns", "facing", "stacked"):
        widths = set()
        for pages in (100, 200, 400, 600, 800):
            geometry = page_geometry(trim, layout, 0.435, pages=pages)
            assert geometry.inner * MILLIMETRE >= gutter_for(pages) - 0.01, (layout, pages, geometry)
            assert geometry.outer * MILLIMETRE >= 0.25 * INCH - 0.01
            widths.add(round(geometry.inner + geometry.outer, 2))
        if layout != "columns":  # a one-block page has room: only the text's place moves, the book is not laid out again
            assert len(widths) == 1, (layout, widths)


@pytest.mark.parametrize("paper", ["A4", "A5", "Letter", "6x9in", "148x210mm"])
@pytest.mark.parametrize("layout", ["facing", "stacked"])
def test_a_wider_gutter_leaves_a_one_block_page_laid_out_as_it_was(paper, layout):
    # The centred margin of a page is what its layout sees: equal to the last digit, or the whole
    # book is laid out again for nothing (A5 facing at 501 pages differed by 0.0005 mm).
    trim = parse_trim(paper)[0]
    for em in (0.42, 0.435, 0.45, 0.4613, 0.47, 0.48):  # faces of different widths
        margins = {page_geometry(trim, layout, em, pages=pages).symmetric for pages in (0, 151, 301, 501, 701, 901)}
        assert len(margins) == 1, (em, margins)


def test_a_book_past_a_gutter_step_is_laid_out_once(tmp_path, monkeypatch, capsys):
    """Its first chapter foretells the page count, so the gutter is right before the book is laid out."""
    import parallelbook.outputs.pdf.geometry as geometry
    from parallelbook.cli import main

    chapters = 3
    book = repeated_book(tmp_path / "book", chapters=chapters, repeats=2)
    # The same table with its first step at four pages, so that a small book crosses it: two
    # columns on A5 have no margin to spare, the wider gutter narrows them (a new layout).
    monkeypatch.setattr(geometry, "GUTTER_TABLE", ((4, 0.375), (None, 0.875)))
    out = tmp_path / "out"
    assert main(["pdf", "--book", str(book), "--out", str(out), "--paper", "A5", "--jobs", "1", "--no-cache"]) == 0
    printed = capsys.readouterr().out
    laid_out = int(re.search(r"PDF pieces laid out: (\d+)", printed).group(1))
    pages = len(PdfReader(next(out.glob("*.pdf"))).pages)
    assert pages > 4
    # One pass: each chapter, the front matter, and a folio document for each; plus the one
    # chapter of the probe, laid out with the narrow gutter before the count was known.
    # Laid out twice it was 3 * chapters + 3.
    assert laid_out <= 2 * chapters + 2 + 1, printed


def test_a_tagged_book_past_a_gutter_step_is_laid_out_once(tmp_path, monkeypatch):
    """The same for a book laid out as one document (the tagged and PDF/X variants)."""
    import parallelbook.outputs.pdf.geometry as geometry
    import parallelbook.outputs.pdf.layout as layout
    from parallelbook.cli import main

    book = repeated_book(tmp_path / "book", chapters=3, repeats=2)
    monkeypatch.setattr(geometry, "GUTTER_TABLE", ((4, 0.375), (None, 0.875)))
    whole_layouts = []
    real_lay_out = layout.lay_out

    def counted(*args, **kwargs):
        whole_layouts.append(1)
        return real_lay_out(*args, **kwargs)

    monkeypatch.setattr(layout, "lay_out", counted)
    out = tmp_path / "out"
    assert main(["pdf", "--book", str(book), "--out", str(out), "--paper", "A5", "--pdf-variant", "pdf/ua-1", "--jobs", "1", "--no-cache"]) == 0
    reader = PdfReader(next(out.glob("*.pdf")))
    assert len(reader.pages) > 4
    assert len(whole_layouts) == 1  # was 2: with the narrow gutter, then with the wide one
    # and its pages carry the wide gutter, on the side of the spine
    pdf = next(out.glob("*.pdf"))
    for number in (4, 5):
        words = subprocess.run(
            ["pdftotext", "-bbox", "-f", str(number), "-l", str(number), str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        lefts = [float(x) for x in re.findall(r'<word xMin="([\d.]+)"', words)]
        rights = [float(x) for x in re.findall(r'xMax="([\d.]+)"', words)]
        width = float(reader.pages[number - 1].mediabox.width)
        assert max(min(lefts), width - max(rights)) >= 0.875 * INCH - 1, (number, min(lefts), width - max(rights))


# ---------------------------------------------------------------- bleed and crop marks


def test_a_6x9_book_with_bleed_and_crop_marks_has_the_right_boxes_on_every_page(sample, tmp_path):
    reader = _build(sample, tmp_path, "--paper", "6x9in", "--layout", "facing", "--bleed", "0.125in", "--marks", "crop")
    assert len(reader.pages) >= 5
    for number, page in enumerate(reader.pages, start=1):
        side = page_side(number, "rtl")
        assert _box(page, "/TrimBox") == [0, 0, 432, 648], number
        left, right = (9, 0) if side == "left" else (0, 9)  # bleed on the outside edge, none at the spine
        assert _box(page, "/BleedBox") == [-left, -9, 432 + right, 657], (number, side)
        media = _box(page, "/MediaBox")
        assert media[0] < -9 - 6 and media[1] < -9 - 6 and media[2] > 441 + 6 and media[3] > 657 + 6, "room for the marks"
    # The marks, on the rendered page: on the trim lines' extensions beyond the bleed, nothing between trim and bleed.
    page = reader.pages[2]
    media = _box(page, "/MediaBox")
    dpi = 288
    image = _render(tmp_path / "page.pdf", reader, 3, dpi)
    scale = dpi / 72

    def darkest(x, y, size=3):  # PDF coordinates
        px, py = round((x - media[0]) * scale), round((media[3] - y) * scale)
        return min(image.getpixel((i, j)) for i in range(px - size, px + size + 1) for j in range(py - size, py + size + 1))

    beyond = 9 + 3 * MILLIMETRE  # the marks start a bleed away from the trim and are 6 mm long
    for x, y in ((0, -beyond), (432, 648 + beyond), (-beyond, 0), (432 + beyond, 648)):
        assert darkest(x, y) < 128, ("a crop mark", x, y)
    for x, y in ((0, -5), (432, 653), (-5, 0), (437, 648)):
        assert darkest(x, y, 2) > 230, ("nothing between the trim and the bleed", x, y)


def _render(path: Path, reader: PdfReader, number: int, dpi: int):
    from PIL import Image
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_page(reader.pages[number - 1])
    with open(path, "wb") as stream:
        writer.write(stream)
    subprocess.run(["pdftoppm", "-gray", "-png", "-r", str(dpi), "-singlefile", str(path), str(path.with_suffix(""))], check=True)
    return Image.open(path.with_suffix(".png")).convert("L")


def test_without_bleed_the_boxes_are_the_page(sample, tmp_path):
    reader = _build(sample, tmp_path, "--paper", "A5")
    for page in reader.pages:
        assert _box(page, "/MediaBox") == _box(page, "/TrimBox") == [0, 0, 419.53, 595.28]


# ---------------------------------------------------------------- PDF/X


def test_a_pdf_x4_file_carries_its_output_intent_metadata_fonts_and_boxes(sample, tmp_path):
    reader = _build(sample, tmp_path / "one", "--pdf-variant", "pdf/x-4", "--paper", "6x9in", "--bleed", "3mm")
    assert reader.pdf_header == "%PDF-1.6"
    root = reader.trailer["/Root"]
    (intent,) = [intent.get_object() for intent in root["/OutputIntents"]]
    assert intent["/S"] == "/GTS_PDFX" and intent["/OutputConditionIdentifier"] == "Generic CMYK (test)"
    icc = intent["/DestOutputProfile"].get_object().get_data()
    assert icc[36:40] == b"acsp" and icc[12:20] == b"prtrCMYK"
    xmp = reader.xmp_metadata.stream.get_data().decode("utf-8")
    assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
    assert "<pdf:Trapped>False</pdf:Trapped>" in xmp and reader.trailer["/Info"]["/Trapped"] == "/False"
    assert "The Principles of Chile" in xmp
    for page in reader.pages:
        assert _box(page, "/TrimBox") == [0, 0, 432, 648]
        assert "/Annots" not in page, "no annotation inside the trim"
        content = page.get_contents().get_data()
        assert not re.search(rb"(^|\s)[\d.]+ [\d.]+ [\d.]+ (rg|RG)\b", content), "no device RGB colour"
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = (font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font)["/FontDescriptor"]
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
    again = _build(sample, tmp_path / "two", "--pdf-variant", "pdf/x-4", "--paper", "6x9in", "--bleed", "3mm")
    assert again.stream.getvalue() == reader.stream.getvalue(), "the same inputs give the same bytes"


# ---------------------------------------------------------------- booklets


@pytest.mark.parametrize("pages", range(1, 14))
@pytest.mark.parametrize("binding", ["rtl", "ltr"])
def test_saddle_stitch_order(pages, binding):
    sides = booklet_order(pages, binding)
    total = len(sides) * 2
    assert total % 4 == 0 and total - 4 < pages <= total
    numbers = [n for side in sides for n in (side.left, side.right) if n]
    assert sorted(numbers) == list(range(1, pages + 1))
    # Sheet k carries pages 2k+1 and N-2k on its front, 2k+2 and N-2k-1 on its back (N: the padded count),
    # which is what makes the folded stack read in order; the padding is blank.
    for k, (front, back) in enumerate(zip(sides[::2], sides[1::2])):
        expected_front = {2 * k + 1, total - 2 * k}
        expected_back = {2 * k + 2, total - 2 * k - 1}
        assert {front.left, front.right} == {n if n <= pages else None for n in expected_front}
        assert {back.left, back.right} == {n if n <= pages else None for n in expected_back}
        # folded, the back's lower page lies behind the front's lower page
        lower_front_left = front.left == 2 * k + 1
        assert (back.right == 2 * k + 2 or 2 * k + 2 > pages) if lower_front_left else (back.left == 2 * k + 2 or 2 * k + 2 > pages)
    assert (sides[0].left == 1) == (binding == "rtl"), "a Persian-bound booklet opens right to left"


def test_an_a5_booklet_prints_in_order_on_a4(tmp_path):
    book = repeated_book(tmp_path / "book", chapters=2, repeats=1)
    result = run_build("pdf", "--book", str(book), "--out", str(tmp_path / "out"), "--jobs", "1", "--paper", "A5", "--impose", "booklet")
    assert result.returncode == 0, result.stderr
    [pdf] = [p for p in (tmp_path / "out").glob("*.pdf") if not p.name.endswith(".booklet.pdf")]
    booklet = pdf.with_name(pdf.name.replace(".pdf", ".booklet.pdf"))
    pages = len(PdfReader(pdf).pages)
    sheets = PdfReader(booklet)
    assert len(sheets.pages) == 2 * -(-pages // 4)
    for sheet in sheets.pages:
        assert [round(float(v)) for v in sheet.mediabox] == [0, 0, 842, 595], "A4, landscape"

    def words(path, page, x=None, width=None):
        command = ["pdftotext", "-f", str(page), "-l", str(page)]
        if x is not None:
            command += ["-x", str(x), "-y", "0", "-W", str(width), "-H", "595"]
        return set(subprocess.run(command + [str(path), "-"], capture_output=True, text=True, check=True).stdout.split())

    for number, side in enumerate(booklet_order(pages, "rtl"), start=1):
        for half, page in ((0, side.left), (1, side.right)):
            found = words(booklet, number, x=half * 421, width=421)
            if page is None:
                assert found == set(), (number, half)
            else:
                expected = words(pdf, page)
                assert expected and found == expected, (number, half, page)


# ---------------------------------------------------------------- the measure


@pytest.fixture(scope="module")
def measured_book(tmp_path_factory) -> Path:
    return repeated_book(tmp_path_factory.mktemp("measure") / "book", chapters=1, repeats=1)


@pytest.mark.parametrize("paper", ["A4", "A5", "Letter", "6x9in"])
@pytest.mark.parametrize("layout", ["columns", "facing", "stacked"])
def test_a_readable_measure_in_every_layout_and_size(measured_book, tmp_path, layout, paper):
    from parallelbook.pipeline import Options, build

    result = build(
        measured_book, tmp_path, Options(outputs=("pdf",), pdf_layout=layout, paper=paper, jobs=1, cache=False),
        datetime(2025, 11, 28, tzinfo=timezone.utc),
    )
    found = measure(result.written[0].path)
    assert len(found.english) >= 20 and len(found.persian) >= 20, found
    english, persian = found.english_median, found.persian_median
    print(f"\n{layout} {paper}: English {english} characters, Persian {persian} words a line ({len(found.english)}, {len(found.persian)} lines)")
    assert 45 <= english <= 75, (layout, paper, english)
    # Most lines, not only the middle one: a justified line varies with its words.
    assert statistics.quantiles(found.english, n=10)[0] >= 40 and statistics.quantiles(found.english, n=10)[-1] <= 80
    # Persian: about as many words as the English line holds (an English word and its space are ~6 characters).
    assert 0.75 <= persian / (english / 6) <= 1.35, (layout, paper, english, persian)


# ---------------------------------------------------------------- bad input: a located error, exit 2, nothing written


@pytest.mark.parametrize(
    "args, code, where, message",
    [
        (("--paper", "A7x"), "USAGE", "--paper", r"unknown paper size 'A7x'"),
        (("--paper", "6x9"), "USAGE", "--paper", r"has no unit"),
        (("--bleed", "3"), "USAGE", "--bleed", r"bleed '3' has no unit"),
        (("--bleed=-3mm",), "USAGE", "--bleed", r"bleed '-3mm' is negative"),
        (("--paper", "A5", "--bleed", "30mm"), "PDF-BLEED", "--bleed", r"a bleed of 30.0 mm is larger than the smallest margin"),
        (("--impose", "booklet", "--marks", "crop"), "PDF-BOOKLET", "--marks", r"crop marks have no place"),
        (("--pdf-variant", "pdf/x-1a", "--marks", "crop"), "PDF-MARKS", "--marks", r"use pdf/x-4"),
        (("--sheet", "huge"), "USAGE", "--sheet", r"unknown paper size"),
    ],
)
def test_bad_print_options_are_located_errors_and_nothing_is_written(sample, tmp_path, args, code, where, message):
    out = tmp_path / "out"
    result = run_build("pdf", "--book", str(sample), "--out", str(out), "--jobs", "1", *args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    problems = [LINE.fullmatch(line) for line in result.stderr.splitlines() if line]
    assert all(problems), result.stderr
    assert any(p["code"] == code and p["path"] == where and re.search(message, p["message"]) for p in problems), result.stderr
    assert not list(out.glob("*.pdf")) if out.exists() else True


def test_pdf_x_without_a_printer_profile_says_where_to_put_one(tmp_path):
    book = repeated_book(tmp_path / "book", chapters=1, repeats=1)
    result = run_build("pdf", "--book", str(book), "--out", str(tmp_path / "out"), "--pdf-variant", "pdf/x-4")
    assert result.returncode == 2 and "[PDF-PROFILE]" in result.stderr and "output_profile" in result.stderr
    assert result.stderr.startswith("--pdf-variant: error:")
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.pdf"))


def test_bad_print_settings_in_book_toml_name_their_line(tmp_path):
    book = repeated_book(tmp_path / "book", chapters=1, repeats=1, book_toml='[pdf]\nlayout = "facing"\npaper = "A7x"\nbleed = "3"\n')
    result = run_build("pdf", "--book", str(book), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert re.search(r"book.toml:3: error: pdf.paper: unknown paper size 'A7x'.* \[CONFIG-TYPE\]", result.stderr), result.stderr
    assert re.search(r"book.toml:4: error: pdf.bleed: bleed '3' has no unit.* \[CONFIG-TYPE\]", result.stderr), result.stderr


def test_a_booklet_too_thick_to_fold_is_refused():
    from parallelbook.outputs.pdf.layout import PdfSettings
    from parallelbook.outputs.pdf.production import PrintJob, booklet_pdf

    data, problems, _ = booklet_pdf(b"", 120, PrintJob(PdfSettings(paper="A5"), booklet=True))
    assert data is None and problems[0].code == "PDF-BOOKLET" and "30 sheets" in problems[0].message


def test_pdf_x_images_are_calibrated_rgb_for_x4_and_a_warning_for_x1a(tmp_path):
    from PIL import Image

    book = repeated_book(tmp_path / "book", chapters=1, repeats=1, book_toml='[pdf]\noutput_profile = "cmyk.icc"\n')
    (book / "cmyk.icc").write_bytes(generic_cmyk_profile())
    (book / "source" / "images").mkdir()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(book / "source" / "images" / "red.png")
    for chapter, image in ((book / "source" / "001-chapter.md", "images/red.png"), (book / "translations" / "en" / "001-chapter.md", "../../source/images/red.png")):
        chapter.write_text(chapter.read_text("utf-8") + f"\n![red]({image})\n", "utf-8")
    result = run_build("pdf", "--book", str(book), "--out", str(tmp_path / "x4"), "--pdf-variant", "pdf/x-4", cwd=book)
    assert result.returncode == 0 and "PDF-X-RGB" not in result.stderr, result.stderr
    reader = PdfReader(next((tmp_path / "x4").glob("*.pdf")))
    painted = 0
    for page in reader.pages:
        resources = page["/Resources"].get_object()
        images = [x.get_object() for x in (resources.get("/XObject") or {}).values() if x.get_object()["/Subtype"] == "/Image"]
        if any(image["/ColorSpace"] == "/DeviceRGB" for image in images):
            painted += 1
            default = resources["/ColorSpace"].get_object()["/DefaultRGB"]
            assert default[0] == "/ICCBased" and default[1].get_object()["/N"] == 3
    assert painted, "the image is in the PDF"
    result = run_build("pdf", "--book", str(book), "--out", str(tmp_path / "x1a"), "--pdf-variant", "pdf/x-1a", cwd=book)
    assert result.returncode == 0 and re.search(r"--pdf-variant: warning: 1 image\(s\) are RGB.*\[PDF-X-RGB\]", result.stderr), result.stderr


@pytest.mark.parametrize("spine", [False, True])
def test_bleed_at_the_spine_only_when_asked(spine):
    from parallelbook.outputs.pdf.finishing import PrintFinish, boxes

    finish = PrintFinish(parse_trim("6x9in")[0], 9.0, False, bleed_spine=spine)
    media_left, bleed_left, trim_left = boxes(finish, "left")
    media_right, bleed_right, trim_right = boxes(finish, "right")
    assert trim_left == trim_right == [0.0, 0.0, 432.0, 648.0]
    assert bleed_left == [-9.0, -9.0, 432.0 + (9.0 if spine else 0.0), 657.0]
    assert bleed_right == [-(9.0 if spine else 0.0), -9.0, 441.0, 657.0]
    assert media_left == bleed_left and media_right == bleed_right, "without marks the MediaBox is the BleedBox"


def test_columns_too_narrow_for_a_readable_line_is_a_warning():
    from parallelbook.outputs.pdf.layout import PdfSettings
    from parallelbook.outputs.pdf.production import PrintJob, print_problems
    from parallelbook.render.fonts import font_set

    fonts = font_set({})
    narrow = print_problems(PrintJob(PdfSettings(layout="columns", paper="5x8in")), fonts)
    assert [p.code for p in narrow] == ["PDF-MEASURE"] and narrow[0].severity.value == "warning"
    for layout, paper in (("columns", "A5"), ("columns", "6x9in"), ("facing", "5x8in"), ("stacked", "A4")):
        assert print_problems(PrintJob(PdfSettings(layout=layout, paper=paper)), fonts) == [], (layout, paper)
