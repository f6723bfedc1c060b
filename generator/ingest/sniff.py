"""Which importer reads this file: decided by its content, not its name.

`sniff` looks at the first bytes of a capture and names its format; `read`
hands the bytes to the importer for that format, which returns the one
capture record (ingest/record.py). A format liveblog recognises but cannot
import yet, and anything else, is refused with a message that says what the
file is and what is supported, instead of a parser's confusion.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections.abc import Callable, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from generator.core.dates import check_plausible
from generator.core.errors import SiteError
from generator.ingest import warc
from generator.ingest.html import parse_html
from generator.ingest.record import ParsedCapture
from generator.ingest.text.parse import decode_capture, parse_capture

# (bytes, source name, zone labels, topic rules, when it was captured if the user says,
# the site's zone) → every capture the file holds, in file order
Importer = Callable[[bytes, str, Mapping[str, ZoneInfo], Mapping[str, tuple[str, ...]], datetime | None,
                     ZoneInfo | None], tuple[ParsedCapture, ...]]

_HEAD = 4096
_HTML = re.compile(rb"\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)[\s>]", re.IGNORECASE | re.DOTALL)
_XML = re.compile(rb"\s*<\?xml\s", re.IGNORECASE)
# Formats recognised by their first bytes (magic numbers), none of them importable.
_MAGIC = (
    (b"%PDF-", "PDF"), (b"\x89PNG\r\n\x1a\n", "PNG image"), (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"), (b"RIFF", "RIFF media file"), (b"\x7fELF", "program (ELF)"),
)


def _text(data: bytes, source: str, zones: Mapping[str, ZoneInfo],
          rules: Mapping[str, tuple[str, ...]], anchor: datetime | None,
          site_zone: ZoneInfo | None) -> tuple[ParsedCapture, ...]:
    """A page's text; relative post times ("12 min ago") count back from `anchor`; its
    ids are in the zones its labels name."""
    return (parse_capture(decode_capture(data, source=source), source=source, zones=zones,
                          topic_rules=rules, anchor=anchor),)


def _html(data: bytes, source: str, zones: Mapping[str, ZoneInfo],
          rules: Mapping[str, tuple[str, ...]], anchor: datetime | None,
          site_zone: ZoneInfo | None) -> tuple[ParsedCapture, ...]:
    return (parse_html(data, source=source, zones=zones, topic_rules=rules, site_zone=site_zone),)


def _warc(data: bytes, source: str, zones: Mapping[str, ZoneInfo], rules: Mapping[str, tuple[str, ...]],
          anchor: datetime | None, site_zone: ZoneInfo | None, only: int | None = None
          ) -> tuple[ParsedCapture, ...]:
    """Every record dates itself (WARC-Date): `anchor` is not needed."""
    return warc.parse_warc(data, source=source, zones=zones, topic_rules=rules, is_html=is_html, only=only,
                           site_zone=site_zone)


def _wacz(data: bytes, source: str, zones: Mapping[str, ZoneInfo], rules: Mapping[str, tuple[str, ...]],
          anchor: datetime | None, site_zone: ZoneInfo | None, only: int | None = None
          ) -> tuple[ParsedCapture, ...]:
    return warc.parse_wacz(data, source=source, zones=zones, topic_rules=rules, is_html=is_html, only=only,
                           site_zone=site_zone)


IMPORTERS: Mapping[str, Importer] = {"text capture": _text, "HTML page": _html, "WARC": _warc,
                                     "gzip'd WARC": _warc, "WACZ": _wacz}
# Importers of files holding many captures that can read the one at a record offset alone.
_BY_OFFSET = {"WARC": _warc, "gzip'd WARC": _warc, "WACZ": _wacz}
# What messages call each format (a WARC is one format, gzip'd per record or not).
_LABELS = {"HTML page": "HTML", "gzip'd WARC": "WARC"}


def supported() -> str:
    """The formats `liveblog import` reads: "text capture, HTML, WARC, WACZ"."""
    return ", ".join(dict.fromkeys(_LABELS.get(kind, kind) for kind in IMPORTERS))


def sniff(data: bytes) -> str:
    """The format of a capture: "text capture", "HTML page", "WARC", "gzip'd WARC",
    "WACZ", "ZIP archive", "JSON", "XML", …"""
    head = data[:_HEAD].removeprefix(b"\xef\xbb\xbf")
    if head.startswith(b"WARC/"):
        return "WARC"
    if head.startswith(b"\x1f\x8b"):
        return "gzip'd WARC" if _gunzip_head(data).startswith(b"WARC/") else "gzip file"
    if head.startswith(b"PK\x03\x04"):
        return "WACZ" if b"datapackage.json" in data[-65_536:] or b"datapackage.json" in head else "ZIP archive"
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    if is_html(head):
        return "HTML page"
    if _XML.match(head):
        return "XML document"
    if head.lstrip()[:1] in (b"{", b"[") and _is_json(data):
        return "JSON"
    return "text capture"


def read(data: bytes, *, source: str, zones: Mapping[str, ZoneInfo],
         topic_rules: Mapping[str, tuple[str, ...]], anchor: datetime | None = None,
         site_zone: ZoneInfo | None = None) -> tuple[ParsedCapture, ...]:
    """The capture records of a file (a web archive may hold several), by the
    importer its content calls for. `anchor`: when the capture was taken, when
    the user says (`--captured-at`): a page's relative times count back from it."""
    kind = sniff(data)
    importer = IMPORTERS.get(kind)
    if importer is None:
        raise SiteError(f"{kind} is not a supported capture format; supported: {supported()}",
                        path=source)
    return _plausible(importer(data, source, zones, topic_rules, anchor, site_zone), source)


