"""Markdown to model blocks: one pandoc process per file, then pure conversion.

pandoc reads the file as CommonMark with pandoc's extensions
(`commonmark_x`) plus `sourcepos`, so that every block knows its line.  The
JSON tree is converted into the model's frozen values; anything the model
cannot show safely (raw HTML, scripting links, bidi overrides, footnotes that
do not resolve) becomes a located problem.

Raw HTML never reaches an output: it is left out with a RAW-HTML warning
that names what it would have loaded, so nothing it refers to (a style
sheet, a script, a frame, an image) is ever fetched.  Two documented limits
keep every output possible: nesting (lists, quotes, notes and emphasis
together) is limited to MAX_NESTING levels (NESTING-TOO-DEEP) and a block to
MAX_BLOCK_CHARS characters (BLOCK-TOO-LONG); beyond them the build stops with
a located error instead of crashing or running for an hour.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import model as m
from ..problems import Location, Problem, error, warning
from ..text.blocks import plain_text

# Without fancy_lists: with it, pandoc reads the scene break "* * *" as three nested empty lists,
# and a paragraph that opens with "A. " or "I. " as a list; decimal lists ("1." and "1)") remain.
PANDOC_FORMAT = "commonmark_x-fancy_lists+sourcepos"
_POSITION = re.compile(r"(\d+):(\d+)-(\d+):(\d+)$")
MAX_NESTING = 64  # lists, quotes, notes and inline styles inside one another; WeasyPrint fails near 120
# One block is one pair, read side by side.  A block longer than this (some 70 printed pages in the
# columns layout) is almost always paragraphs that lost the blank lines between them, and the PDF's
# time grows faster than its length (80,000 characters: 22 s; 160,000: 64 s; a megabyte: over 20 min).
MAX_BLOCK_CHARS = 100_000
TOO_DEEP = "parallelbook-too-deep"  # set in a document pandoc_json could not read back: nested too deep

# pandoc's sourcepos wraps every inline in a Span that only carries its position.  The reader
# never uses inline positions, so a wrapper around a single word, space or break is replaced by
# its content before the JSON is read: the JSON is then a fifth of the size, read eight times faster.
_LEAF_WRAPPER = re.compile(
    r'\{"t":"Span","c":\[\["",\[\],\[\["wrapper","1"\],\["data-pos","[^"]*"\]\]\],'
    r'\[(\{"t":"(?:Str","c":"(?:[^"\\]|\\.)*"|Space"|SoftBreak"|LineBreak")\})\]\]\}'
)


def pandoc_json(text: str) -> dict:
    """Run pandoc once on a whole file's text."""
    import pypandoc

    return decode_pandoc_json(pypandoc.convert_text(text, "json", format=PANDOC_FORMAT))


def without_leaf_positions(raw: str) -> str:
    """pandoc's JSON without the position wrappers of single inlines, which the reader never uses."""
    # split() keeps the one captured group, the wrapped inline, in place of each wrapper
    return "".join(_LEAF_WRAPPER.split(raw))


def decode_pandoc_json(raw: str) -> dict:
    """pandoc's JSON as a dict, without the inline position wrappers the reader never uses."""
    raw = without_leaf_positions(raw)
    try:
        return json.loads(raw)
    except RecursionError:  # nested far deeper than MAX_NESTING: reported by parse_blocks
        return {"pandoc-api-version": [], "meta": {}, "blocks": [], TOO_DEEP: True}


# Several texts through one pandoc process, each read on its own (an unclosed fence in one
# cannot swallow the next): pandoc starts once instead of once per file, which on a book of
# many short chapters is most of the time spent reading.  Input: each text's length in bytes
# on a line, then the text; output: one JSON document per line, or "error ..." for a text
# pandoc could not read (read again alone, to report it the usual way).  pandoc's command
# line ends a text with a newline, so the same is done here: the positions are the same.
BATCH_SCRIPT = Path(__file__).with_name("pandoc_batch.lua")


