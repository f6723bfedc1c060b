"""Parse a plain-text capture of a live blog (the sample's format) into records.

Pure: `decode_capture` turns bytes into text, `parse_capture` text into a
`ParsedCapture`; neither touches the disk. Problems in the input raise
`SiteError` naming the source and, where there is one, the line.

The format, as rules (not as the sample's exact lines):

* Header, everything before the first timestamp line: the first non-blank
  line is the blog's title; then, in any order, the dek (``July 8, 2023
  Russia-Ukraine news``), the author line (``By A, B and C, CNN``), the
  update time (``Updated 5:38 p.m. ET, July 8, 2023``) and the declared post
  count (``16 Posts``). Page chrome (``Sort byDropdown arrow``) is dropped;
  any other header line is ignored with a warning.
* A timestamp line (``11:29 a.m. ET, July 8, 2023``) opens a post wherever it
  stands, even with no blank line before it. Then the headline (the first
  non-blank line), an optional byline (see `_capture_lines.read_byline`) and
  the body (see `_capture_blocks.build_blocks`).
* Lines are cleaned: non-breaking spaces become spaces, the ends of a line
  lose their spaces, runs of spaces become one. No other character changes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from generator.ingest.text.blocks import build_blocks, ends_mid_sentence
from generator.ingest.text.lines import (
    clean_line,
    is_chrome,
    looks_like_stamp,
    read_author_line,
    read_byline,
    read_dek,
    read_post_count,
    read_stamp,
    read_updated,
    show,
)
from generator.core.errors import SiteError
from generator.core.slugs import slug, unique
from generator.ingest.record import (
    Block,
    CapturedBlog,
    CapturedPost,
    CaptureWarning,
    ParsedCapture,
)
from generator.ingest.topics import topic_matchers, topics_for

@dataclass(frozen=True, slots=True)
class _Header:
    title: str | None
    series: str | None
    date: date | None
    authors: tuple[str, ...]
    outlet: str | None
    updated: datetime | None
    declared: int | None
    declared_line: int | None
    warnings: tuple[CaptureWarning, ...]


@dataclass(frozen=True, slots=True)
class _Post:
    line: int
    published: datetime
    zone_label: str
    title: str
    byline: str | None
    authors: tuple[str, ...]
    location: str | None
    blocks: tuple[Block, ...]
    last_line: int  # the last non-blank line of the post


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
) -> ParsedCapture:
    """Text of a capture -> blog, posts (in capture order), warnings.

    Warnings: unrecognised header lines; ``capture holds N of M declared
    posts``; a cut-off last post. The last post counts as cut off when it has
    no headline, a headline but no body, or its last paragraph does not end
    with ``. ! ? ” " ’ ) :`` (the capture ends mid-sentence); it is kept.
    """
    lines = [clean_line(raw) for raw in _NEWLINES.split(text.removeprefix("\ufeff"))]
    first = next((i for i, line in enumerate(lines) if looks_like_stamp(line)), None)
    if first is None:
        raise SiteError("not a live blog: no post timestamp found", path=source)
    header = _read_header(lines[:first], source=source, zones=zones)
    posts = _read_posts(lines, first, source=source, zones=zones)
    warnings = list(header.warnings)
    headline = header.title
    if headline is None:
        headline = posts[0].title
        warnings.append(CaptureWarning(1, "capture has no title line; using the first headline"))
    blog_date = header.date or min(p.published for p in posts).date()
    blog = CapturedBlog(
        slug=f"{blog_date.isoformat()}-{slug(header.series or headline, fallback='live-blog')}",
        title=blog_name(header.series, header.date) or headline, series=header.series,
        date=blog_date, authors=header.authors, outlet=header.outlet, updated=header.updated,
        declared_posts=header.declared, headline=headline,
    )
    if header.declared is not None and len(posts) != header.declared:
        if len(posts) < header.declared:
            message = f"capture holds {len(posts)} of {header.declared} declared posts"
        else:
            message = f"capture holds {len(posts)} posts but declares {header.declared}"
        warnings.append(CaptureWarning(header.declared_line, message))
    cut_reason = _cut_off_reason(posts[-1])
    if cut_reason is not None:
        warnings.append(CaptureWarning(posts[-1].line, cut_reason))
    matchers = topic_matchers(topic_rules)
    ids = _post_ids(posts)
    records = tuple(
        CapturedPost(
            id=post_id, position=position, line=p.line, published=p.published,
            zone_label=p.zone_label, title=p.title, byline=p.byline, authors=p.authors,
            location=p.location, blocks=p.blocks,
            topics=topics_for(p.title, p.blocks, header.series, matchers),
            cut_off=cut_reason is not None and position == len(posts),
        )
        for position, (p, post_id) in enumerate(zip(posts, ids, strict=True), start=1)
    )
    partial = cut_reason is not None or (
        header.declared is not None and len(posts) < header.declared
    )
    return ParsedCapture(blog, records, tuple(warnings), partial)


def blog_name(series: str | None, day: date | None) -> str | None:
    """The name a reader knows a live blog by, "Russia-Ukraine news, July 8, 2023",
    when the page gives its series and date; the page's headline is often only
    its top post's."""
    if series is None or day is None:
        return None
    return f"{series}, {day:%B} {day.day}, {day.year}"


