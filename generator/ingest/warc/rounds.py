"""The round record `liveblog capture` writes into its WARCs, and its reading. Pure.

`liveblog capture` fetches a live blog again and again; each time (a round)
it fetches the first page and its pages of older posts, then writes one
WARC `metadata` record (Content-Type `application/warc-fields`, the WARC
1.1 format for named fields) that lists, in page order, the record ids of
the pages' `response` or `revisit` records:

    liveblog-round: 3
    liveblog-started: 2026-12-02T10:05:00Z
    liveblog-page: <urn:uuid:…>
    liveblog-page: <urn:uuid:…>

A round's pages are then one capture of the blog (captures.py): posts in
page order, none counted twice. The record is written after the pages, so a
round cut short by a crash has none, and its pages are no capture (a blog's
first page alone would look as if every older post had been removed). Any
other tool's WARC has no round records and each page is a capture of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

ROUND_TYPE = "application/warc-fields"
_ROUND, _STARTED, _PAGE = "liveblog-round", "liveblog-started", "liveblog-page"
MAX_ROUND_BYTES = 1 << 20  # a round record lists at most a few thousand pages


@dataclass(frozen=True, slots=True)
class Round:
    number: int
    started: str  # ISO 8601, UTC
    pages: tuple[str, ...]  # WARC-Record-IDs of the pages, first page first


def round_fields(number: int, started: str, pages: Sequence[str]) -> bytes:
    """The payload of a round record."""
    lines = [f"{_ROUND}: {number}", f"{_STARTED}: {started}", *(f"{_PAGE}: {page}" for page in pages)]
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


def read_round(payload: bytes) -> Round | None:
    """A round record's payload read back; None when it is some other metadata (or
    not a well-formed round: a round with no pages, no number)."""
    try:
        text = payload.decode("ascii")
    except UnicodeDecodeError:
        return None
    number: int | None = None
    started = ""
    pages: list[str] = []
    for line in text.splitlines():
        name, colon, value = line.partition(":")
        if not colon:
            continue
        name, value = name.strip().lower(), value.strip()
        if name == _ROUND and value.isdigit():
            number = int(value)
        elif name == _STARTED:
            started = value
        elif name == _PAGE and value:
            pages.append(value)
    if number is None or not pages:
        return None
    return Round(number, started, tuple(pages))
