"""The cache shared between builds: --cache-dir and PARALLELBOOK_CACHE_DIR, concurrent builds, damaged entries.

The book is the one `init` makes: the smallest real book, built in seconds.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import EPOCH, ROOT, run_build


def _stats(stdout: str) -> dict[str, int]:
    found = re.search(r"pandoc runs: (\d+) \(files reused: (\d+)\); PDF pieces laid out: (\d+) \(reused: (\d+)\)", stdout)
    assert found, stdout
    return dict(zip(("pandoc", "files_reused", "laid_out", "reused"), map(int, found.groups())))


def _outputs(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}


def _entries(cache: Path) -> list[Path]:
    return sorted(path for path in cache.rglob("*") if path.is_file())


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("shared-cache") / "book"
    assert run_build("init", str(folder)).returncode == 0
    return folder


@pytest.fixture(scope="module")
def first(book, tmp_path_factory):
    """The book built once into its own folder, filling a shared cache."""
    work = tmp_path_factory.mktemp("first")
    cache, out = work / "cache", work / "out"
    result = run_build("pdf", "--book", str(book), "--out", str(out), "--cache-dir", str(cache), "--jobs", "1")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return {"cache": cache, "out": out, "stats": _stats(result.stdout)}


def test_a_second_output_folder_lays_out_nothing_again(book, first, tmp_path):
    assert first["stats"]["laid_out"] > 0 and not (first["out"] / ".cache" / "pdf").exists(), "the entries went to --cache-dir"
    result = run_build("pdf", "--book", str(book), "--out", str(tmp_path / "second"), "--cache-dir", str(first["cache"]), "--jobs", "1")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    stats = _stats(result.stdout)
    assert stats["laid_out"] == 0 and stats["pandoc"] == 0, stats
    # every piece the first build had, whether it laid it out or took it again within that build
    # (the chapter it laid out first to foretell the page count is asked for a second time)
    assert stats["reused"] == first["stats"]["laid_out"] + first["stats"]["reused"]
    assert _outputs(tmp_path / "second") == _outputs(first["out"])


def test_the_environment_variable_names_the_cache_and_the_option_wins(book, first, tmp_path):
    by_variable = run_build("pdf", "--book", str(book), "--out", str(tmp_path / "a"), env={"PARALLELBOOK_CACHE_DIR": str(first["cache"])})
    assert _stats(by_variable.stdout)["laid_out"] == 0, by_variable.stdout + by_variable.stderr
    by_option = run_build(
        "pdf", "--book", str(book), "--out", str(tmp_path / "b"),
        "--cache-dir", str(tmp_path / "empty-cache"), env={"PARALLELBOOK_CACHE_DIR": str(first["cache"])},
    )
    assert _stats(by_option.stdout)["laid_out"] == first["stats"]["laid_out"]
    assert _entries(tmp_path / "empty-cache")


def test_concurrent_builds_sharing_a_cache_both_succeed_and_leave_it_whole(book, first, tmp_path):
    cache = tmp_path / "cache"
    environment = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    processes = [
        subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "pdf", "--book", str(book), "--out", str(tmp_path / f"out{n}"),
             "--cache-dir", str(cache), "--jobs", "1"],
            env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for n in (1, 2)
    ]
    results = [(process.communicate(timeout=300), process.returncode) for process in processes]
    for (stdout, stderr), code in results:
        assert code == 0 and stderr == "", stderr
    assert _outputs(tmp_path / "out1") == _outputs(tmp_path / "out2") == _outputs(first["out"])
    assert not [p for p in cache.rglob("*") if p.name.startswith(".")], "no temporary file is left in the cache"
    third = run_build("pdf", "--book", str(book), "--out", str(tmp_path / "out3"), "--cache-dir", str(cache), "--jobs", "1")
    assert _stats(third.stdout)["laid_out"] == 0, "every entry the two builds wrote is whole and verified"


def test_a_damaged_entry_is_made_again_and_never_used(book, first, tmp_path):
    cache = tmp_path / "cache"
    shutil.copytree(first["cache"], cache)
    entries = _entries(cache / "pdf")
    entries[0].write_bytes(entries[0].read_bytes()[: len(entries[0].read_bytes()) // 2])  # truncated
    data = bytearray(entries[1].read_bytes())
    data[-200] ^= 0x01  # one bit flipped in the PDF
    entries[1].write_bytes(bytes(data))
    result = run_build("pdf", "--book", str(book), "--out", str(tmp_path / "out"), "--cache-dir", str(cache), "--jobs", "1")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert _stats(result.stdout)["laid_out"] == 2
    assert _outputs(tmp_path / "out") == _outputs(first["out"])


def test_a_file_the_books_css_loads_is_part_of_what_a_piece_depends_on(book, tmp_path):
    """A book's template may load files by a relative URL, which the piece's HTML does not name:
    changing such a file must lay the pieces out again, and the build must not think nothing changed."""
    from PIL import Image

    work = tmp_path / "book"
    shutil.copytree(book, work)
    (work / "templates" / "pdf").mkdir(parents=True)
    css = (ROOT / "parallelbook" / "render" / "templates" / "pdf" / "book.css.j2").read_text("utf-8")
    (work / "templates" / "pdf" / "book.css.j2").write_text(css + '\n.chapter h1::before { content: url("mark.png"); }\n', "utf-8")
    Image.new("RGB", (30, 30), (200, 0, 0)).save(work / "mark.png")  # beside book.toml, not in a folder
    out, cache = tmp_path / "out", tmp_path / "cache"
    red = run_build("pdf", "--book", str(work), "--out", str(out), "--cache-dir", str(cache), "--jobs", "1")
    assert red.returncode == 0 and red.stderr == "", red.stderr
    red_pdf = _outputs(out)

    Image.new("RGB", (30, 30), (0, 0, 200)).save(work / "mark.png")
    blue = run_build("pdf", "--book", str(work), "--out", str(out), "--cache-dir", str(cache), "--jobs", "1")
    assert "nothing changed" not in blue.stdout
    assert _stats(blue.stdout)["laid_out"] >= 1, "the chapter that shows the mark is laid out again"
    scratch = run_build("pdf", "--book", str(work), "--out", str(tmp_path / "scratch"), "--no-cache", "--jobs", "1")
    assert scratch.returncode == 0, scratch.stderr
    assert _outputs(out) == _outputs(tmp_path / "scratch") != red_pdf


def test_a_cache_folder_that_cannot_be_made_is_a_warning_and_the_build_goes_on(book, first, tmp_path):
    (tmp_path / "a-file").write_text("not a folder", "utf-8")
    result = run_build("pdf", "--book", str(book), "--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "a-file"), "--jobs", "1")
    assert result.returncode == 0
    assert re.fullmatch(r".*a-file: warning: the cache folder cannot be used \(it is a file, not a folder\); building without a cache \[CACHE-UNUSABLE\]\n", result.stderr)
    assert _outputs(tmp_path / "out") == _outputs(first["out"])
    assert (tmp_path / "a-file").read_text("utf-8") == "not a folder"


@pytest.mark.parametrize(
    "argv, variable, expected",
    [
        ([], None, None),
        ([], "", None),  # an empty variable is unset
        ([], "/shared/cache", "/shared/cache"),
        (["--cache-dir", "mine"], "/shared/cache", "mine"),  # the option wins
        (["--cache-dir", ""], None, None),  # an empty option is none, not the working folder
    ],
)
def test_where_the_cache_is(argv, variable, expected):
    from parallelbook.cli import _parser
    from parallelbook.pipeline import options_from

    environ = {} if variable is None else {"PARALLELBOOK_CACHE_DIR": variable}
    options = options_from(_parser().parse_args(["pdf", *argv]), environ)
    assert options.cache_dir == (None if expected is None else Path(expected))
