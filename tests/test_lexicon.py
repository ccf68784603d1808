"""The Persian–English lexicon the sentence alignment weighs words with (parallelbook/text/lexicon.py)."""

from __future__ import annotations

import pytest

from parallelbook.text.lexicon import LEXICON_FILE, bundled_lexicon, english_stem, fold_word


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
