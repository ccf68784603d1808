"""The PDF's text layer gives back the logical text, Persian included.

WeasyPrint 70 writes each glyph of a line in visual order and maps every glyph
to text through the font's ToUnicode table.  Two things are lost that way:

- a glyph that stands for several characters (the لا ligature, a letter with a
  vowel mark, a Latin "fi") is mapped to its characters in logical order, but
  extractors such as poppler's `pdftotext` and MuPDF place those characters
  across the glyph from left to right and then, like the glyphs around them,
  read right-to-left text backwards: `سلاح` comes out as `سالح`;
- a zero-width non-joiner is shaped into no glyph at all, so it is never
  written: `هسته‌ای` comes out as `هستهای`.  A vowel mark drawn raised above
  its letter starts a "word" of its own in poppler, so `جَنگو` comes out split.

So for every cluster (the glyphs HarfBuzz shaped from one run of characters)
whose glyphs do not spell its characters one to one, the glyphs are wrapped
in a marked-content span `/Span <</ActualText (...)>> BDC ... EMC` holding the
cluster's text (PDF 32000-1 §14.9.4), as Chrome's PDF backend does.  Within a
right-to-left run the ActualText is written in the run's visual order, the
order in which poppler and MuPDF lay the characters across the span before
they reverse the line (written logically, `لا` would come back reversed).
A zero-width non-joiner joins the span of the letter after it, and is also
drawn as the font's own empty U+200C glyph, so that extractors which ignore
ActualText (pypdf) read it from the ToUnicode table.  Raised marks get an
empty span of their own, so that the cluster's text sits on the baseline of
its letter.  Nothing drawn changes: the glyphs, their order and positions are
WeasyPrint's.

This needs a change inside WeasyPrint's `draw_first_line`, which writes the
glyphs: `_draw_first_line` below is WeasyPrint 70.0's function (BSD-3-Clause,
© Kozea) with the lines marked `# parallelbook:` added.  `apply()` installs it
only over exactly that version of the function (its source hash is pinned in
`PATCHED_SOURCE`); tests/test_text_layer.py fails when WeasyPrint changes
under it.  It is applied wherever a PDF is written, worker processes included.
"""

from __future__ import annotations

import hashlib
import inspect
import io
import unicodedata

WEASYPRINT_VERSION = "70.0"
# Part of the PDF pieces' cache keys: raise it when what this module writes changes.
REVISION = "1"
# SHA-256 of the source of weasyprint.draw.text.draw_first_line in that version.
PATCHED_SOURCE = "1bb8eae6d88e71b17096a034656f3be17da8f1f513c78536c1c38d971927638b"

ZWNJ = "\u200c"
# Bidi controls the build inserts: never part of the text a reader copies.
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))

_original = None


def source_digest() -> str:
    """The hash of the WeasyPrint function this module replaces, as installed."""
    from weasyprint.draw import text

    function = _original or text.draw_first_line
    return hashlib.sha256(inspect.getsource(function).encode("utf-8")).hexdigest()


def applicable() -> bool:
    import weasyprint

    return weasyprint.__version__ == WEASYPRINT_VERSION and source_digest() == PATCHED_SOURCE


def apply() -> bool:
    """Install the text-layer drawing into WeasyPrint (idempotent); False if its version is not the pinned one."""
    global _original
    from weasyprint.draw import text

    if text.draw_first_line is _draw_first_line:
        return True
    if not applicable():
        return False
    _original = text.draw_first_line
    text.draw_first_line = _draw_first_line
    return True


# ---------------------------------------------------------------- clusters


def _is_marks(text: str) -> bool:
    return bool(text) and all(unicodedata.category(ch) in ("Mn", "Me") for ch in text)


