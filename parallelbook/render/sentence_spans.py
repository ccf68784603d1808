"""Sentences made visible in rendered HTML: every piece of a sentence's text in a <span data-s>.

The renderer writes a block's HTML; the review's sentences (text/sentences.py)
know where each sentence starts as a count of the letters and digits before
it.  This module walks the HTML's text (footnote reference labels and code
blocks excluded, as the sentences exclude them), counts the same letters and
digits, and wraps each stretch of text in the sentence it belongs to.  A
sentence that crosses an element (emphasis, a link) becomes several spans
with the same data-s; its first span is the one keyboard focus stops at.
Spaces and punctuation between two sentences stay with the first one, and
opening marks after a space go with the next.  Pure.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

_TOKEN = re.compile(r"<!--.*?-->|<[^>]*>|[^<]+", re.S)
_CHAR = re.compile(r"&(?:#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);|.", re.S)
_SKIPPED = {"pre"}  # elements whose text is not in any sentence (besides footnote references)
# A URL, an address or a piece of code is one token (render/html.py marks it, with <wbr> where a line may
# break): it goes whole into the sentence of its first letter, never split into a span per piece.
_ATOMIC = re.compile(r'<(span) class="url"|<(code)\b')


@dataclass(frozen=True)
class SentenceMark:
    """One sentence as the review edition shows it."""

    alnum_start: int  # letters and digits of the block's reading text before the sentence
    key: str  # the data-s value its counterpart(s) share
    classes: str  # "s" plus e.g. "s-unmatched s-flagged"
    title: str  # what the sentence's link is, in words (a tooltip; the page says it without colour too)


def mark_sentences(body: Markup, marks: list[SentenceMark]) -> Markup:
    """The HTML with each sentence's text wrapped; unchanged when there are no marks."""
    if not marks:
        return body
    starts = [mark.alnum_start for mark in marks]
    out: list[str] = []
    count = 0  # letters and digits seen
    current = 0  # the sentence the last letter or digit belonged to
    gap = False  # whitespace seen since the current sentence's last letter
    skip_depth = 0
    skip_tag: list[str] = []
    opened: set[int] = set()
    for token in _atomic_tokens(_TOKEN.findall(str(body))):
        if token.startswith("<") and not _ATOMIC.match(token):
            out.append(token)
            name = re.match(r"</?\s*([A-Za-z0-9]+)", token)
            tag = name.group(1).lower() if name else ""
            closing = token.startswith("</")
            if not closing and (tag in _SKIPPED or (tag == "a" and 'class="noteref"' in token)):
                skip_tag.append(tag)
                skip_depth += 1
            elif closing and skip_tag and tag == skip_tag[-1]:
                skip_tag.pop()
                skip_depth -= 1
            continue
        if skip_depth:
            out.append(token)
            continue
        pieces: list[tuple[int, str]] = []
        if token.startswith("<"):  # an atomic token: its letters count, it stays whole
            letters = sum(1 for raw in _text_chars(token) if raw.isalnum())
            if letters:
                while current + 1 < len(starts) and starts[current + 1] <= count:
                    current += 1
                count += letters
                gap = False
            pieces.append((current, token))
            token = ""
        for match in _CHAR.finditer(token):
            raw = match.group()
            ch = html.unescape(raw) if raw.startswith("&") else raw
            if ch.isalnum():
                while current + 1 < len(starts) and starts[current + 1] <= count:
                    current += 1
                count += 1
                gap = False
                which = current
            elif ch.isspace():
                gap = True
                which = current
            else:
                ahead = current + 1 < len(starts) and starts[current + 1] <= count
                which = current + 1 if ahead and gap else current
            if pieces and pieces[-1][0] == which:
                pieces[-1] = (which, pieces[-1][1] + raw)
            else:
                pieces.append((which, raw))
        for which, text in pieces:
            if not text.strip():
                out.append(text)
                continue
            mark = marks[which]
            focus = ""
            if which not in opened:
                opened.add(which)
                focus = ' tabindex="0"'
            out.append(
                f'<span class="{escape(mark.classes)}" data-s="{escape(mark.key)}" title="{escape(mark.title)}"{focus}>{text}</span>'
            )
    return Markup("".join(out))


def _atomic_tokens(tokens: list[str]) -> list[str]:
    """The tokens with each URL or code element (tags and all) joined into one."""
    joined: list[str] = []
    index = 0
    while index < len(tokens):
        match = _ATOMIC.match(tokens[index])
        if not match:
            joined.append(tokens[index])
            index += 1
            continue
        tag, depth, end = match.group(1) or match.group(2), 0, index
        for end in range(index, len(tokens)):
            if re.match(rf"<{tag}\b", tokens[end]):
                depth += 1
            elif re.match(rf"</{tag}\s*>", tokens[end]):
                depth -= 1
                if depth == 0:
                    break
        joined.append("".join(tokens[index : end + 1]))
        index = end + 1
    return joined


def _text_chars(markup: str) -> list[str]:
    """The characters of an element's text, entities decoded."""
    text = "".join(token for token in _TOKEN.findall(markup) if not token.startswith("<"))
    return list(html.unescape(text))


def alnum_count(body: Markup) -> int:
    """Letters and digits of the HTML's text that sentences cover (for tests and a sanity check)."""
    total = 0
    skip_tag: list[str] = []
    for token in _TOKEN.findall(str(body)):
        if token.startswith("<"):
            name = re.match(r"</?\s*([A-Za-z0-9]+)", token)
            tag = name.group(1).lower() if name else ""
            if not token.startswith("</") and (tag in _SKIPPED or (tag == "a" and 'class="noteref"' in token)):
                skip_tag.append(tag)
            elif token.startswith("</") and skip_tag and tag == skip_tag[-1]:
                skip_tag.pop()
            continue
        if not skip_tag:
            total += sum(1 for ch in html.unescape(token) if ch.isalnum())
    return total
