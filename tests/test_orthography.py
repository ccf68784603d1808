"""Tests for parallelbook.text.orthography (Persian normalisation and lint).

Persian strings that need a ZWNJ are written with "+" standing for U+200C and
converted with ``zw()``, so that the invisible character is never typed.
"""

from __future__ import annotations

import collections
import difflib
import re
from pathlib import Path

import pytest

from parallelbook.text.orthography import (
    CODES,
    Correction,
    Finding,
    apply_fixes,
    corrections,
    fix,
    lint,
    normalize,
)

ZWNJ = "\u200c"
FIXTURES = Path(__file__).parent / "fixtures" / "orthography"
SAMPLE = (FIXTURES / "sample_source.md").read_text(encoding="utf-8")
CLEAN = (FIXTURES / "clean.md").read_text(encoding="utf-8")


def zw(s: str) -> str:
    return s.replace("+", ZWNJ)


def codes(text: str) -> list[str]:
    return [f.code for f in lint(text)]


def only(text: str, code: str) -> list[Finding]:
    return [f for f in lint(text) if f.code == code]


def load_expected() -> list[tuple[str, str, str]]:
    rows = []
    for line in (FIXTURES / "sample_expected.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        orig, corrected, code = line.split("\t")
        rows.append((orig, corrected, code))
    return rows


def score(text: str, expected, keep=lambda code: True) -> dict:
    found = collections.Counter(
        (text[f.start:f.end], f.replacement, f.code) for f in lint(text) if keep(f.code)
    )
    want = collections.Counter(r for r in expected if keep(r[2]))
    tp = sum((found & want).values())
    return {
        "tp": tp,
        "fp": sum(found.values()) - tp,
        "fn": sum(want.values()) - tp,
        "precision": tp / sum(found.values()) if found else 1.0,
        "recall": tp / sum(want.values()) if want else 1.0,
        "false_positives": sorted((found - want).elements()),
        "missed": sorted((want - found).elements()),
    }


def is_zwnj_code(code: str) -> bool:
    return code.startswith("FA-ZWNJ-") or code == "FA-YEH-HAMZA"


# --------------------------------------------------------------------------- sample


def test_sample_fixture_is_the_seed_copy():
    assert "مىباشد" in SAMPLE and "سلاحهاى" in SAMPLE


def test_sample_zwnj_precision_recall():
    s = score(SAMPLE, load_expected(), is_zwnj_code)
    print(
        f"\nZWNJ findings on the sample: tp={s['tp']} fp={s['fp']} fn={s['fn']} "
        f"precision={s['precision']:.3f} recall={s['recall']:.3f}"
    )
    assert s["false_positives"] == [] and s["missed"] == []
    assert s["precision"] == 1.0 and s["recall"] == 1.0
    assert s["tp"] == 29


def test_sample_all_findings_precision_recall():
    s = score(SAMPLE, load_expected())
    print(
        f"\nall findings on the sample: tp={s['tp']} fp={s['fp']} fn={s['fn']} "
        f"precision={s['precision']:.3f} recall={s['recall']:.3f}"
    )
    assert s["false_positives"] == [] and s["missed"] == []


def test_sample_correct_words_not_reported():
    reported = {SAMPLE[f.start:f.end] for f in lint(SAMPLE) if is_zwnj_code(f.code)}
    # ر and د do not join to the left: these plurals are correct without ZWNJ
    for word in ("کشورهاى", "دستاوردهاى", "بنيادهاى", "پيوندها", "شعارها", "سفرها", "آنها"):
        assert word not in reported


def test_sample_findings_sorted_and_disjoint():
    fs = lint(SAMPLE)
    assert fs == sorted(fs, key=lambda f: (f.start, f.end))
    for a, b in zip(fs, fs[1:]):
        assert a.end <= b.start


def test_sample_autofix_fixes_and_arabic_letters_gone():
    out = normalize(SAMPLE)
    for ch in "\u0649\u064a\u0643":
        assert ch not in out
    fixed = fix(SAMPLE)
    for word in ("می+باشد", "سلاح+های", "هسته+ای", "به+سزایی", "مسالمت+آمیز", "بین+المللی",
                 "نمی+توانستند", "پیشرفت+های", "نقش+آفرینان", "هیئت+های", "آمریکایی"):
        assert zw(word) in fixed
    # suggestions (spaced compounds) are not applied automatically
    assert "مسالمت آمیز" in fixed and "عادی سازی" in fixed
    assert fix(fixed) == fixed
    # after fix only non-autofix findings remain
    assert all(not f.autofix for f in lint(fixed))


def test_normalize_seed_zwnj_matches_fix_for_letters_and_zwnj():
    # fix additionally applies FA-YEH-HAMZA (ائی -> ایی), which normalize never does
    n = normalize(SAMPLE)
    f = fix(SAMPLE)
    assert n.replace("ائی", "ایی") == f
    assert normalize(SAMPLE, zwnj=False).count(ZWNJ) == 0
    assert normalize(n) == n


def test_normalize_never_touches_non_flagged_text_in_sample():
    n = normalize(SAMPLE, zwnj=False)
    assert len(n) == len(SAMPLE)  # only 1:1 letter substitutions here
    assert n.count("\n") == SAMPLE.count("\n")
    assert "۹/۱/۹۳" in n and "[مؤتلفه]" in n and "جوّ" in n and "صرفاً" in n


# --------------------------------------------------------------------------- clean text


def test_clean_text_is_long_enough():
    words = re.findall(r"[\u0600-\u06FF\u200c]+", CLEAN)
    assert len(words) >= 300
    assert "UNESCO" in CLEAN and "۱۴۰۲/۰۵/۱۲" in CLEAN and "https://" in CLEAN and "۱۲٫۵" in CLEAN


def test_clean_text_has_no_finding():
    findings = lint(CLEAN)
    assert [f for f in findings if f.severity in ("error", "warning")] == []
    assert findings == []


def test_clean_text_fix_and_normalize_unchanged():
    assert fix(CLEAN) == CLEAN
    assert normalize(CLEAN) == CLEAN
    assert normalize(CLEAN, zwnj=False) == CLEAN


# --------------------------------------------------------------------------- public API


def test_finding_is_frozen_dataclass():
    f = lint("مىباشد")[0]
    with pytest.raises(Exception):
        f.start = 3  # type: ignore[misc]
    assert f.severity in ("error", "warning", "suggestion")
    assert isinstance(f.message, str) and "\n" not in f.message


def test_every_code_documented_in_module_docstring():
    import parallelbook.text.orthography as mod

    for code in CODES:
        assert re.search(rf"^{re.escape(code)}\s", mod.__doc__, re.M), code


# --------------------------------------------------------------------------- rule 1: prefix


@pytest.mark.parametrize(
    "word,expected",
    [
        ("مىباشد", "می+باشد"),
        ("نمىتوانستند", "نمی+توانستند"),
        ("مىساخت", "می+ساخت"),
        ("مىگردند", "می+گردند"),
        ("مىدهد", "می+دهد"),
        ("میشود", "می+شود"),
        ("نمیدانم", "نمی+دانم"),
        ("میآید", "می+آید"),
        ("میرفتهاند", "می+رفته+اند"),
        ("برمیگردد", "برمی+گردد"),
        ("درمییابد", "درمی+یابد"),
    ],
)
def test_prefix_fires(word, expected):
    fs = lint(word)
    assert len(fs) == 1
    f = fs[0]
    assert (f.code, f.severity, f.autofix) == ("FA-ZWNJ-PREFIX", "warning", True)
    assert f.replacement == zw(expected)
    assert (f.start, f.end) == (0, len(word))
    assert "ZWNJ" in f.message


@pytest.mark.parametrize(
    "word",
    ["میان", "میز", "میل", "میلیون", "میهن", "میدان", "میراث", "میوه", "میزان", "میانه",
     "نمونه", "نمایش", "نماینده", "میلادی", "میسر", "میهمان", "میخ", "میمون", "میزبان",
     "میدانی", "میانگین", "میراثی", "می+باشد", "نمی+توانند"],
)
def test_prefix_does_not_fire(word):
    assert lint(zw(word)) == []


# --------------------------------------------------------------------------- rule 2: suffixes


@pytest.mark.parametrize(
    "word,expected,code,autofix",
    [
        ("سالهاى", "سال+های", "FA-ZWNJ-PLURAL", True),
        ("هیئتهای", "هیئت+های", "FA-ZWNJ-PLURAL", True),
        ("واژههای", "واژه+های", "FA-ZWNJ-PLURAL", True),
        ("سلاحهاى", "سلاح+های", "FA-ZWNJ-PLURAL", True),
        ("کتابها", "کتاب+ها", "FA-ZWNJ-PLURAL", True),
        ("دانشگاههایش", "دانشگاه+هایش", "FA-ZWNJ-PLURAL", True),
        ("ماهها", "ماه+ها", "FA-ZWNJ-PLURAL", True),
        ("هستهاى", "هسته+ای", "FA-ZWNJ-ENCLITIC", True),
        ("فشردهاى", "فشرده+ای", "FA-ZWNJ-ENCLITIC", True),
        ("خانهام", "خانه+ام", "FA-ZWNJ-ENCLITIC", True),
        ("نامهاش", "نامه+اش", "FA-ZWNJ-ENCLITIC", True),
        ("رفتهاند", "رفته+اند", "FA-ZWNJ-ENCLITIC", True),
        ("نکردهاند", "نکرده+اند", "FA-ZWNJ-ENCLITIC", True),
        ("زندگیاش", "زندگی+اش", "FA-ZWNJ-ENCLITIC", False),
    ],
)
def test_suffix_fires(word, expected, code, autofix):
    fs = lint(word)
    assert [(f.code, f.replacement, f.autofix) for f in fs] == [(code, zw(expected), autofix)]


def test_plural_vs_indefinite_ambiguity():
    # پیشرفت‌های (plural) or پیشرفته‌ای (indefinite): reported, not autofixed without context
    (f,) = lint("پیشرفتهای")
    assert f.code == "FA-ZWNJ-PLURAL" and f.replacement == zw("پیشرفت+های") and not f.autofix
    assert zw("پیشرفته+ای") in f.message
    # context decides: «برخی» calls for a plural, «یک» for the indefinite
    (f,) = only("برخی پیشرفتهای مهم", "FA-ZWNJ-PLURAL")
    assert f.autofix and f.replacement == zw("پیشرفت+های")
    (f,) = lint("یک پیشرفتهای")
    assert f.autofix and f.replacement == zw("پیشرفته+ای")


@pytest.mark.parametrize(
    "word",
    ["کشورهای", "کشورها", "دستاوردهای", "بنیادهای", "شعارها", "آنها", "آن+ها", "اینها", "تنها",
     "تنهایی", "تنهاست", "شاه", "گاه", "راه", "ماه", "سپاه", "انتها", "بها", "دانشگاه", "بازار",
     "اما", "تمام", "کدام", "انجام", "اسلام", "نظام", "مقام", "اقدام", "هنگام", "معاش", "تلاش",
     "پاداش", "ارتش", "بخش", "روش", "ذات", "حیات", "اوقات", "تبلیغات", "ملاقات", "مذاکرات",
     "توافقات", "اطلاعات", "انتخابات", "تحقیقات", "بلند", "روند", "پیوند", "خداوند", "چند",
     "هرچند", "مانند", "نیازمند", "بهره+مند", "فرزند", "دایم", "قدیم", "عظیم", "تقدیم", "مستقیم",
     "تنظیم", "تحکیم", "تصمیم", "سهام", "الهام", "کلام", "اشتباهات", "توجهات", "عبارتند",
     "سلاح+های", "هسته+ای", "دنیای", "زیبای", "رهایی", "نهایی", "ادبیات", "نظریات", "منتها",
     "دانشمند", "سایه", "همسایه", "بیشتر", "کمتر", "بهتر", "مهم+تر", "خانه+ای", "خارجی"],
)
def test_suffix_does_not_fire(word):
    assert lint(zw(word)) == []


def test_comparative_is_a_suggestion():
    (f,) = lint("بزرگترین")
    assert (f.code, f.severity, f.autofix, f.replacement) == (
        "FA-ZWNJ-COMPARATIVE", "suggestion", False, zw("بزرگ+ترین"))
    assert lint("دورتر") == [] and lint(zw("بزرگ+تر")) == [] and lint("دختر") == []
    assert lint("دفتر") == [] and lint("بستر") == []


# --------------------------------------------------------------------------- rule 3: compounds


@pytest.mark.parametrize(
    "word,expected",
    [
        ("بينالمللى", "بین+المللی"),
        ("سرمايهگذارى", "سرمایه+گذاری"),
        ("قطببندى", "قطب+بندی"),
        ("تبادلنظر", "تبادل+نظر"),
        ("نقشآفرينان", "نقش+آفرینان"),
        ("مسالمتآميز", "مسالمت+آمیز"),
        ("بهسزائى", "به+سزایی"),
        ("پىريزى", "پی+ریزی"),
        ("اجتنابناپذیری", "اجتناب+ناپذیری"),
        ("سرمایهگذاریها", "سرمایه+گذاری+ها"),
    ],
)
def test_compound_fires(word, expected):
    (f,) = lint(word)
    assert (f.code, f.severity, f.autofix, f.replacement) == (
        "FA-ZWNJ-COMPOUND", "warning", True, zw(expected))


@pytest.mark.parametrize(
    "word",
    ["نیمکره", "بلندمدت", "چندجانبه", "روزافزون", "کتابخانه", "دانشگاه", "همکاری", "همزمان",
     "هم+زمان", "نامبرده", "چهارچوب", "عملکرد", "برطرف", "همراه", "روزنامه", "متناسب",
     "راهنمایی", "دانشمند", "پیگیری", "بیمار", "بیمه", "بیکار", "طرفداری", "ماهیگیری",
     "نامحدود", "باشکوه", "سالنامه", "شاهکار", "دریاداری", "چشمگیری", "بین+المللی"],
)
def test_compound_and_guess_do_not_fire(word):
    assert lint(zw(word)) == []


def test_lexicon_split_guess_is_not_autofix():
    (f,) = lint("نظریهپردازی")
    assert f.code == "FA-ZWNJ-GUESS" and f.severity == "warning" and not f.autofix
    assert f.replacement == zw("نظریه+پردازی")
    (f,) = lint("بیاختیار")
    assert f.code == "FA-ZWNJ-GUESS" and f.replacement == zw("بی+اختیار")
    (f,) = lint("مشارکتآمیز")  # vowel-initial second part
    assert f.code == "FA-ZWNJ-GUESS" and f.replacement == zw("مشارکت+آمیز")
    # fix() leaves guesses alone
    assert fix("نظریهپردازی") == "نظریهپردازی"


# --------------------------------------------------------------------------- rule 4: spaced compounds


@pytest.mark.parametrize(
    "text,expected",
    [
        ("حل مسالمت آميز اختلافات", "مسالمت+آمیز"),
        ("پیوندی اجتناب ناپذيرى", "اجتناب+ناپذیری"),
        ("عادى سازى پيوندها", "عادی+سازی"),
        ("سرمایه گذاری خارجی", "سرمایه+گذاری"),
    ],
)
def test_space_in_compound_is_a_suggestion(text, expected):
    fs = only(text, "FA-ZWNJ-SPACE")
    assert len(fs) == 1
    f = fs[0]
    assert (f.severity, f.autofix, f.replacement) == ("suggestion", False, zw(expected))
    assert " " in text[f.start:f.end]
    # the letter fixes inside the span are not reported separately (no overlap)
    assert all(g.end <= f.start or g.start >= f.end for g in lint(text) if g != f)


@pytest.mark.parametrize(
    "text",
    ["به عنوان اصول", "به ویژه کشورها", "تبادل نظر کردند", "هم زمان", "این که", "آن چه",
     "رئیس جمهور", "فراموش شده است", "مسالمت+آمیز"],
)
def test_space_rule_does_not_fire(text):
    assert only(zw(text), "FA-ZWNJ-SPACE") == []


# --------------------------------------------------------------------------- rule 5: punctuation


def test_latin_punctuation_between_persian_words():
    text = "سلام, دنیا; چرا?"
    fs = only(text, "FA-PUNCT-LATIN")
    assert [(text[f.start:f.end], f.replacement) for f in fs] == [(",", "،"), (";", "؛"), ("?", "؟")]
    assert all(f.autofix for f in fs)
    assert fix(text) == "سلام، دنیا؛ چرا؟"
    # comma glued to the next word gets its space too, and fix stays idempotent
    assert fix("سلام,دنیا") == "سلام، دنیا" == fix(fix("سلام,دنیا"))


@pytest.mark.parametrize(
    "text",
    ["Hello, world; why?", "عدد 1,000 است", "عدد ۱٬۰۰۰ است", "سلام `a, b` دنیا",
     "نشانی https://example.org/a?b=1,2 است", "UNESCO, UNICEF و دیگران", "مقدار ۱۲٫۵ است"],
)
def test_latin_punctuation_not_reported(text):
    assert only(text, "FA-PUNCT-LATIN") == []


def test_space_before_punctuation():
    text = "سلام ، دنیا . چرا ؟ عالی ! نکته :"
    fs = only(text, "FA-PUNCT-SPACE-BEFORE")
    assert len(fs) == 5 and all(f.replacement == "" and f.autofix for f in fs)
    assert fix(text) == "سلام، دنیا. چرا؟ عالی! نکته:"
    assert only("کتاب، دفتر و ...", "FA-PUNCT-SPACE-BEFORE") == []
    assert only("متن ![تصویر](a.png)", "FA-PUNCT-SPACE-BEFORE") == []
    assert only("**عنوان** :", "FA-PUNCT-SPACE-BEFORE") == []
    assert only("نسخه .NET", "FA-PUNCT-SPACE-BEFORE") == []


def test_missing_space_after_comma():
    text = "سلام،دنیا؛ خوبی؛چرا"
    fs = only(text, "FA-PUNCT-SPACE-AFTER")
    assert [(text[f.start:f.end], f.replacement) for f in fs] == [("،", "، "), ("؛", "؛ ")]
    assert fix(text) == "سلام، دنیا؛ خوبی؛ چرا"
    assert only("۱،۵ و «الف»،", "FA-PUNCT-SPACE-AFTER") == []


def test_spaces_inside_guillemets():
    text = "او گفت « سلام » و رفت"
    fs = only(text, "FA-PUNCT-GUILLEMET-SPACE")
    assert len(fs) == 2 and all(f.autofix for f in fs)
    assert fix(text) == "او گفت «سلام» و رفت"
    assert only("او گفت «سلام» و رفت", "FA-PUNCT-GUILLEMET-SPACE") == []


def test_straight_quotes_around_persian():
    text = 'او گفت "سلام دوست من" و رفت'
    fs = only(text, "FA-PUNCT-QUOTES")
    assert [(text[f.start:f.end], f.replacement) for f in fs] == [('"', "«"), ('"', "»")]
    assert all(f.autofix and f.severity == "warning" for f in fs)
    assert fix(text) == "او گفت «سلام دوست من» و رفت"
    # curly quotes too; a short Latin or symbolic quotation inside a Persian sentence as well
    assert fix("او گفت “سلام” و رفت") == "او گفت «سلام» و رفت"
    assert fix('نسخه "%1$s" نیاز دارد') == "نسخه «%1$s» نیاز دارد"
    # inside « » the curly quotes are Persian's inner quotation marks
    assert only("گفت «او گفت “سلام” و رفت»", "FA-PUNCT-QUOTES") == []
    assert only('he said "hello" to me', "FA-PUNCT-QUOTES") == []
    # a Latin quotation inside a Persian sentence: Persian marks, as the build prints a quotation
    assert fix('برنامه "Hello World" را چاپ کرد') == "برنامه «Hello World» را چاپ کرد"
    assert only('متن `"کد"` و <a href="x">پیوند</a>', "FA-PUNCT-QUOTES") == []
    assert only('he said "سلام" to me', "FA-PUNCT-QUOTES") != []  # Persian inside: Persian marks


# --------------------------------------------------------------------------- rule 6: ASCII digits


def test_ascii_digits_in_persian_text():
    text = "در سال 1990 میلادی و 12.5 درصد"
    fs = only(text, "FA-ASCII-DIGIT")
    assert [(text[f.start:f.end], f.replacement) for f in fs] == [("1990", "۱۹۹۰"), ("12.5", "۱۲٫۵")]
    assert all(f.severity == "warning" and f.autofix for f in fs)
    assert fix(text) == "در سال ۱۹۹۰ میلادی و ۱۲٫۵ درصد"
    assert fix("1,000 و 3.14") == "۱٬۰۰۰ و ۳٫۱۴"
    assert fix("ساعت 18:30، 96% و 4.7") == "ساعت ۱۸:۳۰، ۹۶٪ و ۴٫۷"
    assert fix("عدد 123۴۵6 در متن") == "عدد ۱۲۳۴۵۶ در متن"          # a mixed run: one script
    assert fix("۹۶% و ۱۲.۵۶ و ۱۲,۵۴۳") == "۹۶٪ و ۱۲٫۵۶ و ۱۲٬۵۴۳"  # Persian digits, Latin signs
    assert fix("version 3۴ of it") == "version 34 of it"           # beside Latin words: Latin
    # a number of another form is a suggestion only
    (f,) = only("نشانی 192.168.1.1 است", "FA-ASCII-DIGIT")
    assert f.severity == "suggestion" and not f.autofix


@pytest.mark.parametrize(
    "text",
    ["UNESCO 2020 گزارش", "نسخه Python 3.11 منتشر شد", "متن[^1] ادامه", "1. مقدمه کتاب",
     "کد `x = 12` در متن", "نشانی https://example.org/12 است", "فرمول H2O در آب",
     "COVID-19 در جهان", "سال ۱۹۹۰ میلادی", "<span id=\"a1\">متن</span>"],
)
def test_ascii_digits_not_reported(text):
    assert only(text, "FA-ASCII-DIGIT") == []


# --------------------------------------------------------------------------- rule 7: Arabic forms


def test_arabic_letters_reported_and_fixed():
    text = "كتاب علي در خانه ى ما"
    fs = only(text, "FA-ARABIC-LETTER")
    assert [(text[f.start:f.end], f.replacement) for f in fs] == [("كتاب", "کتاب"), ("علي", "علی")]
    assert all(f.autofix and f.severity == "warning" for f in fs)
    # the detached ى after a silent ه is the ezafe: one finding, in the book's spelling
    (f,) = only(text, "FA-EZAFE")
    assert (text[f.start:f.end], f.replacement) == ("خانه ى", "خانهٔ")
    assert fix(text) == "کتاب علی در خانهٔ ما"
    assert fix(text, ezafe="keep") == "کتاب علی در خانه ی ما"


def test_arabic_digits_reported_and_fixed():
    text = "سال ١٣٩٩ و ۱۴۰۰"
    (f,) = only(text, "FA-ARABIC-DIGIT")
    assert (text[f.start:f.end], f.replacement, f.autofix) == ("١٣٩٩", "۱۳۹۹", True)
    assert normalize(text, zwnj=False) == "سال ۱۳۹۹ و ۱۴۰۰"


def test_presentation_forms_normalised():
    text = "\ufedb\ufe98\ufe8e\ufe8f \ufef3\ufe8e\ufe8e"  # presentation forms
    out = normalize(text, zwnj=False)
    assert not re.search("[\ufb50-\ufdff\ufe70-\ufeff]", out)
    assert out.startswith("کتاب")
    assert all(f.code == "FA-ARABIC-LETTER" for f in lint(text))
    assert normalize("\ufbfc\ufbfd") == "یی"


# --------------------------------------------------------------------------- rule 8: bidi


def test_bidi_overrides_are_errors():
    text = "سلام \u202eمتن\u202c دنیا"
    fs = [f for f in lint(text) if f.code == "FA-BIDI-OVERRIDE"]
    assert [f.start for f in fs] == [5, 9]
    assert all(f.severity == "error" and f.replacement is None and not f.autofix for f in fs)
    assert normalize(text) == text and fix(text) == text


def test_bidi_isolates_balanced_and_unbalanced():
    assert lint("سلام \u2067متن\u2069 دنیا") == []
    fs = lint("سلام \u2068متن دنیا")
    assert [(f.code, f.severity) for f in fs] == [("FA-BIDI-ISOLATE", "error")]
    fs = lint("سلام متن\u2069 دنیا")
    assert [(f.code, f.start) for f in fs] == [("FA-BIDI-ISOLATE", 8)]
    # inside code too (Trojan Source)
    assert codes("`a\u202eb`") == ["FA-BIDI-OVERRIDE"]


def test_bidi_marks_are_kept_and_not_reported():
    text = "متن \u200fABC\u200e و \u061c"
    assert normalize(text) == text and lint(text) == []


# --------------------------------------------------------------------------- normalize


@pytest.mark.parametrize(
    "text",
    [
        "صرفاً جوّ مُعَلِّم کتابِ",           # diacritics
        "خانهٔ ما و نامهٔ او",               # هٔ
        "مسئول رئیس هیئت مؤتلفه تأثیر إسلام أصل سؤال",  # hamza forms
        "[مؤتلفه] (متن) {x} «نقل»",          # brackets
        "مورخ ۹/۱/۹۳ و ۱۴۰۲/۰۵/۱۲",          # dates
        "Hello World 123, café naïve",       # Latin and ASCII digits
        "نشانی https://fa.wikipedia.org/wiki/ايران است",  # URL with Arabic yeh
        "کد `كتاب ي` در متن",                  # backticks
        "a\u200cb",                           # ZWNJ between Latin letters
        "🙂\u200d🙂",                          # ZWJ sequences
    ],
)
def test_normalize_keeps(text):
    assert normalize(text) == text
    assert normalize(text, zwnj=False) == text


def test_normalize_letters_digits_controls():
    assert normalize("علي كتاب ى", zwnj=False) == "علی کتاب ی"
    assert normalize("٠١٢٣٤٥٦٧٨٩") == "۰۱۲۳۴۵۶۷۸۹"
    assert normalize("بــزرگ") == "بزرگ"
    assert normalize("سلا\u200bم \ufeffدنیا\u2060") == "سلام دنیا"
    assert normalize("تست\u00a0متن") == "تست\u00a0متن"


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("می\u200c\u200cباشد", "می\u200cباشد"),          # repeated ZWNJ
        ("سلام\u200c دنیا", "سلام دنیا"),                 # before a space
        ("سلام \u200cدنیا", "سلام دنیا"),                 # after a space
        ("\u200cسلام", "سلام"),                            # line start
        ("سلام\u200c", "سلام"),                            # line end
        ("سلام\u200c.", "سلام."),                          # before punctuation
        ("کشور\u200cها", "کشورها"),                        # after ر
        ("دستاورد\u200cهای", "دستاوردهای"),                # after د
        ("آ\u200cب", "آب"), ("و\u200cا", "وا"), ("ژ\u200cب", "ژب"), ("ۀ\u200cب", "ۀب"),
        ("کتاب\u200cها", "کتاب\u200cها"),                  # meaningful: kept
        ("«\u200cسلام»", "«سلام»"),
        ("سلام\n\u200cدنیا", "سلام\nدنیا"),
    ],
)
def test_zwnj_cleanup(raw, expected):
    assert normalize(raw, zwnj=False) == expected
    assert normalize(raw) == expected
    if raw != expected:
        assert any(f.code == "FA-ZWNJ-STRAY" for f in lint(raw))


