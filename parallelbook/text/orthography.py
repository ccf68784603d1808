"""Persian orthography: normalisation and a precision-first linter.

``normalize`` is what every build applies to Persian text (it never changes
meaning); ``lint`` reports problems as :class:`Finding` objects; ``fix``
applies the automatic corrections.  Standard library only.

Finding codes (stable; severity, autofix, meaning):

FA-ZWNJ-PREFIX            warning     autofix  missing ZWNJ after the verbal prefix می/نمی (مىباشد -> می‌باشد; می کند -> می‌کند)
FA-ZWNJ-PLURAL            warning     autofix* missing ZWNJ before ها/های/هایی/هایش... after a joining letter (سلاحهاى -> سلاح‌های; کتاب ها -> کتاب‌ها, کار ها -> کارها); *not autofix when the word also reads as ـه + ای
FA-ZWNJ-ENCLITIC          warning     autofix* missing ZWNJ before ای/ام/ات/اش/اند/ایم/اید after silent ه (هستهاى -> هسته‌ای; پذیرفته ام -> پذیرفته‌ام; ایرانی ام -> ایرانی‌ام); *after ی run together: reported, not autofix
FA-ZWNJ-COMPARATIVE       suggestion  autofix* تر/ترین joined to a joining letter (بزرگتر -> بزرگ‌تر, a suggestion); spaced: ترین and تر/تری after a listed adjective are warnings with autofix (بزرگ تر -> بزرگ‌تر), after another word a suggestion (تر is also "wet")
FA-ZWNJ-COMPOUND          warning     autofix  run-together compound from the compound list or lexicon (بينالمللى -> بین‌المللی; spaced بی دلیل -> بی‌دلیل)
FA-ZWNJ-GUESS             warning     no       unknown word that splits into exactly one pair of known words (lexicon split)
FA-ZWNJ-SPACE             suggestion  no       space inside a listed compound (مسالمت آميز -> مسالمت‌آمیز), or after بی before an unlisted word
FA-ZWNJ-STRAY             warning     autofix  repeated ZWNJ, or ZWNJ where it is meaningless (next to space/punctuation, after ا د ذ ر ز ژ و ...)
FA-EZAFE                  warning     autofix  the ezafe after a silent ه in the book's one spelling (خانه ی / خانهء / خانه‌ی / ۀ -> خانهٔ; [orthography] ezafe)
FA-YEH-HAMZA              warning     autofix  ائی/وئی at the end of a word written ایی/ویی (آمريکائي -> آمریکایی); ه‌یی/ه‌ئی -> ه‌ای
FA-ARABIC-LETTER          warning     autofix  foreign letter forms ي ى ك ڪ ے ۍ ې ہ ھ ە ۃ or presentation forms (-> ی ک ه ة)
FA-ARABIC-DIGIT           warning     autofix  Arabic-Indic digits ٠-٩ (-> ۰-۹)
FA-ASCII-DIGIT            warning     autofix* Latin digits or signs in a Persian number (ساعت 18 -> ساعت ۱۸, 96% -> ۹۶٪, 4.7 -> ۴٫۷, 123۴۵6 -> ۱۲۳۴۵۶); never beside a Latin word; *a number of another form (1.2.3) is a suggestion
FA-SPACE-DIGIT            suggestion  no       a Persian number glued to a word (مسافت۹ -> مسافت ۹)
FA-TATWEEL                warning     autofix  tatweel/kashida U+0640 as padding (removed), or as a dash (ـ که ... ـ -> – که ... –)
FA-INVISIBLE              warning     autofix  invisible control character (U+200B, U+FEFF, U+2060-U+2064, U+180E); a soft hyphen inside a Persian word -> ZWNJ
FA-PUNCT-LATIN            warning     autofix  Latin , ; ? between Persian words (-> ، ؛ ؟)
FA-PUNCT-QUOTES           warning     autofix  straight or curly double quotes around Persian text (-> « »)
FA-PUNCT-SPACE-BEFORE     warning     autofix  space before ، ؛ ؟ . ! :
FA-PUNCT-SPACE-AFTER      warning     autofix  no space after ، or ؛ before a letter
FA-PUNCT-GUILLEMET-SPACE  warning     autofix  space just inside « », or none outside them next to a word
FA-PUNCT-BRACKET-SPACE    warning     autofix  space just inside ( ) [ ] { } next to a Persian word
FA-SPACE-MULTIPLE         warning     autofix  several spaces between Persian words (inside a line)
FA-BIDI-OVERRIDE          error       no       bidi embedding/override control U+202A-U+202E
FA-BIDI-ISOLATE           error       no       unbalanced bidi isolate U+2066-U+2069

Overlap scheme: one finding per word.  A word-level finding carries the fully
corrected word (ZWNJ, letters, tatweel, stray ZWNJ) and its code is the most
important correction in it; FA-ARABIC-LETTER / FA-TATWEEL / FA-INVISIBLE /
FA-ZWNJ-STRAY are emitted on their own only for words with no other finding.
A FA-ZWNJ-SPACE suggestion spans both words and absorbs their letter-only
findings.  Punctuation findings cover punctuation or spaces only.

Rule for the lexicon split (FA-ZWNJ-GUESS), chosen after measuring false
positives on a 190,000-word Persian word list: the joined word must be unknown
(not in the lexicon, not a known word plus a regular ending, not a verb form)
and split, at a letter that joins to the left, in exactly one way into
  * بی + a lexicon word of 3+ letters (بیاختیار -> بی‌اختیار), or
  * a lexicon word of 3+ letters + a productive second element listed in
    data/ortho_compound_heads.txt (نظریهپردازی -> نظریه‌پردازی), or
  * a lexicon word of 3+ letters not ending in ی + a lexicon word of 4+ letters
    starting with ا/آ (joined writing before alef is not standard).
Splits into two free words (سالنامه، کتابخانه، متناسب) are never guessed.

Data files (parallelbook/data): lexicon.txt (known words, correct ZWNJ),
compounds.txt (ZWNJ compounds), ortho_verb_stems.txt (past/present stems),
ortho_compound_heads.txt, ortho_compound_nospace.txt, ortho_h_consonantal.txt
(words ending in a pronounced ه), ortho_rare_plural_stems.txt, ortho_adjectives.txt
(adjectives that take a spaced تر).

``normalize(text)`` is what the build applies to every Persian text run:
every autofix correction above (punctuation and ائی -> ایی included), and,
inside a word whose finding is not automatic, that word's letter-level
normalisation; repeated until nothing changes (``corrections`` gives one pass,
located, for the ``fix`` command).  ``fix(text) == normalize(text)``: what
``fix`` writes into a file is what the build publishes anyway.
``zwnj=False`` (book.toml ``[orthography] zwnj_fixes = false``, for a text
that keeps its spelling) turns the word analysis off: no ZWNJ insertion, no
ائی -> ایی, and no FA-ZWNJ-PREFIX/PLURAL/ENCLITIC/COMPARATIVE/COMPOUND/GUESS/
SPACE, FA-EZAFE or FA-YEH-HAMZA findings; letters, digits, controls, tatweel,
stray ZWNJ, quotes and punctuation are still corrected.  ``skip`` (lint,
corrections) takes ranges that are not prose, e.g. Markdown constructs the
caller recognises.  ``ezafe`` ([orthography] ezafe: "hamza", "yeh" or "keep")
is the spelling of the ezafe after a silent ه; ``keep`` ([orthography] keep)
lists words and two-word phrases the book spells deliberately.

The build (read/book.normalised_block) runs ``corrections`` on each paragraph
as one text (text/blocks.map_runs), as ``fix`` runs it on the file.

Space rules (issue 12): two words separated by spaces only are joined (with a
ZWNJ, or directly after a non-joining letter) only in the curated cases of
``_join_spaced``: می/نمی + a verb form; the plural family after a noun; the
enclitics after a silent ه (or ی, not ای); ترین, and تر/تری after a listed
adjective (data/ortho_adjectives.txt); بی + a listed بی‌ compound.  Where the
pair could mean something else, it is a suggestion.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["Finding", "Correction", "normalize", "corrections", "splice", "lint", "apply_fixes", "fix", "CODES",
           "EZAFE_SPELLINGS"]

ZWNJ = "\u200c"
ZWJ = "\u200d"

CODES: dict[str, tuple[str, bool]] = {
    # code: (severity, autofix by default)
    "FA-ZWNJ-PREFIX": ("warning", True),
    "FA-ZWNJ-PLURAL": ("warning", True),
    "FA-ZWNJ-ENCLITIC": ("warning", True),
    "FA-ZWNJ-COMPARATIVE": ("suggestion", False),
    "FA-ZWNJ-COMPOUND": ("warning", True),
    "FA-ZWNJ-GUESS": ("warning", False),
    "FA-ZWNJ-SPACE": ("suggestion", False),
    "FA-ZWNJ-STRAY": ("warning", True),
    "FA-EZAFE": ("warning", True),
    "FA-YEH-HAMZA": ("warning", True),
    "FA-ARABIC-LETTER": ("warning", True),
    "FA-ARABIC-DIGIT": ("warning", True),
    "FA-ASCII-DIGIT": ("warning", True),
    "FA-SPACE-DIGIT": ("suggestion", False),
    "FA-TATWEEL": ("warning", True),
    "FA-INVISIBLE": ("warning", True),
    "FA-PUNCT-LATIN": ("warning", True),
    "FA-PUNCT-QUOTES": ("warning", True),
    "FA-PUNCT-SPACE-BEFORE": ("warning", True),
    "FA-PUNCT-SPACE-AFTER": ("warning", True),
    "FA-PUNCT-GUILLEMET-SPACE": ("warning", True),
    "FA-PUNCT-BRACKET-SPACE": ("warning", True),
    "FA-SPACE-MULTIPLE": ("warning", True),
    "FA-BIDI-OVERRIDE": ("error", False),
    "FA-BIDI-ISOLATE": ("error", False),
}


@dataclass(frozen=True)
class Finding:
    start: int
    end: int
    code: str
    severity: str
    message: str
    replacement: str | None
    autofix: bool


# --------------------------------------------------------------------------
# character classes

_LETTERS = (
    "\u0620-\u063F\u0641-\u064A\u066E\u066F\u0671-\u06D3\u06D5"
    "\u06EE\u06EF\u06FA-\u06FC\u06FF"
)
_MARKS = "\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06DC\u06DF-\u06E4\u06E7\u06E8\u06EA-\u06ED"
_PRES = "\uFB50-\uFBB1\uFBD3-\uFD3D\uFD50-\uFDC7\uFE80-\uFEFC"
_INVISIBLES = frozenset("\u200B\u2060\u2061\u2062\u2063\u2064\uFEFF\u180E")
_INVIS_CLASS = "\u200B\u2060-\u2064\uFEFF\u180E"
TATWEEL = "\u0640"

_TOKEN_RE = re.compile(f"[{_LETTERS}{_MARKS}{_PRES}{TATWEEL}{ZWNJ}{ZWJ}{_INVIS_CLASS}]+")
_LETTER_RE = re.compile(f"[{_LETTERS}{_PRES}]")
_MARK_RE = re.compile(f"[{_MARKS}]")
_PRES_RE = re.compile(f"[{_PRES}]")

# letters that do not join to the following letter
_NON_JOINING = frozenset("اآأإٱدذرزژوؤۀةءٲٳٵۆۇۈۉۊۋےەۃۍ")

# every foreign form of a Persian letter (Arabic, Urdu, Pashto, Kurdish), not only ي ى ك
_LETTER_MAP = {
    "\u064A": "\u06CC",  # ي Arabic yeh
    "\u0649": "\u06CC",  # ى alef maksura
    "\u06D2": "\u06CC",  # ے yeh barree (Urdu)
    "\u06CD": "\u06CC",  # ۍ yeh with tail (Pashto)
    "\u06D0": "\u06CC",  # ې yeh (Pashto, Uighur)
    "\u0643": "\u06A9",  # ك Arabic kaf
    "\u06AA": "\u06A9",  # ڪ swash kaf (Sindhi)
    "\u06C1": "\u0647",  # ہ heh goal (Urdu)
    "\u06BE": "\u0647",  # ھ heh doachashmee (Urdu)
    "\u06D5": "\u0647",  # ە ae (Kurdish)
    "\u06C3": "\u0629",  # ۃ teh marbuta goal (Urdu) -> ة
}
_ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
_PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
_AI_TO_FA = str.maketrans(_ARABIC_INDIC, _PERSIAN_DIGITS)
_ASCII_TO_FA = str.maketrans("0123456789", _PERSIAN_DIGITS)

_BIDI_OVERRIDES = frozenset("\u202A\u202B\u202C\u202D\u202E")
_BIDI_ISOLATE_OPEN = frozenset("\u2066\u2067\u2068")
_BIDI_PDI = "\u2069"


def _chars_of(cls: str) -> frozenset[str]:
    rx = re.compile(f"[{cls}]")
    blocks = (range(0x0600, 0x0700), range(0xFB50, 0xFF00))
    return frozenset(chr(i) for r in blocks for i in r if rx.match(chr(i)))


_LETTER_SET = _chars_of(_LETTERS + _PRES)
_MARK_SET = _chars_of(_MARKS)
_SPECIAL_RE = re.compile(f"[{ZWNJ}{TATWEEL}{_INVIS_CLASS}{_PRES}{''.join(_LETTER_MAP)}]")


def _is_letter(c: str | None) -> bool:
    return c in _LETTER_SET


def _is_mark(c: str) -> bool:
    return c in _MARK_SET


def _is_break(c: str | None) -> bool:
    """Whitespace, punctuation, symbol, separator, control, or text edge."""
    if c is None or c.isspace():
        return True
    return unicodedata.category(c)[0] in "PSZ" or unicodedata.category(c) == "Cc"


def _joins_left(c: str | None) -> bool:
    return _is_letter(c) and c not in _NON_JOINING


# --------------------------------------------------------------------------
# data

_HA_FAMILY = (
    "هایشان", "هایتان", "هایمان", "هاییم", "هایی", "هایم", "هایت", "هایش",
    "هاست", "های", "ها",
)
_ENCLITICS = ("ایم", "اید", "اند", "ای", "ام", "ات", "اش")
_YEH_ENCLITICS = ("ایم", "اید", "اند", "ام", "اش")  # not ای: «Xیای» is mostly Xیا + ezafe
_COMPARATIVE = ("ترین", "تری", "تر")
_SUFFIX_SEGMENTS = frozenset(_HA_FAMILY + _ENCLITICS + _COMPARATIVE + ("ی", "است", "ایی"))
_PRESENT_ENDINGS = ("م", "ی", "د", "یم", "ید", "ند")
_PAST_ENDINGS = ("", "م", "ی", "یم", "ید", "ند", "ه")
_PREVERBS = ("", "بر", "در", "باز", "فرا", "فرو", "ور")
_PREFIXES = ("نمی", "می")

# function words and bound elements that never count as a part of a guessed compound
_SPLIT_STOP = frozenset(
    """از به با در بر تا که را و یا هم نه این آن اینها آنها همین همان چه چون اگر
    اما ولی پس یک دو سه هر همه برای بین روی زیر سر پیش بی نیز باید شاید هست نیست
    است بود شد کرد داد گفت خود او ما شما ایشان آنان ها های ای ام اش اند ایم اید
    تر ترین ستان گاه مند وار دان گر کده زار سار لاخ انه گین ناک ینه ینی""".split()
)
_PLURAL_CUES = frozenset(
    "برخی بسیاری همه تمام تمامی کلیه سایر بعضی اغلب اکثر اکثریت این آن همین همان".split()
    + ["همه" + ZWNJ + "ی"]
)
# Arabic article sequences (بالعکس، بالاجماع) and similar first parts never start a guess
_GUESS_BAD_FIRST = frozenset(("بال", "فال", "کال", "لال"))
_INDEFINITE_CUES = frozenset("یک چه چنین چنان هیچ".split())
_SPACE_RULE_BLOCKED_FIRST = frozenset(("به", "هم", "می", "نمی", "که", "چه", "این", "آن"))


def _data_dir() -> Path:
    try:
        from importlib import resources

        base = resources.files(__package__ or "parallelbook") / "data"
        p = Path(str(base))
        if p.is_dir():
            return p
    except Exception:  # pragma: no cover - fallback for unusual loaders
        pass
    return Path(__file__).resolve().parent / "data"


def _norm_letters(s: str) -> str:
    return "".join(_LETTER_MAP.get(c, c) for c in s)


def _read_lines(name: str) -> list[str]:
    path = _data_dir() / name
    if not path.exists():
        return []
    out = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            out.append(_MARK_RE.sub("", _norm_letters(line)))
    return out


class _Data:
    def __init__(self) -> None:
        self.lexicon = frozenset(_read_lines("lexicon.txt"))
        self.compounds = frozenset(_read_lines("compounds.txt"))
        self.words = self.lexicon | self.compounds
        self.nospace = frozenset(_read_lines("ortho_compound_nospace.txt"))
        self.rare_plural = frozenset(_read_lines("ortho_rare_plural_stems.txt"))
        self.h_consonantal = frozenset(_read_lines("ortho_h_consonantal.txt"))
        # loose (ZWNJ-less) spelling -> canonical spelling with ZWNJ
        loose: dict[str, str | None] = {}
        for w in sorted(self.words):
            if ZWNJ in w:
                k = w.replace(ZWNJ, "")
                if k in loose and loose[k] != w:
                    loose[k] = None  # ambiguous placement: do not use
                else:
                    loose[k] = w
        self.loose = {k: v for k, v in loose.items() if v is not None and k not in self.words}
        self.heads = frozenset(_read_lines("ortho_compound_heads.txt"))
        self.adjectives = frozenset(_read_lines("ortho_adjectives.txt"))
        self.compound_loose = {
            k: v for k, v in self.loose.items() if v in self.compounds
        }
        # every part of a listed compound that stands before one of its ZWNJs: a spaced pair
        # can be a listed compound only if its first word is one of these
        self.compound_starts = frozenset(
            ZWNJ.join(c.split(ZWNJ)[:k]) for c in self.compounds for k in range(1, c.count(ZWNJ) + 1)
        )
        present: set[str] = set()
        past: set[str] = set()
        for line in _read_lines("ortho_verb_stems.txt"):
            parts = line.split()
            if parts and parts[0] != "-":
                past.add(parts[0])
            if len(parts) > 1 and parts[1] != "-":
                present.add(parts[1])
        self.present_stems = frozenset(present)
        self.past_stems = frozenset(past)
        forms: set[str] = set()
        for st in present:
            for e in _PRESENT_ENDINGS:
                forms.add(st + e)
        for st in past:
            for e in _PAST_ENDINGS:
                forms.add(st + e)
            forms.add(st + "ن")  # infinitive
        # a few modal / impersonal forms used bare after می
        forms.update(("توان", "بایست", "باید", "شاید", "بایستی"))
        self.verb_forms = frozenset(forms)
        self.participles = frozenset(
            [p + "ه" for p in past] + ["ن" + p + "ه" for p in past]
        )

    # ---------------------------------------------------------------- helpers
    def silent_h(self, w: str) -> bool:
        """w ends in a silent (vowel) ه."""
        if not w.endswith("ه"):
            return False
        if w.endswith(("اه", "وه", "آه")):
            return False
        return w not in self.h_consonantal

    def is_verb_form(self, w: str) -> bool:
        """w is a verb form (optional preverb, optional می‌/نمی‌/ب/ن, stem + ending)."""
        for pv in _PREVERBS:
            if not w.startswith(pv):
                continue
            r = w[len(pv):]
            if not r:
                continue
            if r in self.verb_forms:
                return True
            for pre in ("می" + ZWNJ, "نمی" + ZWNJ, "ب", "ن"):
                if r.startswith(pre) and r[len(pre):] in self.verb_forms:
                    return True
            for pre in ("بی", "نی", "می" + ZWNJ, "نمی" + ZWNJ):
                # آ-initial stems after a prefix ending in ی: بیاید، نیاورد، می‌اندیشد
                if r.startswith(pre + "ا") and "آ" + r[len(pre) + 1:] in self.verb_forms:
                    return True
        return False

    def base_known(self, b: str) -> bool:
        return b in self.words or b in self.participles

    def direct_ok(self, b: str, e: str) -> bool:
        """Can ending e be joined to base b without ZWNJ?"""
        c = b[-1]
        silent = self.silent_h(b)
        if e in _HA_FAMILY or e in ("تر", "ترین", "تری"):
            return c in _NON_JOINING
        if e == "ی":
            return c != "ی" and not silent
        if e in ("یی", "یان", "ست", "یش", "یت", "یمان", "یتان", "یشان", "یند"):
            return c in "اوآ"
        if e in ("ان", "ات"):
            return c not in "اوآ" and not silent
        if e in ("م", "ت", "ش", "مان", "تان", "شان", "یم", "ید", "ند"):
            return not silent
        return False

    _DIRECT = (
        "هایشان", "هایتان", "هایمان", "هایی", "هایم", "هایت", "هایش", "هاست",
        "های", "ها", "ترین", "تری", "تر", "یمان", "یتان", "یشان", "مان", "تان",
        "شان", "یان", "یند", "یی", "یش", "یت", "یم", "ید", "ند", "ست", "ان",
        "ات", "م", "ت", "ش", "ی",
    )

    @lru_cache(maxsize=65536)
    def accept(self, w: str, verbs: bool = True) -> bool:
        """Is the ZWNJ-free word w acceptable as written?"""
        if w in self.words or w in self.participles:
            return True
        if verbs and self.is_verb_form(w):
            return True
        for e in self._DIRECT:
            if len(w) > len(e) + 1 and w.endswith(e):
                b = w[: -len(e)]
                if self.direct_ok(b, e) and self.base_known(b):
                    return True
                # two endings: کشورهایی -> کشور + هایی already; ایرانیانی etc.
                if e in ("ی", "ها", "های") and self.direct_ok(b, e):
                    for e2 in ("ان", "یان", "ات"):
                        if len(b) > len(e2) + 1 and b.endswith(e2):
                            bb = b[: -len(e2)]
                            if self.direct_ok(bb, e2) and self.base_known(bb):
                                return True
        if w.endswith("گان") and w[:-3] + "ه" in self.words:
            return True
        if w.endswith("گی") and w[:-2] + "ه" in self.words:
            return True
        return False

    def nominal_stem(self, x: str) -> str | None:
        """Corrected spelling of x if x is a known noun/adjective (or participle)."""
        if len(x) < 2:
            return None
        if x in self.words or x in self.participles:
            return x
        c = self.loose.get(x)
        if c is not None:
            return c
        for e in ("ی", "یی", "ان", "یان", "ات"):
            if x.endswith(e) and len(x) > len(e) + 1:
                b = x[: -len(e)]
                if self.direct_ok(b, e) and self.base_known(b):
                    return x
        if x.endswith(("گی", "گان")) and x[: -2 if x.endswith("گی") else -3] + "ه" in self.words:
            return x
        if x.endswith("ها") and x[:-2] and x[-3] in _NON_JOINING and self.base_known(x[:-2]):
            return x
        return None


@lru_cache(maxsize=1)
def _data() -> _Data:
    return _Data()


# --------------------------------------------------------------------------
# word analysis


@dataclass(frozen=True)
class _Cand:
    out: str
    kind: str  # lex, prefix, compound, plural, enclitic, yeh_enclitic, comparative, guess
    autofix: bool


_KIND_RANK = {
    "lex": 0, "prefix": 1, "compound": 2, "plural": 3, "enclitic": 3,
    "yeh_enclitic": 4, "comparative": 5, "guess": 6,
}

_HAMZA_YEH_RE = re.compile("(?<=[اآو])ئی(?=$|" + ZWNJ + "|ها|ان)")


def _hamza_yeh(w: str) -> str:
    return _HAMZA_YEH_RE.sub("یی", w)


def _join(stem: str, suffix: str) -> str:
    if stem and _joins_left(stem[-1]):
        return stem + ZWNJ + suffix
    return stem + suffix


def _candidates(d: _Data, w: str) -> list[_Cand]:
    """Correcting parses of a ZWNJ-free, unacceptable word."""
    cands: list[_Cand] = []
    # 0. whole word is a listed word written without its ZWNJ
    c = d.loose.get(w)
    if c is not None:
        cands.append(_Cand(c, "lex", True))
    # 1. verbal prefix
    for pv in _PREVERBS:
        if not w.startswith(pv):
            continue
        for pre in _PREFIXES:
            head = pv + pre
            if not w.startswith(head) or len(w) - len(head) < 2:
                continue
            r = w[len(head):]
            if r[0] == ZWNJ:
                continue
            if r in d.verb_forms:
                cands.append(_Cand(head + ZWNJ + r, "prefix", True))
            else:
                for s in _ENCLITICS:
                    if r.endswith(s) and r[: -len(s)] in d.participles:
                        cands.append(_Cand(head + ZWNJ + r[: -len(s)] + ZWNJ + s, "prefix", True))
                        break
    # 2. listed compound + regular ending
    for e in ("", "ی", "یی", "ان", "یان", "گان") + _HA_FAMILY + _ENCLITICS:
        if e and not w.endswith(e):
            continue
        b = w[: len(w) - len(e)] if e else w
        if len(b) < 3:
            continue
        cb = d.compound_loose.get(b) if e else None
        if cb is None and e:
            cb = d.loose.get(b)
        if cb is None:
            continue
        if e in _HA_FAMILY or e in _ENCLITICS:
            cands.append(_Cand(_join(cb, e), "compound", True))
        elif e == "گان":
            continue
        elif d.direct_ok(cb, e):
            cands.append(_Cand(cb + e, "compound", True))
    # 3. plural family after a joining letter
    for s in _HA_FAMILY:
        if w.endswith(s) and len(w) > len(s):
            x = w[: -len(s)]
            if not _joins_left(x[-1]):
                continue
            xc = d.nominal_stem(x)
            if xc is not None:
                cands.append(_Cand(xc + ZWNJ + s, "plural", True))
    # 4. enclitics after silent ه (autofix) and after ی (report only)
    for s in _ENCLITICS:
        if w.endswith(s) and len(w) > len(s):
            x = w[: -len(s)]
            if len(x) >= 3 and d.silent_h(x):
                xc = d.nominal_stem(x)
                if xc is not None:
                    cands.append(_Cand(xc + ZWNJ + s, "enclitic", True))
            elif len(x) >= 3 and x.endswith("ی") and s in _YEH_ENCLITICS and x in d.words \
                    and not d.accept(w[:-1], verbs=False):
                cands.append(_Cand(x + ZWNJ + s, "yeh_enclitic", False))
    # 5. comparative
    for s in _COMPARATIVE:
        if w.endswith(s) and len(w) > len(s) + 2:
            x = w[: -len(s)]
            if _joins_left(x[-1]) and len(x) >= 3 and x in d.words and x not in _SPLIT_STOP:
                cands.append(_Cand(x + ZWNJ + s, "comparative", False))
    if cands:
        return cands
    # 6. lexicon split (guess): see the module docstring for the rule
    if len(w) >= 5:
        splits = []
        for i in range(2, len(w) - 2):
            a, b = w[:i], w[i:]
            if not _joins_left(a[-1]) or b in _SPLIT_STOP or (a in _SPLIT_STOP and a != "بی"):
                continue
            if a in _GUESS_BAD_FIRST:
                continue
            if a == "بی":
                ok = len(b) >= 3 and b in d.words and not d.accept(w)
            elif len(a) < 3 or a not in d.words:
                ok = False
            elif b in d.heads or (b.endswith("ی") and b[:-1] in d.heads):
                ok = True
            elif b[0] in "اآ" and len(b) >= 4 and b in d.words and a[-1] != "ی":
                ok = True
            else:
                ok = False
            if ok:
                splits.append(a + ZWNJ + b)
        if len(splits) == 1:
            cands.append(_Cand(splits[0], "guess", False))
    return cands


_COPULA = frozenset(("است", "هست", "نیست"))
_PLURAL_AFTER_SPACE = frozenset(_HA_FAMILY)
_YEH_SPACED_ENCLITICS = frozenset(("ام", "ات", "اش", "اند", "ایم", "اید"))  # not ای: گفتی ای دوست (vocative)
_NO_PLURAL_BASE = _SPLIT_STOP - {"این", "آن"}
_JOINED_COMPARATIVES = frozenset(("بیش", "کم"))  # بیشتر، کمتر (the Academy writes them joined)
_PRONOUNS = frozenset("من تو او ما شما آنها ایشان آن این خود هیچ همه".split())


_EZAFE_LAST = frozenset("\u0647\u06C0\u0621\u0654\u06CC")  # ه ۀ ء ٔ ی: the last letter of every form
_SPACED_FIRST = frozenset(_PREFIXES + ("بی",))
_SPACED_SECOND = frozenset(_HA_FAMILY + _ENCLITICS + _COMPARATIVE)
_SPACED_WORDS = _SPACED_FIRST | _SPACED_SECOND


def _imperative(d: _Data, w: str) -> bool:
    """w is a bare imperative or prohibitive (برو، بیا، نکن، مکن)."""
    if len(w) < 2 or w[0] not in "بنم":
        return False
    rest = w[1:]
    return rest in d.present_stems or (rest.startswith("یا") and "آ" + rest[2:] in d.present_stems)


def _join_spaced(d: _Data, a: str, b: str, before: str) -> tuple[str, str, bool, str] | None:
    """Should the space between the words a and b be a ZWNJ (or nothing)?

    Returns (joiner, code, autofix, description) or None.  Only curated cases
    are automatic: a verb after می/نمی, the plural suffix, the enclitics after a
    silent ه (or ی), ترین, تر after a listed adjective, and listed بی‌ compounds.
    """
    joiner = ZWNJ if _joins_left(a[-1]) else ""
    core_b = b.replace(ZWNJ, "")
    # می/نمی + verb (not «ماه می» the month, not the copula)
    if a in _PREFIXES and ZWNJ not in a:
        if b in _COPULA or before == "ماه":
            return None
        segs = b.split(ZWNJ)
        verb = b in d.verb_forms or (
            len(segs) == 2 and segs[0] in d.participles and segs[1] in _ENCLITICS) or (
            ZWNJ not in b and b in d.participles)
        if verb:
            return ZWNJ, "FA-ZWNJ-PREFIX", True, f"the verbal prefix {a} is joined to its verb"
        return None
    # plural ها/های/هایی... after a noun (not after a function word or a bare verb form)
    if b in _PLURAL_AFTER_SPACE:
        if len(a) < 2 or a in _NO_PLURAL_BASE or a.split(ZWNJ)[-1] in _SUFFIX_SEGMENTS:
            return None  # a function word, or a word that already ends in a suffix (گزینه‌ای ها)
        if (d.is_verb_form(a) or _imperative(d, a)) and not d.base_known(a):  # بیا ها: the colloquial particle
            return None
        if b == "هاست" and a not in ("آن", "این"):  # also the loanword "host" (نام هاست)
            return joiner, "FA-ZWNJ-PLURAL", False, f"if «{b}» is ها + است, it belongs to its noun"
        return joiner, "FA-ZWNJ-PLURAL", True, f"the plural suffix «{b}» belongs to its noun"
    # enclitics and verb endings after a silent ه (خانه ای، پذیرفته ام، کرده اند) or after ی (ایرانی ام)
    if b in _ENCLITICS and len(a) >= 3 and a not in _SPLIT_STOP:
        if d.silent_h(a) and a[-2] != ZWNJ:
            return ZWNJ, "FA-ZWNJ-ENCLITIC", True, f"the ending «{b}» belongs to the word before it"
        if a.endswith("ی") and b in _YEH_SPACED_ENCLITICS and not d.is_verb_form(a):
            return ZWNJ, "FA-ZWNJ-ENCLITIC", True, f"the ending «{b}» belongs to the word before it"
        return None
    # comparative and superlative
    if b in _COMPARATIVE and len(a) >= 2 and a not in _SPLIT_STOP:
        if a in _JOINED_COMPARATIVES:
            return "", "FA-ZWNJ-COMPARATIVE", True, f"«{a}{b}» is written as one word"
        known = a in d.words or a in d.adjectives
        if b == "ترین" and known:
            return joiner, "FA-ZWNJ-COMPARATIVE", True, f"the suffix «{b}» belongs to its adjective"
        if a in d.adjectives:
            return joiner, "FA-ZWNJ-COMPARATIVE", True, f"the suffix «{b}» belongs to its adjective"
        if known:  # تر is also the adjective "wet" (لباس تر)
            return joiner, "FA-ZWNJ-COMPARATIVE", False, f"if «{b}» is the comparative suffix, it belongs to its adjective"
        return None
    # بی + noun: listed compounds (بی دلیل) are automatic, others a suggestion (بی is also a preposition)
    if a == "بی" and b != "بی" and core_b not in _PRONOUNS and len(core_b) >= 2:
        joined = "بی" + ZWNJ + b
        if joined in d.words:
            return ZWNJ, "FA-ZWNJ-COMPOUND", True, "the prefix بی is joined to its word"
        if b in d.words and not d.is_verb_form(b):
            return ZWNJ, "FA-ZWNJ-SPACE", False, "if بی is the prefix (not the preposition «without»), it is joined to its word"
    return None


def _classify_insertions(out: str) -> list[str]:
    """Classify each ZWNJ of a corrected word by what it separates."""
    kinds = []
    segs = out.split(ZWNJ)
    for i in range(1, len(segs)):
        left = ZWNJ.join(segs[:i])
        right = segs[i]
        core_left = left
        for pv in _PREVERBS[1:]:
            if core_left.startswith(pv) and core_left[len(pv):] in _PREFIXES:
                core_left = core_left[len(pv):]
        if core_left in _PREFIXES:
            kinds.append("prefix")
        elif right in _HA_FAMILY:
            kinds.append("plural")
        elif right in _ENCLITICS:
            kinds.append("enclitic")
        elif right in _COMPARATIVE:
            kinds.append("comparative")
        else:
            kinds.append("compound")
    return kinds


@dataclass(frozen=True)
class _Analysis:
    out: str          # corrected skeleton (with FA-YEH-HAMZA change)
    out_zwnj: str     # corrected skeleton with ZWNJ insertions only
    code: str
    severity: str
    autofix: bool
    alt: str | None = None


def _insert_like(src: str, done: str, target: str) -> str:
    """Apply to ``src`` the ZWNJ insertions that turn ``done`` into ``target``.

    ``src`` and ``done`` have the same length (``done`` may differ by 1:1
    letter substitutions); ``target`` is ``done`` plus inserted ZWNJs.
    """
    res = []
    i = 0
    for ch in target:
        if i < len(done) and ch == done[i]:
            res.append(src[i])
            i += 1
        elif ch == ZWNJ:
            res.append(ZWNJ)
        else:  # should not happen; fall back to the target
            return target
    return "".join(res)


@lru_cache(maxsize=65536)
def _analyze(w: str, cue: str = "") -> _Analysis | None:
    """Analyse a letter-normalised, mark-free word (may contain ZWNJ)."""
    d = _data()
    if not w or not _is_letter(w[0]):
        return None
    if w in d.words:
        return None
    if ZWNJ in w:
        return _analyze_zwnj(d, w)
    if d.accept(w):
        return None
    h = _hamza_yeh(w)
    if h != w and d.accept(h):
        return _Analysis(h, w, "FA-YEH-HAMZA", "warning", True)
    cands = _candidates(d, h)
    if not cands:
        if h != w:
            return _Analysis(h, w, "FA-YEH-HAMZA", "warning", True)
        return None
    best_rank = min(_KIND_RANK[c.kind] for c in cands)
    top = [c for c in cands if _KIND_RANK[c.kind] == best_rank]

    def plural_stem(o: str) -> str | None:
        segs = o.split(ZWNJ)
        return ZWNJ.join(segs[:-1]) if len(segs) > 1 and segs[-1] in _HA_FAMILY else None

    if top[0].kind == "lex":
        # a listed word (هسته‌ای، حرفه‌ای) competes with a plural reading (حرف‌های)
        rivals = [c for c in cands if c.kind == "plural" and c.out != top[0].out
                  and plural_stem(c.out) not in d.rare_plural]
        top = top + rivals
    outs = list(dict.fromkeys(c.out for c in top))
    if len(outs) > 1:
        # drop plural readings of stems that are rarely pluralised (هست‌های)
        keep = [o for o in outs if plural_stem(o) is None or plural_stem(o) not in d.rare_plural]
        if keep:
            outs = keep
    alt = None
    if len(outs) == 1:
        chosen = outs[0]
        autofix = all(c.autofix for c in top if c.out == chosen)
    else:
        # plural (X‌های) vs indefinite (Xه‌ای) and similar: use context or defer
        plural = [o for o in outs if plural_stem(o) is not None]
        other = [o for o in outs if o not in plural]
        if plural and other and len(plural) == 1 and len(other) == 1:
            if cue in _PLURAL_CUES:
                chosen, autofix = plural[0], True
            elif cue in _INDEFINITE_CUES:
                chosen, autofix = other[0], True
            elif plural_stem(plural[0]) in d.past_stems:
                # دادهایم: a perfect verb (داده‌ایم) is likelier than a plural of a past stem
                chosen, autofix, alt = other[0], False, plural[0]
            else:
                chosen, autofix, alt = plural[0], False, other[0]
        else:
            chosen, autofix, alt = outs[0], False, outs[1]
    kinds = _classify_insertions(chosen)
    kind_of = {c.kind for c in top if c.out == chosen}
    if "guess" in kind_of:
        code = "FA-ZWNJ-GUESS"
    elif "prefix" in kinds:
        code = "FA-ZWNJ-PREFIX"
    elif "compound" in kinds:
        code = "FA-ZWNJ-COMPOUND"
    elif "plural" in kinds:
        code = "FA-ZWNJ-PLURAL"
    elif "enclitic" in kinds:
        code = "FA-ZWNJ-ENCLITIC"
    else:
        code = "FA-ZWNJ-COMPARATIVE"
    severity = "suggestion" if code == "FA-ZWNJ-COMPARATIVE" else "warning"
    if code in ("FA-ZWNJ-GUESS", "FA-ZWNJ-COMPARATIVE"):
        autofix = False
    out_zwnj = _insert_like(w, h, chosen)
    return _Analysis(chosen, out_zwnj, code, severity, autofix, alt)


def _analyze_zwnj(d: _Data, w: str) -> _Analysis | None:
    """Words the writer already split with ZWNJ: check only the last segment."""
    if d.is_verb_form(w):
        return None
    segs = w.split(ZWNJ)
    if any(not s for s in segs):
        return None
    last = segs[-1]
    head = w[: len(w) - len(last)]
    hl = _hamza_yeh(last)
    if last in _SUFFIX_SEGMENTS or d.accept(last):
        return None
    if hl != last and (hl in _SUFFIX_SEGMENTS or d.accept(hl)):
        out = head + hl
        return _Analysis(out, w, "FA-YEH-HAMZA", "warning", True)
    found: list[tuple[str, str]] = []
    for s in _HA_FAMILY:
        if hl.endswith(s) and len(hl) > len(s):
            x = hl[: -len(s)]
            if _joins_left(x[-1]) and (
                d.nominal_stem(x) is not None or (head + x) in d.words
                or d.loose.get((head + x).replace(ZWNJ, "")) is not None
            ):
                found.append((head + x + ZWNJ + s, "FA-ZWNJ-PLURAL"))
    for s in _ENCLITICS:
        if hl.endswith(s) and len(hl) > len(s):
            x = hl[: -len(s)]
            if d.silent_h(x) and (
                x in d.participles or d.nominal_stem(x) is not None or (head + x) in d.words
            ):
                found.append((head + x + ZWNJ + s, "FA-ZWNJ-ENCLITIC"))
    outs = list(dict.fromkeys(o for o, _ in found))
    if not outs:
        if hl != last:
            return _Analysis(head + hl, w, "FA-YEH-HAMZA", "warning", True)
        return None
    out = outs[0]
    code = dict(found)[out]
    autofix = len(outs) == 1
    alt = outs[1] if len(outs) > 1 else None
    done = head + hl
    return _Analysis(out, _insert_like(w, done, out), code, "warning", autofix, alt)


# --------------------------------------------------------------------------
# character-level normalisation of one token


def _norm_token_chars(tok: str, before: str | None, after: str | None) -> tuple[str, set[str]]:
    kinds: set[str] = set()
    if not _SPECIAL_RE.search(tok):
        return tok, kinds
    chars: list[str] = []
    for ch in tok:
        if ch in _INVISIBLES:
            kinds.add("invisible")
            continue
        if ch == TATWEEL:
            kinds.add("tatweel")
            continue
        if _PRES_RE.match(ch):
            kinds.add("arabic")
            for c2 in unicodedata.normalize("NFKC", ch):
                chars.append(_LETTER_MAP.get(c2, c2))
            continue
        if ch in _LETTER_MAP:
            kinds.add("arabic")
            chars.append(_LETTER_MAP[ch])
            continue
        chars.append(ch)
    # ZWNJ cleanup (context aware)
    res: list[str] = []
    n = len(chars)
    for i, ch in enumerate(chars):
        if ch != ZWNJ:
            res.append(ch)
            continue
        if res and res[-1] == ZWNJ:
            kinds.add("zwnj")
            continue
        prev = None
        for c in reversed(res):
            if not _is_mark(c):
                prev = c
                break
        if prev is None:
            prev = before
        j = i + 1
        while j < n and chars[j] == ZWNJ:
            j += 1
        nxt = chars[j] if j < n else after
        if _is_break(prev) or _is_break(nxt) or (prev in _NON_JOINING):
            kinds.add("zwnj")
            continue
        res.append(ch)
    return "".join(res), kinds


def _apply_skeleton_edit(normed: str, skel: str, out: str) -> str | None:
    """Rebuild ``normed`` (with marks) after turning skeleton ``skel`` into ``out``."""
    # ops: substitution per skeleton index, insertions after skeleton index
    subs: list[str] = []
    ins_after: dict[int, int] = {}
    i = 0
    for ch in out:
        if i < len(skel) and (ch == skel[i] or (ch != ZWNJ and skel[i] != ZWNJ)):
            subs.append(ch)
            i += 1
        elif ch == ZWNJ:
            ins_after[i - 1] = ins_after.get(i - 1, 0) + 1
        else:
            return None
    if i != len(skel):
        return None
    res: list[str] = []
    k = -1
    pending = 0
    for ch in normed:
        if _is_mark(ch):
            res.append(ch)
            continue
        if pending:
            res.append(ZWNJ * pending)
            pending = 0
        if k == -1 and -1 in ins_after:
            res.append(ZWNJ * ins_after[-1])
        k += 1
        res.append(subs[k])
        pending = ins_after.get(k, 0)
    if pending:
        res.append(ZWNJ * pending)
    return "".join(res)


# --------------------------------------------------------------------------
# masking of non-prose regions


_FENCE_RE = re.compile(r"(?ms)^[ \t]*(`{3,}|~{3,})[^\n]*\n.*?(?:^[ \t]*\1[ \t]*$|\Z)")
_INLINE_CODE_RE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
_URL_RE = re.compile(r"(?:(?:https?|ftp|file|mailto):(?://)?|www\.)[^\s<>\"'«»`]+", re.I)
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_AUTOLINK_RE = re.compile(r"<[A-Za-z][A-Za-z0-9+.-]*:[^\s<>]*>")
_HTML_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>\n]*)?/?>|<!--.*?-->", re.S)
_LINKDEST_RE = re.compile(
    r"\]\(\s*((?:<[^>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)"
    r"(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?)\s*\)"
)
_FOOTNOTE_RE = re.compile(r"\[\^[^\]\s]+\]")
_LISTNUM_RE = re.compile(r"(?m)^[ \t>]*\d+[.)](?=[ \t]|$)")
_URL_TRAIL = ".,;:!?،؛؟)]»'\""


def _mask(text: str) -> bytearray:
    m = bytearray(len(text))

    def cover(a: int, b: int) -> None:
        for k in range(a, b):
            m[k] = 1

    for rx in (_FENCE_RE, _INLINE_CODE_RE, _AUTOLINK_RE, _HTML_RE, _FOOTNOTE_RE, _LISTNUM_RE, _EMAIL_RE):
        for mo in rx.finditer(text):
            cover(mo.start(), mo.end())
    for mo in _LINKDEST_RE.finditer(text):
        cover(mo.start(1), mo.end(1))
    for mo in _URL_RE.finditer(text):
        a, b = mo.start(), mo.end()
        while b > a and text[b - 1] in _URL_TRAIL:
            if text[b - 1] == ")" and text[a:b].count("(") >= text[a:b].count(")"):
                break
            b -= 1
        cover(a, b)
    return m


# --------------------------------------------------------------------------
# scanning


@dataclass
class _Edit:
    start: int
    end: int
    code: str
    severity: str
    message: str
    replacement: str | None
    autofix: bool
    applied: str | None = None  # what normalize() writes here (None: leave the text alone)

    def __post_init__(self) -> None:
        if self.applied is None and self.autofix:  # every automatic correction is applied
            self.applied = self.replacement

    def finding(self) -> Finding:
        return Finding(self.start, self.end, self.code, self.severity, self.message,
                       self.replacement, self.autofix)


_CHAR_KIND_CODE = (
    ("arabic", "FA-ARABIC-LETTER", "Arabic letter forms"),
    ("zwnj", "FA-ZWNJ-STRAY", "a stray ZWNJ"),
    ("tatweel", "FA-TATWEEL", "tatweel"),
    ("invisible", "FA-INVISIBLE", "an invisible control character"),
)


def _char_note(kinds: set[str]) -> str:
    notes = [desc for k, _, desc in _CHAR_KIND_CODE if k in kinds]
    return ("; also fixes " + ", ".join(notes)) if notes else ""


def _zwnj_message(a: _Analysis, fixed: str) -> str:
    segs = fixed.split(ZWNJ)
    code = a.code
    if code == "FA-ZWNJ-PREFIX":
        pre = "نمی" if "نمی" in segs[0][-3:] and segs[0].endswith("نمی") else "می"
        msg = f"missing ZWNJ after the verbal prefix {pre}: write «{fixed}»"
    elif code == "FA-ZWNJ-PLURAL":
        msg = f"missing ZWNJ before the plural suffix «{segs[-1]}»: write «{fixed}»"
    elif code == "FA-ZWNJ-ENCLITIC":
        msg = f"missing ZWNJ before the enclitic «{segs[-1]}»: write «{fixed}»"
    elif code == "FA-ZWNJ-COMPARATIVE":
        msg = f"the suffix «{segs[-1]}» is separated with a ZWNJ in standard orthography: «{fixed}»"
    elif code == "FA-ZWNJ-COMPOUND":
        msg = f"run-together compound: write «{fixed}»"
    elif code == "FA-ZWNJ-GUESS":
        msg = f"possibly a run-together compound (not in the compound list, check): «{fixed}»"
    else:  # FA-YEH-HAMZA
        msg = f"write ایی/ویی for ائی/وئی after a vowel: «{fixed}»"
    if a.alt:
        msg += f" (or «{a.alt}», depending on the meaning)"
    if a.out != a.out_zwnj and code != "FA-YEH-HAMZA":
        msg += "; also ائی -> ایی"
    return msg


class _Scanner:
    def __init__(self, text: str, words: bool = True, skip=(), ezafe: str = "hamza", keep=frozenset()) -> None:
        self.text = text
        self.words = words  # word analysis: ZWNJ insertions, ائی -> ایی, spaced compounds, ezafe
        self.ezafe = ezafe
        self.keep = keep
        self.mask = _mask(text)
        for a, b in skip:
            for k in range(max(a, 0), min(b, len(text))):
                self.mask[k] = 1
        self.edits: list[_Edit] = []

    # ---------------------------------------------------------------- utils
    def masked(self, a: int, b: int) -> bool:
        return self.mask.find(1, max(a, 0), b) != -1

    def run(self) -> list[_Edit]:
        self._soft_hyphens()
        self._tokens()
        self._arabic_digits()
        self._ascii_digits()
        self._punctuation()
        self._bidi()
        self.edits.sort(key=lambda e: (e.start, e.end))
        kept: list[_Edit] = []
        last_end = -1
        for e in self.edits:  # findings never overlap: keep the first of a clash
            if e.start >= last_end:
                kept.append(e)
                last_end = e.end
        return kept

    # ---------------------------------------------------------------- tokens
    def _tokens(self) -> None:
        text = self.text
        toks = []
        kashida = TATWEEL in text
        dash_open = False  # a word-initial kashida dash opened on this line (ـکه ... می‌بالیمـ)
        last = 0
        for mo in _TOKEN_RE.finditer(text):
            s, e = mo.start(), mo.end()
            if self.masked(s, e):
                continue
            if kashida:
                if "\n" in text[last:s]:
                    dash_open = False
                last = e
                if TATWEEL in text[s:e]:
                    s, e, dash_open = self._kashida_dashes(s, e, dash_open)
                    if s >= e:
                        continue
            toks.append((s, e))
        infos = []
        pair_starts: list[int] = []  # i where infos[i], infos[i + 1] may be joined across a space
        ezafe_at: list[int] = []  # words whose last letter may carry an ezafe
        prev_skel = ""
        prev_end = -10
        for s, e in toks:
            orig = text[s:e]
            before = text[s - 1] if s > 0 else None
            after = text[e] if e < len(text) else None
            normed, kinds = _norm_token_chars(orig, before, after)
            skel = "".join(c for c in normed if c not in _MARK_SET) if _MARK_RE.search(normed) else normed
            has_marks = len(skel) != len(normed)
            cue = prev_skel if text[prev_end:s].strip(" \t") == "" and prev_end >= 0 else ""
            analysis = None
            if self.words and skel and ZWJ not in skel:
                if skel in self.keep:
                    skel = ""  # a deliberate spelling of this book: no word rule applies
                else:
                    analysis = _analyze(skel, cue)
            if skel in _SPACED_WORDS:  # the words a space rule starts from (one set look-up a word)
                if skel in _SPACED_SECOND and infos:
                    pair_starts.append(len(infos) - 1)
                if skel in _SPACED_FIRST:
                    pair_starts.append(len(infos))
            if normed and normed[-1] in _EZAFE_LAST:
                ezafe_at.append(len(infos))
            infos.append([s, e, orig, normed, kinds, skel, has_marks, analysis])
            prev_skel, prev_end = skel, e
        absorbed: set[int] = set()
        if self.words:
            d = _data()
            self._ezafe(d, infos, absorbed, ezafe_at)
            self._spaced_pairs(d, infos, absorbed, sorted(set(pair_starts)))
            # spaced compounds (suggestion) absorb the letter-only findings of both words
            starts = d.compound_starts
            for i in range(len(infos) - 1):
                if infos[i][5] not in starts:  # no listed compound begins with this word
                    continue
                s1, e1, o1, n1, k1, sk1, m1, a1 = infos[i]
                s2, e2, o2, n2, k2, sk2, m2, a2 = infos[i + 1]
                if i in absorbed or i + 1 in absorbed or a1 or a2 or m1 or m2:
                    continue
                gap = text[e1:s2]
                if not gap or gap.strip(" \t") or not sk1 or not sk2:
                    continue
                if not _joins_left(sk1[-1]) or sk1 in _SPACE_RULE_BLOCKED_FIRST:
                    continue
                if not (_is_letter(sk1[0]) and _is_letter(sk2[0])):
                    continue
                if self.keep and (sk1 + " " + sk2) in self.keep:
                    continue
                joined = self._spaced_compound(d, sk1, sk2)
                if joined is None:
                    continue
                rep = joined
                self.edits.append(_Edit(
                    s1, e2, "FA-ZWNJ-SPACE", "suggestion",
                    f"a ZWNJ instead of the space is preferred in the compound «{rep}»",
                    rep, False, n1 + gap + n2,
                ))
                absorbed.update((i, i + 1))
        for i, (s, e, orig, normed, kinds, skel, has_marks, analysis) in enumerate(infos):
            if i in absorbed:
                continue
            if analysis is not None:
                full = _apply_skeleton_edit(normed, skel, analysis.out)
                zw = _apply_skeleton_edit(normed, skel, analysis.out_zwnj)
                if full is None or zw is None or (has_marks and analysis.out.replace(ZWNJ, "") != skel.replace(ZWNJ, "")):
                    analysis = None
                else:
                    msg = _zwnj_message(analysis, full) + _char_note(kinds)
                    # a correction that is not automatic still gets its letters normalised
                    applied = full if analysis.autofix else normed
                    self.edits.append(_Edit(s, e, analysis.code, analysis.severity, msg, full,
                                            analysis.autofix, applied))
                    continue
            if normed != orig:
                for k, code, desc in _CHAR_KIND_CODE:
                    if k in kinds:
                        break
                others = kinds - {k}
                extra = _char_note(others)
                shown = normed if normed else "(nothing)"
                if code == "FA-ARABIC-LETTER":
                    msg = f"Arabic letter form(s): write «{normed}»" + extra
                elif code == "FA-ZWNJ-STRAY":
                    msg = f"repeated or meaningless ZWNJ: remove it{(' («' + normed + '»)') if normed else ''}" + extra
                elif code == "FA-TATWEEL":
                    msg = f"tatweel/kashida U+0640: write «{shown}»" + extra
                else:
                    cps = ", ".join(f"U+{ord(c):04X}" for c in orig if c in _INVISIBLES)
                    msg = f"invisible control character {cps}: remove it" + extra
                self.edits.append(_Edit(s, e, code, "warning", msg, normed, True, normed))

    def _soft_hyphens(self) -> None:
        """A soft hyphen (U+00AD) inside a Persian word is a ZWNJ typed with the wrong key."""
        if "\u00AD" not in self.text:
            return
        for mo in _SOFT_HYPHEN_RE.finditer(self.text):
            i = mo.start()
            if not self.masked(i - 1, i + 2):
                self.edits.append(_Edit(i, i + 1, "FA-INVISIBLE", "warning",
                                        "soft hyphen U+00AD inside a Persian word: write a ZWNJ", ZWNJ, True))

    def _kashida_dashes(self, s: int, e: int, dash_open: bool) -> tuple[int, int, bool]:
        """Kashida that cannot be padding is a dash: alone, at a word's start (ـکه), or closing
        such a dash at a word's end (می‌بالیمـ).  Returns the token without those kashidas."""
        text = self.text
        core = text[s:e].strip(TATWEEL)
        if not core.strip(ZWNJ + ZWJ + _INVIS_CLASS.replace("-", "")):  # nothing but kashida
            self._dash(s, e)
            return e, e, dash_open
        lead = len(text[s:e]) - len(text[s:e].lstrip(TATWEEL))
        before = text[s - 1] if s > 0 else None
        if lead and (_is_break(before) or before.isdigit()):
            self._dash(s, s + lead)
            s += lead
            dash_open = True
        trail = len(text[s:e]) - len(text[s:e].rstrip(TATWEEL))
        after = text[e] if e < len(text) else None
        if trail and dash_open and (_is_break(after) or after.isdigit()):
            self._dash(e - trail, e)
            e -= trail
            dash_open = False
        return s, e, dash_open

    def _dash(self, s: int, e: int) -> None:
        self.edits.append(_Edit(s, e, "FA-TATWEEL", "warning",
                                "kashida used as a dash: write «–»", "–", True))

    def _ezafe(self, d: _Data, infos: list, absorbed: set[int], candidates: list[int]) -> None:
        """The ezafe after a silent ه in one spelling: خانه ی / خانهء / خانه‌ی / خانه‌ٔ / ۀ -> خانهٔ (or خانه‌ی)."""
        if self.ezafe == "keep":
            return
        mark = "\u0647\u0654" if self.ezafe == "hamza" else "\u0647" + ZWNJ + "\u06CC"
        text = self.text
        for i in candidates:
            info = infos[i]
            if i in absorbed or not info[5]:  # done, or a deliberate spelling ([orthography] keep)
                continue
            normed = info[3]
            s, e, orig, normed, kinds, skel, has_marks, analysis = info
            base = None
            end = e
            if normed.endswith(("\u0647" + ZWNJ + "\u06CC\u06CC", "\u0647" + ZWNJ + "\u0626\u06CC")):
                word = "".join(c for c in normed[:-3] if not _is_mark(c))
                if len(word) >= 3 and d.silent_h(word):
                    rep = normed[:-2] + "\u0627\u06CC"
                    self.edits.append(_Edit(s, e, "FA-YEH-HAMZA", "warning",
                                            f"the indefinite ending after a silent ه is written «ای»: «{rep}»",
                                            rep, True))
                    absorbed.add(i)
                continue
            if normed.endswith("\u06C0"):
                base = normed[:-1]
            elif normed.endswith(("\u0647\u0621", "\u0647" + ZWNJ + "\u0654", "\u0647\u0654", "\u0647" + ZWNJ + "\u06CC")):
                base = normed[:-2] if normed.endswith(("\u0647\u0621", "\u0647\u0654")) else normed[:-3]
            elif i + 1 < len(infos) and normed.endswith("\u0647") and i + 1 not in absorbed:
                nxt = infos[i + 1]
                if nxt[3] in ("\u06CC", "\u0621") and text[e:nxt[0]] in (" ", ZWNJ) and not self._letter_at(nxt[1]):
                    base, end = normed[:-1], nxt[1]
            if base is None or not base or not _is_letter(base[-1]) and not _is_mark(base[-1]):
                continue
            word = "".join(c for c in base if not _is_mark(c)) + "\u0647"
            if len(word) < 3 or word in _SPLIT_STOP or not d.silent_h(word):
                continue
            rep = base + mark
            if rep == text[s:end] or (end == e and rep == normed):  # already so (or only a letter fix)
                continue
            shown = "هٔ" if self.ezafe == "hamza" else "ه‌ی"
            self.edits.append(_Edit(s, end, "FA-EZAFE", "warning",
                                    f"the ezafe after a silent ه is written «{shown}» in this book: «{rep}»",
                                    rep, True))
            absorbed.add(i)
            if end != e:
                absorbed.add(i + 1)

    def _letter_at(self, i: int) -> bool:
        return 0 <= i < len(self.text) and _is_letter(self.text[i])

    def _spaced_pairs(self, d: _Data, infos: list, absorbed: set[int], starts: list[int]) -> None:
        """A space where a ZWNJ (or nothing) belongs: می کند، کتاب ها، پذیرفته ام، بزرگ تر، بی دلیل."""
        text = self.text
        for i in starts:
            if i + 1 >= len(infos) or i in absorbed or i + 1 in absorbed:
                continue
            s1, e1, o1, n1, k1, sk1, m1, a1 = infos[i]
            s2, e2, o2, n2, k2, sk2, m2, a2 = infos[i + 1]
            gap = text[e1:s2]
            if not gap or gap.strip(" \t") or a1 or a2 or not sk1 or not sk2:
                continue
            if not (_is_letter(sk1[-1]) and _is_letter(sk2[0])):
                continue
            if self.keep and (sk1 + " " + sk2) in self.keep:
                continue
            before = infos[i - 1][5] if i and not text[infos[i - 1][1]:s1].strip(" \t") else ""
            found = _join_spaced(d, sk1, sk2, before)
            if found is None:
                continue
            joiner, code, autofix, what = found
            rep = n1 + joiner + n2
            severity = "warning" if autofix else "suggestion"
            self.edits.append(_Edit(
                s1, e2, code, severity,
                f"{what}: write «{rep}» (a space where {'a ZWNJ' if joiner else 'nothing'} belongs)",
                rep, autofix, rep if autofix else n1 + gap + n2,
            ))
            absorbed.update((i, i + 1))

    def _spaced_compound(self, d: _Data, a: str, b: str) -> str | None:
        if a not in d.compound_starts:
            return None
        joined = a + ZWNJ + b
        if joined in d.compounds and joined not in d.nospace:
            return joined
        for e in ("یی", "ی", "ان", "یان") + _HA_FAMILY:
            if b.endswith(e) and len(b) > len(e) + 1:
                base = a + ZWNJ + b[: -len(e)]
                if base in d.compounds and base not in d.nospace:
                    if e in _HA_FAMILY:
                        return _join(base, e)
                    if d.direct_ok(base, e):
                        return base + e
        return None

    # ---------------------------------------------------------------- digits
    def _arabic_digits(self) -> None:
        for mo in re.finditer(f"[{_ARABIC_INDIC}]+", self.text):
            s, e = mo.start(), mo.end()
            if self.masked(s, e):
                continue
            rep = mo.group().translate(_AI_TO_FA)
            self.edits.append(_Edit(s, e, "FA-ARABIC-DIGIT", "warning",
                                    f"Arabic-Indic digits: write Persian digits «{rep}»",
                                    rep, True, rep))

    def _nearest_letter(self, i: int, step: int) -> str | None:
        """Nearest letter on the same line going left (step=-1) or right (+1).

        Returns 'fa', 'other', or None (no letter before the line edge)."""
        text = self.text
        j = i
        while 0 <= j < len(text):
            c = text[j]
            if c in "\n\r":
                return None
            if self.mask[j]:
                return "other"
            if c.isalpha():
                return "fa" if _is_letter(c) else "other"
            j += step
        return None

    def _ascii_digits(self) -> None:
        """Numbers in Persian text in Persian digits and signs (ساعت 18 -> ساعت ۱۸، 96% -> ۹۶٪، 4.7 -> ۴٫۷).

        A number beside a Latin word (Python 3، 95BCS) stays Latin; a mixed run
        (123۴۵6) becomes one script, Latin beside Latin words.  Only plain
        numbers are automatic (integer, one decimal point, thousands groups,
        h:mm, d/m/y); others (an IP address, a version 1.2.3) are reported."""
        text = self.text
        for mo in _NUMBER_RE.finditer(text):
            s, e = mo.start(), mo.end()
            num = mo.group()
            if self.masked(s, e) or not _NEEDS_PERSIAN_RE.search(num):
                continue
            left = self._nearest_letter(s - 1, -1)
            right = self._nearest_letter(e, 1)
            if "other" in (left, right):
                if "fa" not in (left, right) and _PERSIAN_DIGIT_RE.search(num) and re.search("[0-9]", num):
                    rep = num.translate(_FA_TO_ASCII)
                    self.edits.append(_Edit(s, e, "FA-ASCII-DIGIT", "warning",
                                            f"digits of two scripts in one number: write «{rep}»", rep, True))
                continue
            rep, plain = _persian_number(num)
            if rep == num:
                continue
            what = "Latin digits" if re.search("[0-9]", num) else "Latin signs in a Persian number"
            self.edits.append(_Edit(s, e, "FA-ASCII-DIGIT", "warning" if plain else "suggestion",
                                    f"{what} in Persian text: write «{rep}»", rep, plain))
        for mo in _PERSIAN_NUMBER_RE.finditer(text):
            if self._letter_at(mo.start() - 1):  # مسافت۹
                s, e = mo.start() - 1, mo.end()
                while self._letter_at(s - 1):
                    s -= 1
                rep = text[s:mo.start()] + " " + mo.group()
            elif self._letter_at(mo.end()):  # ۹کیلومتر, but not ۳م، ۱۰ها
                glued = _GLUED_AFTER_RE.match(text, mo.start())
                if glued is None:
                    continue
                s, e = glued.span()
                rep = glued.group(1) + " " + glued.group(2)
            else:
                continue
            if self.masked(s, e):
                continue
            self.edits.append(_Edit(s, e, "FA-SPACE-DIGIT", "suggestion",
                                    f"a number and a word run together: «{rep}»?", rep, False))

    # ---------------------------------------------------------------- punctuation
    def _prev_nonspace(self, i: int) -> int:
        j = i - 1
        while j >= 0 and self.text[j] in " \t":
            j -= 1
        return j

    def _next_nonspace(self, i: int) -> int:
        j = i + 1
        while j < len(self.text) and self.text[j] in " \t":
            j += 1
        return j

    def _ch(self, j: int) -> str | None:
        return self.text[j] if 0 <= j < len(self.text) else None

    def _persian_context_latin(self, i: int) -> bool:
        """A Latin , ; ? stands between Persian words (brackets and quotes between them allowed)."""
        p = self._prev_nonspace(i)
        n = self._next_nonspace(i)
        pc, nc = self._ch(p), self._ch(n)
        if self.text[i] == "?":  # ?! and !? : look past the other marks
            while pc is not None and pc in "!?؟" and not self.mask[p]:
                p -= 1
                pc = self._ch(p)
        if pc is None or self.mask[p]:
            return False
        if not _is_letter(pc) and not (pc in _CLOSERS and self._nearest_letter(p - 1, -1) == "fa"):
            return False
        mark = self.text[i]
        if mark == "?":
            if nc is None or nc in "\r\n)»]*_!":
                return True
        if nc is None or (n < len(self.mask) and self.mask[n]):
            return False
        return _is_letter(nc) or (nc in _OPENERS and self._nearest_letter(n + 1, 1) == "fa")

    def _punctuation(self) -> None:
        text = self.text
        fa_of = {",": "،", ";": "؛", "?": "؟"}
        # Latin , ; ? between Persian words
        latin_ok: set[int] = set()
        for mo in re.finditer(r"[,;?]", text):
            i = mo.start()
            if self.mask[i] or not self._persian_context_latin(i):
                continue
            latin_ok.add(i)
            rep = fa_of[text[i]]
            nc = self._ch(i + 1)
            if rep in "،؛" and nc is not None and (nc.isalpha() or nc in "«(["):
                rep += " "
            self.edits.append(_Edit(i, i + 1, "FA-PUNCT-LATIN", "warning",
                                    f"Latin «{text[i]}» in Persian text: write «{rep.strip()}»",
                                    rep, True))
        # space before punctuation
        for mo in re.finditer(r"[ \t]+(?=[،؛؟.!:,;?])", text):
            s, e = mo.start(), mo.end()
            m = text[e]
            if self.masked(s, e + 1) or s == 0:
                continue
            pc = text[s - 1]
            if self.mask[s - 1]:
                continue
            if not _is_letter(pc) and not (pc in _CLOSERS and self._nearest_letter(s - 2, -1) == "fa"):
                continue
            if m in ",;?" and e not in latin_ok:
                continue
            nc = self._ch(e + 1)
            if m == "!" and nc == "[":
                continue
            if m == "." and nc == ".":
                continue
            if m in ".:!" and nc is not None and (nc.isalnum() and not _is_letter(nc)):
                continue
            if m == ":" and nc == "/":
                continue
            shown = fa_of.get(m, m)
            self.edits.append(_Edit(s, e, "FA-PUNCT-SPACE-BEFORE", "warning",
                                    f"space before «{shown}»: remove it", "", True))
        # missing space after ، ؛
        for mo in re.finditer(r"[،؛](?=[^\W\d_]|[«(\[])", text):
            i = mo.start()
            if self.masked(i, i + 2):
                continue
            self.edits.append(_Edit(i, i + 1, "FA-PUNCT-SPACE-AFTER", "warning",
                                    f"missing space after «{text[i]}»: add one", text[i] + " ", True))
        # spaces inside « »
        for mo in re.finditer(r"«([ \t]+)(?=[^\s»])", text):
            s, e = mo.start(1), mo.end(1)
            if not self.masked(mo.start(), e + 1):
                self.edits.append(_Edit(s, e, "FA-PUNCT-GUILLEMET-SPACE", "warning",
                                        "space after «: remove it", "", True))
        for mo in re.finditer(r"(?<=[^\s«])([ \t]+)»", text):
            s, e = mo.start(1), mo.end(1)
            if not self.masked(s - 1, mo.end()):
                self.edits.append(_Edit(s, e, "FA-PUNCT-GUILLEMET-SPACE", "warning",
                                        "space before »: remove it", "", True))
        self._quotes()
        self._spacing()

    def _quote_wanted(self, a: int, b: int) -> bool:
        """Should the quote marks at a and b (a pair on one line) be « »?"""
        text = self.text
        inner = text[a + 1:b]
        if not inner.strip() or self.masked(a, b + 1):
            return False
        if text[:a].count("«") > text[:a].count("»"):
            return False  # inside « »: “ ” are the inner quotes of Persian
        letters = [c for c in inner if c.isalpha()]
        if letters:
            if _is_letter(letters[0]) or _is_letter(letters[-1]):
                return True
        # a Latin or symbolic quotation inside a Persian sentence: «%1$s», «Hello World»
        return self._nearest_letter(a - 1, -1) == "fa" and self._nearest_letter(b + 1, 1) == "fa"

    def _quotes(self) -> None:
        """Straight and curly double quotes around Persian text -> « »."""
        text = self.text
        pos = 0
        for line in text.splitlines(keepends=True):
            qs = [pos + k for k, c in enumerate(line) if c == '"' and not self.mask[pos + k]] if '"' in line else []
            pairs = list(zip(qs[0::2], qs[1::2])) if len(qs) >= 2 and len(qs) % 2 == 0 else []
            opened = None
            if "\u201D" in line:
                for curly in _CURLY_RE.finditer(line):
                    if curly.group() == "\u201C":
                        opened = pos + curly.start()
                    elif opened is not None:
                        pairs.append((opened, pos + curly.start()))
                        opened = None
            for a, b in pairs:
                if not self._quote_wanted(a, b):
                    continue
                kind = "straight" if text[a] == '"' else "curly"
                self.edits.append(_Edit(a, a + 1, "FA-PUNCT-QUOTES", "warning",
                                        f"{kind} quote around Persian text: use «", "«", True))
                self.edits.append(_Edit(b, b + 1, "FA-PUNCT-QUOTES", "warning",
                                        f"{kind} quote around Persian text: use »", "»", True))
            pos += len(line)

    def _spacing(self) -> None:
        """Spaces inside brackets, outside guillemets, and runs of spaces between Persian words."""
        text = self.text
        letter = self._letter_at
        # each pattern starts with a rare character (or two spaces); the neighbours are checked in Python
        for mo in _BRACKET_OPEN_SPACE_RE.finditer(text):
            s, e = mo.start() + 1, mo.end()
            if letter(e) and not self.masked(s - 1, e + 1):
                self.edits.append(_Edit(s, e, "FA-PUNCT-BRACKET-SPACE", "warning",
                                        f"space after «{text[s - 1]}»: remove it", "", True))
        for mo in _SPACE_BRACKET_CLOSE_RE.finditer(text):
            s, e = mo.start(), mo.end() - 1
            if letter(s - 1) and not self.masked(s - 1, e + 1):
                self.edits.append(_Edit(s, e, "FA-PUNCT-BRACKET-SPACE", "warning",
                                        f"space before «{text[e]}»: remove it", "", True))
        for mo in _SPACE_RUN_RE.finditer(text):
            s, e = mo.span()
            before, after = self._ch(s - 1), self._ch(e)
            if before is None or after is None or self.masked(s - 1, e + 1):
                continue
            if before in "([{" or after in ")]}":
                continue  # the bracket rule's
            if (before in _RUN_BEFORE or _is_letter(before) or _is_mark(before)) and (after in _RUN_AFTER or _is_letter(after)):
                self.edits.append(_Edit(s, e, "FA-SPACE-MULTIPLE", "warning",
                                        "several spaces between words: write one", " ", True))
        for mo in _GUILLEMETS_RE.finditer(text):
            i = mo.start()
            if mo.group() == "«" and letter(i - 1) and not self.masked(i - 1, i + 1):
                self.edits.append(_Edit(i, i + 1, "FA-PUNCT-GUILLEMET-SPACE", "warning",
                                        "no space before «: add one", " «", True))
            elif mo.group() == "»" and letter(i + 1) and not self.masked(i, i + 2) \
                    and not _ENDING_AFTER_QUOTE_RE.match(text, i + 1):
                self.edits.append(_Edit(i, i + 1, "FA-PUNCT-GUILLEMET-SPACE", "warning",
                                        "no space after »: add one", "» ", True))

    # ---------------------------------------------------------------- bidi
    def _bidi(self) -> None:
        stack: list[int] = []
        for i, c in enumerate(self.text):
            if c in _BIDI_OVERRIDES:
                self.edits.append(_Edit(i, i + 1, "FA-BIDI-OVERRIDE", "error",
                                        f"bidi embedding/override control U+{ord(c):04X} can reorder text deceptively",
                                        None, False))
            elif c in _BIDI_ISOLATE_OPEN:
                stack.append(i)
            elif c == _BIDI_PDI:
                if stack:
                    stack.pop()
                else:
                    self.edits.append(_Edit(i, i + 1, "FA-BIDI-ISOLATE", "error",
                                            "stray bidi isolate terminator U+2069 (PDI)", None, False))
        for i in stack:
            self.edits.append(_Edit(i, i + 1, "FA-BIDI-ISOLATE", "error",
                                    f"bidi isolate U+{ord(self.text[i]):04X} without its U+2069 (PDI)",
                                    None, False))


