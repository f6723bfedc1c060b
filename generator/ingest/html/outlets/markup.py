"""What an outlet adapter returns, and the few helpers every adapter shares. Pure.

The records are re-exported by ingest/html/outlets/__init__.py, which also
lists the adapters; they live here so that an adapter module can import them
without importing the package that imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from generator.ingest.html.jsonld import moment
from generator.ingest.record import Block


@dataclass(frozen=True, slots=True)
class MarkupPost:
    source_id: str | None  # the outlet's id of the post ("block-64a9…")
    published: datetime | None
    title: str | None  # None: the post has no headline of its own
    byline: str | None
    authors: tuple[str, ...]
    blocks: tuple[Block, ...]
    key_event: bool = False  # the outlet marked it as a key event or summary


@dataclass(frozen=True, slots=True)
class MarkupPage:
    outlet: str
    posts: tuple[MarkupPost, ...]  # in page order, each post once (no pinned copies)
    title: str | None = None  # the blog's headline in the markup
    page: int | None = None  # this page's number, when the blog is paginated ("page 1 of 4")
    pages: int | None = None  # how many pages the blog had


# An adapter: (parsed page, its address) → its live blog, or None if it is not the outlet's.
Adapter = Callable[[LexborHTMLParser, str | None], MarkupPage | None]

_WAYBACK = "web.archive.org"


def on_host(url: str | None, hosts: tuple[str, ...]) -> bool:
    """Whether the page's address is on one of `hosts` (or a subdomain). No address:
    True, the markup alone decides. A Wayback Machine address is judged by the
    address it archived (`web.archive.org/web/2024…/https://www.cnn.com/…`)."""
    if not url:
        return True
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host == _WAYBACK and "/http" in parts.path:
        return on_host(parts.path[parts.path.index("/http") + 1:], hosts)
    return any(host == h or host.endswith("." + h) for h in hosts)


def drop(node: LexborNode, selector: str) -> None:
    """Remove every element under `node` that `selector` matches (chrome before reading a body)."""
    for found in node.css(selector):
        found.decompose()


def drop_children(node: LexborNode, keep: Callable[[LexborNode], bool]) -> None:
    """Remove the direct children of `node` that `keep` rejects."""
    for child in list(node.iter()):
        if not keep(child):
            child.decompose()


def machine_time(node: LexborNode | None) -> datetime | None:
    """The time an element states for machines: its own `datetime` attribute, or that
    of the first `<time datetime>` inside it; None for clock or relative text."""
    if node is None:
        return None
    found = node if node.attributes.get("datetime") else node.css_first("time[datetime]")
    return moment(found.attributes.get("datetime")) if found is not None else None


def classes(node: LexborNode) -> tuple[str, ...]:
    return tuple((node.attributes.get("class") or "").split())