def test_normalize_zwnj_option():
    text = "سلاحهاى هستهاى مىباشد"
    assert normalize(text, zwnj=False) == "سلاحهای هستهای میباشد"
    assert normalize(text) == zw("سلاح+های هسته+ای می+باشد")
    # non-autofix corrections are not applied by normalize
    assert normalize("پیشرفتهای") == "پیشرفتهای"
    assert normalize("بزرگترین") == "بزرگترین"
    # the build makes every correction fix makes (FA-YEH-HAMZA too) ...
    assert normalize("بهسزائى") == zw("به+سزایی") == fix("بهسزائى")
    # ... except the spelling ones (ZWNJ, ائی -> ایی) when the book keeps its spelling
    assert normalize("بهسزائى", zwnj=False) == "بهسزائی"
    assert normalize("آمريکائي", zwnj=False) == "آمریکائی"


def test_normalize_makes_every_correction_fix_makes():
    # the build (normalize) and the fix command publish the same text
    text = "سلام , دنیا« متن » آمريکائي مىباشد؛چرا ?"
    assert normalize(text) == fix(text) == zw("سلام، دنیا «متن» آمریکایی می+باشد؛ چرا؟")
    # without the spelling corrections: punctuation and letters still, no ZWNJ, no ائی -> ایی
    assert normalize(text, zwnj=False) == "سلام، دنیا «متن» آمریکائی میباشد؛ چرا؟"
    # a correction that is not automatic still gets its letters normalised
    assert normalize("بياختيار") == "بیاختیار"
    assert [f.autofix for f in lint("بياختيار")] == [False]


