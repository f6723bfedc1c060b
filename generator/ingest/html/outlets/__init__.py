"""Outlet adapters: one small module per outlet that reads its live-blog markup.

An adapter looks at a parsed page and, when it is that outlet's live blog,
returns its posts as the markup shows them (`MarkupPage`), keyed by the
outlet's own post ids; otherwise None. Adapters take precedence over
JSON-LD, which outlets fill poorly (ingest/html/__init__.py). Each adapter
is written from the outlet's documented or published markup, with fixtures
in tests/fixtures/html/.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from selectolax.lexbor import LexborHTMLParser

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

ADAPTERS: tuple[Adapter, ...] = ()
