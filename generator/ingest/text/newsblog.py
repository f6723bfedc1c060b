"""The older single-article "news blog" layout (CNN, about 2008–2013). Pure.

One article that grows by updates, each opened inline by a bracketed time tag
at the start of a paragraph, newest first. The rules:

* Header, everything before the first tag: navigation and chrome are dropped
  (as in the live blog layout); the entry's date line (``March 5th, 2012``,
  with an optional weekday, optionally followed by its time); its time line
  (``10:20 PM ET``); ``Posted by`` with the names on the same or the next line
  (``Posted by CNN's A B``; ``Posted by`` / ``CNN Wire Staff``), or ``By A B,
  CNN``. The first other line is the title; every other line is the intro,
  which describes the blog: it is not a post, and one warning names its
  lines (the capture record has no place for a description yet).
* A tag opens an update: ``[Update 10:05 p.m.]``, ``[Update 9 p.m. ET]``,
  ``[Updated at 11:40 p.m.]``, ``[Midnight]``, ``[Noon]``, ``[10:05 p.m.]``.
  The tag leaves the paragraph; untagged paragraphs belong to the update
  above them. A line that starts like a tag (``[Update``) but cannot be read
  raises `SiteError`: guessing would merge two updates.
* The entry ends at its footer (``Filed under:``, ``Next entry »``, ``«
  Previous entry``, ``soundoff (…)``, ``Comments (…)``), dropped with a warning.
* An update has no headline of its own: its first sentence becomes one
  (`ingest/headline.derive_headline`, ``headline_derived=True``) and stays in the body.
* Time: the tag's clock in the tag's zone label, else the header time line's,
  else ``ET``, as site.toml's [zones] maps it. Date: the header's date is the
  entry's posting date, so it is the date of the oldest update (the last
  one); reading upward (older to newer), a clock that goes down means the
  next day; equivalently, reading newest to oldest, a clock that goes up means
  the previous day. An oldest update earlier than the posting time is warned.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from generator.core.errors import SiteError
from generator.core.slugs import slug
from generator.ingest.record import CapturedBlog, CaptureWarning, ParsedCapture
from generator.ingest.text.blocks import build_blocks
from generator.ingest.headline import derive_headline
from generator.ingest.text.lines import (
    DATE,
    WEEKDAY,
    is_chrome,
    is_navigation,
    read_author_line,
    read_date,
    show,
    split_names,
    zone_for,
)
from generator.ingest.text.posts import Draft, cut_off_reason, is_empty, records, without_empty
from generator.ingest.text.stamps import DEFAULT_LABEL, Timed, format_stamp

_CLOCK = r"(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?\s*(?P<ampm>[aApP])\.?\s?[mM]\.?"
_ZONE = r"(?P<zone>[A-Z][A-Z0-9+\-]{0,7})"
_TAG = re.compile(
    r"\[\s*(?i:updated?\b[\s,:]*(?:at\s+)?)?(?:(?P<word>(?i:midnight|noon))|" + _CLOCK + ")"
    + r"(?:\s+" + _ZONE + r")?\s*\]\s*(?P<rest>.*)"
)
_TAG_LIKE = re.compile(r"\[\s*(?i:updated?)\b")
_TIME_LINE = re.compile(_CLOCK + r"\s+" + _ZONE)
_DATE_LINE = re.compile(WEEKDAY + DATE + r"(?:\s+(?:at\s+)?(?P<time>.+))?")
_POSTED = re.compile(r"(?i:posted\s+by):?(?:\s+(?P<names>\S.*))?")
_POSSESSIVE = re.compile(r"(?P<outlet>[^\s'’]+(?:\s[^\s'’]+){0,2})['’]s\s+(?P<rest>\S.*)")
_FOOTER = re.compile(r"(?i:filed under:|next entry|« previous entry|previous entry|soundoff\b|comments \()")


@dataclass(frozen=True, slots=True)
class _Header:
    title: str | None
    date: date | None
    posted: tuple[int, int] | None  # the entry's posting clock, 24 h
    zone_label: str | None
    authors: tuple[str, ...]
    outlet: str | None
    intro: tuple[int, ...]  # 1-based numbers of the intro lines


@dataclass(frozen=True, slots=True)
class _Update:
    index: int  # 0-based line of its tag
    clock: tuple[int, int]  # 24 h
    zone_label: str | None
    lines: tuple[str, ...]  # the tag's rest of paragraph, then the following lines


def has_update_tags(lines: Sequence[str]) -> bool:
    """Whether any cleaned line opens a news blog update."""
    return any(_TAG.match(line) for line in lines)


def parse_newsblog(lines: Sequence[str], *, source: str, zones: Mapping[str, ZoneInfo],
                   topic_rules: Mapping[str, tuple[str, ...]]) -> ParsedCapture:
    """Cleaned lines of a news blog page (at least one tag) -> the capture record."""
    first = next((i for i, line in enumerate(lines) if _TAG.match(line)), None)
    if first is None:
        raise SiteError("not a news blog: no update tag found", path=source)
    end = next((i for i in range(first, len(lines)) if _FOOTER.match(lines[i])), len(lines))
    header = _read_header(lines[:first], source=source)
    updates = _cut_updates(lines, first, end, source=source)
    times, warnings = _date_updates(updates, header, source=source, zones=zones)
    posts = [_draft(update, timed) for update, timed in zip(updates, times, strict=True)]
    cut_reason = cut_off_reason(posts[-1]) if end == len(lines) else None
    cut_line, last_empty = posts[-1].line, is_empty(posts[-1])
    posts, empty = without_empty(posts, source=source)
    title = header.title
    if title is None:
        title = posts[0].title
        warnings.insert(0, CaptureWarning(1, "capture has no title line; using the first headline"))
    if header.intro:
        lines_text = (f"line {header.intro[0]}" if len(header.intro) == 1
                      else f"lines {header.intro[0]}–{header.intro[-1]}")
        warnings.insert(0, CaptureWarning(header.intro[0], f"the intro ({lines_text}) describes "
                                          "the blog and is not a post; it stays in the capture only"))
    if any(lines[end:]):
        warnings.append(CaptureWarning(end + 1, f"ignored the entry's footer from {show(lines[end])} on"))
    if cut_reason is not None:
        warnings.append(CaptureWarning(cut_line, cut_reason))
    warnings += empty
    assert header.date is not None  # _date_updates raised otherwise
    blog = CapturedBlog(
        slug=f"{header.date.isoformat()}-{slug(title, fallback='live-blog')}", title=title,
        series=None, date=header.date, authors=header.authors, outlet=header.outlet,
        updated=None, declared_posts=None, headline=title,
    )
    found = records(posts, series=None, cut_off=cut_reason is not None and not last_empty,
                    topic_rules=topic_rules)
    return ParsedCapture(blog, found, tuple(warnings), cut_reason is not None)


def _read_header(lines: Sequence[str], *, source: str) -> _Header:
    title: str | None = None
    day: date | None = None
    posted: tuple[int, int] | None = None
    label: str | None = None
    names: tuple[tuple[str, ...], str | None] | None = None
    names_next = False
    intro: list[int] = []
    for number, line in enumerate(lines, start=1):
        if not line or is_chrome(line) or is_navigation(line):
            continue
        if names_next:
            names, names_next = _names(line), False
        elif day is None and (dated := _DATE_LINE.fullmatch(line)) and (
            dated["time"] is None or _TIME_LINE.fullmatch(dated["time"])
        ):
            day = read_date(dated, line=line, number=number, source=source, what="bad date line")
            if dated["time"] is not None:
                posted, label = _clock_line(dated["time"], number=number, source=source)
        elif posted is None and _TIME_LINE.fullmatch(line):
            posted, label = _clock_line(line, number=number, source=source)
        elif names is None and (by := _POSTED.fullmatch(line)):
            names, names_next = (_names(by["names"]), False) if by["names"] else (None, True)
        elif names is None and title is not None and (author_line := read_author_line(line)):
            names = author_line
        elif title is None:
            title = line
        else:
            intro.append(number)
    return _Header(title=title, date=day, posted=posted, zone_label=label,
                   authors=names[0] if names else (), outlet=names[1] if names else None,
                   intro=tuple(intro))


def _names(text: str) -> tuple[tuple[str, ...], str | None]:
    """``CNN's A B and C D`` -> ((A B, C D), CNN); ``CNN Wire Staff`` -> ((CNN Wire Staff,), None)."""
    possessive = _POSSESSIVE.fullmatch(text)
    if possessive is not None:
        return split_names(possessive["rest"]), possessive["outlet"]
    return split_names(text), None