def read_with_pandoc(texts: list[str], processes: int = 1):
    """Yield (text, raw JSON) for every text, in order, read by `processes` pandoc processes at once.

    The texts are dealt out in turn, so every process advances through the book
    at the same pace and the first texts come back first: the caller converts
    them while pandoc reads the rest.  A text pandoc fails on is read again by
    pandoc_json, which reports it as a single run would.
    """
    import subprocess
    import threading
    from queue import Queue

    import pypandoc

    if not texts:
        return
    processes = max(1, min(processes, len(texts)))
    chunks = [texts[i::processes] for i in range(processes)]
    queues: list[Queue] = [Queue() for _ in chunks]

    def run(chunk: list[str], queue: Queue) -> None:
        try:
            process = subprocess.Popen(
                [pypandoc.get_pandoc_path(), "lua", str(BATCH_SCRIPT), PANDOC_FORMAT],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            )
        except OSError:
            for _ in chunk:
                queue.put(None)
            return

        def feed():
            try:
                for text in chunk:
                    data = text.encode("utf-8")
                    process.stdin.write(b"%d\n" % len(data) + data)
                process.stdin.close()
            except OSError:  # pandoc died: its missing answers are read again one by one
                pass

        feeder = threading.Thread(target=feed, daemon=True)
        feeder.start()
        answered = 0
        for line in process.stdout:
            if answered == len(chunk):
                break
            text = line.decode("utf-8").rstrip("\n")
            queue.put(None if text.startswith("error ") else text)
            answered += 1
        for _ in range(answered, len(chunk)):
            queue.put(None)
        process.stdout.close()
        process.wait()
        feeder.join()

    threads = [threading.Thread(target=run, args=(chunk, queue), daemon=True) for chunk, queue in zip(chunks, queues)]
    for thread in threads:
        thread.start()
    try:
        for index, text in enumerate(texts):
            raw = queues[index % processes].get()
            yield text, raw if raw is not None else None
    finally:
        for thread in threads:
            thread.join()


