"""The header of a text capture: everything before its first post. Pure.

Rules (not the sample's exact lines):

* Site navigation (``Live TV``, ``Audio``, ``World``, ``Sign in``; see
  `lines.is_navigation`) and page chrome (``Sort byDropdown arrow``) are
  dropped wherever they stand, so navigation above the title is never taken
  for it.
* The first other line is the page's title (its headline). When that title is
  itself a date and a series (``March 5, 2024 - Super Tuesday results``, also
  with – or —, or no dash), it is also the dek: the date is the blog's, the
  rest its series.
* Then, in any order: the dek (``July 8, 2023 Russia-Ukraine news``), the
  author line (``By A, B and C, CNN``), the update time (``Updated 5:38 p.m.
  ET, July 8, 2023``, also ``Updated 9:02 PM ET, Tue March 5, 2024``) and the
  declared post count (``16 Posts``). Any other line is ignored with a
  warning.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from generator.ingest.record import CaptureWarning
from generator.ingest.text.lines import (
    Stamp,
    is_chrome,
    is_navigation,
    read_author_line,
    read_dek,
    read_post_count,
    read_updated,
    show,
)


@dataclass(frozen=True, slots=True)
class Header:
    title: str | None
    series: str | None
    date: date | None
    authors: tuple[str, ...]
    outlet: str | None
    updated: Stamp | None
    declared: int | None
    declared_line: int | None
    warnings: tuple[CaptureWarning, ...]


def read_header(
    lines: Sequence[str], *, source: str, zones: Mapping[str, ZoneInfo]
) -> Header:
    title: str | None = None
    dek: tuple[date, str | None] | None = None
    byline: tuple[tuple[str, ...], str | None] | None = None
    updated: Stamp | None = None
    declared: int | None = None
    declared_line: int | None = None
    warnings: list[CaptureWarning] = []
    for number, line in enumerate(lines, start=1):
        if not line or is_chrome(line) or is_navigation(line):
            continue
        if title is None:
            title = line
            dek = read_dek(line, number=number, source=source)
        elif dek is None and (found_dek := read_dek(line, number=number, source=source)):
            dek = found_dek
        elif byline is None and (found_by := read_author_line(line)):
            byline = found_by
        elif updated is None and (
            found_up := read_updated(line, number=number, source=source, zones=zones)
        ):
            updated = found_up
        elif declared is None and (found_count := read_post_count(line)) is not None:
            declared, declared_line = found_count, number
        else:
            warnings.append(CaptureWarning(number, f"ignored header line {show(line)}"))
    return Header(
        title=title,
        series=dek[1] if dek else None,
        date=dek[0] if dek else None,
        authors=byline[0] if byline else (),
        outlet=byline[1] if byline else None,
        updated=updated,
        declared=declared,
        declared_line=declared_line,
        warnings=tuple(warnings),
    )