def _clock(match: re.Match[str], *, line: str, number: int, source: str) -> tuple[int, int]:
    word = match.groupdict().get("word")
    if word is not None:
        return (0, 0) if word.lower() == "midnight" else (12, 0)
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    if not 1 <= hour <= 12 or minute > 59:
        raise SiteError(f"bad time {show(line)}: no such time of day", path=source, line=number)
    return hour % 12 + (12 if match["ampm"] in "pP" else 0), minute


def _clock_line(text: str, *, number: int, source: str) -> tuple[tuple[int, int], str]:
    match = _TIME_LINE.fullmatch(text)
    assert match is not None
    return _clock(match, line=text, number=number, source=source), match["zone"]


def _cut_updates(lines: Sequence[str], first: int, end: int, *, source: str) -> list[_Update]:
    """The updates from the first tag (index `first`) to the footer (index `end`)."""
    opened: list[tuple[int, re.Match[str], list[str]]] = []
    for index in range(first, end):
        line = lines[index]
        tag = _TAG.match(line)
        if tag is not None:
            opened.append((index, tag, [tag["rest"]]))
        elif _TAG_LIKE.match(line):
            raise SiteError(
                f"update tag not understood: {show(line)}", path=source, line=index + 1,
                hint="an update tag reads like [Update 10:05 p.m.], [Updated at 11:40 p.m. ET], [Midnight]",
            )
        else:
            opened[-1][2].append(line)
    return [
        _Update(index, _clock(tag, line=lines[index], number=index + 1, source=source),
                tag["zone"], tuple(body))
        for index, tag, body in opened
    ]


