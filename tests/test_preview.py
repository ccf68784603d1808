"""`build.py watch --serve`: the live preview as a writer uses it, in headless chromium.

One server on a copy of the bidi fixture (a Persian–English pair with mixed
directions and three flags from `check`) for the whole module; the tests run
in file order: look, edit, break, mend.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
from helpers import EPOCH, FIXTURES, ROOT
from review_conftest_helpers import Chromium

ENGLISH = Path("translations") / "en" / "01-mixed.md"
RELOAD_SECONDS = 2.0  # the promise: a save shows in the browser within 2 s


class Server:
    """`build.py watch --serve --port 0` in its own process; its output collected line by line."""

    def __init__(self, book: Path):
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "watch", "--serve", "--port", "0", "--book", str(book), "--jobs", "2"],
            env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "CI": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        first = self.process.stdout.readline()
        self.lines.append(first)
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", first)
        assert found, first
        self.port = int(found.group(1))
        self.url = f"http://127.0.0.1:{self.port}/"
        threading.Thread(target=self._collect, daemon=True).start()

    def _collect(self):
        for line in self.process.stdout:
            self.lines.append(line)

    def get(self, path: str, host: str | None = None) -> tuple[int, bytes]:
        request = urllib.request.Request(self.url.rstrip("/") + path, headers={"Host": host or f"127.0.0.1:{self.port}"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def wait_for_output(self, text: str, after: int, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines[after:]):
            assert self.process.poll() is None, "".join(self.lines)
            assert time.monotonic() < deadline, f"no {text!r} in: {''.join(self.lines)}"
            time.sleep(0.2)

    def stop(self):
        self.process.send_signal(signal.SIGINT)  # Ctrl-C, as a writer stops it
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    if not shutil.which("chromium"):
        pytest.fail("chromium is not installed: run `make system` (tools/system-deps.sh)")
    work = tmp_path_factory.mktemp("preview")
    book = work / "book"
    shutil.copytree(FIXTURES / "books" / "bidi", book)
    server = Server(book)  # the outputs in BOOK/build, inside the book folder
    try:
        status, _ = server.get("/_preview/wait?since=0")  # answered once the book has been gathered
        assert status == 200
        with Chromium(work / "profile") as browser:
            yield {"server": server, "browser": browser, "book": book, "out": book / "build"}
    finally:
        server.stop()


def _show_until(browser, expression: str, timeout: float) -> float:
    """Seconds until `expression` is true in the open page (the page reloading meanwhile)."""
    return _value_when_shown(browser, expression, timeout)[0]


def _value_when_shown(browser, expression: str, timeout: float):
    """(seconds, value) once `expression` has a true value in the open page."""
    started = time.monotonic()
    while True:
        try:
            value = browser.evaluate(expression)
            if value:
                return time.monotonic() - started, value
        except RuntimeError:  # the page was between two documents
            pass
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not shown within {timeout} s: {expression}")
        time.sleep(0.05)


def test_the_index_lists_the_chapters_with_their_flags(served):
    browser, server = served["browser"], served["server"]
    browser.open(server.url)
    links = browser.evaluate("[...document.querySelectorAll('ol.chapters a')].map(a => a.getAttribute('href'))")
    assert links == ["/01-mixed.html?lang=en"], "the page of source/01-mixed.md is /01-mixed.html"
    assert browser.evaluate("document.querySelector('.flag-count').textContent") == "(3 flags)"


def test_a_chapter_reads_side_by_side_in_the_books_faces_with_flags_in_place(served):
    browser, server = served["browser"], served["server"]
    browser.open(server.url + "01-mixed.html")
    sides = browser.evaluate(
        "[...document.querySelectorAll('#c1-p1 .side')].map(s => { const r = s.getBoundingClientRect();"
        " return {lang: s.lang, dir: s.dir, left: r.left, right: r.right, top: r.top, text: s.innerText}; })"
    )
    persian, english = sides
    assert (persian["lang"], persian["dir"], english["lang"], english["dir"]) == ("fa", "rtl", "en", "ltr")
    assert persian["left"] >= english["right"], "side by side, the Persian on the right"
    assert abs(persian["top"] - english["top"]) < 1, "both start level"
    assert "دیدار با" in persian["text"] and "The meeting with" in english["text"]
    # The book's own faces, loaded from the preview server, draw the text.
    browser.evaluate("document.fonts.ready.then(() => true)", wait=True)
    loaded = browser.evaluate("[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family.replace(/\"/g, ''))")
    from parallelbook.render.fonts import font_set

    fonts = font_set({})
    assert fonts.persian_family in loaded and fonts.latin_family in loaded, loaded
    family = browser.evaluate("getComputedStyle(document.querySelector('#c1-p1 .side[lang=fa] p')).fontFamily")
    assert family.split(",")[0].strip('"') == fonts.persian_family
    # check's findings, under the pair they are about.
    flags = browser.evaluate("[...document.querySelectorAll('#c1-p1 .flags li')].map(li => li.textContent)")
    assert {flag.split(":")[0] for flag in flags} == {"NUMBER-MISMATCH", "LINK-MISMATCH", "URL-MISMATCH"}
    assert any("3 in the English is not in the Persian" in flag for flag in flags)
    requested = browser.requested_urls()
    assert requested and all(url.startswith(server.url) for url in requested), "nothing from elsewhere"


def test_a_save_shows_in_the_browser_within_two_seconds_and_the_outputs_follow(served):
    browser, server, book = served["browser"], served["server"], served["book"]
    browser.open(server.url + "01-mixed.html")
    version = browser.evaluate("document.body.dataset.version")
    server.wait_for_output("rebuilt in", 0)  # the first build has finished
    before = len(server.lines)
    english = book / ENGLISH
    english.write_text(english.read_text("utf-8").replace("ended in 1990", "ended in 1991"), "utf-8")
    seconds = _show_until(browser, "document.body.innerText.includes('ended in 1991')", timeout=30)
    assert seconds < RELOAD_SECONDS, f"the edit showed after {seconds:.2f} s"
    assert browser.evaluate("document.body.dataset.version") != version, "the page reloaded itself"
    # The flag about the number follows the text.
    flags = browser.evaluate("[...document.querySelectorAll('#c1-p1 .flags li')].map(li => li.textContent).join(' ')")
    assert "1990 in the Persian is not in the English" in flags and "1991" in flags
    # Behind the preview, the PDF and the EPUB were rebuilt with the edit.
    server.wait_for_output("rebuilt in", before)
    epub = next(served["out"].glob("*.epub"))
    with zipfile.ZipFile(epub) as archive:
        assert any(b"ended in 1991" in archive.read(name) for name in archive.namelist() if name.endswith(".xhtml"))
    pdf = next(served["out"].glob("*.pdf"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "1991" in text


def test_a_broken_save_shows_the_located_error_and_the_mended_one_the_chapter(served):
    browser, server, book = served["browser"], served["server"], served["book"]
    browser.open(server.url + "01-mixed.html")
    config = book / "book.toml"
    original = config.read_text("utf-8") if config.exists() else None
    config.write_text('[book]\ntitle = "unfinished\n', "utf-8")
    try:
        seconds, shown = _value_when_shown(browser, "document.querySelector('#problems')?.textContent", timeout=30)
        assert seconds < RELOAD_SECONDS
        assert re.search(r"book\.toml:2:\d+: error: .*\[CONFIG-SYNTAX\]", shown), shown
        assert server.process.poll() is None, "the server goes on"
    finally:
        if original is None:
            config.unlink()
        else:
            config.write_text(original, "utf-8")
    _show_until(browser, "!!document.querySelector('#c1-p1')", timeout=30)


def test_it_listens_on_loopback_only_and_serves_nothing_outside_the_book_and_build(served):
    server = served["server"]
    # /proc/net/tcp lists the listening socket by local address: 0100007F is 127.0.0.1.
    listening = [
        line.split()[1] for line in Path("/proc/net/tcp").read_text().splitlines()[1:] if line.split()[3] == "0A"
    ]
    assert f"0100007F:{server.port:04X}" in listening
    assert not any(address.endswith(f":{server.port:04X}") and not address.startswith("0100007F") for address in listening)
    assert server.get("/_preview/fonts/persian.ttf")[0] == 200
    pdf = next(served["out"].glob("*.pdf")).name
    assert server.get(f"/build/{pdf}")[0] == 200
    for path in (
        "/build/.cache/manifest.json",  # the cache is not an output
        "/build/../book.toml",
        "/_preview/book/../../etc/passwd",
        "/_preview/book/%2e%2e/%2e%2e/etc/passwd",
        "/_preview/book/build/" + pdf,  # the book's files, but not its build folder
        "/_preview/book/build/.cache/manifest.json",
        "/etc/passwd",
        "/_preview/fonts/../../etc/passwd",
    ):
        assert server.get(path)[0] == 404, path
    assert server.get("/", host="attacker.example:80")[0] == 403, "another host name (DNS rebinding) is refused"
