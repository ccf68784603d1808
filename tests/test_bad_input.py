"""Issue 8: a catalogue of bad inputs, each with the message and exit code it must give.

Every case starts from a copy of the two-language fixture book, breaks one
thing, runs the command line in-process (`cli.main`, exactly what build.py
calls) and checks: the exit code; that every line on stderr has the form
`path[:line[:column]]: error|warning: message [CODE]`; that the expected
problems are there, at the expected file and line; that no traceback is
printed; and, when the build fails, that no output was written.

Inputs that must be accepted (BOM, CRLF, CR, decomposed file names, tables)
and inputs that only warn (raw HTML, unknown settings, unused footnotes, bidi
overrides, scripting links) are built for real, once each, with the CLI in a
subprocess, and their outputs are read back.  The guarantees around the
catalogue (internal errors, atomic outputs under SIGKILL, the user's files
never touched) are tested at the end.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Callable

import pytest
from helpers import EPOCH, FIXTURES, ROOT, pdf_text, run_build, squash

BAD = FIXTURES / "bad"
LINE = re.compile(
    r"(?P<path>[^\s:][^:]*?)(?::(?P<line>\d+))?(?::(?P<column>\d+))?: (?P<severity>error|warning): "
    r"(?P<message>.+) \[(?P<code>[A-Z][A-Z0-9-]*)\]"
)
OUTSIDE_SECRET = "OUTSIDE-SECRET-5d1c0e"  # the content of files outside the book: must never be read into anything


# ---------------------------------------------------------------- the catalogue


@dataclass(frozen=True)
class Expect:
    code: str
    path: str
    line: int | None = None  # None: not checked; 0: the problem names no line
    message: str = ""  # a regular expression the message must contain
    severity: str = "error"


@dataclass(frozen=True)
class Case:
    id: str
    setup: Callable[[Path], None]
    expect: tuple[Expect, ...]
    exit_code: int = 2
    args: tuple[str, ...] = ()
    patch: Callable | None = None  # (monkeypatch, book) -> None, for what a file system cannot do as root
    book_arg: str = "."  # --book, relative to the book copy


def put(book: Path, relative: str, data: str | bytes) -> None:
    path = book / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_bytes(data.encode("utf-8"))


def edit(book: Path, relative: str, old: str, new: str) -> None:
    path = book / relative
    text = path.read_text("utf-8")
    assert old in text, (relative, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


def outside(book: Path, name: str = "secret.md") -> Path:
    """A file next to the book folder, which the build must never read."""
    folder = book.parent / "outside"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(f"# {OUTSIDE_SECRET}\n\n{OUTSIDE_SECRET}\n", "utf-8")
    return path


def _chapter(book: Path, relative: str, data: bytes) -> None:
    put(book, relative, data)


def _no_translations(book: Path) -> None:
    shutil.rmtree(book / "translations")


def _symlink(book: Path, relative: str, target: Path | str) -> None:
    path = book / relative
    path.unlink(missing_ok=True)
    path.symlink_to(target)


def _permission_denied(name: str):
    def patch(monkeypatch, book: Path) -> None:
        real = Path.read_bytes

        def read_bytes(self):
            if self.name == name:
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)

    return patch


def _template(relative: str, body: str):
    return lambda book: put(book, f"templates/{relative}", body)


def _nested_list(depth: int, word: str) -> str:
    return "\n".join("  " * level + f"- {word} {level + 1}" for level in range(depth)) + "\n"


SRC1, EN1, ES1 = "source/01-beginning.md", "translations/en/01-beginning.md", "translations/es/01-beginning.md"
SRC2, EN2, ES2 = "source/02-road.md", "translations/en/02-road.md", "translations/es/02-road.md"

CASES = [
    # ------------------------------------------------------------ files
    Case(
        "not-utf8-cp1256",
        lambda b: _chapter(b, SRC2, (BAD / "cp1256.md").read_bytes()),
        (Expect("ENCODING", SRC2, 5, r"byte 0xd3 at byte offset 23 \(line 5, column 1\).*Windows-1256.*save the file as UTF-8"),),
    ),
    Case(
        "not-utf8-latin1",
        lambda b: _chapter(b, EN1, (BAD / "latin1.md").read_bytes()),
        (Expect("ENCODING", EN1, 3, r"byte 0xe9 at byte offset 35 \(line 3, column 14\)"),),
    ),
    Case(
        "not-utf8-bom-offset",
        lambda b: _chapter(b, EN1, b"\xef\xbb\xbf# Title\r\n\r\nna\xefve\r\n"),
        (Expect("ENCODING", EN1, 3, r"byte 0xef at byte offset 16 \(line 3, column 3\)"),),
    ),
    Case(
        "utf16",
        lambda b: _chapter(b, EN1, (BAD / "utf16.md").read_bytes()),
        (Expect("ENCODING", EN1, 1, r"UTF-16 byte order mark"),),
    ),
    Case(
        "nul-byte",
        lambda b: _chapter(b, ES2, (BAD / "nul.md").read_bytes()),
        (Expect("NUL-BYTE", ES2, 3, r"NUL byte"),),
    ),
    Case(
        "control-character",
        lambda b: edit(b, EN2, "The first step", "The first\x0c step"),
        (Expect("CONTROL-CHAR", EN2, 5, r"U\+000C"),),
    ),
    Case("empty-chapter", lambda b: put(b, EN2, ""), (Expect("CHAPTER-EMPTY", EN2, 1, "file is empty"),)),
    Case(
        "whitespace-chapter",
        lambda b: put(b, EN2, " \n\t\r\n   \n"),
        (Expect("CHAPTER-EMPTY", EN2, 1, "only white space"),),
    ),
    Case(
        "comment-only-chapter",
        lambda b: put(b, EN2, "<!-- to be translated -->\n"),
        (Expect("CHAPTER-EMPTY", EN2, 1, "no text blocks"),),
    ),
    Case(
        "crlf-line-numbers",
        lambda b: put(b, EN1, (b / EN1).read_text("utf-8").replace("> A short", "A short").replace("\n", "\r\n")),
        (Expect("ALIGN-KIND", EN1, 8, r"paragraph translates the .*block quote at source/01-beginning.md:8"),),
    ),
    Case(
        "cr-line-numbers",
        lambda b: put(b, EN1, (b / EN1).read_text("utf-8").replace("> A short", "A short").replace("\n", "\r")),
        (Expect("ALIGN-KIND", EN1, 8, r"paragraph translates the .*block quote"),),
    ),
    Case("missing-translations-folder", _no_translations, (Expect("NO-TRANSLATIONS-DIR", "translations", 0),)),
    Case("missing-source-folder", lambda b: shutil.rmtree(b / "source"), (Expect("NO-SOURCE-DIR", "source", 0),)),
    Case(
        "no-translation-language",
        lambda b: [shutil.rmtree(p) for p in (b / "translations").iterdir()],
        (Expect("NO-TRANSLATION", "translations", 0),),
    ),
    Case(
        "no-chapters",
        lambda b: [p.rename(p.with_suffix(".txt")) for p in (b / "source").iterdir()],
        (Expect("NO-CHAPTERS", "source", 0),),
    ),
    Case(
        "language-folder-not-a-tag",
        lambda b: (b / "translations" / "es").rename(b / "translations" / "es_ES"),
        (Expect("LANGUAGE-TAG", "translations/es_ES", 0, r"'es_ES' is not a language tag"),),
    ),
    Case(
        "translation-without-source",
        lambda b: put(b, "translations/en/03-extra.md", "# Extra\n"),
        (Expect("SOURCE-MISSING", "translations/en/03-extra.md", 0, r"no source chapter source/03-extra.md"),),
    ),
    Case(
        "source-without-translations",
        lambda b: [p.unlink() for p in (b / "translations" / "es").iterdir()],
        (
            Expect("TRANSLATION-MISSING", SRC1, 0, r"no es translation: expected translations/es/01-beginning.md"),
            Expect("TRANSLATION-MISSING", SRC2, 0, r"no es translation"),
        ),
    ),
    Case(
        "translation-name-differs-in-case",
        lambda b: (b / EN2).rename(b / "translations/en/02-Road.md"),
        (
            Expect("SOURCE-MISSING", "translations/en/02-Road.md", 0, r"source/02-road.md differs only in case"),
            Expect("TRANSLATION-MISSING", SRC2, 0, r"no en translation"),
        ),
    ),
    Case(
        "names-sort-equal-case",
        lambda b: [put(b, "source/02-Road.md", "# x\n"), put(b, "translations/en/02-Road.md", "# x\n"), put(b, "translations/es/02-Road.md", "# x\n")],
        (Expect("CHAPTER-NAME-CLASH", "source/02-road.md", 0, r"sorts equal to 02-Road.md"),),
    ),
    Case(
        "names-sort-equal-suffix",
        lambda b: put(b, "source/01-beginning.markdown", "# x\n"),
        (Expect("CHAPTER-NAME-CLASH", "source/01-beginning.md", 0, r"sorts equal to 01-beginning.markdown"),),
    ),
    Case(
        "names-sort-equal-unicode",
        lambda b: [
            put(b, "source/" + unicodedata.normalize("NFC", "03-آب.md"), "# آب\n"),
            put(b, "source/" + unicodedata.normalize("NFD", "03-آب.md"), "# آب\n"),
        ],
        (Expect("CHAPTER-NAME-CLASH", "source/03-", 0, r"sorts equal to"),),
    ),
    Case(
        "dangling-link",
        lambda b: _symlink(b, EN2, b / "nowhere.md"),
        (Expect("UNREADABLE", EN2, 0, r"it is a link to .*nowhere.md, which does not exist"),),
    ),
    Case(
        "chapter-linked-from-outside",
        lambda b: _symlink(b, EN2, outside(b)),
        (Expect("PATH-OUTSIDE", EN2, 0, r"link to .*outside/secret.md, outside the book folder"),),
    ),
    Case(
        "chapter-permission-denied",
        lambda b: None,
        (Expect("UNREADABLE", EN2, 0, "permission denied"),),
        patch=_permission_denied("02-road.md"),
    ),
    Case(
        "book-toml-permission-denied",
        lambda b: put(b, "book.toml", "[book]\n"),
        (Expect("UNREADABLE", "book.toml", 0, "permission denied"),),
        patch=_permission_denied("book.toml"),
    ),
    Case("book-folder-missing", lambda b: None, (Expect("BOOK-NOT-FOUND", "no-such-book", 0, "does not exist"),), book_arg="no-such-book"),
    Case(
        "book-folder-is-a-file",
        lambda b: put(b, "a-file", "x"),
        (Expect("BOOK-NOT-FOUND", "a-file", 0, "is a file, not a folder"),),
        book_arg="a-file",
    ),
    Case(
        "output-folder-is-a-file",
        lambda b: put(b, "not-a-folder", "x"),
        (Expect("OUTPUT-UNWRITABLE", "not-a-folder/the-journey-begins.fa-en.pdf", 0, r"cannot write the output"),),
        args=("pdf", "--lang", "en", "--out", "not-a-folder"),
    ),
    # ------------------------------------------------------------ book.toml
    Case(
        "toml-syntax-error",
        lambda b: put(b, "book.toml", '[book]\ntitle = "x"\nsubject = "unclosed\n'),
        (Expect("CONFIG-SYNTAX", "book.toml", 3, r"not valid TOML: Illegal character"),),
    ),
    Case(
        "toml-syntax-error-at-end",
        lambda b: put(b, "book.toml", '[book]\ntitle = \n'),
        (Expect("CONFIG-SYNTAX", "book.toml", 2, r"not valid TOML: Invalid value"),),
    ),
    Case(
        "toml-not-utf8",
        lambda b: put(b, "book.toml", '[book]\ntitle = "caf\xe9"\n'.encode("latin-1")),
        (Expect("ENCODING", "book.toml", 2, r"byte 0xe9"),),
    ),
    Case(
        "toml-wrong-type-bool",
        lambda b: put(b, "book.toml", '[orthography]\nzwnj_fixes = "yes"\n'),
        (Expect("CONFIG-TYPE", "book.toml", 2, r"orthography.zwnj_fixes must be true or false, not 'yes'"),),
    ),
    Case(
        "toml-wrong-type-list",
        lambda b: put(b, "book.toml", '[pdf]\nlayout = "columns"\npaper = ["A4"]\n'),
        (Expect("CONFIG-TYPE", "book.toml", 3, r"pdf.paper must be a paper size \(A4, A5, B5, Letter, Legal, half-letter, or WIDTHxHEIGHT.*, not \['A4'\]"),),
    ),
    Case(
        "toml-table-as-value",
        lambda b: put(b, "book.toml", 'pdf = "A4"\n'),
        (Expect("CONFIG-TYPE", "book.toml", 1, r"pdf must be a table"),),
    ),
    Case(
        "toml-dotted-key-wrong-value",
        lambda b: put(b, "book.toml", '[book]\ntitle.fa = "عنوان"\n\n[epub]\nfirst = "english"\n'),
        (Expect("CONFIG-TYPE", "book.toml", 5, r'epub.first must be "source" or "translation"'),),
    ),
    Case(
        "toml-language-not-a-tag",
        lambda b: put(b, "book.toml", '[book]\nsource_language = "fa\\"><x"\n'),
        (Expect("CONFIG-TYPE", "book.toml", 2, r"book.source_language must be a language tag"),),
    ),
    Case(
        "toml-control-character",
        lambda b: put(b, "book.toml", '[book]\ntitle = "a\\u0007b"\n'),
        (Expect("CONFIG-TYPE", "book.toml", 2, r"book.title contains a control character"),),
    ),
    Case(
        "font-does-not-exist",
        lambda b: put(b, "book.toml", '[fonts]\nlatin = "fonts/Missing-Regular.ttf"\n'),
        (Expect("FONT-NOT-FOUND", "book.toml", 2, r"fonts.latin: no such font file: fonts/Missing-Regular.ttf"),),
    ),
    Case(
        "font-not-a-font",
        lambda b: [put(b, "fonts/Bad.ttf", (BAD / "not-a-font.ttf").read_bytes()), put(b, "book.toml", '[fonts]\n\npersian = "fonts/Bad.ttf"\n')],
        (Expect("FONT-INVALID", "book.toml", 3, r"fonts.persian: fonts/Bad.ttf is not a TrueType or OpenType font"),),
    ),
    Case(
        "font-outside-relative",
        lambda b: put(b, "book.toml", '[fonts]\nlatin = "../outside/secret.ttf"\n'),
        (Expect("CONFIG-PATH-OUTSIDE", "book.toml", 2, r"fonts.latin points outside the book folder"),),
    ),
    Case(
        "font-outside-absolute",
        lambda b: put(b, "book.toml", '[fonts]\nlatin = "/etc/passwd"\n'),
        (Expect("CONFIG-PATH-OUTSIDE", "book.toml", 2, r"points outside the book folder: /etc/passwd"),),
    ),
    Case(
        "font-linked-from-outside",
        lambda b: [(b / "fonts").mkdir(), _symlink(b, "fonts/Linked.ttf", outside(b, "font.ttf")), put(b, "book.toml", '[fonts]\nlatin = "fonts/Linked.ttf"\n')],
        (Expect("CONFIG-PATH-OUTSIDE", "book.toml", 2, r"points outside the book folder: fonts/Linked.ttf"),),
    ),
    Case(
        "font-path-with-nul",
        lambda b: put(b, "book.toml", '[fonts]\nlatin = "fonts/a\\u0000.ttf"\n'),
        (Expect("CONFIG-TYPE", "book.toml", 2, r"fonts.latin"),),
    ),
    # ------------------------------------------------------------ templates (the PDF's are rendered first)
    Case(
        "template-syntax-error",
        _template("pdf/book.html.j2", "<html>\n{% if %}\n</html>\n"),
        (Expect("TEMPLATE-SYNTAX", "templates/pdf/book.html.j2", 2, r"Expected an expression"),),
        args=("pdf", "--lang", "en"),
    ),
    Case(
        "template-undefined-variable",
        _template("pdf/book.css.j2", "@page { size: {{ paper }}; }\nbody { color: {{ colour }}; }\n"),
        (Expect("TEMPLATE-UNDEFINED", "templates/pdf/book.css.j2", 2, r"'colour' is undefined"),),
        args=("pdf", "--lang", "en"),
    ),
    Case(
        "template-error-in-included-template",
        lambda b: [
            put(b, "templates/pdf/book.html.j2", "<html>\n{% include 'pdf/part.html.j2' %}\n</html>\n"),
            put(b, "templates/pdf/part.html.j2", "<p>one</p>\n<p>{{ missing.value }}</p>\n"),
        ],
        (Expect("TEMPLATE-UNDEFINED", "templates/pdf/part.html.j2", 2, r"'missing' is undefined"),),
        args=("pdf", "--lang", "en"),
    ),
    Case(
        "template-include-missing",
        _template("pdf/book.html.j2", "<html>\n\n{% include 'pdf/nowhere.html.j2' %}\n</html>\n"),
        (Expect("TEMPLATE-MISSING", "templates/pdf/book.html.j2", 3, r"'pdf/nowhere.html.j2' not found"),),
        args=("pdf", "--lang", "en"),
    ),
    Case(
        "template-runtime-error",
        _template("pdf/book.html.j2", "<html>\n{{ 1 // 0 }}\n</html>\n"),
        (Expect("TEMPLATE-ERROR", "templates/pdf/book.html.j2", 2, r"ZeroDivisionError"),),
        args=("pdf", "--lang", "en"),
    ),
    Case(
        "template-escapes-the-sandbox",
        _template("pdf/book.html.j2", "<html>\n{{ ''.__class__.__mro__[1].__subclasses__() }}\n</html>\n"),
        (Expect("TEMPLATE-ERROR", "templates/pdf/book.html.j2", 2, r"unsafe"),),
        args=("pdf", "--lang", "en"),
    ),
    Case(
        "template-not-utf8",
        _template("pdf/book.html.j2", "<html>\n<p>caf\xe9</p>\n".encode("latin-1")),
        (Expect("ENCODING", "templates/pdf/book.html.j2", 2, r"byte 0xe9"),),
        args=("pdf", "--lang", "en"),
    ),
    Case(
        "template-linked-from-outside",
        lambda b: [(b / "templates" / "pdf").mkdir(parents=True), _symlink(b, "templates/pdf/book.html.j2", outside(b, "t.j2"))],
        (Expect("PATH-OUTSIDE", "templates/pdf/book.html.j2", 0, r"template is a link to .*outside"),),
        args=("pdf", "--lang", "en"),
    ),
    Case(
        "template-permission-denied",
        _template("pdf/book.html.j2", "<html></html>\n"),
        (Expect("UNREADABLE", "templates/pdf/book.html.j2", 0, r"permission denied|Permission denied"),),
        args=("pdf", "--lang", "en"),
        patch=_permission_denied("book.html.j2"),
    ),
    # ------------------------------------------------------------ content
    Case(
        "image-missing",
        lambda b: edit(b, EN2, "1. The first step", "1. The first step ![a map](images/map.png)"),
        (Expect("IMAGE-MISSING", EN2, 5, r"image 'images/map.png' does not exist"),),
    ),
    Case(
        "footnote-not-defined",
        lambda b: edit(b, EN2, "were published.", "were published.[^7]"),
        (Expect("FOOTNOTE-UNDEFINED", EN2, 3, r"footnote \[\^7\] is referred to but not defined"),),
    ),
    Case(
        "nested-too-deep",
        lambda b: [put(b, SRC2, "# راه\n\n" + _nested_list(65, "سطح")), put(b, EN2, "# Road\n\n" + _nested_list(65, "level"))],
        (
            Expect("NESTING-TOO-DEEP", SRC2, 67, r"nested more than 64 levels deep"),
            Expect("NESTING-TOO-DEEP", EN2, 67, r"nested more than 64 levels deep"),
        ),
    ),
    Case(
        "nested-far-too-deep",
        lambda b: put(b, EN2, "# Road\n\n" + ">" * 3000 + " deep\n"),
        (Expect("NESTING-TOO-DEEP", EN2, 3, r"nested more than 64 levels deep"),),
    ),
]


@pytest.fixture
def cli_run(monkeypatch, capsys):
    """Run build.py's main() in-process in `cwd`; return (exit code, stdout, stderr)."""
    from parallelbook import cli

    def run(cwd: Path, *args: str) -> tuple[int, str, str]:
        monkeypatch.chdir(cwd)
        monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        capsys.readouterr()
        code = cli.main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def parsed_lines(stderr: str) -> list[re.Match]:
    lines = [line for line in stderr.splitlines() if line]
    assert "Traceback" not in stderr
    bad = [line for line in lines if not LINE.fullmatch(line)]
    assert not bad, f"not in the form path:line: severity: message [CODE]: {bad}"
    return [LINE.fullmatch(line) for line in lines]