def test_lint_without_word_analysis_reports_letters_only():
    (f,) = lint("مىباشد", zwnj=False)
    assert (f.code, f.replacement, f.autofix) == ("FA-ARABIC-LETTER", "میباشد", True)
    assert lint("سلاحهای", zwnj=False) == [] and lint("آمریکائی", zwnj=False) == []
    assert [f.code for f in lint("سلام , دنیا\u202e", zwnj=False)] == [
        "FA-PUNCT-SPACE-BEFORE", "FA-PUNCT-LATIN", "FA-BIDI-OVERRIDE"]


def test_corrections_are_one_located_pass():
    assert corrections("متن سلاحهاى") == [Correction(4, 11, zw("سلاح+های"))]
    assert corrections("متن سلاحهاى", zwnj=False) == [Correction(4, 11, "سلاحهای")]
    assert corrections(CLEAN) == []


def test_skip_ranges_are_neither_reported_nor_context():
    text = "كتاب مىباشد"
    assert [(f.start, f.code) for f in lint(text, skip=[(0, 4)])] == [(5, "FA-ZWNJ-PREFIX")]
    assert corrections(text, skip=[(5, 11)]) == [Correction(0, 4, "کتاب")]
    # a Persian word in a skipped range does not make its neighbour Persian punctuation
    assert only("سلام, دنیا", "FA-PUNCT-LATIN") and lint("سلام, دنیا", skip=[(0, 4)]) == []


