"""Web archives (ingest/warc/): real WARC and WACZ files written by warcio here (tests/warcs.py)."""

from __future__ import annotations

import gzip
import io
import re
import zipfile
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_golden import GOLDEN, compare
from warcs import (
    BLOG_URL, CORRECTED, CRAWL, EARLY, EVENING, HTML, LATE, MIDDAY, NOT_A_BLOG, PNG, POSTS, Response, Revisit,
    gzip_whole, page, wacz, warc,
)

from generator.cli import main
from generator.core.errors import SiteError
from generator.ingest import sniff, warc as warc_reader
from generator.ingest.record import ParsedCapture
from generator.ingest.warc.captures import captures_in
from generator.ingest.warc.records import WarcRecord
from sites import make_site, snapshot

BLOG = "content/2024-03-05-storm-live-latest-updates"
DATES = ["2024-03-05T13:30:00+00:00", "2024-03-05T19:00:00+00:00", "2024-03-05T21:00:00+00:00"]


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--site", str(root), *args])
    return result.exit_code, result.stdout, result.stderr


def read(data: bytes, source: str = "crawl.warc.gz") -> tuple[ParsedCapture, ...]:
    return sniff.read(data, source=source, zones={}, topic_rules={})


def posts_of(parsed: ParsedCapture) -> list[tuple[str, str | None, tuple[object, ...]]]:
    return [(post.id, post.source_id, post.blocks) for post in parsed.posts]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site")


@pytest.fixture
def crawl(tmp_path: Path) -> Path:
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(warc(CRAWL))
    return path


# (1) One crawl, three captures of one blog ------------------------------------------

def test_a_crawl_of_three_captures_imports_as_one_blog_over_time(site: Path, crawl: Path) -> None:
    code, out, err = run(site, "import", str(crawl))
    assert code == 0, err
    assert f"{crawl}: WARC, Example News, 3 captures" in out
    assert [p.name for p in (site / "content").iterdir() if p.is_dir()] == [BLOG.split("/")[1]]
    blog = (site / BLOG / "_blog.md").read_text()
    entries = blog.split("\n- file: ")[1:]
    assert len(entries) == 3
    offsets = [int(re.search(r"record_offset: (\d+)", e).group(1)) for e in entries]  # type: ignore[union-attr]
    assert [re.search(r"captured_at: (\S+)", e).group(1) for e in entries] == DATES  # type: ignore[union-attr]
    assert all("format: warc\n" in e and "captured_at_from: archive record\n" in e for e in entries)
    # the offsets are the records' own: the gzip member there holds the record of that date
    data = crawl.read_bytes()
    for offset, date in zip(offsets, ("13:30", "19:00", "21:00")):
        record = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[offset:])
        assert record.startswith(b"WARC/1.1\r\n") and f"WARC-Date: 2024-03-05T{date}:00Z".encode() in record
    corrected = (site / BLOG / "2024-03-05-0705-schools-close.md").read_text()
    assert f"revisions:\n- capture: captures/crawl.warc.gz@{offsets[0]}\n" in corrected
    assert f"text: {POSTS[2].body}\n" in corrected and corrected.endswith(f"\n{CORRECTED.body}\n")
    gone = (site / BLOG / "2024-03-05-0815-storm-makes-landfall.md").read_text()
    assert f"removed_in: captures/crawl.warc.gz@{offsets[2]}\n" in gone
    assert "removed_in" not in (site / BLOG / "2024-03-05-1510-storm-moves-out-to-sea.md").read_text()
    assert (site / "captures" / "crawl.warc.gz").read_bytes() == data


def test_the_crawl_gives_the_golden_content_tree(site: Path, crawl: Path) -> None:
    code, _out, err = run(site, "import", str(crawl))
    assert code == 0, err
    compare(site / "content", GOLDEN / "warc" / "content")


# (2) Plain and gzip'd, per record or whole ------------------------------------------

