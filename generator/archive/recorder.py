"""One round of a capture: each live blog's first page and its pages of older
posts, fetched politely and written to the WARC, then the round record.

For each address: robots.txt is read once per host and run (unless
ignored), the first page is fetched (conditionally, when it was fetched
before), redirects are followed up to five hops (each recorded), and the
pages of older posts it links to (ingest/html/pagination.py) are fetched in
turn, each page's own older links too, up to `max_pages` pages in all. A
page whose payload is already in the file is written as a `revisit` record,
a 304 as a `server-not-modified` revisit of the page it confirms. Only when
every page of a blog was fetched is the round record written (rounds.py):
a blog whose round failed has no capture this round, rather than a capture
that seems to have lost its older posts.
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urljoin

from generator.archive.fetch import Exchange, FetchFailed, Fetcher, Validators, host_of
from generator.archive.robots import Rules, robots_url, rules_from
from generator.archive.writer import Original, Resumed, WarcFile
from generator.ingest.html.pagination import older_pages

MAX_REDIRECTS = 5


@dataclass(frozen=True, slots=True)
class BlogRound:
    url: str
    pages: int  # pages recorded (responses and revisits)
    revisits: int
    failed: str | None  # why the round has no capture of this blog


@dataclass(frozen=True, slots=True)
class RoundResult:
    number: int
    started: str
    blogs: tuple[BlogRound, ...]
    bytes_written: int

    @property
    def pages(self) -> int:
        return sum(blog.pages for blog in self.blogs)

    @property
    def complete(self) -> int:
        return sum(blog.failed is None for blog in self.blogs)


class Recorder:
    """Rounds of captures into one WARC. `delay`: seconds between two requests
    to one host; `pause(seconds)` waits (time.sleep)."""

    def __init__(self, warc: WarcFile, resumed: Resumed, fetcher: Fetcher, *, max_pages: int = 20,
                 obey_robots: bool = True, delay: float = 1.0,
                 pause: Callable[[float], None] = time.sleep) -> None:
        self.warc, self.state, self.fetcher = warc, resumed, fetcher
        self.max_pages, self.obey_robots, self.delay = max_pages, obey_robots, delay
        self._pause = pause
        self._robots: dict[str, Rules] = {}
        self._last_request: dict[str, float] = {}

    def round(self, urls: Sequence[str], started: str) -> RoundResult:
        number = self.state.rounds + 1
        before = self.warc.written
        blogs = tuple(self._blog(url, number, started) for url in urls)
        self.state.rounds = number
        return RoundResult(number, started, blogs, self.warc.written - before)

    def _blog(self, url: str, number: int, started: str) -> BlogRound:
        pages: list[str] = []
        revisits = 0
        queue, seen = [url], {url}
        try:
            while queue and len(pages) < self.max_pages:
                address = queue.pop(0)
                if self.obey_robots and not self._allowed(address):
                    raise FetchFailed(address, "robots.txt disallows it (--ignore-robots to capture anyway)", 0)
                record_id, html, revisit = self._page(address)
                pages.append(record_id)
                revisits += revisit
                for older in older_pages(html, address) if html else ():
                    if older not in seen:
                        seen.add(older)
                        queue.append(older)
        except FetchFailed as error:
            return BlogRound(url, len(pages), revisits, str(error))
        self.warc.write_round(url, number, started, pages)
        return BlogRound(url, len(pages), revisits, None)

    def _page(self, url: str) -> tuple[str, bytes | None, bool]:
        """Fetch one page (following redirects): its response or revisit record's id,
        its HTML, and whether it was a revisit."""
        address = url
        for _ in range(MAX_REDIRECTS + 1):
            exchange = self._get(address)
            location = exchange.header("Location")
            if exchange.status in (301, 302, 303, 307, 308) and location:
                self.warc.write_exchange(exchange)
                address = urljoin(address, location)
                continue
            return self._record(exchange)
        raise FetchFailed(url, f"more than {MAX_REDIRECTS} redirects", 1)

    def _record(self, exchange: Exchange) -> tuple[str, bytes | None, bool]:
        state, url = self.state, exchange.url
        if exchange.status == 304 and url in state.latest:
            written = self.warc.write_exchange(exchange, not_modified_of=state.latest[url])
            return written.record_id, state.pages.get(url), True
        if exchange.status != 200:
            raise FetchFailed(url, f"HTTP {exchange.status} {exchange.reason}".rstrip(), 1)
        digest = payload_digest(exchange.body)
        known = state.by_digest.get(digest)
        written = self.warc.write_exchange(exchange, revisit_of=known)
        if known is None:
            known = Original(written.record_id, url, written.date, digest)
            state.by_digest[digest] = known
        state.latest[url] = known
        page = exchange.decoded()
        state.pages[url] = page
        etag, modified = exchange.header("ETag"), exchange.header("Last-Modified")
        state.validators[url] = Validators(etag, modified)
        return written.record_id, page, known.record_id != written.record_id

    def _get(self, url: str, conditional: bool = True) -> Exchange:
        host = host_of(url)
        waited = self._last_request.get(host)
        if waited is not None:
            left = self.delay - (time.monotonic() - waited)
            if left > 0:
                self._pause(left)
        try:
            return self.fetcher.get(url, self.state.validators.get(url) if conditional else None)
        finally:
            self._last_request[host] = time.monotonic()

    def _allowed(self, url: str) -> bool:
        host = host_of(url)
        if host not in self._robots:
            address = robots_url(url)
            try:
                exchange = self._get(address, conditional=False)
            except FetchFailed:
                return rules_from(None, b"").allows(url)  # read again next round
            self.warc.write_exchange(exchange)
            rules = rules_from(exchange.status, exchange.decoded() if exchange.status == 200 else b"")
            if rules.unreachable:
                return False
            self._robots[host] = rules
        return self._robots[host].allows(url)


def payload_digest(body: bytes) -> str:
    """WARC-Payload-Digest as warcio writes it: base32 SHA-1 of the body as transferred."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")
