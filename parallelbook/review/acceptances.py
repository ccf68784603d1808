"""The flags a reviewer accepted: translations/<lang>/review.toml, read and validated."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..files import shown_path
from ..problems import Location, Problem, error
from .codes import ACCEPTABLE

ACCEPT_NAME = "review.toml"


@dataclass(frozen=True)
class Acceptance:
    pair: str
    code: str
    reason: str
    location: Location


def read_accepts(path: Path) -> tuple[list[Acceptance], list[Problem]]:
    """The flags a reviewer accepted in translations/<lang>/review.toml (none if there is no file)."""
    if not path.is_file():
        return [], []
    shown = shown_path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        return [], [error("ACCEPT-INVALID", Location(shown), f"cannot read {ACCEPT_NAME}: {exc}")]
    except tomllib.TOMLDecodeError as exc:
        line = int(found.group(1)) if (found := re.search(r"line (\d+)", str(exc))) else 0
        return [], [error("ACCEPT-INVALID", Location(shown, line), f"{ACCEPT_NAME} is not valid TOML: {str(exc).split(' (at')[0]}")]
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if line.strip() == "[[accept]]"]
    accepts, problems = [], []
    unknown = sorted(set(data) - {"accept"})
    if unknown:
        problems.append(error("ACCEPT-INVALID", Location(shown, 1), f"unknown key(s) {', '.join(unknown)}: write [[accept]] tables"))
    for index, entry in enumerate(data.get("accept", [])):
        where = Location(shown, lines[index] if index < len(lines) else 0)
        if not isinstance(entry, dict):
            problems.append(error("ACCEPT-INVALID", where, "each accepted flag is an [[accept]] table"))
            continue
        pair, code, reason = entry.get("pair"), entry.get("code"), entry.get("reason")
        if not isinstance(pair, str) or not re.fullmatch(r"[0-9a-f]{12}", pair):
            problems.append(
                error("ACCEPT-INVALID", where, 'pair must be the 12-digit pair id that check prints, e.g. pair = "3f9a1c02b7d4"')
            )
        elif code not in ACCEPTABLE:
            problems.append(
                error("ACCEPT-INVALID", where, f"code {code!r} cannot be accepted; these can: {', '.join(sorted(ACCEPTABLE))}")
            )
        elif not isinstance(reason, str) or not reason.strip():
            problems.append(error("ACCEPT-INVALID", where, "reason must say why the flag is acceptable"))
        else:
            accepts.append(Acceptance(pair, code, reason.strip(), where))
    return accepts, problems
