"""Problems are data: coded, located values that only the command line prints."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    SUGGESTION = "suggestion"


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file a person can open: 1-based line and column; 0 means unknown."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        text = self.path
        if self.line:
            text += f":{self.line}"
            if self.column:
                text += f":{self.column}"
        return text

    def relative_to(self, root: Path) -> "Location":
        try:
            shown = Path(self.path).resolve().relative_to(root.resolve())
        except ValueError:
            return self
        return Location(str(shown), self.line, self.column)


@dataclass(frozen=True)
class Problem:
    code: str
    severity: Severity
    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.severity.value}: {self.message} [{self.code}]"


def error(code: str, location: Location, message: str) -> Problem:
    return Problem(code, Severity.ERROR, location, message)


def warning(code: str, location: Location, message: str) -> Problem:
    return Problem(code, Severity.WARNING, location, message)


class BookError(Exception):
    """Raised when input problems make a build impossible; carries every problem found."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def has_errors(problems) -> bool:
    return any(p.severity is Severity.ERROR for p in problems)


@dataclass(frozen=True)
class Outcome:
    """What a command has to tell the user: problems (stderr), lines (stdout), exit code."""

    problems: tuple[Problem, ...] = ()
    lines: tuple[str, ...] = ()
    exit_code: int = 0


def counted(number: int, noun: str) -> str:
    """`no errors`, `1 error`, `3 errors`: a count in a message."""
    return "no " + noun + "s" if number == 0 else f"{number} {noun}" + ("s" if number != 1 else "")
