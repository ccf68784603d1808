"""Sentences: segmentation, alignment inside a pair, SENTENCE-MISSING / SENTENCE-ADDED, the linked review edition."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html
from helpers import CORPUS
from review_conftest_helpers import SAMPLE, Chromium, copy_book, edit, line_of, review, run_cli

from parallelbook import model as m
from parallelbook.problems import Location
from parallelbook.render.sentence_spans import alnum_count
from parallelbook.text.sentences import block_sentences, reading_text, sentences

CHAPTER = "01-chile-foreign-policy.md"
EN = f"translations/en/{CHAPTER}"
FA = f"source/{CHAPTER}"
FAITHFUL = {
    "sample": SAMPLE,
    "bidi": SAMPLE / "tests/fixtures/books/bidi",
    "epub-features": SAMPLE / "tests/fixtures/books/epub-features",
    "two-lang": SAMPLE / "tests/fixtures/books/two-lang",
    "review": SAMPLE / "tests/fixtures/review",
}
DJANGOGIRLS = CORPUS

# ---------------------------------------------------------------- segmentation

CASES = [
 ("en", "Mr. Smith went to Washington. He arrived at 3.5 p.m. on time.", ["Mr. Smith went to Washington.", "He arrived at 3.5 p.m. on time."]),
 ("en", "The U.S. Senate voted. It passed.", ["The U.S. Senate voted.", "It passed."]),
 ("en", "See e.g. the report. Then stop.", ["See e.g. the report.", "Then stop."]),
 ("en", "He said, \"Stop.\" Then he left.", ["He said, \"Stop.\"", "Then he left."]),
 ("en", "He said “Stop!” and left.", ["He said “Stop!” and left."]),
 ("en", "Is it true? Yes. (It was.) Next one.", ["Is it true?", "Yes.", "(It was.)", "Next one."]),
 ("en", "The date was 9/1/93. The price rose to 3.5 dollars.", ["The date was 9/1/93.", "The price rose to 3.5 dollars."]),
 ("en", "Visit https://djangogirls.org. It is nice.", ["Visit https://djangogirls.org.", "It is nice."]),
 ("en", "Type djangogirls.org into your browser. Press enter.", ["Type djangogirls.org into your browser.", "Press enter."]),
 ("en", "Item No. 5 is sold. Fig. 3 shows it.", ["Item No. 5 is sold.", "Fig. 3 shows it."]),
 ("en", "Wait... what? I don't know…", ["Wait... what?", "I don't know…"]),
 ("en", "Browsers (Chrome, Safari, Firefox, etc.) love it. Really.", ["Browsers (Chrome, Safari, Firefox, etc.) love it.", "Really."]),
 ("en", "We use apples, pears, etc. The rest is fine.", ["We use apples, pears, etc.", "The rest is fine."]),
 ("en", "J. R. R. Tolkien wrote it. Yes.", ["J. R. R. Tolkien wrote it.", "Yes."]),
 ("en", "1. Install Python first.", ["1. Install Python first."]),
 ("en", "In 1990. Then in 1991.", ["In 1990.", "Then in 1991."]),
 ("en", "Write to info@example.com. We answer.", ["Write to info@example.com.", "We answer."]),
 ("en", "(El Mercurio newspaper, 9/1/93.)", ["(El Mercurio newspaper, 9/1/93.)"]),
 ("fa", "حکومت نظامیان تأثیر گذارد. لیکن پس از آن شیلی کوشید.", ["حکومت نظامیان تأثیر گذارد.", "لیکن پس از آن شیلی کوشید."]),
 ("fa", "آیا می‌دانید؟ بله می‌دانم!", ["آیا می‌دانید؟", "بله می‌دانم!"]),
 ("fa", "او گفت: «بیا.» سپس رفت.", ["او گفت: «بیا.»", "سپس رفت."]),
 ("fa", "طول سال ۳۶۵٫۲۴ روز است. سال ۴۰۰ ق.م. بود. بعد رفت.", ["طول سال ۳۶۵٫۲۴ روز است.", "سال ۴۰۰ ق.م. بود.", "بعد رفت."]),
 ("fa", "مورخ ۹/۱/۹۳. بعد آمد.", ["مورخ ۹/۱/۹۳.", "بعد آمد."]),
 ("fa", "مرورگرها (مثل گوگل کروم، سافاری، فایرفاکس و...) عاشق آن هستند. مرورگرها طراحی شده‌اند.", ["مرورگرها (مثل گوگل کروم، سافاری، فایرفاکس و...) عاشق آن هستند.", "مرورگرها طراحی شده‌اند."]),
 ("fa", "سیب، گلابی و... را خرید. سپس رفت.", ["سیب، گلابی و... را خرید.", "سپس رفت."]),
 ("fa", "به https://djangogirls.org بروید. سپس صبر کنید.", ["به https://djangogirls.org بروید.", "سپس صبر کنید."]),
 ("fa", "صدها و هزاران دستگاه! کیلومترها سیم!", ["صدها و هزاران دستگاه!", "کیلومترها سیم!"]),
 ("fa", "۱. نخستین گام را بردارید.", ["۱. نخستین گام را بردارید."]),
 ("fa", "این روش (نگاه کنید به ص. ۱۲) درست است. بله.", ["این روش (نگاه کنید به ص. ۱۲) درست است.", "بله."]),
 ("fa", "در سال ۱۹۹۰ م. رئیس‌جمهور شد. سپس رفت.", ["در سال ۱۹۹۰ م. رئیس‌جمهور شد.", "سپس رفت."]),
 ("en", "Dr. Who? No. It is Mr. Who.", ["Dr. Who?", "No.", "It is Mr. Who."]),
 ("en", "He left at 5 p.m. The next day he returned.", ["He left at 5 p.m.", "The next day he returned."]),
 # a full stop typed after an ellipsis inside a quotation (The Blind Owl, as published): no sentence of its own
 ("fa", "و گفت: «لازم نیس، همین الآن‌ها… .» بعد رفت.", ["و گفت: «لازم نیس، همین الآن‌ها… .»", "بعد رفت."]),
 ("en", "He said, \"Not now… .\" Then he left.", ["He said, \"Not now… .\"", "Then he left."]),
]



@pytest.mark.parametrize("lang, text, expected", CASES, ids=[c[1][:30] for c in CASES])
def test_segmentation_survives_real_text(lang, text, expected):
    assert sentences(text, lang) == expected


def test_paragraphs_items_and_cells_always_start_a_sentence_and_footnotes_are_counted_not_read():
    here = Location("x.md", 1)
    block = m.Block(
        "quote",
        (
            m.BlockQuote(
                (
                    m.Paragraph((m.Text("First line without a stop"), m.Note((m.Paragraph((m.Text("A note. Two."),)),)))),
                    m.Paragraph((m.Text("Second. "), m.Quoted(True, (m.Text("Quoted."),)), m.Text(" Done."))),
                )
            ),
        ),
        here,
    )
    text = reading_text(block)
    assert "A note" not in text
    found = block_sentences(block, "en")
    assert [s.text for s in found] == ["First line without a stop", "Second.", "“Quoted.”", "Done."]
    assert [s.notes for s in found] == [1, 0, 0, 0]
    assert [s.alnum_start for s in found] == [0, 21, 27, 33]  # letters and digits before each


# ---------------------------------------------------------------- findings on real books


def _sentence_flags(book: Path) -> list:
    return [p for p in review(book).problems if p.code.startswith("SENTENCE-")]


@pytest.mark.parametrize("name", sorted(FAITHFUL))
def test_faithful_books_stay_silent(name):
    assert _sentence_flags(FAITHFUL[name]) == []


def test_the_real_djangogirls_translation_stays_silent():
    assert _sentence_flags(DJANGOGIRLS) == []


# One whole sentence without numbers, from the first, a middle and the last place of the sample's paragraphs.
OMITTED = [
    "Military rule, which had cast its shadow over the country for nearly seventeen years, until the beginning of "
    "the 1990s, also had a considerable impact on the country's foreign relations and foreign policy. ",
    "After that, however, Chile, guided by the above principles, devoted its efforts to expanding friendly and "
    "peaceful relations with all the countries of the world, especially those of the Western Hemisphere and above "
    "all Latin America. ",
    " For the passage from a climate of domestic polarization to one of consensual democracy requires reciprocal "
    "engagement in foreign policy, not only for theoretical reasons but out of necessity.",
    " Far from being of merely ceremonial importance, these trips provided an indispensable link for promoting the "
    "country's fundamental interests in exchanges with other international actors, while the trade, industrial, and "
    "economic delegations that accompanied him were able, through the agreements they concluded, to resolve many of "
    "Chile's problems.",
]


@pytest.mark.parametrize("omitted", OMITTED, ids=["first", "middle", "inner", "last"])
def test_an_omitted_sentence_is_missing_in_the_right_pair_and_place(tmp_path, omitted):
    book = copy_book(tmp_path / "book", SAMPLE)
    edit(book, EN, omitted, "")
    flags = _sentence_flags(book)
    assert [p.code for p in flags] == ["SENTENCE-MISSING"]
    [flag] = flags
    assert flag.location.path == EN
    english = (book / EN).read_text(encoding="utf-8").splitlines()
    line = english[flag.location.line - 1]
    before, after = _around(omitted, SAMPLE / EN)
    if after:
        assert line[flag.location.column - 1 :].startswith(after), (line, flag)
    else:
        assert before in line
    assert "has no English counterpart" in flag.message


def _around(omitted: str, path: Path) -> tuple[str, str]:
    """The words just before and just after the omitted sentence in the faithful file."""
    text = path.read_text(encoding="utf-8")
    start = text.index(omitted)
    before = text[:start].split()[-1:] or [""]
    after_text = text[start + len(omitted) :].split("\n", 1)[0].strip()
    return before[0], " ".join(after_text.split()[:3])


ADDED = "The committee met twice in the spring and wrote a long report about its work."


@pytest.mark.parametrize(
    "anchor, position",
    [
        ("It is no accident", "start"),
        ("Accordingly, the slogans", "middle"),  # beside a 288-character sentence: found by its words (issue 13)
        # after the longest sentence of the book, whose lengths fit a merge better: found by its words since
        # the everyday renderings of common words joined the lexicon (issue 13)
        ("to resolve many of Chile's problems.", "end"),
    ],
)
def test_an_added_sentence_is_reported_where_it_stands(tmp_path, anchor, position):
    book = copy_book(tmp_path / "book", SAMPLE)
    if position == "end":
        edit(book, EN, anchor, anchor + " " + ADDED)
    else:
        edit(book, EN, anchor, ADDED + " " + anchor)
    [flag] = _sentence_flags(book)
    assert flag.code == "SENTENCE-ADDED"
    line = (book / EN).read_text(encoding="utf-8").splitlines()[flag.location.line - 1]
    assert line[flag.location.column - 1 :].startswith("The committee met")
    assert "has no Persian source" in flag.message


def test_a_sentence_dropped_from_the_persian_is_an_added_english_sentence(tmp_path):
    book = copy_book(tmp_path / "book", SAMPLE)
    persian = (book / FA).read_text(encoding="utf-8")
    sentence = next(s for s in sentences(persian.split("\n\n")[-1], "fa")[1:2])
    edit(book, FA, sentence, "")
    assert [p.code for p in _sentence_flags(book)] == ["SENTENCE-ADDED"]


# Short sentences (53 and 58 characters) dropped from the DjangoGirls translation: their lengths alone hide in
# a neighbour (evidence under 4.5 nats before the lexicon); their words have renderings in no English sentence.
SHORT_OMISSIONS = [
    ("And Django is something that helps you create the content.", "و جنگو"),
    ("Maybe the user asked to change something in the data?", "شاید کاربر"),
    # found since the lexicon lost its light verbs and gained common words' everyday senses and the book's own
    # renderings (issue 13, fourth round)
    ("Since this is a Django tutorial, you might ask what Django does.", "از آنجاییکه"),
]


@pytest.mark.parametrize("omitted, persian", SHORT_OMISSIONS, ids=["last", "middle", "first"])
def test_a_short_omission_is_found_by_its_words(tmp_path, omitted, persian):
    if not DJANGOGIRLS.is_dir():
        pytest.skip("the shared corpus is not beside this checkout")
    book = copy_book(tmp_path / "book", DJANGOGIRLS)
    english = "translations/en/01-djangogirls.md"
    text = (book / english).read_text(encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if omitted in row)
    edit(book, english, omitted, "")
    [flag] = _sentence_flags(book)
    assert flag.code == "SENTENCE-MISSING"
    assert flag.location.path == english and flag.location.line == line
    assert f"(«{persian}" in flag.message and "has no English counterpart" in flag.message


def test_an_omission_beside_a_sentence_with_the_same_words_is_found(tmp_path):
    """The Persian sentence shares its words (پاسخ، فرستادن) with its neighbour, whose English has them: it was
    hidden in a merge until one word of a translation witnessed one word of its source, not one in each
    sentence of the merge."""
    book = copy_book(tmp_path / "book", DJANGOGIRLS)
    english = "translations/en/01-djangogirls.md"
    edit(book, english, "When you send a response, you don't always want to send the same thing to everybody.", "")
    [flag] = _sentence_flags(book)
    assert flag.code == "SENTENCE-MISSING" and "(«وقتی شما پاسخ" in flag.message


def _append(book: Path, paragraphs: dict[str, str]) -> None:
    """Each file of the book (a relative path) with one more paragraph at its end."""
    for relative, paragraph in paragraphs.items():
        path = book / relative
        path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + paragraph + "\n", encoding="utf-8")


def test_a_loose_but_faithful_rendering_stays_silent(tmp_path):
    """«نکته خوبی است.» ("a good point") rendered freely, with words the Persian does not have: not an addition.
    (DjangoGirls tutorial, python_introduction, CC BY-SA; this pair was flagged by lengths alone in the full
    tutorial.)"""
    if not DJANGOGIRLS.is_dir():
        pytest.skip("the shared corpus is not beside this checkout")
    book = copy_book(tmp_path / "book", DJANGOGIRLS)
    pairs = {
        "source/01-djangogirls.md": "چه زمانی از لیست و چه زمانی از دیکشنری باید استفاده کرد؟ نکته خوبی است. "
        "قبل از دیدن خط بعد به پاسخ فکر کنید.",
        "translations/en/01-djangogirls.md": "When should you use a dictionary or a list? Well, that's a good point "
        "to ponder. Think about the answer before looking at it in the next line.",
    }
    _append(book, pairs)
    assert _sentence_flags(book) == []


def test_a_free_last_sentence_beside_a_merge_stays_silent(tmp_path):
    """A last sentence rendered with none of its words ("at least it is a little clearer now" as "hopefully it
    looks slightly less magic") while the sentence before it is expanded: not an addition, though a merge of the
    two Persian sentences fits the middle English one.  (DjangoGirls tutorial, django_models, CC BY-SA; flagged
    in the full tutorial until the alternative of pairing the lone sentence with the merge's neighbour was
    weighed.)"""
    book = copy_book(tmp_path / "book", DJANGOGIRLS)
    pairs = {
        "source/01-djangogirls.md": "اگر هنوز چیزی در مورد مدل‌ها برای شما مبهم است حتماً از مربی خود بپرسید! "
        "می‌دانیم که یادگرفتن مفاهیم اشیاء و توابع به طور همزمان، پیچیده است. ولی حداقل الان کمی برای شما واضح‌تر شده است!",
        "translations/en/01-djangogirls.md": "If something is still not clear about models, feel free to ask your "
        "coach! We know it is complicated, especially when you learn what objects and functions are at the same time. "
        "But hopefully it looks slightly less magic for you now!",
    }
    _append(book, pairs)
    assert _sentence_flags(book) == []


def test_names_the_lexicon_does_not_know_tell_which_sentence_is_missing(tmp_path):
    """Three Persian sentences alike but for a place name, the English has the first two: only the names, known
    to no lexicon but spelled alike in both scripts (سانتیاگو, Santiago), say the third is the one left out.
    Without them the aligner blamed the middle sentence."""
    book = copy_book(tmp_path / "book", SAMPLE)
    pairs = {
        FA: "هیئت چند روز در سانتیاگو ماند و با مقامات دیدار کرد. هیئت چند روز در والپارایسو ماند و با مقامات "
        "دیدار کرد. هیئت چند روز در کنسپسیون ماند و با مقامات دیدار کرد.",
        EN: "The delegation stayed a few days in Santiago and met officials. The delegation stayed a few days in "
        "Valparaiso and met officials.",
    }
    _append(book, pairs)
    [flag] = _sentence_flags(book)
    assert flag.code == "SENTENCE-MISSING"
    assert "Persian sentence 3 of 3 («هیئت چند روز در کنسپسیون" in flag.message


def test_acceptance_check_output_and_exchange_notes(tmp_path):
    book = copy_book(tmp_path / "book", SAMPLE)
    edit(book, EN, OMITTED[1], "")
    run = run_cli(book, "check")
    assert run.code == 0 and "[SENTENCE-MISSING]" in run.err and "1 warning" in run.out
    run = run_cli(book, "export", "--format", "xliff")
    assert run.code == 0
    tree = etree.parse(str(book / "build/pairs.fa-en.xlf"))
    notes = tree.xpath("//x:note[@category='flag']/text()", namespaces={"x": "urn:oasis:names:tc:xliff:document:2.0"})
    assert any(note.startswith("SENTENCE-MISSING: ") for note in notes)
    [flag] = _sentence_flags(book)
    pair = flag.message.rsplit("(pair ", 1)[1].rstrip(")")
    (book / "translations/en/review.toml").write_text(
        f'[[accept]]\npair = "{pair}"\ncode = "SENTENCE-MISSING"\nreason = "the editor cut it on purpose"\n', encoding="utf-8"
    )
    run = run_cli(book, "check", "--strict")
    assert run.code == 0, run.err
    assert "no warnings" in run.out


# ---------------------------------------------------------------- the review edition


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    book = copy_book(tmp_path_factory.mktemp("sentences") / "book", SAMPLE)
    edit(book, EN, OMITTED[1], "")
    edit(book, EN, "It is no accident", ADDED + " It is no accident")
    run = run_cli(book, "review")
    assert run.code == 0, run.err
    return book, book / "build/review.fa-en.html"


def test_every_sentence_is_linked_to_its_counterpart_in_the_html(edition):
    book, path = edition
    document = lxml_html.fromstring(path.read_bytes())
    rows = document.xpath("//tr[contains(@class, 'pair')]")
    assert len(rows) == 9
    for row in rows:
        source, target = row.xpath("td[contains(@class, 'side')]")[:2]
        s_keys = {span.get("data-s") for span in source.xpath(".//span[@data-s]")}
        t_keys = {span.get("data-s") for span in target.xpath(".//span[@data-s]")}
        assert s_keys and t_keys
        unmatched = {span.get("data-s") for span in row.xpath(".//span[contains(@class, 's-unmatched')]")}
        assert s_keys ^ t_keys == unmatched  # a key on one side only is exactly an unmatched sentence
        pair = row.xpath("string(.//span[@class='pair-id'])").split()[-1]
        assert all(key.startswith(pair + "-") for key in s_keys | t_keys)
        # every letter of the body is inside a sentence
        for side in (source, target):
            blocks = [c for c in side if c.tag in ("p", "ul", "ol", "h1", "h2") and c.get("class") not in ("meta", "empty")]
            body = "".join(etree.tostring(c, encoding="unicode", with_tail=False) for c in blocks)
            covered = sum(ch.isalnum() for span in side.xpath(".//span[@data-s]") for ch in span.text_content())
            assert covered == alnum_count(body)
    [missing] = document.xpath("//li[@data-code='SENTENCE-MISSING']")
    [quote] = missing.xpath(".//bdi[@dir='rtl']")  # the Persian words keep their order inside the English message
    assert quote.text.startswith("«") and quote.text.endswith("»")
    flagged = document.xpath("//span[contains(@class, 's-flagged')]")
    assert {span.xpath("string(ancestor::td/@lang)") for span in flagged} == {"fa", "en"}


def test_focus_and_hover_highlight_the_counterpart_in_a_real_browser(edition, tmp_path):
    if shutil.which("chromium") is None:
        pytest.fail("chromium is not installed: run tools/system-deps.sh")
    _, path = edition
    linked = "[...document.querySelectorAll('.s-linked')].map(e => [e.closest('td').lang, e.dataset.s])"
    with Chromium(tmp_path / "profile") as browser:
        browser.open(path.as_uri())
        assert browser.evaluate(linked) == []
        # keyboard: Tab moves focus to the first sentence; it and its counterpart are marked
        browser.call("Input.dispatchKeyEvent", {"type": "keyDown", "key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9})
        browser.call("Input.dispatchKeyEvent", {"type": "keyUp", "key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9})
        for _ in range(3):  # past the summary's controls and links, to the first sentence
            if browser.evaluate("document.activeElement.matches('span[data-s]')"):
                break
            browser.evaluate("document.querySelector('span[data-s]').focus()")
        assert browser.evaluate("document.activeElement.matches('span[data-s]')")
        marked = browser.evaluate(linked)
        assert {lang for lang, _ in marked} == {"fa", "en"} and len({key for _, key in marked}) == 1
        # pointing: the mouse over an English sentence of a long pair marks its Persian sentence
        key = browser.evaluate("document.querySelectorAll('td[lang=en] span.s:not(.s-unmatched)')[3].dataset.s")
        box = browser.evaluate(
            f"(() => {{ const e = document.querySelector('td[lang=en] span[data-s=\"{key}\"]'); e.scrollIntoView({{block: 'center'}});"
            " const r = e.getClientRects()[0]; return [r.x + 3, r.y + r.height / 2]; })()"
        )
        browser.call("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": box[0], "y": box[1]})
        marked = browser.evaluate(linked)
        assert {lang for lang, _ in marked} == {"fa", "en"} and {k for _, k in marked} == {key}
        # without colour: the mark is an outline and a double underline; an unmatched sentence is underlined wavy
        style = browser.evaluate("(() => { const s = getComputedStyle(document.querySelector('.s-linked'));"
                                 " return [s.outlineStyle, s.textDecorationStyle]; })()")
        assert style == ["solid", "double"]
        wavy = browser.evaluate("getComputedStyle(document.querySelector('.s-unmatched')).textDecorationStyle")
        assert wavy == "wavy"
        assert browser.exceptions() == []
        assert all(url.startswith(("file:", "data:")) for url in browser.requested_urls())


def test_a_very_long_pair_aligns_in_bounded_time():
    import time

    from parallelbook.review.sentences import SentenceModel, align_sentences
    from parallelbook.text.sentences import Sentence

    def side(count, word):
        return [Sentence(i, f"{word} number {i} is here.", 0, 0, 0, 0) for i in range(count)]

    started = time.process_time()
    result = align_sentences(side(400, "Jomle"), side(399, "Sentence"), SentenceModel(ratio=1.0), "fa", "en")
    assert time.process_time() - started < 5  # a band around the diagonal: linear, not 400 x 400 cells
    assert sum(step.shape == (1, 1) for step in result.steps) >= 390
    huge = align_sentences(side(3000, "a"), side(3000, "b"), SentenceModel())
    assert huge.steps[0].shape == (3000, 3000) and huge.unmatched == ()


def test_sentence_length_skips_exactly_white_space_and_format_characters():
    import unicodedata

    from parallelbook.review.sentences import length

    plane = [chr(c) for c in range(0x10000) if not 0xD800 <= c < 0xE000]
    invisible = [ch for ch in plane if ch.isspace() or unicodedata.category(ch) == "Cf"]
    assert length("".join(plane)) == len(plane) - len(invisible)
    assert length("می\u200cشود «نه»") == 9  # the ZWNJ and the space are not counted


def test_a_url_or_code_goes_whole_into_one_sentence_span():
    """A URL (with its <wbr> break opportunities) or a piece of code is never cut into a span per piece."""
    from markupsafe import Markup

    from parallelbook.render.sentence_spans import SentenceMark, alnum_count, mark_sentences

    body = Markup(
        '<p>See <span class="url">https://<wbr>example.com/<wbr>report-2021</span> now. '
        "Then run <code>manage.<wbr>py</code> again.</p>"
    )
    second = len("Seehttpsexamplecomreport2021now")
    marks = [SentenceMark(0, "k-1", "s", "first"), SentenceMark(second, "k-2", "s", "second")]
    marked = str(mark_sentences(body, marks))
    assert (
        '<span class="s" data-s="k-1" title="first"><span class="url">https://<wbr>example.com/<wbr>report-2021</span></span>'
        in marked
    )
    assert '<span class="s" data-s="k-2" title="second"><code>manage.<wbr>py</code></span>' in marked
    assert alnum_count(Markup(marked)) == alnum_count(body)


def test_an_exclamation_pairs_with_an_exclamation():
    """Like a question, an exclamation is kept by a translation: pairing «چه شهر زیبایی!» with a sentence
    that has none costs more than with one that has one, the lengths and words being alike."""
    from parallelbook.review.sentences import Anchors, _combined_cost
    from parallelbook.text.sentences import Sentence

    def anchors(text: str, lang: str) -> Anchors:
        return Anchors.of(Sentence(0, text, 0, len(text), 0, 0), lang)

    persian = anchors("چه شهر زیبایی!", "fa")
    assert persian.exclamation == 1
    kept = _combined_cost(persian, anchors("What a beautiful city!", "en"), source_is_latin=False)
    lost = _combined_cost(persian, anchors("The city is beautiful.", "en"), source_is_latin=False)
    assert lost > kept


def _sentences_of(*texts: str):
    from parallelbook.text.sentences import Sentence

    return tuple(Sentence(i, text, 0, len(text), 0, 0) for i, text in enumerate(texts))


def test_a_long_persian_sentence_may_become_four_english_ones():
    """Literary Persian strings clauses together with ؛ and و where English makes sentences of them (The Blind
    Owl, as published, twice): one step, nothing left over.  With at most three it left one English sentence
    unmatched."""
    from parallelbook.review.sentences import SentenceModel, align_sentences

    persian = _sentences_of(
        "در میان باغ پیرمردی زیر درخت بید نشسته بود و کتابی کهنه در دست داشت؛ کنارش دختری جوان با گل‌های سرخ "
        "بازی می‌کرد و گل‌ها را یکی یکی در دست پیرمرد می‌گذاشت؛ پیرمرد گل‌ها را می‌بویید و لبخند می‌زد و چیزی زیر لب می‌خواند."
    )
    english = _sentences_of(
        "In the middle of the garden an old man sat under a willow tree.",
        "He held an old book in his hand.",
        "Beside him a young girl was playing with red roses.",
        "She put the roses one by one into the old man's hand; he smelled them, smiled and hummed something.",
    )
    result = align_sentences(persian, english, SentenceModel(ratio=1.0, variance=3.0), "fa", "es")
    assert [step.shape for step in result.steps] == [(1, 4)] and result.unmatched == ()


def test_a_question_answered_by_an_exclamation_is_one_difference():
    """چه باغ زیبایی بود؟ — "What a beautiful garden it was!": Persian asks what English exclaims; the anchors
    count that once, as they count a question one side lacks, not as two marks missing."""
    from parallelbook.review.sentences import ANCHOR_COST, Anchors, _combined_cost

    asks, exclaims, plain = (
        Anchors.of(s, lang)
        for s, lang in zip(
            _sentences_of("چه باغ زیبایی بود؟", "What a beautiful garden it was!", "It was a garden."), ("fa", "en", "en")
        )
    )
    assert _combined_cost(asks, exclaims, False) == ANCHOR_COST == _combined_cost(asks, plain, False)


def test_a_word_said_twice_witnesses_two_words_of_the_translation():
    """دست twice in one Persian sentence may stand behind "hand" in two English sentences of a merge: one word
    of a source witnesses one word of its translation, but each of its occurrences counts."""
    from parallelbook.review.sentences import LexicalModel, SentenceModel, _Scorer
    from parallelbook.text.lexicon import bundled_lexicon, english_stem

    persian = _sentences_of("پیرمرد کتاب را در دست گرفت و با دست دیگر گل را به دختر داد.", "دختر خندید.")
    english = _sentences_of("The old man took the book in his hand.", "With his other hand he gave the girl a flower.")
    model = SentenceModel(lexical=LexicalModel(bundled_lexicon()))
    scorer = _Scorer(persian, english, model, "fa", "en")
    hand = english_stem("hand")
    assert scorer._in_source(0, hand) == 2 and scorer._in_source(1, hand) == 0
    # the first Persian sentence against both English ones (a 1-2 step): "hand" stays found in both
    masks = [scorer._run_mask(scorer._target_found, range(1), j, first=False) for j in (0, 1)]
    scorer._witness_once(masks, 0, "t", lambda word: scorer._in_source(0, word))
    assert all(masks[j] >> scorer.t_words[j].index(hand) & 1 for j in (0, 1))


def test_a_wider_merge_than_the_programme_makes_is_weighed_at_the_books_own_rate():
    """A lone English sentence beside a 1-4 step is weighed against a 1-5 step: its prior continues the book's
    own fall from 1-3 to 1-4 (a book that often splits long sentences keeps 1-5 plausible), not the square of
    the square of a 2-1 step (which made a free 1-6 rendering of The Blind Owl an addition)."""
    from parallelbook.review.sentences import SentenceModel

    free = SentenceModel(priors=(((1, 1), 0.68), ((1, 3), 0.047), ((1, 4), 0.021), ((2, 1), 0.071), ((1, 0), 0.005)))
    assert free.prior((1, 5)) == pytest.approx(0.021 * 0.021 / 0.047)
    assert free.prior((5, 1)) == free.prior((2, 1)) ** 4  # no 4-1 step learnt: the general rule
    strict = SentenceModel()  # the defaults: 1-3 at 0.01, 1-4 at 0.002
    assert strict.prior((1, 6)) == pytest.approx(0.002 * 0.2**2) and strict.prior((1, 6)) < free.prior((1, 6))


def test_a_sentence_glued_to_another_is_found_on_both_sides(tmp_path):
    """An added sentence after a colon is part of the sentence before it ("It looks like this: Many of the …"),
    which then reads as the translation of nothing; its Persian sentence («چیزی شبیه به این:») is left alone
    beside it.  Two such sentences side by side were taken as a reworded passage and never reported; now they
    are when reading them as each other's translation is far-fetched, each flag naming the other."""
    book = copy_book(tmp_path / "book", DJANGOGIRLS)
    english = "translations/en/01-djangogirls.md"
    edit(book, english, "It looks like this:", "It looks like this: Many of the delegates later wrote memoirs about their experiences.")
    line = line_of(book, english, "We drew you a picture!")
    flags = sorted(_sentence_flags(book), key=lambda p: p.code)
    assert [(p.code, p.location.path, p.location.line) for p in flags] == [
        ("SENTENCE-ADDED", english, line),
        ("SENTENCE-MISSING", english, line),
    ]
    assert "(“It looks like this: Many of…”) says more than, or other than, the Persian sentence beside it" in flags[0].message
    assert "(«چیزی شبیه به این:») is not what the English sentence beside it says" in flags[1].message
