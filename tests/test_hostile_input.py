"""Issue 8: hostile content never makes the build load anything from outside the book.

A book full of raw HTML and Markdown that tries to load things (a style
sheet, a frame, a script, @import, url() in a style attribute, an SVG image
that points out of the book, links to file: URLs, CSS and HTML injected
through book.toml) is built with the real command line.  Meanwhile:

- an HTTP server listening on loopback, on a port chosen by the system,
  counts the requests it gets: there must be none;
- the build runs under a Python audit hook that records every file opened,
  every socket, every URL fetched and every process started: no socket may be
  opened, WeasyPrint may fetch only file: URLs of the book, the templates and
  the fonts, no file beside the book (the decoys below) may be opened, and the
  only process started is pandoc (besides the library lookups of ctypes);
- decoy files outside the book hold a marker that must not appear anywhere in
  the PDF (every stream decompressed) or the EPUB (every entry).

Images that point outside the book are errors, each located at path:line.
"""

from __future__ import annotations

import base64
import http.server
import json
import re
import shutil
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest
from helpers import EPOCH, ROOT, pdf_text

MARKER = "HOSTILE-DECOY-3a9f71"
LINE = re.compile(r"(?P<path>[^\s:][^:]*?)(?::(?P<line>\d+))?(?::\d+)?: (?P<severity>error|warning): (?P<message>.+) \[(?P<code>[A-Z][A-Z0-9-]*)\]")
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str]

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        self.server.requests.append(self.path)
        body = b"body { color: red }"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_HEAD = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture
def loopback():
    """An HTTP server on 127.0.0.1 and a free port, recording every request; stopped after the test."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.requests = []
    server.timeout = 1
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _decoys(root: Path) -> Path:
    folder = root / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text(f"{MARKER} a private file\n", "utf-8")
    (folder / "secret.css").write_text(f'body::before {{ content: "{MARKER}" }}\n', "utf-8")
    (folder / "secret.png").write_bytes(PNG + MARKER.encode("ascii"))
    (folder / "secret.md").write_text(f"# {MARKER}\n", "utf-8")
    return folder


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text("utf-8") + text, "utf-8")


AUDITED = r'''
import json, os, sys
log = {"open": [], "network": [], "processes": []}
NETWORK = {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.sendto", "urllib.Request", "http.client.connect"}
PROCESSES = {"subprocess.Popen", "os.exec", "os.posix_spawn", "os.spawn", "os.system", "os.fork", "os.forkpty"}

def hook(event, args):
    if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        log["open"].append(os.fsdecode(args[0]))
    elif event in NETWORK:
        log["network"].append([event, repr(args)[:300]])
    elif event in PROCESSES:
        log["processes"].append([event, repr(args)[:300]])

sys.path.insert(0, sys.argv[1])
sys.addaudithook(hook)
from parallelbook.cli import main
code = main(sys.argv[3:])
report = json.dumps(log)
with open(sys.argv[2], "w") as stream:
    stream.write(report)
sys.exit(code)
'''


def _audited_build(book: Path, tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess, dict]:
    """Build under the audit hook; the script, its log and HOME live in tmp_path/audit."""
    folder = tmp_path / "audit"
    folder.mkdir(exist_ok=True)
    script = folder / "audited.py"
    script.write_text(AUDITED, "utf-8")
    log = folder / "audit.json"
    result = subprocess.run(
        [sys.executable, str(script), str(ROOT), str(log), *args, "--book", str(book), "--jobs", "1"],
        cwd=book,
        env={"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": EPOCH, "HOME": str(folder)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    return result, json.loads(log.read_text("utf-8")) if log.exists() else {}


def _font_folders() -> list[Path]:
    from parallelbook.render.fonts import font_set

    return sorted({face.path.parent.resolve() for face in font_set({}).faces})


def _pdf_bytes_everywhere(path: Path) -> bytes:
    """The PDF's raw bytes followed by every stream decompressed: what any reader could extract."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    numbers = set(reader.xref_objStm)
    for table in reader.xref.values():
        numbers |= set(table)
    chunks = [path.read_bytes()]
    for number in sorted(numbers):
        obj = reader.get_object(number)
        if hasattr(obj, "get_data"):
            chunks.append(obj.get_data())
    assert len(chunks) > 10, "the PDF's objects were read"
    return b"\n".join(chunks)


