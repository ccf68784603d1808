"""Parallel and incremental builds: the same book, whichever way it was made."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from datetime import datetime, timezone

import pytest
from bookgen import repeated_book
from helpers import EPOCH, ROOT, pdf_text, run_build
from pypdf import PdfReader

CHAPTERS = 4


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    return repeated_book(tmp_path_factory.mktemp("incremental") / "book", chapters=CHAPTERS, repeats=1, long_pair=True)


def _outline(data: bytes):
    reader = PdfReader(io.BytesIO(data))
    entries = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                entries.append((level, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 1)
    return entries


def _pages_text(path):
    count = len(PdfReader(path).pages)
    return [pdf_text(path, first=n, last=n) for n in range(1, count + 1)]


@pytest.mark.parametrize("layout", ["columns", "facing"])
def test_pieces_in_parallel_equal_one_document_laid_out_at_once(book, tmp_path, layout):
    """Page count, every page's text (running heads, page numbers, contents) and the outline."""
    from parallelbook.outputs.pdf.layout import PdfSettings, render_pdf
    from parallelbook.read.book import load_book
    from parallelbook.render.fonts import font_set
    from parallelbook.render.templating import environment

    result = run_build("pdf", "--book", str(book), "--out", str(tmp_path), "--layout", layout, "--jobs", "2", "--no-cache")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    built = next(tmp_path.glob("*.pdf"))

    loaded = load_book(book, build_time=datetime.fromtimestamp(int(EPOCH), timezone.utc))
    whole = render_pdf(loaded.editions[0], font_set(loaded.config.fonts), environment(loaded.folder), PdfSettings(layout=layout))
    reference = tmp_path / "whole.pdf"
    reference.write_bytes(whole.data)

    assert len(PdfReader(built).pages) == whole.pages
    assert _pages_text(built) == _pages_text(reference)
    assert _outline(built.read_bytes()) == _outline(whole.data)


def test_one_worker_and_two_give_the_same_bytes(book, tmp_path):
    one = run_build("--book", str(book), "--out", str(tmp_path / "one"), "--jobs", "1", "--no-cache")
    two = run_build("--book", str(book), "--out", str(tmp_path / "two"), "--jobs", "2", "--no-cache")
    assert one.returncode == two.returncode == 0, one.stderr + two.stderr
    for path in (p for p in (tmp_path / "one").glob("*.*") if p.is_file()):
        assert (tmp_path / "two" / path.name).read_bytes() == path.read_bytes(), path.name


def test_an_edit_without_source_date_epoch_lays_out_only_its_chapter(book, tmp_path):
    # Without SOURCE_DATE_EPOCH the book is dated by its newest file, which an edit moves: the date
    # is the book's (the assembly writes it), not every piece's, or every chapter is laid out again.
    import shutil

    work = tmp_path / "book"
    shutil.copytree(book, work)
    out = tmp_path / "out"
    first = run_build("pdf", "--book", str(work), "--out", str(out), epoch=False)
    assert first.returncode == 0, first.stderr
    dated = PdfReader(next(out.glob("*.pdf"))).metadata["/CreationDate"]
    chapter = work / "translations" / "en" / "002-chapter.md"
    chapter.write_text(chapter.read_text("utf-8").replace("Equal rights for all nations", "Equal rights for every nation"), "utf-8")
    os.utime(chapter, (2_000_000_000, 2_000_000_000))  # a later edit, whatever the clocks of this machine say
    edited = run_build("pdf", "--book", str(work), "--out", str(out), epoch=False)
    assert edited.returncode == 0, edited.stderr
    assert _stats(edited.stdout)["laid_out"] <= 2, edited.stdout  # the chapter (and its folios, if its pages moved)
    pdf = next(out.glob("*.pdf"))
    assert PdfReader(pdf).metadata["/CreationDate"] != dated and PdfReader(pdf).metadata["/CreationDate"].startswith("D:2033")
    scratch = run_build("pdf", "--book", str(work), "--out", str(tmp_path / "scratch"), "--no-cache", epoch=False)
    assert scratch.returncode == 0, scratch.stderr
    assert (tmp_path / "scratch" / pdf.name).read_bytes() == pdf.read_bytes()


def test_an_epub_read_by_several_workers_is_the_one_read_by_one(book, tmp_path):
    # An EPUB alone has no print layout to start workers for: the workers read the book instead,
    # each its share of the files.
    one = run_build("epub", "--book", str(book), "--out", str(tmp_path / "one"), "--jobs", "1", "--no-cache")
    three = run_build("epub", "--book", str(book), "--out", str(tmp_path / "three"), "--jobs", "3", "--no-cache")
    assert one.returncode == three.returncode == 0, one.stderr + three.stderr
    epubs = list((tmp_path / "one").glob("*.epub"))
    assert epubs and all((tmp_path / "three" / path.name).read_bytes() == path.read_bytes() for path in epubs)


