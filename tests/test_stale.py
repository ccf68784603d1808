"""`approve` and stale tracking: the lock file, and what `check` says after edits."""

from __future__ import annotations

import tomllib

import pytest
from review_conftest_helpers import (
    CH1,
    CH2,
    EN1,
    EN2,
    SRC1,
    SRC2,
    copy_book,
    edit,
    found,
    line_of,
    review,
    run_cli,
    snapshot,
    where,
)

from parallelbook.review.approval import Approved, compare, fold, word_diff

LOCK = "translations/en/approved.lock"
SOLAR_FA = "طول سال خورشیدی حدود ۳۶۵٫۲۴ روز است"
SOLAR_EN = "The solar year is about 365.24 days long"


@pytest.fixture(scope="module")
def approved(tmp_path_factory):
    """The fixture book, approved once; tests copy it before editing."""
    book = copy_book(tmp_path_factory.mktemp("approved") / "book")
    before = snapshot(book)
    run = run_cli(book, "approve")
    assert run.code == 0, run.err
    return book, before, run


@pytest.fixture
def book(approved, tmp_path):
    source, _, _ = approved
    copy = copy_book(tmp_path / "book", source)
    return copy


def test_approve_writes_only_a_readable_lock(approved):
    book, before, run = approved
    assert run.out.strip() == f"approved 15 pairs (0 changed since the last approval) in {LOCK}"
    after = snapshot(book)
    assert set(after) - set(before) == {LOCK} and all(after[k] == before[k] for k in before)
    text = (book / LOCK).read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert (data["version"], data["source_language"], data["target_language"]) == (1, "fa", "en")
    pairs = data["pair"]
    assert [p["chapter"] for p in pairs] == [CH1] * 9 + [CH2] * 6
    assert pairs[0]["text"] == "تقویم خورشیدی"
    assert pairs[7]["text"].startswith(SOLAR_FA)
    assert text.count("[[pair]]") == 15 and text.count("\n") == 5 + 15 * 6
    assert found(book) == set()


def test_approve_is_reproducible(approved, tmp_path):
    book, _, _ = approved
    copy = copy_book(tmp_path / "again", book)
    first = (copy / LOCK).read_bytes()
    assert run_cli(copy, "approve").code == 0
    assert (copy / LOCK).read_bytes() == first


def test_source_edited_after_approval_is_stale(book):
    edit(book, SRC1, "حدود ۳۶۵٫۲۴ روز", "تقریباً ۳۶۵٫۲۴ روز")
    assert found(book) == {("STALE", where(book, EN1, SOLAR_EN))}
    [problem] = review(book).problems
    assert f"the Persian at {SRC1}:{line_of(book, SRC1, 'طول سال خورشیدی')} changed since approval" in problem.message
    assert "(−حدود +تقریباً)" in problem.message
    [row] = [r for r in review(book).languages[0].rows() if r.status != "ok"]
    assert row.status == "stale" and "حدود" in row.approved_text and "تقریباً" in row.source_text


def test_both_sides_edited_is_stale_with_the_old_text(book):
    edit(book, SRC1, "حدود ۳۶۵٫۲۴ روز", "تقریباً ۳۶۵٫۲۴ روز")
    edit(book, EN1, "is about 365.24 days", "is roughly 365.24 days")
    [problem] = review(book).problems
    assert (problem.code, str(problem.location)) == ("STALE", where(book, EN1, "The solar year is roughly"))
    assert "the translation changed too" in problem.message


def test_translation_edited_after_approval_needs_review(book):
    edit(book, EN2, "such as apples, sprouts and coins", "such as apples, wheat sprouts and coins")
    assert found(book) == {("NEEDS-REVIEW", where(book, EN2, "The Haft-Sin table holds"))}
    statuses = [r.status for r in review(book).languages[0].rows()]
    assert statuses.count("needs-review") == 1 and statuses.count("ok") == 14


def test_orthographic_fixes_do_not_make_a_pair_stale(book):
    edit(book, SRC1, "آغاز می‌شود", "آغاز ميشود")  # ZWNJ dropped, Arabic yeh: the normaliser's business
    assert found(book) == set()


