"""Images: each side's picture is its own, wherever the build is run from.

A chapter names its images relative to itself, then to the book's root (as
pandoc's --resource-path would).  A translation may carry its own screenshot
under the same name as the source's; and a build run from any folder finds
them all.  Read back from the EPUB's files and the PDF's images.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from helpers import epubcheck, run_build


def _png(colour: tuple[int, int, int]) -> bytes:
    data = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(data, format="PNG")
    return data.getvalue()


RED, BLUE, GREEN = _png((200, 0, 0)), _png((0, 0, 200)), _png((0, 160, 0))


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    """A book whose two sides each have a screenshot named shot.png, and a logo shared from the root."""
    root = tmp_path_factory.mktemp("images") / "book"
    (root / "source" / "images").mkdir(parents=True)
    (root / "translations" / "en" / "images").mkdir(parents=True)
    (root / "images").mkdir()
    (root / "source" / "images" / "shot.png").write_bytes(RED)
    (root / "translations" / "en" / "images" / "shot.png").write_bytes(BLUE)
    (root / "images" / "logo.png").write_bytes(GREEN)
    (root / "book.toml").write_text('[book]\ntitle = { fa = "تصویرها", en = "Pictures" }\n', encoding="utf-8")
    (root / "source" / "01-pictures.md").write_text(
        "# تصویرها\n\nاین صفحه را ببینید.\n\n![صفحهٔ فارسی](images/shot.png)\n\n![نشان](images/logo.png)\n",
        encoding="utf-8",
    )
    (root / "translations" / "en" / "01-pictures.md").write_text(
        "# Pictures\n\nLook at this page.\n\n![The English page](images/shot.png)\n\n![Logo](images/logo.png)\n",
        encoding="utf-8",
    )
    return root


def test_each_side_has_its_own_picture_in_the_epub(book, tmp_path):
    result = run_build("epub", "--book", str(book), "--out", str(tmp_path), "--no-cache", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (epub,) = tmp_path.glob("*.epub")
    with zipfile.ZipFile(epub) as archive:
        names = [name for name in archive.namelist() if name.startswith("EPUB/images/") and "cover" not in name]
        pictures = [archive.read(name) for name in names]
    assert sorted(pictures) == sorted([RED, BLUE, GREEN]), "the Persian and the English screenshot, and the shared logo, once each"
    assert epubcheck(epub, tmp_path).clean


def test_a_build_from_another_folder_finds_every_image(book, tmp_path):
    """Run from a folder that holds the book (paths are then shown relative to it): no image is lost."""
    result = run_build("pdf", "--book", str(book), "--out", str(tmp_path / "out"), "--no-cache", cwd=book.parent)
    assert result.returncode == 0, result.stderr
    (pdf,) = (tmp_path / "out").glob("*.pdf")
    drawn = set()
    for page in PdfReader(pdf).pages:
        for image in page.images:
            drawn.add(image.image.convert("RGB").getpixel((5, 5)))
    assert drawn == {(200, 0, 0), (0, 0, 200), (0, 160, 0)}, drawn
