"""Web archives → a WACZ 1.1.1 package (https://specs.webrecorder.net/wacz/1.1.1/).

Written with `zipfile` in STORE mode (replay reads a record by a byte range,
which compression would break), in this order:

* `archive/<name>`: each WARC as kept in captures/ (sources.py);
* `indexes/index.cdxj`: the CDXJ index (index.py), offsets into those WARCs;
* `pages/pages.jsonl`: a `json-pages-1.0` header line, then one line per
  captured page (`id`, `url`, `ts`, `title`) written by us from the blog's
  capture records, not guessed: the `wacz` tool's page detection writes no
  page for an archive holding a single page, and its validator does not
  notice;
* `datapackage.json`: every file above with its `path`, `hash`
  (`sha256:<hex>`) and `bytes`;
* `datapackage-digest.json`: the sha256 of datapackage.json.

The same input gives the same bytes: members are dated by the newest
capture, listed in a fixed order, and nothing depends on the clock.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import IO

from generator import __version__
from generator.archive.index import IndexEntry, cdxj_index
from generator.archive.sources import Archives, collect
from generator.core.errors import SiteError
from generator.core.model import Blog
from generator.core.replay import web_archive_captures

WACZ_VERSION = "1.1.1"
_ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=timezone.utc)  # the earliest date a ZIP member can carry


@dataclass(frozen=True, slots=True)
class Page:
    url: str
    ts: str  # ISO 8601, UTC
    title: str


@dataclass(frozen=True, slots=True)
class Package:
    pages: tuple[Page, ...]
    files: int  # WARCs in archive/
    index_lines: int
    unlisted: tuple[str, ...]  # captures whose record the index does not hold


def package_blogs(out: IO[bytes], root: Path, blogs: Sequence[Blog]) -> tuple[Package, Archives]:
    """The WACZ of `blogs`' web-archive captures (those in `root`/captures/), written to `out`;
    dated by the newest of those captures."""
    archives = collect(root, blogs)
    if not archives.files:
        names = ", ".join(blog.slug for blog in blogs)
        raise SiteError(f"no web-archive capture (WARC or WACZ) to package for {names}",
                        path=blogs[0].source if len(blogs) == 1 else None,
                        hint="only captures imported from a .warc, .warc.gz or .wacz go into a WACZ")
    moments = [r.captured_at for blog in blogs for r in web_archive_captures(blog) if r.captured_at is not None]
    title = blogs[0].title if len(blogs) == 1 else f"{len(blogs)} live blogs"
    return write_wacz(out, archives, title=title, created=max(moments, default=None)), archives


def pages_of(archives: Archives, index: Sequence[IndexEntry]) -> tuple[tuple[Page, ...], tuple[str, ...]]:
    """One page per capture record: its address and time as the index holds them."""
    at = {(entry.file, entry.offset): entry for entry in index}
    pages: list[Page] = []
    unlisted: list[str] = []
    for record in archives.pages:
        entry = at.get((record.file, record.offset))
        if entry is None:
            unlisted.append(record.capture)
            continue
        page = Page(entry.url, _iso(entry.timestamp), record.title)
        if page not in pages:
            pages.append(page)
    return tuple(pages), tuple(unlisted)


def write_wacz(out: IO[bytes], archives: Archives, *, title: str, created: datetime | None) -> Package:
    """Write the package of `archives` to `out` (a file open for writing, or a BytesIO)."""
    if not archives.files:
        raise SiteError("no web-archive capture to package")
    index = cdxj_index(archives.files)
    pages, unlisted = pages_of(archives, index)
    members: list[tuple[str, bytes]] = [(f"archive/{file.name}", file.data) for file in archives.files]
    members.append(("indexes/index.cdxj", "".join(entry.line + "\n" for entry in index).encode()))
    members.append(("pages/pages.jsonl", _pages_jsonl(pages)))
    when = max(created, _ZIP_EPOCH) if created is not None else _ZIP_EPOCH
    package = _datapackage(members, title, when, pages)
    members.append(("datapackage.json", package))
    digest = {"path": "datapackage.json", "hash": "sha256:" + hashlib.sha256(package).hexdigest()}
    members.append(("datapackage-digest.json", json.dumps(digest, indent=2).encode() + b"\n"))
    stamp = when.astimezone(timezone.utc).timetuple()[:6]
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return Package(pages, len(archives.files), len(index), unlisted)


def _pages_jsonl(pages: Sequence[Page]) -> bytes:
    lines: list[dict[str, str]] = [{"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}]
    for page in pages:
        number = hashlib.sha256(f"{page.ts} {page.url}".encode()).hexdigest()[:24]
        lines.append({"id": number, "url": page.url, "ts": page.ts, "title": page.title})
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()


def _datapackage(members: Sequence[tuple[str, bytes]], title: str, when: datetime,
                 pages: Sequence[Page]) -> bytes:
    moment = when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    package: dict[str, object] = {
        "profile": "data-package",
        "wacz_version": WACZ_VERSION,
        "title": title,
        "created": moment,
        "modified": moment,
        "software": f"liveblog {__version__}",
    }
    if pages:
        package["mainPageURL"], package["mainPageDate"] = pages[-1].url, pages[-1].ts
    package["resources"] = [{"name": name.rsplit("/", 1)[-1], "path": name,
                             "hash": "sha256:" + hashlib.sha256(data).hexdigest(), "bytes": len(data)}
                            for name, data in members]
    return json.dumps(package, indent=2, ensure_ascii=False).encode() + b"\n"


def _iso(timestamp: str) -> str:
    """A CDXJ timestamp (20240305133000) in ISO 8601: 2024-03-05T13:30:00Z."""
    t = timestamp
    return f"{t[0:4]}-{t[4:6]}-{t[6:8]}T{t[8:10]}:{t[10:12]}:{t[12:14]}Z"
