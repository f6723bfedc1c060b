"""`liveblog build` on tiny sites: safety, atomic output, reproducibility."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from generator.cli import main
from sites import BLOG, SITE_TOML, comparable, make_site, post, snapshot

BLOG_DIR = "content/2023-07-08-test-news"


def build(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--site", str(root), "build", *args])
    return result.exit_code, result.output


def test_build_writes_every_page_of_a_small_site(tmp_path: Path) -> None:
    root = make_site(tmp_path, {
        f"{BLOG_DIR}/_blog.md": BLOG,
        f"{BLOG_DIR}/a.md": post("2023-07-08-1000-a", "2023-07-08T10:00:00-04:00", topics="[Test news, NATO]"),
        f"{BLOG_DIR}/b.md": post("2023-07-09-0030-b", "2023-07-09T00:30:00-04:00"),
    })
    code, output = build(root)
    assert code == 0, output
    assert re.match(r"built \d+ files \(2 posts, 2 days, 2 topics; full build\) in \d+\.\d\d s → ", output)
    files = set(snapshot(root / "public"))
    assert {
        "index.html", "404.html", "feed.xml", "sitemap.xml", "robots.txt", "static/style.css",
        "2023/07/08/index.html", "2023/07/09/index.html",
        "2023/07/08/1000-a/index.html", "2023/07/09/0030-b/index.html",
        "live/2023-07-08-test-news/index.html", "topics/index.html",
        "topics/nato/index.html", "topics/nato/feed.xml",
        "topics/test-news/index.html", "topics/test-news/feed.xml",
    } <= files
    day = (root / "public/2023/07/08/index.html").read_text()
    assert 'href="/liveblog-archive/2023/07/09/"' in day  # next day
    assert 'rel="next"' in day


def five_posts_two_per_page(tmp_path: Path) -> Path:
    """A built site: five posts on July 8 from 10:00 to 10:04, two posts a page."""
    posts = {f"{BLOG_DIR}/p{i}.md": post(f"2023-07-08-10{i:02d}-p{i}", f"2023-07-08T10:{i:02d}:00-04:00")
             for i in range(5)}
    toml = SITE_TOML.replace("timezone", "posts_per_page = 2\ntimezone")
    root = make_site(tmp_path, {f"{BLOG_DIR}/_blog.md": BLOG, **posts}, site_toml=toml)
    assert build(root)[0] == 0
    return root


def test_topic_pages_paginate(tmp_path: Path) -> None:
    root = five_posts_two_per_page(tmp_path)
    topic = root / "public/topics/test-news"
    pages = sorted(p.relative_to(topic).as_posix() for p in topic.rglob("index.html"))
    assert pages == ["index.html", "page/2/index.html", "page/3/index.html"]
    first = (root / "public/topics/test-news/index.html").read_text()
    assert first.count('<article class="excerpt"') == 2 and "page 1 of 3" in first
    assert 'href="/liveblog-archive/topics/test-news/page/2/"' in first


def test_base_url_override_changes_every_link(tmp_path: Path) -> None:
    root = make_site(tmp_path, {f"{BLOG_DIR}/_blog.md": BLOG,
                                f"{BLOG_DIR}/a.md": post("a", "2023-07-08T10:00:00-04:00")})
    assert build(root, "--base-url", "https://owner.github.io/repo/")[0] == 0
    for page in (root / "public").rglob("*.html"):
        for link in re.findall(r'(?:href|src)="(/[^"]*)"', page.read_text()):
            assert link.startswith("/repo/"), (page, link)


XSS_BODY = """\
Plain words.

<script>alert("body")</script>

<img src="x" onerror="alert('img')">

[click](javascript:alert('link')) and <a href="JaVaScRiPt:alert(1)" onclick="alert(2)">raw</a>

