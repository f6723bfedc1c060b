"""A text capture's posts: one post's lines -> a draft; drafts -> the records. Pure.

Shared by both text layouts (ingest/text/parse.py, ingest/text/newsblog.py):
the cut-off rule for the last post, the one id rule, and the records.

A post's lines after its timestamp: the headline (the first non-blank line),
an optional byline (`lines.read_byline`), then the body (`blocks.build_blocks`).
A post may have no headline (see ingest/text/headline.py): its first line is
a byline (`headline.lead_byline`) or body text (`headline.reads_as_body`);
its headline is then its body's first sentence, `headline_derived=True`, and
that sentence stays in the body.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from generator.core.errors import SiteError
from generator.core.slugs import slug, unique
from generator.ingest.record import Block, CapturedPost, CaptureWarning
from generator.ingest.text.blocks import build_blocks, ends_mid_sentence
from generator.ingest.headline import derive_headline
from generator.ingest.text.headline import lead_byline, reads_as_body
from generator.ingest.text.lines import read_byline
from generator.ingest.text.stamps import Timed
from generator.ingest.topics import topic_matchers, topics_for


@dataclass(frozen=True, slots=True)
class Draft:
    line: int  # 1-based line of its timestamp (or update tag)
    timed: Timed
    title: str
    byline: str | None
    authors: tuple[str, ...]
    location: str | None
    blocks: tuple[Block, ...]
    last_line: int  # the last non-blank line of the post
    headline_derived: bool = False


@dataclass(frozen=True, slots=True)
class _Lead:
    """What stands before a post's body."""

    title: str | None
    byline: str | None = None
    authors: tuple[str, ...] = ()
    location: str | None = None


def read_post(lines: Sequence[str], start: int, text_from: int, end: int, timed: Timed) -> Draft:
    """lines[start] is the (first) timestamp line; lines[text_from:end] hold headline,
    byline and body."""
    filled = [i for i in range(text_from, end) if lines[i]]
    lead, body_from = _read_lead(lines, filled, end)
    blocks = build_blocks(lines[body_from:end])
    title, derived = lead.title or "", False
    if lead.title is None and blocks:
        title, derived = derive_headline(blocks), True
    return Draft(
        line=start + 1, timed=timed, title=title, byline=lead.byline, authors=lead.authors,
        location=lead.location, blocks=blocks, last_line=(filled[-1] if filled else start) + 1,
        headline_derived=derived,
    )


def _read_lead(lines: Sequence[str], filled: Sequence[int], end: int) -> tuple[_Lead, int]:
    """The headline and byline, and the index where the body starts."""
    if not filled:
        return _Lead(None), end
    first = lines[filled[0]]
    if (byline_first := lead_byline(first)) is not None:
        return _Lead(None, first, *byline_first), filled[0] + 1
    if reads_as_body(first):
        return _Lead(None), filled[0]
    if len(filled) > 1 and (read := read_byline(lines[filled[1]])) is not None:
        return _Lead(first, lines[filled[1]], *read), filled[1] + 1
    return _Lead(first), filled[0] + 1


def cut_off_reason(post: Draft) -> str | None:
    """Why the last post looks cut off by the end of the capture, if it does."""
    if not post.title:
        return "last post has no headline: the capture looks cut off"
    if not post.blocks:
        return "last post has a headline but no text: the capture looks cut off"
    if ends_mid_sentence(post.blocks):
        return f"last post looks cut off: the capture ends mid-sentence at line {post.last_line}"
    return None


def is_empty(post: Draft) -> bool:
    """A timestamp with neither headline nor text after it: straight followed by another
    timestamp, or by the end of a cut-off capture."""
    return not post.title and not post.blocks


def without_empty(posts: Sequence[Draft], *, source: str) -> tuple[list[Draft], list[CaptureWarning]]:
    """The posts but the empty ones, which are left out with a warning at their line (a
    post file needs a headline; the raw capture keeps the lines). None left: SiteError."""
    kept = [post for post in posts if not is_empty(post)]
    if not kept:
        raise SiteError("no post has a headline or any text", path=source, line=posts[0].line,
                        hint="the capture holds only timestamp lines")
    warnings = [CaptureWarning(post.line, "timestamp with no headline and no text after it: "
                               "no post made of it") for post in posts if is_empty(post)]
    return kept, warnings


def post_ids(posts: Sequence[Draft]) -> list[str]:
    """Stable ids, ``{local date}-{HHMM}-{slug(headline)}`` (a derived time or headline
    too); a repeat of date, minute and headline gets -2, -3 … in capture order."""
    used: set[str] = set()
    tried: dict[str, int] = {}
    ids: list[str] = []
    for post in posts:
        when = post.timed.published
        ids.append(unique(f"{when.date().isoformat()}-{when.hour:02d}{when.minute:02d}-{slug(post.title)}",
                          used, tried))
    return ids


def records(posts: Sequence[Draft], *, series: str | None, cut_off: bool,
            topic_rules: Mapping[str, tuple[str, ...]]) -> tuple[CapturedPost, ...]:
    """The capture records of the drafts, in capture order; `cut_off`: the last one is."""
    matchers = topic_matchers(topic_rules)
    return tuple(
        CapturedPost(
            id=post_id, position=position, line=p.line, published=p.timed.published,
            zone_label=p.timed.zone_label, title=p.title, byline=p.byline, authors=p.authors,
            location=p.location, blocks=p.blocks,
            topics=topics_for(p.title, p.blocks, series, matchers),
            cut_off=cut_off and position == len(posts),
            time_derived=p.timed.derived, time_precision=p.timed.precision,
            headline_derived=p.headline_derived,
        )
        for position, (p, post_id) in enumerate(zip(posts, post_ids(posts), strict=True), start=1)
    )
