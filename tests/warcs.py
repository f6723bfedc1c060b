"""Real WARC and WACZ files for tests, written by warcio (like TOOLING.md shows).

Every record gets a fixed WARC-Record-ID and WARC-Date, so the same call
gives the same bytes (golden files name record offsets and the file's sha256).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

BLOG_URL = "https://www.example-news.com/world/live/2024/storm-live"
HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Post:
    number: int
    headline: str
    published: str  # ISO 8601
    body: str


POSTS = {
    1: Post(1, "Storm makes landfall", "2024-03-05T08:15:00-05:00", "The storm made landfall at dawn."),
    2: Post(2, "Schools close", "2024-03-05T12:05:00Z", "All schools in the region are closed today."),
    3: Post(3, "Power restored to most homes", "2024-03-05T18:30:00Z",
            "Power has been restored to 90% of homes, the utility said.\n\nCrews are working through the night."),
}
CORRECTED = Post(2, "Schools close", "2024-03-05T12:05:00Z",
                 "All schools in the region are closed today and tomorrow, officials said.")
LATE = Post(4, "Storm moves out to sea", "2024-03-05T20:10:00Z", "The storm has moved offshore.")


def page(posts: Sequence[Post], modified: str, *, url: str = BLOG_URL,
         headline: str = "Storm live: latest updates") -> bytes:
    """A small live-blog page: schema.org LiveBlogPosting JSON-LD, newest post first."""
    updates = [
        {"@type": "BlogPosting", "@id": f"{url}#post-{p.number}", "headline": p.headline,
         "datePublished": p.published, "author": {"@type": "Person", "name": "Ann Reporter"},
         "articleBody": p.body}
        for p in sorted(posts, key=lambda p: p.published, reverse=True)
    ]
    data = {"@context": "https://schema.org", "@type": "LiveBlogPosting", "headline": headline, "url": url,
            "coverageStartTime": "2024-03-05T08:00:00Z", "dateModified": modified,
            "publisher": {"@type": "Organization", "name": "Example News"},
            "author": [{"@type": "Person", "name": "Ann Reporter"}], "liveBlogUpdate": updates}
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{headline}</title>\n'
            f'<link rel="canonical" href="{url}">\n<meta property="og:site_name" content="Example News">\n'
            f'<script type="application/ld+json">{json.dumps(data)}</script></head>\n'
            f"<body><h1>{headline}</h1></body></html>\n").encode()


NOT_A_BLOG = b"<!DOCTYPE html><html><head><title>Example News</title></head><body><p>Front page</p></body></html>"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


@dataclass(frozen=True)
class Response:
    url: str
    date: str  # WARC-Date
    payload: bytes
    content_type: str | None = HTML
    status: str = "200 OK"
    encoding: str | None = None  # Content-Encoding, as the payload is already encoded


@dataclass(frozen=True)
class Revisit:
    url: str
    date: str
    of: Response  # the response whose payload it saw again


@dataclass(frozen=True)
class Request:
    url: str
    date: str


Record = Response | Revisit | Request


def _id(*parts: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, '|'.join(parts))}>"


def digest(payload: bytes) -> str:
    import base64
    return "sha1:" + base64.b32encode(hashlib.sha1(payload).digest()).decode()


def warc(records: Sequence[Record], *, gzip: bool = True) -> bytes:
    """A WARC 1.1 file: a warcinfo record, then `records` in the order given."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzip, warc_version="1.1")
    info = writer.create_warc_record("", "warcinfo", payload=io.BytesIO(b"software: liveblog tests\r\n"),
                                     length=26, warc_content_type="application/warc-fields",
                                     warc_headers_dict={"WARC-Record-ID": _id("warcinfo"),
                                                        "WARC-Date": "2024-03-05T09:00:00Z",
                                                        "WARC-Filename": "crawl.warc.gz"})
    writer.write_record(info)
    for record in records:
        writer.write_record(_record(writer, record))
    return out.getvalue()


