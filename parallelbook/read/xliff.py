"""XLIFF from CAT tools, read into units: 2.0 (what `export` writes) and 1.2 (OmegaT, Okapi, Trados ...).

A unit's source and target become segment pieces (segments.Code and text):
XLIFF 2.0's <pc>, <ph>, <sc>/<ec> and XLIFF 1.2's <g>, <x>, <bx>/<ex>,
<ph>, <bpt>/<ept>, <it> are codes known by their id; annotations (<mrk>,
<sm>/<em>) are transparent, and a unit split into several segments by the
CAT tool is joined again.  Parsing is safe (untrusted.parse_xml).  Pure:
bytes in, data out.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from ..problems import Location, error
from .segments import Code
from .untrusted import Unsafe, parse_xml

XLIFF2 = "urn:oasis:names:tc:xliff:document:2.0"
XLIFF1 = ("urn:oasis:names:tc:xliff:document:1.2", "urn:oasis:names:tc:xliff:document:1.1")


@dataclass(frozen=True)
class ImportedUnit:
    id: str
    source: tuple  # pieces: str | Code
    target: tuple | None  # None: the unit has no target at all
    state: str  # as written ("" when absent)
    notes: tuple[tuple[str, str], ...]  # (category or from, text)
    location: Location  # the unit in the XLIFF file


@dataclass(frozen=True)
class ExchangeFile:
    version: str  # "2.0" | "1.2"
    source_lang: str
    target_lang: str
    units: tuple[ImportedUnit, ...]


def read_xliff(data: bytes, shown: str) -> ExchangeFile:
    """Raises Unsafe (a located problem) for hostile, malformed or unrecognised files."""
    root = parse_xml(data, shown)
    namespace = etree.QName(root).namespace
    local = etree.QName(root).localname
    version = root.get("version", "")
    if local != "xliff":
        raise _bad(shown, root, f"the root element is <{local}>, not <xliff>: not an XLIFF file")
    if namespace == XLIFF2 or version.startswith("2."):
        return _read_2(root, shown)
    if (namespace in XLIFF1 or namespace is None) and version.startswith("1."):
        return _read_12(root, shown)
    raise _bad(shown, root, f"XLIFF version {version or '(none)'} is not read; export as XLIFF 2.0 or 1.2")


def _bad(shown: str, element, message: str) -> Unsafe:
    return Unsafe(error("XLIFF-INVALID", Location(shown, getattr(element, "sourceline", 0) or 0), message))


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element, name: str):
    return [child for child in element if _local(child) == name]


# ---------------------------------------------------------------- 2.0


def _read_2(root, shown: str) -> ExchangeFile:
    source_lang, target_lang = root.get("srcLang", ""), root.get("trgLang", "")
    units = []
    for unit in root.iter():
        if _local(unit) != "unit":
            continue
        source: list = []
        target: list = []
        has_target = False
        states = []
        data = {item.get("id", ""): item.text or "" for holder in _children(unit, "originalData")
                for item in _children(holder, "data")}
        for part in unit:
            if _local(part) not in ("segment", "ignorable"):
                continue
            for element in part:
                if _local(element) == "source":
                    source.extend(_pieces(element, shown, data))
                elif _local(element) == "target":
                    has_target = True
                    target.extend(_pieces(element, shown, data))
            if _local(part) == "segment" and part.get("state"):
                states.append(part.get("state"))
        notes = tuple((note.get("category", ""), "".join(note.itertext())) for note in unit.iter() if _local(note) == "note")
        state = min(states, key=lambda s: _STATE_ORDER_2.get(s, 1)) if states else ""
        units.append(
            ImportedUnit(unit.get("id", ""), _joined(source), _joined(target) if has_target else None, state, notes,
                         Location(shown, unit.sourceline or 0))
        )
    return ExchangeFile("2.0", source_lang, target_lang, tuple(units))


_STATE_ORDER_2 = {"initial": 0, "translated": 1, "reviewed": 2, "final": 3}


# ---------------------------------------------------------------- 1.2


def _read_12(root, shown: str) -> ExchangeFile:
    source_lang = target_lang = ""
    units = []
    for file in (e for e in root.iter() if _local(e) == "file"):
        source_lang = source_lang or file.get("source-language", "")
        target_lang = target_lang or file.get("target-language", "")
        if file.get("source-language", source_lang) != source_lang or file.get("target-language", target_lang) != target_lang:
            raise _bad(shown, file, "the <file> elements name different languages; import one language pair at a time")
        for unit in (e for e in file.iter() if _local(e) == "trans-unit"):
            if unit.get("translate") == "no":
                continue
            sources = _children(unit, "seg-source") or _children(unit, "source")
            targets = _children(unit, "target")
            source = _pieces(sources[0], shown) if sources else []
            target = _pieces(targets[0], shown) if targets else None
            state = targets[0].get("state", "") if targets else ""
            if unit.get("approved") == "yes" and not state:
                state = "final"
            notes = tuple((note.get("from", "") or note.get("annotates", ""), "".join(note.itertext()))
                          for note in _children(unit, "note"))
            unit_id = unit.get("resname") or unit.get("id", "")
            units.append(ImportedUnit(unit_id, _joined(source), _joined(target) if target is not None else None,
                                      state, notes, Location(shown, unit.sourceline or 0)))
    return ExchangeFile("1.2", source_lang, target_lang, tuple(units))


# ---------------------------------------------------------------- inline content


def _pieces(element, shown: str, data: dict[str, str] | None = None) -> list:
    """Text and codes of a <source>/<target>, in order.  A code's Markdown, when the file gives it (XLIFF 2.0's
    <originalData>, the native code inside XLIFF 1.2's <ph>, <bpt>, <ept>, <it>), travels with it: a code a
    CAT tool added is written as the file says."""
    data = data or {}
    result: list = []
    if element.text:
        result.append(element.text)
    for child in element:
        name = _local(child)
        native = "".join(child.itertext()) if name in ("ph", "bpt", "ept", "it") and data is not None else ""
        if name in ("pc", "g"):
            code_id = child.get("id", "")
            result.append(Code(code_id, "", "open", data.get(child.get("dataRefStart", ""), "")))
            result.extend(_pieces(child, shown, data))
            result.append(Code(code_id, "", "close", data.get(child.get("dataRefEnd", ""), "")))
        elif name in ("ph", "x", "it"):
            role = {"open": "open", "close": "close"}.get(child.get("pos", ""), "standalone") if name == "it" else "standalone"
            result.append(Code(child.get("id", ""), "", role, data.get(child.get("dataRef", ""), native)))
        elif name in ("sc", "bx", "bpt"):
            code_id = child.get("id", "") if name == "sc" else child.get("rid") or child.get("id", "")
            result.append(Code(code_id, "", "open", data.get(child.get("dataRef", ""), native)))
        elif name in ("ec", "ex", "ept"):
            code_id = child.get("startRef") or child.get("rid") or child.get("id", "")
            result.append(Code(code_id, "", "close", data.get(child.get("dataRef", ""), native)))
        elif name in ("mrk", "sm", "em"):  # annotations and segment markers: their content only
            result.extend(_pieces(child, shown, data))
        elif name == "cp":
            try:
                result.append(chr(int(child.get("hex", ""), 16)))
            except ValueError:
                raise _bad(shown, child, f"<cp hex={child.get('hex')!r}> is not a code point") from None
        elif name != "sub":
            raise _bad(shown, child, f"unknown inline element <{name}> in <{_local(element)}>")
        if child.tail:
            result.append(child.tail)
    return result


def _joined(pieces) -> tuple:
    """Adjacent text joined, empty text dropped."""
    result: list = []
    for piece in pieces:
        if isinstance(piece, str):
            if not piece:
                continue
            if result and isinstance(result[-1], str):
                result[-1] += piece
                continue
        result.append(piece)
    return tuple(result)