def test_normalize_removes_no_ascii_and_keeps_crlf():
    text = "سلاحهاى\r\nهستهاى\r\n"
    out = fix(text)
    assert out == zw("سلاح+های\r\nهسته+ای\r\n")
    assert normalize(text).count("\r\n") == 2


# --------------------------------------------------------------------------- fix / apply_fixes


def test_apply_fixes_right_to_left_non_overlapping_autofix_only():
    text = "abcdef"
    fs = [
        Finding(0, 2, "X", "warning", "m", "AA", True),
        Finding(1, 3, "X", "warning", "m", "ZZ", True),   # overlaps the next one applied
        Finding(4, 6, "X", "warning", "m", "F", True),
        Finding(3, 4, "X", "warning", "m", "Q", False),    # not autofix
        Finding(2, 3, "X", "error", "m", None, True),      # no replacement
    ]
    assert apply_fixes(text, fs) == "aZZdF"
    assert apply_fixes(text, []) == text


def _changed_ranges(a: str, b: str):
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return [(i1, i2) for tag, i1, i2, _, _ in sm.get_opcodes() if tag != "equal"]


@pytest.mark.parametrize("text", [SAMPLE, "سلام , دنیا« متن » كتابها\r\nمىشود ١٢", CLEAN])
def test_fix_changes_only_flagged_spans(text):
    spans: list[tuple[int, int]] = []
    for f in lint(text):  # merge adjacent spans (a diff may straddle two findings)
        if spans and f.start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], f.end))
        else:
            spans.append((f.start, f.end))
    for i1, i2 in _changed_ranges(text, fix(text)):
        assert any(s <= i1 and i2 <= e for s, e in spans), (i1, i2, text[i1:i2])


