"""The typefaces of a book: where they are, which characters they cover, and subsets.

Persian is set in Vazirmatn (its Non-Latin cut, so that Latin runs inside
Persian fall through to the Latin book face), Latin in Source Serif Pro.  A
book may replace any face in book.toml's [fonts] table.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..problems import BookError, Location, Problem, error, warning

BUNDLED = Path(__file__).resolve().parent / "fonts"  # the faces shipped inside the package


@dataclass(frozen=True)
class Face:
    role: str
    family: str
    weight: int
    style: str
    path: Path


@dataclass(frozen=True)
class FontSet:
    faces: tuple[Face, ...]
    licences: tuple[Path, ...]

    def face(self, role: str) -> Face:
        return next(face for face in self.faces if face.role == role)

    @property
    def persian_family(self) -> str:
        return self.face("persian").family

    @property
    def latin_family(self) -> str:
        return self.face("latin").family


# role, the role whose family name the face joins, weight, style
_ROLES = (
    ("persian", "persian", 400, "normal"),
    ("persian_bold", "persian", 700, "normal"),
    ("latin", "latin", 400, "normal"),
    ("latin_italic", "latin", 400, "italic"),
    ("latin_bold", "latin", 700, "normal"),
    ("latin_bold_italic", "latin", 700, "italic"),
)


def _default_paths() -> tuple[dict[str, Path], list[Path]]:
    vazirmatn = BUNDLED / "vazirmatn"
    try:
        import font_source_serif_pro

        serif = Path(font_source_serif_pro.__file__).parent / "files"
    except ImportError:
        serif = BUNDLED / "missing-source-serif-pro"
    paths = {
        "persian": vazirmatn / "Vazirmatn-NL-Regular.ttf",
        "persian_bold": vazirmatn / "Vazirmatn-NL-Bold.ttf",
        "latin": serif / "SourceSerifPro-Regular.ttf",
        "latin_italic": serif / "SourceSerifPro-It.ttf",
        "latin_bold": serif / "SourceSerifPro-Bold.ttf",
        "latin_bold_italic": serif / "SourceSerifPro-BoldIt.ttf",
    }
    return paths, [vazirmatn / "OFL.txt", serif / "LICENSE.txt"]


def font_set(overrides: dict[str, Path]) -> FontSet:
    """The faces to use; raises BookError naming the set-up step when a default face is missing."""
    paths, licences = _default_paths()
    paths.update(overrides)
    missing = [(role, path) for role, path in paths.items() if not path.is_file()]
    if missing:
        raise BookError(
            [
                error(
                    "FONT-NOT-INSTALLED",
                    Location(str(path)),
                    f"the {role.replace('_', ' ')} face is not installed: run `make` (or `pip install .`)",
                )
                for role, path in missing
            ]
        )
    families = {role: family_name(paths[role]) for role in ("persian", "latin")}
    faces = tuple(Face(role, families[group], weight, style, paths[role]) for role, group, weight, style in _ROLES)
    return FontSet(faces, tuple(path for path in licences if path.is_file()))


@lru_cache(maxsize=None)
def family_name(path: Path) -> str:
    """The face's own family name (name table), so that outputs name the real typeface."""
    from fontTools.ttLib import TTFont

    name = TTFont(path, lazy=True)["name"]
    return name.getBestFamilyName() or path.stem


@lru_cache(maxsize=None)
def _cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(path, lazy=True).getBestCmap())


# Characters a shaper never draws: they need no glyph in any face.
_IGNORABLE = frozenset(
    [0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x061C, 0x2060, 0xFEFF, 0x00AD]
    + list(range(0x202A, 0x202F))
    + list(range(0x2066, 0x206A))
    + [0x0A, 0x0D, 0x09]
)


def uncovered(text: str, faces: list[Face]) -> list[str]:
    """Characters of `text` that none of the faces can draw (so a renderer would fall back)."""
    covered = _covered(tuple(face.path for face in faces))
    return sorted(ch for ch in set(text) if ord(ch) not in covered)


@lru_cache(maxsize=None)
def _covered(paths: tuple[Path, ...]) -> frozenset[int]:
    """What the faces draw, and what needs no face (made once: a book asks for every block)."""
    return frozenset().union(*(_cmap(path) for path in paths)) | _IGNORABLE


def coverage_problems(texts: list[tuple[Location, str, bool]], fonts: FontSet) -> list[Problem]:
    """One warning per block whose characters the book faces cannot draw."""
    persian = [fonts.face("persian"), fonts.face("latin")]
    latin = [fonts.face("latin"), fonts.face("persian")]
    problems = []
    for location, text, is_persian in texts:
        missing = uncovered(text, persian if is_persian else latin)
        if missing:
            shown = " ".join(f"U+{ord(ch):04X} {ch!r}" for ch in missing[:8])
            problems.append(
                warning("FONT-GLYPH", location, f"no book face has these characters (a fallback font would be used): {shown}")
            )
    return problems


def subset(path: Path, text: str, cache=None) -> bytes:
    """The face cut down to the characters used, every layout feature, name and ZWNJ/ZWJ kept.

    HarfBuzz's subsetter (uharfbuzz, which bundles a pinned HarfBuzz, so the
    bytes are the same on every machine) does in milliseconds what fontTools'
    takes a second for on a face with a large GPOS.  With a cache (cache.Cache),
    a face already cut to the same characters is reused.
    """
    import uharfbuzz as hb

    data = path.read_bytes()
    characters = set(text) | set("\u200c\u200d 0123456789۰۱۲۳۴۵۶۷۸۹.,:;()[]«»،؛؟-–—…“”‘’'\"")
    key = None
    if cache is not None:
        from ..cache import digest

        key = digest("subset-hb", hb.__version__, data, "".join(sorted(characters)))
        found = cache.get("fonts", key)
        if found is not None:
            return found[0]
    wanted = hb.SubsetInput()
    for character in sorted(characters):
        wanted.unicode_set.add(ord(character))
    for kind in (hb.SubsetInputSets.LAYOUT_FEATURE_TAG, hb.SubsetInputSets.NAME_ID, hb.SubsetInputSets.NAME_LANG_ID):
        every = wanted.sets(kind)  # keep all: the empty set inverted
        every.clear()
        every.invert()
    wanted.flags = hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.NOTDEF_OUTLINE
    cut = hb.subset(hb.Face(hb.Blob(data)), wanted)
    if cut is None:  # HarfBuzz cannot cut this face: embed it whole rather than fail the build
        result = data
    else:
        result = cut.blob.data
    if key is not None:
        cache.put("fonts", key, result, {"font": path.name})
    return result
