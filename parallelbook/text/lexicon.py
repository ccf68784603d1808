"""Which English words may translate a Persian word: a small bilingual lexicon for the sentence alignment.

The lexicon (data/fa_en_lexicon.txt, about 10,100 Persian words) was made from
the Open Multilingual Wordnet's Persian wordnets — the Persian WordNet of
Montazery and Faili, the Wiktionary and the CLDR lists — joined through their
synsets to the English lemmas of Princeton WordNet 3.0 (attribution and
licences in data/fa_en_lexicon_LICENSE.txt).  It is used as evidence, never as a
translation: a sentence whose words have renderings in the other side's
sentence is likely its translation; a sentence of many words none of which has
a rendering there is likely not.

Persian words are looked up folded (Arabic letter forms, diacritics, tatweel,
ZWNJ) and with their endings taken off (plurals, ezafe, possessives, verb
prefixes and personal endings, comparatives); English words lowercased and
cut to a rough stem (`english_stem`), the same way on both sides of the
lexicon.  Pure, apart from reading the bundled file once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Iterable

LEXICON_FILE = "fa_en_lexicon.txt"

# English words that carry grammar rather than content (never counted as evidence)
ENGLISH_STOP = frozenset(
    """a about above after again against all also am an and any are as at be been before being below between both
    but by can could did do does doing down during each few for from further had has have having he her here hers
    herself him himself his how i if in into is it its itself just let me more most my myself no nor not now of off
    on once only or other our ours ourselves out over own same she should so some such than that the their theirs
    them themselves then there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours yourself yourselves one two many much may might must
    shall upon thus also however therefore yet still even well like get got make made say said see way""".split()
)
# Persian words that carry grammar rather than content (prepositions, conjunctions, pronouns, the copula)
PERSIAN_STOP = frozenset(
    """از به با در بر تا که و یا را این آن اینها آنها او ما شما من تو وی ایشان است هست نیست بود باشد شد شود
    می نمی هم نیز اما ولی اگر چون چه چرا کدام هر همه خود یک دو برای بی پس پیش سوی زیر روی میان بین درباره
    دیگر حتی همین همان چنین چنان آیا نه بله را ای ها های""".split()
)

_FOLD = str.maketrans(
    {
        "\u064a": "\u06cc",
        "\u0649": "\u06cc",
        "\u0643": "\u06a9",
        "\u06c0": "\u0647",
        "\u06d5": "\u0647",
        "\u0629": "\u0647",
        "\u0623": "\u0627",
        "\u0625": "\u0627",
        "\u0622": "\u0627",
        "\u0624": "\u0648",
        "\u0640": None,
        "\u200c": None,  # ZWNJ: می‌روند and میروند are the same word
        "\u200d": None,
    }
)
_PERSIAN_WORD = re.compile(r"[\u0621-\u065f\u066e-\u06d3\u06d5\u06fa-\u06ff\u200c\u200d]+")
_ENGLISH_WORD = re.compile(r"[A-Za-z]+")
# addresses and template expressions are not prose: their words translate nothing
_TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
_ADDRESS = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+")
# endings taken off a Persian word, longest first (plural, comparative, possessive, personal, ezafe, indefinite)
_SUFFIXES = sorted(
    """ها های هایی هایم هایت هایش هایمان هایتان هایشان ان یان ات تر ترین ی یی ای ام اش مان تان شان م ت ش
    ند ید یم اند ایم اید است ه ش""".split(),
    key=len,
    reverse=True,
)
_PREFIXES = ("نمی", "می", "ن", "ب")


def fold_word(word: str) -> str:
    """A Persian word as the lexicon keys it: letter forms, diacritics, tatweel and ZWNJ folded away."""
    word = unicodedata.normalize("NFC", word).translate(_FOLD)
    return "".join(ch for ch in word if not unicodedata.combining(ch))


# endings cut off an English word, longest first, so that a noun, its verb and their forms meet
# (translate, translated, translation, translations -> transl); the stem must keep three letters
_ENGLISH_ENDINGS = sorted(
    """ational ations ation ators ator ating ated ates ate ities ity ments ment nesses ness ings ing ions ion ives ive
    ied ies ed es s ly al""".split(),
    key=len,
    reverse=True,
)


@lru_cache(maxsize=1 << 16)
def english_stem(word: str) -> str:
    """A rough stem: translate, translated, translation -> transl; countries, country -> countr."""
    w = word.lower()
    if w.endswith(("'s", "’s")):
        w = w[:-2]
    for suffix in _ENGLISH_ENDINGS:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3 and not (suffix == "s" and w.endswith(("ss", "us", "is"))):
            w = w[: len(w) - len(suffix)]
            break
    if w.endswith("y") and len(w) > 3:
        w = w[:-1]  # country / countries (-> countr after "ies")
    if len(w) > 4 and w[-1] == w[-2] and w[-1] not in "ls":
        w = w[:-1]  # stopp(ed), runn(ing)
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    return w


def english_words(text: str) -> list[str]:
    """The content words of English text, as stems."""
    if "{" in text or "://" in text or "www." in text or "@" in text:
        text = _ADDRESS.sub(" ", _TEMPLATE.sub("", text))
    return [english_stem(w) for w in _ENGLISH_WORD.findall(text) if w.lower() not in ENGLISH_STOP and len(w) > 2]


@dataclass(frozen=True)
class Lexicon:
    """Folded Persian word -> the stems of the English words that may render it."""

    entries: dict[str, frozenset[str]]
    english: frozenset[str]  # every stem some Persian word may be rendered by
    _found: dict[str, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)

    def renderings(self, word: str) -> frozenset[str]:
        """What a Persian word (as written in the text) may be rendered by; empty when it is unknown."""
        found = self._found.get(word)
        if found is None:
            found = self._found[word] = self._lookup(fold_word(word))
        return found

    def _lookup(self, word: str) -> frozenset[str]:
        if len(word) < 2 or word in PERSIAN_STOP:
            return frozenset()
        entries = self.entries
        if word in entries:
            return entries[word]
        bases = [word] + [word[len(p) :] for p in _PREFIXES if word.startswith(p) and len(word) - len(p) >= 2]
        for base in bases:
            if base in entries:
                return entries[base]
        for base in bases:
            for suffix in _SUFFIXES:
                if base.endswith(suffix) and len(base) - len(suffix) >= 2:
                    stem = base[: -len(suffix)]
                    if stem in entries:
                        return entries[stem]
                    if suffix in ("ها", "های", "ی", "ای") and stem + "ه" in entries:  # خانه‌ها، خانه‌ای: the silent he
                        return entries[stem + "ه"]
        return frozenset()

    def persian_words(self, text: str) -> tuple[frozenset[str], ...]:
        """The renderings of each different known content word of Persian text."""
        seen: dict[str, frozenset[str]] = {}
        for word in _PERSIAN_WORD.findall(text):
            if word not in seen:
                seen[word] = self.renderings(word)
        unique: dict[frozenset[str], None] = {}
        for found in seen.values():
            if found:
                unique[found] = None
        return tuple(unique)

    def english_words(self, text: str) -> frozenset[str]:
        """The different content words of English text that render some Persian word, as stems."""
        return frozenset(w for w in english_words(text) if w in self.english)

    def with_terms(self, terms: Iterable[tuple[str, Iterable[str]]]) -> "Lexicon":
        """The lexicon with a glossary's terms added: each word of a term's Persian may be rendered by the words
        of its renderings."""
        terms = list(terms)
        if not terms:
            return self
        entries = dict(self.entries)
        english = set(self.english)
        for source, targets in terms:
            stems = frozenset(s for t in targets for s in english_words(t))
            if not stems:
                continue
            english |= stems
            for word in _PERSIAN_WORD.findall(source):
                key = fold_word(word)
                if len(key) >= 2 and key not in PERSIAN_STOP:
                    entries[key] = entries.get(key, frozenset()) | stems
        return Lexicon(entries, frozenset(english))


def parse_lexicon(text: str) -> Lexicon:
    """`persian<TAB>stem stem …` lines; `#` starts a comment."""
    entries: dict[str, frozenset[str]] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        persian, _, english = line.partition("\t")
        entries[persian] = frozenset(english.split())
    return Lexicon(entries, frozenset(s for stems in entries.values() for s in stems))


@lru_cache(maxsize=1)
def bundled_lexicon() -> Lexicon:
    """The Persian–English lexicon shipped with the package."""
    text = (resources.files(__package__ or "parallelbook.text") / "data" / LEXICON_FILE).read_text(encoding="utf-8")
    return parse_lexicon(text)
