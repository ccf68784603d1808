"""The edges: reading a book folder from disk and writing outputs atomically.

Reading turns bytes into text (UTF-8, with or without BOM, any line ending)
or into located problems; nothing here interprets Markdown.  Nothing outside
the book folder is read: a chapter or book.toml that is a link to a file
elsewhere is refused.

Writing goes through `atomic_output`: the bytes go to a hidden temporary file
`.NAME.partial-XXXXXXXX.part` beside the output, which is then renamed over
the output.  A build that fails or is killed leaves the previous output as it
was.  A killed build cannot remove its temporary file, so every writer holds
a lock on its temporary file while it writes, and `clean_stale_parts` (called
before each write, and by the pipeline at the start of a build) removes the
temporary files that no living process holds.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .problems import BookError, Location, Problem, error

SOURCE_DIR = "source"
TRANSLATIONS_DIR = "translations"
CONFIG_FILE = "book.toml"
CHAPTER_SUFFIXES = (".md", ".markdown")
PART_INFIX = ".partial-"  # temporary files are ".<name>.partial-<random>.part"
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")

# Characters XML 1.0 (and so XHTML, the EPUB) cannot hold, besides NUL; tab, LF and CR are fine.
CONTROL_CHARACTERS = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


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
    """A path as a person would type it: relative to the working folder when inside it.

    The last part is not resolved: a chapter that is a link is shown by its own name, not its target's.
    """
    try:
        path = Path(path)
        located = path.parent.resolve() / path.name if path.name else path.resolve()
        return str(located.relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):
        return str(path)


# ---------------------------------------------------------------- decoding


def decode(data: bytes, shown: str) -> tuple[str, list[Problem]]:
    """Decode a chapter or settings file; report the exact place of a bad byte."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "", [
            error(
                "ENCODING",
                Location(shown, 1, 1),
                "file is not UTF-8: it starts with a UTF-16 byte order mark (byte offset 0); save the file as UTF-8",
            )
        ]
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    data = data[bom:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Everything before the bad byte is valid UTF-8: count lines and characters in it.
        before = data[: exc.start]
        line, column = _line_and_column(before.decode("utf-8"), exc.start)
        hint = ""
        if before.isascii():  # nothing before it was UTF-8 beyond ASCII: the whole file may be another encoding
            hint = _encoding_hint(data)
        return "", [
            error(
                "ENCODING",
                Location(shown, line, column),
                f"file is not UTF-8: byte 0x{data[exc.start]:02x} at byte offset {exc.start + bom} "
                f"(line {line}, column {column}) cannot be decoded{hint}; save the file as UTF-8",
            )
        ]
    if "\x00" in text:
        offset = text.index("\x00")
        line, column = _line_and_column(text, offset)
        hint = "; is it UTF-16? save it as UTF-8" if text.count("\x00") * 3 > len(text) else "; is it a binary file?"
        return "", [error("NUL-BYTE", Location(shown, line, column), f"file contains a NUL byte{hint}")]
    control = CONTROL_CHARACTERS.search(text)
    if control:
        line, column = _line_and_column(text, control.start())
        return "", [
            error(
                "CONTROL-CHAR",
                Location(shown, line, column),
                f"file contains the control character U+{ord(control.group()):04X}, which no output can hold; delete it",
            )
        ]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def _line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of `offset`, counting CRLF, CR and LF each as one line break."""
    before = text[:offset].replace("\r\n", "\n").replace("\r", "\n")
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def _encoding_hint(data: bytes) -> str:
    """A guess worth printing: Persian saved in the Windows Arabic code page."""
    try:
        text = data.decode("cp1256")
    except UnicodeDecodeError:
        return ""
    non_ascii = [c for c in text if ord(c) > 127]
    arabic = sum(1 for c in non_ascii if "\u0600" <= c <= "\u06ff")
    return " (it looks like Windows-1256, the Windows Arabic code page)" if non_ascii and arabic * 2 > len(non_ascii) else ""


def read_text(path: Path, *, inside: Path | None = None) -> tuple[TextFile | None, list[Problem]]:
    """Read and decode one file; with `inside`, refuse a file that resolves outside that folder."""
    shown = shown_path(path)
    if inside is not None:
        resolved = path.resolve()
        if not resolved.is_relative_to(inside.resolve()):
            return None, [
                error(
                    "PATH-OUTSIDE",
                    Location(shown),
                    f"file is a link to {resolved}, outside the book folder; nothing outside the book is read: "
                    "copy the file into the book",
                )
            ]
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [error("UNREADABLE", Location(shown), f"cannot read file: {_why(path, exc)}")]
    text, problems = decode(data, shown)
    if problems:
        return None, problems
    return TextFile(path.resolve(), shown, text), []


def _why(path: Path, exc: OSError) -> str:
    if isinstance(exc, IsADirectoryError):
        return "it is a folder, not a file"
    if isinstance(exc, FileNotFoundError) and path.is_symlink():
        return f"it is a link to {os.readlink(path)}, which does not exist"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return exc.strerror or str(exc)


# ---------------------------------------------------------------- the book folder


def _chapter_paths(folder: Path) -> list[Path]:
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    return sorted(
        (p for p in entries if p.suffix.lower() in CHAPTER_SUFFIXES and not p.name.startswith(".")),
        key=lambda p: p.name,
    )


def _same_name(name: str) -> str:
    """A file name as a person sees it: composed Unicode (macOS writes names decomposed)."""
    return unicodedata.normalize("NFC", name)


def _sort_key(path: Path) -> str:
    return _same_name(path.stem).casefold()


def read_book_folder(book_dir: Path) -> tuple[TextFile | None, list[ChapterFiles], list[Problem]]:
    """Read book.toml (if any) and every chapter file with its translations.

    Returns the config file, the chapters in reading order and every problem
    found; raises BookError when the folder itself is unusable.
    """
    shown_book = shown_path(book_dir)
    if not book_dir.is_dir():
        why = "is a file, not a folder" if book_dir.exists() else "does not exist"
        raise BookError([error("BOOK-NOT-FOUND", Location(shown_book), f"book folder {why}")])
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
        config, found = read_text(book_dir / CONFIG_FILE, inside=book_dir)
        problems += found

    languages = []
    for folder in sorted(p for p in translations_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if LANGUAGE_TAG.fullmatch(folder.name):
            languages.append(folder.name)
        else:
            problems.append(
                error(
                    "LANGUAGE-TAG",
                    Location(shown_path(folder)),
                    f"{folder.name!r} is not a language tag: name each translation folder by its language, "
                    "such as en, es or pt-BR",
                )
            )
    if not languages:
        raise BookError(
            problems
            + [error("NO-TRANSLATION", Location(shown_path(translations_dir)), "no translation folder such as translations/en/")]
        )

    source_paths = _chapter_paths(source_dir)
    if not source_paths:
        raise BookError([error("NO-CHAPTERS", Location(shown_path(source_dir)), "no chapter files (*.md) in source/")])
    problems += _clashing_names(source_paths)

    # Translations are found by name; names in composed and decomposed Unicode are the same name.
    translated: dict[str, dict[str, Path]] = {}
    source_names = {_same_name(p.name) for p in source_paths}
    for lang in languages:
        paths = _chapter_paths(translations_dir / lang)
        problems += _clashing_names(paths)
        translated[lang] = {_same_name(p.name): p for p in paths}
        for path in paths:
            if _same_name(path.name) not in source_names:
                problems.append(error("SOURCE-MISSING", Location(shown_path(path)), _no_source_message(path, source_paths)))

    chapters: list[ChapterFiles] = []
    for path in source_paths:
        source, found = read_text(path, inside=book_dir)
        problems += found
        translations: dict[str, TextFile] = {}
        for lang in languages:
            target_path = translated[lang].get(_same_name(path.name))
            if target_path is None:
                problems.append(
                    error(
                        "TRANSLATION-MISSING",
                        Location(shown_path(path)),
                        f"chapter has no {lang} translation: expected {shown_path(translations_dir / lang / path.name)}",
                    )
                )
                continue
            target, found = read_text(target_path, inside=book_dir)
            problems += found
            if target is not None:
                translations[lang] = target
        if source is not None:
            chapters.append(ChapterFiles(path.name, source, translations))
    return config, chapters, problems


def _no_source_message(path: Path, source_paths: list[Path]) -> str:
    message = f"translation has no source chapter {SOURCE_DIR}/{path.name}"
    near = [p.name for p in source_paths if _sort_key(p) == _sort_key(path)]
    if near:
        message += f"; {SOURCE_DIR}/{near[0]} differs only in case or suffix: give both the same name"
    return message


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


# ---------------------------------------------------------------- writing


@lru_cache(maxsize=1)
def new_file_mode() -> int:
    """The mode a newly created file gets (0o666 less the umask), as mkstemp's 0o600 is not it."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def lock_file(handle: int, *, wait: bool) -> bool | None:
    """Take an exclusive lock on an open file, held until it is closed or its process dies.

    True when taken, False when another process holds it, None where file locks do not exist.
    """
    try:
        import fcntl
    except ImportError:
        return None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        return True
    except OSError:
        return False


STALE_WITHOUT_LOCKS = 24 * 3600  # seconds: where there are no file locks, a temporary file this old is stale
YOUNGEST_STALE = 1.0  # seconds: a writer locks its file microseconds after creating it; never race it


def clean_stale_parts(folder: Path) -> list[Path]:
    """Remove the temporary files of writes that did not finish (a killed build); return them.

    A temporary file that a living process is writing is locked, and left alone;
    so is one created in the last second, which its writer may not have locked yet.
    """
    removed: list[Path] = []
    try:
        candidates = [p for p in folder.iterdir() if p.name.startswith(".") and p.name.endswith(".part") and PART_INFIX in p.name]
    except OSError:
        return removed
    for path in candidates:
        try:
            handle = os.open(path, os.O_RDWR)
        except OSError:
            continue
        try:
            age = time.time() - os.fstat(handle).st_mtime
            stale = lock_file(handle, wait=False) if age >= YOUNGEST_STALE else False
            if stale is None:
                stale = age > STALE_WITHOUT_LOCKS
            if stale:
                path.unlink(missing_ok=True)
                removed.append(path)
        except OSError:
            pass
        finally:
            os.close(handle)
    return removed


@contextmanager
def atomic_output(path: Path):
    """Yield a temporary path beside `path`; move it into place only if the block succeeds.

    A failed or killed build leaves the previous output untouched and no
    partial file under the final name; a temporary file left by a killed
    build is removed by the next write into the same folder.  A link is
    followed (the file it points to is replaced, the link stays); the file
    keeps its permissions, and a new file gets the usual ones.
    """
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_parts(path.parent)
    try:
        mode = path.stat().st_mode & 0o777
    except OSError:
        mode = new_file_mode()
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}{PART_INFIX}", suffix=".part", dir=path.parent)
    temporary_path = Path(temporary)
    try:
        lock_file(handle, wait=True)
        yield temporary_path
        os.chmod(temporary_path, mode)
        with open(temporary_path, "rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary_path, path)
        _sync_folder(path.parent)
    finally:
        try:
            if temporary_path.exists():
                temporary_path.unlink()
        finally:
            os.close(handle)


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (a power cut after the build must not bring the old file back)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Write an output atomically; a folder that cannot be written to is the user's to fix (OUTPUT-UNWRITABLE)."""
    try:
        with atomic_output(path) as temporary:
            temporary.write_bytes(data)
    except OSError as exc:
        raise BookError(
            [error("OUTPUT-UNWRITABLE", Location(shown_path(path)), f"cannot write the output: {_why(path, exc)}")]
        ) from exc
