"""What templates know of posts, blogs, days and the site: small view records.

Every URL is computed once, through `Urls`, and stored in these records, so
templates only print values. A `PostView` computes its fields when a template
first asks for them, and reads the whole post (with its body) from the
`PostSource` only then: a page whose cards are already rendered needs no more
than each view's `key`.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from generator.core.config import Config
from generator.core.model import Blog, CaptureRecord, Day, Post, PostEntry, PostSource, Site
from generator.core.urls import Urls


@dataclass(frozen=True, slots=True)
class Link:
    title: str
    url: str
    count: int = 0


@dataclass(frozen=True, slots=True)
class SourceView:
    """One raw capture a post (or blog) came from, with a link to the published copy."""

    record: CaptureRecord | None  # None when _blog.md does not list it
    file: str
    url: str
    position: int | None  # the post's place in that capture


class PostView:
    """What templates know of one post. Everything is computed when a template
    first asks for it: a page whose cards are already rendered only needs each
    view's `key`, and `post` (the whole Post, with its body) is read then."""

    __slots__ = ("entry", "_views", "_post", "_local", "_location")

    def __init__(self, entry: PostEntry, views: Views) -> None:
        self.entry = entry
        self._views = views
        self._post: Post | None = None
        self._local: datetime | None = None
        self._location: str | None = None

    @property
    def key(self) -> str:
        """The view key: equal keys, equal views (see the module docstring)."""
        return self._views.key(self.entry)

    @property
    def post(self) -> Post:
        if self._post is None:
            self._post = self._views.posts.post(self.entry)
        return self._post

    @property
    def local(self) -> datetime:
        """Published, in the site's time zone."""
        if self._local is None:
            self._local = self.entry.published.astimezone(self._views.tz)
        return self._local

    @property
    def url(self) -> str:
        """The permalink (site-absolute)."""
        return self._views.urls.link(self.location())

    @property
    def absolute_url(self) -> str:
        return self._views.urls.absolute(self.location())

    @property
    def day_url(self) -> str:
        urls = self._views.urls
        return urls.link(urls.day(self.local.date()))

    @property
    def in_day_url(self) -> str:
        """The day page that lists the post, with its #anchor."""
        urls = self._views.urls
        return f"{urls.link(urls.day(self.local.date(), self._views.day_page(self.entry)))}#{self.entry.id}"

    @property
    def blog(self) -> Link:
        return self._views.blog_link(self.entry.blog)

    @property
    def topics(self) -> tuple[Link, ...]:
        return self._views.topic_links(self.entry.topics)

    @property
    def sources(self) -> tuple[SourceView, ...]:
        return tuple(self._views.source(self.entry.blog, entry) for entry in self.post.captures)

    @property
    def removed_in(self) -> SourceView | None:
        removed = self.post.removed_in
        return self._views.source(self.entry.blog, removed) if removed else None

    @property
    def last_seen(self) -> SourceView | None:
        """The last capture that showed the post."""
        captures = self.post.captures
        return self._views.source(self.entry.blog, captures[-1]) if captures else None

    def location(self) -> str:
        if self._location is None:
            self._location = self._views.urls.post(self.entry)
        return self._location

    def __repr__(self) -> str:
        return f"PostView({self.entry.id!r})"


@dataclass(frozen=True, slots=True)
class SiteView:
    """What every template knows about the site."""

    title: str
    description: str
    language: str
    base_url: str
    home: str
    topics: str
    blogs: str
    feed: str
    feed_absolute: str
    static: str
    archive: str
    search: str


def site_view(config: Config, urls: Urls) -> SiteView:
    return SiteView(
        title=config.title,
        description=config.description,
        language=config.language,
        base_url=config.base_url,
        home=urls.link(""),
        topics=urls.link("topics/"),
        blogs=urls.link(urls.blogs()),
        feed=urls.link("feed.xml"),
        feed_absolute=urls.absolute("feed.xml"),
        static=urls.link("static/"),
        archive=urls.link(urls.archive()),
        search=urls.link(urls.search()),
    )


T = TypeVar("T")


def chunks(items: tuple[T, ...], size: int) -> list[tuple[T, ...]]:
    """`items` cut into pages of `size`; one empty page when there are none."""
    return [items[i:i + size] for i in range(0, len(items), size)] or [()]


def day_chunks(day: Day, config: Config) -> list[tuple[PostEntry, ...]]:
    """A day's posts in `post_order`, cut into pages of `posts_per_page`."""
    return chunks(day.posts[::-1] if config.post_order == "newest-first" else day.posts,
                  config.posts_per_page)


