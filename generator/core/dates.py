"""The years a capture's times may fall in: the one bound every importer and the content reader use.

A live blog is a thing of the web: no capture can show a post before 1990,
and a year past 2100 is a typo or a hostile file. Outside that range the
standard library misbehaves in ways that reach readers: zoneinfo gives a
year before 1883 a local mean time offset (``-04:56:02``) that YAML cannot
read back, and a time near year 1 or 9999 overflows when it is moved to
another zone. So a time outside the range is refused where it is read, with
the file and line, instead of being written into content/.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

from generator.core.errors import SiteError

EARLIEST_YEAR = 1990
LATEST_YEAR = 2100
RANGE = f"{EARLIEST_YEAR}–{LATEST_YEAR}"


def plausible(moment: date) -> bool:
    """Whether a date, or an aware time (in its own zone and in UTC), lies in the range;
    a time's UTC offset must be whole minutes too (as every zone's is since 1972, and as
    ISO 8601 writes it: ``-04:56:02`` is not a time YAML or a browser reads)."""
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        return False
    if isinstance(moment, datetime) and (offset := moment.utcoffset()) is not None:
        whole_minutes = offset.seconds % 60 == 0 and offset.microseconds == 0
        return whole_minutes and EARLIEST_YEAR <= moment.astimezone(timezone.utc).year <= LATEST_YEAR
    return True


def check_year(year: int, *, what: str, path: str | Path | None, line: int | None) -> None:
    """A year outside the range raises the SiteError naming `what` (e.g. "bad timestamp 'x'")."""
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise SiteError(f"{what}: the year {year} is outside {RANGE}", path=path, line=line,
                        hint="a live blog's times lie between those years")


def check_plausible(moment: date, *, what: str, path: str | Path | None, line: int | None) -> None:
    """`check_year` for a date or an aware time (its UTC year too)."""
    if plausible(moment):
        return
    offset = moment.utcoffset() if isinstance(moment, datetime) else None
    if offset is not None and (offset.seconds % 60 or offset.microseconds):
        raise SiteError(f"{what}: a UTC offset of {moment:%z} is not whole minutes", path=path, line=line,
                        hint="write the offset like -04:00")
    year = moment.year
    if EARLIEST_YEAR <= year <= LATEST_YEAR and isinstance(moment, datetime):
        year = moment.astimezone(timezone.utc).year  # in range locally, not in UTC
    check_year(year, what=what, path=path, line=line)
