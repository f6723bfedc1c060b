"""Line recognisers for the plain-text capture format (private to the text importer, ingest/text/parse.py).

Each function looks at one cleaned line (see `clean_line`) and either returns
what the line means or ``None`` when the line is something else. A line that
clearly *is* a timestamp or a dek but holds an impossible value raises
`SiteError` with its line number: silently misdating a post is worse than
stopping.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from generator.core.dates import check_year
from generator.core.errors import SiteError
from generator.ingest.text.relative import read_ago

MONTHS: Mapping[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}

WEEKDAYS: Mapping[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("monday", "mon"), ("tuesday", "tue", "tues"), ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"), ("friday", "fri"), ("saturday", "sat"),
            ("sunday", "sun"),
        )
    )
    for name in names
}

# "11:29 a.m. ET, July 8, 2023" (also am/pm, AM/PM, "a.m", no space before am;
# no comma after the zone: "4:10 PM ET March 5, 2024"). The zone label is upper
# case (ET, BST, GMT+1) so that a sentence such as "9:30 a.m. Saturday, July 8,
# 2023" is never taken for a timestamp.
_TIME = (
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})\s*(?P<ampm>[aApP])\.?\s?[mM]\.?"
    r"\s+(?P<zone>[A-Z][A-Z0-9+\-]{0,7})(?:\s*,\s*|\s+)"
)
# An optional weekday before the date: "Tue March 5, 2024", "Tue, March 5, 2024".
WEEKDAY = (r"(?:(?P<weekday>(?i:" + "|".join(sorted(WEEKDAYS, key=len, reverse=True))
           + r"))\.?(?:\s*,\s*|\s+))?")
# "July 8, 2023", "Jul. 8, 2023", "March 5th, 2012" (an ordinal, as the older pages print it).
DATE = r"(?P<month>[A-Za-z]+)\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,\s*(?P<year>\d{4})"
_STAMP = re.compile(_TIME + WEEKDAY + DATE)
# "July 8, 2023 Russia-Ukraine news"; a title line "March 5, 2024 - Super Tuesday
# results" (also – and —) is the same dek with a dash between date and series.
_DEK = re.compile(DATE + r"(?:(?:\s*[-–—]\s*|\s+)(?P<series>[^\s\-–—].*))?")
_UPDATED = re.compile(r"Updated:?\s+(?P<rest>.+)", re.IGNORECASE)
_POST_COUNT = re.compile(r"(?P<count>\d[\d,]*)\s+Posts?", re.IGNORECASE)
_AUTHOR_LINE = re.compile(r"By\s+(?P<names>\S.*)")
_BYLINE = re.compile(
    r"(?:From|By)\s+(?:(?P<outlet>[^\s'’]+(?:\s[^\s'’]+){0,2})['’]s\s+)?(?P<rest>\S.*)"
)
_NAME_SEP = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*")
_PLACE_SEP = re.compile(r"\s+in\s+")
_SPACE_RUN = re.compile(" {2,}")
_SENTENCE_END = tuple('.!?:;"”')
_BYLINE_MAX_WORDS = 25
# Page furniture that a saved page carries in its header; dropped silently.
_CHROME = frozenset(
    {
        "sort by", "dropdown arrow", "sort bydropdown arrow", "newest first", "oldest first",
        "live updates", "see all updates", "link copied!", "ad feedback", "copy link",
        "share", "facebook", "twitter", "email",
    }
)
# Site navigation a saved page carries above the title (CNN's menu bar, its
# section names, its editions): one or two words each, dropped silently.
_NAVIGATION = frozenset(
    {
        "live tv", "audio", "watch", "listen", "video", "videos", "menu", "search", "edition",
        "editions", "us edition", "international edition", "sign in", "sign out", "log in",
        "log out", "my account", "subscribe", "home", "more", "cnn", "world", "us", "u.s.",
        "politics", "business", "markets", "tech", "health", "entertainment", "style", "travel",
        "sports", "science", "climate", "weather", "opinion", "features", "games", "underscored",
        "africa", "americas", "asia", "australia", "china", "europe", "india", "middle east",
        "uk", "united kingdom", "justice", "crime", "election", "elections", "2024 elections",
    }
)
_NAVIGATION_MAX_WORDS = 2


@dataclass(frozen=True, slots=True)
class Stamp:
    """A parsed timestamp line."""

    published: datetime
    zone_label: str


def clean_line(raw: str) -> str:
    """Non-breaking spaces (U+00A0, U+202F) become spaces; the ends of the line lose
    their white space; runs of spaces become one space. Nothing else changes."""
    line = raw.replace("\u00a0", " ").replace("\u202f", " ").strip()
    return _SPACE_RUN.sub(" ", line)


def show(text: str, limit: int = 60) -> str:
    """Quote a piece of input for a one-line message (control characters escaped)."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    shown = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" if ord(c) < 256
                    else f"\\u{ord(c):04x}" for c in text)
    return f"'{shown}'"


