"""Pure routing: Site → the pages to render, each with a key and a context.

Templates get a small, documented context per page type (docs/templates.md),
made of the view records of site/views.py.

Pages are described lazily, so that an archive of any size streams through
a build. A `PageSpec` carries a `key`, a digest of everything the page shows,
and a `context` made only when the page is rendered. A post enters a key by
its *view key*: its file's sha256, its blog file's sha256, its topics' slugs
and the page of its day it is on; a list page adds what it shows besides
posts (titles, counts, neighbours, page numbers). With the same templates
and settings, equal keys give equal bytes: incremental builds render only
the pages whose key moved (site/depends.py).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from generator.core.config import Config
from generator.core.model import Blog, Day, PostEntry, Site, Topic, local_day
from generator.core.urls import Urls
from generator.site import calendar
from generator.site.replay import replay_view
from generator.site.views import (
    DayLink,
    Link,
    PostView,
    SourceView,
    Views,
    blogs_of,
    capture_history,
    chunks,
    day_chunks,
    link_to_blog,
    link_to_day,
    site_view,
)

Context = Mapping[str, Any]
HOME_BLOGS = 20  # the newest live blogs on the home page; live/ lists them all
HOME_DAYS = 7  # the latest days on the home page; archive/ has them all
MONTH_HEADLINES = 3  # a day's top headlines on its month's page
BLOGS_PER_PAGE = 100  # on the pages of live/


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
    in_sitemap: bool = True  # False for 404.html and redirects
    search_url: str | None = None  # post pages: the URL the search index gives it (from the site root)

    @property
    def context(self) -> Context:
        return self.make_context()


def digest(*parts: object) -> str:
    """A short digest of `parts` (their str(), in order)."""
    text = "\x1f".join(part if isinstance(part, str) else str(part) for part in parts)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def newest(posts: Sequence[PostEntry]) -> datetime | None:
    return max((p.published for p in posts), default=None)


@dataclass(frozen=True, slots=True)
class _Maker:
    """Makes the PageSpecs of one site: what every page's context shares, and the
    views and keys of the posts a page shows."""

    urls: Urls
    views: Views
    common: Mapping[str, Any]

    def page(self, location: str, template: str, key: str, make: Callable[[], dict[str, Any]],
             lastmod: datetime | None = None) -> PageSpec:
        canonical = self.urls.absolute(location)
        common = self.common

        def context() -> Context:
            return {**common, "canonical": canonical, **make()}

        # Interned: the same path is a key of several maps a build keeps (signatures,
        # hashes, stats, the sitemap), 110,000 of them for a 100,000-post archive.
        return PageSpec(sys.intern(self.urls.file(location)), template, key, context, lastmod)

    def shown(self, posts: Sequence[PostEntry]) -> list[PostView]:
        return [self.views(p) for p in posts]

    def keys(self, posts: Sequence[PostEntry]) -> str:
        return ",".join([self.views.key(p) for p in posts])


def site_pages(site: Site, config: Config, views: Views, *, search: bool = False) -> Iterator[PageSpec]:
    """Every HTML page of the site, in a fixed order: home, then each day with
    its posts and the live blogs that end that day, then the calendar, topics,
    the live blogs' index, search, then 404. `search`: the search bundle is built."""
    urls = views.urls
    maker = _Maker(urls, views, {"site": site_view(config, urls)})
    blog_links = tuple(link_to_blog(b, urls) for b in site.blogs)
    yield _home_page(site, config, maker, blog_links)
    blogs = _BlogPages(site, maker, config)
    by_slug = {blog.slug: blog for blog in site.blogs}
    for index, day in enumerate(site.days):
        before = link_to_day(site.days[index - 1], urls) if index > 0 else None
        after = link_to_day(site.days[index + 1], urls) if index + 1 < len(site.days) else None
        yield from _day_pages(day, day_chunks(day, config), before, after, maker, by_slug)
        for post in day.posts:
            yield blogs.post_page(post)
        yield from blogs.ending_on(day.date)
    yield from blogs.without_posts()
    yield from _calendar_pages(site, config, maker, by_slug)
    series = {blog.series for blog in site.blogs if blog.series}
    topic_links = [Link(t.name, urls.link(urls.topic(t)), len(t.posts)) for t in site.topics]
    series_links = [link for link in topic_links if link.title in series]
    subject_links = [link for link in topic_links if link.title not in series]
    yield maker.page("topics/", "topics.html", digest(series_links, subject_links),
                     lambda: {"page_title": "Topics", "series": series_links, "subjects": subject_links})
    current = {topic.slug for topic in site.topics}
    for topic in site.topics:
        yield from _topic_pages(topic, config, maker, moved=topic.legacy_slug not in current)
    yield from _blog_index_pages(blog_links, maker)
    yield _search_page(maker, search)
    yield PageSpec(path="404.html", template="404.html", key="",
                   make_context=lambda: {**maker.common, "page_title": "Page not found",
                                         "canonical": None}, in_sitemap=False)