def assert_expected(found: list[re.Match], expect: tuple[Expect, ...]) -> None:
    for wanted in expect:
        matching = [
            f
            for f in found
            if f["code"] == wanted.code
            and f["severity"] == wanted.severity
            and (f["path"] == wanted.path or (wanted.path.endswith("-") and f["path"].startswith(wanted.path)))
            and (wanted.line is None or int(f["line"] or 0) == wanted.line)
            and re.search(wanted.message, f["message"])
        ]
        assert matching, f"expected {wanted} among:\n" + "\n".join(f.group(0) for f in found)


def outputs(folder: Path) -> list[str]:
    if not folder.exists():
        return []
    return sorted(p.name for p in folder.iterdir() if p.suffix in (".pdf", ".epub") or p.name.endswith(".part"))


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_catalogue(case: Case, book_copy, cli_run, monkeypatch):
    book = book_copy("two-lang")
    case.setup(book)
    if case.patch is not None:
        case.patch(monkeypatch, book)
    code, out, err = cli_run(book, *(case.args or ("all",)), "--book", case.book_arg, "--jobs", "1")
    found = parsed_lines(err)
    assert code == case.exit_code, err
    assert_expected(found, case.expect)
    assert OUTSIDE_SECRET not in out + err
    if case.exit_code:
        assert outputs(book / "build") == [], "a failed build writes nothing"


