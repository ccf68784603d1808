"""Reviewers' and translators' comments on pairs: translations/<lang>/comments.toml.

`import` writes them (the comment column and Word comments of a review
table, a CAT tool's notes in XLIFF); `check` prints each as a REVIEW-COMMENT
at the pair's translation, and the review edition shows it with the pair's
flags.  A comment names its unit the way exchange files do (`01-calendar-9`,
`01-calendar-9-note1`: the chapter's file name and the pair's number).
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..files import shown_path
from ..problems import Location, Problem, warning

COMMENTS_NAME = "comments.toml"
_UNIT = re.compile(r"(.+)-(\d+)(?:-note\d+)?$")


@dataclass(frozen=True)
class Comment:
    unit: str  # the unit id, as in XLIFF and the review table
    text: str
    origin: str  # the file it was imported from ("review.docx:12")


def unit_id(chapter_name: str, number: int) -> str:
    """The exchange id of a chapter's pair: its file name (as an XML name) and its number."""
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", Path(chapter_name).stem) or "chapter"
    return f"{stem}-{number}"


def pair_of(unit: str) -> str:
    """The pair a unit belongs to (a footnote's unit belongs to its pair)."""
    found = _UNIT.match(unit)
    return f"{found.group(1)}-{found.group(2)}" if found else unit


def read_comments(path: Path) -> tuple[list[Comment], list[Problem]]:
    if not path.is_file():
        return [], []
    shown = shown_path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return [], [warning("COMMENTS-INVALID", Location(shown), f"cannot read the comments: {exc}")]
    comments, problems = [], []
    for index, entry in enumerate(data.get("comment", []), start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("unit"), str) or not isinstance(entry.get("text"), str):
            problems.append(warning("COMMENTS-INVALID", Location(shown),
                                    f"comment {index} needs a unit and a text (strings): it was left out"))
            continue
        comments.append(Comment(entry["unit"], entry["text"], str(entry.get("from", ""))))
    return comments, problems


def comments_toml(comments: list[Comment]) -> str:
    """The file's text: one [[comment]] table each, in the order they were imported."""
    lines = ["# Comments on pairs, imported by `build.py import`; `check` prints them, the review edition shows them.",
             "# Delete an entry once it is dealt with."]
    for comment in comments:
        lines += ["", "[[comment]]", f"unit = {_string(comment.unit)}", f"from = {_string(comment.origin)}",
                  f"text = {_string(comment.text)}"]
    return "\n".join(lines) + "\n"


def _string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's, once DEL is escaped too)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")