def _home_page(site: Site, config: Config, maker: _Maker, blog_links: tuple[Link, ...]) -> PageSpec:
    latest = site.days[-1] if site.days else None
    posts = (latest.posts[::-1] if config.post_order == "newest-first" else latest.posts) if latest else ()
    latest_link = link_to_day(latest, maker.urls) if latest else None
    topic_links = [Link(t.name, maker.urls.link(maker.urls.topic(t)), len(t.posts)) for t in site.topics]
    recent = [link_to_day(day, maker.urls) for day in reversed(site.days[-HOME_DAYS:])]
    home_blogs = blog_links[:HOME_BLOGS]
    return maker.page(
        "", "index.html",
        digest(config.title, latest_link, recent, len(site.days), topic_links, home_blogs, len(blog_links),
               maker.keys(posts)),
        lambda: {"page_title": config.title, "latest_day": latest_link,
                 "latest_posts": maker.shown(posts), "recent_days": recent, "day_count": len(site.days),
                 "topics": topic_links, "blogs": home_blogs, "blog_count": len(blog_links)},
        newest(posts),
    )


class _BlogPages:
    """Post permalinks and live blog pages. A blog's page follows the day of its
    last post; a blog with no (published) post comes after all the days."""

    def __init__(self, site: Site, maker: _Maker, config: Config) -> None:
        self._maker, self._config = maker, config
        self._blogs = site.blogs
        self._by_slug = {blog.slug: blog for blog in site.blogs}
        self._posts: dict[str, list[PostEntry]] = {}  # each blog's posts, oldest first
        self._index: dict[str, int] = {}  # a post's place among its blog's
        for post in site.posts:
            siblings = self._posts.setdefault(post.blog, [])
            self._index[post.id] = len(siblings)
            siblings.append(post)
        self._ends: dict[date, list[Blog]] = {}
        for blog in site.blogs:
            if self._posts.get(blog.slug):
                last = self._posts[blog.slug][-1].published
                self._ends.setdefault(local_day(last, site.tz), []).append(blog)

    def post_page(self, post: PostEntry) -> PageSpec:
        """A permalink, with the previous and the next post of its blog and the
        path back: archive › day › blog."""
        maker, blog, urls = self._maker, self._by_slug.get(post.blog), self._maker.urls
        siblings = self._posts[post.blog]
        at = self._index[post.id]
        older = siblings[at - 1] if at > 0 else None
        newer = siblings[at + 1] if at + 1 < len(siblings) else None
        day = local_day(post.published, urls.tz)

        def make() -> dict[str, Any]:
            view = maker.views(post)
            return {"page_title": view.post.title, "post": view, "blog": blog,
                    "older": maker.views(older) if older else None,
                    "newer": maker.views(newer) if newer else None,
                    "day_link": DayLink(day, urls.link(urls.day(day)), 0)}

        location = urls.post(post)
        spec = maker.page(location, "post.html",
                          digest(maker.views.key(post), older and maker.views.key(older),
                                 newer and maker.views.key(newer)), make, post.published)
        return PageSpec(spec.path, spec.template, spec.key, spec.make_context, spec.lastmod,
                        search_url="/" + location)

    def ending_on(self, day: date) -> Iterator[PageSpec]:
        for blog in sorted(self._ends.get(day, ()), key=lambda b: b.slug):
            yield from self._blog_pages(blog)

    def without_posts(self) -> Iterator[PageSpec]:
        for blog in self._blogs:
            if not self._posts.get(blog.slug):
                yield from self._blog_pages(blog)

    def _blog_pages(self, blog: Blog) -> Iterator[PageSpec]:
        """The blog newest post first (as live blogs are read) and oldest first, each
        linking to the other, and its replay page when its web archives are published."""
        maker, urls = self._maker, self._maker.urls
        oldest = tuple(self._posts.get(blog.slug, ()))
        sources = [SourceView(r, r.ref, urls.link(urls.capture(r.ref)), None) for r in blog.captures]
        replay = replay_view(blog, self._config, urls)
        for oldest_first in (False, True):
            posts = oldest if oldest_first else oldest[::-1]
            other = urls.link(urls.blog(blog.slug, not oldest_first))

            def make(posts: tuple[PostEntry, ...] = posts, oldest_first: bool = oldest_first,
                     other: str = other) -> dict[str, Any]:
                shown = maker.shown(posts)
                history = capture_history(sources, shown) if len(sources) > 1 else ()
                return {"page_title": blog.title + (" (oldest first)" if oldest_first else ""),
                        "blog": blog, "sources": sources, "posts_views": shown,
                        "oldest_first": oldest_first, "other_order": other, "history": history,
                        "replay": replay}

            yield maker.page(urls.blog(blog.slug, oldest_first), "blog.html",
                             digest(blog.digest, oldest_first, maker.keys(posts), replay), make, newest(posts))
        if replay is not None and replay.published:
            blog_link = urls.link(urls.blog(blog.slug))
            spec = maker.page(urls.blog_replay(blog.slug), "replay.html", digest(blog.digest, replay),
                              lambda: {"page_title": f"{blog.title}: the page as captured", "blog": blog,
                                       "blog_link": blog_link, "replay": replay})
            yield dataclasses.replace(spec, in_sitemap=False)