@pytest.mark.parametrize(
    "text",
    [SAMPLE, CLEAN, "سلام,دنیا ; « متن » ؟", "كتابهاى مىشود بينالمللى", "می\u200c\u200c\u200cشود",
     "ـــ\u200c\u200b ى ", "خانهام، نامهاش؛ رفتهاند"],
)
def test_fix_is_idempotent(text):
    once = fix(text)
    assert fix(once) == once
    assert normalize(normalize(text)) == normalize(text)


def test_fix_on_empty_and_latin_only():
    assert fix("") == "" and lint("") == [] and normalize("") == ""
    latin = "Plain English text, with punctuation; and 123 numbers?"
    assert fix(latin) == latin and lint(latin) == []


def test_markdown_structures_are_left_alone():
    text = (
        "- مورد اول\n"
        "1. مورد دوم\n"
        "متن با پانویس[^12] و [پیوند](https://example.org/ك?x=1,2) و `كد`\n"
        "```\nكتابها مىشود 123\n```\n"
    )
    fs = lint(text)
    assert fs == []
    assert fix(text) == text


# --------------------------------------------------------------------------- hypothesis

try:  # property tests only when hypothesis is available; the rest runs regardless
    from hypothesis import given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover
    given = None

_FROM_PERSIAN = str.maketrans({**{d: str(i) for i, d in enumerate("۰۱۲۳۴۵۶۷۸۹")},
                                **{d: str(i) for i, d in enumerate("٠١٢٣٤٥٦٧٨٩")},
                                "٫": ".", "٬": ",", "٪": "%", "«": '"', "»": '"'})
