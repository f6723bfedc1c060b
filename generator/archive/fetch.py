"""Polite HTTP GETs of live-blog pages, as exchanges a WARC can record.

httpx is the client (a maintained library with per-phase timeouts, HTTP/1.1
keep-alive and raw access to the bytes as sent: `iter_raw` gives the body
de-chunked but still content-encoded, which is what a WARC response record
holds). Each request:

* names the tool in `User-Agent`, with the contact the user gave;
* is conditional when the page was fetched before (`If-None-Match` from its
  ETag, `If-Modified-Since` from its Last-Modified), so a page that did not
  change costs a 304 and no body;
* asks only for encodings a WARC reader undoes (`gzip`, `deflate`), and a
  gzip'd body is checked whole before it is kept: a body cut mid-stream is
  an error, never a record;
* has a timeout per phase (connect, each read) and one for the whole
  exchange, so a server that drips bytes cannot hold a round;
* is retried on 429 and 5xx answers and on network errors (refused, reset,
  timed out, truncated), waiting `backoff * 2**attempt` seconds with full
  jitter (never more than 5 minutes, at least what Retry-After asks).

Redirects are not followed silently: a 3xx is recorded as it came, and the
caller follows `Location` (recording each hop).
"""

from __future__ import annotations

import random
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx

from generator import __version__

RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_WAIT = 300.0  # seconds: the longest wait between two tries
MAX_BODY = 256 * 1024 * 1024  # bytes of one response body


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request and its response, as sent and received."""

    url: str
    started: datetime  # when the request was sent (UTC): the records' WARC-Date
    request: bytes  # request line and headers, as sent
    status: int
    reason: str
    http_version: str  # "HTTP/1.1"
    headers: tuple[tuple[str, str], ...]  # the response's headers, in order, as received
    body: bytes  # as transferred: de-chunked, still content-encoded
    address: str | None  # the server's IP address

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((value for key, value in self.headers if key.lower() == lowered), None)

    def decoded(self) -> bytes:
        """The body with its Content-Encoding undone (checked whole by the fetcher)."""
        return decode_body(self.body, self.header("Content-Encoding"))


@dataclass(frozen=True, slots=True)
class Validators:
    """What makes a request conditional: the page's last ETag and Last-Modified."""

    etag: str | None = None
    last_modified: str | None = None


class FetchFailed(Exception):
    """A page that could not be fetched after every try; `reason` says why, last."""

    def __init__(self, url: str, reason: str, tries: int) -> None:
        super().__init__(f"{url}: {reason} (after {tries} tr{'y' if tries == 1 else 'ies'})")
        self.url, self.reason, self.tries = url, reason, tries


class _Retry(Exception):
    def __init__(self, reason: str, wait: float = 0.0) -> None:
        super().__init__(reason)
        self.reason, self.wait = reason, wait


def user_agent(contact: str | None) -> str:
    """`liveblog/0.1.0 (+archiving live blogs; contact: …)`: who fetches, and how to reach them."""
    about = "archiving a live blog" + (f"; contact: {contact}" if contact else "")
    return f"liveblog/{__version__} (+{about})"


def decode_body(body: bytes, encoding: str | None) -> bytes:
    """`body` with `encoding` undone ("gzip", "deflate", none); ValueError when it is
    cut short or damaged, or an encoding a WARC reader would not undo."""
    name = (encoding or "").strip().lower()
    if name in ("", "identity"):
        return body
    if name not in ("gzip", "x-gzip", "deflate"):
        raise ValueError(f"Content-Encoding {name}, which was not asked for")
    attempts = (16 + zlib.MAX_WBITS,) if name != "deflate" else (zlib.MAX_WBITS, -zlib.MAX_WBITS)
    for wbits in attempts:
        inflater = zlib.decompressobj(wbits)
        try:
            data = inflater.decompress(body) + inflater.flush()
        except zlib.error:
            continue
        if inflater.eof:
            return data
        raise ValueError(f"the {name} body is cut short ({len(body):,} bytes received)")
    raise ValueError(f"the {name} body is damaged")


