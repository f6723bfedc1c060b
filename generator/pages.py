"""Pure routing: Site → the list of pages to render, each with its context.

Every URL is computed here once (through `Urls`) and stored in small view
records, so templates only print values. Templates get a small, documented
context per page type (see docs/templates.md).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from generator.config import Config
from generator.model import Blog, CaptureRecord, Day, Post, Site, Topic, local_day
from generator.urls import Urls


@dataclass(frozen=True, slots=True)
class PageSpec:
    path: str  # output file, relative to public/
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)
    # The posts whose content this page shows (used for incremental builds).
    post_ids: tuple[str, ...] = ()


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


@dataclass(frozen=True, slots=True)
class PostView:
    post: Post
    local: datetime  # published, in the site's time zone
    url: str  # permalink (site-absolute)
    absolute_url: str
    day_url: str
    in_day_url: str  # day page + #anchor
    blog: Link
    topics: tuple[Link, ...]
    sources: tuple[SourceView, ...]
    removed_in: SourceView | None


@dataclass(frozen=True, slots=True)
class SiteView:
    """What every template knows about the site."""

    title: str
    description: str
    language: str
    base_url: str
    home: str
    topics: str
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
        feed=urls.link("feed.xml"),
        feed_absolute=urls.absolute("feed.xml"),
        static=urls.link("static/"),
    )


def day_chunks(day: Day, config: Config) -> list[tuple[Post, ...]]:
    """A day's posts in `post_order`, cut into pages of `posts_per_page`."""
    ordered = day.posts[::-1] if config.post_order == "newest-first" else day.posts
    size = config.posts_per_page
    return [ordered[i:i + size] for i in range(0, len(ordered), size)] or [()]


def post_views(site: Site, urls: Urls, config: Config) -> dict[str, PostView]:
    # No counts here: a post's card shows its topics' names only, and a count in
    # the view would make every post of a topic look changed when one is added.
    topic_links = {t.name: Link(t.name, urls.link(urls.topic(t))) for t in site.topics}
    blogs = {b.slug: Link(b.title, urls.link(urls.blog(b.slug)), b.archived_posts) for b in site.blogs}
    records = {(b.slug, r.file): r for b in site.blogs for r in b.captures}

    def source(blog: str, entry: str) -> SourceView:
        file, _, position = entry.partition("#")
        return SourceView(records.get((blog, file)), file, urls.link(file),
                          int(position) if position.isdigit() else None)

    day_page: dict[str, int] = {}
    for each_day in site.days:
        for number, chunk in enumerate(day_chunks(each_day, config), start=1):
            for listed in chunk:
                day_page[listed.id] = number
    views = {}
    for post in site.posts:
        day = local_day(post.published, site.tz)
        location = urls.post(post, day)
        day_url = urls.link(urls.day(day))
        views[post.id] = PostView(
            post=post,
            local=post.published.astimezone(site.tz),
            url=urls.link(location),
            absolute_url=urls.absolute(location),
            day_url=day_url,
            in_day_url=f"{urls.link(urls.day(day, day_page.get(post.id, 1)))}#{post.id}",
            blog=blogs.get(post.blog, Link(post.blog, urls.link(urls.blog(post.blog)))),
            topics=tuple(topic_links[name] for name in post.topics),
            sources=tuple(source(post.blog, entry) for entry in post.captures),
            removed_in=source(post.blog, post.removed_in) if post.removed_in else None,
        )
    return views


