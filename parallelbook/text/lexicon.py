"""Which English words may translate a Persian word: a small bilingual lexicon for the sentence alignment.

The lexicon (data/fa_en_lexicon.txt, about 10,100 Persian words) was made from
the Open Multilingual Wordnet's Persian wordnets — the Persian WordNet of
Montazery and Faili, the Wiktionary and the CLDR lists — joined through their
synsets to the English lemmas of Princeton WordNet 3.0 (attribution and
licences in data/fa_en_lexicon_LICENSE.txt), with the everyday renderings of
about 5,700 common words (many of which wordnets list under rarer senses only) added from
data/fa_en_common.txt (written for this project), and, for each book, what its
own translated sentences teach (`Lexicon.learned`).  It is used as evidence, never as a
translation: a sentence whose words have renderings in the other side's
sentence is likely its translation; a sentence of many words none of which has
a rendering there is likely not.

Persian words are looked up folded (Arabic letter forms, diacritics, tatweel,
ZWNJ) and with their endings taken off (plurals, ezafe, possessives, verb
prefixes and personal endings, comparatives), a past form of a verb by its
infinitive too; a word no entry knows by the parts its writer marked with a
ZWNJ or, a name or a loanword, by its consonants, which meet an English word
spelled with the same ones (`persian_spelling`); English words lowercased and
cut to a rough stem (`english_stem`), the same way on both sides of the
lexicon.  Pure, apart from reading the bundled file once.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Iterable

LEXICON_FILE = "fa_en_lexicon.txt"
COMMON_WORDS_FILE = "fa_en_common.txt"
# What a book's own translations must show for a Persian word to be taken as rendered by an English one
# (`Lexicon.learned`): seen together in this many translated sentences, Dice's coefficient at least
# LEARN_DICE, the English word in at least this share of the translations of the Persian one, and together
# far more often than chance would have them.
LEARN_MIN_TOGETHER = 2
LEARN_DICE = 0.4
LEARN_SHARE = 0.5
LEARN_CHANCE = 1e-4  # and so seldom seen together by chance (many pairs of words are tried)
LEARN_MAX_WORDS = 80  # sentences with more different content words than this (on either side) teach nothing

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
# Persian words that carry grammar rather than content (prepositions, conjunctions, pronouns, determiners,
# adverbs of degree and time, modal words); folded like the words looked up (آن -> ان)
PERSIAN_STOP_WORDS = """از به با در بر تا که و یا را این آن اینها آنها او ما شما من تو وی ایشان است هست نیست بود باشد شد شود
    می نمی هم نیز اما ولی اگر چون چه چرا کدام هر همه خود یک دو برای بی پس پیش سوی زیر روی میان بین درباره
    دیگر حتی همین همان چنین چنان آیا نه بله را ای ها های
    آنچه اینکه آنکه چیزی چیزها کسی کسانی یکی برخی بعضی چند چندین هیچ همه‌ی خیلی بسیار بسیاری کمی فقط تنها
    باید نباید شاید مثل مانند همچون چنانکه چنانچه زیرا لذا بنابراین سپس آنگاه وقتی هنگامی زمانی حالا اکنون
    اینجا آنجا کجا چطور چگونه چقدر توسط طی ضمن نزد جز بدون مگر هنوز دیگری دیگران همچنین البته اینطور آنطور""".split()

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
# what follows a past stem: the personal endings, the participle's ه and the perfect's (گفته‌ام), or nothing
_PAST_ENDINGS = ("هایم", "هاید", "هاند", "هاست", "هام", "های", "یم", "ید", "ند", "ه", "م", "ی", "")


def fold_word(word: str) -> str:
    """A Persian word as the lexicon keys it: letter forms, diacritics, tatweel and ZWNJ folded away."""
    word = unicodedata.normalize("NFC", word).translate(_FOLD)
    return "".join(ch for ch in word if not unicodedata.combining(ch))


# Persian words that carry grammar: the function words, and every form of the light and auxiliary verbs
# (کردن، شدن، داشتن، بودن، دادن، گرفتن، توانستن, and خواستن as the future's auxiliary): in compound verbs
# (استفاده کردن، قرار گرفتن، نشان دادن) they carry no word of their own into the translation, and their forms
# collide with content words (کند "slow", ده "village", کرد "Kurd").
def _light_verb_forms() -> frozenset[str]:
    present = {"کن": True, "شو": True, "باش": True, "دار": False, "ده": True, "گیر": True, "توان": False}
    past = ("کرد", "شد", "بود", "داشت", "داد", "گرفت", "توانست")
    persons = ("م", "ی", "د", "یم", "ید", "ند")
    perfect = ("ه", "هام", "های", "هاست", "هایم", "هاید", "هاند", "هبود", "هباشد", "هشد", "هشود")
    forms = {"خواه" + p for p in persons}  # the future: خواهد رفت
    for stem, imperative in present.items():
        for prefix in ("", "می", "نمی", "ن", "ب"):
            forms.update(prefix + stem + p for p in persons)
            if imperative and prefix in ("ب", "ن"):
                forms.add(prefix + stem)
    forms.add("کن")
    for stem in past:
        for prefix in ("", "می", "نمی", "ن"):
            forms.update(prefix + stem + p for p in ("", "ن") + persons + perfect)
    # the same letters as a content word of its own: شدید "severe", داده "data", بدهی "debt", دادن in داد "justice"
    return frozenset(forms - {"شدید", "داده", "بدهی", "بده", "داد", "ببود", "نشد"})


PERSIAN_STOP = frozenset(fold_word(w) for w in PERSIAN_STOP_WORDS) | _light_verb_forms()


# endings cut off an English word, longest first, so that a noun, its verb and their forms meet
# (translate, translated, translation, translations -> transl); the stem must keep three letters
_ENGLISH_ENDINGS = sorted(
    """ational ations ation ators ator ating ated ates ate ities ity ments ment nesses ness ings ing ions ion ives ive
    ied ies ed es s ly al""".split(),
    key=len,
    reverse=True,
)


# A word's consonants as a Latin "spelling" (`persian_spelling`, `latin_spelling`): a name or a loanword the
# lexicon does not know is still recognised in the other script (تمپلیت, template; مرکوریو, Mercurio).  Letters whose
# sound the other script may write as a vowel, or not at all (ا و ی ع ه; a e i o u w y h), are dropped; the
# sibilants and the letters that two scripts write for one sound fall together.
SPELLED = "~"  # what a spelling starts with, among a word's renderings (stems never do)
SPELLING_MIN = 3  # consonants a spelling must keep: shorter ones meet by chance
_PERSIAN_CONSONANTS = str.maketrans(
    {
        **{ch: None for ch in "اآأإءئؤعهحویة"},
        "ب": "b", "پ": "p", "ت": "t", "ط": "t", "ث": "s", "س": "s", "ص": "s", "ز": "s", "ذ": "s", "ض": "s",
        "ظ": "s", "ژ": "j", "ج": "j", "چ": "c", "خ": "k", "د": "d", "ر": "r", "ش": "S", "غ": "g", "ق": "k",
        "گ": "g", "ف": "f", "ک": "k", "ل": "l", "م": "m", "ن": "n",
    }
)
_LATIN_SOUNDS = (
    (re.compile(r"sch|sh|ti(?=on|al|ous)"), "S"),
    (re.compile(r"ch|tch"), "c"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"th"), "t"),
    (re.compile(r"ck|kh|q"), "k"),
    (re.compile(r"gh"), "g"),
    (re.compile(r"dj|dge"), "j"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"c(?=[eiy])"), "s"),
    (re.compile(r"g(?=[eiy])"), "j"),  # page, digital, technology: پیج، دیجیتال، تکنولوژی
    (re.compile(r"c"), "k"),
    (re.compile(r"z"), "s"),
    (re.compile(r"[aeiouwyhv]"), ""),
)
_REPEATED = re.compile(r"(.)\1+")


def _spelled(consonants: str) -> str | None:
    consonants = _REPEATED.sub(r"\1", consonants)
    return SPELLED + consonants if len(consonants) >= SPELLING_MIN else None


@lru_cache(maxsize=1 << 16)
def latin_spelling(word: str) -> str | None:
    """A Latin word's consonants, as `persian_spelling` writes a Persian word's: template -> ~tmplt."""
    w = word.lower()
    for pattern, sound in _LATIN_SOUNDS:
        w = pattern.sub(sound, w)
    return _spelled(w)


def persian_spelling(folded: str) -> str | None:
    """A folded Persian word's consonants in Latin letters: تمپلیت -> ~tmplt, لینوکس -> ~lnks."""
    return _spelled(folded.translate(_PERSIAN_CONSONANTS).replace("و", ""))


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