def test_hostile_book_loads_nothing_from_outside(book_copy, tmp_path, loopback):
    port = loopback.server_address[1]
    remote = f"http://127.0.0.1:{port}"
    book = book_copy("two-lang")
    shutil.rmtree(book / "translations" / "es")
    decoys = _decoys(book.parent)
    secret = decoys / "secret.png"
    (book / "images").mkdir()
    (book / "images" / "evil.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="20">'
        f'<image href="{remote}/svg-image.png" width="10" height="10"/>'
        f'<image xlink:href="{secret.as_uri()}" x="10" width="10" height="10"/>'
        '<image href="../../outside/secret.png" x="20" width="10" height="10"/>'
        f'<style>@import url("{remote}/svg-import.css");</style>'
        '<rect x="30" width="10" height="10" fill="green"/></svg>\n',
        "utf-8",
    )
    hostile_html = f"""
<link rel="stylesheet" href="{remote}/link.css">

<iframe src="{remote}/frame.html"></iframe>

<script src="{remote}/script.js"></script>

<style>@import url("{remote}/import.css"); body {{ background: url({secret.as_uri()}) }}</style>

<img src="{(decoys / 'secret.txt').as_uri()}">

<object data="file:///etc/passwd"></object>

```{{=html}}
<link rel="stylesheet" href="{(decoys / 'secret.css').as_uri()}">
```
"""
    paired_fa = f"""
::: {{style="background: url({remote}/div.png)"}}
بخش با سبک.
:::

## سرفصل {{style="background: url({remote}/heading.png)"}}

[متن]{{style="background: url({remote}/span.png)"}} و ![نقشه](../images/evil.svg){{style="background: url({remote}/img.png)"}}

| ستون |
| --- |
| خانه |
"""
    paired_en = f"""
::: {{style="background: url({remote}/div.png)"}}
A styled division.
:::

## A heading {{style="background: url({remote}/heading.png)"}}

[text]{{style="background: url({remote}/span.png)"}} with <span style="background-image: url('{remote}/style.png')">STYLED-TEXT</span> and ![a map](../../images/evil.svg) and [a link kept as a link]({remote}/link-only) and [a file]({(decoys / 'secret.txt').as_uri()}).[^9]

| Column |
| --- |
| Cell <img src="{remote}/cell.png"> |

[^9]: A note <img src="{remote}/note.png"> with HTML.
"""
    _append(book / "source" / "02-road.md", paired_fa)
    _append(book / "translations" / "en" / "02-road.md", hostile_html + paired_en)
    (book / "book.toml").write_text(
        "[book]\n"
        f'title = {{ fa = "عنوان", en = "Hostile</title><link rel=\\"stylesheet\\" href=\\"{remote}/title.css\\">" }}\n'
        f'subject = {{ en = "\\"); @import url({remote}/css-string.css); (\\"" }}\n',
        "utf-8",
    )

    result, audit = _audited_build(book, tmp_path, "all")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line]
    assert all(LINE.fullmatch(line) for line in lines), lines
    problems = [LINE.fullmatch(line) for line in lines]

    # It says what it refused, and where.
    refused_html = {p["message"] for p in problems if p["code"] == "RAW-HTML" and p["path"] == "translations/en/02-road.md" and p["line"]}
    for name in ("link.css", "frame.html", "script.js", "import.css", "style.png", "cell.png", "note.png"):
        assert any(f"{remote}/{name}" in message and "is not loaded" in message for message in refused_html), name
    assert any("secret.txt" in m for m in refused_html) and any("file:///etc/passwd" in m for m in refused_html)
    assert any(p["code"] == "LINK-UNSAFE" and "secret.txt" in p["message"] for p in problems)
    refused_pdf = " ".join(p["message"] for p in problems if p["code"] == "PDF-REFUSED-URL")
    assert f"{remote}/svg-image.png" in refused_pdf and secret.as_uri() in refused_pdf

    # Nothing reached the server; no socket, no outside file, no process but pandoc.
    assert loopback.requests == [], loopback.requests
    sockets = [event for event in audit["network"] if event[0] != "urllib.Request"]
    assert sockets == [], sockets
    fetched = [re.match(r"\('([^']*)'", call).group(1) for event, call in audit["network"] if event == "urllib.Request"]
    assert fetched and all(url.startswith("file://") for url in fetched), fetched
    fonts = _font_folders()
    assert all(
        any(Path(url[len("file://"):]).resolve().is_relative_to(root) for root in (book.resolve(), ROOT / "templates", *fonts))
        for url in fetched
    ), f"WeasyPrint read only the book, the templates and the fonts: {fetched}"
    opened = {str(Path(path).resolve()) for path in audit["open"] if not path.startswith(("/proc/", "/dev/"))}
    beside = sorted(
        path
        for path in opened
        if Path(path).is_relative_to(book.parent.resolve())
        and not Path(path).is_relative_to(book.resolve())
        and not Path(path).is_relative_to((tmp_path / "audit").resolve())
    )
    assert beside == [], f"files outside the book were opened: {beside}"
    assert "/etc/passwd" not in opened
    # pandoc, and the dynamic-library lookups of ctypes.util.find_library when WeasyPrint loads Pango
    started = {Path(re.match(r"\('([^']*)'", call).group(1)).name for event, call in audit["processes"] if event == "subprocess.Popen"}
    assert "pandoc" in started and started <= {"pandoc", "pandoc.exe", "ldconfig", "ld", "gcc", "cc", "objdump"}, started

    # Nothing from outside is in the outputs, and no hostile markup either.
    out = book / "build"
    pdf = next(out.glob("*.pdf"))
    epub = next(out.glob("*.epub"))
    assert MARKER.encode() not in _pdf_bytes_everywhere(pdf)
    assert MARKER not in pdf_text(pdf)
    from pypdf import PdfReader

    assert not [image.name for page in PdfReader(pdf).pages for image in page.images], "no image was embedded (the SVG's were refused)"
    with zipfile.ZipFile(epub) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    assert not [name for name, data in entries.items() if MARKER.encode() in data]
    markup = "".join(data.decode("utf-8") for name, data in entries.items() if name.endswith((".xhtml", ".opf")))
    styles = "".join(re.findall(r"<style[^>]*>(.*?)</style>", markup, re.S))
    styles += "".join(data.decode("utf-8") for name, data in entries.items() if name.endswith(".css"))
    for forbidden in ("<link rel=\"stylesheet\" href=\"http", "<iframe", "<script", "<object", " style=\""):
        assert forbidden not in markup, forbidden
    styles = re.sub(r"/\*.*?\*/", "", styles, flags=re.S)
    assert "@import" not in styles
    loaded = re.findall(r"url\(\s*[\"']?([^\"')]+)", styles)
    assert loaded and all(url.startswith("../fonts/") for url in loaded), f"no style loads anything but the fonts: {loaded}"
    references = re.findall(r'(?:href|src|xlink:href|data|poster)="([^"]*)"', markup)
    assert [r for r in references if "127.0.0.1" in r] == [f"{remote}/link-only"], "only the link, kept as a link"
    assert not [r for r in references if r.startswith(("file:", "javascript:", "data:"))]
    assert "STYLED-TEXT" in markup, "the text of stripped HTML is kept"
    assert "&lt;/title&gt;&lt;link" in markup, "the title is text, not markup"
    # The loopback server itself works: the silence above is the build's, not a dead server's.
    import urllib.request

    with urllib.request.urlopen(f"{remote}/probe", timeout=5) as response:
        assert response.status == 200
    assert loopback.requests == ["/probe"]


