"""Every code `check` can report, with its severity and a one-line explanation.

docs/checks.md documents each with an example; ACCEPTABLE are the quality
flags a reviewer may accept in translations/<lang>/review.toml.
"""

from __future__ import annotations

from ..problems import Severity

E, W = Severity.ERROR, Severity.WARNING

CODES: dict[str, tuple[Severity, str]] = {
    # structure: the two files do not pair block for block
    "TRANSLATION-MISSING": (E, "a chapter in source/ has no file of the same name in translations/<lang>/"),
    "SOURCE-MISSING": (E, "a file in translations/<lang>/ has no chapter of the same name in source/"),
    "ALIGN-MISSING": (E, "a source block has no translation; the message says where the translation belongs"),
    "ALIGN-EXTRA": (E, "a translated block has no source: added, or half of a split"),
    "ALIGN-MERGED": (E, "one translated block translates two source blocks"),
    "ALIGN-SPLIT": (E, "one source block is translated as two blocks"),
    "ALIGN-KIND": (E, "a block is translated as a different kind of block (a heading as a paragraph ...)"),
    # quality flags on a pair (a reviewer may accept them)
    "NUMBER-MISMATCH": (W, "a number of one side is not on the other (any digits; English number words count)"),
    "UNTRANSLATED": (W, "the translation is empty, the same as the source, or still in Arabic script"),
    "LENGTH-RATIO": (W, "the translation is far longer or shorter than the book's translations usually are"),
    "BRACKET-UNBALANCED": (W, "a bracket, parenthesis or quotation mark is opened and not closed (or the reverse)"),
    "BRACKET-MISSING": (W, "the translation has fewer bracketed or parenthesised parts than the source"),
    "QUOTE-MISSING": (W, "the source quotes something («…») that the translation neither quotes nor italicises"),
    "NOTE-MISMATCH": (W, "the two sides have different numbers of footnotes"),
    "LINK-MISMATCH": (W, "the two sides have different numbers of links"),
    "URL-MISMATCH": (W, "the two sides write out different numbers of URLs"),
    "QUESTION-MISMATCH": (W, "one side asks a question (؟ or ?) and the other does not"),
    # sentences inside a pair (review/sentences.py)
    "SENTENCE-MISSING": (W, "a source sentence has no counterpart in the translation of its pair: left out?"),
    "SENTENCE-ADDED": (W, "a translated sentence has no source sentence in its pair: added?"),
    # the glossary (translations/<lang>/glossary.toml; review/glossary.py)
    "TERM-MISSING": (W, "the source has a glossary term and the translation none of its agreed renderings"),
    "TERM-INCONSISTENT": (W, "a Latin name is spelled two ways across the translation (Aylwin / Ailwin)"),
    # approval (after `approve`)
    "STALE": (W, "the source block changed since the pair was approved: update the translation"),
    "NEEDS-REVIEW": (W, "the translation changed since the pair was approved: review it"),
    "UNAPPROVED": (W, "the pair (or chapter) was added after the last approval"),
    # the reviewer's files
    "LOCK-INVALID": (E, "translations/<lang>/approved.lock cannot be read: run approve again"),
    "ACCEPT-INVALID": (E, "an entry of translations/<lang>/review.toml is malformed"),
    "GLOSSARY-INVALID": (E, "translations/<lang>/glossary.toml is malformed: syntax, an empty, duplicate or unknown key"),
    "ACCEPT-UNUSED": (W, "an accepted flag matches no flag any more (the pair changed or was fixed)"),
    # the round trip (import)
    "REVIEW-COMMENT": (Severity.SUGGESTION, "a reviewer's or translator's comment on a pair, imported into translations/<lang>/comments.toml"),
    "COMMENTS-INVALID": (W, "an entry of translations/<lang>/comments.toml is malformed"),
}

ACCEPTABLE = frozenset(
    {
        "NUMBER-MISMATCH",
        "UNTRANSLATED",
        "LENGTH-RATIO",
        "BRACKET-UNBALANCED",
        "BRACKET-MISSING",
        "QUOTE-MISSING",
        "NOTE-MISMATCH",
        "LINK-MISMATCH",
        "URL-MISMATCH",
        "QUESTION-MISMATCH",
        "SENTENCE-MISSING",
        "SENTENCE-ADDED",
        "TERM-MISSING",
        "TERM-INCONSISTENT",
    }
)