def _read_header(
    lines: Sequence[str], *, source: str, zones: Mapping[str, ZoneInfo]
) -> _Header:
    title: str | None = None
    dek: tuple[date, str | None] | None = None
    byline: tuple[tuple[str, ...], str | None] | None = None
    updated: datetime | None = None
    declared: int | None = None
    declared_line: int | None = None
    warnings: list[CaptureWarning] = []
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        if title is None:
            title = line
        elif is_chrome(line):
            pass
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
    return _Header(
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


def _read_posts(
    lines: Sequence[str], first: int, *, source: str, zones: Mapping[str, ZoneInfo]
) -> list[_Post]:
    """Cut the lines at every timestamp line (from index ``first`` on) and read each post."""
    starts: list[tuple[int, datetime, str]] = []
    for index in range(first, len(lines)):
        stamp = read_stamp(lines[index], number=index + 1, source=source, zones=zones)
        if stamp is not None:
            starts.append((index, stamp.published, stamp.zone_label))
    ends = [index for index, _, _ in starts[1:]] + [len(lines)]
    return [
        _read_post(lines, start, end, published, label)
        for (start, published, label), end in zip(starts, ends, strict=True)
    ]


def _read_post(
    lines: Sequence[str], start: int, end: int, published: datetime, label: str
) -> _Post:
    """lines[start] is the timestamp; lines[start+1:end] hold headline, byline, body."""
    filled = [i for i in range(start + 1, end) if lines[i]]
    title = lines[filled[0]] if filled else ""
    body_from = filled[0] + 1 if filled else end
    byline: str | None = None
    authors: tuple[str, ...] = ()
    location: str | None = None
    if len(filled) > 1 and (read := read_byline(lines[filled[1]])) is not None:
        byline, (authors, location) = lines[filled[1]], read
        body_from = filled[1] + 1
    return _Post(
        line=start + 1, published=published, zone_label=label, title=title,
        byline=byline, authors=authors, location=location,
        blocks=build_blocks(lines[body_from:end]),
        last_line=(filled[-1] if filled else start) + 1,
    )


def _cut_off_reason(post: _Post) -> str | None:
    if not post.title:
        return "last post has no headline: the capture looks cut off"
    if not post.blocks:
        return "last post has a headline but no text: the capture looks cut off"
    if ends_mid_sentence(post.blocks):
        return f"last post looks cut off: the capture ends mid-sentence at line {post.last_line}"
    return None


def _post_ids(posts: Sequence[_Post]) -> list[str]:
    """Stable ids; a repeat of date, minute and headline gets -2, -3 … in capture order."""
    used: set[str] = set()
    ids: list[str] = []
    for post in posts:
        when = post.published
        ids.append(unique(f"{when.date().isoformat()}-{when.hour:02d}{when.minute:02d}-{slug(post.title)}",
                          used))
    return ids
