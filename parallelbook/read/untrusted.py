"""Files from outside the book (XLIFF, Word, OpenDocument), opened safely.

XML is parsed with no DTD, no entity expansion, no network and no
document-type declaration at all: an XLIFF or Word file never needs one, and
refusing it removes XXE and the "billion laughs" in one rule.  A .docx or
.odt is a zip: its directory is checked before anything is inflated (entry
count, sizes, compression ratio, names that would escape a folder), and each
member is inflated with a hard cap whatever its header claims.

Every refusal is a located, coded problem (UNSAFE-FILE); nothing is written.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from lxml import etree

from ..problems import Location, Problem, error

MAX_XML_BYTES = 64 * 1024 * 1024  # an XLIFF of a long book is a few megabytes
MAX_ZIP_BYTES = 256 * 1024 * 1024  # the .docx itself
MAX_MEMBERS = 10_000
MAX_MEMBER_BYTES = 128 * 1024 * 1024  # one member, inflated
MAX_TOTAL_BYTES = 512 * 1024 * 1024  # every member, inflated
MAX_RATIO = 200  # inflated / compressed, for members over RATIO_FLOOR bytes (text XML compresses ~10x)
RATIO_FLOOR = 1024 * 1024


# a document type declaration, whatever the encoding (UTF-8 and its ASCII relatives, UTF-16 either way)
_DOCTYPE = re.compile(b"<!DOCTYPE|" + re.escape("<!DOCTYPE".encode("utf-16-le")) + b"|"
                      + re.escape("<!DOCTYPE".encode("utf-16-be")))


class Unsafe(Exception):
    """A file refused as unsafe or unreadable; carries the located problem."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


def _refuse(shown: str, message: str, line: int = 0, code: str = "UNSAFE-FILE") -> Unsafe:
    return Unsafe(error(code, Location(shown, line), message))


def parse_xml(data: bytes, shown: str) -> etree._Element:
    """The root element of an XML document from outside; raises Unsafe for anything but plain XML."""
    if len(data) > MAX_XML_BYTES:
        raise _refuse(shown, f"the XML is {len(data):,} bytes, more than the {MAX_XML_BYTES:,} accepted")
    declared = _DOCTYPE.search(data)
    if declared:
        line = data[: declared.start()].count(b"\n") + 1
        raise _refuse(shown, "the XML declares a document type (<!DOCTYPE ...>), which can hide entity "
                             "expansion or external files: refused", line)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False, remove_comments=True
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 0
        raise _refuse(shown, f"not well-formed XML: {exc.msg}", line, code="XML-INVALID") from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise _refuse(shown, "the XML declares a document type (<!DOCTYPE ...>), which can hide entity "
                             "expansion or external files: refused", 1)
    for node in root.iter(etree.Entity):
        raise _refuse(shown, f"the XML uses the entity &{node.name};, which is not expanded: refused", node.sourceline or 0)
    return root


@dataclass(frozen=True)
class ZipMembers:
    """The inflated members of a checked zip, by name."""

    members: dict[str, bytes]

    def xml(self, name: str, shown: str) -> etree._Element:
        return parse_xml(self.members[name], f"{shown}:{name}")


def read_zip(data: bytes, shown: str, *, wanted=lambda name: True) -> ZipMembers:
    """Inflate the members `wanted` of a zip from outside, within the limits; raises Unsafe."""
    if len(data) > MAX_ZIP_BYTES:
        raise _refuse(shown, f"the file is {len(data):,} bytes, more than the {MAX_ZIP_BYTES:,} accepted")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise _refuse(shown, f"not a readable zip (a .docx or .odt is one): {exc}", code="ZIP-INVALID") from None
    if len(infos) > MAX_MEMBERS:
        raise _refuse(shown, f"the zip holds {len(infos):,} files, more than the {MAX_MEMBERS:,} accepted")
    declared = 0
    for info in infos:
        _check_name(info, shown)
        declared += info.file_size
        if info.file_size > MAX_MEMBER_BYTES or declared > MAX_TOTAL_BYTES:
            raise _refuse(shown, f"{info.filename} would inflate to more than the limit "
                                 f"({MAX_MEMBER_BYTES:,} bytes a file, {MAX_TOTAL_BYTES:,} in all): refused as a zip bomb")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _refuse(shown, f"{info.filename} is compressed {info.file_size // max(info.compress_size, 1):,} "
                                 f"to 1, more than {MAX_RATIO} to 1: refused as a zip bomb")
    members: dict[str, bytes] = {}
    total = 0
    for info in infos:
        if info.is_dir() or not wanted(info.filename):
            continue
        try:
            with archive.open(info) as handle:
                content = handle.read(MAX_MEMBER_BYTES + 1)  # never trust the header's size
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError, ValueError) as exc:
            raise _refuse(shown, f"{info.filename} cannot be inflated: {exc}", code="ZIP-INVALID") from None
        total += len(content)
        if len(content) > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
            raise _refuse(shown, f"{info.filename} inflates beyond the limit: refused as a zip bomb")
        members[info.filename] = content
    return ZipMembers(members)


def _check_name(info: zipfile.ZipInfo, shown: str) -> None:
    name = info.filename
    path = PurePosixPath(name.replace("\\", "/"))
    mode = info.external_attr >> 16
    if (
        not name
        or path.is_absolute()
        or ".." in path.parts
        or (len(name) > 1 and name[1] == ":")
        or "\x00" in name
    ):
        raise _refuse(shown, f"the zip holds a file named {name!r}, a path that escapes its folder: refused")
    if stat.S_ISLNK(mode):
        raise _refuse(shown, f"the zip holds {name!r} as a symbolic link: refused")
