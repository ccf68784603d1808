"""Generate larger books from the sample chapter, for layout tests and the benchmark."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = "01-chile-foreign-policy.md"
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def repeated_book(destination: Path, *, chapters: int, repeats: int, book_toml: str | None = None) -> Path:
    """A book of `chapters` chapters, each a heading and the sample chapter `repeats` times over."""
    source = (ROOT / "source" / SAMPLE).read_text("utf-8").strip()
    english = (ROOT / "translations" / "en" / SAMPLE).read_text("utf-8").strip()
    (destination / "source").mkdir(parents=True, exist_ok=True)
    (destination / "translations" / "en").mkdir(parents=True, exist_ok=True)
    for number in range(1, chapters + 1):
        name = f"{number:03d}-chapter.md"
        persian_heading = f"# فصل {str(number).translate(PERSIAN_DIGITS)}: اصول سیاست خارجی شیلی"
        english_heading = f"# Chapter {number}: The Principles of Chile's Foreign Policy"
        (destination / "source" / name).write_text(
            persian_heading + "\n\n" + "\n\n".join([source] * repeats) + "\n", "utf-8"
        )
        (destination / "translations" / "en" / name).write_text(
            english_heading + "\n\n" + "\n\n".join([english] * repeats) + "\n", "utf-8"
        )
    if book_toml is None:
        shutil.copy(ROOT / "book.toml", destination / "book.toml")
    else:
        (destination / "book.toml").write_text(book_toml, "utf-8")
    return destination
