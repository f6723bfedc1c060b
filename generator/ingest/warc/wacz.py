"""A WACZ (1.1.1) → the records of the pages it lists. Pure.

A WACZ is a ZIP holding `archive/*.warc(.gz)`, `pages/*.jsonl` (the pages a
reader starts from: `url` and `ts` per line, after a header line),
`datapackage.json` (every file's sha256) and `indexes/`. The pages listed
are read from the WARCs (every record of their addresses: a page captured
again and again is several captures); a WACZ listing no pages has every
HTML page read, and each capture notes it.

A record's offset is its position in the .wacz file itself: the WARCs are
stored in the ZIP uncompressed (the spec asks for STORE, so that replay can
read a record by range), so the byte where a WARC member's data starts plus
the record's offset in that WARC is where the record's gzip member sits in
the .wacz. That tells records apart across the WARCs inside, is found again
by reading the same file, and means something (`dd skip=…` reaches it). A
compressed WARC member has no such position and is refused. So are member
names that could escape a folder (absolute, `..`; zip-slip), members larger
than the bounds, and a WARC that does not match its datapackage.json sha256.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Mapping
from pathlib import PurePosixPath
from typing import Any

from generator.core.errors import SiteError
from generator.ingest.record import CaptureWarning
from generator.ingest.warc.inflate import MAX_INFLATED
from generator.ingest.warc.records import WarcRecord, read_records

MAX_INDEX = 64 * 1024 * 1024  # bytes of datapackage.json or of one pages/*.jsonl
NO_PAGES = ("the WACZ lists no pages (pages/pages.jsonl is missing or empty): "
            "every HTML page in it was looked at")
_DRIVE = re.compile(r"^[A-Za-z]:")
_LOCAL_HEADER = b"PK\x03\x04"


def wacz_records(data: bytes, *, source: str, is_html: Callable[[bytes], bool],
                 max_inflated: int | None = None) -> tuple[tuple[WarcRecord, ...], tuple[CaptureWarning, ...]]:
    """The records of the listed pages (of every HTML page when none is listed), in the
    WARCs' name order, and the notes every capture carries."""
    archive = _open(data, source)
    infos = archive.infolist()
    for info in infos:
        _check_name(info.filename, source)
    names = {info.filename: info for info in infos}
    if "datapackage.json" not in names:
        raise SiteError("WACZ without datapackage.json", path=source, hint="not a WACZ 1.1.1 package")
    hashes = _hashes(_json(archive, names["datapackage.json"], source), source)
    pages = _pages(archive, [names[n] for n in sorted(names) if _is_pages(n)], source)
    keep = None if not pages else (lambda uri: uri.split("#", 1)[0] in pages)
    warcs = [names[n] for n in sorted(names) if n.startswith("archive/") and n.endswith((".warc", ".warc.gz"))]
    if not warcs:
        raise SiteError("WACZ with no WARC in archive/", path=source)
    records: list[WarcRecord] = []
    for info in warcs:
        start, member = _stored(data, info, source, MAX_INFLATED if max_inflated is None else max_inflated)
        _check_hash(member, hashes.get(info.filename), info.filename, source)
        records += read_records(member, source=source, is_html=is_html, member=info.filename, base=start,
                                whole_gzip=False, keep=keep, max_inflated=max_inflated)
    notes = () if pages else (CaptureWarning(None, NO_PAGES),)
    return tuple(records), notes


def _open(data: bytes, source: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, EOFError, OSError,
            struct.error) as error:
        raise SiteError(f"damaged WACZ: not a readable ZIP ({error})", path=source,
                        hint="the file is corrupt or truncated; fetch or copy it again") from None


def _check_name(name: str, source: str) -> None:
    """Refuse a member whose name could escape a folder (zip-slip), even though
    nothing is extracted: such a package was not made by an honest tool."""
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if name.startswith(("/", "\\")) or _DRIVE.match(name) or ".." in parts or "\x00" in name:
        raise SiteError(f"WACZ member {name!r} has an unsafe name (an absolute path or '..')", path=source,
                        hint="the package is damaged or hostile; it is not read")


