"""`liveblog export-wacz`: a blog's web archives as a WACZ 1.1.1 package (issue 14 §5).

Real WARCs written by warcio (tests/warcs.py) are imported through the CLI,
exported, and the package is opened as another archive would: every digest and
size in datapackage.json, the ZIP's STORE mode, the pages listed with their
times, and one page's bytes replayed from the CDXJ offset and length.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import struct
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from generator.cli import main
from tests.sites import SAMPLE, make_site
from tests.warcs import CRAWL, EARLY, EVENING, MIDDAY, gzip_whole, page, wacz, warc, POSTS

BLOG = "2024-03-05-storm-live-latest-updates"


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--site", str(root), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site")


def imported(site: Path, name: str, data: bytes) -> Path:
    path = site.parent / name
    path.write_bytes(data)
    code, _out, err = run(site, "import", str(path))
    assert code == 0, err
    return path


def member_start(data: bytes, info: zipfile.ZipInfo) -> int:
    """Where a STORE'd member's bytes start in the ZIP file."""
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26:info.header_offset + 30])
    return info.header_offset + 30 + name_length + extra_length


def index_of(package: zipfile.ZipFile) -> list[tuple[str, str, dict[str, str]]]:
    lines = package.read("indexes/index.cdxj").decode().splitlines()
    return [(key, ts, json.loads(block)) for key, ts, block in (line.split(" ", 2) for line in lines)]


def replay(data: bytes, entry: dict[str, str]) -> bytes:
    """A record's HTTP payload, read from the .wacz by its CDXJ filename, offset and length only."""
    package = zipfile.ZipFile(io.BytesIO(data))
    start = member_start(data, package.getinfo(f"archive/{entry['filename']}")) + int(entry["offset"])
    record_bytes = data[start:start + int(entry["length"])]
    record = next(iter(ArchiveIterator(io.BytesIO(record_bytes))))
    return bytes(record.content_stream().read())


def pages_of(package: zipfile.ZipFile) -> list[dict[str, str]]:
    return [json.loads(line) for line in package.read("pages/pages.jsonl").decode().splitlines()]


def test_an_exported_crawl_is_a_wacz_whose_every_digest_size_and_page_holds(site: Path) -> None:
    crawl = imported(site, "crawl.warc.gz", warc(CRAWL))
    code, out, err = run(site, "export-wacz", BLOG, str(site.parent / "storm.wacz"))
    assert code == 0, err
    assert "1 WARC, 3 pages" in out
    data = (site.parent / "storm.wacz").read_bytes()
    package = zipfile.ZipFile(io.BytesIO(data))
    names = [info.filename for info in package.infolist()]
    assert names == ["archive/crawl.warc.gz", "indexes/index.cdxj", "pages/pages.jsonl",
                     "datapackage.json", "datapackage-digest.json"]
    assert all(info.compress_type == zipfile.ZIP_STORED for info in package.infolist())
    # The WARC is the capture as kept, byte for byte.
    assert package.read("archive/crawl.warc.gz") == crawl.read_bytes()
    datapackage = json.loads(package.read("datapackage.json"))
    assert datapackage["profile"] == "data-package" and datapackage["wacz_version"] == "1.1.1"
    resources = {r["path"]: r for r in datapackage["resources"]}
    assert set(resources) == set(names) - {"datapackage.json", "datapackage-digest.json"}
    for path, resource in resources.items():
        member = package.read(path)
        assert resource["hash"] == "sha256:" + hashlib.sha256(member).hexdigest(), path
        assert resource["bytes"] == len(member), path
    digest = json.loads(package.read("datapackage-digest.json"))
    assert digest["path"] == "datapackage.json"
    assert digest["hash"] == "sha256:" + hashlib.sha256(package.read("datapackage.json")).hexdigest()
    header, *pages = pages_of(package)
    assert header["format"] == "json-pages-1.0"
    assert [(p["url"], p["ts"]) for p in pages] == [
        (EARLY.url, "2024-03-05T13:30:00Z"), (MIDDAY.url, "2024-03-05T19:00:00Z"),
        (EVENING.url, "2024-03-05T21:00:00Z")]
    assert {p["title"] for p in pages} == {"Storm live: latest updates"}


def test_each_captured_page_replays_from_its_cdxj_offset_and_length(site: Path) -> None:
    imported(site, "crawl.warc.gz", warc(CRAWL))
    out = site.parent / "storm.wacz"
    assert run(site, "export-wacz", BLOG, str(out))[0] == 0
    data = out.read_bytes()
    index = index_of(zipfile.ZipFile(io.BytesIO(data)))
    assert [key for key, _ts, _e in index] == sorted(key for key, _ts, _e in index)
    by_time = {ts: entry for _key, ts, entry in index if entry["mime"] == "text/html"}
    assert replay(data, by_time["20240305133000"]) == EARLY.payload
    assert replay(data, by_time["20240305210000"]) == EVENING.payload
    assert b"<h1>Storm live: latest updates</h1>" in replay(data, by_time["20240305190000"])


