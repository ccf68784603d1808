"""A content-addressed cache of work already done, which several builds may share.

By default it lives in OUT/.cache; `--cache-dir` (or PARALLELBOOK_CACHE_DIR)
puts it where several output folders, or a CI system's cache, share it.

An entry is one file, named by the SHA-256 of its kind, its key (everything
that determines it) and the cache's salt (the tool itself: its code and the
versions of the libraries that make the bytes), so an entry made by other
code is never found.  The file holds a header line -- the kind, key, salt,
size and a SHA-256 over all of it -- then the bytes.  It is written to a
temporary file and renamed into place, so a reader sees a whole entry or
none, whichever of several concurrent builds wrote it; and it is verified
when read: an entry that is truncated, damaged or not the one asked for is
treated as missing and made again, never trusted.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .files import PART_INFIX, clean_stale_parts, lock_file, new_file_mode

ENTRY_FORMAT = b"parallelbook-cache-entry 1\n"


def digest(*parts: str | bytes) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


@dataclass(frozen=True)
class Cache:
    folder: Path | None  # None: a cache that keeps nothing
    salt: str = ""  # what every entry also depends on: the tool that made it

    def get(self, kind: str, key: str) -> tuple[bytes, dict] | None:
        """The bytes and their metadata, or None when absent, unreadable, damaged or another entry."""
        if self.folder is None:
            return None
        try:
            entry = self._path(kind, key).read_bytes()
        except OSError:
            return None
        return _verified(entry, kind, key, self.salt)

    def has(self, kind: str, key: str) -> bool:
        """Whether an entry is there (not whether it is sound: get() says that)."""
        return self.folder is not None and self._path(kind, key).is_file()

    def put(self, kind: str, key: str, blob: bytes, data: dict) -> None:
        if self.folder is None:
            return
        path = self._path(kind, key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomically(path, _entry(kind, key, self.salt, blob, data))
        except OSError:  # a cache that cannot be written keeps nothing; the build goes on
            return

    def _path(self, kind: str, key: str) -> Path:
        name = digest(kind, key, self.salt)
        return self.folder / kind / name[:2] / f"{name}.entry"


def _entry(kind: str, key: str, salt: str, blob: bytes, data: dict) -> bytes:
    meta = json.dumps(data, ensure_ascii=True, sort_keys=True)
    header = {"kind": kind, "key": key, "salt": salt, "size": len(blob), "data": meta}
    header["sha256"] = digest(kind, key, salt, meta, blob)
    return ENTRY_FORMAT + json.dumps(header, ensure_ascii=True, sort_keys=True).encode("ascii") + b"\n" + blob


def _verified(entry: bytes, kind: str, key: str, salt: str) -> tuple[bytes, dict] | None:
    if not entry.startswith(ENTRY_FORMAT):
        return None
    header_line, newline, blob = entry[len(ENTRY_FORMAT) :].partition(b"\n")
    if not newline:
        return None
    try:
        header = json.loads(header_line)
        if not isinstance(header, dict) or (header.get("kind"), header.get("key"), header.get("salt")) != (kind, key, salt):
            return None
        meta = header["data"]
        if header["size"] != len(blob) or header["sha256"] != digest(kind, key, salt, meta, blob):
            return None
        data = json.loads(meta)
    except (ValueError, KeyError, TypeError):
        return None
    return (blob, data) if isinstance(data, dict) else None


def _write_atomically(path: Path, data: bytes) -> None:
    """Write beside `path`, then rename: readers see the old entry or the new one, never part of one.

    The temporary file is named and locked like the outputs' (files.atomic_output), so one left by a
    killed build is removed by the next write into the same folder, and one being written is not.
    No fsync: an entry lost or torn by a power cut fails verification and is simply made again.
    """
    clean_stale_parts(path.parent)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}{PART_INFIX}", suffix=".part", dir=path.parent)
    try:
        lock_file(handle, wait=True)
        with os.fdopen(os.dup(handle), "wb") as stream:
            stream.write(data)
        os.chmod(temporary, new_file_mode())  # mkstemp's 0o600 would hide it from others sharing the cache
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
        os.close(handle)