def _date_updates(updates: Sequence[_Update], header: _Header, *, source: str,
                  zones: Mapping[str, ZoneInfo]) -> tuple[list[Timed], list[CaptureWarning]]:
    """The updates' times: the oldest (last) on the header's date, a day on whenever
    the clock goes down reading upward."""
    if header.date is None:
        raise SiteError(
            "news blog updates cannot be dated: no date line before the first update",
            path=source, line=updates[0].index + 1,
            hint="keep the entry's date line (such as 'March 5th, 2012') in the capture",
        )
    days = [0] * len(updates)
    for i in range(len(updates) - 2, -1, -1):
        days[i] = days[i + 1] + int(updates[i].clock < updates[i + 1].clock)
    times: list[Timed] = []
    for update, offset in zip(updates, days, strict=True):
        label = update.zone_label or header.zone_label or DEFAULT_LABEL
        zone = zone_for(label, number=update.index + 1, source=source, zones=zones)
        day = header.date + timedelta(days=offset)
        hour, minute = update.clock
        times.append(Timed(datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone), label))
    warnings = []
    if header.posted is not None and updates[-1].clock < header.posted:
        warnings.append(CaptureWarning(updates[-1].index + 1, (
            f"the oldest update ({format_stamp(times[-1].published, times[-1].zone_label)}) is "
            "earlier than the entry's posting time; dated on the entry's date anyway")))
    return times, warnings


def _draft(update: _Update, timed: Timed) -> Draft:
    blocks = build_blocks(update.lines)
    numbers = [update.index + i for i, line in enumerate(update.lines) if line]
    return Draft(
        line=update.index + 1, timed=timed, title=derive_headline(blocks) if blocks else "",
        byline=None, authors=(), location=None, blocks=blocks,
        last_line=(numbers[-1] if numbers else update.index) + 1, headline_derived=bool(blocks),
    )
