"""Pure routing: Site → the pages to render, each with a key and a context.

Every URL is computed here once (through `Urls`) and stored in small view
records, so templates only print values. Templates get a small, documented
context per page type (see docs/templates.md).

Pages are described lazily, so that an archive of any size streams through
a build. A `PageSpec` carries a `key`, a digest of everything the page shows,
and a `context` made only when the page is rendered. A post enters a key by
its *view key*: its file's sha256, its blog file's sha256, its topics' slugs
and the page of its day it is on; a list page adds what it shows besides
posts (titles, counts, neighbours, page numbers). With the same templates
and settings, equal keys give equal bytes: incremental builds render only
the pages whose key moved (depends.py).
"""

from __future__ import annotations

import hashlib
import itertools
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from generator.core.config import Config
from generator.core.model import Blog, CaptureRecord, Day, Post, PostEntry, Site, Topic, local_day
from generator.core.urls import Urls

Context = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class PageSpec:
    path: str  # output file, relative to public/
    template: str
    key: str  # digest of everything the page shows (see the module docstring)
    make_context: Callable[[], Context]
    lastmod: datetime | None = None  # the newest post it shows (for sitemaps)
    # Rendered piece by piece rather than at once: for the outputs that grow with
    # the archive (a sitemap of 50,000 URLs), so they never exist twice in memory.
    large: bool = False

    @property
    def context(self) -> Context:
        return self.make_context()


def digest(*parts: object) -> str:
    """A short digest of `parts` (their str(), in order)."""
    text = "\x1f".join(part if isinstance(part, str) else str(part) for part in parts)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


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
            self._post = self._views.read(self.entry)
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

    def location(self) -> str:
        if self._location is None:
            self._location = self._views.urls.post(self.entry, self.local.date())
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
    )


T = TypeVar("T")


def chunks(items: tuple[T, ...], size: int) -> list[tuple[T, ...]]:
    """`items` cut into pages of `size`; one empty page when there are none."""
    return [items[i:i + size] for i in range(0, len(items), size)] or [()]


def day_chunks(day: Day, config: Config) -> list[tuple[PostEntry, ...]]:
    """A day's posts in `post_order`, cut into pages of `posts_per_page`."""
    return chunks(day.posts[::-1] if config.post_order == "newest-first" else day.posts,
                  config.posts_per_page)


def _numbered(title: str, number: int, count: int) -> str:
    """The title of page `number` of `count`: "NATO (page 2 of 3)"; just the title alone."""
    return title + (f" (page {number} of {count})" if count > 1 else "")


def _neighbours(urls: Urls, location: Callable[[int], str], number: int,
                count: int) -> tuple[str | None, str | None]:
    """Links to the previous and the next page of a paginated list, None at either end."""
    return (urls.link(location(number - 1)) if number > 1 else None,
            urls.link(location(number + 1)) if number < count else None)


class Views:
    """Makes the PostView of any post on demand (cheap), and its view key (cheaper).

    Views are not kept: a page makes the views of the posts it shows, and
    `read` (a content.PostReader) fetches whole posts while it renders."""

    def __init__(self, site: Site, config: Config, read: Callable[[PostEntry], Post]) -> None:
        self.urls = urls = Urls(config.base_url)
        self.read = read
        self.tz = site.tz
        # No counts in topic links: a card shows its topics' names only, and a
        # count would make every post of a topic look changed when one is added.
        self._topics = {t.name: (Link(t.name, urls.link(urls.topic(t))), t.slug) for t in site.topics}
        self._blogs = {b.slug: _blog_link(b, urls) for b in site.blogs}
        self._records = {(b.slug, r.file): r for b in site.blogs for r in b.captures}
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
        file, _, position = entry.partition("#")
        return SourceView(self._records.get((blog, file)), file, self.urls.link(file),
                          int(position) if position.isdigit() else None)


