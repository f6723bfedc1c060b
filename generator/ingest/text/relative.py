"""Relative post times ("3 hr 12 min ago"): reading them, and dating them. Pure.

A page shows a relative time instead of (or run together with) the absolute
one when it is rendered close to the post: ``45 min ago``, ``1 hr ago``,
``3 hr 12 min ago``, ``less than 1 min ago``, and ``12 min ago4:10 p.m. ET,
March 5, 2024`` (the parser then uses the absolute part). The units are
``hr``/``hrs``/``hour(s)`` and ``min``/``mins``/``minute(s)``, in any case.

"N ago" counts whole minutes down from the moment the page was rendered, so a
relative time is that moment (the anchor) minus the offset, cut to the
minute: the true time lies within a minute of it (`PRECISION`). The
subtraction is done in absolute time (UTC), never on the wall clock, so an
offset that crosses a DST change or midnight still gives the right time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

PRECISION = 60  # seconds either way: "N min ago" is read to the minute

_AGO = re.compile(
    r"(?P<ago>(?:(?P<less>less\s+than\s+(?:1|a|one)\s+min(?:ute)?s?)"
    r"|(?:(?P<hours>\d{1,3})\s*(?:hrs?|hours?)\b\s*)?(?:(?P<minutes>\d{1,4})\s*(?:mins?|minutes?)\b)?)"
    r"\s*ago)(?P<rest>.*)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Ago:
    """A relative time as the page printed it, and its offset."""

    text: str  # "3 hr 12 min ago"
    offset: timedelta


def read_ago(line: str) -> tuple[Ago, str] | None:
    """``3 hr 12 min ago`` -> (the relative time, "" ); ``12 min ago4:10 p.m. ET, …``
    -> (the relative time, "4:10 p.m. ET, …"); None when the line does not start
    with a relative time."""
    match = _AGO.match(line)
    if match is None or not (match["less"] or match["hours"] or match["minutes"]):
        return None
    hours, minutes = int(match["hours"] or 0), int(match["minutes"] or 0)
    return Ago(match["ago"], timedelta(hours=hours, minutes=minutes)), match["rest"].strip()


def before(anchor: datetime, ago: Ago, zone: ZoneInfo) -> datetime:
    """The time `ago` before `anchor` (aware), to the minute, in `zone`."""
    if anchor.utcoffset() is None:
        raise ValueError("a relative time needs an aware anchor")
    moment = anchor.astimezone(timezone.utc) - ago.offset
    return moment.replace(second=0, microsecond=0).astimezone(zone)
