"""A blog's web-archive captures, as kept in captures/ → the WARCs a WACZ packages.

The WARC importer copies each `.warc`, `.warc.gz` or `.wacz` byte for byte
into captures/ and records, in _blog.md, each capture's file, format and
record offset. Packaging starts from those records: every capture file of
format `warc` goes into the package as it is, under its own name; the WARCs
inside a `.wacz` capture go in as they are, named `<wacz name>-<warc name>`
(a record's offset in the .wacz, minus where that WARC starts in the ZIP,
is its offset in the WARC). A WARC gzip'd as one whole stream (no offset of
a record is a position in it) goes in gunzipped, as `<name>.warc`: the
importer recorded such records by their offset in the gunzipped stream, so
the offsets stay right. A capture file whose sha256 is not the one recorded
at import is refused: the package holds the captures as they were recorded,
or nothing. Saved HTML pages and texts are no web archive: they are left
out, and the caller says so.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from generator.core.errors import SiteError
from generator.core.fixity import recorded
from generator.core.model import Blog
from generator.core.paths import read_bytes
from generator.core.replay import WEB_ARCHIVE_FORMATS
from generator.ingest.warc.inflate import GZIP_MAGIC, members
from generator.ingest.warc.wacz import warc_members


@dataclass(frozen=True, slots=True)
class ArchiveFile:
    name: str  # its name under archive/ in the package
    data: bytes


@dataclass(frozen=True, slots=True)
class PageRecord:
    """Where one capture's record is in the packaged WARCs, and what to call the page."""

    file: str  # ArchiveFile.name
    offset: int
    title: str
    capture: str  # the capture as post files name it (CaptureRecord.ref), for messages


@dataclass(frozen=True, slots=True)
class Archives:
    files: tuple[ArchiveFile, ...]
    pages: tuple[PageRecord, ...]  # capture-time order, blog by blog
    left_out: tuple[str, ...]  # capture files that are no web archive: "captures/x.html (html)"


@dataclass(frozen=True, slots=True)
class _Part:
    name: str
    start: int  # where its bytes start in the capture file
    data: bytes


def collect(root: Path, blogs: Iterable[Blog]) -> Archives:
    """The web archives of `blogs` (a capture file shared by several goes in once)."""
    parts: dict[str, tuple[_Part, ...]] = {}
    taken: set[str] = set()
    pages: list[PageRecord] = []
    left_out: dict[str, None] = {}
    for blog in blogs:
        title = blog.headline_at_capture or blog.title
        for record in blog.captures:
            if record.format not in WEB_ARCHIVE_FORMATS:
                left_out[f"{record.file} ({record.format})"] = None
                continue
            if record.file not in parts:
                parts[record.file] = _parts(root, record.file, record.format, record.sha256, record.size, taken)
            if record.record_offset is None:
                continue
            part = _holding(parts[record.file], record.record_offset)
            if part is None:
                raise SiteError(f"no WARC in the file holds the record at byte {record.record_offset:,} "
                                f"that {blog.source} lists", path=root / record.file,
                                hint="the capture file changed since it was imported; `liveblog verify` checks")
            pages.append(PageRecord(part.name, record.record_offset - part.start, title, record.ref))
    files = tuple(ArchiveFile(part.name, part.data) for found in parts.values() for part in found)
    return Archives(files, tuple(pages), tuple(left_out))


def _parts(root: Path, file: str, format: str, sha256: str, size: int, taken: set[str]) -> tuple[_Part, ...]:
    path = root / file
    data = read_bytes(path, missing="the capture file _blog.md lists is missing",
                      hint="restore it from a copy; `liveblog verify` lists what is missing")
    # A WARC `liveblog capture` appends to holds the recorded bytes as its first `size` bytes.
    if not recorded(data, size, sha256, appendable=format == "warc"):
        raise SiteError("the capture file does not match the sha256 _blog.md records for it "
                        "(it changed since it was imported)", path=path,
                        hint="restore it from a copy; `liveblog verify` checks every capture")
    name = file.rsplit("/", 1)[-1]
    if format == "wacz":
        stem = name.removesuffix(".wacz")
        return tuple(_Part(_unique(f"{stem}-{member.rsplit('/', 1)[-1]}", taken), start, warc)
                     for member, start, warc in warc_members(data, source=str(path)))
    if data.startswith(GZIP_MAGIC) and _whole_gzip(data):
        plain = b"".join(member.data for member in members(data, source=str(path)))
        return (_Part(_unique(name.removesuffix(".gz") if name.endswith(".gz") else name + ".warc", taken),
                      0, plain),)
    return (_Part(_unique(name, taken), 0, data),)


def _unique(name: str, taken: set[str]) -> str:
    """`name`, or `name` with -2, -3, … before its `.warc`/`.warc.gz` ending, not in `taken`."""
    stem, dot, ending = name.partition(".warc")
    chosen, number = name, 2
    while chosen in taken:
        chosen, number = f"{stem}-{number}{dot}{ending}", number + 1
    taken.add(chosen)
    return chosen


def _whole_gzip(data: bytes) -> bool:
    """Whether a gzip'd WARC is one gzip stream holding every record (warcio refuses it)."""
    try:
        for _ in ArchiveIterator(io.BytesIO(data)):
            pass
    except ArchiveLoadFailed:
        return True
    return False


def _holding(parts: tuple[_Part, ...], offset: int) -> _Part | None:
    for part in parts:
        if part.start <= offset < part.start + len(part.data):
            return part
    return None