def test_every_code_in_the_catalogue_is_in_the_readme():
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## Troubleshooting", 1)[1].split("\n## ", 1)[0]
    codes = {expect.code for case in CASES for expect in case.expect}
    codes |= {code for _case, code in ACCEPT_AND_WARN_CODES} | {"BLOCK-TOO-LONG", "IMAGE-REMOTE"}
    missing = sorted(code for code in codes if f"`{code}`" not in section)
    assert not missing, f"codes missing from the README's Troubleshooting table: {missing}"


# ---------------------------------------------------------------- accepted: BOM, CRLF, CR, decomposed names, tables

NFD_NAME = unicodedata.normalize("NFD", "02-آب.md")
NFC_NAME = unicodedata.normalize("NFC", "02-آب.md")
ACCEPTED = (
    "UTF-8 with BOM",
    "CRLF line endings",
    "CR line endings",
    "book.toml with BOM and CRLF",
    "translation named in decomposed Unicode",
    "a table",
    "a scene break written * * *",
)


def test_accepted_inputs_build_cleanly(book_copy):
    """BOM, CRLF and CR files, a BOM+CRLF book.toml, an NFD file name and a table: built, no warning."""
    book = book_copy("two-lang")
    shutil.rmtree(book / "translations" / "es")
    shutil.copy(BAD / "bom-crlf.md", book / SRC1)
    shutil.copy(BAD / "cr-only.md", book / EN1)
    (book / SRC2).rename(book / "source" / NFC_NAME)
    (book / EN2).rename(book / "translations" / "en" / NFD_NAME)
    table_fa = "\n\n| سال | کتاب |\n| --- | --- |\n| ۱۳۹۹ | ۲۵ |\n\n* * *\n\nپایان.\n"
    table_en = "\n\n| Year | Books |\n| --- | --- |\n| 1399 | TABLE-CELL-25 |\n\n* * *\n\nTHE-END.\n"
    (book / "source" / NFC_NAME).write_text((book / "source" / NFC_NAME).read_text("utf-8") + table_fa, "utf-8")
    english = book / "translations" / "en" / NFD_NAME
    english.write_bytes((english.read_text("utf-8") + table_en).replace("\n", "\r\n").encode("utf-8"))
    put(book, "book.toml", b'\xef\xbb\xbf[book]\r\ntitle = { fa = "\xd9\xbe\xd8\xb0\xdb\x8c\xd8\xb1\xd9\x81\xd8\xaa\xd9\x87", en = "Accepted Inputs" }\r\n')

    result = run_build("--book", str(book), "--jobs", "1")
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", "accepted inputs build without a single warning"
    epub = next((book / "build").glob("*.fa-en.epub"))
    with zipfile.ZipFile(epub) as archive:
        text = "".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xhtml"))
    assert "Accepted Inputs" in text and "پذیرفته" in text
    assert "\ufeff" not in text and "\r" not in text
    assert "The Journey Begins" in text and "آغاز سفر" in text, "BOM+CRLF and CR chapters read"
    assert "The Long Road" in text, "the decomposed file name found its source"
    assert re.search(r"<table[^>]*>.*TABLE-CELL-25.*</table>", text, re.S), "the table is in the EPUB"
    with zipfile.ZipFile(epub) as archive:
        chapter = next(archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("EPUB/chapter-002"))
    assert re.search(r"<hr/>.*THE-END", chapter, re.S) and "<ul" not in chapter.split("TABLE-CELL-25")[1], "* * * is a rule, not lists"
    assert "TABLE-CELL-25" in squash(pdf_text(next((book / "build").glob("*.fa-en.pdf"))))


