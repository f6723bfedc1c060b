"""An append-only WARC 1.1 file, one gzip member per record, each written whole.

Records are made by warcio (`WARCWriter`, which computes the block and
payload digests and writes the WARC 1.1 headers) into memory, then appended
to the file with one `write` and an `fsync`, so a record is on disk whole
before the next is made. Killed at any moment, the file holds whole records
and at most one torn one at its end; `open_warc` finds where the last whole
record ends and cuts the torn bytes off (saying so), so a restarted capture
appends to a file that `warcio` reads to its end.

Opening an existing file also reads back what a capture needs to go on
where it stopped (`Resumed`): the payload digests already recorded (a page
seen again becomes a `revisit`), each address's last ETag and Last-Modified
and page (for conditional requests and for finding its older pages), and
the last round's number.
"""

from __future__ import annotations

import fcntl
import io
import os
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from generator import __version__
from generator.archive.fetch import Exchange, Validators
from generator.core.errors import SiteError
from generator.ingest.warc.inflate import members
from generator.ingest.warc.rounds import ROUND_TYPE, read_round, round_fields

WARC_VERSION = "WARC/1.1"
NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"


@dataclass(frozen=True, slots=True)
class Original:
    """A response already in the file, that a revisit refers to."""

    record_id: str
    uri: str
    date: str  # its WARC-Date
    digest: str  # its WARC-Payload-Digest


@dataclass
class Resumed:
    """What the file already holds, as a capture needs it."""

    by_digest: dict[str, Original] = field(default_factory=dict)
    latest: dict[str, Original] = field(default_factory=dict)  # address → its last response
    validators: dict[str, Validators] = field(default_factory=dict)
    pages: dict[str, bytes] = field(default_factory=dict)  # address → its last page, decoded
    rounds: int = 0  # the last round's number
    records: int = 0
    cut: int = 0  # torn bytes cut off its end


@dataclass(frozen=True, slots=True)
class Written:
    record_id: str
    offset: int
    length: int
    date: str  # its WARC-Date


