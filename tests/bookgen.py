"""Generate larger books from the sample chapter, for layout tests and the benchmark."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = "01-chile-foreign-policy.md"
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def _long_paragraph(text: str) -> str:
    """The chapter's last three paragraphs as one: a pair longer than a column."""
    paragraphs = [block for block in text.split("\n\n") if block.strip() and not block.lstrip().startswith("- ")]
    return " ".join(p.strip() for p in paragraphs[-3:])


def repeated_book(
    destination: Path, *, chapters: int, repeats: int, long_pair: bool = False, book_toml: str | None = None
) -> Path:
    """A book of `chapters` chapters, each a heading and the sample chapter `repeats` times over,
    optionally closed by one pair too long for a page."""
    source = (ROOT / "source" / SAMPLE).read_text("utf-8").strip()
    english = (ROOT / "translations" / "en" / SAMPLE).read_text("utf-8").strip()
    (destination / "source").mkdir(parents=True, exist_ok=True)
    (destination / "translations" / "en").mkdir(parents=True, exist_ok=True)
    for number in range(1, chapters + 1):
        name = f"{number:03d}-chapter.md"
        persian_heading = f"# فصل {str(number).translate(PERSIAN_DIGITS)}: اصول سیاست خارجی شیلی"
        english_heading = f"# Chapter {number}: The Principles of Chile's Foreign Policy"
        persian_blocks = [persian_heading] + [source] * repeats + ([_long_paragraph(source)] if long_pair else [])
        english_blocks = [english_heading] + [english] * repeats + ([_long_paragraph(english)] if long_pair else [])
        (destination / "source" / name).write_text("\n\n".join(persian_blocks) + "\n", "utf-8")
        (destination / "translations" / "en" / name).write_text("\n\n".join(english_blocks) + "\n", "utf-8")
    if book_toml is None:
        shutil.copy(ROOT / "book.toml", destination / "book.toml")
    else:
        (destination / "book.toml").write_text(book_toml, "utf-8")
    return destination