def _is_pages(name: str) -> bool:
    return name.startswith("pages/") and name.endswith(".jsonl") and "/" not in name[len("pages/"):]


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, source: str) -> bytes:
    """A (small) member's bytes, at most `limit` whatever its header claims."""
    try:
        with archive.open(info) as stream:
            data = stream.read(limit + 1)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, ValueError, EOFError, zlib.error) as error:
        raise SiteError(f"damaged WACZ: cannot read {info.filename} ({error})", path=source) from None
    if len(data) > limit:
        raise SiteError(f"WACZ member {info.filename} is over the limit of {limit:,} bytes", path=source)
    return data


def _json(archive: zipfile.ZipFile, info: zipfile.ZipInfo, source: str) -> Any:
    try:
        return json.loads(_read(archive, info, MAX_INDEX, source))
    except (ValueError, RecursionError) as error:
        raise SiteError(f"{info.filename} in the WACZ is not JSON ({error})", path=source) from None


def _hashes(package: Any, source: str) -> Mapping[str, str]:
    """datapackage.json's sha256 of each file, by path."""
    resources = package.get("resources") if isinstance(package, dict) else None
    if not isinstance(resources, list):
        raise SiteError("datapackage.json in the WACZ has no list of resources", path=source)
    return {r["path"]: r["hash"].removeprefix("sha256:") for r in resources
            if isinstance(r, dict) and isinstance(r.get("path"), str) and isinstance(r.get("hash"), str)
            and r["hash"].startswith("sha256:")}


def _pages(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], source: str) -> frozenset[str]:
    """The addresses of the pages the pages/*.jsonl files list (a header line has none)."""
    urls: set[str] = set()
    for info in infos:
        text = _read(archive, info, MAX_INDEX, source).decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except (ValueError, RecursionError):
                raise SiteError(f"{info.filename} in the WACZ, line {number}: not JSON", path=source) from None
            if isinstance(entry, dict) and isinstance(entry.get("url"), str) and entry["url"].strip():
                urls.add(entry["url"].strip().split("#", 1)[0])
    return frozenset(urls)


def _stored(data: bytes, info: zipfile.ZipInfo, source: str, limit: int) -> tuple[int, bytes]:
    """Where a WARC member's bytes start in the .wacz, and the bytes (CRC checked)."""
    if info.compress_type != zipfile.ZIP_STORED:
        raise SiteError(f"{info.filename} is compressed inside the WACZ: its records have no position "
                        "in the file", path=source,
                        hint="WACZ 1.1.1 stores archive/ files uncompressed (ZIP STORE); repack it so")
    if info.flag_bits & 0x1:
        raise SiteError(f"{info.filename} is encrypted inside the WACZ", path=source)
    if info.file_size > limit:
        raise SiteError(f"{info.filename} in the WACZ is over the limit of {limit:,} bytes", path=source)
    header = data[info.header_offset:info.header_offset + 30]
    if len(header) < 30 or not header.startswith(_LOCAL_HEADER):
        raise SiteError(f"damaged WACZ: no local header for {info.filename} at offset {info.header_offset}",
                        path=source)
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    start = info.header_offset + 30 + name_length + extra_length
    member = data[start:start + info.compress_size]
    if len(member) != info.file_size or zlib.crc32(member) != info.CRC:
        raise SiteError(f"damaged WACZ: {info.filename} at offset {start} fails its CRC or is cut short",
                        path=source, hint="the file is corrupt or truncated; fetch or copy it again")
    return start, member


def _check_hash(member: bytes, expected: str | None, name: str, source: str) -> None:
    if expected is not None and hashlib.sha256(member).hexdigest() != expected.lower():
        raise SiteError(f"{name} in the WACZ does not match its sha256 in datapackage.json", path=source,
                        hint="the package is damaged; fetch or copy it again")


def warc_members(data: bytes, *, source: str) -> tuple[tuple[str, int, bytes], ...]:
    """Each WARC in a WACZ's archive/: its member name, the byte of the .wacz where its
    data starts (a record's offset in the .wacz minus this is its offset in the WARC),
    and its bytes, checked against their CRC and datapackage.json's sha256."""
    archive = _open(data, source)
    names = {info.filename: info for info in archive.infolist()}
    for name in names:
        _check_name(name, source)
    hashes = _hashes(_json(archive, names["datapackage.json"], source), source) if "datapackage.json" in names else {}
    found = []
    for name in sorted(names):
        if name.startswith("archive/") and name.endswith((".warc", ".warc.gz")):
            start, member = _stored(data, names[name], source, MAX_INFLATED)
            _check_hash(member, hashes.get(name), name, source)
            found.append((name, start, member))
    return tuple(found)