def test_two_exports_of_the_same_captures_are_byte_identical(site: Path) -> None:
    imported(site, "crawl.warc.gz", warc(CRAWL))
    first, second = site.parent / "a.wacz", site.parent / "b.wacz"
    assert run(site, "export-wacz", BLOG, str(first))[0] == 0
    assert run(site, "export-wacz", BLOG, str(second))[0] == 0
    assert first.read_bytes() == second.read_bytes()


def test_the_warcs_inside_an_imported_wacz_are_packaged_with_their_pages(site: Path) -> None:
    inner = warc([EARLY, EVENING])
    imported(site, "storm.wacz", wacz({"data.warc.gz": inner}))
    out = site.parent / "again.wacz"
    assert run(site, "export-wacz", BLOG, str(out))[0] == 0
    package = zipfile.ZipFile(out)
    assert package.read("archive/storm-data.warc.gz") == inner
    assert [p["ts"] for p in pages_of(package)[1:]] == ["2024-03-05T13:30:00Z", "2024-03-05T21:00:00Z"]
    entry = next(e for _k, ts, e in index_of(package) if ts == "20240305210000")
    assert entry["filename"] == "storm-data.warc.gz"
    assert replay(out.read_bytes(), entry) == EVENING.payload


def test_a_whole_gzipped_warc_is_packaged_gunzipped_so_its_offsets_hold(site: Path) -> None:
    plain = warc(CRAWL, gzip=False)
    imported(site, "crawl.warc.gz", gzip_whole(plain))
    out = site.parent / "storm.wacz"
    assert run(site, "export-wacz", BLOG, str(out))[0] == 0
    package = zipfile.ZipFile(out)
    assert package.read("archive/crawl.warc") == plain == gzip.decompress(gzip_whole(plain))
    assert len(pages_of(package)) == 1 + 3
    entry = next(e for _k, ts, e in index_of(package) if ts == "20240305133000")
    assert replay(out.read_bytes(), entry) == EARLY.payload


def test_a_saved_html_capture_of_the_blog_is_left_out_and_named(site: Path) -> None:
    imported(site, "crawl.warc.gz", warc([EARLY]))
    imported(site, "saved.html", page([POSTS[1], POSTS[2], POSTS[3]], "2024-03-05T18:30:00Z"))
    code, out, err = run(site, "export-wacz", BLOG, str(site.parent / "storm.wacz"))
    assert code == 0, err
    assert "captures/saved.html (html): not a web archive, left out of the WACZ" in err
    package = zipfile.ZipFile(site.parent / "storm.wacz")
    assert [i.filename for i in package.infolist() if i.filename.startswith("archive/")] == ["archive/crawl.warc.gz"]
    assert len(pages_of(package)) == 2


def test_all_packages_every_blog_with_a_web_archive(site: Path) -> None:
    other = "https://www.example-news.com/world/live/2024/flood-live"
    imported(site, "crawl.warc.gz", warc([EARLY]))
    from tests.warcs import Response
    imported(site, "flood.warc.gz", warc([Response(other, "2024-03-06T10:00:00Z",
                                                   page([POSTS[1]], "2024-03-06T09:00:00Z", url=other,
                                                        headline="Flood live"))]))
    imported(site, "sample.txt", SAMPLE.read_bytes())
    code, out, err = run(site, "-v", "export-wacz", "--all", str(site.parent / "all.wacz"))
    assert code == 0, err
    assert "skipped content/2023-07-08-russia-ukraine-news/: no web-archive capture" in out
    package = zipfile.ZipFile(site.parent / "all.wacz")
    assert {p["url"] for p in pages_of(package)[1:]} == {EARLY.url, other}
    assert {i.filename for i in package.infolist() if i.filename.startswith("archive/")} == {
        "archive/crawl.warc.gz", "archive/flood.warc.gz"}


@pytest.mark.parametrize(("args", "message"), [
    (["no-such-blog", "OUT"], "no blog 'no-such-blog' in content/"),
    (["2023-07-08-russia-ukraine-news", "OUT"], "no web-archive capture (WARC or WACZ) to package"),
    (["2024-03-05-storm-live-latest-updates", "missing/OUT"], "its folder does not exist"),
    (["2024-03-05-storm-live-latest-updates", "file/OUT"], "its folder does not exist or is not a folder"),
    (["2024-03-05-storm-live-latest-updates", "."], "is a folder; name the .wacz file"),
])
def test_bad_input_is_one_message_exit_1_and_nothing_written(site: Path, args: list[str], message: str) -> None:
    imported(site, "crawl.warc.gz", warc([EARLY]))
    imported(site, "sample.txt", SAMPLE.read_bytes())
    work = site.parent / "out"
    work.mkdir()
    (work / "file").write_text("a file, not a folder")
    (work / "OUT").write_bytes(b"an earlier package")
    before = sorted(p.relative_to(site.parent) for p in site.parent.rglob("*"))
    target = str(work / args[1]) if args[1] != "." else str(work)
    code, _out, err = run(site, "export-wacz", args[0], target)
    assert code == 1
    assert message in err and "Traceback" not in err
    assert sorted(p.relative_to(site.parent) for p in site.parent.rglob("*")) == before
    assert (work / "OUT").read_bytes() == b"an earlier package"


