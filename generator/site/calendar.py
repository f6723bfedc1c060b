"""The calendar of the archive: years → months → a grid of days, with counts.

Pure: days in, frozen records out. The archive page prints every month as a
plain HTML table (weeks start on Monday); month pages list their days; a
topic page's strip counts its posts on each day from its first to its last.
"""

from __future__ import annotations

import calendar
import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo

from generator.core.model import Day, PostEntry, local_day
from generator.core.urls import Urls

STRIP_DAYS = 366  # a topic's strip shows at most its last year of days
_WEEKS = calendar.Calendar(firstweekday=calendar.MONDAY)


@dataclass(frozen=True, slots=True)
class Cell:
    """One day of a month grid: a link when it has posts."""

    date: date
    url: str | None
    count: int


@dataclass(frozen=True, slots=True)
class MonthGrid:
    first: date
    url: str  # the month's page
    count: int  # its posts
    weeks: tuple[tuple[Cell | None, ...], ...]  # Monday first; None outside the month


@dataclass(frozen=True, slots=True)
class Year:
    year: int
    count: int
    months: tuple[MonthGrid, ...]  # January first, only months with posts


def month_of(day: date) -> date:
    return day.replace(day=1)


def grid(first: date, days: Sequence[Day], urls: Urls) -> MonthGrid:
    """The month starting on `first`, its `days` (those with posts) linked."""
    counts = {d.date: len(d.posts) for d in days}
    weeks = tuple(
        tuple(None if day.month != first.month else
              Cell(day, urls.link(urls.day(day)) if day in counts else None, counts.get(day, 0))
              for day in week)
        for week in _WEEKS.monthdatescalendar(first.year, first.month)
    )
    return MonthGrid(first, urls.link(urls.month(first)), sum(counts.values()), weeks)


def by_month(days: Sequence[Day]) -> list[tuple[date, tuple[Day, ...]]]:
    """The days (oldest first) grouped by month, oldest month first."""
    return [(first, tuple(group)) for first, group in itertools.groupby(days, key=lambda d: month_of(d.date))]


def years(days: Sequence[Day], urls: Urls) -> tuple[Year, ...]:
    """Every year with posts, newest first; its months in calendar order."""
    grids = [grid(first, group, urls) for first, group in by_month(days)]
    found = [
        Year(year, sum(g.count for g in months), months)
        for year, months in ((y, tuple(g)) for y, g in itertools.groupby(grids, key=lambda g: g.first.year))
    ]
    return tuple(reversed(found))


@dataclass(frozen=True, slots=True)
class Bar:
    """One day of a topic's strip."""

    date: date
    url: str | None  # the day's page, when the topic has posts that day
    count: int
    percent: int  # of the busiest day, for the bar's height


def day_counts(posts: Sequence[PostEntry], tz: tzinfo) -> Counter[date]:
    """How many of `posts` are on each local day: all a strip is made of."""
    return Counter(local_day(p.published, tz) for p in posts)


def strip_of(counts: Counter[date], urls: Urls) -> tuple[Bar, ...]:
    """A topic's strip from its day counts (day_counts): posts per day, every day
    from the first to the last (at most STRIP_DAYS)."""
    if not counts:
        return ()
    last = max(counts)
    first = max(min(counts), last - timedelta(days=STRIP_DAYS - 1))
    most = max(counts.values())
    bars = []
    day = first
    while day <= last:
        count = counts.get(day, 0)
        bars.append(Bar(day, urls.link(urls.day(day)) if count else None, count,
                        round(100 * count / most) if count else 0))
        day += timedelta(days=1)
    return tuple(bars)
