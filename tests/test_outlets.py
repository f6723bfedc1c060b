"""Outlet adapters (ingest/html/outlets/): the Guardian, CNN and the BBC.

Each fixture in tests/fixtures/html/ follows the outlet's real markup (the
adapter's docstring names the sources) with made-up text and hostile payloads.
A fixture is checked field by field through `parse_html`, its import is
compared with tests/golden/html/<fixture>/ (UPDATE_GOLDEN=1 rewrites it), and
the site built from it must carry nothing executable.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from selectolax.lexbor import LexborHTMLParser

from generator.cli import main
from generator.ingest.html import jsonld, parse_html
from generator.ingest.html.body import blocks
from generator.ingest.html.outlets import ADAPTERS, MarkupPage, bbc, cnn, guardian
from generator.ingest.html.outlets.markup import on_host
from generator.ingest.record import Block, BulletList, Embed, Figure, Link, Paragraph, ParsedCapture, Quote
from sites import make_site, without_search_scripts
from test_golden import GOLDEN, compare

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "html"
OUTLET_FIXTURES = sorted(p.name for p in FIXTURES.glob("*.html") if p.name.startswith(("guardian-", "cnn-", "bbc-")))
UTC = timezone.utc
GUARDIAN_URL = "https://www.theguardian.com/uk-news/live/2024/mar/05/storm-hallie-live-updates"


def parse(name: str) -> ParsedCapture:
    return parse_html((FIXTURES / name).read_bytes(), source=name, zones={}, topic_rules={})


def markup(name: str, url: str | None = None) -> MarkupPage | None:
    """The fixture as the first adapter that answers reads it."""
    tree = LexborHTMLParser((FIXTURES / name).read_text(encoding="utf-8"))
    return next((page for adapter in ADAPTERS if (page := adapter(tree, url)) is not None), None)


def text(block: Block) -> str:
    assert isinstance(block, Paragraph)
    return block.full_text


# --- the Guardian ---------------------------------------------------------------------------

def test_guardian_posts_times_titles_authors_and_key_events() -> None:
    capture = parse("guardian-key-events.html")
    assert capture.blog.outlet == "The Guardian"
    assert capture.blog.title == "Storm Hallie: roads closed as winds reach 90mph – live"
    assert capture.blog.url == GUARDIAN_URL
    assert not capture.partial and capture.warnings == ()
    posts = capture.posts
    assert [p.source_id for p in posts] == ["block-65e72c1d8f08b2a3c4d5e6f7", "block-65e71a2c8f08b2a3c4d5e6f6",
                                            "block-65e70e4b8f08b2a3c4d5e6f5", "block-65e6f9d08f08b2a3c4d5e6f4"]
    assert [p.published for p in posts] == [datetime(2024, 3, 5, 15, 0, tzinfo=UTC),
                                            datetime(2024, 3, 5, 13, 41, 37, tzinfo=UTC),
                                            datetime(2024, 3, 5, 12, 48, tzinfo=UTC),
                                            datetime(2024, 3, 5, 11, 20, 5, tzinfo=UTC)]
    assert all(p.published.utcoffset() == timedelta(0) and not p.time_unknown for p in posts)
    assert [p.title for p in posts] == [
        "Summary of the day so far",
        "A lorry has overturned on the A66 near Penrith, Cumbria police said.",
        "M62 closed in both directions",
        "Good morning."]
    assert [p.headline_derived for p in posts] == [False, True, False, True]
    assert [p.authors for p in posts] == [("Ann Reporter",), ("Ben Writer",), (), ()]
    assert all(p.byline is None and not p.truncated for p in posts)
    assert [p.id for p in posts][0] == "2024-03-05-1500-summary-of-the-day-so-far"
    page = markup("guardian-key-events.html", GUARDIAN_URL)
    assert page is not None and page.outlet == "The Guardian" and (page.page, page.pages) == (None, None)
    assert [p.key_event for p in page.posts] == [True, False, True, False]


def test_guardian_bodies_keep_lists_figures_quotes_embeds_and_drop_the_chrome() -> None:
    summary, lorry, m62, morning = parse("guardian-key-events.html").posts
    assert summary.blocks == (
        Paragraph("If you are just joining us, here is where things stand:"),
        BulletList(("Winds of up to 90mph were recorded on high ground in Cumbria.",
                    "More than 20,000 homes are without power, the network operator said.",
                    "Rail services across the north have been suspended until further notice.")),
    )
    assert lorry.blocks[1] == Figure(
        "The lorry on the A66 on Tuesday morning.", "Photograph: Carla Camera/PA",
        "https://i.guim.co.uk/img/media/abc123/0_0_3000_1800/master/3000.jpg?width=445&dpr=1&s=none",
        "An overturned lorry on a wet road")
    assert m62.blocks[1] == Quote("Please do not travel unless your journey is absolutely necessary.",
                                  "National Highways")
    assert m62.blocks[2] == Embed("https://twitter.com/ExampleTraffic/status/1765021234567890123",
                                  "Traffic is being held on the M62 eastbound at J21. — Example Traffic "
                                  "(@ExampleTraffic) March 5, 2024")
    assert [text(b) for b in morning.blocks][1] == \
        "We will bring you the latest on closures and power cuts throughout the day."
    every = " ".join(t for p in (summary, lorry, m62, morning) for b in p.blocks if isinstance(b, Paragraph)
                     for t in (b.full_text,))
    for chrome in ("Share", "Updated at", "15.02", "4h ago", "15.00 GMT", "Ann Reporter"):
        assert chrome not in every


def test_guardian_pinned_copy_is_skipped_and_the_real_block_kept_in_place() -> None:
    capture = parse("guardian-pinned.html")
    assert [p.source_id for p in capture.posts] == ["block-65e8396f8f08c1d2e3f4a5b3",
                                                    "block-65e82f0a8f08c1d2e3f4a5b2",
                                                    "block-65e8226a8f08c1d2e3f4a5b1"]
    pinned = capture.posts[2]
    assert (pinned.position, pinned.title, pinned.published) == (
        3, "What we know so far", datetime(2024, 3, 6, 8, 2, tzinfo=UTC))
    assert pinned.blocks == (
        Paragraph("The chancellor will deliver the budget at 12.30pm. Here is what has been trailed:"),
        BulletList(("A cut to national insurance", "An extension of the fuel duty freeze")))
    assert capture.posts[1].authors == ("Cara Columnist",)
    assert capture.posts[1].blocks[1] == Paragraph("A data link and our preview.", links=(
        Link(16, 27, "https://www.theguardian.com/politics/2024/mar/05/budget-preview"),))


def test_guardian_page_1_of_4_is_a_partial_capture() -> None:
    page = markup("guardian-page-1-of-4.html")
    assert page is not None and (page.page, page.pages) == (1, 4)
    capture = parse("guardian-page-1-of-4.html")
    assert capture.partial
    assert [w.message for w in capture.warnings] == [
        "page 1 of 4 of the live blog: the capture holds only this page's posts"]
    assert [p.title for p in capture.posts] == ["Full time: Ireland 17-13 Scotland",
                                                "77 min: Scotland win a penalty in front of the posts, and…",
                                                "70 min: A scrum on halfway."]
    assert capture.posts[1].blocks == (Paragraph("Scotland win a penalty in front of the posts, and kick it "
                                                 "to the corner.", lead_in="77 min:"),)
    assert capture.posts[2].blocks[1] == Embed("https://uploads.guim.co.uk/2024/03/16/scrum.mp4", "Embedded video")


def test_guardian_markup_wins_over_a_truncated_shared_json_ld() -> None:
    name = "guardian-jsonld-truncated.html"
    scripts = [n.text() for n in LexborHTMLParser((FIXTURES / name).read_text()).css(
        'script[type="application/ld+json"]')]
    ld = jsonld.live_blog(scripts)
    assert ld is not None and len(ld.updates) == 3
    assert {u.headline for u in ld.updates} == {ld.headline} and len({u.published for u in ld.updates}) == 1
    assert [len(u.body or "") for u in ld.updates] == [1000, 1000, 146]
    capture = parse(name)
    assert not capture.partial and capture.warnings == ()
    first, second, third = capture.posts
    assert [p.published for p in capture.posts] == [datetime(2024, 3, 7, 10, 32, 18, tzinfo=UTC),
                                                    datetime(2024, 3, 7, 9, 14, 55, tzinfo=UTC),
                                                    datetime(2024, 3, 7, 8, 1, 2, tzinfo=UTC)]
    assert not any(p.truncated or p.time_unknown for p in capture.posts)
    assert (first.title, first.headline_derived) == ("Town centre evacuated in Monmouth", False)
    assert second.headline_derived and second.title.startswith("The Met Office has extended")
    assert len(first.blocks) == 5 and sum(len(text(b)) for b in first.blocks) > 1200
    assert text(first.blocks[-1]).endswith("where several cars have already been abandoned.")
    assert third.authors == ("Dee Reporter",)


def test_guardian_answers_only_for_its_live_blogs() -> None:
    article = ('<html><head><link rel="canonical" href="https://www.theguardian.com/world/2024/mar/05/x">'
               '</head><body><main data-layout="StandardLayout"><h1>An article</h1>'
               '<div data-gu-name="body"><p>Text.</p></div></main></body></html>')
    assert guardian.adapter(LexborHTMLParser(article), "https://www.theguardian.com/world/2024/mar/05/x") is None
    live = (FIXTURES / "guardian-key-events.html").read_text()
    assert guardian.adapter(LexborHTMLParser(live), "https://www.cnn.com/live-news/x") is None
    archived = "https://web.archive.org/web/20240305190000/" + GUARDIAN_URL
    assert guardian.adapter(LexborHTMLParser(live), archived) is not None


def test_guardian_pages_from_the_older_front_end() -> None:
    """guardian/frontend (≤2021): div.block with is-key-event, p.published-time, h2.block-title,
    .block-elements, an updated-time line and a `-pinned` copy in .pinned-block."""
    old = """<html><body><div class="js-liveblog-body" itemprop="articleBody">
    <div class="pinned-block"><div class="pinned-block__body"><div id="block-5f1-pinned" class="" itemprop="liveBlogUpdate">
      <div class="block-time"><p class="published-time"><a href="?page=with:block-5f1#block-5f1">
      <time datetime="2019-07-23T12:02:45.546Z" class=" js-timestamp">1.02pm <span class="timezone">BST</span></time></a></p></div>
      <div class="block-elements"><p>Pinned copy.</p></div></div></div></div>
    <div id="block-5f2" class="block block--content is-key-event" itemprop="liveBlogUpdate">
      <meta itemprop="headline" content="Blog headline">
      <div class="block-time"><p class="published-time"><a href="?page=with:block-5f2#block-5f2">
      <time datetime="2019-07-23T13:10:00.000Z" class=" js-timestamp">2.10pm BST</time>
      <span class="block-time__absolute">14:10</span></a></p></div>
      <h2 class="block-title">New prime minister named</h2>
      <div class="block-elements"><p>The result was announced at noon.</p></div>
      <p class="block-time updated-time">Updated <time datetime="2019-07-23T13:20:00.000Z">at 2.20pm BST</time></p>
    </div>
    <div id="block-5f1" class="block block--content" itemprop="liveBlogUpdate">
      <div class="block-time"><p class="published-time"><a href="?page=with:block-5f1#block-5f1">
      <time datetime="2019-07-23T12:02:45.546Z" class=" js-timestamp">1.02pm BST</time></a></p></div>
      <div class="block-elements"><p>Pinned copy.</p></div></div>
    </div><div id="liveblog-navigation"><div class="liveblog-navigation__detail"><div>
    <span class="liveblog-navigation__page-number">2</span> of <span class="liveblog-navigation__pages-length">3</span></div></div></div>
    </body></html>"""
    page = guardian.adapter(LexborHTMLParser(old), "https://www.theguardian.com/politics/live/2019/jul/23/x")
    assert page is not None and (page.page, page.pages) == (2, 3)
    assert [(p.source_id, p.title, p.key_event) for p in page.posts] == [
        ("block-5f2", "New prime minister named", True), ("block-5f1", None, False)]
    assert page.posts[0].published == datetime(2019, 7, 23, 13, 10, tzinfo=UTC)
    assert page.posts[0].blocks == (Paragraph("The result was announced at noon."),)


# --- CNN ------------------------------------------------------------------------------------

def test_cnn_posts_ids_bylines_and_times() -> None:
    capture = parse("cnn-live-story.html")
    assert (capture.blog.outlet, capture.blog.title) == ("CNN", "March 5, 2024 – Storm Hallie news")
    posts = capture.posts
    assert [p.source_id for p in posts] == ["h_4c1a9e7d2b6f4e0a8c3d5b7a9e1f2c4d",
                                            "h_77ab3c5d9e1f2a4b6c8d0e2f4a6b8c0d",
                                            "h_9e02b6c4d8a1f3e5b7c9d0a2e4f6b8c1"]  # the pinned copy skipped
    assert [p.title for p in posts] == ["More than 20,000 homes lose power as winds hit 90 mph",
                                        "What we know about Storm Hallie",
                                        "Ferries cancelled"]  # empty in the markup: the JSON-LD's
    assert [p.headline_derived for p in posts] == [False, False, False]
    assert [p.byline for p in posts] == ["From CNN's Ann Lee, Bo Chen and Cy Diaz", "By Dana Evans, CNN",
                                         "From CNN’s Eve Fox"]
    assert [p.authors for p in posts] == [("Ann Lee", "Bo Chen", "Cy Diaz"), ("Dana Evans",), ("Eve Fox",)]
    assert posts[0].published == datetime(2024, 3, 5, 14, 58, tzinfo=UTC)
    # no time in the markup: the JSON-LD update with the same id gives it, with its offset
    assert posts[2].published == datetime(2024, 3, 5, 10, 45, tzinfo=timezone(timedelta(hours=-5)))
    assert not any(p.time_unknown for p in posts)


def test_cnn_bodies_keep_links_images_and_lists() -> None:
    power = parse("cnn-live-story.html").posts[0]
    assert power.blocks == (
        Paragraph("More than 20,000 homes in northern England are without power, the local network operator "
                  "said Tuesday.", links=(Link(62, 93, "https://www.example-utility.co.uk/outages"),)),
        Figure("Waves crash over the sea wall at Whitehaven, Cumbria, on Tuesday.", "Ann Photo/Reuters",
               "https://media.cnn.com/api/v1/images/stellar/prod/storm-hallie-cumbria.jpg?c=16x9&q=h_438,w_780,"
               "c_fill", "Waves crash over a sea wall in Cumbria."),
        Paragraph("Utility crews said the worst-hit areas were:"),
        BulletList(("Cumbria", "North Yorkshire", "County Durham")),
    )
    assert parse("cnn-live-story.html").posts[1].blocks == (
        Paragraph("Storm Hallie made landfall in Ireland overnight and is moving across northern England."),
        Paragraph("See the latest map."))


@pytest.mark.parametrize(("byline", "authors"), [
    ("By Ann Lee, Bo Chen and Cy Diaz", ("Ann Lee", "Bo Chen", "Cy Diaz")),
    ("From CNN's Ann Lee and Bo Chen", ("Ann Lee", "Bo Chen")),
    ("From CNN’s Ann Lee, Bo Chen, and Cy Diaz", ("Ann Lee", "Bo Chen", "Cy Diaz")),
    ("By Ann Lee, CNN", ("Ann Lee",)),
])
def test_cnn_bylines_split_into_authors(byline: str, authors: tuple[str, ...]) -> None:
    page = ('<html><body><article class="live-story-post liveStoryPost" data-post-id="h_1">'
            f'<header class="live-story-post__header"><span class="live-story-post__byline">{byline}</span>'
            '</header><div class="live-story-post__content"><p>Text.</p></div></article></body></html>')
    found = cnn.adapter(LexborHTMLParser(page), None)
    assert found is not None and found.posts[0].authors == authors


def test_cnn_pages_from_2020_to_2023_with_a_clock_and_date_line() -> None:
    old = """<html><body><div id="posts-and-button">
    <article id="h_102d988c6184b8575600a3f5192f9dbf" class="sc-bdVaJa post">
      <header class="post-header"><span class="sc-jzJRlG">12:09 a.m. ET, October 30, 2023</span>
      <h2 class="post-headline">Aid convoy reaches the border</h2><p class="sc-cSHVUG">From CNN's Ann Lee in Cairo</p></header>
      <div class="post-content-rendered render-stellar-contentstyles__Content-sc-9v7nwy-0"><p>Trucks crossed at dawn.</p></div>
    </article></div></body></html>"""
    page = cnn.adapter(LexborHTMLParser(old), "https://edition.cnn.com/middleeast/live-news/x-10-29-23/index.html")
    assert page is not None
    post = page.posts[0]
    assert (post.source_id, post.title, post.authors) == (
        "h_102d988c6184b8575600a3f5192f9dbf", "Aid convoy reaches the border", ("Ann Lee",))
    assert post.published is not None and post.published.isoformat() == "2023-10-30T00:09:00-04:00"
    assert post.blocks == (Paragraph("Trucks crossed at dawn."),)


# --- the BBC --------------------------------------------------------------------------------

def test_bbc_posts_ids_times_titles_and_contributors() -> None:
    capture = parse("bbc-live.html")
    assert (capture.blog.outlet, capture.blog.url) == ("BBC", "https://www.bbc.co.uk/news/live/uk-68472119")
    assert capture.blog.title == "Storm Hallie: Flood warnings across Wales and north-west England"
    posts = capture.posts
    assert [p.source_id for p in posts] == ["post-asset-4b0c8e2a-1d7f-4a3b-9c6e-2f8d1a5b7c90",
                                            "urn:bbc:tipo:asset:8e1d4c2b-6a9f-4b3e-a7d0-5c1f2e3b4a69",
                                            "asset:0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f"]
    assert [p.title for p in posts] == ["Severe flood warning issued for River Severn",
                                        "Trains cancelled between Cardiff and Abergavenny", "Good morning"]
    assert not any(p.headline_derived for p in posts)
    assert posts[0].published == datetime(2024, 3, 5, 14, 32, tzinfo=UTC)
    assert posts[2].published == datetime(2024, 3, 5, 10, 15, tzinfo=UTC)
    # "13:05" alone has no date: the time is unknown, the page's own time stands in
    assert posts[1].time_unknown and posts[1].published == datetime(2024, 3, 5, 7, 0, tzinfo=UTC)
    assert [p.authors for p in posts] == [("Gwen Reporter",), (), ()]
    assert posts[0].blocks[-1] == Figure(
        "Fields near Llandrinio were under water by midday", "Getty Images",
        "https://ichef.bbci.co.uk/ace/standard/800/cpsprodpb/1a2b/live/severn-flood.jpg.webp",
        "Flooded fields beside the River Severn")
    assert posts[0].blocks[2] == BulletList(("move to higher ground", "turn off gas and electricity"))
    assert posts[2].blocks[1] == Quote("We are expecting a very wet and windy day.", "Met Office forecaster")
    every = " ".join(b.full_text for p in posts for b in p.blocks if isinstance(b, Paragraph))
    for chrome in ("published at", "Share", "BBC Wales", "Breaking", "Image caption", "Link to this post"):
        assert chrome not in every


# --- every outlet ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", OUTLET_FIXTURES)
def test_exactly_one_adapter_answers_for_each_outlet_page(name: str) -> None:
    tree = LexborHTMLParser((FIXTURES / name).read_text(encoding="utf-8"))
    expected = {"guardian": guardian.adapter, "cnn": cnn.adapter, "bbc": bbc.adapter}[name.split("-")[0]]
    assert [adapter is expected for adapter in ADAPTERS if adapter(tree, None) is not None] == [True]


def test_hosts_are_checked_through_the_wayback_machine() -> None:
    assert on_host("https://edition.cnn.com/x", ("cnn.com",))
    assert on_host("https://web.archive.org/web/20240305id_/https://www.bbc.co.uk/news/live/x", ("bbc.co.uk",))
    assert not on_host("https://notcnn.com/x", ("cnn.com",))
    assert not on_host("https://www.theguardian.com/x", ("cnn.com",))
    assert on_host(None, ("cnn.com",))


_HOSTILE = re.compile(r"javascript:|onerror|onclick|onload|document\.cookie|alert\(1\)|alert\(2\)|injected|"
                      r"Subscribe|Sign up|Vote|display|background|Advertisement|srcdoc|Email", re.IGNORECASE)


def _addresses(block: Block) -> list[str]:
    if isinstance(block, (Paragraph, Quote)):
        return [link.href for link in block.links]
    if isinstance(block, Figure):
        return [block.src] if block.src else []
    if isinstance(block, Embed):
        return [block.url]
    return []


def _texts(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        return [block.full_text]
    if isinstance(block, Quote):
        return [block.text, block.cite or ""]
    if isinstance(block, Figure):
        return [block.caption, block.credit or "", block.alt or ""]
    if isinstance(block, Embed):
        return [block.text]
    return list(block.items)


@pytest.mark.parametrize("name", OUTLET_FIXTURES)
def test_nothing_executable_survives_an_outlet_page(name: str) -> None:
    capture = parse(name)
    for post in capture.posts:
        for block in post.blocks:
            assert all(re.match(r"https?://", url) for url in _addresses(block)), block
            assert not any(_HOSTILE.search(t) for t in _texts(block)), block
            if isinstance(block, Figure):
                assert not re.search(r"pixel|ping|scorecard|1\.gif", block.src or ""), block


@pytest.mark.parametrize(("img", "kept"), [
    ('<img src="https://t.example/a.gif" width="1" height="1">', False),
    ('<img src="https://t.example/a.gif" width="1px" height="1px" alt="beacon">', False),
    ('<img src="https://t.example/a.gif" height="0">', False),
    ('<img src="https://t.example/a.gif" style="display: none">', False),
    ('<img src="https://t.example/a.gif" style="width:1px;height:1px">', False),
    ('<img src="https://t.example/a.gif" hidden>', False),
    ('<img src="https://i.example/photo.jpg" width="10" height="12" alt="A small photo">', True),
    ('<img src="https://i.example/photo.jpg" style="max-width:100%" alt="A photo">', True),
])
def test_tracking_pixels_are_not_figures(img: str, kept: bool) -> None:
    body = LexborHTMLParser(f"<body><div>{img}</div></body>").css_first("div")
    assert body is not None
    assert any(isinstance(b, Figure) for b in blocks(body, None)) is kept


# --- golden imports and built sites -----------------------------------------------------------

def imported(tmp_path: Path, name: str) -> Path:
    root = make_site(tmp_path / "site")
    result = CliRunner().invoke(main, ["--site", str(root), "import", str(FIXTURES / name),
                                       "--captured-at", "2024-03-06T03:00:00Z"])
    assert result.exit_code == 0, result.output
    return root


@pytest.mark.parametrize("name", OUTLET_FIXTURES)
def test_importing_an_outlet_page_gives_the_golden_content_tree(tmp_path: Path, name: str) -> None:
    root = imported(tmp_path, name)
    compare(root / "content", GOLDEN / "html" / Path(name).stem)


_OWN_JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


@pytest.mark.parametrize("name", OUTLET_FIXTURES)
def test_a_site_built_from_an_outlet_page_runs_nothing(tmp_path: Path, name: str) -> None:
    root = imported(tmp_path, name)
    result = CliRunner().invoke(main, ["--site", str(root), "build"])
    assert result.exit_code == 0, result.output
    public = root / "public"
    # public/captures/ holds the capture itself, byte for byte, as plain text (.txt): the record
    # of what was archived, never rendered; every page the site renders is checked.
    pages = [p for p in public.rglob("*") if p.suffix in (".html", ".xml", ".json", ".txt")
             and p.relative_to(public).parts[0] != "captures"]
    assert any(p.suffix == ".html" for p in pages)
    assert all(p.suffix == ".txt" for p in (public / "captures").rglob("*") if p.is_file())
    for page in pages:
        content = page.read_text(encoding="utf-8")
        for block in _OWN_JSON_LD.findall(content):
            assert "<" not in block, f"{page}: markup inside the site's JSON-LD"
        rest = without_search_scripts(page.relative_to(public).as_posix(), _OWN_JSON_LD.sub("", content))
        assert "<script" not in rest.lower(), page
        assert "onerror" not in content.lower(), page
        assert "javascript:" not in content.lower(), page


def test_a_key_event_is_kept_in_content_and_shown(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    runner = CliRunner()
    result = runner.invoke(main, ["--site", str(root), "import", str(FIXTURES / "guardian-key-events.html"),
                                  "--captured-at", "unknown"])
    assert result.exit_code == 0, result.output
    files = {p.name: p.read_text(encoding="utf-8") for p in (root / "content").glob("*/*.md")}
    marked = sorted(name for name, text in files.items() if "key_event: true\n" in text)
    expected = [p for p in parse("guardian-key-events.html").posts if p.key_event]
    assert marked and len(marked) == len(expected)
    assert runner.invoke(main, ["--site", str(root), "build"]).exit_code == 0
    day = next((root / "public").glob("*/*/*/index.html")).read_text(encoding="utf-8")
    assert day.count('<p class="key-event">Key event</p>') == len(expected)