# ---------------------------------------------------------------- warnings only: the build succeeds and says what it did

WARNINGS = (
    ("unknown key", Expect("CONFIG-UNKNOWN-KEY", "book.toml", 4, r"unknown key pdf.papr is ignored \(did you mean paper\?\); known keys in \[pdf\]: layout, paper, binding", "warning")),
    ("unknown table", Expect("CONFIG-UNKNOWN-KEY", "book.toml", 6, r"unknown table \[pfd\] is ignored \(did you mean pdf\?\); known tables: book, pdf, epub", "warning")),
    ("key outside its table", Expect("CONFIG-UNKNOWN-KEY", "book.toml", 1, r"unknown key title is ignored: it belongs in the \[book\] table", "warning")),
    ("raw HTML block", Expect("RAW-HTML", EN1, 3, r"raw html '<div class=\"box\">RAW-BLOCK-MARKER</div>' was left out", "warning")),
    ("raw HTML inline", Expect("RAW-HTML", EN2, 3, r"raw html '<span style=\"color: red\">' was left out", "warning")),
    ("footnote defined, never used", Expect("FOOTNOTE-UNUSED", EN2, 8, r"footnote \[\^2\] is defined but never referred to", "warning")),
    ("bidi override", Expect("BIDI-CONTROL", EN2, 5, r"U\+202E RIGHT-TO-LEFT OVERRIDE reverses", "warning")),
    ("unbalanced bidi isolate", Expect("BIDI-CONTROL", EN2, 6, r"bidi isolate opened here is not closed", "warning")),
    ("scripting link", Expect("LINK-UNSAFE", EN2, 3, r"link to 'javascript:alert\(1\)' was removed and its text kept", "warning")),
)
ACCEPT_AND_WARN_CODES = [(name, expect.code) for name, expect in WARNINGS]