class Views:
    """Makes the PostView of any post on demand (cheap), and its view key (cheaper).

    Views are not kept: a page makes the views of the posts it shows, and
    `source` (a PostSource: the content read, nothing written) gives whole
    posts while it renders."""

    def __init__(self, site: Site, config: Config, source: PostSource) -> None:
        self.urls = urls = Urls(config.base_url, site.tz)
        self.posts = source
        self.tz = site.tz
        # No counts in topic links: a card shows its topics' names only, and a
        # count would make every post of a topic look changed when one is added.
        self._topics = {t.name: (Link(t.name, urls.link(urls.topic(t))), t.slug) for t in site.topics}
        self._blogs = {b.slug: link_to_blog(b, urls) for b in site.blogs}
        self._records = {(b.slug, r.ref): r for b in site.blogs for r in b.captures}
        self._blog_digests = {b.slug: b.digest for b in site.blogs}
        self._slugs: dict[tuple[str, ...], str] = {}  # a post's topics -> their slugs, joined
        self._day_page: dict[str, int] = {}  # posts not on the first page of their day
        for each_day in site.days:
            for number, chunk in enumerate(day_chunks(each_day, config), start=1):
                if number > 1:
                    for listed in chunk:
                        self._day_page[listed.id] = number

    def key(self, entry: PostEntry) -> str:
        """The post's file hash, its blog file's, its topics' slugs and its day page
        (made again each time: keeping 100,000 of them would cost 25 MB)."""
        slugs = self._slugs.get(entry.topics)
        if slugs is None:
            slugs = self._slugs[entry.topics] = "/".join([self._topics[name][1] for name in entry.topics])
        return (f"{entry.digest}:{self._blog_digests.get(entry.blog, '')}:{slugs}:"
                f"{self._day_page.get(entry.id, 1)}")

    def __call__(self, entry: PostEntry) -> PostView:
        return PostView(entry, self)

    def day_page(self, entry: PostEntry) -> int:
        return self._day_page.get(entry.id, 1)

    def blog_link(self, slug: str) -> Link:
        found = self._blogs.get(slug)
        return found if found else Link(slug, self.urls.link(self.urls.blog(slug)))

    def topic_links(self, names: Sequence[str]) -> tuple[Link, ...]:
        return tuple(self._topics[name][0] for name in names)

    def source(self, blog: str, entry: str) -> SourceView:
        """A post's `captures:` entry ("captures/x.txt#3", "captures/a.warc.gz@1234#3")."""
        ref, _, position = entry.rpartition("#") if "#" in entry else (entry, "", "")
        return SourceView(self._records.get((blog, ref)), ref, self.urls.link(self.urls.capture(ref)),
                          int(position) if position.isdigit() else None)


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One capture of a blog, and what it added, changed and removed."""

    source: SourceView
    shown: int  # posts it showed
    added: tuple[PostView, ...]  # shown for the first time
    changed: tuple[PostView, ...]  # a text different from the capture before
    removed: tuple[PostView, ...]  # shown before, not from this capture on


def capture_history(sources: Sequence[SourceView], views: Sequence[PostView]) -> tuple[HistoryEntry, ...]:
    """What each of a blog's captures (capture-time order) added, changed and removed,
    from the posts each showed (`post_ids`, `changed_ids` in _blog.md) and the posts'
    `removed_in`. The posts it removed are listed oldest first, whatever order `views` is in."""
    views = sorted(views, key=lambda view: (view.entry.published, view.entry.id))
    by_id = {view.entry.id: view for view in views}
    removed: dict[str, list[PostView]] = {}
    for view in views:
        if view.post.removed_in:
            removed.setdefault(view.post.removed_in, []).append(view)
    seen: set[str] = set()
    history = []
    for source in sources:
        record = source.record
        if record is None:
            continue
        added = tuple(by_id[i] for i in record.post_ids if i not in seen and i in by_id)
        seen.update(record.post_ids)
        history.append(HistoryEntry(source, len(record.post_ids), added,
                                    tuple(by_id[i] for i in record.changed_ids if i in by_id),
                                    tuple(removed.get(record.ref, ()))))
    return tuple(history)


@dataclass(frozen=True, slots=True)
class DayLink:
    date: date
    url: str
    count: int


@dataclass(frozen=True, slots=True)
class Month:
    first: date
    days: tuple[DayLink, ...]


def link_to_day(day: Day, urls: Urls) -> DayLink:
    return DayLink(day.date, urls.link(urls.day(day.date)), len(day.posts))


def months(days: Sequence[Day], urls: Urls) -> list[Month]:
    newest = sorted(days, key=lambda d: d.date, reverse=True)
    return [
        Month(first=key, days=tuple(link_to_day(d, urls) for d in group))
        for key, group in itertools.groupby(newest, key=lambda d: d.date.replace(day=1))
    ]


def link_to_blog(blog: Blog, urls: Urls) -> Link:
    return Link(blog.title, urls.link(urls.blog(blog.slug)), blog.archived_posts)


@dataclass(frozen=True, slots=True)
class BlogLink:
    """A live blog as lists name it: its name, its outlet, how many posts it shows there."""

    title: str
    url: str
    outlet: str | None
    count: int


def blogs_of(posts: Sequence[PostEntry], blogs: Mapping[str, Blog], urls: Urls) -> tuple[BlogLink, ...]:
    """The live blogs `posts` come from, in the order they first appear, with their counts."""
    counts: dict[str, int] = {}
    for post in posts:
        counts[post.blog] = counts.get(post.blog, 0) + 1
    found = []
    for slug, count in counts.items():
        blog = blogs.get(slug)
        found.append(BlogLink(blog.title if blog else slug, urls.link(urls.blog(slug)),
                              blog.outlet if blog else None, count))
    return tuple(found)