def _segments(glyph_item, utf8: bytes, empty_glyph: int) -> list[tuple[int, int, str, bool]]:
    """(first glyph, last glyph + 1, text to write, needs ActualText) in glyph order.

    A segment is a cluster, with the marks that follow a letter and the invisible
    characters (ZWNJ, bidi controls) before a letter joined to that letter.
    """
    glyphs = glyph_item.glyphs
    count = glyphs.num_glyphs
    clusters = [glyphs.log_clusters[i] for i in range(count)]
    ids = [glyphs.glyphs[i].glyph for i in range(count)]
    offset, length = glyph_item.item.offset, glyph_item.item.length
    rtl = glyph_item.item.analysis.level % 2 == 1
    starts = sorted(set(clusters))
    ends = dict(zip(starts, starts[1:] + [length]))

    groups: list[list[int]] = []  # [first glyph, last glyph + 1, first byte, last byte], in glyph order
    for index, cluster in enumerate(clusters):
        if groups and clusters[groups[-1][0]] == cluster:
            groups[-1][1] = index + 1
        else:
            groups.append([index, index + 1, cluster, ends[cluster]])

    def text(group) -> str:
        return utf8[offset + group[2] : offset + group[3]].decode("utf-8")

    def invisible(group) -> bool:
        return all(ids[index] == empty_glyph for index in range(group[0], group[1]))

    def join(a, b):
        return [min(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), max(a[3], b[3])]

    logical = groups[::-1] if rtl else groups
    with_marks: list[list[int]] = []
    for group in logical:  # a mark belongs to the letter before it
        if with_marks and _is_marks(text(group)):
            with_marks[-1] = join(with_marks[-1], group)
        else:
            with_marks.append(group)
    segments: list[list[int]] = []
    pending = None
    for group in with_marks:  # an invisible character goes with the letter after it
        if invisible(group):
            pending = group if pending is None else join(pending, group)
            continue
        segments.append(group if pending is None else join(pending, group))
        pending = None
    if pending is not None:  # ... or, at the end of the run, the letter before it
        if segments:
            segments[-1] = join(segments[-1], pending)
        else:
            segments.append(pending)
    if rtl:
        segments.reverse()

    result = []
    for first, last, start, end in segments:
        written = utf8[offset + start : offset + end].decode("utf-8").translate(_BIDI_CONTROLS)
        visible = sum(1 for index in range(first, last) if ids[index] != empty_glyph)
        needed = bool(written) and visible > 0 and (visible != 1 or len(written) != 1)
        result.append((first, last, written[::-1] if rtl else written, needed))
    return result


def _zwnj_glyph(font, pango_font, stream, pango) -> int | None:
    """The font's own glyph for U+200C when it has one that draws nothing, else None."""
    if not hasattr(font, "parallelbook_zwnj"):
        from fontTools.ttLib import TTFont

        glyph = None
        try:
            face = TTFont(io.BytesIO(font.file_content), fontNumber=font.index, lazy=True)
            name = face.getBestCmap().get(ord(ZWNJ))
            glyph = face.getGlyphID(name) if name else None
        except Exception:  # a face fontTools cannot read: keep WeasyPrint's empty glyph
            glyph = None
        if glyph is not None:
            pango.pango_font_get_glyph_extents(pango_font, glyph, stream.ink_rect, stream.logical_rect)
            if stream.ink_rect.width or stream.ink_rect.height or stream.logical_rect.width:
                glyph = None
        font.parallelbook_zwnj = glyph
    return font.parallelbook_zwnj


def _read_back(glyph_item, utf8: bytes, font, first: int, last: int, empty_glyph: int) -> str:
    """What the ToUnicode table gives for glyphs first..last of a left-to-right run.

    A glyph keeps the text it was first drawn for; a new one gets WeasyPrint's
    choice (the text from its cluster to the next glyph's).
    """
    glyphs = glyph_item.glyphs
    offset, length = glyph_item.item.offset, glyph_item.item.length
    parts = []
    for index in range(first, last):
        glyph = glyphs.glyphs[index].glyph
        if glyph == empty_glyph:
            continue
        if glyph in font.to_unicode:
            parts.append(font.to_unicode[glyph])
        else:
            end = glyphs.log_clusters[index + 1] if index + 1 < glyphs.num_glyphs else length
            parts.append(utf8[offset + glyphs.log_clusters[index] : offset + end].decode("utf-8", "replace"))
    return "".join(parts)


