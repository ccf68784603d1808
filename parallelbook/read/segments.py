"""The translatable text of a Markdown file, with the exact place of every character.

An exchange file (XLIFF, the review .docx) carries each block of a chapter as
a *segment*: the text a reader reads, with the block's inline Markdown
(emphasis, links, footnote references, code, breaks between the block's
paragraphs) as *codes* that hold their original Markdown verbatim.  Because
pandoc's `sourcepos` gives every inline its line and column, each code and
each run of text knows its range in the file, so an edited segment can be
written back into exactly that range and every other byte stays as it was.

Pure apart from one pandoc run per file (`read_segments`).
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .markdown import PANDOC_FORMAT

# ---------------------------------------------------------------- values


@dataclass(frozen=True)
class Code:
    """Markup inside a segment: `open`/`close` pair around text (emphasis, a link) or `standalone`."""

    id: str
    kind: str  # emph, strong, link, image, note, code, break, math, raw, para, block ...
    role: str  # "open" | "close" | "standalone"
    data: str  # the original Markdown, verbatim


@dataclass(frozen=True)
class Segment:
    """One block's (or one footnote's) text and codes, and the range of the file it was read from."""

    pieces: tuple  # str | Code, text never empty, adjacent text joined
    start: int  # character offsets into the file's text, [start, end)
    end: int
    runs: tuple[str, ...] = ()  # the raw Markdown of each text run between codes, for unchanged runs
    editable: bool = True

    @property
    def text(self) -> str:
        """What a reader reads, white space collapsed: what comparisons look at."""
        return collapse("".join(p for p in self.pieces if isinstance(p, str)))

    @property
    def codes(self) -> tuple[Code, ...]:
        return tuple(p for p in self.pieces if isinstance(p, Code))


@dataclass(frozen=True)
class BlockSegments:
    line: int  # the block's first line, as the model's Block.location has it
    segment: Segment
    notes: tuple[Segment, ...]  # the block's footnotes, in reading order


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def same_content(a: tuple, b: tuple) -> bool:
    """Equal as a translator sees them: the same codes (by id and role) and the same words."""
    return _signature(a) == _signature(b)


def _signature(pieces) -> tuple:
    result: list = []
    text: list[str] = []
    for piece in pieces:
        if isinstance(piece, str):
            text.append(piece)
        else:
            result.append(collapse("".join(text)))
            text = []
            result.append((piece.id, piece.role))
    result.append(collapse("".join(text)))
    return tuple(result)


# ---------------------------------------------------------------- offsets


class _Offsets:
    """pandoc's line:column (columns count a tab up to the next multiple of 4) to offsets in the text."""

    def __init__(self, text: str):
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

    def offset(self, line: int, column: int) -> int:
        if line - 1 >= len(self.starts):
            return len(self.text)
        position = self.starts[line - 1]
        visual = 1
        while visual < column and position < len(self.text) and self.text[position] not in "\r\n":
            visual = ((visual - 1) // 4 + 1) * 4 + 1 if self.text[position] == "\t" else visual + 1
            position += 1
        return position


_POSITION = re.compile(r"(\d+):(\d+)-(\d+):(\d+)$")


def _range(attr, offsets: _Offsets) -> tuple[int, int] | None:
    for key, value in attr[2]:
        if key == "data-pos":
            found = _POSITION.search(value)
            if found:
                a, b, c, d = map(int, found.groups())
                return offsets.offset(a, b), offsets.offset(c, d)
    return None


def _is_wrapper(attr) -> bool:
    return ["wrapper", "1"] in [list(kv) for kv in attr[2]]


class _Unplaceable(Exception):
    """pandoc gave no usable position: the block can be read but not written back."""


# ---------------------------------------------------------------- reading


_STYLES = {"Emph": "emph", "Strong": "strong", "Strikeout": "strikeout", "Superscript": "superscript",
           "Subscript": "subscript", "SmallCaps": "smallcaps", "Underline": "underline", "Span": "span"}
_WHOLE = {"Code": "code", "Math": "math", "RawInline": "raw", "Note": "note", "Cite": "cite", "LineBreak": "break"}


@dataclass
class _Builder:
    offsets: _Offsets
    quotes: tuple[str, str, str, str]
    # (start, end, kind, role) of every code, and the text displayed between them
    codes: list = field(default_factory=list)
    shown: list = field(default_factory=list)  # list of str | int (index into codes)
    notes: list = field(default_factory=list)  # Note nodes met, in order

    def add_code(self, start: int, end: int, kind: str, role: str) -> None:
        self.codes.append((start, end, kind, role))
        self.shown.append(len(self.codes) - 1)

    def inlines(self, nodes, depth: int = 0) -> None:
        for node in nodes:
            self.inline(node, None, depth)

    def inline(self, node, where: tuple[int, int] | None, depth: int) -> None:
        kind, value = node["t"], node.get("c")
        if kind == "Span" and _is_wrapper(value[0]):
            where = _range(value[0], self.offsets)
            for child in value[1]:
                self.inline(child, where, depth)
            return
        if kind == "Str":
            self.shown.append(value)
        elif kind in ("Space", "SoftBreak"):
            self.shown.append(" ")
        elif kind == "Quoted":
            double = value[0]["t"] == "DoubleQuote" and depth == 0
            opening, closing = (self.quotes[0], self.quotes[1]) if double else (self.quotes[2], self.quotes[3])
            self.shown.append(opening)
            self.inlines(value[1], depth + 1)
            self.shown.append(closing)
        elif kind in _STYLES or kind in ("Link", "Image"):
            children = value[1] if kind in ("Link", "Image", "Span") else value
            own = _range(value[0], self.offsets) if kind in ("Link", "Image", "Span") else None
            outer = own or where
            inner = _extent(children, self.offsets)
            if outer is None:
                raise _Unplaceable(kind)
            if inner is None or not (outer[0] < inner[0] <= inner[1] < outer[1]):
                self.add_code(outer[0], outer[1], kind.lower(), "standalone")  # no text inside: one code
                return
            name = _STYLES.get(kind, kind.lower())
            self.add_code(outer[0], inner[0], name, "open")
            self.inlines(children, depth)
            self.add_code(inner[1], outer[1], name, "close")
        elif kind in _WHOLE:
            own = _range(value[0], self.offsets) if kind == "Code" else None
            place = own or where
            if place is None:
                raise _Unplaceable(kind)
            self.add_code(place[0], place[1], _WHOLE[kind], "standalone")
            if kind == "Note":
                self.notes.append(value)
        else:
            raise _Unplaceable(kind)


def _extent(nodes, offsets: _Offsets) -> tuple[int, int] | None:
    """The range covered by a list of inlines, from the positions pandoc gave them."""
    places = [p for p in (_node_range(n, offsets) for n in nodes) if p is not None]
    if not places:
        return None
    return min(p[0] for p in places), max(p[1] for p in places)


def _node_range(node, offsets: _Offsets):
    kind, value = node["t"], node.get("c")
    if kind == "Span" or kind in ("Link", "Image", "Code"):
        return _range(value[0], offsets)
    return None


def _regions(nodes, builder_factory, offsets: _Offsets, regions: list) -> None:
    """Every run of inlines (paragraph, heading, cell) of some blocks, as (start, end, builder)."""
    for node in nodes:
        kind, value = node["t"], node.get("c")
        if kind in ("Para", "Plain"):
            _region(value, builder_factory, offsets, regions)
        elif kind == "Header":
            _region(value[2], builder_factory, offsets, regions)
        elif kind == "Div":
            _regions(value[1], builder_factory, offsets, regions)
        elif kind == "BlockQuote":
            _regions(value, builder_factory, offsets, regions)
        elif kind == "BulletList":
            for item in value:
                _regions(item, builder_factory, offsets, regions)
        elif kind == "OrderedList":
            for item in value[1]:
                _regions(item, builder_factory, offsets, regions)
        elif kind == "Figure":
            _regions(value[2], builder_factory, offsets, regions)
        elif kind == "CodeBlock":
            place = _range(value[0], offsets)
            if place is None:
                raise _Unplaceable(kind)
            regions.append((place[0], place[1], None))
        else:  # tables, rules, raw blocks, definition lists: kept whole
            raise _Unplaceable(kind)


def _region(inlines, builder_factory, offsets: _Offsets, regions: list) -> None:
    place = _extent(inlines, offsets)
    if place is None:
        if inlines:
            raise _Unplaceable("inlines")
        return
    builder = builder_factory()
    builder.inlines(inlines)
    regions.append((place[0], place[1], builder))


def _segment(text: str, regions: list) -> tuple[Segment, list]:
    """Join the regions of a block into one segment; the text between them becomes a `para` code."""
    regions.sort(key=lambda r: r[0])
    codes: list[tuple[int, int, str, str]] = []
    shown: list = []
    notes: list = []
    for index, (start, end, builder) in enumerate(regions):
        if index:
            codes.append((regions[index - 1][1], start, "para", "standalone"))
            shown.append(len(codes) - 1)
        if builder is None:  # a code block: kept, not translated
            codes.append((start, end, "block", "standalone"))
            shown.append(len(codes) - 1)
            continue
        base = len(codes)
        codes.extend(builder.codes)
        shown.extend(item + base if isinstance(item, int) else item for item in builder.shown)
        notes.extend(builder.notes)
    start, end = regions[0][0], regions[-1][1]
    # the codes must follow one another inside the block: else pandoc's positions cannot be trusted
    cursor = start
    for code_start, code_end, _kind, _role in codes:
        if code_start < cursor or code_end < code_start or code_end > end:
            raise _Unplaceable("overlap")
        cursor = code_end
    pieces: list = []
    runs: list[str] = []
    previous_end = start
    pending: list[str] = []
    opened: list[str] = []
    numbered = 0  # codes are numbered 1, 2 ... in reading order; a closing code takes its opening's number

    def flush(until: int) -> None:
        runs.append(text[previous_end:until])
        if pending:
            joined = "".join(pending)
            if joined:
                pieces.append(joined)
            pending.clear()

    for item in shown:
        if isinstance(item, str):
            pending.append(item)
            continue
        code_start, code_end, kind, role = codes[item]
        flush(code_start)
        previous_end = code_end
        if role == "close":
            code_id = opened.pop()
        else:
            numbered += 1
            code_id = str(numbered)
            if role == "open":
                opened.append(code_id)
        pieces.append(Code(code_id, kind, role, text[code_start:code_end]))
    flush(end)
    return Segment(tuple(pieces), start, end, tuple(runs)), notes


def read_segments(text: str, lang_quotes: tuple[str, str, str, str], *, document: dict | None = None) -> dict[int, BlockSegments]:
    """The segment of every top-level block of a Markdown file, keyed by the block's first line."""
    if document is None:
        document = pandoc_positions(text)
    offsets = _Offsets(text)
    result: dict[int, BlockSegments] = {}
    for node, line in _top_blocks(document["blocks"], 0, offsets):
        result[line] = _block_segments(text, [node], line, offsets, lang_quotes)
    return result


def _block_segments(text, nodes, line, offsets, quotes) -> BlockSegments:
    factory = lambda: _Builder(offsets, quotes)  # noqa: E731
    try:
        regions: list = []
        _regions(nodes, factory, offsets, regions)
        if not regions:
            raise _Unplaceable("empty")
        segment, note_nodes = _segment(text, regions)
        notes = []
        for note in note_nodes:
            note_regions: list = []
            try:
                _regions(note, factory, offsets, note_regions)
                notes.append(_segment(text, note_regions)[0] if note_regions else _fixed(""))
            except _Unplaceable:
                notes.append(_fixed(""))
        return BlockSegments(line, segment, tuple(notes))
    except _Unplaceable:
        return BlockSegments(line, _fixed(""), ())


def read_file_segments(path: Path, quotes: tuple[str, str, str, str]) -> tuple[str, dict[int, BlockSegments]]:
    """A chapter's exact text (line endings kept, so that offsets address it) and its segments."""
    text = read_verbatim(path)
    return text, read_segments(text, quotes)


def read_verbatim(path: Path) -> str:
    data = path.read_bytes()
    return data[3:].decode("utf-8") if data.startswith(b"\xef\xbb\xbf") else data.decode("utf-8")


def line_of(text: str, offset: int) -> int:
    """The 1-based line of a character offset (CRLF, CR and LF each end a line)."""
    return len(re.findall(r"\r\n|\r|\n", text[:offset])) + 1


def _fixed(raw: str) -> Segment:
    """A block whose places pandoc does not give (a table ...): exported as text, never written back."""
    return Segment((raw,) if raw else (), 0, 0, (), editable=False)


def _top_blocks(nodes, inherited_line, offsets):
    """The model's blocks (see markdown._Reader.blocks): top-level lists split into items."""
    for node in nodes:
        kind = node["t"]
        if kind == "Div":
            attr, children = node["c"]
            line = _line(attr) or inherited_line
            # a sourcepos wrapper around a list, or a fenced div: flattened like the reader does
            if _is_wrapper(attr) and len(children) == 1 and children[0]["t"] in ("BulletList", "OrderedList"):
                yield from _list_items(children[0], line)
                continue
            yield from _top_blocks(children, line, offsets)
        elif kind in ("BulletList", "OrderedList"):
            yield from _list_items(node, inherited_line)
        elif kind == "Header":
            yield node, _line(node["c"][1]) or inherited_line
        elif kind in ("CodeBlock", "Table"):
            yield node, _line(node["c"][0]) or inherited_line
        else:
            yield node, inherited_line


def _list_items(node, line):
    items = node["c"][1] if node["t"] == "OrderedList" else node["c"]
    for item in items:
        first = next((n for n in item if n["t"] == "Div"), None)
        item_line = _line(first["c"][0]) if first else 0
        yield {"t": "Div", "c": [["", [], []], item]}, item_line or line


def _line(attr) -> int:
    for key, value in attr[2]:
        if key == "data-pos":
            found = _POSITION.search(value)
            if found:
                return int(found.group(1))
    return 0


def pandoc_positions(text: str) -> dict:
    import pypandoc

    return json.loads(pypandoc.convert_text(text, "json", format=PANDOC_FORMAT))


# ---------------------------------------------------------------- writing back

# What would turn into markup in the middle of a line; "<" and "&" only where they could open a tag or an entity
_ESCAPE = re.compile(r"([\\`*_\[\]$~^{}]|<(?=[A-Za-z/!?])|&(?=#?[A-Za-z0-9]+;))")
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])")