def test_the_workers_get_shares_of_about_the_same_cost():
    from parallelbook.read.book import _balanced_shares

    # a book's files in order: each chapter's Persian source, then its translation
    items = [(("ا" if n % 2 == 0 else "a") * length, f"file-{n}", "fa" if n % 2 == 0 else "en")
             for n, length in enumerate([900, 1000, 400, 450, 2000, 2100, 300, 350, 800, 820])]
    shares = _balanced_shares(items, 2)
    assert sorted(item for share in shares for item in share) == sorted(items)  # each file once
    for share in shares:
        assert share == sorted(share, key=items.index)  # in book order, so pandoc reads the first first
    costs = [sum(len(text) * (2 if lang == "fa" else 1) for text, _shown, lang in share) for share in shares]
    assert abs(costs[0] - costs[1]) <= 2 * 900  # within the cost of one of the smaller files
    # dealt in turn, one worker would have had every Persian file: 8,800 against 4,720
    assert max(costs) < 8800
    assert _balanced_shares(items[:1], 4) == [items[:1]]  # no empty share for a worker with nothing to do


def _stats(stdout: str) -> dict[str, int]:
    found = re.search(r"pandoc runs: (\d+) \(files reused: (\d+)\); PDF pieces laid out: (\d+) \(reused: (\d+)\)", stdout)
    assert found, stdout
    return dict(zip(("pandoc", "files_reused", "laid_out", "reused"), map(int, found.groups())))


def test_the_cache_rebuilds_exactly_what_changed(book, tmp_path):
    import shutil

    work = tmp_path / "book"
    shutil.copytree(book, work)
    out = tmp_path / "out"
    first = run_build("--book", str(work), "--out", str(out))
    assert first.returncode == 0, first.stderr
    stats = _stats(first.stdout)
    files = 2 * CHAPTERS
    # every chapter, the front matter, and the running heads and page numbers of each of them
    assert stats["pandoc"] == files and stats["laid_out"] == 2 * (CHAPTERS + 1)
    pages_before = len(PdfReader(next(out.glob("*.pdf"))).pages)

    unchanged = run_build("--book", str(work), "--out", str(out))
    assert "nothing changed" in unchanged.stdout and "wrote" not in unchanged.stdout

    chapter = work / "translations" / "en" / "002-chapter.md"
    chapter.write_text(chapter.read_text("utf-8").replace("Equal rights for all nations", "Equal rights for every nation"), "utf-8")
    edited = run_build("--book", str(work), "--out", str(out))
    assert edited.returncode == 0, edited.stderr
    stats = _stats(edited.stdout)
    assert stats["pandoc"] == 1 and stats["files_reused"] == files - 1, "only the edited file is read again"
    if len(PdfReader(next(out.glob("*.pdf"))).pages) == pages_before:
        assert stats["laid_out"] == 1, f"only the edited chapter is laid out again: {stats}"
    else:  # its length moved the pages after it: their numbers, and the contents, are laid out again
        assert stats["laid_out"] <= 2 + 2 * (CHAPTERS - 1), stats

    scratch = run_build("--book", str(work), "--out", str(tmp_path / "scratch"), "--no-cache")
    assert scratch.returncode == 0, scratch.stderr
    for path in (p for p in out.glob("*.*") if p.is_file()):
        assert (tmp_path / "scratch" / path.name).read_bytes() == path.read_bytes(), f"{path.name} differs from a build from scratch"


def test_a_corrupt_cache_entry_is_noticed_and_made_again(book, tmp_path):
    out = tmp_path / "out"
    assert run_build("pdf", "--book", str(book), "--out", str(out)).returncode == 0
    original = next(out.glob("*.pdf")).read_bytes()
    blobs = sorted((out / ".cache" / "pdf").rglob("*.entry"))
    assert blobs
    blobs[0].write_bytes(blobs[0].read_bytes()[:-100] + b"corrupted")
    next(out.glob("*.pdf")).unlink()
    rebuilt = run_build("pdf", "--book", str(book), "--out", str(out))
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert _stats(rebuilt.stdout)["laid_out"] == 1
    assert next(out.glob("*.pdf")).read_bytes() == original


def test_watch_rebuilds_after_an_edit(book, tmp_path):
    import os
    import shutil

    work = tmp_path / "book"
    shutil.copytree(book, work)
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "watch", "--book", str(work), "--out", str(tmp_path / "out"), "--jobs", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
    )
    lines: list[str] = []
    try:
        def wait_for(count: int, deadline: float):
            while sum("rebuilt in" in line for line in lines) < count:
                assert time.monotonic() < deadline, lines
                lines.append(process.stdout.readline())

        wait_for(1, time.monotonic() + 240)
        chapter = work / "source" / "001-chapter.md"
        chapter.write_text(chapter.read_text("utf-8") + "\n\nبند تازه.\n", "utf-8")
        english = work / "translations" / "en" / "001-chapter.md"
        english.write_text(english.read_text("utf-8") + "\n\nA new paragraph.\n", "utf-8")
        wait_for(2, time.monotonic() + 240)
    finally:
        process.terminate()
        process.wait(timeout=30)
    second = [line for line in lines if "rebuilt in" in line][1]
    assert "pandoc runs: 2" in second or "pandoc runs: 1" in second, second