@dataclass
class _Reader:
    """Conversion state for one file: where we are, and what we found wrong."""

    path: str
    problems: list[Problem] = field(default_factory=list)
    line: int = 0
    depth: int = 0  # containers around the node being read
    too_deep: bool = False

    def here(self) -> Location:
        return Location(self.path, self.line)

    def enter(self) -> bool:
        """Step into a container; False (and one error per file) past MAX_NESTING."""
        if self.depth >= MAX_NESTING:
            if not self.too_deep:
                self.too_deep = True
                self.problems.append(_too_deep(self.here()))
            return False
        self.depth += 1
        return True

    # ------------------------------------------------------------ attributes
    def _position(self, attr) -> int:
        for key, value in attr[2]:
            if key == "data-pos":
                found = _POSITION.search(value)
                if found:
                    return int(found.group(1))
        return 0

    def _is_wrapper(self, attr) -> bool:
        return ["wrapper", "1"] in [list(kv) for kv in attr[2]]

    # ------------------------------------------------------------ top level
    def blocks(self, document: dict) -> tuple[m.Block, ...]:
        result: list[m.Block] = []
        list_index = 0
        for node, line in self._unwrap_top(document["blocks"], 0):
            self.line = line
            kind = node["t"]
            if kind in ("BulletList", "OrderedList"):
                ordered = kind == "OrderedList"
                start = node["c"][0][0] if ordered else 1
                delimiter = _delimiter(node["c"][0]) if ordered else "."
                items = node["c"][1] if ordered else node["c"]
                list_index += 1
                for offset, item in enumerate(items):
                    item_line = self._first_position(item) or line
                    self.line = item_line
                    self.depth = 1  # the top-level list is split into blocks, but it is a level of nesting
                    content = self.contents(item)
                    self.depth = 0
                    result.append(
                        m.Block(
                            "list-item",
                            content,
                            Location(self.path, item_line),
                            m.ListMembership(list_index, ordered, start + offset, delimiter),
                        )
                    )
                continue
            content = self.contents([node])
            if not content:
                continue
            result.append(m.Block(_block_kind(content[0]), content, Location(self.path, line)))
        return tuple(result)

    def _unwrap_top(self, nodes, inherited_line):
        """Yield (block node, line) with pandoc's sourcepos wrappers and fenced divs flattened."""
        for node in nodes:
            if node["t"] == "Div":
                attr, children = node["c"]
                line = self._position(attr) or inherited_line
                yield from self._unwrap_top(children, line)
            elif node["t"] == "Header":
                yield node, self._position(node["c"][1]) or inherited_line
            elif node["t"] in ("CodeBlock", "Table"):  # positioned by their own attributes, not a wrapper
                yield node, self._position(node["c"][0]) or inherited_line
            else:
                yield node, inherited_line

    def _first_position(self, nodes) -> int:
        for node in nodes:
            if node["t"] == "Div":
                return self._position(node["c"][0])
        return 0

    # ------------------------------------------------------------ block contents
    def contents(self, nodes) -> tuple[m.Content, ...]:
        result: list[m.Content] = []
        for node in nodes:
            result.extend(self.content(node))
        return tuple(result)

    def content(self, node) -> list[m.Content]:
        kind = node["t"]
        if kind not in _BLOCK_CONTAINERS:
            return self._content(node)
        if not self.enter():
            return []
        try:
            return self._content(node)
        finally:
            self.depth -= 1

    def _content(self, node) -> list[m.Content]:
        kind, value = node["t"], node.get("c")
        if kind in ("Para", "Plain"):
            inlines = self.inlines(value)
            if value and all(isinstance(i, m.Text) and not i.text.strip() for i in inlines):
                return []  # nothing but raw HTML (reported) and spaces: not a block of the book
            return [m.Paragraph(inlines)]
        if kind == "Header":
            return [m.Heading(value[0], self.inlines(value[2]), value[1][0])]
        if kind == "Div":
            attr, children = value
            self.line = self._position(attr) or self.line
            return list(self.contents(children))
        if kind == "BulletList":
            return [m.ListBlock(False, 1, tuple(self.contents(item) for item in value))]
        if kind == "OrderedList":
            return [m.ListBlock(True, value[0][0], tuple(self.contents(item) for item in value[1]), _delimiter(value[0]))]
        if kind == "BlockQuote":
            return [m.BlockQuote(self.contents(value))]
        if kind == "CodeBlock":
            return [m.CodeBlock(value[1])]
        if kind == "HorizontalRule":
            return [m.Rule()]
        if kind == "LineBlock":
            lines: list[m.Inline] = []
            for index, line in enumerate(value):
                if index:
                    lines.append(m.LineBreak())
                lines.extend(self.inlines(line))
            return [m.Paragraph(tuple(lines))]
        if kind == "Table":
            return [self.table(value)]
        if kind == "Figure":
            return list(self.contents(value[2]))
        if kind == "DefinitionList":
            result: list[m.Content] = []
            for term, definitions in value:
                result.append(m.Paragraph((m.Styled("strong", self.inlines(term)),)))
                for definition in definitions:
                    result.append(m.BlockQuote(self.contents(definition)))
            return result
        if kind == "RawBlock":
            if not _is_comment(value):
                self.problems.append(warning("RAW-HTML", self.here(), _raw_message(value[0], value[1], "block")))
            return []
        self.problems.append(warning("UNSUPPORTED-BLOCK", self.here(), f"{kind} is not supported and was left out"))
        return []

    def table(self, value) -> m.Table:
        _attr, _caption, _specs, head, bodies, foot = value

        def rows(raw_rows):
            return tuple(tuple(self._cell(cell) for cell in row[1]) for row in raw_rows)

        body_rows = []
        for body in bodies:
            body_rows.extend(rows(body[2]))
            body_rows.extend(rows(body[3]))
        body_rows.extend(rows(foot[1]))
        return m.Table(rows(head[1]), tuple(body_rows))

    def _cell(self, cell) -> tuple[m.Inline, ...]:
        inlines: list[m.Inline] = []
        for content in self.contents(cell[4]):
            if isinstance(content, (m.Paragraph, m.Heading)):
                if inlines:
                    inlines.append(m.LineBreak())
                inlines.extend(content.inlines)
        return tuple(inlines)

    # ------------------------------------------------------------ inlines
    def inlines(self, nodes) -> tuple[m.Inline, ...]:
        """Inlines with adjacent text joined (in linear time: a paragraph may be a megabyte)."""
        result: list[m.Inline] = []
        pending: list[str] = []
        for node in nodes:
            for inline in self.inline(node):
                if isinstance(inline, m.Text):
                    pending.append(inline.text)
                    continue
                if pending:
                    result.append(m.Text("".join(pending)))
                    pending = []
                result.append(inline)
        if pending:
            result.append(m.Text("".join(pending)))
        return tuple(result)

    def inline(self, node) -> list[m.Inline]:
        kind = node["t"]
        if kind not in _INLINE_CONTAINERS:
            return self._inline(node)
        if not self.enter():
            return []
        try:
            return self._inline(node)
        finally:
            self.depth -= 1

    def _inline(self, node) -> list[m.Inline]:
        kind, value = node["t"], node.get("c")
        if kind == "Str":
            return [m.Text(value)]
        if kind in ("Space", "SoftBreak"):
            return [m.Text(" ")]
        if kind == "LineBreak":
            return [m.LineBreak()]
        style = _STYLE_OF.get(kind)
        if style:
            return [m.Styled(style, self.inlines(value))]
        if kind == "Span":
            attr, children = value
            if not self._is_wrapper(attr) and "smallcaps" in attr[1]:
                return [m.Styled("smallcaps", self.inlines(children))]
            return list(self.inlines(children))
        if kind == "Quoted":
            return [m.Quoted(value[0]["t"] == "DoubleQuote", self.inlines(value[1]))]
        if kind == "Cite":
            return list(self.inlines(value[1]))
        if kind == "Code":
            return [m.Code(value[1])]
        if kind == "Math":
            return [m.Code(value[1])]
        if kind == "Link":
            url, title = value[2]
            if _unsafe_link(url):
                self.problems.append(
                    warning(
                        "LINK-UNSAFE",
                        self.here(),
                        f"link to {_excerpt(url, 200)} was removed and its text kept: a book links only to web pages "
                        "and addresses (javascript:, data: and file: links are never written)",
                    )
                )
                return list(self.inlines(value[1]))
            return [m.Link(url, title, self.inlines(value[1]))]
        if kind == "Image":
            url, title = value[2]
            return [m.Image(url, self.inlines(value[1]), title)]
        if kind == "Note":
            return [m.Note(self.contents(value))]
        if kind == "RawInline":
            if not _is_comment(value):
                self.problems.append(warning("RAW-HTML", self.here(), _raw_message(value[0], value[1], "inline")))
            return []
        self.problems.append(warning("UNSUPPORTED-INLINE", self.here(), f"{kind} is not supported and was left out"))
        return []


