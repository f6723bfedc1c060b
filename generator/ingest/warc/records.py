"""WARC bytes → its records: the headers a capture needs, the payload of each
HTML page, and the bytes of each raster image. Pure; the only warcio user.

A record's `offset` is where it starts in the file: the byte where its gzip
member starts in a `.warc.gz` written one member per record (as warcio,
wget, Heritrix and browsertrix write them, and as CDXJ indexes count), the
byte where the record starts in a plain `.warc`. A whole-file-gzipped WARC
(one gzip stream holding every record, which warcio refuses) is read whole
in memory, bounded by `inflate.MAX_INFLATED`; its offsets are then positions
in the gunzipped stream (what `gunzip` gives), the only positions a reader
can find the record at again. Every record of such a file has one, so the
numbers are as stable as in any other WARC.

Damage is an error naming the file and the offset where reading failed,
never a traceback, never a short record taken for a whole one: a gzip
member cut short or failing its CRC (inflate.py), a record shorter than its
Content-Length, a record not followed by its blank lines (a wrong
Content-Length; warcio only writes a note on stderr), a header warcio cannot
parse. Block and payload digests that do not match are kept as `problems`
(the capture gets a warning), since some crawlers compute them differently.

An image response (status 200, an `image/*` type) keeps its bytes when they
are a JPEG, PNG, GIF, WebP or AVIF by their magic numbers (core/media.py)
and at most MAX_IMAGE long; otherwise `refused` says why (an SVG, bytes that
are no raster image, too large), so that a figure showing it can say so.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from warcio.archiveiterator import WARCIterator
from warcio.bufferedreaders import ChunkedDataException
from warcio.exceptions import ArchiveLoadFailed
from warcio.limitreader import LimitReader
from warcio.statusandheaders import StatusAndHeadersParserException

from generator.core.errors import SiteError
from generator.core.media import MAX_IMAGE, RASTER_TYPES, image_type
from generator.ingest.html import MAX_BYTES
from generator.ingest.record import Media
from generator.ingest.warc.inflate import GZIP_MAGIC, members
from generator.ingest.warc.rounds import MAX_ROUND_BYTES, ROUND_TYPE, Round, read_round

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_SNIFFED_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream", "text/plain"})
_DECODED = frozenset({"", "identity", "gzip", "deflate"})  # Content-Encodings warcio undoes
_SNIFF_BYTES = 4096
# What warcio (and the readers under it) raise on a damaged archive.
_DAMAGE = (ArchiveLoadFailed, StatusAndHeadersParserException, ChunkedDataException, EOFError,
           ValueError, UnicodeError, zlib.error)


@dataclass(frozen=True, slots=True)
class WarcRecord:
    offset: int  # where the record starts (see above); inside a WACZ, in the .wacz file
    type: str  # WARC-Type: "response", "revisit", "request", …
    record_id: str | None
    target_uri: str | None
    date: str | None  # WARC-Date as written
    payload_digest: str | None
    refers_to: str | None  # revisits: the original's record id, address and date
    refers_to_uri: str | None
    refers_to_date: str | None
    html: bytes | None = None  # a 200 response's HTML page, decoded (transfer and content encoding)
    unread: str | None = None  # why an HTML page was not read ("Content-Encoding br")
    problems: tuple[str, ...] = ()  # digest checks that failed
    image: Media | None = None  # a 200 response's raster image (its type told by its bytes)
    refused: str | None = None  # why an image response's bytes were not kept
    round: Round | None = None  # a `liveblog capture` round record (rounds.py)


class _Iterator(WARCIterator):  # type: ignore[misc]
    """warcio's WARC iterator, but a record not followed by a blank line (its
    Content-Length is wrong) is an error instead of a note on stderr."""

    def _consume_blanklines(self) -> tuple[bytes | None, int]:
        empty = 0
        while True:
            line: bytes = self.reader.readline()
            if not line:
                return None, empty
            if line.rstrip():
                if empty == 0:
                    raise ArchiveLoadFailed("the record is not followed by a blank line "
                                            "(its Content-Length is wrong)")
                return line, empty
            empty += len(line)


def read_records(data: bytes, *, source: str, is_html: Callable[[bytes], bool], member: str = "",
                 base: int = 0, whole_gzip: bool = True, keep: Callable[[str], bool] | None = None,
                 max_inflated: int | None = None) -> tuple[WarcRecord, ...]:
    """Every record of a WARC (plain, or gzip'd), in file order, offsets plus `base`.
    `member`: the file's name inside a WACZ, for messages; `keep(uri)`: whose HTML to
    read (default all); `is_html(first bytes)`: whether a payload of no HTML type is
    HTML; `whole_gzip`: whether a whole-file-gzipped WARC is read (not inside a WACZ,
    where its offsets would not be positions in the file)."""
    where = f"{member}: " if member else ""
    if not data.startswith(GZIP_MAGIC):
        return tuple(replace(r, offset=base + r.offset) for r in
                     _records(data, source, where, lambda local: f"offset {base + local}", is_html, keep))
    parts = []
    for part in members(data, source=source, where=where, limit=max_inflated):
        def at(local: int, start: int = base + part.offset, inflated: int = part.inflated_at) -> str:
            return f"offset {start}" if local == 0 else \
                f"offset {inflated + local} of the gunzipped file (in the gzip member at offset {start})"
        parts.append((part.offset, part.inflated_at, _records(part.data, source, where, at, is_html, keep)))
    if all(len(records) <= 1 for _, _, records in parts):
        return tuple(replace(r, offset=base + offset) for offset, _, records in parts for r in records)
    if not whole_gzip:
        raise SiteError(f"{where}a whole-file-gzipped WARC: its records have no offset in the file",
                        path=source, hint="`warcio recompress` gives one gzip member per record")
    return tuple(replace(r, offset=inflated + r.offset) for _, inflated, records in parts for r in records)


def _records(data: bytes, source: str, where: str, at: Callable[[int], str],
             is_html: Callable[[bytes], bool], keep: Callable[[str], bool] | None) -> tuple[WarcRecord, ...]:
    """The records of an uncompressed WARC stream, offsets within it; `at(offset)`
    names a place in messages."""
    if data and not data.startswith(b"WARC/"):
        raise SiteError(f"{where}no WARC record at {at(0)} (it starts {data[:16]!r})",
                        path=source, hint="the file is corrupt, or not a WARC")
    iterator = _Iterator(io.BytesIO(data), check_digests=True)
    found = []
    try:
        for record in _each(iterator):
            found.append(_record(record, iterator, is_html, keep))
    except _TooBig as error:
        raise SiteError(f"{where}the HTML page in the record at {at(error.offset)} is over "
                        f"the limit of {MAX_BYTES:,} bytes", path=source) from None
    except _DAMAGE as error:
        raise SiteError(f"{where}damaged WARC at {at(iterator.offset)}: {_first_line(error)}", path=source,
                        hint="the file is corrupt or truncated; fetch or copy it again") from None
    return tuple(found)


def _each(iterator: Any) -> Iterator[Any]:
    """warcio's records; where warcio trips over a header it did not expect (a response
    with no WARC-Target-URI: AttributeError), the archive is damaged, not our code."""
    records = iter(iterator)
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except (AttributeError, TypeError, IndexError, KeyError) as error:
            raise ArchiveLoadFailed(f"a record warcio cannot parse ({type(error).__name__}: {error})") from None
        yield record


class _TooBig(Exception):
    def __init__(self, offset: int) -> None:
        super().__init__(offset)
        self.offset = offset


def _record(record: Any, iterator: Any, is_html: Callable[[bytes], bool],
            keep: Callable[[str], bool] | None) -> WarcRecord:
    headers = record.rec_headers
    length = headers.get_header("Content-Length")
    if length is None or not length.strip().isdigit():
        raise ArchiveLoadFailed(f"the record has no valid Content-Length ({length!r})")
    uri = headers.get_header("WARC-Target-URI")
    html, unread, image, refused, found_round = None, None, None, None, None
    http = record.http_headers
    if record.rec_type == "metadata" and \
            (headers.get_header("Content-Type") or "").split(";")[0].strip().lower() == ROUND_TYPE:
        found_round = read_round(record.content_stream().read(MAX_ROUND_BYTES))
    if record.rec_type == "response" and http is not None and http.get_statuscode() == "200" and uri:
        if keep is None or keep(uri):
            html, unread = _html(record, is_html, iterator.offset)
        if html is None and unread is None:
            image, refused = _image(record, uri)
    iterator.read_to_end()
    raw = record.raw_stream
    if isinstance(raw, LimitReader) and raw.limit > 0:
        raise ArchiveLoadFailed(f"the record is cut short by {raw.limit:,} bytes (the file is truncated)")
    checker = record.digest_checker
    return WarcRecord(
        offset=iterator.get_record_offset(), type=str(record.rec_type),
        record_id=headers.get_header("WARC-Record-ID"), target_uri=uri, date=headers.get_header("WARC-Date"),
        payload_digest=headers.get_header("WARC-Payload-Digest"), refers_to=headers.get_header("WARC-Refers-To"),
        refers_to_uri=headers.get_header("WARC-Refers-To-Target-URI"),
        refers_to_date=headers.get_header("WARC-Refers-To-Date"), html=html, unread=unread,
        problems=tuple(str(p) for p in checker.problems) if checker is not None else (),
        image=image, refused=refused, round=found_round,
    )


def _html(record: Any, is_html: Callable[[bytes], bool], offset: int) -> tuple[bytes | None, str | None]:
    """A response's payload when it is an HTML page, at most MAX_BYTES (else _TooBig);
    or why an HTML page could not be read."""
    http = record.http_headers
    kind = (http.get_header("Content-Type") or "").split(";")[0].strip().lower()
    if kind not in HTML_TYPES and kind not in _SNIFFED_TYPES:
        return None, None
    encoding = (http.get_header("Content-Encoding") or "").strip().lower()
    if encoding not in _DECODED:
        return None, f"Content-Encoding {encoding}" if kind in HTML_TYPES else None
    stream = record.content_stream()
    head: bytes = stream.read(_SNIFF_BYTES)
    if kind not in HTML_TYPES and not is_html(head):
        return None, None
    payload = head + stream.read(MAX_BYTES + 1 - len(head))
    if len(payload) > MAX_BYTES:
        raise _TooBig(offset)
    return payload, None


def _image(record: Any, uri: str) -> tuple[Media | None, str | None]:
    """An image response's bytes when they are a raster image of at most MAX_IMAGE bytes
    (else why not); (None, None) for a response that is no image."""
    http = record.http_headers
    kind = (http.get_header("Content-Type") or "").split(";")[0].strip().lower()
    if not kind.startswith("image/"):
        return None, None
    if kind not in RASTER_TYPES:
        return None, f"{kind} is not a raster image liveblog publishes" + \
            (" (an SVG can hold script)" if kind.startswith("image/svg") else "")
    encoding = (http.get_header("Content-Encoding") or "").strip().lower()
    if encoding not in _DECODED:
        return None, f"Content-Encoding {encoding}, which liveblog cannot decode"
    data: bytes = record.content_stream().read(MAX_IMAGE + 1)
    if len(data) > MAX_IMAGE:
        return None, f"over the limit of {MAX_IMAGE:,} bytes"
    found = image_type(data)
    if found is None:
        return None, f"its bytes are no JPEG, PNG, GIF, WebP or AVIF image (it says {kind})"
    return Media(uri, found, data), None


def _first_line(error: BaseException) -> str:
    text = next((line.strip() for line in str(error).splitlines() if line.strip()), type(error).__name__)
    return text if len(text) <= 160 else text[:159] + "…"
