"""The model as HTML: the one place where model values become markup.

PDF and EPUB both render blocks through this module; they differ only in the
options they pass (XHTML syntax, how images are referenced, id prefixes).
Every text is escaped here, and the result is `Markup` for the templates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from markupsafe import Markup, escape

from .. import model as m
from ..text.bidi import Isolated, isolate_runs
from ..text.blocks import plain_inlines
from ..text.tokens import break_points, technical_tokens

PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
QUOTES = {
    # language: (outer open, outer close, inner open, inner close)
    "fa": ("«", "»", "“", "”"),
    "ar": ("«", "»", "“", "”"),
    "en": ("“", "”", "‘", "’"),
    "fr": ("« ", " »", "“", "”"),
    "de": ("„", "“", "‚", "‘"),
}
_TAGS = {
    "emph": "em",
    "strong": "strong",
    "strikeout": "s",
    "superscript": "sup",
    "subscript": "sub",
    "smallcaps": "span",
    "underline": "u",
}


def localized_number(number: int, lang: str) -> str:
    text = str(number)
    return text.translate(PERSIAN_DIGITS) if lang.split("-")[0] in ("fa", "ur", "ps") else text


def lang_attrs(lang: str, direction: str, xhtml: bool) -> Markup:
    """lang, xml:lang (XHTML only) and dir: every block says what it is."""
    xml = f' xml:lang="{escape(lang)}"' if xhtml else ""
    return Markup(f'lang="{escape(lang)}"{xml} dir="{escape(direction)}"')


@dataclass(frozen=True)
class RenderedNote:
    anchor: str
    label: str
    body: Markup


@dataclass(frozen=True)
class RenderedSide:
    lang: str
    direction: str
    body: Markup
    notes: tuple[RenderedNote, ...]


def pair_anchor(chapter: int, pair: int) -> str:
    """The id of a pair in every output (c3-p12): where a link to it, and its page number, lead."""
    return f"c{chapter}-p{pair}"


@dataclass
class HtmlRenderer:
    """Renders the sides of one language of one chapter, numbering its notes.

    `image_url` maps a model image to the URL the output uses; `id_prefix`
    keeps ids unique when several renderers write into one document.
    `lang_on_blocks` puts lang (xml:lang in XHTML) and dir on every block
    element it writes (p, h1-h6, ul, ol, li, blockquote, pre, table; the
    templates mark the notes' aside), so that each block resolves to one
    language wherever a reading system shows it; unset, it follows `xhtml`
    (on for the EPUB, off for the PDF, whose HTML stays as it was).
    `place_url` maps a link's place in the book, (chapter number, its pair's anchor), to the
    URL the output uses; unset, the anchor in the same document.
    `counters_in_style` writes an ordered list's `start` also as the counter
    it means (`style="counter-reset: list-item N-1"`, CSS Lists 3): WeasyPrint
    applies `start` only with presentational hints, which the PDFs do not use.
    Unset, it is on for HTML and off for XHTML: the EPUB holds no inline style,
    and reading systems read `start`.
    """

    lang: str
    direction: str
    xhtml: bool
    image_url: Callable[[m.Image], str]
    id_prefix: str
    lang_on_blocks: bool | None = None
    place_url: Callable[[int, str], str] | None = None
    counters_in_style: bool | None = None
    _note_count: int = 0
    _notes: list[RenderedNote] = field(default_factory=list)

    # ------------------------------------------------------------ public
    def side(self, side: m.Side) -> RenderedSide:
        self._notes = []
        body = self._block(side.block)
        return RenderedSide(side.lang, side.direction, body, tuple(self._notes))

    def inline_text(self, inlines: tuple[m.Inline, ...]) -> Markup:
        """Inlines without footnotes: for titles, running heads and the table of contents."""
        return self._inlines(tuple(i for i in inlines if not isinstance(i, m.Note)))

    def block_attrs(self, direction: str | None = None) -> Markup:
        """' lang=.. xml:lang=.. dir=..' for a block element when `lang_on_blocks`, else nothing."""
        marked = self.xhtml if self.lang_on_blocks is None else self.lang_on_blocks
        if not marked:
            return Markup(f' dir="{direction}"') if direction else Markup("")
        return Markup(" ") + lang_attrs(self.lang, direction or self.direction, self.xhtml)

    # ------------------------------------------------------------ blocks
    def _start(self, number: int) -> str:
        """The attributes of an <ol> whose first item is numbered `number`."""
        in_style = not self.xhtml if self.counters_in_style is None else self.counters_in_style
        return f' start="{number}"' + (f' style="counter-reset: list-item {number - 1}"' if in_style else "")

    def _block(self, block: m.Block) -> Markup:
        if block.list_item is not None:
            item = block.list_item
            tag = "ol" if item.ordered else "ul"
            start = self._start(item.number) if item.ordered else ""
            paren = " paren" if item.ordered and item.delimiter == ")" else ""
            attrs = self.block_attrs()
            return Markup(
                f'<{tag} class="item{paren}"{start}{attrs}><li{attrs}>{self._contents(block.content)}</li></{tag}>'
            )
        return self._contents(block.content)

    def _contents(self, contents: tuple[m.Content, ...]) -> Markup:
        return Markup("").join(self._content(content) for content in contents)

    def _content(self, content: m.Content) -> Markup:
        attrs = self.block_attrs()
        if isinstance(content, m.Paragraph):
            return Markup(f"<p{attrs}>{self._inlines(content.inlines)}</p>")
        if isinstance(content, m.Heading):
            level = min(max(content.level, 1), 6)
            return Markup(f"<h{level}{attrs}>{self._inlines(content.inlines)}</h{level}>")
        if isinstance(content, m.ListBlock):
            tag = "ol" if content.ordered else "ul"
            start = self._start(content.start) if content.ordered and content.start != 1 else ""
            start += ' class="paren"' if content.ordered and content.delimiter == ")" else ""
            items = Markup("").join(Markup(f"<li{attrs}>{self._contents(item)}</li>") for item in content.items)
            return Markup(f"<{tag}{start}{attrs}>{items}</{tag}>")
        if isinstance(content, m.BlockQuote):
            return Markup(f"<blockquote{attrs}>{self._contents(content.blocks)}</blockquote>")
        if isinstance(content, m.CodeBlock):
            return Markup(f"<pre{self.block_attrs('ltr')}><code>{escape(content.text)}</code></pre>")
        if isinstance(content, m.Rule):
            return Markup("<hr/>" if self.xhtml else "<hr>")
        if isinstance(content, m.Table):
            return self._table(content)
        raise TypeError(f"unknown content {content!r}")

    def _table(self, table: m.Table) -> Markup:
        def rows(raw, cell_tag):
            return Markup("").join(
                Markup("<tr>")
                + Markup("").join(Markup(f"<{cell_tag}>{self._inlines(cell)}</{cell_tag}>") for cell in row)
                + Markup("</tr>")
                for row in raw
            )

        head = Markup(f"<thead>{rows(table.header, 'th')}</thead>") if table.header else Markup("")
        return Markup(f"<table{self.block_attrs()}>{head}<tbody>{rows(table.rows, 'td')}</tbody></table>")

    # ------------------------------------------------------------ inlines
    def _inlines(self, inlines: tuple[m.Inline, ...], depth: int = 0, base: str | None = None) -> Markup:
        """Inlines in a paragraph set in `base` direction (the side's unless inside an isolate)."""
        base = base or self.direction
        return Markup("").join(self._inline(inline, depth, base) for inline in isolate_runs(inlines, base))

    def _inline(self, inline, depth: int, base: str) -> Markup:
        if isinstance(inline, Isolated):
            return Markup(f'<span dir="{inline.direction}">{self._inlines(inline.children, depth, inline.direction)}</span>')
        if isinstance(inline, m.Text):
            return self._text(inline.text)
        if isinstance(inline, m.Styled):
            tag = _TAGS[inline.style]
            css = ' class="smallcaps"' if inline.style == "smallcaps" else ""
            return Markup(f"<{tag}{css}>{self._inlines(inline.children, depth, base)}</{tag}>")
        if isinstance(inline, m.Code):
            return Markup(f'<code dir="ltr">{self._text(inline.text, marked=False)}</code>')
        if isinstance(inline, m.LineBreak):
            return Markup("<br/>" if self.xhtml else "<br>")
        if isinstance(inline, m.Quoted):
            marks = QUOTES.get(self.lang.split("-")[0], QUOTES["en"])
            opening, closing = (marks[0], marks[1]) if inline.double and depth == 0 else (marks[2], marks[3])
            return escape(opening) + self._inlines(inline.children, depth + 1, base) + escape(closing)
        if isinstance(inline, m.Link):
            title = f' title="{escape(inline.title)}"' if inline.title else ""
            url = inline.url
            if inline.place is not None:
                chapter, pair = inline.place
                anchor = pair_anchor(chapter, pair)
                url = self.place_url(chapter, anchor) if self.place_url else "#" + anchor
            return Markup(f'<a href="{escape(url)}"{title}>{self._inlines(inline.children, depth, base)}</a>')
        if isinstance(inline, m.Image):
            alt = escape(plain_inlines(inline.alt))
            closing = "/>" if self.xhtml else ">"
            return Markup(f'<img src="{escape(self.image_url(inline))}" alt="{alt}"{closing}')
        if isinstance(inline, m.Note):
            return self._note(inline)
        raise TypeError(f"unknown inline {inline!r}")

    def _text(self, text: str, marked: bool = True) -> Markup:
        """Text with its URLs, e-mail addresses, paths and dotted names in <span class="url"> (never
        hyphenated, see the style sheets), and a <wbr> after each separator where they may break."""
        tokens = technical_tokens(text)
        if not tokens:
            return escape(text)
        wbr = Markup("<wbr/>" if self.xhtml else "<wbr>")
        parts: list[Markup] = []
        done = 0
        for token in tokens:
            parts.append(escape(text[done : token.start]))
            word = text[token.start : token.end]
            cuts = [0, *(break_points(word) if token.breakable else ()), len(word)]
            inner = wbr.join(escape(word[a:b]) for a, b in zip(cuts, cuts[1:]))
            parts.append(Markup(f'<span class="url">{inner}</span>') if marked else inner)
            done = token.end
        parts.append(escape(text[done:]))
        return Markup("").join(parts)

    def _note(self, note: m.Note) -> Markup:
        self._note_count += 1
        label = localized_number(self._note_count, self.lang)
        anchor = f"{self.id_prefix}-note-{self._note_count}"
        self._notes.append(RenderedNote(anchor, label, self._contents(note.blocks)))
        kind = ' epub:type="noteref" role="doc-noteref"' if self.xhtml else ""
        return Markup(
            f'<a class="noteref" id="{anchor}-ref" href="#{anchor}"{kind}><sup>{escape(label)}</sup></a>'
        )
