"""A content-addressed cache under the output folder.

Every entry is named by the SHA-256 of everything that determines it and
carries the SHA-256 of its own bytes: an entry that does not match is
treated as missing and made again, never trusted.  Writes are atomic, so a
killed build leaves no half entry.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path


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

    def get(self, kind: str, key: str) -> tuple[bytes, dict] | None:
        """The blob and its metadata, or None when absent, unreadable or corrupt."""
        if self.folder is None:
            return None
        blob_path, meta_path = self._paths(kind, key)
        try:
            meta = json.loads(meta_path.read_text("utf-8"))
            blob = blob_path.read_bytes()
        except (OSError, ValueError):
            return None
        if not isinstance(meta, dict) or meta.get("sha256") != hashlib.sha256(blob).hexdigest():
            return None
        return blob, meta.get("data", {})

    def has(self, kind: str, key: str) -> bool:
        """Whether an entry is there (not whether it is sound: get() says that)."""
        return self.folder is not None and all(path.is_file() for path in self._paths(kind, key))

    def put(self, kind: str, key: str, blob: bytes, data: dict) -> None:
        if self.folder is None:
            return
        blob_path, meta_path = self._paths(kind, key)
        meta = {"sha256": hashlib.sha256(blob).hexdigest(), "data": data}
        try:
            blob_path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomically(blob_path, blob)
            _write_atomically(meta_path, json.dumps(meta, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        except OSError:  # a cache that cannot be written keeps nothing; the build goes on (and says so if OUT is unwritable)
            return

    def _paths(self, kind: str, key: str) -> tuple[Path, Path]:
        folder = self.folder / kind / key[:2]
        return folder / f"{key}.bin", folder / f"{key}.json"


def _write_atomically(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
