"""BBC live pages (bbc.co.uk / bbc.com …/live/…) → posts. Pure.

BBC News' own live-page renderer is not public. This follows the markup public
scrapers of saved BBC live pages read (GitHub code search, 2024–2026) and the
issue's description: each post is `<article data-testid="content-post">`, a
`<header>` with the post's `h3` (or `h2`) headline and its
`[data-testid="timestamp"]` (a `<time datetime>`, or a clock or relative text:
"14:05", "2 hours ago"), then the body; BBC News pages mark screen-reader
labels `visually-hidden …-VisuallyHidden` ("Image caption, ", "Image source, ",
", published at 14:05"), credits `…-Copyright`, contributors `…-TextContributorName`.
From github.com/bbc/simorgh (ws-nextjs-app/pages/[service]/live/[id]/Post/index.tsx,
the World Service live pages): the post's heading carries the post's urn as
its `id`, a breaking post has `[data-testid="breaking-news-label"]`;
src/app/components/ImageWithCaption: an image's credit sits in the figure beside
the `<figcaption>`, both behind visually-hidden labels.

A clock or relative time alone gives no date: the post's time is left unknown
(the importer may find it in the JSON-LD update with the same id).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from generator.ingest.html.body import blocks, text_of
from generator.ingest.html.outlets.markup import MarkupPage, MarkupPost, drop, drop_children, machine_time, on_host

OUTLET = "BBC"
_HOSTS = ("bbc.co.uk", "bbc.com")
_POSTS = 'article[data-testid="content-post"]'
_STAMP = '[data-testid="timestamp"]'
_LABELS = ('[data-testid="timestamp"], [data-testid="breaking-news-label"], .visually-hidden, '
           '[class*="VisuallyHidden"]')
_CONTRIBUTOR = '[class*="ContributorName"]'
_CHROME = '[class*="Contributor"], [data-testid*="share"], [class*="ShareButton"], button'


def adapter(tree: LexborHTMLParser, url: str | None) -> MarkupPage | None:
    """The page's live blog when it is a BBC live page, else None."""
    if not on_host(url, _HOSTS):
        return None
    nodes = tree.css(_POSTS)
    if not nodes:
        return None
    seen: set[str] = set()
    posts = []
    for node in nodes:
        post = _post(node, url)
        if post.source_id is not None and post.source_id in seen:
            continue  # a pinned or repeated copy
        if post.source_id is not None:
            seen.add(post.source_id)
        posts.append(post)
    title = tree.css_first("h1#main-heading, h1")
    return MarkupPage(OUTLET, tuple(posts), title=(text_of(title) or None) if title is not None else None)


def _post(node: LexborNode, base: str | None) -> MarkupPost:
    source_id = _post_id(node)
    header = node.css_first("header")
    published = machine_time(node.css_first(_STAMP)) or machine_time(header)
    drop(node, _LABELS)
    heading = (header or node).css_first("h3, h2")
    title = text_of(heading) if heading is not None else ""
    authors = tuple(dict.fromkeys(name for name in (text_of(n) for n in node.css(_CONTRIBUTOR)) if name))
    if heading is not None and header is None:
        heading.decompose()
    drop_children(node, lambda child: child.tag != "header")
    drop(node, _CHROME)
    return MarkupPost(source_id, published, title or None, None, authors, blocks(node, base))


def _post_id(node: LexborNode) -> str | None:
    """The element's id or `data-post-id`, else its heading's id (the post's urn), else the
    `post=` of its share link."""
    for key in ("id", "data-post-id"):
        value = (node.attributes.get(key) or "").strip()
        if value:
            return value
    heading = node.css_first("h2[id], h3[id]")
    if heading is not None and (heading.attributes.get("id") or "").strip():
        return (heading.attributes.get("id") or "").strip()
    for link in node.css('a[href*="post="]'):
        post = parse_qs(urlsplit(link.attributes.get("href") or "").query).get("post")
        if post and post[0].strip():
            return post[0].strip()
    return None