_DIGIT = "0-9\u06F0-\u06F9"
_NUMBER_RE = re.compile(
    f"(?<![{_DIGIT}A-Za-z_\u0660-\u0669])[{_DIGIT}]+(?:[.,/:\u066B\u066C][{_DIGIT}]+)*%?(?![{_DIGIT}A-Za-z_\u0660-\u0669])"
)
_NEEDS_PERSIAN_RE = re.compile("[0-9%]|(?<=[\u06F0-\u06F9])[.,](?=[\u06F0-\u06F9])")
_PERSIAN_DIGIT_RE = re.compile("[\u06F0-\u06F9]")
_FA_TO_ASCII = str.maketrans(_PERSIAN_DIGITS, "0123456789")
# a Persian number glued to a Persian word (مسافت۹، ۹کیلومتر), but not an ordinal or plural ending (۳م، ۱۰ها)
_PERSIAN_NUMBER_RE = re.compile("[\u06F0-\u06F9]+")
_GLUED_AFTER_RE = re.compile(
    f"([\u06F0-\u06F9]+)(?!(?:ام|م|مین|ها|های|ای|ی|ساله|گانه)(?![{_LETTERS}]))([{_LETTERS}]+)"
)


def _persian_number(num: str) -> tuple[str, bool]:
    """A number in Persian digits and signs, and whether it is a plain number (an automatic fix)."""
    body = num[:-1] if num.endswith("%") else num
    seps = re.findall("[.,/:\u066B\u066C]", body)
    groups = re.split("[.,/:\u066B\u066C]", body)
    out = body.translate(_ASCII_TO_FA)
    plain = True
    if not seps:
        pass
    elif seps in (["."], ["\u066B"]):
        out = out.replace(".", "\u066B")
    elif set(seps) <= {",", "\u066C"} and all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3:
        out = out.replace(",", "\u066C")
    elif set(seps) == {":"} and len(seps) <= 2 and all(len(g) == 2 for g in groups[1:]):
        pass  # a time of day
    elif set(seps) == {"/"} and len(seps) <= 2:
        pass  # a date or a fraction
    else:
        plain = False
    if num.endswith("%"):
        out += "\u066A"
    return out, plain