_ALPHABET = list(
    "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيىكآأإؤئءةۀ" "۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩"
    "\u064b\u064e\u0650\u0651\u0654\u0670\u0640\u200c\u200d\u200b\ufeff\u202e\u2067\u2069"
    "،؛؟«»:.!,;?\"'()[]{}*_`-/ \n\r\taZ09"
) + ["می", "نمی", "ها", "های", "ای", "اند", "تر", "https://x.org/a?b", "سلام", "کشور", "ه"]

if given is not None:

    @settings(max_examples=300, deadline=None, database=None)
    @given(st.lists(st.sampled_from(_ALPHABET), max_size=40).map("".join))
    def test_property_normalize_idempotent_and_ascii_preserving(text):
        # the only ASCII normalize changes: Latin , ; ? and the spaces around punctuation; digits,
        # number signs and double quotes only into their Persian forms
        def kept(s):
            return [c for c in s.translate(_FROM_PERSIAN) if ord(c) < 128 and c not in ',;? \t"']

        out = normalize(text)
        assert normalize(out) == out
        assert kept(out) == kept(text)
        assert out == fix(text)
        plain = normalize(text, zwnj=False)
        assert normalize(plain, zwnj=False) == plain
        assert kept(plain) == kept(text)

    @settings(max_examples=300, deadline=None, database=None)
    @given(st.lists(st.sampled_from(_ALPHABET), max_size=40).map("".join))
    def test_property_fix_idempotent_and_findings_disjoint(text):
        fs = lint(text)
        for a, b in zip(fs, fs[1:]):
            assert a.start <= b.start and a.end <= b.start
        for f in fs:
            assert 0 <= f.start <= f.end <= len(text)
            assert f.code in CODES and f.severity in ("error", "warning", "suggestion")
        once = fix(text)
        assert fix(once) == once

    @settings(max_examples=200, deadline=None, database=None)
    @given(st.text(alphabet=[chr(i) for i in range(128)], max_size=60))
    def test_property_ascii_text_untouched(text):
        # in Persian text a number with no Latin word beside it is written in Persian digits;
        # nothing else of ASCII text changes
        assert normalize(text).translate(_FROM_PERSIAN) == text
        assert fix(text) == normalize(text)
        if not any(c.isdigit() for c in text):
            assert normalize(text) == text


