"""The lines that open a post in a text capture, and the times they give. Pure.

A post opens at a timestamp line: an absolute one (``4:10 p.m. ET, March 5,
2024``, see `lines.read_stamp`), a relative one (``12 min ago``, see
`relative.read_ago`), or both run together (``12 min ago4:10 p.m. ET, March
5, 2024``). A relative line and an absolute line with only blank lines
between them are one post's two renderings of its time: they open one post.
Whenever the absolute time is there it is the one used.

A relative time is dated from an anchor: the ``anchor`` the caller passes
(the moment of capture, when it knows it), else the header's Updated time;
with neither, the post cannot be dated and `SiteError` names its line. It
gets the zone label of the Updated line (else of the capture's first
absolute timestamp, else ``ET``), ``time_derived="relative"`` and
``time_precision=60``; a warning at its line keeps the printed text ("3 hr
12 min ago") and says what it was read as. Its id follows the one rule
(local date, HHMM, headline slug) from the derived time; a later capture
with exact times finds the same post by its headline (content/merge.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from generator.core.dates import check_plausible
from generator.core.errors import SiteError
from generator.ingest.record import CaptureWarning
from generator.ingest.text.lines import Stamp, looks_like_stamp, read_stamp, show, zone_for
from generator.ingest.text.relative import PRECISION, Ago, before, read_ago

DEFAULT_LABEL = "ET"  # CNN prints Eastern time where a page names no zone


@dataclass(frozen=True, slots=True)
class Start:
    """Where a post opens: its first timestamp line and the line its text starts after."""

    index: int  # 0-based index of the (first) timestamp line
    last: int  # 0-based index of its last timestamp line (the text follows it)
    stamp: Stamp | None
    ago: Ago | None


@dataclass(frozen=True, slots=True)
class Timed:
    """A post's time, read or derived."""

    published: datetime
    zone_label: str
    derived: str | None = None  # "relative"
    precision: int | None = None


def looks_like_post_stamp(line: str) -> bool:
    if looks_like_stamp(line):
        return True
    found = read_ago(line)
    return found is not None and (not found[1] or looks_like_stamp(found[1]))


def _read_line(line: str, number: int, source: str,
               zones: Mapping[str, ZoneInfo]) -> tuple[Stamp | None, Ago | None] | None:
    stamp = read_stamp(line, number=number, source=source, zones=zones)
    if stamp is not None:
        return stamp, None
    found = read_ago(line)
    if found is None:
        return None
    ago, rest = found
    if not rest:
        return None, ago
    stamp = read_stamp(rest, number=number, source=source, zones=zones)
    return None if stamp is None else (stamp, ago)


def find_starts(lines: Sequence[str], first: int, *, source: str,
                zones: Mapping[str, ZoneInfo]) -> list[Start]:
    """Every post opening from index `first` on, in order."""
    starts: list[Start] = []
    for index in range(first, len(lines)):
        read = _read_line(lines[index], index + 1, source, zones)
        if read is None:
            continue
        stamp, ago = read
        previous = starts[-1] if starts else None
        if previous is not None and _pair(previous, stamp, ago) and not any(
            lines[previous.last + 1 : index]
        ):
            starts[-1] = Start(previous.index, index, previous.stamp or stamp, previous.ago or ago)
        else:
            starts.append(Start(index, index, stamp, ago))
    return starts


def _pair(previous: Start, stamp: Stamp | None, ago: Ago | None) -> bool:
    """A relative-only line next to an absolute-only line (either order)."""
    if previous.stamp is None and previous.ago is not None:
        return stamp is not None and ago is None
    return previous.ago is None and stamp is None and ago is not None


def date_starts(starts: Sequence[Start], *, anchor: datetime | None, updated: Stamp | None,
                source: str, zones: Mapping[str, ZoneInfo]) -> tuple[list[Timed], list[CaptureWarning]]:
    """Each opening's time; relative ones from `anchor`, else from the Updated time."""
    when = anchor if anchor is not None else (updated.published if updated is not None else None)
    label = updated.zone_label if updated is not None else next(
        (s.stamp.zone_label for s in starts if s.stamp is not None), DEFAULT_LABEL)
    against = "the capture time" if anchor is not None else "the Updated time"
    timed: list[Timed] = []
    warnings: list[CaptureWarning] = []
    for start in starts:
        if start.stamp is not None:
            timed.append(Timed(start.stamp.published, start.stamp.zone_label))
            continue
        assert start.ago is not None
        if when is None:
            raise SiteError(
                f"relative post time {show(start.ago.text)} cannot be dated: the capture "
                "has no absolute Updated time", path=source, line=start.index + 1,
                hint="keep the page's 'Updated 9:02 p.m. ET, March 5, 2024' line in the capture",
            )
        zone = zone_for(label, number=start.index + 1, source=source, zones=zones)
        check_plausible(when, what=f"relative post time {show(start.ago.text)} counts back from "
                        f"{when.isoformat()}", path=source, line=start.index + 1)
        published = before(when, start.ago, zone)
        check_plausible(published, what=f"relative post time {show(start.ago.text)} read as "
                        f"{published.isoformat()}", path=source, line=start.index + 1)
        timed.append(Timed(published, label, "relative", PRECISION))
        warnings.append(CaptureWarning(
            start.index + 1, f"relative time {show(start.ago.text)} read as "
            f"{format_stamp(published, label)}, counted back from {against} (to the minute)"))
    return timed, warnings


def format_stamp(when: datetime, label: str) -> str:
    """A time as CNN prints it: "11:08 p.m. ET, March 9, 2024"."""
    meridiem = "a.m." if when.hour < 12 else "p.m."
    return (f"{when.hour % 12 or 12}:{when.minute:02d} {meridiem} {label}, "
            f"{when:%B} {when.day}, {when.year}")
