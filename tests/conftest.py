"""Shared fixtures: the sample book and the two-language fixture, each built once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import FIXTURES, ROOT, run_build


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """The sample book (the repository itself) built with the real CLI."""
    out = tmp_path_factory.mktemp("sample-build")
    result = run_build("--book", str(ROOT), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return {
        "out": out,
        "stderr": result.stderr,
        "stdout": result.stdout,
        "pdf": next(out.glob("*.fa-en.pdf")),
        "epub": next(out.glob("*.fa-en.epub")),
    }


@pytest.fixture(scope="session")
def two_lang_build(tmp_path_factory):
    """A two-chapter book with English and Spanish translations and no book.toml."""
    book = tmp_path_factory.mktemp("two-lang") / "book"
    shutil.copytree(FIXTURES / "books" / "two-lang", book)
    result = run_build("--book", str(book))
    assert result.returncode == 0, result.stderr
    return {"book": book, "out": book / "build", "stderr": result.stderr, "stdout": result.stdout}


@pytest.fixture
def book_copy(tmp_path):
    """A writable copy of a fixture book: book_copy("two-lang") -> Path."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(FIXTURES / "books" / name, target)
        return target

    return copy
