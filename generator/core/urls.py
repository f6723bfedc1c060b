"""Every output path and URL of the site, in one place.

Output paths are relative to public/ (`2023/07/08/index.html`); links are
site-absolute and carry the path of `base_url` (`/liveblog-archive/2023/07/08/`);
feeds and sitemaps use full URLs (`https://…/liveblog-archive/2023/07/08/`).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, tzinfo
from urllib.parse import urlsplit

from generator.core.model import PostEntry, Topic, local_day

_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}-")
_RECORD = re.compile(r"^(?P<file>.+)@(?P<offset>\d+)$")
# Published as they are: served as text or as archives, never run by a browser.
INERT_SUFFIXES = (".txt", ".warc", ".warc.gz", ".wacz")


# What a browser drops from a URL before reading its scheme: C0 controls and spaces at
# either end, tabs and line breaks anywhere (WHATWG URL parser), so that
# " java\tscript:" is javascript: to it.
_URL_EDGES = "".join(chr(c) for c in range(0x21))
_URL_DROPPED = str.maketrans("", "", "\t\n\r")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
WEB_SCHEMES = ("http", "https")


def is_web_url(url: str) -> bool:
    """An absolute http(s) URL with a host: what a source address may be."""
    cleaned = url.strip(_URL_EDGES).translate(_URL_DROPPED)
    scheme = _SCHEME.match(cleaned)
    if scheme is None or scheme[0][:-1].lower() not in WEB_SCHEMES:
        return False
    try:
        return bool(urlsplit(cleaned).hostname)
    except ValueError:  # a bad port or IPv6 literal
        return False


def is_safe_link(url: str) -> bool:
    """What a page may put in href or src: an http(s) URL, or a reference within the
    site (`/liveblog-archive/…`, `#id`, `page/2/`). Never javascript:, data:,
    vbscript: or any other scheme, however it is cased, spaced or split, and never
    a protocol-relative `//host` (nor its backslash forms, which browsers read alike).
    The text is judged as it is and with its character references decoded
    (`&#106;avascript:`), in case a template prints it unescaped."""
    return all(_safe_reference(text) for text in {url, html.unescape(url)})


def _safe_reference(url: str) -> bool:
    cleaned = url.strip(_URL_EDGES).translate(_URL_DROPPED)
    if _SCHEME.match(cleaned):
        return is_web_url(cleaned)
    return cleaned[:2].replace("\\", "/") != "//"


def split_ref(ref: str) -> tuple[str, int | None]:
    """"captures/crawl.warc.gz@1234" → ("captures/crawl.warc.gz", 1234); a plain file → (file, None)."""
    match = _RECORD.match(ref)
    return (match["file"], int(match["offset"])) if match else (ref, None)


@dataclass(frozen=True, slots=True)
class Urls:
    base_url: str  # ends with "/"
    tz: tzinfo  # the site's time zone: a post's permalink is under its local day
    base_path: str = ""  # its path part; computed once (links are made tens of thousands of times)

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_path", urlsplit(self.base_url).path or "/")

    # Locations: directory-style paths relative to the site root, "" for home.
    @staticmethod
    def day(day: date, page: int = 1) -> str:
        return f"{day:%Y/%m/%d}/" + (f"page/{page}/" if page > 1 else "")

    def post(self, post: PostEntry) -> str:
        """The permalink: the post's day in the site's time zone, then its id
        without the date it starts with (the one rule; nothing else makes it)."""
        day = local_day(post.published, self.tz)
        return f"{day.year:04d}/{day.month:02d}/{day.day:02d}/{_DATE_PREFIX.sub('', post.id, count=1)}/"

    @staticmethod
    def month(first: date) -> str:
        """A month of the calendar: its days, their blogs and top headlines."""
        return f"{first:%Y/%m}/"

    @staticmethod
    def archive() -> str:
        """The calendar: years → months → days."""
        return "archive/"

    @staticmethod
    def search() -> str:
        return "search/"

    @staticmethod
    def blog(slug: str, oldest_first: bool = False) -> str:
        """A live blog, newest post first as the outlet showed it, or oldest first."""
        return f"live/{slug}/" + ("oldest-first/" if oldest_first else "")

    @staticmethod
    def blog_wacz(slug: str) -> str:
        """The blog's web archives as one WACZ package (a file, beside its page)."""
        return f"live/{slug}/{slug}.wacz"

    @staticmethod
    def blog_replay(slug: str) -> str:
        """The page showing the blog as captured, through ReplayWeb.page."""
        return f"live/{slug}/replay/"

    # ReplayWeb.page's ui.js and its service worker sw.js: one copy for the site, and
    # the worker's scope (the folder it sits in) is where the replay frame loads.
    REPLAY_STATIC = "static/replay/"

    @staticmethod
    def blogs(page: int = 1) -> str:
        """The index of every live blog, newest first."""
        return "live/" + (f"page/{page}/" if page > 1 else "")

    @staticmethod
    def topic(topic: Topic, page: int = 1) -> str:
        return Urls.topic_at(topic.slug, page)

    @staticmethod
    def topic_at(slug: str, page: int = 1) -> str:
        """A topic's page under `slug` (also a legacy slug, for redirects)."""
        return f"topics/{slug}/" + (f"page/{page}/" if page > 1 else "")

    @staticmethod
    def topic_feed(topic: Topic) -> str:
        return Urls.topic_feed_at(topic.slug)

    @staticmethod
    def topic_feed_at(slug: str) -> str:
        return f"topics/{slug}/feed.xml"

    @staticmethod
    def capture(ref: str) -> str:
        """Where a raw capture is published. A web archive or text keeps its name; any
        other file gets `.txt` appended (a saved page published as .html or .svg
        would run its scripts on the archive's own origin; as text it is inert)."""
        file = split_ref(ref)[0]
        return file if file.lower().endswith(INERT_SUFFIXES) else file + ".txt"

    # Turning a location into an output file, a link, or a full URL.
    @staticmethod
    def file(location: str) -> str:
        return location + "index.html" if location == "" or location.endswith("/") else location

    def link(self, location: str) -> str:
        return self.base_path + location

    def absolute(self, location: str) -> str:
        return self.base_url + location
