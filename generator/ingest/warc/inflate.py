"""A gzip'd WARC → its gzip members, one at a time, checked and bounded. Pure.

warcio reads gzip itself, but quietly: a member cut short gives a short
record, damaged deflate data is a note on stderr and an empty read. Walking
the members here first makes both an error naming the member's offset, and
each member's CRC is checked (zlib does, at its end).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from generator.core.errors import SiteError

GZIP_MAGIC = b"\x1f\x8b"
MAX_INFLATED = 1024 ** 3  # bytes one gzip member may inflate to (a whole-file-gzipped WARC is one member)
_CHUNK = 1 << 20  # bytes fed to, and taken from, zlib at a time


@dataclass(frozen=True, slots=True)
class Member:
    offset: int  # where the member starts in the file
    inflated_at: int  # where its bytes start in the gunzipped stream (what `gunzip` gives)
    data: bytes
    end: int  # where the next member starts (the end of the file, after the last)


def members(data: bytes, *, source: str, where: str = "", limit: int | None = None) -> Iterator[Member]:
    """Every gzip member of `data`, in order. `where` prefixes messages ("archive/data.warc.gz: ")
    and `limit` bounds one member's inflated size (default MAX_INFLATED)."""
    limit = MAX_INFLATED if limit is None else limit
    view = memoryview(data)
    offset = inflated = 0
    while offset < len(data):
        body, end = _member(view, offset, limit, source, where)
        yield Member(offset, inflated, body, end)
        inflated += len(body)
        offset = end


def _member(view: memoryview, start: int, limit: int, source: str, where: str) -> tuple[bytes, int]:
    """The inflated bytes of the member at `start`, and where the next one starts."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    parts: list[bytes] = []
    size, position = 0, start
    pending: bytes | memoryview = b""
    try:
        while not inflater.eof:
            if not pending:
                if position >= len(view):
                    raise SiteError(f"{where}gzip member at offset {start} is cut short (the file is truncated)",
                                    path=source, hint="fetch or copy the file again")
                pending = view[position:position + _CHUNK]
                position += len(pending)
            part = inflater.decompress(pending, _CHUNK)
            pending = inflater.unconsumed_tail
            size += len(part)
            if size > limit:
                raise SiteError(f"{where}gzip member at offset {start} inflates to over {limit:,} bytes, "
                                "the limit", path=source,
                                hint="a whole-file-gzipped WARC is one member: `warcio recompress` "
                                     "gives one member per record")
            parts.append(part)
    except zlib.error as error:
        raise SiteError(f"{where}damaged gzip data in the member at offset {start} ({error})", path=source,
                        hint="the file is corrupt; fetch or copy it again") from None
    return b"".join(parts), position - len(pending) - len(inflater.unused_data)
