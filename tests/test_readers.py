"""Readers in a real browser (Chromium through Playwright, served over HTTP under
/liveblog-archive/): search, the calendar, day lists, and axe-core on every kind
of page at phone and desktop width, light and dark. Never skipped under CI=true."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.request import urlopen

import pytest
import tools
from click.testing import CliRunner

from generator.cli import main
from generator.search.pagefind import PAGEFIND_VERSION
from sites import REPO, SAMPLE, SAMPLE_URL, make_site

BLOG = "live/2023-07-08-russia-ukraine-news/"
PAGES = {"home": "", "archive": "archive/", "month": "2023/07/", "day": "2023/07/08/",
         "post": "2023/07/08/0912-ukrainian-president-discusses-nato-membership-with-turkeys-erdogan-ahead-of/",
         "topic": "topics/nato/", "blog": BLOG, "search": "search/?q=Erdogan"}


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_site(tmp_path_factory.mktemp("readers") / "site",
                     site_toml=(REPO / "site.toml").read_text(encoding="utf-8"))
    runner = CliRunner()
    assert runner.invoke(main, ["--site", str(root), "import", str(SAMPLE), "--source-url", SAMPLE_URL,
                                "--captured-at", "unknown"]).exit_code == 0
    result = runner.invoke(main, ["--site", str(root), "build"])
    assert result.exit_code == 0, result.output
    return root / "public"


@pytest.fixture(scope="module")
def served(public: Path) -> Any:
    with tools.serve_directory(public) as base:
        yield base


def posts_with(public: Path, word: str) -> set[str]:
    """The permalinks of the posts whose own text holds `word`."""
    found = set()
    for page in public.glob("2023/07/08/*/index.html"):
        body = page.read_text(encoding="utf-8").split("data-pagefind-body", 1)[1].split("</article>", 1)[0]
        if re.search(rf"\b{word}\b", re.sub(r"<[^>]+>", " ", body)):
            found.add("/liveblog-archive/" + page.parent.relative_to(public).as_posix() + "/")
    return found


def test_the_pagefind_pin_matches_the_module() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert f"pagefind[extended]=={PAGEFIND_VERSION}" in project["project"]["dependencies"]


def test_the_index_holds_every_post_and_nothing_else(public: Path) -> None:
    entry = json.loads((public / "pagefind/pagefind-entry.json").read_text())
    assert [language["page_count"] for language in entry["languages"].values()] == [9]
    assert len(list(public.glob("2023/07/08/*/index.html"))) == 9


def test_a_word_in_two_posts_finds_those_two_and_a_result_opens_its_permalink(
        public: Path, served: str, chromium: Any) -> None:
    expected = posts_with(public, "Vilnius")
    assert len(expected) == 2
    with tools.new_page(chromium, width=1280, height=900) as page:
        page.goto(served + "search/")
        page.locator("pagefind-input input").fill("Vilnius")
        page.wait_for_function("document.querySelectorAll('.pf-result-link').length == 2")
        links = page.locator(".pf-result-link")
        assert {links.nth(i).get_attribute("href") for i in range(2)} == expected
        assert re.search(r"July 8, 2023 · \d+:\d\d a\.m\. ET · Russia-Ukraine news",
                         page.locator(".result-meta").first.inner_text())
        first = links.first.get_attribute("href")
        links.first.focus()  # by keyboard, as a reader without a mouse would
        page.keyboard.press("Enter")
        page.wait_for_url("**" + str(first))
        assert "Vilnius" in page.locator("h1").inner_text() + page.locator(".body").inner_text()


def test_a_topic_filter_narrows_the_results(served: str, chromium: Any) -> None:
    with tools.new_page(chromium, width=1280, height=900) as page:
        page.goto(served + "search/?q=Ukraine")  # the header's form sends ?q=
        page.wait_for_function("document.querySelectorAll('.pf-result-link').length > 2")
        everything = page.locator(".pf-result-link").count()
        page.locator("pagefind-filter-pane .pf-filter-group-name", has_text="Topic").click()
        page.locator("pagefind-filter-pane label", has_text="Cluster munitions").first.click()
        # Pagefind empties the list before it shows the filtered results: wait for them
        page.wait_for_function("n => { const k = document.querySelectorAll('.pf-result-link').length;"
                               " return 0 < k && k < n; }", arg=everything)
        narrowed = page.locator(".pf-result-link")
        assert 0 < narrowed.count() < everything
        assert "cluster" in narrowed.first.inner_text().lower()


def test_every_calendar_link_resolves_and_the_day_list_reaches_every_post(
        public: Path, served: str, chromium: Any) -> None:
    with tools.new_page(chromium, width=1280, height=900) as page:
        checked = 0
        for path in ("archive/", "2023/07/"):
            page.goto(served + path)
            hrefs = page.eval_on_selector_all("main a", "links => links.map(a => a.href)")
            assert hrefs, path
            for href in hrefs:
                with urlopen(href.split("#")[0]) as response:  # noqa: S310 - our own server
                    assert response.status == 200, href
                checked += 1
        assert checked > 3
        page.goto(served + "archive/")
        assert page.locator("td.has-posts a").get_attribute("href") == "/liveblog-archive/2023/07/08/"
        page.goto(served + "2023/07/08/")
        permalinks = set(page.eval_on_selector_all(".on-this-day a.permalink", "ls => ls.map(a => a.pathname)"))
        anchors = page.eval_on_selector_all(".on-this-day .headlines span > a:first-child",
                                            "ls => ls.map(a => a.hash.slice(1))")
        posts = {"/liveblog-archive/" + p.parent.relative_to(public).as_posix() + "/"
                 for p in public.glob("2023/07/08/*/index.html")}
        assert permalinks == posts
        assert len(anchors) == 9 and all(page.locator(f"article[id='{a}']").count() == 1 for a in anchors)


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations_on_any_kind_of_page(
        served: str, chromium: Any, axe: Any, width: int, scheme: str) -> None:
    with tools.new_page(chromium, width=width, height=900) as page:
        page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
        for name, path in PAGES.items():
            page.goto(served + path)
            if name == "search":
                page.wait_for_selector(".pf-result-link")
            assert axe(page) == [], (name, width, scheme)
        # Keyboard: the first Tab reaches the skip link, which is then visible.
        page.goto(served)
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip"
        assert page.evaluate("document.activeElement.getBoundingClientRect().left") >= 0


def test_the_time_column_never_wraps_and_the_measure_stays_short(served: str, chromium: Any) -> None:
    with tools.new_page(chromium, width=1280, height=900) as page:
        page.goto(served + "2023/07/08/")
        heights = page.eval_on_selector_all(".headlines time", "ts => ts.map(t => t.getClientRects().length)")
        assert heights and set(heights) == {1}
        chars = page.evaluate("""() => {
            const p = document.querySelector('.post .body p');
            const ch = document.createElement('span'); ch.textContent = 'abcdefghijklmnopqrstuvwxyz';
            p.appendChild(ch); const per = ch.getBoundingClientRect().width / 26; ch.remove();
            return p.getBoundingClientRect().width / per; }""")
        assert chars <= 75


def test_a_day_of_fifty_posts_stays_under_100_kb(tmp_path: Path) -> None:
    body = ("The regional governor said on Saturday that air defences had shot down several drones "
            "over the region overnight, and that debris had damaged two houses. ") * 4
    files = {"content/2023-07-08-test-news/_blog.md": BLOG_FILE}
    for i in range(50):
        files[f"content/2023-07-08-test-news/p{i}.md"] = (
            f"---\nid: 2023-07-08-{i:04d}-post-{i}\ntitle: A headline of ordinary length for post {i}\n"
            f"published: 2023-07-08T{8 + i // 6:02d}:{i % 6 * 10:02d}:00-04:00\nauthors: [Ann Author]\n"
            f"topics: [Test news, NATO]\nblog: 2023-07-08-test-news\nposition: {i + 1}\n---\n\n{body}\n")
    root = make_site(tmp_path / "site", files)
    assert CliRunner().invoke(main, ["--site", str(root), "build", "--no-search"]).exit_code == 0
    day = (root / "public/2023/07/08/index.html").stat().st_size
    css = (root / "public/static/style.css").stat().st_size
    assert day + css < 100_000, (day, css)
    assert "pagefind" not in (root / "public/2023/07/08/index.html").read_text()


BLOG_FILE = """\
---
title: Test news, July 8, 2023
series: Test news
date: 2023-07-08
authors: [Ann Author]
outlet: CNN
declared_posts: 50
archived_posts: 50
---
"""
