"""`init DIR`: a new book folder that checks and builds as it is.

The files are the package's `scaffold/` folder: book.toml naming every setting
(each at its default, commented out, with what it does), one chapter in
Persian and its English translation, and a .gitignore for build/.  init
writes only into a folder that is new or empty, and all at once: the book is
made in a hidden folder beside DIR and then moved into place, so a failure
leaves nothing behind, and nothing of the user's is ever overwritten.
"""

from __future__ import annotations

import os
import secrets
import shlex
import shutil
from pathlib import Path

from ..files import PART_INFIX, shown_path
from ..problems import BookError, Location, Outcome, error

SCAFFOLD = Path(__file__).resolve().parent / "scaffold"
STORED_AS = {"gitignore": ".gitignore"}  # package data does not reliably carry names that start with a dot


def scaffold_files() -> dict[str, bytes]:
    """Every file of a new book: its path inside the book -> its bytes."""
    files = {}
    for path in sorted(SCAFFOLD.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            relative = path.relative_to(SCAFFOLD)
            files[relative.with_name(STORED_AS.get(relative.name, relative.name)).as_posix()] = path.read_bytes()
    return files


def command_init(args) -> Outcome:
    folder: Path = args.dir
    shown = shown_path(folder)
    _refuse_unless_new_or_empty(folder, shown)
    files = scaffold_files()
    try:
        _write_all_at_once(folder, files)
    except OSError as exc:
        raise BookError([error("OUTPUT-UNWRITABLE", Location(shown), f"cannot make the book folder: {_why(folder, exc)}")]) from exc
    program = getattr(args, "program", "parallelbook")
    lines = [f"created {shown_path(folder / name)}" for name in files]
    book = shlex.quote(shown)
    lines.append(f"next: `{program} check --book {book}` checks it; `{program} --book {book}` builds it into {shown_path(folder / 'build')}")
    return Outcome(lines=tuple(lines))


def _refuse_unless_new_or_empty(folder: Path, shown: str) -> None:
    if folder.is_dir():
        try:
            present = sorted(entry.name for entry in folder.iterdir())
        except OSError as exc:
            raise BookError([error("UNREADABLE", Location(shown), f"cannot read the folder: {exc.strerror or exc}")]) from exc
        if present:
            listed = ", ".join(present[:3]) + (", …" if len(present) > 3 else "")
            raise BookError(
                [error("INIT-NOT-EMPTY", Location(shown), f"the folder is not empty (it holds {listed}); init writes only into a new or empty folder")]
            )
    elif folder.exists() or folder.is_symlink():
        what = "is a file" if folder.exists() else "is a link to nothing"
        raise BookError(
            [error("INIT-NOT-EMPTY", Location(shown), f"{what}, not a folder; init writes only into a new or empty folder")]
        )


def _why(folder: Path, exc: OSError) -> str:
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        for parent in Path(os.path.abspath(folder)).parents:
            if parent.exists() and not parent.is_dir():
                return f"{shown_path(parent)} is a file, not a folder"
    return exc.strerror or str(exc)


def _write_all_at_once(folder: Path, files: dict[str, bytes]) -> None:
    """Make the book in a hidden folder beside `folder`, then move it into place."""
    folder = Path(os.path.abspath(folder))
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = folder.parent / f".{folder.name}{PART_INFIX}{secrets.token_hex(4)}"
    staging.mkdir()  # not mkdtemp: the book's folder gets the usual permissions, not 0o700
    try:
        for name, data in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        if folder.is_dir():  # an empty folder (checked above) stays, with its owner and permissions
            for entry in sorted(staging.iterdir()):
                os.rename(entry, folder / entry.name)
        else:
            os.rename(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