def _spans(glyph_item, utf8: bytes, font, empty_glyph: int) -> dict[int, tuple[int, str]]:
    """first glyph -> (last glyph + 1, ActualText) of every span the run needs."""
    rtl = glyph_item.item.analysis.level % 2 == 1
    glyphs_info = glyph_item.glyphs.glyphs
    spans: dict[int, tuple[int, str]] = {}
    for first, last, written, needed in _segments(glyph_item, utf8, empty_glyph):
        drawn = [index for index in range(first, last) if glyphs_info[index].glyph != empty_glyph]
        if not rtl and needed:
            # Left to right, readers spell a many-to-one cluster right from its ToUnicode entries.
            needed = _read_back(glyph_item, utf8, font, first, last, empty_glyph) != written
        elif rtl and not needed and len(drawn) == 1:
            # One glyph for one character, but first met as another (a mirrored parenthesis).
            needed = font.to_unicode.get(glyphs_info[drawn[0]].glyph, written) != written
        level = [index for index in drawn if not glyphs_info[index].geometry.y_offset]
        if level and len(level) < len(drawn):
            needed = needed or bool(written)  # a raised mark must not start a word of its own
        if not needed:
            continue
        if level and len(level) < len(drawn):
            # Raised marks in spans of their own, with no text, so that the text sits on the letter's baseline.
            start, end = min(level), max(level) + 1
            if first < start:
                spans[first] = (start, "")
            spans[start] = (end, written)
            if end < last:
                spans[end] = (last, "")
        else:
            spans[first] = (last, written)
    return spans


def _flush(stream, string: str) -> str:
    """Write the glyphs gathered so far, as WeasyPrint closes a run, and start again."""
    if string[-1] == "<":
        string = string[:-1]
    else:
        string += ">"
    if string:
        stream.show_text(string)
    return "<"


# ---------------------------------------------------------------- WeasyPrint 70.0's draw_first_line, patched


