"""Pure: the machine-readable files: RSS feeds, sitemap, robots.txt.

Feeds are rendered from `templates/feed.xml` (RSS 2.0 with atom:link
rel=self); the tests validate every feed with feedparser. A template rather
than feedgen: feedgen builds an lxml tree per feed and we render one feed per
topic, and a template keeps feeds themable like every other page.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from generator.config import Config
from generator.model import Post, Site
from generator.pages import PageSpec, PostView, post_views, site_view
from generator.urls import Urls


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    loc: str
    lastmod: datetime | None


def feed_pages(site: Site, config: Config,
               views: Mapping[str, PostView] | None = None) -> Iterator[PageSpec]:
    urls = Urls(config.base_url)
    views = views if views is not None else post_views(site, urls, config)
    common = {"site": site_view(config, urls)}

    def feed(location: str, title: str, description: str, link: str, posts: Sequence[Post]) -> PageSpec:
        chosen = list(reversed(posts[-config.feed_items:])) if posts else []
        return PageSpec(
            path=location,
            template="feed.xml",
            context={**common, "feed_title": title, "feed_description": description,
                     "feed_url": urls.absolute(location), "feed_link": link,
                     "items": [views[p.id] for p in chosen],
                     "last_build": chosen[0].published if chosen else None},
            post_ids=tuple(p.id for p in chosen),
        )

    yield feed("feed.xml", config.title, config.description, urls.absolute(""), site.posts)
    for topic in site.topics:
        yield feed(urls.topic_feed(topic), f"{config.title}: {topic.name}",
                   f"Posts about {topic.name}", urls.absolute(urls.topic(topic)),
                   tuple(reversed(topic.posts)))


SITEMAP_LIMIT = 50_000  # URLs per sitemap file, as the sitemap protocol requires


def sitemap_pages(html_pages: Iterable[PageSpec], site: Site, config: Config,
                  limit: int = SITEMAP_LIMIT) -> list[PageSpec]:
    """sitemap.xml listing every HTML page except 404.html; past `limit` URLs,
    sitemap.xml becomes a sitemap index of sitemap-1.xml, sitemap-2.xml, …"""
    urls = Urls(config.base_url)
    times = {p.id: p.published for p in site.posts}
    entries = []
    for page in html_pages:
        if page.path == "404.html":
            continue
        location = page.path.removesuffix("index.html")
        stamps = [times[i] for i in page.post_ids if i in times]
        entries.append(SitemapEntry(urls.absolute(location), max(stamps) if stamps else None))
    entries.sort(key=lambda e: e.loc)
    if len(entries) <= limit:
        return [PageSpec(path="sitemap.xml", template="sitemap.xml", context={"entries": entries})]
    parts = [entries[i:i + limit] for i in range(0, len(entries), limit)]
    specs = [PageSpec(path=f"sitemap-{n}.xml", template="sitemap.xml", context={"entries": part})
             for n, part in enumerate(parts, start=1)]
    index = [SitemapEntry(urls.absolute(f"sitemap-{n}.xml"),
                          max((e.lastmod for e in part if e.lastmod), default=None))
             for n, part in enumerate(parts, start=1)]
    return [PageSpec(path="sitemap.xml", template="sitemap_index.xml", context={"entries": index}),
            *specs]


def robots_page(config: Config) -> PageSpec:
    urls = Urls(config.base_url)
    return PageSpec(path="robots.txt", template="robots.txt",
                    context={"sitemap": urls.absolute("sitemap.xml")})


__all__ = ["PostView", "SitemapEntry", "feed_pages", "robots_page", "sitemap_pages"]