class WarcFile:
    """The open WARC; every `write_*` appends one whole record and returns where."""

    def __init__(self, path: Path, descriptor: int, size: int) -> None:
        self.path, self._fd, self.size = path, descriptor, size
        self.written = 0  # bytes appended since opening

    def close(self) -> None:
        os.close(self._fd)

    def __enter__(self) -> WarcFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def write_warcinfo(self, info: dict[str, str]) -> Written:
        return self._append(lambda w: w.create_warcinfo_record(self.path.name, {
            "software": f"liveblog {__version__} (warcio)", "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            **info}))

    def write_exchange(self, exchange: Exchange, *, revisit_of: Original | None = None,
                       not_modified_of: Original | None = None) -> Written:
        """The request record and its response: a `response` with the body, or a
        `revisit` when the same payload is already recorded (`revisit_of`) or the
        server said 304 Not Modified (`not_modified_of`). Returns the response's place."""
        http = StatusAndHeaders(f"{exchange.status} {exchange.reason}".strip(), _kept(exchange.headers),
                                protocol=exchange.http_version)
        date = warc_date(exchange)
        response_id = _record_id()
        extra = {"WARC-Date": date, "WARC-Record-ID": response_id}
        if exchange.address:
            extra["WARC-IP-Address"] = exchange.address
        original = not_modified_of or revisit_of

        def response(writer: Any) -> Any:
            if original is None:
                return writer.create_warc_record(exchange.url, "response", payload=io.BytesIO(exchange.body),
                                                 length=len(exchange.body), http_headers=http,
                                                 warc_headers_dict=extra)
            record = writer.create_revisit_record(exchange.url, original.digest, original.uri, original.date,
                                                  http_headers=http,
                                                  warc_headers_dict={**extra, "WARC-Refers-To": original.record_id})
            if not_modified_of is not None:
                record.rec_headers.replace_header("WARC-Profile", NOT_MODIFIED)
            return record

        def request(writer: Any) -> Any:
            return writer.create_warc_record(
                exchange.url, "request", payload=io.BytesIO(exchange.request), length=len(exchange.request),
                warc_content_type="application/http; msgtype=request",
                warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": response_id})

        self._append(request)
        return self._append(response)

    def write_round(self, url: str, number: int, started: str, pages: list[str]) -> Written:
        """The round record listing the pages of one blog fetched this round (rounds.py)."""
        payload = round_fields(number, started, pages)
        return self._append(lambda w: w.create_warc_record(
            url, "metadata", payload=io.BytesIO(payload), length=len(payload), warc_content_type=ROUND_TYPE,
            warc_headers_dict={"WARC-Date": started, "WARC-Refers-To": pages[0]}))

    def _append(self, make: Any) -> Written:
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=True, warc_version=WARC_VERSION)
        record = make(writer)
        writer.write_record(record)
        data = buffer.getvalue()
        offset = self.size
        view = memoryview(data)
        while view:
            done = os.write(self._fd, view)
            view = view[done:]
        os.fsync(self._fd)
        self.size += len(data)
        self.written += len(data)
        headers = record.rec_headers
        return Written(headers.get_header("WARC-Record-ID"), offset, len(data), headers.get_header("WARC-Date"))


def open_warc(path: Path) -> tuple[WarcFile, Resumed]:
    """The WARC at `path` opened for appending (made when missing), and what it holds.
    The file is locked (flock) while open: a second capture into it is refused."""
    if not path.name.endswith(".warc.gz"):
        raise SiteError("the capture's WARC must be named *.warc.gz", path=path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError as error:
        raise SiteError(f"cannot open the WARC for appending: {error.strerror}", path=path) from None
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SiteError("another liveblog capture is writing to this WARC", path=path) from None
        with open(descriptor, "rb", closefd=False) as stream:
            data = stream.read()
        whole = _whole_members(data, path)
        resumed = _read_back(data[:whole], path)
        resumed.cut = len(data) - whole
        if resumed.cut:
            os.ftruncate(descriptor, whole)
    except BaseException:
        os.close(descriptor)
        raise
    return WarcFile(path, descriptor, whole), resumed


def _whole_members(data: bytes, path: Path) -> int:
    """Where the last whole gzip member ends (a torn one after it is a killed write),
    walking the members as the WARC importer does (ingest/warc/inflate.py)."""
    whole = 0
    try:
        for member in members(data, source=str(path)):
            whole = member.end
    except SiteError:
        if whole == 0:
            raise SiteError("not a gzip'd WARC: cannot append to it", path=path) from None
    return whole


def _read_back(data: bytes, path: Path) -> Resumed:
    resumed = Resumed()
    try:
        for record in ArchiveIterator(io.BytesIO(data)):
            resumed.records += 1
            _note(record, resumed)
    except Exception as error:  # warcio raises many types on a damaged file
        raise SiteError(f"cannot read the WARC to append to it: {error}", path=path,
                        hint="give --out a new file name") from None
    return resumed


def _note(record: Any, resumed: Resumed) -> None:
    headers = record.rec_headers
    kind, uri = record.rec_type, headers.get_header("WARC-Target-URI") or ""
    if kind == "metadata" and (headers.get_header("Content-Type") or "").startswith(ROUND_TYPE):
        found = read_round(record.content_stream().read())
        if found is not None:
            resumed.rounds = max(resumed.rounds, found.number)
        return
    if kind not in ("response", "revisit") or record.http_headers is None:
        return
    http = record.http_headers
    if kind == "response":
        original = Original(headers.get_header("WARC-Record-ID"), uri, headers.get_header("WARC-Date"),
                            headers.get_header("WARC-Payload-Digest") or "")
        resumed.by_digest.setdefault(original.digest, original)
        resumed.latest[uri] = original
        if http.get_statuscode() == "200":
            resumed.pages[uri] = record.content_stream().read()
    if http.get_statuscode() in ("200", "304"):
        old = resumed.validators.get(uri, Validators())
        resumed.validators[uri] = Validators(http.get_header("ETag") or old.etag,
                                             http.get_header("Last-Modified") or old.last_modified)


def _kept(headers: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """The response headers as recorded: the body is stored de-chunked, so
    Transfer-Encoding would misdescribe it (warcio's own capture does the same)."""
    return [(k, v) for k, v in headers if k.lower() != "transfer-encoding"]


def warc_date(exchange: Exchange) -> str:
    return warc_timestamp(exchange.started)


def warc_timestamp(moment: datetime) -> str:
    """A UTC time as WARC-Date writes it: WARC 1.1 allows fractions of a second, and
    microseconds tell rounds apart."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"