def _prose(text: str) -> str:
    """Text without its addresses and template expressions."""
    if "{" in text or "://" in text or "www." in text or "@" in text:
        text = _ADDRESS.sub(" ", _TEMPLATE.sub("", text))
    return text


def _content_words(text: str) -> list[str]:
    """The content words of English text, as written."""
    return [w for w in _ENGLISH_WORD.findall(_prose(text)) if w.lower() not in ENGLISH_STOP and len(w) > 2]


def english_words(text: str) -> list[str]:
    """The content words of English text, as stems."""
    return [english_stem(w) for w in _content_words(text)]


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
            folded = fold_word(word)
            if word.startswith(("می\u200c", "نمی\u200c")):  # a verb by its prefix: می‌گوید is not میگو, "shrimp"
                found = frozenset() if folded in PERSIAN_STOP else self._verb(fold_word(word.partition("\u200c")[2]))
            else:
                found = self._lookup(folded) or self._unknown(word)
            self._found[word] = found
        return found

    def _lookup(self, word: str) -> frozenset[str]:
        """A folded word's renderings: its entry's (itself, or without its prefix or ending) and, for what may
        be a past form (گفتم، میرفت، دیده), its infinitive's (گفتن، رفتن، دیدن): narrative prose is in the past,
        and the entries have its infinitives where its forms are missing or only nouns (دید, "view")."""
        key = self._key(word)
        verb = self._infinitive(word)
        found = self.entries[key] if key is not None else frozenset()
        return found | self.entries[verb] if verb is not None else found

    def _verb(self, rest: str) -> frozenset[str]:
        """A verb's renderings from what follows its می‌: its infinitive's by its past stem (می‌رفتم), or its
        present stem's entry (می‌نویسد); never a noun the letters also spell (می‌روم is not روم, "Rome")."""
        verb = self._infinitive(rest)
        if verb is not None:
            return self.entries[verb]
        for ending in ("یم", "ید", "ند", "م", "ی", "د"):
            stem = rest[: -len(ending)]
            if rest.endswith(ending) and len(stem) >= 2 and stem in self.entries and stem not in PERSIAN_STOP:
                return self.entries[stem]
        return frozenset()

    def _infinitive(self, word: str) -> str | None:
        """The infinitive (an entry) whose past stem a folded word is made of: گفتم -> گفتن, میرفت -> رفتن."""
        if word in PERSIAN_STOP:
            return None
        bases = [word] + [word[len(p) :] for p in _PREFIXES if word.startswith(p) and len(word) - len(p) >= 2]
        for base in bases:
            for ending in _PAST_ENDINGS:
                if base.endswith(ending):
                    stem = base[: len(base) - len(ending)]
                    if len(stem) >= 2 and stem[-1] in "تد" and stem + "ن" in self.entries:
                        return stem + "ن"
        return None

    def _unknown(self, word: str) -> frozenset[str]:
        """What a word the lexicon does not know may still be rendered by: the renderings of its parts, when
        its writer marked them (صلح‌آمیز: صلح, "peace"); else, if it is not a verb, its spelling — a name or a
        loanword (Latin letters in a translation of a Persian word written in Persian ones)."""
        folded = fold_word(word)
        if len(folded) < 2 or folded in PERSIAN_STOP:
            return frozenset()
        if "\u200c" in word:
            parts = frozenset().union(*(self._lookup(fold_word(part)) for part in word.split("\u200c")))
            if parts:
                return parts
        if folded.startswith(("می", "نمی")):
            return frozenset()  # a verb: not a name, and its prefix would spell a consonant
        for suffix in ("هایی", "های", "ها"):
            if folded.endswith(suffix) and len(folded) - len(suffix) >= 2:
                folded = folded[: -len(suffix)]
                break
        spelling = persian_spelling(folded)
        return frozenset((spelling,)) if spelling else frozenset()

    def _key(self, word: str) -> str | None:
        """The entry a folded Persian word is found under (itself, or with its prefix or ending taken off)."""
        if len(word) < 2 or word in PERSIAN_STOP:
            return None
        entries = self.entries
        if word in entries:
            return word
        bases = [word] + [word[len(p) :] for p in _PREFIXES if word.startswith(p) and len(word) - len(p) >= 2]
        for base in bases:
            if base in entries:
                return base
        for base in bases:
            for suffix in _SUFFIXES:
                if base.endswith(suffix) and len(base) - len(suffix) >= 2:
                    stem = base[: -len(suffix)]
                    if stem in entries:
                        return stem
                    if suffix in ("ها", "های", "ی", "ای") and stem + "ه" in entries:  # خانه‌ها، خانه‌ای: the silent he
                        return stem + "ه"
        return None

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

    def persian_counts(self, text: str) -> Counter:
        """How often each known content word of Persian text stands in it (keyed by its renderings)."""
        return Counter(found for found in map(self.renderings, _PERSIAN_WORD.findall(text)) if found)

    def english_words(self, text: str) -> frozenset[str]:
        """The different content words of English text that render some Persian word, as stems."""
        return frozenset(w for w in english_words(text) if w in self.english)

    def english_counts(self, text: str) -> Counter:
        """How often each content word of English text that renders some Persian word stands in it."""
        return Counter(w for w in english_words(text) if w in self.english)

    def english_renderings(self, text: str) -> frozenset[str]:
        """Everything in English text that a Persian word's renderings may meet: its known words' stems and
        the spellings of all its content words (as written, and without a plural's s: templates, template)."""
        found = set()
        for word in _content_words(text):
            stem = english_stem(word)
            if stem in self.english:
                found.add(stem)
            plural = word[:-1] if word.endswith("s") and not word.endswith("ss") else word
            found.update(filter(None, (latin_spelling(word), latin_spelling(plural))))
        return frozenset(found)

    def with_terms(self, terms: Iterable[tuple[str, Iterable[str]]]) -> "Lexicon":
        """The lexicon with a glossary's terms added: each word of a term's Persian may be rendered by the words
        of its renderings."""
        terms = list(terms)
        if not terms:
            return self
        entries: dict[str, set[str]] = {}
        english: set[str] = set()
        for source, targets in terms:
            stems = {s for t in targets for s in english_words(t)}
            if not stems:
                continue
            english |= stems
            for word in _PERSIAN_WORD.findall(source):
                key = fold_word(word)
                if len(key) >= 2 and key not in PERSIAN_STOP:
                    entries.setdefault(key, set()).update(stems)
        return self.merged(_frozen(entries, english))

    def merged(self, other: Lexicon) -> Lexicon:
        """Both lexicons' renderings of every word."""
        entries = dict(self.entries)
        for word, stems in other.entries.items():
            entries[word] = entries.get(word, frozenset()) | stems
        return Lexicon(entries, self.english | other.english)

    def learned(self, translations: Iterable[tuple[str, str]]) -> Lexicon:
        """The lexicon with what a book's own translations teach: an English word that stands in the
        translation of most sentences containing a Persian word, and seldom elsewhere, may render it
        (Dice's coefficient over sentences, `LEARN_*`).  Catches what a general lexicon lacks or has only
        in another sense: names and terms of the book (جنگو, Django; پایتون, Python).
        `translations`: (Persian sentence, its English translation), as aligned one to one."""
        persian_count: Counter = Counter()
        english_count: Counter = Counter()
        keys: dict[str, str | None] = {}
        sentences = []
        for persian, english in translations:
            p_keys = set()
            for word in _PERSIAN_WORD.findall(persian):
                if word in keys:
                    key = keys[word]
                else:  # the entry it is found under, or (a word the lexicon does not know) its own
                    folded = fold_word(word)
                    key = keys[word] = self._key(folded) or _learnable(folded)
                if key is not None:
                    p_keys.add(key)
            e_stems = set(english_words(english))
            # a long sentence pairs every word with every other: it would teach noise, at a quadratic cost
            if p_keys and e_stems and len(p_keys) <= LEARN_MAX_WORDS and len(e_stems) <= LEARN_MAX_WORDS:
                sentences.append((p_keys, e_stems))
                persian_count.update(p_keys)
                english_count.update(e_stems)
        together: Counter = Counter()
        for p_keys, e_stems in sentences:  # only words seen often enough to be learnt are paired
            p_often = [p for p in p_keys if persian_count[p] >= LEARN_MIN_TOGETHER]
            e_often = [e for e in e_stems if english_count[e] >= LEARN_MIN_TOGETHER]
            together.update((p, e) for p in p_often for e in e_often)
        pairs = len(sentences)
        learnt: dict[str, set[str]] = {}
        for (p, e), both in together.items():
            if both < LEARN_MIN_TOGETHER or both < LEARN_SHARE * persian_count[p]:
                continue
            if 2 * both / (persian_count[p] + english_count[e]) >= LEARN_DICE and _by_chance(both, persian_count[p], english_count[e], pairs) < LEARN_CHANCE:
                learnt.setdefault(p, set()).add(e)
        return self.merged(_frozen(learnt)) if learnt else self