def test_inputs_that_only_warn_build_and_say_what_was_left_out(book_copy):
    book = book_copy("two-lang")
    put(book, "book.toml", 'title = "Misplaced"\n\n[pdf]\npapr = "A5"\n\n[pfd]\nlayout = "facing"\n')
    edit(book, EN1, "This is a test text", '<div class="box">RAW-BLOCK-MARKER</div>\n\n<!-- a comment, silently left out -->\n\nThis is a test text')
    edit(book, EN1, "# The Journey Begins\n\n", "# The Journey Begins\n\n")
    edit(
        book,
        EN2,
        "In 1399 more than 25 books",
        'In 1399 <span style="color: red">KEPT-TEXT</span> [CLICK-TEXT](javascript:alert(1)) more than 25 books',
    )
    edit(book, EN2, "1. The first step\n2. The second step", "1. The first \u202eREVERSED\u202c step\n2. The second \u2067step")
    (book / EN2).write_text((book / EN2).read_text("utf-8") + "\n[^2]: UNUSED-NOTE-MARKER\n", "utf-8")

    result = run_build("--book", str(book), "--lang", "en", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    found = parsed_lines(result.stderr.replace(str(book) + "/", ""))
    assert_expected(found, tuple(expect for _name, expect in WARNINGS))
    assert {f["severity"] for f in found} == {"warning"}
    assert "comment" not in result.stderr, "an HTML comment is left out silently"
    with zipfile.ZipFile(next((book / "build").glob("*.fa-en.epub"))) as archive:
        text = "".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith((".xhtml", ".opf")))
    assert "RAW-BLOCK-MARKER" not in text and "<span style" not in text and "<!--" not in text
    assert "KEPT-TEXT" in text and "CLICK-TEXT" in text and "javascript:" not in text
    assert "\u202eREVERSED\u202c" in text, "bidi controls are reported, not silently dropped"
    assert "UNUSED-NOTE-MARKER" not in text
    assert "Misplaced" not in text
    assert "KEPT-TEXT" in pdf_text(next((book / "build").glob("*.fa-en.pdf")))