_CURLY_RE = re.compile("[\u201C\u201D]")
_SOFT_HYPHEN_RE = re.compile(f"(?<=[{_LETTERS}])\u00AD(?=[{_LETTERS}])")
_OPENERS = "«([{\u201C\""
_CLOSERS = "»)]}\u201D\""
_FA_LETTER = f"[{_LETTERS}]"
_BRACKET_OPEN_SPACE_RE = re.compile("[(\\[{][ \t]+")
_SPACE_BRACKET_CLOSE_RE = re.compile("[ \t]+[)\\]}]")
_SPACE_RUN_RE = re.compile("[ \t]{2,}")
_GUILLEMETS_RE = re.compile("[«»]")
_RUN_BEFORE = frozenset("\u06F0\u06F1\u06F2\u06F3\u06F4\u06F5\u06F6\u06F7\u06F8\u06F9\u066A\u060C\u061B\u061F.!:»)]}")
_RUN_AFTER = frozenset("\u06F0\u06F1\u06F2\u06F3\u06F4\u06F5\u06F6\u06F7\u06F8\u06F9«([{")
# an ending after a quoted word stays joined to it: «کتاب»ها، «کتاب»ی
_ENDING_AFTER_QUOTE_RE = re.compile(f"(?:ها|های|ی|ای)(?![{_LETTERS}])")