def looks_like_stamp(line: str) -> bool:
    return _STAMP.fullmatch(line) is not None


def read_stamp(
    line: str, *, number: int, source: str, zones: Mapping[str, ZoneInfo]
) -> Stamp | None:
    """``11:29 a.m. ET, July 8, 2023`` -> Stamp, or None for any other line.

    The time is local to the zone that ``zones`` maps the label to; the offset
    is the one zoneinfo gives for that date. A local time that does not exist
    or happens twice (DST changes) is read with ``fold=0``: the offset in
    force before the change.
    """
    match = _STAMP.fullmatch(line)
    if match is None:
        return None
    hour, minute = int(match["hour"]), int(match["minute"])
    if not 1 <= hour <= 12 or minute > 59:
        raise SiteError(f"bad timestamp {show(line)}: no such time of day", path=source, line=number)
    day = read_date(match, line=line, number=number, source=source, what="bad timestamp")
    label = match["zone"]
    zone = zone_for(label, number=number, source=source, zones=zones)
    hour24 = hour % 12 + (12 if match["ampm"] in "pP" else 0)
    published = datetime(day.year, day.month, day.day, hour24, minute, tzinfo=zone)
    return Stamp(published, label)


def zone_for(label: str, *, number: int | None, source: str, zones: Mapping[str, ZoneInfo]) -> ZoneInfo:
    """The zone site.toml maps a label to, or the SiteError that asks for the mapping."""
    zone = zones.get(label)
    if zone is None:
        raise SiteError(
            f"unknown time zone label '{label}'", path=source, line=number,
            hint=f'add it to [zones] in site.toml, e.g. {label} = "America/New_York"',
        )
    return zone


def read_date(match: re.Match[str], *, line: str, number: int, source: str, what: str) -> date:
    """The date of a `DATE` (and optional `WEEKDAY`) match; an impossible date, or a
    weekday that is not the date's, raises `SiteError` naming the line."""
    month = MONTHS.get(match["month"].lower())
    if month is None:
        raise SiteError(f"{what} {show(line)}: unknown month", path=source, line=number)
    year = int(match["year"])
    check_year(year, what=f"{what} {show(line)}", path=source, line=number)
    try:
        day = date(year, month, int(match["day"]))
    except ValueError:
        raise SiteError(f"{what} {show(line)}: no such date", path=source, line=number) from None
    weekday = match.groupdict().get("weekday")
    if weekday is not None and WEEKDAYS[weekday.lower()] != day.weekday():
        raise SiteError(f"{what} {show(line)}: {day:%B} {day.day}, {day.year} is a {day:%A}",
                        path=source, line=number)
    return day


def read_dek(line: str, *, number: int, source: str) -> tuple[date, str | None] | None:
    """``July 8, 2023 Russia-Ukraine news`` -> (date, series); the series may be absent."""
    match = _DEK.fullmatch(line)
    if match is None or match["month"].lower() not in MONTHS:
        return None
    day = read_date(match, line=line, number=number, source=source, what="bad date in the dek")
    return day, match["series"]


