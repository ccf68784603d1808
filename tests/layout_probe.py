"""Measure a laid-out PDF: where each side of each pair starts (page and first baseline)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path


@dataclass(frozen=True)
class SideStart:
    pair: str
    role: str
    page: int
    baseline: float


def _walk(box):
    yield box
    for child in getattr(box, "children", None) or ():
        yield from _walk(child)


def _cells(box, pair=None):
    """(cell box, id of the pair it belongs to) for every side cell under `box`."""
    element = getattr(box, "element", None)
    if element is not None and box.element_tag == "div":
        classes = (element.get("class") or "").split()
        if "pair" in classes:
            pair = element.get("id")
        elif "side" in classes and type(box).__name__ == "TableCellBox":
            yield box, pair, "source" if "source" in classes else "target"
            return
    for child in getattr(box, "children", None) or ():
        yield from _cells(child, pair)


def _first_baseline(cell) -> float | None:
    """The first line of text in the cell (a list bullet's own line box is not text)."""
    from weasyprint.formatting_structure import boxes

    for box in _walk(cell):
        if isinstance(box, boxes.LineBox) and not (box.element_tag or "").endswith("::marker"):
            return box.position_y + box.baseline
    return None


def side_starts(pages, *, visible: str | None = None) -> list[SideStart]:
    """The first line of every side of every pair (only `visible`'s in a facing stream)."""
    starts: dict[tuple[str, str], SideStart] = {}
    for page_number, page in enumerate(pages, start=1):
        for box, pair, role in _cells(page._page_box):
            if pair is None or (visible is not None and role != visible):
                continue  # rows of the contents have no id; only the book's pairs are measured
            baseline = _first_baseline(box)
            if baseline is not None and (pair, role) not in starts:
                starts[(pair, role)] = SideStart(pair, role, page_number, baseline)
    return list(starts.values())


def lay_out_book(book_dir: Path, *, paper: str = "A4", layout: str = "columns", binding: str = "rtl"):
    """Gather the book and lay out its first edition exactly as the build does."""
    from parallelbook.outputs.pdf.layout import PdfSettings, lay_out
    from parallelbook.read.book import load_book
    from parallelbook.render.fonts import font_set
    from parallelbook.render.templating import environment

    book = load_book(book_dir, build_time=datetime(2025, 11, 28, tzinfo=timezone.utc))
    edition = book.editions[0]
    settings = PdfSettings(layout=layout, paper=paper, binding=binding)
    return lay_out(edition, font_set(book.config.fonts), environment(book.folder), settings)


def level_report(laid) -> tuple[float, list[str], int]:
    """Largest first-baseline difference within a pair, the pairs whose sides start on
    different pages (columns) or spreads (facing), and how many pairs were measured."""
    by_pair: dict[str, dict[str, SideStart]] = {}
    if len(laid.documents) == 3:  # facing: title, source stream, target stream
        _title, source, target = laid.documents
        starts = side_starts(source.pages, visible="source") + side_starts(target.pages, visible="target")
    else:
        starts = side_starts(laid.pages)
    for start in starts:
        by_pair.setdefault(start.pair, {})[start.role] = start
    worst = 0.0
    split = []
    for pair, sides in by_pair.items():
        source, target = sides["source"], sides["target"]
        if source.page != target.page:
            split.append(pair)
        else:
            worst = max(worst, abs(source.baseline - target.baseline))
    return worst, split, len(by_pair)


def split_paragraphs(pages) -> list[tuple[int, ...]]:
    """For every paragraph that runs over a page break: its number of lines on each page."""
    from weasyprint.formatting_structure import boxes

    lines: dict[int, list[int]] = {}
    for page in pages:
        counted: dict[int, int] = {}
        for box in _walk(page._page_box):
            if box.element_tag == "p" and isinstance(box, boxes.BlockBox):
                if box.style["visibility"] == "hidden":
                    continue
                counted[id(box.element)] = sum(1 for child in box.children if isinstance(child, boxes.LineBox))
        for key, count in counted.items():
            lines.setdefault(key, []).append(count)
    return [tuple(counts) for counts in lines.values() if len(counts) > 1]