def site_pages(site: Site, config: Config, views: Views) -> Iterator[PageSpec]:
    """Every HTML page of the site, in a fixed order: home, then each day with
    its posts and the live blogs that end that day, then topics, then 404."""
    urls = views.urls
    common = {"site": site_view(config, urls)}
    newest_first = config.post_order == "newest-first"

    def page(location: str, template: str, key: str, make: Callable[[], dict[str, Any]],
             lastmod: datetime | None = None) -> PageSpec:
        canonical = urls.absolute(location)

        def context() -> Context:
            return {**common, "canonical": canonical, **make()}

        # Interned: the same path is a key of several maps a build keeps (signatures,
        # hashes, stats, the sitemap), 110,000 of them for a 100,000-post archive.
        return PageSpec(sys.intern(urls.file(location)), template, key, context, lastmod)

    def shown(posts: Sequence[PostEntry]) -> list[PostView]:
        return [views(p) for p in posts]

    def keys(posts: Sequence[PostEntry]) -> str:
        return ",".join([views.key(p) for p in posts])

    def newest(posts: Sequence[PostEntry]) -> datetime | None:
        return max((p.published for p in posts), default=None)

    latest = site.days[-1] if site.days else None
    topic_links = [Link(t.name, urls.link(urls.topic(t)), len(t.posts)) for t in site.topics]
    months = _months(site.days, urls)
    blog_links = tuple(_blog_link(b, urls) for b in site.blogs)
    latest_posts = (latest.posts[::-1] if newest_first else latest.posts) if latest else ()
    latest_link = _day_link(latest, urls) if latest else None
    home_blogs = blog_links[:HOME_BLOGS]
    yield page(
        "", "index.html",
        digest(config.title, latest_link, months, topic_links, home_blogs, len(blog_links),
               keys(latest_posts)),
        lambda: {"page_title": config.title, "latest_day": latest_link,
                 "latest_posts": shown(latest_posts), "months": months, "topics": topic_links,
                 "blogs": home_blogs, "blog_count": len(blog_links)},
        newest(latest_posts),
    )

    blogs_by_slug = {blog.slug: blog for blog in site.blogs}
    by_blog: dict[str, list[PostEntry]] = {}
    for post in site.posts:
        by_blog.setdefault(post.blog, []).append(post)
    blog_ends: dict[date, list[Blog]] = {}  # a blog's page follows the day of its last post
    for blog in site.blogs:
        if by_blog.get(blog.slug):
            blog_ends.setdefault(local_day(by_blog[blog.slug][-1].published, site.tz), []).append(blog)

    def blog_page(blog: Blog) -> PageSpec:
        posts = sorted(by_blog.get(blog.slug, ()), key=lambda p: (p.position, p.id))
        sources = [SourceView(r, r.file, urls.link(r.file), None) for r in blog.captures]
        return page(
            urls.blog(blog.slug), "blog.html", digest(blog.digest, keys(posts)),
            lambda: {"page_title": blog.title, "blog": blog, "sources": sources,
                     "posts_views": shown(posts)},
            newest(posts),
        )

    def post_page(post: PostEntry) -> PageSpec:
        def make() -> dict[str, Any]:
            view = views(post)
            return {"page_title": view.post.title, "post": view, "blog": blogs_by_slug.get(post.blog)}

        return page(urls.post(post, local_day(post.published, site.tz)), "post.html",
                    digest(views.key(post)), make, post.published)

    for index, day in enumerate(site.days):
        before = _day_link(site.days[index - 1], urls) if index > 0 else None
        after = _day_link(site.days[index + 1], urls) if index + 1 < len(site.days) else None
        yield from _day_pages(day, day_chunks(day, config), before, after, urls, page, shown, keys, newest)
        for post in day.posts:
            yield post_page(post)
        for blog in sorted(blog_ends.get(day.date, ()), key=lambda b: b.slug):
            yield blog_page(blog)
    for blog in site.blogs:
        if not by_blog.get(blog.slug):
            yield blog_page(blog)
    yield page("topics/", "topics.html", digest(topic_links),
               lambda: {"page_title": "Topics", "topics": topic_links})
    for topic in site.topics:
        yield from _topic_pages(topic, config, urls, page, shown, keys, newest)
    yield from _blog_index_pages(blog_links, urls, page)
    yield PageSpec(path="404.html", template="404.html", key="",
                   make_context=lambda: {**common, "page_title": "Page not found", "canonical": None})