def _numbered(title: str, number: int, count: int) -> str:
    """The title of page `number` of `count`: "NATO (page 2 of 3)"; just the title alone."""
    return title + (f" (page {number} of {count})" if count > 1 else "")


def _neighbours(urls: Urls, location: Callable[[int], str], number: int,
                count: int) -> tuple[str | None, str | None]:
    """Links to the previous and the next page of a paginated list, None at either end."""
    return (urls.link(location(number - 1)) if number > 1 else None,
            urls.link(location(number + 1)) if number < count else None)


def _day_pages(day: Day, pages: list[tuple[PostEntry, ...]], before: DayLink | None,
               after: DayLink | None, maker: _Maker, blogs: Mapping[str, Blog]) -> Iterator[PageSpec]:
    """A day's pages; each starts with the whole day's list (time and headline of
    every post, on whichever page it is) and the live blogs it comes from."""
    urls = maker.urls
    title = f"{day.date:%A, %B} {day.date.day}, {day.date.year}"
    listed = tuple(post for chunk in pages for post in chunk)
    day_blogs = blogs_of(day.posts, blogs, urls)
    every = maker.keys(listed)
    month = Link(f"{day.date:%B %Y}", urls.link(urls.month(calendar.month_of(day.date))))
    for number, chunk in enumerate(pages, start=1):
        page_title = _numbered(title, number, len(pages))

        def make(chunk: tuple[PostEntry, ...] = chunk, number: int = number,
                 page_title: str = page_title) -> dict[str, Any]:
            previous_page, next_page = _neighbours(urls, lambda n: urls.day(day.date, n), number, len(pages))
            return {
                "page_title": page_title,
                "day": day.date,
                "day_count": len(day.posts),
                "posts_views": maker.shown(chunk),
                "page_number": number,
                "page_count": len(pages),
                "previous_page": previous_page,
                "next_page": next_page,
                "previous": before,
                "next": after,
                "day_list": maker.shown(listed),
                "day_blogs": day_blogs,
                "month": month,
            }

        yield maker.page(urls.day(day.date, number), "day.html",
                         digest(page_title, len(day.posts), len(pages), before, after, maker.keys(chunk),
                                every, day_blogs, month),
                         make, newest(chunk))


