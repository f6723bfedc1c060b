"""schema.org JSON-LD for post and live blog pages. Pure.

Built at render time (templates call the `jsonld_article` and
`jsonld_live_blog` globals) from values already in the page context, so page
signatures need not hash it separately.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from generator.core.config import Config
from generator.core.model import Blog
from generator.site.views import PostView
from generator.core.urls import Urls


def _person_list(names: Sequence[str]) -> list[dict[str, str]]:
    return [{"@type": "Person", "name": name} for name in names]


def article(view: PostView, blog: Blog | None, config: Config) -> dict[str, Any]:
    """schema.org NewsArticle for a post page."""
    post = view.post
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": post.title,
        "datePublished": post.published.isoformat(),
        "url": view.absolute_url,
        "mainEntityOfPage": view.absolute_url,
        "inLanguage": config.language,
        "author": _person_list(post.authors),
    }
    if post.topics:
        data["keywords"] = list(post.topics)
    if blog is None:
        return data
    if blog.outlet:
        data["publisher"] = {"@type": "Organization", "name": blog.outlet}
    data["isPartOf"] = {"@type": "LiveBlogPosting", "headline": blog.title,
                        "url": config.base_url + Urls.blog(blog.slug)}
    return data


def live_blog(blog: Blog, views: Sequence[PostView], config: Config) -> dict[str, Any]:
    """schema.org LiveBlogPosting for a live blog page, its posts as liveBlogUpdate items."""
    urls = Urls(config.base_url, config.tz())
    times = sorted(v.post.published for v in views)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting",
        "headline": blog.title,
        "url": urls.absolute(urls.blog(blog.slug)),
        "inLanguage": config.language,
        "author": _person_list(blog.authors),
    }
    if blog.series:
        data["about"] = {"@type": "Thing", "name": blog.series}
    if blog.outlet:
        data["publisher"] = {"@type": "Organization", "name": blog.outlet}
    if times:
        data["coverageStartTime"] = times[0].isoformat()
        data["coverageEndTime"] = (blog.updated or times[-1]).isoformat()
        data["datePublished"] = times[0].isoformat()
    if blog.updated:
        data["dateModified"] = blog.updated.isoformat()
    data["liveBlogUpdate"] = [
        {
            "@type": "BlogPosting",
            "headline": v.post.title,
            "datePublished": v.post.published.isoformat(),
            "url": v.absolute_url,
            "author": _person_list(v.post.authors),
        }
        for v in views
    ]
    return data
