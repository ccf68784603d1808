"""The content-addressed cache (parallelbook/cache.py): whole entries or none, verified on read, salted with the tool."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import time
from pathlib import Path

import pytest

from parallelbook.cache import Cache

BLOB = b"%PDF-1.7 a laid-out piece " * 400
DATA = {"pages": 3, "messages": ["a complaint"], "refused": []}


def _only_entry(folder: Path) -> Path:
    (entry,) = [path for path in folder.rglob("*") if path.is_file()]
    return entry


def test_an_entry_comes_back_as_it_was_put(tmp_path):
    cache = Cache(tmp_path, salt="tool 1")
    assert cache.get("pdf", "key") is None
    cache.put("pdf", "key", BLOB, DATA)
    assert cache.get("pdf", "key") == (BLOB, DATA)
    assert cache.get("pdf", "other key") is None and cache.get("fonts", "key") is None
    assert oct(_only_entry(tmp_path).stat().st_mode & 0o777) == oct(0o666 & ~_umask()), "readable by whoever shares the cache"


def test_another_tool_never_sees_the_entry(tmp_path):
    Cache(tmp_path, salt="tool 1").put("pdf", "key", BLOB, DATA)
    assert Cache(tmp_path, salt="tool 2").get("pdf", "key") is None
    assert Cache(None).get("pdf", "key") is None


def _flip(entry: bytes, at: int) -> bytes:
    changed = bytearray(entry)
    changed[at] ^= 0x01
    return bytes(changed)


def _header_end(entry: bytes) -> int:
    return entry.index(b"\n", entry.index(b"\n") + 1)


DAMAGES = {
    "empty": lambda entry: b"",
    "truncated in the bytes": lambda entry: entry[:-100],
    "truncated in the header": lambda entry: entry[: _header_end(entry) // 2],
    "a bit flipped in the bytes": lambda entry: _flip(entry, -10),
    "its metadata changed": lambda entry: entry.replace(b'\\"pages\\": 3', b'\\"pages\\": 4'),
    "bytes appended": lambda entry: entry + b"\n",
    "another format": lambda entry: entry.replace(b"parallelbook-cache-entry 1", b"parallelbook-cache-entry 9"),
    "garbage": lambda entry: os.urandom(5000),
    "a JSON list for a header": lambda entry: entry.split(b"\n")[0] + b"\n[1, 2]\n" + BLOB,
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_entry_is_missing_and_made_again(tmp_path, damage):
    cache = Cache(tmp_path, salt="tool")
    cache.put("pdf", "key", BLOB, DATA)
    entry = _only_entry(tmp_path)
    damaged = DAMAGES[damage](entry.read_bytes())
    assert damaged != entry.read_bytes()
    entry.write_bytes(damaged)
    assert cache.get("pdf", "key") is None
    cache.put("pdf", "key", BLOB, DATA)
    assert cache.get("pdf", "key") == (BLOB, DATA)


def test_an_entry_put_in_another_entrys_place_is_not_trusted(tmp_path):
    cache = Cache(tmp_path, salt="tool")
    cache.put("pdf", "one", b"one's bytes", {})
    first = _only_entry(tmp_path)
    cache.put("pdf", "two", b"two's bytes", {})
    second = next(path for path in tmp_path.rglob("*.entry") if path != first)
    shutil.copy(first, second)  # whole and well-formed, but made for another key
    assert cache.get("pdf", "two") is None


def test_an_entry_that_cannot_be_read_or_written_is_no_crash(tmp_path):
    cache = Cache(tmp_path, salt="tool")
    cache.put("pdf", "key", BLOB, DATA)
    entry = _only_entry(tmp_path)
    entry.unlink()
    entry.mkdir()  # a folder where the entry should be
    assert cache.get("pdf", "key") is None
    cache.put("pdf", "key", BLOB, DATA)  # cannot replace a folder: keeps nothing, says nothing
    assert cache.get("pdf", "key") is None
    blocked = Cache(tmp_path / "a-file", salt="tool")
    (tmp_path / "a-file").write_text("not a folder", "utf-8")
    blocked.put("pdf", "key", BLOB, DATA)
    assert blocked.get("pdf", "key") is None


def test_a_temporary_file_left_by_a_killed_build_is_removed_by_the_next_write(tmp_path):
    cache = Cache(tmp_path, salt="tool")
    cache.put("pdf", "key", BLOB, DATA)
    folder = _only_entry(tmp_path).parent
    left = folder / f".{_only_entry(tmp_path).name}.partial-killed.part"
    left.write_bytes(BLOB[:100])
    os.utime(left, (time.time() - 60, time.time() - 60))
    cache.put("pdf", "key", BLOB, DATA)
    assert not left.exists()
    assert cache.get("pdf", "key") == (BLOB, DATA)


def _writer_and_reader(folder: str, me: int, rounds: int, report) -> None:
    """Put entries that another process puts too, with other bytes, and check every one read back.

    Once a key has been put, an entry is always there (renamed into place whole, never rewritten in
    place), so a read of a key this process has put never misses.
    """
    cache = Cache(Path(folder), salt="tool")
    wrong = missed = read = 0
    put: set[str] = set()
    for round_ in range(rounds):
        key = f"key {round_ % 4}"
        cache.put("pdf", key, _bytes_of(me, key), {"writer": me, "key": key})
        put.add(key)
        for other in (f"key {(round_ + 1) % 4}", key):
            found = cache.get("pdf", other)
            if found is None:
                missed += other in put
                continue
            read += 1
            blob, data = found
            if data["key"] != other or blob != _bytes_of(data["writer"], other):
                wrong += 1
    report.put((read, wrong, missed))


def _bytes_of(writer: int, key: str) -> bytes:
    return f"{writer}/{key};".encode() * (20_000 + 30_000 * writer)  # large enough that writes interleave


def test_concurrent_writers_and_readers_never_see_a_mixed_or_partial_entry(tmp_path):
    context = multiprocessing.get_context("spawn")
    report = context.Queue()
    processes = [context.Process(target=_writer_and_reader, args=(str(tmp_path), me, 150, report)) for me in (0, 1)]
    for process in processes:
        process.start()
    results = [report.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0
    assert all(read > 100 for read, _, _ in results), results
    assert [(wrong, missed) for _, wrong, missed in results] == [(0, 0), (0, 0)], "(read wrong, missed) per process"
    assert not [path for path in tmp_path.rglob("*") if path.name.startswith(".")], "no temporary file is left"
    assert len(list(tmp_path.rglob("*.entry"))) == 4


def test_the_tool_fingerprint_covers_the_version_and_every_file_of_the_package(tmp_path):
    from parallelbook.pipeline import PACKAGE, tool_fingerprint

    copy = tmp_path / "parallelbook"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "fonts"))
    before = tool_fingerprint(copy, "1.0")
    assert tool_fingerprint(copy, "1.1") != before
    template = copy / "render" / "templates" / "pdf" / "book.css.j2"
    template.write_text(template.read_text("utf-8") + "\n/* one more rule */\n", "utf-8")
    tool_fingerprint.cache_clear()
    assert tool_fingerprint(copy, "1.0") != before
    tool_fingerprint.cache_clear()


def test_the_tool_fingerprint_names_the_libraries_that_make_the_bytes():
    from parallelbook.pipeline import RUNTIME_DISTRIBUTIONS, _distribution_versions

    versions = dict(entry.split("==") for entry in _distribution_versions(RUNTIME_DISTRIBUTIONS))
    from importlib import metadata

    # WeasyPrint, what it requires (pydyf writes the PDF, tinycss2 reads the CSS), fontTools, Pillow, pandoc.
    for name in ("weasyprint", "pydyf", "tinycss2", "pyphen", "fonttools", "pillow", "jinja2", "pypandoc-binary"):
        assert versions[name] == metadata.version(name), name


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
