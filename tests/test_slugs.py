"""Specification of the one slug rule (core/slugs.py) and of the URLs it makes.

Post ids, live blog folders and topic pages all take their slug from
`slugs.slug`; topics whose slug under liveblog 0.1's rule differed (the
apostrophe: "Russia's war" was `russia-s-war`) keep a redirect at the old
address, and their old feed keeps being published.
"""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from generator.cli import main
from generator.commands.check import check_site
from generator.core.slugs import legacy_topic_slug, slug, topic_slug, unique
from sites import BLOG, SITE_TOML, make_site, post

BLOG_DIR = "content/2023-07-08-test-news"


def test_apostrophes_vanish_in_every_slug() -> None:
    assert slug("Russia's war") == "russias-war"
    assert slug("Russia’s war") == "russias-war"
    assert topic_slug("Russia's war") == "russias-war"
    assert legacy_topic_slug("Russia's war") == "russia-s-war"


def test_slugs_are_never_empty_and_never_leave_their_folder() -> None:
    assert slug("¿¡…!?") == "post"
    assert slug("…", fallback="live-blog") == "live-blog"
    assert topic_slug("!!!") == "topic"
    assert slug("../../etc/passwd") == "etc-passwd"


def test_unique_numbers_repeats_from_two_and_records_what_it_gives() -> None:
    taken: set[str] = set()
    assert [unique("nato", taken) for _ in range(3)] == ["nato", "nato-2", "nato-3"]
    assert taken == {"nato", "nato-2", "nato-3"}


@given(st.text(max_size=50))
def test_topics_and_posts_follow_the_same_rule(name: str) -> None:
    # Short names (under the topic length) give the same slug as a post's headline.
    if slug(name) != "post":
        assert topic_slug(name) == slug(name)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug(name))


def _site(tmp_path: Path) -> Path:
    toml = SITE_TOML + "\"Russia's war\" = [\"Russia's war\"]\n\"O'Brien\" = [\"O'Brien\"]\n"
    return make_site(tmp_path / "site", {
        f"{BLOG_DIR}/_blog.md": BLOG,
        f"{BLOG_DIR}/2023-07-08-1129-russias-war-goes-on.md": post(
            "2023-07-08-1129-russias-war-goes-on", "2023-07-08T11:29:00-04:00",
            title="Russia's war goes on", topics="[Test news, \"Russia's war\", \"O'Brien\"]"),
    }, site_toml=toml)


def test_topic_pages_use_the_one_rule_and_old_addresses_redirect(tmp_path: Path) -> None:
    root = _site(tmp_path)
    result = CliRunner().invoke(main, ["--site", str(root), "build"])
    assert result.exit_code == 0, result.output
    public = root / "public"
    assert (public / "2023/07/08/1129-russias-war-goes-on/index.html").is_file()
    assert (public / "topics/russias-war/index.html").is_file()
    assert (public / "topics/obrien/index.html").is_file()

    moved = (public / "topics/russia-s-war/index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=/liveblog-archive/topics/russias-war/">' in moved
    assert '<link rel="canonical" href="https://example.org/liveblog-archive/topics/russias-war/">' in moved
    assert '<a href="/liveblog-archive/topics/russias-war/">' in moved
    assert (public / "topics/o-brien/index.html").is_file()
    # Feed readers subscribed at the old address keep the same feed.
    assert (public / "topics/russia-s-war/feed.xml").read_bytes() == \
        (public / "topics/russias-war/feed.xml").read_bytes()

    sitemap = (public / "sitemap.xml").read_text(encoding="utf-8")
    assert "topics/russias-war/" in sitemap and "russia-s-war" not in sitemap
    assert check_site(public, "https://example.org/liveblog-archive/").problems == ()


def test_every_topic_folder_is_the_slug_of_a_topic_or_a_redirect(tmp_path: Path) -> None:
    root = _site(tmp_path)
    assert CliRunner().invoke(main, ["--site", str(root), "build"]).exit_code == 0
    names = ["Test news", "Russia's war", "O'Brien", "NATO"]
    slugs = {topic_slug(name) for name in names}
    for folder in sorted((root / "public/topics").iterdir()):
        if not folder.is_dir():
            continue
        page = (folder / "index.html").read_text(encoding="utf-8")
        if folder.name not in slugs:
            assert 'http-equiv="refresh"' in page, folder.name
            assert folder.name in {legacy_topic_slug(name) for name in names}


def test_no_redirect_where_an_old_slug_is_now_another_topics_page(tmp_path: Path) -> None:
    # "Russia s war" now owns russia-s-war, the old slug of "Russia's war": no redirect there.
    root = make_site(tmp_path / "site", {
        f"{BLOG_DIR}/_blog.md": BLOG,
        f"{BLOG_DIR}/2023-07-08-1129-a.md": post(
            "2023-07-08-1129-a", "2023-07-08T11:29:00-04:00",
            topics="[Test news, \"Russia's war\", Russia s war]"),
    })
    result = CliRunner().invoke(main, ["--site", str(root), "build"])
    assert result.exit_code == 0, result.output
    page = (root / "public/topics/russia-s-war/index.html").read_text(encoding="utf-8")
    assert 'http-equiv="refresh"' not in page and "<h1" in page