# --------------------------------------------------------------------------
# public API


@dataclass(frozen=True)
class Correction:
    """One change ``normalize`` makes: replace ``text[start:end]`` by ``replacement``."""

    start: int
    end: int
    replacement: str


_MAX_PASSES = 8


EZAFE_SPELLINGS = ("hamza", "yeh", "keep")


def _keep_set(keep) -> frozenset[str]:
    """The book's deliberate spellings, as the scanner compares them (letters normalised, no marks)."""
    if isinstance(keep, frozenset):
        return keep
    return _keep_set_of(tuple(keep))


@lru_cache(maxsize=64)
def _keep_set_of(keep: tuple[str, ...]) -> frozenset[str]:
    return frozenset(" ".join(_MARK_RE.sub("", _norm_letters(w)).split()) for w in keep if w.strip())


def corrections(text: str, *, zwnj: bool = True, skip=(), ezafe: str = "hamza", keep=()) -> list[Correction]:
    """One pass of the changes ``normalize`` makes, sorted and disjoint.

    That is every autofix finding of ``lint(text, zwnj=zwnj, skip=skip)``, and,
    inside a word whose finding is not automatic, its letter-level normalisation.
    """
    out = []
    for e in _Scanner(text, words=zwnj, skip=skip, ezafe=ezafe, keep=_keep_set(keep)).run():
        if e.applied is not None and e.applied != text[e.start:e.end]:
            out.append(Correction(e.start, e.end, e.applied))
    return out