def test_a_plain_warc_and_a_whole_gzipped_one_give_the_same_posts() -> None:
    gzipped = read(warc(CRAWL))
    plain = read(warc(CRAWL, gzip=False), "crawl.warc")
    whole = read(gzip_whole(warc(CRAWL, gzip=False)), "crawl.warc.gz")
    assert [posts_of(c) for c in plain] == [posts_of(c) for c in gzipped] == [posts_of(c) for c in whole]
    assert [c.captured_at for c in plain] == [c.captured_at for c in gzipped]
    # a whole-file-gzipped WARC's offsets are positions in the gunzipped stream: the plain file's
    assert [c.record_offset for c in whole] == [c.record_offset for c in plain]
    assert [c.record_offset for c in plain] != [c.record_offset for c in gzipped]


def test_captures_are_in_time_order_whatever_the_file_order() -> None:
    found = read(warc(CRAWL))
    assert [c.captured_at.isoformat() for c in found if c.captured_at] == DATES
    assert [c.format for c in found] == ["warc"] * 3
    assert {c.source_url for c in found} == {BLOG_URL}
    assert [len(c.posts) for c in found] == [2, 3, 3]


@pytest.mark.parametrize("gzipped", [True, False])
def test_each_capture_is_found_again_at_its_offset(gzipped: bool) -> None:
    data = warc(CRAWL, gzip=gzipped)
    for capture in read(data):
        again = sniff.read_one(data, source="x", record_offset=capture.record_offset, zones={}, topic_rules={})
        assert again == capture
    with pytest.raises(SiteError, match="no live blog in the record at offset 0"):
        sniff.read_one(data, source="x", record_offset=0, zones={}, topic_rules={})


# (3) Revisits -------------------------------------------------------------------------

def test_a_revisit_is_a_capture_at_its_own_date_and_offset() -> None:
    revisit = Revisit(BLOG_URL, "2024-03-05T22:00:00Z", EVENING)
    found = read(warc((*CRAWL, revisit)))
    assert len(found) == 4
    last = found[-1]
    assert last.captured_at is not None and last.captured_at.isoformat() == "2024-03-05T22:00:00+00:00"
    assert posts_of(last) == posts_of(found[-2]) and last.record_offset != found[-2].record_offset


def test_a_revisit_whose_original_is_elsewhere_is_counted_when_nothing_is_found() -> None:
    orphan = Revisit(BLOG_URL, "2024-03-05T22:00:00Z", EVENING)  # EVENING itself is not in the file
    with pytest.raises(SiteError) as error:
        read(warc([orphan]))
    assert str(error.value) == ("crawl.warc.gz: WARC with no live blog found "
                                "(0 HTML pages looked at; 1 revisit record whose original is not in the file)")


def _record(offset: int, kind: str, **fields: object) -> WarcRecord:
    base: dict[str, object] = dict(record_id=None, target_uri=BLOG_URL, date="2024-03-05T21:00:00Z",
                                   payload_digest=None, refers_to=None, refers_to_uri=None, refers_to_date=None)
    base.update(fields)
    return WarcRecord(offset, kind, **base)  # type: ignore[arg-type]


@pytest.mark.parametrize("link", [
    {"refers_to": "<urn:uuid:1>"},
    {"payload_digest": "sha1:ABC"},
    {"refers_to_uri": BLOG_URL, "refers_to_date": "2024-03-05T21:00:00Z"},
])
def test_a_revisit_finds_its_original_by_id_digest_or_address(link: dict[str, str]) -> None:
    original = _record(10, "response", record_id="<urn:uuid:1>", payload_digest="sha1:ABC", html=EVENING.payload)
    other = _record(20, "response", target_uri="https://example.org/", record_id="<urn:uuid:2>",
                    payload_digest="sha1:XYZ", date="2024-03-05T21:00:00Z", html=NOT_A_BLOG)
    revisit = _record(30, "revisit", date="2024-03-05T23:00:00Z", **link)
    found = captures_in([other, original, revisit], source="x", format="warc", zones={},
                                     topic_rules={})
    assert [c.record_offset for c in found] == [10, 30]


# (4) What is skipped ------------------------------------------------------------------

