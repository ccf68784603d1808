"""The Persian–English lexicon the sentence alignment weighs words with (parallelbook/text/lexicon.py)."""

from __future__ import annotations

import re

import pytest

from parallelbook.text.lexicon import (
    COMMON_WORDS_FILE,
    LEXICON_FILE,
    SPELLED,
    bundled_lexicon,
    english_stem,
    fold_word,
    latin_spelling,
    persian_spelling,
)


@pytest.mark.parametrize(
    "written, meaning",
    [
        ("کتاب", "book"),
        ("كتابها", "book"),  # Arabic kaf, plural joined
        ("کتاب‌های", "book"),  # plural with ZWNJ and the ezafe
        ("مشکلات", "problem"),  # Arabic plural ending
        ("کشورمان", "country"),  # possessive ending
        ("شعارهای", "slogan"),
        ("دولتِ", "government"),  # the kasra of the ezafe
    ],
)
def test_a_persian_word_is_found_with_its_endings(written, meaning):
    assert english_stem(meaning) in bundled_lexicon().renderings(written)


def test_function_words_and_unknown_words_have_no_renderings():
    lexicon = bundled_lexicon()
    for word in ("از", "که", "را", "است", "زززز"):
        assert lexicon.renderings(word) == frozenset()
    assert lexicon.english_words("the of and with") == frozenset()


def test_english_stems_meet_across_endings():
    assert len({english_stem(w) for w in ("resolve", "resolved", "resolves", "resolving")}) == 1
    assert english_stem("countries") == english_stem("country")
    assert english_stem("stopped") == english_stem("stop")
    assert fold_word("مي‌روند") == fold_word("میروند")


def test_the_data_file_carries_its_attribution():
    from importlib import resources

    data = resources.files("parallelbook.text") / "data"
    head = (data / LEXICON_FILE).read_text(encoding="utf-8").splitlines()[:8]
    assert any("CC BY-SA" in line for line in head)
    licence = (data / "fa_en_lexicon_LICENSE.txt").read_text(encoding="utf-8")
    assert "Montazery" in licence and "Princeton" in licence and "Wiktionary" in licence
    assert len(bundled_lexicon().entries) > 5000


def test_glossary_terms_join_the_lexicon():
    lexicon = bundled_lexicon()
    assert not lexicon.renderings("آیلوین")
    extended = lexicon.with_terms([("آیلوین", ["Aylwin"]), ("گروه ریو", ["Rio Group"])])
    assert "aylwin" in extended.renderings("آیلوین")
    assert "rio" in extended.renderings("ریو")
    assert lexicon.with_terms([]) is lexicon


@pytest.mark.parametrize("written", ["کنید", "می‌کند", "کرده‌اند", "خواهیم", "می‌توانید", "شده", "آن", "آنها", "مانند"])
def test_light_verbs_and_function_words_have_no_renderings(written):
    """Forms of the light verbs carry no word of their own into English, and once collided with content words
    (می‌کند as کند "slow", کنید as "relocate"); آن was missed because the stop list was not folded (آ -> ا)."""
    assert bundled_lexicon().renderings(written) == frozenset()


@pytest.mark.parametrize(
    "written, meaning",
    [
        ("باز", "open"),
        ("لیست", "list"),
        ("ذخیره", "save"),
        ("دستور", "command"),
        ("می‌خواهید", "want"),
        ("شدید", "severe"),
        # the wider vocabulary (fifth round): words the wordnets lack, and a broken plural
        ("حاکمیت", "sovereignty"),
        ("امور", "affairs"),
        ("مشروعیت", "legitimacy"),
    ],
)
def test_common_words_have_their_everyday_renderings(written, meaning):
    """The wordnet lexicon knew باز only as a hawk and لیست as "beat"; data/fa_en_common.txt adds the everyday
    senses, and keeps the others."""
    assert english_stem(meaning) in bundled_lexicon().renderings(written)
    assert english_stem("hawk") in bundled_lexicon().renderings("باز")


def test_the_common_words_file_is_well_formed():
    from importlib import resources

    text = (resources.files("parallelbook.text") / "data" / COMMON_WORDS_FILE).read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert len(rows) > 2000
    keys = [row.split("\t")[0] for row in rows]
    assert all(row.count("\t") == 1 for row in rows)
    assert len(keys) == len(set(keys))
    assert all(re.fullmatch(r"[a-z]+( [a-z]+)*", row.split("\t")[1]) for row in rows)


