"""The measure of a rendered PDF, read back with poppler (pdftotext -bbox-layout).

A line is full when it is as wide as the widest line sharing its column edge
(justified lines fill the measure: Latin lines share the left edge, Persian the
right); only full lines of more than three words count.  English lines are
measured in characters, Persian lines in words.
"""

from __future__ import annotations

import statistics
import subprocess
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

XHTML = "{http://www.w3.org/1999/xhtml}"


def _script(text: str) -> str | None:
    arabic = sum(1 for c in text if "\u0600" <= c <= "\u06ff" or "\ufb50" <= c <= "\ufeff")
    latin = sum(1 for c in text if c.isascii() and c.isalpha())
    if arabic >= 10 and arabic > 3 * latin:
        return "fa"
    if latin >= 10 and arabic == 0:
        return "en"
    return None


@dataclass(frozen=True)
class Measure:
    english: tuple[int, ...]  # characters in each full English line
    persian: tuple[int, ...]  # words in each full Persian line

    @staticmethod
    def _median(values) -> float:
        return statistics.median(values) if values else 0.0

    @property
    def english_median(self) -> float:
        return self._median(self.english)

    @property
    def persian_median(self) -> float:
        return self._median(self.persian)


def measure(path: Path, first_page: int = 3) -> Measure:
    xml = subprocess.run(
        ["pdftotext", "-bbox-layout", "-f", str(first_page), str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    found = {"en": [], "fa": []}
    for page in ElementTree.fromstring(xml).iter(XHTML + "page"):
        lines = []
        for line in page.iter(XHTML + "line"):
            words = [word.text or "" for word in line.iter(XHTML + "word")]
            script = _script(" ".join(words))
            if script:
                x0, x1 = float(line.get("xMin")), float(line.get("xMax"))
                lines.append((script, round(x0 if script == "en" else x1), x1 - x0, words))
        widest = defaultdict(float)
        for script, edge, width, _words in lines:
            widest[(script, edge)] = max(widest[(script, edge)], width)
        for script, edge, width, words in lines:
            if len(words) > 3 and widest[(script, edge)] > 100 and width >= 0.97 * widest[(script, edge)]:
                found[script].append(len(" ".join(words)) if script == "en" else len(words))
    return Measure(tuple(found["en"]), tuple(found["fa"]))