def _day_pages(day: Day, pages: list[tuple[PostEntry, ...]], before: DayLink | None,
               after: DayLink | None, urls: Urls, page: Any, shown: Any, keys: Any,
               newest: Any) -> Iterator[PageSpec]:
    title = f"{day.date:%A, %B} {day.date.day}, {day.date.year}"
    for number, chunk in enumerate(pages, start=1):
        page_title = _numbered(title, number, len(pages))

        def make(chunk: tuple[PostEntry, ...] = chunk, number: int = number,
                 page_title: str = page_title) -> dict[str, Any]:
            previous_page, next_page = _neighbours(urls, lambda n: urls.day(day.date, n), number, len(pages))
            return {
                "page_title": page_title,
                "day": day.date,
                "day_count": len(day.posts),
                "posts_views": shown(chunk),
                "page_number": number,
                "page_count": len(pages),
                "previous_page": previous_page,
                "next_page": next_page,
                "previous": before,
                "next": after,
            }

        yield page(urls.day(day.date, number), "day.html",
                   digest(page_title, len(day.posts), len(pages), before, after, keys(chunk)),
                   make, newest(chunk))


def _topic_pages(topic: Topic, config: Config, urls: Urls, page: Any, shown: Any, keys: Any,
                 newest: Any) -> Iterator[PageSpec]:
    pages = chunks(topic.posts, config.posts_per_page)
    link = Link(topic.name, urls.link(urls.topic(topic)), len(topic.posts))
    for number, chunk in enumerate(pages, start=1):
        page_title = _numbered(topic.name, number, len(pages))

        def make(chunk: tuple[PostEntry, ...] = chunk, number: int = number,
                 page_title: str = page_title) -> dict[str, Any]:
            previous, after = _neighbours(urls, lambda n: urls.topic(topic, n), number, len(pages))
            return {
                "page_title": page_title,
                "topic": link,
                "feed": urls.link(urls.topic_feed(topic)),
                "posts_views": shown(chunk),
                "page_number": number,
                "page_count": len(pages),
                "previous": previous,
                "next": after,
            }

        yield page(urls.topic(topic, number), "topic.html",
                   digest(page_title, link, topic.slug, len(pages), keys(chunk)), make, newest(chunk))


HOME_BLOGS = 20  # the newest live blogs on the home page; live/ lists them all
BLOGS_PER_PAGE = 100  # on the pages of live/


def _blog_index_pages(links: tuple[Link, ...], urls: Urls, page: Any) -> Iterator[PageSpec]:
    """live/, live/page/2/, …: every live blog, newest first, BLOGS_PER_PAGE a page
    (so that no page grows with the archive)."""
    pages = chunks(links, BLOGS_PER_PAGE)
    for number, chunk in enumerate(pages, start=1):
        page_title = _numbered("Archived live blogs", number, len(pages))

        def make(chunk: tuple[Link, ...] = chunk, number: int = number,
                 page_title: str = page_title) -> dict[str, Any]:
            previous, after = _neighbours(urls, urls.blogs, number, len(pages))
            return {
                "page_title": page_title,
                "blogs": chunk,
                "blog_count": len(links),
                "page_number": number,
                "page_count": len(pages),
                "previous": previous,
                "next": after,
            }

        yield page(urls.blogs(number), "blogs.html", digest(page_title, len(links), chunk), make)


@dataclass(frozen=True, slots=True)
class DayLink:
    date: date
    url: str
    count: int


@dataclass(frozen=True, slots=True)
class Month:
    first: date
    days: tuple[DayLink, ...]


def _day_link(day: Day, urls: Urls) -> DayLink:
    return DayLink(day.date, urls.link(urls.day(day.date)), len(day.posts))


def _months(days: Sequence[Day], urls: Urls) -> list[Month]:
    newest = sorted(days, key=lambda d: d.date, reverse=True)
    return [
        Month(first=key, days=tuple(_day_link(d, urls) for d in group))
        for key, group in itertools.groupby(newest, key=lambda d: d.date.replace(day=1))
    ]


def _blog_link(blog: Blog, urls: Urls) -> Link:
    return Link(blog.title, urls.link(urls.blog(blog.slug)), blog.archived_posts)
