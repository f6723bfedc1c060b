"""The one in-memory capture record every importer returns. Pure data.

Whatever the format (a page's text, saved HTML, a web archive), an importer
turns one capture into a `ParsedCapture`: the blog as the page showed it,
its posts in page order with their bodies as blocks, and the warnings met on
the way. Merging, writing content/, provenance and `verify --coverage` work
on these records only, so they do not know which format a post came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeAlias


@dataclass(frozen=True, slots=True)
class Link:
    """A link over `text[start:end]` of the paragraph or quote that holds it."""

    start: int
    end: int
    href: str  # absolute http(s) or mailto


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str  # the paragraph text without the lead-in
    lead_in: str | None = None  # "Some context:" or "What are cluster munitions?" (bold)
    links: tuple[Link, ...] = ()  # over `text`, in order, not overlapping

    @property
    def full_text(self) -> str:
        """The paragraph as printed: lead-in, a space, the text."""
        return self.text if self.lead_in is None else f"{self.lead_in} {self.text}"


@dataclass(frozen=True, slots=True)
class Figure:
    caption: str
    credit: str | None
    src: str | None = None  # the image's address at the outlet, when the capture names it
    alt: str | None = None


@dataclass(frozen=True, slots=True)
class BulletList:
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Quote:
    """A block quotation (a pull quote, a quoted statement)."""

    text: str
    cite: str | None = None  # who said it or where it is from, when the page says
    links: tuple[Link, ...] = ()  # over `text`


@dataclass(frozen=True, slots=True)
class Embed:
    """Something the page embedded (a social post, a video): kept as a link, never as code."""

    url: str
    text: str  # what the embed showed, or what it was ("Embedded video")


Block: TypeAlias = Paragraph | Figure | BulletList | Quote | Embed


def block_texts(block: Block) -> tuple[str, ...]:
    """The reader-visible text of a block, one string per printed line."""
    if isinstance(block, Paragraph):
        return (block.full_text,)
    if isinstance(block, Figure):
        return (block.caption,) if block.credit is None else (block.caption, block.credit)
    if isinstance(block, Quote):
        return (block.text,) if block.cite is None else (block.text, block.cite)
    if isinstance(block, Embed):
        return (block.text,) if block.text else ()
    return block.items


@dataclass(frozen=True, slots=True)
class CapturedPost:
    id: str  # f"{local date}-{HHMM}-{slug(title)}", "-2", "-3" … for repeats
    position: int  # 1-based order in the capture
    line: int  # 1-based line of its timestamp line
    published: datetime  # aware, in the zone its label maps to
    zone_label: str
    title: str
    byline: str | None
    authors: tuple[str, ...]
    location: str | None
    blocks: tuple[Block, ...]
    topics: tuple[str, ...]  # series first, then rule topics in rule order
    cut_off: bool  # the capture ends inside this (last) post
    source_id: str | None = None  # the outlet's own id of the post ("block-64a9…"), if any
    time_unknown: bool = False  # no own time: `published` is the blog's, order by position
    time_derived: str | None = None  # "relative": read from "3 hr 12 min ago"
    time_precision: int | None = None  # seconds either way, for a derived time
    headline_derived: bool = False  # the outlet gave no headline; ours is the first sentence
    truncated: bool = False  # the source cut the body short
    key_event: bool = False  # the outlet marked it a key event (the Guardian's "Key events")


@dataclass(frozen=True, slots=True)
class CapturedBlog:
    slug: str  # f"{date}-{slug(series or title)}": the folder a first import makes
    title: str  # the name a reader knows the blog by ("Russia-Ukraine news, July 8, 2023")
    series: str | None
    date: date  # the dek's date, else the local date of the earliest post
    authors: tuple[str, ...]
    outlet: str | None
    updated: datetime | None
    declared_posts: int | None
    headline: str | None = None  # the page's headline when captured (often its top post's)
    url: str | None = None  # the page's canonical address, when the page names it


@dataclass(frozen=True, slots=True)
class CaptureWarning:
    line: int | None
    message: str


@dataclass(frozen=True, slots=True)
class Media:
    """An image a capture's figures show, with its bytes as the archive holds them
    (a raster type, told by its bytes: core/media.py)."""

    url: str  # the address it was fetched from: a Figure's `src`
    content_type: str  # "image/jpeg", "image/png", "image/gif", "image/webp" or "image/avif"
    data: bytes


@dataclass(frozen=True, slots=True)
class ParsedCapture:
    blog: CapturedBlog
    posts: tuple[CapturedPost, ...]
    warnings: tuple[CaptureWarning, ...]
    partial: bool  # fewer posts than declared, or a cut-off last post
    format: str = "text"  # "text", "html", "warc" or "wacz": the file's format
    source_url: str | None = None  # where it was fetched from, when the file says (WARC-Target-URI)
    captured_at: datetime | None = None  # when, when the file says (WARC-Date)
    record_offset: int | None = None  # the WARC record it came from, in a web archive
    # The archived images its figures show (a web archive's image records); a saved
    # page or a text has none.
    media: tuple[Media, ...] = ()
