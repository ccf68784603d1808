"""The typefaces of a book: where they are, which characters they cover, and subsets.

Persian is set in Vazirmatn (its Non-Latin cut, so that Latin runs inside
Persian fall through to the Latin book face), Latin in Source Serif Pro, code
in Noto Sans Mono.  What none of them draws (IPA, rarer Latin letters, list
markers such as ◦, symbols) is drawn by two deliberate fallback faces, Noto
Serif and Noto Sans Symbols 2, named last in every font stack: no font the
book did not choose is ever used.  A book may replace any face in
book.toml's [fonts] table.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..problems import BookError, Location, Problem, error, warning
from .templating import css_string

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

    @property
    def code_family(self) -> str:
        return self.face("code").family

    @property
    def fallback_families(self) -> tuple[str, ...]:
        """The faces every font stack ends with, in order."""
        return tuple(self.face(role).family for role in FALLBACK_ROLES)

    def stack_end(self) -> str:
        """The fallback families as the tail of a CSS font-family list: `, "Noto Serif", ...`."""
        return "".join(f', "{css_string(family)}"' for family in self.fallback_families)


# role, the role whose family name the face joins, weight, style
_ROLES = (
    ("persian", "persian", 400, "normal"),
    ("persian_bold", "persian", 700, "normal"),
    ("latin", "latin", 400, "normal"),
    ("latin_italic", "latin", 400, "italic"),
    ("latin_bold", "latin", 700, "normal"),
    ("latin_bold_italic", "latin", 700, "italic"),
    ("code", "code", 400, "normal"),
    ("fallback", "fallback", 400, "normal"),
    ("symbols", "symbols", 400, "normal"),
)
FALLBACK_ROLES = ("fallback", "symbols")


def _default_paths() -> tuple[dict[str, Path], list[Path]]:
    vazirmatn = BUNDLED / "vazirmatn"
    noto = BUNDLED / "noto"
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
        "code": noto / "NotoSansMono-Regular.ttf",
        "fallback": noto / "NotoSerif-Regular.ttf",
        "symbols": noto / "NotoSansSymbols2-Regular.ttf",
    }
    return paths, [vazirmatn / "OFL.txt", serif / "LICENSE.txt", noto / "OFL.txt"]


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
    families = {group: family_name(paths[group]) for _role, group, _weight, _style in _ROLES}
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


def stack(fonts: FontSet, kind: str) -> list[Face]:
    """The regular faces of a font stack, in order: "text" (either language's, since each names
    both text faces) or "code"; both end with the fallback faces."""
    text = [fonts.face("persian"), fonts.face("latin")]
    head = [fonts.face("code")] + text if kind == "code" else text
    return head + [fonts.face(role) for role in FALLBACK_ROLES]


def faces_for(fonts: FontSet, markup: str) -> tuple[Face, ...]:
    """The faces a document of this (X)HTML needs embedded: the text faces, the code face when
    there is code, and each fallback face that draws a character the text faces lack."""
    needed = [face for face in fonts.faces if face.role not in FALLBACK_ROLES and face.role != "code"]
    if "<code" in markup or "<pre" in markup:
        needed.append(fonts.face("code"))
    text = "".join(sorted(set(markup)))
    drawn = [fonts.face("persian"), fonts.face("latin")]
    # The markup's characters include the code's: what the code face lacks falls to the fallbacks too.
    for role in FALLBACK_ROLES:
        face = fonts.face(role)
        missing = uncovered(text, drawn)
        if missing and len(uncovered("".join(missing), [face])) < len(missing):
            needed.append(face)
        drawn.append(face)
    return tuple(needed)


def coverage_problems(texts: list[tuple[Location, str, str]], fonts: FontSet) -> list[Problem]:
    """One warning per block whose characters no face of its font stack can draw.

    `texts` holds (where, text, "text" or "code"): prose is drawn from the text stack, code from
    the code stack (see `stack`).
    """
    problems = []
    for location, text, kind in texts:
        missing = uncovered(text, stack(fonts, kind))
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
