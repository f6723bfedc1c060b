"""A live-blog page → the addresses of its pages of older posts. Pure.

A live blog shows its newest posts; older ones sit on further pages, linked
from the first. `older_pages` finds those links the way outlets mark them,
most specific first:

* the Guardian's `<a data-link-name="older page">` (and "oldest page"),
  whose addresses are the same page with `?page=with:block-<id>`;
* `rel="next"` on a `<link>` or `<a>` (HTML's own "next page of a series";
  a live blog runs newest first, so "next" is older);
* an `<a>` whose text, `aria-label` or `title` says older or earlier posts
  ("Older posts", "Earlier entries", "Load more", "Next page").

Only links to the same host and path as the page itself are kept (another
path is another article, not an older page of this one); the fragment is
dropped, duplicates and the page itself are left out, in document order.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser

_OLDER_WORDS = re.compile(
    r"\b(older|oldest|earlier)\s+(posts?|entries|updates|page|results)\b|\bload\s+more\b|\bnext\s+page\b"
    r"|^\s*(older|earlier|oldest)\s*$", re.IGNORECASE)
_QUERY_SAFE = "=&;:/?@!$'()*+,%-._~"
_GUARDIAN = ('a[data-link-name="older page"]', 'a[data-link-name="oldest page"]')


def older_pages(html: bytes | str, url: str) -> tuple[str, ...]:
    """The addresses of the page's older-posts pages, absolute, on `url`'s host and path."""
    tree = LexborHTMLParser(html if isinstance(html, str) else html.decode("utf-8", errors="replace"))
    found: list[str] = []
    hrefs: list[str | None] = []
    for selector in _GUARDIAN:
        hrefs += [node.attributes.get("href") for node in tree.css(selector)]
    hrefs += [node.attributes.get("href") for node in tree.css('link[rel~="next"], a[rel~="next"]')]
    for node in tree.css("a[href]"):
        label = " ".join(filter(None, (node.text(deep=True, separator=" "), node.attributes.get("aria-label"),
                                       node.attributes.get("title"))))
        if _OLDER_WORDS.search(label):
            hrefs.append(node.attributes.get("href"))
    for href in hrefs:
        address = same_page(url, href)
        if address is not None and address != _without_fragment(url) and address not in found:
            found.append(address)
    return tuple(found)


def same_page(url: str, href: str | None) -> str | None:
    """`href` made absolute against `url`, without its fragment, when it is on the same
    http(s) host and path as `url` (only its query may differ); else None."""
    if not href or not href.strip():
        return None
    base = urlsplit(url)
    target = urlsplit(urljoin(url, href.strip()))
    if target.scheme not in ("http", "https") or target.netloc.lower() != base.netloc.lower():
        return None
    if (target.path or "/") != (base.path or "/"):
        return None
    # As a browser sends it: characters a URL may not hold (a space) percent-encoded.
    return urlunsplit((target.scheme, target.netloc, target.path, quote(target.query, safe=_QUERY_SAFE), ""))


def _without_fragment(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
