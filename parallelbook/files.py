"""The edges: reading a book folder from disk and writing outputs atomically.

Reading turns bytes into text (UTF-8, with or without BOM, any line ending)
or into located problems; nothing here interprets Markdown.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .problems import BookError, Location, Problem, error

SOURCE_DIR = "source"
TRANSLATIONS_DIR = "translations"
CONFIG_FILE = "book.toml"
CHAPTER_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True)
class TextFile:
    path: Path  # absolute
    shown: str  # as printed in messages: relative to the book folder's parent or cwd
    text: str  # decoded, BOM removed, line endings normalised to \n


@dataclass(frozen=True)
class ChapterFiles:
    name: str  # file name, shared by the source and every translation
    source: TextFile
    translations: dict[str, TextFile]


def shown_path(path: Path) -> str:
    """A path as a person would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def decode(data: bytes, shown: str) -> tuple[str, list[Problem]]:
    """Decode a chapter or settings file; report the exact place of a bad byte."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return "", [
            error(
                "ENCODING",
                Location(shown, line, column),
                f"file is not UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start} cannot be decoded; "
                "save the file as UTF-8",
            )
        ]
    if "\x00" in text:
        offset = text.index("\x00")
        line = text.count("\n", 0, offset) + 1
        return "", [error("NUL-BYTE", Location(shown, line), "file contains a NUL byte; is it a binary file?")]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def read_text(path: Path) -> tuple[TextFile | None, list[Problem]]:
    shown = shown_path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [error("UNREADABLE", Location(shown), f"cannot read file: {exc.strerror or exc}")]
    text, problems = decode(data, shown)
    if problems:
        return None, problems
    return TextFile(path.resolve(), shown, text), []


def _chapter_paths(folder: Path) -> list[Path]:
    return sorted(
        (p for p in folder.iterdir() if p.suffix.lower() in CHAPTER_SUFFIXES and not p.name.startswith(".")),
        key=lambda p: p.name,
    )


def _sort_key(path: Path) -> str:
    return path.stem.casefold()


def read_book_folder(book_dir: Path) -> tuple[TextFile | None, list[ChapterFiles], list[Problem]]:
    """Read book.toml (if any) and every chapter file with its translations.

    Returns the config file, the chapters in reading order and every problem
    found; raises BookError when the folder itself is unusable.
    """
    shown_book = shown_path(book_dir)
    if not book_dir.is_dir():
        raise BookError([error("BOOK-NOT-FOUND", Location(shown_book), "book folder does not exist")])
    source_dir = book_dir / SOURCE_DIR
    translations_dir = book_dir / TRANSLATIONS_DIR
    problems: list[Problem] = []
    if not source_dir.is_dir():
        problems.append(error("NO-SOURCE-DIR", Location(shown_path(source_dir)), "the book has no source/ folder"))
    if not translations_dir.is_dir():
        problems.append(
            error(
                "NO-TRANSLATIONS-DIR",
                Location(shown_path(translations_dir)),
                "the book has no translations/ folder; put each translation in translations/<language>/",
            )
        )
    if problems:
        raise BookError(problems)

    config = None
    if (book_dir / CONFIG_FILE).is_file():
        config, found = read_text(book_dir / CONFIG_FILE)
        problems += found

    languages = sorted(p.name for p in translations_dir.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not languages:
        raise BookError(
            [error("NO-TRANSLATION", Location(shown_path(translations_dir)), "no translation folder such as translations/en/")]
        )

    source_paths = _chapter_paths(source_dir)
    if not source_paths:
        raise BookError([error("NO-CHAPTERS", Location(shown_path(source_dir)), "no chapter files (*.md) in source/")])
    problems += _clashing_names(source_paths)

    source_names = {p.name for p in source_paths}
    for lang in languages:
        for path in _chapter_paths(translations_dir / lang):
            if path.name not in source_names:
                problems.append(
                    error(
                        "SOURCE-MISSING",
                        Location(shown_path(path)),
                        f"translation has no source chapter {SOURCE_DIR}/{path.name}",
                    )
                )

    chapters: list[ChapterFiles] = []
    for path in source_paths:
        source, found = read_text(path)
        problems += found
        translations: dict[str, TextFile] = {}
        for lang in languages:
            target_path = translations_dir / lang / path.name
            if not target_path.is_file():
                problems.append(
                    error(
                        "TRANSLATION-MISSING",
                        Location(shown_path(path)),
                        f"chapter has no {lang} translation: expected {shown_path(target_path)}",
                    )
                )
                continue
            target, found = read_text(target_path)
            problems += found
            if target is not None:
                translations[lang] = target
        if source is not None:
            chapters.append(ChapterFiles(path.name, source, translations))
    return config, chapters, problems


def _clashing_names(paths: list[Path]) -> list[Problem]:
    problems = []
    seen: dict[str, Path] = {}
    for path in paths:
        key = _sort_key(path)
        if key in seen:
            problems.append(
                error(
                    "CHAPTER-NAME-CLASH",
                    Location(shown_path(path)),
                    f"chapter name sorts equal to {seen[key].name}; the reading order would be ambiguous: rename one",
                )
            )
        else:
            seen[key] = path
    return problems


@contextmanager
def atomic_output(path: Path):
    """Yield a temporary path beside `path`; move it into place only if the block succeeds.

    A failed or killed build leaves the previous output untouched and no
    partial file under the final name.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(handle)
    temporary_path = Path(temporary)
    try:
        yield temporary_path
        with open(temporary_path, "rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary_path, path)
    finally:
        if temporary_path.exists():
            temporary_path.unlink()


def write_bytes_atomically(path: Path, data: bytes) -> None:
    with atomic_output(path) as temporary:
        temporary.write_bytes(data)
