"""Web archives (WARC, WACZ) → one capture record per archived live-blog page. Pure.

`parse_warc` reads a WARC (plain, gzip'd per record, or gzip'd as a whole:
records.py), `parse_wacz` the WARCs inside a WACZ (wacz.py); both hand every
archived HTML page to the HTML importer and stamp what it finds with the
record's address, date and offset (captures.py). A capture's
`record_offset` is where its record starts in the file, so
`sniff.read_one` finds it again by reading the same bytes: in a `.warc.gz`
the byte of its gzip member, in a `.warc` the byte of the record, in a
whole-file-gzipped WARC the byte in the gunzipped stream, in a WACZ the byte
in the .wacz file. Each capture carries the raster images its figures show
when the archive holds them (images.py: the record of the figure's address
closest in time to the page's); other resources are left alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from zoneinfo import ZoneInfo

from generator.ingest.record import ParsedCapture
from generator.ingest.warc.captures import captures_in
from generator.ingest.warc.inflate import MAX_INFLATED
from generator.ingest.warc.records import read_records
from generator.ingest.warc.wacz import wacz_records

__all__ = ["MAX_INFLATED", "parse_wacz", "parse_warc"]


def parse_warc(data: bytes, *, source: str, zones: Mapping[str, ZoneInfo],
               topic_rules: Mapping[str, tuple[str, ...]], is_html: Callable[[bytes], bool],
               max_inflated: int | None = None, only: int | None = None,
               site_zone: ZoneInfo | None = None) -> tuple[ParsedCapture, ...]:
    """Every capture of a live blog in a WARC, by (captured_at, offset). `is_html(first
    bytes)`: whether a payload with no HTML Content-Type is an HTML page; `max_inflated`:
    the most bytes one gzip member may inflate to (default MAX_INFLATED, 1 GiB); `only`:
    just the record at that offset (no error when it holds no live blog)."""
    records = read_records(data, source=source, is_html=is_html, max_inflated=max_inflated)
    return captures_in(records, source=source, format="warc", zones=zones, topic_rules=topic_rules, only=only,
                       site_zone=site_zone)


def parse_wacz(data: bytes, *, source: str, zones: Mapping[str, ZoneInfo],
               topic_rules: Mapping[str, tuple[str, ...]], is_html: Callable[[bytes], bool],
               max_inflated: int | None = None, only: int | None = None,
               site_zone: ZoneInfo | None = None) -> tuple[ParsedCapture, ...]:
    """Every capture of a live blog in the pages a WACZ lists, by (captured_at, offset);
    the arguments as for parse_warc."""
    records, notes = wacz_records(data, source=source, is_html=is_html, max_inflated=max_inflated)
    return captures_in(records, source=source, format="wacz", zones=zones, topic_rules=topic_rules,
                    notes=notes, only=only, site_zone=site_zone)