_STYLE_OF = {
    "Emph": "emph",
    "Strong": "strong",
    "Strikeout": "strikeout",
    "Superscript": "superscript",
    "Subscript": "subscript",
    "SmallCaps": "smallcaps",
    "Underline": "underline",
}


def _delimiter(attributes) -> str:
    """")" for a list written `1)`, "." for `1.` (pandoc's ListAttributes: start, style, delimiter)."""
    return ")" if attributes[2]["t"] == "OneParen" else "."


def _block_kind(content: m.Content) -> str:
    return {
        m.Paragraph: "paragraph",
        m.Heading: "heading",
        m.ListBlock: "list",
        m.BlockQuote: "quote",
        m.CodeBlock: "code",
        m.Rule: "rule",
        m.Table: "table",
    }[type(content)]


def parse_blocks(text: str, path: str, document: dict | None = None) -> tuple[tuple[m.Block, ...], list[Problem]]:
    """The blocks of one file and the problems found in it."""
    if not text.strip():
        what = "empty" if not text else "only white space"
        return (), [error("CHAPTER-EMPTY", Location(path, 1), f"file is {what}: write the chapter or remove the file")]
    document = document if document is not None else pandoc_json(text)
    problems = text_problems(text, path)
    if document.get(TOO_DEEP):
        return (), problems + [_too_deep(Location(path, _deepest_line(text)))]
    reader = _Reader(path)
    try:
        blocks = reader.blocks(document)
    except RecursionError:  # a safety net: enter() stops well before Python's limit
        return (), problems + [_too_deep(Location(path, _deepest_line(text)))]
    problems += reader.problems
    problems += [_too_long(block) for block in blocks if len(plain_text(block, notes=True)) > MAX_BLOCK_CHARS]
    if not blocks and not reader.too_deep:
        problems.append(
            error("CHAPTER-EMPTY", Location(path, 1), "file has no text blocks (raw HTML and comments are left out)")
        )
    return blocks, problems


