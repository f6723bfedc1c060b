"""Pure: the machine-readable files: RSS feeds, sitemap, robots.txt.

Feeds are rendered from `templates/feed.xml` (RSS 2.0 with atom:link
rel=self); the tests validate every feed with feedparser. A template rather
than feedgen: feedgen builds an lxml tree per feed and we render one feed per
topic, and a template keeps feeds themable like every other page.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import overload

from generator.core.config import Config
from generator.core.model import PostEntry, Site
from generator.core.urls import Urls
from generator.site.pages import Context, PageSpec, digest
from generator.site.views import PostView, Views, site_view


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    loc: str
    lastmod: datetime | None


def feed_pages(site: Site, config: Config, views: Views) -> Iterator[PageSpec]:
    urls = views.urls
    common = {"site": site_view(config, urls)}

    def feed(location: str, title: str, description: str, link: str,
             posts: Sequence[PostEntry]) -> PageSpec:
        chosen = list(reversed(posts[-config.feed_items:])) if posts else []

        def context() -> Context:
            return {**common, "feed_title": title, "feed_description": description,
                    "feed_url": urls.absolute(location), "feed_link": link,
                    "items": [views(p) for p in chosen],
                    "last_build": chosen[0].published if chosen else None}

        return PageSpec(path=location, template="feed.xml",
                        key=digest(title, description, link, *[views.key(p) for p in chosen]),
                        make_context=context)

    yield feed("feed.xml", config.title, config.description, urls.absolute(""), site.posts)
    current = {topic.slug for topic in site.topics}
    for topic in site.topics:
        spec = feed(urls.topic_feed(topic), f"{config.title}: {topic.name}",
                    f"Posts about {topic.name}", urls.absolute(urls.topic(topic)),
                    tuple(reversed(topic.posts)))
        yield spec
        if topic.legacy_slug != topic.slug and topic.legacy_slug not in current:
            # The feed readers subscribed to under the topic's old slug keep getting
            # it there; its rel=self link names the new address.
            yield replace(spec, path=urls.topic_feed_at(topic.legacy_slug))


SITEMAP_LIMIT = 50_000  # URLs per sitemap file, as the sitemap protocol requires


def sitemap_entry(page: PageSpec) -> tuple[str, datetime | None]:
    """What the sitemap needs of a page: its output path and newest post (small:
    one is kept for every page of the site until the sitemap is made)."""
    return page.path, page.lastmod


def sitemap_pages(pages: list[tuple[str, datetime | None]], config: Config,
                  limit: int = SITEMAP_LIMIT) -> list[PageSpec]:
    """sitemap.xml listing `pages` (every HTML page but 404.html); past `limit`
    URLs, sitemap.xml becomes a sitemap index of sitemap-1.xml, sitemap-2.xml, …"""
    urls = Urls(config.base_url, config.tz())
    pages = sorted(pages, key=lambda page: page[0].removesuffix("index.html"))

    def spec(path: str, template: str, listed: list[tuple[str, datetime | None]]) -> PageSpec:
        def context() -> Context:
            return {"entries": _Entries(listed, urls)}

        return PageSpec(path=path, template=template,
                        key=digest(*[f"{p} {lastmod}" for p, lastmod in listed]), make_context=context,
                        large=True)

    if len(pages) <= limit:
        return [spec("sitemap.xml", "sitemap.xml", pages)]
    parts = [pages[i:i + limit] for i in range(0, len(pages), limit)]
    index = [(f"sitemap-{n}.xml", max((lastmod for _, lastmod in part if lastmod), default=None))
             for n, part in enumerate(parts, start=1)]
    return [spec("sitemap.xml", "sitemap_index.xml", index),
            *(spec(f"sitemap-{n}.xml", "sitemap.xml", part) for n, part in enumerate(parts, start=1))]


class _Entries(Sequence[SitemapEntry]):
    """A sitemap's entries, each made when the template reaches it (a sitemap
    lists up to 50,000 pages; their full URLs are not all held at once)."""

    def __init__(self, listed: list[tuple[str, datetime | None]], urls: Urls) -> None:
        self._listed = listed
        self._urls = urls

    def __len__(self) -> int:
        return len(self._listed)

    @overload
    def __getitem__(self, index: int) -> SitemapEntry: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[SitemapEntry]: ...

    def __getitem__(self, index: int | slice) -> SitemapEntry | Sequence[SitemapEntry]:
        if isinstance(index, slice):
            return [self._entry(item) for item in self._listed[index]]
        return self._entry(self._listed[index])

    def _entry(self, item: tuple[str, datetime | None]) -> SitemapEntry:
        return SitemapEntry(self._urls.absolute(item[0].removesuffix("index.html")), item[1])


def robots_page(config: Config) -> PageSpec:
    urls = Urls(config.base_url, config.tz())
    return PageSpec(path="robots.txt", template="robots.txt", key="",
                    make_context=lambda: {"sitemap": urls.absolute("sitemap.xml")})


__all__ = ["PostView", "SitemapEntry", "feed_pages", "robots_page", "sitemap_entry", "sitemap_pages"]
