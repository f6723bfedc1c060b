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
class Paragraph:
    text: str  # the paragraph text without the lead-in
    lead_in: str | None = None  # "Some context:" or "What are cluster munitions?" (bold)

    @property
    def full_text(self) -> str:
        """The paragraph as printed: lead-in, a space, the text."""
        return self.text if self.lead_in is None else f"{self.lead_in} {self.text}"


@dataclass(frozen=True, slots=True)
class Figure:
    caption: str
    credit: str | None


@dataclass(frozen=True, slots=True)
class BulletList:
    items: tuple[str, ...]


Block: TypeAlias = Paragraph | Figure | BulletList


def block_texts(block: Block) -> tuple[str, ...]:
    """The reader-visible text of a block, one string per printed line."""
    if isinstance(block, Paragraph):
        return (block.full_text,)
    if isinstance(block, Figure):
        return (block.caption,) if block.credit is None else (block.caption, block.credit)
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


@dataclass(frozen=True, slots=True)
class CapturedBlog:
    slug: str  # f"{date}-{slug(series or title)}"
    title: str
    series: str | None
    date: date  # the dek's date, else the local date of the earliest post
    authors: tuple[str, ...]
    outlet: str | None
    updated: datetime | None
    declared_posts: int | None


@dataclass(frozen=True, slots=True)
class CaptureWarning:
    line: int | None
    message: str


@dataclass(frozen=True, slots=True)
class ParsedCapture:
    blog: CapturedBlog
    posts: tuple[CapturedPost, ...]
    warnings: tuple[CaptureWarning, ...]
    partial: bool  # fewer posts than declared, or a cut-off last post