# ---------------------------------------------------------------- helpers

_BLOCK_CONTAINERS = frozenset({"BulletList", "OrderedList", "BlockQuote", "Table", "DefinitionList"})
_INLINE_CONTAINERS = frozenset(
    {"Emph", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps", "Underline", "Quoted", "Link", "Image", "Note", "Cite"}
)
_UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")
_REFERENCE = re.compile(
    r"""(?:\b(?:src|href|srcset|data|poster|action|background|xlink:href)\s*=\s*["']?([^"'\s>]+))"""
    r"""|(?:url\(\s*["']?([^"')\s]+))|(?:@import\s+["']([^"']+))""",
    re.IGNORECASE,
)


def _too_deep(where: Location) -> Problem:
    return error(
        "NESTING-TOO-DEEP",
        where,
        f"lists, quotes, notes or emphasis are nested more than {MAX_NESTING} levels deep here, "
        "which no output can lay out: flatten the structure",
    )


def _too_long(block: m.Block) -> Problem:
    length = len(plain_text(block, notes=True))
    return error(
        "BLOCK-TOO-LONG",
        block.location,
        f"this {block.kind.replace('-', ' ')} is {length:,} characters long; a block (one pair of the book) may have "
        f"at most {MAX_BLOCK_CHARS:,}: separate paragraphs with a blank line (were the blank lines lost?)",
    )


def _deepest_line(text: str) -> int:
    """The line that opens the most containers (quote marks and indentation), for NESTING-TOO-DEEP."""
    best, best_line = -1, 1
    for number, line in enumerate(text.split("\n"), start=1):
        prefix = re.match(r"[>\s]*", line).group()
        score = prefix.count(">") + len(prefix.expandtabs(4).replace(">", "")) // 2
        score = score * 1000 + sum(line.count(c) for c in "*_[")
        if score > best:
            best, best_line = score, number
    return best_line


def _is_comment(value) -> bool:
    return value[0] == "html" and re.fullmatch(r"\s*<!--.*?-->\s*", value[1], re.DOTALL) is not None


def _excerpt(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _raw_message(format_: str, raw: str, kind: str) -> str:
    message = f"raw {format_} {_excerpt(raw)} was left out: write the content in Markdown instead"
    references = [next(group for group in found if group) for found in _REFERENCE.findall(raw)]
    if references:
        message += f"; what it refers to ({', '.join(references[:3])}{', …' if len(references) > 3 else ''}) is not loaded"
    return message


def _unsafe_link(url: str) -> bool:
    squeezed = re.sub(r"[\x00-\x20]", "", url).lower()
    return squeezed.startswith(_UNSAFE_SCHEMES)


# ---------------------------------------------------------------- checks on the file's text

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_NOTE_MARK = re.compile(r"(?<!\\)\[\^([^\]\s]+)\]")
_DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:")
_EMBEDDINGS = {"\u202a": "LEFT-TO-RIGHT EMBEDDING", "\u202b": "RIGHT-TO-LEFT EMBEDDING"}
_OVERRIDES = {"\u202d": "LEFT-TO-RIGHT OVERRIDE", "\u202e": "RIGHT-TO-LEFT OVERRIDE"}
_ISOLATES = {"\u2066": "LEFT-TO-RIGHT ISOLATE", "\u2067": "RIGHT-TO-LEFT ISOLATE", "\u2068": "FIRST STRONG ISOLATE"}
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def text_problems(text: str, path: str) -> list[Problem]:
    """What pandoc does not report: footnotes that do not resolve, and bidi controls."""
    return _footnote_problems(text, path) + _bidi_problems(text, path)


def _prose_lines(text: str):
    """(line number, line) outside fenced code, with code spans blanked out."""
    fence = ""
    for number, line in enumerate(text.split("\n"), start=1):
        opening = _FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = ""
            continue
        if opening:
            fence = opening.group(1)
            continue
        yield number, _CODE_SPAN.sub(lambda found: " " * len(found.group()), line)


def _footnote_problems(text: str, path: str) -> list[Problem]:
    if "[^" not in text:
        return []
    definitions: dict[str, int] = {}
    references: dict[str, tuple[int, int]] = {}
    for number, line in _prose_lines(text):
        definition = _DEFINITION.match(line)
        if definition:
            definitions.setdefault(definition.group(1).casefold(), number)
        for found in _NOTE_MARK.finditer(line):
            if definition and found.start() == definition.start(1) - 2:
                continue
            references.setdefault(found.group(1).casefold(), (number, found.start() + 1))
    problems = []
    for label, (line, column) in references.items():
        if label not in definitions:
            problems.append(
                error(
                    "FOOTNOTE-UNDEFINED",
                    Location(path, line, column),
                    f"footnote [^{label}] is referred to but not defined: add a line \"[^{label}]: the note\"",
                )
            )
    for label, line in definitions.items():
        if label not in references:
            problems.append(
                warning(
                    "FOOTNOTE-UNUSED",
                    Location(path, line),
                    f"footnote [^{label}] is defined but never referred to, so it was left out: "
                    f"add [^{label}] where the note belongs",
                )
            )
    return problems


def _bidi_problems(text: str, path: str) -> list[Problem]:
    """Bidi overrides (they reorder letters: the text no longer reads as written) and unbalanced controls."""
    if not _BIDI.search(text):
        return []
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        found = _bidi_problem(line)
        if found:
            column, message = found
            problems.append(warning("BIDI-CONTROL", Location(path, number, column), message))
    return problems


def _bidi_problem(line: str) -> tuple[int, str] | None:
    opened: list[tuple[str, int]] = []  # ("embedding" | "isolate", column)
    for found in _BIDI.finditer(line):
        char, column = found.group(), found.start() + 1
        name = f"U+{ord(char):04X}"
        if char in _OVERRIDES:
            return column, (
                f"{name} {_OVERRIDES[char]} reverses the order of the letters that follow, so the text does not "
                "read as it is written: remove it"
            )
        if char in _EMBEDDINGS:
            opened.append(("embedding", column))
        elif char in _ISOLATES:
            opened.append(("isolate", column))
        elif char == "\u202c":
            if not opened or opened[-1][0] != "embedding":
                return column, f"{name} POP DIRECTIONAL FORMATTING closes nothing: remove it"
            opened.pop()
        else:  # U+2069 POP DIRECTIONAL ISOLATE
            while opened and opened[-1][0] == "embedding":
                opened.pop()
            if not opened:
                return column, f"{name} POP DIRECTIONAL ISOLATE closes nothing: remove it"
            opened.pop()
    if opened:
        kind, column = opened[-1]
        return column, f"bidi {kind} opened here is not closed on its line: close it or remove it"
    return None