def read_one(data: bytes, *, source: str, record_offset: int | None, zones: Mapping[str, ZoneInfo],
             topic_rules: Mapping[str, tuple[str, ...]], anchor: datetime | None = None,
             site_zone: ZoneInfo | None = None) -> ParsedCapture:
    """The one capture a file holds at `record_offset` (None: the file is one capture).
    A web archive parses only that record's page."""
    archive = _BY_OFFSET.get(sniff(data)) if record_offset is not None else None
    found = _plausible(archive(data, source, zones, topic_rules, anchor, site_zone, record_offset), source) \
        if archive is not None else read(data, source=source, zones=zones, topic_rules=topic_rules, anchor=anchor,
                                         site_zone=site_zone)
    for parsed in found:
        if parsed.record_offset == record_offset:
            return parsed
    raise SiteError(f"no live blog in the record at offset {record_offset}", path=source,
                    hint="run `liveblog verify`: the file may have changed")


def _plausible(captures: tuple[ParsedCapture, ...], source: str) -> tuple[ParsedCapture, ...]:
    """Every importer's times within the years content/ may hold (core/dates.py): the
    importers refuse their own out-of-range times where they read them; this is the
    one check that no format's record gets past."""
    for capture in captures:
        check_plausible(capture.blog.date, what="the blog's date", path=source, line=None)
        for moment, what in ((capture.blog.updated, "its Updated time"), (capture.captured_at, "its capture time")):
            if moment is not None:
                check_plausible(moment, what=what, path=source, line=None)
        for post in capture.posts:
            check_plausible(post.published, what=f"post {post.position}'s time", path=source,
                            line=post.line or None)
    return captures


def is_html(data: bytes) -> bool:
    """Whether bytes begin like an HTML page (a doctype or an html, head or body tag)."""
    return _HTML.match(data[:_HEAD].removeprefix(b"\xef\xbb\xbf")) is not None


def _gunzip_head(data: bytes) -> bytes:
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[:_HEAD], 64)
    except (zlib.error, gzip.BadGzipFile):
        return b""


def _is_json(data: bytes) -> bool:
    try:
        json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return False
    return True
