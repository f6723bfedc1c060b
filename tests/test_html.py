"""Specification of the HTML importer's generic part (ingest/html/): JSON-LD as a
hint, bodies as blocks, nothing executable kept. Outlet adapters: test_outlets.py."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from generator.cli import main
from generator.core.errors import SiteError
from generator.ingest.headline import derive_headline
from generator.ingest.html import NO_LIVE_BLOG, body, parse_html
from generator.ingest.html.jsonld import moment
from generator.ingest.record import BulletList, Embed, Figure, Link, Paragraph, Quote
from sites import make_site, snapshot, without_search_scripts
from test_golden import GOLDEN, compare

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "html"


def parse(name: str) -> object:
    return parse_html((FIXTURES / name).read_bytes(), source=name, zones={}, topic_rules={})


def test_graph_with_person_lists_and_every_time_form() -> None:
    capture = parse_html((FIXTURES / "jsonld-graph-person-list.html").read_bytes(), source="x.html",
                         zones={}, topic_rules={"Schools": ("schools",)})
    blog = capture.blog
    assert (blog.title, blog.outlet, blog.date.isoformat()) == ("Storm live: latest updates", "Example News",
                                                                "2024-03-05")
    assert blog.authors == ("Ann Reporter", "Ben Writer")
    assert blog.url == "https://www.example-news.com/world/live/2024/storm-live?utm_source=x#top"
    assert blog.updated == datetime(2024, 3, 5, 18, 40, 12, 345000, tzinfo=timezone.utc)
    assert [p.source_id for p in capture.posts] == ["post-3", "post-2", "post-1"]
    assert [p.authors for p in capture.posts] == [("Ann Reporter",), ("Ben Writer",), ("Example News",)]
    assert capture.posts[2].published == datetime(2024, 3, 5, 8, 15, tzinfo=timezone(timedelta(hours=-5)))
    assert capture.posts[1].title == "Schools close"  # the <script> in the headline is gone
    assert capture.posts[1].topics == ("Schools",)
    assert capture.posts[0].blocks == (Paragraph("Power has been restored to 90% of homes, the utility said."),
                                       Paragraph("Crews are working through the night."))
    assert capture.format == "html" and not capture.partial and capture.warnings == ()


def test_json_ld_that_shares_one_time_and_headline_is_not_believed() -> None:
    capture = parse_html((FIXTURES / "jsonld-shared-time-and-headline.html").read_bytes(), source="g.html",
                         zones={}, topic_rules={})
    posts = capture.posts
    assert all(p.time_unknown and p.headline_derived for p in posts)
    assert [p.position for p in posts] == [1, 2, 3]  # ordered by position, not by an invented time
    assert posts[2].title == "The president is expected to speak this evening."
    assert posts[0].title.endswith("…") and len(posts[0].title.split()) == 12
    assert [p.truncated for p in posts] == [True, True, False]  # cut at 1,000 characters
    assert capture.partial
    assert [w.message.split(":")[0] for w in capture.warnings] == [
        "every update in the JSON-LD has the same time", "every update in the JSON-LD has the same headline"]


def test_a_page_without_a_live_blog_says_so() -> None:
    with pytest.raises(SiteError) as error:
        parse("not-a-live-blog.html")
    assert str(error.value) == f"not-a-live-blog.html: {NO_LIVE_BLOG}"


def test_hostile_json_ld_keeps_only_text() -> None:
    capture = parse_html((FIXTURES / "jsonld-hostile.html").read_bytes(), source="h.html", zones={},
                         topic_rules={})
    assert capture.blog.url is None  # javascript: is not an address
    assert capture.blog.title == "Hostile blog" and capture.blog.outlet == "Evil Corp"
    (post,) = capture.posts
    assert post.source_id is None and post.title == "Hello"
    assert post.blocks == (Paragraph("Text click"), Paragraph("Second para."))


def test_imported_and_built_hostile_page_carries_nothing_executable(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    runner = CliRunner()
    result = runner.invoke(main, ["--site", str(root), "import", str(FIXTURES / "jsonld-hostile.html"),
                                  "--captured-at", "unknown"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(main, ["--site", str(root), "build"]).exit_code == 0
    for tree in ("content", "public"):
        for rel, data in snapshot(root / tree).items():
            text = data.decode("utf-8", errors="replace").lower()
            if rel.startswith("captures/"):
                assert rel.endswith(".html.txt") or rel.endswith("manifest-sha256.txt"), rel
                continue  # the raw capture, published as inert text
            if tree == "public" and rel.startswith("pagefind/"):
                continue  # Pagefind's own bundle (its index holds only the posts' text)
            # The site's own search box (every page) and search page scripts are ours.
            text = without_search_scripts(rel.removeprefix("public/"), text) if tree == "public" else text
            for bad in ("javascript:", "onerror", "onload", "onmouseover", "<iframe", "<form", "<style",
                        "alert(", "evil.example", "track.example"):
                assert bad not in text, (tree, rel, bad)
            assert text.count("<script") == text.count('<script type="application/ld+json">'), rel
    assert not (root / "public/captures/jsonld-hostile.html").exists()


@pytest.mark.parametrize("name", ["jsonld-graph-person-list.html", "jsonld-shared-time-and-headline.html"])
def test_imports_give_the_golden_content(tmp_path: Path, name: str) -> None:
    root = make_site(tmp_path / "site")
    result = CliRunner().invoke(main, ["--site", str(root), "import", str(FIXTURES / name),
                                       "--captured-at", "2024-03-06T03:00:00Z"])
    assert result.exit_code == 0, result.output
    compare(root / "content", GOLDEN / "html" / name.removesuffix(".html"))
    assert CliRunner().invoke(main, ["--site", str(root), "build"]).exit_code == 0


def _blocks(html: str, base: str | None = "https://example.org/live/") -> tuple[object, ...]:
    tree = LexborHTMLParser(f"<body><div id=b>{html}</div></body>")
    node = tree.css_first("#b")
    assert node is not None
    return body.blocks(node, base)


def test_bodies_keep_paragraphs_links_lists_quotes_figures_and_embeds() -> None:
    found = _blocks(
        '<p>Read <a href="/report">the report</a> and <a href="javascript:x()">this</a>.</p>'
        "<p><strong>Some context:</strong> The war began in 2022.</p>"
        "<ul><li>One</li><li>Two</li></ul>"
        "<blockquote><p>We will win.</p><footer>The president</footer></blockquote>"
        '<blockquote class="twitter-tweet"><p>A post</p><a href="https://twitter.com/x/status/1">date</a></blockquote>'
        '<figure><img src="https://cdn.example.org/a.jpg" alt="Smoke"><figcaption>Smoke rises. '
        '<span class="credit">Photo: Agency</span></figcaption></figure>'
        '<iframe src="https://www.youtube.com/embed/abc"></iframe>'
        "<script>alert(1)</script><style>p{}</style>"
    )
    assert found == (
        Paragraph("Read the report and this.", links=(Link(5, 15, "https://example.org/report"),)),
        Paragraph("The war began in 2022.", lead_in="Some context:"),
        BulletList(("One", "Two")),
        Quote("We will win.", cite="The president"),
        Embed("https://twitter.com/x/status/1", "A post date"),
        Figure("Smoke rises.", "Photo: Agency", "https://cdn.example.org/a.jpg", "Smoke"),
        Embed("https://www.youtube.com/embed/abc", "Embedded content"),
    )


def test_nesting_past_the_limit_is_a_clear_error() -> None:
    deep = "<div>" * (body.MAX_DEPTH + 50) + "<p>deep</p>" + "</div>" * (body.MAX_DEPTH + 50)
    with pytest.raises(SiteError, match="nested deeper than"):
        _blocks(deep)


def test_a_page_over_the_size_limit_is_refused_before_parsing() -> None:
    data = (FIXTURES / "jsonld-graph-person-list.html").read_bytes()
    with pytest.raises(SiteError) as error:
        parse_html(data, source="big.html", zones={}, topic_rules={}, max_bytes=100)
    assert str(error.value).startswith("big.html: HTML page of ") and "over the limit of 100" in str(error.value)


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-03-05T12:05:00Z", datetime(2024, 3, 5, 12, 5, tzinfo=timezone.utc)),
    ("2024-03-05T12:05:00+0000", datetime(2024, 3, 5, 12, 5, tzinfo=timezone.utc)),
    ("2024-03-05T12:05:00.123+01:00", datetime(2024, 3, 5, 12, 5, 0, 123000, tzinfo=timezone(timedelta(hours=1)))),
    ("2024-03-05T12:05:00", datetime(2024, 3, 5, 12, 5, tzinfo=timezone.utc)),
    ("yesterday", None),
])
def test_every_iso_8601_form(text: str, expected: datetime | None) -> None:
    assert moment(text) == expected


def test_a_derived_headline_is_the_first_sentence() -> None:
    assert derive_headline((Paragraph("Polls have closed in Georgia. More soon."),)) == "Polls have closed in Georgia."
    assert derive_headline((Paragraph("Polls close at 8 p.m. in Georgia. More soon."),)) == \
        "Polls close at 8 p.m. in Georgia."
    assert derive_headline(()) == "Update"


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")), deadline=None)
@given(st.text(alphabet=st.sampled_from(list('<>/="\' abpdivscriptaimg{}[]:,@typeLiveBlogPosting')), max_size=400))
def test_any_html_gives_a_capture_or_a_clear_error(html: str) -> None:
    page = ('<script type="application/ld+json">{"@type": "LiveBlogPosting", "liveBlogUpdate": ['
            '{"headline": "x", "datePublished": "2024-01-01T00:00:00Z", "articleBody": "' + html.replace('"', "") +
            '"}]}</script>' + html)
    try:
        parse_html(page.encode(), source="fuzz.html", zones={}, topic_rules={})
    except SiteError as error:
        assert error.path == "fuzz.html"


def test_post_ids_take_their_date_and_time_from_the_site_zone() -> None:
    """As permalinks do (core/urls.py) and the text importer's ids: a post at 04:30 UTC
    on March 5 is 23:30 on March 4 in New York."""
    page = ('<!DOCTYPE html><html><head><script type="application/ld+json">{"@type": "LiveBlogPosting", '
            '"headline": "Night", "liveBlogUpdate": [{"@type": "BlogPosting", "headline": "Late news", '
            '"datePublished": "2024-03-05T04:30:00Z", "articleBody": "It happened."}]}</script></head>'
            "<body></body></html>")
    new_york = parse_html(page.encode(), source="n.html", zones={}, topic_rules={},
                          site_zone=ZoneInfo("America/New_York"))
    assert [p.id for p in new_york.posts] == ["2024-03-04-2330-late-news"]
    assert new_york.posts[0].published.isoformat() == "2024-03-05T04:30:00+00:00"  # the time is kept as given
