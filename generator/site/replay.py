"""What the blog page and its replay page show of the blog's web archives.

A blog captured in WARCs or WACZs gets, when the site publishes replays
(core/replay.py decides), its WACZ beside its page and a replay page where
ReplayWeb.page shows the page as captured: `<replay-web-page>` loads the
WACZ, and its service worker (`static/replay/sw.js`, one for the site,
whose scope is that folder) serves the archived page into a frame. Each
capture gets a link that opens the replay at its time (`#url=…&ts=…`, read by
ReplayWeb.page's `deepLink`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlencode

from generator.core.config import Config
from generator.core.model import Blog
from generator.core.replay import replay_plan, web_archive_captures
from generator.core.urls import Urls


@dataclass(frozen=True, slots=True)
class ReplayCapture:
    captured_at: datetime
    url: str  # the address captured
    ts: str  # its time as ReplayWeb.page takes it: 14 digits, UTC
    link: str  # the replay page, opened at this capture


@dataclass(frozen=True, slots=True)
class ReplayView:
    published: bool  # False: the archives are over the size limit and stay out of public/
    bytes: int  # the web archives' size
    limit_mb: int
    page: str  # link to the replay page
    wacz: str  # link to the WACZ
    wacz_name: str
    ui: str  # link to ReplayWeb.page's ui.js
    start: str  # link to our liveblog-replay.js: shows the element once the service worker is active
    base: str  # replayBase: the folder of its service worker
    captures: tuple[ReplayCapture, ...]  # oldest first
    opens: ReplayCapture | None  # the newest capture of the blog's own address (else the newest)


def replay_view(blog: Blog, config: Config, urls: Urls) -> ReplayView | None:
    plan = replay_plan(blog, config)
    if plan is None:
        return None
    page = urls.link(urls.blog_replay(blog.slug))
    captures = []
    for record in web_archive_captures(blog):
        if record.captured_at is None or record.source_url is None:
            continue
        ts = record.captured_at.astimezone(timezone.utc).strftime("%Y%m%d%H%M%S")
        found = ReplayCapture(record.captured_at, record.source_url, ts,
                              page + "#" + urlencode({"url": record.source_url, "ts": ts}))
        if found not in captures:
            captures.append(found)
    own = [c for c in captures if c.url == blog.source_url]
    opens = (own or captures)[-1] if captures else None
    wacz = urls.blog_wacz(blog.slug)
    return ReplayView(published=plan.published, bytes=plan.bytes, limit_mb=plan.limit_mb, page=page,
                      wacz=urls.link(wacz), wacz_name=wacz.rsplit("/", 1)[-1],
                      ui=urls.link(Urls.REPLAY_STATIC + "ui.js"),
                      start=urls.link(Urls.REPLAY_STATIC + "liveblog-replay.js"), base=urls.link(Urls.REPLAY_STATIC),
                      captures=tuple(captures), opens=opens)