def _book(pairs: list[tuple[str, str]], filler: int) -> list[tuple[str, str]]:
    """Translated sentences: `pairs`, among `filler` others made of words that recur everywhere."""
    persian = ["کتاب", "شهر", "دریا", "کوه", "باران", "آسمان", "درخت", "خانه"]
    english = ["book", "city", "sea", "mountain", "rain", "sky", "tree", "house"]
    others = [
        (" ".join(persian[(k + i) % 8] for i in range(3)), " ".join(english[(k + i) % 8] for i in range(3)))
        for k in range(filler)
    ]
    return others[: filler // 2] + pairs + others[filler // 2 :]


def test_a_book_teaches_the_renderings_of_its_own_words():
    lexicon = bundled_lexicon()
    assert fold_word("زورباخ") not in lexicon.entries and all(r.startswith(SPELLED) for r in lexicon.renderings("زورباخ"))
    taught = _book([(f"زورباخ در شهر ماند {k}", f"Zorbach stayed in the city {k}") for k in range(4)], 60)
    learned = lexicon.learned(taught)
    assert "zorbach" in learned.renderings("زورباخ") and "zorbach" in learned.renderings("زورباخ‌ها")
    assert "zorbach" in learned.english_words("Then Zorbach left.")
    # what the lexicon knew is kept; a word seen beside every other teaches nothing new
    assert lexicon.renderings("شهر") <= learned.renderings("شهر")
    assert "zorbach" not in learned.renderings("شهر")


def test_two_words_met_by_chance_in_a_small_book_teach_nothing():
    """Twice together among a handful of sentences is what chance gives; among two hundred it is not."""
    met = [("زورباخ و کلنگار", "Zorbach and Kolengar"), ("زورباخ رفت", "Zorbach went")]
    assert "zorbach" not in bundled_lexicon().learned(_book(met, 3)).renderings("زورباخ")
    assert "zorbach" in bundled_lexicon().learned(_book(met, 200)).renderings("زورباخ")


def test_a_word_always_rendered_says_more_when_it_is_missing():
    """Rates of its own for a word the book uses often: اینترنت rendered "Internet" every time weighs more
    against a sentence that lacks it than a word rendered one time in two."""
    from parallelbook.review.sentences import LexicalModel
    from parallelbook.text.sentences import Sentence

    def sentence(text: str) -> Sentence:
        return Sentence(0, text, 0, len(text), 0, 0)

    matched = []
    for k in range(12):
        persian = "اینترنت و کتاب" if k % 2 else "اینترنت و دریا"
        english = "the Internet and the book" if k % 2 else "the Internet and the water"  # دریا "sea": rendered freely
        matched.append((sentence(persian), sentence(english), sentence("باران آمد")))
    model = LexicalModel.calibrate(bundled_lexicon(), matched)
    internet, sea = (bundled_lexicon().renderings(w) for w in ("اینترنت", "دریا"))
    _, missing_internet = model.words[internet]
    _, missing_sea = model.words[sea]
    _, missing_any = model.weights("source")
    assert missing_internet < missing_any < 0
    assert missing_internet < missing_sea


def test_a_sentence_of_many_words_teaches_nothing():
    """Every word of a long sentence meets every other: learning from it would be noise at a quadratic cost."""
    letters = "بپتجچحخدذرزسشصضطظعغفقگلمنهی"
    persian = " ".join(a + b + c for a, b, c in zip(letters * 4, letters[3:] * 4, letters[7:] * 4))  # 90 words
    english = " ".join(a + b + c for a in "bcdfg" for b in "aeiou" for c in "klmnprst")[:900]
    long = [(f"زورباخ {persian}", f"Zorbach {english}") for _ in range(5)]
    assert "zorbach" not in bundled_lexicon().learned(_book(long, 200)).renderings("زورباخ")


@pytest.mark.parametrize(
    "persian, english",
    [
        ("تمپلیت‌ها", "templates"),  # a loanword, with its plural on either side
        ("اینستاگرام", "Instagram"),
        ("ریپازیتوری", "repository"),
        ("پکیج", "packages"),  # g before e spoken as j
        ("دیکشنری", "dictionary"),  # -tion- spoken as sh
        ("مرکوریو", "Mercurio"),  # names
        ("سانتیاگو", "Santiago"),
        ("کنسپسیون", "Concepcion"),
    ],
)
def test_a_name_or_loanword_the_lexicon_lacks_meets_its_latin_spelling(persian, english):
    lexicon = bundled_lexicon()
    renderings = lexicon.renderings(persian)
    assert renderings and all(r.startswith(SPELLED) for r in renderings)
    assert renderings & lexicon.english_renderings(f"The {english} is here.")
    assert not renderings & lexicon.english_renderings("The book is on the table near the window.")


def test_known_words_and_verbs_are_not_spelled():
    lexicon = bundled_lexicon()
    assert not any(r.startswith(SPELLED) for r in lexicon.renderings("کتاب"))  # known: its renderings
    assert lexicon.renderings("می‌تپد") == frozenset()  # a verb the lexicon lacks: not spelled as a name
    assert persian_spelling("ای") is None and latin_spelling("Aylwin") is None  # too few consonants to tell
    # the English side's known words keep their stems; spellings are only met, never counted as words
    assert lexicon.english_words("templates") <= lexicon.english_renderings("templates")


def test_a_compound_the_lexicon_lacks_is_read_by_its_parts():
    lexicon = bundled_lexicon()
    assert fold_word("خشم‌آلود") not in lexicon.entries
    assert english_stem("anger") in lexicon.renderings("خشم‌آلود")


@pytest.mark.parametrize(
    "written, meaning",
    [
        ("گفتم", "tell"),  # a past form: its infinitive's renderings (گفتن)
        ("می‌رفتم", "went"),
        ("دیده‌ام", "seen"),
        ("آمد", "came"),
        ("نوشتم", "wrote"),
        ("دیدم", "saw"),  # a past form that is also a noun (دید, "view"): both
    ],
)
def test_past_forms_of_verbs_find_their_infinitive(written, meaning):
    """Narrative prose is in the past tense; the lexicon has infinitives (گفتن) where their forms are missing."""
    assert english_stem(meaning) in bundled_lexicon().renderings(written)


def test_a_verb_prefix_is_not_read_as_part_of_a_noun():
    lexicon = bundled_lexicon()
    assert english_stem("shrimp") not in lexicon.renderings("می‌گوید")  # میگو
    assert english_stem("Rome") not in lexicon.renderings("می‌روم")  # روم
    assert english_stem("table") in lexicon.renderings("میز")  # a noun that starts with the same letters
    assert english_stem("want") in lexicon.renderings("می‌خواهید")  # خواه- is the future only without می‌
