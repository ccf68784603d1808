"""The review edition: the HTML as a person uses it (in headless chromium) and the PDF."""

from __future__ import annotations

import re
import shutil

import pytest
from lxml import html as lxml_html
from pypdf import PdfReader
from review_conftest_helpers import (
    EN1,
    EN2,
    SAMPLE,
    SRC1,
    Chromium,
    copy_book,
    edit,
    line_of,
    review,
    run_cli,
    snapshot,
)

HTML, PDF = "build/review.fa-en.html", "build/review.fa-en.pdf"
ATTENTION = {"pair-3", "pair-8", "pair-9", "pair-12", "pair-14"}


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    """The fixture book approved, then edited in five ways, then reviewed once."""
    book = copy_book(tmp_path_factory.mktemp("review") / "book")
    assert run_cli(book, "approve").code == 0
    edit(book, SRC1, "حدود ۳۶۵٫۲۴ روز", "تقریباً ۳۶۵٫۲۴ روز")  # pair 8: stale
    edit(book, EN1, "in 1304[^1]", "in 1925[^1]")  # pair 9: needs review, a number flag (accepted below)
    edit(book, EN2, "Why does Nowruz begin", "Nowruz begins")  # pair 12: needs review, a question flag
    edit(book, EN2, "at the moment of the spring equinox?", "at the moment of the spring equinox.")
    edit(book, EN2, "such as apples, sprouts", "such as apples, wheat sprouts")  # pair 14: needs review
    edit(book, EN1, "The first six months of the year have 31 days and the next five have 30 days. Esfand, the last "
         "month of the year, has 29 days in common years and 30 days in leap years.\n\n", "")  # pair 3: missing
    [flag] = [p for p in review(book).problems if p.code == "NUMBER-MISMATCH"]
    pair = flag.message.rsplit("(pair ", 1)[1].rstrip(")")
    (book / "translations/en/review.toml").write_text(
        f'[[accept]]\npair = "{pair}"\ncode = "NUMBER-MISMATCH"\nreason = "the year is given in the Gregorian calendar"\n',
        encoding="utf-8",
    )
    before = snapshot(book)
    run = run_cli(book, "review")
    after = snapshot(book)
    document = lxml_html.fromstring((book / HTML).read_bytes())
    return book, run, before, after, document


def test_review_writes_both_files_and_nothing_else(reviewed):
    book, run, before, after, _ = reviewed
    assert run.code == 0, run.err
    assert run.out.splitlines()[:2] == [
        f"wrote {HTML} (review edition, 15 pairs, 5 need attention)",
        f"wrote {PDF} (review edition PDF, 15 pairs, 5 need attention)",
    ]
    assert "the book has 1 error: see `python build.py check`" in run.out
    assert {k: v for k, v in after.items() if not k.startswith("build/")} == before


def test_html_is_one_self_contained_file(reviewed):
    book, _, _, _, document = reviewed
    assert not document.xpath("//link[@rel='stylesheet'] | //script[@src] | //iframe | //object")
    assert all(src.startswith("data:") for src in document.xpath("//img/@src"))
    css = "".join(document.xpath("//style/text()"))
    urls = re.findall(r"url\(\"?([^\")]+)", css)
    assert urls and all(url.startswith("data:font/ttf;base64,") for url in urls)
    assert "@page" in css and "A4 landscape" in css


def test_summary_counts_statuses_and_flags_with_links_to_pairs(reviewed):
    _, _, _, _, document = reviewed
    counts = {
        row.get("id"): (row.xpath("string(td[@class='count'])"), row.xpath("td[@class='links']/a/@href"))
        for row in document.xpath("//table[@class='statuses']/tr | //table[@class='codes']/tr")
    }
    assert counts == {
        "status-ok": ("10", []),
        "status-stale": ("1", ["#pair-8"]),
        "status-needs-review": ("3", ["#pair-9", "#pair-12", "#pair-14"]),
        "status-missing": ("1", ["#pair-3"]),
        "status-misaligned": ("0", []),
        "code-ALIGN-MISSING": ("1", ["#pair-3"]),
        "code-NEEDS-REVIEW": ("3", ["#pair-9", "#pair-12", "#pair-14"]),
        "code-QUESTION-MISMATCH": ("1", ["#pair-12"]),
        "code-STALE": ("1", ["#pair-8"]),
    }
    rows = document.xpath("//tr[contains(@class, 'pair ')]")
    assert [r.get("id") for r in rows] == [f"pair-{n}" for n in range(1, 16)]
    assert {r.get("id") for r in rows if "attention" in r.get("class").split()} == ATTENTION


def test_a_row_shows_both_sides_their_places_status_flags_and_word_counts(reviewed):
    book, _, _, _, document = reviewed
    [row] = document.xpath("//tr[@id='pair-12']")
    persian, english = row.xpath("td[contains(@class, 'side')]")
    assert (persian.get("lang"), persian.get("dir"), english.get("lang"), english.get("dir")) == ("fa", "rtl", "en", "ltr")
    assert "چرا نوروز در لحظهٔ اعتدال بهاری" in persian.text_content()
    assert persian.xpath("string(.//p[@class='meta'])").split() == ["source/02-nowruz.md:5", "·", "24", "words"]
    assert english.xpath("string(.//p[@class='meta'])").split() == [f"{EN2}:{line_of(book, EN2, 'Nowruz begins')}", "·", "25", "words"]
    review_cell = row.xpath("td[@class='review']")[0]
    assert review_cell.xpath("string(span[@class='status'])") == "needs review"
    flags = {li.get("data-code"): li.text_content() for li in review_cell.xpath(".//li")}
    assert set(flags) == {"QUESTION-MISMATCH", "NEEDS-REVIEW"}
    assert "the Persian asks a question, the English does not" in flags["QUESTION-MISMATCH"]
    assert "one side asks a question (؟ or ?) and the other does not" in flags["QUESTION-MISMATCH"]  # the explanation