<iframe src="https://evil.example/"></iframe> <svg onload="alert(3)"></svg>
"""


def test_nothing_executable_reaches_any_page_or_feed(tmp_path: Path) -> None:
    title = "'Breaking </script><script>alert(\"title\")</script>'"
    root = make_site(tmp_path, {
        f"{BLOG_DIR}/_blog.md": BLOG.replace("A test live blog", "Blog </script><script>alert(9)</script>"),
        f"{BLOG_DIR}/a.md": post("2023-07-08-1000-a", "2023-07-08T10:00:00-04:00", title=title, body=XSS_BODY),
    })
    code, output = build(root)
    assert code == 0, output
    for path in (root / "public").rglob("*"):
        if path.suffix not in (".html", ".xml"):
            continue
        text = path.read_text()
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", text, flags=re.S | re.I)
        for attributes, content in scripts:
            ours = path.name == "index.html" and path.parent.name == "search" and content == "" and \
                re.fullmatch(r' src="/liveblog-archive/(pagefind/pagefind-component-ui|static/search)\.js" defer',
                             attributes)
            if 'type="text/pagefind-template"' in attributes:  # the search page's result template
                assert "alert" not in content and ours is False, path
                continue
            assert 'type="application/ld+json"' in attributes or ours, (path, attributes)
            assert "</" not in content and "<script" not in content.lower(), path
        assert not re.search(r"<(iframe|svg|object|embed)\b", text, re.I), path
        assert not re.search(r"\son\w+\s*=", text, re.I), path
        assert "javascript:" not in text.lower(), path
    feed = feedparser.parse(str(root / "public/feed.xml"))
    assert feed.bozo == 0
    assert "<script" not in feed.entries[0].summary.lower()
    assert "Plain words." in feed.entries[0].summary


def test_a_failing_build_leaves_public_as_it_was(tmp_path: Path) -> None:
    root = make_site(tmp_path, {f"{BLOG_DIR}/_blog.md": BLOG,
                                f"{BLOG_DIR}/a.md": post("a", "2023-07-08T10:00:00-04:00")})
    assert build(root)[0] == 0
    before = snapshot(root / "public")
    (root / BLOG_DIR / "b.md").write_text("---\nid: b\ntitle: [broken\n---\n")
    code, output = build(root)
    assert code == 1
    assert output.strip().splitlines() == [f"Error: {root / BLOG_DIR / 'b.md'}:3: invalid YAML front matter: "
                                           "expected ',' or ']', but got '<stream end>'"]
    assert "Traceback" not in output
    assert snapshot(root / "public") == before
    assert not list(tmp_path.glob("public.tmp-*"))


def test_a_template_error_mid_build_leaves_public_as_it_was(tmp_path: Path) -> None:
    root = make_site(tmp_path, {f"{BLOG_DIR}/_blog.md": BLOG,
                                f"{BLOG_DIR}/a.md": post("a", "2023-07-08T10:00:00-04:00")})
    assert build(root)[0] == 0
    before = snapshot(root / "public")
    (root / "templates/topic.html").write_text("{% extends 'base.html' %}{% block content %}{{ nope }}{% endblock %}")
    code, output = build(root)
    assert code == 1 and "templates/topic.html" in output and "'nope' is undefined" in output
    assert len(output.strip().splitlines()) == 1
    assert snapshot(root / "public") == before
    assert not list(tmp_path.glob("public.tmp-*"))


def test_refuses_to_build_over_its_own_sources(tmp_path: Path) -> None:
    root = make_site(tmp_path, {f"{BLOG_DIR}/_blog.md": BLOG})
    for target in (root, root / "content", tmp_path.parent):
        code, output = build(root, "--output", str(target))
        assert code == 1 and "refusing to build into a folder that holds the site's sources" in output
    assert (root / BLOG_DIR / "_blog.md").read_text() == BLOG


def test_two_builds_are_byte_identical_anywhere_and_any_hash_seed(tmp_path: Path) -> None:
    files = {f"{BLOG_DIR}/_blog.md": BLOG,
             **{f"{BLOG_DIR}/p{i}.md": post(f"2023-07-0{8 + i % 2}-10{i:02d}-p{i}",
                                             f"2023-07-0{8 + i % 2}T10:{i:02d}:00-04:00",
                                             topics=f"[Test news, T{i % 3}, NATO]") for i in range(6)}}
    outputs = []
    for number, seed in enumerate(("1", "12345")):
        root = make_site(tmp_path / f"site{number}", files)
        env = {**os.environ, "PYTHONHASHSEED": seed, "TZ": ["UTC", "Asia/Tokyo"][number]}
        subprocess.run([sys.executable, "-m", "generator", "--site", str(root), "-q", "build"],
                       check=True, env=env)
        outputs.append(comparable(snapshot(root / "public")))
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) > 15


@pytest.mark.parametrize("option", ["--help"])
def test_build_help_shows_an_example(option: str) -> None:
    result = CliRunner().invoke(main, ["build", option])
    assert result.exit_code == 0 and "Example:" in result.output


def test_day_pages_paginate_and_anchors_point_to_the_right_page(tmp_path: Path) -> None:
    root = five_posts_two_per_page(tmp_path)
    day = root / "public/2023/07/08"
    assert sorted(p.relative_to(day).as_posix() for p in day.glob("**/index.html")
                  if "page" in p.parts or p.parent == day) == ["index.html", "page/2/index.html", "page/3/index.html"]
    first = (day / "index.html").read_text()
    assert "5 posts, newest first · page 1 of 3" in first and 'href="/liveblog-archive/2023/07/08/page/2/"' in first
    # Newest first: 10:04 and 10:03 on page 1, 10:00 alone on page 3.
    assert 'id="2023-07-08-1004-p4"' in first and 'id="2023-07-08-1000-p0"' not in first
    permalink = (day / "1000-p0/index.html").read_text()
    assert 'href="/liveblog-archive/2023/07/08/page/3/#2023-07-08-1000-p0"' in permalink
    # Every page starts with the whole day's list, each post linked on the page that holds it.
    for page in ("index.html", "page/2/index.html", "page/3/index.html"):
        listed = (day / page).read_text().split('class="on-this-day"', 1)[1].split("</section>", 1)[0]
        assert re.findall(r'href="/liveblog-archive/2023/07/08/(?:page/\d/)?#(2023-07-08-\d+-p\d)"', listed) == [
            f"2023-07-08-100{i}-p{i}" for i in range(4, -1, -1)], page
    assert 'href="/liveblog-archive/2023/07/08/page/3/#2023-07-08-1000-p0"' in first
    result = CliRunner().invoke(main, ["--site", str(root), "check"])
    assert result.exit_code == 0, result.output


def test_a_sitemap_past_the_limit_becomes_a_sitemap_index(tmp_path: Path) -> None:
    from generator.core.config import load_config
    from generator.content.read import PostReader, load_site
    from generator.site.feeds import sitemap_entry, sitemap_pages
    from generator.site.pages import site_pages
    from generator.site.views import Views

    root = make_site(tmp_path, {f"{BLOG_DIR}/_blog.md": BLOG,
                                **{f"{BLOG_DIR}/p{i}.md": post(f"p{i}", f"2023-07-08T10:{i:02d}:00-04:00")
                                   for i in range(3)}})
    config = load_config(root)
    site = load_site(root / "content", config.tz())
    views = Views(site, config, PostReader())
    entries = [sitemap_entry(spec) for spec in site_pages(site, config, views) if spec.path != "404.html"]
    single = sitemap_pages(entries, config)
    assert [s.path for s in single] == ["sitemap.xml"]
    total = len(single[0].context["entries"])
    assert total == len(entries)
    split = sitemap_pages(entries, config, limit=4)
    assert split[0].path == "sitemap.xml" and split[0].template == "sitemap_index.xml"
    assert [s.path for s in split[1:]] == [f"sitemap-{n}.xml" for n in range(1, (total + 3) // 4 + 1)]
    assert sum(len(s.context["entries"]) for s in split[1:]) == total
    assert all(len(s.context["entries"]) <= 4 for s in split[1:])


def test_a_cut_off_post_says_so_on_its_page_and_in_lists(tmp_path: Path) -> None:
    root = make_site(tmp_path, {f"{BLOG_DIR}/_blog.md": BLOG,
                                f"{BLOG_DIR}/a.md": post("2023-07-08-1000-a", "2023-07-08T10:00:00-04:00",
                                                         body="It struck them ab", extra="cut_off: true\n")})
    assert build(root)[0] == 0
    note = "The capture ends here: the rest of this post was not saved."
    for page in ("2023/07/08/index.html", "2023/07/08/1000-a/index.html", "live/2023-07-08-test-news/index.html"):
        assert note in (root / "public" / page).read_text(), page


def test_the_home_page_lists_the_newest_blogs_and_live_lists_them_all_in_pages(tmp_path: Path) -> None:
    # 101 live blogs, one a day from 2023-01-01: the home page stays small however many there are.
    blogs = {}
    for number in range(101):
        day = f"2023-{1 + number // 28:02d}-{1 + number % 28:02d}"
        blogs[f"content/{day}-blog-{number:03d}/_blog.md"] = BLOG.replace(
            "title: A test live blog", f"title: Blog number {number}").replace("date: 2023-07-08", f"date: {day}")
    root = make_site(tmp_path, blogs)
    code, output = build(root)
    assert code == 0, output
    public = root / "public"
    home = (public / "index.html").read_text()
    assert home.count(" archived</span></li>") == 20
    assert "Blog number 100<" in home and "Blog number 80<" not in home  # newest first
    assert '<a href="/liveblog-archive/live/">All 101 live blogs →</a>' in home
    first = (public / "live/index.html").read_text()
    second = (public / "live/page/2/index.html").read_text()
    assert first.count(" archived</span></li>") == 100
    assert "101 live blogs, newest first · page 1 of 2" in first
    assert 'rel="next" href="/liveblog-archive/live/page/2/"' in first
    assert second.count(" archived</span></li>") == 1 and "Blog number 0<" in second
    assert 'rel="prev" href="/liveblog-archive/live/"' in second
    assert '<a href="/liveblog-archive/live/">Live blogs</a>' in home  # the site menu
    result = CliRunner().invoke(main, ["--site", str(root), "check"])
    assert result.exit_code == 0, result.output


class _Spy:
    """A Collector that records the build's phases and what the collector was doing."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, bool, int]] = []

    def _note(self, phase: str) -> None:
        import gc

        self.calls.append((phase, gc.isenabled(), gc.get_freeze_count()))

    def loading(self) -> None:
        self._note("loading")

    def loaded(self) -> None:
        self._note("loaded")

    def rendering(self) -> None:
        self._note("rendering")

    def finished(self) -> None:
        self._note("finished")


def test_build_leaves_the_garbage_collector_to_its_caller(tmp_path: Path) -> None:
    # serve builds on a thread beside the HTTP server's: build() itself must not
    # switch the process-wide collector off or freeze other threads' objects.
    from generator.commands.build import build

    root = make_site(tmp_path / "site", {"content/2023-07-08-test-news/_blog.md": BLOG,
                                         "content/2023-07-08-test-news/2023-07-08-1129-a.md":
                                         post("2023-07-08-1129-a", "2023-07-08T11:29:00-04:00")})
    spy = _Spy()
    build(root, collector=spy)
    assert spy.calls == [("loading", True, 0), ("loaded", True, 0), ("rendering", True, 0),
                         ("finished", True, 0)]


def test_the_build_command_pauses_the_collector_only_while_it_loads(tmp_path: Path) -> None:
    import gc

    from generator.commands.collector import BatchCollector

    collector = BatchCollector()
    collector.loading()
    assert not gc.isenabled()
    collector.loaded()
    assert gc.get_freeze_count() > 0
    collector.rendering()
    assert gc.isenabled()
    collector.finished()
    assert gc.isenabled() and gc.get_freeze_count() == 0