def read_updated(
    line: str, *, number: int, source: str, zones: Mapping[str, ZoneInfo]
) -> Stamp | None:
    """``Updated 5:38 p.m. ET, July 8, 2023`` (also ``Updated 9:02 PM ET, Tue March 5,
    2024``, ``Updated 12 min ago9:02 PM ET, …``: the absolute part) -> its time and
    zone label; None if it is not such a line (``Updated 12 min ago`` alone is not)."""
    match = _UPDATED.fullmatch(line)
    if match is None:
        return None
    rest = match["rest"]
    if (ago := read_ago(rest)) is not None and ago[1]:
        rest = ago[1]
    return read_stamp(rest, number=number, source=source, zones=zones)


def read_post_count(line: str) -> int | None:
    """``16 Posts`` / ``1 Post`` -> the declared number of posts."""
    match = _POST_COUNT.fullmatch(line)
    return None if match is None else int(match["count"].replace(",", ""))


def is_chrome(line: str) -> bool:
    folded = line.casefold()
    return folded in _CHROME or folded.startswith("sort by")


def is_navigation(line: str) -> bool:
    """A site navigation label (``Live TV``, ``World``, ``Sign in``): a line of one or
    two words that is a known label, or two words that are each one (``World
    Politics``, a menu run together). Never a title: a title says more."""
    words = line.casefold().split()
    if not words or len(words) > _NAVIGATION_MAX_WORDS:
        return False
    return " ".join(words) in _NAVIGATION or all(word in _NAVIGATION for word in words)


def split_names(text: str) -> tuple[str, ...]:
    """``A, B, C and D`` (also ``A, B, and C``, ``A & B``) -> names in order, without repeats."""
    names: list[str] = []
    for part in _NAME_SEP.split(text):
        name = part.strip(" ,")
        if name.startswith("and "):
            name = name[4:].strip()
        if name and name not in names:
            names.append(name)
    return tuple(names)


def read_author_line(line: str) -> tuple[tuple[str, ...], str | None] | None:
    """``By A, B, C and D, CNN`` -> (names, outlet).

    The part after the last comma is the outlet when it does not itself hold
    ``and``: CNN writes ``By A and B, CNN`` and ``By A, B and C, CNN``. So
    ``By A, B`` reads B as the outlet; ``By A, B and C`` has no outlet.
    """
    match = _AUTHOR_LINE.fullmatch(line)
    if match is None:
        return None
    names_text, outlet = match["names"], None
    head, sep, last = names_text.rpartition(",")
    last = last.strip()
    if sep and head.strip() and last and " and " not in f" {last} " and "&" not in last:
        names_text, outlet = head, last
    return split_names(names_text), outlet


def read_byline(line: str) -> tuple[tuple[str, ...], str | None] | None:
    """A post byline -> (authors, location), or None if the line is not a byline.

    A byline starts with ``From`` or ``By``, has at most 25 words and does not
    end like a sentence (``. ! ? : ;`` or a closing quote), so a first paragraph
    such as "From Monday, schools will close." stays a paragraph. An outlet in
    the possessive (``From CNN's`` / ``From CNN’s``) is dropped from the names.

    Location: the byline is read as groups ``names in place`` joined by ``and``
    or commas. The location is the place of the *first* group, the lead
    reporter's dateline: "Maria Kostenko in Kyiv and Teele Rebane in Hong Kong"
    gives authors (Maria Kostenko, Teele Rebane) and location "Kyiv". A place
    ends at the first comma or ``and`` after ``in`` when more names follow.
    """
    match = _BYLINE.fullmatch(line)
    if match is None or line.endswith(_SENTENCE_END) or len(line.split()) > _BYLINE_MAX_WORDS:
        return None
    parts = _PLACE_SEP.split(match["rest"])
    authors = list(split_names(parts[0]))
    places: list[str] = []
    for middle in parts[1:-1]:
        sep = _NAME_SEP.search(middle)
        if sep is None:
            places.append(middle)
            continue
        places.append(middle[: sep.start()])
        authors += [name for name in split_names(middle[sep.end():]) if name not in authors]
    if len(parts) > 1:
        places.append(parts[-1])
    location = next((place.strip(" ,") for place in places if place.strip(" ,")), None)
    return tuple(authors), location
