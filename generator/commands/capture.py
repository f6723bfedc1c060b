"""`liveblog capture`: record live blogs while they change, into one WARC, and
import each round as it is taken.

A round (archive/recorder.py) fetches every address's first page and its
pages of older posts and appends them to the WARC (archive/writer.py); the
round is then imported through the WARC importer like any web archive
(commands/import_.py), so its posts merge with every earlier capture:
new posts are added, corrected ones keep their earlier texts as revisions,
and a post the blog no longer shows is kept and marked `removed_after`.

The WARC is the record: append-only, each record whole on disk before the
next. A capture killed at any moment is started again with the same
`--out`: the torn end is cut off, the rounds in the file are imported
first (an import that changes nothing writes nothing), and the next round
is numbered after the last whole one. Ctrl-C (or SIGTERM) ends the capture
after the round under way, with a summary.
"""

from __future__ import annotations

import re
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit

from generator.archive.fetch import Fetcher
from generator.archive.recorder import Recorder, RoundResult
from generator.archive.writer import open_warc, warc_timestamp
from generator.commands.import_ import ImportReport, import_captures
from generator.core.config import Config
from generator.core.errors import SiteError
from generator.core.paths import CAPTURES_DIR
from generator.core.slugs import slug

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hr)?\s*$", re.IGNORECASE)
_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600}


@dataclass(frozen=True, slots=True)
class Plan:
    """What the command line asked for."""

    urls: tuple[str, ...]
    every: float  # seconds between the starts of two rounds
    until: datetime | None
    count: int | None
    out: Path
    imports: bool = True
    max_pages: int = 20
    obey_robots: bool = True
    contact: str | None = None
    timeout: float = 30.0
    delay: float = 1.0
    tries: int = 4


@dataclass(frozen=True, slots=True)
class RoundLine:
    """One round as the command prints it."""

    result: RoundResult
    new: int
    changed: int
    removed: int
    failures: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Summary:
    rounds: int
    pages: int
    bytes_written: int
    out: Path
    cut: int  # torn bytes cut off the WARC's end when it was opened
    stopped: bool  # ended by a signal


def parse_duration(value: str) -> float:
    """"5m", "30s", "1h", "90" (seconds) → seconds."""
    match = _DURATION.match(value)
    if not match or float(match.group(1)) <= 0:
        raise SiteError(f"--every must be a duration such as 30s, 5m or 1h, not {value!r}")
    return float(match.group(1)) * _UNITS[(match.group(2) or "s").lower()]


def parse_until(value: str, config: Config) -> datetime:
    """An ISO time; without an offset it is the site's time zone."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise SiteError(f"--until is not an ISO 8601 time: {value!r}", hint="e.g. 2026-12-02T23:00") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=config.tz())


def default_out(config: Config, url: str, now: datetime) -> Path:
    """captures/<host>-<path>-<date>.warc.gz for the first address."""
    parts = urlsplit(url)
    name = slug(f"{parts.netloc} {parts.path}")[:80] or "capture"
    return config.root / CAPTURES_DIR / f"{name}-{now:%Y%m%d}.warc.gz"


def check_urls(urls: Sequence[str]) -> tuple[str, ...]:
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SiteError(f"not an http(s) address: {url!r}")
    return tuple(urls)


def capture(config: Config, plan: Plan, report: Callable[[RoundLine], None],
            note: Callable[[str], None], locked: Callable[[], AbstractContextManager[object]]) -> Summary:
    """Take rounds until the plan's count or time is reached or a signal stops it.
    `locked()` is the site lock (core/lock.py), taken for each import: another
    command may build or import between two rounds, never during one's import."""
    warc, resumed = open_warc(plan.out)
    if resumed.cut:
        note(f"{plan.out}: cut {resumed.cut:,} bytes of a record left incomplete at its end")
    rounds = pages = 0
    with warc, _stop_signals() as stop, Fetcher(contact=plan.contact, timeout=plan.timeout,
                                                tries=plan.tries) as fetcher:
        if warc.size == 0:
            warc.write_warcinfo({"operator": plan.contact or "", "isPartOf": plan.out.name,
                                 "description": "liveblog capture: " + " ".join(plan.urls)})
        elif resumed.rounds and plan.imports:
            note(f"{plan.out}: {resumed.rounds} earlier rounds; importing them before going on")
            _import(config, plan.out, locked)
        recorder = Recorder(warc, resumed, fetcher, max_pages=plan.max_pages, obey_robots=plan.obey_robots,
                            delay=plan.delay)
        for start in _ticks(plan, stop):
            started = warc_timestamp(start)
            result = recorder.round(plan.urls, started)
            rounds += 1
            pages += result.pages
            report(_line(config, plan, result, locked))
            if stop.is_set():
                break
        return Summary(rounds, pages, warc.written, plan.out, resumed.cut, stop.is_set())


def _line(config: Config, plan: Plan, result: RoundResult,
          locked: Callable[[], AbstractContextManager[object]]) -> RoundLine:
    failures = tuple(blog.failed for blog in result.blogs if blog.failed)
    if not plan.imports or not result.complete:
        return RoundLine(result, 0, 0, 0, failures)
    reports = _import(config, plan.out, locked)
    return RoundLine(result, sum(r.new for r in reports), sum(r.changed for r in reports),
                     sum(r.removed for r in reports), failures)


def _import(config: Config, out: Path, locked: Callable[[], AbstractContextManager[object]]
            ) -> tuple[ImportReport, ...]:
    with locked():
        return import_captures(config, [out])


def _ticks(plan: Plan, stop: threading.Event) -> Iterator[datetime]:
    """The start of each round: now, then every `plan.every` seconds (a round that ran
    long starts the next at once), until the count or time is reached or `stop` is set."""
    taken = 0
    next_start = time.monotonic()
    while not stop.is_set():
        if plan.count is not None and taken >= plan.count:
            return
        now = datetime.now(timezone.utc)
        if plan.until is not None and now >= plan.until:
            return
        yield now
        taken += 1
        next_start += plan.every
        if plan.count is not None and taken >= plan.count:
            return
        wait = next_start - time.monotonic()
        if plan.until is not None:
            wait = min(wait, (plan.until - datetime.now(timezone.utc)).total_seconds())
        if wait > 0:
            stop.wait(wait)
        else:
            next_start = time.monotonic()


@contextmanager
def _stop_signals() -> Iterator[threading.Event]:
    """SIGINT and SIGTERM set the event (the round under way is finished) instead of
    raising; a second SIGINT stops at once."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handler(number: int, frame: FrameType | None) -> None:
        if stop.is_set() and number == signal.SIGINT:
            raise KeyboardInterrupt
        stop.set()

    old = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, previous in old.items():
            signal.signal(sig, previous)


def describe(line: RoundLine) -> str:
    """`round 3 at 14:10:05Z: 3 pages (1 revisit); posts 1 new, 0 changed, 0 removed; 12,345 bytes`"""
    result = line.result
    revisits = sum(blog.revisits for blog in result.blogs)
    pages = f"{result.pages} page{'' if result.pages == 1 else 's'}" + (f" ({revisits} unchanged)" if revisits else "")
    text = (f"round {result.number} at {result.started[:19]}Z: {pages}; posts {line.new} new, "
            f"{line.changed} changed, {line.removed} removed; {result.bytes_written:,} bytes written")
    return text + "".join(f"\n  failed: {why}" for why in line.failures)