def splice(text: str, changes) -> str:
    """Apply sorted, disjoint corrections to ``text``."""
    out = []
    pos = 0
    for c in changes:
        out.append(text[pos:c.start])
        out.append(c.replacement)
        pos = c.end
    out.append(text[pos:])
    return "".join(out)


def normalize(text: str, *, zwnj: bool = True, ezafe: str = "hamza", keep=()) -> str:
    """Every automatic correction, repeated until nothing changes (see the module docstring).

    ``zwnj=False`` leaves the spelling alone: no ZWNJ insertion and no ائی -> ایی.
    """
    keep = _keep_set(keep)
    for _ in range(_MAX_PASSES):
        changes = corrections(text, zwnj=zwnj, ezafe=ezafe, keep=keep)
        if not changes:
            break
        text = splice(text, changes)
    return text


def lint(text: str, *, zwnj: bool = True, skip=(), ezafe: str = "hamza", keep=()) -> list[Finding]:
    """Report orthography problems in Persian running text, sorted by start.

    ``zwnj=False``: no word analysis (the ZWNJ and ائی findings), as for a text
    that keeps its spelling.  ``skip``: (start, end) ranges that are not prose
    (they are treated like code: never reported, and never context for a rule).
    """
    return [e.finding() for e in _Scanner(text, words=zwnj, skip=skip, ezafe=ezafe, keep=_keep_set(keep)).run()]


def apply_fixes(text: str, findings) -> str:
    """Apply the replacements of the autofix findings (non-overlapping, right to left)."""
    chosen = sorted(
        (f for f in findings if f.autofix and f.replacement is not None),
        key=lambda f: (f.start, f.end), reverse=True,
    )
    limit = len(text) + 1
    out = text
    for f in chosen:
        if f.end > limit or f.start < 0 or f.end > len(text):
            continue
        out = out[: f.start] + f.replacement + out[f.end:]
        limit = f.start
    return out


def fix(text: str, *, ezafe: str = "hamza", keep=()) -> str:
    """Every autofix correction (and the letter normalisation inside other findings); idempotent.

    The same as ``normalize(text)``: what ``fix`` writes is what the build prints.
    """
    return normalize(text, zwnj=True, ezafe=ezafe, keep=keep)
