"""`lint` and `fix`: the Persian orthography of the book's own files.

`lint` reports orthography.lint's findings for every Persian file of the
book (the source chapters when the source language is Persian, and every
Persian translation folder) at `path:line:column`, skipping what is not
prose: code, URLs, link targets and reference labels, HTML, attributes,
math, front matter and footnote labels.

`fix` applies the same corrections the build applies to the published text
(`orthography.normalize`, which repeats `orthography.corrections` until
nothing changes) to the files themselves.  It works on the text as the
reader decodes it and writes each line back with its own line ending (and
the file's BOM), so every byte outside a corrected span stays as it was.
Before it shows or writes anything it parses the file before and after with
the build's own reader and checks that the published blocks are identical;
the lines of a block where they are not (the Markdown around the text gave a
rule other context than the build sees) are left alone and reported as
FIX-SKIPPED.  So the build's output never depends on whether `fix` was run.

docs/orthography.md describes the commands and every code.
"""

from __future__ import annotations

import bisect
import difflib
import os
import re
import stat
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..files import (
    CHAPTER_SUFFIXES,
    TRANSLATIONS_DIR,
    TextFile,
    atomic_output,
    decode,
    read_book_folder,
    shown_path,
)
from ..problems import Location, Outcome, Problem, Severity, error, warning
from ..read.config import BookConfig, parse_config
from ..text.orthography import CODES, Finding, corrections, lint, splice

EXIT_OK, EXIT_ERRORS, EXIT_REFUSED = 0, 1, 2
_MAX_PASSES = 8
_READING_PROBLEMS = frozenset({"ENCODING", "NUL-BYTE", "UNREADABLE"})

Span = tuple[int, int]


def is_persian(lang: str) -> bool:
    """The languages the build normalises (book.normalised_block)."""
    return lang.split("-")[0] == "fa"


# ---------------------------------------------------------------- what is not prose

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?![ \t]*\n)(?:[^\n]*\n)*?(?:---|\.\.\.)[ \t]*(?:\n|\Z)")
_LABEL = r"((?:[^\[\]\\\n]|\\.)+)"
_REFERENCE_DEFINITION = re.compile(r"(?m)^ {0,3}\[(?!\^)" + _LABEL + r"\]:[^\n]*$")
_BRACKETED = re.compile(r"(?<![\\!^])\[" + _LABEL + r"\]")
_REFERENCE_LABEL = re.compile(r"\]\[" + _LABEL + r"?\]")
_ATTRIBUTES = re.compile(r"\{[ \t]*[#.=][^{}\n]*\}|\{[^{}\n]*=[^{}\n]*\}")
_DIV_FENCE = re.compile(r"(?m)^[ \t]*:{3,}[^\n]*$")
_DISPLAY_MATH = re.compile(r"(?<!\\)\$\$.+?(?<!\\)\$\$", re.S)
_INLINE_MATH = re.compile(r"(?<![\\$])\$(?![\s$])(?:[^$\n\\]|\\.)+?(?<![\s\\])\$(?!\d)")
_LIST_ITEM = re.compile(r"^[ \t]{0,3}(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)")
_FENCE_OPEN = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")


def _label_key(label: str) -> str:
    return " ".join(label.split()).casefold()


def protected_spans(text: str) -> list[Span]:
    """Ranges of a Markdown file that are not prose, beyond what orthography.lint masks itself.

    orthography masks code spans and fences, URLs, link targets, HTML tags and
    comments, footnote labels and list numbers; this adds the front matter,
    link reference definitions and the labels that refer to them, attributes
    (`{#id .class}`), fenced-div lines, TeX math and indented code blocks.
    """
    spans: list[Span] = []
    front = _FRONT_MATTER.match(text)
    if front:
        spans.append((0, front.end()))
    labels = set()
    for found in _REFERENCE_DEFINITION.finditer(text):
        spans.append((found.start(), found.end()))
        labels.add(_label_key(found.group(1)))
    if labels:  # [text] used as a label must keep matching its (untouched) definition
        for found in _BRACKETED.finditer(text):
            if _label_key(found.group(1)) in labels:
                spans.append((found.start(), found.end()))
    for pattern in (_REFERENCE_LABEL, _ATTRIBUTES, _DIV_FENCE, _DISPLAY_MATH, _INLINE_MATH):
        spans.extend((found.start(), found.end()) for found in pattern.finditer(text))
    spans.extend(_indented_code(text))
    return spans