def _topic_pages(topic: Topic, config: Config, maker: _Maker, *, moved: bool) -> Iterator[PageSpec]:
    """A topic's pages; with `moved`, also a redirect from each page's URL under
    the topic's legacy slug (see core/slugs.py) to the page itself."""
    urls = maker.urls
    pages = chunks(topic.posts, config.posts_per_page)
    link = Link(topic.name, urls.link(urls.topic(topic)), len(topic.posts))
    counts = calendar.day_counts(topic.posts, urls.tz)
    # The strip is made of these counts: they sign it on every page of the topic, and
    # the bars are made only when a page of it renders (once per topic).
    bars_key = digest(sorted(counts.items()))
    bars = functools.cache(lambda: calendar.strip_of(counts, urls))
    for number, chunk in enumerate(pages, start=1):
        page_title = _numbered(topic.name, number, len(pages))

        def make(chunk: tuple[PostEntry, ...] = chunk, number: int = number,
                 page_title: str = page_title) -> dict[str, Any]:
            previous, after = _neighbours(urls, lambda n: urls.topic(topic, n), number, len(pages))
            return {
                "page_title": page_title,
                "topic": link,
                "strip": bars(),
                "feed": urls.link(urls.topic_feed(topic)),
                "posts_views": maker.shown(chunk),
                "page_number": number,
                "page_count": len(pages),
                "previous": previous,
                "next": after,
            }

        yield maker.page(urls.topic(topic, number), "topic.html",
                         digest(page_title, link, topic.slug, len(pages), maker.keys(chunk), bars_key), make,
                         newest(chunk))
        if moved and topic.legacy_slug != topic.slug:
            yield _redirect(urls.topic_at(topic.legacy_slug, number), urls.topic(topic, number),
                            page_title, maker)


def _redirect(location: str, target: str, title: str, maker: _Maker) -> PageSpec:
    """A page at an old URL that sends readers (and search engines, by its
    canonical link) on to `target`."""
    urls = maker.urls
    context = {**maker.common, "page_title": title, "canonical": urls.absolute(target),
               "target": urls.link(target)}
    return PageSpec(path=sys.intern(urls.file(location)), template="redirect.html",
                    key=digest(title, target), make_context=lambda: context,
                    in_sitemap=False)


def _blog_index_pages(links: tuple[Link, ...], maker: _Maker) -> Iterator[PageSpec]:
    """live/, live/page/2/, …: every live blog, newest first, BLOGS_PER_PAGE a page
    (so that no page grows with the archive)."""
    urls = maker.urls
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

        yield maker.page(urls.blogs(number), "blogs.html", digest(page_title, len(links), chunk), make)


def _calendar_pages(site: Site, config: Config, maker: _Maker, blogs: Mapping[str, Blog]) -> Iterator[PageSpec]:
    """archive/ (every year, month and day with its count) and a page per month:
    its days, each with its live blogs and top headlines."""
    urls = maker.urls
    found = calendar.years(site.days, urls)
    yield maker.page(urls.archive(), "archive.html", digest(found),
                     lambda: {"page_title": "Archive", "years": found, "day_count": len(site.days),
                              "post_count": len(site.posts)})
    grouped = calendar.by_month(site.days)
    for index, (first, days) in enumerate(grouped):
        month = calendar.grid(first, days, urls)
        before = Link(f"{grouped[index - 1][0]:%B %Y}", urls.link(urls.month(grouped[index - 1][0]))) \
            if index > 0 else None
        after = Link(f"{grouped[index + 1][0]:%B %Y}", urls.link(urls.month(grouped[index + 1][0]))) \
            if index + 1 < len(grouped) else None
        top = [day_chunks(day, config)[0][:MONTH_HEADLINES] for day in days]
        day_blogs = [blogs_of(day.posts, blogs, urls) for day in days]

        def make(days: tuple[Day, ...] = days, month: calendar.MonthGrid = month, top: list[Any] = top,
                 day_blogs: list[Any] = day_blogs, before: Link | None = before,
                 after: Link | None = after) -> dict[str, Any]:
            return {"page_title": f"{month.first:%B %Y}", "month": month,
                    "days": [(link_to_day(day, urls), found, maker.shown(heads))
                             for day, found, heads in zip(days, day_blogs, top, strict=True)],
                    "previous": before, "next": after}

        yield maker.page(urls.month(first), "month.html",
                         digest(month, day_blogs, before, after, *(maker.keys(t) for t in top)),
                         make, newest(days[-1].posts))


def _search_page(maker: _Maker, search: bool) -> PageSpec:
    """search/: Pagefind's Component UI over the bundle in pagefind/ (or, built
    without it, a page that says so); both link to the archive and topics."""
    urls = maker.urls
    context = {"page_title": "Search", "search_on": search, "base_path": urls.base_path,
               "bundle": urls.link("pagefind/")}
    return maker.page(urls.search(), "search.html", digest(context), lambda: context)