def _draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix):
    """Draw the given ``textbox`` line to the document ``stream``."""
    from xml.etree import ElementTree

    import pydyf
    from PIL import Image
    from weasyprint.draw.text import BytesIO, LOGGER, get_hb_object_data, get_last_word_end
    from weasyprint.images import RasterImage, SVGImage
    from weasyprint.text.ffi import FROM_UNITS, TO_UNITS, ffi, pango

    # Don’t draw lines with only invisible characters.
    if not textbox.text.strip():
        return []

    if textbox.style['font_size'] < 1e-6:  # default float precision used by pydyf
        return []

    pango.pango_layout_set_single_paragraph_mode(textbox.pango_layout.layout, True)

    if text_overflow == 'ellipsis' or block_ellipsis != 'none':
        assert textbox.pango_layout.max_width is not None
        max_width = textbox.pango_layout.max_width
        pango.pango_layout_set_width(
            textbox.pango_layout.layout, int(max_width * TO_UNITS))
        if text_overflow == 'ellipsis':
            pango.pango_layout_set_ellipsize(
                textbox.pango_layout.layout, pango.PANGO_ELLIPSIZE_END)
        else:
            if block_ellipsis == 'auto':
                ellipsis = '…'
            else:
                assert block_ellipsis[0] == 'string'
                ellipsis = block_ellipsis[1]

            # Remove last word if hyphenated.
            new_text = textbox.pango_layout.text
            if new_text.endswith(textbox.style['hyphenate_character']):
                last_word_end = get_last_word_end(
                    new_text[:-len(textbox.style['hyphenate_character'])],
                    textbox.style['lang'])
                if last_word_end:
                    new_text = new_text[:last_word_end]

            textbox.pango_layout.set_text(new_text + ellipsis)

    first_line, index = textbox.pango_layout.get_first_line()

    if block_ellipsis != 'none':
        while index:
            last_word_end = get_last_word_end(
                textbox.pango_layout.text[:-len(ellipsis)],
                textbox.style['lang'])
            if last_word_end is None:
                break
            new_text = textbox.pango_layout.text[:last_word_end]
            textbox.pango_layout.set_text(new_text + ellipsis)
            first_line, index = textbox.pango_layout.get_first_line()

    stream.set_text_matrix(*matrix.values)
    previous_pango_font = None
    string = ''
    x_advance = 0
    emojis = []
    layout_utf8 = textbox.pango_layout.text.encode()  # parallelbook:
    run = first_line.runs[0]
    while run != ffi.NULL:
        # Get Pango objects.
        glyph_item = run.data
        run = run.next
        glyph_string = glyph_item.glyphs
        glyphs_info = glyph_string.glyphs
        num_glyphs = glyph_string.num_glyphs
        clusters = glyph_string.log_clusters
        utf8_text = None

        pango_font = glyph_item.item.analysis.font
        if pango_font != previous_pango_font:
            # Add font file content and get font size.
            previous_pango_font = pango_font
            font, font_size = stream.add_font(pango_font)

            # Workaround for https://gitlab.gnome.org/GNOME/pango/-/issues/530.
            # This is also needed by raster emoji fonts, see #2800.
            if pango.pango_version() < 14802 or font.png:
                font_size = textbox.style['font_size']

            # Go through the run glyphs.
            if string:
                stream.show_text(string)
            string = ''
            stream.set_font_size(font.hash, 1 if font.bitmap else font_size)
        string += '<'
        # parallelbook: the spans of ActualText this run needs.
        spans = _spans(glyph_item, layout_utf8, font, pango.PANGO_GLYPH_EMPTY)
        span_end = None
        for i, glyph_info in enumerate(glyphs_info[0:num_glyphs]):
            glyph_id = glyph_info.glyph
            width = glyph_info.geometry.width

            # parallelbook: open a span; write a ZWNJ as the font's empty glyph for it.
            if i in spans:
                span_end, actual_text = spans[i]
                string = _flush(stream, string)
                stream.begin_marked_content('Span', pydyf.Dictionary({'ActualText': pydyf.String(actual_text)}))
            if glyph_id == pango.PANGO_GLYPH_EMPTY:
                start = glyph_item.item.offset + clusters[i]
                if layout_utf8[start:start + 3] == ZWNJ.encode():
                    zwnj = _zwnj_glyph(font, pango_font, stream, pango)
                    if zwnj is not None:
                        glyph_id = zwnj
                        font.to_unicode.setdefault(zwnj, ZWNJ)

            # Display zero-width empty glyph.
            if glyph_id == pango.PANGO_GLYPH_EMPTY:
                string += f'>{-width / font_size}<'
                # parallelbook: close a span that ends here (the loop goes on below).
                if span_end is not None and i + 1 == span_end:
                    string = _flush(stream, string)
                    stream.end_marked_content()
                    span_end = None
                continue

            # Display .notdef and log warning for missing glyphs.
            if glyph_id & pango.PANGO_GLYPH_UNKNOWN_FLAG:
                codepoint = glyph_id - pango.PANGO_GLYPH_UNKNOWN_FLAG
                LOGGER.warning(
                    '.notdef glyph rendered for Unicode string unsupported by fonts: '
                    '"%s" (U+%04X)', chr(codepoint), codepoint)
                glyph_id = font.get_unused_glyph_id(codepoint)
                font.widths[glyph_id] = round(width * 1000 * FROM_UNITS / font_size)
                if 0 not in font.widths:
                    # "width" is actually Pango’s get_approximate_char_width. Force
                    # .notdef’s to use this width, even if it’s not the right, as we
                    # want to keep Pango’s layout for next glyphs.
                    font.widths[0] = font.widths[glyph_id]

            # Create mapping between glyphs and Unicode codepoints.
            if glyph_id not in font.to_unicode:
                # Get positions of the glyph in the UTF-8 string.
                offset = glyph_item.item.offset
                t1 = clusters[i]
                if glyph_item.item.analysis.level % 2:  # rtl
                    t2 = glyph_item.item.length if i == 0 else clusters[i-1]
                else:
                    t2 = glyph_item.item.length if i == num_glyphs-1 else clusters[i+1]
                utf8_text = utf8_text or textbox.pango_layout.text.encode()
                font.to_unicode[glyph_id] = utf8_text[offset+t1:offset+t2].decode()

            # Set horizontal and vertical offsets.
            offset = glyph_info.geometry.x_offset / font_size
            rise = glyph_info.geometry.y_offset / 1000
            if rise:
                if string[-1] == '<':
                    string = string[:-1]
                else:
                    string += '>'
                if string:
                    stream.show_text(string)
                stream.set_text_rise(-rise)
                string = ''
                if offset:
                    string = f'{-offset}'
                string += f'<{glyph_id:02x}>' if font.bitmap else f'<{glyph_id:04x}>'
                stream.show_text(string)
                stream.set_text_rise(0)
                string = '<'
            else:
                if offset:
                    string += f'>{-offset}<'
                string += f'{glyph_id:02x}' if font.bitmap else f'{glyph_id:04x}'

            # Get glyph logical widths.
            if glyph_id in font.widths:
                logical_width = font.widths[glyph_id]
            else:
                pango.pango_font_get_glyph_extents(
                    pango_font, glyph_id, stream.ink_rect, stream.logical_rect)
                logical_width = font.widths[glyph_id] = round(
                    stream.logical_rect.width * 1000 * FROM_UNITS / font_size)

            # Set kerning, word spacing, letter spacing.
            kerning = logical_width + offset - width * 1000 * FROM_UNITS / font_size
            if kerning:
                string += f'>{int(kerning)}<'

            # Create list of emojis.
            if font.svg:
                svg_data = get_hb_object_data(font.hb_face, 'svg', glyph_id)
                if svg_data:
                    # Do as explained in specification
                    # https://learn.microsoft.com/typography/opentype/spec/svg
                    tree = ElementTree.fromstring(svg_data)
                    if tree.get('id') != f'glyph{glyph_id}':
                        defs = ElementTree.Element('defs')
                        for child in list(tree):
                            defs.append(child)
                            tree.remove(child)
                        tree.append(defs)
                        ElementTree.SubElement(
                            tree, 'use', attrib={'href': f'#glyph{glyph_id}'})
                    if 'viewBox' not in tree.attrib:
                        tree.attrib['viewBox'] = f'0 0 {font.upem} {font.upem}'
                    image = SVGImage(tree, None, None, None)
                    a = d = 1
                    emojis.append([image, font, a, d, x_advance, 0])
            elif font.png:
                png_data = get_hb_object_data(font.hb_font, 'png', glyph_id)
                if png_data:
                    pillow_image = Image.open(BytesIO(png_data))
                    image_id = f'{font.hash}{glyph_id}'
                    image = RasterImage(pillow_image, image_id, png_data)
                    d = logical_width / 1000
                    a = pillow_image.width / pillow_image.height * d
                    pango.pango_font_get_glyph_extents(
                        pango_font, glyph_id, stream.ink_rect,
                        stream.logical_rect)
                    f = -stream.logical_rect.y
                    f = f * FROM_UNITS / font_size - font_size
                    emojis.append([image, font, a, d, x_advance, f])
            elif font.colr:
                svg_data = get_hb_object_data(font.hb_font, 'colr', glyph_id)
                if svg_data:
                    tree = ElementTree.fromstring(svg_data)
                    image = SVGImage(tree, None, None, None)
                    a = d = 1
                    e = x_advance - kerning
                    emojis.append([image, font, a, d, e, -textbox.baseline])

            x_advance += (logical_width + offset - kerning) / 1000

            # parallelbook: close a span that ends here.
            if span_end is not None and i + 1 == span_end:
                string = _flush(stream, string)
                stream.end_marked_content()
                span_end = None

        # Close the last glyphs list, remove if empty.
        if string[-1] == '<':
            string = string[:-1]
        else:
            string += '>'

    # Draw text.
    if string:  # parallelbook: the last run may have ended with a span
        stream.show_text(string)

    return emojis
