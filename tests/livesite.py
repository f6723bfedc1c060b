"""A live blog on 127.0.0.1 that changes between requests and misbehaves on purpose.

The blog has pages of two posts, newest first, each linking its older page
("Older posts", rel=next), with schema.org LiveBlogPosting JSON-LD as an
outlet's page has. Its state moves on each time its first page is served
(a 200 or a 304): state 1 has posts A–D; state 2 is the same (a 304 for a
client that sends the ETag); state 3 adds E (three pages now); state 4
corrects C; state 5 deletes B. Faults fire once each, where `faults` says:

* "503": the first request for the first page gets 503 (Retry-After: 0);
* "stall": in state 3 the second page sends its headers, then nothing for
  `stall` seconds (past the client's timeout);
* "reset": in state 4 the second page's connection is reset mid-body;
* "gzip": in state 5 the first page's gzip'd body is cut short.

`robots.txt` disallows /private/ for every agent (`robots` sets another);
`etags=False` sends no ETag, so an unchanged page comes again whole.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import socket
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

PATH = "/live/"
PER_PAGE = 2


@dataclass(frozen=True)
class LivePost:
    key: str
    time: str  # ISO 8601, UTC
    headline: str
    body: str


A = LivePost("a", "2026-12-02T09:00:00Z", "Polls open across the country", "Polling stations opened at 7 a.m.")
B = LivePost("b", "2026-12-02T10:15:00Z", "Turnout higher than last time",
             "Turnout by ten o'clock was 18 per cent, officials said.")
C = LivePost("c", "2026-12-02T11:30:00Z", "Queues in the capital", "Voters queued for an hour in the centre.")
C2 = LivePost("c", "2026-12-02T11:30:00Z", "Queues in the capital",
              "Voters queued for up to two hours in the centre, the electoral commission said.")
D = LivePost("d", "2026-12-02T12:45:00Z", "Candidates cast their votes", "Both leading candidates have voted.")
E = LivePost("e", "2026-12-02T14:05:00Z", "Polls close in one hour", "Polling stations close at 10 p.m.")

STATES: tuple[tuple[LivePost, ...], ...] = (
    (A, B, C, D),
    (A, B, C, D),
    (A, B, C, D, E),
    (A, B, C2, D, E),
    (A, C2, D, E),
)
MODIFIED = ("2026-12-02T12:50:00Z", "2026-12-02T12:50:00Z", "2026-12-02T14:10:00Z", "2026-12-02T14:20:00Z",
            "2026-12-02T14:30:00Z")


@dataclass
class LiveBlog:
    faults: set[str] = field(default_factory=lambda: {"503", "stall", "reset", "gzip"})
    stall: float = 3.0
    robots: str = "User-agent: *\nDisallow: /private/\n"
    etags: bool = True  # False: no ETag, so an unchanged page comes again whole (a revisit by digest)
    state: int = 0  # how many times the first page was served
    log: list[tuple[str, int]] = field(default_factory=list)  # (path?query, status)
    lock: threading.Lock = field(default_factory=threading.Lock)
    base: str = ""

    def pages(self, state: int) -> list[tuple[LivePost, ...]]:
        posts = sorted(STATES[min(state, len(STATES)) - 1], key=lambda p: p.time, reverse=True)
        return [tuple(posts[i:i + PER_PAGE]) for i in range(0, len(posts), PER_PAGE)]

    def html(self, state: int, number: int) -> bytes:
        pages = self.pages(state)
        posts = pages[number - 1]
        url = self.base + PATH
        updates = [{"@type": "BlogPosting", "@id": f"{url}#post-{p.key}", "headline": p.headline,
                    "datePublished": p.time, "author": {"@type": "Person", "name": "Ann Reporter"},
                    "articleBody": p.body} for p in posts]
        data = {"@context": "https://schema.org", "@type": "LiveBlogPosting", "headline": "Election day live",
                "url": url, "coverageStartTime": "2026-12-02T08:00:00Z",
                "dateModified": MODIFIED[min(state, len(STATES)) - 1],
                "publisher": {"@type": "Organization", "name": "Test News"},
                "author": [{"@type": "Person", "name": "Ann Reporter"}], "liveBlogUpdate": updates}
        older = (f'<a href="{PATH}?page={number + 1}" rel="next">Older posts</a>'
                 if number < len(pages) else "")
        articles = "".join(f'<article id="post-{p.key}"><h2>{p.headline}</h2><p>{p.body}</p></article>'
                           for p in posts)
        return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Election day live</title>'
                f'<link rel="canonical" href="{url}"><meta property="og:site_name" content="Test News">'
                f'<script type="application/ld+json">{json.dumps(data)}</script></head>'
                f'<body><h1>Election day live</h1>{articles}<nav>{older}</nav></body></html>\n').encode()


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        blog = self.server.blog
        parts = urlsplit(self.path)
        if parts.path == "/robots.txt":
            return self._send(200, blog.robots.encode(), "text/plain")
        if parts.path != PATH:
            return self._send(404, b"not found", "text/plain")
        number = int((parse_qs(parts.query).get("page") or ["1"])[0])
        with blog.lock:
            if number == 1 and "503" in blog.faults:
                blog.faults.discard("503")
                return self._send(503, b"busy", "text/plain", {"Retry-After": "0"})
            if number == 1:
                blog.state = min(blog.state + 1, len(STATES))
            state = max(blog.state, 1)
            fault = None
            for name, at_state, at_page in (("stall", 3, 2), ("reset", 4, 2), ("gzip", 5, 1)):
                if name in blog.faults and state == at_state and number == at_page:
                    blog.faults.discard(name)
                    fault = name
        pages = blog.pages(state)
        if number > len(pages):
            return self._send(404, b"no such page", "text/plain")
        body = blog.html(state, number)
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if blog.etags and self.headers.get("If-None-Match") == etag and fault is None:
            return self._send(304, b"", None, {"ETag": etag})
        headers = {"ETag": etag} if blog.etags else {}
        headers["Cache-Control"] = "max-age=0"
        if number == 1:
            headers["Content-Encoding"] = "gzip"
            body = gzip.compress(body, mtime=0)
        if fault == "stall":
            self._head(200, len(body), "text/html; charset=utf-8", headers)
            time.sleep(blog.stall)
            return self._body(body)
        if fault == "reset":
            self._head(200, len(body), "text/html; charset=utf-8", headers)
            self._body(body[: len(body) // 2])
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            return None
        if fault == "gzip":
            body = body[: len(body) - 40]
        return self._send(200, body, "text/html; charset=utf-8", headers)

    def _send(self, status: int, body: bytes, kind: str | None, headers: dict[str, str] | None = None) -> None:
        self._head(status, len(body), kind, headers or {})
        self._body(body)

    def _head(self, status: int, length: int, kind: str | None, headers: dict[str, str]) -> None:
        self.server.blog.log.append((self.path, status))
        self.send_response(status)
        if kind:
            self.send_header("Content-Type", kind)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(length))
        self.end_headers()

    def _body(self, body: bytes) -> None:
        try:
            self.wfile.write(body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    blog: LiveBlog

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that went away (the stalled response's) is expected here


@contextmanager
def live_blog(blog: LiveBlog | None = None) -> Iterator[LiveBlog]:
    """The live blog served on 127.0.0.1 (its address in `blog.base`) while the block runs."""
    blog = blog or LiveBlog()
    server = _Server(("127.0.0.1", 0), _Handler)
    server.blog = blog
    blog.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield blog
    finally:
        server.shutdown()
        server.server_close()