def test_non_html_records_and_pages_that_are_not_live_blogs_are_skipped() -> None:
    others = [
        Response("https://www.example-news.com/", "2024-03-05T12:00:00Z", NOT_A_BLOG),
        Response("https://www.example-news.com/app.js", "2024-03-05T12:00:01Z", b"var x = '<html>';",
                 "application/javascript"),
        Response("https://www.example-news.com/img/a.png", "2024-03-05T12:00:02Z", PNG, "image/png"),
        Response(BLOG_URL + "/gone", "2024-03-05T12:00:03Z", EVENING.payload, status="404 Not Found"),
        Response(BLOG_URL, "2024-03-05T12:00:04Z", EARLY.payload, None),  # no Content-Type: sniffed
        Response("https://www.example-news.com/feed", "2024-03-05T12:00:05Z", NOT_A_BLOG, "text/plain"),
    ]
    found = read(warc(others))
    assert [c.captured_at.isoformat() for c in found if c.captured_at] == ["2024-03-05T12:00:04+00:00"]
    with pytest.raises(SiteError) as error:
        read(warc(others[:4]))
    assert str(error.value) == "crawl.warc.gz: WARC with no live blog found (1 HTML page looked at)"


def test_a_live_blog_page_with_a_problem_is_an_error_naming_the_record() -> None:
    broken = page([], "2024-03-05T12:00:00Z")  # a LiveBlogPosting with no updates
    data = warc([Response(BLOG_URL, "2024-03-05T12:00:00Z", broken)])
    offset = [r.offset for r in warc_reader.records.read_records(data, source="x", is_html=sniff.is_html)][1]
    with pytest.raises(SiteError) as error:
        read(data)
    assert str(error.value) == (f"crawl.warc.gz: the record at offset {offset}, {BLOG_URL}: "
                                "HTML page with a live blog but no posts in it")