@pytest.mark.parametrize(
    "reference, code",
    [
        ("file:///etc/passwd", "IMAGE-REMOTE"),
        ("{outside_uri}", "IMAGE-REMOTE"),
        ("{remote}/image.png", "IMAGE-REMOTE"),
        ("//127.0.0.1:{port}/protocol-relative.png", "IMAGE-REMOTE"),
        ("data:image/png;base64,iVBORw0KGgo=", "IMAGE-REMOTE"),
        ("../../../outside/secret.png", "PATH-OUTSIDE"),
        ("{outside_path}", "PATH-OUTSIDE"),
        ("%2e%2e/%2e%2e/%2e%2e/outside/secret.png", "PATH-OUTSIDE"),
        ("../../images/linked.png", "PATH-OUTSIDE"),
    ],
    ids=["file-etc-passwd", "file-uri-beside-the-book", "loopback-http", "protocol-relative", "data-uri", "dot-dot", "absolute-path", "percent-encoded-dot-dot", "link-inside-pointing-out"],
)
def test_images_from_outside_the_book_are_located_errors(reference, code, book_copy, loopback, monkeypatch, capsys):
    from parallelbook import cli

    port = loopback.server_address[1]
    book = book_copy("two-lang")
    decoys = _decoys(book.parent)
    (book / "images").mkdir()
    (book / "images" / "linked.png").symlink_to(decoys / "secret.png")
    reference = reference.format(
        remote=f"http://127.0.0.1:{port}", port=port, outside_uri=(decoys / "secret.png").as_uri(), outside_path=decoys / "secret.png"
    )
    target = book / "translations" / "en" / "02-road.md"
    target.write_text(target.read_text("utf-8").replace("1. The first step", f"1. The first step ![map]({reference})"), "utf-8")
    monkeypatch.chdir(book)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    code_returned = cli.main(["all", "--jobs", "1"])
    err = capsys.readouterr().err
    assert code_returned == 2 and "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and LINE.fullmatch(lines[0]), err
    found = LINE.fullmatch(lines[0])
    assert (found["path"], found["line"], found["code"]) == ("translations/en/02-road.md", "5", code), lines[0]
    assert MARKER not in err
    assert loopback.requests == []
    assert not list((book / "build").glob("*.pdf")) + list((book / "build").glob("*.epub")), "nothing written"


