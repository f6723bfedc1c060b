"""Parse a plain-text capture of a live blog into records.

Pure: `decode_capture` turns bytes into text, `parse_capture` text into a
`ParsedCapture`; neither touches the disk. Problems in the input raise
`SiteError` naming the source and, where there is one, the line.

The format, as rules (not as the sample's exact lines):

* Header, everything before the first timestamp line: see
  ingest/text/header.py (title, dek, author line, Updated time, post count;
  navigation and chrome dropped).
* A timestamp line opens a post wherever it stands, even with no blank line
  before it: ``11:29 a.m. ET, July 8, 2023``, ``4:10 PM ET, Tue March 5,
  2024``, or a relative time (``12 min ago``, see ingest/text/stamps.py).
  Then the headline, an optional byline and the body (ingest/text/posts.py);
  a post may have no headline (ingest/text/headline.py).
* A page with no timestamp line but update tags (``[Update 10:05 p.m.]``) is
  the older single-article news blog layout: ingest/text/newsblog.py.
* Lines are cleaned: non-breaking spaces become spaces, the ends of a line
  lose their spaces, runs of spaces become one. No other character changes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from generator.core.errors import SiteError
from generator.core.slugs import slug
from generator.ingest.record import CapturedBlog, CaptureWarning, ParsedCapture
from generator.ingest.text.header import Header, read_header
from generator.ingest.text.lines import clean_line
from generator.ingest.text.newsblog import has_update_tags, parse_newsblog
from generator.ingest.text.posts import Draft, cut_off_reason, is_empty, read_post, records, without_empty
from generator.ingest.text.stamps import date_starts, find_starts, looks_like_post_stamp

_NEWLINES = re.compile(r"\r\n|\r|\n")
_NEWLINES_BYTES = re.compile(rb"\r\n|\r|\n")
_BINARY_SHARE = 0.1  # more control characters than this share of the text: binary


def decode_capture(data: bytes, *, source: str) -> str:
    """Bytes -> text: UTF-8 (a BOM is dropped), line ends normalised to ``\\n``.

    Empty (or blank), binary (NUL bytes, or mostly control characters) and
    non-UTF-8 data raise `SiteError`; non-UTF-8 names the line of the first
    bad byte.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SiteError("not a text capture: UTF-16 text", path=source,
                        hint="save the capture as UTF-8")
    if b"\x00" in data:
        raise SiteError("not a text capture: binary data (NUL bytes)", path=source)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = len(_NEWLINES_BYTES.split(data[: error.start]))
        raise SiteError(
            f"not UTF-8 text: byte 0x{data[error.start]:02x} cannot be decoded",
            path=source, line=line, hint="save the capture as UTF-8",
        ) from None
    text = _NEWLINES.sub("\n", text.removeprefix("\ufeff"))
    if not text.strip():
        raise SiteError("empty capture", path=source)
    controls = sum(1 for c in text if c not in "\n\t\f" and unicodedata.category(c) == "Cc")
    if controls > _BINARY_SHARE * len(text):
        raise SiteError("not a text capture: mostly control characters (binary?)", path=source)
    return text


def parse_capture(
    text: str,
    *,
    source: str,
    zones: Mapping[str, ZoneInfo],
    topic_rules: Mapping[str, tuple[str, ...]],
    anchor: datetime | None = None,
) -> ParsedCapture:
    """Text of a capture -> blog, posts (in capture order), warnings.

    `anchor` (aware): the moment the page was captured, when the caller knows
    it; relative post times ("45 min ago") count back from it, else from the
    header's Updated time (ingest/text/stamps.py).

    Warnings: unrecognised header lines; ``capture holds N of M declared
    posts``; each relative time and what it was read as; a cut-off last post.
    The last post counts as cut off when it has no headline, a headline but no
    body, or its last paragraph does not end with ``. ! ? ” " ’ ) :`` (the
    capture ends mid-sentence); it is kept.
    """
    lines = [clean_line(raw) for raw in _NEWLINES.split(text.removeprefix("\ufeff"))]
    first = next((i for i, line in enumerate(lines) if looks_like_post_stamp(line)), None)
    if first is None:
        if has_update_tags(lines):
            return parse_newsblog(lines, source=source, zones=zones, topic_rules=topic_rules)
        raise SiteError("not a live blog: no post timestamp found", path=source)
    header = read_header(lines[:first], source=source, zones=zones)
    starts = find_starts(lines, first, source=source, zones=zones)
    times, time_warnings = date_starts(starts, anchor=anchor, updated=header.updated,
                                       source=source, zones=zones)
    ends = [start.index for start in starts[1:]] + [len(lines)]
    posts = [read_post(lines, start.index, start.last + 1, end, timed)
             for start, end, timed in zip(starts, ends, times, strict=True)]
    cut_reason = cut_off_reason(posts[-1])
    cut_line, last_empty = posts[-1].line, is_empty(posts[-1])
    posts, empty = without_empty(posts, source=source)
    warnings = list(header.warnings)
    if header.title is None:
        warnings.append(CaptureWarning(1, "capture has no title line; using the first headline"))
    blog = _blog(header, posts)
    if header.declared is not None and len(posts) != header.declared:
        if len(posts) < header.declared:
            message = f"capture holds {len(posts)} of {header.declared} declared posts"
        else:
            message = f"capture holds {len(posts)} posts but declares {header.declared}"
        warnings.append(CaptureWarning(header.declared_line, message))
    warnings += time_warnings
    if cut_reason is not None:
        warnings.append(CaptureWarning(cut_line, cut_reason))
    warnings += empty
    partial = cut_reason is not None or (
        header.declared is not None and len(posts) < header.declared
    )
    found = records(posts, series=header.series, cut_off=cut_reason is not None and not last_empty,
                    topic_rules=topic_rules)
    return ParsedCapture(blog, found, tuple(warnings), partial)


def _blog(header: Header, posts: Sequence[Draft]) -> CapturedBlog:
    headline = header.title if header.title is not None else posts[0].title
    blog_date = header.date or min(p.timed.published for p in posts).date()
    return CapturedBlog(
        slug=f"{blog_date.isoformat()}-{slug(header.series or headline, fallback='live-blog')}",
        title=blog_name(header.series, header.date) or headline, series=header.series,
        date=blog_date, authors=header.authors, outlet=header.outlet,
        updated=header.updated.published if header.updated is not None else None,
        declared_posts=header.declared, headline=headline,
    )


def blog_name(series: str | None, day: date | None) -> str | None:
    """The name a reader knows a live blog by, "Russia-Ukraine news, July 8, 2023",
    when the page gives its series and date; the page's headline is often only
    its top post's."""
    if series is None or day is None:
        return None
    return f"{series}, {day:%B} {day.day}, {day.year}"