def test_inserting_a_pair_marks_only_that_pair(book):
    edit(book, SRC2, "## سفرهٔ", "نوروز در بسیاری از کشورهای آسیای میانه جشن گرفته می‌شود.\n\n## سفرهٔ")
    edit(book, EN2, "## The Haft-Sin", "Nowruz is celebrated in many countries of Central Asia.\n\n## The Haft-Sin")
    assert found(book) == {("UNAPPROVED", where(book, EN2, "Nowruz is celebrated in many"))}
    rows = list(review(book).languages[0].rows())
    assert [r.status for r in rows].count("ok") == 15


def test_deleting_a_pair_leaves_the_rest_approved(book):
    edit(book, SRC1, "- تیر، مرداد و شهریور ماه‌های تابستان هستند.\n", "")
    edit(book, EN1, "- Tir, Mordad and Shahrivar are the months of summer.\n", "")
    assert found(book) == set()


def test_inserting_a_source_paragraph_only_asks_for_its_translation(book):
    edit(book, SRC2, "## سفرهٔ", "نوروز در بسیاری از کشورهای آسیای میانه جشن گرفته می‌شود.\n\n## سفرهٔ")
    assert found(book) == {("ALIGN-MISSING", where(book, EN2, "## The Haft-Sin"))}


def test_a_chapter_never_approved_is_reported_once(book):
    (book / "source/03-sizdah.md").write_text("# سیزده‌به‌در\n\nروز سیزدهم فروردین است.\n", encoding="utf-8")
    (book / "translations/en/03-sizdah.md").write_text("# Sizdah Bedar\n\nIt is the 13th of Farvardin.\n", encoding="utf-8")
    assert found(book) == {("UNAPPROVED", "translations/en/03-sizdah.md:1:1")}


@pytest.mark.parametrize(
    "text, line",
    [
        ("version = 1\n[[pair]\n", 2),
        ("version = 7\n", 1),
        ('version = 1\n\n[[pair]]\nchapter = "01-calendar.md"\nsource = "abc"\ntarget = "0123456789abcdef"\ntext = ""\n', 3),
    ],
)
def test_a_broken_lock_is_an_error(book, text, line):
    (book / LOCK).write_text(text, encoding="utf-8")
    assert found(book) == {("LOCK-INVALID", f"{LOCK}:{line}")}


def test_approve_refuses_a_misaligned_book(book):
    edit(book, EN1, "- Tir, Mordad and Shahrivar are the months of summer.\n", "")
    lock = (book / LOCK).read_bytes()
    run = run_cli(book, "approve")
    assert run.code == 2
    assert "[ALIGN-MISSING]" in run.err
    assert (book / LOCK).read_bytes() == lock


# ---------------------------------------------------------------- pure parts


def test_compare_matches_by_content_not_position():
    approved = [Approved("c", f"s{i}", f"t{i}", f"متن شماره {i} اینجاست") for i in range(5)]
    current = [("s0", "t0", ""), ("new", "tnew", "متن تازه"), ("s1", "t1", ""), ("s2", "tX", ""), ("sY", "t3", ""),
               ("sZ", "tZ", "متن شماره ۴ اینجاست ولی عوض شد")]
    statuses = [(a.status, a.approved_text) for a in compare(current, approved)]
    assert statuses == [
        ("ok", None),
        ("new", None),
        ("ok", None),
        ("needs-review", None),
        ("stale", "متن شماره 3 اینجاست"),
        ("stale", "متن شماره 4 اینجاست"),
    ]


def test_word_diff_and_fold():
    assert word_diff("یک دو سه", "یک چهار سه") == [("same", "یک"), ("deleted", "دو"), ("inserted", "چهار"), ("same", "سه")]
    assert fold("مي شود ۱۲") == fold("می‌شود 12")
    # whatever fix changes leaves the fingerprint alone (issue 12): approvals survive an upgrade
    from parallelbook.text.orthography import fix

    typed = 'کتاب ها در خانه ي ما ـ گفت "سلام" , ساعت 18 با 96% و کہ ڪتاب'
    assert fix(typed) != typed and fold(fix(typed)) == fold(typed)
    assert fold("خانه\u200cی ما") == fold("خانهٔ ما") == fold("خانهء ما")
    assert fold("گاهی ما") != fold("گاه ما")
