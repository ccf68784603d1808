"""The Persian normaliser measured against its peers' own test suites.

tests/fixtures/orthography/peer_cases.json holds input -> expected pairs taken
from the test suites of virastar, hazm and persian-tools (each case with its
repository, file, line, commit and licence), curated against the Academy of
Persian Language and Literature's rules: where a peer's expectation
contradicts them or another peer, the case is dropped or its expectation
adjusted, and the file says which and why (docs/orthography.md, "Measured
against the peers").

Each case is run through `fix` (= the build's normalisation) and scored per
category:

* ZWNJ: the ZWNJs the expected text adds to the input, and how many `fix`
  restores; a ZWNJ `fix` writes where the expected text has none is wrong.
* letters: the Persian letters (foreign forms folded) equal the expected ones,
  and no foreign letter form is left anywhere.
* digits: the numbers (digits and their signs) equal the expected ones.
* quotes and punctuation: the text with every word reduced to one letter
  (quotes, punctuation, brackets and the spaces between them) equals it.

`python tests/test_peer_orthography.py` prints the table the README shows.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script
    sys.path.insert(0, str(ROOT))

from parallelbook.text.orthography import fix  # noqa: E402

ZWNJ = "\u200c"
DATA = json.loads((Path(__file__).parent / "fixtures" / "orthography" / "peer_cases.json").read_text("utf-8"))
CASES = DATA["cases"]

FOREIGN = frozenset("يىكڪےۃہۍېەھ\u0640") | {chr(c) for c in range(0xFB50, 0xFDF0)} | {chr(c) for c in range(0xFE70, 0xFEFD)}
_FOLD = str.maketrans({"ي": "ی", "ى": "ی", "ے": "ی", "ۍ": "ی", "ې": "ی", "ك": "ک", "ڪ": "ک",
                       "ہ": "ه", "ە": "ه", "ھ": "ه", "ۃ": "ة"})
_DIGITS = "0-9\u06F0-\u06F9\u0660-\u0669"
_NUMBER = re.compile(f"[{_DIGITS}][{_DIGITS}\u066B\u066C.,:/\u066A%]*")
_WORD = re.compile(r"[^\W\d_][^\W\d_\u200c]*(?:[ \u200c][^\W\d_][^\W\d_\u200c]*)*")


def _persian_letter(c: str) -> bool:
    return "\u0620" <= c <= "\u06FF" and unicodedata.category(c) == "Lo"


def zwnj_positions(text: str) -> set[int]:
    """Where the text has a ZWNJ, counted in Persian letters from its start."""
    found, letters = set(), 0
    for c in text:
        if c == ZWNJ:
            found.add(letters)
        elif _persian_letter(c):
            letters += 1
    return found


def letters(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text).translate(_FOLD) if _persian_letter(c))


def numbers(text: str) -> list[str]:
    return _NUMBER.findall(text)


def punctuation(text: str) -> str:
    """The text with every number as 0 and every word (words joined by one space or ZWNJ too) as a."""
    return _WORD.sub("a", re.sub(f"[{_DIGITS}]+", "0", text))


CATEGORIES = {"letters": letters, "digits": numbers, "quotes and punctuation": punctuation}


def run(case: dict) -> str:
    return fix(case["input"], **case.get("settings", {}))


def score(cases=CASES) -> dict:
    result = {"cases": len(cases), "exact": 0, "zwnj_expected": 0, "zwnj_restored": 0, "zwnj_wrong": 0,
              "foreign_left": 0, "categories": {name: [0, 0] for name in CATEGORIES}, "misses": []}
    for case in cases:
        out, expected, given = run(case), case["expected"], case["input"]
        result["exact"] += out == expected
        if out != expected:
            result["misses"].append((case, out))
        if letters(out) == letters(expected):  # ZWNJs are compared where the words are the same
            wanted = zwnj_positions(expected) - zwnj_positions(given)
            written = zwnj_positions(out)
            result["zwnj_expected"] += len(wanted)
            result["zwnj_restored"] += len(wanted & written)
            result["zwnj_wrong"] += len(written - zwnj_positions(expected))
        result["foreign_left"] += sum(c in FOREIGN for c in out)
        for name, project in CATEGORIES.items():
            if project(given) != project(expected):  # the case asks for a change of this kind
                result["categories"][name][1] += 1
                result["categories"][name][0] += project(out) == project(expected)
    return result


def table(result: dict) -> str:
    def row(name, got, of):
        return f"| {name} | {got} of {of} | {100 * got / of:.0f} % |"

    lines = ["| category | `fix` right | share |", "|---|---|---|",
             row("ZWNJ (restored)", result["zwnj_restored"], result["zwnj_expected"])]
    for name, (got, of) in result["categories"].items():
        lines.append(row(name, got, of))
    lines.append(row("whole case exactly", result["exact"], result["cases"]))
    lines.append(f"\nWrong ZWNJs written: {result['zwnj_wrong']}; foreign letter forms left: {result['foreign_left']}.")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def result():
    found = score()
    print("\n" + table(found))
    return found


def test_every_case_names_its_origin_and_licence():
    assert len(CASES) >= 100
    for case in CASES + DATA["dropped"]:
        origin = case["origin"]
        assert origin["repo"] in ("brothersincode/virastar", "roshan-research/hazm", "persian-tools/persian-tools")
        assert re.fullmatch(r"[0-9a-f]{40}", origin["commit"]) and origin["path"] and origin["line"] > 0
        assert origin["license"] == "MIT"
    for case in CASES:
        if "peer_expected" in case:  # an adjusted expectation says why
            assert case["note"] and case["peer_expected"] != case["expected"]
    assert all(case["reason"] for case in DATA["dropped"])


def test_zwnj_restored(result):
    assert result["zwnj_expected"] >= 50
    assert result["zwnj_restored"] >= 0.9 * result["zwnj_expected"]
    assert result["zwnj_wrong"] <= 0.02 * result["zwnj_expected"]


def test_no_foreign_letter_form_left(result):
    assert result["foreign_left"] == 0
    got, of = result["categories"]["letters"]
    assert of >= 10 and got == of


def test_persian_digits_where_the_peers_write_them(result):
    got, of = result["categories"]["digits"]
    assert of >= 10 and got >= 0.95 * of


def test_quotes_and_punctuation(result):
    got, of = result["categories"]["quotes and punctuation"]
    assert of >= 20 and got >= 0.9 * of


def test_fix_is_idempotent_on_every_case():
    for case in CASES:
        once = run(case)
        assert fix(once, **case.get("settings", {})) == once, case["input"]


if __name__ == "__main__":
    found = score()
    print(table(found))
    if "-v" in sys.argv:
        for case, out in found["misses"]:
            print(f"\nin:       {case['input']}\nexpected: {case['expected']}\nfix:      {out}")