class Fetcher:
    """GETs with the politeness rules above. `sleep` and `clock` are the waiting and
    the time (the standard ones, but a test may pass its own to run fast)."""

    def __init__(self, *, contact: str | None = None, timeout: float = 30.0, tries: int = 4,
                 backoff: float = 2.0, sleep: Callable[[float], None] = time.sleep,
                 rng: random.Random | None = None) -> None:
        self.timeout, self.tries, self.backoff = timeout, tries, backoff
        self._sleep = sleep
        self._rng = rng or random.Random()
        self.agent = user_agent(contact)
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout), follow_redirects=False, http2=False,
            headers={"User-Agent": self.agent, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
                     "Accept-Encoding": "gzip, deflate"})

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, validators: Validators | None = None) -> Exchange:
        """The page's exchange (any status but 429/5xx, which are retried); FetchFailed
        after the last try."""
        reason = "not tried"
        for attempt in range(self.tries):
            try:
                return self._once(url, validators or Validators())
            except _Retry as retry:
                reason = retry.reason
                if attempt + 1 < self.tries:
                    self._sleep(self._wait(attempt, retry.wait))
        raise FetchFailed(url, reason, self.tries)

    def _wait(self, attempt: int, asked: float) -> float:
        """Full jitter (AWS's "exponential backoff and jitter"), at least what the server asked."""
        ceiling = min(MAX_WAIT, self.backoff * 2 ** attempt)
        return min(MAX_WAIT, max(asked, self._rng.uniform(0, ceiling)))

    def _once(self, url: str, validators: Validators) -> Exchange:
        headers = {}
        if validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        started = datetime.now(timezone.utc)
        deadline = time.monotonic() + self.timeout
        try:
            request = self._client.build_request("GET", url, headers=headers)
            response = self._client.send(request, stream=True)
            try:
                body = self._body(response, deadline)
                address = _address(response)
            finally:
                response.close()
        except httpx.TimeoutException:
            raise _Retry(f"timed out after {self.timeout:g} s") from None
        except (httpx.NetworkError, httpx.RemoteProtocolError, httpx.ProxyError) as error:
            raise _Retry(f"network error: {_first_line(error)}") from None
        except httpx.InvalidURL as error:
            raise FetchFailed(url, f"not a URL httpx can fetch: {error}", 1) from None
        if response.status_code in RETRIED_STATUSES:
            raise _Retry(f"HTTP {response.status_code} {response.reason_phrase}".rstrip(),
                         _retry_after(response.headers.get("Retry-After")))
        exchange = Exchange(
            url=url, started=started, request=_request_bytes(request), status=response.status_code,
            reason=response.reason_phrase, http_version=response.http_version,
            headers=tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw),
            body=body, address=address)
        if response.status_code == 200:
            try:
                exchange.decoded()
            except ValueError as error:
                raise _Retry(str(error)) from None
        return exchange

    def _body(self, response: httpx.Response, deadline: float) -> bytes:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_raw():
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_BODY:
                raise FetchFailed(str(response.url), f"the body is over {MAX_BODY:,} bytes", 1)
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout("the whole response took too long")
        return b"".join(chunks)


def _request_bytes(request: httpx.Request) -> bytes:
    target = request.url.raw_path.decode("ascii")
    lines = [f"GET {target} HTTP/1.1".encode("ascii")]
    lines += [key + b": " + value for key, value in request.headers.raw]
    return b"\r\n".join(lines) + b"\r\n\r\n"


def _address(response: httpx.Response) -> str | None:
    stream = response.extensions.get("network_stream")
    try:
        peer = stream.get_extra_info("server_addr") if stream is not None else None
    except Exception:  # a transport without the information
        return None
    return str(peer[0]) if isinstance(peer, tuple) and peer else None


def _retry_after(value: str | None) -> float:
    """Retry-After in seconds (a number, or an HTTP date), 0 when absent or unreadable."""
    if not value:
        return 0.0
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    return max(0.0, (moment - datetime.now(timezone.utc)).total_seconds())


def host_of(url: str) -> str:
    return urlsplit(url).netloc.lower()


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