# ---------------------------------------------------------------- big and deep content


def _load(book: Path):
    from parallelbook.read.book import load_book

    return load_book(book, build_time=datetime.fromtimestamp(int(EPOCH), timezone.utc))


def _epub_text(book_obj, monkeypatch) -> str:
    """The EPUB of the book's first edition, rendered in-process, as one string of XHTML."""
    from parallelbook.outputs import epub
    from parallelbook.render.fonts import font_set
    from parallelbook.render.templating import environment

    # Subsetting the six faces is the slow part of an EPUB and has nothing to do with the text.
    monkeypatch.setattr(epub, "subset", lambda path, *args, **kwargs: path.read_bytes())
    data, _problems = epub.render_epub(
        book_obj.editions[0], font_set(book_obj.config.fonts), environment(book_obj.folder), layout="interleaved", first="source"
    )
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(archive.read(n).decode("utf-8") for n in sorted(archive.namelist()) if n.startswith("EPUB/chapter-"))


def _one_chapter_book(root: Path, source: str, translation: str) -> Path:
    book = root / "book"
    put(book, "source/01-big.md", source)
    put(book, "translations/en/01-big.md", translation)
    return book


def test_twenty_thousand_paragraphs_all_reach_the_epub_in_order(tmp_path, monkeypatch):
    count = 20_000
    book = _one_chapter_book(
        tmp_path,
        "\n\n".join(f"بند {i} از کتاب." for i in range(count)) + "\n",
        "\n\n".join(f"Paragraph P{i}Q of the book." for i in range(count)) + "\n",
    )
    started = time.monotonic()
    loaded = _load(book)
    pairs = loaded.editions[0].chapters[0].pairs
    assert len(pairs) == count
    text = _epub_text(loaded, monkeypatch)
    numbers = [int(n) for n in re.findall(r"Paragraph P(\d+)Q", text)]
    assert numbers == list(range(count)), "every paragraph once, in order"
    assert [int(n) for n in re.findall(r"بند (\d+) از کتاب", text)] == list(range(count))
    assert time.monotonic() - started < 240