def markdown_of(pieces, original: Segment, resolve) -> str:
    """The Markdown of an edited segment: codes as they were written, and in each run of text only the
    words that changed rewritten (escaped), every other character as it was (line breaks, escapes,
    straight quotes)."""
    new_runs: list[str] = []
    codes: list[Code] = []
    current: list[str] = []
    for piece in pieces:
        if isinstance(piece, str):
            current.append(piece)
        else:
            new_runs.append("".join(current))
            current = []
            codes.append(piece)
    new_runs.append("".join(current))
    old_texts = _run_texts(original.pieces)
    out: list[str] = []
    for index, run in enumerate(new_runs):
        if index < len(original.runs) and index < len(old_texts):
            out.append(rewrite_run(old_texts[index], original.runs[index], run, first=index == 0))
        else:
            out.append(escape(run, at_start=False))
        if index < len(codes):
            out.append(resolve(codes[index]))
    return "".join(out)


_TOKENS = re.compile(r"\s+|[^\s]+")
_MAX_ALIGNED = 20_000  # characters of a run aligned character by character; a longer run is rewritten whole


def rewrite_run(shown: str, raw: str, new: str, *, first: bool) -> str:
    """A run's Markdown after its text went from `shown` to `new`: the raw Markdown kept wherever the
    words did not change.  `raw` and `shown` are aligned character by character (they differ by escapes,
    soft line breaks, entities and smart punctuation), and only the changed words' places are rewritten."""
    if collapse(shown) == collapse(new):
        return raw
    if len(raw) > _MAX_ALIGNED or len(shown) > _MAX_ALIGNED:
        return escape(new, at_start=first)
    to_raw: dict[int, int] = {}  # exact places: a position of `shown` -> the position in `raw` (the first)
    for tag, s0, s1, r0, r1 in difflib.SequenceMatcher(None, shown, raw, autojunk=False).get_opcodes():
        to_raw.setdefault(s0, r0)
        if tag == "equal":
            for offset in range(1, s1 - s0 + 1):
                to_raw.setdefault(s0 + offset, r0 + offset)
        else:
            to_raw.setdefault(s1, r1)
    to_raw.setdefault(0, 0)
    to_raw.setdefault(len(shown), len(raw))
    old_tokens, new_tokens = _TOKENS.findall(shown), _TOKENS.findall(new)
    old_at = _offsets(old_tokens)
    new_at = _offsets(new_tokens)
    regions: list[list[int]] = []  # [shown start, shown end, new start, new end]
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            continue
        region = [old_at[a0], old_at[a1], new_at[b0], new_at[b1]]
        while region[0] not in to_raw:  # widen to places that are exact in the raw text
            region[0] -= 1
            region[2] -= 1
        while region[1] not in to_raw:
            region[1] += 1
            region[3] += 1
        if regions and region[0] <= regions[-1][1]:
            regions[-1] = [regions[-1][0], max(regions[-1][1], region[1]), regions[-1][2], max(regions[-1][3], region[3])]
        else:
            regions.append(region)
    out: list[str] = []
    cursor = 0
    for s0, s1, n0, n1 in regions:
        r0, r1 = to_raw[s0], to_raw[s1]
        out.append(raw[cursor:r0])
        line_start = (first and r0 == 0) or raw[:r0].rstrip(" \t").endswith(("\n", "\r"))
        out.append(escape(new[n0:n1], at_start=line_start))
        cursor = r1
    out.append(raw[cursor:])
    return "".join(out)


def _offsets(tokens: list[str]) -> list[int]:
    offsets = [0]
    for token in tokens:
        offsets.append(offsets[-1] + len(token))
    return offsets


def _run_texts(pieces) -> list[str]:
    runs, current = [], []
    for piece in pieces:
        if isinstance(piece, str):
            current.append(piece)
        else:
            runs.append("".join(current))
            current = []
    runs.append("".join(current))
    return runs


def escape(text: str, *, at_start: bool) -> str:
    text = re.sub(r"[ \t]*[\r\n]+[ \t]*", " ", text)  # a run is written on one line
    text = _ESCAPE.sub(r"\\\1", text)
    if at_start:
        text = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2) if not m.group(2)[0].isdigit()
                               else m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], text, count=1)
    return text
