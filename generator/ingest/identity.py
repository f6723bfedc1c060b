"""A live blog's identity: what stays the same from one capture of it to the next.

Not the posts a capture holds (a later capture may no longer show the oldest
one, and with it the earliest date), but the page's canonical address,
normalised: no scheme, no `www.`/`edition.`-style host alias, no query, no
fragment, no per-post suffix such as CNN's `/h_<hex>`, no trailing slash.
Without an address, the outlet and the title stand in; because outlets reuse
titles ("2024 election results") for different days' blogs, such a match
also needs a post the two captures share (`same_blog`). Pure.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from urllib.parse import unquote, urlsplit

from generator.core.slugs import slug

# Host prefixes that name the same site: www.cnn.com, edition.cnn.com and cnn.com are one.
HOST_ALIASES = ("www.", "edition.", "amp.", "m.", "mobile.")
# Path endings that address one post of a live blog rather than the blog.
_POST_SUFFIXES = (
    re.compile(r"/h_[0-9a-f]{6,}$"),  # CNN: …/live-news/…/h_3f2a1b…
    re.compile(r"/(?:amp|index\.html?)$"),
)


def canonical(url: str) -> str | None:
    """`https://edition.cnn.com/europe/live-news/x/h_abc123?ref=a#p` →
    `cnn.com/europe/live-news/x`; None for anything but an http(s) address."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().rstrip(".")
    for alias in HOST_ALIASES:
        if host.startswith(alias) and host.count(".") > 1:
            host = host[len(alias):]
            break
    path = unquote(parts.path).rstrip("/")
    for suffix in _POST_SUFFIXES:
        path = suffix.sub("", path).rstrip("/")
    return f"{host}/{path.lstrip('/')}"


def title_identity(outlet: str | None, title: str) -> str:
    """The stand-in identity of a blog whose address is unknown: `cnn:russia-ukraine-news`."""
    return f"{slug(outlet or 'unknown', fallback='unknown')}:{slug(title, 200, fallback='live-blog')}"


def identity_of(url: str | None, outlet: str | None, title: str) -> str:
    found = canonical(url) if url else None
    return found if found is not None else title_identity(outlet, title)


def is_address(identity: str) -> bool:
    """Whether an identity comes from the page's address (else from outlet and title)."""
    return "/" in identity


def same_blog(new: str, old: str, *, outlets: tuple[str | None, str | None],
              names: tuple[Collection[str], Collection[str]],
              posts: tuple[Collection[str], Collection[str]]) -> bool:
    """Whether a capture of identity `new` is of the blog of identity `old`.

    Two addresses decide alone. Otherwise the outlet must be the same, one of
    the names (title, page headline) the same, and at least one post id the
    same: a title alone is not enough."""
    if is_address(new) and is_address(old):
        return new == old
    if new == old and is_address(new):
        return True
    if (outlets[0] or "").casefold() != (outlets[1] or "").casefold():
        return False
    if not {n.casefold() for n in names[0]} & {n.casefold() for n in names[1]}:
        return False
    return bool(set(posts[0]) & set(posts[1]))
