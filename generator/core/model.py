"""The site model: frozen records and the pure function that groups them.

Nothing here reads files or knows about settings: `make_site` takes blogs,
posts and the site's time zone and returns days (cut in that zone) and
topics (with unique slugs). URLs are computed once in `urls.py`.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone, tzinfo
from typing import Any, Protocol

from generator.core.slugs import legacy_topic_slug, topic_slug, unique

_EPOCH = datetime(1, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True, slots=True)
class CaptureRecord:
    """Provenance of one raw capture of a blog: made by the importer, written under
    `captures:` in _blog.md and read back by one schema (content/schema.py)."""

    file: str  # "captures/<name>", relative to the site
    sha256: str
    size: int
    source_url: str | None
    captured_at: datetime | None
    captured_at_from: str  # "option", "file modification time" or "unknown"
    updated: datetime | None  # the page's own "Updated …" time
    declared_posts: int | None
    found_posts: int
    partial: bool
    importer: str  # "liveblog 0.1.0"
    format: str = "text"  # "text", "html", "warc" or "wacz"
    record_offset: int | None = None  # in a web archive: the offset of the WARC record
    post_ids: tuple[str, ...] = ()  # the posts it showed, in page order (after the merge)
    changed_ids: tuple[str, ...] = ()  # those whose text differs from the capture before

    @property
    def name(self) -> str:
        return self.file.rsplit("/", 1)[-1]

    @property
    def ref(self) -> str:
        """The capture as post files name it: its file, and in a web archive its
        record ("captures/crawl.warc.gz@1234")."""
        return self.file if self.record_offset is None else f"{self.file}@{self.record_offset}"

    @property
    def key(self) -> str:
        """What tells captures apart: the file's sha256, and its record in a web archive."""
        return self.sha256 if self.record_offset is None else f"{self.sha256}@{self.record_offset}"

    def order_key(self) -> tuple[datetime, datetime, str]:
        """Capture-time order: the page's own update time, then when it was saved."""
        return (self.updated or self.captured_at or _EPOCH, self.captured_at or _EPOCH, self.sha256)


@dataclass(frozen=True, slots=True)
class Revision:
    """An earlier text of a post, from an earlier capture."""

    capture: str
    updated: datetime | None
    title: str | None  # when the headline differed
    byline: str | None  # when the byline differed
    text: str  # Markdown


@dataclass(frozen=True, slots=True)
class Blog:
    slug: str  # its folder name under content/
    title: str
    series: str | None
    date: date
    authors: tuple[str, ...]
    outlet: str | None
    updated: datetime | None
    declared_posts: int | None
    archived_posts: int
    partial: bool
    source_url: str | None
    captured_at: datetime | None
    capture: str | None
    capture_sha256: str | None
    captures: tuple[CaptureRecord, ...]  # capture-time order
    description: str  # Markdown body of _blog.md (usually empty)
    source: str  # path of _blog.md, for messages
    digest: str  # sha256 of that file: what incremental builds compare
    headline_at_capture: str | None = None  # the page's headline when captured
    identity: str | None = None  # how later captures find this blog (ingest/identity.py)
    keep_remote_images: bool = False  # images not archived are shown from the outlet (imports keep it)


@dataclass(frozen=True, slots=True)
class PostEntry:
    """What the site index holds of a post: enough to route it, nothing it shows.

    A large archive keeps one entry per post in memory; the full `Post`, with
    its body, is read only while a page that shows it is rendered."""

    id: str
    published: datetime  # aware, with the offset in force that day
    topics: tuple[str, ...]
    blog: str  # Blog.slug
    position: int
    draft: bool
    source: str  # path of the post file, for messages
    digest: str  # sha256 of that file: what incremental builds compare


