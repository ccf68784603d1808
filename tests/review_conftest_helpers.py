"""Shared helpers for the review tests (check, approve, review, export).

Books are copied into temporary folders and edited there; commands run with
the book folder as the working folder, so that locations print as a person
sees them (`translations/en/01-calendar.md:5:1`).
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from parallelbook import cli
from parallelbook.read.markdown import pandoc_json
from parallelbook.review.rows import BookReview, review_book

TESTS = Path(__file__).resolve().parent
FIXTURE = TESTS / "fixtures" / "review"
SAMPLE = TESTS.parent  # the repository is the sample book
CH1, CH2 = "01-calendar.md", "02-nowruz.md"
SRC1, SRC2 = f"source/{CH1}", f"source/{CH2}"
EN1, EN2 = f"translations/en/{CH1}", f"translations/en/{CH2}"


def copy_book(destination: Path, book: Path = FIXTURE) -> Path:
    """A private copy of a book (its text and settings only) to edit."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in ("source", "translations"):
        shutil.copytree(book / name, destination / name)
    if (book / "book.toml").is_file():
        shutil.copy(book / "book.toml", destination / "book.toml")
    return destination


@contextlib.contextmanager
def inside(folder: Path):
    previous = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)


def edit(book: Path, relative: str, old: str, new: str) -> None:
    path = book / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(book: Path, relative: str, anchor: str) -> int:
    """The 1-based line where `anchor` first occurs (`^text`: the whole line is `text`).

    This is the truth a reported location is compared with.
    """
    for number, line in enumerate((book / relative).read_text(encoding="utf-8").splitlines(), start=1):
        if line == anchor[1:] if anchor.startswith("^") else anchor in line:
            return number
    raise AssertionError(f"{anchor!r} is not in {relative}")


def where(book: Path, relative: str, anchor: str, needle: str | None = None) -> str:
    """`path:line:col` of a block (column 1) or of `needle` on the block's line."""
    line = line_of(book, relative, anchor)
    column = 1
    if needle is not None:
        text = (book / relative).read_text(encoding="utf-8").splitlines()[line - 1]
        column = text.index(needle) + 1
    return f"{relative}:{line}:{column}"


@functools.lru_cache(maxsize=None)
def _pandoc(text: str) -> str:
    return json.dumps(pandoc_json(text))


def pandoc_once(text: str) -> dict:
    """Real pandoc, run once per distinct text: most files of a variant are unchanged."""
    return json.loads(_pandoc(text))


def review(book: Path, lang: str | None = None) -> BookReview:
    with inside(book):
        return review_book(Path("."), lang, parse=pandoc_once)


def problems(book: Path, lang: str | None = None) -> list[str]:
    """Every problem check reports, as printed."""
    return [str(p) for p in review(book, lang).problems]


def found(book: Path) -> set[tuple[str, str]]:
    """(code, path:line:col) of every problem check reports."""
    return {(p.code, str(p.location)) for p in review(book).problems}


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def run_cli(book: Path, *args: str) -> Run:
    """`build.py ARGS --book .` run in the book folder, in this process."""
    out, err = io.StringIO(), io.StringIO()
    with inside(book), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main([*args, "--book", "."])
    return Run(code, out.getvalue(), err.getvalue())


def snapshot(book: Path) -> dict[str, bytes]:
    """Every file of a book and its content: to prove a command changed nothing."""
    return {str(p.relative_to(book)): p.read_bytes() for p in sorted(book.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- a real browser


class Chromium:
    """Headless Debian chromium driven over the DevTools protocol on a pipe (no websocket, no port).

    `--remote-debugging-pipe` makes chromium read NUL-terminated JSON commands
    on file descriptor 3 and answer on 4.  Every wait is bounded.
    """

    def __init__(self, profile: Path, timeout: float = 20.0):
        import subprocess

        self.timeout = timeout
        self.events: list[dict] = []
        self._next = 0
        self._buffer = b""
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def descriptors():  # in the child: the pipes become fds 3 and 4
            a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.process = subprocess.Popen(
            [
                "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-extensions", "--mute-audio",
                f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank",
            ],
            preexec_fn=descriptors,
            close_fds=False,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.session: str | None = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        try:
            self.call("Browser.close", session=False)
        except Exception:
            pass
        try:
            self.process.wait(10)
        except Exception:
            self.process.kill()
            self.process.wait(10)
        os.close(self._to_chrome)
        os.close(self._from_chrome)

    def _read(self, deadline: float) -> dict:
        import json
        import select
        import time

        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_chrome], [], [], left)[0]:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self._from_chrome, 1 << 16)
            if not chunk:
                raise EOFError("chromium closed the pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, params: dict | None = None, session: bool = True) -> dict:
        import json
        import time

        self._next += 1
        message = {"id": self._next, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            answer = self._read(deadline)
            if answer.get("id") == self._next:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)

    def open(self, url: str) -> None:
        """Open a page in a new tab and wait until it has loaded."""
        import time

        target = self.call("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True}, session=False)["sessionId"]
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.call(f"{domain}.enable")
        self.call("Page.navigate", {"url": url})
        deadline = time.monotonic() + self.timeout
        while self.evaluate("document.readyState") != "complete":
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} did not load")
            time.sleep(0.05)

    def evaluate(self, expression: str, wait: bool = False):
        """The value of a JavaScript expression in the page (`wait`: of the promise it returns)."""
        params = {"expression": expression, "returnByValue": True, "awaitPromise": wait}
        result = self.call("Runtime.evaluate", params)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of the element (pressed, then released)."""
        import json

        box = self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)}); e.scrollIntoView({{block: 'center'}});"
            " const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()"
        )
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", {"type": kind, "x": box[0], "y": box[1], "button": "left", "clickCount": 1})

    def requested_urls(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"]

    def exceptions(self) -> list[dict]:
        return [e for e in self.events if e.get("method") == "Runtime.exceptionThrown"]
