"""CNN's live stories (cnn.com/…/live-news/…) → posts. Pure.

CNN's front end is not public; this follows the markup that public scrapers of
saved CNN live pages read (GitHub code search, 2024–2026), and the issue's description:

* since 2023: `<article class="live-story-post liveStoryPost"
  data-component-name="live-story-post" data-post-id="h_<hex>" data-last-updated=…>`
  in `div.live-story__items-container`; `header.live-story-post__header` holds
  `h2.live-story-post__headline`, `span.live-story-post__byline` ("From CNN's A
  and B") and `.live-story-post__timestamp`; the body is
  `section.live-story-post__body > div.live-story-post__content`; a
  `.social-share_compact__share-links` block has a copy-link button whose
  `data-url` ends in the post's id. The server's page often leaves headline and
  time empty for scripts to fill; the importer then takes the time from the
  JSON-LD update with the same id (`…#h_<hex>`).
* 2020–2023: `div#posts-and-button > article#h_<hex>`, its `<header>` a clock-and-date
  `<span>` ("12:09 a.m. ET, October 30, 2023"), an `<h2>` and a byline `<p>`,
  the body a `div` whose class holds `content-rendered`.

`data-last-updated` is the post's last edit, not its publication, so it is not
used as the time. Images are CNN's `div.image` components, which body.py reads
as figures (caption `.image__caption`, credit `.image__credit`).
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from selectolax.lexbor import LexborHTMLParser, LexborNode

from generator.core.dates import plausible
from generator.ingest.html.body import blocks, text_of
from generator.ingest.html.outlets.markup import MarkupPage, MarkupPost, drop, machine_time, on_host
from generator.ingest.text.lines import read_byline

OUTLET = "CNN"
_HOSTS = ("cnn.com",)
_POSTS = ('article.live-story-post, article.liveStoryPost, article[data-component-name="live-story-post"], '
          '#posts-and-button article[id^="h_"]')
_HEADLINE = ".live-story-post__headline, header h2"
_BYLINE = ".live-story-post__byline, header p"
_STAMP = ".live-story-post__timestamp, header span"
_BODY = '.live-story-post__content, [class*="content-rendered"]'
_CHROME = ('[class*="social-share"], .live-story-post__header, header, button, '
           '[class*="ad-slot"], [data-ad-type]')
_CLOCK = re.compile(r"(?P<hour>\d{1,2}):(?P<minute>\d{2})\s*(?P<half>[ap])\.?\s*m\.?\s+(?P<zone>[A-Z]{2,4}),?\s+"
                    r"(?P<month>[A-Za-z]{3})[a-z]*\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# The zone labels CNN prints after a clock time.
_ZONES = {"ET": "America/New_York", "EST": "America/New_York", "EDT": "America/New_York",
          "CT": "America/Chicago", "MT": "America/Denver", "PT": "America/Los_Angeles",
          "GMT": "Etc/GMT", "BST": "Europe/London", "HKT": "Asia/Hong_Kong"}


def adapter(tree: LexborHTMLParser, url: str | None) -> MarkupPage | None:
    """The page's live story when it is CNN's, else None."""
    if not on_host(url, _HOSTS):
        return None
    nodes = tree.css(_POSTS)
    if not nodes:
        return None
    posts = [_post(node, url) for node in nodes]
    real = {post.source_id for node, post in zip(nodes, posts, strict=True) if not _pinned(node)}
    seen: set[str | None] = set()
    kept = []
    for node, post in zip(nodes, posts, strict=True):
        if post.source_id is not None and (post.source_id in seen or (_pinned(node) and post.source_id in real)):
            continue  # the pinned copy of a post shown again in the stream, or a repeat
        seen.add(post.source_id)
        kept.append(post)
    title = tree.css_first("h1.headline_live-story__text, h1")
    return MarkupPage(OUTLET, tuple(kept), title=(text_of(title) or None) if title is not None else None)


def _post(node: LexborNode, base: str | None) -> MarkupPost:
    source_id = _post_id(node)
    headline = node.css_first(_HEADLINE)
    title = text_of(headline) if headline is not None else ""
    byline_node = node.css_first(_BYLINE)
    byline = text_of(byline_node) if byline_node is not None else ""
    read = read_byline(byline) if byline else None
    authors = tuple(name for name in read[0] if name != OUTLET) if read else ()
    stamp = node.css_first(_STAMP)
    published = machine_time(node.css_first("header") or node) or (_clock(text_of(stamp)) if stamp else None)
    body = node.css_first(_BODY) or node
    drop(body, _CHROME)
    return MarkupPost(source_id, published, title or None, byline or None, authors, blocks(body, base))


def _pinned(node: LexborNode) -> bool:
    return any("pinned" in name for name in (node.attributes.get("class") or "").split())


def _post_id(node: LexborNode) -> str | None:
    """`data-post-id`, else the element's id, else the tail of its copy-link address."""
    for key in ("data-post-id", "id"):
        value = (node.attributes.get(key) or "").strip()
        if value:
            return value
    share = node.css_first("[data-url]")
    link = (share.attributes.get("data-url") or "") if share is not None else ""
    tail = link.rpartition("#")[2] if "#" in link else link.rstrip("/").rpartition("/")[2]
    return tail if tail.startswith("h_") else None


def _clock(text: str) -> datetime | None:
    """ "12:09 a.m. ET, October 30, 2023" → that time in its zone; None for anything else."""
    match = _CLOCK.search(text)
    if match is None or match["zone"] not in _ZONES or match["month"].lower() not in _MONTHS:
        return None
    hour = int(match["hour"]) % 12 + (12 if match["half"] == "p" else 0)
    try:
        found = datetime(int(match["year"]), _MONTHS.index(match["month"].lower()) + 1, int(match["day"]),
                         hour, int(match["minute"]), tzinfo=ZoneInfo(_ZONES[match["zone"]]))
    except ValueError:
        return None
    return found if plausible(found) else None
