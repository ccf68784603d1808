"""A published translation no one here wrote: its URLs read in order and are never hyphenated (issue 11).

The Django Girls tutorial's chapter on how the Internet works, in Persian and English (CC BY-SA 4.0,
tests/fixtures/corpora/djangogirls, a copy of ../shared/corpora with its LICENSE), is full of what real technical
Persian holds: bare URLs inside Persian sentences and in brackets, domain names, `IP address`, `DNS
(Domain Name System)`, inline code.  It is built into the default PDF, and every URL, address and
dotted name of the Persian text whose neighbours are plain Persian words is found by the position of
its glyphs, in reading order between them; no such token of either side is hyphenated.
"""

from __future__ import annotations

import re
import shutil
from datetime import datetime, timezone

import pytest
from helpers import CORPUS, run_build
from pdf_glyphs import below, lines, reads_in_order

from parallelbook.read.book import load_book
from parallelbook.text.blocks import plain_text
from parallelbook.text.tokens import technical_tokens

PERSIAN_WORD = re.compile(r"[\u0600-\u06ff\u200c]+")



@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    book = tmp_path_factory.mktemp("djangogirls") / "djangogirls"
    shutil.copytree(CORPUS, book)  # its LICENSE (CC BY-SA 4.0) goes with it
    out = book / "build"
    result = run_build("pdf", "--book", str(book), "--out", str(out))
    assert result.returncode == 0, result.stderr
    edition = load_book(book, build_time=datetime(2025, 11, 28, tzinfo=timezone.utc)).editions[0]
    return {"lines": lines(next(out.glob("*.pdf"))), "edition": edition}


def _tokens_with_neighbours(text: str):
    """(token, the word before, the word after) for each technical token between two Persian words."""
    words = list(re.finditer(r"\S+", text))
    for token in technical_tokens(text):
        index = next(i for i, word in enumerate(words) if word.start() <= token.start < word.end())
        if 0 < index < len(words) - 1:
            before, after = words[index - 1].group(), words[index + 1].group()
            if PERSIAN_WORD.fullmatch(before) and PERSIAN_WORD.fullmatch(after):
                yield words[index].group(), before, after


def test_urls_inside_persian_read_in_order(corpus):
    checked = []
    for pair in corpus["edition"].pairs():
        for token, before, after in _tokens_with_neighbours(plain_text(pair.source.block)):
            checked.append(token)
            assert reads_in_order(corpus["lines"], token, before, after), (token, before, after)
    assert {"https://djangogirls.org", "(http://submarinecablemap.com)", "djangogirls.org"} <= set(checked), checked


def test_no_url_is_hyphenated(corpus):
    """No line ends in a hyphen that cuts a URL, address or dotted name of either side (`(ht-`/`tps://`)."""
    tokens = set()
    for pair in corpus["edition"].pairs():
        for side in pair.sides:
            text = plain_text(side.block)
            tokens.update(text[t.start : t.end] for t in technical_tokens(text))
    assert len(tokens) >= 5, tokens
    seen = corpus["lines"]
    for index, line in enumerate(seen):
        following = below(seen, index)
        ends = re.search(r"(\S+)[-\u2010\u00ad]$", line.text)
        if following is None or not ends or not following.text:
            continue
        word, first = ends.group(1), following.text.split()[0]
        for token in tokens:
            added = token in word + first and token not in word + "-" + first
            assert not added, f"{token!r} hyphenated: {line.text!r} / {following.text!r}"