# --------------------------------------------------------------------------- issue 12: real-world typing


@pytest.mark.parametrize(
    "typed, expected, code",
    [
        ("ما می توانیم", "ما می+توانیم", "FA-ZWNJ-PREFIX"),
        ("من نمی روم", "من نمی+روم", "FA-ZWNJ-PREFIX"),
        ("او می آید", "او می+آید", "FA-ZWNJ-PREFIX"),
        ("این کتاب ها را", "این کتاب+ها را", "FA-ZWNJ-PLURAL"),
        ("این کار ها را", "این کارها را", "FA-ZWNJ-PLURAL"),       # after a non-joining letter: joined
        ("لحظه هایی سخت", "لحظه+هایی سخت", "FA-ZWNJ-PLURAL"),
        ("آن ها رفتند", "آن+ها رفتند", "FA-ZWNJ-PLURAL"),
        ("جنگو یکی از آن هاست", "جنگو یکی از آن+هاست", "FA-ZWNJ-PLURAL"),
        ("پذیرفته ام.", "پذیرفته+ام.", "FA-ZWNJ-ENCLITIC"),
        ("خانه ای بزرگ", "خانه+ای بزرگ", "FA-ZWNJ-ENCLITIC"),
        ("آنها کرده اند", "آنها کرده+اند", "FA-ZWNJ-ENCLITIC"),
        ("من ایرانی ام", "من ایرانی+ام", "FA-ZWNJ-ENCLITIC"),
        ("بزرگ تر از", "بزرگ+تر از", "FA-ZWNJ-COMPARATIVE"),
        ("قدرتمند ترین زبان", "قدرتمندترین زبان", "FA-ZWNJ-COMPARATIVE"),
        ("زبان بیش تر", "زبان بیشتر", "FA-ZWNJ-COMPARATIVE"),     # بیشتر، کمتر: joined (Academy)
        ("کاری بی دلیل", "کاری بی+دلیل", "FA-ZWNJ-COMPOUND"),
    ],
)
def test_space_where_a_zwnj_belongs(typed, expected, code):
    fs = lint(typed)
    assert code in [f.code for f in fs], fs
    assert fix(typed) == zw(expected)
    assert lint(fix(typed)) == []


@pytest.mark.parametrize(
    "text",
    [
        "در ماه می سال جدید",          # می the month
        "جام می ناب",                  # می the noun: no verb after it
        "او نمی است",                  # not a verb form
        "این لباس تر است",             # تر the adjective "wet": at most a suggestion
        "بی تو هرگز",                  # بی the preposition before a pronoun
        "گفتی ای دوست",                # ای the vocative after a verb in ی
        "این خانه است",                # است stays apart
        "بیا ها!",                     # ها the colloquial particle after a verb
        "که ای",                       # short function words
        "قدیمی است که",                # a word that ends in می
        "مشخص کردن نام هاست",          # هاست the loanword "host": at most a suggestion
    ],
)
def test_no_damaging_guess_across_a_space(text):
    assert fix(text) == text
    assert [f for f in lint(text) if f.autofix] == []


def test_unclear_spaces_are_suggestions():
    (f,) = lint("این لباس تر است")
    assert f.code == "FA-ZWNJ-COMPARATIVE" and f.severity == "suggestion" and not f.autofix
    (f,) = lint("با خانواده بی خانه ماند")
    assert f.code == "FA-ZWNJ-SPACE" and f.severity == "suggestion" and f.replacement == zw("بی+خانه")
    (f,) = lint("مسافت ۹کیلومتر")
    assert f.code == "FA-SPACE-DIGIT" and not f.autofix and f.replacement == "۹ کیلومتر"


@pytest.mark.parametrize(
    "typed",
    ["خانه ی ما", "خانه ي ما", "خانهء ما", "خانه ء ما", zw("خانه+ی ما"), zw("خانه+ٔ ما"), "خانۀ ما", "خانهٔ ما"],
)
def test_ezafe_one_spelling(typed):
    assert fix(typed) == "خانهٔ ما"
    assert fix(typed, ezafe="yeh") == zw("خانه+ی ما")
    assert fix(typed, ezafe="keep") == fix(typed, ezafe="keep", keep=())  # settings are plain values
    if typed != "خانهٔ ما":
        assert "FA-EZAFE" in [f.code for f in lint(typed)]