def test_links_pointing_out_of_the_book_are_refused_without_being_read(book_copy, tmp_path):
    """A chapter, a font, an image and a template that are links to files beside the book: refused, never opened."""
    book = book_copy("two-lang")
    decoys = _decoys(book.parent)
    chapter = book / "translations" / "es" / "02-road.md"
    chapter.unlink()
    chapter.symlink_to(decoys / "secret.md")
    (book / "fonts").mkdir()
    (book / "fonts" / "Linked.ttf").symlink_to(decoys / "secret.png")
    (book / "book.toml").write_text('[fonts]\nlatin = "fonts/Linked.ttf"\n', "utf-8")
    (book / "images").mkdir()
    (book / "images" / "map.png").symlink_to(decoys / "secret.png")
    (book / "templates" / "pdf").mkdir(parents=True)
    (book / "templates" / "pdf" / "book.html.j2").symlink_to(decoys / "secret.txt")
    target = book / "translations" / "en" / "02-road.md"
    target.write_text(target.read_text("utf-8").replace("1. The first step", "1. The first step ![map](../../images/map.png)"), "utf-8")

    result, audit = _audited_build(book, tmp_path, "all")
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    found = {(m["path"], m["code"]) for m in map(LINE.fullmatch, result.stderr.splitlines())}
    assert ("translations/es/02-road.md", "PATH-OUTSIDE") in found
    assert ("book.toml", "CONFIG-PATH-OUTSIDE") in found
    assert ("translations/en/02-road.md", "PATH-OUTSIDE") in found
    assert MARKER not in result.stderr + result.stdout
    opened = {str(Path(path).resolve()) for path in audit["open"]}
    assert not [path for path in opened if Path(path).is_relative_to(decoys.resolve())], "a file beside the book was opened"