def _frozen(entries: dict[str, set[str]], english: Iterable[str] = ()) -> Lexicon:
    """A lexicon of these entries; its English stems are theirs and `english`."""
    return Lexicon({k: frozenset(v) for k, v in entries.items()}, frozenset(english).union(*entries.values()))


def _by_chance(both: int, persian: int, english: int, sentences: int) -> float:
    """How likely two words seen in `persian` and `english` of `sentences` translated sentences would meet in
    `both` of them or more if they had nothing to do with each other (the hypergeometric tail)."""

    def log_choose(n: int, k: int) -> float:
        return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)

    total = log_choose(sentences, persian)
    return sum(
        math.exp(log_choose(english, k) + log_choose(sentences - english, persian - k) - total)
        for k in range(both, min(persian, english) + 1)
        if persian - k <= sentences - english
    )


def _learnable(folded: str) -> str | None:
    """The key a Persian word the lexicon does not know is learnt under: without a plural ending."""
    if len(folded) < 2 or folded in PERSIAN_STOP:
        return None
    for suffix in ("هایی", "های", "ها"):
        if folded.endswith(suffix) and len(folded) - len(suffix) >= 2:
            return folded[: -len(suffix)]
    return folded


def parse_lexicon(text: str) -> Lexicon:
    """`persian<TAB>stem stem …` lines; `#` starts a comment."""
    entries: dict[str, frozenset[str]] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        persian, _, english = line.partition("\t")
        entries[persian] = frozenset(english.split())
    return Lexicon(entries, frozenset(s for stems in entries.values() for s in stems))


def parse_word_list(text: str) -> Lexicon:
    """`persian<TAB>english english …` lines as people write them (data/fa_en_common.txt): the Persian folded,
    the English cut to stems, English function words left out; `#` starts a comment."""
    entries: dict[str, set[str]] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        persian, _, english = line.partition("\t")
        key = fold_word(persian.strip())
        stems = {english_stem(w) for w in english.split() if w.lower() not in ENGLISH_STOP}
        if key and stems and key not in PERSIAN_STOP:
            entries.setdefault(key, set()).update(stems)
    return _frozen(entries)


@lru_cache(maxsize=1)
def bundled_lexicon() -> Lexicon:
    """The Persian–English lexicon shipped with the package: the wordnet-derived lexicon, with the common
    words' everyday renderings it lacks (باز is "open" as well as "hawk") added from data/fa_en_common.txt."""
    data = resources.files(__package__ or "parallelbook.text") / "data"
    lexicon = parse_lexicon((data / LEXICON_FILE).read_text(encoding="utf-8"))
    return lexicon.merged(parse_word_list((data / COMMON_WORDS_FILE).read_text(encoding="utf-8")))
