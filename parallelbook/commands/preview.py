"""The live preview behind `build.py watch --serve`: an HTTP server on 127.0.0.1 and what it shows.

The watch loop (watch.py) gathers the book after every save and hands the
result to `Preview.update`; the server renders pages from the latest result
on request (render/preview.py) and answers the pages' long poll
(/_preview/wait) as soon as the version moves on, so an open page reloads
itself.  Only these are served: the pages, the book's faces, the book's own
files under /_preview/book/ (images; never a hidden file or one outside the
book), and the finished outputs under /build/ (never the cache).
"""

from __future__ import annotations

import mimetypes
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from ..problems import Problem
from ..render import preview as views
from ..render.templating import TOOL_TEMPLATES, environment

WAIT_SECONDS = 25  # a long poll ends after this much, and the page asks again


@dataclass
class Snapshot:
    """What the pages show: the gathered book and its flags, or the problems that stop it being read."""

    book: object = None  # read.book.Book
    fonts: object = None  # render.fonts.FontSet
    flags: dict = field(default_factory=dict)  # target language -> (path, line) -> [Problem]
    problems: tuple[Problem, ...] = ()  # errors: the book cannot be read
    builds: tuple[dict, ...] = ()  # {href, text}: the outputs of the last build


class Preview:
    """The state the server shows; updated by the watch loop, read by the request threads."""

    def __init__(self, book_dir: Path, out_dir: Path):
        self.book_dir = book_dir.resolve()
        self.out_dir = out_dir.resolve()
        self.env = environment(TOOL_TEMPLATES)  # the tool's own templates: a broken book template must not break the preview
        self.snapshot = Snapshot()
        self.version = 0
        self._changed = threading.Condition()

    def update(self, snapshot: Snapshot) -> None:
        with self._changed:
            self.snapshot = snapshot
            self.version += 1
            self._changed.notify_all()

    def wait(self, since: int, timeout: float = WAIT_SECONDS) -> int:
        with self._changed:
            self._changed.wait_for(lambda: self.version != since, timeout=timeout)
            return self.version

    # ------------------------------------------------------------ what a path shows
    def page(self, path: str, query: dict[str, list[str]]) -> tuple[int, str, bytes]:
        """(status, content type, body) for a request path."""
        snapshot, version = self.snapshot, self.version
        if snapshot.problems or snapshot.book is None:
            waiting = [] if snapshot.problems else ["the book is being read; this page reloads when it is ready"]
            body = views.error_page(self.env, list(snapshot.problems) or waiting, version)
            return HTTPStatus.OK if path in ("/", "/index.html") or path.endswith(".html") else HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", body.encode("utf-8")
        book, fonts = snapshot.book, snapshot.fonts
        if path in ("/", "/index.html"):
            body = views.index_page(self.env, fonts, book.editions, snapshot.flags, list(snapshot.builds), version)
            return HTTPStatus.OK, "text/html; charset=utf-8", body.encode("utf-8")
        if path.endswith(".html") and "/" not in path[1:]:
            stem = path[1:-len(".html")]
            wanted = query.get("lang", [None])[0]
            for edition in book.editions:
                if wanted not in (None, edition.target_lang):
                    continue
                for chapter in edition.chapters:
                    if views.chapter_stem(chapter) == stem:
                        flags = snapshot.flags.get(edition.target_lang, {})
                        body = views.chapter_page(self.env, fonts, edition, chapter, flags, version)
                        return HTTPStatus.OK, "text/html; charset=utf-8", body.encode("utf-8")
        return HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found\n"

    def file(self, path: str) -> Path | None:
        """The file a path names, if it is one the preview may serve."""
        snapshot = self.snapshot
        if path.startswith(views.FONT_ROUTE) and snapshot.fonts is not None:
            return views.font_files(snapshot.fonts).get(path[len(views.FONT_ROUTE):])
        if path.startswith(views.BOOK_ROUTE):
            return _inside(self.book_dir, path[len(views.BOOK_ROUTE):], exclude=self.out_dir)
        if path.startswith("/build/"):
            return _inside(self.out_dir, path[len("/build/"):])
        return None


def _inside(folder: Path, relative: str, exclude: Path | None = None) -> Path | None:
    """folder/relative if it is a file inside folder, not hidden, not under `exclude`; else None."""
    parts = [part for part in relative.split("/") if part]
    if not parts or any(part.startswith(".") or part in ("..", "") or "\\" in part for part in parts):
        return None
    candidate = folder.joinpath(*parts)
    try:
        resolved = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not resolved.is_relative_to(folder) or not resolved.is_file():
        return None
    if exclude is not None and resolved.is_relative_to(exclude):
        return None
    return resolved


def serve(preview: Preview, port: int) -> ThreadingHTTPServer:
    """Start serving on 127.0.0.1:port in a thread of its own; returns the server (its port may be chosen: 0)."""
    allowed_hosts: set[str] = set()

    class Handler(BaseHTTPRequestHandler):
        server_version = "parallelbook-preview"
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # the terminal is for the build's messages
            pass

        def do_GET(self):
            host = (self.headers.get("Host") or "").lower()
            if host not in allowed_hosts:  # a page elsewhere cannot read the preview through DNS rebinding
                return self._send(HTTPStatus.FORBIDDEN, "text/plain; charset=utf-8", b"forbidden\n")
            url = urlparse(self.path)
            path, query = unquote(url.path), parse_qs(url.query)
            if path == "/_preview/wait":
                try:
                    since = int(query.get("since", ["-1"])[0])
                except ValueError:
                    since = -1
                return self._send(HTTPStatus.OK, "text/plain", str(preview.wait(since)).encode("ascii"))
            found = preview.file(path)
            if found is not None:
                try:
                    data = found.read_bytes()
                except OSError:
                    return self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found\n")
                kind = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
                return self._send(HTTPStatus.OK, kind, data)
            status, kind, body = preview.page(path, query)
            return self._send(status, kind, body)

        def _send(self, status, kind: str, body: bytes):
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    actual = server.server_address[1]
    allowed_hosts.update({f"127.0.0.1:{actual}", f"localhost:{actual}"})
    threading.Thread(target=server.serve_forever, name="preview-server", daemon=True).start()
    return server
