"""`init DIR`: a new book that checks, lints and builds as it is, and never overwrites anything."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from helpers import ROOT, epubcheck, pdf_fonts, pdf_text, run_build

SCAFFOLD_FILES = {"book.toml", "source/01-getting-started.md", "translations/en/01-getting-started.md", ".gitignore"}


def _comparable(text: str) -> str:
    """Text as every faithful rendering keeps it: no ZWNJ, bidi marks, spacing, hyphens or quote styles.

    Combining marks go too: extractors put the hamza of ـهٔ before its letter (poppler) or drop it.
    """
    text = unicodedata.normalize("NFC", text).translate(str.maketrans("’", "'"))
    text = re.sub(r"[\s\-\u2010\u00ad\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069]+", "", text)
    return "".join(c for c in text if unicodedata.category(c) != "Mn")


def _files(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file()}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): (path.read_bytes() if path.is_file() else b"<dir>") for path in folder.rglob("*")}


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    """A book made by `init` in a folder that did not exist, nor did its parent."""
    folder = tmp_path_factory.mktemp("init") / "shelf" / "my-book"
    result = run_build("init", str(folder))
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert str(folder / "book.toml") in result.stdout or "book.toml" in result.stdout
    return folder


def test_init_writes_the_scaffold_and_nothing_else(book):
    assert _files(book) == SCAFFOLD_FILES
    assert not [p for p in book.parent.iterdir() if p.name != book.name], "no temporary folder is left beside it"


def test_the_scaffold_names_every_setting_config_knows(book):
    from parallelbook.read.config import FONT_ROLES, SCHEMA, parse_config

    text = (book / "book.toml").read_text("utf-8")
    table = None
    found: set[tuple[str, str]] = set()
    for line in text.splitlines():
        header = re.match(r"\s*\[(\w+)\]", line)
        if header:
            table = header.group(1)
            continue
        setting = re.match(r"\s*#?\s*(\w+)\s*=", line)
        if setting and table:
            found.add((table, setting.group(1)))
    known = {(table, key) for table, keys in SCHEMA.items() for key in keys}
    assert known - found == set(), "settings book.toml does not show"
    assert found - known == set(), "settings the scaffold shows that config.py does not know"

    # Every example is valid: with every `#` removed, the only complaints are that the example files
    # (the fonts and the printer's ICC profile) do not exist.
    uncommented = re.sub(r"(?m)^# (\w+ =)", r"\1", text)
    assert tomllib.loads(uncommented)
    _config, problems = parse_config(uncommented, book / "book.toml", book)
    assert sorted(p.code for p in problems) == ["FONT-NOT-FOUND"] * len(FONT_ROLES) + ["PDF-PROFILE"], problems


def test_the_scaffold_is_clean_for_lint_and_check(book):
    lint = run_build("lint", "--book", str(book))
    assert (lint.returncode, lint.stdout, lint.stderr) == (0, "", "")
    check = run_build("check", "--strict", "--book", str(book))
    assert check.returncode == 0 and check.stderr == "", check.stderr
    assert "no errors, no warnings" in check.stdout


def test_the_scaffold_builds_a_clean_pdf_and_epub(book, tmp_path):
    out = tmp_path / "out"
    result = run_build("--book", str(book), "--out", str(out), "--jobs", "1")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    pdf, epub = next(out.glob("*.fa-en.pdf")), next(out.glob("*.fa-en.epub"))
    report = epubcheck(epub, tmp_path)
    assert report.clean, report.messages
    # Words are looked up in pypdf's text layer, sentences in poppler's (see test_build.py for why).
    by_pypdf = _comparable("\n".join(page.extract_text() for page in PdfReader(pdf).pages))
    persian = re.findall(r"[\u0600-\u06ff\u200c]+", (book / "source" / "01-getting-started.md").read_text("utf-8"))
    assert len(persian) > 80 and [w for w in persian if _comparable(w) not in by_pypdf] == []
    by_poppler = _comparable(pdf_text(pdf))
    english = re.sub(r"[#-]|\[\^1\]:?", "", (book / "translations" / "en" / "01-getting-started.md").read_text("utf-8"))
    sentences = [s for s in re.split(r"(?<=[.:])\s+|\n+", english) if len(s) > 10]
    assert len(sentences) > 8 and [s for s in sentences if _comparable(s) not in by_poppler] == []
    assert _comparable("My New Book") in by_poppler
    fonts = pdf_fonts(pdf)
    assert all(fonts.values()) and {name.split("-")[0] for name in fonts} == {"Vazirmatn", "Source"}, fonts


def test_the_gitignore_keeps_the_outputs_out_of_git(book, tmp_path):
    clone = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(clone)], check=True)
    (clone / ".gitignore").write_bytes((book / ".gitignore").read_bytes())
    ignored = subprocess.run(["git", "-C", str(clone), "check-ignore", "-q", "build/my-new-book.fa-en.pdf"])
    kept = subprocess.run(["git", "-C", str(clone), "check-ignore", "-q", "source/01-getting-started.md"])
    assert (ignored.returncode, kept.returncode) == (0, 1)


def test_init_fills_an_empty_folder_through_python_m(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "parallelbook", "init", str(folder)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert _files(folder) == SCAFFOLD_FILES


@pytest.mark.parametrize("content", ["a hidden file", "a folder", "a book"])
def test_init_refuses_a_folder_that_is_not_empty_and_writes_nothing(tmp_path, content):
    folder = tmp_path / "taken"
    folder.mkdir()
    if content == "a hidden file":
        (folder / ".keep").write_text("", "utf-8")
    elif content == "a folder":
        (folder / "source").mkdir()
    else:
        (folder / "book.toml").write_text('[book]\ntitle = "Mine"\n', "utf-8")
    before = _snapshot(tmp_path)
    result = run_build("init", str(folder))
    assert result.returncode == 2
    assert re.search(r"taken: error: .*not empty.* \[INIT-NOT-EMPTY\]$", result.stderr.strip()), result.stderr
    assert result.stdout == ""
    assert _snapshot(tmp_path) == before


def test_init_refuses_a_file_and_a_folder_it_cannot_make(tmp_path):
    (tmp_path / "a-file").write_text("mine", "utf-8")
    on_file = run_build("init", str(tmp_path / "a-file"))
    assert on_file.returncode == 2 and "[INIT-NOT-EMPTY]" in on_file.stderr and "is a file" in on_file.stderr
    under_file = run_build("init", str(tmp_path / "a-file" / "book"))
    assert under_file.returncode == 2 and "[OUTPUT-UNWRITABLE]" in under_file.stderr, under_file.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]
    assert (tmp_path / "a-file").read_text("utf-8") == "mine"


def test_the_scaffold_is_package_data_of_an_installed_parallelbook():
    """pyproject.toml's package-data globs (setuptools': `*` stays within one folder) take every scaffold file."""
    from fnmatch import fnmatchcase

    from parallelbook.commands.init import SCAFFOLD

    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["package-data"]["parallelbook"]
    package = SCAFFOLD.parent.parent
    files = [path.relative_to(package).parts for path in SCAFFOLD.rglob("*") if path.is_file()]
    assert len(files) == len(SCAFFOLD_FILES)

    def taken(parts) -> bool:
        return any(
            len(pattern.split("/")) == len(parts) and all(map(fnmatchcase, parts, pattern.split("/"))) for pattern in patterns
        )

    assert [parts for parts in files if not taken(parts)] == []
