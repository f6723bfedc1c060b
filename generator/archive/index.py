"""The packaged WARCs → a CDXJ index (`indexes/index.cdxj` of a WACZ), checked.

The lines come from Webrecorder's `cdxj-indexer` (the indexer that `wacz`,
pywb and Browsertrix use: SURT keys, the record types replay needs, `length`
and `offset` of each record's gzip member), one WARC at a time with its name
in archive/ as `filename`, then sorted together, as CDXJ readers expect.
Before a line is kept it is checked here: three fields, a JSON block naming a
packaged WARC, and an offset and length inside that file where a record (a
gzip member, or `WARC/`) starts. A line failing that is a SiteError naming
the WARC, never a package that replays wrong.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass

from cdxj_indexer.main import CDXJIndexer
from warcio.exceptions import ArchiveLoadFailed

from generator.archive.sources import ArchiveFile
from generator.core.errors import SiteError
from generator.ingest.warc.inflate import GZIP_MAGIC


@dataclass(frozen=True, slots=True)
class IndexEntry:
    key: str  # the SURT of the address
    timestamp: str  # 14 digits, UTC, whole seconds
    url: str
    file: str
    offset: int
    length: int
    line: str  # as written in the index


def cdxj_index(files: Sequence[ArchiveFile]) -> tuple[IndexEntry, ...]:
    """Every indexed record of `files`, in CDXJ order (key, then time)."""
    by_name = {file.name: file for file in files}
    entries = [check_line(line, by_name) for file in files for line in _lines(file)]
    return tuple(sorted(entries, key=lambda entry: entry.line))


def _lines(file: ArchiveFile) -> list[str]:
    out = io.StringIO()
    indexer = CDXJIndexer(output=out, inputs=[io.BytesIO(file.data)], filename=file.name)
    try:
        indexer.process_all()
    except (ArchiveLoadFailed, ValueError, EOFError, OSError) as error:
        raise SiteError(f"cannot index {file.name}: {error}", path=file.name,
                        hint="the capture is damaged; `liveblog verify` checks captures/") from None
    return [line for line in out.getvalue().splitlines() if line.strip()]


def check_line(line: str, files: dict[str, ArchiveFile]) -> IndexEntry:
    """One CDXJ line, checked against the WARCs it points into."""
    key, _, rest = line.partition(" ")
    timestamp, _, block = rest.partition(" ")
    try:
        fields = json.loads(block)
        entry = IndexEntry(key, timestamp, str(fields["url"]), str(fields["filename"]),
                           int(fields["offset"]), int(fields["length"]), line)
    except (ValueError, KeyError, TypeError):
        raise SiteError(f"the CDXJ index line {line[:120]!r} is not `key timestamp {{json}}` with "
                        "url, filename, offset and length", path="indexes/index.cdxj") from None
    file = files.get(entry.file)
    if not (key and len(timestamp) == 14 and timestamp.isdigit()) or file is None:
        raise SiteError(f"the CDXJ index line {line[:120]!r} has no 14-digit time or names no packaged WARC",
                        path="indexes/index.cdxj")
    data = file.data
    starts = data[entry.offset:entry.offset + 2] == GZIP_MAGIC or data[entry.offset:entry.offset + 5] == b"WARC/"
    if entry.offset < 0 or entry.length <= 0 or entry.offset + entry.length > len(data) or not starts:
        raise SiteError(f"the CDXJ index points at bytes {entry.offset:,}+{entry.length:,}, where no record "
                        "starts", path=f"archive/{entry.file}")
    return entry