def test_ezafe_only_after_a_silent_heh():
    for text in ("راه ی", "کوه ی", "شبیه ی", "که ی"):
        assert [f for f in lint(text) if f.code == "FA-EZAFE"] == [], text
    assert fix(zw("خانه+یی بر آب")) == zw("خانه+ای بر آب")   # the old indefinite spelling


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("دیر آمدے؛ ببخش کہ ویرانہ" + ZWNJ + "ایم", "دیر آمدی؛ ببخش که ویرانه" + ZWNJ + "ایم"),
        ("سلام عليكم و رحمۃاللہ", "سلام علیکم و رحمةالله"),
        ("ڪتاب ۍ ې ە ھ", "کتاب ی ی ه ه"),
    ],
)
def test_every_foreign_letter_form(typed, expected):
    assert fix(typed) == expected
    assert all(f.code == "FA-ARABIC-LETTER" for f in lint(typed))


def test_kashida_padding_and_dashes():
    assert fix("سلامـــت و لــعل") == "سلامت و لعل"
    assert fix("ـ که در واقع ـ") == "– که در واقع –"
    assert fix("ما ـکه می" + ZWNJ + "بالیمـ شاید") == "ما –که می" + ZWNJ + "بالیم– شاید"
    assert fix("۱۱ـ۲۳") == "۱۱–۲۳"
    assert {f.code for f in lint("ـ که ـ")} == {"FA-TATWEEL"}


def test_soft_hyphen_inside_a_persian_word():
    assert fix("حرف\u00adهاست") == zw("حرف+هاست")
    assert fix("hy\u00adphen") == "hy\u00adphen"


def test_quotes_punctuation_and_spacing():
    assert fix('فاصله "  گیومه  " , {    آکولاد   }  , [   کروشه  ]  و ( پرانتز    ) است') == \
        "فاصله «گیومه»، {آکولاد}، [کروشه] و (پرانتز) است"
    assert fix('مانند "می","تر"و"ترین"') == "مانند «می»، «تر» و «ترین»"
    assert fix("سلام    دنیا") == "سلام دنیا"
    assert fix("متن فارسی?!") == "متن فارسی؟!"
    assert fix("  تورفتگی") == "  تورفتگی"          # a line's indentation is Markdown's
    assert fix("| متن   |") == "| متن   |"          # a table cell's padding too
    assert fix("«کتاب»ها") == "«کتاب»ها"            # an ending after a quoted word stays joined


def test_keep_spellings():
    assert fix("این کتاب ها", keep=["کتاب ها"]) == "این کتاب ها"
    assert fix("کتاب ها و دفتر ها", keep=["کتاب ها"]) == "کتاب ها و دفتر" + "ها"
    assert lint("نامه ي", keep=["نامه"]) != []       # the word is kept, its letters are not
    assert fix("اخلالگر", keep=["اخلالگر"]) == "اخلالگر"
    assert lint("مسالمت آمیز", keep=["مسالمت آمیز"]) == [] != lint("مسالمت آمیز")
    assert fix(zw("نامه+ی او"), keep=[zw("نامه+ی")]) == zw("نامه+ی او")


def test_build_sees_a_paragraph_as_one_text():
    """text.blocks.map_runs: the words beyond markup are context; a change never crosses markup."""
    from parallelbook import model as m
    from parallelbook.read.book import normalised_block
    from parallelbook.read.config import BookConfig

    def block(*inlines):
        return m.Block(kind="paragraph", content=(m.Paragraph(tuple(inlines)),), location=None)

    def published(*inlines):
        return normalised_block(block(*inlines), "fa", BookConfig()).content[0].inlines

    assert published(m.Styled("strong", (m.Text("Python"),)), m.Text(" 3.8 را دیدیم")) == (
        m.Styled("strong", (m.Text("Python"),)), m.Text(" 3.8 را دیدیم"))
    assert published(m.Styled("emph", (m.Text("کتاب"),)), m.Text(" 12")) == (
        m.Styled("emph", (m.Text("کتاب"),)), m.Text(" ۱۲"))
    # a space between two inlines is not changed (the file has markup there, fix leaves it too)
    assert published(m.Styled("emph", (m.Text("کتاب"),)), m.Text(" ها")) == (
        m.Styled("emph", (m.Text("کتاب"),)), m.Text(" ها"))
    # a double quotation is « » text, as fix writes it; a quotation inside another keeps its marks
    assert published(m.Text("گفت "), m.Quoted(True, (m.Text("سلام"),)), m.Text(" و رفت")) == (
        m.Text("گفت «سلام» و رفت"),)
    nested = m.Quoted(True, (m.Text("a "), m.Quoted(True, (m.Text("b"),))))
    assert published(nested) == (nested,)
    # code is never read
    assert published(m.Text("کد "), m.Code("x = 1 , y"), m.Text(" است")) == (
        m.Text("کد "), m.Code("x = 1 , y"), m.Text(" است"))


def test_the_paragraph_of_issue_12():
    typed = "ما می توانیم این کتاب ها را بخوانیم؛ من نمی روم. بزرگ تری و قدرتمند ترین زبان های دنیا. پذیرفته ام."
    assert [f.code for f in lint(typed)] == [
        "FA-ZWNJ-PREFIX", "FA-ZWNJ-PLURAL", "FA-ZWNJ-PREFIX", "FA-ZWNJ-COMPARATIVE", "FA-ZWNJ-COMPARATIVE",
        "FA-ZWNJ-PLURAL", "FA-ZWNJ-ENCLITIC"]
    assert fix(typed) == zw("ما می+توانیم این کتاب+ها را بخوانیم؛ من نمی+روم. بزرگ+تری و قدرتمندترین "
                            "زبان+های دنیا. پذیرفته+ام.")
