"""`check`: broken variants of a small book, and the exact codes and places reported.

Every variant is the fixture book with a few edits.  The expected place is
computed from the edited files (the line where the edited text is), never
copied from the tool's output, so a passing test means the reported
location is the true one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from review_conftest_helpers import (
    EN1,
    EN2,
    FIXTURE,
    SAMPLE,
    SRC1,
    SRC2,
    copy_book,
    edit,
    found,
    line_of,
    problems,
    run_cli,
    snapshot,
    where,
)

from parallelbook.read.alignment import LengthModel, diagnose
from parallelbook.read.markdown import parse_blocks
from parallelbook.review.codes import ACCEPTABLE, CODES
from parallelbook.review.flags import pair_findings
from parallelbook.review.numbers import number_differences

Edit = tuple[str, str, str]  # (file, old text, new text)


@dataclass(frozen=True)
class Variant:
    name: str
    edits: tuple[Edit, ...]
    # (code, file, anchor: text on the reported line, needle: text at the reported column or None)
    expected: tuple[tuple[str, str, str, str | None], ...]
    # (code, file, anchor): the message must name this place (`path:line` or `:line`)
    mentions: tuple[tuple[str, str, str], ...] = ()
    extra_files: dict[str, str | None] = field(default_factory=dict)  # file -> text (None: delete)


FIRST_SIX = "The first six months of the year have 31 days and the next five have 30 days. Esfand, the last month of the year, has 29 days in common years and 30 days in leap years.\n\n"
OFFICIAL = "The official calendar of Iran is the Solar Hijri calendar. In this calendar"
NOWRUZ = "Nowruz is the festival of the new year"
WHY = "Why does Nowruz begin at the moment of the spring equinox?"
SOLAR = "The solar year is about 365.24 days long, which is why a leap year comes roughly once every four years."
PERSIAN_SOLAR = "طول سال خورشیدی حدود ۳۶۵٫۲۴ روز است و به همین دلیل تقریباً هر چهار سال یک بار سالی کبیسه می‌آید."

VARIANTS = (
    Variant(
        "paragraph dropped",
        ((EN1, FIRST_SIX, ""),),
        (("ALIGN-MISSING", EN1, "- Farvardin", None),),
        mentions=(("ALIGN-MISSING", SRC1, "شش ماه نخست"),),
    ),
    Variant(
        "two paragraphs merged",
        ((EN2, ".\n\n" + WHY, ". " + WHY),),
        (("ALIGN-MERGED", EN2, NOWRUZ, None),),
        mentions=(("ALIGN-MERGED", SRC2, "نوروز جشن آغاز"), ("ALIGN-MERGED", SRC2, "چرا نوروز")),
    ),
    Variant(
        "paragraph split",
        ((EN1, "Solar Hijri calendar. In this calendar", "Solar Hijri calendar.\n\nIn this calendar"),),
        (("ALIGN-SPLIT", EN1, OFFICIAL[:40], None),),
        mentions=(("ALIGN-SPLIT", SRC1, "تقویم رسمی ایران"), ("ALIGN-SPLIT", EN1, "In this calendar the year")),
    ),
    Variant(
        "paragraph added",
        (
            (
                EN2,
                "(about 12 hours each).\n\n",
                "(about 12 hours each).\n\nBefore the new year families clean their houses from top to bottom, a custom "
                "known as khane-tekani, or shaking the house.\n\n",
            ),
        ),
        (("ALIGN-EXTRA", EN2, "Before the new year families", None),),
        mentions=(("ALIGN-EXTRA", SRC2, "چرا نوروز"), ("ALIGN-EXTRA", SRC2, "## سفرهٔ هفت‌سین")),
    ),
    Variant(
        "two mismatches in one chapter",
        ((EN1, FIRST_SIX, ""), (EN1, "every four years.\n\nThis calendar", "every four years. This calendar")),
        (("ALIGN-MISSING", EN1, "- Farvardin", None), ("ALIGN-MERGED", EN1, "The solar year", None)),
        mentions=(("ALIGN-MISSING", SRC1, "شش ماه نخست"), ("ALIGN-MERGED", SRC1, "این تقویم در سال")),
    ),
    Variant(
        "heading translated as a paragraph",
        ((EN2, "## The Haft-Sin Table", "The Haft-Sin Table"),),
        (("ALIGN-KIND", EN2, "The Haft-Sin Table", None),),
        mentions=(("ALIGN-KIND", SRC2, "## سفرهٔ هفت‌سین"),),
    ),
    Variant(
        "numbers changed",
        ((EN1, "have 31 days", "have 30 days"),),
        (("NUMBER-MISMATCH", EN1, "have 30 days", "30"),),
    ),
    Variant(
        "left untranslated (the Persian copied)",
        ((EN1, SOLAR, PERSIAN_SOLAR),),
        (("UNTRANSLATED", EN1, PERSIAN_SOLAR[:20], None),),
    ),
    Variant(
        "left untranslated (other Persian text)",
        ((EN1, SOLAR, "سال خورشیدی را باید ترجمه کرد."),),
        (("UNTRANSLATED", EN1, "سال خورشیدی را", None),),
    ),
    Variant(
        "left untranslated (empty heading)",
        ((EN2, "## The Haft-Sin Table", "##"),),
        (("UNTRANSLATED", EN2, "^##", None),),
    ),
    Variant(
        "translation far too long",
        (
            (
                EN2,
                "(about 12 hours each).",
                "(about 12 hours each). Astronomers in Isfahan computed the moment of the equinox with great care "
                "for centuries, and the court announced it to the people with drums and trumpets from the roofs of "
                "the city, so that every household could begin the new year together at the same instant.",
            ),
        ),
        # the added sentence is also found as a sentence of its own (issue 13)
        (("LENGTH-RATIO", EN2, WHY, None), ("SENTENCE-ADDED", EN2, WHY, "Astronomers in Isfahan")),
    ),
    Variant(
        "parenthesis left open",
        ((EN2, "(about 12 hours each).", "(about 12 hours each."),),
        (("BRACKET-UNBALANCED", EN2, WHY, None),),
    ),
    Variant(
        "parentheses dropped",
        ((EN2, "in length (about 12 hours each).", "in length, about 12 hours each."),),
        (("BRACKET-MISSING", EN2, WHY, None),),
    ),
    Variant(
        "quotation dropped",
        ((EN2, 'the letter "s"', "the letter s"),),
        (("QUOTE-MISSING", EN2, "The Haft-Sin table holds", None),),
    ),
    Variant(
        "footnote dropped",
        ((EN1, "in 1304[^1] and", "in 1304 and"), (EN1, "\n[^1]: Act of the National Consultative Assembly, 11 Farvardin 1304.\n", "")),
        (("NOTE-MISMATCH", EN1, "This calendar was adopted", None), ("NUMBER-MISMATCH", EN1, "This calendar was adopted", None)),
    ),
    Variant(
        "link dropped",
        ((EN2, "[List of the Intangible Cultural Heritage](https://ich.unesco.org/en/RL/nowruz-02097)", "List of the Intangible Cultural Heritage"),),
        (("LINK-MISMATCH", EN2, NOWRUZ, None),),
    ),
    Variant(
        "URL written out in one language only",
        ((EN2, "celebrate it.", "celebrate it (see https://en.wikipedia.org/wiki/Nowruz)."),),
        (("URL-MISMATCH", EN2, NOWRUZ, "https://en.wikipedia.org/wiki/Nowruz"),),
    ),
    Variant(
        "question made a statement",
        ((EN2, WHY, "Nowruz begins at the moment of the spring equinox."),),
        (("QUESTION-MISMATCH", EN2, "Nowruz begins at the moment", None),),
    ),
    Variant(
        "translation file missing",
        (),
        (("TRANSLATION-MISSING", SRC2, "", None),),
        extra_files={EN2: None},
    ),
    Variant(
        "translation without a source",
        (),
        (("SOURCE-MISSING", "translations/en/03-extra.md", "", None),),
        extra_files={"translations/en/03-extra.md": "# Extra\n\nA chapter nobody wrote in Persian.\n"},
    ),
)


def _expected_location(book: Path, file: str, anchor: str, needle: str | None) -> str:
    if not anchor:
        return file
    return where(book, file, anchor, needle)


def _mention(book: Path, file: str, anchor: str) -> str:
    return f"{file}:{line_of(book, file, anchor)}"


@pytest.fixture(scope="module")
def variants(tmp_path_factory) -> dict[str, tuple[Path, list]]:
    """Every variant built and checked once."""
    from review_conftest_helpers import review

    results = {}
    for index, variant in enumerate(VARIANTS):
        book = copy_book(tmp_path_factory.mktemp(f"variant{index}"))
        for file, old, new in variant.edits:
            edit(book, file, old, new)
        for file, text in variant.extra_files.items():
            if text is None:
                (book / file).unlink()
            else:
                (book / file).write_text(text, encoding="utf-8")
        results[variant.name] = (book, list(review(book).problems))
    return results


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.name for v in VARIANTS])
def test_variant_reports_exact_codes_and_locations(variants, variant):
    book, reported = variants[variant.name]
    expected = {(code, _expected_location(book, file, anchor, needle)) for code, file, anchor, needle in variant.expected}
    assert {(p.code, str(p.location)) for p in reported} == expected, "\n".join(map(str, reported))
    for code, file, anchor in variant.mentions:
        line = line_of(book, file, anchor)
        messages = [p.message for p in reported if p.code == code]
        assert any(f"{file}:{line}" in m or f" :{line}" in m for m in messages), (file, line, messages)


def test_clean_fixture_and_sample_report_nothing():
    assert problems(FIXTURE) == []
    assert problems(SAMPLE) == []


def test_check_writes_nothing_and_exits_by_severity(tmp_path):
    book = copy_book(tmp_path / "book")
    before = snapshot(book)
    clean = run_cli(book, "check", "--strict")
    assert (clean.code, clean.err) == (0, "")
    assert "checked 15 pairs in 2 chapters (fa-en): no errors, no warnings" in clean.out

    edit(book, EN1, "have 31 days", "have 30 days")
    warned = run_cli(book, "check")
    assert warned.code == 0
    line = line_of(book, EN1, "have 30 days")
    column = (book / EN1).read_text().splitlines()[line - 1].index("30") + 1
    printed = warned.err.strip().splitlines()
    assert len(printed) == 1
    assert printed[0].startswith(f"{EN1}:{line}:{column}: warning: numbers differ: 31 in the Persian is not in the English; ")
    assert printed[0].endswith("[NUMBER-MISMATCH]")
    assert run_cli(book, "check", "--strict").code == 1

    edit(book, EN1, FIRST_SIX.replace("31", "30", 1), "")
    failed = run_cli(book, "check")
    assert failed.code == 1
    assert f"{EN1}:{line_of(book, EN1, '- Farvardin')}:1: error: Persian paragraph {SRC1}:" in failed.err
    assert snapshot(book) == {**before, **{EN1: (book / EN1).read_bytes()}}
    assert not (book / "build").exists()


def test_accepting_a_flag_silences_it_until_the_pair_changes(tmp_path):
    book = copy_book(tmp_path / "book")
    edit(book, EN1, "has 29 days in common years", "has twenty-nine days in common years")
    assert found(book) == set()  # a number written as English words is the same number

    edit(book, EN1, "in 1304[^1]", "in 1925[^1]")
    [flag] = [p for p in _review(book).problems]
    assert flag.code == "NUMBER-MISMATCH"
    pair = flag.message.rsplit("(pair ", 1)[1].rstrip(")")
    accept = book / "translations/en/review.toml"
    accept.write_text(
        f'[[accept]]\npair = "{pair}"\ncode = "NUMBER-MISMATCH"\nreason = "the year is given in the Gregorian calendar"\n',
        encoding="utf-8",
    )
    reviewed = _review(book)
    assert reviewed.problems == ()
    [row] = [r for r in reviewed.languages[0].rows() if r.accepted]
    assert row.accepted[0][1] == "the year is given in the Gregorian calendar"

    edit(book, EN1, "almost unchanged", "nearly unchanged")  # the pair changed: the acceptance no longer holds
    assert found(book) == {
        ("NUMBER-MISMATCH", where(book, EN1, "This calendar was adopted", "1925")),
        ("ACCEPT-UNUSED", "translations/en/review.toml:1"),
    }


def test_malformed_accept_entries_are_errors(tmp_path):
    book = copy_book(tmp_path / "book")
    accept = book / "translations/en/review.toml"
    accept.write_text(
        '[[accept]]\npair = "0123456789ab"\ncode = "ALIGN-MISSING"\nreason = "no"\n\n'
        '[[accept]]\npair = "0123456789ab"\ncode = "NUMBER-MISMATCH"\n\n'
        '[[accept]]\npair = "xyz"\ncode = "NUMBER-MISMATCH"\nreason = "r"\n',
        encoding="utf-8",
    )
    assert found(book) == {
        ("ACCEPT-INVALID", "translations/en/review.toml:1"),
        ("ACCEPT-INVALID", "translations/en/review.toml:6"),
        ("ACCEPT-INVALID", "translations/en/review.toml:10"),
    }
    accept.write_text("[[accept]\n", encoding="utf-8")
    assert found(book) == {("ACCEPT-INVALID", "translations/en/review.toml:1")}


def _review(book):
    from review_conftest_helpers import review

    return review(book)


# ---------------------------------------------------------------- pure parts


@pytest.mark.parametrize(
    "persian, english",
    [
        ("دهه ۹۰", "the 1990s"),
        ("مورخ ۹/۱/۹۳", "9/1/93"),
        ("هفده سال", "seventeen years"),
        ("هفده سال", "17 years"),
        ("۳۴ ماه", "thirty-four months"),
        ("۱۲٬۵۰۰ نفر", "12,500 people"),
        ("۲٫۵ درصد", "2.5 per cent"),
        ("۲/۵ درصد", "2.5 per cent"),
        ("٣٤ ماه", "34 months"),
        ("روز سیزدهم", "the 13th day"),
        ("بیست و پنج سال", "25 years"),
        ("سال ۹۳", "in 1993"),
    ],
)
def test_numbers_that_are_the_same(persian, english):
    assert number_differences(persian, english) == ([], [])


@pytest.mark.parametrize(
    "persian, english, missing, extra",
    [
        ("۳۱ روز", "30 days", ["31"], ["30"]),
        ("۱۲٬۵۰۰ نفر", "1,250 people", ["12500"], ["1,250"]),
        ("سال ۱۳۰۴", "in 1925", ["1304"], ["1925"]),
        ("دهه ۹۰", "the 1980s", ["90"], ["1980"]),
        ("۱۷ سفر", "many trips", ["17"], []),
    ],
)
def test_numbers_that_differ(persian, english, missing, extra):
    found_missing, found_extra = number_differences(persian, english)
    assert (found_missing, [t.raw for t in found_extra]) == (missing, extra)


def _block(text: str, path: str):
    blocks, _ = parse_blocks(text, path)
    return blocks


def test_length_flag_follows_the_books_own_ratio():
    source = _block("این جمله‌ای نسبتاً کوتاه است که چیزی را توضیح می‌دهد.", "s.md")[0]
    target = _block("This is a fairly short sentence that explains something.", "t.md")[0]
    codes = lambda model: [f.code for f in pair_findings(source, target, model)]
    assert codes(LengthModel(1.2, 6.8)) == []
    assert codes(LengthModel(4.0, 6.8)) == ["LENGTH-RATIO"]  # a book whose translations run four times longer


def test_diagnose_without_a_book_model_locates_a_dropped_paragraph():
    source = (SAMPLE / "source/01-chile-foreign-policy.md").read_text()
    target = (SAMPLE / "translations/en/01-chile-foreign-policy.md").read_text()
    dropped = target.split("\n\n")
    del dropped[7]
    s_blocks, t_blocks = _block(source, "source/01.md"), _block("\n\n".join(dropped), "translations/en/01.md")
    [problem] = diagnose(s_blocks, t_blocks, target_lang="en")
    assert (problem.code, str(problem.location)) == ("ALIGN-MISSING", "translations/en/01.md:15:1")
    assert "Persian paragraph source/01.md:22 has no translation" in problem.message
    assert diagnose(s_blocks, _block(target, "t.md")) == []


def test_every_code_is_documented_and_fired_by_a_test():
    docs = (SAMPLE / "docs" / "checks.md").read_text(encoding="utf-8")
    tests = "".join(path.read_text(encoding="utf-8") for path in (SAMPLE / "tests").glob("test_*.py"))
    for code in CODES:
        assert f"`{code}`" in docs, f"{code} is not documented in docs/checks.md"
        assert f'"{code}"' in tests, f"no test fires {code}"
    assert ACCEPTABLE <= set(CODES)


def test_unknown_language_is_a_usage_error():
    run = run_cli(FIXTURE, "check", "--lang", "de")
    assert run.code == 2
    assert run.err.strip() == "--lang: error: the book has no de translation; it has: en [USAGE]"


def test_unbalanced_source_is_reported_on_the_source_and_short_translations_too():
    source = _block("این جمله (با پرانتزی باز است و کمی طولانی‌تر از معمول نوشته شده تا طول آن معنی داشته باشد.", "s.md")[0]
    target = _block("This sentence (with an open parenthesis is a little longer than usual so that its length means something.)", "t.md")[0]
    [finding] = pair_findings(source, target, LengthModel(1.3, 6.8))
    assert (finding.code, finding.side) == ("BRACKET-UNBALANCED", "source")
    short = _block("Too short.", "t.md")[0]
    assert [f.code for f in pair_findings(source, short, LengthModel(1.3, 6.8))] == ["LENGTH-RATIO", "BRACKET-UNBALANCED"]


def test_a_persian_gloss_of_the_original_name_may_be_dropped():
    source = _block("پس از انتخابات، پاتریسیو اِیلوین (Patricio Aylwin) در سال ۱۹۹۰ (۱۳۶۹) رئیس‌جمهور شیلی شد.", "s.md")[0]
    target = _block("After the election, Patricio Aylwin became President of Chile in 1990 (1369).", "t.md")[0]
    assert pair_findings(source, target, LengthModel(1.3, 6.8)) == []
    dropped = _block("After the election, Patricio Aylwin became President of Chile in 1990, 1369.", "t.md")[0]
    assert pair_findings(source, dropped, LengthModel(1.3, 6.8)) == []  # (۱۳۶۹) has no Persian words either
    explained = _block("پاتریسیو اِیلوین (رئیس‌جمهور پیشین) به سانتیاگو بازگشت.", "s.md")[0]
    plain = _block("Patricio Aylwin, the former president, returned to Santiago.", "t.md")[0]
    assert [f.code for f in pair_findings(explained, plain, LengthModel(1.3, 6.8))] == ["BRACKET-MISSING"]