def _record(writer: WARCWriter, record: Record) -> object:
    headers = {"WARC-Record-ID": _id(type(record).__name__, record.url, record.date), "WARC-Date": record.date}
    if isinstance(record, Request):
        http = StatusAndHeaders(f"GET {record.url} HTTP/1.1", [("Host", "www.example-news.com")],
                                is_http_request=True)
        return writer.create_warc_record(record.url, "request", http_headers=http, warc_headers_dict=headers)
    if isinstance(record, Revisit):
        original = record.of
        http = StatusAndHeaders("200 OK", [("Content-Type", original.content_type or "")], protocol="HTTP/1.1")
        return writer.create_revisit_record(record.url, digest(original.payload), original.url, original.date,
                                            http_headers=http, warc_headers_dict=headers)
    fields = [("Content-Type", record.content_type)] if record.content_type else []
    fields += [("Content-Encoding", record.encoding)] if record.encoding else []
    http = StatusAndHeaders(record.status, fields, protocol="HTTP/1.1")
    return writer.create_warc_record(record.url, "response", payload=io.BytesIO(record.payload),
                                     length=len(record.payload), http_headers=http, warc_headers_dict=headers)


# Three captures of one blog, each showing a different set of posts: post 2 is
# corrected in the second, post 1 is gone from the third.
EARLY = Response(BLOG_URL, "2024-03-05T13:30:00Z", page([POSTS[1], POSTS[2]], "2024-03-05T13:15:00Z"))
MIDDAY = Response(BLOG_URL, "2024-03-05T19:00:00Z",
                  page([POSTS[1], CORRECTED, POSTS[3]], "2024-03-05T18:30:00Z"))
EVENING = Response(BLOG_URL, "2024-03-05T21:00:00Z",
                   page([CORRECTED, POSTS[3], LATE], "2024-03-05T20:10:00Z"))
# The crawl as a crawler leaves it: out of time order, with requests and an image.
CRAWL: tuple[Record, ...] = (
    Request(BLOG_URL, MIDDAY.date), MIDDAY,
    Response("https://www.example-news.com/img/storm.png", "2024-03-05T19:00:01Z", PNG, "image/png"),
    Request(BLOG_URL, EVENING.date), EVENING,
    Request(BLOG_URL, EARLY.date), EARLY,
)


def gzip_whole(data: bytes) -> bytes:
    """A WARC gzip'd as one stream (what `gzip crawl.warc` does), not one member per record."""
    return gzip.compress(data, mtime=0)


def wacz(warcs: dict[str, bytes], pages: Sequence[str] | None = (BLOG_URL,), *,
         extra: dict[str, bytes] | None = None) -> bytes:
    """A WACZ 1.1.1 (ZIP, STORE): archive/<name> for each WARC, pages/pages.jsonl (None: left
    out), datapackage.json with every file's sha256, and `extra` members as given."""
    files: dict[str, bytes] = {f"archive/{name}": data for name, data in warcs.items()}
    if pages is not None:
        lines = [{"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}]
        lines += [{"id": f"p{i}", "url": url, "ts": "2024-03-05T13:00:00Z"} for i, url in enumerate(pages)]
        files["pages/pages.jsonl"] = "".join(json.dumps(line) + "\n" for line in lines).encode()
    files["indexes/index.cdx"] = b""
    files.update(extra or {})
    package = {"profile": "data-package", "wacz_version": "1.1.1",
               "resources": [{"name": name.rsplit("/", 1)[-1], "path": name,
                              "hash": "sha256:" + hashlib.sha256(data).hexdigest(), "bytes": len(data)}
                             for name, data in sorted(files.items())]}
    files["datapackage.json"] = json.dumps(package, indent=2).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 3, 5, 21, 0, 0))
            archive.writestr(info, data, compress_type=zipfile.ZIP_STORED)
    return out.getvalue()
