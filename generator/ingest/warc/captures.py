"""A web archive's records → its captures of live blogs. Pure.

Every HTML page a `response` record holds (status 200) is handed to the
HTML importer; a page that is not a live blog is skipped (an archive holds
many pages: the site's front page, ads, embeds), any other problem with a
page is an error naming the record. A `revisit` record (the crawler saw the
same page again and stored only a reference) is resolved to the response it
refers to, by WARC-Refers-To (the record id), else by the payload digest
(WARC-Payload-Digest, the identical-payload-digest profile; the one at the
same address first), else by WARC-Refers-To-Target-URI and -Date, and is a
capture of its own: at its own date and offset. A revisit whose original is
not in the file (deduplicated against another crawl) cannot be read and is
counted in the message when no live blog is found.

Each capture carries the images its figures show, as the archive holds them
(images.py): the image records closest in time to the page's record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from generator.core.dates import check_plausible
from generator.core.errors import SiteError
from generator.core.slugs import unique
from generator.ingest.html import NO_LIVE_BLOG, parse_html
from generator.ingest.record import CapturedPost, CaptureWarning, ParsedCapture
from generator.ingest.warc import images
from generator.ingest.warc.records import WarcRecord


@dataclass(frozen=True, slots=True)
class _Originals:
    """The responses a revisit may refer to, three ways."""

    by_id: Mapping[str, WarcRecord]
    by_digest: Mapping[str, tuple[WarcRecord, ...]]
    by_address: Mapping[tuple[str, str], WarcRecord]


def captures_in(records: Sequence[WarcRecord], *, source: str, format: str, zones: Mapping[str, ZoneInfo],
             topic_rules: Mapping[str, tuple[str, ...]], notes: tuple[CaptureWarning, ...] = (),
             only: int | None = None, site_zone: ZoneInfo | None = None) -> tuple[ParsedCapture, ...]:
    """Every capture of a live blog the records hold, by (captured_at, offset). `format`:
    "warc" or "wacz"; `notes`: warnings every capture carries; `only`: just the capture
    whose (first) record is at that offset (nothing when it holds no live blog; the file
    is not searched). In a WARC `liveblog capture` wrote, a capture is a round: its
    pages' records, in page order (rounds.py); elsewhere every page is one."""
    originals = _originals(records)
    archived = images.index(records, lambda revisit: _original(revisit, originals))
    parsed: dict[tuple[int, str | None], ParsedCapture | None] = {}  # one parse per page and address
    found: list[ParsedCapture] = []
    looked = orphans = 0
    unread: dict[str, int] = {}
    for unit in _units(records):
        if only is not None and unit[0].offset != only:
            continue
        pages: list[ParsedCapture] = []
        for record in unit:
            page = record if record.type == "response" else \
                _original(record, originals) if record.type == "revisit" else None
            if page is None:
                orphans += record.type == "revisit" and bool(record.target_uri)
                continue
            if page.unread is not None and page is record:
                unread[page.unread] = unread.get(page.unread, 0) + 1
            if page.html is None:
                continue
            looked += 1
            key = (page.offset, record.target_uri)
            if key not in parsed:
                parsed[key] = _parse(page, record, source, zones, topic_rules, site_zone)
            capture = parsed[key]
            if capture is not None:
                pages.append(_stamped(capture, record, page, source, format, notes))
        if pages and pages[0].record_offset == unit[0].offset:
            found.append(_with_media(_joined(pages), archived, images.posix(unit[0].date)))
    if not found and only is None:
        raise SiteError(_nothing_found(format, looked, orphans, unread), path=source)
    return tuple(sorted(found, key=lambda c: (c.captured_at, c.record_offset)))


def _units(records: Sequence[WarcRecord]) -> list[tuple[WarcRecord, ...]]:
    """The records of each capture: a round's pages in page order, when the file has
    round records (a page in none is from a round cut short: no capture); else each
    response and revisit alone."""
    rounds = [record.round for record in records if record.round is not None]
    if not rounds:
        return [(record,) for record in records if record.type in ("response", "revisit")]
    by_id = {record.record_id: record for record in records if record.record_id}
    units = []
    for one in rounds:
        pages = tuple(by_id[page] for page in one.pages if page in by_id)
        if pages:
            units.append(pages)
    return units


