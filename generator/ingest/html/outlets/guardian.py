"""The Guardian's live blogs (theguardian.com) → posts. Pure.

Written to the Guardian's open-source front end, github.com/guardian/dotcom-rendering
(read at f72cb8f, 2026-08; the site's renderer since 2021), under
dotcom-rendering/src/:

* components/LiveBlockContainer.tsx: a post is `<article id="block-{id}" class="block">`;
  its `<header>` holds FirstPublished, the `<h2>` title (only when the block has
  one: BlockTitle) and one BlockByline per contributor (a `<span>` with the name,
  an avatar `<img alt=name>`). A pinned copy gets no id ("Pinned posts are not
  the canonical source for a post, they're a copy").
* components/FirstPublished.tsx, DateTime.tsx, RelativeTime.island.tsx: the time is a
  link `?page=with:block-{id}#block-{id}` around `<time dateTime={toISOString()}>`.
* components/LiveBlock.tsx: after the body, a `<footer>` with ShareButton
  (`data-gu-name="share-button"`) and LastUpdated ("Updated at <time>").
* components/PinnedPost.tsx: the copy sits in `<div id="pinned-post"
  data-gu-marker="pinned-post" data-component="pinned-post">`.
* components/KeyEventsCarousel.island.tsx, KeyEventCard.tsx: `#key-events-carousel`
  links each key event or summary as `?page=with:block-{id}#block-{id}`; the block
  itself carries no mark, so a post is a key event when the carousel links it.
* components/Pagination.tsx: `<nav id="liveblog-navigation">` … `<strong>1</strong>
  &nbsp;of&nbsp;<strong>4</strong>`.
* components/ArticleBody.tsx `<div id="liveblog-body">`, layouts/LiveLayout.tsx
  `<main data-layout="LiveLayout">`, its `data-gu-name="headline"` grid item holds the `<h1>`.

Pages saved before 2021 come from guardian/frontend, article/app/views/liveblog/
(liveBlogBlock.scala.html: `<div id="block-{id}" class="block block--content
is-key-event|is-summary" itemprop="liveBlogUpdate">`, `p.published-time
time[datetime]`, `h2.block-title`, `div.block-elements`, `p.updated-time`;
pinnedBlock.scala.html: the copy in `.pinned-block` with the id `block-{id}-pinned`;
keyEvents.scala.html: links with `data-event-id`; fragments/liveBlogNavigation
.scala.html: "N of M" in `#liveblog-navigation`). Both are read.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from generator.ingest.html.body import blocks, text_of
from generator.ingest.html.outlets.markup import (
    MarkupPage,
    MarkupPost,
    classes,
    drop,
    drop_children,
    machine_time,
    on_host,
)

OUTLET = "The Guardian"
_HOSTS = ("theguardian.com", "guardian.co.uk")
_LIVE = ('main[data-layout="LiveLayout"], #liveblog-body, .js-liveblog-body, '
         '[itemprop="liveBlogUpdate"], #key-events-carousel')
_POSTS = 'article[id^="block-"], div.block[id^="block-"]'
_CHROME = ('[data-gu-name="share-button"], .block-share, .block-time, .updated-time, '
           'meta, [itemprop="author"], [itemprop="publisher"]')
_KEY_CLASSES = frozenset({"is-key-event", "is-summary"})
_PAGE_OF = re.compile(r"(\d+)\s*of\s*(\d+)")


def adapter(tree: LexborHTMLParser, url: str | None) -> MarkupPage | None:
    """The page's live blog when it is a Guardian live blog, else None."""
    if not on_host(url, _HOSTS) or tree.css_first(_LIVE) is None:
        return None
    keys = _key_events(tree)
    seen: set[str] = set()
    posts = []
    for node in tree.css(_POSTS):
        source_id = node.attributes.get("id") or ""
        if source_id.endswith("-pinned") or source_id in seen or _in_pinned(node):
            continue  # the pinned copy: the real block is elsewhere on the page
        seen.add(source_id)
        posts.append(_post(node, source_id, url, source_id in keys or bool(_KEY_CLASSES & set(classes(node)))))
    page, pages = _pagination(tree)
    return MarkupPage(OUTLET, tuple(posts), title=_headline(tree), page=page, pages=pages)


def _in_pinned(node: LexborNode) -> bool:
    """Whether the post sits in the pinned-post box (PinnedPost.tsx, pinnedBlock.scala.html)."""
    parent = node.parent
    while parent is not None:
        attributes = parent.attributes
        if "pinned-post" in (attributes.get("id"), attributes.get("data-gu-marker"),
                             attributes.get("data-component")) or "pinned-block" in classes(parent):
            return True
        parent = parent.parent
    return False


def _key_events(tree: LexborHTMLParser) -> frozenset[str]:
    """The ids of the blocks the key-events list links to."""
    ids = set()
    for link in tree.css('#key-events-carousel a[href*="#block-"], a.timeline__link, [data-event-id]'):
        event = link.attributes.get("data-event-id") or (link.attributes.get("href") or "").rpartition("#")[2]
        if event.startswith("block-"):
            ids.add(event)
    return frozenset(ids)


def _post(node: LexborNode, source_id: str, base: str | None, key_event: bool) -> MarkupPost:
    header = node.css_first("header")
    published = machine_time(header) or machine_time(node.css_first(".published-time"))
    title_node = node.css_first("header h2, h2.block-title")
    title = text_of(title_node) if title_node is not None else ""
    authors = _contributors(header)
    drop_children(node, lambda child: child.tag not in ("header", "footer")
                  and "block-title" not in classes(child))
    drop(node, _CHROME)
    body = node.css_first(".block-elements") or node
    return MarkupPost(source_id, published, title or None, None, authors, blocks(body, base),
                      key_event=key_event)


def _contributors(header: LexborNode | None) -> tuple[str, ...]:
    """BlockByline: a `<div>` in the header holding a name (and maybe an avatar), no link or time."""
    if header is None:
        return ()
    names: list[str] = []
    for child in header.iter():
        if child.tag != "div" or child.css_first("a, time, h2") is not None:
            continue
        name = text_of(child)
        if name and name not in names:
            names.append(name)
    return tuple(names)


def _pagination(tree: LexborHTMLParser) -> tuple[int | None, int | None]:
    nav = tree.css_first("#liveblog-navigation")
    match = _PAGE_OF.search(text_of(nav)) if nav is not None else None
    return (int(match.group(1)), int(match.group(2))) if match else (None, None)


def _headline(tree: LexborHTMLParser) -> str | None:
    node = tree.css_first('[data-gu-name="headline"] h1') or tree.css_first("h1")
    return (text_of(node) or None) if node is not None else None