def test_an_html_page_over_the_limit_is_refused_naming_the_record(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(warc_reader.records, "MAX_BYTES", 1000)
    with pytest.raises(SiteError, match=r"^crawl.warc.gz: the HTML page in the record at offset \d+ is over "
                                        r"the limit of 1,000 bytes$"):
        read(warc([MIDDAY]))


def test_a_page_in_an_encoding_liveblog_cannot_undo_is_named() -> None:
    data = warc([Response(BLOG_URL, "2024-03-05T12:00:00Z", b"\x0b\x05\x80", HTML, encoding="br")])
    with pytest.raises(SiteError) as error:
        read(data)
    assert str(error.value).endswith("(0 HTML pages looked at; 1 HTML page in Content-Encoding br, "
                                     "which liveblog cannot decode)")
    gzipped = warc([Response(BLOG_URL, "2024-03-05T12:00:00Z", gzip.compress(EARLY.payload), HTML,
                             encoding="gzip")])
    assert [posts_of(c) for c in read(gzipped)] == [posts_of(c) for c in read(warc([EARLY]))]


# (5) WACZ -----------------------------------------------------------------------------

def test_a_wacz_gives_the_same_posts_with_offsets_in_the_wacz(tmp_path: Path) -> None:
    package = wacz({"data.warc.gz": warc(CRAWL)})
    found = read(package, "crawl.wacz")
    assert [posts_of(c) for c in found] == [posts_of(c) for c in read(warc(CRAWL))]
    assert [c.format for c in found] == ["wacz"] * 3 and all(not c.warnings for c in found)
    for capture in found:
        assert capture.record_offset is not None and capture.captured_at is not None
        record = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(package[capture.record_offset:])
        assert f"WARC-Date: {capture.captured_at:%Y-%m-%dT%H:%M:%SZ}".encode() in record
        again = sniff.read_one(package, source="x", record_offset=capture.record_offset, zones={},
                               topic_rules={})
        assert again == capture


def test_a_wacz_of_several_warcs_tells_their_records_apart() -> None:
    first = warc([EARLY])
    second = warc([MIDDAY, Revisit(BLOG_URL, "2024-03-05T23:00:00Z", EARLY)])  # a revisit across WARCs
    found = read(wacz({"a.warc.gz": first, "b.warc": warc([EVENING], gzip=False), "c.warc.gz": second}))
    assert len(found) == 4 and len({c.record_offset for c in found}) == 4
    assert posts_of(found[-1]) == posts_of(found[0])


def test_a_wacz_reads_only_the_pages_it_lists() -> None:
    other = Response("https://www.example-news.com/other-live", "2024-03-05T12:00:00Z",
                     page([LATE], "2024-03-05T20:10:00Z", url="https://www.example-news.com/other-live"))
    found = read(wacz({"data.warc.gz": warc([*CRAWL, other])}))
    assert {c.source_url for c in found} == {BLOG_URL}
    with pytest.raises(SiteError, match=r"WACZ with no live blog found \(0 HTML pages looked at\)"):
        read(wacz({"data.warc.gz": warc([other])}))


def test_a_wacz_without_pages_reads_every_html_page_and_says_so() -> None:
    found = read(wacz({"data.warc.gz": warc(CRAWL)}, pages=None))
    assert len(found) == 3
    assert all(any("lists no pages" in w.message for w in c.warnings) for c in found)


# (6) Build and verify -----------------------------------------------------------------

def test_an_imported_crawl_builds_and_verifies_and_reimports_unchanged(site: Path, crawl: Path) -> None:
    assert run(site, "import", str(crawl))[0] == 0
    code, _out, err = run(site, "build")
    assert code == 0, err
    blog_page = (site / "public" / "live" / "2024-03-05-storm-live-latest-updates" / "index.html").read_text()
    assert "Storm moves out to sea" in blog_page and CORRECTED.body in blog_page
    code, out, err = run(site, "verify", "--coverage")
    assert code == 0, out + err
    assert out.count("coverage captures/crawl.warc.gz: ") == 3 and "100.0 %" in out
    before = snapshot(site)
    code, out, _err = run(site, "import", str(crawl))
    assert code == 0 and "0 new, 0 changed, 4 unchanged" in out
    assert snapshot(site) == before


def test_a_wacz_and_the_warc_inside_it_import_into_one_blog(site: Path, crawl: Path, tmp_path: Path) -> None:
    package = tmp_path / "crawl.wacz"
    package.write_bytes(wacz({"data.warc.gz": crawl.read_bytes()}))
    assert run(site, "import", str(crawl))[0] == 0
    code, _out, err = run(site, "import", str(package))
    assert code == 0, err
    assert [p.name for p in (site / "content").iterdir() if p.is_dir()] == [BLOG.split("/")[1]]
    blog = (site / BLOG / "_blog.md").read_text()
    assert blog.count("format: wacz\n") == 3 and blog.count("format: warc\n") == 3


# (7) Damaged and hostile files: one line, exit 1, nothing changed -----------------------

def _zip_slip() -> bytes:
    return wacz({"data.warc.gz": warc(CRAWL)}, extra={"../../etc/cron.d/evil": b"* * * * * root true\n"})


def _deflated() -> bytes:
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("datapackage.json", '{"resources": []}')
        archive.writestr("archive/data.warc.gz", warc(CRAWL), compress_type=zipfile.ZIP_DEFLATED)
    return package.getvalue()


def _wrong_length() -> bytes:
    """The response's Content-Length 10 bytes short: its last bytes are read as the next record."""
    data = warc([EVENING], gzip=False)
    offset = [r.offset for r in warc_reader.records.read_records(data, source="x", is_html=sniff.is_html)][1]
    head, tail = data[:offset], data[offset:]
    length = int(re.search(rb"Content-Length: (\d+)", tail).group(1))  # type: ignore[union-attr]
    return head + tail.replace(f"Content-Length: {length}".encode(), f"Content-Length: {length - 10}".encode(), 1)


def _bad_crc() -> bytes:
    data = bytearray(warc(CRAWL))
    data[-8] ^= 0xFF  # the last member's CRC-32
    return bytes(data)


BAD = {
    "truncated.warc.gz": (lambda: warc(CRAWL)[:-200],
                          r"gzip member at offset \d+ is cut short \(the file is truncated\)"),
    "truncated.warc": (lambda: warc(CRAWL, gzip=False)[:-300],
                       r"damaged WARC at offset \d+: the record is cut short by 296 bytes"),
    "garbage.warc": (lambda: b"WARC/1.1\r\n\x00\xff garbage \x01 and more\r\n\r\n" + bytes(range(256)) * 4,
                     r"damaged WARC at offset 0: "),
    "crc.warc.gz": (_bad_crc, r"damaged gzip data in the member at offset \d+ \(.*incorrect data check"),
    "wrong-length.warc": (_wrong_length, r"damaged WARC at offset \d+: the record is not followed by a blank line"),
    "zip-slip.wacz": (_zip_slip, r"WACZ member '../../etc/cron.d/evil' has an unsafe name"),
    "absolute.wacz": (lambda: wacz({"data.warc.gz": warc(CRAWL)}, extra={"/etc/passwd": b"x"}),
                      r"WACZ member '/etc/passwd' has an unsafe name"),
    "deflated.wacz": (_deflated, r"archive/data.warc.gz is compressed inside the WACZ"),
    "altered.wacz": (lambda: wacz({"data.warc": warc(CRAWL, gzip=False)}).replace(b"Schools close",
                                                                                 b"Schools CLOSE"),
                     r"damaged WACZ: archive/data.warc at offset \d+ fails its CRC"),
    "whole-gzip-in.wacz": (lambda: wacz({"data.warc.gz": gzip_whole(warc(CRAWL, gzip=False))}),
                           r"archive/data.warc.gz: a whole-file-gzipped WARC: its records have no offset"),
    "truncated.wacz": (lambda: wacz({"data.warc.gz": warc(CRAWL)})[:-300], r"damaged WACZ: not a readable ZIP"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_damaged_archive_is_one_line_exit_1_and_changes_nothing(site: Path, crawl: Path, tmp_path: Path,
                                                                   name: str) -> None:
    assert run(site, "import", str(crawl))[0] == 0
    before = snapshot(site)
    make, pattern = BAD[name]
    path = tmp_path / name
    path.write_bytes(make())
    code, out, err = run(site, "import", str(path))
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert re.match(rf"^Error: {re.escape(str(path))}: {pattern}", err), err
    assert snapshot(site) == before


def test_a_whole_gzipped_warc_over_the_limit_is_refused(site: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(warc_reader.inflate, "MAX_INFLATED", 4096)
    path = tmp_path / "whole.warc.gz"
    path.write_bytes(gzip_whole(warc(CRAWL, gzip=False)))
    before = snapshot(site)
    code, _out, err = run(site, "import", str(path))
    assert code == 1 and snapshot(site) == before
    assert err.strip() == (f"Error: {path}: gzip member at offset 0 inflates to over 4,096 bytes, the limit "
                           "(a whole-file-gzipped WARC is one member: `warcio recompress` gives one member "
                           "per record)")
    with pytest.raises(SiteError, match="inflates to over 100 bytes"):
        warc_reader.parse_warc(warc(CRAWL), source="x", zones={}, topic_rules={}, is_html=sniff.is_html,
                               max_inflated=100)


def test_a_whole_gzipped_warc_imports(site: Path, tmp_path: Path) -> None:
    path = tmp_path / "whole.warc.gz"
    path.write_bytes(gzip_whole(warc(CRAWL, gzip=False)))
    code, out, err = run(site, "import", str(path))
    assert code == 0, err
    assert "3 captures" in out


def test_importers_name_every_format() -> None:
    assert sniff.supported() == "text capture, HTML, WARC, WACZ"


# (8) Mutations never give a traceback -----------------------------------------------------

SMALL = warc([Response(BLOG_URL, "2024-03-05T12:00:00Z", page([POSTS[1]], "2024-03-05T13:15:00Z")),
              Response("https://www.example-news.com/a.png", "2024-03-05T12:00:01Z", PNG, "image/png")])
SMALL_PLAIN = gzip.decompress(SMALL)
ORIGINALS = {"gzip'd WARC": SMALL, "WARC": SMALL_PLAIN, "WACZ": wacz({"data.warc.gz": SMALL}),
             "WARC in a WACZ": SMALL_PLAIN}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(ORIGINALS)),
       st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=8),
       st.floats(0, 1))
def test_a_mutated_archive_gives_a_site_error_or_captures(kind: str, changes: list[tuple[float, int]],
                                                          cut: float) -> None:
    data = bytearray(ORIGINALS[kind])
    for where, byte in changes:
        data[int(where * len(data))] = byte
    mutated = bytes(data[: max(1, int(cut * len(data)))]) if cut < 0.8 else bytes(data)
    reader = warc_reader.parse_wacz if "WACZ" in kind else warc_reader.parse_warc
    if kind == "WARC in a WACZ":
        mutated = wacz({"data.warc": mutated})
    try:
        found = reader(mutated, source="x", zones={}, topic_rules={}, is_html=sniff.is_html)
    except SiteError as error:
        assert "\n" not in str(error)
    else:
        assert all(isinstance(c, ParsedCapture) for c in found)