def test_a_megabyte_paragraph_is_a_located_error_not_an_hour_of_layout(tmp_path, cli_run):
    """Documented limit: a block may have at most 100,000 characters (BLOCK-TOO-LONG).

    The PDF's layout time grows faster than a block's length (80,000 characters: 22 s,
    160,000: 64 s, a megabyte: over twenty minutes) and a 300-page pair cannot be read side by
    side; such a block is nearly always paragraphs that lost the blank lines between them.
    """
    words = ("کتاب", "سیاست", "خارجی", "شیلی", "می‌شود", "است", "در", "این")
    paragraph = " ".join(words[i % len(words)] for i in range(190_000))
    assert len(paragraph.encode("utf-8")) > 1_000_000
    book = _one_chapter_book(tmp_path, "# عنوان\n\n" + paragraph + "\n", "# Title\n\nA short translation.\n")
    started = time.monotonic()
    code, _out, err = cli_run(book, "all", "--jobs", "1")
    assert code == 2
    assert_expected(parsed_lines(err), (Expect("BLOCK-TOO-LONG", "source/01-big.md", 3, r"paragraph is [\d,]+ characters long; .* at most 100,000"),))
    assert time.monotonic() - started < 120
    assert outputs(book / "build") == []


def test_the_block_limit_is_exact():
    from parallelbook.read.markdown import MAX_BLOCK_CHARS, parse_blocks

    at_limit = "a " * (MAX_BLOCK_CHARS // 2 - 1) + "bb\n"
    assert parse_blocks(at_limit, "x.md")[1] == []
    codes = [p.code for p in parse_blocks("b" + at_limit, "x.md")[1]]
    assert codes == ["BLOCK-TOO-LONG"]


def test_lists_nested_fifty_deep_build_into_both_outputs(tmp_path):
    book = _one_chapter_book(tmp_path, "# فهرست\n\n" + _nested_list(50, "سطح"), "# Lists\n\n" + _nested_list(50, "level"))
    result = run_build("--book", str(book), "--jobs", "1")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    with zipfile.ZipFile(next((book / "build").glob("*.epub"))) as archive:
        chapter = archive.read(next(n for n in archive.namelist() if n.startswith("EPUB/chapter-"))).decode("utf-8")
    assert chapter.count("<ul") >= 100, "fifty nested lists on each side"
    assert [int(n) for n in re.findall(r"level (\d+)<", chapter)] == list(range(1, 51))
    printed = squash(pdf_text(next((book / "build").glob("*.pdf"))))
    assert [int(n) for n in re.findall(r"level (\d+)", printed)] == list(range(1, 51)), "no level is squeezed out of the page"


# ---------------------------------------------------------------- the guarantees around the catalogue


def test_internal_error_prints_one_line_and_keeps_the_traceback(book_copy, cli_run, monkeypatch):
    from parallelbook.read import book as book_module

    def broken(*args, **kwargs):
        raise RuntimeError("simulated bug in the alignment")

    monkeypatch.setattr(book_module, "pair_blocks", broken)
    book = book_copy("two-lang")
    code, out, err = cli_run(book, "all", "--jobs", "1")
    assert code == 3
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    found = re.fullmatch(r"internal error \(RuntimeError: simulated bug in the alignment\): this is a bug in parallelbook; "
                         r"the traceback is in (?P<path>\S+)", lines[0])
    assert found, lines[0]
    report = Path(found["path"]).read_text("utf-8")
    assert "Traceback (most recent call last)" in report and "RuntimeError: simulated bug in the alignment" in report
    assert "def broken" not in err and "Traceback" not in err
    assert "argv: ['all', '--jobs', '1']" in report
    Path(found["path"]).unlink()
    assert outputs(book / "build") == []


def test_internal_error_with_nowhere_to_write_the_traceback_prints_it(book_copy, cli_run, monkeypatch):
    from parallelbook.read import book as book_module
    from parallelbook import cli

    def broken(*args, **kwargs):
        raise RuntimeError("simulated bug")

    def no_temporary_files(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(book_module, "pair_blocks", broken)
    monkeypatch.setattr(cli, "tempfile", SimpleNamespace(mkstemp=no_temporary_files))
    code, _out, err = cli_run(book_copy("two-lang"), "all", "--jobs", "1")
    assert code == 3
    first, *rest = err.splitlines()
    assert first.startswith("internal error (RuntimeError: simulated bug): this is a bug in parallelbook; the traceback could not be written")
    assert "Traceback (most recent call last)" in rest[0] and rest[-1] == "RuntimeError: simulated bug"


def _snapshot(folder: Path, skip: str = "build") -> dict[str, tuple[bytes, int, int]]:
    result = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if relative.parts[0] == skip or not path.is_file():
            continue
        stat = path.stat()
        result[str(relative)] = (path.read_bytes(), stat.st_mtime_ns, stat.st_mode)
    return result


def test_no_command_but_fix_write_changes_what_the_user_wrote(book_copy, cli_run):
    """Build, check, export, review, lint and fix (without --write) leave every file of the book as it was."""
    book = book_copy("two-lang")
    put(book, "book.toml", '[book]\ntitle = { fa = "سفر", en = "Journey" }\n')
    before = _snapshot(book)
    folders_before = sorted(str(p.relative_to(book)) for p in book.rglob("*") if p.is_dir())
    commands = [("pdf", "--lang", "en", "--jobs", "1"), ("check",), ("export", "--lang", "en"), ("lint",), ("fix",)]
    for command in commands:
        code, _out, err = cli_run(book, *command)
        assert code in (0, 1), (command, err)
        assert "internal error" not in err, (command, err)
    assert _snapshot(book) == before
    assert sorted(str(p.relative_to(book)) for p in book.rglob("*") if p.is_dir() and p.relative_to(book).parts[0] != "build") == folders_before


def test_outputs_get_ordinary_permissions_and_keep_changed_ones(book_copy, cli_run):
    from parallelbook.files import write_bytes_atomically

    book = book_copy("two-lang")
    mask = os.umask(0o022)
    try:
        target = book / "build" / "out.bin"
        write_bytes_atomically(target, b"one")
        assert target.stat().st_mode & 0o777 == 0o644, "not mkstemp's 0600"
        target.chmod(0o640)
        write_bytes_atomically(target, b"two")
        assert target.read_bytes() == b"two" and target.stat().st_mode & 0o777 == 0o640
        link = book / "build" / "link.bin"
        link.symlink_to(target)
        write_bytes_atomically(link, b"three")
        assert link.is_symlink() and target.read_bytes() == b"three", "a link is followed, not replaced"
    finally:
        os.umask(mask)


# ---------------------------------------------------------------- killed builds


KILL_DURING_WRITE = """
import os, signal, sys
sys.path.insert(0, {root!r})
from parallelbook import files
real_replace = os.replace

def replace(source, target):
    if str(target).endswith('.epub'):
        os.kill(os.getpid(), signal.SIGKILL)  # killed with the temporary file written, before the rename
    return real_replace(source, target)

files.os.replace = replace
from parallelbook.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _state(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}


def _complete(name: str, data: bytes) -> bool:
    if name.endswith(".pdf"):
        return data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    if name.endswith(".epub"):
        import io

        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.testzip() is None
    return True


def test_a_build_killed_with_sigkill_leaves_the_previous_outputs_and_the_next_build_cleans_up(book_copy, tmp_path):
    book = book_copy("two-lang")
    shutil.rmtree(book / "translations" / "es")
    out = book / "build"
    first = run_build("--book", str(book), "--jobs", "1", "--no-cache")
    assert first.returncode == 0, first.stderr
    previous = _state(out)
    assert sorted(previous) == ["the-journey-begins.fa-en.epub", "the-journey-begins.fa-en.pdf"]
    edit(book, EN1, "This is a test text", "This is a changed test text")

    # 1. Killed at an arbitrary moment in the middle of a build (half of a whole build's time).
    environment = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--book", str(book), "--jobs", "1", "--no-cache"], env=environment)
    time.sleep(max(1.0, float(first.stdout.split("built in ")[1].split(" s")[0]) / 2))
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, "the build was still running when killed"
    for name, data in _state(out).items():
        if name.endswith(".part"):
            continue
        assert name in previous, f"no partial file under a final name: {name}"
        assert data == previous[name] or _complete(name, data), f"{name} is either the previous output or a whole new one"

    # 2. Killed at the worst moment: the EPUB written to its temporary file, not yet renamed.
    script = tmp_path / "killed.py"
    script.write_text(KILL_DURING_WRITE.format(root=str(ROOT)), "utf-8")
    killed = subprocess.run([sys.executable, str(script), "--book", str(book), "--jobs", "1", "--no-cache"], env=environment, capture_output=True, timeout=600)
    assert killed.returncode == -signal.SIGKILL
    left = _state(out)
    parts = [name for name in left if name.endswith(".part")]
    assert parts and all(name.startswith(".the-journey-begins.fa-en.epub.partial-") for name in parts), sorted(left)
    assert left["the-journey-begins.fa-en.epub"] == previous["the-journey-begins.fa-en.epub"], "the previous EPUB is untouched"
    assert time.monotonic() - started < 400

    # 3. The next build removes what the killed one could not, and writes the new outputs.
    again = run_build("--book", str(book), "--jobs", "1", "--no-cache")
    assert again.returncode == 0, again.stderr
    assert not [p for p in out.iterdir() if p.name.endswith(".part")], "stale temporary files removed"
    assert _state(out)["the-journey-begins.fa-en.epub"] != previous["the-journey-begins.fa-en.epub"]


def test_stale_temporary_files_are_removed_but_live_ones_kept(tmp_path):
    import fcntl

    from parallelbook.files import atomic_output, clean_stale_parts

    stale = tmp_path / ".book.pdf.partial-abc123.part"
    stale.write_bytes(b"half a PDF")
    young = tmp_path / ".book.pdf.partial-young1.part"
    young.write_bytes(b"just created by a writer that has not locked it yet")
    os.utime(stale, (time.time() - 60, time.time() - 60))
    unrelated = tmp_path / ".notes.part"
    unrelated.write_bytes(b"not ours")
    with atomic_output(tmp_path / "book.epub") as temporary:
        temporary.write_bytes(b"being written")
        assert not stale.exists(), "writing into the folder removed the killed build's file"
        assert clean_stale_parts(tmp_path) == [], "a temporary file being written is locked, and kept"
        assert temporary.exists()
        with open(temporary, "rb") as handle:
            with pytest.raises(OSError):
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    assert (tmp_path / "book.epub").read_bytes() == b"being written"
    assert unrelated.exists(), "only this tool's temporary files are removed"
    assert young.exists(), "a temporary file younger than a second is never taken for stale"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".book.pdf.partial-young1.part", ".notes.part", "book.epub"]
