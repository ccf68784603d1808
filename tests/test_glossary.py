"""The glossary: TERM-MISSING, TERM-INCONSISTENT, and a bad glossary as located errors."""

from __future__ import annotations

import pytest
from review_conftest_helpers import SAMPLE, copy_book, edit, review, run_cli

from parallelbook.review.glossary import _source_pattern, _target_pattern, fold_persian, inconsistent_names

CHAPTER = "01-chile-foreign-policy.md"
EN = f"translations/en/{CHAPTER}"
GLOSSARY = "translations/en/glossary.toml"
GOOD = """# the sample's agreed renderings
[[term]]
source = "گروه ریو"
target = ["Rio Group"]
note = "the regional forum"

[[term]]
source = "سازمان ملل"
target = ["United Nations", "UN"]

[[term]]
source = "کشور"
target = ["country", "nation", "state"]
"""


def _codes(book, prefix):
    return [p for p in review(book).problems if p.code.startswith(prefix)]


@pytest.fixture()
def book(tmp_path):
    book = copy_book(tmp_path / "book", SAMPLE)
    (book / GLOSSARY).write_text(GOOD, encoding="utf-8")
    return book


def test_a_faithful_translation_with_its_glossary_is_silent(book):
    # the sample writes گروه ريو with an Arabic yeh and کشورهاى (plural + ezafe) with alef maksura
    assert _codes(book, "TERM-") == []


def test_a_term_rendered_otherwise_is_missing_in_its_pair(book):
    edit(book, EN, "entry into the Rio Group", "entry into the Rio club")
    [flag] = _codes(book, "TERM-")
    assert flag.code == "TERM-MISSING" and flag.location.path == EN
    assert flag.location.line == 17
    assert "«گروه ریو»" in flag.message and "(translations/en/glossary.toml:2: the regional forum)" in flag.message and "“Rio Group”" in flag.message
    pair = flag.message.rsplit("(pair ", 1)[1].rstrip(")")
    (book / "translations/en/review.toml").write_text(
        f'[[accept]]\npair = "{pair}"\ncode = "TERM-MISSING"\nreason = "house style in this chapter"\n', encoding="utf-8"
    )
    assert _codes(book, "TERM-") == []


@pytest.mark.parametrize(
    "term, text",
    [
        ("گروه ریو", "ورود به گروه ريو"),  # Arabic yeh
        ("گروه ریو", "ورود به گروهِ ریو"),  # ezafe written as a kasra
        ("گروه ریو", "ورود به گروه‌ریو"),  # ZWNJ instead of a space
        ("گروه ریو", "ورود به گروه ریوی جدید"),  # ezafe ye
        ("کشور", "کشورهای همسایه"),  # plural + ezafe
        ("کشور", "کشورها را"),  # plural
        ("کشور", "کشور‌ها،"),  # plural after a ZWNJ, then an Arabic comma
        ("کتابخانه", "کتابخانهٔ ملی"),  # ezafe after heh (hamza above)
        ("کتابخانه", "کتابخانه‌ی ملی"),  # ezafe after heh written with ye
        ("کتابخانه", "کتابخانۀ ملی"),  # heh with yeh above
        ("دانشجو", "دانشجویان"),  # plural -an with the glide
        ("سازمان ملل", "سازمانِ مللِ متحد"),
    ],
)
def test_persian_terms_match_folded_and_inflected(term, text):
    pattern = _source_pattern(term)
    assert pattern.search(fold_persian(text)), (term, text)


@pytest.mark.parametrize("term, text", [("گروه", "گروهبان ارتش"), ("ملل", "بین‌المللی"), ("کشور", "لشکر")])
def test_persian_terms_do_not_match_inside_other_words(term, text):
    assert not _source_pattern(term).search(fold_persian(text))


@pytest.mark.parametrize("text", ["the Rio Group", "the Rio Groups' members", "the rio group's members", "two Rio Groups", "Rio-Group"])
def test_english_renderings_match_whole_words_any_case_with_endings(text):
    assert _target_pattern("Rio Group").search(text)


def test_english_renderings_do_not_match_inside_words():
    assert not _target_pattern("UN").search("UNESCO and the unit")


def test_a_name_spelled_two_ways_is_reported_at_the_rarer_spelling(book):
    edit(book, EN, "after Aylwin took office", "after Ailwin took office")
    edit(book, EN, "made 17 trips abroad.", "made 17 trips abroad. Aylwin travelled with Aylwin's ministers.")
    [flag] = _codes(book, "TERM-")
    assert flag.code == "TERM-INCONSISTENT"
    line = (book / EN).read_text(encoding="utf-8").splitlines()[flag.location.line - 1]
    assert line[flag.location.column - 1 :].startswith("Ailwin")
    assert "“Ailwin” (once) is spelled “Aylwin” elsewhere in the translation (2 times)" in flag.message


def test_endings_and_distant_names_are_not_spellings_of_one_name():
    texts = [(1, "America and the American states. Germany and German. Iran and Iraq. Chile and Chilean.")]
    assert inconsistent_names(texts) == {}
    assert list(inconsistent_names([(1, "Aylwin spoke."), (2, "Then Ailwin left. Aylwin came.")])) == [2]


BAD = [
    ("syntax error", '[[term]]\nsource = "گروه ریو"\ntarget = ["Rio Group"\n', 3, "not valid TOML"),
    ("syntax error inside", '[[term]]\nsource = "گروه ریو"\ntarget = ["Rio Group"]\nnote = = "x"\n', 4, "not valid TOML"),
    ("empty source", '[[term]]\nsource = "گروه ریو"\ntarget = ["Rio Group"]\n\n[[term]]\nsource = "  "\ntarget = ["x"]\n', 6, "needs a source"),
    ("empty target", '[[term]]\nsource = "گروه ریو"\ntarget = []\n', 3, "needs its renderings"),
    ("duplicate", '[[term]]\nsource = "گروه ریو"\ntarget = ["Rio Group"]\n\n[[term]]\nsource = "گروه ريو"\ntarget = ["Rio group"]\n', 5, "already a term at"),
    ("unknown key", '[[term]]\nsource = "گروه ریو"\ntarget = ["Rio Group"]\nnotes = "typo"\n', 4, "unknown key 'notes'"),
    ("unknown table", '[[terms]]\nsource = "گروه ریو"\n', 1, "unknown key 'terms'"),
]


@pytest.mark.parametrize("content, line, words", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_a_bad_glossary_is_an_error_at_its_line_and_nothing_else_changes(tmp_path, content, line, words):
    book = copy_book(tmp_path / "book", SAMPLE)
    edit(book, EN, "entry into the Rio Group", "entry into the Rio club")  # a flag a valid glossary would add
    before = [str(p) for p in review(book).problems]
    (book / GLOSSARY).write_text(content, encoding="utf-8")
    problems = review(book).problems
    [bad] = [p for p in problems if p.code == "GLOSSARY-INVALID"]
    assert (bad.location.path, bad.location.line) == (GLOSSARY, line)
    assert words in bad.message
    assert [str(p) for p in problems if p.code != "GLOSSARY-INVALID"] == before
    run = run_cli(book, "check")
    assert run.code == 1 and f"{GLOSSARY}:{line}: error: " in run.err and "[GLOSSARY-INVALID]" in run.err
    assert "Traceback" not in run.err


def test_english_plurals_of_y():
    assert _target_pattern("country").search("other countries")
    assert _target_pattern("day").search("two days")


def test_a_doubled_letter_is_a_second_spelling():
    assert list(inconsistent_names([(1, "Pinochet ruled. Pinochet left."), (2, "Pinnochet stayed.")])) == [2]