@dataclass(frozen=True, slots=True)
class Post(PostEntry):
    """A whole post file: its entry plus everything pages show."""

    title: str
    byline: str | None
    authors: tuple[str, ...]
    location: str | None
    cut_off: bool
    captures: tuple[str, ...]  # "captures/x.txt#3": the 3rd post of that capture
    removed_in: str | None  # the first later capture that no longer holds it
    revisions: tuple[Revision, ...]  # earlier texts, oldest first
    body: str  # Markdown
    source_id: str | None = None  # the outlet's own id of the post
    time_unknown: bool = False  # no own time: `published` is the blog's; ordered by position
    time_derived: str | None = None  # "relative": read from "3 hr 12 min ago"
    time_precision: int | None = None  # seconds either way, for a derived time
    headline_derived: bool = False  # the outlet gave none; this is the first sentence
    truncated: bool = False  # the source cut the body short
    key_event: bool = False  # the outlet marked it a key event
    removed_after: datetime | None = None  # when the capture of `removed_in` was taken

    def entry(self, zones: dict[Any, tzinfo] | None = None) -> PostEntry:
        """Its entry. Topic and blog names are interned and, given `zones`, the
        time's fixed-offset zone is shared with every other time of that offset:
        a large archive keeps 100,000 entries, and each would carry its own."""
        published = self.published
        if zones is not None and published.tzinfo is not None:
            zone = zones.setdefault(published.utcoffset(), published.tzinfo)
            published = published if zone is published.tzinfo else published.replace(tzinfo=zone)
        return PostEntry(id=self.id, published=published,
                         topics=tuple(sys.intern(name) for name in self.topics),
                         blog=sys.intern(self.blog), position=self.position, draft=self.draft,
                         source=self.source, digest=self.digest)


class PostSource(Protocol):
    """Whole posts for the entries of a loaded `Site`, read-only.

    The build loads content/ into a Site of entries first, then renders; pages
    ask a PostSource for a post's body and fields while they render, and
    nothing they do can change what was loaded (content/read.py's PostReader
    is the real one)."""

    def post(self, entry: PostEntry) -> Post:
        """The whole post of `entry` (the same file, as loaded)."""
        ...


@dataclass(frozen=True, slots=True)
class Day:
    date: date  # in the site's time zone
    posts: tuple[PostEntry, ...]  # oldest first


@dataclass(frozen=True, slots=True)
class Topic:
    name: str
    slug: str
    posts: tuple[PostEntry, ...]  # newest first
    legacy_slug: str  # its slug under liveblog 0.1's rule (redirected from when it differs)


@dataclass(frozen=True, slots=True)
class Site:
    blogs: tuple[Blog, ...]  # newest first
    posts: tuple[PostEntry, ...]  # oldest first
    days: tuple[Day, ...]  # oldest first
    topics: tuple[Topic, ...]  # by name
    tz: tzinfo

    def blog(self, slug: str) -> Blog:
        for blog in self.blogs:
            if blog.slug == slug:
                return blog
        raise KeyError(slug)


def local_day(moment: datetime, tz: tzinfo) -> date:
    return moment.astimezone(tz).date()


def chronological(posts: Iterable[PostEntry]) -> tuple[PostEntry, ...]:
    """Oldest first. Posts of one blog at the same time (in the same minute, or all
    at the blog's time when the outlet gave none) keep their page order read from
    the bottom up, as live blogs list the newest first; then ids, so the order
    never depends on input order."""
    return tuple(sorted(posts, key=lambda post: (post.published, post.blog, -post.position, post.id)))


def make_site(blogs: Iterable[Blog], posts: Iterable[PostEntry], tz: tzinfo) -> Site:
    ordered = chronological(posts)
    days = tuple(
        Day(date=day, posts=tuple(group))
        for day, group in itertools.groupby(ordered, key=lambda post: local_day(post.published, tz))
    )
    by_topic: dict[str, list[PostEntry]] = {}
    for post in ordered:
        for name in post.topics:
            by_topic.setdefault(name, []).append(post)
    taken: set[str] = set()
    taken_before: set[str] = set()
    topics = []
    for name in sorted(by_topic, key=lambda n: (n.casefold(), n)):
        topics.append(Topic(name=name, slug=unique(topic_slug(name), taken),
                            posts=tuple(reversed(by_topic[name])),
                            legacy_slug=unique(legacy_topic_slug(name), taken_before)))
    newest_blogs = tuple(sorted(blogs, key=lambda b: (b.date, b.slug), reverse=True))
    return Site(blogs=newest_blogs, posts=ordered, days=days, topics=tuple(topics), tz=tz)