def _indented_code(text: str) -> list[Span]:
    """Indented code blocks, approximately: 4 spaces after a blank line, outside lists and fences."""
    spans: list[Span] = []
    offset = 0
    previous_blank, in_code, in_list, fence = True, False, False, ""
    for line in text.split("\n"):
        start, offset = offset, offset + len(line) + 1
        if fence:
            if line.strip().startswith(fence):
                fence = ""
            continue
        if not line.strip():
            previous_blank = True
            continue
        indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))
        if indent >= 4 and (in_code or previous_blank) and not in_list:
            spans.append((start, start + len(line)))
            in_code = True
        else:
            in_code = False
            opened = _FENCE_OPEN.match(line)
            if opened:
                fence = opened.group(1)
            if _LIST_ITEM.match(line):
                in_list = True
            elif indent == 0 and previous_blank:
                in_list = False
        previous_blank = False
    return spans


# ---------------------------------------------------------------- linting one text


class _Lines:
    """Offsets in a text (line endings normalised to \\n) as 1-based line and column."""

    def __init__(self, text: str):
        self.starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def position(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1


def file_findings(text: str, config: BookConfig | None = None) -> list[Finding]:
    """orthography.lint on a whole Markdown file, reading only its prose, with the book's [orthography] settings."""
    config = config or BookConfig()
    return lint(text, zwnj=config.zwnj_fixes, skip=protected_spans(text), ezafe=config.ezafe, keep=config.keep_spellings)


def as_problems(findings: list[Finding], text: str, shown: str) -> list[Problem]:
    """Findings located in their file.  A suggestion is reported as a warning whose
    message starts with "suggestion:" (see docs/orthography.md)."""
    lines = _Lines(text)
    problems = []
    for finding in findings:
        line, column = lines.position(finding.start)
        if finding.severity == "error":
            severity, message = Severity.ERROR, finding.message
        elif finding.severity == "suggestion":
            severity, message = Severity.WARNING, "suggestion: " + finding.message
        else:
            severity, message = Severity.WARNING, finding.message
        problems.append(Problem(finding.code, severity, Location(shown, line, column), message))
    return problems


def fixed_text(text: str, config: BookConfig | None = None) -> str:
    """`text` with every automatic correction made: the build's normalisation, on the whole file."""
    config = config or BookConfig()
    for _ in range(_MAX_PASSES):
        changes = corrections(
            text, zwnj=config.zwnj_fixes, skip=protected_spans(text), ezafe=config.ezafe, keep=config.keep_spellings
        )
        if not changes:
            break
        text = splice(text, changes)
    return text


# ---------------------------------------------------------------- the book's Persian files


@dataclass(frozen=True)
class PersianFile:
    file: TextFile
    lang: str
    relative: str  # inside the book folder, with / (source/01-intro.md): how a diff names it


@dataclass(frozen=True)
class PersianFiles:
    config: BookConfig
    files: tuple[PersianFile, ...]
    problems: tuple[Problem, ...]  # files that could not be read, errors in book.toml


def persian_files(book_dir: Path) -> PersianFiles:
    """Every Persian file of the book, read once; raises BookError if the folder is unusable."""
    config_file, chapters, found = read_book_folder(book_dir)
    config = BookConfig()
    problems: list[Problem] = []
    if config_file is not None:
        config, config_problems = parse_config(config_file.text, Path(config_file.shown), book_dir)
        problems += [p for p in config_problems if p.severity is Severity.ERROR]
    root = book_dir.resolve()
    wanted_shown: set[str] = set()
    files: list[PersianFile] = []
    if is_persian(config.source_language):
        for chapter in chapters:
            files.append(PersianFile(chapter.source, config.source_language, _relative(chapter.source.path, root)))
        wanted_shown.update(_shown_paths(root / "source"))
    languages = sorted({lang for chapter in chapters for lang in chapter.translations} | _folders(root))
    for lang in languages:
        if not is_persian(lang):
            continue
        wanted_shown.update(_shown_paths(root / TRANSLATIONS_DIR / lang))
        for chapter in chapters:
            if lang in chapter.translations:
                target = chapter.translations[lang]
                files.append(PersianFile(target, lang, _relative(target.path, root)))
    problems += [p for p in found if p.code in _READING_PROBLEMS and p.location.path in wanted_shown]
    return PersianFiles(config, tuple(files), tuple(problems))


def _folders(root: Path) -> set[str]:
    folder = root / TRANSLATIONS_DIR
    return {p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")} if folder.is_dir() else set()


def _shown_paths(folder: Path) -> set[str]:
    if not folder.is_dir():
        return set()
    return {shown_path(p) for p in folder.iterdir() if p.suffix.lower() in CHAPTER_SUFFIXES}


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


# ---------------------------------------------------------------- lint


def command_lint(args) -> Outcome:
    """`build.py lint`: every orthography finding; exit 1 if there is an error."""
    book = persian_files(args.book)
    problems = list(book.problems)
    counts: Counter[str] = Counter()
    automatic = 0
    for persian in book.files:
        findings = file_findings(persian.file.text, book.config)
        found = as_problems(findings, persian.file.text, persian.file.shown)
        problems += found
        counts.update(p.severity.value for p in found)
        automatic += sum(1 for f in findings if f.autofix)
    lines: tuple[str, ...] = ()
    if counts:  # a clean book prints nothing
        files_with = len({p.location.path for p in problems if p.code in CODES})
        summary = (
            f"linted {_count(len(book.files), 'Persian file')}: {_count(counts['error'], 'error')}, "
            f"{_count(counts['warning'], 'warning')} in {_count(files_with, 'file')}"
        )
        if automatic:
            summary += f"; `build.py fix --write` corrects {automatic} of them"
        lines = (summary,)
    failed = any(p.severity is Severity.ERROR for p in problems)
    return Outcome(problems=tuple(problems), lines=lines, exit_code=EXIT_ERRORS if failed else EXIT_OK)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


# ---------------------------------------------------------------- fix


@dataclass(frozen=True)
class RawText:
    """A file's bytes taken apart so that it can be put back together byte for byte."""

    bom: bytes
    lines: tuple[str, ...]  # without their endings
    endings: tuple[str, ...]  # "\r\n", "\r", "\n" or "" (the last line)

    @classmethod
    def parse(cls, data: bytes) -> "RawText":
        bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
        parts = re.split(r"(\r\n|\r|\n)", data[len(bom):].decode("utf-8"))
        return cls(bom, tuple(parts[0::2]), tuple(parts[1::2]) + ("",))

    @property
    def text(self) -> str:
        """The text as files.decode gives it (and the build reads it)."""
        return "\n".join(self.lines)

    def with_text(self, text: str) -> bytes:
        lines = text.split("\n")
        if len(lines) != len(self.lines):  # corrections never add or remove a line break
            raise ValueError("the number of lines changed")
        for index, (line, original) in enumerate(zip(lines, self.lines)):
            # A line emptied between a lone CR and an LF would make the two line breaks one CRLF.
            if not line and original and index and self.endings[index - 1] == "\r" and self.endings[index] == "\n":
                lines[index] = original
        return self.bom + "".join(line + end for line, end in zip(lines, self.endings)).encode("utf-8")


@dataclass(frozen=True)
class FilePlan:
    persian: PersianFile
    original: bytes
    fixed: bytes
    before: str
    after: str
    skipped: tuple[Problem, ...]

    @property
    def changed(self) -> bool:
        return self.fixed != self.original

    def diff(self) -> list[str]:
        old = _keep_ends(self.before)
        new = _keep_ends(self.after)
        lines: list[str] = []
        for line in difflib.unified_diff(old, new, f"a/{self.persian.relative}", f"b/{self.persian.relative}"):
            if line.endswith("\n"):
                lines.append(line[:-1])
            else:  # the last line of a file without a final line break
                lines += [line, "\\ No newline at end of file"]
        return lines


def _keep_ends(text: str) -> list[str]:
    pieces = text.split("\n")
    lines = [piece + "\n" for piece in pieces[:-1]]
    if pieces[-1]:
        lines.append(pieces[-1])
    return lines


def _published(text: str, shown: str, lang: str, config: BookConfig):
    """The blocks of a file as the build publishes them (parsed by pandoc, then normalised)."""
    from ..read.book import normalised_block
    from ..read.markdown import pandoc_json, parse_blocks

    if not text.strip():
        return ()
    blocks, _problems = parse_blocks(text, shown, pandoc_json(text))
    return tuple(normalised_block(block, lang, config) for block in blocks)


def plan_file(persian: PersianFile, data: bytes, config: BookConfig) -> FilePlan:
    """What `fix` would write to one file, checked against what the build publishes."""
    raw = RawText.parse(data)
    before = raw.text
    after = fixed_text(before, config)
    skipped: list[Problem] = []
    if after != before:
        after, skipped = _keep_published_text(persian, before, after, config)
    return FilePlan(persian, data, raw.with_text(after), before, after, tuple(skipped))


def _keep_published_text(persian: PersianFile, before: str, after: str, config: BookConfig):
    """Undo the corrections (by whole blocks) that would change what the build publishes."""
    shown, lang = persian.file.shown, persian.lang
    published = _published(before, shown, lang, config)
    candidate = _published(after, shown, lang, config)
    if candidate == published:
        return after, []
    old_lines, new_lines = before.split("\n"), after.split("\n")
    every_change = [n for n, (a, b) in enumerate(zip(old_lines, new_lines), start=1) if a != b]
    problems: list[Problem] = []
    if len(candidate) == len(published) and all(b.location.line for b in published):
        starts = sorted({b.location.line for b in published})
        for old_block, new_block in zip(published, candidate):
            if old_block == new_block:
                continue
            first = old_block.location.line
            later = [s for s in starts if s > first]
            last = (later[0] - 1) if later else len(old_lines)
            changed = [n for n in range(first, last + 1) if old_lines[n - 1] != new_lines[n - 1]]
            for number in changed:
                new_lines[number - 1] = old_lines[number - 1]
            if changed:
                problems.append(_skipped(shown, changed))
        kept = "\n".join(new_lines)
        if _published(kept, shown, lang, config) == published:
            return kept, problems
    # a difference outside the changed blocks (a footnote's text is published where it is referred to)
    return before, [_skipped(shown, every_change or [1])]


def _skipped(shown: str, lines: list[int]) -> Problem:
    where = f"line {lines[0]}" if len(lines) == 1 else f"lines {lines[0]}-{lines[-1]}"
    return warning(
        "FIX-SKIPPED",
        Location(shown, lines[0]),
        f"{where} left as written: the build reads this text with other context (the Markdown around it) "
        "and would not make the same correction, so fixing it here would change the published book; "
        "correct it by hand",
    )


def _current_bytes(path: Path) -> bytes:
    """The file as it is now on disk (read again just before it is replaced)."""
    return path.read_bytes()


class _ChangedMeanwhile(Exception):
    pass


def _write(plan: FilePlan) -> Problem | None:
    path = plan.persian.file.path
    try:
        with atomic_output(path) as temporary:
            temporary.write_bytes(plan.fixed)
            os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
            if _current_bytes(path) != plan.original:
                raise _ChangedMeanwhile
    except _ChangedMeanwhile:
        return error("FIX-CHANGED", Location(plan.persian.file.shown), "file changed since it was read; run fix again")
    except OSError as exc:
        return error("FIX-UNWRITABLE", Location(plan.persian.file.shown), f"cannot write the file: {exc.strerror or exc}")
    return None


def command_fix(args) -> Outcome:
    """`build.py fix [--write]`: the corrections as a unified diff; --write applies them."""
    book = persian_files(args.book)
    problems = list(book.problems)
    plans: list[FilePlan] = []
    for persian in book.files:
        try:
            data = persian.file.path.read_bytes()
        except OSError as exc:
            problems.append(error("UNREADABLE", Location(persian.file.shown), f"cannot read file: {exc.strerror or exc}"))
            continue
        _text, found = decode(data, persian.file.shown)
        if found:
            problems += found
            continue
        plan = plan_file(persian, data, book.config)
        problems += plan.skipped
        plans.append(plan)
    lines: list[str] = []
    for plan in plans:
        if plan.changed:
            lines += plan.diff()
    if getattr(args, "write", False):
        for plan in plans:
            if not plan.changed:
                continue
            refused = _write(plan)
            if refused is not None:
                problems.append(refused)
            else:
                changed = sum(1 for a, b in zip(plan.before.split("\n"), plan.after.split("\n")) if a != b)
                lines.append(f"fixed {plan.persian.file.shown}: {_count(changed, 'line')} changed")
    refused = any(p.severity is Severity.ERROR for p in problems)
    return Outcome(problems=tuple(problems), lines=tuple(lines), exit_code=EXIT_REFUSED if refused else EXIT_OK)
