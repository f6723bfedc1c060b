"""A saved HTML page of a live blog → the capture record (ingest/record.py). Pure.

Two sources, in this order of trust:

* **the outlet's markup**, read by an adapter (ingest/html/outlets/): posts
  with their own ids, times, headlines and whole bodies;
* **schema.org JSON-LD** (ingest/html/jsonld.py), a hint rather than the
  truth. Outlets fill it poorly: the Guardian's gives every update the
  blog's own headline and time and cuts `articleBody` to 1,000 characters of
  plain text. So when every update shares one time, the times are not the
  posts' own: they are marked unknown (`time_unknown`, posts ordered by
  position) instead of invented; when every update shares one headline (or
  the blog's), each post's headline is its first sentence
  (`headline_derived`); a body cut at a length several bodies share, or
  ending in an ellipsis, is marked `truncated`, unless the markup holds the
  post whole.

Parsing is lexbor's HTML5 parser (selectolax): a saved live blog is often
several megabytes, which it reads 20–40 times faster than BeautifulSoup.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from selectolax.lexbor import LexborHTMLParser

from generator.core.errors import SiteError
from generator.core.slugs import slug, unique
from generator.ingest.headline import derive_headline
from generator.ingest.html import jsonld
from generator.ingest.html.jsonld import LdBlog
from generator.ingest.html.outlets import ADAPTERS, MarkupPage
from generator.ingest.html.page import PageInfo, decode, page_info
from generator.ingest.record import (
    Block,
    CapturedBlog,
    CapturedPost,
    CaptureWarning,
    Paragraph,
    ParsedCapture,
)
from generator.ingest.topics import topic_matchers, topics_for

MAX_BYTES = 50 * 1024 * 1024  # per page (a WARC record too): larger is refused, not parsed
NO_LIVE_BLOG = "HTML page with no live blog found (no LiveBlogPosting data and no known live-blog markup)"
_ELLIPSIS = ("…", "...")
_CUT_MIN = 200  # a body shorter than this is whole, whatever the others' lengths
_CUT_SLACK = 3  # characters a cut body may have lost to white space stripped at its ends
_POST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")


@dataclass(frozen=True, slots=True)
class _Draft:
    """A post as the sources give it, before ids and topics."""

    source_id: str | None
    published: datetime | None
    title: str | None
    byline: str | None
    authors: tuple[str, ...]
    blocks: tuple[Block, ...]
    truncated: bool = False
    key_event: bool = False


def parse_html(data: bytes, *, source: str, zones: Mapping[str, ZoneInfo],
               topic_rules: Mapping[str, tuple[str, ...]], url: str | None = None,
               max_bytes: int = MAX_BYTES, site_zone: ZoneInfo | None = None) -> ParsedCapture:
    """A saved page → its live blog. `url`: where it was fetched from, when known
    (a web archive's record says); the page's canonical link wins. Every problem is
    a SiteError naming `source`. `site_zone`: the zone the site cuts days in; post ids
    take their date and HHMM from it, as permalinks do (core/urls.py), else from the
    offset the page gives."""
    if len(data) > max_bytes:
        raise SiteError(f"HTML page of {len(data):,} bytes is over the limit of {max_bytes:,}", path=source)
    try:
        return _parse(data, url, topic_rules, site_zone)
    except SiteError as error:
        if error.path is not None:
            raise
        raise SiteError(error.message, path=source, hint=error.hint) from None


def _parse(data: bytes, url: str | None, topic_rules: Mapping[str, tuple[str, ...]],
           site_zone: ZoneInfo | None) -> ParsedCapture:
    text = decode(data)
    tree = LexborHTMLParser(text)
    info = page_info(tree, text)
    base = info.url or url
    scripts = [node.text(deep=True) for node in tree.css('script[type="application/ld+json"]')]
    ld = jsonld.live_blog(scripts)
    markup = next((page for adapter in ADAPTERS if (page := adapter(tree, base)) is not None), None)
    if ld is None and markup is None:
        raise SiteError(NO_LIVE_BLOG)
    warnings: list[CaptureWarning] = []
    drafts = _from_markup(markup, ld) if markup is not None and markup.posts else _from_jsonld(ld, warnings)
    if not drafts:
        raise SiteError("HTML page with a live blog but no posts in it")
    return _capture(drafts, ld, markup, info, base, warnings, topic_rules, site_zone)


def _from_markup(markup: MarkupPage, ld: LdBlog | None) -> list[_Draft]:
    """The adapter's posts; a time or headline the markup lacks (CNN's are often filled
    in by scripts) comes from the JSON-LD update with the same id, when there is one
    and it is the post's own (not the blog's headline, not one time shared by all)."""
    by_id = {}
    if ld is not None:
        for update in ld.updates:
            for key in (update.id, update.url):
                if key:
                    by_id[key.rsplit("#", 1)[-1].rsplit("/", 1)[-1]] = update
    updates = ld.updates if ld is not None else ()
    own_times = len({u.published for u in updates}) > 1 or len(updates) == 1
    own_titles = len({u.headline for u in updates}) > 1 or len(updates) == 1
    drafts = []
    for post in markup.posts:
        match = by_id.get(post.source_id) if post.source_id else None
        published, title = post.published, post.title
        if published is None and match is not None and own_times:
            published = match.published
        if title is None and match is not None and own_titles and ld is not None \
                and match.headline != ld.headline:
            title = match.headline
        drafts.append(_Draft(post.source_id, published, title, post.byline, post.authors, post.blocks,
                             key_event=post.key_event))
    return drafts


def _from_jsonld(ld: LdBlog | None, warnings: list[CaptureWarning]) -> list[_Draft]:
    if ld is None:
        return []
    updates = ld.updates
    many = len(updates) > 1
    shared_time = many and len({u.published for u in updates}) == 1
    shared_title = many and (len({u.headline for u in updates}) == 1
                             or all(u.headline == ld.headline for u in updates))
    cut = _cut_length([len(u.body) for u in updates if u.body])
    if shared_time:
        warnings.append(CaptureWarning(None, "every update in the JSON-LD has the same time: "
                                             "times marked unknown, posts kept in page order"))
    if shared_title:
        warnings.append(CaptureWarning(None, "every update in the JSON-LD has the same headline: "
                                             "headlines taken from each post's first sentence"))
    drafts = []
    for update in updates:
        body = update.body or ""
        blocks = tuple(Paragraph(" ".join(p.split())) for p in re.split(r"\n\s*\n|\n", body) if p.strip())
        truncated = bool(body) and ((cut is not None and len(body) >= cut - _CUT_SLACK)
                                    or body.rstrip().endswith(_ELLIPSIS))
        drafts.append(_Draft(_fragment(update.id or update.url), None if shared_time else update.published,
                             None if shared_title else update.headline, None, update.authors, blocks,
                             truncated))
    return drafts


def _cut_length(lengths: list[int]) -> int | None:
    """The length at which the JSON-LD cut bodies short: the longest, when at least two
    bodies reach it (give or take the white space stripped) and it is not short."""
    if not lengths or max(lengths) < _CUT_MIN:
        return None
    longest = max(lengths)
    return longest if sum(1 for n in lengths if n >= longest - _CUT_SLACK) > 1 else None


def _fragment(url: str | None) -> str | None:
    """The post id an update's address ends with (`…#block-abc`, `…/h_abc`), if it
    looks like an id."""
    if not url:
        return None
    tail = url.rsplit("#", 1)[-1] if "#" in url else url.rstrip("/").rsplit("/", 1)[-1]
    return tail if _POST_ID.fullmatch(tail) else None


def _capture(drafts: Sequence[_Draft], ld: LdBlog | None, markup: MarkupPage | None, info: PageInfo,
             base: str | None, warnings: list[CaptureWarning],
             topic_rules: Mapping[str, tuple[str, ...]], site_zone: ZoneInfo | None) -> ParsedCapture:
    known = [d.published for d in drafts if d.published is not None]
    fallback = (ld.start or ld.modified if ld is not None else None) or jsonld.moment(info.published) \
        or (min(known) if known else None) or jsonld.moment(info.modified)
    if fallback is None:
        raise SiteError("HTML live blog with no time on any post or on the page")
    headline = (ld.headline if ld else None) or (markup.title if markup else None) or info.title or "Live blog"
    day = (ld.start if ld and ld.start else min(known) if known else fallback).date()
    outlet = (ld.publisher if ld else None) or (markup.outlet if markup else None) or info.site_name
    updated = (ld.modified or ld.end if ld else None) or (max(known) if known else None)
    blog = CapturedBlog(
        slug=f"{day.isoformat()}-{slug(headline, fallback='live-blog')}", title=headline, series=None,
        date=day, authors=ld.authors if ld else (), outlet=outlet, updated=updated, declared_posts=None,
        headline=headline, url=info.url or (ld.url if ld else None) or base,
    )
    partial = markup is not None and (markup.pages or 1) > 1
    if partial and markup is not None:
        warnings.append(CaptureWarning(None, f"page {markup.page or '?'} of {markup.pages} of the live blog: "
                                             "the capture holds only this page's posts"))
    posts = _posts(drafts, fallback, blog.series, topic_rules, site_zone)
    return ParsedCapture(blog, posts, tuple(warnings), partial or any(p.truncated for p in posts),
                         format="html", source_url=blog.url)


def _posts(drafts: Sequence[_Draft], fallback: datetime, series: str | None,
           topic_rules: Mapping[str, tuple[str, ...]], site_zone: ZoneInfo | None) -> tuple[CapturedPost, ...]:
    matchers = topic_matchers(topic_rules)
    used: set[str] = set()
    tried: dict[str, int] = {}
    posts = []
    for position, draft in enumerate(drafts, start=1):
        published = draft.published or fallback
        title = draft.title or derive_headline(draft.blocks)
        local = published.astimezone(site_zone) if site_zone is not None else published
        post_id = unique(f"{local.date().isoformat()}-{local.hour:02d}{local.minute:02d}-"
                         f"{slug(title)}", used, tried)
        posts.append(CapturedPost(
            id=post_id, position=position, line=0, published=published,
            zone_label=published.tzname() or "", title=title, byline=draft.byline,
            authors=draft.authors, location=None, blocks=draft.blocks,
            topics=topics_for(title, draft.blocks, series, matchers), cut_off=False,
            source_id=draft.source_id, time_unknown=draft.published is None,
            headline_derived=draft.title is None, truncated=draft.truncated, key_event=draft.key_event,
        ))
    return tuple(posts)