def _joined(pages: Sequence[ParsedCapture]) -> ParsedCapture:
    """A round's pages as one capture: the first page's blog and record, every page's
    posts in page order, a post that moved onto the next page between two fetches
    counted once (by the outlet's id, else its time and headline)."""
    if len(pages) == 1:
        return pages[0]
    first = pages[0]
    seen: set[object] = set()
    taken: set[str] = set()
    posts: list[CapturedPost] = []
    for page in pages:
        for post in page.posts:
            key: object = post.source_id or (post.published.timestamp(), post.title)
            if key in seen:
                continue
            seen.add(key)
            post_id = unique(post.id, taken)
            taken.add(post_id)
            posts.append(replace(post, id=post_id, position=len(posts) + 1))
    declared = first.blog.declared_posts
    partial = (declared is not None and len(posts) < declared) or any(post.cut_off for post in posts)
    return replace(first, posts=tuple(posts), partial=partial,
                   warnings=tuple(dict.fromkeys(w for page in pages for w in page.warnings)))


def _originals(records: Sequence[WarcRecord]) -> _Originals:
    responses = [r for r in records if r.type == "response"]
    by_digest: dict[str, list[WarcRecord]] = {}
    for record in responses:
        if record.payload_digest:
            by_digest.setdefault(record.payload_digest, []).append(record)
    return _Originals(
        by_id={r.record_id: r for r in reversed(responses) if r.record_id},
        by_digest={digest: tuple(group) for digest, group in by_digest.items()},
        by_address={(r.target_uri, r.date): r for r in reversed(responses) if r.target_uri and r.date},
    )


def _original(revisit: WarcRecord, originals: _Originals) -> WarcRecord | None:
    if revisit.refers_to and revisit.refers_to in originals.by_id:
        return originals.by_id[revisit.refers_to]
    same = originals.by_digest.get(revisit.payload_digest or "", ())
    address = revisit.refers_to_uri or revisit.target_uri
    if same:
        return next((r for r in same if r.target_uri == address), same[0])
    if revisit.refers_to_uri and revisit.refers_to_date:
        return originals.by_address.get((revisit.refers_to_uri, revisit.refers_to_date))
    return None


def _where(record: WarcRecord, page: WarcRecord) -> str:
    what = f"the record at offset {record.offset}"
    if record is not page:
        what = f"the revisit record at offset {record.offset} (of the response at offset {page.offset})"
    return what + (f", {record.target_uri}" if record.target_uri else "")


def _parse(page: WarcRecord, record: WarcRecord, source: str, zones: Mapping[str, ZoneInfo],
           topic_rules: Mapping[str, tuple[str, ...]], site_zone: ZoneInfo | None) -> ParsedCapture | None:
    """The live blog on the page, or None when the page holds none."""
    assert page.html is not None
    try:
        return parse_html(page.html, source=f"{source}@{record.offset}", zones=zones,
                          topic_rules=topic_rules, url=record.target_uri, site_zone=site_zone)
    except SiteError as error:
        if error.message == NO_LIVE_BLOG:
            return None
        line = f" (line {error.line} of the page)" if error.line is not None else ""
        raise SiteError(f"{_where(record, page)}{line}: {error.message}", path=source, hint=error.hint) from None


def _stamped(capture: ParsedCapture, record: WarcRecord, page: WarcRecord, source: str, format: str,
             notes: tuple[CaptureWarning, ...]) -> ParsedCapture:
    """The page's capture as the record dates and places it."""
    problems = tuple(CaptureWarning(None, f"WARC record at offset {r.offset}: {problem}")
                     for r in ((record,) if record is page else (record, page)) for problem in r.problems)
    return replace(capture, format=format, source_url=record.target_uri,
                   captured_at=_moment(record, source), record_offset=record.offset,
                   warnings=capture.warnings + problems + notes)


def _with_media(capture: ParsedCapture, archived: images.Index, at: float | None) -> ParsedCapture:
    """The capture with the images its figures show, closest in time to its record."""
    if not archived:
        return capture
    media, warnings = images.media_of(capture, archived, at)
    return replace(capture, media=media, warnings=capture.warnings + warnings) if media or warnings else capture


def _moment(record: WarcRecord, source: str) -> datetime:
    """WARC-Date as an aware time (WARC dates are UTC)."""
    try:
        moment = datetime.fromisoformat((record.date or "").strip())
    except ValueError:
        raise SiteError(f"{_where(record, record)}: WARC-Date {record.date!r} is not an ISO 8601 time",
                        path=source) from None
    moment = moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
    check_plausible(moment, what=f"{_where(record, record)}: WARC-Date {record.date!r}", path=source, line=None)
    return moment


def _nothing_found(format: str, looked: int, orphans: int, unread: Mapping[str, int]) -> str:
    pages = "page" if looked == 1 else "pages"
    details = [f"{looked} HTML {pages} looked at"]
    if orphans:
        details.append(f"{orphans} revisit record{'' if orphans == 1 else 's'} whose original is not in the file")
    details += [f"{count} HTML page{'' if count == 1 else 's'} in {why}, which liveblog cannot decode"
                for why, count in sorted(unread.items())]
    return f"{format.upper()} with no live blog found ({'; '.join(details)})"