def test_stale_pair_shows_the_word_diff_and_accepted_flags_their_reason(reviewed):
    _, _, _, _, document = reviewed
    [stale] = document.xpath("//tr[@id='pair-8']")
    assert stale.xpath(".//del/text()") == ["حدود"] and stale.xpath(".//ins/text()") == ["تقریباً"]
    [accepted] = document.xpath("//tr[@id='pair-9']//li[contains(@class, 'accepted')]")
    assert accepted.get("data-code") == "NUMBER-MISMATCH"
    assert "accepted: the year is given in the Gregorian calendar" in accepted.text_content()
    [missing] = document.xpath("//tr[@id='pair-3']")
    assert "(nothing here)" in missing.xpath("string(td[3])")
    assert f"{SRC1}:5" in missing.xpath("string(td[2])")


def test_attention_filter_in_a_real_browser(reviewed, tmp_path):
    if shutil.which("chromium") is None:
        pytest.fail("chromium is not installed: run tools/system-deps.sh")
    book, _, _, _, _ = reviewed
    visible = "[...document.querySelectorAll('tr.pair')].filter(r => r.getClientRects().length > 0).map(r => r.id)"
    with Chromium(tmp_path / "profile") as browser:
        browser.open((book / HTML).as_uri())
        assert len(browser.evaluate(visible)) == 15
        assert browser.evaluate("document.getElementById('shown-count').textContent") == "15 of 15 pairs shown"
        browser.click("#attention-only")
        assert browser.evaluate("document.getElementById('attention-only').checked") is True
        assert set(browser.evaluate(visible)) == ATTENTION
        assert browser.evaluate("document.getElementById('shown-count').textContent") == "5 of 15 pairs shown"
        browser.click("#attention-only")
        assert len(browser.evaluate(visible)) == 15
        faces = browser.evaluate(
            "document.fonts.ready.then(set => [...set].map(face => [face.family.replace(/\"/g, ''), face.status]))", wait=True
        )
        family = browser.evaluate("getComputedStyle(document.querySelector('td[lang=fa]')).fontFamily.split(',')[0]")
        assert [family.strip('"'), "loaded"] in faces  # the embedded Persian face, loaded from the file itself
        assert browser.exceptions() == []
        assert all(url.startswith(("file:", "data:")) for url in browser.requested_urls())


def test_pdf_is_a4_landscape_with_every_pair(reviewed):
    book, _, _, _, _ = reviewed
    reader = PdfReader(book / PDF)
    assert len(reader.pages) >= 2
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (842, 595)
    text = "".join(page.extract_text() for page in reader.pages)
    for needle in ("QUESTION-MISMATCH", "needs review", "stale", "translations/en/02-nowruz.md:5", "Gregorian calendar"):
        assert needle in text
    fonts = {str(f["/BaseFont"]) for page in reader.pages for f in page["/Resources"]["/Font"].get_object().values()}
    assert any("Vazirmatn" in name for name in fonts) and any("Source-Serif" in name for name in fonts)


def test_sample_book_review_has_nothing_to_attend(tmp_path):
    book = copy_book(tmp_path / "sample", SAMPLE)
    run = run_cli(book, "review", "--out", "out")
    assert run.code == 0 and run.err == ""
    assert run.out.splitlines()[0] == "wrote out/review.fa-en.html (review edition, 9 pairs, 0 need attention)"
    document = lxml_html.fromstring((book / "out/review.fa-en.html").read_bytes())
    assert not document.xpath("//tr[contains(@class, 'attention')]")
    assert "Not approved yet" in document.xpath("string(//p[@class='approval'])")
    assert "اصول سیاست خارجی شیلی" in document.text_content()  # normalised Persian, as published


def test_figures_keep_to_their_column_in_a_real_browser(tmp_path):
    """The corpus's figures are up to 2,100 pixels wide: each is scaled down to its side's column, and the page
    does not scroll sideways (it did: the review edition set images no width limit)."""
    if shutil.which("chromium") is None:
        pytest.fail("chromium is not installed: run tools/system-deps.sh")
    from helpers import CORPUS

    book = copy_book(tmp_path / "book", CORPUS)
    assert run_cli(book, "review").code == 0
    measure = (
        "Promise.all([...document.images].map(i => i.decode().catch(() => null))).then(() => ({"
        " wide: [...document.querySelectorAll('td.side img')].filter(i => i.naturalWidth > i.closest('td').clientWidth).length,"
        " outside: [...document.querySelectorAll('td.side img')].filter(i => i.getBoundingClientRect().right >"
        " i.closest('td').getBoundingClientRect().right + 0.5).length,"
        " page: document.documentElement.scrollWidth - document.documentElement.clientWidth }))"
    )
    with Chromium(tmp_path / "profile") as browser:
        browser.open((book / HTML).as_uri())
        browser.call("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False})
        found = browser.evaluate(measure, wait=True)
    assert found["wide"] > 0  # figures wider than their column are there to be scaled
    assert found["outside"] == 0 and found["page"] <= 0
