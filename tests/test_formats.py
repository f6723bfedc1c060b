"""Every capture format in one site: a text capture, a saved HTML page, a WARC and a
WACZ write content/ the same way and build together into one valid, accessible site."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import tools
import warcs
from click.testing import CliRunner

from generator.cli import main
from generator.commands.check import check_site
from sites import REPO, SAMPLE, SAMPLE_URL, make_site, snapshot

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--site", str(root), *args])
    return result.exit_code, result.stdout, result.stderr


def _site_with_every_format(tmp_path: Path) -> Path:
    root = make_site(tmp_path / "site", site_toml=(REPO / "site.toml").read_text(encoding="utf-8"))
    crawl = tmp_path / "crawl.warc.gz"
    crawl.write_bytes(warcs.warc(warcs.CRAWL))
    package = tmp_path / "crawl.wacz"
    package.write_bytes(warcs.wacz({"data.warc.gz": warcs.warc(warcs.CRAWL)}))
    page = FIXTURES / "html" / "jsonld-shared-time-and-headline.html"
    code, _out, err = run(root, "import", str(SAMPLE), "--source-url", SAMPLE_URL, "--captured-at", "unknown")
    assert code == 0, err
    code, out, err = run(root, "import", str(page), str(crawl), str(package), "--captured-at", "unknown")
    assert code == 0, err
    assert f"{page}: HTML page, Example Daily, 3 posts found" in out
    assert f"{crawl}: WARC, Example News, 3 captures, " in out
    assert f"{package}: WACZ, Example News, 3 captures, " in out
    return root


def test_every_format_writes_content_the_same_way_and_builds_into_one_site(tmp_path: Path) -> None:
    root = _site_with_every_format(tmp_path)
    blogs = sorted(p.name for p in (root / "content").iterdir() if p.is_dir())
    assert blogs == ["2023-07-08-russia-ukraine-news", "2023-07-08-russia-ukraine-war-live-fighting-around-bakhmut",
                     "2024-03-05-storm-live-latest-updates"]  # the WARC and the WACZ are one blog
    storm = (root / "content/2024-03-05-storm-live-latest-updates/_blog.md").read_text(encoding="utf-8")
    assert storm.count("format: warc") == 3 and storm.count("format: wacz") == 3
    assert run(root, "build")[0] == 0
    public = root / "public"
    assert check_site(public, "https://example.github.io/liveblog-archive/").problems == ()
    code, out, err = run(root, "verify", "--coverage")
    assert code == 0, err
    assert out.count("100.0 %") == 8  # the text capture, the page, 3 WARC and 3 WACZ records
    before = snapshot(root / "content")
    for capture in sorted((root / "captures").iterdir()):
        if capture.name != "manifest-sha256.txt":
            assert run(root, "import", str(capture), "--captured-at", "unknown")[0] == 0
    assert snapshot(root / "content") == before  # importing again changes nothing


def test_pages_from_every_format_are_valid_html_and_accessible(tmp_path: Path, vnu: Any, chromium: Any,
                                                               axe: Any) -> None:
    root = _site_with_every_format(tmp_path)
    built = run(root, "build")
    assert built[0] == 0, built
    public = root / "public"
    pages = sorted(public.glob("*/*/*/index.html")) + sorted(public.glob("*/*/*/*/index.html")) \
        + sorted(public.glob("live/*/index.html"))
    assert len(pages) > 20
    assert vnu(pages) == []
    with tools.serve_directory(public, "/liveblog-archive/") as base:
        for rel in ("2024/03/05/", "live/2023-07-08-russia-ukraine-war-live-fighting-around-bakhmut/"):
            with tools.new_page(chromium, width=390, height=844) as page:
                page.goto(base + rel)
                assert axe(page) == [], rel