def site_pages(site: Site, config: Config,
               views: Mapping[str, PostView] | None = None) -> Iterator[PageSpec]:
    """Every HTML page of the site, in a fixed order (`views`: from `post_views`, to share)."""
    urls = Urls(config.base_url)
    common = {"site": site_view(config, urls)}
    views = views if views is not None else post_views(site, urls, config)
    newest_first = config.post_order == "newest-first"

    def page(location: str, template: str, title: str, posts: Sequence[Post] = (), **context: Any) -> PageSpec:
        return PageSpec(
            path=urls.file(location),
            template=template,
            context={**common, "page_title": title, "canonical": urls.absolute(location),
                     **context},
            post_ids=tuple(p.id for p in posts),
        )

    def ordered(posts: Sequence[Post]) -> list[PostView]:
        chosen = [views[p.id] for p in posts]
        return chosen[::-1] if newest_first else chosen

    blogs_by_slug = {blog.slug: blog for blog in site.blogs}
    latest = site.days[-1] if site.days else None
    yield page(
        "", "index.html", config.title,
        posts=latest.posts if latest else (),
        latest_day=_day_link(latest, urls) if latest else None,
        latest_posts=ordered(latest.posts) if latest else [],
        months=_months(site.days, urls),
        topics=[Link(t.name, urls.link(urls.topic(t)), len(t.posts)) for t in site.topics],
        blogs=[_blog_link(b, urls) for b in site.blogs],
    )
    for index, day in enumerate(site.days):
        before = site.days[index - 1] if index > 0 else None
        after = site.days[index + 1] if index + 1 < len(site.days) else None
        chunks = day_chunks(day, config)
        title = f"{day.date:%A, %B} {day.date.day}, {day.date.year}"
        for number, chunk in enumerate(chunks, start=1):
            yield page(
                urls.day(day.date, number),
                "day.html",
                title + (f" (page {number} of {len(chunks)})" if len(chunks) > 1 else ""),
                posts=chunk,
                day=day.date,
                day_count=len(day.posts),
                posts_views=[views[p.id] for p in chunk],
                page_number=number,
                page_count=len(chunks),
                previous_page=urls.link(urls.day(day.date, number - 1)) if number > 1 else None,
                next_page=urls.link(urls.day(day.date, number + 1)) if number < len(chunks) else None,
                previous=_day_link(before, urls) if before else None,
                next=_day_link(after, urls) if after else None,
            )
    for post in site.posts:
        view = views[post.id]
        yield page(
            urls.post(post, view.local.date()), "post.html", post.title,
            posts=(post,),
            post=view,
            blog=blogs_by_slug.get(post.blog),
        )
    by_blog: dict[str, list[Post]] = {}
    for post in site.posts:
        by_blog.setdefault(post.blog, []).append(post)
    for blog in site.blogs:
        posts = sorted(by_blog.get(blog.slug, ()), key=lambda p: (p.position, p.id))
        yield page(
            urls.blog(blog.slug), "blog.html", blog.title,
            posts=posts,
            blog=blog,
            sources=[SourceView(r, r.file, urls.link(r.file), None) for r in blog.captures],
            posts_views=[views[p.id] for p in posts],
        )
    yield page(
        "topics/", "topics.html", "Topics",
        topics=[Link(t.name, urls.link(urls.topic(t)), len(t.posts)) for t in site.topics],
    )
    for topic in site.topics:
        yield from _topic_pages(topic, config, urls, views, page)
    yield PageSpec(path="404.html", template="404.html",
                   context={**common, "page_title": "Page not found", "canonical": None})


def _topic_pages(topic: Topic, config: Config, urls: Urls, views: Mapping[str, PostView],
                 page: Any) -> Iterator[PageSpec]:
    size = config.posts_per_page
    chunks = [topic.posts[i:i + size] for i in range(0, len(topic.posts), size)] or [()]
    for number, chunk in enumerate(chunks, start=1):
        yield page(
            urls.topic(topic, number), "topic.html",
            topic.name + (f" (page {number} of {len(chunks)})" if len(chunks) > 1 else ""),
            posts=chunk,
            topic=Link(topic.name, urls.link(urls.topic(topic)), len(topic.posts)),
            feed=urls.link(urls.topic_feed(topic)),
            posts_views=[views[p.id] for p in chunk],
            page_number=number,
            page_count=len(chunks),
            previous=urls.link(urls.topic(topic, number - 1)) if number > 1 else None,
            next=urls.link(urls.topic(topic, number + 1)) if number < len(chunks) else None,
        )


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