def test_a_capture_file_gone_from_captures_is_named(site: Path) -> None:
    imported(site, "crawl.warc.gz", warc([EARLY]))
    (site / "captures" / "crawl.warc.gz").unlink()
    code, _out, err = run(site, "export-wacz", BLOG, str(site.parent / "x.wacz"))
    assert code == 1 and "crawl.warc.gz: the capture file _blog.md lists is missing" in err
    assert not (site.parent / "x.wacz").exists()


@pytest.mark.parametrize("args", [[], ["--all"], [BLOG], ["--all", BLOG, "x.wacz"]])
def test_wrong_arguments_are_a_usage_error(site: Path, args: list[str]) -> None:
    assert run(site, "export-wacz", *args)[0] == 2


def test_a_revisit_capture_is_a_page_and_an_index_entry_of_its_own(site: Path) -> None:
    from tests.warcs import Revisit
    later = Revisit(EARLY.url, "2024-03-05T14:00:00Z", EARLY)
    imported(site, "crawl.warc.gz", warc([EARLY, later]))
    out = site.parent / "storm.wacz"
    assert run(site, "export-wacz", BLOG, str(out))[0] == 0
    package = zipfile.ZipFile(out)
    assert [p["ts"] for p in pages_of(package)[1:]] == ["2024-03-05T13:30:00Z", "2024-03-05T14:00:00Z"]
    kinds = {ts: entry["mime"] for _k, ts, entry in index_of(package)}
    assert kinds == {"20240305133000": "text/html", "20240305140000": "warc/revisit"}


@pytest.mark.parametrize(("line", "message"), [
    ("com,example)/ 20240305133000 not json", "is not `key timestamp {json}`"),
    ('com,example)/ 20240305133000 {"url": "u", "filename": "crawl.warc.gz", "offset": "1"}',
     "is not `key timestamp {json}`"),
    ('com,example)/ 2024 {"url": "u", "filename": "crawl.warc.gz", "offset": "0", "length": "10"}',
     "no 14-digit time"),
    ('com,example)/ 20240305133000 {"url": "u", "filename": "other.warc.gz", "offset": "0", "length": "10"}',
     "names no packaged WARC"),
    ('com,example)/ 20240305133000 {"url": "u", "filename": "crawl.warc.gz", "offset": "5", "length": "10"}',
     "where no record starts"),
    ('com,example)/ 20240305133000 {"url": "u", "filename": "crawl.warc.gz", "offset": "0", "length": "999999"}',
     "where no record starts"),
])
def test_the_structural_check_refuses_an_index_line_that_would_replay_wrong(line: str, message: str) -> None:
    from generator.archive.index import check_line
    from generator.archive.sources import ArchiveFile
    from generator.core.errors import SiteError

    files = {"crawl.warc.gz": ArchiveFile("crawl.warc.gz", warc([EARLY]))}
    with pytest.raises(SiteError, match=re.escape(message)):
        check_line(line, files)


def test_every_line_cdxj_indexer_gives_for_a_real_crawl_passes_the_check() -> None:
    from generator.archive.index import cdxj_index
    from generator.archive.sources import ArchiveFile

    data = warc(CRAWL)
    entries = cdxj_index([ArchiveFile("crawl.warc.gz", data)])
    assert {(e.url, e.timestamp) for e in entries} == {
        (EARLY.url, "20240305133000"), (MIDDAY.url, "20240305190000"), (EVENING.url, "20240305210000"),
        ("https://www.example-news.com/img/storm.png", "20240305190001")}  # requests are not indexed
    assert all(data[e.offset:e.offset + 2] == b"\x1f\x8b" for e in entries)


def test_a_capture_changed_since_its_import_is_refused_not_packaged(site: Path) -> None:
    imported(site, "crawl.warc.gz", warc(CRAWL))
    kept = site / "captures" / "crawl.warc.gz"
    kept.write_bytes(kept.read_bytes()[:-300])  # cut short: cdxj-indexer alone would index what is left
    code, _out, err = run(site, "export-wacz", BLOG, str(site.parent / "x.wacz"))
    assert code == 1 and "crawl.warc.gz: the capture file does not match the sha256 _blog.md records" in err
    assert not (site.parent / "x.wacz").exists()
