"""The sample site, built from the real CNN capture, checked with real tools.

One session-scoped build (import the sample, build into public/) feeds every
test here: shape of the output, the Nu HTML Checker, feedparser, our link
checker, a real HTTP server under /liveblog-archive/, axe-core in Chromium.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import feedparser
import pytest
from click.testing import CliRunner

import tools
from generator.commands.check import check_site
from generator.cli import main
from sites import REPO, SAMPLE, SAMPLE_URL, make_site

BASE_URL = "https://example.org/liveblog-archive/"
DAY = "2023/07/08/index.html"
BLOG = "live/2023-07-08-russia-ukraine-news/index.html"


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_site(tmp_path_factory.mktemp("sample"),
                     site_toml=(REPO / "site.toml").read_text(encoding="utf-8"))
    runner = CliRunner()
    imported = runner.invoke(main, ["--site", str(root), "import", str(SAMPLE),
                                    "--source-url", SAMPLE_URL, "--captured-at", "unknown"])
    assert imported.exit_code == 0, imported.output
    built = runner.invoke(main, ["--site", str(root), "build", "--base-url", BASE_URL])
    assert built.exit_code == 0, built.output
    return root


@pytest.fixture(scope="session")
def public(sample_site: Path) -> Path:
    return sample_site / "public"


def html_files(public: Path) -> list[Path]:
    return sorted(public.rglob("*.html"))


def count(pattern: str, text: str) -> int:
    return len(re.findall(pattern, text))


# --- shape --------------------------------------------------------------------------


def test_one_day_page_holds_the_nine_posts_newest_first(public: Path) -> None:
    days = sorted(p.relative_to(public).as_posix() for p in public.glob("[0-9]*/*/*/index.html"))
    assert days == [DAY]
    html = (public / DAY).read_text()
    assert count(r'<article class="post[^"]*" id="2023-07-08-', html) == 9
    times = re.findall(r'<time datetime="2023-07-08T(\d\d:\d\d):00-04:00">', html)
    listed, cards = times[:9], times[9:]  # the day's list at the top, then the posts
    assert listed == cards == sorted(times[:9], reverse=True) and len(times) == 18
    assert "3:47 p.m. ET" in html and "4:12 a.m. ET" in html


def test_each_post_has_a_permalink_page(public: Path) -> None:
    permalinks = sorted(public.glob("2023/07/08/*/index.html"))
    assert len(permalinks) == 9
    day = (public / DAY).read_text()
    for page in permalinks:
        link = "/liveblog-archive/" + page.parent.relative_to(public).as_posix() + "/"
        assert f'href="{link}"' in day


def test_the_blog_page_shows_nine_of_sixteen_posts_and_provenance(public: Path) -> None:
    html = (public / BLOG).read_text()
    assert "9 of 16 posts archived" in html
    assert count(r'<article class="post', html) == 9
    assert "2bc977081fbfdcce3bbe44d0ffd17dd74991959efd64d8d24153525d4cd65230" in html
    assert SAMPLE_URL in html
    assert "Christian Edwards, Adrienne Vogt, Laura Smith-Spark, Matt Meyer, CNN" in html
    assert '<time datetime="2023-07-08T17:38:00-04:00">5:38 p.m. ET, July 8, 2023</time>' in html
    # Capture order: the first post of the capture comes first.
    assert html.index("Ukrainian officials report gains") < html.index("No date set yet for Putin")


def test_figures_keep_caption_and_credit_apart(public: Path) -> None:
    html = (public / DAY).read_text()
    assert ('<figcaption><span class="caption">A Ukrainian soldier stands beside a howitzer on '
            'July 7 near Bakhmut in eastern Ukraine.</span> <span class="credit">Kostyantin Gak/CNN'
            '</span></figcaption>') in html
    assert count("<figure", html) == 6  # six photos in the capture


def test_every_front_matter_topic_has_a_page(sample_site: Path, public: Path) -> None:
    topics: set[str] = set()
    for post in (sample_site / "content").rglob("2023-*.md"):
        line = next(l for l in post.read_text().splitlines() if l.startswith("topics:"))
        topics.update(t.strip() for t in line[len("topics: ["):-1].split(","))
    index = (public / "topics/index.html").read_text()
    assert count(r'<li><a href="/liveblog-archive/topics/[^"]+/">', index) == len(topics)
    for topic in topics:
        assert f">{topic}</a>" in index
    assert "Russia-Ukraine news" in topics and "NATO" in topics


def test_sitemap_lists_every_page(public: Path) -> None:
    sitemap = (public / "sitemap.xml").read_text()
    locs = set(re.findall(r"<loc>([^<]+)</loc>", sitemap))
    pages = {BASE_URL + p.relative_to(public).as_posix().removesuffix("index.html")
             for p in html_files(public) if p.name != "404.html"}
    assert locs == pages
    assert (public / "robots.txt").read_text().strip().endswith(f"Sitemap: {BASE_URL}sitemap.xml")


def test_json_ld_is_valid_and_describes_the_live_blog(public: Path) -> None:
    html = (public / BLOG).read_text()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert block is not None
    data = json.loads(block.group(1))
    assert data["@type"] == "LiveBlogPosting"
    assert data["coverageStartTime"] == "2023-07-08T04:12:00-04:00"
    assert data["coverageEndTime"] == "2023-07-08T17:38:00-04:00"
    assert len(data["liveBlogUpdate"]) == 9
    updates = data["liveBlogUpdate"]
    assert [u["datePublished"] for u in updates] == sorted((u["datePublished"] for u in updates), reverse=True)
    first = next(u for u in updates if u["datePublished"] == "2023-07-08T11:29:00-04:00")
    assert first["@type"] == "BlogPosting"
    assert first["author"][0] == {"@type": "Person", "name": "Sarah El Sirgany"}
    post = next(public.glob("2023/07/08/1129-*/index.html")).read_text()
    article = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', post, re.S).group(1))  # type: ignore[union-attr]
    assert article["@type"] == "NewsArticle" and article["headline"].startswith("Ukrainian officials")


def test_every_time_is_in_a_time_element_with_offset(public: Path) -> None:
    for page in html_files(public):
        html = page.read_text()
        for stamp in re.findall(r'<time datetime="([^"]+)">', html):
            assert re.fullmatch(r"\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d[+-]\d\d:\d\d)?", stamp), (page, stamp)
        visible = re.sub(r"<time[^>]*>.*?</time>|<script.*?</script>|<[^>]*>", "", html, flags=re.S)
        assert not re.search(r"\b\d{1,2}:\d\d [ap]\.m\. ET", visible), page


# --- real tools -----------------------------------------------------------------------


def test_every_page_is_valid_html(public: Path, vnu: Callable[[Sequence[Path]], list[dict[str, Any]]]) -> None:
    assert vnu(html_files(public)) == []


def test_every_feed_parses_with_the_expected_items(public: Path) -> None:
    feed = feedparser.parse(str(public / "feed.xml"))
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert len(feed.entries) == 9
    newest = feed.entries[0]
    assert newest.title == "Ukrainian defense minister thanks US for providing Ukraine with cluster munitions"
    assert newest.id == newest.link and newest.link.startswith(BASE_URL + "2023/07/08/1547-")
    assert newest.published == "Sat, 08 Jul 2023 15:47:00 -0400"
    assert "<figcaption>" in newest.summary and "Reznikov" in newest.summary
    raw = (public / "feed.xml").read_text()
    assert '<guid isPermaLink="true">' in raw and f'<atom:link href="{BASE_URL}feed.xml" rel="self"' in raw
    topic_feeds = sorted(public.glob("topics/*/feed.xml"))
    assert topic_feeds
    for path in topic_feeds:
        parsed = feedparser.parse(str(path))
        assert parsed.bozo == 0 and parsed.entries, path


def test_every_internal_link_and_anchor_resolves(public: Path) -> None:
    report = check_site(public, BASE_URL)
    assert report.problems == ()
    assert report.pages == len(html_files(public)) and report.links > 500


def test_every_linked_page_and_asset_is_served_under_the_base_path(public: Path) -> None:
    with tools.serve_directory(public, "/liveblog-archive/") as base:
        origin = base[: base.index("/liveblog-archive/")]
        seen: set[str] = set()
        queue = [base]
        while queue:
            url = queue.pop()
            if url in seen:
                continue
            seen.add(url)
            with urllib.request.urlopen(url) as response:
                assert response.status == 200, url
                body = response.read()
            if url.endswith("/") or url.endswith(".html"):
                for link in _links(body.decode("utf-8")):
                    if link.startswith("/"):
                        assert link.startswith("/liveblog-archive/"), (url, link)
                        queue.append(origin + link.split("#")[0])
        assert len(seen) > 20
        assert base + "static/style.css" in seen and base + "feed.xml" in seen
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(base + "no/such/page/")
        assert missing.value.code == 404
        missing.value.close()


def _links(html: str) -> list[str]:
    found: list[str] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            for name, value in attrs:
                if name in ("href", "src") and value:
                    found.append(value)

    Collect().feed(html)
    return found


PAGES = {"home": "", "day": "2023/07/08/", "blog": "live/2023-07-08-russia-ukraine-news/",
         "topic": "topics/nato/", "topics": "topics/"}


@pytest.mark.parametrize("width", [390, 1280])
def test_no_serious_accessibility_violations(public: Path, chromium: Any, axe: Any, width: int) -> None:
    post = next(public.glob("2023/07/08/1129-*/")).relative_to(public).as_posix() + "/"
    with tools.serve_directory(public, "/liveblog-archive/") as base:
        for name, path in {**PAGES, "post": post}.items():
            with tools.new_page(chromium, width=width, height=900) as page:
                page.goto(base + path)
                assert axe(page) == [], (name, width)
                # Usable on a phone: nothing wider than the window.
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 0, (name, width, overflow)
